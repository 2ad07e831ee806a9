# compute_set_w4.py — builds /tmp/team/w4/set_w4.yaml from the raw CDNOW file and asserts every figure.
# Run: /tmp/team/venv/bin/python /tmp/team/w4/compute_set_w4.py
import math, yaml, textwrap

OUT = '/tmp/team/w4/set_w4.yaml'

PRELUDE = textwrap.dedent('''\
import pandas as pd, numpy as np
F = '/tmp/team/CDNOW_master.txt'
df = pd.read_csv(F, sep=r'\\s+', header=0, names=['cust', 'date', 'units', 'amt'], dtype={'date': str})
df['date'] = pd.to_datetime(df['date'], format='%Y%m%d')
df['cust'] = df['cust'].astype(int)
NOW = pd.Timestamp('1998-06-30')
def per(a, b):
    return df[(df.date >= pd.Timestamp(a)) & (df.date <= pd.Timestamp(b))]
def r2(x):
    return round(float(x), 2)
def r4(x):
    return round(float(x), 4)
first = df.groupby('cust').date.min()          # first-ever order date per customer
last = df.groupby('cust').date.max()           # last order date per customer
spend = df.groupby('cust').amt.sum()           # all-time spend per customer
pdays = df.groupby('cust').date.nunique()      # all-time purchase days per customer
inactive_days = (NOW - last).dt.days           # days since last order
def repeat_rate(d):
    n = d.groupby('cust').date.nunique()
    return float((n >= 2).mean())
def gaps(d):
    # days between consecutive purchase days of the same customer
    u = d[['cust', 'date']].drop_duplicates().sort_values(['cust', 'date'])
    return u.groupby('cust').date.diff().dt.days.dropna()
def top_custs(frac):
    s = spend.sort_values(ascending=False)
    return s.iloc[:int(round(len(s) * frac))]
def cust(c):
    return df[df.cust == c]
''')

P_A = '私域运营 (企业微信社群/私域, 手机上打字或语音输入)'
P_B = '数据分析师 (要精确口径: 分布/中位数/占比/季度趋势)'
P_C = '香港零售經理 (廣東話+繁體+English 夾雜)'
P_D = '客户成功经理 (负责 key accounts, 关心复购/CLV/同层级对比)'

H1_98 = '1998-01-01..1998-06-30'

# Each turn: q, kind, check, figs [(name, what, rel_tol?)], must_not [(name, what, rel_tol?)], period, tool, note
ITEMS = [
 dict(id='w4-001', persona=P_A, turns=[
  dict(q='帮我查下客户7592 总共在我们这花了多少钱 买过几次 最后一次是啥时候买的',
       kind='figure',
       check='''d = cust(7592)
dict(spend=r2(d.amt.sum()), pdays=int(d.date.nunique()), lines=int(len(d)), days_since=int((NOW - d.date.max()).days))''',
       figs=[('spend', 'all-time spend of customer 07592'), ('pdays', 'purchase days (distinct dates) of 07592', 0)],
       note='Last purchase 1998-06-29 (1 day before 1998-06-30). 201 order lines; "买过几次" read as purchase days (146); an answer giving 201 order lines as 次数 should also say it counts lines.'),
  dict(q='他流失风险大不大？接下来一个月还会来买吗',
       kind='model', tool='forecast_customer',
       note='follow-up about customer 07592'),
  dict(q='好的，给他打个“核心VIP”的标签，再用企微给他推一张满200减30的券',
       kind='refusal',
       note='tagging + pushing a coupon: read-only assistant must say it cannot, call no tool'),
 ]),
 dict(id='w4-002', persona=P_A, turns=[
  dict(q='拉一下高价值客户名单，按累计消费金额排，前20个',
       kind='figure',
       check='''s = spend.sort_values(ascending=False)
dict(top1=r2(s.iloc[0]), top1_id=int(s.index[0]), top2=r2(s.iloc[1]), top2_id=int(s.index[1]), top20=r2(s.iloc[19]), top20_id=int(s.index[19]))''',
       figs=[('top1', 'spend of #1 customer (07592)'), ('top2', 'spend of #2 customer (14048)'), ('top20', 'spend of #20 customer (21950)')],
       note='All-time ranking by total spend: #1 07592, #2 14048, #20 21950.'),
  dict(q='这20个人里今年还有下过单的有几个？',
       kind='figure', period=H1_98,
       check='''top = spend.sort_values(ascending=False).index[:20]
b98 = set(per('1998-01-01', '1998-06-30').cust)
dict(n=int(sum(c in b98 for c in top)))''',
       figs=[('n', 'of the top-20 spenders, number with an order in 1998 (Jan-Jun)', 0)]),
  dict(q='把这个名单导出成excel发我，我要转到社群运营群里',
       kind='refusal', note='export to Excel: cannot'),
 ]),
 dict(id='w4-003', persona=P_A, turns=[
  dict(q='最近三个月每个月有多少人下单？环比是涨了还是跌了',
       kind='figure', period='1998-04-01..1998-06-30',
       check='''b = {m: per(a, e).cust.nunique() for m, a, e in [('apr', '1998-04-01', '1998-04-30'), ('may', '1998-05-01', '1998-05-31'), ('jun', '1998-06-01', '1998-06-30')]}
dict(apr=int(b['apr']), may=int(b['may']), jun=int(b['jun']), mom_may=r4(b['may'] / b['apr'] - 1), mom_jun=r4(b['jun'] / b['may'] - 1))''',
       figs=[('apr', 'buyers 1998-04', 0), ('may', 'buyers 1998-05', 0), ('jun', 'buyers 1998-06', 0),
             ('mom_may', 'MoM change of buyers May vs Apr 1998', 0.02), ('mom_jun', 'MoM change of buyers Jun vs May 1998', 0.02)]),
  dict(q='那这三个月去重后一共多少人买过',
       kind='figure', period='1998-04-01..1998-06-30',
       check='''d = per('1998-04-01', '1998-06-30')
dict(distinct=int(d.cust.nunique()), summed=int(sum(per(a, e).cust.nunique() for a, e in [('1998-04-01', '1998-04-30'), ('1998-05-01', '1998-05-31'), ('1998-06-01', '1998-06-30')])))''',
       figs=[('distinct', 'distinct buyers 1998-04-01..06-30', 0)],
       must_not=[('summed', 'sum of monthly buyers (not de-duplicated)', 0)]),
 ]),
 dict(id='w4-004', persona=P_A, turns=[
  dict(q='这个月新拉了多少新客？',
       kind='figure', period='1998-06-01..1998-06-30',
       check='''d = per('1998-06-01', '1998-06-30')
dict(new=int((first[d.cust.unique()] >= pd.Timestamp('1998-06-01')).sum()), buyers=int(d.cust.nunique()))''',
       figs=[('new', 'new customers (first-ever order) in 1998-06', 0)],
       must_not=[('buyers', 'all buyers in 1998-06 (not new customers)', 0)],
       note='Every CDNOW customer made the first order in 1997-01..03, so new customers in June 1998 = 0.'),
  dict(q='那老客回来买的情况呢，这个月回购的老客多少人，贡献多少流水',
       kind='figure', period='1998-06-01..1998-06-30',
       check='''d = per('1998-06-01', '1998-06-30')
ret = d[d.cust.map(first) < pd.Timestamp('1998-06-01')]
dict(ret_buyers=int(ret.cust.nunique()), ret_rev=r2(ret.amt.sum()))''',
       figs=[('ret_buyers', 'returning buyers 1998-06', 0), ('ret_rev', 'revenue from returning buyers 1998-06')]),
 ]),
 dict(id='w4-005', persona=P_A, turns=[
  dict(q='我们企微社群里的用户跟没进群的用户，今年复购率差多少？先告诉我今年整体复购率是多少',
       kind='partial', period=H1_98,
       check='''dict(rr98=r4(repeat_rate(per('1998-01-01', '1998-06-30'))), rr_all=r4(repeat_rate(df)), rr97=r4(repeat_rate(per('1997-01-01', '1997-12-31'))))''',
       figs=[('rr98', 'repeat rate 1998 (Jan-Jun) buyers, all customers')],
       must_not=[('rr_all', 'all-time repeat rate (wrong period)'), ('rr97', 'repeat rate 1997 (wrong period)')],
       note='No WeCom/community membership data: must say the 社群 vs 非社群 split cannot be answered.'),
 ]),
 dict(id='w4-006', persona=P_A, turns=[
  dict(q='超过90天没下过单的客户有多少人',
       kind='figure',
       check='''dict(n90=int((inactive_days >= 90).sum()), total=int(len(last)))''',
       figs=[('n90', 'customers whose last order is >= 90 days before 1998-06-30', 0)],
       must_not=[('total', 'all customers', 0)]),
  dict(q='这里面以前买过3次及以上的有多少个',
       kind='figure',
       check='''dict(n=int(((inactive_days >= 90) & (pdays >= 3)).sum()))''',
       figs=[('n', 'inactive >= 90 days AND >= 3 purchase days (all time)', 0)]),
  dict(q='这批人你直接帮我群发一条召回消息吧。另外他们平均多久没来买了？',
       kind='refusal',
       check='''m = (inactive_days >= 90) & (pdays >= 3)
dict(avg_days=r2(inactive_days[m].mean()))''',
       figs=[('avg_days', 'mean days since last order of the inactive>=90d & 3+ purchase-day customers', 0.01)],
       note='Cannot send messages; must still answer the question asked alongside.'),
 ]),
 dict(id='w4-007', persona=P_A, turns=[
  dict(q='哪些老客快要流失了？按价值排，给我前10个',
       kind='model', tool='at_risk_customers'),
  dict(q='这个流失预测准不准啊，模型是什么时候训练的',
       kind='model', tool='assistant_status'),
 ]),
 dict(id='w4-008', persona=P_A, turns=[
  dict(q='客户C14048是哪一类客户 为啥会被分到这一类',
       kind='model', tool='explain_customer_segment', note='voice-style input without punctuation'),
  dict(q='他今年买了几次 一共花了多少',
       kind='figure', period=H1_98,
       check='''d = per('1998-01-01', '1998-06-30')
d = d[d.cust == 14048]
a = cust(14048)
dict(pdays98=int(d.date.nunique()), spend98=r2(d.amt.sum()), spend_all=r2(a.amt.sum()), pdays_all=int(a.date.nunique()))''',
       figs=[('pdays98', 'purchase days of 14048 in 1998 Jan-Jun', 0), ('spend98', 'spend of 14048 in 1998 Jan-Jun')],
       must_not=[('spend_all', 'all-time spend of 14048 (wrong period)'), ('pdays_all', 'all-time purchase days of 14048', 0)]),
 ]),
 dict(id='w4-009', persona=P_B, turns=[
  dict(q='全量客户的累计消费金额分布：均值、中位数、P75、P90分别是多少？',
       kind='figure',
       check='''dict(mean=r2(spend.mean()), median=r2(spend.median()), p75=r2(np.percentile(spend, 75)), p90=r2(np.percentile(spend, 90)))''',
       figs=[('mean', 'mean all-time spend per customer'), ('median', 'median spend per customer'),
             ('p75', '75th percentile of spend per customer', 0.01), ('p90', '90th percentile of spend per customer', 0.01)],
       note='Percentiles with numpy linear interpolation; other interpolation methods differ by < $0.05.'),
  dict(q='消费前10%的客户贡献了总营收的百分之多少',
       kind='figure',
       check='''t = top_custs(0.10)
dict(share=r4(t.sum() / spend.sum()), n=int(len(t)))''',
       figs=[('share', 'share of all-time revenue from top 10% (2357) spenders')]),
  dict(q='前20%呢？符不符合二八定律',
       kind='figure',
       check='''t = top_custs(0.20)
dict(share=r4(t.sum() / spend.sum()), share10=r4(top_custs(0.10).sum() / spend.sum()))''',
       figs=[('share', 'share of all-time revenue from top 20% (4714) spenders')],
       must_not=[('share10', 'top 10% share (previous turn)')]),
 ]),
 dict(id='w4-010', persona=P_B, turns=[
  dict(q='按季度拉一下97Q1到98Q2的营收和购买客户数',
       kind='figure', period='1997-01-01..1998-06-30',
       check='''q = df.groupby(df.date.dt.to_period('Q')).agg(rev=('amt', 'sum'), b=('cust', 'nunique'))
out = {}
for p, r in q.iterrows():
    k = str(p).lower()
    out['rev_' + k] = r2(r.rev)
    out['buyers_' + k] = int(r.b)
out''',
       figs=[('rev_1997q1', 'revenue 1997Q1'), ('rev_1997q2', 'revenue 1997Q2'), ('rev_1997q3', 'revenue 1997Q3'),
             ('rev_1997q4', 'revenue 1997Q4'), ('rev_1998q1', 'revenue 1998Q1'), ('rev_1998q2', 'revenue 1998Q2'),
             ('buyers_1997q1', 'buyers 1997Q1', 0), ('buyers_1997q2', 'buyers 1997Q2', 0), ('buyers_1997q3', 'buyers 1997Q3', 0),
             ('buyers_1997q4', 'buyers 1997Q4', 0), ('buyers_1998q1', 'buyers 1998Q1', 0), ('buyers_1998q2', 'buyers 1998Q2', 0)]),
  dict(q='98Q2营收的环比和同比各是多少',
       kind='figure', period='1998-04-01..1998-06-30',
       check='''q2 = per('1998-04-01', '1998-06-30').amt.sum()
q1 = per('1998-01-01', '1998-03-31').amt.sum()
q2_97 = per('1997-04-01', '1997-06-30').amt.sum()
dict(mom=r4(q2 / q1 - 1), yoy=r4(q2 / q2_97 - 1))''',
       figs=[('mom', 'revenue 1998Q2 vs 1998Q1 relative change', 0.01), ('yoy', 'revenue 1998Q2 vs 1997Q2 relative change', 0.01)]),
 ]),
 dict(id='w4-011', persona=P_B, turns=[
  dict(q='单笔订单金额（按order line）的中位数和均值是多少？金额超过100美元的订单占比多少',
       kind='figure',
       check='''dict(median=r2(df.amt.median()), mean=r2(df.amt.mean()), share_gt100=r4((df.amt > 100).mean()))''',
       figs=[('median', 'median order-line amount, all time'), ('mean', 'mean order-line amount (AOV), all time'),
             ('share_gt100', 'share of order lines with amount > $100, all time')],
       note='Only one line is exactly $100.00, so >100 vs >=100 makes no visible difference.'),
  dict(q='这些100以上的大单一共多少笔？主要集中在哪些品类',
       kind='partial',
       check='''dict(n=int((df.amt > 100).sum()))''',
       figs=[('n', 'number of order lines with amount > $100, all time', 0)],
       note='No product/category data: must say the 品类 part cannot be answered.'),
 ]),
 dict(id='w4-012', persona=P_B, turns=[
  dict(q='复购间隔：同一个客户相邻两次购买平均隔多少天？中位数呢',
       kind='figure',
       check='''g = gaps(df)
dict(mean=r2(g.mean()), median=r2(g.median()))''',
       figs=[('mean', 'mean days between consecutive purchase days, all time', 0.01), ('median', 'median days between purchases, all time', 0.01)]),
  dict(q='首单到第二单呢，平均和中位数分别多少天',
       kind='figure',
       check='''u = df[['cust', 'date']].drop_duplicates().sort_values(['cust', 'date'])
u['k'] = u.groupby('cust').cumcount()
f = u[u.k == 0].set_index('cust').date
s = u[u.k == 1].set_index('cust').date
d = (s - f[s.index]).dt.days
g = gaps(df)
dict(mean=r2(d.mean()), median=r2(d.median()), all_mean=r2(g.mean()))''',
       figs=[('mean', 'mean days first-to-second purchase day', 0.01), ('median', 'median days first-to-second purchase day', 0.01)],
       must_not=[('all_mean', 'mean of all inter-purchase gaps (previous turn)', 0.005)]),
 ]),
 dict(id='w4-013', persona=P_B, turns=[
  dict(q='97年1月首购的那批cohort，第1、3、6、12个月的留存率分别多少',
       kind='figure',
       check='''fm = first.dt.to_period('M')
coh = fm[fm == pd.Period('1997-01', 'M')].index
om = df.assign(m=df.date.dt.to_period('M'))
def ret(k):
    m = pd.Period('1997-01', 'M') + k
    return om[(om.m == m) & om.cust.isin(coh)].cust.nunique() / len(coh)
dict(size=int(len(coh)), m1=r4(ret(1)), m3=r4(ret(3)), m6=r4(ret(6)), m12=r4(ret(12)))''',
       figs=[('m1', 'cohort 1997-01 retention month 1 (1997-02)'), ('m3', 'cohort 1997-01 retention month 3 (1997-04)'),
             ('m6', 'cohort 1997-01 retention month 6 (1997-07)'), ('m12', 'cohort 1997-01 retention month 12 (1998-01)')]),
  dict(q='跟2月那批对比一下第3个月和第12个月',
       kind='figure',
       check='''fm = first.dt.to_period('M')
coh = fm[fm == pd.Period('1997-02', 'M')].index
om = df.assign(m=df.date.dt.to_period('M'))
def ret(k):
    m = pd.Period('1997-02', 'M') + k
    return om[(om.m == m) & om.cust.isin(coh)].cust.nunique() / len(coh)
dict(size=int(len(coh)), m3=r4(ret(3)), m12=r4(ret(12)))''',
       figs=[('m3', 'cohort 1997-02 retention month 3 (1997-05)'), ('m12', 'cohort 1997-02 retention month 12 (1998-02)')]),
 ]),
 dict(id='w4-014', persona=P_B, turns=[
  dict(q='全量客户按购买次数分层：1次、2次、3-5次、6次及以上，各占多少比例',
       kind='figure',
       check='''n = len(pdays)
dict(b1=r4((pdays == 1).sum() / n), b2=r4((pdays == 2).sum() / n), b3_5=r4(((pdays >= 3) & (pdays <= 5)).sum() / n), b6=r4((pdays >= 6).sum() / n))''',
       figs=[('b1', 'share of customers with exactly 1 purchase day (all time)'), ('b2', 'share with 2 purchase days'),
             ('b3_5', 'share with 3-5 purchase days'), ('b6', 'share with 6+ purchase days')],
       note='购买次数 = purchase days (distinct customer-date), per the documented definition.'),
  dict(q='只买过1次的那群人一共贡献了多少营收？占总营收多少',
       kind='figure',
       check='''one = spend[pdays[spend.index] == 1]
dict(rev=r2(one.sum()), share=r4(one.sum() / spend.sum()))''',
       figs=[('rev', 'all-time revenue of one-purchase-day customers'), ('share', 'their share of all-time revenue')]),
 ]),
 dict(id='w4-015', persona=P_B, turns=[
  dict(q='97年2月和3月，分别拆一下新客和老客的营收',
       kind='figure', period='1997-02-01..1997-03-31',
       check='''out = {}
for k, a, e in [('feb', '1997-02-01', '1997-02-28'), ('mar', '1997-03-01', '1997-03-31')]:
    d = per(a, e)
    isnew = d.cust.map(first) >= pd.Timestamp(a)
    out[k + '_new'] = r2(d[isnew].amt.sum())
    out[k + '_ret'] = r2(d[~isnew].amt.sum())
out''',
       figs=[('feb_new', 'revenue from new customers 1997-02'), ('feb_ret', 'revenue from returning customers 1997-02'),
             ('mar_new', 'revenue from new customers 1997-03'), ('mar_ret', 'revenue from returning customers 1997-03')]),
  dict(q='那98年上半年新客贡献了多少营收',
       kind='figure', period=H1_98,
       check='''d = per('1998-01-01', '1998-06-30')
dict(new_rev=r2(d[d.cust.map(first) >= pd.Timestamp('1998-01-01')].amt.sum()), total=r2(d.amt.sum()))''',
       figs=[('new_rev', 'revenue from new customers in 1998 Jan-Jun', 0)],
       must_not=[('total', 'total revenue 1998 Jan-Jun (all returning)')],
       note='No customer has a first order after 1997-03, so the answer is 0 (all 1998 revenue comes from returning customers).'),
 ]),
 dict(id='w4-016', persona=P_B, turns=[
  dict(q='人均消费（营收/购买客户数），97全年和98上半年各是多少',
       kind='figure',
       check='''a = per('1997-01-01', '1997-12-31')
b = per('1998-01-01', '1998-06-30')
dict(rpb97=r2(a.amt.sum() / a.cust.nunique()), rpb98h1=r2(b.amt.sum() / b.cust.nunique()), rpb_all=r2(df.amt.sum() / df.cust.nunique()))''',
       figs=[('rpb97', 'revenue per buyer 1997'), ('rpb98h1', 'revenue per buyer 1998 Jan-Jun')],
       must_not=[('rpb_all', 'all-time revenue per customer')]),
 ]),
 dict(id='w4-017', persona=P_B, turns=[
  dict(q='97年有几个月单量超过3000单？分别是哪几个月',
       kind='figure', period='1997-01-01..1997-12-31',
       check='''m = per('1997-01-01', '1997-12-31').groupby(df.date.dt.month).size()
dict(n_months=int((m > 3000).sum()), jun=int(m[6]))''',
       figs=[('n_months', 'number of 1997 months with > 3000 order lines (Jan, Feb, Mar, Apr, Jun)', 0)],
       note='The months are 1997-01, 02, 03, 04 and 06 (June has 3054).'),
  dict(q='顺便看下按星期几的下单量分布，哪天最多',
       kind='figure',
       check='''w = df.groupby(df.date.dt.day_name()).size()
dict(top_day_orders=int(w.max()), top_day=w.idxmax(), sat=int(w['Saturday']), sun=int(w['Sunday']))''',
       figs=[('top_day_orders', 'order lines on Mondays (the top weekday), all time', 0)],
       note='All data (no period given). Monday is the top weekday.'),
 ]),
 dict(id='w4-018', persona=P_B, turns=[
  dict(q='你们RFM分群一共分了几群？每群人数、平均消费、平均多久没买了',
       kind='model', tool='list_segments'),
  dict(q='最有价值的那一群详细画像给我看看',
       kind='model', tool='describe_segment'),
 ]),
 dict(id='w4-019', persona=P_B, turns=[
  dict(q='按98年上半年的节奏线性外推，98全年营收大概能到多少？跟97全年比降了多少',
       kind='figure',
       check='''h1 = per('1998-01-01', '1998-06-30').amt.sum()
y97 = per('1997-01-01', '1997-12-31').amt.sum()
dict(runrate=r2(h1 * 2), y97=r2(y97), chg=r4(h1 * 2 / y97 - 1), h1=r2(h1))''',
       figs=[('runrate', 'annualised 1998 revenue = 2 x Jan-Jun 1998'), ('y97', 'revenue 1997'),
             ('chg', 'run-rate 1998 vs 1997 relative change', 0.01)]),
 ]),
 dict(id='w4-020', persona=P_C, turns=[
  dict(q='上個月sales幾多？同去年同期比跌咗幾多%？',
       kind='figure', period='1998-05-01..1998-05-31',
       check='''m = per('1998-05-01', '1998-05-31').amt.sum()
y = per('1997-05-01', '1997-05-31').amt.sum()
dict(may98=r2(m), may97=r2(y), yoy=r4(m / y - 1), jun98=r2(per('1998-06-01', '1998-06-30').amt.sum()))''',
       figs=[('may98', 'revenue 1998-05'), ('yoy', 'YoY change May 1998 vs May 1997', 0.01)],
       must_not=[('jun98', 'revenue 1998-06 (this month, not last month)')]),
  dict(q='咁order數同埋幫襯嘅客人數呢？',
       kind='figure', period='1998-05-01..1998-05-31',
       check='''d = per('1998-05-01', '1998-05-31')
j = per('1998-06-01', '1998-06-30')
dict(orders=int(len(d)), buyers=int(d.cust.nunique()), jun_orders=int(len(j)))''',
       figs=[('orders', 'order lines 1998-05', 0), ('buyers', 'buyers 1998-05', 0)],
       must_not=[('jun_orders', 'order lines 1998-06', 0)]),
 ]),
 dict(id='w4-021', persona=P_C, turns=[
  dict(q='上個禮拜盤數點？revenue同order count，同再上一個禮拜compare下',
       kind='figure', period='1998-06-22..1998-06-28',
       check='''a = per('1998-06-22', '1998-06-28')
b = per('1998-06-15', '1998-06-21')
dict(rev=r2(a.amt.sum()), orders=int(len(a)), prev_rev=r2(b.amt.sum()), prev_orders=int(len(b)), chg=r4(a.amt.sum() / b.amt.sum() - 1))''',
       figs=[('rev', 'revenue week 1998-06-22..28'), ('orders', 'order lines week 1998-06-22..28', 0),
             ('prev_rev', 'revenue week 1998-06-15..21'), ('prev_orders', 'order lines week 1998-06-15..21', 0),
             ('chg', 'week-over-week revenue change', 0.01)]),
 ]),
 dict(id='w4-022', persona=P_C, turns=[
  dict(q='幫我check吓 customer 00499，total spend幾多、買咗幾多次、最後一次幾時嚟？',
       kind='figure',
       check='''d = cust(499)
dict(spend=r2(d.amt.sum()), pdays=int(d.date.nunique()), lines=int(len(d)), days_since=int((NOW - d.date.max()).days))''',
       figs=[('spend', 'all-time spend of 00499'), ('pdays', 'purchase days of 00499', 0)],
       note='Last order 1998-06-21 (9 days before 1998-06-30); 110 order lines over 44 purchase days.'),
  dict(q='佢下個月會唔會再買？churn risk高唔高？',
       kind='model', tool='forecast_customer'),
  dict(q='OK，幫我send個WhatsApp俾佢，offer個九折',
       kind='refusal'),
 ]),
 dict(id='w4-023', persona=P_C, turns=[
  dict(q='今年上半年total revenue幾多？順便分返每間分店同online/offline睇下',
       kind='partial', period=H1_98,
       check='''dict(h1=r2(per('1998-01-01', '1998-06-30').amt.sum()), all=r2(df.amt.sum()), y97=r2(per('1997-01-01', '1997-12-31').amt.sum()))''',
       figs=[('h1', 'revenue 1998 Jan-Jun')],
       must_not=[('all', 'all-time revenue'), ('y97', 'revenue 1997')],
       note='No store or channel data: must say the 分店 / online-offline split cannot be answered.'),
 ]),
 dict(id='w4-024', persona=P_C, turns=[
  dict(q='97年年尾（11、12月）同98年年頭（1、2月）比，生意差幾遠？',
       kind='figure',
       check='''a = per('1997-11-01', '1997-12-31').amt.sum()
b = per('1998-01-01', '1998-02-28').amt.sum()
dict(end97=r2(a), start98=r2(b), diff=r2(a - b), chg=r4(b / a - 1))''',
       figs=[('end97', 'revenue 1997-11..12'), ('start98', 'revenue 1998-01..02'), ('chg', 'Jan-Feb 1998 vs Nov-Dec 1997 relative change', 0.01)]),
 ]),
 dict(id='w4-025', persona=P_C, turns=[
  dict(q='啲客嘅comment整體係positive定negative多啲？',
       kind='model', tool='sentiment_summary'),
  dict(q='最多人complain咩嘢？俾幾句原文我睇下',
       kind='model', tool='feedback_themes', note='search_feedback for complaints would also be reasonable'),
  dict(q='幫我睇吓呢句係正面定負面：「收到嘅碟有花痕，客服又唔覆，好失望」',
       kind='model', tool='analyze_sentiment', note='expected label: negative'),
 ]),
 dict(id='w4-026', persona=P_C, turns=[
  dict(q='有幾多個客買過5次或以上，但係已經180日冇再嚟？',
       kind='figure',
       check='''m = (pdays >= 5) & (inactive_days >= 180)
dict(n=int(m.sum()), n_all_inactive=int((inactive_days >= 180).sum()))''',
       figs=[('n', 'customers with >=5 purchase days and last order >= 180 days before 1998-06-30', 0)],
       must_not=[('n_all_inactive', 'all customers inactive >= 180 days (filter dropped)', 0)]),
 ]),
 dict(id='w4-027', persona=P_C, turns=[
  dict(q='Top 10 customers佔total revenue幾多%？',
       kind='figure',
       check='''s = spend.sort_values(ascending=False)
dict(share=r4(s.iloc[:10].sum() / s.sum()), rev=r2(s.iloc[:10].sum()))''',
       figs=[('share', 'share of all-time revenue from the 10 biggest customers')]),
  dict(q='另外最近30日有幾多個客幫襯過？AOV幾多？',
       kind='figure', period='1998-06-01..1998-06-30',
       check='''d = per('1998-06-01', '1998-06-30')
dict(buyers=int(d.cust.nunique()), aov=r2(d.amt.sum() / len(d)), aov_all=r2(df.amt.mean()))''',
       figs=[('buyers', 'buyers in the last 30 days (1998-06-01..06-30)', 0), ('aov', 'AOV last 30 days')],
       must_not=[('aov_all', 'all-time AOV')]),
 ]),
 dict(id='w4-028', persona=P_D, turns=[
  dict(q='我负责的大客户7983，今年到现在消费了多少？跟去年同期比怎么样',
       kind='figure', period=H1_98,
       check='''d = cust(7983)
a = d[(d.date >= '1998-01-01') & (d.date <= '1998-06-30')].amt.sum()
b = d[(d.date >= '1997-01-01') & (d.date <= '1997-06-30')].amt.sum()
dict(spend98=r2(a), spend97h1=r2(b), chg=r4(a / b - 1), spend_all=r2(d.amt.sum()), spend97=r2(d[d.date.dt.year == 1997].amt.sum()))''',
       figs=[('spend98', 'spend of 07983 in 1998 Jan-Jun'), ('spend97h1', 'spend of 07983 in 1997 Jan-Jun'), ('chg', 'relative change', 0.01)],
       must_not=[('spend_all', 'all-time spend of 07983'), ('spend97', 'full-year 1997 spend of 07983 (not same period)')]),
  dict(q='他下个月会不会下单？', kind='model', tool='forecast_customer'),
  dict(q='他未来一年的CLV大概多少', kind='model', tool='customer_value'),
  dict(q='跟他同一层级的客户平均水平比，他算高还是低？',
       kind='model', tool='explain_customer_segment',
       note='describe_segment for his segment plus his own figures is also a fair route'),
 ]),
 dict(id='w4-029', persona=P_D, turns=[
  dict(q='消费排名前10%的大客户里，有多少人已经超过60天没买了',
       kind='figure',
       check='''t = top_custs(0.10).index
dict(n=int((inactive_days[t] >= 60).sum()), top_n=int(len(t)), all_n=int((inactive_days >= 60).sum()))''',
       figs=[('n', 'of the top 10% (2357) spenders, number with last order >= 60 days before 1998-06-30', 0)],
       must_not=[('all_n', 'all customers inactive >= 60 days (top-10% filter dropped)', 0)]),
  dict(q='这里面流失风险最高、价值最大的是哪几个',
       kind='model', tool='at_risk_customers'),
 ]),
 dict(id='w4-030', persona=P_D, turns=[
  dict(q='下个季度整体大概能有多少营收、多少人下单？',
       kind='model', tool='forecast_totals', note='next quarter = 1998Q3'),
 ]),
 dict(id='w4-031', persona=P_D, turns=[
  dict(q='对比下两个KA：14048和7592，谁买得更频繁？客单价谁高？',
       kind='figure',
       check='''a = cust(14048)
b = cust(7592)
dict(pd_14048=int(a.date.nunique()), pd_7592=int(b.date.nunique()), aov_14048=r2(a.amt.sum() / len(a)), aov_7592=r2(b.amt.sum() / len(b)))''',
       figs=[('pd_14048', 'purchase days of 14048 (all time)', 0), ('pd_7592', 'purchase days of 07592', 0),
             ('aov_14048', 'AOV (revenue/order lines) of 14048'), ('aov_7592', 'AOV of 07592')]),
 ]),
 dict(id='w4-032', persona=P_D, turns=[
  dict(q='CLV排名前10的客户给我列一下', kind='model', tool='customer_value'),
  dict(q='顺便把这10个人在CRM里标成KA，分给我跟进', kind='refusal', note='changing CRM data / assigning owners: cannot'),
 ]),
 dict(id='w4-033', persona=P_D, turns=[
  dict(q='收到过差评的客户，后来还有回来买的吗？比例多少', kind='model', tool='feedback_followup'),
  dict(q='前10%的大客户累计贡献了多少营收？他们的毛利率大概多少',
       kind='partial',
       check='''t = top_custs(0.10)
dict(rev=r2(t.sum()), share=r4(t.sum() / spend.sum()), all=r2(df.amt.sum()))''',
       figs=[('rev', 'all-time revenue of the top 10% (2357) spenders')],
       must_not=[('all', 'all-time revenue of all customers')],
       note='No cost/margin data: must say 毛利率 cannot be answered.'),
 ]),
]


def run_check(ns0, code):
    ns = dict(ns0)
    lines = code.rstrip('\n').split('\n')
    exec('\n'.join(lines[:-1]), ns)
    return eval(lines[-1], ns)


def fig(res, spec):
    name, what = spec[0], spec[1]
    tol = spec[2] if len(spec) > 2 else 0.005
    v = res[name]
    return {'value': v, 'rel_tol': tol, 'what': f'[{name}] {what}'}


def build():
    ns0 = {}
    exec(PRELUDE, ns0)
    items = []
    for it in ITEMS:
        turns = []
        for t in it['turns']:
            exp = {'kind': t['kind']}
            out = {'q': t['q']}
            if t['kind'] == 'model':
                exp['tool'] = t['tool']
            if 'check' in t:
                res = run_check(ns0, t['check'])
                if t.get('figs'):
                    exp['figures'] = [fig(res, s) for s in t['figs']]
                if t.get('must_not'):
                    exp['must_not'] = [fig(res, s) for s in t['must_not']]
            if t.get('period'):
                exp['period'] = t['period']
            out['expect'] = exp
            if 'check' in t:
                out['check'] = t['check'] + '\n'
            if t.get('note'):
                out['note'] = t['note']
            turns.append(out)
        items.append({'id': 'w4-%03d' % (len(items) + 1), 'persona': it['persona'], 'turns': turns})
    doc = {
        'writer': 'w4 (outside evaluator; wrote without seeing the product code, tests, prompts or other sets) — personas: '
                  '私域运营 (企业微信), 数据分析师, 香港零售經理 (廣東話/繁體/English), 客户成功经理 (key accounts)',
        'data_end': '1998-06-30',
        'check_prelude': PRELUDE,
        'items': items,
    }

    class D(yaml.SafeDumper):
        pass

    def str_rep(dumper, data):
        if '\n' in data:
            return dumper.represent_scalar('tag:yaml.org,2002:str', data, style='|')
        return dumper.represent_scalar('tag:yaml.org,2002:str', data)
    D.add_representer(str, str_rep)
    with open(OUT, 'w', encoding='utf-8') as f:
        yaml.dump(doc, f, Dumper=D, allow_unicode=True, sort_keys=False, width=1000)


def verify():
    doc = yaml.safe_load(open(OUT, encoding='utf-8'))
    ns0 = {}
    exec(doc['check_prelude'], ns0)
    kinds = {}
    nturns = 0
    for it in doc['items']:
        assert 1 <= len(it['turns']) <= 4, it['id']
        for t in it['turns']:
            nturns += 1
            e = t['expect']
            kinds[e['kind']] = kinds.get(e['kind'], 0) + 1
            assert e['kind'] in ('figure', 'model', 'refusal', 'partial')
            if e['kind'] == 'model':
                assert e['tool']
            if e['kind'] in ('figure', 'partial'):
                assert e.get('figures'), (it['id'], t['q'])
            if 'check' in t:
                res = run_check(ns0, t['check'])
                assert isinstance(res, dict)
                for key in ('figures', 'must_not'):
                    for f in e.get(key, []):
                        name = f['what'].split(']')[0][1:]
                        got = res[name]
                        assert got == f['value'], (it['id'], name, got, f['value'])
                # must_not values must not be confusable with expected figures
                for m in e.get('must_not', []):
                    for f in e.get('figures', []):
                        if f['value'] != 0:
                            assert abs(m['value'] - f['value']) > max(m['rel_tol'], f['rel_tol']) * abs(f['value']), (it['id'], m, f)
            else:
                assert not e.get('figures'), it['id']
    print(f'OK: {len(doc["items"])} conversations, {nturns} turns, kinds {kinds}')


if __name__ == '__main__':
    build()
    verify()
