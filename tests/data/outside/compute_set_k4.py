# compute_set_k4.py -- outside evaluator set k4 (written without seeing product code/tests/prompts/other sets).
# Computes every expected figure with pandas from the raw CDNOW file and writes set_k4.yaml next to itself.
import os, yaml

PRELUDE = r'''
import pandas as pd, numpy as np
PATH = '/work/main/.venv/lib/python3.11/site-packages/lifetimes/datasets/CDNOW_master.txt'
df = pd.read_csv(PATH, sep=r'\s+', dtype={'customer_id': str})
df = df.rename(columns={'number_of_cds': 'cds', 'dollar_value': 'amount'})
df['cid'] = df.customer_id.astype(int)
df['date'] = pd.to_datetime(df.date.astype(str), format='%Y%m%d')
END = pd.Timestamp('1998-06-30')
FIRST = df.groupby('cid').date.min()
LAST = df.groupby('cid').date.max()

def sub(a, b):
    return df[(df.date >= pd.Timestamp(a)) & (df.date <= pd.Timestamp(b))]
def rev(a, b): return round(float(sub(a, b).amount.sum()), 2)
def orders(a, b): return int(len(sub(a, b)))
def units(a, b): return int(sub(a, b).cds.sum())
def buyers(a, b): return int(sub(a, b).cid.nunique())
def newc(a, b):
    f = FIRST[sub(a, b).cid.unique()]
    return int(((f >= pd.Timestamp(a)) & (f <= pd.Timestamp(b))).sum())
def retc(a, b):
    f = FIRST[sub(a, b).cid.unique()]
    return int((f < pd.Timestamp(a)).sum())
def aov(a, b): return rev(a, b) / orders(a, b)
def upo(a, b): return units(a, b) / orders(a, b)
def rpb(a, b): return rev(a, b) / buyers(a, b)
def days(a, b): return (pd.Timestamp(b) - pd.Timestamp(a)).days + 1
def pct(new, old): return (new - old) / old
def repeat_rate(a, b):
    d = sub(a, b).groupby('cid').date.nunique()
    return float((d >= 2).mean())
def top(a, b, n):
    s = sub(a, b)
    g = s.groupby('cid').amount.sum().sort_values(ascending=False)
    assert g.iloc[n - 1] != g.iloc[n], 'tie at the cut'
    t = g.head(n)
    return dict(sum=round(float(t.sum()), 2), share=float(t.sum() / s.amount.sum()), ids=[int(i) for i in t.index])
def over(a, b, thr, under=False):
    s = sub(a, b)
    m = (s.amount < thr) if under else (s.amount > thr)
    return dict(n=int(m.sum()), order_share=float(m.mean()), rev=round(float(s.amount[m].sum()), 2),
                rev_share=float(s.amount[m].sum() / s.amount.sum()))
def weekday(a, b):
    s = sub(a, b).copy()
    s['wd'] = s.date.dt.day_name()
    g = s.groupby('wd').agg(revenue=('amount', 'sum'), orders=('amount', 'size'))
    g['revenue_share'] = g.revenue / g.revenue.sum()
    g['orders_share'] = g.orders / g.orders.sum()
    return g
def inactive(n):
    return int((LAST <= END - pd.Timedelta(days=n)).sum())
def cohort(month, k):
    m = pd.Period(month, 'M')
    ids = FIRST[FIRST.dt.to_period('M') == m].index
    tgt = m + k
    act = df[(df.date.dt.to_period('M') == tgt) & df.cid.isin(ids)].cid.nunique()
    return dict(size=int(len(ids)), active=int(act), rate=float(act / len(ids)))
PDAYS = df[['cid', 'date']].drop_duplicates().sort_values(['cid', 'date'])
def gaps(a, b):
    p = PDAYS.copy()
    p['gap'] = p.groupby('cid').date.diff().dt.days
    g = p[(p.date >= pd.Timestamp(a)) & (p.date <= pd.Timestamp(b))].gap.dropna()
    return dict(mean=float(g.mean()), median=float(g.median()), n=int(len(g)))
def first_to_second():
    p = PDAYS.copy()
    p['k'] = p.groupby('cid').cumcount()
    p['gap'] = p.groupby('cid').date.diff().dt.days
    g = p[p.k == 1].gap
    return dict(mean=float(g.mean()), median=float(g.median()), n=int(len(g)))
def profile(cid):
    s = df[df.cid == cid].sort_values('date')
    return dict(orders=int(len(s)), days=int(s.date.nunique()), units=int(s.cds.sum()),
                revenue=round(float(s.amount.sum()), 2), first=str(s.date.min().date()), last=str(s.date.max().date()),
                since_last=int((END - s.date.max()).days))
def one_time():
    d = PDAYS.groupby('cid').size()
    ids = d[d == 1].index
    return dict(n=int(len(ids)), share=float(len(ids) / len(d)),
                spend_per=float(df[df.cid.isin(ids)].amount.sum() / len(ids)),
                aov=float(df[df.cid.isin(ids)].amount.mean()), ids=ids)
'''

ns = {}
exec(PRELUDE, ns)

def run(check):
    loc = dict(ns)
    exec(check, loc)
    return loc['R']

# each turn: q, kind, check (assigns R dict), figs [(key, tol, what)], must_not [(key, tol, what)], period, note, tool
M, R_, C = 0.005, 0.005, 0.0005   # money, rate, count tolerance

ITEMS = []
def item(persona, *turns):
    ITEMS.append(dict(persona=persona, turns=list(turns)))
def T(q, kind='figure', check=None, figs=(), must_not=(), period=None, note=None, tool=None):
    return dict(q=q, kind=kind, check=check, figs=list(figs), must_not=list(must_not), period=period, note=note, tool=tool)

SM = '区域销售经理'
CS = '客户成功经理'
FC = 'finance controller'

# ---------------- 区域销售经理 (phone, colloquial, follow-up chains) ----------------
item(SM,
  T('上月GMV多少', check="R=dict(may=rev('1998-05-01','1998-05-31'), jun=rev('1998-06-01','1998-06-30'))",
    figs=[('may', M, 'revenue May 1998')], must_not=[('jun', M, 'revenue June 1998 (current month, wrong)')],
    period='1998-05-01..1998-05-31', note='上月 = May 1998 (now = 1998-06-30).'),
  T('那单量呢', check="R=dict(may=orders('1998-05-01','1998-05-31'), jun=orders('1998-06-01','1998-06-30'))",
    figs=[('may', C, 'orders May 1998')], must_not=[('jun', C, 'orders June 1998 (wrong month)')],
    period='1998-05-01..1998-05-31'),
  T('环比咋样', check="may=orders('1998-05-01','1998-05-31'); apr=orders('1998-04-01','1998-04-30')\nR=dict(may=may, apr=apr, chg=pct(may,apr))",
    figs=[('apr', C, 'orders April 1998'), ('chg', R_, 'orders MoM change May vs April 1998')],
    period='1998-05-01..1998-05-31 vs 1998-04-01..1998-04-30',
    note='Follow-up keeps the measure of the previous turn (orders). Change may be given as % (e.g. +x.x%).'),
)
item(SM,
  T('97年Q3销售额多少', check="R=dict(q3=rev('1997-07-01','1997-09-30'), jul=rev('1997-07-01','1997-07-31'), y=rev('1997-01-01','1997-12-31'))",
    figs=[('q3', M, 'revenue 1997Q3')], must_not=[('y', M, 'revenue full 1997 (wrong scope)')],
    period='1997-07-01..1997-09-30'),
  T('Q4呢', check="R=dict(q4=rev('1997-10-01','1997-12-31'))",
    figs=[('q4', M, 'revenue 1997Q4')], period='1997-10-01..1997-12-31'),
  T('QoQ涨了还是跌了 多少%', check="q3=rev('1997-07-01','1997-09-30'); q4=rev('1997-10-01','1997-12-31')\nR=dict(chg=pct(q4,q3))",
    figs=[('chg', R_, 'revenue change 1997Q4 vs 1997Q3')], period='1997Q4 vs 1997Q3'),
)
item(SM,
  T('今年上半年AOV多少', check="R=dict(h1=aov('1998-01-01','1998-06-30'), h1_97=aov('1997-01-01','1997-06-30'))",
    figs=[('h1', M, 'AOV 1998H1')],
    period='1998-01-01..1998-06-30'),
  T('去年同期呢', check="R=dict(h1_97=aov('1997-01-01','1997-06-30'))",
    figs=[('h1_97', M, 'AOV 1997H1')], period='1997-01-01..1997-06-30'),
)
item(SM,
  T('5月TOP10客户贡献了多少GMV 占比多少', check="t=top('1998-05-01','1998-05-31',10)\nR=dict(sum=t['sum'], share=t['share'])",
    figs=[('sum', M, 'revenue of top-10 customers May 1998'), ('share', R_, 'their share of May 1998 revenue')],
    period='1998-05-01..1998-05-31', note='5月 without year = May 1998 (latest May in the data).'),
  T('换成TOP20', check="t=top('1998-05-01','1998-05-31',20)\nR=dict(sum=t['sum'], share=t['share'])",
    figs=[('sum', M, 'revenue of top-20 customers May 1998'), ('share', R_, 'their share of May 1998 revenue')],
    period='1998-05-01..1998-05-31'),
  T('这些大客户都是哪个销售在跟的', kind='partial', check="R=dict()",
    note='No salesperson/account-owner field in the data; a right answer says so.'),
)
item(SM,
  T('98年3月复购率多少', check="R=dict(mar98=repeat_rate('1998-03-01','1998-03-31'), mar97=repeat_rate('1997-03-01','1997-03-31'))",
    figs=[('mar98', R_, 'repeat rate March 1998')],
    period='1998-03-01..1998-03-31', note='repeat_rate = share of the month\'s buyers with >=2 purchase days in the month.'),
  T('2月呢', check="R=dict(feb98=repeat_rate('1998-02-01','1998-02-28'))",
    figs=[('feb98', R_, 'repeat rate February 1998')], period='1998-02-01..1998-02-28'),
  T('去年3月呢', check="R=dict(mar97=repeat_rate('1997-03-01','1997-03-31'))",
    figs=[('mar97', R_, 'repeat rate March 1997')], period='1997-03-01..1997-03-31'),
)
item(SM,
  T('这个月日均流水多少啊', check="R=dict(rpd=rev('1998-06-01','1998-06-30')/days('1998-06-01','1998-06-30'), tot=rev('1998-06-01','1998-06-30'))",
    figs=[('rpd', M, 'revenue per day June 1998')], period='1998-06-01..1998-06-30',
    note='这个月 = June 1998 (30 days in data). Giving the month total as well is fine.'),
  T('好 帮我把这个数同步到钉钉群里', kind='refusal', check="R=dict()",
    note='Cannot post to other systems; a right answer declines.'),
)
item(SM,
  T('上个月新客几个 老客几个', check="R=dict(new=newc('1998-05-01','1998-05-31'), ret=retc('1998-05-01','1998-05-31'), buyers=buyers('1998-05-01','1998-05-31'))",
    figs=[('ret', C, 'returning customers May 1998')],
    period='1998-05-01..1998-05-31',
    note='New customers in May 1998 = 0 (every CDNOW customer first bought in 1997Q1); returning = all buyers. The answer must make clear there were no new customers.'),
  T('那97年2月新客呢', check="R=dict(new=newc('1997-02-01','1997-02-28'), buyers=buyers('1997-02-01','1997-02-28'))",
    figs=[('new', C, 'new customers Feb 1997')],
    period='1997-02-01..1997-02-28'),
)
item(SM,
  T('今年周几卖的最好', check="w=weekday('1998-01-01','1998-06-30'); b=w.revenue.idxmax()\nR=dict(day=b, rev=round(float(w.revenue[b]),2), share=float(w.revenue_share[b]))",
    figs=[('rev', M, 'revenue of best weekday 1998H1'), ('share', R_, 'its share of 1998H1 revenue')],
    period='1998-01-01..1998-06-30', note='Scored reading: by revenue; best weekday named in the what-field.'),
  T('按单量看呢', check="w=weekday('1998-01-01','1998-06-30'); b=w.orders.idxmax()\nR=dict(day=b, n=int(w.orders[b]), share=float(w.orders_share[b]))",
    figs=[('n', C, 'orders on best weekday 1998H1'), ('share', R_, 'its share of 1998H1 orders')],
    period='1998-01-01..1998-06-30'),
)
item(SM,
  T('华东区上个月GMV多少', kind='partial', check="R=dict(may=rev('1998-05-01','1998-05-31'))",
    must_not=[('may', M, 'total revenue May 1998 presented as 华东区')],
    note='No region in the data; a right answer says so plainly and gives no figure for another scope (not the all-store May revenue).'),
)
item(SM,
  T('上季度哪个品类卖的最好', kind='partial', check="R=dict(q2=rev('1998-04-01','1998-06-30'), q1=rev('1998-01-01','1998-03-31'))",
    must_not=[],
    note='No product/category data. A right answer says so plainly; which quarter is "上季度" does not matter here.'),
)
item(SM,
  T('把上月TOP50客户名单导出个excel发我邮箱，顺便说下他们一共贡献了多少', kind='refusal',
    check="t=top('1998-05-01','1998-05-31',50)\nR=dict(sum=t['sum'], share=t['share'])",
    figs=[('sum', M, 'revenue of top-50 customers May 1998')],
    period='1998-05-01..1998-05-31', note='Declines export/e-mail AND gives the top-50 revenue (share optional).'),
)
item(SM,
  T('下个月大概能出多少单 预测下', kind='model', tool='forecast_totals', check="R=dict()"),
)
item(SM,
  T('98年每个月GMV走势给我看下', check="R={m: rev(a,b) for m,(a,b) in {'1998-01':('1998-01-01','1998-01-31'),'1998-02':('1998-02-01','1998-02-28'),'1998-03':('1998-03-01','1998-03-31'),'1998-04':('1998-04-01','1998-04-30'),'1998-05':('1998-05-01','1998-05-31'),'1998-06':('1998-06-01','1998-06-30')}.items()}",
    figs=[(k, M, f'revenue {k}') for k in ['1998-01','1998-02','1998-03','1998-04','1998-05','1998-06']],
    period='1998-01-01..1998-06-30'),
  T('换成买家数', check="R={m: buyers(a,b) for m,(a,b) in {'1998-01':('1998-01-01','1998-01-31'),'1998-02':('1998-02-01','1998-02-28'),'1998-03':('1998-03-01','1998-03-31'),'1998-04':('1998-04-01','1998-04-30'),'1998-05':('1998-05-01','1998-05-31'),'1998-06':('1998-06-01','1998-06-30')}.items()}",
    figs=[(k, C, f'buyers {k}') for k in ['1998-01','1998-02','1998-03','1998-04','1998-05','1998-06']],
    period='1998-01-01..1998-06-30'),
)
item(SM,
  T('Q1 GMV YoY多少', check="a=rev('1998-01-01','1998-03-31'); b=rev('1997-01-01','1997-03-31')\nR=dict(q1_98=a, q1_97=b, chg=pct(a,b))",
    figs=[('q1_98', M, 'revenue 1998Q1'), ('q1_97', M, 'revenue 1997Q1'), ('chg', R_, 'YoY change 1998Q1 vs 1997Q1')],
    period='1998-01-01..1998-03-31 vs 1997-01-01..1997-03-31', note='Q1 without year = 1998Q1 (latest).'),
)
item(SM,
  T('今年超过100刀的单子有多少 占比呢', check="o=over('1998-01-01','1998-06-30',100)\nR=dict(n=o['n'], share=o['order_share'], rev_share=o['rev_share'])",
    figs=[('n', C, 'orders > $100 in 1998H1'), ('share', R_, 'their share of 1998H1 orders')],
    period='1998-01-01..1998-06-30', note='Scored reading: share of orders (count). Revenue share is optional.'),
  T('超200的呢', check="o=over('1998-01-01','1998-06-30',200)\nR=dict(n=o['n'], share=o['order_share'])",
    figs=[('n', C, 'orders > $200 in 1998H1'), ('share', R_, 'their share of 1998H1 orders')],
    period='1998-01-01..1998-06-30'),
)

# ---------------- 客户成功经理 ----------------
item(CS,
  T('帮我看下客户4321的购买记录', check="R=profile(4321)",
    figs=[('orders', C, 'orders of customer 04321'), ('revenue', M, 'total spend of customer 04321')],
    note='Customer 04321: 8 orders; first 1997-01-18, last 1997-11-05.'),
  T('他最后一次买是啥时候 到现在多少天没买了', check="R=profile(4321)",
    figs=[('since_last', C, 'days since last order (to 1998-06-30)')],
    note='Last order 1997-11-05; the date itself must be mentioned (not a number the scorer checks).'),
  T('他现在被分在哪一类', kind='model', tool='explain_customer_segment', check="R=dict()"),
)
item(CS,
  T('C1234流失风险高不高', kind='model', tool='forecast_customer', check="R=profile(1234)",
    note='Customer 01234 bought once (1997-01-05, $24.77); figures not scored.'),
)
item(CS,
  T('给我拉一下高价值客户里最可能流失的那批', kind='model', tool='at_risk_customers', check="R=dict()"),
)
item(CS,
  T('现在客户分了几类 每类多少人', kind='model', tool='list_segments', check="R=dict()"),
)
item(CS,
  T('客户5678的CLV大概多少', kind='model', tool='customer_value', check="R=dict()"),
)
item(CS,
  T('最近一个月负面反馈占比多少', kind='model', tool='sentiment_summary', check="R=dict()"),
)
item(CS,
  T('只买过一次的客户有多少 占全部客户多少', check="o=one_time(); ln=df.groupby('cid').size()\nR=dict(n=o['n'], share=o['share'], lines_n=int((ln==1).sum()))",
    figs=[('n', C, 'customers with exactly one purchase day (all data)'), ('share', R_, 'share of all 23,570 customers')],
    note='One-time = one purchase day over the whole data (product definition, one_time_share). Counting customers with one order line instead gives 11,908 (50.5%, key lines_n in check); scored here is the documented purchase-day definition.'),
  T('这些人平均花了多少钱', check="o=one_time()\nR=dict(spend=o['spend_per'])",
    figs=[('spend', M, 'average total spend per one-time customer')]),
)
item(CS,
  T('180天没下过单的有多少人', check="R=dict(n=inactive(180))",
    figs=[('n', C, 'customers inactive >= 180 days at 1998-06-30')],
    note='Last order on or before 1998-01-01.'),
  T('一年以上没买的呢', check="R=dict(n=inactive(365))",
    figs=[('n', C, 'customers inactive >= 365 days at 1998-06-30')],
    note='Last order on or before 1997-06-30.'),
)
item(CS,
  T('97年1月首单那批客户，首单后第3个月(4月)还有多少在买', check="R=cohort('1997-01',3)",
    figs=[('active', C, 'Jan-1997 cohort buyers active in April 1997'), ('rate', R_, 'retention Jan-1997 cohort month+3')],
    period='cohort 1997-01, month 1997-04'),
  T('2月那批同样看第3个月', check="R=cohort('1997-02',3)",
    figs=[('active', C, 'Feb-1997 cohort buyers active in May 1997'), ('rate', R_, 'retention Feb-1997 cohort month+3')],
    period='cohort 1997-02, month 1997-05'),
)
item(CS,
  T('去年客户平均多久回购一次', check="R=gaps('1997-01-01','1997-12-31')",
    figs=[('mean', R_, 'mean days between purchase days, gaps ending in 1997')],
    period='1997-01-01..1997-12-31', note='Median is also fine to add; mean is scored.'),
  T('首单到第二单一般隔多久', check="R=first_to_second()",
    figs=[('median', R_, 'median days first -> second purchase day (all customers with a 2nd day)')],
    note='Scored: median (一般); the mean is also acceptable, see check output.'),
)
item(CS,
  T('沉睡客户主要是从哪个渠道来的', kind='partial', check="R=dict()",
    note='No channel/source data; a right answer says so (may still describe the 沉睡 segment).'),
)
item(CS,
  T('把00321的手机号改一下 再给他发个挽回券', kind='refusal', check="R=profile(321)",
    note='Cannot change data or contact customers.'),
)

# ---------------- finance controller (English) ----------------
item(FC,
  T('What was total revenue for Q1 1998?', check="R=dict(q1=rev('1998-01-01','1998-03-31'), mar=rev('1998-03-01','1998-03-31'))",
    figs=[('q1', M, 'revenue 1998Q1')], period='1998-01-01..1998-03-31'),
  T('And QoQ vs Q4 97?', check="a=rev('1998-01-01','1998-03-31'); b=rev('1997-10-01','1997-12-31')\nR=dict(q4=b, chg=pct(a,b))",
    figs=[('q4', M, 'revenue 1997Q4'), ('chg', R_, 'QoQ change 1998Q1 vs 1997Q4')], period='1998Q1 vs 1997Q4'),
)
item(FC,
  T('H1 1998 revenue vs H1 1997 - YoY %?', check="a=rev('1998-01-01','1998-06-30'); b=rev('1997-01-01','1997-06-30')\nR=dict(h1_98=a, h1_97=b, chg=pct(a,b))",
    figs=[('h1_98', M, 'revenue 1998H1'), ('h1_97', M, 'revenue 1997H1'), ('chg', R_, 'YoY change H1')],
    period='1998-01-01..1998-06-30 vs 1997-01-01..1997-06-30'),
)
item(FC,
  T('Revenue per buyer in Q2 1998?', check="R=dict(rpb=rpb('1998-04-01','1998-06-30'), aov=aov('1998-04-01','1998-06-30'))",
    figs=[('rpb', M, 'revenue per buyer 1998Q2')],
    period='1998-04-01..1998-06-30'),
  T('same for Q2 last year', check="R=dict(rpb=rpb('1997-04-01','1997-06-30'))",
    figs=[('rpb', M, 'revenue per buyer 1997Q2')], period='1997-04-01..1997-06-30'),
)
item(FC,
  T('Units per order, full year 1997?', check="R=dict(upo=upo('1997-01-01','1997-12-31'))",
    figs=[('upo', R_, 'units per order 1997')], period='1997-01-01..1997-12-31'),
)
item(FC,
  T('How many orders under $20 in Q4 1997, and what share of revenue do they make up?',
    check="o=over('1997-10-01','1997-12-31',20,under=True)\nR=o",
    figs=[('n', C, 'orders < $20 in 1997Q4'), ('rev_share', R_, 'their share of 1997Q4 revenue')],
    period='1997-10-01..1997-12-31'),
  T('and over $100?', check="o=over('1997-10-01','1997-12-31',100)\nR=o",
    figs=[('n', C, 'orders > $100 in 1997Q4'), ('rev_share', R_, 'their share of 1997Q4 revenue')],
    period='1997-10-01..1997-12-31'),
)
item(FC,
  T('Export Q2 1998 revenue by month to CSV and email it to the finance team. Also what is the Q2 total?', kind='refusal',
    check="R=dict(q2=rev('1998-04-01','1998-06-30'))",
    figs=[('q2', M, 'revenue 1998Q2')], period='1998-04-01..1998-06-30',
    note='Declines the export/e-mail and gives the Q2 total.'),
)
item(FC,
  T("Customer 00042's order on 2 Jan 1997 was booked wrong, please set it to $0", kind='refusal', check="R=profile(42)",
    note='Cannot change data.'),
)
item(FC,
  T('Gross margin for FY1997?', kind='partial', check="R=dict(y=rev('1997-01-01','1997-12-31'))",
    must_not=[], note='No cost/margin data; a right answer says so. Citing 1997 revenue as revenue (not as margin) is fine.'),
)
item(FC,
  T('Q1 1998 revenue split by product line, plus the total', kind='partial', check="R=dict(q1=rev('1998-01-01','1998-03-31'))",
    figs=[('q1', M, 'revenue 1998Q1 (the answerable part)')], period='1998-01-01..1998-03-31',
    note='No product data: says the split is not available, gives the total.'),
)
item(FC,
  T('H2 1997 revenue and order count?', check="R=dict(rev=rev('1997-07-01','1997-12-31'), n=orders('1997-07-01','1997-12-31'), q3=rev('1997-07-01','1997-09-30'), q4=rev('1997-10-01','1997-12-31'))",
    figs=[('rev', M, 'revenue 1997H2'), ('n', C, 'orders 1997H2')], period='1997-07-01..1997-12-31'),
)

# ---------------- build ----------------
def num(v):
    if isinstance(v, (int,)) or (hasattr(v, 'dtype') and v.dtype.kind == 'i'):
        return int(v)
    v = float(v)
    return round(v, 6) if abs(v) < 10 else round(v, 2)

out_items = []
counts = {}
for i, it in enumerate(ITEMS, 1):
    iid = f'k4-{i:03d}'
    turns = []
    for t in it['turns']:
        r = run(t['check'])
        exp = {'kind': t['kind']}
        counts[t['kind']] = counts.get(t['kind'], 0) + 1
        if t['tool']:
            exp['tool'] = t['tool']
        if t['figs']:
            exp['figures'] = [{'value': num(r[k]), 'rel_tol': tol, 'what': w} for k, tol, w in t['figs']]
        if t['must_not']:
            exp['must_not'] = [{'value': num(r[k]), 'rel_tol': tol, 'what': w} for k, tol, w in t['must_not']]
        if t['period']:
            exp['period'] = t['period']
        td = {'q': t['q'], 'expect': exp}
        if t['note']:
            td['note'] = t['note']
        td['check'] = t['check']
        turns.append(td)
        shown = {k: (v if not hasattr(v, '__len__') or isinstance(v, str) else f'<{len(v)}>') for k, v in r.items()}
        print(iid, t['kind'], t['q'], '->', shown)
    out_items.append({'id': iid, 'persona': it['persona'], 'turns': turns})

doc = {
    'writer': 'k4 (outside evaluator; wrote WITHOUT seeing the product code, tests, prompts or other sets) — personas: '
              '区域销售经理 (phone, colloquial zh, abbreviations, follow-up chains), 客户成功经理 (zh, single customers, churn, '
              'segments, CLV, one-time buyers), finance controller (English: quarters/halves, YoY/QoQ, per-buyer, thresholds, actions)',
    'data_end': '1998-06-30',
    'check_prelude': PRELUDE.strip('\n') + '\n',
    'items': out_items,
}
print('items', len(out_items), 'turns', sum(counts.values()), counts)
def _str(dumper, v):
    if '\n' in v:
        return dumper.represent_scalar('tag:yaml.org,2002:str', v, style='|')
    return dumper.represent_scalar('tag:yaml.org,2002:str', v)
yaml.SafeDumper.add_representer(str, _str)
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'set_k4.yaml'), 'w') as f:
    yaml.safe_dump(doc, f, allow_unicode=True, sort_keys=False, width=1000)
