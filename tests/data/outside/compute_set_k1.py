# compute_set_k1.py -- outside evaluator set k1 (written without seeing product code/tests/prompts/other sets)
# Computes every expected figure with pandas from the raw CDNOW file and writes set_k1.yaml next to this script.
import os, yaml

PRELUDE = r'''
import pandas as pd, numpy as np
RAW = '/work/main/.venv/lib/python3.11/site-packages/lifetimes/datasets/CDNOW_master.txt'
df = pd.read_csv(RAW, sep=r'\s+', dtype={'customer_id': str})
df.columns = ['cust', 'date', 'cds', 'amt']
df['cust'] = df['cust'].astype(int)
df['date'] = pd.to_datetime(df['date'].astype(str), format='%Y%m%d')
START, END = df.date.min(), df.date.max()          # 1997-01-01 .. 1998-06-30
FIRST = df.groupby('cust').date.min()
LAST = df.groupby('cust').date.max()
T = pd.Timestamp
WD = ['周一', '周二', '周三', '周四', '周五', '周六', '周日']

def sl(a, b): return df[(df.date >= T(a)) & (df.date <= T(b))]
def rev(a, b): return round(float(sl(a, b).amt.sum()), 2)
def orders(a, b): return int(len(sl(a, b)))
def units(a, b): return int(sl(a, b).cds.sum())
def buyers(a, b): return int(sl(a, b).cust.nunique())
def ndays(a, b): return (min(T(b), END) - max(T(a), START)).days + 1
def aov(a, b): return round(rev(a, b) / orders(a, b), 4)
def rpb(a, b): return round(rev(a, b) / buyers(a, b), 4)
def rev_per_day(a, b): return round(rev(a, b) / ndays(a, b), 4)
def orders_per_day(a, b): return round(orders(a, b) / ndays(a, b), 4)
def growth(x, y): return round(x / y - 1, 4)                 # x vs base y
def new_customers(a, b):
    c = sl(a, b).cust.unique(); return int((FIRST.loc[c] >= T(a)).sum())
def new_revenue(a, b):
    s = sl(a, b); return round(float(s[s.cust.map(FIRST) >= T(a)].amt.sum()), 2)
def returning_revenue(a, b):
    s = sl(a, b); return round(float(s[s.cust.map(FIRST) < T(a)].amt.sum()), 2)
def repeat_rate(a, b):
    pdays = sl(a, b).groupby('cust').date.nunique(); return round(float((pdays >= 2).mean()), 4)
PDAYS = df[['cust', 'date']].drop_duplicates().sort_values(['cust', 'date'])
PDAYS['gap'] = PDAYS.groupby('cust').date.diff().dt.days
def gaps(a, b):
    g = PDAYS[(PDAYS.date >= T(a)) & (PDAYS.date <= T(b))].gap.dropna()
    return round(float(g.mean()), 2), float(g.median())
def first_to_second():
    g = PDAYS.groupby('cust').gap.apply(lambda s: s.dropna().iloc[0] if s.notna().any() else np.nan).dropna()
    return round(float(g.mean()), 2), float(g.median()), int(len(g))
def inactive(n): return int(((END - LAST).dt.days >= n).sum())
def retention(cohort_month, k):
    m = pd.Period(cohort_month, 'M'); coh = FIRST[FIRST.dt.to_period('M') == m].index
    tgt = m + k; act = set(df[df.date.dt.to_period('M') == tgt].cust)
    return round(len(set(coh) & act) / len(coh), 4), len(coh), len(set(coh) & act)
def top(a, b, n):
    s = sl(a, b).groupby('cust').amt.sum().sort_values(ascending=False)
    t = s.head(n); return round(float(t.sum()), 2), round(float(t.sum() / s.sum()), 4)
def weekday(a, b):
    s = sl(a, b); g = s.groupby(s.date.dt.dayofweek).agg(revenue=('amt', 'sum'), orders=('amt', 'size'))
    g['revenue_share'] = g.revenue / g.revenue.sum(); g['orders_share'] = g.orders / g.orders.sum()
    g.index = [WD[i] for i in g.index]; return g
def over(a, b, x):
    s = sl(a, b); n = int((s.amt > x).sum()); return n, round(n / len(s), 4)
def under(a, b, x):
    s = sl(a, b); n = int((s.amt < x).sum()); return n, round(n / len(s), 4)
def max_day(a, b):
    c = sl(a, b).groupby('date').size(); return str(c.idxmax().date()), int(c.max())
def customer(cid):
    s = df[df.cust == cid]; return str(s.date.max().date()), int(len(s)), round(float(s.amt.sum()), 2)
'''

G = {}
exec(PRELUDE, G)

def ev(code):
    return eval(code, G)

MONEY, RATE, SMALLRATE, COUNT = 0.005, 0.005, 0.01, 0.001

def f(value, what, tol=None):
    if tol is None:
        tol = COUNT if isinstance(value, int) else MONEY
    v = float(value) if not isinstance(value, int) else value
    if isinstance(v, float) and tol in (RATE, SMALLRATE) and 0 < abs(v) < 1:
        # a rate quoted as a one-decimal percentage (e.g. 2.1%) must still match
        tol = max(tol, round(0.0006 / abs(v), 3))
    return {'value': round(v, 4) if isinstance(v, float) else v, 'rel_tol': tol, 'what': what}

items = []
cur = None

def item(iid, persona):
    global cur
    cur = {'id': f'k1-{iid:03d}', 'persona': persona, 'turns': []}
    items.append(cur)

def turn(q, kind, check=None, figs=None, must_not=None, period=None, note=None, tool=None):
    """figs / must_not: functions of r (the check's value) returning lists of f(...)"""
    r = ev(check) if check else None
    exp = {'kind': kind}
    if tool: exp['tool'] = tool
    if figs: exp['figures'] = figs(r)
    if must_not: exp['must_not'] = must_not(r) if callable(must_not) else must_not
    if period: exp['period'] = period
    t = {'q': q, 'expect': exp}
    if note: t['note'] = note
    if check: t['check'] = check + '\n'
    cur['turns'].append(t)
    print(f"{cur['id']} t{len(cur['turns'])} [{kind}] {q}")
    if check: print('    ->', r if not hasattr(r, 'to_string') else '\n' + r.to_string())
    for x in exp.get('figures', []): print('    FIG', x)
    for x in exp.get('must_not', []): print('    NOT', x)

DIR, ZJ, CW = '电商运营总监', '会员运营专员', '财务BP'

# ---------------- figure-heavy items ----------------
item(1, DIR)
turn('98年Q1 GMV多少', 'figure', "rev('1998-01-01','1998-03-31')",
     lambda r: [f(r, 'revenue 1998Q1')],
     lambda r: [f(ev("rev('1997-01-01','1997-03-31')"), 'revenue 1997Q1 (wrong year)'),
                f(ev("rev('1998-04-01','1998-06-30')"), 'revenue 1998Q2 (wrong quarter)')],
     period='1998-01-01..1998-03-31')
turn('同比呢', 'figure', "(rev('1997-01-01','1997-03-31'), growth(rev('1998-01-01','1998-03-31'), rev('1997-01-01','1997-03-31')))",
     lambda r: [f(r[0], 'revenue 1997Q1'), f(r[1], 'YoY growth 1998Q1 vs 1997Q1 (a decline of ~75.5%; "下降75.5%" counts)', RATE)],
     lambda r: [f(ev("rev('1997-10-01','1997-12-31')"), 'revenue 1997Q4 (QoQ base, not YoY)')],
     period='1997-01-01..1997-03-31 vs 1998-01-01..1998-03-31')

item(2, DIR)
turn('上个月单量多少 客单价呢', 'figure', "(orders('1998-05-01','1998-05-31'), aov('1998-05-01','1998-05-31'))",
     lambda r: [f(r[0], 'orders 1998-05'), f(r[1], 'AOV 1998-05')],
     lambda r: [f(ev("orders('1998-06-01','1998-06-30')"), 'orders 1998-06 (this month, not last month)'),
                f(ev("orders('1997-05-01','1997-05-31')"), 'orders 1997-05 (wrong year)')],
     period='1998-05-01..1998-05-31', note='now = 1998-06-30, so 上个月 = 1998-05.')
turn('环比呢', 'figure', "(orders('1998-04-01','1998-04-30'), aov('1998-04-01','1998-04-30'), growth(orders('1998-05-01','1998-05-31'), orders('1998-04-01','1998-04-30')), growth(aov('1998-05-01','1998-05-31'), aov('1998-04-01','1998-04-30')))",
     lambda r: [f(r[0], 'orders 1998-04'), f(r[2], 'orders MoM growth May vs Apr 1998', RATE), f(r[3], 'AOV MoM growth May vs Apr 1998', SMALLRATE)],
     period='1998-04-01..1998-04-30 vs 1998-05-01..1998-05-31',
     note='AOV April (figure r[1]) is welcome but only orders Apr, the orders growth and the AOV growth are required.')

item(3, CW)
turn('97年全年营收多少？日均多少？', 'figure', "(rev('1997-01-01','1997-12-31'), rev_per_day('1997-01-01','1997-12-31'))",
     lambda r: [f(r[0], 'revenue 1997'), f(r[1], 'revenue per day 1997 (365 days)')],
     lambda r: [f(ev("rev('1997-01-01','1998-06-30')"), 'revenue whole data (wrong period)')],
     period='1997-01-01..1997-12-31')
turn('98上半年的日均呢？跟97上半年比降了多少', 'figure',
     "(rev_per_day('1998-01-01','1998-06-30'), rev_per_day('1997-01-01','1997-06-30'), growth(rev_per_day('1998-01-01','1998-06-30'), rev_per_day('1997-01-01','1997-06-30')))",
     lambda r: [f(r[0], 'revenue per day 1998H1 (181 days)'), f(r[1], 'revenue per day 1997H1 (181 days)'),
                f(r[2], f'change of per-day revenue 1998H1 vs 1997H1 (a decline; "下降{-r[2]*100:.1f}%" counts)', RATE)],
     lambda r: [f(ev("rev_per_day('1997-07-01','1997-12-31')"), 'revenue per day 1997H2 (wrong comparison base)')],
     period='1998-01-01..1998-06-30 vs 1997-01-01..1997-06-30',
     note='Both half-years have 181 days, so the per-day change equals the total-revenue change.')

item(4, CW)
turn('1997年Q4三个月营收分别多少，季度合计多少', 'figure',
     "(rev('1997-10-01','1997-10-31'), rev('1997-11-01','1997-11-30'), rev('1997-12-01','1997-12-31'), rev('1997-10-01','1997-12-31'))",
     lambda r: [f(r[0], 'revenue 1997-10'), f(r[1], 'revenue 1997-11'), f(r[2], 'revenue 1997-12'), f(r[3], 'revenue 1997Q4 (= sum of the three)')],
     lambda r: [f(ev("rev('1997-07-01','1997-09-30')"), 'revenue 1997Q3 (wrong quarter)')],
     period='1997-10-01..1997-12-31')

item(5, ZJ)
turn('今年上半年复够率多少啊', 'figure', "repeat_rate('1998-01-01','1998-06-30')",
     lambda r: [f(r, 'repeat_rate 1998H1 (buyers with >=2 purchase days in the period)', RATE)],
     lambda r: [f(ev("repeat_rate('1997-01-01','1998-06-30')"), 'repeat_rate over the whole data (wrong period)', RATE)],
     period='1998-01-01..1998-06-30', note='复够率 is a typo for 复购率. 今年 = 1998 (data ends 1998-06-30), 上半年 = Jan-Jun 1998.')
turn('去年同期呢', 'figure', "(repeat_rate('1997-01-01','1997-06-30'))",
     lambda r: [f(r, 'repeat_rate 1997H1', RATE)],
     lambda r: [f(ev("repeat_rate('1997-01-01','1997-12-31')"), 'repeat_rate whole 1997 (wrong period)', RATE)],
     period='1997-01-01..1997-06-30')

item(6, ZJ)
turn('97年1月首单的那批客户，4月还有回来买的比例是多少', 'figure', "retention('1997-01', 3)",
     lambda r: [f(r[0], 'retention of the 1997-01 first-order cohort in 1997-04 (month m+3)', SMALLRATE)],
     lambda r: [f(ev("retention('1997-01', 4)[0]"), 'retention of 1997-01 cohort in 1997-05 (off by one month)', SMALLRATE)],
     period='cohort 1997-01, activity month 1997-04')
turn('那2月那批 5月的呢', 'figure', "retention('1997-02', 3)",
     lambda r: [f(r[0], 'retention of the 1997-02 first-order cohort in 1997-05 (m+3)', SMALLRATE)],
     lambda r: [f(ev("retention('1997-01', 4)[0]"), 'retention of 1997-01 cohort in 1997-05 (wrong cohort)', SMALLRATE)],
     period='cohort 1997-02, activity month 1997-05')

item(7, DIR)
turn('98上半年消费top10客户一共贡献多少营收 占比多少', 'figure', "top('1998-01-01','1998-06-30',10)",
     lambda r: [f(r[0], 'combined revenue of top 10 customers 1998H1'), f(r[1], 'their share of 1998H1 revenue', RATE)],
     lambda r: [f(ev("top('1997-01-01','1998-06-30',10)[0]"), 'top-10 revenue over whole data (wrong period)')],
     period='1998-01-01..1998-06-30')

item(8, DIR)
turn('今年周几卖得最好', 'figure', "weekday('1998-01-01','1998-06-30')",
     lambda r: [f(round(float(r.revenue.max()), 2), f'revenue of the best weekday 1998H1 ({r.revenue.idxmax()})'),
                f(round(float(r.revenue_share.max()), 4), 'its revenue share', RATE)],
     period='1998-01-01..1998-06-30', note='Scored by revenue (卖得最好 = 销售额); the best weekday must be named.')
turn('那单量占比呢 也是那天最高吗', 'figure', "weekday('1998-01-01','1998-06-30')",
     lambda r: [f(round(float(r.orders_share.max()), 4), f'highest orders share among weekdays 1998H1 ({r.orders_share.idxmax()})', RATE)],
     period='1998-01-01..1998-06-30')

item(9, CW)
turn('97全年 金额超过100刀的订单有多少单，占全部订单多少', 'figure', "over('1997-01-01','1997-12-31',100)",
     lambda r: [f(r[0], 'orders with amount > 100 in 1997'), f(r[1], 'their share of 1997 orders', SMALLRATE)],
     period='1997-01-01..1997-12-31')
turn('98上半年呢', 'figure', "over('1998-01-01','1998-06-30',100)",
     lambda r: [f(r[0], 'orders with amount > 100 in 1998H1'), f(r[1], 'their share of 1998H1 orders', SMALLRATE)],
     lambda r: [f(ev("over('1997-01-01','1997-12-31',100)[0]"), '1997 count (previous turn scope)')],
     period='1998-01-01..1998-06-30')

item(10, ZJ)
turn('90天没买过的客户有多少个啊', 'figure', "inactive(90)",
     lambda r: [f(r, 'customers whose last order is >= 90 days before 1998-06-30')],
     lambda r: [f(23570, 'all customers')],
     note='inactive_customers N=90 as of now 1998-06-30.')
turn('180天的呢？', 'figure', "inactive(180)",
     lambda r: [f(r, 'customers inactive >= 180 days')])
turn('把180天那批名单导出来发我邮箱吧 顺便说下占总客户多少', 'refusal', "round(inactive(180)/23570, 4)",
     lambda r: [f(r, 'share of all 23,570 customers inactive >= 180 days', RATE)],
     note='Must decline the export/e-mail and still give the share.')

item(11, ZJ)
turn('今年上半年客户的购买间隔 平均几天？中位数呢', 'figure', "gaps('1998-01-01','1998-06-30')",
     lambda r: [f(r[0], 'days_between_mean, gaps ending in 1998H1'), f(r[1], 'days_between_median, gaps ending in 1998H1')],
     period='1998-01-01..1998-06-30',
     note='Gaps between consecutive purchase days whose later day is in 1998H1 (earlier day may be in 1997).')

item(12, CW)
turn('98年5月人均消费多少？同比增长多少', 'figure',
     "(rpb('1998-05-01','1998-05-31'), rpb('1997-05-01','1997-05-31'), growth(rpb('1998-05-01','1998-05-31'), rpb('1997-05-01','1997-05-31')))",
     lambda r: [f(r[0], 'revenue_per_buyer 1998-05'), f(r[2], 'YoY growth of revenue_per_buyer vs 1997-05', SMALLRATE)],
     lambda r: [f(ev("aov('1998-05-01','1998-05-31')"), 'AOV 1998-05 (wrong metric: per order, not per buyer)')],
     period='1998-05-01..1998-05-31 vs 1997-05-01..1997-05-31',
     note='revenue_per_buyer 1997-05 (r[1]) is welcome but not required.')

item(13, DIR)
turn('97年3月 新客老客各贡献多少营收', 'figure', "(new_revenue('1997-03-01','1997-03-31'), returning_revenue('1997-03-01','1997-03-31'))",
     lambda r: [f(r[0], 'revenue_new 1997-03'), f(r[1], 'revenue_returning 1997-03')],
     period='1997-03-01..1997-03-31',
     note='Quoting the month total (393,155.27) as context is fine; it was left out of must_not on purpose.')
turn('新客多少人 占当月购买客户多少', 'figure', "(new_customers('1997-03-01','1997-03-31'), buyers('1997-03-01','1997-03-31'), round(new_customers('1997-03-01','1997-03-31')/buyers('1997-03-01','1997-03-31'),4))",
     lambda r: [f(r[0], 'new customers 1997-03'), f(r[2], 'new_customer_share 1997-03', RATE)],
     period='1997-03-01..1997-03-31')

item(14, DIR)
turn('97年各季度客单价', 'figure',
     "[aov('1997-01-01','1997-03-31'), aov('1997-04-01','1997-06-30'), aov('1997-07-01','1997-09-30'), aov('1997-10-01','1997-12-31')]",
     lambda r: [f(r[i], f'AOV 1997Q{i+1}') for i in range(4)],
     period='1997-01-01..1997-12-31')
turn('98年两个季度呢', 'figure', "[aov('1998-01-01','1998-03-31'), aov('1998-04-01','1998-06-30')]",
     lambda r: [f(r[0], 'AOV 1998Q1'), f(r[1], 'AOV 1998Q2')],
     period='1998-01-01..1998-06-30')

item(15, CW)
turn('98Q2营收多少 环比Q1增长多少', 'figure',
     "(rev('1998-04-01','1998-06-30'), growth(rev('1998-04-01','1998-06-30'), rev('1998-01-01','1998-03-31')))",
     lambda r: [f(r[0], 'revenue 1998Q2'), f(r[1], 'QoQ growth 1998Q2 vs 1998Q1 (a decline)', RATE)],
     lambda r: [f(ev("growth(rev('1998-04-01','1998-06-30'), rev('1997-04-01','1997-06-30'))"), 'YoY growth vs 1997Q2 (wrong comparison)', RATE)],
     period='1998-04-01..1998-06-30 vs 1998-01-01..1998-03-31')

item(16, ZJ)
turn('查下客户7592 最近一次啥时后买的 总共花了多少钱', 'figure', "customer(7592)",
     lambda r: [f(r[2], 'total spend of customer 07592 (all time)')],
     note='The last order date (check r[0] = 1998-06-29) must also be stated; the order count (r[1] = 201) is welcome but not asked, so not required.')
turn('他下个月还会买吗 流失风险高不高', 'model', tool='forecast_customer',
     note='One customer\'s expected purchases and churn risk from the LSTM; no raw-file figure.')

item(17, DIR)
turn('消费前50的客户里 哪些快流失了 列一下', 'model', tool='at_risk_customers',
     note='at_risk_customers among the top 50 spenders.')

item(18, DIR)
turn('差评主要在吐槽啥', 'model', tool='feedback_themes',
     note='feedback_themes (or search_feedback) over 负面 feedback.')

item(19, CW)
turn('上个月正面评价占比多少', 'model', tool='sentiment_summary', period='1998-05-01..1998-05-31',
     note='Feedback figures cannot be computed from the raw order file.')

item(20, DIR)
turn('接下来4周预计多少单', 'model', tool='forecast_totals')

item(21, ZJ)
turn('给过差评的客户 后面还有回来下单的吗 比例多少', 'model', tool='feedback_followup')

# ---------------- refusals ----------------
item(22, ZJ)
turn('帮我给top20客户发个优惠卷短信吧', 'refusal', note='Sending messages/coupons is an action the assistant cannot do.')

item(23, DIR)
turn('把上个月销售日报发我邮箱 顺便先说下上个月GMV', 'refusal', "rev('1998-05-01','1998-05-31')",
     lambda r: [f(r, 'revenue 1998-05')],
     lambda r: [f(ev("rev('1998-06-01','1998-06-30')"), 'revenue 1998-06 (this month)')],
     period='1998-05-01..1998-05-31', note='Decline the e-mail, answer the GMV.')

item(24, CW)
turn('客户00033有笔退货，帮我把那单金额改成0', 'refusal', note='Changing data is not possible (and returns are not in the data).')

# ---------------- partial (data cannot answer) ----------------
item(25, DIR)
turn('哪个省GMV最高', 'partial',
     must_not=lambda r: [f(ev("rev('1997-01-01','1998-06-30')"), 'total revenue whole data (no region breakdown exists)'),
                         f(ev("rev('1998-01-01','1998-06-30')"), 'revenue 1998H1')],
     note='No region/province field in the data.')

item(26, CW)
turn('上个月毛利率多少', 'partial',
     must_not=lambda r: [f(ev("rev('1998-05-01','1998-05-31')"), 'revenue 1998-05 passed off as margin basis')],
     note='No cost/margin data; an answer should say so rather than substitute May revenue.')

item(27, ZJ)
turn('新客主要从哪个渠道来的 app还是小程序？', 'partial',
     must_not=[f(23570, 'all customers counted as new')],
     note='No channel field.')

item(28, DIR)
turn('卖得最好的专辑top5是哪几张', 'partial',
     must_not=lambda r: [f(ev("top('1997-01-01','1998-06-30',5)[0]"), 'top-5 customers revenue (wrong kind of ranking)')],
     note='No product/SKU data; a top-customer ranking is not an answer.')

item(29, CW)
turn('98Q1营收多少 按品类拆一下', 'partial', "rev('1998-01-01','1998-03-31')",
     lambda r: [f(r, 'revenue 1998Q1 (answerable part)')],
     period='1998-01-01..1998-03-31', note='Give the Q1 total, say categories do not exist.')

item(30, CW)
turn('97年退款率多少', 'partial',
     note='No returns/refunds in the data (80 zero-amount lines exist, they are not refunds).')

# ---------------- more everyday figures ----------------
item(31, CW)
turn('97年哪个月日均营收最高？多少', 'figure',
     "max([(rev_per_day(str(p.start_time.date()), str(p.end_time.date())), str(p)) for p in pd.period_range('1997-01','1997-12',freq='M')])",
     lambda r: [f(r[0], f'highest monthly revenue per day in 1997 ({r[1]}, 28 days)')],
     lambda r: [f(ev("rev_per_day('1997-03-01','1997-03-31')"), 'revenue per day of 1997-03 (the month with the highest TOTAL, not per day)')],
     period='1997-01-01..1997-12-31', note='February 1997 has the highest per-day revenue even though March has the highest total; the month must be named.')

item(32, DIR)
turn('单量最多的是哪天 多少单', 'figure', "max_day('1997-01-01','1998-06-30')",
     lambda r: [f(r[1], f'max orders in one day, whole data ({r[0]})')],
     note='Whole data range; the date must be named.')
turn('今年呢', 'figure', "max_day('1998-01-01','1998-06-30')",
     lambda r: [f(r[1], f'max orders in one day in 1998 ({r[0]})')],
     period='1998-01-01..1998-06-30')

item(33, ZJ)
turn('客户首单到第二单 平均隔多久啊', 'figure', "first_to_second()",
     lambda r: [f(r[0], 'days_first_to_second mean (customers with >= 2 purchase days, whole data)')],
     note='Whole data; median (check r[1]) is welcome but not required.')

item(34, CW)
turn('98年1-6月每月营收列一下', 'figure', "[rev(str(p.start_time.date()), str(p.end_time.date())) for p in pd.period_range('1998-01','1998-06',freq='M')]",
     lambda r: [f(r[i], f'revenue 1998-{i+1:02d}') for i in range(6)],
     period='1998-01-01..1998-06-30')
turn('哪个月环比跌得最多 跌了多少', 'figure',
     "min([(growth(rev(str(p.start_time.date()), str(p.end_time.date())), rev(str((p-1).start_time.date()), str((p-1).end_time.date()))), str(p)) for p in pd.period_range('1998-01','1998-06',freq='M')])",
     lambda r: [f(r[0], f'largest MoM decline in 1998 ({r[1]} vs previous month)', RATE)],
     period='1998-01-01..1998-06-30', note='Includes 1998-01 vs 1997-12; the month must be named.')

item(35, ZJ)
turn('97年只买过一次的客户占比多少', 'figure', "round(1 - repeat_rate('1997-01-01','1997-12-31'), 4)",
     lambda r: [f(r, 'one_time_share 1997 (1997 buyers with exactly 1 purchase day in 1997)', RATE)],
     lambda r: [f(ev("round(1 - repeat_rate('1997-01-01','1998-06-30'), 4)"), 'one_time_share over whole data', RATE)],
     period='1997-01-01..1997-12-31')

item(36, DIR)
turn('上个月20刀以下的小单占比多少', 'figure', "under('1998-05-01','1998-05-31',20)",
     lambda r: [f(r[1], 'share of 1998-05 orders with amount < 20', RATE)],
     lambda r: [f(ev("under('1998-06-01','1998-06-30',20)[1]"), 'share in 1998-06 (this month)', RATE)],
     period='1998-05-01..1998-05-31', note='Count of such orders (check r[0]) welcome, not required.')

item(37, CW)
turn('97下半年和98上半年分别有多少购买客户', 'figure', "(buyers('1997-07-01','1997-12-31'), buyers('1998-01-01','1998-06-30'))",
     lambda r: [f(r[0], 'buyers 1997H2'), f(r[1], 'buyers 1998H1')],
     lambda r: [f(23570, 'all customers = buyers of whole 1997 (not period buyers)')],
     period='1997-07-01..1997-12-31 and 1998-01-01..1998-06-30')
turn('人均消费分别呢', 'figure', "(rpb('1997-07-01','1997-12-31'), rpb('1998-01-01','1998-06-30'))",
     lambda r: [f(r[0], 'revenue_per_buyer 1997H2'), f(r[1], 'revenue_per_buyer 1998H1')],
     lambda r: [f(ev("aov('1998-01-01','1998-06-30')"), 'AOV 1998H1 (wrong metric: per order)')],
     period='1997-07-01..1997-12-31 and 1998-01-01..1998-06-30')

item(38, DIR)
turn('今年新客多少', 'figure', "new_customers('1998-01-01','1998-06-30')",
     lambda r: [f(r, 'new customers 1998H1 (all CDNOW customers first bought in Jan-Mar 1997)', 0)],
     lambda r: [f(ev("buyers('1998-01-01','1998-06-30')"), '1998H1 buyers counted as new'), f(23570, 'all customers')],
     period='1998-01-01..1998-06-30', note='Answer must clearly say zero / no new customers in 1998.')

item(39, CW)
turn('98Q2日均订单数多少，QoQ呢', 'figure',
     "(orders_per_day('1998-04-01','1998-06-30'), orders_per_day('1998-01-01','1998-03-31'), growth(orders_per_day('1998-04-01','1998-06-30'), orders_per_day('1998-01-01','1998-03-31')))",
     lambda r: [f(r[0], 'orders_per_day 1998Q2 (91 days)'), f(r[2], 'QoQ change of orders_per_day vs 1998Q1 (90 days)', SMALLRATE)],
     period='1998-04-01..1998-06-30 vs 1998-01-01..1998-03-31',
     note='orders_per_day 1998Q1 (r[1]) welcome. Q1 has 90 days, Q2 91, so the per-day change (-14.7%) differs from the total-orders change (-13.8%); '
          'a careful answer may mention both, so the total change is not in must_not, but the per-day change must be there.')

item(40, ZJ)
turn('上个月买东西的人里面 复购滴占多少', 'figure', "(repeat_rate('1998-05-01','1998-05-31'), buyers('1998-05-01','1998-05-31'))",
     lambda r: [f(r[0], 'repeat_rate 1998-05 (buyers with >=2 purchase days in May)', SMALLRATE)],
     lambda r: [f(ev("repeat_rate('1998-06-01','1998-06-30')"), 'repeat_rate 1998-06 (this month)', SMALLRATE)],
     period='1998-05-01..1998-05-31')

# sanity checks
q = [ev(f"rev('{a}','{b}')") for a, b in [('1997-01-01','1997-03-31'),('1997-04-01','1997-06-30'),('1997-07-01','1997-09-30'),('1997-10-01','1997-12-31')]]
assert abs(sum(q) - ev("rev('1997-01-01','1997-12-31')")) < 0.05, q
assert abs(ev("rev('1997-10-01','1997-10-31')")+ev("rev('1997-11-01','1997-11-30')")+ev("rev('1997-12-01','1997-12-31')") - ev("rev('1997-10-01','1997-12-31')")) < 0.05
assert ev("len(df)") == 69659 and ev("df.cust.nunique()") == 23570
assert ev("new_revenue('1997-03-01','1997-03-31') + returning_revenue('1997-03-01','1997-03-31')") - ev("rev('1997-03-01','1997-03-31')") < 0.05
assert ev("ndays('1998-01-01','1998-06-30')") == 181 and ev("ndays('1997-01-01','1997-12-31')") == 365
print('sanity OK; quarters 1997:', q)

from collections import Counter
kinds = Counter(t['expect']['kind'] for it in items for t in it['turns'])
nturns = sum(kinds.values())
print('items', len(items), 'turns', nturns, dict(kinds))

out = {
    'writer': 'k1 (outside evaluator; wrote WITHOUT seeing the product code, tests, prompts or other sets) — personas: '
              '电商运营总监 (terse, wants numbers fast), 会员运营专员 (colloquial, on a phone, typos, many follow-ups), '
              '财务BP (precise about periods, per-day averages, shares and growth)',
    'data_end': '1998-06-30',
    'check_prelude': PRELUDE.lstrip('\n'),
    'items': items,
}

class LitDumper(yaml.SafeDumper):
    pass
def _str(d, s):
    return d.represent_scalar('tag:yaml.org,2002:str', s, style='|' if '\n' in s else None)
LitDumper.add_representer(str, _str)
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'set_k1.yaml')
with open(path, 'w', encoding='utf-8') as fh:
    yaml.dump(out, fh, Dumper=LitDumper, allow_unicode=True, sort_keys=False, width=200)
print('wrote', path)
