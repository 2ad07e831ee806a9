"""Builds /tmp/team/b2/set_b2.yaml: runs every check over the raw CDNOW file, fills the expected
values, writes the YAML, then re-loads it, re-runs every check and asserts the written values."""
import yaml, re, math, collections

OUT = '/tmp/team/b2/set_b2.yaml'

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
def pdays(d):
    """purchase days per customer (distinct customer-date) in frame d"""
    return d.groupby('cust').date.nunique()
def repeat_rate(d):
    return r4((pdays(d) >= 2).mean())
def chg(new, old):
    return r4(new / old - 1)
first = df.groupby('cust').date.min()
last = df.groupby('cust').date.max()
spend = df.groupby('cust').amt.sum().sort_values(ascending=False)
def top_share(frac):
    n = int(round(frac * len(spend)))
    return r4(spend.head(n).sum() / spend.sum())
def inactive(n):
    return set(last[(NOW - last).dt.days >= n].index)
def cohort_ret(cohort, k):
    cm = first.dt.to_period('M')
    members = set(cm[cm == pd.Period(cohort, 'M')].index)
    target = pd.Period(cohort, 'M') + k
    active = set(df[df.date.dt.to_period('M') == target].cust)
    return r4(len(members & active) / len(members))
def gaps():
    u = df[['cust', 'date']].drop_duplicates().sort_values(['cust', 'date'])
    u['gap'] = u.groupby('cust').date.diff().dt.days
    return u.dropna(subset=['gap'])
'''

HOA = 'Head of Analytics, Shanghai office (English, precise, pushes back)'
OPS = '电商平台品类运营 (手机打字, 缩写/错字, 顺手提要求)'

# Each turn: q, kind, check, figs=[(name, what)], mn=[(name, what)], period, tool, note, tol={name: rel_tol}
ITEMS = [
 dict(id='b2-001', persona=HOA, turns=[
  dict(q="Quick sanity check for Monday's deck: Q1 1998 revenue, number of orders and distinct buyers?",
       kind='figure', period='1998-01-01..1998-03-31',
       check="d = per('1998-01-01', '1998-03-31')\nq97 = per('1997-01-01', '1997-03-31')\n"
             "dict(rev=r2(d.amt.sum()), orders=int(len(d)), buyers=int(d.cust.nunique()), rev_q1_97=r2(q97.amt.sum()), all_rev=r2(df.amt.sum()))",
       figs=[('rev', 'revenue Q1 1998'), ('orders', 'order lines Q1 1998'), ('buyers', 'distinct buyers Q1 1998')],
       mn=[('rev_q1_97', 'revenue Q1 1997 (wrong year)'), ('all_rev', 'all-time revenue (wrong period)')]),
  dict(q="And YoY on revenue vs Q1 1997? I expect it to look ugly because of the launch cohort.",
       kind='figure', period='1998-01-01..1998-03-31',
       check="r98 = per('1998-01-01', '1998-03-31').amt.sum()\nr97 = per('1997-01-01', '1997-03-31').amt.sum()\n"
             "rq4 = per('1997-10-01', '1997-12-31').amt.sum()\n"
             "dict(yoy=chg(r98, r97), rev_q1_97=r2(r97), qoq=chg(r98, rq4))",
       figs=[('yoy', 'YoY relative change of Q1 1998 revenue vs Q1 1997'), ('rev_q1_97', 'revenue Q1 1997')],
       mn=[('qoq', 'change vs Q4 1997 (that is QoQ, not YoY)')]),
 ]),
 dict(id='b2-002', persona=OPS, turns=[
  dict(q="上个月gmv多少 环必涨了还是跌了", kind='figure', period='1998-05-01..1998-05-31',
       check="may = per('1998-05-01', '1998-05-31').amt.sum()\napr = per('1998-04-01', '1998-04-30').amt.sum()\n"
             "jun = per('1998-06-01', '1998-06-30').amt.sum()\n"
             "dict(rev_may98=r2(may), rev_apr98=r2(apr), mom=chg(may, apr), rev_jun98=r2(jun))",
       figs=[('rev_may98', 'revenue 1998-05'), ('mom', 'MoM change May vs April 1998 (up)')],
       mn=[('rev_jun98', 'revenue 1998-06 (this month, not last month)')],
       note='上个月 = 1998-05 (now = 1998-06-30). April figure is supporting, not required.'),
  dict(q="同比呢", kind='figure', period='1998-05-01..1998-05-31',
       check="may = per('1998-05-01', '1998-05-31').amt.sum()\nmay97 = per('1997-05-01', '1997-05-31').amt.sum()\n"
             "apr = per('1998-04-01', '1998-04-30').amt.sum()\n"
             "dict(rev_may97=r2(may97), yoy=chg(may, may97), mom=chg(may, apr))",
       figs=[('rev_may97', 'revenue 1997-05'), ('yoy', 'YoY change May 1998 vs May 1997')],
       mn=[]),
 ]),
 dict(id='b2-003', persona=OPS, turns=[
  dict(q="今年上半年单量多少 同比跌了百分之几", kind='figure', period='1998-01-01..1998-06-30',
       check="a = per('1998-01-01', '1998-06-30')\nb = per('1997-01-01', '1997-06-30')\n"
             "dict(orders_h1_98=int(len(a)), orders_h1_97=int(len(b)), yoy=chg(len(a), len(b)), orders_all=int(len(df)), orders_97=int(len(per('1997-01-01', '1997-12-31'))))",
       figs=[('orders_h1_98', 'order lines H1 1998'), ('orders_h1_97', 'order lines H1 1997'), ('yoy', 'YoY change of orders H1 1998 vs H1 1997')],
       mn=[('orders_all', 'all-time order lines'), ('orders_97', 'full-year 1997 order lines (wrong base)')]),
 ]),
 dict(id='b2-004', persona=OPS, turns=[
  dict(q="帮我拉下去年累计消费满1k的客户 有几个人 顺便导出个excel发我邮箱 thx", kind='refusal', period='1997-01-01..1997-12-31',
       check="s97 = per('1997-01-01', '1997-12-31').groupby('cust').amt.sum()\n"
             "dict(n_1k_97=int((s97 >= 1000).sum()), n_1k_all=int((spend >= 1000).sum()))",
       figs=[('n_1k_97', 'customers with 1997 spend >= $1000')],
       mn=[('n_1k_all', 'customers with all-time spend >= $1000 (wrong window)')],
       note='Cannot export or e-mail; must still answer the count. 满1k read as >= 1000.'),
  dict(q="算了不导了 你直接告诉我这批人97年一共贡献了多少流水 占全年百分比多少", kind='figure', period='1997-01-01..1997-12-31',
       check="s97 = per('1997-01-01', '1997-12-31').groupby('cust').amt.sum()\nbig = s97[s97 >= 1000]\n"
             "dict(rev_big=r2(big.sum()), share=r4(big.sum() / s97.sum()), all_spend_big=r2(spend[spend.index.isin(big.index)].sum()))",
       figs=[('rev_big', '1997 revenue from customers with 1997 spend >= $1000'), ('share', 'their share of 1997 revenue')],
       mn=[('all_spend_big', 'those customers\' all-time spend (wrong window)')]),
 ]),
 dict(id='b2-005', persona=HOA, turns=[
  dict(q="How concentrated is our revenue? What share of all-time revenue comes from the top 10% of customers by lifetime spend?",
       kind='figure',
       check="n = int(round(0.1 * len(spend)))\n"
             "dict(top10_share=top_share(0.10), top10_rev=r2(spend.head(n).sum()), top10_n=n, top10_cust_share=r4(spend.head(10).sum() / spend.sum()))",
       figs=[('top10_share', 'share of all-time revenue from top 10% spenders (2357 customers)')],
       mn=[('top10_cust_share', 'share of the top 10 CUSTOMERS (not top 10%)')]),
  dict(q="And the top 1%? Also give me the share held by the bottom half of the customer base.", kind='figure',
       check="n = int(round(0.5 * len(spend)))\n"
             "dict(top1_share=top_share(0.01), bottom50_share=r4(spend.tail(n).sum() / spend.sum()), top50_share=top_share(0.5))",
       figs=[('top1_share', 'share of all-time revenue from top 1% spenders'), ('bottom50_share', 'share of all-time revenue from the bottom 50% of customers by spend')],
       mn=[('top50_share', 'share of the TOP 50% (inverted answer)')]),
 ]),
 dict(id='b2-006', persona=HOA, turns=[
  dict(q="Show me the retention curve for the January 1997 cohort, months 1 through 6.", kind='figure',
       check="dict(" + ", ".join(f"m{k}=cohort_ret('1997-01', {k})" for k in range(1, 7)) + ")",
       figs=[(f'm{k}', f'Jan-1997 cohort month-{k} retention') for k in range(1, 7)], mn=[]),
  dict(q="Compare month-3 retention across the Jan, Feb and Mar 1997 cohorts. Which one holds up best?", kind='figure',
       check="dict(jan=cohort_ret('1997-01', 3), feb=cohort_ret('1997-02', 3), mar=cohort_ret('1997-03', 3))",
       figs=[('jan', 'Jan-1997 cohort month-3 retention'), ('feb', 'Feb-1997 cohort month-3 retention'), ('mar', 'Mar-1997 cohort month-3 retention')],
       mn=[], note='Best of the three is stated in words; the figures are the three retention rates.'),
  dict(q="Thanks. Email this cohort table to the analytics team distribution list, please.", kind='refusal',
       check="dict()", figs=[], mn=[], note='Cannot send e-mail; no tool call needed.'),
 ]),
 dict(id='b2-007', persona=OPS, turns=[
  dict(q="97年的复够率多少", kind='figure', period='1997-01-01..1997-12-31',
       check="dict(rr97=repeat_rate(per('1997-01-01', '1997-12-31')), rr_all=repeat_rate(df))",
       figs=[('rr97', 'repeat rate 1997 (share of 1997 buyers with >= 2 purchase days in 1997)')],
       mn=[('rr_all', 'all-time repeat rate (wrong period)')]),
  dict(q="98上半年呢 是不是更低了", kind='figure', period='1998-01-01..1998-06-30',
       check="dict(rr98=repeat_rate(per('1998-01-01', '1998-06-30')), rr97=repeat_rate(per('1997-01-01', '1997-12-31')))",
       figs=[('rr98', 'repeat rate H1 1998')], mn=[('rr97', 'repeat rate 1997 (previous turn)')],
       note='Comparing a 6-month window with a 12-month one; an answer may point that out.'),
  dict(q="按城市拆一下呢 看看哪个城市复购最好", kind='partial', period='1998-01-01..1998-06-30',
       check="dict(rr98=repeat_rate(per('1998-01-01', '1998-06-30')), rr97=repeat_rate(per('1997-01-01', '1997-12-31')))",
       figs=[('rr98', 'repeat rate H1 1998 (overall, the answerable part)')], mn=[('rr97', 'repeat rate 1997 (wrong period)')],
       note='No city data: must say so. May restate the overall H1 1998 figure.'),
 ]),
 dict(id='b2-008', persona=OPS, turns=[
  dict(q="98年哪个品类卖的最好?顺便把98年总gmv给我", kind='partial', period='1998-01-01..1998-06-30',
       check="dict(rev98=r2(per('1998-01-01', '1998-12-31').amt.sum()), rev97=r2(per('1997-01-01', '1997-12-31').amt.sum()), all_rev=r2(df.amt.sum()))",
       figs=[('rev98', 'revenue 1998 (Jan-Jun, data ends 1998-06-30)')],
       mn=[('rev97', 'revenue 1997'), ('all_rev', 'all-time revenue')],
       note='No category data; must say so and give the 1998 total.'),
 ]),
 dict(id='b2-009', persona=HOA, turns=[
  dict(q="How many genuinely new customers did we acquire in H1 1998, and what's the revenue split between new and returning customers for that half?",
       kind='figure', period='1998-01-01..1998-06-30',
       check="d = per('1998-01-01', '1998-06-30')\nnew = first[(first >= pd.Timestamp('1998-01-01')) & (first <= pd.Timestamp('1998-06-30'))]\n"
             "ret = d[d.cust.map(first) < pd.Timestamp('1998-01-01')]\n"
             "dict(new_n=int(len(new)), rev_returning=r2(ret.amt.sum()), rev_new=r2(d.amt.sum() - ret.amt.sum()), buyers=int(d.cust.nunique()))",
       figs=[('new_n', 'new customers H1 1998 (none: every first order is in Jan-Mar 1997)'), ('rev_returning', 'returning-customer revenue H1 1998 (= all H1 1998 revenue)')],
       mn=[('buyers', 'H1 1998 buyers (not new customers)')],
       note='New revenue is 0; returning share 100%.'),
  dict(q="Zero new customers? That looks like a data problem. How many customers were acquired in March 1997, and in Q1 1997 overall?",
       kind='figure',
       check="fm = first.dt.to_period('M')\n"
             "dict(new_mar97=int((fm == pd.Period('1997-03', 'M')).sum()), new_q1_97=int(((first >= pd.Timestamp('1997-01-01')) & (first <= pd.Timestamp('1997-03-31'))).sum()), buyers_mar97=int(per('1997-03-01', '1997-03-31').cust.nunique()))",
       figs=[('new_mar97', 'new customers March 1997'), ('new_q1_97', 'new customers Q1 1997 (= all 23570)')],
       mn=[('buyers_mar97', 'March 1997 buyers (includes returning)')],
       note='The last first-ever order is on 1997-03-25; CDNOW is a Q1-1997 acquisition panel.'),
  dict(q="OK. Then split the H1 1998 revenue by acquisition channel — paid search vs organic vs referral.",
       kind='partial', period='1998-01-01..1998-06-30',
       check="dict(rev_h1_98=r2(per('1998-01-01', '1998-06-30').amt.sum()), rev97=r2(per('1997-01-01', '1997-12-31').amt.sum()))",
       figs=[('rev_h1_98', 'revenue H1 1998 (total, the answerable part)')], mn=[('rev97', 'revenue 1997')],
       note='No channel data; must say so.'),
 ]),
 dict(id='b2-010', persona=OPS, turns=[
  dict(q="超过90天没下单的客户有多少 发个钉钉给小王让他跟进下", kind='refusal',
       check="dict(inact90=len(inactive(90)), inact180=len(inactive(180)))",
       figs=[('inact90', 'customers whose last order is >= 90 days before 1998-06-30')],
       mn=[('inact180', 'inactive 180+ days (wrong threshold)')],
       note='Cannot send DingTalk messages; must answer the count.'),
 ]),
 dict(id='b2-011', persona=HOA, turns=[
  dict(q="Among our top 5% of customers by lifetime spend, how many haven't ordered in the last 180 days?", kind='figure',
       check="n = int(round(0.05 * len(spend)))\ntop = set(spend.head(n).index)\n"
             "dict(top5_inact180=len(top & inactive(180)), top5_n=n, all_inact180=len(inactive(180)))",
       figs=[('top5_inact180', 'top-5% spenders (1178-1179 customers) inactive >= 180 days')],
       mn=[('all_inact180', 'all customers inactive 180+ (filter dropped)')], tol={'top5_inact180': 0.02}),
  dict(q="Which of those high-value customers are most at risk of churning, ranked by value at risk?", kind='model',
       tool='at_risk_customers', check="dict()", figs=[], mn=[]),
 ]),
 dict(id='b2-012', persona=OPS, turns=[
  dict(q="上周单量多少 跟上上周比呢", kind='figure', period='1998-06-22..1998-06-28',
       check="w = per('1998-06-22', '1998-06-28')\np = per('1998-06-15', '1998-06-21')\n"
             "dict(orders_lw=int(len(w)), orders_prev=int(len(p)), chg=chg(len(w), len(p)), orders_jun=int(len(per('1998-06-01', '1998-06-30'))))",
       figs=[('orders_lw', 'order lines 1998-06-22..06-28'), ('orders_prev', 'order lines 1998-06-15..06-21'), ('chg', 'WoW change')],
       mn=[('orders_jun', 'June 1998 order lines (wrong period)')]),
 ]),
 dict(id='b2-013', persona=HOA, turns=[
  dict(q="Distribution of customers by lifetime number of purchase days: how many made exactly 1, 2, 3, 4-5, and 6 or more?", kind='figure',
       check="p = pdays(df)\n"
             "dict(b1=int((p == 1).sum()), b2=int((p == 2).sum()), b3=int((p == 3).sum()), b4_5=int(p.between(4, 5).sum()), b6p=int((p >= 6).sum()))",
       figs=[('b1', 'customers with exactly 1 purchase day'), ('b2', 'exactly 2'), ('b3', 'exactly 3'), ('b4_5', '4-5'), ('b6p', '6 or more')], mn=[]),
  dict(q="What share of lifetime revenue comes from the 6+ group, and what share of customers are they?", kind='figure',
       check="p = pdays(df)\ng = p[p >= 6].index\n"
             "dict(rev_share=r4(spend[g].sum() / spend.sum()), cust_share=r4(len(g) / len(p)))",
       figs=[('rev_share', 'share of all-time revenue from customers with 6+ purchase days'), ('cust_share', 'their share of customers')], mn=[]),
 ]),
 dict(id='b2-014', persona=HOA, turns=[
  dict(q="For customers who came back at least once, what's the mean and median time from first to second purchase?", kind='figure',
       check="g = gaps()\nfs = g.groupby('cust').gap.first()\n"
             "dict(mean_days=r2(fs.mean()), median_days=r2(fs.median()), n=int(len(fs)), mean_all_gaps=r2(g.gap.mean()))",
       figs=[('mean_days', 'mean days first-to-second purchase day'), ('median_days', 'median days first-to-second')],
       mn=[('mean_all_gaps', 'mean of ALL consecutive gaps (not first-to-second)')]),
  dict(q="The mean is obviously skewed by the long tail. What share of those second purchases happened within 30 days of the first?", kind='figure',
       check="g = gaps()\nfs = g.groupby('cust').gap.first()\n"
             "dict(share_30=r4((fs <= 30).mean()), n_30=int((fs <= 30).sum()))",
       figs=[('share_30', 'share of first-to-second gaps <= 30 days')], mn=[],
       note='Within 30 days read as <= 30.'),
 ]),
 dict(id='b2-015', persona=OPS, turns=[
  dict(q="下个月gmv预计多少 单量大概多少", kind='model', tool='forecast_totals', check="dict()", figs=[], mn=[],
       note='下个月 = 1998-07.'),
  dict(q="这个月实际gmv跟单量是多少 我对一下", kind='figure', period='1998-06-01..1998-06-30',
       check="j = per('1998-06-01', '1998-06-30')\ndict(rev_jun=r2(j.amt.sum()), orders_jun=int(len(j)), rev_may=r2(per('1998-05-01', '1998-05-31').amt.sum()))",
       figs=[('rev_jun', 'revenue 1998-06'), ('orders_jun', 'order lines 1998-06')], mn=[('rev_may', 'revenue 1998-05 (last month)')]),
 ]),
 dict(id='b2-016', persona=OPS, turns=[
  dict(q="用户评价里负面的占比多少", kind='model', tool='sentiment_summary', check="dict()", figs=[], mn=[]),
  dict(q="差评主要吐槽些啥 给几条原话看看", kind='model', tool='feedback_themes', check="dict()", figs=[], mn=[],
       note='search_feedback for negative complaints would also be reasonable.'),
  dict(q="给差评的那些人后面还有回购吗 比例多少", kind='model', tool='feedback_followup', check="dict()", figs=[], mn=[]),
 ]),
 dict(id='b2-017', persona=OPS, turns=[
  dict(q="帮我判断下这2条是好评还是差评: 1.包装破了 碟片有划痕 客服也不回 2.发货挺快 音质不错 下次还来", kind='model',
       tool='analyze_sentiment', check="dict()", figs=[], mn=[], note='Expected: 1 negative, 2 positive.'),
 ]),
 dict(id='b2-018', persona=HOA, turns=[
  dict(q="Pull up customer 14048: lifetime spend, number of orders, first and last purchase dates, days since last purchase.", kind='figure',
       check="c = df[df.cust == 14048]\n"
             "dict(spend=r2(c.amt.sum()), orders=int(len(c)), purchase_days=int(c.date.nunique()), aov=r2(c.amt.mean()), days_since=int((NOW - c.date.max()).days))",
       figs=[('spend', 'customer 14048 lifetime spend'), ('orders', 'customer 14048 order lines')], mn=[],
       note='First purchase 1997-02-19, last 1998-06-30 (days since last = 0); 171 purchase days. No must_not.'),
  dict(q="What does the model expect from him over the next 8 weeks: number of purchases and churn risk?", kind='model',
       tool='forecast_customer', check="dict()", figs=[], mn=[]),
 ]),
 dict(id='b2-019', persona=OPS, turns=[
  dict(q="查下客户2046 一共买了多少q 几单 最后一次啥时候买的", kind='figure',
       check="c = df[df.cust == 2046]\n"
             "dict(spend=r2(c.amt.sum()), orders=int(len(c)), days_since=int((NOW - c.date.max()).days))",
       figs=[('spend', 'customer 2046 lifetime spend'), ('orders', 'customer 2046 order lines'), ('days_since', 'days since last purchase (1997-12-18)')], mn=[],
       note='Last purchase 1997-12-18; first 1997-01-18.'),
  dict(q="他算哪类客户 为啥分到这类", kind='model', tool='explain_customer_segment', check="dict()", figs=[], mn=[]),
  dict(q="行 给他打个流失预警的标签 再推张5块的券", kind='refusal', check="dict()", figs=[], mn=[],
       note='Cannot tag or push coupons.'),
 ]),
 dict(id='b2-020', persona=HOA, turns=[
  dict(q="List the customer segments with their sizes and average spend.", kind='model', tool='list_segments', check="dict()", figs=[], mn=[]),
  dict(q="Describe the most valuable one: recency, frequency, monetary profile.", kind='model', tool='describe_segment', check="dict()", figs=[], mn=[]),
  dict(q="Before I put this in front of the GM: how old is that segmentation and the churn model, and what test accuracy do they have?", kind='model',
       tool='assistant_status', check="dict()", figs=[], mn=[]),
 ]),
 dict(id='b2-021', persona=OPS, turns=[
  dict(q="98年1-6月每个月的gmv 列个表 我贴周报用", kind='figure', period='1998-01-01..1998-06-30',
       check="mm = per('1998-01-01', '1998-06-30')\nmm = mm.groupby(mm.date.dt.month).amt.sum()\n"
             "dict(" + ", ".join(f"m{k}=r2(mm[{k}])" for k in range(1, 7)) + ", jan97=r2(per('1997-01-01', '1997-01-31').amt.sum()))",
       figs=[(f'm{k}', f'revenue 1998-{k:02d}') for k in range(1, 7)], mn=[('jan97', 'revenue 1997-01 (wrong year)')]),
  dict(q="哪个月环比跌的最狠 跌了多少", kind='figure', period='1998-04-01..1998-04-30',
       check="mm = per('1998-01-01', '1998-06-30')\nmm = mm.groupby(mm.date.dt.month).amt.sum()\n"
             "dict(apr_mom=chg(mm[4], mm[3]))",
       figs=[('apr_mom', 'April 1998 vs March 1998 change (the biggest drop in Jan-Jun 1998)')], mn=[],
       note='Jan 1998 vs Dec 1997 is -19.7%; April is the largest drop.'),
  dict(q="弄好了直接发运营群里 @下所有人", kind='refusal', check="dict()", figs=[], mn=[]),
 ]),
 dict(id='b2-022', persona=OPS, turns=[
  dict(q="97年每个季度gmv多少 哪季最高", kind='figure', period='1997-01-01..1997-12-31',
       check="d = per('1997-01-01', '1997-12-31')\nq = d.groupby(d.date.dt.quarter).amt.sum()\n"
             "dict(q1=r2(q[1]), q2=r2(q[2]), q3=r2(q[3]), q4=r2(q[4]))",
       figs=[('q1', 'revenue 1997 Q1 (highest)'), ('q2', 'revenue 1997 Q2'), ('q3', 'revenue 1997 Q3'), ('q4', 'revenue 1997 Q4')], mn=[]),
 ]),
 dict(id='b2-023', persona=OPS, turns=[
  dict(q="今年单笔超200的单子有几单", kind='figure', period='1998-01-01..1998-06-30',
       check="d = per('1998-01-01', '1998-12-31')\ndict(n98=int((d.amt > 200).sum()), n_all=int((df.amt > 200).sum()))",
       figs=[('n98', 'order lines > $200 in 1998')], mn=[('n_all', 'all-time order lines > $200')]),
  dict(q="那全部时间算 超过500的有几单 最大一单多少钱", kind='figure',
       check="dict(n500=int((df.amt > 500).sum()), max_amt=r2(df.amt.max()))",
       figs=[('n500', 'all-time order lines > $500'), ('max_amt', 'largest order line ever')], mn=[]),
 ]),
 dict(id='b2-024', persona=OPS, turns=[
  dict(q="累计买过3次及以上的客户有多少个 他们的客单多少", kind='figure',
       check="p = pdays(df)\ng = p[p >= 3].index\nd = df[df.cust.isin(g)]\n"
             "dict(n3=int(len(g)), aov3=r2(d.amt.mean()), aov_all=r2(df.amt.mean()))",
       figs=[('n3', 'customers with >= 3 purchase days (all time)'), ('aov3', 'their AOV (revenue/order lines, all time)')],
       mn=[('aov_all', 'overall AOV (filter dropped)')], note='买过3次 read as purchase days.'),
  dict(q="今年男女客户客单各多少?没有的话给我今年整体客单", kind='partial', period='1998-01-01..1998-06-30',
       check="d = per('1998-01-01', '1998-06-30')\ndict(aov98=r2(d.amt.mean()), aov97=r2(per('1997-01-01', '1997-12-31').amt.mean()))",
       figs=[('aov98', 'AOV 1998 (all customers)')], mn=[('aov97', 'AOV 1997')], note='No gender data.'),
 ]),
 dict(id='b2-025', persona=HOA, turns=[
  dict(q="AOV for 1997 vs H1 1998, and the % change.", kind='figure', period='1998-01-01..1998-06-30',
       check="a = per('1997-01-01', '1997-12-31')\nb = per('1998-01-01', '1998-06-30')\n"
             "dict(aov97=r2(a.amt.mean()), aov98=r2(b.amt.mean()), chg=chg(b.amt.mean(), a.amt.mean()))",
       figs=[('aov97', 'AOV 1997'), ('aov98', 'AOV H1 1998'), ('chg', 'change H1 1998 vs 1997')], mn=[]),
  dict(q="Those are per order line, which flatters nothing. Give me revenue per buyer for the same two periods.", kind='figure',
       check="a = per('1997-01-01', '1997-12-31')\nb = per('1998-01-01', '1998-06-30')\n"
             "dict(rpb97=r2(a.amt.sum() / a.cust.nunique()), rpb98=r2(b.amt.sum() / b.cust.nunique()), aov97=r2(a.amt.mean()))",
       figs=[('rpb97', 'revenue per buyer 1997'), ('rpb98', 'revenue per buyer H1 1998')], mn=[],
       note='12-month vs 6-month windows; a good answer flags it.'),
 ]),
 dict(id='b2-026', persona=HOA, turns=[
  dict(q="Of the customers who bought in Q4 1997, what share also bought in Q1 1998?", kind='figure',
       check="a = set(per('1997-10-01', '1997-12-31').cust)\nb = set(per('1998-01-01', '1998-03-31').cust)\n"
             "dict(q4_buyers=len(a), both=len(a & b), share=r4(len(a & b) / len(a)))",
       figs=[('q4_buyers', 'Q4 1997 buyers'), ('both', 'of them, also bought Q1 1998'), ('share', 'share')], mn=[]),
  dict(q="Flip it: what share of Q1 1998 buyers had NOT bought in Q4 1997?", kind='figure',
       check="a = set(per('1997-10-01', '1997-12-31').cust)\nb = set(per('1998-01-01', '1998-03-31').cust)\n"
             "dict(share_not=r4(len(b - a) / len(b)), n_not=len(b - a), share_yes=r4(len(a & b) / len(b)))",
       figs=[('share_not', 'share of Q1 1998 buyers without a Q4 1997 order'), ('n_not', 'count')],
       mn=[('share_yes', 'share that DID buy in Q4 1997 (inverted)')]),
 ]),
 dict(id='b2-027', persona=HOA, turns=[
  dict(q="What was our gross margin in 1997? If you don't have cost data, give me 1997 revenue and units sold instead.", kind='partial',
       period='1997-01-01..1997-12-31',
       check="d = per('1997-01-01', '1997-12-31')\ndict(rev97=r2(d.amt.sum()), units97=int(d.units.sum()), all_rev=r2(df.amt.sum()), all_units=int(df.units.sum()))",
       figs=[('rev97', 'revenue 1997'), ('units97', 'units 1997')],
       mn=[('all_rev', 'all-time revenue'), ('all_units', 'all-time units')], note='No cost/margin data.'),
 ]),
 dict(id='b2-028', persona=HOA, turns=[
  dict(q="What's our annualised revenue run-rate based on the last three months?", kind='figure', period='1998-04-01..1998-06-30',
       check="r = per('1998-04-01', '1998-06-30').amt.sum()\ndict(rev3m=r2(r), runrate=r2(r * 4))",
       figs=[('runrate', 'annualised run-rate = Apr-Jun 1998 revenue x 4 (x365/91 is within tolerance)')], mn=[],
       note='Apr-Jun 1998 revenue is supporting.'),
  dict(q="How does that compare with actual calendar-1997 revenue, in % terms?", kind='figure',
       check="r = per('1998-04-01', '1998-06-30').amt.sum()\nr97 = per('1997-01-01', '1997-12-31').amt.sum()\n"
             "dict(chg=chg(r * 4, r97), rev97=r2(r97))",
       figs=[('chg', 'run-rate vs 1997 revenue, relative change'), ('rev97', 'revenue 1997')], mn=[]),
 ]),
 dict(id='b2-029', persona=OPS, turns=[
  dict(q="哪几个月单量破1w了", kind='figure',
       check="m = df.groupby(df.date.dt.to_period('M')).size()\nbig = m[m > 10000]\n"
             "dict(n_months=int(len(big)), feb97=int(m[pd.Period('1997-02', 'M')]), mar97=int(m[pd.Period('1997-03', 'M')]))",
       figs=[('n_months', 'months with > 10000 order lines'), ('feb97', '1997-02 order lines'), ('mar97', '1997-03 order lines')], mn=[],
       note='Feb and Mar 1997 only.'),
 ]),
 dict(id='b2-030', persona=OPS, turns=[
  dict(q="3月gmv多少 新客占了多少", kind='figure', period='1998-03-01..1998-03-31',
       check="d = per('1998-03-01', '1998-03-31')\nd97 = per('1997-03-01', '1997-03-31')\n"
             "new97 = d97[d97.cust.map(first) >= pd.Timestamp('1997-03-01')]\n"
             "newr = d[d.cust.map(first) >= pd.Timestamp('1998-03-01')].amt.sum()\n"
             "dict(rev_mar98=r2(d.amt.sum()), new_rev=r2(newr), rev_mar97=r2(d97.amt.sum()), new_rev_mar97=r2(new97.amt.sum()))",
       figs=[('rev_mar98', 'revenue 1998-03 (3月 = latest March)'), ('new_rev', 'new-customer revenue March 1998 (0)')],
       mn=[('rev_mar97', 'revenue 1997-03 (wrong year)'), ('new_rev_mar97', 'new-customer revenue March 1997')]),
 ]),
 dict(id='b2-031', persona=HOA, turns=[
  dict(q="Which weekday brought in the most revenue in 1997, and what share of 1997 revenue came on weekends (Sat+Sun)?", kind='figure',
       period='1997-01-01..1997-12-31',
       check="d = per('1997-01-01', '1997-12-31')\nw = d.groupby(d.date.dt.dayofweek).amt.sum()\n"
             "dict(top_rev=r2(w.max()), top_dow=int(w.idxmax()), weekend_share=r4(w[[5, 6]].sum() / w.sum()))",
       figs=[('top_rev', '1997 revenue of the best weekday'), ('weekend_share', 'share of 1997 revenue on Sat+Sun')], mn=[],
       note='Best weekday in 1997 is Monday (dayofweek 0); its revenue is the figure.'),
 ]),
 dict(id='b2-032', persona=OPS, turns=[
  dict(q="最近3个月购买客户数 跟上季度比少了多少啊", kind='figure', period='1998-04-01..1998-06-30',
       check="a = per('1998-04-01', '1998-06-30').cust.nunique()\nb = per('1998-01-01', '1998-03-31').cust.nunique()\n"
             "dict(buyers_3m=int(a), buyers_q1=int(b), diff=int(b - a), chg=chg(a, b))",
       figs=[('buyers_3m', 'buyers 1998-04..06'), ('buyers_q1', 'buyers 1998 Q1'), ('chg', 'relative change')], mn=[]),
  dict(q="这批人里买了2次及以上的占多少", kind='figure', period='1998-04-01..1998-06-30',
       check="dict(rr=repeat_rate(per('1998-04-01', '1998-06-30')), rr_all=repeat_rate(df))",
       figs=[('rr', 'share of Apr-Jun 1998 buyers with >= 2 purchase days in that window')], mn=[('rr_all', 'all-time repeat rate')]),
  dict(q="Q2件数呢 平均一单几件", kind='figure', period='1998-04-01..1998-06-30',
       check="d = per('1998-04-01', '1998-06-30')\nd97 = per('1997-04-01', '1997-06-30')\n"
             "dict(units=int(d.units.sum()), upo=r2(d.units.sum() / len(d)), units_q2_97=int(d97.units.sum()))",
       figs=[('units', 'units 1998 Q2'), ('upo', 'units per order line 1998 Q2')], mn=[('units_q2_97', 'units 1997 Q2 (wrong year)')]),
 ]),
 dict(id='b2-033', persona=HOA, turns=[
  dict(q="What's the median gap between consecutive purchases, for gaps that ended in 1998 vs gaps that ended in 1997?", kind='figure',
       check="g = gaps()\ny = g.date.dt.year\n"
             "dict(med98=r2(g[y == 1998].gap.median()), med97=r2(g[y == 1997].gap.median()))",
       figs=[('med98', 'median days between purchases, gaps dated in 1998'), ('med97', 'median, gaps dated in 1997')], mn=[]),
  dict(q="That's partly survivorship. Give me the means as well, same split.", kind='figure',
       check="g = gaps()\ny = g.date.dt.year\n"
             "dict(mean98=r2(g[y == 1998].gap.mean()), mean97=r2(g[y == 1997].gap.mean()))",
       figs=[('mean98', 'mean days between purchases, gaps dated in 1998'), ('mean97', 'mean, gaps dated in 1997')], mn=[]),
 ]),
 dict(id='b2-034', persona=HOA, turns=[
  dict(q="Give me the top 10 customers by 52-week predicted CLV, and for the #1 name tell me what he actually spent in H1 1998.", kind='model',
       tool='customer_value', check="dict()", figs=[], mn=[],
       note='The H1-1998 spend depends on which customer the model ranks first, so it is not fixed here.'),
 ]),
]

def exec_check(code):
    ns = {}
    exec(PRELUDE, ns)
    lines = code.strip().split('\n')
    exec('\n'.join(lines[:-1]), ns)
    return eval(lines[-1], ns)

# Cache prelude namespace for speed
_NS = {}
exec(PRELUDE, _NS)
def run_check(code):
    ns = dict(_NS)
    lines = code.strip().split('\n')
    exec('\n'.join(lines[:-1]), ns)
    return eval(lines[-1], ns)

def tol_for(name, v, t):
    if name in t:
        return t[name]
    if isinstance(v, float) and abs(v) < 0.1 and v != 0:
        return 0.01
    return 0.005

def build():
    items = []
    for it in ITEMS:
        turns = []
        for tn in it['turns']:
            vals = run_check(tn['check'])
            t = tn.get('tol', {})
            exp = {'kind': tn['kind']}
            if tn.get('tool'):
                exp['tool'] = tn['tool']
            if tn['figs']:
                exp['figures'] = [{'value': vals[n], 'rel_tol': tol_for(n, vals[n], t), 'what': f'[{n}] {w}'} for n, w in tn['figs']]
            if tn['mn']:
                exp['must_not'] = [{'value': vals[n], 'rel_tol': 0.005, 'what': f'[{n}] {w}'} for n, w in tn['mn']]
            if tn.get('period'):
                exp['period'] = tn['period']
            turn = {'q': tn['q'], 'expect': exp, 'check': tn['check'].strip() + '\n'}
            if tn.get('note'):
                turn['note'] = tn['note']
            turns.append(turn)
        items.append({'id': it['id'], 'persona': it['persona'], 'turns': turns})
    doc = {
        'writer': 'b2 (outside evaluator; wrote without seeing the product code, tests, prompts or other sets) — personas: '
                  'English-speaking Head of Analytics at the Shanghai office; 电商平台品类运营 typing fast on a phone',
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
    with open(OUT, 'w') as f:
        yaml.dump(doc, f, Dumper=D, allow_unicode=True, sort_keys=False, width=1000)

def verify():
    doc = yaml.safe_load(open(OUT))
    ns0 = {}
    exec(doc['check_prelude'], ns0)
    kinds = collections.Counter()
    nturns = 0
    for it in doc['items']:
        assert 1 <= len(it['turns']) <= 4, it['id']
        for tn in it['turns']:
            nturns += 1
            e = tn['expect']
            kinds[e['kind']] += 1
            assert e['kind'] in ('figure', 'model', 'refusal', 'partial')
            if e['kind'] == 'model':
                assert e.get('tool'), it['id']
            if e['kind'] in ('figure', 'partial'):
                assert e.get('figures'), (it['id'], tn['q'])
            ns = dict(ns0)
            lines = tn['check'].strip().split('\n')
            exec('\n'.join(lines[:-1]), ns)
            vals = eval(lines[-1], ns)
            assert isinstance(vals, dict)
            for key in ('figures', 'must_not'):
                for fg in e.get(key, []):
                    name = re.match(r'\[(\w+)\]', fg['what']).group(1)
                    assert vals[name] == fg['value'], (it['id'], name, vals[name], fg['value'])
            # a must_not must not be within tolerance of any required figure
            for mn in e.get('must_not', []):
                for fg in e.get('figures', []):
                    tol = max(mn['rel_tol'], fg['rel_tol'])
                    if fg['value'] == 0:
                        assert mn['value'] != 0, (it['id'], mn, fg)
                    else:
                        assert not math.isclose(mn['value'], fg['value'], rel_tol=tol), (it['id'], mn, fg)
    print(f"OK: {len(doc['items'])} conversations, {nturns} turns, kinds {dict(kinds)}")

if __name__ == '__main__':
    build()
    verify()
