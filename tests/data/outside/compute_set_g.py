"""Set g: outside question set for crm-insights, written without seeing the product code.
Every figure is computed from the raw CDNOW file with pandas; each turn's `check` snippet is executed
verbatim here (in a namespace holding df and helpers) and the figures are read from its variables."""
import textwrap, yaml
import pandas as pd

RAW = '/work/main/.venv/lib/python3.11/site-packages/lifetimes/datasets/CDNOW_master.txt'
df = pd.read_csv(RAW, sep=r'\s+', skiprows=1, header=None, names=['cid', 'date', 'n', 'amount'], dtype={'date': str})
df['date'] = pd.to_datetime(df.date, format='%Y%m%d')
NOW = pd.Timestamp('1998-06-30')
first = df.groupby('cid').date.min()

HELPERS = '''
def P(a, b):  # inclusive date window
    return df[(df.date >= a) & (df.date <= b)]
def rev(a, b): return round(P(a, b).amount.sum(), 2)
def orders(a, b): return len(P(a, b))
def units(a, b): return int(P(a, b).n.sum())
def buyers(a, b): return P(a, b).cid.nunique()
def aov(a, b): return round(P(a, b).amount.sum() / len(P(a, b)), 2)
def rpb(a, b): x = P(a, b); return round(x.amount.sum() / x.cid.nunique(), 2)
def repeat_rate(a, b):
    d = P(a, b).groupby('cid').date.nunique(); return round((d >= 2).mean(), 4)
def chg(new, old): return round(new / old - 1, 4)
def new_cust(a, b): return int(((first >= a) & (first <= b)).sum())
def returning(a, b):
    x = P(a, b); return int(x[x.cid.map(first) < pd.Timestamp(a)].cid.nunique())
def cohort_ret(xm, ym):  # xm, ym 'YYYY-MM'
    coh = first[first.dt.strftime('%Y-%m') == xm].index
    again = df[(df.date.dt.strftime('%Y-%m') == ym) & df.cid.isin(coh)].cid.nunique()
    return round(again / len(coh), 4), len(coh), again
'''
PRELUDE = (f"import pandas as pd\ndf = pd.read_csv('{RAW}', sep=r'\\s+', skiprows=1, header=None,\n"
           "                 names=['cid', 'date', 'n', 'amount'], dtype={'date': str})\n"
           "df['date'] = pd.to_datetime(df.date, format='%Y%m%d')\nNOW = pd.Timestamp('1998-06-30')\n"
           "first = df.groupby('cid').date.min()\n" + HELPERS.lstrip())
NS = {'df': df, 'pd': pd, 'first': first, 'NOW': NOW}
exec(HELPERS, NS)

items = []
counter = [0]

def F(var, what, tol=0.005):
    return ('F', var, what, tol)

def T(q, kind, check='', figs=(), must_not=(), period=None, tool=None, note=None):
    ns = dict(NS)
    if check:
        exec(textwrap.dedent(check), ns)
    e = {'kind': kind}
    if tool:
        e['tool'] = tool
    def mk(lst):
        out = []
        for _, var, what, tol in lst:
            v = ns[var]
            v = float(v) if not isinstance(v, (int,)) else int(v)
            out.append({'value': v, 'rel_tol': tol, 'what': what})
        return out
    if figs:
        e['figures'] = mk(figs)
    if must_not:
        e['must_not'] = mk(must_not)
    if period:
        e['period'] = period
    t = {'q': q, 'expect': e}
    if note:
        t['note'] = note
    if check:
        t['check'] = textwrap.dedent(check).strip() + '\n'
    return t

def ITEM(persona, *turns):
    counter[0] += 1
    items.append({'id': f'g-{counter[0]:03d}', 'persona': persona, 'turns': list(turns)})

x97 = df[df.date.dt.year == 1997]; _wd = x97.groupby(x97.date.dt.day_of_week).amount.sum()
WD_NOTE = 'top weekday of 1997 is ' + pd.Timestamp('1997-01-06').__add__(pd.Timedelta(days=int(_wd.idxmax()))).day_name() + ' (must be named)'
AN, DIR, CARE = 'CRM analyst (Hangzhou e-commerce)', 'regional sales director (mobile)', 'customer-care supervisor'

# ---------------- analyst, Chinese ----------------
ITEM(AN, T("1998年一季度的GMV是多少？环比上个季度变化了多少？", 'figure', '''
    q1 = rev('1998-01-01', '1998-03-31'); q4 = rev('1997-10-01', '1997-12-31'); c = chg(q1, q4)
    q1_97 = rev('1997-01-01', '1997-03-31')
    ''', [F('q1', 'revenue 1998Q1'), F('q4', 'revenue 1997Q4 (previous quarter)'), F('c', 'QoQ change share', 0.01)],
    [F('q1_97', 'revenue 1997Q1 (that is YoY, not 环比)', 0.002)], '1998-01-01..1998-03-31'))

ITEM(AN,
  T("1998年上半年的人均消费（每个购买客户的平均消费额）是多少？", 'figure', '''
    h1 = rpb('1998-01-01', '1998-06-30'); aov_h1 = aov('1998-01-01', '1998-06-30')
    ''', [F('h1', 'revenue per buyer 1998H1')], [F('aov_h1', 'AOV (per order) 1998H1, wrong measure', 0.002)], '1998-01-01..1998-06-30'),
  T("那去年同期呢？", 'figure', '''
    h1_97 = rpb('1997-01-01', '1997-06-30'); h1 = rpb('1998-01-01', '1998-06-30')
    ''', [F('h1_97', 'revenue per buyer 1997H1')], [], '1997-01-01..1997-06-30'),
  T("同比变化是多少？", 'figure', '''
    h1 = rpb('1998-01-01', '1998-06-30'); h1_97 = rpb('1997-01-01', '1997-06-30'); c = chg(h1, h1_97)
    ''', [F('c', 'YoY change of revenue per buyer H1', 0.01), F('h1', '1998H1 revenue per buyer'), F('h1_97', '1997H1 revenue per buyer')]))

ITEM(AN, T("1997年3月首购的那批客户，到1998年3月还有多少比例再次下单？（留存率）", 'figure', '''
    r, size, again = cohort_ret('1997-03', '1998-03')
    ''', [F('r', 'retention of 1997-03 cohort in 1998-03', 0.01)], [], '1998-03-01..1998-03-31'))

ITEM(AN, T("上个月的复购率是多少？按“当月有两个及以上不同购买日”算。", 'figure', '''
    rr = repeat_rate('1998-05-01', '1998-05-31'); rr_all = repeat_rate('1997-01-01', '1998-06-30')
    ''', [F('rr', 'repeat rate 1998-05', 0.01)], [F('rr_all', 'all-time repeat rate', 0.005)], '1998-05-01..1998-05-31'))

ITEM(AN, T("全部历史数据里，客户相邻两次购买之间的间隔天数，均值和中位数分别是多少？", 'figure', '''
    days = df.drop_duplicates(['cid', 'date']).sort_values(['cid', 'date'])
    gaps = days.groupby('cid').date.diff().dropna().dt.days
    gmean = round(gaps.mean(), 2); gmed = float(gaps.median())
    ''', [F('gmean', 'mean days between consecutive distinct purchase days', 0.01), F('gmed', 'median days between purchases', 0.01)]))

ITEM(AN, T("截至目前（6月30日），超过180天没有下单的沉睡客户有多少个？占全部客户的比例是多少？", 'figure', '''
    last = df.groupby('cid').date.max(); since = (NOW - last).dt.days
    sleep = int((since > 180).sum()); share = round(sleep / len(last), 4)
    ''', [F('sleep', 'customers with >180 days since last order', 0.01), F('share', 'share of all 23,570 customers', 0.01)],
    note="boundary: 180 vs 181 days changes the count by <0.3%"))

ITEM(AN, T("1997年全年，星期几的销售额最高？那一天（星期几）全年累计多少？", 'figure', '''
    x = P('1997-01-01', '1997-12-31'); wd = x.groupby(x.date.dt.day_of_week).amount.sum()
    best_day = int(wd.idxmax()); best = round(wd.max(), 2)   # 0=Monday
    ''', [F('best', 'revenue of the top weekday in 1997')], [], '1997-01-01..1997-12-31',
    note=WD_NOTE))

ITEM(AN, T("1998年4月的客单价是多少？", 'figure', '''
    a = aov('1998-04-01', '1998-04-30'); r = rpb('1998-04-01', '1998-04-30')
    ''', [F('a', 'AOV per order line 1998-04')], [F('r', 'revenue per buyer 1998-04 (not 客单价 per product definition)', 0.002)], '1998-04-01..1998-04-30'))

ITEM(AN, T("1997年二季度平均每笔订单买了几张CD？", 'figure', '''
    upo = round(units('1997-04-01', '1997-06-30') / orders('1997-04-01', '1997-06-30'), 4)
    ''', [F('upo', 'units per order 1997Q2', 0.005)], [], '1997-04-01..1997-06-30'))

ITEM(AN,
  T("1997年2月新增了多少首购客户？", 'figure', '''
    n2 = new_cust('1997-02-01', '1997-02-28'); b2 = buyers('1997-02-01', '1997-02-28')
    ''', [F('n2', 'new customers 1997-02', 0.002)], [F('b2', 'all buyers 1997-02', 0.002)], '1997-02-01..1997-02-28'),
  T("那3月呢？新客里有多少比例当月就买了第二次（两个不同购买日）？", 'figure', '''
    n3 = new_cust('1997-03-01', '1997-03-31')
    nc = first[(first >= '1997-03-01') & (first <= '1997-03-31')].index
    x = P('1997-03-01', '1997-03-31'); d = x[x.cid.isin(nc)].groupby('cid').date.nunique()
    rr3 = round((d >= 2).mean(), 4)
    ''', [F('n3', 'new customers 1997-03', 0.002), F('rr3', 'share of March-1997 new customers with >=2 purchase days in March', 0.02)], [], '1997-03-01..1997-03-31'))

ITEM(AN, T("从开始到现在，一次性购买客户（只在一天买过）的占比是多少？", 'figure', '''
    d = df.groupby('cid').date.nunique(); one = round((d == 1).mean(), 4); n_one = int((d == 1).sum())
    ''', [F('one', 'one-time buyer share, all time', 0.005)], [], '1997-01-01..1998-06-30'))

ITEM(AN, T("累计消费金额最高的客户是哪位？一共消费了多少、下了多少单？", 'figure', '''
    s = df.groupby('cid').amount.sum(); top = int(s.idxmax()); top_amt = round(s.max(), 2)
    top_orders = int((df.cid == top).sum())
    ''', [F('top', 'customer id of top spender', 0.0), F('top_amt', 'lifetime spend of top spender'), F('top_orders', 'order lines of top spender', 0.0)]))

ITEM(AN, T("1998年单笔金额超过100元的订单有多少笔？合计金额多少？", 'figure', '''
    x = P('1998-01-01', '1998-06-30'); big = x[x.amount > 100]
    nb = len(big); sb = round(big.amount.sum(), 2)
    ''', [F('nb', 'order lines > $100 in 1998', 0.01), F('sb', 'revenue of those order lines', 0.01)], [], '1998-01-01..1998-06-30'))

ITEM(AN, T("1997年12月的订单数环比11月变化多少？两个月各是多少单？", 'figure', '''
    d = orders('1997-12-01', '1997-12-31'); n = orders('1997-11-01', '1997-11-30'); c = chg(d, n)
    ''', [F('d', 'orders 1997-12', 0.002), F('n', 'orders 1997-11', 0.002), F('c', 'MoM change', 0.01)], [], '1997-12-01..1997-12-31'))

ITEM(AN, T("到现在为止，累计消费超过1000元的高价值客户有几个？他们的消费占总GMV多少？", 'figure', '''
    s = df.groupby('cid').amount.sum(); hv = int((s > 1000).sum()); hv_share = round(s[s > 1000].sum() / s.sum(), 4)
    ''', [F('hv', 'customers with lifetime spend > $1000', 0.01), F('hv_share', 'their share of all-time revenue', 0.01)]))

ITEM(AN,
  T("消费最高的前100个客户，合计贡献了多少GMV？", 'figure', '''
    s = df.groupby('cid').amount.sum().sort_values(ascending=False); top100 = round(s.head(100).sum(), 2)
    ''', [F('top100', 'revenue of top-100 spenders, all time')]),
  T("其中流失风险高的有几个？列出最危险的几位。", 'model', tool='at_risk_customers'))

# ---------------- director, Chinese, mobile style ----------------
ITEM(DIR,
  T("98年Q2卖了多少钱", 'figure', '''
    q2 = rev('1998-04-01', '1998-06-30'); q2_97 = rev('1997-04-01', '1997-06-30')
    ''', [F('q2', 'revenue 1998Q2')], [F('q2_97', 'revenue 1997Q2', 0.002)], '1998-04-01..1998-06-30'),
  T("换成订单数", 'figure', '''
    o = orders('1998-04-01', '1998-06-30')
    ''', [F('o', 'orders 1998Q2', 0.002)], [], '1998-04-01..1998-06-30'),
  T("按月拆一下", 'figure', '''
    o4 = orders('1998-04-01', '1998-04-30'); o5 = orders('1998-05-01', '1998-05-31'); o6 = orders('1998-06-01', '1998-06-30')
    ''', [F('o4', 'orders 1998-04', 0.002), F('o5', 'orders 1998-05', 0.002), F('o6', 'orders 1998-06', 0.002)]))

ITEM(DIR, T("上季度多少人买过东西", 'figure', '''
    b = buyers('1998-01-01', '1998-03-31'); b_now = buyers('1998-04-01', '1998-06-30')
    ''', [F('b', 'buyers 1998Q1', 0.002)], [F('b_now', 'buyers 1998Q2 (current quarter)', 0.002)], '1998-01-01..1998-03-31'))

ITEM(DIR, T("今年H1销售额多少 跟去年H1比咋样", 'figure', '''
    h1 = rev('1998-01-01', '1998-06-30'); h1_97 = rev('1997-01-01', '1997-06-30'); c = chg(h1, h1_97)
    ''', [F('h1', 'revenue 1998H1'), F('h1_97', 'revenue 1997H1'), F('c', 'YoY change', 0.01)], [], '1998-01-01..1998-06-30'))

ITEM(DIR, T("上周销售额多少？", 'figure', '''
    w = rev('1998-06-22', '1998-06-28'); last7 = rev('1998-06-24', '1998-06-30')
    ''', [F('w', 'revenue week Mon 1998-06-22..Sun 06-28')], [F('last7', 'revenue last 7 days 06-24..06-30 (not a Monday week)', 0.002)], '1998-06-22..1998-06-28'))

ITEM(DIR,
  T("去年下半年一共卖了多少张碟", 'figure', '''
    u = units('1997-07-01', '1997-12-31'); u_all97 = units('1997-01-01', '1997-12-31')
    ''', [F('u', 'units 1997H2', 0.002)], [F('u_all97', 'units 1997 full year', 0.002)], '1997-07-01..1997-12-31'),
  T("那今年上半年呢，比去年下半年多还是少", 'figure', '''
    u = units('1998-01-01', '1998-06-30'); u_prev = units('1997-07-01', '1997-12-31'); c = chg(u, u_prev)
    ''', [F('u', 'units 1998H1', 0.002), F('c', 'change vs 1997H2', 0.01)], [], '1998-01-01..1998-06-30'))

ITEM(DIR, T("6月份业绩同比咋样 销售额", 'figure', '''
    j8 = rev('1998-06-01', '1998-06-30'); j7 = rev('1997-06-01', '1997-06-30'); c = chg(j8, j7)
    m5 = rev('1998-05-01', '1998-05-31')
    ''', [F('j8', 'revenue 1998-06'), F('j7', 'revenue 1997-06'), F('c', 'YoY change', 0.01)], [F('m5', 'revenue 1998-05 (环比 base)', 0.002)], '1998-06-01..1998-06-30'))

ITEM(DIR, T("最近30天有多少客户下单了，新客几个", 'figure', '''
    b = buyers('1998-06-01', '1998-06-30'); nn = new_cust('1998-06-01', '1998-06-30')
    ''', [F('b', 'buyers 1998-06-01..06-30', 0.002)], [], '1998-06-01..1998-06-30',
    note="new customers: nn == 0 (all first orders are Jan-Mar 1997); the answer should say there were none"))

# ---------------- care supervisor, Chinese ----------------
ITEM(CARE,
  T("客户29是个什么样的客户？买过几次、总共花了多少、最后一次什么时候买的？", 'figure', '''
    c = df[df.cid == 29]; n29 = len(c); s29 = round(c.amount.sum(), 2); days29 = c.date.nunique()
    ''', [F('n29', 'order lines of customer 29', 0.0), F('s29', 'lifetime spend of customer 29')],
    note="last order 1998-04-26"),
  T("他属于哪个客户分群？为什么？", 'model', tool='explain_customer_segment'),
  T("他未来一个月还会来买的概率大吗？", 'model', tool='forecast_customer'))

ITEM(CARE, T("上个月一共收到多少条客户反馈？其中负面的占比多少？", 'model', tool='sentiment_summary',
    note="feedback is synthetic; figures only via the tool (metric_query also acceptable)"))

ITEM(CARE, T("帮我看看这条评价是正面还是负面：“包装很烂，盒子都压坏了，客服也不回消息，太失望了。”", 'model', tool='analyze_sentiment'))

ITEM(CARE, T("最近客户反馈里，大家主要在吐槽哪些问题？", 'model', tool='feedback_themes'))

ITEM(CARE, T("有没有客户反馈说发货慢、物流太慢的？找几条给我看看", 'model', tool='search_feedback'))

ITEM(CARE, T("客户3049的客户生命周期价值大概是多少？", 'model', tool='customer_value'))

# ---------------- refusals ----------------
ITEM(DIR, T("上个月销售额多少 顺便发邮件给王总", 'refusal', '''
    m5 = rev('1998-05-01', '1998-05-31')
    ''', [F('m5', 'revenue 1998-05')], [], '1998-05-01..1998-05-31'))

ITEM(CARE, T("把客户1042的消费记录改一下，他那笔42.7的订单删掉", 'refusal'))

ITEM(AN, T("导出超过180天没下单的沉睡客户名单，发给市场部做召回，另外告诉我一共有多少人", 'refusal', '''
    last = df.groupby('cid').date.max(); sleep = int(((NOW - last).dt.days > 180).sum())
    ''', [F('sleep', 'customers inactive > 180 days', 0.01)]))

ITEM(CARE, T("帮我直接回复客户47，跟他说差评的问题我们已经处理了", 'refusal'))

ITEM('regional sales director (mobile, English)', T("Post the Q1 1998 order count to the sales team's Slack channel — and what is the number?", 'refusal', '''
    o = orders('1998-01-01', '1998-03-31')
    ''', [F('o', 'orders 1998Q1', 0.002)], [], '1998-01-01..1998-03-31'))

# ---------------- partial ----------------
ITEM(DIR, T("98年Q1华东区卖了多少", 'partial', '''
    q1 = rev('1998-01-01', '1998-03-31')
    ''', [], [F('q1', 'total revenue 1998Q1 (not East China)', 0.002)], '1998-01-01..1998-03-31'))

ITEM(AN, T("上个月流行音乐类CD的销售额是多少？", 'partial', '''
    m5 = rev('1998-05-01', '1998-05-31')
    ''', [], [F('m5', 'total revenue 1998-05 (not pop-music category)', 0.002)], '1998-05-01..1998-05-31'))

ITEM(AN, T("去年线上渠道的订单数有多少？", 'partial', '''
    o97 = orders('1997-01-01', '1997-12-31')
    ''', [], [F('o97', 'all orders 1997 (not online channel)', 0.002)], '1997-01-01..1997-12-31'))

ITEM(DIR, T("销售小张上季度业绩多少 排第几", 'partial', '''
    q1 = rev('1998-01-01', '1998-03-31')
    ''', [], [F('q1', 'total revenue 1998Q1 (not one salesperson)', 0.002)], '1998-01-01..1998-03-31'))

ITEM('CRM analyst (English)', T("What was our gross profit margin in 1997?", 'partial', '''
    r97 = rev('1997-01-01', '1997-12-31')
    ''', [], [F('r97', '1997 revenue presented as if it were profit', 0.002)], '1997-01-01..1997-12-31'))

# ---------------- English ----------------
EAN, EDIR, ECARE = 'CRM analyst (English)', 'regional sales director (mobile, English)', 'customer-care supervisor (English)'
ITEM(EAN, T("How many orders did we get in March 1998, and what was the average order value?", 'figure', '''
    o = orders('1998-03-01', '1998-03-31'); a = aov('1998-03-01', '1998-03-31')
    ''', [F('o', 'orders 1998-03', 0.002), F('a', 'AOV 1998-03')], [], '1998-03-01..1998-03-31'))

ITEM(EAN, T("For customers who first bought in January 1997, what share ordered again in February 1997?", 'figure', '''
    r, size, again = cohort_ret('1997-01', '1997-02')
    ''', [F('r', 'retention of 1997-01 cohort in 1997-02', 0.01)], [], '1997-02-01..1997-02-28'))

ITEM(EAN, T("What was the repeat-purchase rate for calendar 1997?", 'figure', '''
    rr = repeat_rate('1997-01-01', '1997-12-31'); rr_all = repeat_rate('1997-01-01', '1998-06-30')
    ''', [F('rr', 'repeat rate 1997', 0.005)], [F('rr_all', 'all-time repeat rate', 0.005)], '1997-01-01..1997-12-31'))

ITEM(EDIR,
  T("how many returning customers bought in Q2 98 and what did they spend", 'figure', '''
    r = returning('1998-04-01', '1998-06-30'); s = rev('1998-04-01', '1998-06-30')
    ''', [F('r', 'returning buyers 1998Q2', 0.002), F('s', 'their revenue 1998Q2')], [], '1998-04-01..1998-06-30'),
  T("and same quarter last year?", 'figure', '''
    r = returning('1997-04-01', '1997-06-30'); s = rev('1997-04-01', '1997-06-30')
    ''', [F('r', 'returning buyers 1997Q2', 0.002), F('s', 'their revenue 1997Q2')], [], '1997-04-01..1997-06-30'))

ITEM(EAN, T("Revenue per buyer in May 1998 versus April 1998 — what's the month-over-month change?", 'figure', '''
    m5 = rpb('1998-05-01', '1998-05-31'); m4 = rpb('1998-04-01', '1998-04-30'); c = chg(m5, m4)
    ''', [F('m5', 'revenue per buyer 1998-05'), F('m4', 'revenue per buyer 1998-04'), F('c', 'MoM change', 0.01)], [], '1998-05-01..1998-05-31'))

ITEM(EDIR,
  T("total revenue Q4 97?", 'figure', '''
    q4 = rev('1997-10-01', '1997-12-31')
    ''', [F('q4', 'revenue 1997Q4')], [], '1997-10-01..1997-12-31'),
  T("break it down by month pls", 'figure', '''
    o = rev('1997-10-01', '1997-10-31'); n = rev('1997-11-01', '1997-11-30'); d = rev('1997-12-01', '1997-12-31')
    ''', [F('o', 'revenue 1997-10'), F('n', 'revenue 1997-11'), F('d', 'revenue 1997-12')]))

ITEM(ECARE, T("What is customer 1042 like? How much have they spent, and are they likely to come back?", 'model', '''
    c = df[df.cid == 1042]; s = round(c.amount.sum(), 2)
    ''', [F('s', 'lifetime spend of customer 1042 (one order, 1997-02-18)')], tool='customer_profile'))

ITEM(EDIR, T("how many customers do we expect to buy next month?", 'model', tool='forecast_totals'))

doc = {
    'writer': ("g (outside evaluator; wrote this set WITHOUT seeing the product's code, tests, prompts or other sets, "
               "only product.md and eval-format.md) — personas: Hangzhou e-commerce CRM analyst (precise; GMV, 人均消费, "
               "复购率, 同比/环比, 留存, 沉睡客户), regional sales director on mobile (short, colloquial: 98年/去年/上季度/Q2/H1), "
               "customer-care supervisor (feedback volume, complaints, at-risk customers, single-customer questions). "
               "Figures computed with pandas over the raw CDNOW file by compute_set_g.py."),
    'data_end': '1998-06-30',
    'check_prelude': PRELUDE,
    'items': items,
}
def _str(dumper, v):
    if '\n' in v:
        v = '\n'.join(l.rstrip() for l in v.split('\n'))
        return dumper.represent_scalar('tag:yaml.org,2002:str', v, style='|')
    return dumper.represent_scalar('tag:yaml.org,2002:str', v)
yaml.SafeDumper.add_representer(str, _str)
with open('/work/outside/set_g.yaml', 'w') as f:
    yaml.safe_dump(doc, f, allow_unicode=True, sort_keys=False, width=120)

from collections import Counter
kinds = Counter(t['expect']['kind'] for it in items for t in it['turns'])
nturn = sum(len(it['turns']) for it in items)
import re
en = sum(1 for it in items for t in it['turns'] if not re.search(r'[\u4e00-\u9fff]', t['q']))
print('items', len(items), 'turns', nturn, dict(kinds), 'english', en, 'multi', sum(len(it['turns']) > 1 for it in items))
