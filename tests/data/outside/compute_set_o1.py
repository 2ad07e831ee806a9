# compute_set_o1.py — builds and verifies /tmp/team/o1/set_o1.yaml
# Every figure is computed with pandas over the raw CDNOW file using the documented definitions.
# EXPECTED holds the values I wrote by hand after inspecting them; the script re-runs every check,
# asserts the check output equals EXPECTED, writes the YAML, then reloads the YAML and re-verifies it.
import sys, yaml, math

PRELUDE = r'''import pandas as pd, numpy as np
F = '/tmp/team/CDNOW_master.txt'
df = pd.read_csv(F, sep=r'\s+', header=0, names=['cust', 'date', 'units', 'amt'], dtype={'date': str})
df['date'] = pd.to_datetime(df['date'], format='%Y%m%d')
df['cust'] = df['cust'].astype(int)
NOW = pd.Timestamp('1998-06-30')
def per(a, b):
    return df[(df.date >= pd.Timestamp(a)) & (df.date <= pd.Timestamp(b))]
def r(x, n=2):
    return round(float(x), n)
first = df.groupby('cust').date.min()        # first-ever order date per customer
last = df.groupby('cust').date.max()         # last order date per customer
cohort = first.dt.to_period('M')             # first-order month
def pdays(d):                                # purchase days = distinct (customer, date)
    return d[['cust', 'date']].drop_duplicates()
def repeat_rate(d):                          # share of the period's buyers with >= 2 purchase days in it
    n = pdays(d).groupby('cust').size()
    return float((n >= 2).mean())
def retention(cm, k, count=False):          # share of cohort cm with an order in month cm+k
    members = cohort[cohort == pd.Period(cm, 'M')].index
    active = df[df.date.dt.to_period('M') == pd.Period(cm, 'M') + k].cust.unique()
    hit = pd.Index(members).isin(active)
    return int(hit.sum()) if count else float(hit.mean())
def gaps(a=None, b=None):                    # days between consecutive purchase days, dated by the later day
    p = pdays(df).sort_values(['cust', 'date']).copy()
    p['gap'] = p.groupby('cust').date.diff().dt.days
    g = p.dropna(subset=['gap'])
    if a is not None:
        g = g[(g.date >= pd.Timestamp(a)) & (g.date <= pd.Timestamp(b))]
    return g.gap
def first_to_second():                       # days first -> second purchase day, per customer having one
    p = pdays(df).sort_values(['cust', 'date'])
    p = p.groupby('cust').head(2)
    p = p[p.groupby('cust').cust.transform('size') == 2]
    return p.groupby('cust').date.agg(lambda s: (s.iloc[1] - s.iloc[0]).days)
'''

GA = '电商公司增长分析师（用词精确、会核对口径，中英混用）'
SM = '华东大区销售经理（手机上随手问，口语/语音输入，偶有错别字）'

# turn: dict(q, kind, check, figs=[(name, what[, rel_tol])], must_not=[(name, what)], period, tool, note)
ITEMS = [
 ('o1-001', GA, [
  dict(q='帮我按首购月份做个cohort：每个cohort多少人，各自第3个月的留存率是多少？（首购当月算第0个月）',
       kind='figure',
       check='''dict(n_jan=int((cohort == pd.Period('1997-01', 'M')).sum()),
     n_feb=int((cohort == pd.Period('1997-02', 'M')).sum()),
     n_mar=int((cohort == pd.Period('1997-03', 'M')).sum()),
     r3_jan=r(retention('1997-01', 3), 4), r3_feb=r(retention('1997-02', 3), 4), r3_mar=r(retention('1997-03', 3), 4))''',
       figs=[('n_jan', 'cohort 1997-01 size'), ('n_feb', 'cohort 1997-02 size'), ('n_mar', 'cohort 1997-03 size'),
             ('r3_jan', 'cohort 1997-01 month-3 retention (ordered in 1997-04)'),
             ('r3_feb', 'cohort 1997-02 month-3 retention (ordered in 1997-05)'),
             ('r3_mar', 'cohort 1997-03 month-3 retention (ordered in 1997-06)')],
       note='All 23,570 customers made their first order in 1997-01..03, so there are exactly three cohorts.'),
  dict(q='1月那批到第12个月还剩多少比例在下单？',
       kind='figure',
       check="dict(r12_jan=r(retention('1997-01', 12), 4))",
       figs=[('r12_jan', 'cohort 1997-01 month-12 retention (ordered in 1998-01)')],
       period='1998-01-01..1998-01-31'),
  dict(q='那到最后一个月（98年6月）这批1月的还有多少人在买？人数和比例都给下',
       kind='figure',
       check="dict(n17_jan=retention('1997-01', 17, count=True), r17_jan=r(retention('1997-01', 17), 4))",
       figs=[('n17_jan', 'customers of cohort 1997-01 with an order in 1998-06'),
             ('r17_jan', 'cohort 1997-01 month-17 retention (1998-06)')],
       period='1998-06-01..1998-06-30'),
 ]),
 ('o1-002', GA, [
  dict(q='97年全年复够率多少？口径按当年有≥2个不同购买日的客户 / 当年购买客户',
       kind='figure',
       check='''d = per('1997-01-01', '1997-12-31')
dict(rr97=r(repeat_rate(d), 4), buyers97=int(d.cust.nunique()), rr_all=r(repeat_rate(df), 4))''',
       figs=[('rr97', 'repeat rate 1997 (buyers with >=2 purchase days in 1997 / 1997 buyers)'),
             ('buyers97', 'buyers in 1997 (denominator)')],
       must_not=[('rr_all', 'all-time repeat rate 1997-01..1998-06 (wrong period)')],
       period='1997-01-01..1997-12-31',
       note='复够率 is a voice-input typo for 复购率.'),
  dict(q='98年上半年呢',
       kind='figure',
       check='''d = per('1998-01-01', '1998-06-30')
dict(rr98=r(repeat_rate(d), 4), buyers98=int(d.cust.nunique()), rr_all=r(repeat_rate(df), 4))''',
       figs=[('rr98', 'repeat rate 1998-01..06'), ('buyers98', 'buyers in 1998-01..06 (denominator)')],
       must_not=[('rr_all', 'all-time repeat rate (wrong period)')],
       period='1998-01-01..1998-06-30'),
  dict(q='98上半年只买过一天的客户占比和人数呢',
       kind='figure',
       check='''n = pdays(per('1998-01-01', '1998-06-30')).groupby('cust').size()
dict(one98=r((n == 1).mean(), 4), n_one98=int((n == 1).sum()))''',
       figs=[('one98', 'one-time share among 1998-H1 buyers'), ('n_one98', 'buyers with exactly 1 purchase day in 1998-H1')],
       period='1998-01-01..1998-06-30'),
 ]),
 ('o1-003', GA, [
  dict(q='首单到第二单平均隔多少天？中位数也要。有第二次购买的客户一共多少个？',
       kind='figure',
       check='''g = first_to_second()
dict(f2s_mean=r(g.mean(), 1), f2s_median=r(g.median(), 1), n_second=int(len(g)))''',
       figs=[('f2s_mean', 'mean days first-to-second purchase day (all customers with a 2nd purchase day)', 0.01),
             ('f2s_median', 'median days first-to-second purchase day', 0.01),
             ('n_second', 'customers with >= 2 purchase days')]),
  dict(q='只看3月首购的那批人呢',
       kind='figure',
       check='''g = first_to_second()
g = g[g.index.isin(cohort[cohort == pd.Period('1997-03', 'M')].index)]
dict(f2s_mar_mean=r(g.mean(), 1), f2s_mar_median=r(g.median(), 1), n_second_mar=int(len(g)))''',
       figs=[('f2s_mar_mean', 'cohort 1997-03: mean days first-to-second', 0.01),
             ('f2s_mar_median', 'cohort 1997-03: median days first-to-second', 0.01),
             ('n_second_mar', 'cohort 1997-03 customers with a 2nd purchase day')]),
 ]),
 ('o1-004', GA, [
  dict(q='全量客户按累计购买次数（按不同购买日算）分个布：1次、2次、3-5次、6次及以上各多少人？',
       kind='figure',
       check='''n = pdays(df).groupby('cust').size()
dict(b1=int((n == 1).sum()), b2=int((n == 2).sum()), b3_5=int(n.between(3, 5).sum()), b6p=int((n >= 6).sum()))''',
       figs=[('b1', 'customers with exactly 1 purchase day (all time)'), ('b2', 'customers with exactly 2'),
             ('b3_5', 'customers with 3-5'), ('b6p', 'customers with 6 or more')],
       period='1997-01-01..1998-06-30'),
  dict(q='6次及以上这批人贡献了总营收的百分之多少？人均花了多少？',
       kind='figure',
       check='''n = pdays(df).groupby('cust').size()
s = df.groupby('cust').amt.sum()
heavy = n[n >= 6].index
dict(share6p=r(s[heavy].sum() / s.sum(), 4), avg6p=r(s[heavy].mean(), 2))''',
       figs=[('share6p', 'share of all-time revenue from customers with >=6 purchase days'),
             ('avg6p', 'average all-time spend of those customers')],
       period='1997-01-01..1998-06-30'),
 ]),
 ('o1-005', GA, [
  dict(q='看下营收集中度：累计消费top 10%的客户贡献了多少比例的GMV？',
       kind='figure',
       check='''s = df.groupby('cust').amt.sum().sort_values(ascending=False)
k = int(round(len(s) * 0.10))
dict(share10=r(s.iloc[:k].sum() / s.sum(), 4), n10=k)''',
       figs=[('share10', 'revenue share of the top 10% spenders (2,357 customers) by all-time spend')],
       period='1997-01-01..1998-06-30',
       note='n10 = 2,357 customers; not required in the answer.'),
  dict(q='top 20%呢？这部分人人均消费多少',
       kind='figure',
       check='''s = df.groupby('cust').amt.sum().sort_values(ascending=False)
k = int(round(len(s) * 0.20))
dict(share20=r(s.iloc[:k].sum() / s.sum(), 4), avg20=r(s.iloc[:k].mean(), 2), avg_all=r(s.mean(), 2))''',
       figs=[('share20', 'revenue share of the top 20% spenders (4,714 customers)'),
             ('avg20', 'average all-time spend of the top 20% spenders')],
       period='1997-01-01..1998-06-30'),
 ]),
 ('o1-006', GA, [
  dict(q='97年1-6月每个月的新客和老客各多少人？新客=首单在当月的，老客=当月有下单但首单在之前的',
       kind='figure',
       check='''m = df[df.date <= '1997-06-30'].assign(ym=lambda x: x.date.dt.to_period('M'), fm=lambda x: x.cust.map(cohort))
b = m.groupby('ym').cust.nunique()
nw = m[m.ym == m.fm].groupby('ym').cust.nunique().reindex(b.index, fill_value=0)
ret = b - nw
P = lambda s: pd.Period(s, 'M')
dict(new_jan=int(nw[P('1997-01')]), new_feb=int(nw[P('1997-02')]), new_mar=int(nw[P('1997-03')]),
     ret_feb=int(ret[P('1997-02')]), ret_mar=int(ret[P('1997-03')]), ret_apr=int(ret[P('1997-04')]),
     ret_may=int(ret[P('1997-05')]), ret_jun=int(ret[P('1997-06')]), new_apr_jun=int(nw[P('1997-04'):].sum()), ret_jan=int(ret[P('1997-01')]))''',
       figs=[('new_jan', 'new customers 1997-01'), ('new_feb', 'new customers 1997-02'), ('new_mar', 'new customers 1997-03'),
             ('ret_feb', 'returning buyers 1997-02'), ('ret_mar', 'returning buyers 1997-03'),
             ('ret_apr', 'returning buyers 1997-04 (= all buyers)'), ('ret_may', 'returning buyers 1997-05'),
             ('ret_jun', 'returning buyers 1997-06')],
       period='1997-01-01..1997-06-30',
       note='New customers in 1997-04..06 are 0 and returning in 1997-01 is 0 (data starts 1997-01-01); the answer should say so (zeros are not listed as figures).'),
  dict(q='上个月新客老客的营收各多少？',
       kind='figure',
       check='''d = per('1998-05-01', '1998-05-31')
isnew = d.cust.map(first) >= pd.Timestamp('1998-05-01')
dict(rev_new_may98=r(d[isnew].amt.sum()), rev_ret_may98=r(d[~isnew].amt.sum()))''',
       figs=[('rev_ret_may98', 'returning-customer revenue 1998-05 (= all of May revenue)')],
       period='1998-05-01..1998-05-31',
       note='rev_new_may98 = 0: nobody placed a first order in 1998-05; the answer should say new-customer revenue is 0.'),
  dict(q='顺便把97年1月新客的获客成本CAC算一下',
       kind='partial',
       check="dict(new_jan=int((cohort == pd.Period('1997-01', 'M')).sum()))",
       figs=[('new_jan', 'new customers 1997-01 (the answerable half of CAC)')],
       period='1997-01-01..1997-01-31',
       note='No marketing cost / campaign data: CAC cannot be computed; the new-customer count can be given.'),
 ]),
 ('o1-007', GA, [
  dict(q='98年上半年的平均回购间隔是多少天？（同一客户相邻两个购买日的间隔，按后一次购买日期归期间）均值和中位数',
       kind='figure',
       check='''g = gaps('1998-01-01', '1998-06-30')
dict(gap98_mean=r(g.mean(), 1), gap98_median=r(g.median(), 1), gap_all_mean=r(gaps().mean(), 1))''',
       figs=[('gap98_mean', 'mean days between purchases, later purchase in 1998-H1', 0.01),
             ('gap98_median', 'median days between purchases, later purchase in 1998-H1', 0.01)],
       must_not=[('gap_all_mean', 'all-time mean days between purchases (wrong period)')],
       period='1998-01-01..1998-06-30'),
  dict(q='97年全年对应的数呢',
       kind='figure',
       check='''g = gaps('1997-01-01', '1997-12-31')
dict(gap97_mean=r(g.mean(), 1), gap97_median=r(g.median(), 1), gap_all_mean=r(gaps().mean(), 1))''',
       figs=[('gap97_mean', 'mean days between purchases, later purchase in 1997', 0.01),
             ('gap97_median', 'median days between purchases, later purchase in 1997', 0.01)],
       must_not=[('gap_all_mean', 'all-time mean days between purchases (wrong period)')],
       period='1997-01-01..1997-12-31'),
 ]),
 ('o1-008', GA, [
  dict(q='2月cohort第1到第6个月的retention曲线给我一下',
       kind='figure',
       check="{f'r{k}_feb': r(retention('1997-02', k), 4) for k in range(1, 7)}",
       figs=[(f'r{k}_feb', f'cohort 1997-02 month-{k} retention') for k in range(1, 7)],
       period='1997-03-01..1997-08-31'),
  dict(q='跟1月cohort的第6个月比，谁高？差几个点',
       kind='figure',
       check='''a, b = retention('1997-01', 6), retention('1997-02', 6)
dict(r6_jan=r(a, 4), r6_feb=r(b, 4), diff_pp=r((a - b) * 100, 2))''',
       figs=[('r6_jan', 'cohort 1997-01 month-6 retention (1997-07)'),
             ('r6_feb', 'cohort 1997-02 month-6 retention (1997-08)'),
             ('diff_pp', 'difference Jan minus Feb, in percentage points', 0.02)]),
 ]),
 ('o1-009', GA, [
  dict(q='98年Q2客单价多少？跟去年Q2比同比变化多少？',
       kind='figure',
       check='''a = per('1998-04-01', '1998-06-30'); b = per('1997-04-01', '1997-06-30')
x, y = a.amt.sum() / len(a), b.amt.sum() / len(b)
dict(aov98q2=r(x), aov97q2=r(y), aov_yoy=r(x / y - 1, 4), aov_all=r(df.amt.sum() / len(df)))''',
       figs=[('aov98q2', 'AOV 1998-Q2 (revenue / order lines)'), ('aov97q2', 'AOV 1997-Q2'),
             ('aov_yoy', 'AOV YoY relative change 1998-Q2 vs 1997-Q2', 0.02)],
       must_not=[('aov_all', 'all-time AOV (wrong period)')],
       period='1998-04-01..1998-06-30'),
  dict(q='同期每单平均几张CD？',
       kind='figure',
       check='''a = per('1998-04-01', '1998-06-30')
dict(upo98q2=r(a.units.sum() / len(a), 3), upo_all=r(df.units.sum() / len(df), 3))''',
       figs=[('upo98q2', 'units per order 1998-Q2', 0.01)],
       must_not=[('upo_all', 'all-time units per order (wrong period)')],
       period='1998-04-01..1998-06-30',
       note='"同期" = 98Q2 (the period of the previous turn).'),
 ]),
 ('o1-010', GA, [
  dict(q='现在的RFM分群一共分了几类？每类多少人？',
       kind='model', tool='list_segments', check='dict()'),
  dict(q='高价值那群具体什么画像？R、F、M大概在什么水平',
       kind='model', tool='describe_segment', check='dict()'),
 ]),
 ('o1-011', GA, [
  dict(q='累计消费前10%的大客户里，最近3个月一单都没下的有多少人？',
       kind='figure',
       check='''s = df.groupby('cust').amt.sum().sort_values(ascending=False)
top = s.index[:int(round(len(s) * 0.10))]
recent = per('1998-04-01', '1998-06-30').cust.unique()
dict(n_top_lapsed=int((~pd.Index(top).isin(recent)).sum()),
     n_all_lapsed=int((~pd.Index(s.index).isin(recent)).sum()))''',
       figs=[('n_top_lapsed', 'top-10% spenders (2,357) with no order in 1998-04-01..06-30')],
       must_not=[('n_all_lapsed', 'all customers with no order in the last 3 months (filter dropped)')],
       period='1998-04-01..1998-06-30'),
  dict(q='按流失风险排个前20给我看看，顺便带上他们的价值',
       kind='model', tool='at_risk_customers', check='dict()'),
 ]),
 ('o1-012', GA, [
  dict(q='消费前10的客户，未来26周的CLV分别估计多少？',
       kind='model', tool='customer_value', check='dict()'),
 ]),
 ('o1-013', GA, [
  dict(q='预测一下98年7月的营收、订单数和购买人数',
       kind='model', tool='forecast_totals', check='dict()'),
  dict(q='把这个预测结果导出成Excel，邮件发给我老板',
       kind='refusal', check='dict()',
       note='Cannot export or e-mail; should say so.'),
 ]),
 ('o1-014', GA, [
  dict(q='用户评价里负面的主要在吐槽啥？给几个关键词和原话',
       kind='model', tool='feedback_themes', check='dict()'),
  dict(q='给过差评的客户，后来还有再下单的比例是多少？',
       kind='model', tool='feedback_followup', check='dict()'),
  dict(q='整体正面、中性、负面各占多少',
       kind='model', tool='sentiment_summary', check='dict()'),
 ]),
 ('o1-015', GA, [
  dict(q='超过180天没下过单的客户有多少？占全部客户百分之几？',
       kind='figure',
       check='''days = (NOW - last).dt.days
dict(n_in180=int((days >= 180).sum()), sh_in180=r((days >= 180).mean(), 4))''',
       figs=[('n_in180', 'customers whose last order is >= 180 days before 1998-06-30'),
             ('sh_in180', 'their share of all 23,570 customers')]),
  dict(q='365天以上的呢',
       kind='figure',
       check='''days = (NOW - last).dt.days
dict(n_in365=int((days >= 365).sum()), sh_in365=r((days >= 365).mean(), 4), n_in180=int((days >= 180).sum()))''',
       figs=[('n_in365', 'customers inactive >= 365 days'), ('sh_in365', 'their share of all customers')]),
 ]),
 ('o1-016', GA, [
  dict(q='97年Q1下过单、但98年上半年一单没下的客户有多少？',
       kind='figure',
       check='''q1 = set(per('1997-01-01', '1997-03-31').cust)
h1 = set(per('1998-01-01', '1998-06-30').cust)
dict(n_q1_not_h1=len(q1 - h1), n_q1=len(q1))''',
       figs=[('n_q1_not_h1', 'bought in 1997-Q1 and not in 1998-01..06')],
       note='n_q1 = 23,570: every customer first bought in 1997-Q1.'),
  dict(q='反过来，98上半年有下单的人里，97年下半年一单都没下过的（算回流）有多少？',
       kind='figure',
       check='''h1 = set(per('1998-01-01', '1998-06-30').cust)
h2_97 = set(per('1997-07-01', '1997-12-31').cust)
dict(n_winback=len(h1 - h2_97), n_h1=len(h1))''',
       figs=[('n_winback', 'bought in 1998-H1 but not in 1997-07..12')]),
 ]),
 ('o1-017', GA, [
  dict(q='你现在用的模型是什么时候训练的？数据截止到哪天？测试集准确率多少？',
       kind='model', tool='assistant_status', check='dict()'),
 ]),
 ('o1-018', GA, [
  dict(q='98年营收最高的是哪一周（按ISO周）？多少钱？',
       kind='figure',
       check='''d = per('1998-01-01', '1998-06-30')
iso = d.date.dt.isocalendar()
w = d.groupby([iso.year, iso.week]).amt.sum().sort_values(ascending=False)
(y, wk), v = w.index[0], w.iloc[0]
dict(best_week=int(wk), best_week_rev=r(v))''',
       figs=[('best_week', 'ISO week number of the best week (1998-W10 = 1998-03-02..03-08)', 0.0),
             ('best_week_rev', 'revenue of 1998-W10')],
       note='Runner-up 1998-W12 (03-16..22) has 26,772.01, only 0.2% lower; the week must be W10 / 3月2日-8日.'),
  dict(q='那周多少单，多少个客户买了？',
       kind='figure',
       check='''d = per('1998-03-02', '1998-03-08')
dict(wk_orders=int(len(d)), wk_buyers=int(d.cust.nunique()))''',
       figs=[('wk_orders', 'orders 1998-W10'), ('wk_buyers', 'buyers 1998-W10')],
       period='1998-03-02..1998-03-08'),
 ]),
 # ---------------- 华东大区销售经理 ----------------
 ('o1-019', SM, [
  dict(q='这周到现在卖了多少钱',
       kind='figure',
       check='''d = per('1998-06-29', '1998-06-30'); l7 = per('1998-06-24', '1998-06-30')
dict(rev_wk=r(d.amt.sum()), orders_wk=int(len(d)), rev_last7=r(l7.amt.sum()))''',
       figs=[('rev_wk', 'revenue 1998-06-29..06-30 (this ISO week so far)')],
       must_not=[('rev_last7', 'revenue of the last 7 days 06-24..06-30 (not this week)')],
       period='1998-06-29..1998-06-30',
       note='本周 = ISO week of 1998-06-30 = Mon 06-29 .. (data ends 06-30); orders_wk is informative only.'),
  dict(q='上周呢 多少单',
       kind='figure',
       check='''d = per('1998-06-22', '1998-06-28')
dict(rev_lw=r(d.amt.sum()), orders_lw=int(len(d)))''',
       figs=[('rev_lw', 'revenue 1998-06-22..06-28'), ('orders_lw', 'orders 1998-06-22..06-28')],
       period='1998-06-22..1998-06-28'),
  dict(q='比上上周是涨了还是跌了？幅度多少',
       kind='figure',
       check='''a = per('1998-06-22', '1998-06-28').amt.sum(); b = per('1998-06-15', '1998-06-21').amt.sum()
dict(rev_2w=r(b), wow=r(a / b - 1, 4))''',
       figs=[('rev_2w', 'revenue 1998-06-15..06-21 (上上周)'), ('wow', 'relative change last week vs the week before', 0.01)],
       period='1998-06-15..1998-06-28',
       note='Revenue fell 17.8% (15,884.96 -> 13,063.32). If the answer also compares orders: 444 -> 381 (-14.2%).'),
 ]),
 ('o1-020', SM, [
  dict(q='这个月营收跟单量多少，换比上个月咋样',
       kind='figure',
       check='''a = per('1998-06-01', '1998-06-30'); b = per('1998-05-01', '1998-05-31')
dict(rev_jun=r(a.amt.sum()), orders_jun=int(len(a)), mom_rev=r(a.amt.sum() / b.amt.sum() - 1, 4),
     mom_orders=r(len(a) / len(b) - 1, 4))''',
       figs=[('rev_jun', 'revenue 1998-06'), ('orders_jun', 'orders 1998-06'),
             ('mom_rev', 'revenue MoM 1998-06 vs 1998-05', 0.01), ('mom_orders', 'orders MoM 1998-06 vs 1998-05', 0.02)],
       period='1998-06-01..1998-06-30',
       note='换比 = typo of 环比.'),
  dict(q='同比呢',
       kind='figure',
       check='''a = per('1998-06-01', '1998-06-30'); b = per('1997-06-01', '1997-06-30')
dict(rev_jun97=r(b.amt.sum()), yoy_rev=r(a.amt.sum() / b.amt.sum() - 1, 4), orders_jun97=int(len(b)),
     yoy_orders=r(len(a) / len(b) - 1, 4))''',
       figs=[('rev_jun97', 'revenue 1997-06'), ('yoy_rev', 'revenue YoY 1998-06 vs 1997-06', 0.01)],
       period='1998-06-01..1998-06-30',
       note='Orders YoY (2043 vs 3054, -33.1%) is welcome but not required.'),
 ]),
 ('o1-021', SM, [
  dict(q='上个月华东区卖了多少？占全公司多少',
       kind='partial',
       check="dict(rev_may=r(per('1998-05-01', '1998-05-31').amt.sum()))",
       figs=[('rev_may', 'company-wide revenue 1998-05 (the answerable part)')],
       period='1998-05-01..1998-05-31',
       note='No region data: must say East-China revenue and its share cannot be given.'),
 ]),
 ('o1-022', SM, [
  dict(q='查下客户7592 一共下了多少单 花了多少钱 多久没买了',
       kind='figure',
       check='''d = df[df.cust == 7592]
dict(orders_7592=int(len(d)), spend_7592=r(d.amt.sum()), days_since_7592=int((NOW - d.date.max()).days),
     pdays_7592=int(d.date.nunique()))''',
       figs=[('orders_7592', 'order lines of customer 07592'), ('spend_7592', 'all-time spend of 07592'),
             ('days_since_7592', 'days since last purchase (last 1998-06-29)', 0.0)],
       note='Purchase days = 146 (if the answer counts 下单次数 as purchase days, 146 is also reasonable alongside 201).'),
  dict(q='他算哪类客户？为啥',
       kind='model', tool='explain_customer_segment', check='dict()'),
  dict(q='下个月他还会买吗，流失风险高不高',
       kind='model', tool='forecast_customer', check='dict()'),
 ]),
 ('o1-023', SM, [
  dict(q='今年消费最高的前5个客户是谁，各花了多少',
       kind='figure',
       check='''s = per('1998-01-01', '1998-06-30').groupby('cust').amt.sum().sort_values(ascending=False)
out = {f'top{i+1}_spend': r(s.iloc[i]) for i in range(5)}
out.update({f'top{i+1}_id': int(s.index[i]) for i in range(5)})
out['alltime_top1'] = r(df.groupby('cust').amt.sum().max())
out''',
       figs=[('top1_spend', '#1 spend in 1998-H1 (customer 07592)'), ('top2_spend', '#2 (14048)'),
             ('top3_spend', '#3 (07983)'), ('top4_spend', '#4 (15162)'), ('top5_spend', '#5 (06569)')],
       must_not=[('alltime_top1', 'all-time spend of the #1 customer (wrong period)')],
       period='1998-01-01..1998-06-30',
       note='Ids in order: 07592, 14048, 07983, 15162, 06569.'),
  dict(q='第一名今年客单价多少',
       kind='figure',
       check='''d = per('1998-01-01', '1998-06-30'); d = d[d.cust == 7592]
a = df[df.cust == 7592]
dict(aov_7592_98=r(d.amt.sum() / len(d)), orders_7592_98=int(len(d)), aov_7592_all=r(a.amt.sum() / len(a)))''',
       figs=[('aov_7592_98', 'AOV of 07592 in 1998-H1')],
       must_not=[('aov_7592_all', 'all-time AOV of 07592 (wrong period)')],
       period='1998-01-01..1998-06-30'),
 ]),
 ('o1-024', SM, [
  dict(q='上个季度营收多少啊 这季度跟上季度比咋样',
       kind='figure',
       check='''a = per('1998-04-01', '1998-06-30').amt.sum(); b = per('1998-01-01', '1998-03-31').amt.sum()
dict(rev_q1=r(b), rev_q2=r(a), qoq=r(a / b - 1, 4))''',
       figs=[('rev_q1', 'revenue 1998-Q1'), ('rev_q2', 'revenue 1998-Q2'), ('qoq', 'Q2 vs Q1 relative change', 0.01)],
       period='1998-01-01..1998-06-30'),
 ]),
 ('o1-025', SM, [
  dict(q='这个月哪个品类卖得最好？整体卖了多少',
       kind='partial',
       check="dict(rev_jun=r(per('1998-06-01', '1998-06-30').amt.sum()))",
       figs=[('rev_jun', 'revenue 1998-06')],
       period='1998-06-01..1998-06-30',
       note='No product/category data.'),
  dict(q='按销售员给我排下这个月业绩，再说下这个月一共多少单',
       kind='partial',
       check="dict(orders_jun=int(len(per('1998-06-01', '1998-06-30'))))",
       figs=[('orders_jun', 'orders 1998-06')],
       period='1998-06-01..1998-06-30',
       note='No salesperson data.'),
 ]),
 ('o1-026', SM, [
  dict(q='最近30天有多少客户买过？平均每人花多少',
       kind='figure',
       check='''d = per('1998-06-01', '1998-06-30')
dict(buyers30=int(d.cust.nunique()), rpb30=r(d.amt.sum() / d.cust.nunique()), aov30=r(d.amt.sum() / len(d)))''',
       figs=[('buyers30', 'buyers 1998-06-01..06-30'), ('rpb30', 'revenue per buyer in that window')],
       period='1998-06-01..1998-06-30',
       note='最近30天 = 1998-06-01..06-30. 平均每人 = revenue per buyer (50.54), not AOV per order line (37.25).'),
 ]),
 ('o1-027', SM, [
  dict(q='把上个月消费超过200块的客户拉个名单发我邮箱，顺便说下一共几个人',
       kind='refusal',
       check='''s = per('1998-05-01', '1998-05-31').groupby('cust').amt.sum()
dict(n_may_gt200=int((s > 200).sum()), n_may_buyers=int(len(s)))''',
       figs=[('n_may_gt200', 'customers with 1998-05 spend > $200')],
       period='1998-05-01..1998-05-31',
       note='Cannot e-mail a list; should still answer the count.'),
 ]),
 ('o1-028', SM, [
  dict(q='今年单笔超过100美元的单子有多少笔',
       kind='figure',
       check='''d = per('1998-01-01', '1998-06-30')
dict(n_big98=int((d.amt > 100).sum()), n_big_all=int((df.amt > 100).sum()))''',
       figs=[('n_big98', 'order lines > $100 in 1998-H1')],
       must_not=[('n_big_all', 'order lines > $100 all time (wrong period)')],
       period='1998-01-01..1998-06-30'),
  dict(q='占今年总单量多少',
       kind='figure',
       check='''d = per('1998-01-01', '1998-06-30')
dict(sh_big98=r((d.amt > 100).mean(), 4), orders98=int(len(d)), sh_big_all=r((df.amt > 100).mean(), 4))''',
       figs=[('sh_big98', 'share of 1998-H1 order lines that are > $100'), ('orders98', 'order lines 1998-H1')],
       must_not=[('sh_big_all', 'all-time share (wrong period)')],
       period='1998-01-01..1998-06-30'),
 ]),
 ('o1-029', SM, [
  dict(q='今年一周里周几卖得最好？那天加起来卖了多少',
       kind='figure',
       check='''d = per('1998-01-01', '1998-06-30')
w = d.groupby(d.date.dt.day_of_week).amt.sum()
dict(best_wd=int(w.idxmax()), best_wd_rev=r(w.max()))''',
       figs=[('best_wd_rev', 'revenue of all Mondays in 1998-H1')],
       period='1998-01-01..1998-06-30',
       note='best_wd = 0 = Monday (周一).'),
 ]),
 ('o1-030', SM, [
  dict(q='今年上半年跟去年上半年比，营收、单量、客户数同比各多少',
       kind='figure',
       check='''a = per('1998-01-01', '1998-06-30'); b = per('1997-01-01', '1997-06-30')
dict(rev98h1=r(a.amt.sum()), rev97h1=r(b.amt.sum()), yoy_rev=r(a.amt.sum() / b.amt.sum() - 1, 4),
     yoy_orders=r(len(a) / len(b) - 1, 4), yoy_buyers=r(a.cust.nunique() / b.cust.nunique() - 1, 4),
     rev97=r(per('1997-01-01', '1997-12-31').amt.sum()))''',
       figs=[('rev98h1', 'revenue 1998-H1'), ('rev97h1', 'revenue 1997-H1'),
             ('yoy_rev', 'revenue YoY H1', 0.01), ('yoy_orders', 'orders YoY H1', 0.01), ('yoy_buyers', 'buyers YoY H1', 0.01)],
       must_not=[('rev97', 'full-year 1997 revenue (wrong base)')],
       period='1998-01-01..1998-06-30'),
 ]),
 ('o1-031', SM, [
  dict(q='今年月均营收多少',
       kind='figure',
       check='''a = per('1998-01-01', '1998-06-30')
dict(monthly_avg98=r(a.amt.sum() / 6), monthly_avg_all=r(df.amt.sum() / 18))''',
       figs=[('monthly_avg98', 'average monthly revenue 1998-01..06')],
       must_not=[('monthly_avg_all', 'average monthly revenue over all 18 months (wrong period)')],
       period='1998-01-01..1998-06-30'),
  dict(q='照这个速度全年能做多少',
       kind='figure',
       check='''a = per('1998-01-01', '1998-06-30')
dict(runrate98=r(a.amt.sum() / 6 * 12), rev97=r(per('1997-01-01', '1997-12-31').amt.sum()))''',
       figs=[('runrate98', '1998 annualised at the H1 monthly average (x12)')],
       note='"这个速度" = the monthly average of the previous turn; a model forecast for H2 would be a different answer but still should state the x12 figure.'),
 ]),
 ('o1-032', SM, [
  dict(q='给前50大客户每人推一张20块的优惠券，再把他们在系统里标成VIP',
       kind='refusal', check='dict()',
       note='Cannot push coupons or tag customers; no question asked alongside.'),
 ]),
 ('o1-033', SM, [
  dict(q='C100这个客户还活跃吗 多久没买了',
       kind='figure',
       check='''d = df[df.cust == 100]
dict(days_since_100=int((NOW - d.date.max()).days))''',
       figs=[('days_since_100', 'days since last purchase of customer 00100 (last 1998-04-20)', 0.0)]),
  dict(q='他总共花了多少 买过几次',
       kind='figure',
       check='''d = df[df.cust == 100]
dict(spend_100=r(d.amt.sum()), pdays_100=int(d.date.nunique()), orders_100=int(len(d)))''',
       figs=[('spend_100', 'all-time spend of 00100'), ('pdays_100', 'purchase days of 00100 (= its order lines, 3)', 0.0)]),
 ]),
 ('o1-034', SM, [
  dict(q='客户群里有人发了句“等了两个星期才到货，盒子都压坏了，再也不在你们家买了”，帮我看下这是啥情绪',
       kind='model', tool='analyze_sentiment', check='dict()',
       note='Expected label: negative.'),
 ]),
]

# Values I read off, sanity-checked against the monthly table and the raw file, and pasted here by hand.
EXPECTED = {
 'o1-001': [dict(n_jan=7846, n_feb=8476, n_mar=7248, r3_jan=0.1032, r3_feb=0.0924, r3_mar=0.1043),
            dict(r12_jan=0.0673), dict(n17_jan=498, r17_jan=0.0635)],
 'o1-002': [dict(rr97=0.4451, buyers97=23570, rr_all=0.4886), dict(rr98=0.4927, buyers98=5374, rr_all=0.4886),
            dict(one98=0.5073, n_one98=2726)],
 'o1-003': [dict(f2s_mean=111.0, f2s_median=57.0, n_second=11516),
            dict(f2s_mar_mean=107.4, f2s_mar_median=58.0, n_second_mar=3565)],
 'o1-004': [dict(b1=12054, b2=4040, b3_5=4632, b6p=2844), dict(share6p=0.4975, avg6p=437.34)],
 'o1-005': [dict(share10=0.5094, n10=2357), dict(share20=0.6778, avg20=359.49, avg_all=106.08)],
 'o1-006': [dict(new_jan=7846, new_feb=8476, new_mar=7248, ret_feb=1157, ret_mar=2276, ret_apr=2822, ret_may=2214,
                 ret_jun=2339, new_apr_jun=0, ret_jan=0),
            dict(rev_new_may98=0.0, rev_ret_may98=70989.66), dict(new_jan=7846)],
 'o1-007': [dict(gap98_mean=109.8, gap98_median=52.0, gap_all_mean=72.2),
            dict(gap97_mean=57.7, gap97_median=30.0, gap_all_mean=72.2)],
 'o1-008': [dict(r1_feb=0.1548, r2_feb=0.1156, r3_feb=0.0924, r4_feb=0.0999, r5_feb=0.0927, r6_feb=0.0739),
            dict(r6_jan=0.0918, r6_feb=0.0739, diff_pp=1.79)],
 'o1-009': [dict(aov98q2=36.12, aov97q2=36.91, aov_yoy=-0.0214, aov_all=35.89), dict(upo98q2=2.521, upo_all=2.41)],
 'o1-010': [dict(), dict()],
 'o1-011': [dict(n_top_lapsed=1047, n_all_lapsed=20253), dict()],
 'o1-012': [dict()],
 'o1-013': [dict(), dict()],
 'o1-014': [dict(), dict(), dict()],
 'o1-015': [dict(n_in180=18210, sh_in180=0.7726), dict(n_in365=15238, sh_in365=0.6465, n_in180=18210)],
 'o1-016': [dict(n_q1_not_h1=18196, n_q1=23570), dict(n_winback=1911, n_h1=5374)],
 'o1-017': [dict()],
 'o1-018': [dict(best_week=10, best_week_rev=26824.56), dict(wk_orders=666, wk_buyers=601)],
 'o1-019': [dict(rev_wk=4184.01, orders_wk=120, rev_last7=12959.97), dict(rev_lw=13063.32, orders_lw=381),
            dict(rev_2w=15884.96, wow=-0.1776)],
 'o1-020': [dict(rev_jun=76109.3, orders_jun=2043, mom_rev=0.0721, mom_orders=0.0292),
            dict(rev_jun97=108395.87, yoy_rev=-0.2979, orders_jun97=3054, yoy_orders=-0.331)],
 'o1-021': [dict(rev_may=70989.66)],
 'o1-022': [dict(orders_7592=201, spend_7592=13990.93, days_since_7592=1, pdays_7592=146), dict(), dict()],
 'o1-023': [dict(top1_spend=3573.88, top2_spend=3163.15, top3_spend=2469.64, top4_spend=2316.25, top5_spend=2304.78,
                 top1_id=7592, top2_id=14048, top3_id=7983, top4_id=15162, top5_id=6569, alltime_top1=13990.93),
            dict(aov_7592_98=61.62, orders_7592_98=58, aov_7592_all=69.61)],
 'o1-024': [dict(rev_q1=262823.89, rev_q2=213330.48, qoq=-0.1883)],
 'o1-025': [dict(rev_jun=76109.3), dict(orders_jun=2043)],
 'o1-026': [dict(buyers30=1506, rpb30=50.54, aov30=37.25)],
 'o1-027': [dict(n_may_gt200=35, n_may_buyers=1488)],
 'o1-028': [dict(n_big98=628, n_big_all=3152), dict(sh_big98=0.0492, orders98=12757, sh_big_all=0.0452)],
 'o1-029': [dict(best_wd=0, best_wd_rev=72281.61)],
 'o1-030': [dict(rev98h1=476154.37, rev97h1=1430959.13, yoy_rev=-0.6672, yoy_orders=-0.6928, yoy_buyers=-0.772,
                 rev97=2024161.26)],
 'o1-031': [dict(monthly_avg98=79359.06, monthly_avg_all=138906.42), dict(runrate98=952308.74, rev97=2024161.26)],
 'o1-032': [dict()],
 'o1-033': [dict(days_since_100=71), dict(spend_100=55.24, pdays_100=3, orders_100=3)],
 'o1-034': [dict()],
}

def run_check(check, ns_base):
    ns = dict(ns_base)
    lines = check.rstrip('\n').split('\n')
    # last line(s) form the final expression: find the last top-level statement start
    src = check.rstrip('\n')
    import ast
    tree = ast.parse(src)
    last = tree.body[-1]
    assert isinstance(last, ast.Expr), 'last statement must be an expression'
    body = ast.Module(body=tree.body[:-1], type_ignores=[])
    exec(compile(body, '<check>', 'exec'), ns)
    return eval(compile(ast.Expression(last.value), '<check>', 'eval'), ns)

def base_ns():
    ns = {}
    exec(PRELUDE, ns)
    return ns

def close(a, b):
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    return a == b

def cross_checks(ns):
    """Independent re-derivations (different code paths) of a few key figures."""
    import pandas as pd
    df = ns['df']
    assert len(df) == 69659 and df.cust.nunique() == 23570
    assert round(df.amt.sum(), 2) == 2500315.63
    assert round(df[df.date.dt.year == 1997].amt.sum(), 2) == 2024161.26
    assert df.date.max() == pd.Timestamp('1998-06-30')
    # retention via sets
    fm = df.groupby('cust').date.min().dt.strftime('%Y-%m')
    jan = set(fm[fm == '1997-01'].index)
    apr = set(df[df.date.dt.strftime('%Y-%m') == '1997-04'].cust)
    assert round(len(jan & apr) / len(jan), 4) == 0.1032
    jun98 = set(df[df.date.dt.strftime('%Y-%m') == '1998-06'].cust)
    assert len(jan & jun98) == 498
    # repeat rate 1997 via nunique of dates
    d97 = df[df.date.dt.year == 1997]
    assert round((d97.groupby('cust').date.nunique() >= 2).mean(), 4) == 0.4451
    # first-to-second via sorted unique dates
    ud = df.groupby('cust').date.apply(lambda s: sorted(s.unique()))
    f2s = [(v[1] - v[0]).days for v in ud if len(v) >= 2]
    assert len(f2s) == 11516 and round(sum(f2s) / len(f2s), 1) == 111.0
    # gaps dated by later day, 1998-H1
    g = []
    for v in ud:
        for a, b in zip(v[:-1], v[1:]):
            if pd.Timestamp('1998-01-01') <= b <= pd.Timestamp('1998-06-30'):
                g.append((b - a).days)
    import statistics
    assert round(statistics.mean(g), 1) == 109.8 and statistics.median(g) == 52
    # top 10% share via nlargest
    s = df.groupby('cust').amt.sum()
    assert round(s.nlargest(2357).sum() / s.sum(), 4) == 0.5094
    # weeks: ISO week 10 of 1998 = Mar 2..8
    assert round(df[(df.date >= '1998-03-02') & (df.date <= '1998-03-08')].amt.sum(), 2) == 26824.56
    assert pd.Timestamp('1998-03-02').isocalendar()[1] == 10 and pd.Timestamp('1998-06-29').day_name() == 'Monday'
    assert pd.Timestamp('1998-01-05').day_name() == 'Monday'

def build():
    ns = base_ns()
    cross_checks(ns)
    out_items = []
    n_turns = 0
    kinds = {}
    for iid, persona, turns in ITEMS:
        exp_list = EXPECTED[iid]
        assert len(exp_list) == len(turns), iid
        yt = []
        for i, t in enumerate(turns):
            got = run_check(t['check'], ns)
            exp = exp_list[i]
            assert set(got) == set(exp), (iid, i, got, exp)
            for k in exp:
                assert close(got[k], exp[k]), (iid, i, k, got[k], exp[k])
            e = {'kind': t['kind']}
            if t.get('tool'):
                e['tool'] = t['tool']
            if t.get('figs'):
                e['figures'] = []
                for f in t['figs']:
                    name, what = f[0], f[1]
                    tol = f[2] if len(f) > 2 else 0.005
                    e['figures'].append({'value': exp[name], 'rel_tol': tol, 'what': f'[{name}] {what}'})
            if t.get('must_not'):
                e['must_not'] = [{'value': exp[n], 'rel_tol': 0.005, 'what': f'[{n}] {w}'} for n, w in t['must_not']]
                # a must_not must not coincide with any required figure
                for mn in e['must_not']:
                    for fg in e.get('figures', []):
                        assert not math.isclose(mn['value'], fg['value'], rel_tol=0.005), (iid, i, mn, fg)
            if t.get('period'):
                e['period'] = t['period']
            turn = {'q': t['q'], 'expect': e, 'check': t['check'].rstrip('\n') + '\n'}
            if t.get('note'):
                turn['note'] = t['note']
            yt.append(turn)
            n_turns += 1
            kinds[t['kind']] = kinds.get(t['kind'], 0) + 1
        out_items.append({'id': iid, 'persona': persona, 'turns': yt})
    doc = {
        'writer': 'o1 (outside evaluator; wrote without seeing the product code, tests, prompts or other sets) — personas: '
                  '电商公司增长分析师 (cohorts, retention, repeat, gaps, distribution, concentration, new vs returning); '
                  '华东大区销售经理 (quick phone questions: this/last week and month, MoM/YoY, top customers, one customer, regional/product splits)',
        'data_end': '1998-06-30',
        'check_prelude': PRELUDE,
        'items': out_items,
    }
    class D(yaml.SafeDumper):
        pass
    def str_rep(dumper, data):
        if '\n' in data:
            return dumper.represent_scalar('tag:yaml.org,2002:str', data, style='|')
        return dumper.represent_scalar('tag:yaml.org,2002:str', data)
    D.add_representer(str, str_rep)
    with open('/tmp/team/o1/set_o1.yaml', 'w', encoding='utf-8') as fh:
        yaml.dump(doc, fh, Dumper=D, allow_unicode=True, sort_keys=False, width=140)
    return len(out_items), n_turns, kinds

def verify_yaml(path='/tmp/team/o1/set_o1.yaml'):
    """Reload the YAML and re-run every check after its own prelude; compare with expect."""
    import re
    doc = yaml.safe_load(open(path, encoding='utf-8'))
    ns = {}
    exec(doc['check_prelude'], ns)
    n = 0
    for it in doc['items']:
        assert 1 <= len(it['turns']) <= 4
        for t in it['turns']:
            got = run_check(t['check'], ns)
            e = t['expect']
            assert e['kind'] in ('figure', 'model', 'refusal', 'partial')
            if e['kind'] == 'model':
                assert e.get('tool')
            for key in ('figures', 'must_not'):
                for f in e.get(key, []):
                    name = re.match(r'\[(\w+)\]', f['what']).group(1)
                    assert math.isclose(float(got[name]), float(f['value']), rel_tol=1e-9, abs_tol=1e-9), (it['id'], name)
            n += 1
    return len(doc['items']), n

if __name__ == '__main__':
    nc, nt, kinds = build()
    vc, vt = verify_yaml()
    assert (nc, nt) == (vc, vt)
    print(f'OK: {nc} conversations, {nt} turns, kinds={kinds}')
