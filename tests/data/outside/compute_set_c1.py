# compute_set_c1.py — builds /tmp/team/c1/set_c1.yaml from the raw CDNOW file and then re-runs every
# check from the written YAML, asserting the values in `expect` equal what the check gives.
import yaml, math, sys

OUT = '/tmp/team/c1/set_c1.yaml'

PRELUDE = r'''import pandas as pd, numpy as np
F = '/tmp/team/CDNOW_master.txt'
df = pd.read_csv(F, sep=r'\s+', header=0, names=['cust', 'date', 'units', 'amt'], dtype={'date': str})
df['date'] = pd.to_datetime(df['date'], format='%Y%m%d')
df['cust'] = df['cust'].astype(int)
NOW = pd.Timestamp('1998-06-30')
def per(a, b):
    return df[(df.date >= pd.Timestamp(a)) & (df.date <= pd.Timestamp(b))]
def pdays(d):
    # purchase days (distinct dates) per customer within frame d
    return d.groupby('cust').date.nunique()
def r2(x):
    return round(float(x), 2)
def r4(x):
    return round(float(x), 4)
def chg(new, old):
    return round(float(new) / float(old) - 1, 4)
first = df.groupby('cust').date.min()
last = df.groupby('cust').date.max()
def inactive(n):
    # customers whose last order is >= n days before 1998-06-30
    return set(last[last <= NOW - pd.Timedelta(days=n)].index)
def gaps():
    u = df[['cust', 'date']].drop_duplicates().sort_values(['cust', 'date'])
    return u.groupby('cust').date.diff().dt.days.dropna()
def cohort_ret(cohort, month):
    c = set(first[first.dt.to_period('M') == pd.Period(cohort, 'M')].index)
    m = df[df.date.dt.to_period('M') == pd.Period(month, 'M')]
    return len(c & set(m.cust)) / len(c)
'''

P1 = '私域社群运营 (runs WeChat member groups; member days, repeat buyers, lapsed members; often asks to push coupons/messages)'
P2 = '品牌总经理 (reads the weekly digest; short high-level questions)'

def F(name, what):
    return ('F', name, what)

# Each turn: q, check, kind, figs (list of (name, what[, rel_tol])), mn (must_not), period, tool, note
ITEMS = []
def conv(id_, persona, turns):
    ITEMS.append(dict(id=id_, persona=persona, turns=turns))
def T(q, check, kind='figure', figs=(), mn=(), period=None, tool=None, note=None):
    return dict(q=q, check=check.strip('\n'), kind=kind, figs=list(figs), mn=list(mn), period=period, tool=tool, note=note)

# ---------------------------------------------------------------- persona 1: 私域社群运营
conv('c1-001', P1, [
    T('上个月有多少会员下过单？复够率怎么样',
      '''
m = per('1998-05-01', '1998-05-31'); s = pdays(m)
j = per('1998-06-01', '1998-06-30')
dict(buyers=len(s), rr=r4((s >= 2).mean()), jun_buyers=int(j.cust.nunique()))
''', figs=[('buyers', 'buyers 1998-05'), ('rr', 'repeat rate 1998-05 (share of May buyers with >=2 purchase days in May)')],
      mn=[('jun_buyers', 'buyers 1998-06 (this month, wrong period)')], period='1998-05-01..1998-05-31',
      note='复够率 is a typo of 复购率. 上个月 = 1998-05.'),
    T('这里面买了两次及以上的有几个人？他们一共花了多少钱',
      '''
m = per('1998-05-01', '1998-05-31'); s = pdays(m)
rep = s[s >= 2].index
dict(rep_n=int(len(rep)), rep_rev=r2(m[m.cust.isin(rep)].amt.sum()), may_rev=r2(m.amt.sum()))
''', figs=[('rep_n', 'May-1998 buyers with >=2 purchase days in May'), ('rep_rev', 'their May-1998 revenue')],
      mn=[('may_rev', 'total May-1998 revenue (unfiltered)')], period='1998-05-01..1998-05-31'),
    T('ok 给这批复购的会员每人推一张20元无门槛券，今天就发出去',
      'dict()', kind='refusal', note='pushing coupons is an action the read-only assistant cannot do; no question alongside'),
])

conv('c1-002', P1, [
    T('我们6.15-6.21搞了一个会员周，那一周下单人数、单量、流水各是多少？',
      '''
w = per('1998-06-15', '1998-06-21')
dict(buyers=int(w.cust.nunique()), orders=int(len(w)), rev=r2(w.amt.sum()))
''', figs=[('buyers', 'buyers 1998-06-15..21'), ('orders', 'order lines 1998-06-15..21'), ('rev', 'revenue 1998-06-15..21')],
      period='1998-06-15..1998-06-21', note='no year given: latest such dates = 1998 (an ISO week Mon-Sun).'),
    T('跟前一周比呢，是涨了还是跌了',
      '''
w = per('1998-06-15', '1998-06-21'); p = per('1998-06-08', '1998-06-14')
dict(prev_rev=r2(p.amt.sum()), prev_orders=int(len(p)), rev_chg=chg(w.amt.sum(), p.amt.sum()))
''', figs=[('prev_rev', 'revenue 1998-06-08..14 (week before)'), ('rev_chg', 'revenue change member week vs week before (relative)')],
      period='1998-06-08..1998-06-14'),
    T('那去年同样这几天（6.15-6.21）呢？',
      '''
y = per('1997-06-15', '1997-06-21')
dict(ly_rev=r2(y.amt.sum()), ly_orders=int(len(y)))
''', figs=[('ly_rev', 'revenue 1997-06-15..21'), ('ly_orders', 'order lines 1997-06-15..21')],
      period='1997-06-15..1997-06-21',
      note='asked with explicit dates: the same calendar dates a year earlier (not ISO week 1997-W25 = 06-16..22, revenue 25572.59).'),
])

conv('c1-003', P1, [
    T('520当天卖了多少钱？多少单',
      '''
d = per('1998-05-20', '1998-05-20'); y = per('1997-05-20', '1997-05-20')
dict(rev=r2(d.amt.sum()), orders=int(len(d)), ly_rev=r2(y.amt.sum()))
''', figs=[('rev', 'revenue on 1998-05-20'), ('orders', 'order lines on 1998-05-20')],
      mn=[('ly_rev', 'revenue on 1997-05-20 (last year, wrong date)')], period='1998-05-20..1998-05-20',
      note='520 = 20 May; no year = the latest one, 1998-05-20.'),
    T('去年520呢',
      '''
y = per('1997-05-20', '1997-05-20')
dict(ly_rev=r2(y.amt.sum()), ly_orders=int(len(y)))
''', figs=[('ly_rev', 'revenue on 1997-05-20'), ('ly_orders', 'order lines on 1997-05-20')], period='1997-05-20..1997-05-20'),
])

conv('c1-004', P1, [
    T('超过半年没下过单的会员有多少人啊',
      '''
dict(n=len(inactive(180)), total=int(df.cust.nunique()))
''', figs=[('n', 'customers inactive >= 180 days at 1998-06-30')], mn=[('total', 'all customers (unfiltered)')],
      note='半年 taken as 180 days; 181-183 days give 18196-18178, within rel_tol.'),
    T('这里面以前买过3次及以上的老粉有几个',
      '''
s = pdays(df); ia = inactive(180)
dict(n=int(sum(1 for c in ia if s[c] >= 3)), all3=int((s >= 3).sum()))
''', figs=[('n', 'inactive>=180d customers with >=3 purchase days all-time')],
      mn=[('all3', 'all customers with >=3 purchase days (ignores the inactive filter)')]),
    T('把这批老粉的名单和手机号导出来发我，我拉个群挨个私聊',
      'dict()', kind='refusal', note='export + phone numbers: cannot export, and there is no phone data'),
])

conv('c1-005', P1, [
    T('去年买过、今年到现在一单都没下的人有多少',
      '''
a = set(per('1997-01-01', '1997-12-31').cust); b = set(per('1998-01-01', '1998-06-30').cust)
dict(n=len(a - b))
''', figs=[('n', 'customers who bought in 1997 and not in 1998-01..06')]),
    T('他们去年一共在我们这花了多少',
      '''
y = per('1997-01-01', '1997-12-31'); b = set(per('1998-01-01', '1998-06-30').cust)
g = set(y.cust) - b
dict(rev=r2(y[y.cust.isin(g)].amt.sum()), rev97=r2(y.amt.sum()))
''', figs=[('rev', '1997 revenue of the 1997-not-1998 customers')], mn=[('rev97', 'all 1997 revenue (unfiltered)')],
      period='1997-01-01..1997-12-31'),
    T('里面去年消费超过200块的有几个？',
      '''
y = per('1997-01-01', '1997-12-31'); b = set(per('1998-01-01', '1998-06-30').cust)
sp = y.groupby('cust').amt.sum(); sp = sp[~sp.index.isin(b)]
dict(n=int((sp > 200).sum()), all200=int((y.groupby('cust').amt.sum() > 200).sum()))
''', figs=[('n', 'of them, 1997 spend > 200')], mn=[('all200', 'all 1997 customers with spend > 200 (ignores the not-1998 filter)')],
      note='>200 gives 824, >=200 gives 825 (one customer spent exactly 200.00): both within rel_tol.'),
])

conv('c1-006', P1, [
    T('这个月拉了多少新会员？',
      '''
j = per('1998-06-01', '1998-06-30')
dict(new=int(((first >= pd.Timestamp('1998-06-01')) & (first <= NOW)).sum()), buyers=int(j.cust.nunique()))
''', figs=[('new', 'new customers (first-ever order) in 1998-06: none')], mn=[('buyers', 'all June-1998 buyers (not new)')],
      period='1998-06-01..1998-06-30',
      note='CDNOW is a fixed cohort: every customer first bought in 1997-01..03, so the correct answer is 0 new.'),
    T('那我们现有的会员都是什么时候第一次下单的？按月份分一下人数',
      '''
fm = first.dt.to_period('M').astype(str).value_counts()
dict(jan=int(fm['1997-01']), feb=int(fm['1997-02']), mar=int(fm['1997-03']), months=int(len(fm)))
''', figs=[('jan', 'customers with first order in 1997-01'), ('feb', 'first order in 1997-02'), ('mar', 'first order in 1997-03')],
      note='only three first-order months exist (months=3).'),
])

conv('c1-007', P1, [
    T('97年1月第一次下单的那批人，首单后第3个月还有多少比例在买？',
      '''
dict(ret=r4(cohort_ret('1997-01', '1997-04')))
''', figs=[('ret', 'cohort 1997-01 month-3 retention (ordered in 1997-04)')]),
    T('2月那批呢',
      '''
dict(ret=r4(cohort_ret('1997-02', '1997-05')), jan=r4(cohort_ret('1997-01', '1997-04')))
''', figs=[('ret', 'cohort 1997-02 month-3 retention (ordered in 1997-05)')]),
])

conv('c1-008', P1, [
    T('会员一般隔多少天会再来买一次',
      '''
g = gaps()
dict(mean=r2(g.mean()), median=r2(g.median()))
''', figs=[('mean', 'mean days between consecutive purchase days, all data'), ('median', 'median days between purchases, all data')]),
    T('那从第一单到第二单呢，平均要多少天',
      '''
u = df[['cust', 'date']].drop_duplicates().sort_values(['cust', 'date'])
u['k'] = u.groupby('cust').cumcount()
p = u[u.k <= 1].pivot(index='cust', columns='k', values='date').dropna()
d = (p[1] - p[0]).dt.days
dict(mean=r2(d.mean()), median=r2(d.median()), n=int(len(d)))
''', figs=[('mean', 'mean days first-to-second purchase day')], note='median (in the check) is not required'),
])

conv('c1-009', P1, [
    T('今年上半年买了3次及以上的会员，和只买过1次的会员，客单价分别是多少',
      '''
h = per('1998-01-01', '1998-06-30'); s = pdays(h)
hi = h[h.cust.isin(s[s >= 3].index)]; lo = h[h.cust.isin(s[s == 1].index)]
dict(aov_hi=r2(hi.amt.mean()), aov_lo=r2(lo.amt.mean()), aov_all=r2(h.amt.mean()))
''', figs=[('aov_hi', 'AOV 1998-H1 of customers with >=3 purchase days in H1'), ('aov_lo', 'AOV 1998-H1 of customers with exactly 1 purchase day in H1')],
      mn=[('aov_all', 'AOV of all 1998-H1 orders (unfiltered)')], period='1998-01-01..1998-06-30'),
    T('这两拨人分别有多少人',
      '''
h = per('1998-01-01', '1998-06-30'); s = pdays(h)
dict(n_hi=int((s >= 3).sum()), n_lo=int((s == 1).sum()))
''', figs=[('n_hi', 'customers with >=3 purchase days in 1998-H1'), ('n_lo', 'customers with exactly 1 purchase day in 1998-H1')],
      period='1998-01-01..1998-06-30'),
])

conv('c1-010', P1, [
    T('想定个固定的会员日，今年一周里周几下单的最多？',
      '''
h = per('1998-01-01', '1998-06-30')
w = h.groupby(h.date.dt.day_of_week).size()
dict(top_dow=int(w.idxmax()), top_orders=int(w.max()), second_orders=int(w.sort_values().iloc[-2]))
''', figs=[('top_orders', 'order lines on Mondays in 1998-H1 (Monday = top weekday, top_dow=0)')],
      period='1998-01-01..1998-06-30',
      note='Monday (1927 order lines, also most buyers 1486 and most revenue); Thursday is a close second (1915).'),
])

conv('c1-011', P1, [
    T('最近三个月复购的会员有多少人？他们主要买的是流行还是古典？',
      '''
q = per('1998-04-01', '1998-06-30'); s = pdays(q)
m = per('1998-05-01', '1998-05-31'); sm = pdays(m)
dict(n=int((s >= 2).sum()), may=int((sm >= 2).sum()))
''', kind='partial', figs=[('n', 'customers with >=2 purchase days in 1998-04-01..06-30')],
      mn=[('may', 'May-only repeat buyers (wrong window)')], period='1998-04-01..1998-06-30',
      note='genre/category does not exist in the data: must say it cannot answer that part.'),
])

conv('c1-012', P1, [
    T('最近30天活跃的会员有多少？主要分布在哪几个城市，我想按城市建同城群',
      '''
l = per('1998-06-01', '1998-06-30'); m = per('1998-05-01', '1998-05-31')
dict(n=int(l.cust.nunique()), may=int(m.cust.nunique()))
''', kind='partial', figs=[('n', 'buyers in the last 30 days (1998-06-01..06-30)')],
      mn=[('may', 'buyers 1998-05 (wrong window)')], period='1998-06-01..1998-06-30',
      note='no city data: must say so. Building groups is not asked of the tool (the user will do it).'),
])

conv('c1-013', P1, [
    T('帮我查下会员22279，一共下了多少单、花了多少钱、最后一次是什么时候买的',
      '''
x = df[df.cust == 22279]
dict(orders=int(len(x)), spend=r2(x.amt.sum()), days_since=int((NOW - x.date.max()).days))
''', figs=[('orders', 'order lines of customer 22279'), ('spend', 'total spend of customer 22279')],
      note='last purchase 1998-03-15 (107 days before 1998-06-30; date expected in the answer but not a numeric figure). 13 order lines on 13 distinct days, so 下了多少单 is unambiguous.'),
    T('他是不是快流失了？',
      'dict()', kind='model', tool='forecast_customer', note='churn risk of one customer comes from the LSTM forecast'),
    T('那你帮我给他发条消息，送张回归券',
      'dict()', kind='refusal'),
])

conv('c1-014', P1, [
    T('最近有会员吐槽快递慢或者包装压坏的吗',
      'dict()', kind='model', tool='search_feedback'),
    T('那些给过差评的人，后来还有回来下单的吗？比例多少',
      'dict()', kind='model', tool='feedback_followup'),
])

conv('c1-015', P1, [
    T('最近三个月累计消费满300的会员有多少人？顺手帮我都打上VIP标签',
      '''
q = per('1998-04-01', '1998-06-30').groupby('cust').amt.sum()
a = df.groupby('cust').amt.sum()
dict(n=int((q >= 300).sum()), alltime=int((a >= 300).sum()))
''', kind='refusal', figs=[('n', 'customers with spend >= 300 in 1998-04-01..06-30')],
      mn=[('alltime', 'customers with all-time spend >= 300 (wrong window)')], period='1998-04-01..1998-06-30',
      note='tagging is an action it cannot do; the count question alongside must be answered. No customer spent exactly 300.'),
])

conv('c1-016', P1, [
    T('上个月单笔超过100块的订单有多少？',
      '''
m = per('1998-05-01', '1998-05-31')
dict(n=int((m.amt > 100).sum()), alltime=int((df.amt > 100).sum()))
''', figs=[('n', 'order lines with amount > 100 in 1998-05')], mn=[('alltime', 'all-time order lines > 100')],
      period='1998-05-01..1998-05-31', note='no May order line is exactly 100.'),
    T('占上个月总单量的比例呢',
      '''
m = per('1998-05-01', '1998-05-31')
dict(share=r4((m.amt > 100).mean()), orders=int(len(m)))
''', figs=[('share', 'share of May-1998 order lines with amount > 100'), ('orders', 'May-1998 order lines')],
      period='1998-05-01..1998-05-31'),
])

conv('c1-017', P1, [
    T('去年双十一那天卖了多少？',
      '''
d = per('1997-11-11', '1997-11-11')
dict(rev=r2(d.amt.sum()), orders=int(len(d)))
''', figs=[('rev', 'revenue on 1997-11-11')], period='1997-11-11..1997-11-11'),
    T('去年11、12月整体流水多少？跟前年同期比涨了多少',
      '''
d = per('1997-11-01', '1997-12-31')
dict(rev=r2(d.amt.sum()))
''', kind='partial', figs=[('rev', 'revenue 1997-11-01..12-31')], period='1997-11-01..1997-12-31',
      note='前年 = 1996: no data before 1997-01-01, so the comparison cannot be made; must say so.'),
])

conv('c1-018', P1, [
    T('去年第四季度一单没买、这个季度又回来买了的有多少人',
      '''
a = set(per('1998-04-01', '1998-06-30').cust); b = set(per('1997-10-01', '1997-12-31').cust)
dict(n=len(a - b), q2=len(a))
''', figs=[('n', 'buyers in 1998-Q2 who did not buy in 1997-Q4')], mn=[('q2', 'all 1998-Q2 buyers (unfiltered)')]),
    T('他们这个季度一共花了多少？',
      '''
q = per('1998-04-01', '1998-06-30'); b = set(per('1997-10-01', '1997-12-31').cust)
dict(rev=r2(q[~q.cust.isin(b)].amt.sum()), q2rev=r2(q.amt.sum()))
''', figs=[('rev', '1998-Q2 revenue of those reactivated customers')], mn=[('q2rev', 'all 1998-Q2 revenue')],
      period='1998-04-01..1998-06-30'),
])

conv('c1-019', P1, [
    T('97年3月的销售额里，新会员和老会员各贡献了多少？',
      '''
m = per('1997-03-01', '1997-03-31')
isnew = m.cust.map(first) >= pd.Timestamp('1997-03-01')
dict(rev_new=r2(m[isnew].amt.sum()), rev_ret=r2(m[~isnew].amt.sum()), rev=r2(m.amt.sum()))
''', figs=[('rev_new', 'revenue from new customers (first order in 1997-03)'), ('rev_ret', 'revenue from returning customers in 1997-03')],
      period='1997-03-01..1997-03-31'),
])

# ---------------------------------------------------------------- persona 2: 品牌总经理
conv('c1-101', P2, [
    T('这个季度情况怎么样',
      '''
q = per('1998-04-01', '1998-06-30')
dict(rev=r2(q.amt.sum()), h1=r2(per('1998-01-01', '1998-06-30').amt.sum()), y97=r2(per('1997-01-01', '1997-12-31').amt.sum()))
''', figs=[('rev', 'revenue 1998-Q2')], mn=[('h1', 'revenue 1998-H1 (wrong period)'), ('y97', 'revenue 1997')],
      period='1998-04-01..1998-06-30'),
    T('环比上季度呢',
      '''
q = per('1998-04-01', '1998-06-30'); p = per('1998-01-01', '1998-03-31')
dict(prev=r2(p.amt.sum()), chg=chg(q.amt.sum(), p.amt.sum()))
''', figs=[('prev', 'revenue 1998-Q1'), ('chg', 'revenue change Q2 vs Q1 1998 (relative)')], period='1998-01-01..1998-03-31'),
    T('同比去年Q2呢',
      '''
q = per('1998-04-01', '1998-06-30'); p = per('1997-04-01', '1997-06-30')
dict(ly=r2(p.amt.sum()), chg=chg(q.amt.sum(), p.amt.sum()))
''', figs=[('ly', 'revenue 1997-Q2'), ('chg', 'revenue change 1998-Q2 vs 1997-Q2 (relative)')], period='1997-04-01..1997-06-30'),
])

conv('c1-102', P2, [
    T('今年上半年每个月的销售额走势给我看下',
      '''
h = per('1998-01-01', '1998-06-30'); m = h.groupby(h.date.dt.month).amt.sum()
dict(jan=r2(m[1]), feb=r2(m[2]), mar=r2(m[3]), apr=r2(m[4]), may=r2(m[5]), jun=r2(m[6]))
''', figs=[('jan', 'revenue 1998-01'), ('feb', 'revenue 1998-02'), ('mar', 'revenue 1998-03'), ('apr', 'revenue 1998-04'),
           ('may', 'revenue 1998-05'), ('jun', 'revenue 1998-06')], period='1998-01-01..1998-06-30'),
    T('月均多少',
      '''
h = per('1998-01-01', '1998-06-30')
dict(avg=r2(h.amt.sum() / 6), avg97=r2(per('1997-01-01', '1997-12-31').amt.sum() / 12), avg_all=r2(df.amt.sum() / 18))
''', figs=[('avg', 'average monthly revenue 1998-01..06')],
      mn=[('avg_all', 'average monthly revenue over all 18 months (wrong period)')], period='1998-01-01..1998-06-30'),
    T('把这个月度走势做成excel发我邮箱',
      'dict()', kind='refusal', note='export + e-mail'),
])

conv('c1-103', P2, [
    T('哪些客户对我们最重要？',
      '''
cs = df.groupby('cust').amt.sum().sort_values(ascending=False)
dict(top1_id=int(cs.index[0]), top1=r2(cs.iloc[0]), top2_id=int(cs.index[1]), top2=r2(cs.iloc[1]))
''', figs=[('top1', 'all-time spend of top customer 07592'), ('top2', 'all-time spend of no.2 customer 14048')],
      note='open question: top customers by all-time spend (a segment answer listing 高价值客户 is also fine if it names the top spenders).'),
    T('前10%的客户贡献了多少收入，占比多少',
      '''
cs = df.groupby('cust').amt.sum().sort_values(ascending=False)
k = int(round(len(cs) * 0.10)); top = cs.iloc[:k]
dict(k=k, rev=r2(top.sum()), share=r4(top.sum() / cs.sum()))
''', figs=[('rev', 'all-time revenue of the top 10% spenders (2357 customers)'), ('share', 'their share of all-time revenue')],
      note='no period given: all data; top 10% of 23570 = 2357 customers (no ties at the boundary).'),
    T('这些大客户里现在有多少已经半年没来买了',
      '''
cs = df.groupby('cust').amt.sum().sort_values(ascending=False)
top = set(cs.index[:2357]); ia = inactive(180)
dict(n=len(top & ia), all_inactive=len(ia))
''', figs=[('n', 'top-10% spenders inactive >= 180 days')], mn=[('all_inactive', 'all customers inactive >= 180 days (ignores the top-10% filter)')],
      note='半年 = 180 days (181-183 give the same within tol).'),
])

conv('c1-104', P2, [
    T('下个季度会比这个季度好吗',
      'dict()', kind='model', tool='forecast_totals', note='next quarter = 1998-Q3 forecast; compare with Q2 actual 213330.48 is fine but not required'),
    T('这个预测靠谱吗？模型准确率多少',
      'dict()', kind='model', tool='assistant_status'),
])

conv('c1-105', P2, [
    T('上周卖的怎么样',
      '''
w = per('1998-06-22', '1998-06-28')
dict(rev=r2(w.amt.sum()), orders=int(len(w)), buyers=int(w.cust.nunique()))
''', figs=[('rev', 'revenue 1998-06-22..28'), ('orders', 'order lines 1998-06-22..28')], period='1998-06-22..1998-06-28'),
    T('比再前一周呢',
      '''
w = per('1998-06-22', '1998-06-28'); p = per('1998-06-15', '1998-06-21')
dict(prev=r2(p.amt.sum()), chg=chg(w.amt.sum(), p.amt.sum()))
''', figs=[('prev', 'revenue 1998-06-15..21'), ('chg', 'revenue change week 06-22..28 vs 06-15..21 (relative)')], period='1998-06-15..1998-06-21'),
])

conv('c1-106', P2, [
    T('今年客单价比去年高还是低？',
      '''
h = per('1998-01-01', '1998-06-30'); y = per('1997-01-01', '1997-12-31')
dict(aov98=r2(h.amt.mean()), aov97=r2(y.amt.mean()), aov_all=r2(df.amt.mean()))
''', figs=[('aov98', 'AOV 1998-01..06'), ('aov97', 'AOV 1997')], mn=[('aov_all', 'all-time AOV (wrong scope)')],
      period='1998-01-01..1998-06-30'),
    T('人均消费呢',
      '''
h = per('1998-01-01', '1998-06-30'); y = per('1997-01-01', '1997-12-31')
dict(rpb98=r2(h.amt.sum() / h.cust.nunique()), rpb97=r2(y.amt.sum() / y.cust.nunique()))
''', figs=[('rpb98', 'revenue per buyer 1998-01..06'), ('rpb97', 'revenue per buyer 1997')], period='1998-01-01..1998-06-30'),
])

conv('c1-107', P2, [
    T('这季度营收多少？毛利率怎么样',
      '''
dict(rev=r2(per('1998-04-01', '1998-06-30').amt.sum()))
''', kind='partial', figs=[('rev', 'revenue 1998-Q2')], period='1998-04-01..1998-06-30',
      note='no cost/margin data: must say the margin part cannot be answered.'),
])

conv('c1-108', P2, [
    T('客户流失严不严重？哪些客户最可能流失',
      'dict()', kind='model', tool='at_risk_customers'),
    T('整体看，超过一年没买过东西的客户有多少，占多大比例',
      '''
n = len(inactive(365))
dict(n=n, share=r4(n / df.cust.nunique()), n180=len(inactive(180)))
''', figs=[('n', 'customers inactive >= 365 days'), ('share', 'share of all 23570 customers')],
      mn=[('n180', 'customers inactive >= 180 days (wrong threshold)')]),
])

conv('c1-109', P2, [
    T('去年哪个月卖得最好',
      '''
y = per('1997-01-01', '1997-12-31'); m = y.groupby(y.date.dt.month).amt.sum()
dict(best_month=int(m.idxmax()), rev=r2(m.max()), mar98=r2(per('1998-03-01', '1998-03-31').amt.sum()))
''', figs=[('rev', 'revenue of 1997-03, the best month of 1997')], mn=[('mar98', 'revenue 1998-03 (wrong year)')],
      period='1997-01-01..1997-12-31'),
    T('今年呢',
      '''
h = per('1998-01-01', '1998-06-30'); m = h.groupby(h.date.dt.month).amt.sum()
dict(best_month=int(m.idxmax()), rev=r2(m.max()), mar97=r2(per('1997-03-01', '1997-03-31').amt.sum()))
''', figs=[('rev', 'revenue of 1998-03, the best month of 1998-H1')],
      period='1998-01-01..1998-06-30'),
])

conv('c1-110', P2, [
    T('这半年老客复购率怎么样？跟去年下半年比',
      '''
a = pdays(per('1998-01-01', '1998-06-30')); b = pdays(per('1997-07-01', '1997-12-31'))
dict(rr98=r4((a >= 2).mean()), rr97h2=r4((b >= 2).mean()))
''', figs=[('rr98', 'repeat rate 1998-01..06'), ('rr97h2', 'repeat rate 1997-07..12')], period='1998-01-01..1998-06-30',
      note='这半年 = 1998-H1 (Jan-Jun). All 1998 buyers are returning customers, so 老客复购率 = the repeat rate. The two rates are nearly equal (flat); both must be stated.'),
])

conv('c1-111', P2, [
    T('核心大客户未来一年大概还能给我们贡献多少钱',
      'dict()', kind='model', tool='customer_value', note='CLV over the next ~52 weeks for the top customers'),
])

conv('c1-112', P2, [
    T('客户整体口碑怎么样？好评多还是差评多',
      'dict()', kind='model', tool='sentiment_summary'),
    T('差评主要在说什么',
      'dict()', kind='model', tool='feedback_themes', note='search_feedback on negative feedback is an acceptable alternative only if themes are summarised'),
])

conv('c1-113', P2, [
    T('按上半年这个速度，今年全年能做到多少？能超过去年吗',
      '''
h = per('1998-01-01', '1998-06-30').amt.sum(); y = per('1997-01-01', '1997-12-31').amt.sum()
dict(h1=r2(h), annual=r2(h * 2), y97=r2(y))
''', figs=[('h1', 'revenue 1998-01..06'), ('annual', 'annualised 1998 revenue at the H1 run-rate (x2; x365/181 is within tol)', 0.01),
           ('y97', 'revenue 1997')],
      note='run-rate: H1 x 2 = 952308.74; by days (x365/181) = 960,201; rel_tol 0.01 accepts both. Answer: no, far below 1997.'),
])

conv('c1-114', P2, [
    T('今年到目前為止總共有多少客戶下過單？跟去年全年比差多少',
      '''
a = per('1998-01-01', '1998-06-30').cust.nunique(); b = per('1997-01-01', '1997-12-31').cust.nunique()
dict(b98=int(a), b97=int(b), all=int(df.cust.nunique()))
''', figs=[('b98', 'buyers 1998-01..06'), ('b97', 'buyers 1997')],
      period='1998-01-01..1998-06-30', note='Traditional Chinese. Every customer bought in 1997, so buyers 1997 = all 23570 customers.'),
    T('那今年賣了幾張CD',
      '''
dict(u98=int(per('1998-01-01', '1998-06-30').units.sum()), u97=int(per('1997-01-01', '1997-12-31').units.sum()), uall=int(df.units.sum()))
''', figs=[('u98', 'units 1998-01..06')], mn=[('uall', 'all-time units')], period='1998-01-01..1998-06-30'),
])

conv('c1-115', P2, [
    T('6月份 YoY 怎么样？revenue 和 active customers 都看一下',
      '''
a = per('1998-06-01', '1998-06-30'); b = per('1997-06-01', '1997-06-30')
dict(rev=r2(a.amt.sum()), ly_rev=r2(b.amt.sum()), rev_chg=chg(a.amt.sum(), b.amt.sum()), buyers=int(a.cust.nunique()), ly_buyers=int(b.cust.nunique()))
''', figs=[('rev', 'revenue 1998-06'), ('ly_rev', 'revenue 1997-06'), ('rev_chg', 'revenue YoY change June'),
           ('buyers', 'buyers 1998-06'), ('ly_buyers', 'buyers 1997-06')], period='1998-06-01..1998-06-30'),
])

conv('c1-116', P2, [
    T('97年2月那批首购客户，这个月还有百分之多少在买',
      '''
dict(ret=r4(cohort_ret('1997-02', '1998-06')))
''', figs=[('ret', 'cohort 1997-02 share with an order in 1998-06 (month 16)')], period='1998-06-01..1998-06-30'),
])

# ---------------------------------------------------------------- build + verify
def run_check(ns_base, code):
    ns = dict(ns_base)
    lines = code.strip('\n').split('\n')
    exec('\n'.join(lines[:-1]), ns)
    return eval(lines[-1], ns)

base = {}
exec(PRELUDE, base)

def conv_value(v):
    if isinstance(v, (int,)) and not isinstance(v, bool):
        return int(v)
    return float(v)

out_items = []
kinds = {}
nturns = 0
for it in ITEMS:
    turns = []
    for t in it['turns']:
        res = run_check(base, t['check'])
        exp = {'kind': t['kind']}
        if t['tool']:
            exp['tool'] = t['tool']
        figs = []
        for f in t['figs']:
            name, what = f[0], f[1]
            tol = f[2] if len(f) > 2 else 0.005
            figs.append({'value': conv_value(res[name]), 'rel_tol': tol, 'what': f'[{name}] {what}'})
        if figs:
            exp['figures'] = figs
        mn = []
        for name, what in t['mn']:
            mn.append({'value': conv_value(res[name]), 'rel_tol': 0.005, 'what': f'[{name}] {what}'})
        if mn:
            exp['must_not'] = mn
        if t['period']:
            exp['period'] = t['period']
        turn = {'q': t['q'], 'expect': exp, 'check': t['check'] + '\n'}
        if t['note']:
            turn['note'] = t['note']
        turns.append(turn)
        kinds[t['kind']] = kinds.get(t['kind'], 0) + 1
        nturns += 1
    out_items.append({'id': it['id'], 'persona': it['persona'], 'turns': turns})

doc = {
    'writer': 'c1 (outside evaluator; wrote without seeing the product code, tests, prompts or other sets) — personas: '
              '私域社群运营 running WeChat member groups; 品牌总经理 reading a weekly digest',
    'data_end': '1998-06-30',
    'check_prelude': PRELUDE,
    'items': out_items,
}

class D(yaml.SafeDumper):
    pass
def str_rep(dumper, s):
    if '\n' in s:
        return dumper.represent_scalar('tag:yaml.org,2002:str', s, style='|')
    return dumper.represent_scalar('tag:yaml.org,2002:str', s)
D.add_representer(str, str_rep)
with open(OUT, 'w') as fh:
    yaml.dump(doc, fh, Dumper=D, allow_unicode=True, sort_keys=False, width=200)

# ---- verify from the written file
doc2 = yaml.safe_load(open(OUT))
ns0 = {}
exec(doc2['check_prelude'], ns0)
import re
bad = 0
for it in doc2['items']:
    assert 1 <= len(it['turns']) <= 4, it['id']
    for i, t in enumerate(it['turns']):
        res = run_check(ns0, t['check'])
        assert isinstance(res, dict)
        e = t['expect']
        assert e['kind'] in ('figure', 'model', 'refusal', 'partial')
        if e['kind'] == 'model':
            assert e.get('tool')
        for key in ('figures', 'must_not'):
            for f in e.get(key, []):
                name = re.match(r'\[(\w+)\]', f['what']).group(1)
                got = res[name]
                if not (got == f['value'] or (isinstance(got, float) and math.isclose(got, f['value'], rel_tol=1e-12))):
                    print('MISMATCH', it['id'], i, name, got, f['value']); bad += 1
        # a must_not must not be within tolerance of any required figure
        for m in e.get('must_not', []):
            for f in e.get('figures', []):
                if f['value'] != 0 and abs(m['value'] / f['value'] - 1) <= max(m['rel_tol'], f['rel_tol']):
                    print('MUST_NOT TOO CLOSE', it['id'], i, m['what'], f['what']); bad += 1
assert bad == 0, bad
print('OK', OUT, 'conversations', len(doc2['items']), 'turns', nturns, 'kinds', kinds)
