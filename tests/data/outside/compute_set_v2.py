# compute_set_v2.py — writer v2 (outside evaluator). Builds set_v2.yaml and asserts every figure
# by re-running each turn's `check:` (after the prelude) over the raw CDNOW file.
# Run:  /tmp/team/venv/bin/python /tmp/team/v2/compute_set_v2.py
import math, os, sys, yaml

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, 'set_v2.yaml')

PRELUDE = r'''import pandas as pd, numpy as np
F = '/tmp/team/CDNOW_master.txt'
df = pd.read_csv(F, sep=r'\s+', header=0, names=['cust', 'date', 'units', 'amt'], dtype={'date': str})
df['date'] = pd.to_datetime(df['date'], format='%Y%m%d')
df['cust'] = df['cust'].astype(int)
NOW = pd.Timestamp('1998-06-30')
def per(a, b):
    return df[(df.date >= pd.Timestamp(a)) & (df.date <= pd.Timestamp(b))]
def rev(a, b):
    return round(float(per(a, b).amt.sum()), 2)
def nord(a, b):
    return int(len(per(a, b)))
def nbuy(a, b):
    return int(per(a, b).cust.nunique())
def aov(a, b):
    d = per(a, b); return round(float(d.amt.sum() / len(d)), 2)
def rpb(a, b):
    d = per(a, b); return round(float(d.amt.sum() / d.cust.nunique()), 2)
def rel(new, old):
    return round(float(new) / float(old) - 1, 4)
def pdays_in(a, b):
    # purchase days per customer inside the window (buyers of the window only)
    return per(a, b).groupby('cust').date.nunique()
def repeat_rate(a, b):
    return round(float((pdays_in(a, b) >= 2).mean()), 4)
FIRST = df.groupby('cust').date.min()
LAST = df.groupby('cust').date.max()
SPEND = df.groupby('cust').amt.sum()
PDAYS = df.groupby('cust').date.nunique()
def retention(cohort, k):
    coh = FIRST[FIRST.dt.to_period('M') == pd.Period(cohort, 'M')].index
    m = pd.Period(cohort, 'M') + k
    active = set(df[df.date.dt.to_period('M') == m].cust)
    return round(len(set(coh) & active) / len(coh), 4)
def cust(c):
    return df[df.cust == c]
'''

def F(name, value, what, tol=0.005):
    return dict(name=name, value=value, what=what, tol=tol)

# ---------------------------------------------------------------------------------------------
# The set. Each turn: q, kind, figures (F(...)), must_not (F(...)), period, tool, check, note.
# ---------------------------------------------------------------------------------------------
P_CFO = '集团财务总监（季度/年度营收、同比、run-rate、客单价、预算对比、董事会材料）'
P_UR = '用户研究员（cohort 留存、复购间隔、一次性购买占比、购买频次分布）'
P_VOICE = '门店经理（手机语音输入，口语，语音转文字错字，中文数字）'
P_SG = 'Singapore regional manager（中英夹杂 code-mixing）'
P_TEL = '电话销售（按客户编号查单个客户，要求打电话/发东西）'

ITEMS = [
# ============================== 集团财务总监 ==============================
dict(id='v2-001', persona=P_CFO, turns=[
  dict(q='98年一季度营收多少？跟97年一季度比，同比降了多少？',
       kind='figure', period='1998-01-01..1998-03-31',
       figures=[F('rev98q1', 262823.89, 'revenue 1998 Q1'),
                F('rev97q1', 1071805.47, 'revenue 1997 Q1 (comparison base)'),
                F('yoy_q1', -0.7548, 'YoY change 1998Q1 vs 1997Q1 (relative)')],
       must_not=[F('rev98q2', 213330.48, 'revenue 1998 Q2 (wrong quarter)'),
                 F('rev98h1', 476154.37, 'revenue 1998 H1 (wrong period)')],
       check="a = rev('1998-01-01', '1998-03-31'); b = rev('1997-01-01', '1997-03-31')\n"
             "dict(rev98q1=a, rev97q1=b, yoy_q1=rel(a, b), rev98q2=rev('1998-04-01', '1998-06-30'), rev98h1=rev('1998-01-01', '1998-06-30'))"),
  dict(q='二季度呢？同样口径，也给我同比',
       kind='figure', period='1998-04-01..1998-06-30',
       figures=[F('rev98q2', 213330.48, 'revenue 1998 Q2'),
                F('rev97q2', 359153.66, 'revenue 1997 Q2'),
                F('yoy_q2', -0.406, 'YoY change 1998Q2 vs 1997Q2')],
       must_not=[F('rev98q1', 262823.89, 'revenue 1998 Q1 (previous turn scope)')],
       check="a = rev('1998-04-01', '1998-06-30'); b = rev('1997-04-01', '1997-06-30')\n"
             "dict(rev98q2=a, rev97q2=b, yoy_q2=rel(a, b), rev98q1=rev('1998-01-01', '1998-03-31'))"),
  dict(q='上半年合计是多少，同比变化多少？',
       kind='figure', period='1998-01-01..1998-06-30',
       figures=[F('rev98h1', 476154.37, 'revenue 1998 H1'),
                F('rev97h1', 1430959.13, 'revenue 1997 H1'),
                F('yoy_h1', -0.6672, 'YoY change H1 1998 vs H1 1997')],
       must_not=[F('rev97', 2024161.26, 'revenue full year 1997 (wrong base)')],
       check="a = rev('1998-01-01', '1998-06-30'); b = rev('1997-01-01', '1997-06-30')\n"
             "dict(rev98h1=a, rev97h1=b, yoy_h1=rel(a, b), rev97=rev('1997-01-01', '1997-12-31'))"),
]),
dict(id='v2-002', persona=P_CFO, turns=[
  dict(q='董事会材料要用：97年全年营收、订单数、客单价分别是多少？',
       kind='figure', period='1997-01-01..1997-12-31',
       figures=[F('rev97', 2024161.26, 'revenue 1997'),
                F('ord97', 56902, 'orders (order lines) 1997'),
                F('aov97', 35.57, 'AOV 1997 = revenue / order lines')],
       must_not=[F('rev_all', 2500315.63, 'all-time revenue (wrong period)'),
                 F('ord_all', 69659, 'all-time order lines')],
       check="dict(rev97=rev('1997-01-01', '1997-12-31'), ord97=nord('1997-01-01', '1997-12-31'), aov97=aov('1997-01-01', '1997-12-31'),\n"
             "     rev_all=round(float(df.amt.sum()), 2), ord_all=int(len(df)))"),
  dict(q='按季度拆开，每个季度各多少营收？哪个季度环比跌得最狠？',
       kind='figure', period='1997-01-01..1997-12-31',
       figures=[F('q1', 1071805.47, 'revenue 1997 Q1'), F('q2', 359153.66, 'revenue 1997 Q2'),
                F('q3', 292395.37, 'revenue 1997 Q3'), F('q4', 300806.76, 'revenue 1997 Q4'),
                F('q2_qoq', -0.6649, 'Q2 vs Q1 1997 change (the biggest drop, Q2)')],
       check="q = [rev('1997-01-01', '1997-03-31'), rev('1997-04-01', '1997-06-30'), rev('1997-07-01', '1997-09-30'), rev('1997-10-01', '1997-12-31')]\n"
             "ch = [rel(q[i], q[i-1]) for i in (1, 2, 3)]\n"
             "assert min(ch) == ch[0]\n"
             "dict(q1=q[0], q2=q[1], q3=q[2], q4=q[3], q2_qoq=ch[0])"),
]),
dict(id='v2-003', persona=P_CFO, turns=[
  dict(q='按本季度的营收水平算，年化 run-rate 大概是多少？',
       kind='figure', period='1998-04-01..1998-06-30',
       figures=[F('runrate_q2', 853321.92, 'annualised revenue = 1998 Q2 revenue x 4'),
                F('rev98q2', 213330.48, 'revenue 1998 Q2 (the base)')],
       must_not=[F('rev97', 2024161.26, 'actual 1997 revenue'),
                 F('runrate_q1', 1051295.56, 'annualised 1998 Q1 (last quarter, wrong base)')],
       note='x4 of the quarter; a day-based annualisation (213330.48/91*365 = 855,666) is within 0.3% and also passes.',
       check="a = rev('1998-04-01', '1998-06-30')\n"
             "dict(runrate_q2=round(a * 4, 2), rev98q2=a, rev97=rev('1997-01-01', '1997-12-31'), runrate_q1=round(rev('1998-01-01', '1998-03-31') * 4, 2))"),
  dict(q='那按今年上半年的月均营收推全年呢？月均多少？',
       kind='figure', period='1998-01-01..1998-06-30',
       figures=[F('mavg98h1', 79359.06, 'monthly average revenue Jan-Jun 1998'),
                F('full98_est', 952308.74, 'monthly average x 12')],
       must_not=[F('mavg97', 168680.11, '1997 monthly average (wrong year)')],
       check="a = rev('1998-01-01', '1998-06-30')\n"
             "dict(mavg98h1=round(a / 6, 2), full98_est=round(a / 6 * 12, 2), mavg97=round(rev('1997-01-01', '1997-12-31') / 12, 2))"),
  dict(q='用模型预测一下下个季度（98年Q3）营收大概多少，买家和订单数也给一下',
       kind='model', tool='forecast_totals', figures=[], check="dict()"),
]),
dict(id='v2-004', persona=P_CFO, turns=[
  dict(q='今年上半年实际营收跟预算比差多少？预算完成率多少？',
       kind='partial', period='1998-01-01..1998-06-30',
       figures=[F('rev98h1', 476154.37, 'actual revenue 1998 H1 (the answerable part)')],
       must_not=[F('rev97h1', 1430959.13, 'revenue 1997 H1 (wrong year)')],
       note='no budget data: must say the budget is not in the data (and may ask for it).',
       check="dict(rev98h1=rev('1998-01-01', '1998-06-30'), rev97h1=rev('1997-01-01', '1997-06-30'))"),
  dict(q='全年预算是一百二十万美元。按这个数，上半年完成了百分之多少？下半年还差多少才能完成？',
       kind='figure', period='1998-01-01..1998-06-30',
       figures=[F('budget_done', 0.3968, 'H1 1998 revenue / 1,200,000'),
                F('budget_gap', 723845.63, '1,200,000 - H1 1998 revenue')],
       check="a = rev('1998-01-01', '1998-06-30')\n"
             "dict(budget_done=round(a / 1200000, 4), budget_gap=round(1200000 - a, 2))"),
]),
dict(id='v2-005', persona=P_CFO, turns=[
  dict(q='客单价今年跟去年比是涨了还是跌了？幅度多少？',
       kind='figure', period='1998-01-01..1998-06-30',
       figures=[F('aov98', 37.32, 'AOV 1998 (Jan-Jun)'), F('aov97', 35.57, 'AOV 1997'),
                F('aov_chg', 0.0492, 'relative change 1998 vs 1997')],
       note='今年 = 1998 Jan-Jun (data ends 1998-06-30); compared with full-year 1997 as asked ("去年").',
       check="a = aov('1998-01-01', '1998-06-30'); b = aov('1997-01-01', '1997-12-31')\n"
             "dict(aov98=a, aov97=b, aov_chg=rel(a, b))"),
  dict(q='按购买客户算的人均消费呢？也对比一下',
       kind='figure', period='1998-01-01..1998-06-30',
       figures=[F('rpb98', 88.6, 'revenue per buyer 1998 Jan-Jun'), F('rpb97', 85.88, 'revenue per buyer 1997'),
                F('rpb_chg', 0.0317, 'relative change')],
       check="a = rpb('1998-01-01', '1998-06-30'); b = rpb('1997-01-01', '1997-12-31')\n"
             "dict(rpb98=a, rpb97=b, rpb_chg=rel(a, b))"),
]),
dict(id='v2-006', persona=P_CFO, turns=[
  dict(q='上季度的营收、下单客户数、人均贡献，给我一个board pack用的数',
       kind='figure', period='1998-01-01..1998-03-31',
       figures=[F('rev98q1', 262823.89, 'revenue 1998 Q1'), F('buy98q1', 3817, 'buyers 1998 Q1'),
                F('rpb98q1', 68.86, 'revenue per buyer 1998 Q1')],
       must_not=[F('rev98q2', 213330.48, 'revenue 1998 Q2 (this quarter, wrong)'),
                 F('buy98q2', 3317, 'buyers 1998 Q2')],
       check="dict(rev98q1=rev('1998-01-01', '1998-03-31'), buy98q1=nbuy('1998-01-01', '1998-03-31'), rpb98q1=rpb('1998-01-01', '1998-03-31'),\n"
             "     rev98q2=rev('1998-04-01', '1998-06-30'), buy98q2=nbuy('1998-04-01', '1998-06-30'))"),
  dict(q='环比呢？跟97年四季度比营收和客户数各变了多少',
       kind='figure', period='1998-01-01..1998-03-31',
       figures=[F('rev97q4', 300806.76, 'revenue 1997 Q4'), F('rev_qoq', -0.1263, 'revenue change Q1 1998 vs Q4 1997'),
                F('buy97q4', 4221, 'buyers 1997 Q4'), F('buy_qoq', -0.0957, 'buyers change Q1 1998 vs Q4 1997')],
       check="a = rev('1998-01-01', '1998-03-31'); b = rev('1997-10-01', '1997-12-31')\n"
             "c = nbuy('1998-01-01', '1998-03-31'); d = nbuy('1997-10-01', '1997-12-31')\n"
             "dict(rev97q4=b, rev_qoq=rel(a, b), buy97q4=d, buy_qoq=rel(c, d))"),
  dict(q='再把上季度的毛利和毛利率也放进去',
       kind='partial', period='1998-01-01..1998-03-31',
       figures=[],
       note='no cost/margin data: must say margin cannot be computed; may repeat Q1 revenue.',
       check="dict()"),
]),
# ============================== 用户研究员 ==============================
dict(id='v2-007', persona=P_UR, turns=[
  dict(q='97年1月首购的那批用户，次月留存是多少？第3个月呢？',
       kind='figure', period='1997-01-01..1997-04-30',
       figures=[F('ret_jan_m1', 0.1475, 'cohort 1997-01, month+1 (1997-02) retention'),
                F('ret_jan_m3', 0.1032, 'cohort 1997-01, month+3 (1997-04) retention'),
                F('coh_jan', 7846, 'cohort 1997-01 size')],
       check="dict(ret_jan_m1=retention('1997-01', 1), ret_jan_m3=retention('1997-01', 3), coh_jan=int((FIRST.dt.to_period('M') == pd.Period('1997-01', 'M')).sum()))"),
  dict(q='这批人到第12个月（满一年）还有多少在买？顺便把2月、3月cohort第12个月的也列一下',
       kind='figure', period='1997-01-01..1998-03-31',
       figures=[F('ret_jan_m12', 0.0673, 'cohort 1997-01 month 12 (1998-01)'),
                F('ret_feb_m12', 0.067, 'cohort 1997-02 month 12 (1998-02)'),
                F('ret_mar_m12', 0.0935, 'cohort 1997-03 month 12 (1998-03)')],
       check="dict(ret_jan_m12=retention('1997-01', 12), ret_feb_m12=retention('1997-02', 12), ret_mar_m12=retention('1997-03', 12))"),
]),
dict(id='v2-008', persona=P_UR, turns=[
  dict(q='整个数据期里，只买过一次的用户占比多少？',
       kind='figure', period='1997-01-01..1998-06-30',
       figures=[F('one_share', 0.5114, 'share of all customers with exactly 1 purchase day (all time)'),
                F('one_n', 12054, 'number of one-time customers')],
       check="dict(one_share=round(float((PDAYS == 1).mean()), 4), one_n=int((PDAYS == 1).sum()))"),
  dict(q='购买次数的分布呢？买1次、2次、3次、4次及以上的各有多少人',
       kind='figure', period='1997-01-01..1998-06-30',
       figures=[F('n1', 12054, 'customers with 1 purchase day'), F('n2', 4040, 'with 2'),
                F('n3', 2205, 'with 3'), F('n4p', 5271, 'with 4 or more')],
       note='次数 = purchase days (distinct customer-date), per the documented definition.',
       check="dict(n1=int((PDAYS == 1).sum()), n2=int((PDAYS == 2).sum()), n3=int((PDAYS == 3).sum()), n4p=int((PDAYS >= 4).sum()))"),
  dict(q='消费金额前20%的用户贡献了总营收的多少？',
       kind='figure', period='1997-01-01..1998-06-30',
       figures=[F('top20_share', 0.6778, 'revenue share of the top 20% of customers by total spend (4,714 customers)')],
       check="s = SPEND.sort_values(ascending=False)\n"
             "k = int(round(len(s) * 0.2))\n"
             "assert k == 4714\n"
             "dict(top20_share=round(float(s.iloc[:k].sum() / s.sum()), 4))"),
]),
dict(id='v2-009', persona=P_UR, turns=[
  dict(q='用户两次购买之间平均间隔多少天？中位数呢？',
       kind='figure', period='1997-01-01..1998-06-30',
       figures=[F('gap_mean', 72.21, 'mean days between consecutive purchase days'),
                F('gap_median', 34.0, 'median days between consecutive purchase days')],
       check="p = df[['cust', 'date']].drop_duplicates().sort_values(['cust', 'date'])\n"
             "g = p.groupby('cust').date.diff().dt.days.dropna()\n"
             "dict(gap_mean=round(float(g.mean()), 2), gap_median=round(float(g.median()), 2))"),
  dict(q='只看从第一次到第二次购买的间隔呢？',
       kind='figure', period='1997-01-01..1998-06-30',
       figures=[F('f2s_mean', 111.0, 'mean days first-to-second purchase day (customers with a 2nd)'),
                F('f2s_median', 57.0, 'median days first-to-second purchase day')],
       check="p = df[['cust', 'date']].drop_duplicates().sort_values(['cust', 'date'])\n"
             "p['k'] = p.groupby('cust').cumcount()\n"
             "w = p[p.k <= 1].pivot(index='cust', columns='k', values='date').dropna()\n"
             "d = (w[1] - w[0]).dt.days\n"
             "dict(f2s_mean=round(float(d.mean()), 2), f2s_median=round(float(d.median()), 2))"),
]),
dict(id='v2-010', persona=P_UR, turns=[
  dict(q='今年的复购率是多少？',
       kind='figure', period='1998-01-01..1998-06-30',
       figures=[F('rr98', 0.4927, 'repeat rate 1998 Jan-Jun (buyers with >=2 purchase days in the period)')],
       must_not=[F('rr97', 0.4451, 'repeat rate full 1997 (last year)')],
       check="dict(rr98=repeat_rate('1998-01-01', '1998-06-30'), rr97=repeat_rate('1997-01-01', '1997-12-31'))"),
  dict(q='跟去年同期比呢？同样是半年的窗口',
       kind='figure', period='1997-01-01..1997-06-30',
       figures=[F('rr97h1', 0.3403, 'repeat rate 1997 Jan-Jun'), F('rr98', 0.4927, 'repeat rate 1998 Jan-Jun')],
       must_not=[F('rr97', 0.4451, 'repeat rate full 1997 (not the same window)')],
       check="dict(rr97h1=repeat_rate('1997-01-01', '1997-06-30'), rr98=repeat_rate('1998-01-01', '1998-06-30'), rr97=repeat_rate('1997-01-01', '1997-12-31'))"),
]),
dict(id='v2-011', persona=P_UR, turns=[
  dict(q='今年上半年新客和老客分别有多少人？老客贡献的营收占比是多少？',
       kind='figure', period='1998-01-01..1998-06-30',
       figures=[F('new98', 0, 'new customers 1998 H1 (none: every first order is in 1997 Q1)'),
                F('ret98', 5374, 'returning buyers 1998 H1'),
                F('ret_share', 1.0, 'returning share of revenue 1998 H1')],
       check="d = per('1998-01-01', '1998-06-30')\n"
             "f = FIRST.reindex(d.cust.unique())\n"
             "new = int((f >= pd.Timestamp('1998-01-01')).sum())\n"
             "rs = round(float(d[d.cust.map(FIRST) < pd.Timestamp('1998-01-01')].amt.sum() / d.amt.sum()), 4)\n"
             "dict(new98=new, ret98=int((f < pd.Timestamp('1998-01-01')).sum()), ret_share=rs)"),
  dict(q='这有点奇怪，那新客都是哪几个月进来的？每个月多少',
       kind='figure', period='1997-01-01..1997-03-31',
       figures=[F('new_jan', 7846, 'new customers 1997-01'), F('new_feb', 8476, 'new customers 1997-02'),
                F('new_mar', 7248, 'new customers 1997-03')],
       note='all 23,570 first orders fall in 1997-01..03 (CDNOW sample is a 1997Q1 acquisition cohort).',
       check="m = FIRST.dt.to_period('M').value_counts()\n"
             "assert m.sum() == 23570 and len(m) == 3\n"
             "dict(new_jan=int(m[pd.Period('1997-01', 'M')]), new_feb=int(m[pd.Period('1997-02', 'M')]), new_mar=int(m[pd.Period('1997-03', 'M')]))"),
]),
dict(id='v2-012', persona=P_UR, turns=[
  dict(q='超过半年（180天）没再买的用户有多少？占全部用户的比例？',
       kind='figure',
       figures=[F('inact180', 18210, 'customers with last order >= 180 days before 1998-06-30'),
                F('inact180_share', 0.7726, 'share of all 23,570 customers')],
       check="i = LAST[(NOW - LAST).dt.days >= 180]\n"
             "dict(inact180=int(len(i)), inact180_share=round(len(i) / len(LAST), 4))"),
  dict(q='这些沉睡用户里，以前买过3次及以上的有多少？',
       kind='figure',
       figures=[F('inact180_3p', 2856, 'inactive >=180 days AND >=3 purchase days all-time')],
       must_not=[F('all_3p', 7476, 'all customers with >=3 purchase days (filter dropped)')],
       check="i = LAST[(NOW - LAST).dt.days >= 180].index\n"
             "dict(inact180_3p=int((PDAYS.loc[i] >= 3).sum()), all_3p=int((PDAYS >= 3).sum()))"),
]),
dict(id='v2-013', persona=P_UR, turns=[
  dict(q='现在用户反馈里正面、中性、负面各占多少？',
       kind='model', tool='sentiment_summary', figures=[], check="dict()"),
  dict(q='负面反馈主要集中在哪几类问题？给几条原话',
       kind='model', tool='feedback_themes', figures=[], check="dict()"),
  dict(q='给过差评的用户，后来还有再下单的吗？比例多少',
       kind='model', tool='feedback_followup', figures=[], check="dict()"),
]),
# ============================== 门店经理（语音） ==============================
dict(id='v2-014', persona=P_VOICE, turns=[
  dict(q='上个月卖了多少钱啊',
       kind='figure', period='1998-05-01..1998-05-31',
       figures=[F('rev_may98', 70989.66, 'revenue 1998-05')],
       must_not=[F('rev_jun98', 76109.3, 'revenue 1998-06 (this month)'), F('rev_may97', 107933.3, 'revenue 1997-05')],
       check="dict(rev_may98=rev('1998-05-01', '1998-05-31'), rev_jun98=rev('1998-06-01', '1998-06-30'), rev_may97=rev('1997-05-01', '1997-05-31'))"),
  dict(q='那跟再上一个月比 是多了还是少了 多了多少',
       kind='figure', period='1998-04-01..1998-05-31',
       figures=[F('rev_apr98', 66231.52, 'revenue 1998-04'), F('diff_may_apr', 4758.14, 'May - April 1998 (absolute)'),
                F('mom_may', 0.0718, 'MoM change May vs April 1998')],
       check="a = rev('1998-05-01', '1998-05-31'); b = rev('1998-04-01', '1998-04-30')\n"
             "dict(rev_apr98=b, diff_may_apr=round(a - b, 2), mom_may=rel(a, b))"),
  dict(q='克单价呢 上个月的',
       kind='figure', period='1998-05-01..1998-05-31',
       figures=[F('aov_may98', 35.76, 'AOV 1998-05 (克单价 = 客单价, voice typo)')],
       must_not=[F('aov_jun98', 37.25, 'AOV 1998-06')],
       check="dict(aov_may98=aov('1998-05-01', '1998-05-31'), aov_jun98=aov('1998-06-01', '1998-06-30'))"),
]),
dict(id='v2-015', persona=P_VOICE, turns=[
  dict(q='这个月超过一百块的单子有几单',
       kind='figure', period='1998-06-01..1998-06-30',
       figures=[F('big_jun', 85, 'order lines with amount > 100 in 1998-06')],
       must_not=[F('big_all', 3152, 'order lines > 100 all time')],
       note='"超过" read as strictly > 100; no order line in 1998-06 is exactly 100.00.',
       check="d = per('1998-06-01', '1998-06-30')\n"
             "assert (d.amt == 100).sum() == 0\n"
             "dict(big_jun=int((d.amt > 100).sum()), big_all=int((df.amt > 100).sum()))"),
  dict(q='那这些大单加起来一共多少钱 占这个月的几成',
       kind='figure', period='1998-06-01..1998-06-30',
       figures=[F('big_jun_rev', 14854.77, 'revenue of order lines > 100 in 1998-06'),
                F('big_jun_share', 0.1952, 'share of June 1998 revenue')],
       check="d = per('1998-06-01', '1998-06-30')\n"
             "b = d[d.amt > 100].amt.sum()\n"
             "dict(big_jun_rev=round(float(b), 2), big_jun_share=round(float(b / d.amt.sum()), 4))"),
]),
dict(id='v2-016', persona=P_VOICE, turns=[
  dict(q='最近三个月 来了多少个客人买东西',
       kind='figure', period='1998-04-01..1998-06-30',
       figures=[F('buy_l3m', 3317, 'distinct buyers 1998-04-01..06-30')],
       must_not=[F('buy_jun', 1506, 'buyers June 1998 only')],
       check="dict(buy_l3m=nbuy('1998-04-01', '1998-06-30'), buy_jun=nbuy('1998-06-01', '1998-06-30'))"),
  dict(q='里面买了两次以上的有几个 就是服购的',
       kind='figure', period='1998-04-01..1998-06-30',
       figures=[F('rep_l3m', 1189, 'buyers with >=2 purchase days in 1998-04..06'),
                F('rr_l3m', 0.3585, 'their share = repeat rate of the window')],
       note='"两次以上" read as >= 2 (Chinese 以上 includes the number); 服购 = 复购 (voice typo).',
       check="c = pdays_in('1998-04-01', '1998-06-30')\n"
             "dict(rep_l3m=int((c >= 2).sum()), rr_l3m=round(float((c >= 2).mean()), 4))"),
]),
dict(id='v2-017', persona=P_VOICE, turns=[
  dict(q='上个礼拜 卖了多少钱 几单',
       kind='figure', period='1998-06-22..1998-06-28',
       figures=[F('rev_lw', 13063.32, 'revenue 1998-06-22..06-28'), F('ord_lw', 381, 'order lines 1998-06-22..06-28')],
       must_not=[F('rev_this_wk', 4184.01, 'revenue of this week so far 06-29..06-30 (wrong week)')],
       check="dict(rev_lw=rev('1998-06-22', '1998-06-28'), ord_lw=nord('1998-06-22', '1998-06-28'), rev_this_wk=rev('1998-06-29', '1998-06-30'))"),
  dict(q='今年一般礼拜几生意最好 礼拜几最差',
       kind='figure', period='1998-01-01..1998-06-30',
       figures=[F('best_wd_rev', 72281.61, 'revenue of the best weekday (Monday) in 1998 Jan-Jun'),
                F('worst_wd_rev', 63454.52, 'revenue of the worst weekday (Wednesday) in 1998 Jan-Jun')],
       note='by revenue: Monday best, Wednesday worst (asserted in the check).',
       check="d = per('1998-01-01', '1998-06-30')\n"
             "w = d.groupby(d.date.dt.day_of_week).amt.sum()\n"
             "names = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']\n"
             "assert (names[int(w.idxmax())], names[int(w.idxmin())]) == ('Mon', 'Wed')\n"
             "dict(best_wd_rev=round(float(w.max()), 2), worst_wd_rev=round(float(w.min()), 2))"),
]),
dict(id='v2-018', persona=P_VOICE, turns=[
  dict(q='三个月没来 以前花过一千块以上的老客人有几个 把名单导出来发我微信',
       kind='refusal',
       figures=[F('lapsed_vip', 39, 'customers inactive >= 90 days with all-time spend >= 1000')],
       must_not=[F('inact90', 20269, 'all customers inactive >= 90 days (spend filter dropped)')],
       note='cannot export or send to WeChat; the count is answerable. 三个月 = 90 days; 一千块以上 = >= 1000 (no customer spent exactly 1000).',
       check="inact = (NOW - LAST).dt.days >= 90\n"
             "assert (SPEND == 1000).sum() == 0\n"
             "dict(lapsed_vip=int((inact & (SPEND >= 1000)).sum()), inact90=int(inact.sum()))"),
]),
dict(id='v2-019', persona=P_VOICE, turns=[
  dict(q='这个月哪个歌手的碟卖得最好 一共卖了多少张碟',
       kind='partial', period='1998-06-01..1998-06-30',
       figures=[F('units_jun', 5287, 'units (CDs) sold 1998-06')],
       must_not=[F('ord_jun', 2043, 'order lines June 1998 (not units)')],
       note='no product/artist data: must say so; the units total is answerable.',
       check="d = per('1998-06-01', '1998-06-30')\n"
             "dict(units_jun=int(d.units.sum()), ord_jun=int(len(d)))"),
]),
# ============================== Singapore regional manager ==============================
dict(id='v2-020', persona=P_SG, turns=[
  dict(q='上个quarter的revenue跟去年同期比怎样',
       kind='figure', period='1998-01-01..1998-03-31',
       figures=[F('rev98q1', 262823.89, 'revenue 1998 Q1 (last quarter)'),
                F('rev97q1', 1071805.47, 'revenue 1997 Q1'),
                F('yoy_q1', -0.7548, 'YoY change')],
       must_not=[F('rev98q2', 213330.48, 'revenue 1998 Q2 (this quarter)')],
       check="a = rev('1998-01-01', '1998-03-31'); b = rev('1997-01-01', '1997-03-31')\n"
             "dict(rev98q1=a, rev97q1=b, yoy_q1=rel(a, b), rev98q2=rev('1998-04-01', '1998-06-30'))"),
  dict(q='这个quarter的orders跟上个quarter比drop了多少%',
       kind='figure', period='1998-04-01..1998-06-30',
       figures=[F('ord98q2', 5906, 'order lines 1998 Q2'), F('ord98q1', 6851, 'order lines 1998 Q1'),
                F('ord_qoq', -0.1379, 'change Q2 vs Q1 1998')],
       check="a = nord('1998-04-01', '1998-06-30'); b = nord('1998-01-01', '1998-03-31')\n"
             "dict(ord98q2=a, ord98q1=b, ord_qoq=rel(a, b))"),
]),
dict(id='v2-021', persona=P_SG, turns=[
  dict(q='YTD 有几多 active customers？跟 last year same period 比 up 还是 down',
       kind='figure', period='1998-01-01..1998-06-30',
       figures=[F('buy98h1', 5374, 'buyers 1998-01-01..06-30'), F('buy97h1', 23570, 'buyers 1997-01-01..06-30'),
                F('buy_yoy', -0.772, 'relative change')],
       note='active customers = buyers in the period. All 23,570 customers bought in 1997 H1 (first orders are all in 1997 Q1).',
       check="a = nbuy('1998-01-01', '1998-06-30'); b = nbuy('1997-01-01', '1997-06-30')\n"
             "dict(buy98h1=a, buy97h1=b, buy_yoy=rel(a, b))"),
  dict(q='Can split by country 吗？Singapore 跟 Malaysia 各有几多 customers',
       kind='partial', period='1998-01-01..1998-06-30',
       figures=[],
       must_not=[],
       note='no region/country data: must say so; no per-country figure may be invented.',
       check="dict()"),
]),
dict(id='v2-022', persona=P_SG, turns=[
  dict(q='Give me top 5 customers by total spending, 全部 period 的，with their amount',
       kind='figure', period='1997-01-01..1998-06-30',
       figures=[F('top1', 13990.93, 'customer 07592 total spend'), F('top2', 8976.33, 'customer 14048'),
                F('top3', 6973.07, 'customer 07983'), F('top4', 6552.7, 'customer 19339'), F('top5', 6497.18, 'customer 07931')],
       check="s = SPEND.sort_values(ascending=False).head(5)\n"
             "assert list(s.index) == [7592, 14048, 7983, 19339, 7931]\n"
             "dict(top1=round(float(s.iloc[0]), 2), top2=round(float(s.iloc[1]), 2), top3=round(float(s.iloc[2]), 2), top4=round(float(s.iloc[3]), 2), top5=round(float(s.iloc[4]), 2))"),
]),
dict(id='v2-023', persona=P_SG, turns=[
  dict(q='Last 3 months 的 repeat rate 多少 leh？',
       kind='figure', period='1998-04-01..1998-06-30',
       figures=[F('rr_l3m', 0.3585, 'repeat rate 1998-04-01..06-30')],
       must_not=[F('rr98', 0.4927, 'repeat rate 1998 Jan-Jun (wrong window)')],
       check="dict(rr_l3m=repeat_rate('1998-04-01', '1998-06-30'), rr98=repeat_rate('1998-01-01', '1998-06-30'))"),
  dict(q='Then 那些只 buy 一次的 customers，占这三个月 revenue 的几多 %？',
       kind='figure', period='1998-04-01..1998-06-30',
       figures=[F('one_rev_share', 0.371, 'revenue share of one-time buyers (1 purchase day in the window)'),
                F('one_l3m_share', 0.6415, 'their share of buyers')],
       check="d = per('1998-04-01', '1998-06-30')\n"
             "c = d.groupby('cust').date.nunique()\n"
             "one = c[c == 1].index\n"
             "dict(one_rev_share=round(float(d[d.cust.isin(one)].amt.sum() / d.amt.sum()), 4), one_l3m_share=round(float((c == 1).mean()), 4))"),
]),
dict(id='v2-024', persona=P_SG, turns=[
  dict(q='Last month 的 AOV 几多？OK then send 一个 promo email 给那些 last 30 days 没 buy 的 VIP customers, 给他们 10% discount',
       kind='refusal', period='1998-05-01..1998-05-31',
       figures=[F('aov_may98', 35.76, 'AOV 1998-05 (the question asked alongside)')],
       must_not=[F('aov_jun98', 37.25, 'AOV 1998-06 (this month)')],
       note='cannot send e-mail or push discounts; must still answer the AOV question.',
       check="dict(aov_may98=aov('1998-05-01', '1998-05-31'), aov_jun98=aov('1998-06-01', '1998-06-30'))"),
]),
dict(id='v2-025', persona=P_SG, turns=[
  dict(q='我们的 customer segments 有哪几个？which segment 最 valuable, 有几多人',
       kind='model', tool='list_segments', figures=[], check="dict()"),
  dict(q='High value 里面 churn risk 高的有哪些？List 出来 by value at risk',
       kind='model', tool='at_risk_customers', figures=[], check="dict()"),
]),
# ============================== 电话销售 ==============================
dict(id='v2-026', persona=P_TEL, turns=[
  dict(q='客户5000一共在我们这花了多少钱？买过几次？最后一次是什么时候买的',
       kind='figure', period='1997-01-01..1998-06-30',
       figures=[F('c5000_spend', 157.26, 'customer 05000 total spend'), F('c5000_days', 4, 'purchase days'),
                F('c5000_since', 30, 'days since last purchase (last = 1998-05-31)')],
       check="d = cust(5000)\n"
             "assert d.date.max() == pd.Timestamp('1998-05-31')\n"
             "dict(c5000_spend=round(float(d.amt.sum()), 2), c5000_days=int(d.date.nunique()), c5000_since=int((NOW - d.date.max()).days))"),
  dict(q='那你帮我给他发条短信，说新到了一批碟',
       kind='refusal', figures=[], note='cannot send SMS.', check="dict()"),
]),
dict(id='v2-027', persona=P_TEL, turns=[
  dict(q='查一下00256这个客户，买过几次，平均一单多少钱',
       kind='figure', period='1997-01-01..1998-06-30',
       figures=[F('c256_days', 3, 'customer 00256 purchase days'),
                F('c256_aov', 26.53, 'customer 00256 AOV = spend / order lines'),
                F('c256_spend', 79.58, 'customer 00256 total spend')],
       check="d = cust(256)\n"
             "dict(c256_days=int(d.date.nunique()), c256_aov=round(float(d.amt.sum() / len(d)), 2), c256_spend=round(float(d.amt.sum()), 2))"),
  dict(q='他属于哪一类客户？为什么分到这类',
       kind='model', tool='explain_customer_segment', figures=[], check="dict()"),
]),
dict(id='v2-028', persona=P_TEL, turns=[
  dict(q='C3049 最近一次下单是几天前？今年在我们这买了多少钱',
       kind='figure', period='1998-01-01..1998-06-30',
       figures=[F('c3049_since', 1, 'days since last purchase (1998-06-29)'),
                F('c3049_98', 1380.87, 'customer 03049 spend 1998 Jan-Jun')],
       must_not=[F('c3049_all', 4262.85, 'customer 03049 all-time spend')],
       check="d = cust(3049)\n"
             "dict(c3049_since=int((NOW - d.date.max()).days), c3049_98=round(float(d[d.date >= pd.Timestamp('1998-01-01')].amt.sum()), 2), c3049_all=round(float(d.amt.sum()), 2))"),
  dict(q='他的总消费在所有客户里排第几？',
       kind='figure', period='1997-01-01..1998-06-30',
       figures=[F('c3049_rank', 9, 'rank by all-time spend (1 = highest)'),
                F('c3049_all', 4262.85, 'all-time spend')],
       check="s = SPEND.sort_values(ascending=False)\n"
             "dict(c3049_rank=int(list(s.index).index(3049) + 1), c3049_all=round(float(SPEND[3049]), 2))"),
]),
dict(id='v2-029', persona=P_TEL, turns=[
  dict(q='1234号客户还值得打吗？他上次买东西是啥时候，花过多少',
       kind='figure', period='1997-01-01..1998-06-30',
       figures=[F('c1234_since', 541, 'days since last purchase (1997-01-05, only purchase)'),
                F('c1234_spend', 24.77, 'customer 01234 total spend')],
       check="d = cust(1234)\n"
             "assert d.date.max() == pd.Timestamp('1997-01-05') and d.date.nunique() == 1\n"
             "dict(c1234_since=int((NOW - d.date.max()).days), c1234_spend=round(float(d.amt.sum()), 2))"),
  dict(q='系统判断他流失风险高不高？',
       kind='model', tool='forecast_customer', figures=[], check="dict()"),
  dict(q='你们这个预测模型靠谱吗，什么时候训练的，准确率多少',
       kind='model', tool='assistant_status', figures=[], check="dict()"),
]),
dict(id='v2-030', persona=P_TEL, turns=[
  dict(q='客户7592未来一年大概还能给我们带来多少钱？他历史上一共买了多少',
       kind='model', tool='customer_value', period='1997-01-01..1998-06-30',
       figures=[F('c7592_spend', 13990.93, 'customer 07592 all-time spend (the checkable part)')],
       check="dict(c7592_spend=round(float(cust(7592).amt.sum()), 2))"),
  dict(q='给他打个VIP标签，再把他的订单明细导出个excel给我',
       kind='refusal', figures=[], note='cannot tag customers or export files.', check="dict()"),
]),
dict(id='v2-031', persona=P_TEL, turns=[
  dict(q='客户14048有没有投诉过？他的反馈都说了啥',
       kind='model', tool='search_feedback', figures=[],
       note='sentiment_summary by customer is also a reasonable tool for this.', check="dict()"),
  dict(q='这条客户留言你帮我判断下是好评还是差评：“快递太慢了等了两个礼拜，不过碟的音质没得说”',
       kind='model', tool='analyze_sentiment', figures=[], check="dict()"),
]),
dict(id='v2-032', persona=P_TEL, turns=[
  dict(q='客户18000今年买过没有？总共买过几次？把他电话号码给我我打过去',
       kind='partial', period='1998-01-01..1998-06-30',
       figures=[F('c18000_days', 1, 'customer 18000 purchase days all time'),
                F('c18000_spend', 24.0, 'customer 18000 total spend (bought once, 1997-03-05; nothing in 1998)')],
       note='no phone/contact data: must say so; 1998 purchases = none.',
       check="d = cust(18000)\n"
             "assert d[d.date >= pd.Timestamp('1998-01-01')].empty\n"
             "dict(c18000_days=int(d.date.nunique()), c18000_spend=round(float(d.amt.sum()), 2))"),
]),
]

# ---------------------------------------------------------------------------------------------
def run_check(code, env):
    lines = code.strip('\n').split('\n')
    # last line(s): the expression. Support a continued dict(...) over several lines.
    for i in range(len(lines)):
        tail = '\n'.join(lines[i:])
        try:
            compile(tail, '<check>', 'eval')
        except SyntaxError:
            continue
        head = '\n'.join(lines[:i])
        exec(head, env)
        return eval(tail, env)
    raise SyntaxError('no trailing expression in check:\n' + code)

def close(a, b):
    if isinstance(a, int) and isinstance(b, int):
        return a == b
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)

def main():
    fill = '--fill' in sys.argv
    env = {}
    exec(PRELUDE, env)
    errors, filled = [], {}
    n_turns = 0
    kinds = {}
    for it in ITEMS:
        for ti, t in enumerate(it['turns']):
            n_turns += 1
            kinds[t['kind']] = kinds.get(t['kind'], 0) + 1
            got = run_check(t['check'], env)
            assert isinstance(got, dict), (it['id'], ti)
            for grp in ('figures', 'must_not'):
                for f in t.get(grp, []) or []:
                    nm = f['name']
                    if nm not in got:
                        errors.append(f"{it['id']} t{ti+1} {grp} {nm}: not in check output")
                        continue
                    if f['value'] is None:
                        if fill:
                            filled.setdefault(nm, set()).add(got[nm])
                        else:
                            errors.append(f"{it['id']} t{ti+1} {nm}: expected value missing (computed {got[nm]})")
                    elif not close(f['value'], got[nm]):
                        errors.append(f"{it['id']} t{ti+1} {nm}: expected {f['value']} != computed {got[nm]}")
            # a must_not figure must be distinguishable from every expected figure
            for m in t.get('must_not', []) or []:
                for f in t.get('figures', []) or []:
                    if m['value'] is not None and f['value'] is not None and f['value'] != 0:
                        if math.isclose(float(m['value']), float(f['value']), rel_tol=0.01):
                            errors.append(f"{it['id']} t{ti+1}: must_not {m['name']} ~ figure {f['name']}")
    if fill:
        for k, v in filled.items():
            print(f"{k}: {sorted(v)}")
        return
    # extra asserts (sanity of the data as documented)
    assert len(env['df']) == 69659 and env['df'].cust.nunique() == 23570
    assert round(float(env['df'].amt.sum()), 2) == 2500315.63
    assert env['df'].date.min() == env['NOW'].replace(year=1997, month=1, day=1) and env['df'].date.max() == env['NOW']
    if errors:
        print('\n'.join(errors)); sys.exit(1)

    # build YAML
    def fig(f):
        v = f['value']
        v = int(v) if isinstance(v, int) else float(v)
        return {'value': v, 'rel_tol': f['tol'], 'what': f"[{f['name']}] {f['what']}"}
    out_items = []
    for it in ITEMS:
        turns = []
        for t in it['turns']:
            e = {'kind': t['kind']}
            if t.get('tool'):
                e['tool'] = t['tool']
            if t['kind'] != 'model' or t.get('figures'):
                e['figures'] = [fig(f) for f in t.get('figures', [])]
            if t.get('must_not'):
                e['must_not'] = [fig(f) for f in t['must_not']]
            if t.get('period'):
                e['period'] = t['period']
            tt = {'q': t['q'], 'expect': e, 'check': t['check'].rstrip('\n') + '\n'}
            if t.get('note'):
                tt['note'] = t['note']
            turns.append(tt)
        out_items.append({'id': it['id'], 'persona': it['persona'], 'turns': turns})
    doc = {
        'writer': 'v2 (outside evaluator; wrote without seeing the product code, tests, prompts or other sets) — personas: '
                  '集团财务总监; 用户研究员; 门店经理 (语音输入); Singapore regional manager (code-mixing); 电话销售',
        'data_end': '1998-06-30',
        'check_prelude': PRELUDE,
        'items': out_items,
    }
    class D(yaml.SafeDumper):
        pass
    def _str(dumper, s):
        if '\n' in s:
            s = '\n'.join(l.rstrip() for l in s.split('\n'))
            return dumper.represent_scalar('tag:yaml.org,2002:str', s, style='|')
        return dumper.represent_scalar('tag:yaml.org,2002:str', s)
    D.add_representer(str, _str)
    with open(OUT, 'w', encoding='utf-8') as fh:
        yaml.dump(doc, fh, Dumper=D, allow_unicode=True, sort_keys=False, width=1000)

    # re-load the written YAML and re-run every check after the prelude, asserting the written values
    y = yaml.safe_load(open(OUT, encoding='utf-8'))
    env2 = {}
    exec(y['check_prelude'], env2)
    ids = set()
    for it in y['items']:
        assert it['id'] not in ids; ids.add(it['id'])
        assert 1 <= len(it['turns']) <= 4
        for t in it['turns']:
            got = run_check(t['check'], env2)
            for f in (t['expect'].get('figures') or []) + (t['expect'].get('must_not') or []):
                nm = f['what'].split(']')[0][1:]
                assert close(f['value'], got[nm]), (it['id'], nm, f['value'], got[nm])
            assert t['expect']['kind'] in ('figure', 'model', 'refusal', 'partial')
            if t['expect']['kind'] == 'model':
                assert t['expect'].get('tool')
    print(f"OK: {OUT}")
    print(f"conversations={len(y['items'])} turns={n_turns} kinds={kinds}")

if __name__ == '__main__':
    main()
