"""Question set ac2: compute every figure from the raw CDNOW file, write set_ac2.yaml, re-check it.

Usage: /tmp/team/venv/bin/python compute_set_ac2.py
  Every check runs after the prelude; the values it gives are asserted equal to the literal values in
  EXPECTED (written by hand after the first run), then the YAML is written, re-loaded with yaml.safe_load,
  and every check is run again and compared with the figures stored in the file.
"""
import ast, sys, yaml, math

OUT = '/tmp/team/ac2/set_ac2.yaml'
WRITER = ('ac2 (outside evaluator; wrote without seeing the product code, tests, prompts or other sets) — '
          'personas: a British finance analyst (English, formal, brief; unit economics) and a CRM营销专员 '
          '(Chinese with English terms; segments, churn, win-back, feedback, coupon/message requests)')
FIN = 'British finance analyst, unit economics review'
CRM = 'CRM营销专员, 做分群和召回'

PRELUDE = r'''import pandas as pd, numpy as np
F = '/tmp/team/CDNOW_master.txt'
df = pd.read_csv(F, sep=r'\s+', header=0, names=['cust', 'date', 'units', 'amt'], dtype={'date': str})
df['date'] = pd.to_datetime(df['date'], format='%Y%m%d')
df['cust'] = df['cust'].astype(int)
NOW = pd.Timestamp('1998-06-30')
def per(a, b):
    return df[(df.date >= pd.Timestamp(a)) & (df.date <= pd.Timestamp(b))]
def pdays(d):
    # purchase days = distinct (customer, date)
    return d[['cust', 'date']].drop_duplicates()
def repeat_rate(d):
    n = pdays(d).groupby('cust').size()
    return float((n >= 2).mean())
FIRST = df.groupby('cust').date.min()
LAST = df.groupby('cust').date.max()
SPEND = df.groupby('cust').amt.sum()
def top_pct(p):
    # top p of customers by all-time spend (23570 * 0.10 = 2357 exactly)
    k = int(round(len(SPEND) * p))
    return SPEND.sort_values(ascending=False).index[:k]
def inactive(n):
    return LAST[LAST <= NOW - pd.Timedelta(days=n)].index
def r2(x):
    return round(float(x), 2)
def r4(x):
    return round(float(x), 4)
'''

# ---------------------------------------------------------------------------------------------------
# Items. A figure is (name, what-text); value comes from the check and must equal EXPECTED.
# A turn: dict(q=..., kind=..., figs=[...], must_not=[...], period=..., tool=..., check=..., note=...)
# ---------------------------------------------------------------------------------------------------
ITEMS = []
def item(persona, *turns):
    ITEMS.append(dict(id='ac2-%03d' % (len(ITEMS) + 1), persona=persona, turns=list(turns)))

# ============================== finance analyst (English) ==============================
item(FIN,
  dict(q="Morning. For FY1997, what was revenue per customer and our average order value?",
       kind='figure', period='1997-01-01..1997-12-31',
       figs=[('rpb97', 'revenue per buyer 1997 (revenue / distinct buyers)'),
             ('aov97', 'AOV 1997 (revenue / order lines)')],
       must_not=[('rpb_all', 'all-time revenue per customer (wrong period)')],
       check='''d = per('1997-01-01', '1997-12-31')
dict(rpb97=r2(d.amt.sum() / d.cust.nunique()), aov97=r2(d.amt.sum() / len(d)),
     rpb_all=r2(df.amt.sum() / df.cust.nunique()), aov_all=r2(df.amt.sum() / len(df)))'''),
  dict(q="And units per order, plus the average price per CD?",
       kind='figure', period='1997-01-01..1997-12-31',
       figs=[('upo97', 'units per order 1997 (units / order lines)'),
             ('ppu97', 'average price per unit 1997 (revenue / units)')],
       check='''d = per('1997-01-01', '1997-12-31')
dict(upo97=round(float(d.units.sum() / len(d)), 3), ppu97=r2(d.amt.sum() / d.units.sum()),
     upo_all=round(float(df.units.sum() / len(df)), 3))''',
       note='follow-up: still FY1997. Average price per CD is revenue / units (no price list exists; this is the derived figure).'),
  dict(q="How do revenue per customer and AOV look for H1 1998 by comparison?",
       kind='figure', period='1998-01-01..1998-06-30',
       figs=[('rpb98h1', 'revenue per buyer H1 1998'), ('aov98h1', 'AOV H1 1998')],
       must_not=[('rpb_all', 'all-time revenue per customer'), ('aov_all', 'all-time AOV')],
       check='''d = per('1998-01-01', '1998-06-30')
dict(rpb98h1=r2(d.amt.sum() / d.cust.nunique()), aov98h1=r2(d.amt.sum() / len(d)),
     rpb_all=r2(df.amt.sum() / df.cust.nunique()), aov_all=r2(df.amt.sum() / len(df)))''',
       note='the 1997 figures may be repeated for comparison, so they are not in must_not'),
)

item(FIN,
  dict(q="What's the annualised revenue run-rate off Q2 1998?",
       kind='figure', period='1998-04-01..1998-06-30',
       figs=[('q2_98', 'revenue Q2 1998'), ('runrate_q2', 'Q2 1998 revenue x 4 (annualised)')],
       must_not=[('runrate_q1', 'Q1 1998 x 4 (wrong quarter)'), ('rev97', 'FY1997 actual revenue (not a run-rate)')],
       check='''q2 = per('1998-04-01', '1998-06-30').amt.sum(); q1 = per('1998-01-01', '1998-03-31').amt.sum()
dict(q2_98=r2(q2), runrate_q2=r2(q2 * 4), runrate_q1=r2(q1 * 4), rev97=r2(per('1997-01-01', '1997-12-31').amt.sum()))'''),
  dict(q="and on June alone?",
       kind='figure', period='1998-06-01..1998-06-30',
       figs=[('jun98', 'revenue June 1998'), ('runrate_jun', 'June 1998 revenue x 12')],
       must_not=[('jun97x12', 'June 1997 x 12 (wrong year)')],
       check='''j = per('1998-06-01', '1998-06-30').amt.sum()
dict(jun98=r2(j), runrate_jun=r2(j * 12), jun97x12=r2(per('1997-06-01', '1997-06-30').amt.sum() * 12))'''),
)

item(FIN,
  dict(q="Q2 1998 revenue please, quarter-on-quarter and year-on-year.",
       kind='figure', period='1998-04-01..1998-06-30',
       figs=[('q2_98', 'revenue Q2 1998'), ('qoq', 'QoQ relative change vs Q1 1998'),
             ('yoy', 'YoY relative change vs Q2 1997')],
       must_not=[('h1_98', 'H1 1998 revenue (wrong period)')],
       check='''q2 = per('1998-04-01', '1998-06-30').amt.sum(); q1 = per('1998-01-01', '1998-03-31').amt.sum()
q2l = per('1997-04-01', '1997-06-30').amt.sum()
dict(q2_98=r2(q2), qoq=r4(q2 / q1 - 1), yoy=r4(q2 / q2l - 1), q1_98=r2(q1), q2_97=r2(q2l),
     h1_98=r2(per('1998-01-01', '1998-06-30').amt.sum()))'''),
  dict(q="Same for order count.",
       kind='figure', period='1998-04-01..1998-06-30',
       figs=[('o_q2_98', 'orders (order lines) Q2 1998'), ('o_qoq', 'QoQ relative change vs Q1 1998'),
             ('o_yoy', 'YoY relative change vs Q2 1997')],
       check='''o2 = len(per('1998-04-01', '1998-06-30')); o1 = len(per('1998-01-01', '1998-03-31'))
o2l = len(per('1997-04-01', '1997-06-30'))
dict(o_q2_98=o2, o_qoq=r4(o2 / o1 - 1), o_yoy=r4(o2 / o2l - 1), o_q1_98=o1, o_q2_97=o2l)'''),
  dict(q="Is the year-on-year decline down to fewer buyers or lower spend per buyer?",
       kind='figure', period='1998-04-01..1998-06-30',
       figs=[('b98', 'buyers Q2 1998'), ('b97', 'buyers Q2 1997'),
             ('rpb98', 'revenue per buyer Q2 1998'), ('rpb97', 'revenue per buyer Q2 1997')],
       check='''a = per('1998-04-01', '1998-06-30'); b = per('1997-04-01', '1997-06-30')
dict(b98=a.cust.nunique(), b97=b.cust.nunique(), rpb98=r2(a.amt.sum() / a.cust.nunique()),
     rpb97=r2(b.amt.sum() / b.cust.nunique()))''',
       note='buyers fell ~32%, revenue per buyer fell less; an answer should say it is mainly fewer buyers'),
)

item(FIN,
  dict(q="Of the customers we acquired in January 1997, what proportion were still buying in 1998?",
       kind='figure', period='1998-01-01..1998-06-30',
       figs=[('jan_ret98', 'share of the Jan-1997 first-order cohort with an order in 1998 (Jan-Jun)'),
             ('jan_n', 'size of the Jan-1997 cohort')],
       must_not=[('all_ret98', 'share of ALL customers buying in 1998 (not just the January cohort)')],
       check='''jan = FIRST[(FIRST >= '1997-01-01') & (FIRST <= '1997-01-31')].index
b98 = set(per('1998-01-01', '1998-06-30').cust)
dict(jan_ret98=r4(np.mean([c in b98 for c in jan])), jan_n=len(jan), all_ret98=r4(len(b98) / len(FIRST)))'''),
  dict(q="And the February and March cohorts?",
       kind='figure', period='1998-01-01..1998-06-30',
       figs=[('feb_ret98', 'share of the Feb-1997 cohort with an order in 1998'),
             ('mar_ret98', 'share of the Mar-1997 cohort with an order in 1998')],
       check='''b98 = set(per('1998-01-01', '1998-06-30').cust)
m = FIRST.dt.to_period('M')
dict(feb_ret98=r4(np.mean([c in b98 for c in m[m == '1997-02'].index])),
     mar_ret98=r4(np.mean([c in b98 for c in m[m == '1997-03'].index])))'''),
  dict(q="What was month-3 retention for the January cohort?",
       kind='figure', period='1997-04-01..1997-04-30',
       figs=[('jan_m3', 'Jan-1997 cohort month-3 retention (share with an order in April 1997)')],
       must_not=[('jan_m1', 'month-1 retention (Feb 1997)'), ('jan_m2', 'month-2 retention (Mar 1997)')],
       check='''m = FIRST.dt.to_period('M'); jan = m[m == '1997-01'].index
mon = df.assign(p=df.date.dt.to_period('M'))
def ret(p):
    s = set(mon[mon.p == p].cust); return r4(np.mean([c in s for c in jan]))
dict(jan_m3=ret(pd.Period('1997-04')), jan_m1=ret(pd.Period('1997-02')), jan_m2=ret(pd.Period('1997-03')))'''),
)

item(FIN,
  dict(q="How concentrated is revenue? What share comes from the top 10% of customers by lifetime spend?",
       kind='figure',
       figs=[('top10_share', 'share of all-time revenue from the top 10% (2,357) customers by all-time spend')],
       check='''t = top_pct(0.10)
dict(top10_share=r4(SPEND[t].sum() / SPEND.sum()), top10_n=len(t))'''),
  dict(q="And the top 20%? Also what does an average top-10% customer spend versus everyone else?",
       kind='figure',
       figs=[('top20_share', 'share of all-time revenue from the top 20% (4,714) customers'),
             ('top10_avg', 'mean all-time spend of a top-10% customer'),
             ('rest_avg', 'mean all-time spend of the other 90%')],
       must_not=[('all_avg', 'mean all-time spend of all customers (not the rest-90% figure)')],
       check='''t = top_pct(0.10); t20 = top_pct(0.20)
dict(top20_share=r4(SPEND[t20].sum() / SPEND.sum()), top10_avg=r2(SPEND[t].mean()),
     rest_avg=r2(SPEND.drop(t).mean()), all_avg=r2(SPEND.mean()))''',
       note='the 20% boundary has a tie at 133.95; the effect on the share is <0.01%'),
)

item(FIN,
  dict(q="Could I have an estimate of customer lifetime value for our top customers over the next 52 weeks?",
       kind='model', tool='customer_value',
       check='''dict()''',
       note='CLV is a model output; cannot be checked against the raw file'),
  dict(q="For context, what's the average historical spend per customer to date?",
       kind='figure', period='1997-01-01..1998-06-30',
       figs=[('avg_spend', 'all-time revenue / all 23,570 customers')],
       must_not=[('rpb97', 'FY1997 revenue per buyer (wrong period)')],
       check='''dict(avg_spend=r2(SPEND.mean()), rpb97=r2(per('1997-01-01', '1997-12-31').amt.sum() / 23570))'''),
)

item(FIN,
  dict(q="How many new customers did we acquire in H1 1998, and what share of H1 1998 revenue came from existing customers?",
       kind='figure', period='1998-01-01..1998-06-30',
       figs=[('new98', 'new customers (first-ever order) in H1 1998'),
             ('ret_share', 'share of H1 1998 revenue from returning customers'),
             ('rev_h1_98', 'H1 1998 revenue (all returning)')],
       must_not=[('new97q1', 'customers acquired in 1997 (wrong period)')],
       check='''new = ((FIRST >= '1998-01-01') & (FIRST <= '1998-06-30')).sum()
d = per('1998-01-01', '1998-06-30'); ret = d[d.cust.map(FIRST) < pd.Timestamp('1998-01-01')].amt.sum()
dict(new98=int(new), ret_share=r4(ret / d.amt.sum()), rev_h1_98=r2(d.amt.sum()), new97q1=int((FIRST < '1998-01-01').sum()))''',
       note='every CDNOW customer first bought in Jan-Mar 1997: 0 new customers, 100% returning'),
)

item(FIN,
  dict(q="What proportion of 1997 orders were over $100?",
       kind='figure', period='1997-01-01..1997-12-31',
       figs=[('share100', 'share of 1997 order lines with amount > $100'), ('n100', 'number of such 1997 order lines')],
       check='''d = per('1997-01-01', '1997-12-31')
dict(share100=r4((d.amt > 100).mean()), n100=int((d.amt > 100).sum()), share100_all=r4((df.amt > 100).mean()))'''),
  dict(q="And what share of 1997 revenue did those orders account for?",
       kind='figure', period='1997-01-01..1997-12-31',
       figs=[('rev_share100', 'share of 1997 revenue from order lines > $100')],
       check='''d = per('1997-01-01', '1997-12-31')
dict(rev_share100=r4(d[d.amt > 100].amt.sum() / d.amt.sum()))'''),
)

item(FIN,
  dict(q="Average monthly revenue for 1998 year to date?",
       kind='figure', period='1998-01-01..1998-06-30',
       figs=[('avg_m98', 'H1 1998 revenue / 6 months')],
       must_not=[('avg_m97', 'FY1997 monthly average (wrong year)'), ('avg_m_all', 'all-time monthly average (18 months)')],
       check='''dict(avg_m98=r2(per('1998-01-01', '1998-06-30').amt.sum() / 6),
     avg_m97=r2(per('1997-01-01', '1997-12-31').amt.sum() / 12), avg_m_all=r2(df.amt.sum() / 18))'''),
  dict(q="Which month this year was strongest, and by how much did it beat the weakest?",
       kind='figure', period='1998-01-01..1998-06-30',
       figs=[('best', 'best 1998 month revenue (March 1998)'), ('worst', 'weakest 1998 month revenue (April 1998)'),
             ('gap', 'difference best - weakest')],
       must_not=[('best_all', 'best month all-time (March 1997)')],
       check='''m = per('1998-01-01', '1998-06-30').groupby(df.date.dt.to_period('M')).amt.sum()
ma = df.groupby(df.date.dt.to_period('M')).amt.sum()
assert str(m.idxmax()) == '1998-03' and str(m.idxmin()) == '1998-04'
dict(best=r2(m.max()), worst=r2(m.min()), gap=r2(m.max() - m.min()), best_all=r2(ma.max()))'''),
  dict(q="Month-on-month change for June?",
       kind='figure', period='1998-06-01..1998-06-30',
       figs=[('mom_jun', 'June 1998 vs May 1998 revenue, relative change'), ('jun98', 'June 1998 revenue')],
       must_not=[('mom_jun97', 'June 1997 vs May 1997 (wrong year)')],
       check='''j = per('1998-06-01', '1998-06-30').amt.sum(); m = per('1998-05-01', '1998-05-31').amt.sum()
j7 = per('1997-06-01', '1997-06-30').amt.sum(); m7 = per('1997-05-01', '1997-05-31').amt.sum()
dict(mom_jun=r4(j / m - 1), jun98=r2(j), mom_jun97=r4(j7 / m7 - 1))'''),
)

item(FIN,
  dict(q="What's our gross margin per order in H1 1998? And the AOV over the same period.",
       kind='partial', period='1998-01-01..1998-06-30',
       figs=[('aov98h1', 'AOV H1 1998')],
       must_not=[('aov_all', 'all-time AOV'), ('aov97', 'FY1997 AOV')],
       check='''d = per('1998-01-01', '1998-06-30'); y = per('1997-01-01', '1997-12-31')
dict(aov98h1=r2(d.amt.sum() / len(d)), aov_all=r2(df.amt.sum() / len(df)), aov97=r2(y.amt.sum() / len(y)))''',
       note='no cost/margin data: must say margin cannot be computed'),
)

item(FIN,
  dict(q="Could you break FY1997 revenue down by region and by product category?",
       kind='partial', period='1997-01-01..1997-12-31',
       figs=[('rev97', 'FY1997 revenue (the answerable total)')],
       must_not=[('rev_all', 'all-time revenue (wrong period)')],
       check='''dict(rev97=r2(per('1997-01-01', '1997-12-31').amt.sum()), rev_all=r2(df.amt.sum()))''',
       note='no region or product data'),
)

item(FIN,
  dict(q="Please export the monthly revenue series for 1997-98 to Excel and email it to me.",
       kind='refusal',
       check='''dict()'''),
  dict(q="Understood. Then just give me the LTM revenue to end-June 1998 and LTM revenue per active customer.",
       kind='figure', period='1997-07-01..1998-06-30',
       figs=[('ltm', 'revenue 1997-07-01..1998-06-30'), ('ltm_rpb', 'LTM revenue / LTM distinct buyers'),
             ('ltm_b', 'LTM distinct buyers')],
       must_not=[('rev97', 'FY1997 revenue (calendar year, not LTM)'), ('rev_all', 'all-time revenue')],
       check='''d = per('1997-07-01', '1998-06-30')
dict(ltm=r2(d.amt.sum()), ltm_rpb=r2(d.amt.sum() / d.cust.nunique()), ltm_b=d.cust.nunique(),
     rev97=r2(per('1997-01-01', '1997-12-31').amt.sum()), rev_all=r2(df.amt.sum()))''',
       note='LTM = last twelve months = 1997-07-01..1998-06-30'),
)

item(FIN,
  dict(q="What revenue should we expect for Q3 1998?",
       kind='model', tool='forecast_totals',
       check='''dict()'''),
  dict(q="What did Q3 1997 actually do, for comparison?",
       kind='figure', period='1997-07-01..1997-09-30',
       figs=[('q3_97', 'revenue Q3 1997')],
       must_not=[('q2_98', 'Q2 1998 revenue (wrong quarter)')],
       check='''dict(q3_97=r2(per('1997-07-01', '1997-09-30').amt.sum()), q2_98=r2(per('1998-04-01', '1998-06-30').amt.sum()))'''),
)

item(FIN,
  dict(q="Who are our five largest customers by lifetime spend, and what share of total revenue do they represent together?",
       kind='figure',
       figs=[('top1', 'spend of the #1 customer (07592)'), ('top5_share', 'share of all-time revenue from the top 5')],
       check='''s = SPEND.sort_values(ascending=False)
assert list(s.index[:5]) == [7592, 14048, 7983, 19339, 7931]
dict(top1=r2(s.iloc[0]), top5_share=r4(s.iloc[:5].sum() / s.sum()), top5_sum=r2(s.iloc[:5].sum()))''',
       note='ids expected: 07592, 14048, 07983, 19339, 07931'),
)

# ============================== CRM营销专员 (Chinese) ==============================
item(CRM,
  dict(q="我们现在的客户segment是怎么分的？每一群大概什么画像，给我讲讲",
       kind='model', tool='list_segments', check='''dict()'''),
  dict(q="高价值那群详细说说 平均消费多少 最近一次买大概是多久以前",
       kind='model', tool='describe_segment', check='''dict()'''),
  dict(q="这群人下个月预计能贡献多少销售额？",
       kind='model', tool='forecast_totals', check='''dict()''',
       note='forecast for one segment (high-value), next month = 1998-07'),
)

item(CRM,
  dict(q="高价值客户里面哪些churn风险最高、快要流失了？按影响的金额排一下",
       kind='model', tool='at_risk_customers', check='''dict()'''),
  dict(q="ok 给这批人每人推一张满100减20的coupon",
       kind='refusal', check='''dict()'''),
  dict(q="这个流失预测的模型靠谱吗，准确率大概多少",
       kind='model', tool='assistant_status', check='''dict()'''),
)

item(CRM,
  dict(q="只买过一次就再也没回来的客户有多少个？占比多少",
       kind='figure', period='1997-01-01..1998-06-30',
       figs=[('one_n', 'customers with exactly 1 purchase day (all time)'), ('one_share', 'their share of 23,570')],
       must_not=[('one_line_n', 'customers with exactly 1 order line (counts lines, not purchases)')],
       check='''n = pdays(df).groupby('cust').size()
dict(one_n=int((n == 1).sum()), one_share=r4((n == 1).mean()), one_line_n=int((df.groupby('cust').size() == 1).sum()))'''),
  dict(q="这些人一共贡献了多少销售额，人均多少？大部分是哪个月进来的",
       kind='figure', period='1997-01-01..1998-06-30',
       figs=[('one_rev', 'all-time revenue of one-purchase customers'), ('one_avg', 'their revenue per customer'),
             ('one_jan', 'one-timers whose (only) purchase was in Jan 1997'),
             ('one_feb', '... Feb 1997'), ('one_mar', '... Mar 1997')],
       must_not=[('avg_all', 'all-customer average spend')],
       check='''n = pdays(df).groupby('cust').size(); one = n[n == 1].index
m = FIRST[one].dt.to_period('M').astype(str).value_counts()
dict(one_rev=r2(SPEND[one].sum()), one_avg=r2(SPEND[one].mean()), one_jan=int(m['1997-01']),
     one_feb=int(m['1997-02']), one_mar=int(m['1997-03']), avg_all=r2(SPEND.mean()))''',
       note='February is the largest group'),
)

item(CRM,
  dict(q="想做一波win-back 超过一年没下过单、但历史累计消费300刀以上的客户有几个？",
       kind='figure',
       figs=[('wb_n', 'customers inactive >= 365 days (last order <= 1997-06-30) with all-time spend >= $300')],
       must_not=[('inact365', 'all customers inactive 365 days (spend filter ignored)')],
       check='''ia = inactive(365)
dict(wb_n=int((SPEND[ia] >= 300).sum()), inact365=len(ia), wb_gt=int((SPEND[ia] > 300).sum()))''',
       note='>=300 and >300 give the same count'),
  dict(q="这批人以前的客单价多少？",
       kind='figure',
       figs=[('wb_aov', 'AOV of these customers over all their order lines')],
       must_not=[('aov_all', 'all-customer AOV')],
       check='''ia = inactive(365); w = SPEND[ia][SPEND[ia] >= 300].index
d = df[df.cust.isin(w)]
dict(wb_aov=r2(d.amt.sum() / len(d)), wb_rev=r2(d.amt.sum()), aov_all=r2(df.amt.sum() / len(df)))'''),
  dict(q="把名单导出成excel发我邮箱",
       kind='refusal', check='''dict()'''),
)

item(CRM,
  dict(q="最近客户反馈整体情绪咋样，负面的占比多少？",
       kind='model', tool='sentiment_summary', check='''dict()'''),
  dict(q="主要吐槽的点是哪几个",
       kind='model', tool='feedback_themes', check='''dict()'''),
  dict(q="有没有人说物流慢或者包装压坏了的 找几条原话给我看看",
       kind='model', tool='search_feedback', check='''dict()'''),
)

item(CRM,
  dict(q="给过差评的客户后来还有回购的吗？比例多少",
       kind='model', tool='feedback_followup', check='''dict()'''),
)

item(CRM,
  dict(q="帮我判断下这几条评论是正面还是负面：1. 发货太慢了 等了半个月才到 2. 音质不错，包装也完好 3. 一般般吧没什么特别的",
       kind='model', tool='analyze_sentiment', check='''dict()'''),
)

item(CRM,
  dict(q="帮我查下客户00052的情况",
       kind='figure', period='1997-01-01..1998-06-30',
       figs=[('n', 'order lines of customer 00052'), ('spend', 'all-time spend of 00052'),
             ('since', 'days since last purchase (to 1998-06-30)')],
       check='''c = df[df.cust == 52]
dict(n=len(c), spend=r2(c.amt.sum()), last=int(c.date.max().strftime('%Y%m%d')), since=int((NOW - c.date.max()).days),
     first=int(c.date.min().strftime('%Y%m%d')))''',
       note='customer_profile; 8 orders on 8 different days, first 1997-01-02, last 1998-05-08 (any date format is fine)'),
  dict(q="他属于哪个分群 为什么",
       kind='model', tool='explain_customer_segment', check='''dict()'''),
  dict(q="他接下来两个月还会不会买？",
       kind='model', tool='forecast_customer', check='''dict()''', note='next ~8-9 weeks for customer 00052'),
)

item(CRM,
  dict(q="今年上半年的复够率多少？跟去年同期比呢",
       kind='figure', period='1998-01-01..1998-06-30',
       figs=[('rr_h1_98', 'repeat rate H1 1998 (share of buyers with >= 2 purchase days)'),
             ('rr_h1_97', 'repeat rate H1 1997')],
       must_not=[('rr_97', 'FY1997 repeat rate (wrong comparison period)')],
       check='''dict(rr_h1_98=r4(repeat_rate(per('1998-01-01', '1998-06-30'))), rr_h1_97=r4(repeat_rate(per('1997-01-01', '1997-06-30'))),
     rr_97=r4(repeat_rate(per('1997-01-01', '1997-12-31'))), rr_all=r4(repeat_rate(df)))''',
       note='复够率 is a typo for 复购率'),
  dict(q="那去年全年呢",
       kind='figure', period='1997-01-01..1997-12-31',
       figs=[('rr_97', 'repeat rate FY1997')],
       must_not=[('rr_all', 'all-time repeat rate')],
       check='''dict(rr_97=r4(repeat_rate(per('1997-01-01', '1997-12-31'))), rr_all=r4(repeat_rate(df)))'''),
)

item(CRM,
  dict(q="上个月买过但这个月还没来买的客户有多少",
       kind='figure', period='1998-05-01..1998-06-30',
       figs=[('may_not_jun', 'buyers in May 1998 with no order in June 1998')],
       must_not=[('may_b', 'all May 1998 buyers')],
       check='''may = set(per('1998-05-01', '1998-05-31').cust); jun = set(per('1998-06-01', '1998-06-30').cust)
dict(may_not_jun=len(may - jun), may_b=len(may))'''),
  dict(q="这里面上个月消费超过50刀的有几个",
       kind='figure', period='1998-05-01..1998-05-31',
       figs=[('mnj50', 'of them, May 1998 spend > $50')],
       check='''m = per('1998-05-01', '1998-05-31'); jun = set(per('1998-06-01', '1998-06-30').cust)
s = m.groupby('cust').amt.sum(); s = s[~s.index.isin(jun)]
dict(mnj50=int((s > 50).sum()), mnj50_ge=int((s >= 50).sum()))'''),
)

item(CRM,
  dict(q="去年买过3次及以上的老客 今年还在买的有多少？占这批人多少比例",
       kind='figure', period='1998-01-01..1998-06-30',
       figs=[('loyal_n', 'customers with >= 3 purchase days in 1997'), ('still_n', 'of them, bought in 1998 (Jan-Jun)'),
             ('still_share', 'share still buying')],
       check='''n = pdays(per('1997-01-01', '1997-12-31')).groupby('cust').size(); loyal = n[n >= 3].index
b98 = set(per('1998-01-01', '1998-06-30').cust)
k = sum(c in b98 for c in loyal)
dict(loyal_n=len(loyal), still_n=int(k), still_share=r4(k / len(loyal)))'''),
  dict(q="今年一次都没来的那部分，去年人均花了多少",
       kind='figure', period='1997-01-01..1997-12-31',
       figs=[('lapsed_n', 'loyal-1997 customers with no 1998 order'), ('lapsed_avg97', 'their 1997 spend per customer')],
       check='''d97 = per('1997-01-01', '1997-12-31')
n = pdays(d97).groupby('cust').size(); loyal = n[n >= 3].index
b98 = set(per('1998-01-01', '1998-06-30').cust); lapsed = [c for c in loyal if c not in b98]
s97 = d97.groupby('cust').amt.sum()
dict(lapsed_n=len(lapsed), lapsed_avg97=r2(s97[lapsed].mean()), lapsed_avg_all=r2(SPEND[lapsed].mean()))''',
       note='for these lapsed customers all-time spend equals 1997 spend'),
)

item(CRM,
  dict(q="最近30天没下单的老客户，帮我给他们群发一条短信提醒回购。另外这批人一共有多少？",
       kind='refusal', period='1998-06-01..1998-06-30',
       figs=[('inact30', 'customers with no order in the last 30 days (last order <= 1998-05-31)')],
       must_not=[('inact_all', 'all 23,570 customers')],
       check='''dict(inact30=len(inactive(30)), inact_all=len(LAST))'''),
)

item(CRM,
  dict(q="帮我按城市和性别看下高价值客户的分布。另外消费前10%的客户去年一共花了多少钱？",
       kind='partial', period='1997-01-01..1997-12-31',
       figs=[('top10_rev97', '1997 revenue of the top 10% spenders (by all-time spend)')],
       must_not=[('top10_all', 'their all-time revenue (wrong period)'), ('rev97', 'total 1997 revenue of all customers')],
       check='''t = top_pct(0.10); d = per('1997-01-01', '1997-12-31')
dict(top10_rev97=r2(d[d.cust.isin(t)].amt.sum()), top10_all=r2(SPEND[t].sum()), rev97=r2(d.amt.sum()))''',
       note='no city or gender data'),
)

item(CRM,
  dict(q="消费前10%的大客户里 超过180天没下单的有多少人",
       kind='figure',
       figs=[('top_sleep', 'top-10% spenders whose last order is <= 1998-01-01 (inactive 180 days)')],
       must_not=[('top10_n', 'all 2,357 top-10% customers'), ('sleep_all', 'all customers inactive 180 days')],
       check='''t = top_pct(0.10); ia = set(inactive(180))
dict(top_sleep=int(sum(c in ia for c in t)), top10_n=len(t), sleep_all=len(ia))'''),
  dict(q="他们历史上一共贡献了多少营收",
       kind='figure',
       figs=[('top_sleep_rev', 'all-time revenue of those customers')],
       must_not=[('top10_rev', 'all-time revenue of all top-10% customers')],
       check='''t = top_pct(0.10); ia = set(inactive(180)); s = [c for c in t if c in ia]
dict(top_sleep_rev=r2(SPEND[s].sum()), top10_rev=r2(SPEND[t].sum()))'''),
  dict(q="给这些人打个“流失预警”的标签吧",
       kind='refusal', check='''dict()'''),
)

item(CRM,
  dict(q="客户从第一次买到第二次买 一般隔多少天",
       kind='figure',
       figs=[('f2s_median', 'median days first-to-second purchase day'), ('f2s_mean', 'mean days first-to-second')],
       check='''p = pdays(df).sort_values(['cust', 'date'])
p['k'] = p.groupby('cust').cumcount()
a = p[p.k == 0].set_index('cust').date; b = p[p.k == 1].set_index('cust').date
g = (b - a.loc[b.index]).dt.days
dict(f2s_median=float(g.median()), f2s_mean=round(float(g.mean()), 1), f2s_n=len(g))''',
       note='among customers with >= 2 purchase days'),
  dict(q="那老客平均多久回购一次？",
       kind='figure',
       figs=[('gap_mean', 'mean days between consecutive purchase days (all time)'),
             ('gap_median', 'median days between consecutive purchase days')],
       must_not=[],
       check='''p = pdays(df).sort_values(['cust', 'date'])
g = p.groupby('cust').date.diff().dt.days.dropna()
dict(gap_mean=round(float(g.mean()), 1), gap_median=float(g.median()))'''),
)

item(CRM,
  dict(q="这个月的新客主要是从哪个渠道来的？新老客各贡献了多少销售额",
       kind='partial', period='1998-06-01..1998-06-30',
       figs=[('new_jun', 'new customers June 1998'), ('rev_ret_jun', 'returning revenue June 1998 (= all June revenue)')],
       must_not=[('rev_may', 'May 1998 revenue (上个月, wrong month)')],
       check='''d = per('1998-06-01', '1998-06-30'); f = d.cust.map(FIRST)
dict(new_jun=int(((FIRST >= '1998-06-01') & (FIRST <= '1998-06-30')).sum()),
     rev_ret_jun=r2(d[f < pd.Timestamp('1998-06-01')].amt.sum()), rev_new_jun=r2(d[f >= pd.Timestamp('1998-06-01')].amt.sum()),
     rev_may=r2(per('1998-05-01', '1998-05-31').amt.sum()))''',
       note='no channel data; there are no new customers in June 1998, new revenue 0'),
)

item(CRM,
  dict(q="最近三个月有多少客户下过单？里面买了两次及以上的占多少",
       kind='figure', period='1998-04-01..1998-06-30',
       figs=[('b3m', 'distinct buyers 1998-04-01..06-30'), ('rr3m', 'share of them with >= 2 purchase days in the window')],
       must_not=[('b_h1', 'buyers H1 1998')],
       check='''d = per('1998-04-01', '1998-06-30')
dict(b3m=d.cust.nunique(), rr3m=r4(repeat_rate(d)), b_h1=per('1998-01-01', '1998-06-30').cust.nunique())'''),
  dict(q="同比呢",
       kind='figure', period='1997-04-01..1997-06-30',
       figs=[('b3m97', 'distinct buyers 1997-04-01..06-30'), ('rr3m97', 'repeat rate in that window'),
             ('b_yoy', 'YoY relative change in buyers')],
       check='''a = per('1998-04-01', '1998-06-30'); b = per('1997-04-01', '1997-06-30')
dict(b3m97=b.cust.nunique(), rr3m97=r4(repeat_rate(b)), b_yoy=r4(a.cust.nunique() / b.cust.nunique() - 1))'''),
)

item(CRM,
  dict(q="上周卖了多少钱 多少人买的",
       kind='figure', period='1998-06-22..1998-06-28',
       figs=[('wk_rev', 'revenue 1998-06-22..06-28'), ('wk_b', 'buyers that week')],
       must_not=[('jun_rev', 'June 1998 revenue')],
       check='''d = per('1998-06-22', '1998-06-28')
dict(wk_rev=r2(d.amt.sum()), wk_b=d.cust.nunique(), l7_rev=r2(per('1998-06-24', '1998-06-30').amt.sum()),
     jun_rev=r2(per('1998-06-01', '1998-06-30').amt.sum()))''',
       note='voice input, no punctuation'),
)

# ---------------------------------------------------------------------------------------------------
def run_check(code, prelude_ns):
    ns = dict(prelude_ns)
    tree = ast.parse(code)
    last = tree.body[-1]
    assert isinstance(last, ast.Expr), 'last line of a check must be an expression'
    exec(compile(ast.Module(body=tree.body[:-1], type_ignores=[]), '<check>', 'exec'), ns)
    return eval(compile(ast.Expression(body=last.value), '<check>', 'eval'), ns)

def pyval(v):
    if isinstance(v, (np.integer,)): return int(v)
    if isinstance(v, (np.floating,)): return float(v)
    return v


import numpy as np
import pandas as pd

# literal expected values, (item id, turn number from 1, name) -> value; computed once and checked every run
EXPECTED = {
    ('ac2-001', 1, 'rpb97'): 85.88,
    ('ac2-001', 1, 'aov97'): 35.57,
    ('ac2-001', 1, 'rpb_all'): 106.08,
    ('ac2-001', 2, 'upo97'): 2.372,
    ('ac2-001', 2, 'ppu97'): 15.0,
    ('ac2-001', 3, 'rpb98h1'): 88.6,
    ('ac2-001', 3, 'aov98h1'): 37.32,
    ('ac2-001', 3, 'rpb_all'): 106.08,
    ('ac2-001', 3, 'aov_all'): 35.89,
    ('ac2-002', 1, 'q2_98'): 213330.48,
    ('ac2-002', 1, 'runrate_q2'): 853321.92,
    ('ac2-002', 1, 'runrate_q1'): 1051295.56,
    ('ac2-002', 1, 'rev97'): 2024161.26,
    ('ac2-002', 2, 'jun98'): 76109.3,
    ('ac2-002', 2, 'runrate_jun'): 913311.6,
    ('ac2-002', 2, 'jun97x12'): 1300750.44,
    ('ac2-003', 1, 'q2_98'): 213330.48,
    ('ac2-003', 1, 'qoq'): -0.1883,
    ('ac2-003', 1, 'yoy'): -0.406,
    ('ac2-003', 1, 'h1_98'): 476154.37,
    ('ac2-003', 2, 'o_q2_98'): 5906,
    ('ac2-003', 2, 'o_qoq'): -0.1379,
    ('ac2-003', 2, 'o_yoy'): -0.393,
    ('ac2-003', 3, 'b98'): 3317,
    ('ac2-003', 3, 'b97'): 5376,
    ('ac2-003', 3, 'rpb98'): 64.31,
    ('ac2-003', 3, 'rpb97'): 66.81,
    ('ac2-004', 1, 'jan_ret98'): 0.2219,
    ('ac2-004', 1, 'jan_n'): 7846,
    ('ac2-004', 1, 'all_ret98'): 0.228,
    ('ac2-004', 2, 'feb_ret98'): 0.2295,
    ('ac2-004', 2, 'mar_ret98'): 0.2329,
    ('ac2-004', 3, 'jan_m3'): 0.1032,
    ('ac2-004', 3, 'jan_m1'): 0.1475,
    ('ac2-004', 3, 'jan_m2'): 0.1229,
    ('ac2-005', 1, 'top10_share'): 0.5094,
    ('ac2-005', 2, 'top20_share'): 0.6778,
    ('ac2-005', 2, 'top10_avg'): 540.4,
    ('ac2-005', 2, 'rest_avg'): 57.82,
    ('ac2-005', 2, 'all_avg'): 106.08,
    ('ac2-006', 2, 'avg_spend'): 106.08,
    ('ac2-006', 2, 'rpb97'): 85.88,
    ('ac2-007', 1, 'new98'): 0,
    ('ac2-007', 1, 'ret_share'): 1.0,
    ('ac2-007', 1, 'rev_h1_98'): 476154.37,
    ('ac2-007', 1, 'new97q1'): 23570,
    ('ac2-008', 1, 'share100'): 0.0444,
    ('ac2-008', 1, 'n100'): 2524,
    ('ac2-008', 2, 'rev_share100'): 0.1919,
    ('ac2-009', 1, 'avg_m98'): 79359.06,
    ('ac2-009', 1, 'avg_m97'): 168680.11,
    ('ac2-009', 1, 'avg_m_all'): 138906.42,
    ('ac2-009', 2, 'best'): 108970.15,
    ('ac2-009', 2, 'worst'): 66231.52,
    ('ac2-009', 2, 'gap'): 42738.63,
    ('ac2-009', 2, 'best_all'): 393155.27,
    ('ac2-009', 3, 'mom_jun'): 0.0721,
    ('ac2-009', 3, 'jun98'): 76109.3,
    ('ac2-009', 3, 'mom_jun97'): 0.0043,
    ('ac2-010', 1, 'aov98h1'): 37.32,
    ('ac2-010', 1, 'aov_all'): 35.89,
    ('ac2-010', 1, 'aov97'): 35.57,
    ('ac2-011', 1, 'rev97'): 2024161.26,
    ('ac2-011', 1, 'rev_all'): 2500315.63,
    ('ac2-012', 2, 'ltm'): 1069356.5,
    ('ac2-012', 2, 'ltm_rpb'): 128.34,
    ('ac2-012', 2, 'ltm_b'): 8332,
    ('ac2-012', 2, 'rev97'): 2024161.26,
    ('ac2-012', 2, 'rev_all'): 2500315.63,
    ('ac2-013', 2, 'q3_97'): 292395.37,
    ('ac2-013', 2, 'q2_98'): 213330.48,
    ('ac2-014', 1, 'top1'): 13990.93,
    ('ac2-014', 1, 'top5_share'): 0.0172,
    ('ac2-017', 1, 'one_n'): 12054,
    ('ac2-017', 1, 'one_share'): 0.5114,
    ('ac2-017', 1, 'one_line_n'): 11908,
    ('ac2-017', 2, 'one_rev'): 367602.29,
    ('ac2-017', 2, 'one_avg'): 30.5,
    ('ac2-017', 2, 'one_jan'): 3976,
    ('ac2-017', 2, 'one_feb'): 4395,
    ('ac2-017', 2, 'one_mar'): 3683,
    ('ac2-017', 2, 'avg_all'): 106.08,
    ('ac2-018', 1, 'wb_n'): 97,
    ('ac2-018', 1, 'inact365'): 15238,
    ('ac2-018', 2, 'wb_aov'): 119.03,
    ('ac2-018', 2, 'aov_all'): 35.89,
    ('ac2-022', 1, 'n'): 8,
    ('ac2-022', 1, 'spend'): 445.68,
    ('ac2-022', 1, 'since'): 53,
    ('ac2-023', 1, 'rr_h1_98'): 0.4927,
    ('ac2-023', 1, 'rr_h1_97'): 0.3403,
    ('ac2-023', 1, 'rr_97'): 0.4451,
    ('ac2-023', 2, 'rr_97'): 0.4451,
    ('ac2-023', 2, 'rr_all'): 0.4886,
    ('ac2-024', 1, 'may_not_jun'): 1042,
    ('ac2-024', 1, 'may_b'): 1488,
    ('ac2-024', 2, 'mnj50'): 271,
    ('ac2-025', 1, 'loyal_n'): 6144,
    ('ac2-025', 1, 'still_n'): 3299,
    ('ac2-025', 1, 'still_share'): 0.5369,
    ('ac2-025', 2, 'lapsed_n'): 2845,
    ('ac2-025', 2, 'lapsed_avg97'): 162.6,
    ('ac2-026', 1, 'inact30'): 22064,
    ('ac2-026', 1, 'inact_all'): 23570,
    ('ac2-027', 1, 'top10_rev97'): 950099.95,
    ('ac2-027', 1, 'top10_all'): 1273728.95,
    ('ac2-027', 1, 'rev97'): 2024161.26,
    ('ac2-028', 1, 'top_sleep'): 581,
    ('ac2-028', 1, 'top10_n'): 2357,
    ('ac2-028', 1, 'sleep_all'): 18210,
    ('ac2-028', 2, 'top_sleep_rev'): 239570.42,
    ('ac2-028', 2, 'top10_rev'): 1273728.95,
    ('ac2-029', 1, 'f2s_median'): 57.0,
    ('ac2-029', 1, 'f2s_mean'): 111.0,
    ('ac2-029', 2, 'gap_mean'): 72.2,
    ('ac2-029', 2, 'gap_median'): 34.0,
    ('ac2-030', 1, 'new_jun'): 0,
    ('ac2-030', 1, 'rev_ret_jun'): 76109.3,
    ('ac2-030', 1, 'rev_may'): 70989.66,
    ('ac2-031', 1, 'b3m'): 3317,
    ('ac2-031', 1, 'rr3m'): 0.3585,
    ('ac2-031', 1, 'b_h1'): 5374,
    ('ac2-031', 2, 'b3m97'): 5376,
    ('ac2-031', 2, 'rr3m97'): 0.3733,
    ('ac2-031', 2, 'b_yoy'): -0.383,
    ('ac2-032', 1, 'wk_rev'): 13063.32,
    ('ac2-032', 1, 'wk_b'): 338,
    ('ac2-032', 1, 'jun_rev'): 76109.3,
}

def main():
    prelude_ns = {}
    exec(PRELUDE, prelude_ns)
    # independent sanity checks on the raw file
    d = prelude_ns['df']
    assert len(d) == 69659 and d.cust.nunique() == 23570 and round(float(d.amt.sum()), 2) == 2500315.63
    assert str(d.date.min().date()) == '1997-01-01' and str(d.date.max().date()) == '1998-06-30'

    results, missing, close = {}, [], []
    for it in ITEMS:
        for ti, t in enumerate(it['turns'], 1):
            res = {k: pyval(v) for k, v in run_check(t['check'], prelude_ns).items()}
            results[(it['id'], ti)] = res
            for name, _ in t.get('figs', []) + t.get('must_not', []):
                assert name in res, (it['id'], ti, name)
                key = (it['id'], ti, name)
                if key not in EXPECTED:
                    missing.append((key, res[name]))
                else:
                    assert res[name] == EXPECTED[key], (key, res[name], EXPECTED[key])
            # a must_not figure must be clearly different from every expected figure
            for mn, _ in t.get('must_not', []):
                for fn, _ in t.get('figs', []):
                    a, b = res[mn], res[fn]
                    if not abs(a - b) > 0.01 * max(abs(a), abs(b), 1e-9):
                        close.append(('must_not too close', it['id'], ti, mn, fn, a, b))
    for c in close:
        print(c)
    assert not close
    if missing:
        print('MISSING expected values:')
        for k, v in missing:
            print('    %r: %r,' % (k, v))
        sys.exit(1)

    # build the YAML
    items = []
    for it in ITEMS:
        turns = []
        for ti, t in enumerate(it['turns'], 1):
            res = results[(it['id'], ti)]
            exp = {'kind': t['kind']}
            if t.get('tool'):
                exp['tool'] = t['tool']
            if t.get('figs'):
                exp['figures'] = [{'value': res[n], 'rel_tol': 0.005, 'what': '[%s] %s' % (n, w)} for n, w in t['figs']]
            if t.get('must_not'):
                exp['must_not'] = [{'value': res[n], 'rel_tol': 0.005, 'what': '[%s] %s' % (n, w)} for n, w in t['must_not']]
            if t.get('period'):
                exp['period'] = t['period']
            turn = {'q': t['q'], 'expect': exp, 'check': t['check'] + '\n'}
            if t.get('note'):
                turn['note'] = t['note']
            turns.append(turn)
        items.append({'id': it['id'], 'persona': it['persona'], 'turns': turns})
    doc = {'writer': WRITER, 'data_end': '1998-06-30', 'check_prelude': PRELUDE, 'items': items}

    class D(yaml.SafeDumper):
        pass
    def str_rep(dumper, data):
        if '\n' in data:
            return dumper.represent_scalar('tag:yaml.org,2002:str', data, style='|')
        return dumper.represent_scalar('tag:yaml.org,2002:str', data)
    D.add_representer(str, str_rep)
    with open(OUT, 'w', encoding='utf-8') as f:
        yaml.dump(doc, f, Dumper=D, allow_unicode=True, sort_keys=False, width=120)

    # re-load and re-check the file as written
    y = yaml.safe_load(open(OUT, encoding='utf-8'))
    ns0 = {}
    exec(y['check_prelude'], ns0)
    kinds, nturns = {}, 0
    for it in y['items']:
        for t in it['turns']:
            nturns += 1
            e = t['expect']
            kinds[e['kind']] = kinds.get(e['kind'], 0) + 1
            assert e['kind'] in ('figure', 'model', 'refusal', 'partial')
            if e['kind'] == 'model':
                assert e.get('tool')
            res = run_check(t['check'], ns0)
            for f in e.get('figures', []) + e.get('must_not', []):
                name = f['what'][1:f['what'].index(']')]
                assert pyval(res[name]) == f['value'], (it['id'], name)
    print('OK: %d conversations, %d turns, kinds %s -> %s' % (len(y['items']), nturns, kinds, OUT))

if __name__ == '__main__':
    main()
