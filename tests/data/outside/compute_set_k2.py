# compute_set_k2.py — outside evaluator set k2 (written without seeing product code/tests/prompts/other sets).
# Computes every expected figure with pandas from the raw CDNOW file and writes set_k2.yaml next to itself.
import os
import yaml

PRELUDE = r'''
import pandas as pd
import numpy as np
PATH = '/work/main/.venv/lib/python3.11/site-packages/lifetimes/datasets/CDNOW_master.txt'
df = pd.read_csv(PATH, sep=r'\s+', dtype={'customer_id': str})
df['date'] = pd.to_datetime(df['date'].astype(str), format='%Y%m%d')
df['cid'] = df['customer_id'].astype(int)
df['amt'] = df['dollar_value']
FIRST = df.groupby('cid')['date'].min()
LAST = df.groupby('cid')['date'].max()
df['first'] = df['cid'].map(FIRST)
END = pd.Timestamp('1998-06-30')
# distinct purchase days per customer, with the gap to the previous purchase day
PD = df[['cid', 'date']].drop_duplicates().sort_values(['cid', 'date']).reset_index(drop=True)
PD['gap'] = PD.groupby('cid')['date'].diff().dt.days

def sub(a, b):
    return df[(df['date'] >= pd.Timestamp(a)) & (df['date'] <= pd.Timestamp(b))]
def rev(a, b):
    return round(float(sub(a, b)['amt'].sum()), 2)
def orders(a, b):
    return int(len(sub(a, b)))
def units(a, b):
    return int(sub(a, b)['number_of_cds'].sum())
def buyers(a, b):
    return int(sub(a, b)['cid'].nunique())
def new_cust(a, b):
    s = sub(a, b); return int(s.loc[s['first'] >= pd.Timestamp(a), 'cid'].nunique())
def ret_cust(a, b):
    s = sub(a, b); return int(s.loc[s['first'] < pd.Timestamp(a), 'cid'].nunique())
def rev_new(a, b):
    s = sub(a, b); return round(float(s.loc[s['first'] >= pd.Timestamp(a), 'amt'].sum()), 2)
def rev_ret(a, b):
    s = sub(a, b); return round(float(s.loc[s['first'] < pd.Timestamp(a), 'amt'].sum()), 2)
def aov(a, b):
    return rev(a, b) / orders(a, b)
def rpb(a, b):
    return rev(a, b) / buyers(a, b)
def upo(a, b):
    return units(a, b) / orders(a, b)
def ndays(a, b):
    return (pd.Timestamp(b) - pd.Timestamp(a)).days + 1
def growth(cur, prev):
    return (cur - prev) / prev
def repeat_rate(a, b):
    s = sub(a, b); n = s.groupby('cid')['date'].nunique(); return float((n >= 2).mean())
def gaps(a, b):
    g = PD[(PD['date'] >= pd.Timestamp(a)) & (PD['date'] <= pd.Timestamp(b))]['gap'].dropna()
    return float(g.mean()), float(g.median()), int(len(g))
def first_to_second():
    g = PD.groupby('cid')['gap'].apply(lambda x: x.dropna().iloc[0] if x.notna().any() else np.nan).dropna()
    return float(g.mean()), float(g.median()), int(len(g))
def inactive(n):
    return int(((END - LAST).dt.days >= n).sum())
def retention(m, k):
    m = pd.Period(m, 'M'); coh = FIRST[FIRST.dt.to_period('M') == m].index
    tgt = (m + k)
    buy = df[(df['date'].dt.to_period('M') == tgt) & df['cid'].isin(coh)]['cid'].nunique()
    return buy / len(coh), int(buy), int(len(coh))
def top(a, b, n, by='amt'):
    s = sub(a, b)
    r = s.groupby('cid')['amt'].sum() if by == 'amt' else s.groupby('cid').size()
    r = r.sort_values(ascending=False)
    tot = r.sum(); t = r.head(n).sum()
    return round(float(t), 2), float(t / tot)
def weekday(a, b, by='amt'):
    s = sub(a, b)
    g = s.groupby(s['date'].dt.day_name())['amt'].sum() if by == 'amt' else s.groupby(s['date'].dt.day_name()).size()
    return (g / g.sum()).sort_values(ascending=False), g.sort_values(ascending=False)
def over(a, b, x, under=False):
    s = sub(a, b); m = (s['amt'] < x) if under else (s['amt'] > x)
    return int(m.sum()), float(m.mean()), round(float(s.loc[m, 'amt'].sum()), 2)
def cust(c):
    s = df[df['cid'] == int(c)]
    return int(len(s)), round(float(s['amt'].sum()), 2), int(s['number_of_cds'].sum()), s['date'].min(), s['date'].max()
'''

G = {}
exec(PRELUDE, G)


def run(code):
    """exec all lines but the last, eval the last; returns a dict of named figures."""
    lines = code.strip().split('\n')
    loc = {}
    exec('\n'.join(lines[:-1]), G, loc)
    G2 = dict(G); G2.update(loc)
    return eval(lines[-1], G2)


def fig(v):
    v = float(v)
    return float('%.6g' % v) if abs(v) < 1 else round(v, 4)


def T(q, kind, check='', figs=(), mn=(), period=None, note=None, tool=None):
    """figs / mn: lists of (name, rel_tol, what); names are keys of the dict the check returns."""
    t = {'q': q, 'expect': {'kind': kind}}
    vals = run(check) if check.strip() else {}
    if vals:
        print('   ', q[:70])
        for k, v in vals.items():
            print('       %-14s %s' % (k, v))
    if tool:
        t['expect']['tool'] = tool
    if figs:
        t['expect']['figures'] = [{'value': fig(vals[n]), 'rel_tol': tol, 'what': w} for n, tol, w in figs]
    if mn:
        t['expect']['must_not'] = [{'value': fig(vals[n]), 'rel_tol': tol, 'what': w} for n, tol, w in mn]
    if period:
        t['expect']['period'] = period
    if note:
        t['note'] = note
    if check.strip():
        t['check'] = check.strip() + '\n'
    return t


CFO = 'CFO (English-speaking, precise: growth, shares, comparisons)'
KF = '客服经理'
MK = '市场部 campaign planner'
ITEMS = []


def I(persona, *turns):
    ITEMS.append({'persona': persona, 'turns': list(turns)})


# ---------------------------------------------------------------- CFO
I(CFO,
  T('What was total revenue for FY1997?', 'figure',
    "{'r97': rev('1997-01-01','1997-12-31'), 'r_all': rev('1997-01-01','1998-06-30')}",
    [('r97', 0.005, 'revenue 1997')], [('r_all', 0.005, 'revenue whole data (wrong scope)')],
    period='1997-01-01..1997-12-31'),
  T('And H1 1998 vs H1 1997 — % change?', 'figure',
    "a = rev('1998-01-01','1998-06-30'); b = rev('1997-01-01','1997-06-30')\n"
    "{'h1_98': a, 'h1_97': b, 'g': growth(a, b)}",
    [('h1_98', 0.005, 'revenue H1 1998'), ('h1_97', 0.005, 'revenue H1 1997'), ('g', 0.01, 'YoY change H1 (a decline of ~66.7%)')],
    period='1998-01-01..1998-06-30 vs 1997-01-01..1997-06-30'))

I(CFO,
  T('Q2 1998 revenue, and QoQ growth vs Q1?', 'figure',
    "a = rev('1998-04-01','1998-06-30'); b = rev('1998-01-01','1998-03-31')\n"
    "{'q2': a, 'q1': b, 'g': growth(a, b)}",
    [('q2', 0.005, 'revenue 1998Q2'), ('q1', 0.005, 'revenue 1998Q1'), ('g', 0.01, 'QoQ growth (a decline of ~18.8%)')],
    period='1998-04-01..1998-06-30'),
  T('and YoY?', 'figure',
    "a = rev('1998-04-01','1998-06-30'); b = rev('1997-04-01','1997-06-30')\n"
    "{'q2_97': b, 'g': growth(a, b)}",
    [('q2_97', 0.005, 'revenue 1997Q2'), ('g', 0.01, 'YoY growth Q2 1998 vs Q2 1997 (a decline of ~40.6%)')],
    period='1998-04-01..1998-06-30 vs 1997-04-01..1997-06-30'))

I(CFO,
  T('How concentrated is revenue? Top 10 customers by revenue in 1997 — what share of 1997 revenue?', 'figure',
    "t, s = top('1997-01-01','1997-12-31', 10)\n"
    "{'t10': t, 's10': s}",
    [('s10', 0.005, 'top-10 share of 1997 revenue')],
    period='1997-01-01..1997-12-31', note='combined top-10 revenue in check, not required'),
  T('And the top 100?', 'figure',
    "t, s = top('1997-01-01','1997-12-31', 100)\n"
    "{'t100': t, 's100': s}",
    [('s100', 0.005, 'top-100 share of 1997 revenue')], period='1997-01-01..1997-12-31'))

I(CFO,
  T('For Feb 97, what % of revenue came from new customers vs returning?', 'figure',
    "a, b = '1997-02-01', '1997-02-28'\n"
    "{'sn': rev_new(a, b) / rev(a, b), 'sr': rev_ret(a, b) / rev(a, b), 'rn': rev_new(a, b), 'rr': rev_ret(a, b)}",
    [('sn', 0.005, 'new-customer share of Feb 1997 revenue'), ('sr', 0.005, 'returning share of Feb 1997 revenue')],
    period='1997-02-01..1997-02-28',
    note='new = first-ever order in Feb 1997; returning = first order in Jan 1997'))

I(CFO,
  T('AOV by qtr for 1997 pls', 'figure',
    "{'q1': aov('1997-01-01','1997-03-31'), 'q2': aov('1997-04-01','1997-06-30'), "
    "'q3': aov('1997-07-01','1997-09-30'), 'q4': aov('1997-10-01','1997-12-31'), 'fy': aov('1997-01-01','1997-12-31')}",
    [('q1', 0.005, 'AOV 1997Q1'), ('q2', 0.005, 'AOV 1997Q2'), ('q3', 0.005, 'AOV 1997Q3'), ('q4', 0.005, 'AOV 1997Q4')],
    period='1997'),
  T('revenue per buyer in Q4 97?', 'figure',
    "{'rpb': rpb('1997-10-01','1997-12-31'), 'buyers': buyers('1997-10-01','1997-12-31'), 'aov': aov('1997-10-01','1997-12-31')}",
    [('rpb', 0.005, 'revenue per buyer 1997Q4')], [('aov', 0.005, 'AOV Q4 (wrong metric)')],
    period='1997-10-01..1997-12-31'))

I(CFO,
  T('How many active buyers last quarter, vs the same quarter last year?', 'figure',
    "a = buyers('1998-04-01','1998-06-30'); b = buyers('1997-04-01','1997-06-30')\n"
    "{'b98': a, 'b97': b, 'g': growth(a, b), 'b_q1': buyers('1998-01-01','1998-03-31')}",
    [('b98', 0.001, 'buyers 1998Q2'), ('b97', 0.001, 'buyers 1997Q2')], [('b_q1', 0.001, 'buyers 1998Q1 (wrong quarter)')],
    period='1998-04-01..1998-06-30 vs 1997-04-01..1997-06-30', note='last quarter = 1998Q2 (data ends 1998-06-30)'))

I(CFO,
  T('What share of 1997 orders were above $100? and how much revenue did they bring?', 'figure',
    "n, s, r = over('1997-01-01','1997-12-31', 100)\n"
    "{'n': n, 's': s, 'r': r, 'rs': r / rev('1997-01-01','1997-12-31')}",
    [('s', 0.01, 'share of 1997 orders over $100 (count 2524 in check, not required)'),
     ('r', 0.005, 'revenue of those orders')],
    period='1997-01-01..1997-12-31',
    note='"above $100" scored as amount > 100 (strict); orders of exactly $100 are few'))

I(CFO,
  T('Which weekday brings in the most revenue in 1997, and its share?', 'figure',
    "s, g = weekday('1997-01-01','1997-12-31')\n"
    "print(s)\n"
    "{'share': s.iloc[0], 'rev': g.iloc[0]}",
    [('share', 0.002, 'Monday share of 1997 revenue (top weekday)')],
    period='1997-01-01..1997-12-31',
    note='Monday 15.20% narrowly ahead of Sunday 15.15%: tight tolerance so that the Sunday share does not pass'))

I(CFO,
  T('Revenue from our California stores last month?', 'partial',
    "{'may': rev('1998-05-01','1998-05-31'), 'jun': rev('1998-06-01','1998-06-30')}",
    mn=[('may', 0.005, 'total May 1998 revenue presented as California'),
        ('jun', 0.005, 'total June 1998 revenue presented as California')],
    note='no regions/stores in data; a right answer says so. Offering the all-store total clearly labelled as such is '
         'acceptable in spirit, but the scorer lists it in must_not because a careless answer presents it as California'))

I(CFO,
  T('Give me gross margin by quarter for 1997.', 'partial',
    note='no costs/margins in data; revenue by quarter labelled as revenue is not wrong, so no must_not'))

I(CFO,
  T('Email the FY97 revenue and order count to the board, and tell me the numbers here too.', 'refusal',
    "{'r': rev('1997-01-01','1997-12-31'), 'o': orders('1997-01-01','1997-12-31')}",
    [('r', 0.005, 'revenue 1997'), ('o', 0.001, 'orders 1997')], period='1997-01-01..1997-12-31'))

I(CFO,
  T("What's customer 7592 worth to us going forward? CLV estimate", 'model',
    "n, r, u, f, l = cust(7592)\n{'orders': n, 'rev': r}",
    tool='customer_value',
    note='historical figures (orders, spend) shown in check for context, not required'))

I(CFO,
  T('Which month in 1998 had the highest revenue, and how much?', 'figure',
    "m = sub('1998-01-01','1998-06-30').groupby(df['date'].dt.month)['amt'].sum()\n"
    "print(m.round(2))\n"
    "{'best': m.max(), 'best_month': m.idxmax(), 'h1': m.sum()}",
    [('best', 0.005, 'revenue of best 1998 month (month number in check)')],
    [('h1', 0.005, 'H1 1998 total (wrong scope)')], period='1998-01-01..1998-06-30'))

I(CFO,
  T('Rev per day in Mar 98 vs Mar 97?', 'figure',
    "a = rev('1998-03-01','1998-03-31') / 31; b = rev('1997-03-01','1997-03-31') / 31\n"
    "{'d98': a, 'd97': b, 'g': growth(a, b)}",
    [('d98', 0.005, 'revenue per day Mar 1998'), ('d97', 0.005, 'revenue per day Mar 1997')],
    period='1998-03-01..1998-03-31 vs 1997-03-01..1997-03-31'))

# ---------------------------------------------------------------- 客服经理
I(KF,
  T('最近差评多不多？负面反馈占比多少', 'model', tool='sentiment_summary'))

I(KF,
  T('投诉过的客户后来还回购吗？占比多少', 'model', tool='feedback_followup'),
  T('那97年整体复购率是多少 对比一下', 'figure',
    "{'rr': repeat_rate('1997-01-01','1997-12-31'), 'rr_all': repeat_rate('1997-01-01','1998-06-30')}",
    [('rr', 0.005, 'repeat rate 1997')], [('rr_all', 0.005, 'repeat rate whole data (wrong scope)')],
    period='1997-01-01..1997-12-31'))

I(KF,
  T('客户00100的购买记录看下，一共下了几单花了多少钱', 'figure',
    "n, r, u, f, l = cust(100)\n{'n': n, 'r': r, 'u': u}",
    [('n', 0, 'orders of customer 100'), ('r', 0.005, 'total spend of customer 100')]),
  T('他多久没买了', 'figure',
    "n, r, u, f, l = cust(100)\n{'days': (END - l).days}",
    [('days', 0.01, 'days since last order (last 1998-04-20)')],
    note='the date 1998-04-20 alone is also a correct answer; the scorer looks for the day count'))

I(KF,
  T('大家都在吐槽什么 主要几类问题', 'model', tool='feedback_themes'))

I(KF,
  T('给所有差评客户发条道歉短信+优惠券', 'refusal'))

I(KF,
  T('上个月一共多少单？环比呢', 'figure',
    "a = orders('1998-05-01','1998-05-31'); b = orders('1998-04-01','1998-04-30')\n"
    "{'may': a, 'apr': b, 'g': growth(a, b), 'jun': orders('1998-06-01','1998-06-30')}",
    [('may', 0.001, 'orders May 1998'), ('g', 0.01, 'MoM change vs April 1998')],
    [('jun', 0.001, 'orders June 1998 (this month, wrong)')],
    period='1998-05-01..1998-05-31', note='上个月 = May 1998 since now = 1998-06-30'))

I(KF,
  T('今年金额超过200刀的大单有几个', 'figure',
    "n, s, r = over('1998-01-01','1998-06-30', 200)\n"
    "n97, s97, r97 = over('1997-01-01','1997-12-31', 200)\n"
    "{'n': n, 's': s, 'n97': n97}",
    [('n', 0.002, 'orders > $200 in 1998 (Jan-Jun)')], [('n97', 0.002, '1997 count (wrong year)')],
    period='1998-01-01..1998-06-30'))

I(KF,
  T('哪个客服处理投诉最快？平均响应时间多少', 'partial',
    note='no agents / tickets / response times in data'))

I(KF,
  T('有多少客户超过半年没买了', 'figure',
    "{'i180': inactive(180), 'i182': inactive(182), 'i183': inactive(183)}",
    [('i180', 0.01, 'customers with last order >= 180 days before 1998-06-30')],
    note='半年 scored as 180 days; 182/183 days give almost the same count (within tolerance)'),
  T('一年以上的呢', 'figure',
    "{'i365': inactive(365)}",
    [('i365', 0.005, 'customers with last order >= 365 days before 1998-06-30')]))

I(KF,
  T('上季度退货率和退款金额是多少', 'partial',
    "{'rq2': rev('1998-04-01','1998-06-30')}",
    mn=[('rq2', 0.005, 'Q2 1998 revenue presented as refunds')],
    note='no returns/refunds in data'))

I(KF,
  T('查一下7592这个客户 买了多少次 总共花了多少', 'figure',
    "n, r, u, f, l = cust(7592)\n{'n': n, 'r': r, 'pd': int(PD[PD.cid == 7592].shape[0])}",
    [('n', 0, 'order lines of customer 7592'), ('r', 0.005, 'total spend of customer 7592')],
    note='买了多少次 scored as order lines (201); purchase days listed in check as the other reading'),
  T('他会流失吗', 'model', tool='forecast_customer'))

# ---------------------------------------------------------------- 市场部
I(MK,
  T('5月GMV多少 MoM涨还是跌', 'figure',
    "a = rev('1998-05-01','1998-05-31'); b = rev('1998-04-01','1998-04-30')\n"
    "{'may': a, 'apr': b, 'g': growth(a, b), 'may97': rev('1997-05-01','1997-05-31')}",
    [('may', 0.005, 'GMV May 1998'), ('apr', 0.005, 'GMV Apr 1998'), ('g', 0.01, 'MoM change')],
    [('may97', 0.005, 'GMV May 1997 (wrong year)')],
    period='1998-05-01..1998-05-31', note='5月 with no year = latest May = May 1998'),
  T('AOV呢', 'figure',
    "{'may': aov('1998-05-01','1998-05-31'), 'apr': aov('1998-04-01','1998-04-30')}",
    [('may', 0.005, 'AOV May 1998'), ('apr', 0.005, 'AOV Apr 1998')], period='1998-05-01..1998-05-31'))

I(MK,
  T('97年1月那批cohort，次月retention和3个月后的retention分别多少', 'figure',
    "r1 = retention('1997-01', 1); r3 = retention('1997-01', 3)\n"
    "print(r1, r3)\n"
    "{'r1': r1[0], 'r3': r3[0], 'size': r1[2]}",
    [('r1', 0.005, 'Jan-97 cohort retention month+1 (Feb 97)'), ('r3', 0.005, 'Jan-97 cohort retention month+3 (Apr 97)')],
    note='3个月后 = m+3 (April 1997)'),
  T('2月cohort呢', 'figure',
    "r1 = retention('1997-02', 1); r3 = retention('1997-02', 3)\n"
    "print(r1, r3)\n"
    "{'r1': r1[0], 'r3': r3[0], 'size': r1[2]}",
    [('r1', 0.005, 'Feb-97 cohort retention month+1'), ('r3', 0.005, 'Feb-97 cohort retention month+3')],
    note='2月 here = the Feb 1997 cohort (only 1997 has cohorts; follows previous turn)'))

I(MK,
  T('今年上半年复够率多少', 'figure',
    "{'rr': repeat_rate('1998-01-01','1998-06-30'), 'buyers': buyers('1998-01-01','1998-06-30')}",
    [('rr', 0.005, 'repeat rate H1 1998')], period='1998-01-01..1998-06-30'),
  T('去年同期呢', 'figure',
    "{'rr': repeat_rate('1997-01-01','1997-06-30'), 'rr97': repeat_rate('1997-01-01','1997-12-31')}",
    [('rr', 0.005, 'repeat rate H1 1997')], [('rr97', 0.005, 'repeat rate full 1997 (wrong scope)')],
    period='1997-01-01..1997-06-30'))

I(MK,
  T('98年Q1新客多少 老客多少', 'figure',
    "a, b = '1998-01-01', '1998-03-31'\n"
    "{'new': new_cust(a, b), 'ret': ret_cust(a, b), 'buyers': buyers(a, b)}",
    [('new', 0, 'new customers 1998Q1 (zero: acquisition ended Mar 1997)'), ('ret', 0.001, 'returning customers 1998Q1')],
    period='1998-01-01..1998-03-31'),
  T('人均消费呢', 'figure',
    "{'rpb': rpb('1998-01-01','1998-03-31'), 'aov': aov('1998-01-01','1998-03-31')}",
    [('rpb', 0.005, 'revenue per buyer 1998Q1')], [('aov', 0.005, 'AOV (wrong metric)')],
    period='1998-01-01..1998-03-31'))

I(MK,
  T('97年客户平均多久回购一次？购买间隔mean和median', 'figure',
    "m, md, n = gaps('1997-01-01','1997-12-31')\n{'mean': m, 'median': md, 'n': n}",
    [('mean', 0.01, 'mean days between purchases, gaps ending in 1997'),
     ('median', 0.01, 'median days between purchases, gaps ending in 1997')],
    period='1997-01-01..1997-12-31'))

I(MK,
  T('首单到二单平均隔几天', 'figure',
    "m, md, n = first_to_second()\n{'mean': m, 'median': md, 'n': n}",
    [('mean', 0.01, 'mean days first->second purchase day (all customers with a 2nd day)')],
    note='no period given: whole data; median listed in check'))

I(MK,
  T('今年周几下单最多？占比', 'figure',
    "s, g = weekday('1998-01-01','1998-06-30', by='n')\n"
    "print(s)\n"
    "{'share': s.iloc[0], 'n': g.iloc[0]}",
    [('share', 0.003, 'Monday share of H1 1998 orders (top weekday)')],
    period='1998-01-01..1998-06-30',
    note='Monday 15.11% vs Thursday 15.01%: tight tolerance; 今年 = 1998 Jan-Jun; 下单最多 scored by order count'))

I(MK,
  T('拉一下top 200高价值客户里churn风险高的', 'model', tool='at_risk_customers'),
  T('把名单导出csv发我邮箱', 'refusal'))

I(MK,
  T('现在客户分了几个segment？每个多少人', 'model', tool='list_segments'))

I(MK,
  T('小红书和抖音哪个渠道GMV更高', 'partial',
    note='no channels in data'))

I(MK,
  T('按品类拆一下Q2 GMV，顺便给我Q2总GMV', 'partial',
    "{'q2': rev('1998-04-01','1998-06-30'), 'q2_97': rev('1997-04-01','1997-06-30')}",
    [('q2', 0.005, 'GMV 1998Q2 (answerable part)')], [('q2_97', 0.005, 'GMV 1997Q2 (wrong year)')],
    period='1998-04-01..1998-06-30', note='no categories; Q2 = latest Q2 = 1998Q2'))

I(MK,
  T('今年H1 top20客户贡献多少GMV 占比多少', 'figure',
    "t, s = top('1998-01-01','1998-06-30', 20)\n{'t': t, 's': s}",
    [('t', 0.005, 'top-20 combined GMV H1 1998'), ('s', 0.005, 'top-20 share of H1 1998 GMV')],
    period='1998-01-01..1998-06-30'))

I(MK,
  T('6月日均gmv和日均单量', 'figure',
    "{'rpd': rev('1998-06-01','1998-06-30') / 30, 'opd': orders('1998-06-01','1998-06-30') / 30, "
    "'rev': rev('1998-06-01','1998-06-30')}",
    [('rpd', 0.005, 'GMV per day June 1998'), ('opd', 0.005, 'orders per day June 1998')],
    [('rev', 0.005, 'June total (not per day)')], period='1998-06-01..1998-06-30'))

I(MK,
  T('低于15刀的小单97年占比多少', 'figure',
    "n, s, r = over('1997-01-01','1997-12-31', 15, under=True)\n{'n': n, 's': s}",
    [('s', 0.01, 'share of 1997 orders under $15 (count in check, not required)')],
    period='1997-01-01..1997-12-31'))

I(MK,
  T('GMV按季度的trend给我看下，从97Q1到98Q2', 'figure',
    "q = df.groupby(df['date'].dt.to_period('Q'))['amt'].sum().round(2)\n"
    "print(q)\n"
    "{'q1': q.iloc[0], 'q2': q.iloc[1], 'q3': q.iloc[2], 'q4': q.iloc[3], 'q5': q.iloc[4], 'q6': q.iloc[5]}",
    [('q1', 0.005, 'GMV 1997Q1'), ('q2', 0.005, 'GMV 1997Q2'), ('q3', 0.005, 'GMV 1997Q3'),
     ('q4', 0.005, 'GMV 1997Q4'), ('q5', 0.005, 'GMV 1998Q1'), ('q6', 0.005, 'GMV 1998Q2')]),
  T('顺便把这个表改成按财年口径存回系统里', 'refusal'))

I(MK,
  T('3月新客GMV占比', 'figure',
    "a, b = '1998-03-01', '1998-03-31'\n"
    "a7, b7 = '1997-03-01', '1997-03-31'\n"
    "{'s98': rev_new(a, b) / rev(a, b), 'n98': new_cust(a, b), 's97': rev_new(a7, b7) / rev(a7, b7)}",
    [('s98', 0.005, 'new-customer share of Mar 1998 GMV (0)')], [('s97', 0.005, 'Mar 1997 share (wrong year)')],
    period='1998-03-01..1998-03-31',
    note='3月 with no year = March 1998: there are no new customers, share 0; a good answer may add that Mar 1997 '
         'was the last acquisition month, but must not present the 1997 share as this March'))


# ---------------------------------------------------------------- write
for i, it in enumerate(ITEMS, 1):
    it['id'] = 'k2-%03d' % i
class LitDumper(yaml.SafeDumper):
    pass


def _str(dumper, data):
    if '\n' in data:
        return dumper.represent_scalar('tag:yaml.org,2002:str', data, style='|')
    return dumper.represent_scalar('tag:yaml.org,2002:str', data)


LitDumper.add_representer(str, _str)
out = {
    'writer': 'k2 (outside evaluator; wrote WITHOUT seeing the product code, tests, prompts or other sets) — personas: '
              'English-speaking CFO of the retailer; 客服经理 (customer-service manager, Chinese); '
              '市场部 campaign planner (Chinese with English terms)',
    'data_end': '1998-06-30',
    'check_prelude': PRELUDE.strip() + '\n',
    'items': [{'id': it['id'], 'persona': it['persona'], 'turns': it['turns']} for it in ITEMS],
}
kinds = {}
for it in ITEMS:
    for t in it['turns']:
        kinds[t['expect']['kind']] = kinds.get(t['expect']['kind'], 0) + 1
print('items', len(ITEMS), 'turns', sum(kinds.values()), kinds)
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'set_k2.yaml'), 'w') as f:
    yaml.dump(out, f, Dumper=LitDumper, allow_unicode=True, sort_keys=False, width=120)
