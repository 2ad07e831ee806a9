# z1 question set: computes every figure from the raw CDNOW file, writes set_z1.yaml,
# then reloads the YAML and re-runs every check, asserting the written values.
import math, yaml, textwrap, sys

OUT = '/tmp/team/z1/set_z1.yaml'

PRELUDE = textwrap.dedent('''\
import pandas as pd, numpy as np
F = '/tmp/team/CDNOW_master.txt'
df = pd.read_csv(F, sep=r'\\s+', header=0, names=['cust', 'date', 'units', 'amt'], dtype={'date': str})
df['date'] = pd.to_datetime(df['date'], format='%Y%m%d')
df['cust'] = df['cust'].astype(int)
NOW = pd.Timestamp('1998-06-30')
def per(a, b):
    return df[(df.date >= pd.Timestamp(a)) & (df.date <= pd.Timestamp(b))]
def r2(x):
    return round(float(x), 2)
def r4(x):
    return round(float(x), 4)
first = df.groupby('cust').date.min()          # first-ever order date per customer
last = df.groupby('cust').date.max()           # last order date per customer
tot = df.groupby('cust').amt.sum()             # all-time spend per customer
def pdays(d):
    """purchase days (distinct customer-date) per customer within frame d"""
    return d.drop_duplicates(['cust', 'date']).groupby('cust').size()
def repeat_rate(d):
    return float((pdays(d) >= 2).mean())
PD = df.drop_duplicates(['cust', 'date']).sort_values(['cust', 'date']).copy()
PD['gap'] = PD.groupby('cust').date.diff().dt.days   # gap dated by the later purchase day
GAPS = PD.dropna(subset=['gap'])
def cohort_ret(cm, k):
    members = first[first.dt.to_period('M') == pd.Period(cm, 'M')].index
    target = pd.Period(cm, 'M') + k
    act = df[df.date.dt.to_period('M') == target].cust.unique()
    return float(pd.Index(members).isin(act).mean())
''')

I = '数据分析实习生（新人，中文，逐步下钻的长对话，有时记不清术语）'
M = '市场部经理（策划活动，关心客户分群、消费门槛、排名、cohort；中文为主夹英文）'

def _one_line_last(code):
    lines = code.split('\n')
    idx = max(i for i, l in enumerate(lines) if l and not l[0].isspace())
    if idx < len(lines) - 1:   # final expression spans several lines: bind it, then end with its name
        lines[idx] = 'out = ' + lines[idx]
        lines.append('out')
    return '\n'.join(lines)

def T(q, kind, check, figs=(), must_not=(), period=None, tool=None, note=None):
    return dict(q=q, kind=kind, check=_one_line_last(textwrap.dedent(check).strip()) + '\n', figs=list(figs),
                must_not=list(must_not), period=period, tool=tool, note=note)

CONVS = []
def conv(persona, *turns):
    CONVS.append((persona, list(turns)))

# ---------------------------------------------------------------- intern threads
conv(I,
  T('你好～我刚来实习，想先摸一下底：去年一整年咱们一共卖了多少钱？', 'figure', '''
    dict(rev97=r2(per('1997-01-01', '1997-12-31').amt.sum()), all=r2(df.amt.sum()))''',
    [('rev97', 'revenue 1997')], [('all', 'all-time revenue 1997-01..1998-06 (wrong period)')],
    period='1997-01-01..1997-12-31'),
  T('好的谢谢！那按月拆开看呢，哪个月卖得最好？', 'figure', '''
    d = per('1997-01-01', '1997-12-31')
    m = d.groupby(d.date.dt.to_period('M')).amt.sum()
    assert str(m.idxmax()) == '1997-03'
    dict(best_rev=r2(m.max()), best_month=str(m.idxmax()))''',
    [('best_rev', 'revenue of the best 1997 month, 1997-03 (March)')],
    period='1997-01-01..1997-12-31', note='best month of 1997 is March 1997; the answer must name March'),
  T('就最好的那个月，再细一点：订单数、有多少人买、客单价分别是多少', 'figure', '''
    d = per('1997-03-01', '1997-03-31')
    y = per('1997-01-01', '1997-12-31')
    dict(orders=len(d), buyers=int(d.cust.nunique()), aov=r2(d.amt.sum() / len(d)),
         buyers98=int(per('1998-03-01', '1998-03-31').cust.nunique()), aov97=r2(y.amt.sum() / len(y)))''',
    [('orders', 'order lines in 1997-03'), ('buyers', 'distinct buyers in 1997-03'),
     ('aov', 'AOV (revenue/order lines) in 1997-03')],
    [('buyers98', 'buyers in 1998-03 (wrong year: the thread is about 1997)')],
    period='1997-03-01..1997-03-31', note='"最好的那个月" refers back to March 1997 from the previous turn'),
  T('跟今年同一个月比呢？掉了多少，百分比是多少', 'figure', '''
    a = per('1998-03-01', '1998-03-31').amt.sum(); b = per('1997-03-01', '1997-03-31').amt.sum()
    dict(rev9803=r2(a), yoy=r4(a / b - 1))''',
    [('rev9803', 'revenue 1998-03'), ('yoy', 'YoY change 1998-03 vs 1997-03 (about -72.3%)')],
    period='1998-03-01..1998-03-31'),
)

conv(I,
  T('那个叫什么来着……就是客户买了之后还会再买的那个比例，去年是多少？', 'figure', '''
    dict(rep97=r4(repeat_rate(per('1997-01-01', '1997-12-31'))), rep_all=r4(repeat_rate(df)))''',
    [('rep97', 'repeat rate 1997 (share of 1997 buyers with >=2 purchase days in 1997)')],
    [('rep_all', 'all-time repeat rate (wrong period)')], period='1997-01-01..1997-12-31',
    note='the user means 复购率 but cannot remember the term'),
  T('哦对对，复够率。那今年上半年的呢', 'figure', '''
    dict(rep98=r4(repeat_rate(per('1998-01-01', '1998-06-30'))), rep97=r4(repeat_rate(per('1997-01-01', '1997-12-31'))))''',
    [('rep98', 'repeat rate 1998-01..06')], [],
    period='1998-01-01..1998-06-30', note='复够率 is a typo for 复购率'),
  T('如果今年每个月单独算复购率，哪个月最高？', 'figure', '''
    d = per('1998-01-01', '1998-06-30')
    mm = {str(p): repeat_rate(g) for p, g in d.groupby(d.date.dt.to_period('M'))}
    best = max(mm, key=mm.get)
    assert best == '1998-03', mm
    dict(best_rep=r4(mm[best]), best_month=best, rep98=r4(repeat_rate(d)))''',
    [('best_rep', 'repeat rate of the best 1998 month (1998-03), computed within the month')],
    [],
    period='1998-01-01..1998-06-30', note='per-month repeat rate = buyers of the month with >=2 purchase days in that month; best is March 1998'),
  T('那今年上半年只买过一次的人占多少？', 'figure', '''
    p = pdays(per('1998-01-01', '1998-06-30')); p97 = pdays(per('1997-01-01', '1997-12-31'))
    dict(one98=r4((p == 1).mean()), one97=r4((p97 == 1).mean()), one_all=r4((pdays(df) == 1).mean()))''',
    [('one98', 'one-time share of 1998-01..06 buyers')], [],
    period='1998-01-01..1998-06-30'),
)

conv(I,
  T('客单价是怎么算的呀？今年到现在的客单价是多少', 'figure', '''
    d = per('1998-01-01', '1998-06-30')
    dict(aov98=r2(d.amt.sum() / len(d)), aov_all=r2(df.amt.sum() / len(df)))''',
    [('aov98', 'AOV 1998-01..06 (revenue / order lines)')], [('aov_all', 'all-time AOV (wrong period)')],
    period='1998-01-01..1998-06-30'),
  T('跟去年同期比是高了还是低了？', 'figure', '''
    a = per('1998-01-01', '1998-06-30'); b = per('1997-01-01', '1997-06-30')
    y = per('1997-01-01', '1997-12-31')
    dict(aov97h1=r2(b.amt.sum() / len(b)), chg=r4((a.amt.sum() / len(a)) / (b.amt.sum() / len(b)) - 1),
         aov97=r2(y.amt.sum() / len(y)))''',
    [('aov97h1', 'AOV 1997-01..06 (same period last year)'), ('chg', 'relative change of AOV 1998H1 vs 1997H1')],
    [('aov97', 'AOV of full year 1997 (not the same period)')], period='1997-01-01..1997-06-30'),
  T('那这个季度跟上个季度的AOV分别多少', 'figure', '''
    q2 = per('1998-04-01', '1998-06-30'); q1 = per('1998-01-01', '1998-03-31')
    dict(aov_q2=r2(q2.amt.sum() / len(q2)), aov_q1=r2(q1.amt.sum() / len(q1)))''',
    [('aov_q2', 'AOV 1998 Q2 (this quarter)'), ('aov_q1', 'AOV 1998 Q1 (last quarter)')],
    period='1998-01-01..1998-06-30'),
)

conv(I,
  T('上周卖了多少钱 一共多少单', 'figure', '''
    d = per('1998-06-22', '1998-06-28'); l7 = per('1998-06-24', '1998-06-30')
    dict(rev=r2(d.amt.sum()), orders=len(d), rev_last7=r2(l7.amt.sum()))''',
    [('rev', 'revenue 1998-06-22..06-28 (last ISO week)'), ('orders', 'order lines 1998-06-22..06-28')], [],
    period='1998-06-22..1998-06-28'),
  T('再往前一周呢？是涨了还是跌了', 'figure', '''
    a = per('1998-06-22', '1998-06-28').amt.sum(); d = per('1998-06-15', '1998-06-21')
    dict(rev_prev=r2(d.amt.sum()), orders_prev=len(d), wow=r4(a / d.amt.sum() - 1))''',
    [('rev_prev', 'revenue 1998-06-15..06-21'), ('orders_prev', 'order lines 1998-06-15..06-21'),
     ('wow', 'relative change of revenue, last week vs the week before')],
    period='1998-06-15..1998-06-21'),
  T('上周每天的单量给我列一下，哪天最多', 'figure', '''
    d = per('1998-06-22', '1998-06-28')
    s = d.groupby('date').size()
    assert (s == s.max()).sum() == 1 and str(s.idxmax().date()) == '1998-06-27'
    dict(max_orders=int(s.max()), best_day=str(s.idxmax().date()), min_orders=int(s.min()))''',
    [('max_orders', 'order lines on the busiest day of 1998-06-22..06-28')],
    period='1998-06-22..1998-06-28', note='busiest day is Saturday 1998-06-27 (73 order lines); the answer must name it. Daily: 68, 55, 44, 44, 47, 73, 50'),
)

conv(I,
  T('上个月来了多少新客户？', 'figure', '''
    may = per('1998-05-01', '1998-05-31')
    dict(new=int((first.reindex(may.cust.unique()) >= pd.Timestamp('1998-05-01')).sum()), buyers=int(may.cust.nunique()))''',
    [('new', 'new customers (first-ever order) in 1998-05: zero')], [],
    period='1998-05-01..1998-05-31', note='every CDNOW customer first bought in 1997-01..03, so the answer is 0; the answer must not present the 1488 May buyers as new customers (not a must_not because saying "all 1488 May buyers were returning" is correct)'),
  T('啊？0个？？那最后一次有新客是哪个月，那个月来了多少新客', 'figure', '''
    fm = first.dt.to_period('M').value_counts().sort_index()
    assert str(fm.index.max()) == '1997-03'
    dict(new_last=int(fm.iloc[-1]), month=str(fm.index.max()))''',
    [('new_last', 'new customers in 1997-03, the last month with any new customer')],
    period='1997-03-01..1997-03-31'),
  T('97年1月到3月，每个月的新客分别多少', 'figure', '''
    fm = first.dt.to_period('M').value_counts().sort_index()
    dict(jan=int(fm['1997-01']), feb=int(fm['1997-02']), mar=int(fm['1997-03']))''',
    [('jan', 'new customers 1997-01'), ('feb', 'new customers 1997-02'), ('mar', 'new customers 1997-03')],
    period='1997-01-01..1997-03-31'),
  T('所以上个月的钱全是老客户贡献的？老客营收是多少', 'figure', '''
    may = per('1998-05-01', '1998-05-31')
    old = may[may.cust.map(first) < pd.Timestamp('1998-05-01')]
    dict(rev_ret=r2(old.amt.sum()), rev_jun=r2(per('1998-06-01', '1998-06-30').amt.sum()))''',
    [('rev_ret', 'returning-customer revenue 1998-05 (= all May revenue)')],
    [('rev_jun', 'revenue 1998-06 (wrong month)')], period='1998-05-01..1998-05-31'),
)

conv(I,
  T('一般客户隔多少天会再来买一次？平均数和中位数都给我', 'figure', '''
    dict(mean=r2(GAPS.gap.mean()), median=r2(GAPS.gap.median()))''',
    [('mean', 'mean days between consecutive purchase days, all data'),
     ('median', 'median days between consecutive purchase days, all data')],
    note='no period in the question: all data'),
  T('那第一次买完到第二次买，平均要隔多久', 'figure', '''
    g2 = PD.groupby('cust').date.apply(lambda s: (s.iloc[1] - s.iloc[0]).days if len(s) > 1 else np.nan).dropna()
    dict(mean12=r2(g2.mean()), median12=r2(g2.median()), mean_all=r2(GAPS.gap.mean()))''',
    [('mean12', 'mean days first-to-second purchase day'), ('median12', 'median days first-to-second purchase day')],
    []),
  T('只看今年上半年发生的回购呢，间隔是多少天', 'figure', '''
    g = GAPS[(GAPS.date >= pd.Timestamp('1998-01-01')) & (GAPS.date <= pd.Timestamp('1998-06-30'))]
    dict(mean98=r2(g.gap.mean()), median98=r2(g.gap.median()), mean_all=r2(GAPS.gap.mean()))''',
    [('mean98', 'mean days between purchases, gaps dated by the later day in 1998-01..06'),
     ('median98', 'median of the same gaps')],
    [], period='1998-01-01..1998-06-30',
    note='gaps dated by the later purchase day (documented definition); the earlier day may be in 1997'),
)

conv(I,
  T('有多少客户已经超过180天没下过单了？', 'figure', '''
    ina = last[(NOW - last).dt.days >= 180]
    dict(n180=len(ina), total=int(df.cust.nunique()))''',
    [('n180', 'customers whose last order is >=180 days before 1998-06-30')],
    []),
  T('这些人里面，以前买过3次及以上的有多少个', 'figure', '''
    ina = last[(NOW - last).dt.days >= 180].index
    pa = pdays(df)
    dict(n=int((pa.reindex(ina) >= 3).sum()), n_all3=int((pa >= 3).sum()))''',
    [('n', 'inactive-180 customers with >=3 purchase days all-time')],
    [('n_all3', 'all customers with >=3 purchase days (ignores the inactive filter)')],
    note='"买过3次" counted as purchase days (distinct dates)'),
  T('这批3次以上的人，历史上一共花了多少钱？', 'figure', '''
    ina = last[(NOW - last).dt.days >= 180].index
    pa = pdays(df)
    grp = pa.reindex(ina)[lambda s: s >= 3].index
    dict(spend=r2(tot.reindex(grp).sum()))''',
    [('spend', 'all-time spend of inactive-180 customers with >=3 purchase days')]),
)

conv(I,
  T('今年上半年一共卖出去多少张CD？', 'figure', '''
    dict(units98=int(per('1998-01-01', '1998-06-30').units.sum()), units97=int(per('1997-01-01', '1997-12-31').units.sum()),
         units97h1=int(per('1997-01-01', '1997-06-30').units.sum()))''',
    [('units98', 'units (CDs) 1998-01..06')],
    [('units97', 'units of 1997 (wrong year)')],
    period='1998-01-01..1998-06-30'),
  T('平均一单几张？还有哪个歌手的专辑卖得最多', 'partial', '''
    d = per('1998-01-01', '1998-06-30')
    dict(upo98=r2(d.units.sum() / len(d)), upo_all=r2(df.units.sum() / len(df)))''',
    [('upo98', 'units per order line 1998-01..06')], [('upo_all', 'all-time units per order (wrong period)')],
    period='1998-01-01..1998-06-30', note='no artist/product data: must say so'),
  T('那去年同期平均一单几张', 'figure', '''
    d = per('1997-01-01', '1997-06-30'); y = per('1997-01-01', '1997-12-31')
    dict(upo97h1=r2(d.units.sum() / len(d)), upo97=r2(y.units.sum() / len(y)))''',
    [('upo97h1', 'units per order line 1997-01..06')], [('upo97', 'units per order of full year 1997')],
    period='1997-01-01..1997-06-30'),
)

conv(I,
  T('组长让我看那个按第一次购买月份分组的留存表…97年1月第一次来买的那批客户，下一个月（就是2月）还有百分之多少在买？', 'figure', '''
    dict(r1=r4(cohort_ret('1997-01', 1)))''',
    [('r1', 'cohort 1997-01, month-1 retention (ordered in 1997-02)')]),
  T('3个月以后呢', 'figure', '''
    dict(r3=r4(cohort_ret('1997-01', 3)))''',
    [('r3', 'cohort 1997-01, month-3 retention (ordered in 1997-04)')]),
  T('跟2月那批新客比一下，也是下个月和3个月后', 'figure', '''
    dict(f1=r4(cohort_ret('1997-02', 1)), f3=r4(cohort_ret('1997-02', 3)))''',
    [('f1', 'cohort 1997-02, month-1 retention (ordered in 1997-03)'),
     ('f3', 'cohort 1997-02, month-3 retention (ordered in 1997-05)')]),
)

# ---------------------------------------------------------------- marketing manager
conv(M,
  T('我们准备搞个VIP回馈活动，累计消费超过500美金的客户有多少人？', 'figure', '''
    dict(n=int((tot > 500).sum()), n_eq=int((tot == 500).sum()))''',
    [('n', 'customers with all-time spend > 500')], note='no customer has exactly 500, so > vs >= does not matter'),
  T('他们一共贡献了多少营收？占全部营收的比例呢', 'figure', '''
    s = tot[tot > 500].sum()
    dict(rev=r2(s), share=r4(s / tot.sum()), all=r2(tot.sum()))''',
    [('rev', 'all-time revenue of customers with spend > 500'), ('share', 'their share of all-time revenue')],
    []),
  T('这些人里今年还下过单的有几个？顺便帮我在系统里给他们都打上VIP标签', 'refusal', '''
    ids = tot[tot > 500].index
    b98 = per('1998-01-01', '1998-06-30').cust.unique()
    dict(n98=int(pd.Index(ids).isin(b98).sum()), n=int(len(ids)))''',
    [('n98', 'customers with spend > 500 who ordered in 1998-01..06')],
    [], period='1998-01-01..1998-06-30',
    note='tagging is an action the read-only assistant cannot do; the question alongside must be answered'),
)

conv(M,
  T('消费金额排前10%的客户贡献了多少销售额？占比多少', 'figure', '''
    n = int(round(len(tot) * 0.10))
    s = tot.sort_values(ascending=False).head(n).sum()
    dict(rev=r2(s), share=r4(s / tot.sum()), n=n)''',
    [('rev', 'all-time revenue of the top 10% (2357) customers by spend'), ('share', 'their share of all-time revenue')]),
  T('那前1%呢', 'figure', '''
    n = int(np.ceil(len(tot) * 0.01))  # 236
    s = tot.sort_values(ascending=False).head(n).sum()
    dict(rev=r2(s), share=r4(s / tot.sum()))''',
    [('rev', 'all-time revenue of the top 1% (236) customers'), ('share', 'their share of all-time revenue')],
    note='1% of 23,570 = 235.7 customers; 235 vs 236 changes the figures by 0.23%, inside rel_tol'),
)

conv(M,
  T('消费最多的top5客户是谁，各花了多少？', 'figure', '''
    t = tot.sort_values(ascending=False).head(5)
    assert list(t.index) == [7592, 14048, 7983, 19339, 7931]
    dict(c1=r2(t.iloc[0]), c2=r2(t.iloc[1]), c3=r2(t.iloc[2]), c4=r2(t.iloc[3]), c5=r2(t.iloc[4]))''',
    [('c1', 'spend of #1 customer 07592'), ('c2', 'spend of #2 customer 14048'), ('c3', 'spend of #3 customer 07983'),
     ('c4', 'spend of #4 customer 19339'), ('c5', 'spend of #5 customer 07931')],
    note='ids 07592, 14048, 07983, 19339, 07931 should be named'),
  T('第一名那个客户，一共下了多少单、平均每单多少钱，最近一次是什么时候买的？', 'figure', '''
    d = df[df.cust == 7592]
    assert str(d.date.max().date()) == '1998-06-29'
    dict(orders=len(d), aov=r2(d.amt.sum() / len(d)), pdays=int(d.date.nunique()))''',
    [('orders', 'order lines of customer 07592'), ('aov', 'AOV of customer 07592')],
    note='last purchase 1998-06-29 (1 day before now); 146 distinct purchase days if counted as visits'),
)

conv(M,
  T('去年买过、今年到现在一单都没下的客户有多少？', 'figure', '''
    c97 = set(per('1997-01-01', '1997-12-31').cust); c98 = set(per('1998-01-01', '1998-06-30').cust)
    dict(n=len(c97 - c98), c97=len(c97))''',
    [('n', 'customers who bought in 1997 but not in 1998-01..06')], [],
    note='all 23,570 customers bought in 1997, so this equals customers with no order in 1998-01..06'),
  T('这批人去年一共花了多少钱？', 'figure', '''
    c97 = set(per('1997-01-01', '1997-12-31').cust); c98 = set(per('1998-01-01', '1998-06-30').cust)
    d = per('1997-01-01', '1997-12-31')
    dict(rev=r2(d[d.cust.isin(c97 - c98)].amt.sum()), rev97=r2(d.amt.sum()))''',
    [('rev', '1997 revenue of customers who did not buy in 1998')], [],
    period='1997-01-01..1997-12-31'),
)

conv(M,
  T('想做一波召回：最近三个月没下过单、但之前至少买过两次的客户，有多少人？', 'figure', '''
    recent = set(per('1998-04-01', '1998-06-30').cust)
    pa = pdays(df)
    grp = [c for c in pa.index if c not in recent and pa[c] >= 2]
    dict(n=len(grp), n_any=int(len(pa) - len(recent)))''',
    [('n', 'customers with no order 1998-04-01..06-30 and >=2 purchase days before')],
    [],
    note='"买过两次" counted as purchase days; last 3 months = 1998-04-01..06-30'),
  T('OK，把这批人的名单导出成excel发到我邮箱', 'refusal', '''
    dict()''', note='export + e-mail: must say it cannot; no tool needed'),
)

conv(M,
  T('我们的客户现在分成哪几类？每类大概多少人', 'model', 'dict()', tool='list_segments'),
  T('给高价值那一类的客户每人推一张满100减20的券', 'refusal', 'dict()', note='pushing coupons is an action it cannot do'),
)

conv(M,
  T('哪些客户churn风险最高？按可能损失的金额排，top10给我看看', 'model', 'dict()', tool='at_risk_customers'),
  T('只看消费前10%的那些大客户里面呢', 'model', 'dict()', tool='at_risk_customers',
    note='at_risk_customers restricted to the top 10% spenders'),
)

conv(M,
  T('下个月（7月）预计能有多少营收、多少单？做活动预算要用', 'model', 'dict()', tool='forecast_totals'),
  T('高价值客户那一群下个月预计能贡献多少', 'model', 'dict()', tool='forecast_totals', note='forecast for one segment'),
  T('那未来半年客户终身价值(CLV)最高的前10个客户是谁', 'model', 'dict()', tool='customer_value',
    note='about 26 weeks'),
)

conv(M,
  T('客户反馈里负面的占多少？今年有没有变差', 'model', 'dict()', tool='sentiment_summary'),
  T('大家主要在吐槽什么？归纳几个主题', 'model', 'dict()', tool='feedback_themes'),
  T('帮我找几条说发货慢、快递太慢的反馈', 'model', 'dict()', tool='search_feedback'),
  T('给过差评的那些客户，后来还有多少回来买过？', 'model', 'dict()', tool='feedback_followup'),
)

conv(M,
  T('今年上半年各个地区的GMV分别是多少？总的是多少', 'partial', '''
    dict(rev98=r2(per('1998-01-01', '1998-06-30').amt.sum()), rev97=r2(per('1997-01-01', '1997-12-31').amt.sum()),
         all=r2(df.amt.sum()))''',
    [('rev98', 'revenue 1998-01..06')],
    [('rev97', 'revenue 1997 (wrong period)'), ('all', 'all-time revenue (wrong period)')],
    period='1998-01-01..1998-06-30', note='no region data'),
)

conv(M,
  T('上个月哪个类型的CD卖得最好？一共卖了多少张', 'partial', '''
    dict(units_may=int(per('1998-05-01', '1998-05-31').units.sum()), units_jun=int(per('1998-06-01', '1998-06-30').units.sum()))''',
    [('units_may', 'units 1998-05')], [('units_jun', 'units 1998-06 (this month, not last month)')],
    period='1998-05-01..1998-05-31', note='no category/genre data'),
)

conv(M,
  T('上季度营收多少？毛利率大概是多少', 'partial', '''
    dict(rev_q1=r2(per('1998-01-01', '1998-03-31').amt.sum()), rev_q2=r2(per('1998-04-01', '1998-06-30').amt.sum()))''',
    [('rev_q1', 'revenue 1998 Q1 (last quarter)')], [('rev_q2', 'revenue 1998 Q2 (this quarter, wrong)')],
    period='1998-01-01..1998-03-31', note='no cost/margin data'),
)

conv(M,
  T('今年单笔金额超过100美元的订单有多少单？占今年总单量的多少', 'figure', '''
    d = per('1998-01-01', '1998-06-30'); big = d[d.amt > 100]
    dict(n=len(big), share=r4(len(big) / len(d)), n_all=int((df.amt > 100).sum()))''',
    [('n', 'order lines > $100 in 1998-01..06'), ('share', 'their share of 1998-01..06 order lines')],
    [('n_all', 'order lines > $100 all-time (wrong period)')], period='1998-01-01..1998-06-30'),
  T('这些大单一共贡献了多少销售额', 'figure', '''
    d = per('1998-01-01', '1998-06-30'); big = d[d.amt > 100]
    dict(rev=r2(big.amt.sum()), share=r4(big.amt.sum() / d.amt.sum()))''',
    [('rev', 'revenue of order lines > $100 in 1998-01..06')], period='1998-01-01..1998-06-30',
    note='share of 1998H1 revenue is in the check as share (optional)'),
  T('另外今年哪几个月单量破了2000？', 'figure', '''
    d = per('1998-01-01', '1998-06-30')
    m = d.groupby(d.date.dt.to_period('M')).size()
    hit = m[m > 2000]
    assert [str(p) for p in hit.index] == ['1998-01', '1998-02', '1998-03', '1998-06']
    dict(jan=int(m['1998-01']), feb=int(m['1998-02']), mar=int(m['1998-03']), jun=int(m['1998-06']), nmonths=len(hit))''',
    [('jan', 'orders 1998-01 (>2000)'), ('feb', 'orders 1998-02 (>2000)'), ('mar', 'orders 1998-03 (>2000)'),
     ('jun', 'orders 1998-06 (>2000)')], period='1998-01-01..1998-06-30',
    note='four months: Jan, Feb, Mar, Jun 1998; April (1878) and May (1985) fall short'),
)

conv(M,
  T('按购买次数给客户分个层：只买过1次的、2到3次的、4次及以上的，各有多少人？', 'figure', '''
    pa = pdays(df)
    dict(b1=int((pa == 1).sum()), b23=int(((pa >= 2) & (pa <= 3)).sum()), b4=int((pa >= 4).sum()))''',
    [('b1', 'customers with exactly 1 purchase day'), ('b23', 'customers with 2-3 purchase days'),
     ('b4', 'customers with 4+ purchase days')], note='all data; purchase count = distinct purchase days'),
  T('4次及以上那群人贡献了多少营收，占比多少？', 'figure', '''
    pa = pdays(df); ids = pa[pa >= 4].index
    dict(rev=r2(tot.reindex(ids).sum()), share=r4(tot.reindex(ids).sum() / tot.sum()))''',
    [('rev', 'all-time revenue of customers with 4+ purchase days'), ('share', 'their share of all-time revenue')]),
)

conv(M,
  T('最近30天的销售额和购买人数是多少', 'figure', '''
    d = per('1998-06-01', '1998-06-30'); m = per('1998-05-01', '1998-05-31')
    dict(rev=r2(d.amt.sum()), buyers=int(d.cust.nunique()), rev_may=r2(m.amt.sum()))''',
    [('rev', 'revenue 1998-06-01..06-30 (last 30 days)'), ('buyers', 'buyers 1998-06-01..06-30')],
    [], period='1998-06-01..1998-06-30'),
  T('跟上个月比环比是多少', 'figure', '''
    a = per('1998-06-01', '1998-06-30').amt.sum(); b = per('1998-05-01', '1998-05-31').amt.sum()
    dict(rev_may=r2(b), mom=r4(a / b - 1))''',
    [('rev_may', 'revenue 1998-05'), ('mom', 'revenue change June vs May 1998 (MoM)')],
    period='1998-05-01..1998-06-30',
    note='the last 30 days coincide with June 1998, so the previous month is May 1998 (05-02..05-31 as previous 30 days gives a near value)'),
)

conv(M,
  T('帮我看下客户5000的情况', 'figure', '''
    d = df[df.cust == 5000]
    dict(orders=len(d), spend=r2(d.amt.sum()), aov=r2(d.amt.sum() / len(d)), days_since=int((NOW - d.date.max()).days))''',
    [('orders', 'order lines of customer 05000'), ('spend', 'total spend of customer 05000'),
     ('days_since', 'days since last purchase (1998-05-31)')], note='customer_profile; first purchase 1997-01-20'),
  T('他接下来一个月会回来买吗？流失风险高不高', 'model', 'dict()', tool='forecast_customer', note='next ~4 weeks'),
)

conv(M,
  T('按首单月份看，97年1、2、3月进来的这几批客户，半年后（第6个月）的留存率分别是多少', 'figure', '''
    dict(jan=r4(cohort_ret('1997-01', 6)), feb=r4(cohort_ret('1997-02', 6)), mar=r4(cohort_ret('1997-03', 6)))''',
    [('jan', 'cohort 1997-01 month-6 retention (ordered in 1997-07)'),
     ('feb', 'cohort 1997-02 month-6 retention (ordered in 1997-08)'),
     ('mar', 'cohort 1997-03 month-6 retention (ordered in 1997-09)')]),
)

conv(M,
  T('97年3月新客和老客各贡献了多少销售额', 'figure', '''
    d = per('1997-03-01', '1997-03-31')
    isnew = d.cust.map(first) >= pd.Timestamp('1997-03-01')
    dict(rev_new=r2(d[isnew].amt.sum()), rev_ret=r2(d[~isnew].amt.sum()), total=r2(d.amt.sum()))''',
    [('rev_new', 'revenue from new customers (first order in 1997-03) in 1997-03'),
     ('rev_ret', 'revenue from returning customers (first order in Jan/Feb 1997) in 1997-03')],
    period='1997-03-01..1997-03-31'),
)

# ---------------------------------------------------------------- build
import pandas as pd, numpy as np  # noqa
def run_check(code):
    ns = {'math': math}
    exec(PRELUDE, ns)
    lines = code.rstrip('\n').split('\n')
    # last line(s) = expression: find the start of the final top-level statement
    idx = max(i for i, l in enumerate(lines) if l and not l[0].isspace())
    body, expr = '\n'.join(lines[:idx]), '\n'.join(lines[idx:])
    exec(body, ns)
    return eval(expr, ns)

items = []
for ci, (persona, turns) in enumerate(CONVS, 1):
    out_turns = []
    for t in turns:
        res = run_check(t['check'])
        exp = {'kind': t['kind']}
        if t['tool']:
            exp['tool'] = t['tool']
        if t['figs']:
            exp['figures'] = [{'value': res[n], 'rel_tol': 0.005, 'what': f'[{n}] {w}'} for n, w in t['figs']]
        if t['must_not']:
            exp['must_not'] = [{'value': res[n], 'rel_tol': 0.005, 'what': f'[{n}] {w}'} for n, w in t['must_not']]
            for f in exp.get('figures', []):
                for mn in exp['must_not']:
                    assert not math.isclose(f['value'], mn['value'], rel_tol=0.01), (t['q'], f, mn)
        if t['period']:
            exp['period'] = t['period']
        turn = {'q': t['q'], 'expect': exp, 'check': t['check']}
        if t['note']:
            turn['note'] = t['note']
        out_turns.append(turn)
    items.append({'id': f'z1-{ci:03d}', 'persona': persona, 'turns': out_turns})

doc = {'writer': 'z1 (outside evaluator; wrote without seeing the product code, tests, prompts or other sets) — personas: '
                 '新入职数据分析实习生 (long step-by-step drill-down threads, unsure of terms); 市场部经理 planning a campaign '
                 '(customer groups, spend thresholds, rankings, cohorts)',
       'data_end': '1998-06-30', 'check_prelude': PRELUDE, 'items': items}

class D(yaml.SafeDumper):
    pass
def str_rep(dumper, s):
    if '\n' in s:
        return dumper.represent_scalar('tag:yaml.org,2002:str', s, style='|')
    return dumper.represent_scalar('tag:yaml.org,2002:str', s)
D.add_representer(str, str_rep)
with open(OUT, 'w') as f:
    yaml.dump(doc, f, Dumper=D, allow_unicode=True, sort_keys=False, width=200)

# ---------------------------------------------------------------- verify: reload YAML, re-run every check
y = yaml.safe_load(open(OUT))
nconv = nturn = 0
kinds = {}
for it in y['items']:
    nconv += 1
    for t in it['turns']:
        nturn += 1
        kinds[t['expect']['kind']] = kinds.get(t['expect']['kind'], 0) + 1
        ns = {}
        exec(y['check_prelude'], ns)
        lines = t['check'].rstrip('\n').split('\n')
        exec('\n'.join(lines[:-1]), ns)   # the LAST line alone is the expression
        res = eval(lines[-1], ns)
        assert isinstance(res, dict)
        for key in ('figures', 'must_not'):
            for f in t['expect'].get(key, []):
                name = f['what'].split(']')[0].lstrip('[')
                assert math.isclose(res[name], f['value'], rel_tol=1e-9, abs_tol=1e-9), (it['id'], name, res[name], f['value'])
        if t['expect']['kind'] == 'model':
            assert t['expect'].get('tool')
print('OK', nconv, 'conversations', nturn, 'turns', kinds)
