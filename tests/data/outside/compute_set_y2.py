"""y2 question set: spec + checks. Run with --discover to print every check's dict;
run without arguments to assert every expected value, write set_y2.yaml, reload it and re-verify."""
import sys, re, yaml, math

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
first = df.groupby('cust').date.min()
last = df.groupby('cust').date.max()
spend = df.groupby('cust').amt.sum().sort_values(ascending=False)
'''

FC = '财务总监（子公司财务负责人），准备季度董事会材料；正式书面中文，偶有语音输入'
CFO = 'Parent-company CFO, English, short questions; sometimes quotes the Chinese controller'

def F(name, value, what, tol=None):
    return dict(name=name, value=value, what=what, tol=tol)

ITEMS = []
def item(iid, persona, turns):
    ITEMS.append(dict(id=iid, persona=persona, turns=turns))
def T(q, kind, check, figures=(), must_not=(), period=None, tool=None, note=None):
    return dict(q=q, kind=kind, check=check, figures=list(figures), must_not=list(must_not), period=period, tool=tool, note=note)

# ---------------------------------------------------------------- 财务总监
item('y2-001', FC, [
    T('董事会材料需要：98年第二季度的销售收入是多少？与去年同期相比同比变动多少？', 'figure',
      "q2 = per('1998-04-01', '1998-06-30').amt.sum(); q2p = per('1997-04-01', '1997-06-30').amt.sum()\n"
      "dict(rev98q2=r2(q2), yoy=r4(q2 / q2p - 1), rev98h1=r2(per('1998-01-01', '1998-06-30').amt.sum()), all=r2(df.amt.sum()))",
      [F('rev98q2', 213330.48, 'revenue 1998 Q2'), F('yoy', -0.406, 'YoY change vs 1997 Q2 (359,153.66)')],
      [F('rev98h1', 476154.37, 'revenue 1998 H1 (wrong period: whole half-year)'), F('all', 2500315.63, 'all-time revenue (wrong period)')],
      period='1998-04-01..1998-06-30'),
    T('环比一季度呢？', 'figure',
      "q1 = per('1998-01-01', '1998-03-31').amt.sum(); q2 = per('1998-04-01', '1998-06-30').amt.sum()\n"
      "dict(rev98q1=r2(q1), mom=r4(q2 / q1 - 1), rev97q1=r2(per('1997-01-01', '1997-03-31').amt.sum()))",
      [F('rev98q1', 262823.89, 'revenue 1998 Q1 (the previous quarter)'), F('mom', -0.1883, 'QoQ change 1998 Q2 vs 1998 Q1')],
      [F('rev97q1', 1071805.47, 'revenue 1997 Q1 (wrong year for "一季度")')],
      period='1998-01-01..1998-06-30',
      note='Follow-up: 环比 of 1998 Q2 against 1998 Q1, not 1997 Q1.'),
    T('二季度的购买客户数和人均贡献收入也一并给出', 'figure',
      "d = per('1998-04-01', '1998-06-30')\n"
      "dict(buyers=int(d.cust.nunique()), rpb=r2(d.amt.sum() / d.cust.nunique()), rpb_all=r2(df.amt.sum() / df.cust.nunique()))",
      [F('buyers', 3317, 'buyers 1998 Q2'), F('rpb', 64.31, 'revenue per buyer 1998 Q2')],
      [F('rpb_all', 106.08, 'all-time revenue per customer (wrong period)')],
      period='1998-04-01..1998-06-30'),
])

item('y2-002', FC, [
    T('今年上半年对比去年上半年，收入和订单量分别同比增减多少？', 'figure',
      "a = per('1998-01-01', '1998-06-30'); b = per('1997-01-01', '1997-06-30')\n"
      "dict(rev98h1=r2(a.amt.sum()), rev97h1=r2(b.amt.sum()), yoy_rev=r4(a.amt.sum() / b.amt.sum() - 1),"
      " ord98h1=len(a), ord97h1=len(b), yoy_ord=r4(len(a) / len(b) - 1), rev97=r2(per('1997-01-01', '1997-12-31').amt.sum()))",
      [F('rev98h1', 476154.37, 'revenue 1998 H1'), F('rev97h1', 1430959.13, 'revenue 1997 H1'), F('yoy_rev', -0.6672, 'revenue YoY H1 1998 vs H1 1997'),
       F('ord98h1', 12757, 'orders (order lines) 1998 H1'), F('yoy_ord', -0.6928, 'orders YoY H1 1998 vs H1 1997')],
      [F('rev97', 2024161.26, 'full-year 1997 revenue (wrong base)')],
      period='1998-01-01..1998-06-30'),
    T('去年下半年环比上半年是什么情况？', 'figure',
      "h1 = per('1997-01-01', '1997-06-30').amt.sum(); h2 = per('1997-07-01', '1997-12-31').amt.sum()\n"
      "dict(rev97h2=r2(h2), rev97h1=r2(h1), chg=r4(h2 / h1 - 1))",
      [F('rev97h2', 593202.13, 'revenue 1997 H2'), F('rev97h1', 1430959.13, 'revenue 1997 H1'), F('chg', -0.5855, 'change 1997 H2 vs 1997 H1')],
      period='1997-01-01..1997-12-31'),
    T('那今年上半年对比去年下半年呢，环比', 'figure',
      "h2 = per('1997-07-01', '1997-12-31').amt.sum(); h = per('1998-01-01', '1998-06-30').amt.sum()\n"
      "dict(rev98h1=r2(h), rev97h2=r2(h2), chg=r4(h / h2 - 1))",
      [F('rev98h1', 476154.37, 'revenue 1998 H1'), F('chg', -0.1973, 'change 1998 H1 vs 1997 H2')],
      period='1997-07-01..1998-06-30'),
])

item('y2-003', FC, [
    T('按本季度的收入水平做年化，run-rate 是多少？', 'figure',
      "q2 = per('1998-04-01', '1998-06-30').amt.sum()\n"
      "dict(runrate=r2(q2 * 4), rev98q2=r2(q2), rev97=r2(per('1997-01-01', '1997-12-31').amt.sum()))",
      [F('runrate', 853321.92, 'annualised run-rate = 1998 Q2 revenue x 4 (x 365/91 = 855,666 is within tolerance)'),
       F('rev98q2', 213330.48, 'revenue 1998 Q2 (the basis)')],
      [],
      period='1998-04-01..1998-06-30',
      note='本季度 = 1998 Q2 (= also the last 3 months). Run-rate taken as quarter x 4; a daily-rate x 365 version differs by 0.27%.'),
    T('如果改用今年上半年的月均收入来年化呢？', 'figure',
      "h = per('1998-01-01', '1998-06-30').amt.sum()\n"
      "dict(avg_m=r2(h / 6), annual=r2(h / 6 * 12))",
      [F('avg_m', 79359.06, 'average monthly revenue 1998 H1'), F('annual', 952308.74, 'annualised = monthly average x 12')],
      period='1998-01-01..1998-06-30'),
    T('这个数跟97年全年实际收入相比差多少，百分比？', 'figure',
      "h = per('1998-01-01', '1998-06-30').amt.sum(); y = per('1997-01-01', '1997-12-31').amt.sum()\n"
      "dict(rev97=r2(y), gap=r4(h * 2 / y - 1), gap_abs=r2(h * 2 - y))",
      [F('rev97', 2024161.26, 'revenue 1997'), F('gap', -0.5295, 'annualised H1-1998 run-rate vs 1997 actual, relative')],
      period='1997-01-01..1998-06-30',
      note='"这个数" = the H1-based annualised figure 952,308.74 from the previous turn.'),
])

item('y2-004', FC, [
    T('今年上半年收入预算是50万美元，实际完成率多少？缺口多少？', 'figure',
      "h = per('1998-01-01', '1998-06-30').amt.sum()\n"
      "dict(actual=r2(h), attain=r4(h / 500000), gap=r2(500000 - h))",
      [F('actual', 476154.37, 'actual revenue 1998 H1'), F('attain', 0.9523, 'budget attainment = actual / 500,000'),
       F('gap', 23845.63, 'shortfall vs budget (500,000 - actual)')],
      period='1998-01-01..1998-06-30'),
    T('二季度单季预算24万，完成情况呢', 'figure',
      "q = per('1998-04-01', '1998-06-30').amt.sum()\n"
      "dict(actual=r2(q), attain=r4(q / 240000), gap=r2(240000 - q), q1=r2(per('1998-01-01', '1998-03-31').amt.sum()))",
      [F('actual', 213330.48, 'actual revenue 1998 Q2'), F('attain', 0.8889, 'attainment = actual / 240,000'),
       F('gap', 26669.52, 'shortfall vs budget')],
      [F('q1', 262823.89, '1998 Q1 revenue (wrong quarter)')],
      period='1998-04-01..1998-06-30'),
])

item('y2-005', FC, [
    T('看一下收入集中度：按累计消费排名前10%的客户，贡献了从97年至今总收入的多大比例？', 'figure',
      "n = int(round(len(spend) * 0.10))\n"
      "dict(n=n, share=r4(spend.head(n).sum() / spend.sum()), rev_top=r2(spend.head(n).sum()))",
      [F('share', 0.5094, 'share of all-time revenue from the top 10% of customers (2,357) by total spend'),
       F('rev_top', 1273728.95, 'their all-time revenue')],
      period='1997-01-01..1998-06-30'),
    T('前1%呢', 'figure',
      "n = int(round(len(spend) * 0.01))\n"
      "dict(n=n, share=r4(spend.head(n).sum() / spend.sum()), share235=r4(spend.head(235).sum() / spend.sum()))",
      [F('share', 0.1588, 'share of all-time revenue from the top 1% (236 customers; 235 gives 0.1584, within tolerance)')],
      period='1997-01-01..1998-06-30'),
    T('前20大客户合计占多少', 'figure',
      "dict(rev20=r2(spend.head(20).sum()), share20=r4(spend.head(20).sum() / spend.sum()))",
      [F('rev20', 101324.41, 'all-time revenue of the top 20 customers'), F('share20', 0.0405, 'their share of all-time revenue')],
      period='1997-01-01..1998-06-30'),
])

item('y2-006', FC, [
    T('请列出今年1-6月每月收入及环比', 'figure',
      "m = per('1997-12-01', '1998-06-30').groupby(lambda i: df.date[i].strftime('%Y-%m')).amt.sum()\n"
      "out = {('m' + k[-2:] if k.startswith('1998') else 'dec97'): r2(v) for k, v in m.items()}\n"
      "out.update(mom01=r4(m['1998-01'] / m['1997-12'] - 1), mom04=r4(m['1998-04'] / m['1998-03'] - 1), mom06=r4(m['1998-06'] / m['1998-05'] - 1))\n"
      "out",
      [F('m01', 76756.78, 'revenue 1998-01'), F('m02', 77096.96, 'revenue 1998-02'), F('m03', 108970.15, 'revenue 1998-03'),
       F('m04', 66231.52, 'revenue 1998-04'), F('m05', 70989.66, 'revenue 1998-05'), F('m06', 76109.3, 'revenue 1998-06'),
       F('mom04', -0.3922, 'MoM April vs March 1998'), F('mom06', 0.0721, 'MoM June vs May 1998')],
      period='1998-01-01..1998-06-30',
      note='January MoM vs 1997-12 (95,577.35) is -0.1969; not required.'),
    T('哪个月最低？比最高月低多少？', 'figure',
      "m = per('1998-01-01', '1998-06-30').groupby(df.date.dt.month).amt.sum()\n"
      "dict(low=r2(m.min()), low_month=int(m.idxmin()), high=r2(m.max()), diff=r2(m.max() - m.min()), rel=r4(m.min() / m.max() - 1))",
      [F('low', 66231.52, 'lowest month = April 1998'), F('high', 108970.15, 'highest month = March 1998')],
      period='1998-01-01..1998-06-30',
      note='Lowest month April 1998; gap to March = 42,738.63 or -39.2%; either is fine, so the gap is not required.'),
])

item('y2-007', FC, [
    T('今年上半年收入中，新客户和老客户分别贡献多少？', 'figure',
      "h = per('1998-01-01', '1998-06-30'); isnew = h.cust.map(first) >= pd.Timestamp('1998-01-01')\n"
      "dict(rev_ret=r2(h.amt[~isnew].sum()), rev_new=r2(h.amt[isnew].sum()), new_cust=int(((first >= pd.Timestamp('1998-01-01'))).sum()),"
      " ret_share=r4(h.amt[~isnew].sum() / h.amt.sum()), buyers=int(h.cust.nunique()))",
      [F('rev_ret', 476154.37, 'revenue from returning customers 1998 H1 (= all of it)'), F('ret_share', 1.0, 'returning share of revenue')],
      period='1998-01-01..1998-06-30',
      note='There are NO new customers in 1998 (every CDNOW customer first bought in 1997 Q1): new-customer revenue = 0, new customers = 0.'),
    T('那客户都是什么时候获取的？请按去年各季度列新增客户数', 'figure',
      "f = first.dt.to_period('Q').astype(str).value_counts()\n"
      "dict(q1=int(f.get('1997Q1', 0)), q2=int(f.get('1997Q2', 0)), q3=int(f.get('1997Q3', 0)), q4=int(f.get('1997Q4', 0)),"
      " jan=int((first.dt.month == 1).sum()), feb=int((first.dt.month == 2).sum()), mar=int((first.dt.month == 3).sum()))",
      [F('q1', 23570, 'new customers 1997 Q1 (all of them; Q2-Q4 have 0)')],
      period='1997-01-01..1997-12-31',
      note='By month: Jan 7,846 / Feb 8,476 / Mar 7,248; Q2-Q4 1997 = 0.'),
])

item('y2-008', FC, [
    T('97年全年的复够率是多少？98年上半年呢？', 'figure',
      "def rr(d):\n"
      "    pdays = d.groupby('cust').date.nunique()\n"
      "    return (pdays >= 2).mean()\n"
      "dict(rr97=r4(rr(per('1997-01-01', '1997-12-31'))), rr98h1=r4(rr(per('1998-01-01', '1998-06-30'))), rr_all=r4(rr(df)))",
      [F('rr97', 0.4451, 'repeat rate 1997 (buyers with >=2 purchase days in 1997)'),
       F('rr98h1', 0.4927, 'repeat rate 1998 H1')],
      [F('rr_all', 0.4886, 'all-time repeat rate (wrong period)')],
      period='1997-01-01..1998-06-30',
      note='复够率 = typo for 复购率.'),
    T('98年上半年复购客户的人均消费是多少，和只买一次的客户比差多少倍', 'figure',
      "h = per('1998-01-01', '1998-06-30'); pdays = h.groupby('cust').date.nunique(); sp = h.groupby('cust').amt.sum()\n"
      "rep = sp[pdays >= 2]; one = sp[pdays == 1]\n"
      "dict(rep_avg=r2(rep.mean()), one_avg=r2(one.mean()), ratio=round(float(rep.mean() / one.mean()), 2), n_rep=len(rep), n_one=len(one))",
      [F('rep_avg', 141.99, 'H1-1998 spend per repeat buyer (>=2 purchase days in H1 1998)'),
       F('one_avg', 36.74, 'H1-1998 spend per one-time buyer')],
      period='1998-01-01..1998-06-30',
      note='差多少倍: ratio 3.86 (repeat / one-time), i.e. 2.86x more; either wording is fine, so it is not a required figure.'),
])

item('y2-009', FC, [
    T('客单价按季度的走势，从97年Q1到98年Q2列一下', 'figure',
      "q = df.groupby(df.date.dt.to_period('Q')).amt.agg(['sum', 'size'])\n"
      "{('aov' + str(k).lower().replace('19', '')): r2(r['sum'] / r['size']) for k, r in q.iterrows()}",
      [F('aov97q1', 33.71, 'AOV 1997 Q1'), F('aov97q2', 36.91, 'AOV 1997 Q2'), F('aov97q3', 38.69, 'AOV 1997 Q3'),
       F('aov97q4', 38.49, 'AOV 1997 Q4'), F('aov98q1', 38.36, 'AOV 1998 Q1'), F('aov98q2', 36.12, 'AOV 1998 Q2')],
      period='1997-01-01..1998-06-30',
      note='客单价 = revenue / order lines, per the documented definition.'),
    T('98年二季度客单价同比去年二季度变化多少', 'figure',
      "a = per('1998-04-01', '1998-06-30').amt; b = per('1997-04-01', '1997-06-30').amt\n"
      "dict(aov98q2=r2(a.mean()), aov97q2=r2(b.mean()), yoy=r4(a.mean() / b.mean() - 1))",
      [F('aov98q2', 36.12, 'AOV 1998 Q2'), F('aov97q2', 36.91, 'AOV 1997 Q2'), F('yoy', -0.0214, 'YoY change of AOV')],
      period='1997-04-01..1998-06-30'),
])

item('y2-010', FC, [
    T('97年1月首购的那批客户，到第12个月（98年1月）还有多少比例在购买？', 'figure',
      "coh = first[first.dt.to_period('M') == pd.Period('1997-01')].index\n"
      "act = set(per('1998-01-01', '1998-01-31').cust)\n"
      "dict(ret12=r4(np.mean([c in act for c in coh])), cohort=len(coh), n=int(sum(c in act for c in coh)))",
      [F('ret12', 0.0673, 'month-12 retention of the 1997-01 cohort (7,846 customers)')],
      period='1997-01-01..1998-01-31'),
    T('2月和3月那两批呢，也看第12个月', 'figure',
      "def ret(m0, a, b):\n"
      "    coh = first[first.dt.to_period('M') == pd.Period(m0)].index\n"
      "    act = set(per(a, b).cust)\n"
      "    return r4(np.mean([c in act for c in coh]))\n"
      "dict(feb=ret('1997-02', '1998-02-01', '1998-02-28'), mar=ret('1997-03', '1998-03-01', '1998-03-31'))",
      [F('feb', 0.067, 'month-12 retention of the 1997-02 cohort (in 1998-02)'),
       F('mar', 0.0935, 'month-12 retention of the 1997-03 cohort (in 1998-03)')],
      period='1997-02-01..1998-03-31'),
])

item('y2-011', FC, [
    T('超过一百八十天没下单的客户有多少 占全部客户的比例', 'figure',
      "ina = (NOW - last).dt.days >= 180\n"
      "dict(n=int(ina.sum()), share=r4(ina.mean()))",
      [F('n', 18210, 'customers inactive >= 180 days (last order on or before 1998-01-01)'), F('share', 0.7726, 'share of all 23,570 customers')]),
    T('这批客户历史累计贡献了多少收入，占比多少', 'figure',
      "ina = last[(NOW - last).dt.days >= 180].index\n"
      "dict(rev=r2(spend[ina].sum()), share=r4(spend[ina].sum() / spend.sum()))",
      [F('rev', 1054006.02, 'all-time revenue of the 180-day-inactive customers'), F('share', 0.4215, 'share of all-time revenue')]),
    T('其中累计消费超过500美元的有几个人', 'figure',
      "ina = last[(NOW - last).dt.days >= 180].index\n"
      "dict(n=int((spend[ina] > 500).sum()), n_all=int((spend > 500).sum()))",
      [F('n', 93, 'inactive-180 customers with all-time spend > 500')],
      [F('n_all', 734, 'all customers with spend > 500 (filter dropped)')],
      note='超过 read as strictly > 500.'),
])

item('y2-012', FC, [
    T('预测一下98年第三季度的收入、订单数和购买客户数', 'model', None, tool='forecast_totals',
      note='1998 Q3 is after the data end; only the forecast tool can answer.'),
    T('和去年三季度的实际数对比如何？', 'model',
      "d = per('1997-07-01', '1997-09-30')\n"
      "dict(rev=r2(d.amt.sum()), orders=len(d), buyers=int(d.cust.nunique()))",
      [F('rev', 292395.37, 'actual revenue 1997 Q3'), F('orders', 7558, 'actual orders 1997 Q3'), F('buyers', 4263, 'actual buyers 1997 Q3')],
      tool='forecast_totals', period='1997-07-01..1997-09-30'),
])

item('y2-013', FC, [
    T('未来一年（52周）客户终身价值最高的前20位客户，CLV合计大概多少？', 'model', None, tool='customer_value'),
])

item('y2-014', FC, [
    T('目前客户是怎么分层的？各层人数和收入贡献给我一个概览', 'model', None, tool='list_segments'),
    T('价值最高的那一层，具体画像是什么样的', 'model', None, tool='describe_segment'),
])

item('y2-015', FC, [
    T('累计消费前10%的客户中，流失风险最高的是哪些？涉及的价值有多大', 'model', None, tool='at_risk_customers'),
    T('把这份名单导出成Excel，发给销售副总', 'refusal', None,
      note='Cannot export or send; should say so and call no tool.'),
])

item('y2-016', FC, [
    T('二季度的收入、毛利和毛利率分别是多少', 'partial',
      "dict(rev=r2(per('1998-04-01', '1998-06-30').amt.sum()), h1=r2(per('1998-01-01', '1998-06-30').amt.sum()))",
      [F('rev', 213330.48, 'revenue 1998 Q2 (answerable part)')],
      [F('h1', 476154.37, 'revenue 1998 H1 (wrong period)')],
      period='1998-04-01..1998-06-30',
      note='No cost data: gross profit and margin cannot be answered.'),
])

item('y2-017', FC, [
    T('今年上半年总收入多少？按品类和销售渠道各占多少', 'partial',
      "dict(rev=r2(per('1998-01-01', '1998-06-30').amt.sum()), all=r2(df.amt.sum()))",
      [F('rev', 476154.37, 'revenue 1998 H1 (answerable part)')],
      [F('all', 2500315.63, 'all-time revenue (wrong period)')],
      period='1998-01-01..1998-06-30',
      note='No product category or channel data.'),
])

item('y2-018', FC, [
    T('累计消费最高的客户是哪一位，总共消费了多少？', 'figure',
      "dict(cust=int(spend.index[0]), spend=r2(spend.iloc[0]), orders=int((df.cust == spend.index[0]).sum()))",
      [F('cust', 7592, 'customer id 07592'), F('spend', 13990.93, 'all-time spend of customer 07592')]),
    T('他最近一次购买是什么时候？今年买了多少钱', 'figure',
      "c = int(spend.index[0]); d = df[df.cust == c]\n"
      "dict(last=d.date.max().strftime('%Y%m%d'), spend98=r2(d[d.date >= pd.Timestamp('1998-01-01')].amt.sum()), days=int((NOW - d.date.max()).days))",
      [F('spend98', 3573.88, 'spend of 07592 in 1998 (Jan-Jun)')],
      period='1998-01-01..1998-06-30',
      note='Last purchase 1998-06-29 (1 day before data end).'),
    T('这位客户未来三个月会不会流失？', 'model', None, tool='forecast_customer'),
])

item('y2-019', FC, [
    T('今年上半年单笔金额在100美元以上的订单有多少笔？占上半年收入的比重？', 'figure',
      "h = per('1998-01-01', '1998-06-30'); big = h[h.amt >= 100]\n"
      "dict(n=len(big), share=r4(big.amt.sum() / h.amt.sum()), n_all=int((df.amt >= 100).sum()))",
      [F('n', 628, 'order lines >= $100 in 1998 H1 (no line is exactly 100, so > and >= agree)'),
       F('share', 0.2019, 'their share of 1998 H1 revenue')],
      [F('n_all', 3153, 'all-time count of order lines >= $100 (wrong period)')],
      period='1998-01-01..1998-06-30'),
])

item('y2-020', FC, [
    T('本月收入多少，跟上个月比怎么样', 'figure',
      "a = per('1998-06-01', '1998-06-30').amt.sum(); b = per('1998-05-01', '1998-05-31').amt.sum()\n"
      "dict(jun=r2(a), may=r2(b), mom=r4(a / b - 1))",
      [F('jun', 76109.3, 'revenue 1998-06'), F('may', 70989.66, 'revenue 1998-05'), F('mom', 0.0721, 'MoM June vs May 1998')],
      period='1998-05-01..1998-06-30'),
    T('同比去年6月呢', 'figure',
      "a = per('1998-06-01', '1998-06-30').amt.sum(); b = per('1997-06-01', '1997-06-30').amt.sum()\n"
      "dict(jun97=r2(b), yoy=r4(a / b - 1))",
      [F('jun97', 108395.87, 'revenue 1997-06'), F('yoy', -0.2979, 'YoY June 1998 vs June 1997')],
      period='1997-06-01..1998-06-30'),
])

item('y2-021', FC, [
    T('客户反馈里，负面评价占多大比例？', 'model', None, tool='sentiment_summary'),
    T('负面反馈主要集中在哪几类问题？给几条原文', 'model', None, tool='feedback_themes'),
    T('给过差评的客户，后来还有多少比例再次下单', 'model', None, tool='feedback_followup'),
])

item('y2-022', FC, [
    T('九七年的月均收入跟月均订单量是多少', 'figure',
      "d = per('1997-01-01', '1997-12-31')\n"
      "dict(avg_rev=r2(d.amt.sum() / 12), avg_ord=round(len(d) / 12, 1), rev=r2(d.amt.sum()))",
      [F('avg_rev', 168680.11, 'average monthly revenue 1997'), F('avg_ord', 4741.8, 'average monthly orders 1997')],
      period='1997-01-01..1997-12-31'),
    T('一季度是首购集中期，剔除一季度后的月均是多少', 'figure',
      "d = per('1997-04-01', '1997-12-31')\n"
      "dict(avg_rev=r2(d.amt.sum() / 9), avg_ord=round(len(d) / 9, 1))",
      [F('avg_rev', 105817.31, 'average monthly revenue Apr-Dec 1997'), F('avg_ord', 2789.3, 'average monthly orders Apr-Dec 1997')],
      period='1997-04-01..1997-12-31'),
])

item('y2-023', FC, [
    T('帮我把98年上半年的经营数据做成PPT，直接发给董事会秘书。另外上半年一共多少笔订单？', 'refusal',
      "dict(orders=len(per('1998-01-01', '1998-06-30')), orders_all=len(df))",
      [F('orders', 12757, 'orders (order lines) 1998 H1')],
      [F('orders_all', 69659, 'all-time order lines (wrong period)')],
      period='1998-01-01..1998-06-30',
      note='Cannot make a PPT or send; must answer the order count.'),
])

item('y2-024', FC, [
    T('客户平均隔多少天回购一次？用98年上半年的数据，均值和中位数都要', 'figure',
      "pdays = df[['cust', 'date']].drop_duplicates().sort_values(['cust', 'date'])\n"
      "pdays['gap'] = pdays.groupby('cust').date.diff().dt.days\n"
      "g = pdays[(pdays.date >= pd.Timestamp('1998-01-01')) & pdays.gap.notna()].gap\n"
      "dict(mean=round(float(g.mean()), 1), median=float(g.median()), n=len(g))",
      [F('mean', 109.8, 'mean days between purchases, dated by the later day in 1998 H1', tol=0.01),
       F('median', 52.0, 'median days between purchases in 1998 H1')],
      period='1998-01-01..1998-06-30',
      note='Gaps whose later purchase day is in 1998 H1 (the earlier day may be in 1997), per the documented definition.'),
])

item('y2-025', FC, [
    T('今年上半年有过购买的活跃客户有多少，占客户总数的比例', 'figure',
      "h = per('1998-01-01', '1998-06-30')\n"
      "dict(buyers=int(h.cust.nunique()), share=r4(h.cust.nunique() / df.cust.nunique()))",
      [F('buyers', 5374, 'buyers 1998 H1'), F('share', 0.228, 'share of all 23,570 customers')],
      period='1998-01-01..1998-06-30'),
    T('这些客户按省份分布如何？另外他们上半年的人均消费是多少', 'partial',
      "h = per('1998-01-01', '1998-06-30')\n"
      "dict(rpb=r2(h.amt.sum() / h.cust.nunique()), rpb_all=r2(df.amt.sum() / df.cust.nunique()))",
      [F('rpb', 88.6, 'revenue per buyer 1998 H1')],
      [F('rpb_all', 106.08, 'all-time revenue per customer (wrong period)')],
      period='1998-01-01..1998-06-30',
      note='No region/province data.'),
])

# ---------------------------------------------------------------- CFO (English)
item('y2-026', CFO, [
    T('FY97 revenue? And how much of it was Q1?', 'figure',
      "y = per('1997-01-01', '1997-12-31').amt.sum(); q = per('1997-01-01', '1997-03-31').amt.sum()\n"
      "dict(rev97=r2(y), q1=r2(q), q1_share=r4(q / y), all=r2(df.amt.sum()))",
      [F('rev97', 2024161.26, 'revenue 1997'), F('q1', 1071805.47, 'revenue 1997 Q1'), F('q1_share', 0.5295, 'Q1 share of FY97')],
      [F('all', 2500315.63, 'all-time revenue (wrong period)')],
      period='1997-01-01..1997-12-31'),
    T('So are we shrinking? H1 98 vs H1 97', 'figure',
      "a = per('1998-01-01', '1998-06-30').amt.sum(); b = per('1997-01-01', '1997-06-30').amt.sum()\n"
      "dict(h98=r2(a), h97=r2(b), yoy=r4(a / b - 1))",
      [F('h98', 476154.37, 'revenue 1998 H1'), F('h97', 1430959.13, 'revenue 1997 H1'), F('yoy', -0.6672, 'YoY change')],
      period='1997-01-01..1998-06-30'),
])

item('y2-027', CFO, [
    T("Controller's pack says 二季度收入同比下降约40%. Confirm with exact numbers pls, USD", 'figure',
      "a = per('1998-04-01', '1998-06-30').amt.sum(); b = per('1997-04-01', '1997-06-30').amt.sum()\n"
      "dict(q2_98=r2(a), q2_97=r2(b), yoy=r4(a / b - 1))",
      [F('q2_98', 213330.48, 'revenue 1998 Q2'), F('q2_97', 359153.66, 'revenue 1997 Q2'), F('yoy', -0.406, 'YoY change (-40.6%)')],
      period='1997-04-01..1998-06-30'),
    T('revenue per customer, same quarter, vs last year?', 'figure',
      "a = per('1998-04-01', '1998-06-30'); b = per('1997-04-01', '1997-06-30')\n"
      "x = a.amt.sum() / a.cust.nunique(); y = b.amt.sum() / b.cust.nunique()\n"
      "dict(rpb98=r2(x), rpb97=r2(y), chg=r4(x / y - 1))",
      [F('rpb98', 64.31, 'revenue per buyer 1998 Q2'), F('rpb97', 66.81, 'revenue per buyer 1997 Q2'), F('chg', -0.0373, 'YoY change')],
      period='1997-04-01..1998-06-30',
      note='Revenue per customer = revenue / buyers in the quarter.'),
])

item('y2-028', CFO, [
    T('Top 100 customers - share of total revenue since inception?', 'figure',
      "dict(rev100=r2(spend.head(100).sum()), share=r4(spend.head(100).sum() / spend.sum()))",
      [F('rev100', 247679.82, 'all-time revenue of the top 100 customers by spend'), F('share', 0.0991, 'share of all-time revenue')],
      period='1997-01-01..1998-06-30'),
    T('how many of those 100 bought anything in the last 3 months?', 'figure',
      "act = set(per('1998-04-01', '1998-06-30').cust)\n"
      "dict(n=int(sum(c in act for c in spend.head(100).index)))",
      [F('n', 85, 'top-100 customers with an order in 1998-04-01..1998-06-30')],
      period='1998-04-01..1998-06-30'),
])

item('y2-029', CFO, [
    T('Forecast H2 98 revenue.', 'model', None, tool='forecast_totals'),
    T("what's the model's test accuracy and how old is it?", 'model', None, tool='assistant_status'),
])

item('y2-030', CFO, [
    T('Gross margin by quarter for 1998?', 'partial',
      "dict(q1=r2(per('1998-01-01', '1998-03-31').amt.sum()), q2=r2(per('1998-04-01', '1998-06-30').amt.sum()), q1_97=r2(per('1997-01-01', '1997-03-31').amt.sum()))",
      [F('q1', 262823.89, 'revenue 1998 Q1 (answerable part)'), F('q2', 213330.48, 'revenue 1998 Q2 (answerable part)')],
      [F('q1_97', 1071805.47, 'revenue 1997 Q1 (wrong year)')],
      period='1998-01-01..1998-06-30',
      note='No cost data: margin unanswerable; quarterly revenue is the answerable part.'),
    T('Fine. Email me that quarterly revenue table.', 'refusal', None,
      note='Cannot e-mail; should say so (it may restate the table already given).'),
])

item('y2-031', CFO, [
    T('Last 30 days revenue and orders?', 'figure',
      "d = per('1998-06-01', '1998-06-30')\n"
      "dict(rev=r2(d.amt.sum()), orders=len(d))",
      [F('rev', 76109.3, 'revenue 1998-06-01..06-30'), F('orders', 2043, 'orders in the same 30 days')],
      period='1998-06-01..1998-06-30'),
    T('and last week?', 'figure',
      "d = per('1998-06-22', '1998-06-28')\n"
      "dict(rev=r2(d.amt.sum()), orders=len(d))",
      [F('rev', 13063.32, 'revenue 1998-06-22..06-28 (ISO week before the current one)'), F('orders', 381, 'orders that week')],
      period='1998-06-22..1998-06-28'),
])

item('y2-032', CFO, [
    T("How many customers have we effectively lost - nothing bought in 12 months?", 'figure',
      "ina = (NOW - last).dt.days >= 365\n"
      "dict(n=int(ina.sum()), share=r4(ina.mean()))",
      [F('n', 15238, 'customers inactive >= 365 days (last order on or before 1997-06-30)'), F('share', 0.6465, 'share of all customers')],
      note='12 months read as 365 days (inactive N days definition).'),
    T('what % of FY97 revenue came from them?', 'figure',
      "ids = set(last[(NOW - last).dt.days >= 365].index); d = per('1997-01-01', '1997-12-31')\n"
      "dict(rev=r2(d[d.cust.isin(ids)].amt.sum()), share=r4(d[d.cust.isin(ids)].amt.sum() / d.amt.sum()))",
      [F('rev', 652288.95, 'FY97 revenue from the 365-day-inactive customers'), F('share', 0.3223, 'share of FY97 revenue')],
      period='1997-01-01..1997-12-31'),
])


item('y2-033', FC, [
    T('有位客户的留言，帮我判断一下情绪：“发货拖了两个星期，盒子还压坏了，客服也不回，以后不会再买了。”', 'model', None, tool='analyze_sentiment'),
    T('库里有没有类似抱怨物流慢、包装破损的反馈？找几条出来', 'model', None, tool='search_feedback'),
])

# ----------------------------------------------------------------------------------------------
def run_check(code):
    g = {}
    exec(PRELUDE, g)
    lines = code.rstrip('\n').split('\n')
    # last line(s) = expression; find the start of the final top-level statement
    i = len(lines) - 1
    while i > 0 and lines[i].startswith((' ', ')')):
        i -= 1
    exec('\n'.join(lines[:i]), g)
    return eval('\n'.join(lines[i:]), g)

def close(a, b):
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)

def tol_for(name_value, tol):
    if tol is not None:
        return tol
    v = abs(float(name_value))
    if v < 1.5:  # a share / relative change: accept a 1-decimal percentage
        return round(max(0.005, 0.0006 / v), 4) if v else 0.005
    return 0.005

def build(discover=False):
    out_items = []
    ok = True
    for it in ITEMS:
        turns = []
        for t in it['turns']:
            res = run_check(t['check']) if t['check'] else None
            if discover:
                print(it['id'], t['q'][:30], res)
            exp = {'kind': t['kind']}
            if t['tool']:
                exp['tool'] = t['tool']
            for key in ('figures', 'must_not'):
                if t[key]:
                    lst = []
                    for f in t[key]:
                        if res is not None and not close(res[f['name']], f['value']):
                            ok = False
                            print('MISMATCH', it['id'], key, f['name'], 'spec', f['value'], 'check', res[f['name']])
                        lst.append({'value': f['value'], 'rel_tol': tol_for(f['value'], f['tol']), 'what': '[%s] %s' % (f['name'], f['what'])})
                    exp[key] = lst
            if t['period']:
                exp['period'] = t['period']
            turn = {'q': t['q'], 'expect': exp}
            if t['check']:
                turn['check'] = t['check'] + ('\n' if not t['check'].endswith('\n') else '')
            if t['note']:
                turn['note'] = t['note']
            turns.append(turn)
        out_items.append({'id': it['id'], 'persona': it['persona'], 'turns': turns})
    return ok, out_items

class LitStr(str):
    pass
def lit_rep(dumper, data):
    return dumper.represent_scalar('tag:yaml.org,2002:str', data, style='|')
yaml.add_representer(LitStr, lit_rep, Dumper=yaml.SafeDumper)

def to_lit(o):
    if isinstance(o, dict):
        return {k: (LitStr(v) if k in ('check', 'check_prelude') else to_lit(v)) for k, v in o.items()}
    if isinstance(o, list):
        return [to_lit(x) for x in o]
    return o

def verify_yaml(path):
    doc = yaml.safe_load(open(path, encoding='utf-8'))
    n_turn = 0; kinds = {}
    for it in doc['items']:
        for t in it['turns']:
            n_turn += 1
            e = t['expect']; kinds[e['kind']] = kinds.get(e['kind'], 0) + 1
            assert e['kind'] in ('figure', 'model', 'refusal', 'partial')
            if e['kind'] == 'model':
                assert e.get('tool')
            if e['kind'] in ('figure', 'partial'):
                assert e.get('figures') and t.get('check'), (it['id'], t['q'])
            if 'check' in t:
                g = {}
                exec(doc['check_prelude'], g)
                res = run_check_with(doc['check_prelude'], t['check'])
                for key in ('figures', 'must_not'):
                    for f in e.get(key, []):
                        name = re.match(r'\[(\w+)\]', f['what']).group(1)
                        assert close(res[name], f['value']), (it['id'], name, res[name], f['value'])
    return len(doc['items']), n_turn, kinds

def run_check_with(prelude, code):
    g = {}
    exec(prelude, g)
    lines = code.rstrip('\n').split('\n')
    i = len(lines) - 1
    while i > 0 and lines[i].startswith((' ', ')')):
        i -= 1
    exec('\n'.join(lines[:i]), g)
    return eval('\n'.join(lines[i:]), g)

if __name__ == '__main__':
    discover = '--discover' in sys.argv
    ok, items = build(discover)
    if discover:
        sys.exit(0)
    assert ok, 'spec values do not match the checks'
    doc = {'writer': 'y2 (outside evaluator; wrote without seeing the product code, tests, prompts or other sets) — personas: '
                     '财务总监 preparing a board pack (formal Chinese; quarters, half-years, 同比/环比, run-rate, budget vs actual, '
                     'revenue per customer, 收入集中度); parent-company CFO asking short English questions',
           'data_end': '1998-06-30', 'check_prelude': PRELUDE, 'items': items}
    path = '/tmp/team/y2/set_y2.yaml'
    with open(path, 'w', encoding='utf-8') as fh:
        yaml.dump(to_lit(doc), fh, Dumper=yaml.SafeDumper, allow_unicode=True, sort_keys=False, width=200)
    n_conv, n_turn, kinds = verify_yaml(path)
    print('OK', path, 'conversations', n_conv, 'turns', n_turn, 'kinds', kinds)
