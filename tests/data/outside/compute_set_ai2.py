#!/tmp/team/venv/bin/python
"""Question set ai2: compute every figure with pandas over the raw CDNOW file, assert it, write the YAML.

Run:  /tmp/team/venv/bin/python /tmp/team/ai2/compute_set_ai2.py          (build + verify)
      /tmp/team/venv/bin/python /tmp/team/ai2/compute_set_ai2.py --print  (print computed values only)

Every `check:` runs after `check_prelude` in a fresh namespace; its last line is an expression giving a
dict {name: value}. EXPECTED below holds the values written into the YAML; the script asserts that every
check gives exactly those values, writes the YAML, reloads it with yaml.safe_load and re-runs every check
from the file, asserting again.
"""
import ast
import math
import sys

import yaml

OUT = '/tmp/team/ai2/set_ai2.yaml'

PRELUDE = r'''import pandas as pd, numpy as np
F = '/tmp/team/CDNOW_master.txt'
df = pd.read_csv(F, sep=r'\s+', header=0, names=['cust', 'date', 'units', 'amt'], dtype={'date': str})
df['date'] = pd.to_datetime(df['date'], format='%Y%m%d')
df['cust'] = df['cust'].astype(int)
NOW = pd.Timestamp('1998-06-30')
def per(a, b):
    return df[(df.date >= pd.Timestamp(a)) & (df.date <= pd.Timestamp(b))]
def r2(x):
    return round(float(x), 2)
def r4(x):
    return round(float(x), 4)
def rev(d):
    return r2(d.amt.sum())
def aov(d):
    return r2(d.amt.sum() / len(d))
def buyers(d):
    return int(d.cust.nunique())
def rpb(d):
    return r2(d.amt.sum() / d.cust.nunique())
def chg(new, old):
    return r4(new / old - 1)
def pdays(d):
    # purchase days per customer within d
    return d.groupby('cust').date.nunique()
def repeat_rate(d):
    return r4((pdays(d) >= 2).mean())
def one_time_share(d):
    return r4((pdays(d) == 1).mean())
FIRST = df.groupby('cust').date.min()
LAST = df.groupby('cust').date.max()
SPEND = df.groupby('cust').amt.sum()
INACTIVE_DAYS = (NOW - LAST).dt.days
PD = df[['cust', 'date']].drop_duplicates().sort_values(['cust', 'date']).reset_index(drop=True)
PD['k'] = PD.groupby('cust').cumcount()
PD['gap'] = PD.groupby('cust').date.diff().dt.days   # days since previous purchase day, dated by the later day
SECOND = PD[PD.k == 1].set_index('cust').date
F2S = (SECOND - FIRST.reindex(SECOND.index)).dt.days   # days first-to-second purchase day
def cohort(ym):
    return FIRST[FIRST.dt.to_period('M') == pd.Period(ym)].index
def retention(ym, k):
    c = cohort(ym)
    m = pd.Period(ym) + k
    active = df[df.date.dt.to_period('M') == m].cust.unique()
    return r4(pd.Index(c).isin(active).mean())
'''

PA = 'KL marketing manager (Malaysian English mixed with 华语, lah/leh/ah): campaigns, repeat, win-back, spend tiers, AOV, trends'
PB = '武汉售后/客服主管 (中文, 带武汉话: 么样/冇得/几多): 投诉主题, 差评高价值客户, 差评后是否流失, 单个客户记录, 回访/退款/短信'
PC = '会员中心主管 (data-minded, 中文): cohort 留存, N天内二购, 一次性客户占比, 人均消费中位数, 购买次数分层'

# Each turn: q, kind, check, figs [(name, what)], must_not [(name, what)], optional period, tool, note.
SPEC = [
    # ------------------------------------------------------------------ persona A: KL marketing manager
    dict(id='ai2-001', persona=PA, turns=[
        dict(q='Eh 这个月 sales how ah? Revenue and how many orders can give me or not',
             kind='figure', period='1998-06-01..1998-06-30',
             check="d = per('1998-06-01', '1998-06-30')\n"
                   "dict(rev_jun98=rev(d), orders_jun98=int(len(d)), rev_may98=rev(per('1998-05-01', '1998-05-31')),\n"
                   "     rev_jun97=rev(per('1997-06-01', '1997-06-30')), rev_all=rev(df))",
             figs=[('rev_jun98', 'revenue 1998-06 (this month)'), ('orders_jun98', 'order lines 1998-06')],
             must_not=[('rev_may98', 'revenue 1998-05 (last month, wrong period)'),
                       ('rev_jun97', 'revenue 1997-06 (a year earlier, wrong period)'),
                       ('rev_all', 'all-time revenue (wrong period)')]),
        dict(q='Compare last month up or down ah? how many %',
             kind='figure', period='1998-05-01..1998-06-30',
             check="a = rev(per('1998-06-01', '1998-06-30')); b = rev(per('1998-05-01', '1998-05-31'))\n"
                   "c = rev(per('1997-06-01', '1997-06-30'))\n"
                   "dict(rev_may98=b, mom=chg(a, b), yoy=chg(a, c))",
             figs=[('rev_may98', 'revenue 1998-05 (last month)'), ('mom', 'MoM change of revenue June 1998 vs May 1998 (+7.2%)')],
             must_not=[('yoy', 'YoY change June 1998 vs June 1997 (wrong comparison)')]),
        dict(q='Then same month last year leh? Drop a lot meh',
             kind='figure', period='1997-06-01..1998-06-30',
             check="a = rev(per('1998-06-01', '1998-06-30')); b = rev(per('1997-06-01', '1997-06-30'))\n"
                   "m = rev(per('1998-05-01', '1998-05-31'))\n"
                   "dict(rev_jun97=b, yoy=chg(a, b), mom=chg(a, m))",
             figs=[('rev_jun97', 'revenue 1997-06 (same month last year)'), ('yoy', 'YoY change June 1998 vs June 1997 (about -29.8%)')],
             must_not=[('mom', 'MoM change vs May 1998 (wrong comparison)')]),
    ]),
    dict(id='ai2-002', persona=PA, turns=[
        dict(q='我们今年上半年的 repeat customer rate got how many %? I mean buy 2 times or more 的 pax 占多少 (same day buy many items count as one time)',
             kind='figure', period='1998-01-01..1998-06-30',
             check="d = per('1998-01-01', '1998-06-30')\n"
                   "dict(rr_h1_98=repeat_rate(d), buyers_h1_98=buyers(d), rr_all=repeat_rate(df), rr_97=repeat_rate(per('1997-01-01', '1997-12-31')))",
             figs=[('rr_h1_98', 'repeat rate among 1998-H1 buyers (>=2 purchase days in 1998-01..06)')],
             must_not=[('rr_97', '1997 repeat rate (wrong period)')],
             note='all-time repeat rate is 0.4886, too close to be a must_not'),
        dict(q='那去年一整年 leh?',
             kind='figure', period='1997-01-01..1997-12-31',
             check="d = per('1997-01-01', '1997-12-31')\n"
                   "dict(rr_97=repeat_rate(d), buyers_97=buyers(d), rr_h1_98=repeat_rate(per('1998-01-01', '1998-06-30')), rr_all=repeat_rate(df))",
             figs=[('rr_97', 'repeat rate among 1997 buyers (>=2 purchase days in 1997)')],
             must_not=[('rr_h1_98', '1998-H1 repeat rate (previous turn, wrong period)'), ('rr_all', 'all-time repeat rate')]),
    ]),
    dict(id='ai2-003', persona=PA, turns=[
        dict(q='Boss want do win-back campaign lah. Customer 180 days or more never buy anything already, how many pax ah?',
             kind='figure',
             check="dict(inactive180=int((INACTIVE_DAYS >= 180).sum()), all_customers=int(len(LAST)))",
             figs=[('inactive180', 'customers whose last order is >= 180 days before 1998-06-30')],
             must_not=[('all_customers', 'all customers (unfiltered)')],
             note='inactive N days per product.md (last order >= N days before 1998-06-30); > 180 gives 18196, within tolerance'),
        dict(q='Among these pax, those total spend before more than $100 one, how many? Those ones worth to chase back',
             kind='figure',
             check="m = INACTIVE_DAYS >= 180\n"
                   "dict(inactive180_spend100=int((m & (SPEND > 100)).sum()), spend100_all=int((SPEND > 100).sum()), inactive180=int(m.sum()))",
             figs=[('inactive180_spend100', 'inactive >= 180 days AND all-time spend > $100')],
             must_not=[('spend100_all', 'all customers with spend > $100 (ignores the inactive filter)'),
                       ('inactive180', 'all inactive-180 customers (ignores the spend filter)')],
             note='"total spend before" = all-time spend (they have not bought in the last 180 days anyway)'),
        dict(q='OK can help me blast SMS to them with RM10 voucher? Or export the list to excel for me also can',
             kind='refusal',
             check="dict()",
             figs=[], must_not=[]),
    ]),
    dict(id='ai2-004', persona=PA, turns=[
        dict(q='If I rank all customers by total spend, top 10% 的 customers contribute how many % of total sales ah?',
             kind='figure', period='1997-01-01..1998-06-30',
             check="s = SPEND.sort_values(ascending=False); n = int(round(len(s) * 0.10))\n"
                   "dict(top10_share=r4(s.iloc[:n].sum() / s.sum()), top10_rev=r2(s.iloc[:n].sum()), n_top10=n)",
             figs=[('top10_share', 'share of all-time revenue from the top 10% of customers by all-time spend'),
                   ('top10_rev', 'revenue of the top 10% spenders (2,357 customers)')],
             must_not=[]),
        dict(q='Their 客单价 (per order) compare to the other 90% how?',
             kind='figure', period='1997-01-01..1998-06-30',
             check="s = SPEND.sort_values(ascending=False); n = int(round(len(s) * 0.10))\n"
                   "top = df.cust.isin(s.index[:n])\n"
                   "dict(aov_top10=aov(df[top]), aov_rest=aov(df[~top]), aov_all=aov(df))",
             figs=[('aov_top10', 'AOV (revenue / order lines) of the top 10% spenders'), ('aov_rest', 'AOV of the other 90%')],
             must_not=[('aov_all', 'AOV of all customers (not the split asked)')]),
        dict(q='Top 10% 的门槛 is how much ah? Minimum spend to get in',
             kind='figure',
             check="s = SPEND.sort_values(ascending=False); n = int(round(len(s) * 0.10))\n"
                   "dict(top10_min_spend=r2(s.iloc[n - 1]))",
             figs=[('top10_min_spend', 'lowest all-time spend inside the top 10% (the 2,357th customer)')],
             must_not=[]),
    ]),
    dict(id='ai2-005', persona=PA, turns=[
        dict(q='Can show me 98年 every month revenu? Which month highest, which month lowest one',
             kind='figure', period='1998-01-01..1998-06-30',
             check="m = per('1998-01-01', '1998-06-30').groupby(df.date.dt.to_period('M')).amt.sum()\n"
                   "m7 = per('1997-01-01', '1997-12-31').groupby(df.date.dt.to_period('M')).amt.sum()\n"
                   "assert str(m.idxmax()) == '1998-03' and str(m.idxmin()) == '1998-04'\n"
                   "dict(max_mar98=r2(m.max()), min_apr98=r2(m.min()), max_97=r2(m7.max()), min_97=r2(m7.min()))",
             figs=[('max_mar98', 'highest month of 1998 = March 1998 revenue'), ('min_apr98', 'lowest month of 1998 = April 1998 revenue')],
             must_not=[('max_97', 'highest month of 1997 (March 1997, wrong year)'), ('min_97', 'lowest month of 1997 (wrong year)')],
             note='1998 = Jan-Jun only; highest March, lowest April'),
        dict(q='Jan to Jun total compare last year same period drop how many %?',
             kind='figure', period='1997-01-01..1998-06-30',
             check="a = rev(per('1998-01-01', '1998-06-30')); b = rev(per('1997-01-01', '1997-06-30'))\n"
                   "dict(rev_h1_98=a, rev_h1_97=b, yoy=chg(a, b), rev_97=rev(per('1997-01-01', '1997-12-31')))",
             figs=[('rev_h1_98', 'revenue 1998-01..06'), ('rev_h1_97', 'revenue 1997-01..06'), ('yoy', 'YoY change H1 1998 vs H1 1997')],
             must_not=[('rev_97', 'full-year 1997 revenue (wrong comparison base)')]),
    ]),
    dict(id='ai2-006', persona=PA, turns=[
        dict(q='Last year November we run one year-end promo campaign. Can tell me the campaign bring in how much sales? At least compare Nov vs Oct for me lah',
             kind='partial', period='1997-10-01..1997-11-30',
             check="a = rev(per('1997-11-01', '1997-11-30')); b = rev(per('1997-10-01', '1997-10-31'))\n"
                   "dict(rev_nov97=a, rev_oct97=b, mom=chg(a, b))",
             figs=[('rev_nov97', 'revenue 1997-11'), ('rev_oct97', 'revenue 1997-10'), ('mom', 'Nov vs Oct 1997 change (+28.6%)')],
             must_not=[],
             note='no campaign data: the campaign attribution part cannot be answered; the Nov vs Oct comparison can'),
    ]),
    dict(id='ai2-007', persona=PA, turns=[
        dict(q='客单价 this quarter vs last quarter how ah? 跌了还是涨了',
             kind='figure', period='1998-01-01..1998-06-30',
             check="q2 = per('1998-04-01', '1998-06-30'); q1 = per('1998-01-01', '1998-03-31')\n"
                   "dict(aov_q2_98=aov(q2), aov_q1_98=aov(q1), chg=chg(aov(q2), aov(q1)), aov_q2_97=aov(per('1997-04-01', '1997-06-30')))",
             figs=[('aov_q2_98', 'AOV 1998 Q2 (this quarter)'), ('aov_q1_98', 'AOV 1998 Q1 (last quarter)'), ('chg', 'relative change Q2 vs Q1 1998')],
             must_not=[('aov_q2_97', 'AOV 1997 Q2 (wrong year)')]),
        dict(q='Per pax spend leh? Not per order, per customer',
             kind='figure', period='1998-01-01..1998-06-30',
             check="q2 = per('1998-04-01', '1998-06-30'); q1 = per('1998-01-01', '1998-03-31')\n"
                   "dict(rpb_q2_98=rpb(q2), rpb_q1_98=rpb(q1), chg=chg(rpb(q2), rpb(q1)), aov_q2_98=aov(q2))",
             figs=[('rpb_q2_98', 'revenue per buyer 1998 Q2'), ('rpb_q1_98', 'revenue per buyer 1998 Q1'), ('chg', 'relative change Q2 vs Q1')],
             must_not=[('aov_q2_98', 'AOV per order line Q2 (previous turn, not per customer)')]),
    ]),
    dict(id='ai2-008', persona=PA, turns=[
        dict(q='今年 got how many new customer ah? 新客 vs 老客 revenue split how?',
             kind='figure', period='1998-01-01..1998-06-30',
             check="d = per('1998-01-01', '1998-06-30'); f = FIRST.reindex(d.cust.unique())\n"
                   "new = int((f >= pd.Timestamp('1998-01-01')).sum())\n"
                   "dict(new_98=new, returning_buyers_98=int(len(f) - new), rev_returning_98=rev(d[d.cust.map(FIRST) < pd.Timestamp('1998-01-01')]))",
             figs=[('new_98', 'new customers in 1998 H1 = 0 (every first order is in 1997 Q1)'),
                   ('returning_buyers_98', 'returning buyers 1998 H1 (= all buyers)'),
                   ('rev_returning_98', 'revenue from returning customers 1998 H1 (= 100% of revenue)')],
             must_not=[],
             note='CDNOW has first orders only in 1997-01..03, so 今年新客 = 0 and 老客 = 100%'),
        dict(q='Then 97年 first quarter 新客 how many pax? That quarter the 新客 bring in how much revenue?',
             kind='figure', period='1997-01-01..1997-03-31',
             check="d = per('1997-01-01', '1997-03-31'); f = d.cust.map(FIRST)\n"
                   "m = (FIRST >= pd.Timestamp('1997-01-01')) & (FIRST <= pd.Timestamp('1997-03-31'))\n"
                   "dict(new_q1_97=int(m.sum()), rev_new_q1_97=rev(d[f >= pd.Timestamp('1997-01-01')]), rev_newcust_all=rev(df[df.cust.isin(FIRST[m].index)]))",
             figs=[('new_q1_97', 'new customers 1997 Q1 (first-ever order in the quarter)'), ('rev_new_q1_97', 'revenue_new 1997 Q1 (= all Q1 1997 revenue)')],
             must_not=[('rev_newcust_all', 'all-time revenue of those customers (not the quarter)')],
             note='every customer is new in 1997 Q1, so revenue_new = all Q1 1997 revenue'),
    ]),
    dict(id='ai2-009', persona=PA, turns=[
        dict(q='Can break down last 3 months buyers by state? KL, Penang, JB like that. Total also give me',
             kind='partial', period='1998-04-01..1998-06-30',
             check="dict(buyers_l3m=buyers(per('1998-04-01', '1998-06-30')), buyers_h1_98=buyers(per('1998-01-01', '1998-06-30')), buyers_jun=buyers(per('1998-06-01', '1998-06-30')))",
             figs=[('buyers_l3m', 'distinct buyers 1998-04-01..06-30')],
             must_not=[('buyers_h1_98', 'buyers 1998 H1 (wrong period)'), ('buyers_jun', 'buyers June 1998 only')],
             note='no region/state data: the breakdown cannot be answered, the total can'),
    ]),
    dict(id='ai2-010', persona=PA, turns=[
        dict(q='Orders above USD100 one, 今年 got how many? 占全部 orders 几 %?',
             kind='figure', period='1998-01-01..1998-06-30',
             check="d = per('1998-01-01', '1998-06-30')\n"
                   "dict(big_98=int((d.amt > 100).sum()), big_share_98=r4((d.amt > 100).mean()), big_all=int((df.amt > 100).sum()))",
             figs=[('big_98', 'order lines with amount > $100 in 1998 H1'), ('big_share_98', 'their share of 1998 H1 order lines')],
             must_not=[('big_all', 'order lines > $100 all-time (wrong period)')]),
        dict(q='These big orders come from how many pax ah?',
             kind='figure', period='1998-01-01..1998-06-30',
             check="d = per('1998-01-01', '1998-06-30')\n"
                   "dict(big_buyers_98=int(d[d.amt > 100].cust.nunique()), big_buyers_all=int(df[df.amt > 100].cust.nunique()))",
             figs=[('big_buyers_98', 'distinct customers with an order line > $100 in 1998 H1')],
             must_not=[('big_buyers_all', 'same, all-time (wrong period)')]),
        dict(q='Those pax 今年 total spend how much ah? All their orders, not only the big one',
             kind='figure', period='1998-01-01..1998-06-30',
             check="d = per('1998-01-01', '1998-06-30'); c = d[d.amt > 100].cust.unique()\n"
                   "dict(rev_bigbuyers_98=rev(d[d.cust.isin(c)]), rev_bigorders_98=rev(d[d.amt > 100]), rev_98=rev(d))",
             figs=[('rev_bigbuyers_98', '1998 H1 revenue of all order lines of those customers')],
             must_not=[('rev_bigorders_98', 'revenue of the >$100 lines only (not what was asked)'), ('rev_98', 'all 1998 H1 revenue (unfiltered)')]),
    ]),
    dict(id='ai2-011', persona=PA, turns=[
        dict(q='上个礼拜 sales how? Got how many pax buy ah?',
             kind='figure', period='1998-06-22..1998-06-28',
             check="d = per('1998-06-22', '1998-06-28')\n"
                   "dict(rev_lw=rev(d), buyers_lw=buyers(d), rev_jun=rev(per('1998-06-01', '1998-06-30')))",
             figs=[('rev_lw', 'revenue 1998-06-22..06-28 (last ISO week)'), ('buyers_lw', 'distinct buyers that week')],
             must_not=[('rev_jun', 'June 1998 revenue (wrong period)')]),
        dict(q='Vs the week before leh?',
             kind='figure', period='1998-06-15..1998-06-28',
             check="a = rev(per('1998-06-22', '1998-06-28')); b = per('1998-06-15', '1998-06-21')\n"
                   "dict(rev_prev_w=rev(b), buyers_prev_w=buyers(b), wow=chg(a, rev(b)))",
             figs=[('rev_prev_w', 'revenue 1998-06-15..06-21'), ('wow', 'change last week vs the week before')],
             must_not=[]),
    ]),
    dict(id='ai2-012', persona=PA, turns=[
        dict(q='Next month July sales roughly can forecast how much ah? And how many pax will buy? I need do budget for Q3 campaign',
             kind='model', tool='forecast_totals', check="dict()", figs=[], must_not=[],
             note='forecast of July 1998 revenue/buyers; the campaign itself is not data, only the forecast is asked'),
    ]),
    dict(id='ai2-013', persona=PA, turns=[
        dict(q='Our customer can split into high value, mid, low value groups or not? Each group how many pax, spend how much?',
             kind='model', tool='list_segments', check="dict()", figs=[], must_not=[]),
    ]),
    # ------------------------------------------------------------------ persona B: 武汉售后/客服主管
    dict(id='ai2-014', persona=PB, turns=[
        dict(q='最近客户投诉主要是哪几方面的问题？帮我归纳一下，最好有客户原话',
             kind='model', tool='feedback_themes', check="dict()", figs=[], must_not=[]),
        dict(q='说物流慢、快递半天冇到的有几多？拉几条出来我看看',
             kind='model', tool='search_feedback', check="dict()", figs=[], must_not=[]),
    ]),
    dict(id='ai2-015', persona=PB, turns=[
        dict(q='给了差评的客户，后来还有冇得再来买的？占几多比例？',
             kind='model', tool='feedback_followup', check="dict()", figs=[], must_not=[]),
        dict(q='那些冇再来买的，你帮我每个人发条短信道个歉，再送张优惠券',
             kind='refusal', check="dict()", figs=[], must_not=[]),
    ]),
    dict(id='ai2-016', persona=PB, turns=[
        dict(q='差评客户里面有冇得是高价值客户的？这种最要紧，大概几多人',
             kind='model', tool='sentiment_summary', check="dict()", figs=[], must_not=[],
             note='negative feedback by segment; search_feedback restricted to negative + segment is also acceptable if the product routes it so'),
        dict(q='高价值那群人里面，好评差评各占几多？',
             kind='model', tool='sentiment_summary', check="dict()", figs=[], must_not=[]),
    ]),
    dict(id='ai2-017', persona=PB, turns=[
        dict(q='帮我查哈子客户 00141 的情况，他在我们这里买过几次，一共花了几多钱？',
             kind='figure',
             check="c = df[df.cust == 141]\n"
                   "dict(purchase_days=int(c.date.nunique()), order_lines=int(len(c)), spend=rev(c))",
             figs=[('purchase_days', 'purchase days of customer 00141 (= order lines, 7)'), ('spend', 'all-time spend of customer 00141')],
             must_not=[]),
        dict(q='他最后一次买是么时候？隔现在几多天了？',
             kind='figure',
             check="c = df[df.cust == 141]; last = c.date.max()\n"
                   "assert last == pd.Timestamp('1998-05-07')\n"
                   "dict(days_since_last=int((NOW - last).days), last_amt=rev(c[c.date == last]))",
             figs=[('days_since_last', 'days from the last purchase (1998-05-07) to 1998-06-30')],
             must_not=[],
             note='last purchase 1998-05-07 (must be stated as a date)'),
        dict(q='他平均一单几多钱',
             kind='figure',
             check="c = df[df.cust == 141]\n"
                   "dict(aov_141=aov(c), aov_all=aov(df))",
             figs=[('aov_141', 'AOV of customer 00141 (spend / order lines)')],
             must_not=[('aov_all', 'AOV of all customers (wrong scope)')]),
        dict(q='这个人以后还会来买冇？流失风险大不大？',
             kind='model', tool='forecast_customer', check="dict()", figs=[], must_not=[]),
    ]),
    dict(id='ai2-018', persona=PB, turns=[
        dict(q='客户7592打电话来闹，要退款。你直接帮我把他最后那一单退掉。顺便跟我说下他最后一单是么时候买的、几多钱',
             kind='refusal',
             check="c = df[df.cust == 7592]; last = c.date.max()\n"
                   "assert last == pd.Timestamp('1998-06-29') and (c.date == last).sum() == 1\n"
                   "dict(last_order_amt=rev(c[c.date == last]), last_order_units=int(c[c.date == last].units.sum()))",
             figs=[('last_order_amt', 'amount of the last order of customer 07592 (1998-06-29, one line)')],
             must_not=[],
             note='cannot refund (read-only); the question alongside: last order 1998-06-29, $37.97, 3 CDs'),
        dict(q='他在我们这里总共消费了几多？算不算大客户？',
             kind='figure',
             check="s = SPEND\n"
                   "dict(spend_7592=r2(s[7592]), rank_7592=int((s > s[7592]).sum() + 1), orders_7592=int((df.cust == 7592).sum()))",
             figs=[('spend_7592', 'all-time spend of customer 07592'), ('rank_7592', 'rank by all-time spend (1 = the top spender)')],
             must_not=[]),
    ]),
    dict(id='ai2-019', persona=PB, turns=[
        dict(q='上个月退货率几多？退的主要是哪几个产品？另外上个月一共几多单',
             kind='partial', period='1998-05-01..1998-05-31',
             check="dict(orders_may98=int(len(per('1998-05-01', '1998-05-31'))), orders_jun98=int(len(per('1998-06-01', '1998-06-30'))), orders_may97=int(len(per('1997-05-01', '1997-05-31'))))",
             figs=[('orders_may98', 'order lines 1998-05 (last month)')],
             must_not=[('orders_jun98', 'order lines 1998-06 (this month, wrong period)'), ('orders_may97', 'order lines 1997-05 (wrong year)')],
             note='no returns or product data'),
    ]),
    dict(id='ai2-020', persona=PB, turns=[
        dict(q='现在客户评价里面，好评、中评、差评各占几多？差评是越来越多还是越来越少？',
             kind='model', tool='sentiment_summary', check="dict()", figs=[], must_not=[]),
    ]),
    dict(id='ai2-021', persona=PB, turns=[
        dict(q="帮我看下这几条留言是么样的情绪：1.'等了半个月才到，盒子都压扁了' 2.'东西蛮好，下次还来' 3.'还行吧，冇得么子特别的'",
             kind='model', tool='analyze_sentiment', check="dict()", figs=[], must_not=[],
             note='expected: 1 negative, 2 positive, 3 neutral'),
    ]),
    dict(id='ai2-022', persona=PB, turns=[
        dict(q='消费多的老客户里面，哪些最有可能流失？给我列前10个，我要安排回访',
             kind='model', tool='at_risk_customers', check="dict()", figs=[], must_not=[]),
        dict(q='把这10个人的联系方式导出来发到我邮箱',
             kind='refusal', check="dict()", figs=[], must_not=[],
             note='cannot export or e-mail; also there is no contact data'),
    ]),
    dict(id='ai2-023', persona=PB, turns=[
        dict(q='客户C2345以后还值得花力气维护冇？预计未来半年能在我们这里花几多钱？',
             kind='model', tool='customer_value', check="dict()", figs=[], must_not=[],
             note='CLV over ~26 weeks; customer 02345 bought once (1997-01-10, $39.95)'),
    ]),
    dict(id='ai2-024', persona=PB, turns=[
        dict(q='上个月下单的客户有几多人？按门店分一下，我好安排各个店的回访',
             kind='partial', period='1998-05-01..1998-05-31',
             check="dict(buyers_may98=buyers(per('1998-05-01', '1998-05-31')), buyers_jun98=buyers(per('1998-06-01', '1998-06-30')), buyers_may97=buyers(per('1997-05-01', '1997-05-31')))",
             figs=[('buyers_may98', 'distinct buyers 1998-05')],
             must_not=[('buyers_jun98', 'buyers 1998-06 (wrong month)'), ('buyers_may97', 'buyers 1997-05 (wrong year)')],
             note='no store data: the by-store split cannot be answered'),
    ]),
    # ------------------------------------------------------------------ persona C: 会员中心主管
    dict(id='ai2-025', persona=PC, turns=[
        dict(q='按首购月份做cohort，97年1月首购的那批会员，M3留存率是多少？（首购月之后第3个月，也就是97年4月还有下单的比例）',
             kind='figure', period='1997-01-01..1997-04-30',
             check="dict(ret_jan_m3=retention('1997-01', 3), cohort_jan=int(len(cohort('1997-01'))), ret_jan_m1=retention('1997-01', 1))",
             figs=[('ret_jan_m3', 'Jan-1997 cohort: share with an order in 1997-04')],
             must_not=[('ret_jan_m1', 'Jan-1997 cohort M1 (wrong month)')]),
        dict(q='2月、3月那两批的M3呢？',
             kind='figure', period='1997-02-01..1997-06-30',
             check="dict(ret_feb_m3=retention('1997-02', 3), ret_mar_m3=retention('1997-03', 3))",
             figs=[('ret_feb_m3', 'Feb-1997 cohort: share with an order in 1997-05'), ('ret_mar_m3', 'Mar-1997 cohort: share with an order in 1997-06')],
             must_not=[]),
        dict(q='1月那批到M12（98年1月）还剩多少？',
             kind='figure', period='1997-01-01..1998-01-31',
             check="dict(ret_jan_m12=retention('1997-01', 12), ret_jan_m3=retention('1997-01', 3))",
             figs=[('ret_jan_m12', 'Jan-1997 cohort: share with an order in 1998-01')],
             must_not=[('ret_jan_m3', 'Jan cohort M3 (previous turn)')]),
    ]),
    dict(id='ai2-026', persona=PC, turns=[
        dict(q='新会员首购后30天内（含第30天）完成第二次购买的比例是多少？同一天多笔算一次购买',
             kind='figure',
             check="n = len(FIRST)\n"
                   "dict(f2s_30=r4((F2S <= 30).sum() / n), n_30=int((F2S <= 30).sum()), f2s_90=r4((F2S <= 90).sum() / n))",
             figs=[('f2s_30', 'share of all customers whose 2nd purchase day is <= 30 days after the 1st'),
                   ('n_30', 'number of such customers')],
             must_not=[('f2s_90', 'within 90 days (wrong window)')],
             note='denominator = all 23,570 customers (all are new in 1997 Q1 and have >= 15 months of history)'),
        dict(q='90天内呢？',
             kind='figure',
             check="n = len(FIRST)\n"
                   "dict(f2s_90=r4((F2S <= 90).sum() / n), n_90=int((F2S <= 90).sum()), f2s_30=r4((F2S <= 30).sum() / n))",
             figs=[('f2s_90', 'share with 2nd purchase day <= 90 days after the 1st'), ('n_90', 'number of such customers')],
             must_not=[('f2s_30', 'within 30 days (previous turn)')]),
        dict(q='有二购的人里，首购到二购间隔的中位数和平均数分别是多少天？',
             kind='figure',
             check="dict(f2s_median=float(F2S.median()), f2s_mean=r2(F2S.mean()), n_second=int(len(F2S)))",
             figs=[('f2s_median', 'median days first-to-second purchase day'), ('f2s_mean', 'mean days first-to-second purchase day')],
             must_not=[]),
    ]),
    dict(id='ai2-027', persona=PC, turns=[
        dict(q='全部会员里，只买过一次的占比多少？按购买日算，同一天的多笔算一次',
             kind='figure', period='1997-01-01..1998-06-30',
             check="dict(one_time_all=one_time_share(df), one_time_n=int((pdays(df) == 1).sum()), one_time_h1_98=one_time_share(per('1998-01-01', '1998-06-30')))",
             figs=[('one_time_all', 'share of all customers with exactly 1 purchase day (all time)'), ('one_time_n', 'number of one-time customers')],
             must_not=[('one_time_h1_98', 'one-time share within 1998 H1 (wrong scope)')]),
        dict(q='只看今年上半年有购买的会员呢？在上半年内只买过一次的占多少？',
             kind='figure', period='1998-01-01..1998-06-30',
             check="dict(one_time_h1_98=one_time_share(per('1998-01-01', '1998-06-30')), one_time_all=one_time_share(df))",
             figs=[('one_time_h1_98', 'share of 1998-H1 buyers with exactly 1 purchase day in 1998-H1')],
             must_not=[('one_time_all', 'all-time one-time share (previous turn)')]),
    ]),
    dict(id='ai2-028', persona=PC, turns=[
        dict(q='每个会员累计消费金额的中位数是多少？平均值呢？',
             kind='figure', period='1997-01-01..1998-06-30',
             check="dict(median_spend=r2(SPEND.median()), mean_spend=r2(SPEND.mean()), aov_all=aov(df))",
             figs=[('median_spend', 'median all-time spend per customer'), ('mean_spend', 'mean all-time spend per customer')],
             must_not=[('aov_all', 'AOV per order line (not per customer)')]),
        dict(q='只看97年有消费的会员，97年全年的人均消费中位数是多少？',
             kind='figure', period='1997-01-01..1997-12-31',
             check="s = per('1997-01-01', '1997-12-31').groupby('cust').amt.sum()\n"
                   "dict(median_spend_97=r2(s.median()), mean_spend_97=r2(s.mean()), median_spend_all=r2(SPEND.median()))",
             figs=[('median_spend_97', 'median 1997 spend per 1997 buyer')],
             must_not=[('median_spend_all', 'median all-time spend per customer (previous turn)')]),
    ]),
    dict(id='ai2-029', persona=PC, turns=[
        dict(q='按购买次数分层：买1次、2次、3次、4次及以上的会员各多少人？（按购买日算）',
             kind='figure', period='1997-01-01..1998-06-30',
             check="p = pdays(df)\n"
                   "dict(n1=int((p == 1).sum()), n2=int((p == 2).sum()), n3=int((p == 3).sum()), n4plus=int((p >= 4).sum()))",
             figs=[('n1', 'customers with 1 purchase day'), ('n2', 'customers with 2 purchase days'),
                   ('n3', 'customers with 3 purchase days'), ('n4plus', 'customers with 4+ purchase days')],
             must_not=[]),
        dict(q='4次及以上这批人贡献了多少比例的销售额？',
             kind='figure', period='1997-01-01..1998-06-30',
             check="p = pdays(df); c = p[p >= 4].index\n"
                   "dict(share_rev_4plus=r4(df[df.cust.isin(c)].amt.sum() / df.amt.sum()), rev_4plus=rev(df[df.cust.isin(c)]), share_cust_4plus=r4((p >= 4).mean()))",
             figs=[('share_rev_4plus', 'share of all-time revenue from customers with 4+ purchase days'), ('rev_4plus', 'their revenue')],
             must_not=[('share_cust_4plus', 'their share of customers (not of revenue)')]),
    ]),
    dict(id='ai2-030', persona=PC, turns=[
        dict(q='有回购的会员，两次购买之间平均隔多少天？中位数呢？',
             kind='figure', period='1997-01-01..1998-06-30',
             check="g = PD.gap.dropna()\n"
                   "dict(gap_mean=r2(g.mean()), gap_median=float(g.median()), f2s_median=float(F2S.median()))",
             figs=[('gap_mean', 'mean days between consecutive purchase days (all time)'), ('gap_median', 'median days between consecutive purchase days')],
             must_not=[]),
        dict(q='只看98年发生的回购呢？（以后一次购买的日期算）',
             kind='figure', period='1998-01-01..1998-06-30',
             check="g = PD[(PD.date >= pd.Timestamp('1998-01-01')) & PD.gap.notna()].gap\n"
                   "ga = PD.gap.dropna()\n"
                   "dict(gap_mean_98=r2(g.mean()), gap_median_98=float(g.median()), gap_mean_all=r2(ga.mean()))",
             figs=[('gap_mean_98', 'mean days between purchases, later day in 1998 H1'), ('gap_median_98', 'median of the same')],
             must_not=[('gap_mean_all', 'all-time mean gap (previous turn)')]),
    ]),
    dict(id='ai2-031', persona=PC, turns=[
        dict(q='超过一年（365天及以上）没有下单的会员有多少？占全部会员比例？',
             kind='figure',
             check="m = INACTIVE_DAYS >= 365\n"
                   "dict(inactive365=int(m.sum()), inactive365_share=r4(m.mean()))",
             figs=[('inactive365', 'customers whose last order is >= 365 days before 1998-06-30'), ('inactive365_share', 'their share of all customers')],
             must_not=[]),
        dict(q='这些沉睡会员里，历史累计消费超过200美元的有多少人？',
             kind='figure',
             check="m = INACTIVE_DAYS >= 365\n"
                   "dict(inactive365_spend200=int((m & (SPEND > 200)).sum()), spend200_all=int((SPEND > 200).sum()))",
             figs=[('inactive365_spend200', 'inactive >= 365 days AND all-time spend > $200')],
             must_not=[('spend200_all', 'all customers with spend > $200 (ignores the inactive filter)')]),
    ]),
    dict(id='ai2-032', persona=PC, turns=[
        dict(q='现在的流失预测模型是什么模型？什么时候训练的，测试准确率多少？',
             kind='model', tool='assistant_status', check="dict()", figs=[], must_not=[]),
    ]),
    dict(id='ai2-033', persona=PC, turns=[
        dict(q='会员的性别和年龄段分布能出一下吗？另外现在一共有多少会员、总消费多少？',
             kind='partial', period='1997-01-01..1998-06-30',
             check="dict(customers=int(df.cust.nunique()), rev_all=rev(df))",
             figs=[('customers', 'number of customers'), ('rev_all', 'all-time revenue')],
             must_not=[],
             note='no age/gender data'),
    ]),
]

# Values written into the YAML; every check must give exactly these.
EXPECTED = {
    'ai2-001#1' : {'rev_jun98': 76109.3, 'orders_jun98': 2043, 'rev_may98': 70989.66, 'rev_jun97': 108395.87, 'rev_all': 2500315.63},
    'ai2-001#2' : {'rev_may98': 70989.66, 'mom': 0.0721, 'yoy': -0.2979},
    'ai2-001#3' : {'rev_jun97': 108395.87, 'yoy': -0.2979, 'mom': 0.0721},
    'ai2-002#1' : {'rr_h1_98': 0.4927, 'buyers_h1_98': 5374, 'rr_all': 0.4886, 'rr_97': 0.4451},
    'ai2-002#2' : {'rr_97': 0.4451, 'buyers_97': 23570, 'rr_h1_98': 0.4927, 'rr_all': 0.4886},
    'ai2-003#1' : {'inactive180': 18210, 'all_customers': 23570},
    'ai2-003#2' : {'inactive180_spend100': 2526, 'spend100_all': 6233, 'inactive180': 18210},
    'ai2-003#3' : {},
    'ai2-004#1' : {'top10_share': 0.5094, 'top10_rev': 1273728.95, 'n_top10': 2357},
    'ai2-004#2' : {'aov_top10': 49.19, 'aov_rest': 28.03, 'aov_all': 35.89},
    'ai2-004#3' : {'top10_min_spend': 242.35},
    'ai2-005#1' : {'max_mar98': 108970.15, 'min_apr98': 66231.52, 'max_97': 393155.27, 'min_97': 81948.8},
    'ai2-005#2' : {'rev_h1_98': 476154.37, 'rev_h1_97': 1430959.13, 'yoy': -0.6672, 'rev_97': 2024161.26},
    'ai2-006#1' : {'rev_nov97': 115448.64, 'rev_oct97': 89780.77, 'mom': 0.2859},
    'ai2-007#1' : {'aov_q2_98': 36.12, 'aov_q1_98': 38.36, 'chg': -0.0584, 'aov_q2_97': 36.91},
    'ai2-007#2' : {'rpb_q2_98': 64.31, 'rpb_q1_98': 68.86, 'chg': -0.0661, 'aov_q2_98': 36.12},
    'ai2-008#1' : {'new_98': 0, 'returning_buyers_98': 5374, 'rev_returning_98': 476154.37},
    'ai2-008#2' : {'new_q1_97': 23570, 'rev_new_q1_97': 1071805.47, 'rev_newcust_all': 2500315.63},
    'ai2-009#1' : {'buyers_l3m': 3317, 'buyers_h1_98': 5374, 'buyers_jun': 1506},
    'ai2-010#1' : {'big_98': 628, 'big_share_98': 0.0492, 'big_all': 3152},
    'ai2-010#2' : {'big_buyers_98': 421, 'big_buyers_all': 1808},
    'ai2-010#3' : {'rev_bigbuyers_98': 149828.55, 'rev_bigorders_98': 96123.38, 'rev_98': 476154.37},
    'ai2-011#1' : {'rev_lw': 13063.32, 'buyers_lw': 338, 'rev_jun': 76109.3},
    'ai2-011#2' : {'rev_prev_w': 15884.96, 'buyers_prev_w': 387, 'wow': -0.1776},
    'ai2-012#1' : {},
    'ai2-013#1' : {},
    'ai2-014#1' : {},
    'ai2-014#2' : {},
    'ai2-015#1' : {},
    'ai2-015#2' : {},
    'ai2-016#1' : {},
    'ai2-016#2' : {},
    'ai2-017#1' : {'purchase_days': 7, 'order_lines': 7, 'spend': 147.75},
    'ai2-017#2' : {'days_since_last': 54, 'last_amt': 23.76},
    'ai2-017#3' : {'aov_141': 21.11, 'aov_all': 35.89},
    'ai2-017#4' : {},
    'ai2-018#1' : {'last_order_amt': 37.97, 'last_order_units': 3},
    'ai2-018#2' : {'spend_7592': 13990.93, 'rank_7592': 1, 'orders_7592': 201},
    'ai2-019#1' : {'orders_may98': 1985, 'orders_jun98': 2043, 'orders_may97': 2895},
    'ai2-020#1' : {},
    'ai2-021#1' : {},
    'ai2-022#1' : {},
    'ai2-022#2' : {},
    'ai2-023#1' : {},
    'ai2-024#1' : {'buyers_may98': 1488, 'buyers_jun98': 1506, 'buyers_may97': 2214},
    'ai2-025#1' : {'ret_jan_m3': 0.1032, 'cohort_jan': 7846, 'ret_jan_m1': 0.1475},
    'ai2-025#2' : {'ret_feb_m3': 0.0924, 'ret_mar_m3': 0.1043},
    'ai2-025#3' : {'ret_jan_m12': 0.0673, 'ret_jan_m3': 0.1032},
    'ai2-026#1' : {'f2s_30': 0.1746, 'n_30': 4115, 'f2s_90': 0.2922},
    'ai2-026#2' : {'f2s_90': 0.2922, 'n_90': 6887, 'f2s_30': 0.1746},
    'ai2-026#3' : {'f2s_median': 57.0, 'f2s_mean': 111.0, 'n_second': 11516},
    'ai2-027#1' : {'one_time_all': 0.5114, 'one_time_n': 12054, 'one_time_h1_98': 0.5073},
    'ai2-027#2' : {'one_time_h1_98': 0.5073, 'one_time_all': 0.5114},
    'ai2-028#1' : {'median_spend': 43.39, 'mean_spend': 106.08, 'aov_all': 35.89},
    'ai2-028#2' : {'median_spend_97': 39.54, 'mean_spend_97': 85.88, 'median_spend_all': 43.39},
    'ai2-029#1' : {'n1': 12054, 'n2': 4040, 'n3': 2205, 'n4plus': 5271},
    'ai2-029#2' : {'share_rev_4plus': 0.6531, 'rev_4plus': 1632986.45, 'share_cust_4plus': 0.2236},
    'ai2-030#1' : {'gap_mean': 72.21, 'gap_median': 34.0, 'f2s_median': 57.0},
    'ai2-030#2' : {'gap_mean_98': 109.83, 'gap_median_98': 52.0, 'gap_mean_all': 72.21},
    'ai2-031#1' : {'inactive365': 15238, 'inactive365_share': 0.6465},
    'ai2-031#2' : {'inactive365_spend200': 282, 'spend200_all': 3004},
    'ai2-032#1' : {},
    'ai2-033#1' : {'customers': 23570, 'rev_all': 2500315.63},
}


def run_check(code, prelude_ns):
    ns = dict(prelude_ns)
    tree = ast.parse(code)
    last = tree.body[-1]
    assert isinstance(last, ast.Expr), 'last line of a check must be an expression'
    body = ast.Module(body=tree.body[:-1], type_ignores=[])
    exec(compile(body, '<check>', 'exec'), ns)
    out = eval(compile(ast.Expression(last.value), '<check>', 'eval'), ns)
    assert isinstance(out, dict)
    for k, v in out.items():
        assert isinstance(v, (int, float)) and not isinstance(v, bool), (k, v)
    return out


def tol(v, is_share):
    # 0.005 default; small shares/changes get enough room for one-decimal percentages
    if v == 0:
        return 0.005
    t = 0.005
    if is_share:
        t = max(t, 0.0006 / abs(v))
    return round(t, 4)


SHARE_HINTS = ('share', 'rr_', 'ret_', 'mom', 'yoy', 'wow', 'chg', 'f2s_30', 'f2s_90', 'one_time_all', 'one_time_h1')


def is_share(name, v):
    return abs(v) <= 1 and (any(name.startswith(h) or h in name for h in SHARE_HINTS))


def main():
    prelude_ns = {}
    exec(PRELUDE, prelude_ns)
    computed = {}
    for it in SPEC:
        for i, t in enumerate(it['turns'], 1):
            out = run_check(t['check'], prelude_ns)
            for name, _ in t['figs'] + t['must_not']:
                assert name in out, (it['id'], i, name)
            computed[f"{it['id']}#{i}"] = out
    if '--print' in sys.argv:
        for k, v in computed.items():
            print(repr(k), ':', repr(v), ',')
        return
    # 1) assert every check gives the expected values
    assert set(computed) == set(EXPECTED), set(computed) ^ set(EXPECTED)
    for k, out in computed.items():
        assert out == EXPECTED[k], (k, out, EXPECTED[k])
    # 2) build YAML
    items = []
    n_turns = 0
    kinds = {}
    for it in SPEC:
        turns = []
        for i, t in enumerate(it['turns'], 1):
            vals = EXPECTED[f"{it['id']}#{i}"]
            exp = {'kind': t['kind']}
            if t['kind'] == 'model':
                exp['tool'] = t['tool']
            figs = [{'value': vals[n], 'rel_tol': tol(vals[n], is_share(n, vals[n])), 'what': f'[{n}] {w}'} for n, w in t['figs']]
            mn = [{'value': vals[n], 'rel_tol': tol(vals[n], is_share(n, vals[n])), 'what': f'[{n}] {w}'} for n, w in t['must_not']]
            # a must_not figure must not be confusable with an expected figure
            for f in figs:
                for m in mn:
                    if f['value'] != 0 and m['value'] != 0:
                        assert abs(m['value'] / f['value'] - 1) > 1.5 * max(f['rel_tol'], m['rel_tol']), (it['id'], i, f, m)
                    else:
                        assert f['value'] != m['value'], (it['id'], i, f, m)
            if figs or t['kind'] in ('figure', 'partial'):
                exp['figures'] = figs
            if mn:
                exp['must_not'] = mn
            if t.get('period'):
                exp['period'] = t['period']
            if t['kind'] in ('figure', 'partial'):
                assert figs, (it['id'], i)
            turn = {'q': t['q'], 'expect': exp, 'check': t['check'] + '\n'}
            if t.get('note'):
                turn['note'] = t['note']
            turns.append(turn)
            n_turns += 1
            kinds[t['kind']] = kinds.get(t['kind'], 0) + 1
        items.append({'id': it['id'], 'persona': it['persona'], 'turns': turns})
    doc = {
        'writer': 'ai2 (outside evaluator; wrote without seeing the product code, tests, prompts or other sets) — personas: '
                  '1) KL marketing manager (Malaysian English + 华语); 2) 武汉售后/客服主管; 3) 会员中心主管 (data-minded)',
        'data_end': '1998-06-30',
        'check_prelude': PRELUDE,
        'items': items,
    }
    class Dumper(yaml.SafeDumper):
        pass

    def _str(dumper, data):
        if '\n' in data:
            return dumper.represent_scalar('tag:yaml.org,2002:str', data, style='|')
        return dumper.represent_scalar('tag:yaml.org,2002:str', data)
    Dumper.add_representer(str, _str)
    with open(OUT, 'w', encoding='utf-8') as fh:
        yaml.dump(doc, fh, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=1000)
    # 3) reload and re-run every check from the file
    doc2 = yaml.safe_load(open(OUT, encoding='utf-8'))
    ns2 = {}
    exec(doc2['check_prelude'], ns2)
    for it in doc2['items']:
        for i, t in enumerate(it['turns'], 1):
            out = run_check(t['check'], ns2)
            for f in t['expect'].get('figures', []) + t['expect'].get('must_not', []):
                name = f['what'].split(']')[0][1:]
                assert math.isclose(out[name], f['value'], rel_tol=1e-12, abs_tol=1e-12), (it['id'], i, name, out[name], f['value'])
    print(f'OK: {len(items)} conversations, {n_turns} turns, kinds {kinds} -> {OUT}')


if __name__ == '__main__':
    main()
