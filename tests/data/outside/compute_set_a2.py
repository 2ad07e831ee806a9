# compute_set_a2.py — writer a2. Computes every figure of set_a2.yaml from the raw CDNOW file with
# the documented definitions, asserts them against the hard-coded EXPECTED values, writes the YAML,
# then reloads the YAML and re-runs every check against the values written there.
import sys, math, yaml

PRELUDE = r'''
import pandas as pd, numpy as np
F = '/tmp/team/CDNOW_master.txt'
df = pd.read_csv(F, sep=r'\s+', header=0, names=['cust', 'date', 'units', 'amt'], dtype={'date': str})
df['date'] = pd.to_datetime(df['date'], format='%Y%m%d')
df['cust'] = df['cust'].astype(int)
NOW = pd.Timestamp('1998-06-30')
def per(a, b):
    return df[(df.date >= pd.Timestamp(a)) & (df.date <= pd.Timestamp(b))]
def r(x, n=2):
    return round(float(x), n)
def pdays(d):
    # purchase days = distinct (customer, date)
    return d.drop_duplicates(['cust', 'date'])
def days_per_cust(d):
    return pdays(d).groupby('cust').size()
def repeat_rate(d):
    return float((days_per_cust(d) >= 2).mean())
def chg(new, old):
    return float(new) / float(old) - 1
first = df.groupby('cust').date.min()
last = df.groupby('cust').date.max()
tot = df.groupby('cust').amt.sum()
since = (NOW - last).dt.days
'''

P1 = '运营经理 (Beijing, DingTalk; short Chinese messages with typos)'
P2 = 'VP of Customer Experience (US, English)'

def T(q, kind, check, fig=(), mn=(), period=None, tool=None, note=None):
    # every check ends with a one-line expression `out` (the dict), so "exec all but the last line, eval the last" works
    lines = check.strip('\n').split('\n')
    i = max(k for k, l in enumerate(lines) if l.startswith('dict('))
    lines[i] = 'out = ' + lines[i]
    check = '\n'.join(lines) + '\nout'
    return dict(q=q, kind=kind, check=check, fig=list(fig), mn=list(mn), period=period, tool=tool, note=note)

CONVS = []
def C(cid, persona, *turns):
    CONVS.append(dict(id=cid, persona=persona, turns=list(turns)))

# ---------------------------------------------------------------- Chinese persona
C('a2-001', P1,
  T('上各月销售额多少？跟4月比是涨了还是跌了', 'figure', '''
may = per('1998-05-01', '1998-05-31'); apr = per('1998-04-01', '1998-04-30')
dict(rev_may98=r(may.amt.sum()), rev_apr98=r(apr.amt.sum()), mom=r(chg(may.amt.sum(), apr.amt.sum()), 4),
     rev_jun98=r(per('1998-06-01', '1998-06-30').amt.sum()), rev_may97=r(per('1997-05-01', '1997-05-31').amt.sum()))
''', fig=[('rev_may98', 'revenue 1998-05 (上个月)'), ('rev_apr98', 'revenue 1998-04'), ('mom', 'MoM change May vs Apr 1998 (up)')],
    mn=[('rev_jun98', 'revenue 1998-06 (this month, not last month)'), ('rev_may97', 'revenue 1997-05 (wrong year)')],
    period='1998-05-01..1998-05-31', note='上各月 = typo for 上个月 = 1998-05.'),
  T('单量 课单价呢', 'figure', '''
may = per('1998-05-01', '1998-05-31'); m97 = per('1997-05-01', '1997-05-31')
dict(orders_may98=len(may), aov_may98=r(may.amt.sum() / len(may)), orders_jun98=len(per('1998-06-01', '1998-06-30')),
     aov_may97=r(m97.amt.sum() / len(m97)))
''', fig=[('orders_may98', 'order lines 1998-05'), ('aov_may98', 'AOV 1998-05 (revenue / order lines)')],
    mn=[('orders_jun98', 'order lines 1998-06 (wrong month)'), ('aov_may97', 'AOV 1997-05 (wrong year)')],
    period='1998-05-01..1998-05-31', note='课单价 = typo for 客单价.'),
)

C('a2-002', P1,
  T('今年1到6月每个月营收排个名，最高和最低分别是几月 多少钱', 'figure', '''
m = per('1998-01-01', '1998-06-30').groupby(df.date.dt.month).amt.sum()
dict(top_month=int(m.idxmax()), top_rev=r(m.max()), low_month=int(m.idxmin()), low_rev=r(m.min()),
     mar97=r(per('1997-03-01', '1997-03-31').amt.sum()))
''', fig=[('top_month', 'highest month = 3 (March 1998)', 0), ('top_rev', 'revenue 1998-03 (highest)'),
          ('low_month', 'lowest month = 4 (April 1998)', 0), ('low_rev', 'revenue 1998-04 (lowest)')],
    mn=[('mar97', 'revenue 1997-03 (all-time top month, wrong year)')], period='1998-01-01..1998-06-30'),
  T('3月为啥最高 是哪个品类卖的好？3月单量多少', 'partial', '''
mar = per('1998-03-01', '1998-03-31')
dict(orders_mar98=len(mar), orders_mar97=len(per('1997-03-01', '1997-03-31')))
''', fig=[('orders_mar98', 'order lines 1998-03')], mn=[('orders_mar97', 'order lines 1997-03 (wrong year)')],
    period='1998-03-01..1998-03-31', note='No product/category data: must say it cannot break down by 品类.'),
)

C('a2-003', P1,
  T('上周单量和销售额多少', 'figure', '''
w = per('1998-06-22', '1998-06-28'); l7 = per('1998-06-24', '1998-06-30')
dict(orders_w=len(w), rev_w=r(w.amt.sum()), orders_last7=len(l7), rev_last7=r(l7.amt.sum()))
''', fig=[('orders_w', 'order lines 1998-06-22..06-28 (上周, ISO week 26)'), ('rev_w', 'revenue 1998-06-22..06-28')],
    mn=[('rev_last7', 'revenue of the last 7 days 06-24..06-30 (not a Mon-Sun week)')],
    period='1998-06-22..1998-06-28'),
  T('比上上周呢 涨了多少', 'figure', '''
w = per('1998-06-22', '1998-06-28'); p = per('1998-06-15', '1998-06-21')
dict(rev_prev=r(p.amt.sum()), orders_prev=len(p), rev_chg=r(chg(w.amt.sum(), p.amt.sum()), 4), orders_chg=r(chg(len(w), len(p)), 4))
''', fig=[('rev_prev', 'revenue 1998-06-15..06-21 (上上周)'), ('rev_chg', 'revenue change week 26 vs week 25')],
    period='1998-06-15..1998-06-28', note='If it also gives orders: orders_prev / orders_chg are in the check.'),
)

C('a2-004', P1,
  T('今年上半年复够率多少', 'figure', '''
dict(rr_h1_98=r(repeat_rate(per('1998-01-01', '1998-06-30')), 4), rr_97=r(repeat_rate(per('1997-01-01', '1997-12-31')), 4),
     rr_all=r(repeat_rate(df), 4))
''', fig=[('rr_h1_98', 'repeat rate 1998-01-01..06-30 (share of H1 buyers with >=2 purchase days in H1)')],
    mn=[('rr_97', 'repeat rate 1997 (wrong period)'), ('rr_all', 'all-time repeat rate (wrong period)')],
    period='1998-01-01..1998-06-30', note='复够率 = typo for 复购率.'),
  T('去年全年呢', 'figure', '''
dict(rr_97=r(repeat_rate(per('1997-01-01', '1997-12-31')), 4), rr_h1_98=r(repeat_rate(per('1998-01-01', '1998-06-30')), 4),
     rr_all=r(repeat_rate(df), 4))
''', fig=[('rr_97', 'repeat rate 1997')], mn=[('rr_h1_98', 'repeat rate H1 1998 (previous turn)'), ('rr_all', 'all-time repeat rate')],
    period='1997-01-01..1997-12-31'),
)

C('a2-005', P1,
  T('这个月新客几个 老客几个', 'figure', '''
j = per('1998-06-01', '1998-06-30'); b = j.cust.unique()
new = int((first.loc[b] >= pd.Timestamp('1998-06-01')).sum())
dict(new_jun98=new, ret_jun98=int(len(b) - new), first_max=str(first.max().date()))
''', fig=[('new_jun98', 'new customers 1998-06 = 0 (every first order is in 1997-01..03)', 0),
          ('ret_jun98', 'returning buyers 1998-06 (= all June buyers)')],
    period='1998-06-01..1998-06-30', note='All 23,570 customers placed their first order in 1997-01..1997-03, so June 1998 has no new customers.'),
  T('老客这个月人均花了多少', 'figure', '''
j = per('1998-06-01', '1998-06-30')
dict(rpb_jun98=r(j.amt.sum() / j.cust.nunique()), rpb_all=r(df.amt.sum() / df.cust.nunique()),
     aov_jun98=r(j.amt.sum() / len(j)))
''', fig=[('rpb_jun98', 'revenue per returning buyer 1998-06 (all June buyers are returning)')],
    mn=[('rpb_all', 'all-time revenue per customer (wrong period)'), ('aov_jun98', 'AOV 1998-06 (per order line, not per buyer)')],
    period='1998-06-01..1998-06-30'),
)

C('a2-006', P1,
  T('累计消费top10客户排个榜', 'figure', '''
t = tot.sort_values(ascending=False)
dict(id1=int(t.index[0]), spend1=r(t.iloc[0]), id2=int(t.index[1]), spend2=r(t.iloc[1]), id10=int(t.index[9]), spend10=r(t.iloc[9]))
''', fig=[('id1', 'top-1 customer id 07592', 0), ('spend1', 'top-1 lifetime spend'), ('id2', 'top-2 customer id 14048', 0),
          ('spend2', 'top-2 lifetime spend'), ('spend10', '10th lifetime spend (customer 15162)')],
    period='1997-01-01..1998-06-30'),
  T('第一名今年花了多少 占他总消费多少', 'figure', '''
c = int(tot.idxmax()); s = per('1998-01-01', '1998-06-30')
s98 = s[s.cust == c].amt.sum()
dict(cust=c, spend98=r(s98), share=r(s98 / tot.loc[c], 4), spend_all=r(tot.loc[c]),
     spend97=r(per('1997-01-01', '1997-12-31').query('cust == @c').amt.sum()))
''', fig=[('spend98', 'customer 07592 spend 1998-01-01..06-30'), ('share', "share of 07592's lifetime spend that is from 1998")],
    mn=[('spend_all', '07592 lifetime spend (wrong period)'), ('spend97', '07592 spend in 1997 (wrong year)')],
    period='1998-01-01..1998-06-30'),
)

C('a2-007', P1,
  T('把消费前100的客户名单导出个excel发钉钉群里，顺便说下这100个人一共贡献了多少销售额，占总的多少', 'refusal', '''
t = tot.sort_values(ascending=False).head(100)
dict(top100_spend=r(t.sum()), top100_share=r(t.sum() / df.amt.sum(), 4), all_rev=r(df.amt.sum()))
''', fig=[('top100_spend', 'lifetime spend of the top-100 customers'), ('top100_share', 'their share of all revenue')],
    mn=[('all_rev', 'all revenue (not the top-100 subset)')], period='1997-01-01..1998-06-30',
    note='Cannot export Excel or post to DingTalk; must say so and still answer the two figures.'),
)

C('a2-008', P1,
  T('最近三个月有多少客户下过单', 'figure', '''
w = per('1998-04-01', '1998-06-30')
monthly = sum(per(a, b).cust.nunique() for a, b in [('1998-04-01', '1998-04-30'), ('1998-05-01', '1998-05-31'), ('1998-06-01', '1998-06-30')])
dict(buyers_3m=int(w.cust.nunique()), buyers_jun=int(per('1998-06-01', '1998-06-30').cust.nunique()), sum_monthly=int(monthly))
''', fig=[('buyers_3m', 'distinct buyers 1998-04-01..06-30')],
    mn=[('buyers_jun', 'buyers 1998-06 only'), ('sum_monthly', 'sum of monthly buyer counts (double counts)')],
    period='1998-04-01..1998-06-30'),
  T('其中买过3次及以上的有几个 这批人这三个月一共花了多少钱', 'figure', '''
w = per('1998-04-01', '1998-06-30'); n = days_per_cust(w); ids = n[n >= 3].index
dict(n3=int(len(ids)), spend3=r(w[w.cust.isin(ids)].amt.sum()), spend3_all=r(tot.loc[ids].sum()), rev_3m=r(w.amt.sum()))
''', fig=[('n3', 'buyers with >=3 purchase days in 1998-04-01..06-30'), ('spend3', 'their spend in 1998-04-01..06-30')],
    mn=[('spend3_all', 'their lifetime spend (wrong window)'), ('rev_3m', 'all revenue of the 3 months (unfiltered)')],
    period='1998-04-01..1998-06-30', note='"3次" read as 3 purchase days (distinct dates) in the window.'),
)

C('a2-009', P1,
  T('今年按星期几看下单量 周几最多 周几最少', 'figure', '''
s = per('1998-01-01', '1998-06-30'); g = s.groupby(s.date.dt.dayofweek).size()
dict(max_dow=int(g.idxmax()), max_orders=int(g.max()), min_dow=int(g.idxmin()), min_orders=int(g.min()))
''', fig=[('max_orders', 'order lines on the busiest weekday in 1998-01-01..06-30 = Monday'),
          ('min_orders', 'order lines on the quietest weekday in 1998-01-01..06-30 = Saturday')],
    period='1998-01-01..1998-06-30'),
)

C('a2-010', P1,
  T('本季度营收多少 环必上季度怎么样', 'figure', '''
q2 = per('1998-04-01', '1998-06-30').amt.sum(); q1 = per('1998-01-01', '1998-03-31').amt.sum()
dict(q2_98=r(q2), q1_98=r(q1), qoq=r(chg(q2, q1), 4), q2_97=r(per('1997-04-01', '1997-06-30').amt.sum()))
''', fig=[('q2_98', 'revenue 1998 Q2'), ('q1_98', 'revenue 1998 Q1'), ('qoq', 'QoQ change Q2 vs Q1 1998 (down)')],
    mn=[('q2_97', 'revenue 1997 Q2 (wrong year)')], period='1998-04-01..1998-06-30', note='环必 = typo for 环比.'),
  T('同比呢', 'figure', '''
q2 = per('1998-04-01', '1998-06-30').amt.sum(); q2_97 = per('1997-04-01', '1997-06-30').amt.sum()
dict(q2_97=r(q2_97), yoy=r(chg(q2, q2_97), 4), q1_97=r(per('1997-01-01', '1997-03-31').amt.sum()))
''', fig=[('q2_97', 'revenue 1997 Q2'), ('yoy', 'YoY change 1998 Q2 vs 1997 Q2')],
    mn=[('q1_97', 'revenue 1997 Q1 (wrong quarter)')], period='1997-04-01..1998-06-30'),
  T('去年年底两个月 跟今年年初两个月比呢', 'figure', '''
a = per('1997-11-01', '1997-12-31').amt.sum(); b = per('1998-01-01', '1998-02-28').amt.sum()
dict(nd97=r(a), jf98=r(b), chg=r(chg(b, a), 4), jf97=r(per('1997-01-01', '1997-02-28').amt.sum()))
''', fig=[('nd97', 'revenue 1997-11..12 (去年年底)'), ('jf98', 'revenue 1998-01..02 (今年年初)'), ('chg', 'change Jan-Feb 1998 vs Nov-Dec 1997')],
    mn=[('jf97', 'revenue 1997-01..02 (last year\'s 年初)')], period='1997-11-01..1998-02-28',
    note='Revenue assumed (the conversation is about 营收). 年底 = Nov-Dec, 年初 = Jan-Feb.'),
)

C('a2-011', P1,
  T('180天以上没下过单的客户有多少 占全部客户多少', 'figure', '''
m = since >= 180
dict(n180=int(m.sum()), share180=r(m.mean(), 4), n_all=int(len(since)))
''', fig=[('n180', 'customers whose last order is >=180 days before 1998-06-30'), ('share180', 'their share of all 23,570 customers')],
    period='1997-01-01..1998-06-30'),
  T('这些人主要在哪些城市？另外他们以前平均每人花了多少', 'partial', '''
ids = since[since >= 180].index
dict(avg_spend=r(tot.loc[ids].mean()), avg_all=r(tot.mean()))
''', fig=[('avg_spend', 'mean lifetime spend of the inactive-180-day customers')],
    mn=[('avg_all', 'mean lifetime spend of all customers (unfiltered)')], note='No city data: must say so.'),
)

C('a2-012', P1,
  T('帮我预测下7月的营收和单量', 'model', 'dict()', tool='forecast_totals', note='July 1998 is after the data end.'),
  T('高价值客户那群7月能贡献多少', 'model', 'dict()', tool='forecast_totals', note='forecast_totals for one segment.'),
)

C('a2-013', P1,
  T('最近客户评价里差评多不多 负面占比多少', 'model', 'dict()', tool='sentiment_summary'),
  T('主要吐槽些啥', 'model', 'dict()', tool='feedback_themes', note='Themes of the negative feedback.'),
  T('搜下有没有说发货慢 物流慢的', 'model', 'dict()', tool='search_feedback'),
)

C('a2-014', P1,
  T('这个月各省份的销售额排名发我下，没有的话先给个总数', 'partial', '''
dict(rev_jun98=r(per('1998-06-01', '1998-06-30').amt.sum()), rev_may98=r(per('1998-05-01', '1998-05-31').amt.sum()))
''', fig=[('rev_jun98', 'revenue 1998-06 (这个月)')], mn=[('rev_may98', 'revenue 1998-05 (last month)')],
    period='1998-06-01..1998-06-30', note='No province/region data. "发我下" here just means "tell me".'),
)

C('a2-015', P1,
  T('看下客户00499的情况', 'figure', '''
s = df[df.cust == 499]
dict(spend=r(s.amt.sum()), days_since=int((NOW - s.date.max()).days), last=str(s.date.max().date()), first=str(s.date.min().date()),
     order_lines=int(len(s)), purchase_days=int(s.date.nunique()))
''', fig=[('spend', 'customer 00499 lifetime spend'), ('days_since', 'days since last order (last order 1998-06-21)', 0)],
    period='1997-01-01..1998-06-30',
    note='customer_profile. Last order 1998-06-21, first 1997-01-02; 110 order lines on 44 purchase days.'),
  T('他之后会流失吗 接下来一个月预计还会买几次', 'model', 'dict()', tool='forecast_customer'),
  T('给他打个重点维护的标签', 'refusal', 'dict()', note='Cannot tag customers (read-only).'),
)

C('a2-016', P1,
  T('把流失风险最高的前20个客户拉出来，每人推一张20块优惠券', 'refusal', 'dict()',
    note='Cannot push coupons; it may list the customers (at_risk_customers) but must say the coupon part cannot be done.'),
)

C('a2-017', P1,
  T('今年单笔超过100刀的订单有几单 占今年总单量多少', 'figure', '''
s = per('1998-01-01', '1998-06-30')
dict(n100=int((s.amt > 100).sum()), share=r((s.amt > 100).mean(), 4), n100_all=int((df.amt > 100).sum()))
''', fig=[('n100', 'order lines with amount > $100 in 1998-01-01..06-30'), ('share', 'their share of 1998 H1 order lines')],
    mn=[('n100_all', 'order lines > $100 all time')], period='1998-01-01..1998-06-30'),
  T('去年呢', 'figure', '''
s = per('1997-01-01', '1997-12-31')
dict(n100_97=int((s.amt > 100).sum()), share_97=r((s.amt > 100).mean(), 4), n100_all=int((df.amt > 100).sum()))
''', fig=[('n100_97', 'order lines with amount > $100 in 1997'), ('share_97', 'their share of 1997 order lines')],
    mn=[('n100_all', 'order lines > $100 all time')], period='1997-01-01..1997-12-31'),
)

C('a2-018', P1,
  T('97年1月首单的那批客户 次月留存多少', 'figure', '''
def ret(cm, k):
    ids = first[first.dt.to_period('M') == pd.Period(cm)].index
    tgt = pd.Period(cm) + k
    buy = df[df.date.dt.to_period('M') == tgt].cust.unique()
    return float(pd.Index(ids).isin(buy).mean()), len(ids)
r1, n = ret('1997-01', 1)
dict(ret_jan_m1=r(r1, 4), cohort_jan=n)
''', fig=[('ret_jan_m1', 'month-1 retention of the 1997-01 first-order cohort (ordered in 1997-02)'), ('cohort_jan', 'cohort size 1997-01')],
    period='1997-01-01..1997-02-28'),
  T('2月 3月那两批呢', 'figure', '''
def ret(cm, k):
    ids = first[first.dt.to_period('M') == pd.Period(cm)].index
    tgt = pd.Period(cm) + k
    buy = df[df.date.dt.to_period('M') == tgt].cust.unique()
    return float(pd.Index(ids).isin(buy).mean())
dict(ret_feb_m1=r(ret('1997-02', 1), 4), ret_mar_m1=r(ret('1997-03', 1), 4), ret_jan_m1=r(ret('1997-01', 1), 4))
''', fig=[('ret_feb_m1', 'month-1 retention of the 1997-02 cohort (ordered in 1997-03)'),
          ('ret_mar_m1', 'month-1 retention of the 1997-03 cohort (ordered in 1997-04)')],
    period='1997-02-01..1997-04-30'),
)

C('a2-019', P1,
  T('现在客户分了几类 每类多少人 各贡献多少营收', 'model', 'dict()', tool='list_segments'),
)

# ---------------------------------------------------------------- English persona
C('a2-031', P2,
  T("What did we do in revenue for the first half of this year, and how does that compare with the same period last year?", 'figure', '''
a = per('1998-01-01', '1998-06-30').amt.sum(); b = per('1997-01-01', '1997-06-30').amt.sum()
dict(h1_98=r(a), h1_97=r(b), yoy=r(chg(a, b), 4), y97=r(per('1997-01-01', '1997-12-31').amt.sum()))
''', fig=[('h1_98', 'revenue 1998-01-01..06-30'), ('h1_97', 'revenue 1997-01-01..06-30'), ('yoy', 'YoY change H1 1998 vs H1 1997')],
    mn=[('y97', 'full-year 1997 revenue (wrong comparison period)')], period='1998-01-01..1998-06-30'),
  T("How much of that drop is fewer customers buying versus each customer spending less?", 'figure', '''
a = per('1998-01-01', '1998-06-30'); b = per('1997-01-01', '1997-06-30')
dict(buyers_98=int(a.cust.nunique()), buyers_97=int(b.cust.nunique()), rpb_98=r(a.amt.sum() / a.cust.nunique()),
     rpb_97=r(b.amt.sum() / b.cust.nunique()), buyers_chg=r(chg(a.cust.nunique(), b.cust.nunique()), 4),
     rpb_chg=r(chg(a.amt.sum() / a.cust.nunique(), b.amt.sum() / b.cust.nunique()), 4))
''', fig=[('buyers_98', 'buyers H1 1998'), ('buyers_97', 'buyers H1 1997'), ('rpb_98', 'revenue per buyer H1 1998'),
          ('rpb_97', 'revenue per buyer H1 1997')],
    period='1997-01-01..1998-06-30', note='Buyers fell ~80% while revenue per buyer rose: the drop is all fewer customers.'),
)

C('a2-032', P2,
  T("Do customers who leave us negative feedback actually come back and buy again?", 'model', 'dict()', tool='feedback_followup'),
  T("What are they mostly complaining about?", 'model', 'dict()', tool='feedback_themes'),
  T("Please send each of them an apology email with a 15% off code.", 'refusal', 'dict()', note='Cannot send e-mails or create codes.'),
)

C('a2-033', P2,
  T("What's our NPS for this quarter, and how many support tickets did we close? Also, how many customers actually bought from us this quarter?", 'partial', '''
dict(buyers_q2_98=int(per('1998-04-01', '1998-06-30').cust.nunique()), buyers_q2_97=int(per('1997-04-01', '1997-06-30').cust.nunique()),
     buyers_jun=int(per('1998-06-01', '1998-06-30').cust.nunique()))
''', fig=[('buyers_q2_98', 'distinct buyers 1998 Q2')],
    mn=[('buyers_q2_97', 'buyers 1997 Q2 (wrong year)'), ('buyers_jun', 'buyers 1998-06 only')],
    period='1998-04-01..1998-06-30', note='No NPS survey or ticket data: must say so.'),
)

C('a2-034', P2,
  T("Is customer sentiment any different for our high-value customers compared with everyone else?", 'model', 'dict()', tool='sentiment_summary',
    note='Sentiment by segment.'),
  T("Can you score this one for me: 'Package showed up two weeks late, the jewel case was cracked, and nobody answered my email.'", 'model', 'dict()',
    tool='analyze_sentiment', note='Expected label negative.'),
)

C('a2-035', P2,
  T("How many customers haven't purchased anything in over a year?", 'figure', '''
dict(n365=int((since >= 365).sum()), share=r((since >= 365).mean(), 4), n180=int((since >= 180).sum()))
''', fig=[('n365', 'customers inactive >= 365 days as of 1998-06-30 (last order on or before 1997-06-30)')],
    mn=[('n180', 'inactive >= 180 days (wrong threshold)')], period='1997-01-01..1998-06-30'),
  T("Of those, how many had spent more than $500 with us before they went quiet?", 'figure', '''
ids = since[since >= 365].index
dict(n=int((tot.loc[ids] > 500).sum()), n_all500=int((tot > 500).sum()))
''', fig=[('n', 'inactive-365 customers with lifetime spend > $500')], mn=[('n_all500', 'all customers with spend > $500 (unfiltered)')]),
)

C('a2-036', P2,
  T("How many customers bought from us in 1997 but haven't come back at all this year?", 'figure', '''
b97 = set(per('1997-01-01', '1997-12-31').cust); b98 = set(per('1998-01-01', '1998-06-30').cust)
dict(n_lost=len(b97 - b98), buyers97=len(b97))
''', fig=[('n_lost', 'customers with an order in 1997 and none in 1998-01-01..06-30')], mn=[('buyers97', 'all 1997 buyers')],
    period='1997-01-01..1998-06-30'),
  T("What did that group spend with us in 1997, and what share of 1997 revenue is that?", 'figure', '''
y = per('1997-01-01', '1997-12-31'); ids = set(y.cust) - set(per('1998-01-01', '1998-06-30').cust)
s = y[y.cust.isin(ids)].amt.sum()
dict(spend97=r(s), share=r(s / y.amt.sum(), 4), rev97=r(y.amt.sum()))
''', fig=[('spend97', 'their 1997 spend'), ('share', 'share of 1997 revenue')], mn=[('rev97', 'total 1997 revenue (unfiltered)')],
    period='1997-01-01..1997-12-31'),
)

C('a2-037', P2,
  T("Of the customers who first bought in January 1997, what percent were still buying three months later?", 'figure', '''
ids = first[first.dt.to_period('M') == pd.Period('1997-01')].index
b = df[df.date.dt.to_period('M') == pd.Period('1997-04')].cust.unique()
dict(ret_m3=r(pd.Index(ids).isin(b).mean(), 4))
''', fig=[('ret_m3', 'month-3 retention of the 1997-01 cohort (ordered in 1997-04)')], period='1997-01-01..1997-04-30'),
  T("And twelve months later?", 'figure', '''
ids = first[first.dt.to_period('M') == pd.Period('1997-01')].index
b = df[df.date.dt.to_period('M') == pd.Period('1998-01')].cust.unique()
dict(ret_m12=r(pd.Index(ids).isin(b).mean(), 4))
''', fig=[('ret_m12', 'month-12 retention of the 1997-01 cohort (ordered in 1998-01)')], period='1997-01-01..1998-01-31'),
  T("What's our repeat purchase rate over the last 3 months, and which marketing channel is driving those repeat buyers?", 'partial', '''
dict(rr_3m=r(repeat_rate(per('1998-04-01', '1998-06-30')), 4), rr_all=r(repeat_rate(df), 4))
''', fig=[('rr_3m', 'repeat rate 1998-04-01..06-30')], mn=[('rr_all', 'all-time repeat rate')],
    period='1998-04-01..1998-06-30', note='No channel/campaign data: must say so.'),
)

C('a2-038', P2,
  T("On average, how long do customers go between purchases?", 'figure', '''
p = pdays(df).sort_values(['cust', 'date'])
gap = p.groupby('cust').date.diff().dt.days.dropna()
dict(mean_gap=r(gap.mean(), 1), median_gap=r(gap.median(), 1))
''', fig=[('mean_gap', 'mean days between consecutive purchase days (all time)'), ('median_gap', 'median days between purchases')],
    period='1997-01-01..1998-06-30'),
  T("And for people who do come back, how long from their first purchase to their second?", 'figure', '''
p = pdays(df).sort_values(['cust', 'date'])
p['k'] = p.groupby('cust').cumcount()
d = (p[p.k == 1].set_index('cust').date - p[p.k == 0].set_index('cust').date).dropna().dt.days
dict(mean_12=r(d.mean(), 1), median_12=r(d.median(), 1), n_second=int(len(d)))
''', fig=[('mean_12', 'mean days first-to-second purchase day'), ('median_12', 'median days first-to-second')],
    period='1997-01-01..1998-06-30'),
)

C('a2-039', P2,
  T("Before I share any of this with the exec team: how fresh is this data, and how accurate is the churn model?", 'model', 'dict()', tool='assistant_status'),
  T("Which of our top spenders are most at risk of churning?", 'model', 'dict()', tool='at_risk_customers'),
  T("What's the projected lifetime value of our top 10 customers over the next year?", 'model', 'dict()', tool='customer_value',
    note='52 weeks.'),
)

C('a2-040', P2,
  T("Pull up customer 02136 - how much have they spent and when did they last order?", 'figure', '''
s = df[df.cust == 2136]
dict(spend=r(s.amt.sum()), days_since=int((NOW - s.date.max()).days), last=str(s.date.max().date()), order_lines=int(len(s)))
''', fig=[('spend', 'customer 02136 lifetime spend'), ('days_since', 'days since last order (last order 1997-01-24)', 0)],
    period='1997-01-01..1998-06-30', note='Last order 1997-01-24; 3 order lines on 3 days.'),
  T("Did they leave us any negative feedback? Looks like we lost them.", 'model', 'dict()', tool='sentiment_summary',
    note='Per-customer feedback; search_feedback for the customer would also do.'),
)

C('a2-041', P2,
  T("What share of total revenue comes from our top 10% of customers?", 'figure', '''
t = tot.sort_values(ascending=False); n = int(round(len(t) * 0.10))
dict(n_top=n, share=r(t.head(n).sum() / t.sum(), 4), spend=r(t.head(n).sum()))
''', fig=[('share', 'share of all revenue from the top 10% (2,357) customers by lifetime spend')], period='1997-01-01..1998-06-30'),
)

C('a2-042', P2,
  T("What percentage of our customers only ever bought from us once?", 'figure', '''
n = days_per_cust(df)
dict(one_share=r((n == 1).mean(), 4), n_one=int((n == 1).sum()), one_share_97=r((days_per_cust(per('1997-01-01', '1997-12-31')) == 1).mean(), 4))
''', fig=[('one_share', 'share of all customers with exactly 1 purchase day (all time)'), ('n_one', 'number of one-time customers')],
    mn=[('one_share_97', 'one-time share within 1997 only')], period='1997-01-01..1998-06-30'),
  T("How much revenue did those one-time buyers bring in, in total?", 'figure', '''
n = days_per_cust(df); ids = n[n == 1].index
dict(rev_one=r(tot.loc[ids].sum()), share=r(tot.loc[ids].sum() / df.amt.sum(), 4))
''', fig=[('rev_one', 'lifetime revenue of one-time customers')], period='1997-01-01..1998-06-30'),
)

C('a2-043', P2,
  T("What's our return rate, and how much did refunds cost us last quarter? Also give me gross revenue for last quarter.", 'partial', '''
dict(q1_98=r(per('1998-01-01', '1998-03-31').amt.sum()), q2_98=r(per('1998-04-01', '1998-06-30').amt.sum()))
''', fig=[('q1_98', 'revenue 1998 Q1 (last quarter)')], mn=[('q2_98', 'revenue 1998 Q2 (this quarter)')],
    period='1998-01-01..1998-03-31', note='No returns/refund data: must say so.'),
)

C('a2-044', P2,
  T("Give me monthly revenue for the last 6 months. Which month had the biggest drop versus the month before?", 'figure', '''
m = per('1997-12-01', '1998-06-30').groupby(df.date.dt.to_period('M')).amt.sum()
c = (m / m.shift(1) - 1).dropna()
dict(worst=str(c.idxmin()), worst_chg=r(c.min(), 4), apr98=r(m.loc['1998-04']), mar98=r(m.loc['1998-03']), jun98=r(m.loc['1998-06']))
''', fig=[('apr98', 'revenue 1998-04 (month of the biggest MoM drop)'), ('worst_chg', 'April 1998 vs March 1998 change'),
          ('mar98', 'revenue 1998-03'), ('jun98', 'revenue 1998-06')],
    period='1998-01-01..1998-06-30'),
)

C('a2-045', P2,
  T("Revenue fell off a cliff after March '97. Were we still acquiring new customers after that? How many new customers did we get each month that year?", 'figure', '''
f = first.dt.to_period('M').value_counts()
dict(jan=int(f.get(pd.Period('1997-01'), 0)), feb=int(f.get(pd.Period('1997-02'), 0)), mar=int(f.get(pd.Period('1997-03'), 0)),
     apr_dec=int(sum(f.get(pd.Period('1997-%02d' % k), 0) for k in range(4, 13))), total97=int(len(first)))
''', fig=[('jan', 'new customers 1997-01'), ('feb', 'new customers 1997-02'), ('mar', 'new customers 1997-03'),
          ('apr_dec', 'new customers 1997-04..12 = 0', 0), ('total97', 'new customers 1997 total')],
    period='1997-01-01..1997-12-31'),
)

# Expected values (hand-checked after the first run; the script asserts the checks still give them)
EXPECTED = {
    ('a2-001', 0): {'rev_may98': 70989.66, 'rev_apr98': 66231.52, 'mom': 0.0718, 'rev_jun98': 76109.3, 'rev_may97': 107933.3},
    ('a2-001', 1): {'orders_may98': 1985, 'aov_may98': 35.76, 'orders_jun98': 2043, 'aov_may97': 37.28},
    ('a2-002', 0): {'top_month': 3, 'top_rev': 108970.15, 'low_month': 4, 'low_rev': 66231.52, 'mar97': 393155.27},
    ('a2-002', 1): {'orders_mar98': 2793, 'orders_mar97': 11598},
    ('a2-003', 0): {'orders_w': 381, 'rev_w': 13063.32, 'orders_last7': 378, 'rev_last7': 12959.97},
    ('a2-003', 1): {'rev_prev': 15884.96, 'orders_prev': 444, 'rev_chg': -0.1776, 'orders_chg': -0.1419},
    ('a2-004', 0): {'rr_h1_98': 0.4927, 'rr_97': 0.4451, 'rr_all': 0.4886},
    ('a2-004', 1): {'rr_97': 0.4451, 'rr_h1_98': 0.4927, 'rr_all': 0.4886},
    ('a2-005', 0): {'new_jun98': 0, 'ret_jun98': 1506, 'first_max': '1997-03-25'},
    ('a2-005', 1): {'rpb_jun98': 50.54, 'rpb_all': 106.08, 'aov_jun98': 37.25},
    ('a2-006', 0): {'id1': 7592, 'spend1': 13990.93, 'id2': 14048, 'spend2': 8976.33, 'id10': 15162, 'spend10': 4234.45},
    ('a2-006', 1): {'cust': 7592, 'spend98': 3573.88, 'share': 0.2554, 'spend_all': 13990.93, 'spend97': 10417.05},
    ('a2-007', 0): {'top100_spend': 247679.82, 'top100_share': 0.0991, 'all_rev': 2500315.63},
    ('a2-008', 0): {'buyers_3m': 3317, 'buyers_jun': 1506, 'sum_monthly': 4431},
    ('a2-008', 1): {'n3': 472, 'spend3': 82664.38, 'spend3_all': 360801.49, 'rev_3m': 213330.48},
    ('a2-009', 0): {'max_dow': 0, 'max_orders': 1927, 'min_dow': 5, 'min_orders': 1708},
    ('a2-010', 0): {'q2_98': 213330.48, 'q1_98': 262823.89, 'qoq': -0.1883, 'q2_97': 359153.66},
    ('a2-010', 1): {'q2_97': 359153.66, 'yoy': -0.406, 'q1_97': 1071805.47},
    ('a2-010', 2): {'nd97': 211025.99, 'jf98': 153853.74, 'chg': -0.2709, 'jf97': 678650.2},
    ('a2-011', 0): {'n180': 18210, 'share180': 0.7726, 'n_all': 23570},
    ('a2-011', 1): {'avg_spend': 57.88, 'avg_all': 106.08},
    ('a2-012', 0): {},
    ('a2-012', 1): {},
    ('a2-013', 0): {},
    ('a2-013', 1): {},
    ('a2-013', 2): {},
    ('a2-014', 0): {'rev_jun98': 76109.3, 'rev_may98': 70989.66},
    ('a2-015', 0): {'spend': 4378.55, 'days_since': 9, 'last': '1998-06-21', 'first': '1997-01-02', 'order_lines': 110, 'purchase_days': 44},
    ('a2-015', 1): {},
    ('a2-015', 2): {},
    ('a2-016', 0): {},
    ('a2-017', 0): {'n100': 628, 'share': 0.0492, 'n100_all': 3152},
    ('a2-017', 1): {'n100_97': 2524, 'share_97': 0.0444, 'n100_all': 3152},
    ('a2-018', 0): {'ret_jan_m1': 0.1475, 'cohort_jan': 7846},
    ('a2-018', 1): {'ret_feb_m1': 0.1548, 'ret_mar_m1': 0.1424, 'ret_jan_m1': 0.1475},
    ('a2-019', 0): {},
    ('a2-031', 0): {'h1_98': 476154.37, 'h1_97': 1430959.13, 'yoy': -0.6672, 'y97': 2024161.26},
    ('a2-031', 1): {'buyers_98': 5374, 'buyers_97': 23570, 'rpb_98': 88.6, 'rpb_97': 60.71, 'buyers_chg': -0.772, 'rpb_chg': 0.4594},
    ('a2-032', 0): {},
    ('a2-032', 1): {},
    ('a2-032', 2): {},
    ('a2-033', 0): {'buyers_q2_98': 3317, 'buyers_q2_97': 5376, 'buyers_jun': 1506},
    ('a2-034', 0): {},
    ('a2-034', 1): {},
    ('a2-035', 0): {'n365': 15238, 'share': 0.6465, 'n180': 18210},
    ('a2-035', 1): {'n': 22, 'n_all500': 734},
    ('a2-036', 0): {'n_lost': 18196, 'buyers97': 23570},
    ('a2-036', 1): {'spend97': 1051694.23, 'share': 0.5196, 'rev97': 2024161.26},
    ('a2-037', 0): {'ret_m3': 0.1032},
    ('a2-037', 1): {'ret_m12': 0.0673},
    ('a2-037', 2): {'rr_3m': 0.3585, 'rr_all': 0.4886},
    ('a2-038', 0): {'mean_gap': 72.2, 'median_gap': 34.0},
    ('a2-038', 1): {'mean_12': 111.0, 'median_12': 57.0, 'n_second': 11516},
    ('a2-039', 0): {},
    ('a2-039', 1): {},
    ('a2-039', 2): {},
    ('a2-040', 0): {'spend': 54.67, 'days_since': 522, 'last': '1997-01-24', 'order_lines': 3},
    ('a2-040', 1): {},
    ('a2-041', 0): {'n_top': 2357, 'share': 0.5094, 'spend': 1273728.95},
    ('a2-042', 0): {'one_share': 0.5114, 'n_one': 12054, 'one_share_97': 0.5549},
    ('a2-042', 1): {'rev_one': 367602.29, 'share': 0.147},
    ('a2-043', 0): {'q1_98': 262823.89, 'q2_98': 213330.48},
    ('a2-044', 0): {'worst': '1998-04', 'worst_chg': -0.3922, 'apr98': 66231.52, 'mar98': 108970.15, 'jun98': 76109.3},
    ('a2-045', 0): {'jan': 7846, 'feb': 8476, 'mar': 7248, 'apr_dec': 0, 'total97': 23570},
}

def rel_tol(name, v, spec_tol):
    if spec_tol is not None:
        return spec_tol
    return 0.005

def main():
    g = {}
    exec(PRELUDE, g)
    def run_check(code):
        lines = code.strip('\n').split('\n')
        loc = dict(g)
        exec('\n'.join(lines[:-1]), loc)
        return eval(lines[-1], loc)
    results = {}
    for cv in CONVS:
        for k, t in enumerate(cv['turns']):
            results[(cv['id'], k)] = run_check(t['check'])
    if '--print' in sys.argv:
        for key, v in results.items():
            print(key, v)
        return
    for key, v in results.items():
        exp = EXPECTED[key]
        for name, val in exp.items():
            got = v[name]
            if isinstance(val, str):
                assert got == val, (key, name, got, val)
            else:
                assert math.isclose(got, val, rel_tol=1e-9, abs_tol=1e-9), (key, name, got, val)
    # build YAML
    items = []
    for cv in CONVS:
        turns = []
        for k, t in enumerate(cv['turns']):
            v = results[(cv['id'], k)]
            e = {'kind': t['kind']}
            if t['tool']:
                e['tool'] = t['tool']
            figs = []
            for f in t['fig']:
                name, what = f[0], f[1]
                tol = f[2] if len(f) > 2 else None
                val = v[name]
                if tol is None:
                    # shares / relative changes: allow one-decimal percent rounding
                    if isinstance(val, float) and abs(val) < 1 and not float(val).is_integer():
                        tol = max(0.005, round(0.0006 / abs(val), 3))
                    else:
                        tol = 0.005
                figs.append({'value': val, 'rel_tol': tol, 'what': '[%s] %s' % (name, what)})
            if figs or t['kind'] in ('figure',):
                e['figures'] = figs
            mns = [{'value': v[n], 'rel_tol': 0.005, 'what': '[%s] %s' % (n, w)} for n, w in t['mn']]
            if mns:
                e['must_not'] = mns
            if t['period']:
                e['period'] = t['period']
            turn = {'q': t['q'], 'expect': e, 'check': t['check'] + '\n'}
            if t['note']:
                turn['note'] = t['note']
            turns.append(turn)
        items.append({'id': cv['id'], 'persona': cv['persona'], 'turns': turns})
    doc = {'writer': 'a2 (outside evaluator; wrote without seeing the product code, tests, prompts or other sets) — personas: '
                     '(1) US VP of Customer Experience, English; (2) 运营经理 in Beijing on DingTalk, short Chinese with typos',
           'data_end': '1998-06-30', 'check_prelude': PRELUDE.lstrip('\n'), 'items': items}
    class D(yaml.SafeDumper):
        pass
    def str_rep(dumper, s):
        if '\n' in s:
            return dumper.represent_scalar('tag:yaml.org,2002:str', s, style='|')
        return dumper.represent_scalar('tag:yaml.org,2002:str', s)
    D.add_representer(str, str_rep)
    out = '/tmp/team/a2/set_a2.yaml'
    with open(out, 'w') as fh:
        yaml.dump(doc, fh, Dumper=D, allow_unicode=True, sort_keys=False, width=200)
    # reload and re-verify against the YAML itself
    y = yaml.safe_load(open(out))
    g2 = {}
    exec(y['check_prelude'], g2)
    nt = 0; kinds = {}
    for it in y['items']:
        for t in it['turns']:
            nt += 1
            kinds[t['expect']['kind']] = kinds.get(t['expect']['kind'], 0) + 1
            lines = t['check'].strip('\n').split('\n')
            loc = dict(g2); exec('\n'.join(lines[:-1]), loc); got = eval(lines[-1], loc)
            assert isinstance(got, dict)
            for sec in ('figures', 'must_not'):
                for f in t['expect'].get(sec, []):
                    name = f['what'][1:f['what'].index(']')]
                    assert math.isclose(got[name], f['value'], rel_tol=1e-9, abs_tol=1e-9), (it['id'], name)
            for f in t['expect'].get('must_not', []):
                for ok in t['expect'].get('figures', []):
                    if ok['value'] != 0:
                        assert abs(f['value'] / ok['value'] - 1) > max(ok['rel_tol'], f['rel_tol']), ('must_not too close', it['id'], f, ok)
    print('OK', len(y['items']), 'conversations', nt, 'turns', kinds)

if __name__ == '__main__':
    main()
