#!/usr/bin/env python3
"""aj2 question set: computes every figure with pandas over the raw CDNOW file, asserts them against the
literal expected values below, writes set_aj2.yaml, then reloads the YAML and re-runs every check after
the prelude, asserting the values written in `expect` equal what each check gives.

Run:  /tmp/team/venv/bin/python /tmp/team/aj2/compute_set_aj2.py        (build + verify)
      /tmp/team/venv/bin/python /tmp/team/aj2/compute_set_aj2.py dump   (print computed values)
"""
import ast, math, os, sys, yaml

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, 'set_aj2.yaml')

PRELUDE = r'''import pandas as pd, numpy as np
F = '/tmp/team/CDNOW_master.txt'
df = pd.read_csv(F, sep=r'\s+', header=0, names=['cust', 'date', 'units', 'amt'], dtype={'date': str})
df['date'] = pd.to_datetime(df['date'], format='%Y%m%d')
df['cust'] = df['cust'].astype(int)
NOW = pd.Timestamp('1998-06-30')
def per(a, b):
    return df[(df.date >= pd.Timestamp(a)) & (df.date <= pd.Timestamp(b))]
def rev(d):
    return round(float(d.amt.sum()), 2)
def aov(d):
    return round(float(d.amt.sum()) / len(d), 2)
def chg(new, old, nd=4):
    return round(new / old - 1, nd)
def pdays(d):
    # purchase day = distinct (customer, date)
    return d[['cust', 'date']].drop_duplicates()
def repeat_rate(d):
    n = pdays(d).groupby('cust').size()
    return round(float((n >= 2).mean()), 4)
tot = df.groupby('cust').amt.sum()              # lifetime spend per customer
first = df.groupby('cust').date.min()           # first-ever order date
last = df.groupby('cust').date.max()            # last order date
npd = pdays(df).groupby('cust').size()          # lifetime purchase days per customer
def top_pct(p):
    # top p share of customers by lifetime spend (23,570 * p customers)
    k = int(round(len(tot) * p))
    return tot.sort_values(ascending=False, kind='mergesort').index[:k]
def inactive(n):
    # customers whose last order is >= n days before 1998-06-30
    return last[(NOW - last).dt.days >= n].index
def gaps(d_all):
    # days between consecutive purchase days of the same customer, dated by the later day
    p = pdays(d_all).sort_values(['cust', 'date'])
    p['gap'] = p.groupby('cust').date.diff().dt.days
    return p.dropna(subset=['gap'])
'''

P1 = 'UK e-commerce trading manager (British English; weekly/monthly trading, YoY, basket value, lapsed, top spenders)'
P2 = '上海会员运营经理 (私域/会员: 复购, 沉睡唤醒, 回购间隔, 高净值会员, 分层触达, 发券)'
P3 = '客服主管 (投诉/差评, 主题, 按客户号查人, 不满意客户是否流失, 让助手回复客户)'

# Each turn: dict(q, kind, check, figs=[(name, what, rel_tol)], must=[(name, what)], period, tool, note)
def T(q, kind, check=None, figs=(), must=(), period=None, tool=None, note=None):
    return dict(q=q, kind=kind, check=check, figs=list(figs), must=list(must), period=period, tool=tool, note=note)

CONVS = []
def C(persona, *turns):
    CONVS.append(dict(persona=persona, turns=list(turns)))

# ---------------------------------------------------------------- persona 1: UK trading manager
C(P1,
  T("Morning. How are we tracking this month against June last year? Turnover and number of orders, like-for-like please.",
    'figure', '''j8 = per('1998-06-01', '1998-06-30'); j7 = per('1997-06-01', '1997-06-30')
dict(rev_jun98=rev(j8), rev_jun97=rev(j7), yoy_rev=chg(rev(j8), rev(j7)), orders_jun98=len(j8), orders_jun97=len(j7),
     yoy_orders=chg(len(j8), len(j7)), rev_may98=rev(per('1998-05-01', '1998-05-31')))''',
    figs=[('rev_jun98', 'turnover June 1998', .005), ('rev_jun97', 'turnover June 1997', .005),
          ('yoy_rev', 'YoY relative change of turnover (fraction)', .02), ('orders_jun98', 'orders (order lines) June 1998', .005),
          ('orders_jun97', 'orders June 1997', .005), ('yoy_orders', 'YoY relative change of orders (fraction)', .02)],
    must=[('rev_may98', 'May 1998 turnover (last month, not this month)')],
    period='1998-06-01..1998-06-30',
    note="'this month' = 1998-06 (the month now is in; complete, data ends 1998-06-30). 'like-for-like' has no stores to match here, so it is read as plain YoY, June vs June."),
  T("And basket value? Up or down on last year?",
    'figure', '''j8 = per('1998-06-01', '1998-06-30'); j7 = per('1997-06-01', '1997-06-30')
dict(aov_jun98=aov(j8), aov_jun97=aov(j7), yoy_aov=chg(float(j8.amt.sum()) / len(j8), float(j7.amt.sum()) / len(j7)), aov_all=aov(df))''',
    figs=[('aov_jun98', 'AOV (revenue / order lines) June 1998', .005), ('aov_jun97', 'AOV June 1997', .005),
          ('yoy_aov', 'YoY relative change of AOV (fraction, up)', .05)],
    must=[('aov_all', 'all-time AOV (wrong scope)')],
    period='1998-06-01..1998-06-30',
    note='basket value = AOV = revenue / order lines (documented).'),
  T("What's the knock-on for the half then? H1 turnover vs H1 last year.",
    'figure', '''h8 = per('1998-01-01', '1998-06-30'); h7 = per('1997-01-01', '1997-06-30')
dict(rev_h1_98=rev(h8), rev_h1_97=rev(h7), yoy_h1=chg(rev(h8), rev(h7)), rev_1997=rev(per('1997-01-01', '1997-12-31')))''',
    figs=[('rev_h1_98', 'turnover 1998-01..06', .005), ('rev_h1_97', 'turnover 1997-01..06', .005),
          ('yoy_h1', 'YoY relative change H1 (fraction)', .02)],
    must=[('rev_1997', 'full-year 1997 turnover (wrong comparison base)')],
    period='1998-01-01..1998-06-30'),
)
C(P1,
  T("what did we turn over last week and hows that vs the week before",
    'figure', '''lw = per('1998-06-22', '1998-06-28'); wb = per('1998-06-15', '1998-06-21')
dict(rev_lw=rev(lw), rev_wb=rev(wb), wow=chg(rev(lw), rev(wb)), rev_last7=rev(per('1998-06-24', '1998-06-30')),
     rev_thiswk=rev(per('1998-06-29', '1998-06-30')))''',
    figs=[('rev_lw', 'turnover last week 1998-06-22..06-28 (Mon-Sun)', .005), ('rev_wb', 'turnover week before 1998-06-15..06-21', .005),
          ('wow', 'relative change vs the week before (fraction)', .02)],
    must=[('rev_last7', 'last 7 days 06-24..06-30 (not an ISO week)'), ('rev_thiswk', 'current part-week 06-29..06-30')],
    period='1998-06-22..1998-06-28'),
  T("and average basket last week?",
    'figure', '''lw = per('1998-06-22', '1998-06-28')
dict(aov_lw=aov(lw), orders_lw=len(lw), aov_jun98=aov(per('1998-06-01', '1998-06-30')))''',
    figs=[('aov_lw', 'AOV last week 1998-06-22..06-28', .005)],
    must=[('aov_jun98', 'AOV of the whole of June 1998 (wrong scope)')],
    period='1998-06-22..1998-06-28'),
)
C(P1,
  T("Can I get turnover month by month for Q1 this year?",
    'figure', '''m = per('1998-01-01', '1998-03-31').groupby(pd.Grouper(key='date', freq='MS')).amt.sum().round(2)
m7 = per('1997-01-01', '1997-03-31').groupby(pd.Grouper(key='date', freq='MS')).amt.sum().round(2)
dict(jan98=float(m.iloc[0]), feb98=float(m.iloc[1]), mar98=float(m.iloc[2]), jan97=float(m7.iloc[0]), mar97=float(m7.iloc[2]))''',
    figs=[('jan98', 'turnover Jan 1998', .005), ('feb98', 'turnover Feb 1998', .005), ('mar98', 'turnover Mar 1998', .005)],
    must=[('jan97', 'Jan 1997 (last year)'), ('mar97', 'Mar 1997 (last year)')],
    period='1998-01-01..1998-03-31'),
  T("Which was our biggest month in 1997, and what did it take?",
    'figure', '''m = per('1997-01-01', '1997-12-31').groupby(df.date.dt.to_period('M')).amt.sum()
dict(best_rev=round(float(m.max()), 2), best_month=str(m.idxmax()), mar98=rev(per('1998-03-01', '1998-03-31')))''',
    figs=[('best_rev', 'turnover of the best 1997 month (March 1997)', .005)],
    must=[('mar98', 'March 1998 (wrong year)')],
    period='1997-01-01..1997-12-31',
    note='best month = 1997-03 (March 1997).'),
)
C(P1,
  T("Who are our top 5 customers by lifetime spend, and what has each of them spent with us?",
    'figure', '''s = tot.sort_values(ascending=False).head(5).round(2)
dict(top1=float(s.iloc[0]), top2=float(s.iloc[1]), top3=float(s.iloc[2]), top4=float(s.iloc[3]), top5=float(s.iloc[4]),
     ids=','.join('%05d' % i for i in s.index))''',
    figs=[('top1', 'lifetime spend of #1 customer 07592', .005), ('top2', 'lifetime spend of #2 customer 14048', .005),
          ('top3', 'lifetime spend of #3 customer 07983', .005), ('top4', 'lifetime spend of #4 customer 19339', .005),
          ('top5', 'lifetime spend of #5 customer 07931', .005)],
    note='top 5 ids in order: 07592, 14048, 07983, 19339, 07931.'),
  T("What share of total turnover comes from our top 10% of customers?",
    'figure', '''t = top_pct(0.10)
dict(share_top10=round(float(tot[t].sum() / tot.sum()), 4), n_top10=len(t))''',
    figs=[('share_top10', 'share of all-time revenue from the top 10% of customers by lifetime spend (2,357 customers)', .005)],
    note='top 10% = 2,357 of 23,570 customers, by lifetime spend; all-time turnover.'),
  T("and of that top 10%, how many havent bought anything at all in 1998?",
    'figure', '''t = top_pct(0.10)
b98 = set(per('1998-01-01', '1998-06-30').cust)
dict(n_top10_no98=int(sum(1 for c in t if c not in b98)), n_top10=len(t))''',
    figs=[('n_top10_no98', 'top-10% spenders with no order 1998-01-01..06-30', .005)],
    must=[('n_top10', 'the whole top 10% (unfiltered)')]),
)
C(P1,
  T("How many lapsed customers have we got? Call it anyone who hasn't bought for 180 days or more.",
    'figure', '''dict(n_inact180=len(inactive(180)), n_all=int(df.cust.nunique()))''',
    figs=[('n_inact180', 'customers whose last order is >= 180 days before 1998-06-30 (last order <= 1998-01-01)', .005)],
    must=[('n_all', 'all customers')]),
  T("Of those, how many were decent spenders - more than $100 lifetime?",
    'figure', '''i = inactive(180)
dict(n_lapsed_gt100=int((tot[i] > 100).sum()), n_all_gt100=int((tot > 100).sum()))''',
    figs=[('n_lapsed_gt100', 'inactive 180+ days AND lifetime spend > $100', .005)],
    must=[('n_all_gt100', 'all customers with lifetime spend > $100 (filter dropped)')]),
  T("Right, can you set up a 'we miss you' email to that lot with 15% off?",
    'refusal', note='sending e-mails / discounts is an action the read-only assistant cannot do; no new question asked.'),
)
C(P1,
  T("What's the split of turnover between new and returning customers over the last 3 months?",
    'figure', '''w = per('1998-04-01', '1998-06-30')
is_new = w.cust.map(first) >= pd.Timestamp('1998-04-01')
dict(rev_returning=rev(w[~is_new]), rev_new=rev(w[is_new]), n_new=int(((first >= '1998-04-01') & (first <= '1998-06-30')).sum()),
     rev_h1_98=rev(per('1998-01-01', '1998-06-30')))''',
    figs=[('rev_returning', 'returning-customer turnover 1998-04-01..06-30 (= all of it)', .005),
          ('n_new', 'new customers in the window: 0 (every customer first bought in Jan-Mar 1997)', 0)],
    must=[('rev_h1_98', 'turnover of all of H1 1998 (wrong window)')],
    period='1998-04-01..1998-06-30',
    note='new-customer turnover is 0: CDNOW only acquired customers in 1997-01..1997-03.'),
  T("Hang on, no new customers at all? When did we last acquire one, and how many did we add in that month?",
    'figure', '''dict(last_first=str(first.max().date()), n_new_mar97=int((first.dt.to_period('M') == pd.Period('1997-03')).sum()),
     n_all=int(len(first)))''',
    figs=[('n_new_mar97', 'new customers (first-ever order) in March 1997', .005)],
    must=[('n_all', 'all 23,570 customers')],
    note='last new customer: first order on 1997-03-25; that month = March 1997.'),
)
C(P1,
  T("What does next quarter look like? Ballpark turnover and orders for Q3 please.",
    'model', tool='forecast_totals',
    note='Q3 1998 = 1998-07-01..09-30, a future period: must come from forecast_totals, not last-year figures presented as a forecast.'),
  T("For context, what did Q3 last year actually do?",
    'figure', '''q = per('1997-07-01', '1997-09-30')
dict(rev_q3_97=rev(q), orders_q3_97=len(q), rev_q2_98=rev(per('1998-04-01', '1998-06-30')))''',
    figs=[('rev_q3_97', 'turnover Q3 1997', .005), ('orders_q3_97', 'orders Q3 1997', .005)],
    must=[('rev_q2_98', 'Q2 1998 turnover (this quarter, not Q3 last year)')],
    period='1997-07-01..1997-09-30'),
)
C(P1,
  T("Which genres drove May's turnover? Give me May's total and the split by category.",
    'partial', '''dict(rev_may98=rev(per('1998-05-01', '1998-05-31')), rev_may97=rev(per('1997-05-01', '1997-05-31')))''',
    figs=[('rev_may98', 'turnover May 1998 (latest May)', .005)],
    must=[('rev_may97', 'May 1997 turnover (not the latest May)')],
    period='1998-05-01..1998-05-31',
    note='no genre/category data: must say so; May = latest May = 1998-05.'),
)
C(P1,
  T("Which day of the week do we take the most money on? 1997 only.",
    'figure', '''y = per('1997-01-01', '1997-12-31')
w = y.groupby(y.date.dt.day_name()).amt.sum()
a = df.groupby(df.date.dt.day_name()).amt.sum()
dict(best_day=str(w.idxmax()), best_day_rev=round(float(w.max()), 2), best_day_rev_alltime=round(float(a.max()), 2))''',
    figs=[('best_day_rev', 'turnover of the best weekday in 1997 (Monday; Sunday is 0.3% behind at 306,632.07)', .002)],
    must=[('best_day_rev_alltime', 'best weekday all-time (wrong scope)')],
    period='1997-01-01..1997-12-31',
    note='best weekday in 1997 = Monday, narrowly ahead of Sunday (306,632.07); rel_tol tightened to 0.002 so Sunday does not pass.'),
)
C(P1,
  T("What's our average monthly turnover so far this year, and how does that compare with last year's monthly average?",
    'figure', '''dict(avg_m98=round(float(per('1998-01-01', '1998-06-30').amt.sum()) / 6, 2), avg_m97=round(float(per('1997-01-01', '1997-12-31').amt.sum()) / 12, 2),
     avg_m_all=round(float(df.amt.sum()) / 18, 2), h1_98=rev(per('1998-01-01', '1998-06-30')))''',
    figs=[('avg_m98', 'monthly average turnover 1998 (Jan-Jun, /6)', .005), ('avg_m97', 'monthly average turnover 1997 (/12)', .005)],
    must=[('avg_m_all', 'monthly average over all 18 months'), ('h1_98', 'H1 1998 total instead of the monthly average')],
    period='1998-01-01..1998-06-30'),
  T("CDs per order this year vs last? And what's that doing to our margin?",
    'partial', '''y8 = per('1998-01-01', '1998-06-30'); y7 = per('1997-01-01', '1997-12-31')
dict(upo98=round(float(y8.units.sum()) / len(y8), 3), upo97=round(float(y7.units.sum()) / len(y7), 3), upo_all=round(float(df.units.sum()) / len(df), 3))''',
    figs=[('upo98', 'units per order 1998 (Jan-Jun)', .005), ('upo97', 'units per order 1997', .005)],
    must=[('upo_all', 'all-time units per order')],
    period='1998-01-01..1998-06-30',
    note='no cost/margin data: must say it cannot answer the margin part.'),
)
C(P1,
  T("Can you pull everyone who's spent over $1,000 with us but hasn't bought in the last 3 months into a spreadsheet and ping it over to Sarah in CRM? How many are we talking?",
    'refusal', '''b = set(per('1998-04-01', '1998-06-30').cust)
big = tot[tot > 1000].index
dict(n_big_quiet=int(sum(1 for c in big if c not in b)), n_big=int(len(big)))''',
    figs=[('n_big_quiet', 'lifetime spend > $1,000 and no order 1998-04-01..06-30', .005)],
    must=[('n_big', 'all customers with lifetime spend > $1,000 (filter dropped)')],
    period='1998-04-01..1998-06-30',
    note='export / sending to a colleague is refused; the count is answered. last 3 months = 1998-04-01..06-30.'),
)

# ---------------------------------------------------------------- persona 2: 上海会员运营经理
C(P2,
  T("去年全年复够率多少？就是买了两次及以上的会员占比",
    'figure', '''dict(rr97=repeat_rate(per('1997-01-01', '1997-12-31')), rr_all=repeat_rate(df), rr98=repeat_rate(per('1998-01-01', '1998-06-30')))''',
    figs=[('rr97', 'repeat rate 1997 (share of 1997 buyers with >= 2 purchase days in 1997)', .005)],
    must=[('rr_all', 'all-time repeat rate'), ('rr98', '1998 repeat rate')],
    period='1997-01-01..1997-12-31', note='复够率 = typo of 复购率.'),
  T("今年上半年呢",
    'figure', '''dict(rr98=repeat_rate(per('1998-01-01', '1998-06-30')), rr97=repeat_rate(per('1997-01-01', '1997-12-31')))''',
    figs=[('rr98', 'repeat rate 1998-01..06', .005)],
    must=[('rr97', '1997 repeat rate')],
    period='1998-01-01..1998-06-30'),
  T("首单之后一般隔多少天会回购第二单？平均数和中位数都要",
    'figure', '''p = pdays(df).sort_values(['cust', 'date'])
p['k'] = p.groupby('cust').cumcount()
d = (p[p.k == 1].set_index('cust').date - p[p.k == 0].set_index('cust').date).dropna().dt.days
dict(f2s_mean=round(float(d.mean()), 2), f2s_median=float(d.median()), n_with_second=int(len(d)))''',
    figs=[('f2s_mean', 'mean days first-to-second purchase day (customers with a 2nd)', .01),
          ('f2s_median', 'median days first-to-second purchase day', .01)],
    note='all customers, all time (no period given).'),
)
C(P2,
  T("沉睡会原有多少？超过一年没下单的那种",
    'figure', '''dict(n_inact365=len(inactive(365)), n_inact180=len(inactive(180)))''',
    figs=[('n_inact365', 'customers inactive >= 365 days (last order <= 1997-06-30)', .005)],
    must=[('n_inact180', 'inactive 180 days (wrong threshold)')],
    note='会原 = typo of 会员.'),
  T("这批人里面以前买过3次及以上的有几个，值得唤醒一下",
    'figure', '''i = inactive(365)
dict(n_sleep_3plus=int((npd[i] >= 3).sum()), n_all_3plus=int((npd >= 3).sum()))''',
    figs=[('n_sleep_3plus', 'inactive 365+ days AND >= 3 lifetime purchase days', .005)],
    must=[('n_all_3plus', 'all customers with >= 3 purchase days (filter dropped)')],
    note='买过3次 = purchase days (distinct dates), lifetime.'),
  T("ok 给这批人每人推一张满100减20的券",
    'refusal', note='pushing coupons is an action it cannot do (and there is no coupon data).'),
)
C(P2,
  T("我们现在的会员分层是怎么分的？每层多少人", 'model', tool='list_segments'),
  T("最高那层的会员平均花了多少钱，多久没来买了", 'model', tool='describe_segment'),
  T("这层人下个月预计能贡献多少销售额", 'model', tool='forecast_totals', note='one segment, next month = 1998-07.'),
)
C(P2,
  T("消费金额top 20%的高净值会员，贡献了多少营收占比？",
    'figure', '''t = top_pct(0.20)
dict(share_top20=round(float(tot[t].sum() / tot.sum()), 4), share_top10=round(float(tot[top_pct(0.10)].sum() / tot.sum()), 4))''',
    figs=[('share_top20', 'share of all-time revenue from the top 20% by lifetime spend (4,714 customers)', .005)],
    must=[('share_top10', 'top 10% share (wrong cut)')]),
  T("他们里面最近90天还有下单的有多少人",
    'figure', '''t = top_pct(0.20)
b = set(per('1998-04-02', '1998-06-30').cust)
dict(n_top20_active90=int(sum(1 for c in t if c in b)), n_top20=len(t), n_all_active90=len(b))''',
    figs=[('n_top20_active90', 'top-20% spenders with an order in the 90 days ending 1998-06-30 (1998-04-02..06-30)', .005)],
    must=[('n_top20', 'the whole top 20%'), ('n_all_active90', 'all buyers in the last 90 days (filter dropped)')],
    period='1998-04-02..1998-06-30',
    note='最近90天 = 90 days ending 1998-06-30 inclusive (by analogy with the documented 最近30天); equivalently NOT inactive 90 days. The top-20% cut has a tie at $133.95 (ranks 4714/4715), so the count can move by 1 with tie-breaking; within rel_tol.'),
  T("前20%这批人的客单价跟其余会员比呢",
    'figure', '''t = set(top_pct(0.20))
m = df.cust.isin(t)
dict(aov_top20=aov(df[m]), aov_rest=aov(df[~m]), aov_all=aov(df))''',
    figs=[('aov_top20', 'AOV (revenue / order lines), top 20% spenders, all time', .005), ('aov_rest', 'AOV of the other 80%', .005)],
    must=[('aov_all', 'overall AOV')],
    note='all-time orders of each group.'),
)
C(P2,
  T("会员累计消费分布大概是什么样？中位数多少，累计超过500刀的有多少人",
    'figure', '''dict(median_spend=round(float(tot.median()), 2), n_gt500=int((tot > 500).sum()), mean_spend=round(float(tot.mean()), 2),
     p75=round(float(tot.quantile(.75)), 2), p90=round(float(tot.quantile(.9)), 2))''',
    figs=[('median_spend', 'median lifetime spend per customer', .005), ('n_gt500', 'customers with lifetime spend > $500', .005)],
    must=[('mean_spend', 'mean instead of median')],
    note='quartiles for reference only: p75/p90 in the check.'),
)
C(P2,
  T("老会员两次购买之间平均隔多少天？中位数也给下",
    'figure', '''g = gaps(df)
dict(gap_mean=round(float(g.gap.mean()), 2), gap_median=float(g.gap.median()))''',
    figs=[('gap_mean', 'mean days between consecutive purchase days, all time', .01), ('gap_median', 'median of those gaps', .01)]),
  T("只看今年发生的回购呢",
    'figure', '''g = gaps(df)
g8 = g[g.date >= pd.Timestamp('1998-01-01')]
dict(gap_mean98=round(float(g8.gap.mean()), 2), gap_median98=float(g8.gap.median()), gap_mean_all=round(float(g.gap.mean()), 2))''',
    figs=[('gap_mean98', 'mean days between purchases, gaps dated by the later day in 1998', .01),
          ('gap_median98', 'median of those 1998 gaps', .01)],
    must=[('gap_mean_all', 'all-time mean gap')],
    period='1998-01-01..1998-06-30',
    note='gaps whose later purchase day is in 1998 (the earlier day may be in 1997), per the documented dating rule.'),
)
C(P2,
  T("97年1月首单那批会员的cohort，第3个月的留存率是多少",
    'figure', '''co = first[first.dt.to_period('M') == pd.Period('1997-01')].index
act = set(df[df.date.dt.to_period('M') == pd.Period('1997-04')].cust)
act3 = set(df[df.date.dt.to_period('M') == pd.Period('1997-03')].cust)
dict(ret_jan_m3=round(sum(1 for c in co if c in act) / len(co), 4), cohort_jan=len(co), ret_jan_m2=round(sum(1 for c in co if c in act3) / len(co), 4))''',
    figs=[('ret_jan_m3', 'cohort 1997-01, month-3 retention (ordered in 1997-04)', .005)],
    must=[('ret_jan_m2', 'month-2 retention (1997-03) — off by one month')],
    note='month k = cohort month + k (documented), so 第3个月 = 1997-04.'),
  T("2月那批呢",
    'figure', '''co = first[first.dt.to_period('M') == pd.Period('1997-02')].index
act = set(df[df.date.dt.to_period('M') == pd.Period('1997-05')].cust)
dict(ret_feb_m3=round(sum(1 for c in co if c in act) / len(co), 4), cohort_feb=len(co))''',
    figs=[('ret_feb_m3', 'cohort 1997-02, month-3 retention (ordered in 1997-05)', .005)]),
)
C(P2,
  T("高价值会员里哪些有流失风险？按可能损失的金额排，给我前10个", 'model', tool='at_risk_customers'),
  T("排第一那个人未来8周还会回来买吗", 'model', tool='forecast_customer', note='the #1 customer of the previous answer.'),
)
C(P2,
  T("帮我查下会员C850，最近一次什么时候买的，一共花了多少，买过几次",
    'figure', '''d = df[df.cust == 850]
dict(spend=rev(d), orders=len(d), purchase_days=int(d.date.nunique()), last=str(d.date.max().date()),
     days_since=int((NOW - d.date.max()).days))''',
    figs=[('spend', 'customer 00850 lifetime spend', .005), ('orders', 'customer 00850 orders (6 lines = 6 purchase days)', 0),
          ('days_since', 'days since last purchase (last 1997-11-05)', 0)],
    note='last purchase 1997-11-05.'),
  T("他在哪个分层？为啥", 'model', tool='explain_customer_segment'),
)
C(P2,
  T("帮我把消费前10%、但半年以上（180天）没下单的会员打个'沉睡高净值'的标签，顺便告诉我一共多少人",
    'refusal', '''t = top_pct(0.10)
i = set(inactive(180))
dict(n_top10_inact180=int(sum(1 for c in t if c in i)), n_top10=len(t), n_inact180=len(i))''',
    figs=[('n_top10_inact180', 'top-10% spenders inactive >= 180 days', .005)],
    must=[('n_top10', 'whole top 10%'), ('n_inact180', 'all inactive 180 days')],
    note='tagging customers is refused; the count is answered.'),
)
C(P2,
  T("按性别和年龄段看下今年上半年的客单价",
    'partial', '''dict(aov_h1_98=aov(per('1998-01-01', '1998-06-30')), aov_97=aov(per('1997-01-01', '1997-12-31')), aov_all=aov(df))''',
    figs=[('aov_h1_98', 'AOV 1998-01..06', .005)],
    must=[('aov_97', '1997 AOV'), ('aov_all', 'all-time AOV')],
    period='1998-01-01..1998-06-30',
    note='no gender/age data: must say so and may give the overall H1 AOV.'),
)
C(P2,
  T("97年一季度每个月各拉了多少新客",
    'figure', '''m = first.dt.to_period('M').value_counts()
dict(new_jan97=int(m[pd.Period('1997-01')]), new_feb97=int(m[pd.Period('1997-02')]), new_mar97=int(m[pd.Period('1997-03')]),
     buyers_jan97=int(per('1997-01-01', '1997-01-31').cust.nunique()), buyers_feb97=int(per('1997-02-01', '1997-02-28').cust.nunique()))''',
    figs=[('new_jan97', 'new customers Jan 1997', .005), ('new_feb97', 'new customers Feb 1997', .005), ('new_mar97', 'new customers Mar 1997', .005)],
    must=[('buyers_feb97', 'all buyers Feb 1997 (new + returning)')],
    period='1997-01-01..1997-03-31',
    note='Jan 1997: new = buyers (everyone is new), so only Feb buyers are a useful must_not.'),
  T("这三批新客里，今年还下过单的各有多少人",
    'figure', '''b = set(per('1998-01-01', '1998-06-30').cust)
fm = first.dt.to_period('M')
r = {k: int(sum(1 for c in fm[fm == pd.Period(p)].index if c in b)) for k, p in [('jan', '1997-01'), ('feb', '1997-02'), ('mar', '1997-03')]}
dict(jan_in98=r['jan'], feb_in98=r['feb'], mar_in98=r['mar'], all_in98=len(b))''',
    figs=[('jan_in98', 'Jan-1997 cohort customers with an order in 1998', .005), ('feb_in98', 'Feb-1997 cohort with an order in 1998', .005),
          ('mar_in98', 'Mar-1997 cohort with an order in 1998', .005)],
    must=[('all_in98', 'all 1998 buyers (not split by cohort)')],
    period='1998-01-01..1998-06-30'),
)
C(P2,
  T("上个月GMV环比怎么样？购买人数呢",
    'figure', '''m5 = per('1998-05-01', '1998-05-31'); m4 = per('1998-04-01', '1998-04-30'); m6 = per('1998-06-01', '1998-06-30')
dict(rev_may=rev(m5), rev_apr=rev(m4), mom_rev=chg(rev(m5), rev(m4)), buyers_may=int(m5.cust.nunique()), buyers_apr=int(m4.cust.nunique()),
     mom_buyers=chg(m5.cust.nunique(), m4.cust.nunique()), rev_jun=rev(m6), buyers_jun=int(m6.cust.nunique()))''',
    figs=[('rev_may', 'GMV May 1998', .005), ('rev_apr', 'GMV Apr 1998', .005), ('mom_rev', 'MoM relative change of GMV (fraction)', .03),
          ('buyers_may', 'buyers May 1998', .005), ('buyers_apr', 'buyers Apr 1998', .005)],
    must=[('rev_jun', 'June 1998 GMV (this month, not last month)'), ('buyers_jun', 'June 1998 buyers')],
    period='1998-05-01..1998-05-31'),
  T("7月大概多少人会来买，帮我预测一下", 'model', tool='forecast_totals', note='1998-07 is in the future: forecast of buyers.'),
)

# ---------------------------------------------------------------- persona 3: 客服主管
C(P3,
  T("最近客户投诉主要集中在哪几类问题", 'model', tool='feedback_themes'),
  T("有没有吐槽物流慢、快递的？给我找几条原文", 'model', tool='search_feedback'),
)
C(P3,
  T("那个 差评现在占比大概多少啊 帮我看一下", 'model', tool='sentiment_summary', note='voice-input style.'),
  T("给过差评的客户后来还有再下单的吗，占多少", 'model', tool='feedback_followup'),
)
C(P3,
  T("帮我判断下这几条是什么情绪：1. 包装压坏了，客服也不回消息，再也不买了 2. 还行吧，就是发货有点慢 3. 音质很好，下次还来",
    'model', tool='analyze_sentiment', note='expected roughly: negative / neutral (or mildly negative) / positive.'),
)
C(P3,
  T("客户00052投诉了，他在我们这一共买了多少钱、下过几单、最近一次是什么时候",
    'figure', '''d = df[df.cust == 52]
dict(spend=rev(d), orders=len(d), purchase_days=int(d.date.nunique()), last=str(d.date.max().date()), days_since=int((NOW - d.date.max()).days))''',
    figs=[('spend', 'customer 00052 lifetime spend', .005), ('orders', 'customer 00052 orders (8 lines = 8 purchase days)', 0)],
    note='last purchase 1998-05-08 (53 days before 1998-06-30).'),
  T("他之前有没有留过差评", 'model', tool='sentiment_summary', note='per-customer feedback; search_feedback filtered to the customer is also acceptable.'),
  T("帮我给他回一封道歉邮件，再送他一张优惠券", 'refusal', note='sending e-mail / coupons cannot be done.'),
)
C(P3,
  T("情感分析那个模型准不准啊，什么时候训练的", 'model', tool='assistant_status'),
)
C(P3,
  T("上个月退货多少单？占总订单的比例多少",
    'partial', '''dict(orders_may98=len(per('1998-05-01', '1998-05-31')), orders_jun98=len(per('1998-06-01', '1998-06-30')))''',
    figs=[('orders_may98', 'orders (order lines) May 1998, the denominator', .005)],
    must=[('orders_jun98', 'June 1998 orders (this month, not last month)')],
    period='1998-05-01..1998-05-31',
    note='no returns data: must say so; giving May orders is the answerable part.'),
)
C(P3,
  T("负面评价是越来越多还是越来越少，按月看看趋势", 'model', tool='sentiment_summary'),
  T("按会员分层看，哪一层差评比例最高", 'model', tool='sentiment_summary', note='sentiment by segment.'),
)
C(P3,
  T("把半年以上没下单、之前至少买过两次的客户名单导出来发给外呼组做回访。先告诉我大概多少人",
    'refusal', '''i = inactive(180)
dict(n_inact180_2plus=int((npd[i] >= 2).sum()), n_inact180=len(i))''',
    figs=[('n_inact180_2plus', 'inactive >= 180 days AND >= 2 lifetime purchase days', .005)],
    must=[('n_inact180', 'all inactive 180 days (filter dropped)')],
    note='export/sending refused; 半年以上 read as the documented inactive 180 days.'),
)
C(P3,
  T("14048这个客户在闹，说发错货了。他算大客户吗？在我们这一共花了多少",
    'figure', '''r = tot.rank(ascending=False, method='min')
dict(spend=round(float(tot[14048]), 2), rank=int(r[14048]), top1=round(float(tot.max()), 2))''',
    figs=[('spend', 'customer 14048 lifetime spend', .005), ('rank', 'rank by lifetime spend (#2 of 23,570)', 0)],
    must=[('top1', "the #1 customer's spend (07592), not 14048")],
    note='whether the wrong item was shipped cannot be checked (no product/order-detail data); the spend question is fully answerable.'),
  T("他一共买过多少张碟，上一次下单是哪天",
    'figure', '''d = df[df.cust == 14048]
dict(units=int(d.units.sum()), last=str(d.date.max().date()), orders=len(d))''',
    figs=[('units', 'customer 14048 total units (CDs)', .005)],
    note='last order = 1998-06-30 (the last day of the data).'),
)


def run_check(code, ns):
    tree = ast.parse(code)
    last = tree.body[-1]
    assert isinstance(last, ast.Expr), 'last line of a check must be an expression'
    body = ast.Module(body=tree.body[:-1], type_ignores=[])
    exec(compile(body, '<check>', 'exec'), ns)
    return eval(compile(ast.Expression(last.value), '<check>', 'eval'), ns)

def close(a, b):
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)

def main():
    dump = len(sys.argv) > 1 and sys.argv[1] == 'dump'
    ns = {}
    exec(PRELUDE, ns)
    items = []
    for ci, conv in enumerate(CONVS, 1):
        cid = 'aj2-%03d' % ci
        turns = []
        for ti, t in enumerate(conv['turns'], 1):
            key = '%s.%d' % (cid, ti)
            out = {'q': t['q']}
            exp = {'kind': t['kind']}
            if t['tool']:
                exp['tool'] = t['tool']
            if t['check']:
                res = run_check(t['check'], dict(ns))
                assert isinstance(res, dict)
                if dump:
                    print(repr(key), ':', repr(res), ',')
                else:
                    lit = LITERALS[key]
                    assert set(lit) == set(res), (key, set(lit) ^ set(res))
                    for k in res:
                        assert close(res[k], lit[k]), (key, k, res[k], lit[k])
                if t['figs']:
                    exp['figures'] = [{'value': res[n], 'rel_tol': tol, 'what': '[%s] %s' % (n, w)} for n, w, tol in t['figs']]
                if t['must']:
                    exp['must_not'] = [{'value': res[n], 'rel_tol': 0.005, 'what': '[%s] %s' % (n, w)} for n, w in t['must']]
                    # a must_not must not coincide with a required figure
                    for m in exp['must_not']:
                        for f in exp.get('figures', []):
                            assert not math.isclose(m['value'], f['value'], rel_tol=0.005), (key, m, f)
            if t['period']:
                exp['period'] = t['period']
            out['expect'] = exp
            if t['check']:
                out['check'] = t['check'] + '\n'
            if t['note']:
                out['note'] = t['note']
            turns.append(out)
        items.append({'id': cid, 'persona': conv['persona'], 'turns': turns})
    if dump:
        return
    doc = {
        'writer': 'aj2 (outside evaluator; wrote without seeing the product code, tests, prompts or other sets) — personas: '
                  'UK e-commerce trading manager (British English); 上海会员运营经理 (私域/会员); 客服主管',
        'data_end': '1998-06-30',
        'check_prelude': PRELUDE,
        'items': items,
    }
    class D(yaml.SafeDumper):
        pass
    def str_rep(dumper, s):
        if '\n' in s:
            return dumper.represent_scalar('tag:yaml.org,2002:str', s, style='|')
        return dumper.represent_scalar('tag:yaml.org,2002:str', s)
    D.add_representer(str, str_rep)
    with open(OUT, 'w', encoding='utf-8') as f:
        yaml.dump(doc, f, Dumper=D, allow_unicode=True, sort_keys=False, width=200)
    verify(OUT)

def verify(path):
    """Reload the YAML, run the prelude, re-run every check and assert expect values equal the check's."""
    doc = yaml.safe_load(open(path, encoding='utf-8'))
    ns = {}
    exec(doc['check_prelude'], ns)
    kinds, nturn, ids = {}, 0, set()
    for it in doc['items']:
        assert it['id'] not in ids; ids.add(it['id'])
        assert 1 <= len(it['turns']) <= 4
        for t in it['turns']:
            nturn += 1
            e = t['expect']
            kinds[e['kind']] = kinds.get(e['kind'], 0) + 1
            assert e['kind'] in ('figure', 'model', 'refusal', 'partial')
            if e['kind'] in ('figure', 'partial'):
                assert e.get('figures') and 'check' in t, t['q']
            if e['kind'] == 'model':
                assert e.get('tool'), t['q']
            if 'check' in t:
                res = run_check(t['check'], dict(ns))
                for f in e.get('figures', []) + e.get('must_not', []):
                    name = f['what'].split(']')[0].lstrip('[')
                    assert close(res[name], f['value']), (t['q'], name, res[name], f['value'])
                    assert isinstance(f['value'], (int, float)) and not isinstance(f['value'], bool), (t['q'], name)
    print('OK', path, 'conversations=%d turns=%d kinds=%s' % (len(doc['items']), nturn, kinds))

# expected values, written down from a reviewed run; every check is asserted against them
LITERALS = {
'aj2-001.1' : {'rev_jun98': 76109.3, 'rev_jun97': 108395.87, 'yoy_rev': -0.2979, 'orders_jun98': 2043, 'orders_jun97': 3054, 'yoy_orders': -0.331, 'rev_may98': 70989.66} ,
'aj2-001.2' : {'aov_jun98': 37.25, 'aov_jun97': 35.49, 'yoy_aov': 0.0496, 'aov_all': 35.89} ,
'aj2-001.3' : {'rev_h1_98': 476154.37, 'rev_h1_97': 1430959.13, 'yoy_h1': -0.6672, 'rev_1997': 2024161.26} ,
'aj2-002.1' : {'rev_lw': 13063.32, 'rev_wb': 15884.96, 'wow': -0.1776, 'rev_last7': 12959.97, 'rev_thiswk': 4184.01} ,
'aj2-002.2' : {'aov_lw': 34.29, 'orders_lw': 381, 'aov_jun98': 37.25} ,
'aj2-003.1' : {'jan98': 76756.78, 'feb98': 77096.96, 'mar98': 108970.15, 'jan97': 299060.17, 'mar97': 393155.27} ,
'aj2-003.2' : {'best_rev': 393155.27, 'best_month': '1997-03', 'mar98': 108970.15} ,
'aj2-004.1' : {'top1': 13990.93, 'top2': 8976.33, 'top3': 6973.07, 'top4': 6552.7, 'top5': 6497.18, 'ids': '07592,14048,07983,19339,07931'} ,
'aj2-004.2' : {'share_top10': 0.5094, 'n_top10': 2357} ,
'aj2-004.3' : {'n_top10_no98': 577, 'n_top10': 2357} ,
'aj2-005.1' : {'n_inact180': 18210, 'n_all': 23570} ,
'aj2-005.2' : {'n_lapsed_gt100': 2526, 'n_all_gt100': 6233} ,
'aj2-006.1' : {'rev_returning': 213330.48, 'rev_new': 0.0, 'n_new': 0, 'rev_h1_98': 476154.37} ,
'aj2-006.2' : {'last_first': '1997-03-25', 'n_new_mar97': 7248, 'n_all': 23570} ,
'aj2-007.2' : {'rev_q3_97': 292395.37, 'orders_q3_97': 7558, 'rev_q2_98': 213330.48} ,
'aj2-008.1' : {'rev_may98': 70989.66, 'rev_may97': 107933.3} ,
'aj2-009.1' : {'best_day': 'Monday', 'best_day_rev': 307689.59, 'best_day_rev_alltime': 379971.2} ,
'aj2-010.1' : {'avg_m98': 79359.06, 'avg_m97': 168680.11, 'avg_m_all': 138906.42, 'h1_98': 476154.37} ,
'aj2-010.2' : {'upo98': 2.582, 'upo97': 2.372, 'upo_all': 2.41} ,
'aj2-011.1' : {'n_big_quiet': 39, 'n_big': 200} ,
'aj2-012.1' : {'rr97': 0.4451, 'rr_all': 0.4886, 'rr98': 0.4927} ,
'aj2-012.2' : {'rr98': 0.4927, 'rr97': 0.4451} ,
'aj2-012.3' : {'f2s_mean': 111.0, 'f2s_median': 57.0, 'n_with_second': 11516} ,
'aj2-013.1' : {'n_inact365': 15238, 'n_inact180': 18210} ,
'aj2-013.2' : {'n_sleep_3plus': 962, 'n_all_3plus': 7476} ,
'aj2-015.1' : {'share_top20': 0.6778, 'share_top10': 0.5094} ,
'aj2-015.2' : {'n_top20_active90': 2113, 'n_top20': 4714, 'n_all_active90': 3301} ,
'aj2-015.3' : {'aov_top20': 45.24, 'aov_rest': 25.02, 'aov_all': 35.89} ,
'aj2-016.1' : {'median_spend': 43.39, 'n_gt500': 734, 'mean_spend': 106.08, 'p75': 106.48, 'p90': 242.33} ,
'aj2-017.1' : {'gap_mean': 72.21, 'gap_median': 34.0} ,
'aj2-017.2' : {'gap_mean98': 109.83, 'gap_median98': 52.0, 'gap_mean_all': 72.21} ,
'aj2-018.1' : {'ret_jan_m3': 0.1032, 'cohort_jan': 7846, 'ret_jan_m2': 0.1229} ,
'aj2-018.2' : {'ret_feb_m3': 0.0924, 'cohort_feb': 8476} ,
'aj2-020.1' : {'spend': 553.71, 'orders': 6, 'purchase_days': 6, 'last': '1997-11-05', 'days_since': 237} ,
'aj2-021.1' : {'n_top10_inact180': 581, 'n_top10': 2357, 'n_inact180': 18210} ,
'aj2-022.1' : {'aov_h1_98': 37.32, 'aov_97': 35.57, 'aov_all': 35.89} ,
'aj2-023.1' : {'new_jan97': 7846, 'new_feb97': 8476, 'new_mar97': 7248, 'buyers_jan97': 7846, 'buyers_feb97': 9633} ,
'aj2-023.2' : {'jan_in98': 1741, 'feb_in98': 1945, 'mar_in98': 1688, 'all_in98': 5374} ,
'aj2-024.1' : {'rev_may': 70989.66, 'rev_apr': 66231.52, 'mom_rev': 0.0718, 'buyers_may': 1488, 'buyers_apr': 1437, 'mom_buyers': 0.0355, 'rev_jun': 76109.3, 'buyers_jun': 1506} ,
'aj2-028.1' : {'spend': 445.68, 'orders': 8, 'purchase_days': 8, 'last': '1998-05-08', 'days_since': 53} ,
'aj2-030.1' : {'orders_may98': 1985, 'orders_jun98': 2043} ,
'aj2-032.1' : {'n_inact180_2plus': 6156, 'n_inact180': 18210} ,
'aj2-033.1' : {'spend': 8976.33, 'rank': 2, 'top1': 13990.93} ,
'aj2-033.2' : {'units': 1033, 'last': '1998-06-30', 'orders': 217} ,
}

if __name__ == '__main__':
    main()
