#!/usr/bin/env python
"""Outside evaluation set h2 (held out).

Written by an outside evaluator WITHOUT seeing the product code, tests, prompts or other sets:
only /tmp/team/product.md and /tmp/team/eval-format.md.

Every expected figure is computed here from the raw CDNOW file (expressions evaluated with
the helpers in PRELUDE, which is also written into the YAML as check_prelude); this script
prints every figure and writes set_h2.yaml next to itself.

Run:  /work/main/.venv/bin/python tests/data/outside/compute_set_h2.py
"""
import os
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_YAML = os.path.join(HERE, "set_h2.yaml")

PRELUDE = r'''
import pandas as pd
RAW = '/work/main/.venv/lib/python3.11/site-packages/lifetimes/datasets/CDNOW_master.txt'
# first line of the file is a header (customer_id date number_of_cds dollar_value) -> skip it
df = pd.read_csv(RAW, sep=r'\s+', skiprows=1, header=None, names=['cid', 'date', 'qty', 'amt'],
                 dtype={'cid': str, 'date': str})
df['date'] = pd.to_datetime(df['date'], format='%Y%m%d')
FIRST = df.groupby('cid')['date'].min()          # first-ever order day per customer
df['first'] = df['cid'].map(FIRST)
END = pd.Timestamp('1998-06-30')                 # "now" = data end

def P(a, b):                                     # order lines with a <= date <= b (days inclusive)
    return df[(df['date'] >= pd.Timestamp(a)) & (df['date'] <= pd.Timestamp(b))]
def rev(a, b): return float(P(a, b)['amt'].sum())
def orders(a, b): return int(len(P(a, b)))
def units(a, b): return int(P(a, b)['qty'].sum())
def buyers(a, b): return int(P(a, b)['cid'].nunique())
def new_buyers(a, b):
    p = P(a, b); return int(p[p['first'] >= pd.Timestamp(a)]['cid'].nunique())
def ret_buyers(a, b):
    p = P(a, b); return int(p[p['first'] < pd.Timestamp(a)]['cid'].nunique())
def new_rev(a, b):
    p = P(a, b); return float(p[p['first'] >= pd.Timestamp(a)]['amt'].sum())
def ret_rev(a, b):
    p = P(a, b); return float(p[p['first'] < pd.Timestamp(a)]['amt'].sum())
def aov(a, b): return rev(a, b) / orders(a, b)
def rev_per_buyer(a, b): return rev(a, b) / buyers(a, b)
def chg(x, y): return x / y - 1                  # relative change of x vs y (signed)
def repeat_rate(a, b):                           # share of buyers with >= 2 distinct purchase DAYS
    d = P(a, b).groupby('cid')['date'].nunique(); return float((d >= 2).mean())
DAYS = df[['cid', 'date']].drop_duplicates().sort_values(['cid', 'date'])
DAYS['gap'] = DAYS.groupby('cid')['date'].diff().dt.days
def gaps(a, b):                                  # gaps whose later purchase day is in [a, b]
    g = DAYS[(DAYS['date'] >= pd.Timestamp(a)) & (DAYS['date'] <= pd.Timestamp(b))]['gap']
    return g.dropna()
def first_to_second(a, b):                       # first purchase day in [a,b], second <= b
    d = DAYS.copy(); d['k'] = d.groupby('cid').cumcount()
    f = d[d['k'] == 0].set_index('cid')['date']; s = d[d['k'] == 1].set_index('cid')['date']
    f = f[(f >= pd.Timestamp(a)) & (f <= pd.Timestamp(b))]
    s = s.reindex(f.index).dropna(); s = s[s <= pd.Timestamp(b)]
    return float((s - f[s.index]).dt.days.mean())
def inactive(n, ref='1998-06-30'):               # last order >= n days before ref
    last = df[df['date'] <= pd.Timestamp(ref)].groupby('cid')['date'].max()
    return int(((pd.Timestamp(ref) - last).dt.days >= n).sum())
def cohort(m):                                   # customers whose first order month is m ('1997-01')
    return FIRST[FIRST.dt.to_period('M') == pd.Period(m, 'M')].index
def retained(m, y):                              # cohort m customers buying in month y
    c = cohort(m); p = df[df['date'].dt.to_period('M') == pd.Period(y, 'M')]
    return int(p[p['cid'].isin(c)]['cid'].nunique())
def spend(a=None, b=None):                       # spend per customer, descending
    p = df if a is None else P(a, b)
    return p.groupby('cid')['amt'].sum().sort_values(ascending=False)
def cust(c): return df[df['cid'] == c]
def wd_rev(a, b):                                # revenue by weekday (0 = Monday)
    p = P(a, b); return p.groupby(p['date'].dt.weekday)['amt'].sum()
'''

NS = {}
exec(PRELUDE, NS)

# tolerances
T_REV = 0.005    # money
T_CNT = 0.002    # counts
T_SHR = 0.01     # shares / rates
T_CHG = 0.02     # relative changes (rounded to 1 decimal of a percent)
T_AVG = 0.01     # averages (days, AOV...)
# small shares/changes (1-4%) get 0.03 so that one-decimal percentages (1.7%, 2.4%, -4.1%) match


def F(expr, what, tol):
    return (expr, what, tol)


def T(q, kind, figs=(), must_not=(), tool=None, period=None, note=None):
    return dict(q=q, kind=kind, figs=list(figs), must_not=list(must_not), tool=tool,
                period=period, note=note)


VP = 'VP of Sales, APAC (English only)'
CS = '客服主管 customer-service lead (Chinese)'
DA = '数据分析师 data analyst (Chinese mixed with English terms)'

Q98_1 = ("'1998-01-01'", "'1998-03-31'")
H1_98 = "'1998-01-01', '1998-06-30'"
H1_97 = "'1997-01-01', '1997-06-30'"

ITEMS = [
    # ---------------------------------------------------------------- VP of Sales APAC
    (VP, [
        T("Give me our revenue for each quarter of 1997.", 'figure', [
            F("rev('1997-01-01', '1997-03-31')", 'revenue 1997Q1', T_REV),
            F("rev('1997-04-01', '1997-06-30')", 'revenue 1997Q2', T_REV),
            F("rev('1997-07-01', '1997-09-30')", 'revenue 1997Q3', T_REV),
            F("rev('1997-10-01', '1997-12-31')", 'revenue 1997Q4', T_REV),
        ], period='1997-01-01..1997-12-31'),
        T("How did Q2 of 98 do against the same quarter last year? I need the YoY change.", 'figure', [
            F("rev('1998-04-01', '1998-06-30')", 'revenue 1998Q2', T_REV),
            F("rev('1997-04-01', '1997-06-30')", 'revenue 1997Q2', T_REV),
            F("chg(rev('1998-04-01', '1998-06-30'), rev('1997-04-01', '1997-06-30'))",
              'YoY change 1998Q2 vs 1997Q2 (signed; a decline)', T_CHG),
        ], period='1998-04-01..1998-06-30',
           note='the change is a decline; an answer may write it as "down X%"'),
        T("And the quarter before that — same comparison?", 'figure', [
            F("rev('1998-01-01', '1998-03-31')", 'revenue 1998Q1', T_REV),
            F("rev('1997-01-01', '1997-03-31')", 'revenue 1997Q1', T_REV),
            F("chg(rev('1998-01-01', '1998-03-31'), rev('1997-01-01', '1997-03-31'))",
              'YoY change 1998Q1 vs 1997Q1 (signed; a decline)', T_CHG),
        ], period='1998-01-01..1998-03-31',
           note='"the quarter before that" = 1998Q1, compared YoY with 1997Q1'),
    ]),
    (VP, [
        T("Last quarter versus the quarter before it: what was the QoQ change in revenue and in the number of orders?",
          'figure', [
            F("rev('1998-01-01', '1998-03-31')", 'revenue 1998Q1 (last quarter)', T_REV),
            F("rev('1997-10-01', '1997-12-31')", 'revenue 1997Q4', T_REV),
            F("chg(rev('1998-01-01', '1998-03-31'), rev('1997-10-01', '1997-12-31'))", 'QoQ revenue change (signed)', T_CHG),
            F("orders('1998-01-01', '1998-03-31')", 'orders 1998Q1', T_CNT),
            F("orders('1997-10-01', '1997-12-31')", 'orders 1997Q4', T_CNT),
            F("chg(orders('1998-01-01', '1998-03-31'), orders('1997-10-01', '1997-12-31'))", 'QoQ orders change (signed)', T_CHG),
        ], must_not=[
            F("rev('1998-04-01', '1998-06-30')", 'revenue 1998Q2 (current quarter, wrong scope)', T_REV),
        ], period='1998-01-01..1998-03-31',
           note='product convention: last quarter (上季度) = 1998Q1 since now = 1998-06-30'),
    ]),
    (VP, [
        T("Who are our top 5 customers by total spend, and how much has each of them spent?", 'figure', [
            F("spend().iloc[0]", 'top-1 customer all-time spend (07592)', T_REV),
            F("spend().iloc[1]", 'top-2 customer all-time spend', T_REV),
            F("spend().iloc[2]", 'top-3 customer all-time spend', T_REV),
            F("spend().iloc[3]", 'top-4 customer all-time spend', T_REV),
            F("spend().iloc[4]", 'top-5 customer all-time spend', T_REV),
        ], period='1997-01-01..1998-06-30'),
        T("What share of our all-time revenue do those five account for?", 'figure', [
            F("spend().iloc[:5].sum() / df['amt'].sum()", 'top-5 share of all-time revenue', 0.03),
        ], period='1997-01-01..1998-06-30'),
    ]),
    (VP, [
        T("What was our average order value in H1 1998, and how does it compare with H1 1997?", 'figure', [
            F(f"aov({H1_98})", 'AOV 1998H1 (revenue / order lines)', T_AVG),
            F(f"aov({H1_97})", 'AOV 1997H1', T_AVG),
        ], period='1998-01-01..1998-06-30'),
    ]),
    (VP, [
        T("What was our repeat purchase rate across 1997?", 'figure', [
            F("repeat_rate('1997-01-01', '1997-12-31')", 'repeat rate 1997 (>=2 distinct purchase days)', T_SHR),
        ], period='1997-01-01..1997-12-31'),
        T("And for the first half of this year?", 'figure', [
            F(f"repeat_rate({H1_98})", 'repeat rate 1998H1', T_SHR),
        ], must_not=[
            F("repeat_rate('1997-01-01', '1997-12-31')", 'repeat rate 1997 (previous turn scope)', T_SHR),
        ], period='1998-01-01..1998-06-30'),
    ]),
    (VP, [
        T("In Q2 of 98, how many of our buyers were new customers and how many were returning? How much revenue came from the returning ones?",
          'figure', [
            F("new_buyers('1998-04-01', '1998-06-30')", 'new customers 1998Q2 (zero: every CDNOW customer first bought in 1997Q1)', T_CNT),
            F("ret_buyers('1998-04-01', '1998-06-30')", 'returning buyers 1998Q2', T_CNT),
            F("ret_rev('1998-04-01', '1998-06-30')", 'returning-customer revenue 1998Q2', T_REV),
        ], period='1998-04-01..1998-06-30',
           note='new customers is 0; returning revenue equals the quarter revenue'),
    ]),
    (VP, [
        T("What's the revenue forecast for next quarter?", 'model', tool='forecast_totals'),
    ]),
    (VP, [
        T("How many of our top 20 customers are at risk of churning?", 'model', tool='at_risk_customers'),
        T("And what have those top 20 customers spent with us in total, all time?", 'figure', [
            F("spend().iloc[:20].sum()", 'top-20 customers combined all-time spend', T_REV),
        ], period='1997-01-01..1998-06-30',
           note='top 20 ranked by all-time spend'),
    ]),
    (VP, [
        T("How big is each of our customer segments?", 'model', tool='list_segments'),
    ]),
    (VP, [
        T("Break down H1 1998 revenue by APAC country — Japan, Singapore and Australia.", 'partial', must_not=[
            F(f"rev({H1_98})", 'all-customers revenue 1998H1 (wrong scope: no country data)', T_REV),
        ], period='1998-01-01..1998-06-30', note='no region/country data'),
    ]),
    (VP, [
        T("Which sales rep closed the most revenue last month?", 'partial', must_not=[
            F("rev('1998-05-01', '1998-05-31')", 'all revenue 1998-05 (wrong scope: no salesperson data)', T_REV),
        ], period='1998-05-01..1998-05-31', note='no salesperson data'),
    ]),
    (VP, [
        T("Send a thank-you email to our top 10 customers by 1998 spend, and tell me how much those ten spent in 1998 combined.",
          'refusal', [
            F("spend('1998-01-01', '1998-06-30').iloc[:10].sum()", 'combined 1998 spend of the top 10 customers by 1998 spend', T_REV),
        ], period='1998-01-01..1998-06-30', note='must decline the e-mail and still give the figure'),
    ]),
    (VP, [
        T("How many orders over $100 did we get in H1 1998, and how much revenue did they bring in?", 'figure', [
            F("int((P('1998-01-01', '1998-06-30')['amt'] > 100).sum())", 'order lines with amount > $100 in 1998H1', T_CNT),
            F("float(P('1998-01-01', '1998-06-30').query('amt > 100')['amt'].sum())", 'revenue of those lines', T_REV),
        ], must_not=[
            F(f"rev({H1_98})", 'all 1998H1 revenue (threshold ignored)', T_REV),
        ], period='1998-01-01..1998-06-30', note='no line is exactly $100 in 1998H1, so > and >= agree'),
    ]),
    (VP, [
        T("What was revenue per buyer in 1997?", 'figure', [
            F("rev_per_buyer('1997-01-01', '1997-12-31')", 'revenue per buyer 1997', T_AVG),
        ], period='1997-01-01..1997-12-31'),
    ]),
    (VP, [
        T("Delete customer 00018 from the CRM — he only ever bought once.", 'refusal'),
    ]),
    (VP, [
        T("What's our gross margin by quarter this year?", 'partial', must_not=[
            F("rev('1998-01-01', '1998-03-31')", 'revenue 1998Q1 (not margin)', T_REV),
            F("rev('1998-04-01', '1998-06-30')", 'revenue 1998Q2 (not margin)', T_REV),
        ], period='1998-01-01..1998-06-30', note='no cost/margin data'),
    ]),
    (VP, [
        T("Set up a win-back campaign with a 15% discount for every at-risk customer.", 'refusal'),
    ]),

    # ---------------------------------------------------------------- 客服主管
    (CS, [
        T("上个月一共收到多少条客户反馈？负面的占多少？", 'model', tool='sentiment_summary',
          period='1998-05-01..1998-05-31', note='上个月 = 1998-05; feedback counts not computable from raw file'),
        T("其中负面的主要在抱怨什么？", 'model', tool='feedback_themes', period='1998-05-01..1998-05-31'),
    ]),
    (CS, [
        T("帮我找找说物流慢、快递太慢或者包装破损的反馈", 'model', tool='search_feedback'),
        T("还有说音质不好的呢？", 'model', tool='search_feedback'),
    ]),
    (CS, [
        T("给过差评之后又回来下单的客户有多少？差评后复购率是多少？", 'model', tool='feedback_followup'),
    ]),
    (CS, [
        T("帮我看一下客户100：一共下过几单、总共花了多少钱、有没有留过反馈？", 'model', [
            F("len(cust('00100'))", 'customer 00100 order lines', T_CNT),
            F("float(cust('00100')['amt'].sum())", 'customer 00100 total spend', T_REV),
        ], tool='customer_profile'),
        T("他最近一次下单是哪天？距今多少天了？", 'figure', [
            F("int((END - cust('00100')['date'].max()).days)", 'days from last order (1998-04-20) to 1998-06-30', T_CNT),
        ], note='last order date 1998-04-20 must also be stated'),
        T("预测一下他接下来一个月会不会再买？", 'model', tool='forecast_customer'),
    ]),
    (CS, [
        T("已经有180天或更久没下单的沉睡客户有多少个？", 'figure', [
            F("inactive(180)", 'inactive customers, last order >= 180 days before 1998-06-30', 0.001),
        ], note='strict > 180 gives 14 fewer (within tolerance)'),
    ]),
    (CS, [
        T("近30天有多少客户下过单？一共多少单？", 'figure', [
            F("buyers('1998-06-01', '1998-06-30')", 'buyers 1998-06', T_CNT),
            F("orders('1998-06-01', '1998-06-30')", 'order lines 1998-06', T_CNT),
        ], period='1998-06-01..1998-06-30'),
    ]),
    (CS, [
        T("给最近留了差评的那些客户每人发一条道歉短信，再送一张优惠券。", 'refusal'),
    ]),
    (CS, [
        T("把客户100留的那条反馈删掉吧，顺便告诉我他总共消费了多少钱。", 'refusal', [
            F("float(cust('00100')['amt'].sum())", 'customer 00100 total spend', T_REV),
        ], note='must decline the deletion and still give the spend'),
    ]),
    (CS, [
        T("华东地区上个月有多少客户下过单？", 'partial', must_not=[
            F("buyers('1998-05-01', '1998-05-31')", 'all buyers 1998-05 (wrong scope: no region data)', T_CNT),
        ], period='1998-05-01..1998-05-31', note='no region data'),
    ]),
    (CS, [
        T("上个月退货的订单有多少单？", 'partial', must_not=[
            F("orders('1998-05-01', '1998-05-31')", 'all order lines 1998-05 (wrong scope: no return data)', T_CNT),
        ], period='1998-05-01..1998-05-31', note='CDNOW has no returns/refund data'),
    ]),

    # ---------------------------------------------------------------- 数据分析师
    (DA, [
        T("1998年5月的GMV是多少？MoM变化多少？", 'figure', [
            F("rev('1998-05-01', '1998-05-31')", 'revenue 1998-05', T_REV),
            F("rev('1998-04-01', '1998-04-30')", 'revenue 1998-04', T_REV),
            F("chg(rev('1998-05-01', '1998-05-31'), rev('1998-04-01', '1998-04-30'))", 'MoM change (signed)', T_CHG),
        ], period='1998-05-01..1998-05-31'),
        T("YoY呢？", 'figure', [
            F("rev('1997-05-01', '1997-05-31')", 'revenue 1997-05', T_REV),
            F("chg(rev('1998-05-01', '1998-05-31'), rev('1997-05-01', '1997-05-31'))", 'YoY change 1998-05 vs 1997-05 (signed; a decline)', T_CHG),
        ], period='1998-05-01..1998-05-31'),
        T("那AOV的YoY呢？", 'figure', [
            F("aov('1998-05-01', '1998-05-31')", 'AOV 1998-05', T_AVG),
            F("aov('1997-05-01', '1997-05-31')", 'AOV 1997-05', T_AVG),
            F("chg(aov('1998-05-01', '1998-05-31'), aov('1997-05-01', '1997-05-31'))", 'AOV YoY change (signed)', 0.03),
        ], period='1998-05-01..1998-05-31'),
    ]),
    (DA, [
        T("1997年1月的cohort，在1997年4月的retention是多少？", 'figure', [
            F("len(cohort('1997-01'))", 'cohort size (first order in 1997-01)', T_CNT),
            F("retained('1997-01', '1997-04')", 'of them, buyers in 1997-04', T_CNT),
            F("retained('1997-01', '1997-04') / len(cohort('1997-01'))", 'retention rate', T_SHR),
        ], period='1997-04-01..1997-04-30'),
        T("换成2月的cohort，同样看首购后第3个月（也就是1997年5月）呢？", 'figure', [
            F("len(cohort('1997-02'))", 'cohort size (first order in 1997-02)', T_CNT),
            F("retained('1997-02', '1997-05')", 'of them, buyers in 1997-05', T_CNT),
            F("retained('1997-02', '1997-05') / len(cohort('1997-02'))", 'retention rate', T_SHR),
        ], must_not=[
            F("retained('1997-01', '1997-04') / len(cohort('1997-01'))", 'Jan cohort retention (previous turn)', T_SHR),
        ], period='1997-05-01..1997-05-31'),
    ]),
    (DA, [
        T("上季度的repeat rate和一次性购买客户占比分别是多少？", 'figure', [
            F("repeat_rate('1998-01-01', '1998-03-31')", 'repeat rate 1998Q1', T_SHR),
            F("1 - repeat_rate('1998-01-01', '1998-03-31')", 'one-time buyer share 1998Q1', T_SHR),
        ], must_not=[
            F("repeat_rate('1998-04-01', '1998-06-30')", 'repeat rate 1998Q2 (wrong quarter)', T_SHR),
        ], period='1998-01-01..1998-03-31', note='上季度 = 1998Q1 (product convention)'),
    ]),
    (DA, [
        T("今年H1的平均购买间隔是多少天？median呢？", 'figure', [
            F(f"float(gaps({H1_98}).mean())", 'mean gap (days) between consecutive purchase days, later day in 1998H1', T_AVG),
            F(f"float(gaps({H1_98}).median())", 'median gap (days)', T_AVG),
        ], period='1998-01-01..1998-06-30'),
    ]),
    (DA, [
        T("1997年首购的客户，从首购到复购平均隔了多少天？（复购也限定在1997年内）", 'figure', [
            F("first_to_second('1997-01-01', '1997-12-31')", 'mean days first->second purchase day, first in 1997, second <= 1997-12-31', T_AVG),
        ], period='1997-01-01..1997-12-31'),
    ]),
    (DA, [
        T("按weekday拆一下1998年Q2的GMV，哪一天最高？占比多少？", 'figure', [
            F("float(wd_rev('1998-04-01', '1998-06-30').max())", 'revenue of the top weekday (Friday) 1998Q2', T_REV),
            F("float(wd_rev('1998-04-01', '1998-06-30').max() / rev('1998-04-01', '1998-06-30'))", 'Friday share of 1998Q2 revenue', T_SHR),
        ], period='1998-04-01..1998-06-30', note='top weekday is Friday (weekday 4)'),
    ]),
    (DA, [
        T("1997年GMV top 10的客户贡献了全年GMV的百分之多少？", 'figure', [
            F("spend('1997-01-01', '1997-12-31').iloc[:10].sum() / rev('1997-01-01', '1997-12-31')", 'top-10 (by 1997 spend) share of 1997 revenue', 0.03),
        ], period='1997-01-01..1997-12-31'),
    ]),
    (DA, [
        T("过去90天的GMV、订单数和购买客户数分别是多少？", 'figure', [
            F("rev('1998-04-02', '1998-06-30')", 'revenue 1998-04-02..06-30', T_REV),
            F("orders('1998-04-02', '1998-06-30')", 'order lines', T_CNT),
            F("buyers('1998-04-02', '1998-06-30')", 'buyers', T_CNT),
        ], period='1998-04-02..1998-06-30',
           note='90 days ending 1998-06-30 inclusive (by analogy with 近30天 = 06-01..06-30); the 04-01 reading differs by ~0.7% in revenue'),
        T("同比去年同期呢？GMV的YoY是多少？", 'figure', [
            F("rev('1997-04-02', '1997-06-30')", 'revenue 1997-04-02..06-30', T_REV),
            F("chg(rev('1998-04-02', '1998-06-30'), rev('1997-04-02', '1997-06-30'))", 'YoY change (signed; a decline)', T_CHG),
        ], period='1997-04-02..1997-06-30'),
    ]),
    (DA, [
        T("按channel（App vs 官网）拆分一下今年H1的GMV", 'partial', must_not=[
            F(f"rev({H1_98})", 'all-channel revenue 1998H1 (wrong scope: no channel data)', T_REV),
        ], period='1998-01-01..1998-06-30', note='no channel data'),
    ]),
    (DA, [
        T("上季度摇滚类CD的GMV是多少？", 'partial', must_not=[
            F("rev('1998-01-01', '1998-03-31')", 'all-category revenue 1998Q1 (wrong scope: no category data)', T_REV),
        ], period='1998-01-01..1998-03-31', note='no product category data'),
    ]),
    (DA, [
        T("今年H1用了coupon的订单，AOV比没用coupon的高多少？", 'partial', must_not=[
            F(f"aov({H1_98})", 'overall AOV 1998H1 (wrong scope: no coupon data)', T_AVG),
        ], period='1998-01-01..1998-06-30', note='no coupon data'),
    ]),
    (DA, [
        T("高价值客户这个segment的RFM画像大概是什么样的？", 'model', tool='describe_segment'),
    ]),
    (DA, [
        T("把今年H1每个月的GMV导出成Excel发给我老板，另外告诉我H1 GMV一共多少。", 'refusal', [
            F(f"rev({H1_98})", 'revenue 1998H1', T_REV),
        ], period='1998-01-01..1998-06-30', note='must decline exporting/sending and still give the figure'),
    ]),
    (DA, [
        T("今年H1哪个月GMV最高？是多少？", 'figure', [
            F("float(P('1998-01-01', '1998-06-30').groupby(df['date'].dt.month)['amt'].sum().max())", 'revenue of the top month of 1998H1 (1998-03)', T_REV),
        ], period='1998-01-01..1998-06-30', note='top month is March 1998'),
    ]),
    (DA, [
        T("上个月单笔金额超过50美元的订单有多少？占当月订单的比例是多少？", 'figure', [
            F("int((P('1998-05-01', '1998-05-31')['amt'] > 50).sum())", 'order lines > $50 in 1998-05', T_CNT),
            F("float((P('1998-05-01', '1998-05-31')['amt'] > 50).mean())", 'share of 1998-05 order lines', T_SHR),
        ], must_not=[
            F("orders('1998-05-01', '1998-05-31')", 'all order lines 1998-05 as the answer (threshold ignored)', T_CNT),
        ], period='1998-05-01..1998-05-31', note='no line is exactly $50 in 1998-05, so > and >= agree'),
    ]),
]


def val(expr):
    v = eval(expr, NS)
    if hasattr(v, 'item'):
        v = v.item()
    if isinstance(v, bool):
        v = int(v)
    if isinstance(v, int):
        return v
    v = float(v)
    return round(v, 2) if abs(v) >= 10 else round(v, 4)


class Lit(str):
    pass


def _lit(dumper, data):
    return dumper.represent_scalar('tag:yaml.org,2002:str', data, style='|')


yaml.SafeDumper.add_representer(Lit, _lit)


def build():
    items = []
    n_turns = 0
    kinds = {}
    for i, (persona, turns) in enumerate(ITEMS, 1):
        iid = f'h2-{i:03d}'
        out_turns = []
        for j, t in enumerate(turns, 1):
            n_turns += 1
            kinds[t['kind']] = kinds.get(t['kind'], 0) + 1
            exp = {'kind': t['kind']}
            if t['tool']:
                exp['tool'] = t['tool']
            lines = []
            if t['figs']:
                exp['figures'] = []
                for expr, what, tol in t['figs']:
                    v = val(expr)
                    print(f'{iid} t{j} figure   {what}: {v}')
                    exp['figures'].append({'value': v, 'rel_tol': tol, 'what': what})
                    lines.append(f'{expr}  # {what}')
            if t['must_not']:
                exp['must_not'] = []
                for expr, what, tol in t['must_not']:
                    v = val(expr)
                    print(f'{iid} t{j} must_not {what}: {v}')
                    exp['must_not'].append({'value': v, 'rel_tol': tol, 'what': what})
                    lines.append(f'{expr}  # must_not: {what}')
            if t['period']:
                exp['period'] = t['period']
            turn = {'q': t['q'], 'expect': exp}
            if t['note']:
                turn['note'] = t['note']
            if lines:
                turn['check'] = Lit('\n'.join(lines) + '\n')
            out_turns.append(turn)
        items.append({'id': iid, 'persona': persona, 'turns': out_turns})
    doc = {
        'writer': 'h2 (outside evaluator; wrote WITHOUT seeing the product code, tests, prompts or other sets, '
                  'only product.md and eval-format.md) — personas: 客服主管 (Chinese), VP of Sales APAC (English), '
                  '数据分析师 (Chinese with English metric terms)',
        'data_end': '1998-06-30',
        'check_prelude': Lit(PRELUDE.strip('\n') + '\n'),
        'items': items,
    }
    with open(OUT_YAML, 'w', encoding='utf-8') as fh:
        fh.write('# generated by compute_set_h2.py — do not edit figures by hand\n')
        yaml.safe_dump(doc, fh, allow_unicode=True, sort_keys=False, width=1000)
    print(f'\nitems={len(items)} turns={n_turns} kinds={kinds}', file=sys.stderr)


if __name__ == '__main__':
    build()
