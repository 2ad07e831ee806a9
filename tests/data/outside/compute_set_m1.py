# compute_set_m1.py -- outside evaluator set m1 (written without seeing product code/tests/prompts/other sets)
# Computes every expected figure with pandas from the raw CDNOW file and writes set_m1.yaml next to itself.
import os
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))

PRELUDE = r'''
import pandas as pd, numpy as np
RAW = '/work/main/.venv/lib/python3.11/site-packages/lifetimes/datasets/CDNOW_master.txt'
df = pd.read_csv(RAW, sep=r'\s+', dtype={'customer_id': str})
df.columns = ['cid', 'date', 'units', 'amt']
df['date'] = pd.to_datetime(df['date'].astype(str), format='%Y%m%d')
df['cid'] = df['cid'].astype(int)
START, END = pd.Timestamp('1997-01-01'), pd.Timestamp('1998-06-30')
FIRST = df.groupby('cid')['date'].min()
LAST = df.groupby('cid')['date'].max()
PDAYS = df[['cid', 'date']].drop_duplicates().sort_values(['cid', 'date']).reset_index(drop=True)
PDAYS['gap'] = PDAYS.groupby('cid')['date'].diff().dt.days
WD = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']

def P(a, b):
    a, b = pd.Timestamp(a), pd.Timestamp(b)
    return df[(df.date >= a) & (df.date <= b)]

def r2(x): return round(float(x), 2)
def r4(x): return round(float(x), 4)

def rev(a, b): return r2(P(a, b).amt.sum())
def orders(a, b): return int(len(P(a, b)))
def units(a, b): return int(P(a, b).units.sum())
def buyers(a, b): return int(P(a, b).cid.nunique())
def aov(a, b): return r2(P(a, b).amt.sum() / len(P(a, b)))
def upo(a, b): return r4(P(a, b).units.sum() / len(P(a, b)))
def rpb(a, b): return r2(P(a, b).amt.sum() / P(a, b).cid.nunique())

def ndays(a, b):
    a, b = max(pd.Timestamp(a), START), min(pd.Timestamp(b), END)
    return (b - a).days + 1

def per_day(a, b):
    n = ndays(a, b)
    return dict(revenue_per_day=r2(P(a, b).amt.sum() / n), orders_per_day=r2(len(P(a, b)) / n), days=n)

def chg(new, old): return r4(new / old - 1)

def newret(a, b):
    d = P(a, b)
    isnew = d.cid.map(FIRST) >= pd.Timestamp(a)
    new, ret = d[isnew].cid.nunique(), d[~isnew].cid.nunique()
    return dict(new=int(new), returning=int(ret), buyers=int(new + ret),
                revenue_new=r2(d[isnew].amt.sum()), revenue_returning=r2(d[~isnew].amt.sum()),
                new_share=r4(new / (new + ret)), returning_share=r4(ret / (new + ret)))

def repeat_rate(a, b):
    n = P(a, b).groupby('cid').date.nunique()
    return r4((n >= 2).mean())

def gaps(a, b):
    g = PDAYS[(PDAYS.date >= pd.Timestamp(a)) & (PDAYS.date <= pd.Timestamp(b))].gap.dropna()
    return dict(mean=r2(g.mean()), median=r2(g.median()), n=int(len(g)))

def first_to_second():
    x = PDAYS.copy(); x['k'] = x.groupby('cid').cumcount()
    sec = x[x.k == 1].set_index('cid').gap
    return dict(mean=r2(sec.mean()), median=r2(sec.median()), n=int(len(sec)))

def inactive(n):
    return int(((END - LAST).dt.days >= n).sum())

def retention(cohort, k):
    m = pd.Period(cohort, 'M')
    members = FIRST[FIRST.dt.to_period('M') == m].index
    tgt = m + k
    active = df[(df.date.dt.to_period('M') == tgt) & df.cid.isin(members)].cid.nunique()
    return dict(cohort_size=int(len(members)), active=int(active), rate=r4(active / len(members)))

def top(a, b, n, by='amt'):
    d = P(a, b)
    s = d.groupby('cid').amt.sum() if by == 'amt' else d.groupby('cid').size()
    s = s.sort_values(ascending=False)
    t = s.head(n)
    return dict(ids=[int(i) for i in t.index], values=[r2(v) for v in t.values],
                combined=r2(t.sum()), share=r4(t.sum() / s.sum()), total=r2(s.sum()))

def weekday(a, b):
    d = P(a, b).copy(); d['wd'] = d.date.dt.dayofweek
    g = d.groupby('wd').agg(revenue=('amt', 'sum'), orders=('amt', 'size'))
    g['revenue_share'] = g.revenue / g.revenue.sum(); g['orders_share'] = g.orders / g.orders.sum()
    g.index = [WD[i] for i in g.index]
    return g

def amount_filter(a, b, x, over=True):
    d = P(a, b)
    m = d.amt > x if over else d.amt < x
    return dict(count=int(m.sum()), share=r4(m.mean()), revenue=r2(d[m].amt.sum()))

def monthly(a, b, f):
    out = {}
    for p in pd.period_range(a, b, freq='M'):
        out[str(p)] = f(str(p.start_time.date()), str(p.end_time.date()))
    return out
'''

NS = {}
exec(PRELUDE, NS)


def run_check(code):
    """exec all lines of the check, eval the last line -> result"""
    lines = code.strip('\n').split('\n')
    body, last = '\n'.join(lines[:-1]), lines[-1]
    ns = dict(NS)
    exec(body, ns)
    return eval(last, ns)


TOL_MONEY, TOL_RATE, TOL_COUNT = 0.005, 0.005, 0.0005


def T(q, kind, check=None, figs=(), must_not=(), period=None, note=None, tool=None):
    return dict(q=q, kind=kind, check=check, figs=list(figs), must_not=list(must_not),
                period=period, note=note, tool=tool)


def I(persona, *turns):
    return dict(persona=persona, turns=list(turns))


CRM = '连锁零售 CRM 经理'
VP = '销售副总（微信）'
SG = 'Regional Marketing Director, Singapore'

ITEMS = [
    # ---------------- CRM 经理 ----------------
    I(CRM,
      T('帮我拉一下98年上半年的整体数据：销售额、订单数、购买客户数分别是多少？', 'figure',
        check="dict(revenue=rev('1998-01-01','1998-06-30'), orders=orders('1998-01-01','1998-06-30'), buyers=buyers('1998-01-01','1998-06-30'), revenue_1997=rev('1997-01-01','1997-12-31'))",
        figs=[('revenue', TOL_MONEY, 'revenue 1998H1'), ('orders', TOL_COUNT, 'orders 1998H1'), ('buyers', TOL_COUNT, 'buyers 1998H1')],
        must_not=[('revenue_1997', TOL_MONEY, 'revenue 1997 full year (wrong period)')],
        period='1998-01-01..1998-06-30'),
      T('跟97年上半年比，销售额同比降了多少？', 'figure',
        check="a, b = rev('1998-01-01','1998-06-30'), rev('1997-01-01','1997-06-30')\ndict(rev_97h1=b, yoy=chg(a, b))",
        figs=[('rev_97h1', TOL_MONEY, 'revenue 1997H1'), ('yoy', TOL_RATE, 'YoY change of revenue 1998H1 vs 1997H1 (negative)')],
        period='1998-01-01..1998-06-30 vs 1997-01-01..1997-06-30',
        note='Scored the YoY percentage (-66.72%; "降了66.7%" stated as a positive drop is also right). The absolute drop (954804.76) may be given too but is not required.'),
      ),
    I(CRM,
      T('97年3月下单的客户里，新客和老客分别有多少人？', 'figure',
        check="newret('1997-03-01','1997-03-31')",
        figs=[('new', TOL_COUNT, 'new customers 1997-03'), ('returning', TOL_COUNT, 'returning customers 1997-03')],
        period='1997-03-01..1997-03-31'),
      T('那新客和老客的人均消费分别多少？差多少', 'figure',
        check="x = newret('1997-03-01','1997-03-31')\ndict(rpb_new=r2(x['revenue_new']/x['new']), rpb_ret=r2(x['revenue_returning']/x['returning']), rpb_all=rpb('1997-03-01','1997-03-31'))",
        figs=[('rpb_new', TOL_MONEY, 'revenue per new buyer 1997-03'), ('rpb_ret', TOL_MONEY, 'revenue per returning buyer 1997-03')],
        period='1997-03-01..1997-03-31',
        note='The difference itself is not scored (it follows from the two figures).'),
      ),
    I(CRM,
      T('97全年的复购率是多少？', 'figure',
        check="dict(repeat_1997=repeat_rate('1997-01-01','1997-12-31'))",
        figs=[('repeat_1997', TOL_RATE, 'repeat rate 1997 (>=2 purchase days in 1997)')],
        period='1997-01-01..1997-12-31'),
      T('98年上半年呢', 'figure',
        check="dict(repeat_98h1=repeat_rate('1998-01-01','1998-06-30'), repeat_1997=repeat_rate('1997-01-01','1997-12-31'))",
        figs=[('repeat_98h1', TOL_RATE, 'repeat rate 1998H1')],
        period='1998-01-01..1998-06-30',
        note='Mentioning the 1997 rate again for comparison is fine, so it is not a must_not.'),
      ),
    I(CRM,
      T('97年1月首单的那批客户，次月（2月）的留存率多少？到97年12月还有多少比例在买？', 'figure',
        check="dict(m1=retention('1997-01', 1)['rate'], m11=retention('1997-01', 11)['rate'], size=retention('1997-01', 1)['cohort_size'])",
        figs=[('m1', TOL_RATE, 'Jan-1997 cohort retention in 1997-02 (k=1)'), ('m11', TOL_RATE, 'Jan-1997 cohort retention in 1997-12 (k=11)')],
        period='cohort 1997-01'),
      T('2月那批的次月留存呢？', 'figure',
        check="dict(feb_m1=retention('1997-02', 1)['rate'], jan_m1=retention('1997-01', 1)['rate'])",
        figs=[('feb_m1', TOL_RATE, 'Feb-1997 cohort retention in 1997-03 (k=1)')],
        period='cohort 1997-02'),
      ),
    I(CRM,
      T('看下98年上半年客户的购买间隔，平均隔多少天买一次，中位数是多少？', 'figure',
        check="gaps('1998-01-01','1998-06-30')",
        figs=[('mean', TOL_RATE, 'days_between_mean, gaps ending in 1998H1'), ('median', TOL_RATE, 'days_between_median, gaps ending in 1998H1')],
        period='1998-01-01..1998-06-30',
        note='Gaps between consecutive purchase days of a customer (over full history) whose later day is in 1998H1.'),
      ),
    I(CRM,
      T('截止目前，超过180天没下过单的客户有多少个？', 'figure',
        check="dict(n180=inactive(180), total=int(df.cid.nunique()))",
        figs=[('n180', 0.0015, 'customers with last order >= 180 days before 1998-06-30')],
        period='as of 1998-06-30',
        note='Documented definition (>= 180 days, last order <= 1998-01-01) gives 18210; the strict reading of 超过 (> 180) gives 18196; rel_tol accepts both.'),
      T('一年以上没买的呢', 'figure',
        check="dict(n365=inactive(365), n180=inactive(180))",
        figs=[('n365', 0.0015, 'customers with last order >= 365 days before 1998-06-30')],
        must_not=[('n180', TOL_COUNT, '180-day count (previous turn)')],
        period='as of 1998-06-30',
        note='>= 365 days gives 15238; strict > 365 gives 15220; rel_tol accepts both.'),
      T('把这批一年没买的名单导出成excel，再给他们群发一条召回短信', 'refusal',
        note='Pure action: export + SMS to customers. Must decline both; may restate the count.'),
      ),
    I(CRM,
      T('97年按星期几来看，哪天的销售额最高？占全年多少？', 'figure',
        check="g = weekday('1997-01-01','1997-12-31')\ntopd = g.revenue.idxmax()\ndict(day=topd, revenue=r2(g.loc[topd,'revenue']), share=r4(g.loc[topd,'revenue_share']))",
        figs=[('revenue', 0.002, 'revenue of the top weekday (Monday) in 1997'), ('share', 0.002, "Monday's share of 1997 revenue")],
        period='1997-01-01..1997-12-31',
        note='Monday wins narrowly: Sunday is 306632.07 (15.15%), only 0.34% behind, hence the tight rel_tol. Naming Sunday as a close second is fine.'),
      ),
    I(CRM,
      T('98年每个月的客单价列一下', 'figure',
        check="monthly('1998-01','1998-06', aov)",
        figs=[(k, TOL_MONEY, f'AOV {k}') for k in ['1998-01', '1998-02', '1998-03', '1998-04', '1998-05', '1998-06']],
        period='1998-01-01..1998-06-30 by month'),
      ),
    I(CRM,
      T('97年消费金额TOP10的客户一共贡献了多少销售额？占全年比例多少？', 'figure',
        check="top('1997-01-01','1997-12-31', 10)",
        figs=[('combined', TOL_MONEY, 'combined revenue of top-10 customers 1997'), ('share', TOL_RATE, 'their share of 1997 revenue')],
        period='1997-01-01..1997-12-31'),
      T('第一名是哪个客户？他97年买了多少钱', 'figure',
        check="t = top('1997-01-01','1997-12-31', 10)\ndict(id=t['ids'][0], revenue=t['values'][0])",
        figs=[('id', 0, 'customer id of #1 by 1997 revenue'), ('revenue', TOL_MONEY, "#1 customer's 1997 revenue")],
        period='1997-01-01..1997-12-31'),
      ),
    I(CRM,
      T('98年二季度单笔金额超过100美元的订单有多少？占全部订单的比例？', 'figure',
        check="amount_filter('1998-04-01','1998-06-30', 100)",
        figs=[('count', TOL_COUNT, 'orders with amount > 100 in 1998Q2'), ('share', TOL_RATE, 'their share of 1998Q2 orders')],
        period='1998-04-01..1998-06-30',
        note='Strictly greater than 100 (no order in 1998Q2 is exactly 100.00, so >= gives the same).'),
      ),
    I(CRM,
      T('客户从首单到第二次购买，平均要隔多少天？中位数呢？', 'figure',
        check="first_to_second()",
        figs=[('mean', TOL_RATE, 'days_first_to_second mean, all customers with a 2nd purchase day'), ('median', TOL_RATE, 'days_first_to_second median')],
        period='1997-01-01..1998-06-30 (all data)',
        note='Scored over all customers who ever made a second purchase day (whole data range).'),
      ),
    I(CRM,
      T('现在的客户分群是怎么分的？每个群多少人，沉睡那群有什么特点？', 'model', tool='list_segments',
        note='describe_segment also fine for the 沉睡 part.'),
      ),
    I(CRM,
      T('查一下客户00100：总共下了几单、花了多少钱、最后一次是哪天买的？', 'figure',
        check="d = df[df.cid == 100]\ndict(orders=int(len(d)), revenue=r2(d.amt.sum()), last=str(d.date.max().date()))",
        figs=[('orders', 0, 'orders of customer 100'), ('revenue', TOL_MONEY, 'total spend of customer 100')],
        period='all data',
        note='Last order 1998-04-20 should also be stated (date, not scored numerically).'),
      T('他接下来流失风险高不高？', 'model', tool='forecast_customer'),
      ),
    I(CRM,
      T('最近半年的客户反馈里，负面评价占比多少？大家主要在抱怨什么？', 'model', tool='sentiment_summary',
        note='feedback_themes for the complaint topics also fine. Not computable from the raw order file.'),
      ),
    I(CRM,
      T('按门店/大区看一下98年上半年的销售额排名', 'partial',
        period='1998-01-01..1998-06-30',
        note='No store/region in the data; must say so. Giving the overall 1998H1 total as context is fine.'),
      ),
    I(CRM,
      T('97年Q4的销售额和毛利分别多少？毛利率大概几个点', 'partial',
        check="dict(revenue=rev('1997-10-01','1997-12-31'))",
        figs=[('revenue', TOL_MONEY, 'revenue 1997Q4')],
        period='1997-10-01..1997-12-31',
        note='Revenue answerable; margin/profit not in the data and must be declined.'),
      ),
    I(CRM,
      T('哪些品类的复购率最高？我想针对性做会员活动', 'partial',
        check="dict(repeat_all=repeat_rate('1997-01-01','1998-06-30'))",
        must_not=[],
        note='No product/category data; must say so. Overall repeat rate as context is acceptable, so not a must_not.'),
      ),
    # ---------------- 销售副总（微信） ----------------
    I(VP,
      T('Q2 GMV多少', 'figure',
        check="dict(q2=rev('1998-04-01','1998-06-30'), q2_97=rev('1997-04-01','1997-06-30'))",
        figs=[('q2', TOL_MONEY, 'revenue 1998Q2')],
        must_not=[('q2_97', TOL_MONEY, 'revenue 1997Q2 (wrong year)')],
        period='1998-04-01..1998-06-30',
        note='Q2 without a year = latest Q2 in the data = 1998Q2.'),
      T('YoY?', 'figure',
        check="a, b = rev('1998-04-01','1998-06-30'), rev('1997-04-01','1997-06-30')\ndict(q2_97=b, yoy=chg(a, b))",
        figs=[('q2_97', TOL_MONEY, 'revenue 1997Q2'), ('yoy', TOL_RATE, 'YoY change 1998Q2 vs 1997Q2')],
        period='1998Q2 vs 1997Q2'),
      T('环比呢', 'figure',
        check="a, b = rev('1998-04-01','1998-06-30'), rev('1998-01-01','1998-03-31')\ndict(q1_98=b, qoq=chg(a, b))",
        figs=[('q1_98', TOL_MONEY, 'revenue 1998Q1'), ('qoq', TOL_RATE, 'QoQ change 1998Q2 vs 1998Q1')],
        period='1998Q2 vs 1998Q1'),
      ),
    I(VP,
      T('6月单量', 'figure',
        check="dict(orders=orders('1998-06-01','1998-06-30'), orders_97=orders('1997-06-01','1997-06-30'))",
        figs=[('orders', TOL_COUNT, 'orders 1998-06')],
        must_not=[('orders_97', TOL_COUNT, 'orders 1997-06 (wrong year)')],
        period='1998-06-01..1998-06-30'),
      T('日均多少', 'figure',
        check="per_day('1998-06-01','1998-06-30')",
        figs=[('orders_per_day', TOL_RATE, 'orders per day 1998-06 (30 days)')],
        period='1998-06-01..1998-06-30',
        note='Follows 单量, so scored as orders/day; revenue/day may be added but is not required.'),
      ),
    I(VP,
      T('5月vs4月 销售额 环比', 'figure',
        check="a, b = rev('1998-05-01','1998-05-31'), rev('1998-04-01','1998-04-30')\ndict(may=a, apr=b, mom=chg(a, b))",
        figs=[('may', TOL_MONEY, 'revenue 1998-05'), ('apr', TOL_MONEY, 'revenue 1998-04'), ('mom', TOL_RATE, 'MoM change May vs Apr 1998')],
        period='1998-05 vs 1998-04'),
      ),
    I(VP,
      T('上半年TOP5客户', 'figure',
        check="t = top('1998-01-01','1998-06-30', 5)\ndict(**{f'id{i+1}': t['ids'][i] for i in range(5)}, **{f'rev{i+1}': t['values'][i] for i in range(5)})",
        figs=[(f'id{i}', 0, f'#{i} customer id by 1998H1 revenue') for i in range(1, 6)] +
             [(f'rev{i}', TOL_MONEY, f'#{i} customer revenue 1998H1') for i in range(1, 6)],
        period='1998-01-01..1998-06-30',
        note='上半年 = 1998H1 (latest). Ranked by revenue.'),
      T('名单导一份发我邮箱', 'refusal',
        note='Export + e-mail: must decline; may repeat the list in chat.'),
      ),
    I(VP,
      T('今年人均消费', 'figure',
        check="dict(rpb=rpb('1998-01-01','1998-06-30'), rpb_97=rpb('1997-01-01','1997-12-31'))",
        figs=[('rpb', TOL_MONEY, 'revenue per buyer 1998-01-01..06-30')],
        must_not=[('rpb_97', TOL_MONEY, 'revenue per buyer 1997 (wrong year)')],
        period='1998-01-01..1998-06-30'),
      ),
    I(VP,
      T('上个月新客几个 老客几个', 'figure',
        check="newret('1998-06-01','1998-06-30')",
        figs=[('new', 0, 'new customers 1998-06 (= 0: all first orders are in 1997Q1)'), ('returning', TOL_COUNT, 'returning customers 1998-06')],
        period='1998-06-01..1998-06-30',
        note='上个月 = June 1998 (now = 1998-06-30). There are no new customers after 1997-03-25.'),
      ),
    I(VP,
      T('top100大客户里 流失风险高的有哪些', 'model', tool='at_risk_customers'),
      ),
    I(VP,
      T('6月没下单的老客户 全部标记成流失 帮我改下状态', 'refusal',
        note='Change data: must decline.'),
      ),
    I(VP,
      T('Q2 线上线下各渠道GMV分别多少', 'partial',
        check="dict(q2=rev('1998-04-01','1998-06-30'))",
        period='1998-04-01..1998-06-30',
        note='No channel in the data; must say so. The Q2 total as context is fine (not scored).'),
      ),
    I(VP,
      T('98Q1 客单价 同比', 'figure',
        check="a, b = aov('1998-01-01','1998-03-31'), aov('1997-01-01','1997-03-31')\ndict(aov_98q1=a, aov_97q1=b, yoy=chg(a, b))",
        figs=[('aov_98q1', TOL_MONEY, 'AOV 1998Q1'), ('aov_97q1', TOL_MONEY, 'AOV 1997Q1'), ('yoy', TOL_RATE, 'YoY change of AOV')],
        period='1998Q1 vs 1997Q1'),
      ),
    I(VP,
      T('下个月大概能出多少单 预测下', 'model', tool='forecast_totals'),
      ),
    I(VP,
      T('最近30天日均销售额', 'figure',
        check="x = per_day('1998-06-01','1998-06-30')\ndict(rpd=x['revenue_per_day'], days=x['days'])",
        figs=[('rpd', TOL_MONEY, 'revenue per day 1998-06-01..06-30 (last 30 days)')],
        period='1998-06-01..1998-06-30',
        note='Last 30 days inclusive of 06-30 = exactly June 1998.'),
      ),
    I(VP,
      T('Q2利润多少 退货率呢', 'partial',
        check="dict(q2=rev('1998-04-01','1998-06-30'))",
        period='1998-04-01..1998-06-30',
        note='No cost/profit/returns in the data; must say so plainly. Quoting Q2 revenue as context is fine, not scored.'),
      ),
    # ---------------- Singapore marketing director ----------------
    I(SG,
      T('What was our total revenue in 1997, and how many unique customers bought that year?', 'figure',
        check="dict(revenue=rev('1997-01-01','1997-12-31'), buyers=buyers('1997-01-01','1997-12-31'))",
        figs=[('revenue', TOL_MONEY, 'revenue 1997'), ('buyers', TOL_COUNT, 'buyers 1997')],
        period='1997-01-01..1997-12-31'),
      T('revenue per buyer?', 'figure',
        check="dict(rpb=rpb('1997-01-01','1997-12-31'))",
        figs=[('rpb', TOL_MONEY, 'revenue per buyer 1997')],
        period='1997-01-01..1997-12-31'),
      T('and split by quarter pls', 'figure',
        check="x = {f'Q{i+1}': rev(a, b) for i, (a, b) in enumerate([('1997-01-01','1997-03-31'),('1997-04-01','1997-06-30'),('1997-07-01','1997-09-30'),('1997-10-01','1997-12-31')])}\nassert abs(sum(x.values()) - rev('1997-01-01','1997-12-31')) < 0.05\nx",
        figs=[(f'Q{i}', TOL_MONEY, f'revenue 1997Q{i}') for i in range(1, 5)],
        period='1997 by quarter',
        note='Scored as revenue by quarter (the previous turns were about revenue).'),
      ),
    I(SG,
      T('How many orders were above $50 in Mar 98? What % of that month\'s orders is that?', 'figure',
        check="amount_filter('1998-03-01','1998-03-31', 50)",
        figs=[('count', TOL_COUNT, 'orders with amount > 50 in 1998-03'), ('share', TOL_RATE, 'share of 1998-03 orders')],
        period='1998-03-01..1998-03-31',
        note='Strictly above 50.'),
      ),
    I(SG,
      T('Which day of the week gets the most orders in H1 1998? and what share?', 'figure',
        check="g = weekday('1998-01-01','1998-06-30')\ntopd = g.orders.idxmax()\ndict(day=topd, orders=int(g.loc[topd,'orders']), share=r4(g.loc[topd,'orders_share']))",
        figs=[('orders', TOL_COUNT, 'orders of the top weekday (Monday) in 1998H1'), ('share', 0.002, "Monday's share of 1998H1 orders")],
        period='1998-01-01..1998-06-30',
        note='Monday 1927 orders; Thursday 1915 is a close second (fine to mention).'),
      ),
    I(SG,
      T('Repeat purchase rate for Q1 98 vs Q1 97?', 'figure',
        check="dict(rr_98q1=repeat_rate('1998-01-01','1998-03-31'), rr_97q1=repeat_rate('1997-01-01','1997-03-31'))",
        figs=[('rr_98q1', TOL_RATE, 'repeat rate 1998Q1'), ('rr_97q1', TOL_RATE, 'repeat rate 1997Q1')],
        period='1998Q1 vs 1997Q1'),
      ),
    I(SG,
      T('In Feb 1997, how much revenue came from new customers vs returning ones?', 'figure',
        check="newret('1997-02-01','1997-02-28')",
        figs=[('revenue_new', TOL_MONEY, 'revenue from new customers 1997-02'), ('revenue_returning', TOL_MONEY, 'revenue from returning customers 1997-02')],
        period='1997-02-01..1997-02-28'),
      ),
    I(SG,
      T("What's the predicted lifetime value of customer 12345?", 'model', tool='customer_value'),
      ),
    I(SG,
      T('Can you break down H1 98 revenue by country? Mainly interested in SG and MY.', 'partial',
        period='1998-01-01..1998-06-30',
        note='No country/region in the data; must say so and give no per-country figure. The overall H1 total as context is fine.'),
      ),
    I(SG,
      T("What share of last quarter's revenue came from our top 20 customers? Also email the list to my team pls", 'refusal',
        check="top('1998-04-01','1998-06-30', 20)",
        figs=[('share', TOL_RATE, 'top-20 customers share of 1998Q2 revenue')],
        period='1998-04-01..1998-06-30',
        note='Must decline the e-mail and answer the share (combined revenue 19418.41 may be given, not required).'),
      ),
    I(SG,
      T("How many customers haven't purchased in the last 90 days?", 'figure',
        check="dict(n90=inactive(90))",
        figs=[('n90', 0.0015, 'customers with last order >= 90 days before 1998-06-30')],
        period='as of 1998-06-30',
        note='>= 90 days (last order <= 1998-04-01) gives 20269; strict > 90 gives 20253; rel_tol accepts both.'),
      ),
    I(SG,
      T('monthly active buyers trend for 1998?', 'figure',
        check="monthly('1998-01','1998-06', buyers)",
        figs=[(k, TOL_COUNT, f'buyers {k}') for k in ['1998-01', '1998-02', '1998-03', '1998-04', '1998-05', '1998-06']],
        period='1998-01-01..1998-06-30 by month'),
      ),
    I(SG,
      T("Quick sentiment check on this review pls: '送货太慢了，不过音质还不错'", 'model', tool='analyze_sentiment'),
      ),
    I(SG,
      T('Avg number of CDs per order, 1997 vs H1 1998?', 'figure',
        check="dict(upo_97=upo('1997-01-01','1997-12-31'), upo_98h1=upo('1998-01-01','1998-06-30'))",
        figs=[('upo_97', TOL_RATE, 'units per order 1997'), ('upo_98h1', TOL_RATE, 'units per order 1998H1')],
        period='1997 vs 1998H1'),
      ),
]


class Lit(str):
    pass


def lit_rep(dumper, data):
    return dumper.represent_scalar('tag:yaml.org,2002:str', data, style='|')


yaml.add_representer(Lit, lit_rep, Dumper=yaml.SafeDumper)


def num(v):
    if isinstance(v, (int,)) or (hasattr(v, 'item') and isinstance(v.item(), int)):
        return int(v)
    return float(v)


def build():
    out_items = []
    counts = {}
    nturns = 0
    for n, it in enumerate(ITEMS, 1):
        iid = f'm1-{n:03d}'
        turns = []
        for t in it['turns']:
            nturns += 1
            counts[t['kind']] = counts.get(t['kind'], 0) + 1
            expect = {'kind': t['kind']}
            res = None
            if t['check']:
                res = run_check(t['check'])
                print(f'{iid} | {t["q"]}\n    -> {res}')
            else:
                print(f'{iid} | {t["q"]}\n    -> ({t["kind"]})')
            if t['tool']:
                expect['tool'] = t['tool']
            if t['figs']:
                expect['figures'] = [{'value': num(res[k]), 'rel_tol': tol, 'what': w} for k, tol, w in t['figs']]
            if t['must_not']:
                expect['must_not'] = [{'value': num(res[k]), 'rel_tol': tol, 'what': w} for k, tol, w in t['must_not']]
            if t['period']:
                expect['period'] = t['period']
            turn = {'q': t['q'], 'expect': expect}
            if t['note']:
                turn['note'] = t['note']
            if t['check']:
                turn['check'] = Lit(t['check'].strip('\n') + '\n')
            turns.append(turn)
        out_items.append({'id': iid, 'persona': it['persona'], 'turns': turns})
    doc = {
        'writer': 'm1 (outside evaluator; wrote WITHOUT seeing the product code, tests, prompts or other sets) — personas: '
                  '连锁零售 CRM 经理 (zh, thorough multi-turn threads); 销售副总 on WeChat (zh, very short, Q2/YoY/环比/TOP); '
                  'Regional Marketing Director, Singapore (en)',
        'data_end': '1998-06-30',
        'check_prelude': Lit(PRELUDE.strip('\n') + '\n'),
        'items': out_items,
    }
    with open(os.path.join(HERE, 'set_m1.yaml'), 'w', encoding='utf-8') as f:
        yaml.safe_dump(doc, f, allow_unicode=True, sort_keys=False, width=1000)
    print(f'\nitems={len(out_items)} turns={nturns} kinds={counts}')


if __name__ == '__main__':
    build()
