# Builds /tmp/team/x1/set_x1.yaml: runs each check after the prelude and writes the values it gives.
import yaml, math

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
def pdays(d):
    return d.groupby('cust').date.nunique()
def repeat_rate(d):
    return r4((pdays(d) >= 2).mean())
first = df.groupby('cust').date.min()
last = df.groupby('cust').date.max()
total_spend = df.groupby('cust').amt.sum()
'''

def F(name, what, tol=None):
    return ('F', name, what, tol)

def T(q, kind, check=None, figs=(), nots=(), period=None, tool=None, note=None):
    return dict(q=q, kind=kind, check=check, figs=list(figs), nots=list(nots), period=period, tool=tool, note=note)

ITEMS = []
def conv(id, persona, *turns):
    ITEMS.append(dict(id=id, persona=persona, turns=list(turns)))

A = '连锁音像店营销总监（季度复盘，关注新老客、复购率、客单价趋势）'
B = '销售运营，在飞书上随手敲问题（错字、简写）'
C = '客服经理（负面反馈、主题、按客群，处理客户投诉/回复请求）'
D = 'Head of Growth, Sydney-based, writes in Australian English (cohort retention, MoM, next-quarter forecasts)'

# ---------------- A: 营销总监 ----------------
conv('x1-001', A,
  T('Q2季度复盘要用：今年二季度的销售额、订单数、客单价分别是多少？', 'figure',
    check='''q2 = per('1998-04-01', '1998-06-30')
dict(rev_q2=rev(q2), orders_q2=int(len(q2)), aov_q2=r2(q2.amt.sum() / len(q2)),
     rev_q1=rev(per('1998-01-01', '1998-03-31')), rev_h1=rev(per('1998-01-01', '1998-06-30')),
     rev_q2_97=rev(per('1997-04-01', '1997-06-30')))''',
    figs=[F('rev_q2', 'revenue 1998 Q2'), F('orders_q2', 'order lines 1998 Q2'), F('aov_q2', 'AOV 1998 Q2 (revenue / order lines)')],
    nots=[F('rev_q1', 'revenue 1998 Q1 (wrong quarter)'), F('rev_h1', 'revenue 1998 H1 (wrong period)'), F('rev_q2_97', 'revenue 1997 Q2 (wrong year)')],
    period='1998-04-01..1998-06-30'),
  T('跟上个季度比是涨了还是跌了？各跌了多少？', 'figure',
    check='''q2 = per('1998-04-01', '1998-06-30'); q1 = per('1998-01-01', '1998-03-31'); q2l = per('1997-04-01', '1997-06-30')
dict(rev_q1=rev(q1), orders_q1=int(len(q1)), aov_q1=r2(q1.amt.sum() / len(q1)),
     rev_qoq=r4(q2.amt.sum() / q1.amt.sum() - 1), orders_qoq=r4(len(q2) / len(q1) - 1),
     aov_qoq=r4((q2.amt.sum() / len(q2)) / (q1.amt.sum() / len(q1)) - 1),
     rev_yoy=r4(q2.amt.sum() / q2l.amt.sum() - 1))''',
    figs=[F('rev_q1', 'revenue 1998 Q1 (the previous quarter)'), F('rev_qoq', 'revenue change Q2 vs Q1 1998'),
          F('orders_qoq', 'order-line change Q2 vs Q1 1998'), F('aov_qoq', 'AOV change Q2 vs Q1 1998')],
    nots=[F('rev_yoy', 'revenue change vs 1997 Q2 (YoY, not asked here)')],
    period='1998-01-01..1998-06-30',
    note='上个季度 = 1998 Q1; all three measures fell.'),
  T('那跟去年同期比呢', 'figure',
    check='''q2 = per('1998-04-01', '1998-06-30'); q2l = per('1997-04-01', '1997-06-30'); q1 = per('1998-01-01', '1998-03-31')
dict(rev_q2_97=rev(q2l), orders_q2_97=int(len(q2l)), aov_q2_97=r2(q2l.amt.sum() / len(q2l)),
     rev_yoy=r4(q2.amt.sum() / q2l.amt.sum() - 1), orders_yoy=r4(len(q2) / len(q2l) - 1),
     rev_qoq=r4(q2.amt.sum() / q1.amt.sum() - 1))''',
    figs=[F('rev_q2_97', 'revenue 1997 Q2'), F('rev_yoy', 'revenue change 1998 Q2 vs 1997 Q2'),
          F('orders_q2_97', 'order lines 1997 Q2'), F('orders_yoy', 'order-line change 1998 Q2 vs 1997 Q2')],
    nots=[F('rev_qoq', 'revenue change vs 1998 Q1 (previous turn, not YoY)')],
    period='1997-04-01..1998-06-30',
    note='去年同期 = 1997 Q2 (Apr-Jun 1997).'),
)

conv('x1-002', A,
  T('今年上半年新客来了多少？新客和老客的营收各占多少？', 'figure',
    check='''h = per('1998-01-01', '1998-06-30')
newc = first[(first >= '1998-01-01') & (first <= '1998-06-30')].index
ret = h[~h.cust.isin(newc)]
dict(new_cust=int(len(newc)), rev_returning=rev(ret), returning_share=r4(ret.amt.sum() / h.amt.sum()),
     returning_buyers=int(ret.cust.nunique()))''',
    figs=[F('new_cust', 'new customers (first-ever order in 1998 H1) = 0', 0.0),
          F('rev_returning', 'revenue from returning customers 1998 H1 (= all of H1 revenue)'),
          F('returning_share', 'returning share of 1998 H1 revenue = 100%')],
    period='1998-01-01..1998-06-30',
    note='Every CDNOW customer made the first order in 1997-01..03, so 1998 has no new customers; the right answer says 0 new / 100% returning. Returning buyers in H1 = 5,374 (not required).'),
  T('那今年上半年来买的这些老客，按第一次购买的月份分一下，各多少人？', 'figure',
    check='''h = per('1998-01-01', '1998-06-30')
fm = first.loc[h.cust.unique()].dt.to_period('M').value_counts()
allc = first.dt.to_period('M').value_counts()
dict(c_jan=int(fm[pd.Period('1997-01')]), c_feb=int(fm[pd.Period('1997-02')]), c_mar=int(fm[pd.Period('1997-03')]),
     all_jan=int(allc[pd.Period('1997-01')]), all_feb=int(allc[pd.Period('1997-02')]), all_mar=int(allc[pd.Period('1997-03')]))''',
    figs=[F('c_jan', '1998 H1 buyers whose first order was in 1997-01'), F('c_feb', '1998 H1 buyers whose first order was in 1997-02'),
          F('c_mar', '1998 H1 buyers whose first order was in 1997-03')],
    nots=[F('all_jan', 'whole 1997-01 cohort size (not only H1 buyers)'), F('all_feb', 'whole 1997-02 cohort size'),
          F('all_mar', 'whole 1997-03 cohort size')],
    period='1998-01-01..1998-06-30'),
  T('去年1月第一次来买的那批客户，到今年6月还有百分之几在买？', 'figure',
    check='''coh = first[first.dt.to_period('M') == pd.Period('1997-01')].index
jun = per('1998-06-01', '1998-06-30')
act = jun[jun.cust.isin(coh)].cust.nunique()
dict(ret_share=r4(act / len(coh)), active=int(act), cohort=int(len(coh)))''',
    figs=[F('ret_share', 'share of the 1997-01 cohort with an order in 1998-06 (month 17 retention)'),
          F('active', 'number of 1997-01 cohort customers with an order in 1998-06')],
    period='1998-06-01..1998-06-30',
    note='今年6月 = 1998-06 = cohort month +17. Cohort size 7,846.'),
)

conv('x1-003', A,
  T('去年全年的复购率是多少？', 'figure',
    check='''dict(rr97=repeat_rate(per('1997-01-01', '1997-12-31')), rr_all=repeat_rate(df), rr98h1=repeat_rate(per('1998-01-01', '1998-06-30')))''',
    figs=[F('rr97', 'repeat rate 1997 (share of 1997 buyers with >=2 purchase days in 1997)')],
    nots=[F('rr_all', 'all-time repeat rate (wrong period)'), F('rr98h1', 'repeat rate 1998 H1 (wrong period)')],
    period='1997-01-01..1997-12-31'),
  T('今年上半年呢？比去年是降了吧', 'figure',
    check='''dict(rr98h1=repeat_rate(per('1998-01-01', '1998-06-30')), rr_all=repeat_rate(df))''',
    figs=[F('rr98h1', 'repeat rate 1998 H1')],
    period='1998-01-01..1998-06-30',
    note='The asker assumes a drop, but the 1998 H1 rate (49.27%) is HIGHER than 1997 (44.51%, previous turn); a good answer corrects the premise.'),
  T('只看去年买过3次及以上的客户，他们今年上半年还有多少人在买？占多大比例？', 'figure',
    check='''p97 = pdays(per('1997-01-01', '1997-12-31'))
grp = p97[p97 >= 3].index
h = per('1998-01-01', '1998-06-30')
act = h[h.cust.isin(grp)].cust.nunique()
dict(grp=int(len(grp)), active=int(act), share=r4(act / len(grp)), all_h1_buyers=int(h.cust.nunique()))''',
    figs=[F('grp', 'customers with >=3 purchase days in 1997'), F('active', 'of them, buyers in 1998 H1'),
          F('share', 'share of that group who bought in 1998 H1')],
    nots=[F('all_h1_buyers', 'all 1998 H1 buyers (unfiltered)')],
    period='1998-01-01..1998-06-30',
    note='买过3次 = purchase days (distinct customer-date), per the documented definition.'),
)

conv('x1-004', A,
  T('帮我拉一下客单价按季度的走势，从97年Q1到98年Q2', 'figure',
    check='''g = df.groupby(df.date.dt.to_period('Q')).amt.agg(['sum', 'size'])
a = (g['sum'] / g['size']).round(2)
dict(q97_1=float(a[pd.Period('1997Q1')]), q97_2=float(a[pd.Period('1997Q2')]), q97_3=float(a[pd.Period('1997Q3')]),
     q97_4=float(a[pd.Period('1997Q4')]), q98_1=float(a[pd.Period('1998Q1')]), q98_2=float(a[pd.Period('1998Q2')]))''',
    figs=[F('q97_1', 'AOV 1997 Q1'), F('q97_2', 'AOV 1997 Q2'), F('q97_3', 'AOV 1997 Q3'), F('q97_4', 'AOV 1997 Q4'),
          F('q98_1', 'AOV 1998 Q1'), F('q98_2', 'AOV 1998 Q2')],
    period='1997-01-01..1998-06-30'),
  T('哪个季度客单价最高？', 'figure',
    check='''q = per('1997-07-01', '1997-09-30')
dict(top=r2(q.amt.sum() / len(q)))''',
    figs=[F('top', 'AOV of the highest quarter, 1997 Q3')],
    period='1997-07-01..1997-09-30',
    note='Highest = 1997 Q3 (38.69), just above 1998 Q1 (38.36).'),
  T('另外，去年年底11、12月旺季卖了多少？比今年年初1、2月高出多少？', 'figure',
    check='''nd = per('1997-11-01', '1997-12-31').amt.sum(); jf = per('1998-01-01', '1998-02-28').amt.sum()
dict(nd97=r2(nd), jf98=r2(jf), diff=r2(nd - jf), rel=r4(nd / jf - 1), jf97=rev(per('1997-01-01', '1997-02-28')))''',
    figs=[F('nd97', 'revenue 1997-11..12'), F('jf98', 'revenue 1998-01..02'), F('diff', 'difference'), F('rel', 'relative: Nov-Dec 97 over Jan-Feb 98 - 1')],
    nots=[F('jf97', 'revenue 1997-01..02 (wrong year)')],
    period='1997-11-01..1998-02-28'),
)

conv('x1-006', A,
  T('消费金额排前10%的客户，贡献了总营收的百分之多少？', 'figure',
    check='''n = int(round(len(total_spend) * 0.10))
top = total_spend.sort_values(ascending=False).head(n)
dict(n_top=n, rev_top=r2(top.sum()), share=r4(top.sum() / total_spend.sum()))''',
    figs=[F('share', 'share of all-time revenue from the top 10% by total spend'), F('rev_top', 'their total spend'), F('n_top', 'number of customers in the top 10%')],
    period='1997-01-01..1998-06-30'),
  T('这批人今年上半年的复购率多少？跟整体比高多少', 'figure',
    check='''n = int(round(len(total_spend) * 0.10))
top = total_spend.sort_values(ascending=False).head(n).index
h = per('1998-01-01', '1998-06-30')
ht = h[h.cust.isin(top)]
dict(rr_top=repeat_rate(ht), rr_all=repeat_rate(h), buyers_top=int(ht.cust.nunique()), rr_top_alltime=repeat_rate(df[df.cust.isin(top)]))''',
    figs=[F('rr_top', 'repeat rate 1998 H1 among top-10% customers who bought in H1'), F('rr_all', 'repeat rate 1998 H1, all buyers')],
    nots=[F('rr_top_alltime', 'top-10% repeat rate over all time (wrong period)')],
    period='1998-01-01..1998-06-30',
    note='buyers_top = top-10% customers who bought in 1998 H1 (not required).'),
)

conv('x1-007', A,
  T('二季度按门店和品类拆一下销售额给我，做复盘PPT要用', 'partial',
    check='''dict(rev_q2=rev(per('1998-04-01', '1998-06-30')), rev_q1=rev(per('1998-01-01', '1998-03-31')), rev_all=rev(df))''',
    figs=[F('rev_q2', 'total revenue 1998 Q2 (the answerable part)')],
    nots=[F('rev_q1', 'revenue 1998 Q1 (wrong quarter)'), F('rev_all', 'all-time revenue')],
    period='1998-04-01..1998-06-30',
    note='No store or category data: must say so and give only the Q2 total.'),
)

conv('x1-008', A,
  T('我们现在的会员大概能分成几类？每类多少人、有什么特点？', 'model', tool='list_segments'),
  T('最值钱的那一类，平均每人花了多少、多久没来了？', 'model', tool='describe_segment'),
)

conv('x1-009', A,
  T('把超过180天没消费的老会员名单导一份Excel给我，另外先告诉我一共多少人', 'refusal',
    check='''days = (NOW - last).dt.days
dict(inactive180=int((days >= 180).sum()), share=r4((days >= 180).mean()))''',
    figs=[F('inactive180', 'customers whose last order is >= 180 days before 1998-06-30')],
    note='Cannot export a file; should still give the count (share of all customers ~ as in check, optional).'),
)

# ---------------- B: 销售运营 (飞书) ----------------
conv('x1-011', B,
  T('上周单量多少 跟上上周比咋样', 'figure',
    check='''w = per('1998-06-22', '1998-06-28'); w0 = per('1998-06-15', '1998-06-21'); l7 = per('1998-06-24', '1998-06-30')
dict(orders_lw=int(len(w)), orders_prev=int(len(w0)), chg=r4(len(w) / len(w0) - 1), last7=int(len(l7)))''',
    figs=[F('orders_lw', 'order lines 1998-06-22..06-28'), F('orders_prev', 'order lines 1998-06-15..06-21'), F('chg', 'change vs the week before')],
    period='1998-06-22..1998-06-28'),
  T('今年周几出单最多', 'figure',
    check='''h = per('1998-01-01', '1998-06-30')
c = h.groupby(h.date.dt.dayofweek).size()
a = df.groupby(df.date.dt.dayofweek).size()
dict(top_day_orders=int(c.max()), top_day=int(c.idxmax()), alltime_top_orders=int(a.max()))''',
    figs=[F('top_day_orders', 'order lines on Mondays in 1998 H1 (the top weekday; top_day 0 = Monday)')],
    nots=[F('alltime_top_orders', 'top weekday order lines over all time (wrong period)')],
    period='1998-01-01..1998-06-30',
    note='Monday (1,927) narrowly beats Thursday (1,915).'),
)

conv('x1-012', B,
  T('5月gmv多少 环笔呢', 'figure',
    check='''m5 = per('1998-05-01', '1998-05-31').amt.sum(); m4 = per('1998-04-01', '1998-04-30').amt.sum()
dict(may=r2(m5), apr=r2(m4), mom=r4(m5 / m4 - 1), may97=rev(per('1997-05-01', '1997-05-31')), jun=rev(per('1998-06-01', '1998-06-30')))''',
    figs=[F('may', 'revenue 1998-05'), F('apr', 'revenue 1998-04'), F('mom', 'MoM change May vs Apr 1998')],
    nots=[F('may97', 'revenue 1997-05 (wrong year)'), F('jun', 'revenue 1998-06 (wrong month)')],
    period='1998-04-01..1998-05-31',
    note='环笔 = typo of 环比. 5月 with no year = 1998-05.'),
  T('同比呢', 'figure',
    check='''m5 = per('1998-05-01', '1998-05-31').amt.sum(); m5l = per('1997-05-01', '1997-05-31').amt.sum()
dict(may97=r2(m5l), yoy=r4(m5 / m5l - 1))''',
    figs=[F('may97', 'revenue 1997-05'), F('yoy', 'YoY change May 1998 vs May 1997')],
    period='1997-05-01..1998-05-31'),
  T('5月客单价', 'figure',
    check='''m = per('1998-05-01', '1998-05-31'); m97 = per('1997-05-01', '1997-05-31'); j = per('1998-06-01', '1998-06-30')
dict(aov=r2(m.amt.sum() / len(m)), aov97=r2(m97.amt.sum() / len(m97)), aov_jun=r2(j.amt.sum() / len(j)))''',
    figs=[F('aov', 'AOV 1998-05')],
    nots=[F('aov97', 'AOV 1997-05 (wrong year)'), F('aov_jun', 'AOV 1998-06 (wrong month)')],
    period='1998-05-01..1998-05-31'),
)

conv('x1-013', B,
  T('查下客户100 最近一次啥时候买的 总共化了多少', 'figure',
    check='''c = df[df.cust == 100]
dict(spend=r2(c.amt.sum()), orders=int(len(c)), last_ymd=int(c.date.max().strftime('%Y%m%d')), days_since=int((NOW - c.date.max()).days))''',
    figs=[F('spend', 'customer 00100 total spend')],
    period='1997-01-01..1998-06-30',
    note='Last purchase 1998-04-20 (71 days before 1998-06-30); 3 orders. 化 = typo of 花.'),
  T('他流失风险高不高', 'model', tool='forecast_customer'),
  T('为啥他被分到这个客群', 'model', tool='explain_customer_segment'),
)

conv('x1-014', B,
  T('最近30天下单人数多少 人均消费多钱', 'figure',
    check='''d = per('1998-06-01', '1998-06-30'); q = per('1998-04-01', '1998-06-30')
dict(buyers=int(d.cust.nunique()), rev_per_buyer=r2(d.amt.sum() / d.cust.nunique()), buyers_3m=int(q.cust.nunique()),
     rpb_3m=r2(q.amt.sum() / q.cust.nunique()))''',
    figs=[F('buyers', 'distinct buyers 1998-06-01..06-30'), F('rev_per_buyer', 'revenue per buyer in that window')],
    nots=[F('buyers_3m', 'buyers in the last 3 months (wrong window)'), F('rpb_3m', 'revenue per buyer last 3 months')],
    period='1998-06-01..1998-06-30'),
)

conv('x1-015', B,
  T('今年单笔超过一百刀的订单有几笔', 'figure',
    check='''h = per('1998-01-01', '1998-06-30')
dict(n=int((h.amt > 100).sum()), n_all=int((df.amt > 100).sum()), n_ge=int((h.amt >= 100).sum()))''',
    figs=[F('n', 'order lines over $100 in 1998 (Jan-Jun)')],
    nots=[F('n_all', 'order lines over $100 all time (wrong period)')],
    period='1998-01-01..1998-06-30',
    note='No 1998 order line is exactly $100, so > and >= agree.'),
  T('占今年总单量多少', 'figure',
    check='''h = per('1998-01-01', '1998-06-30')
dict(share=r4((h.amt > 100).mean()), orders=int(len(h)), share_all=r4((df.amt > 100).mean()))''',
    figs=[F('share', 'share of 1998 order lines over $100'), F('orders', '1998 order lines')],
    nots=[F('share_all', 'share over all time')],
    period='1998-01-01..1998-06-30'),
)

conv('x1-016', B,
  T('今年哪几个月单量过了2000', 'figure',
    check='''h = per('1998-01-01', '1998-06-30')
m = h.groupby(h.date.dt.to_period('M')).size()
dict(jan=int(m[pd.Period('1998-01')]), feb=int(m[pd.Period('1998-02')]), mar=int(m[pd.Period('1998-03')]), jun=int(m[pd.Period('1998-06')]),
     n_months=int((m > 2000).sum()))''',
    figs=[F('jan', 'order lines 1998-01'), F('feb', 'order lines 1998-02'), F('mar', 'order lines 1998-03'), F('jun', 'order lines 1998-06')],
    period='1998-01-01..1998-06-30',
    note='4 months: Jan, Feb, Mar, Jun; Apr (1,878) and May (1,985) are below 2,000.'),
  T('今年月均流水多少', 'figure',
    check='''dict(avg98=r2(per('1998-01-01', '1998-06-30').amt.sum() / 6), avg97=r2(per('1997-01-01', '1997-12-31').amt.sum() / 12), avg_all=r2(df.amt.sum() / 18))''',
    figs=[F('avg98', 'monthly average revenue 1998 Jan-Jun')],
    nots=[F('avg97', 'monthly average 1997 (wrong year)'), F('avg_all', 'monthly average over all 18 months')],
    period='1998-01-01..1998-06-30'),
)

conv('x1-017', B,
  T('今年下单≥3次的客户有多少人 贡献多少流水 占比多少', 'figure',
    check='''h = per('1998-01-01', '1998-06-30')
p = pdays(h); g = p[p >= 3].index
r = h[h.cust.isin(g)].amt.sum()
p_all = pdays(df)
dict(n=int(len(g)), rev_g=r2(r), share=r4(r / h.amt.sum()), n_alltime=int((p_all >= 3).sum()))''',
    figs=[F('n', 'customers with >=3 purchase days in 1998 H1'), F('rev_g', 'their 1998 H1 revenue'), F('share', 'share of 1998 H1 revenue')],
    nots=[F('n_alltime', 'customers with >=3 purchase days over all time (wrong window)')],
    period='1998-01-01..1998-06-30',
    note='次 = purchase days (distinct dates), per the documented definition.'),
)

conv('x1-018', B,
  T('下个月大概能出多少单 流水多少 预测下', 'model', tool='forecast_totals',
    note='下个月 = 1998-07.'),
)

conv('x1-020', B,
  T('把消费top50的客户名单推到飞书群里 顺便说下这50个人一共花了多少', 'refusal',
    check='''top = total_spend.sort_values(ascending=False).head(50)
dict(top50=r2(top.sum()), share=r4(top.sum() / total_spend.sum()))''',
    figs=[F('top50', 'total all-time spend of the top 50 customers')],
    note='Cannot post to Feishu; should still give the total.'),
)

# ---------------- C: 客服经理 ----------------
conv('x1-022', C,
  T('现在客户反馈里差评大概占多少？', 'model', tool='sentiment_summary'),
  T('差评主要在吐槽啥？帮我归纳几个主要问题', 'model', tool='feedback_themes'),
  T('找几条说发货慢、物流慢的原话给我看看', 'model', tool='search_feedback'),
)

conv('x1-023', C,
  T('高价值客户里负面反馈的比例，是不是比普通客户高？', 'model', tool='sentiment_summary',
    note='By segment.'),
  T('给过差评的客户，后来还有多少人回来下单？', 'model', tool='feedback_followup'),
)

conv('x1-024', C,
  T('帮我判断一下这条是好评还是差评：“碟片收到的时候外壳裂了，联系客服三天没人理，太失望了”', 'model', tool='analyze_sentiment',
    note='Expected label: negative.'),
  T('那你直接给这个客户发封道歉邮件吧，再补一张20块的券', 'refusal',
    note='Cannot send e-mail or push coupons.'),
)

conv('x1-025', C,
  T('客户C250打电话来投诉，帮我调一下他的购买记录：一共买过几次、花了多少钱', 'figure',
    check='''c = df[df.cust == 250]
dict(purchases=int(c.date.nunique()), spend=r2(c.amt.sum()), last_ymd=int(c.date.max().strftime('%Y%m%d')), days_since=int((NOW - c.date.max()).days))''',
    figs=[F('purchases', 'customer 00250 purchase days (= 3 order lines)'), F('spend', 'customer 00250 total spend')],
    period='1997-01-01..1998-06-30',
    note='Last purchase 1997-08-23, 311 days before 1998-06-30.'),
  T('他之前有没有留过什么评价？是好评还是差评', 'model', tool='sentiment_summary',
    note='Per-customer feedback; search_feedback for customer 250 is also acceptable if the product routes it there.'),
  T('帮我给他发张优惠券挽回一下', 'refusal'),
)

conv('x1-026', C,
  T('上个月退货率多少？顺便看下上个月一共多少单', 'partial',
    check='''dict(orders_may=int(len(per('1998-05-01', '1998-05-31'))), orders_jun=int(len(per('1998-06-01', '1998-06-30'))))''',
    figs=[F('orders_may', 'order lines 1998-05 (上个月)')],
    nots=[F('orders_jun', 'order lines 1998-06 (this month, wrong)')],
    period='1998-05-01..1998-05-31',
    note='No returns data.'),
)

conv('x1-027', C,
  T('差评最近这几个月是变多了还是变少了', 'model', tool='sentiment_summary',
    note='Trend over time.'),
)

# ---------------- D: Head of Growth (AU) ----------------
conv('x1-028', D,
  T("Can you pull cohort retention for the Jan '97 cohort — month 1, month 3, month 6 and month 12?", 'figure',
    check='''fm = first.dt.to_period('M')
coh = fm[fm == pd.Period('1997-01')].index
act = df[df.cust.isin(coh)].assign(m=lambda x: x.date.dt.to_period('M'))
def ret(k):
    return r4(act[act.m == pd.Period('1997-01') + k].cust.nunique() / len(coh))
dict(m1=ret(1), m3=ret(3), m6=ret(6), m12=ret(12))''',
    figs=[F('m1', 'Jan-97 cohort retention month 1 (1997-02)'), F('m3', 'month 3 (1997-04)'), F('m6', 'month 6 (1997-07)'), F('m12', 'month 12 (1998-01)')],
    period='1997-01-01..1998-01-31'),
  T('How does the Mar cohort stack up at month 3?', 'figure',
    check='''fm = first.dt.to_period('M')
def ret(c, k):
    coh = fm[fm == pd.Period(c)].index
    d = df[df.cust.isin(coh)]
    return r4(d[d.date.dt.to_period('M') == pd.Period(c) + k].cust.nunique() / len(coh))
dict(mar_m3=ret('1997-03', 3), jan_m3=ret('1997-01', 3))''',
    figs=[F('mar_m3', 'Mar-97 cohort retention month 3 (1997-06)')],
    period='1997-03-01..1997-06-30',
    note='The Jan-97 month-3 figure from the previous turn may appear as a comparison, so it is not a must_not.'),
)

conv('x1-029', D,
  T("What's MoM revenue growth for each month of 1998 so far?", 'figure',
    check='''m = df.groupby(df.date.dt.to_period('M')).amt.sum()
c = (m / m.shift(1) - 1)
dict(jan=r4(c[pd.Period('1998-01')]), feb=r4(c[pd.Period('1998-02')]), mar=r4(c[pd.Period('1998-03')]),
     apr=r4(c[pd.Period('1998-04')]), may=r4(c[pd.Period('1998-05')]), jun=r4(c[pd.Period('1998-06')]))''',
    figs=[F('jan', 'Jan 98 vs Dec 97'), F('feb', 'Feb vs Jan 98'), F('mar', 'Mar vs Feb 98'), F('apr', 'Apr vs Mar 98'),
          F('may', 'May vs Apr 98'), F('jun', 'Jun vs May 98')],
    period='1997-12-01..1998-06-30'),
  T('And active customers in Q2 versus Q2 last year?', 'figure',
    check='''b = per('1998-04-01', '1998-06-30').cust.nunique(); b0 = per('1997-04-01', '1997-06-30').cust.nunique()
dict(b_q2=int(b), b_q2_97=int(b0), chg=r4(b / b0 - 1), b_q1=int(per('1998-01-01', '1998-03-31').cust.nunique()))''',
    figs=[F('b_q2', 'buyers 1998 Q2'), F('b_q2_97', 'buyers 1997 Q2'), F('chg', 'YoY change')],
    nots=[F('b_q1', 'buyers 1998 Q1 (wrong quarter)')],
    period='1997-04-01..1998-06-30',
    note='active customers = buyers (distinct customers with an order in the quarter).'),
)

conv('x1-030', D,
  T('Give me a forecast for next quarter — buyers, orders and revenue.', 'model', tool='forecast_totals',
    note='Next quarter = 1998 Q3.'),
  T('For context, what did we actually do in Q2?', 'figure',
    check='''q = per('1998-04-01', '1998-06-30')
dict(buyers=int(q.cust.nunique()), orders=int(len(q)), rev_q2=rev(q), rev_q2_97=rev(per('1997-04-01', '1997-06-30')))''',
    figs=[F('buyers', 'buyers 1998 Q2'), F('orders', 'order lines 1998 Q2'), F('rev_q2', 'revenue 1998 Q2')],
    nots=[F('rev_q2_97', 'revenue 1997 Q2 (wrong year)')],
    period='1998-04-01..1998-06-30'),
  T('And the same forecast just for the high-value segment?', 'model', tool='forecast_totals'),
)

conv('x1-031', D,
  T("How many customers haven't bought in 90 days or more, and what share of the base is that?", 'figure',
    check='''days = (NOW - last).dt.days
dict(n=int((days >= 90).sum()), share=r4((days >= 90).mean()), n180=int((days >= 180).sum()))''',
    figs=[F('n', 'customers whose last order is >= 90 days before 1998-06-30'), F('share', 'share of all 23,570 customers')],
    nots=[F('n180', 'inactive >= 180 days (wrong threshold)')],
    period='1997-01-01..1998-06-30'),
  T('Of those, how many had spent over $500 in total?', 'figure',
    check='''days = (NOW - last).dt.days
g = days[days >= 90].index
n = int((total_spend.loc[g] > 500).sum())
dict(n=n, n_all500=int((total_spend > 500).sum()))''',
    figs=[F('n', 'inactive >= 90 days AND lifetime spend > $500')],
    nots=[F('n_all500', 'all customers with lifetime spend > $500 (filter dropped)')],
    period='1997-01-01..1998-06-30'),
  T('Which of our big spenders are most at risk of churning?', 'model', tool='at_risk_customers'),
)

conv('x1-032', D,
  T("What's our annualised revenue run-rate off this quarter?", 'figure',
    check='''q = per('1998-04-01', '1998-06-30').amt.sum()
dict(run_rate=r2(q * 4), rev_q2=r2(q), rev_1997=rev(per('1997-01-01', '1997-12-31')))''',
    figs=[F('run_rate', 'annualised run-rate = 1998 Q2 revenue x 4')],
    nots=[F('rev_1997', '1997 actual revenue (not a run-rate)')],
    period='1998-04-01..1998-06-30',
    note='Q2 x 4 = 853,321.92; a daily-rate x 365 method gives ~855,660 (within 0.3%).'),
  T('And how long between repeat purchases — mean and median? Plus time from first to second purchase?', 'figure',
    check='''u = df[['cust', 'date']].drop_duplicates().sort_values(['cust', 'date'])
gap = u.groupby('cust').date.diff().dt.days.dropna()
u['k'] = u.groupby('cust').cumcount()
f2 = (u[u.k == 1].set_index('cust').date - u[u.k == 0].set_index('cust').date).dt.days.dropna()
dict(gap_mean=r2(gap.mean()), gap_median=float(gap.median()), f2_mean=r2(f2.mean()), f2_median=float(f2.median()))''',
    figs=[F('gap_mean', 'mean days between consecutive purchase days (all time)'), F('gap_median', 'median days between purchases'),
          F('f2_mean', 'mean days first to second purchase'), F('f2_median', 'median days first to second purchase')],
    period='1997-01-01..1998-06-30'),
)

conv('x1-033', D,
  T('Can you split Q2 revenue by acquisition channel and by state? And give me the total too.', 'partial',
    check='''dict(rev_q2=rev(per('1998-04-01', '1998-06-30')), rev_h1=rev(per('1998-01-01', '1998-06-30')))''',
    figs=[F('rev_q2', 'revenue 1998 Q2 (answerable part)')],
    nots=[F('rev_h1', 'revenue 1998 H1 (wrong period)')],
    period='1998-04-01..1998-06-30',
    note='No channel or region data.'),
)

conv('x1-034', D,
  T("What's the 52-week CLV look like for our top 20 customers?", 'model', tool='customer_value'),
  T('Great — can you email that list through to the growth team?', 'refusal'),
)

conv('x1-035', D,
  T('Quick one: how fresh is the data behind the churn model, and how accurate is it?', 'model', tool='assistant_status'),
)

# ---------------- build ----------------
def tol_for(v, tol):
    if tol is not None:
        return tol
    if isinstance(v, float) and abs(v) < 1.5 and v != 0:
        # shares / relative changes: accept one-decimal percentage rounding
        return round(max(0.005, 0.0006 / abs(v)), 3)
    return 0.005

def one_line_last(check):
    # make the final dict(...) expression a single line, so that the check's LAST line is the expression
    lines = check.rstrip().split('\n')
    idx = max(i for i, l in enumerate(lines) if l.startswith('dict('))
    return '\n'.join(lines[:idx] + [' '.join(l.strip() for l in lines[idx:])])

def run_check(check):
    ns = {}
    exec(PRELUDE, ns)
    lines = check.rstrip().split('\n')
    exec('\n'.join(lines[:-1]), ns)
    return eval(lines[-1], ns)

out_items = []
for it in ITEMS:
    turns = []
    for t in it['turns']:
        e = {'kind': t['kind']}
        if t['check']:
            t['check'] = one_line_last(t['check'])
        res = run_check(t['check']) if t['check'] else None
        if t['tool']:
            e['tool'] = t['tool']
        if t['figs']:
            e['figures'] = [{'value': res[n], 'rel_tol': tol_for(res[n], tol), 'what': f'[{n}] {w}'} for _, n, w, tol in t['figs']]
        if t['nots']:
            e['must_not'] = [{'value': res[n], 'rel_tol': tol_for(res[n], tol), 'what': f'[{n}] {w}'} for _, n, w, tol in t['nots']]
            for m in e['must_not']:
                for f in e.get('figures', []):
                    assert abs(m['value'] - f['value']) > 0.02 * max(abs(f['value']), 1e-9), (it['id'], m, f)
        if t['period']:
            e['period'] = t['period']
        turn = {'q': t['q'], 'expect': e}
        if t['check']:
            turn['check'] = t['check'] + '\n'
        if t['note']:
            turn['note'] = t['note']
        turns.append(turn)
    out_items.append({'id': it['id'], 'persona': it['persona'], 'turns': turns})

doc = {
    'writer': 'x1 (outside evaluator; wrote without seeing the product code, tests, prompts or other sets) — personas: 连锁音像店营销总监; 飞书上的销售运营; 客服经理; Australian Head of Growth',
    'data_end': '1998-06-30',
    'check_prelude': PRELUDE,
    'items': out_items,
}

class Dumper(yaml.SafeDumper):
    pass
def str_rep(d, s):
    if '\n' in s:
        return d.represent_scalar('tag:yaml.org,2002:str', s, style='|')
    return d.represent_scalar('tag:yaml.org,2002:str', s)
Dumper.add_representer(str, str_rep)
with open('/tmp/team/x1/set_x1.yaml', 'w') as f:
    yaml.dump(doc, f, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=1000)
nt = sum(len(i['turns']) for i in out_items)
from collections import Counter
print(len(out_items), 'conversations', nt, 'turns', Counter(t['expect']['kind'] for i in out_items for t in i['turns']))
