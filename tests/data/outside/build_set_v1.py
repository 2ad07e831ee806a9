# Builder: authors the set, fills expected values by running each check, writes set_v1.yaml.
# compute_set_v1.py re-runs every check independently and asserts the written values.
import ast, yaml

PRELUDE = r'''import pandas as pd, numpy as np
F = '/tmp/team/CDNOW_master.txt'
df = pd.read_csv(F, sep=r'\s+', header=0, names=['cust', 'date', 'units', 'amt'], dtype={'date': str})
df['date'] = pd.to_datetime(df['date'], format='%Y%m%d')
df['cust'] = df['cust'].astype(int)
END = pd.Timestamp('1998-06-30')
N_CUST = int(df.cust.nunique())
FIRST = df.groupby('cust').date.min()
LAST = df.groupby('cust').date.max()
def per(a, b):
    return df[(df.date >= pd.Timestamp(a)) & (df.date <= pd.Timestamp(b))]
def r2(x):
    return round(float(x), 2)
def r4(x):
    return round(float(x), 4)
def npd(d):
    # purchase days per customer within frame d
    return d[['cust', 'date']].drop_duplicates().groupby('cust').size()
def repeat_rate(d):
    return float((npd(d) >= 2).mean())
def inactive(n):
    return LAST[(END - LAST).dt.days >= n].index
def gaps():
    p = df[['cust', 'date']].drop_duplicates().sort_values(['cust', 'date']).copy()
    p['gap'] = p.groupby('cust').date.diff().dt.days
    return p.dropna(subset=['gap'])
def retention(cohort, k):
    c = FIRST[FIRST.dt.to_period('M') == pd.Period(cohort, 'M')].index
    m = pd.Period(cohort, 'M') + k
    act = df[(df.date.dt.to_period('M') == m) & df.cust.isin(c)].cust.nunique()
    return act / len(c)
def chg(new, old):
    return float(new) / float(old) - 1
'''

TOL = 0.005
CH = 0.01  # looser tolerance for relative changes (people round to 1 decimal %)

def F(name, what, tol=TOL):
    return ('F', name, what, tol)
def N(name, what, tol=TOL):
    return ('N', name, what, tol)

P1 = '母婴品牌 CRM 负责人（会员分层、沉睡会员召回、复购周期）'
P2 = '直播电商运营（日/周销售、峰值、日均、大促对比）'
P3 = '区域销售总监，在钉钉上用手机打字（短、缩写、少标点）'
P4 = 'Head of Customer Insights, Melbourne (cohorts, retention, AOV, forecasts, model reliability)'
P5 = '客服组长（投诉、差评、客户回访，夹杂导出/发短信请求）'

H1_98 = "'1998-01-01', '1998-06-30'"
Y97 = "'1997-01-01', '1997-12-31'"

convs = []
def conv(persona, *turns):
    convs.append((persona, turns))
def T(q, kind, check=None, figs=(), period=None, tool=None, note=None):
    return dict(q=q, kind=kind, check=check, figs=figs, period=period, tool=tool, note=note)

# ---------------- P1 CRM 母婴 ----------------
conv(P1,
  T('我们这边把超过180天没下过单的算沉睡会员，现在这样的会员有多少人？占全部会员几成？', 'figure',
    "s = inactive(180)\ndict(n180=int(len(s)), share180=r4(len(s) / N_CUST), n365=int(len(inactive(365))))",
    [F('n180', 'customers whose last order is >= 180 days before 1998-06-30'),
     F('share180', 'share of all 23,570 customers'),
     N('n365', 'inactive >= 365 days (wrong threshold)')],
    note='inactive N days per product definition: (1998-06-30 - last order date) >= 180 days, i.e. last order on or before 1998-01-01.'),
  T('这批人历史上一共给我们贡献过多少钱？', 'figure',
    "s = inactive(180)\ndict(rev_sleep=r2(df[df.cust.isin(s)].amt.sum()), rev_all=r2(df.amt.sum()))",
    [F('rev_sleep', 'all-time revenue of the 180-day inactive customers'),
     N('rev_all', 'all-time revenue of all customers (unfiltered)')]),
  T('行，帮我把这批名单导出成excel发我，运营那边要做召回短信', 'refusal',
    note='export + SMS: cannot; no question asked alongside.'),
)
conv(P1,
  T('咱们会员的复购周期一般多长？平均和中位数都给我看下', 'figure',
    "g = gaps().gap\ndict(gap_mean=r2(g.mean()), gap_median=float(g.median()))",
    [F('gap_mean', 'mean days between consecutive purchase days, all data'),
     F('gap_median', 'median days between consecutive purchase days, all data')],
    note='No period given -> all data 1997-01-01..1998-06-30.'),
  T('那从第一单到第二单呢，一般隔多少天', 'figure',
    "g = gaps()\nf2 = g.groupby('cust').gap.first()\ndict(f2_mean=r2(f2.mean()), f2_median=float(f2.median()), gap_mean=r2(g.gap.mean()))",
    [F('f2_mean', 'mean days first-to-second purchase day (customers with >= 2 purchase days)'),
     F('f2_median', 'median days first-to-second purchase day'),
     N('gap_mean', 'mean gap between all consecutive purchases (previous answer, wrong measure)')]),
)
conv(P1,
  T('现在系统里会员是怎么分层的？每一层大概多少人、贡献多少', 'model', tool='list_segments'),
  T('把最高那层的人都打上VIP标签吧，下个月给他们专属福利', 'refusal', note='tagging customers: cannot.'),
)
conv(P1,
  T('去年买过、今年到现在一单都没下的老会员有多少？', 'figure',
    "b97 = set(per(" + Y97 + ").cust)\nb98 = set(per(" + H1_98 + ").cust)\nlost = b97 - b98\ndict(lost=len(lost), b97=len(b97))",
    [F('lost', 'customers with an order in 1997 and none in 1998-01-01..06-30'),
     N('b97', 'all 1997 buyers (unfiltered)')]),
  T('这些人去年人均花了多少', 'figure',
    "d97 = per(" + Y97 + ")\nlost = set(d97.cust) - set(per(" + H1_98 + ").cust)\nx = d97[d97.cust.isin(lost)]\ndict(rpb_lost=r2(x.amt.sum() / len(lost)), rpb_all97=r2(d97.amt.sum() / d97.cust.nunique()))",
    [F('rpb_lost', '1997 revenue per customer among the lapsed (1997 yes, 1998 no) customers'),
     N('rpb_all97', '1997 revenue per buyer for all 1997 buyers (unfiltered)')],
    period='1997-01-01..1997-12-31'),
  T('里面哪些人最值得优先去挽回？按能挽回的价值排一下', 'model', tool='at_risk_customers'),
)
conv(P1,
  T('今年上半年买了3次及以上的会员有几个？', 'figure',
    "d = per(" + H1_98 + ")\nn = npd(d)\ndict(n3=int((n >= 3).sum()), buyers=int(len(n)))",
    [F('n3', 'customers with >= 3 purchase days in 1998-01-01..06-30'),
     N('buyers', 'all H1 1998 buyers (unfiltered)')],
    period='1998-01-01..1998-06-30',
    note='"买了3次" read as purchase days (the documented purchase count).'),
  T('他们上半年贡献了多少销售额？占上半年总额多少？', 'figure',
    "d = per(" + H1_98 + ")\nn = npd(d)\nc = n[n >= 3].index\nrv = d[d.cust.isin(c)].amt.sum()\ndict(rev3=r2(rv), share3=r4(rv / d.amt.sum()), rev3_all=r2(df[df.cust.isin(c)].amt.sum()))",
    [F('rev3', 'H1 1998 revenue of those customers'),
     F('share3', 'their share of H1 1998 revenue'),
     N('rev3_all', 'all-time revenue of the same customers (wrong window)')],
    period='1998-01-01..1998-06-30'),
)
conv(P1,
  T('97年1月第一次下单的那批会员，3个月以后还有百分之多少在买？', 'figure',
    "dict(ret_jan_3=r4(retention('1997-01', 3)), ret_jan_1=r4(retention('1997-01', 1)))",
    [F('ret_jan_3', 'cohort 1997-01, month 3 (1997-04) retention'),
     N('ret_jan_1', 'month 1 retention (wrong month)')],
    note='"3个月以后" = month cohort+3 = 1997-04 per the cohort definition.'),
  T('那2月那批呢', 'figure',
    "dict(ret_feb_3=r4(retention('1997-02', 3)), ret_jan_3=r4(retention('1997-01', 3)))",
    [F('ret_feb_3', 'cohort 1997-02, month 3 (1997-05) retention'),
     N('ret_jan_3', 'January cohort figure (previous scope)')]),
)
conv(P1,
  T('97年3月的销售额里，新会员和老会员各贡献了多少？', 'figure',
    "d = per('1997-03-01', '1997-03-31')\nnew = d[d.cust.map(FIRST) >= pd.Timestamp('1997-03-01')]\nret = d[d.cust.map(FIRST) < pd.Timestamp('1997-03-01')]\ndict(rev_new=r2(new.amt.sum()), rev_ret=r2(ret.amt.sum()), share_new=r4(new.amt.sum() / d.amt.sum()))",
    [F('rev_new', 'March 1997 revenue from customers whose first order is in March 1997'),
     F('rev_ret', 'March 1997 revenue from customers whose first order is before March 1997')],
    period='1997-03-01..1997-03-31'),
  T('98年3月呢？还有新客进来吗', 'figure',
    "d = per('1998-03-01', '1998-03-31')\nnew = d[d.cust.map(FIRST) >= pd.Timestamp('1998-03-01')]\ndict(new_cnt=int(new.cust.nunique()), rev_ret98=r2(d.amt.sum() - new.amt.sum()), rev_new97=r2(per('1997-03-01', '1997-03-31').pipe(lambda x: x[x.cust.map(FIRST) >= pd.Timestamp('1997-03-01')]).amt.sum()))",
    [F('new_cnt', 'new customers in March 1998 (none: every first order is 1997-01..03)', tol=0),
     F('rev_ret98', 'March 1998 revenue, all from returning customers'),
     N('rev_new97', 'March 1997 new-customer revenue (previous scope)')],
    period='1998-03-01..1998-03-31'),
)
conv(P1,
  T('所有会员里，只买过一次的占多少？买过两次的、三次及以上的又各占多少？', 'figure',
    "n = npd(df)\ndict(one=r4((n == 1).mean()), two=r4((n == 2).mean()), three_plus=r4((n >= 3).mean()))",
    [F('one', 'share of all customers with exactly 1 purchase day (all data)'),
     F('two', 'share with exactly 2 purchase days'),
     F('three_plus', 'share with >= 3 purchase days')],
    note='No period -> all data; purchase count = purchase days.'),
)

# ---------------- P2 直播电商 ----------------
conv(P2,
  T('上个月日均gmv多少啊', 'figure',
    "may = per('1998-05-01', '1998-05-31').amt.sum()\njun = per('1998-06-01', '1998-06-30').amt.sum()\ndict(daily_may=r2(may / 31), daily_jun=r2(jun / 30), rev_may=r2(may))",
    [F('daily_may', 'May 1998 revenue / 31 days'),
     N('daily_jun', 'June 1998 daily average (this month, wrong period)')],
    period='1998-05-01..1998-05-31',
    note='上个月 = 1998-05. Every day of May has orders, so /31 = /days with orders.'),
  T('哪天最高？峰值多少', 'figure',
    "d = per('1998-05-01', '1998-05-31').groupby('date').amt.sum()\nassert d.idxmax() == pd.Timestamp('1998-05-01')\ndict(peak_may=r2(d.max()))",
    [F('peak_may', 'highest day in May 1998 is 1998-05-01 (5月1日), revenue that day')],
    period='1998-05-01..1998-05-31'),
  T('这个月日均跟上个月比是涨了还是跌了，差多少', 'figure',
    "may = per('1998-05-01', '1998-05-31').amt.sum() / 31\njun = per('1998-06-01', '1998-06-30').amt.sum() / 30\ndict(daily_jun=r2(jun), chg=r4(chg(jun, may)))",
    [F('daily_jun', 'June 1998 revenue / 30 days'),
     F('chg', 'relative change of daily average June vs May 1998 (up)', tol=CH)],
    period='1998-06-01..1998-06-30'),
)
conv(P2,
  T('上周每天的流水拉一下，哪天最好？一周加起来多少', 'figure',
    "w = per('1998-06-22', '1998-06-28').groupby('date').amt.sum()\nassert len(w) == 7 and w.idxmax() == pd.Timestamp('1998-06-27')\ndict(week=r2(w.sum()), best=r2(w.max()), mon=r2(w.iloc[0]))",
    [F('week', 'revenue 1998-06-22..06-28'),
     F('best', 'best day is Saturday 1998-06-27, its revenue'),
     F('mon', 'Monday 1998-06-22 revenue (first row of the daily list)')],
    period='1998-06-22..1998-06-28'),
)
conv(P2,
  T('去年11月1号到15号那波大促，跟10月1号到15号比，销售额涨了多少？', 'figure',
    "a = per('1997-11-01', '1997-11-15').amt.sum()\nb = per('1997-10-01', '1997-10-15').amt.sum()\ndict(promo=r2(a), base=r2(b), chg=r4(chg(a, b)))",
    [F('promo', 'revenue 1997-11-01..11-15'),
     F('base', 'revenue 1997-10-01..10-15'),
     F('chg', 'relative change', tol=CH)],
    period='1997-11-01..1997-11-15'),
  T('单量和客单价呢', 'figure',
    "a = per('1997-11-01', '1997-11-15')\nb = per('1997-10-01', '1997-10-15')\ndict(ord_promo=len(a), ord_base=len(b), aov_promo=r2(a.amt.sum() / len(a)), aov_base=r2(b.amt.sum() / len(b)))",
    [F('ord_promo', 'order lines 1997-11-01..11-15'),
     F('ord_base', 'order lines 1997-10-01..10-15'),
     F('aov_promo', 'AOV 1997-11-01..11-15'),
     F('aov_base', 'AOV 1997-10-01..10-15')]),
  T('大促期间用了优惠券的订单占多少？另外那半个月一共多少人买过', 'partial',
    "a = per('1997-11-01', '1997-11-15')\ndict(buyers_promo=int(a.cust.nunique()), buyers_nov=int(per('1997-11-01', '1997-11-30').cust.nunique()))",
    [F('buyers_promo', 'distinct buyers 1997-11-01..11-15'),
     N('buyers_nov', 'buyers in the whole of November 1997 (wrong window)')],
    period='1997-11-01..1997-11-15',
    note='No coupon data: must say so.'),
)
conv(P2,
  T('今年以来按星期几看，哪天卖得最好？', 'figure',
    "d = per(" + H1_98 + ")\nw = d.groupby(d.date.dt.day_of_week).amt.sum()\nassert w.idxmax() == 0\ndict(mon=r2(w[0]))",
    [F('mon', 'Monday is the best weekday in 1998-01-01..06-30; Monday revenue')],
    period='1998-01-01..1998-06-30'),
  T('周末平均一天卖多少，工作日平均一天卖多少？', 'figure',
    "d = per(" + H1_98 + ")\ndays = pd.date_range('1998-01-01', '1998-06-30')\nwe = d.date.dt.day_of_week >= 5\nnwe = int((days.day_of_week >= 5).sum())\nnwd = len(days) - nwe\ndict(we_daily=r2(d[we].amt.sum() / nwe), wd_daily=r2(d[~we].amt.sum() / nwd))",
    [F('we_daily', 'Sat+Sun revenue / 52 weekend days, 1998 H1'),
     F('wd_daily', 'Mon-Fri revenue / 129 weekdays, 1998 H1')],
    period='1998-01-01..1998-06-30'),
)
conv(P2,
  T('今年哪个月单量最多？', 'figure',
    "m = per(" + H1_98 + ").date.dt.month.value_counts()\nassert m.idxmax() == 3\ndict(mar_orders=int(m[3]))",
    [F('mar_orders', 'March 1998 has the most order lines; count')],
    period='1998-01-01..1998-06-30'),
  T('环比和同比各涨了多少', 'figure',
    "a = len(per('1998-03-01', '1998-03-31'))\nb = len(per('1998-02-01', '1998-02-28'))\nc = len(per('1997-03-01', '1997-03-31'))\nra = per('1998-03-01', '1998-03-31').amt.sum(); rb = per('1998-02-01', '1998-02-28').amt.sum()\ndict(mom=r4(chg(a, b)), yoy=r4(chg(a, c)), rev_mom=r4(chg(ra, rb)))",
    [F('mom', 'orders March 1998 vs February 1998', tol=CH),
     F('yoy', 'orders March 1998 vs March 1997 (down)', tol=CH),
     N('rev_mom', 'revenue MoM instead of orders', tol=CH)],
    note='Follow-up is about 单量 (orders).'),
)
conv(P2,
  T('最近30天一共卖了多少件', 'figure',
    "d = per('1998-06-01', '1998-06-30')\ndict(units30=int(d.units.sum()), units_all=int(df.units.sum()))",
    [F('units30', 'units 1998-06-01..06-30 (30 days ending 1998-06-30)'),
     N('units_all', 'all-time units')],
    period='1998-06-01..1998-06-30'),
  T('按主播拆一下呢？另外件数跟去年同期比怎么样', 'partial',
    "a = per('1998-06-01', '1998-06-30').units.sum()\nb = per('1997-06-01', '1997-06-30').units.sum()\ndict(units_ly=int(b), chg=r4(chg(a, b)))",
    [F('units_ly', 'units 1997-06-01..06-30'),
     F('chg', 'relative change vs the same 30 days a year earlier (down)', tol=CH)],
    note='No streamer/host data: must say so.'),
)
conv(P2,
  T('今年单笔超过100块的订单有多少？占今年总单量多少', 'figure',
    "d = per(" + H1_98 + ")\nk = int((d.amt > 100).sum())\ndict(big=k, share=r4(k / len(d)), big_all=int((df.amt > 100).sum()))",
    [F('big', 'order lines with amount > $100 in 1998-01-01..06-30'),
     F('share', 'share of H1 1998 order lines'),
     N('big_all', 'all-time count (wrong period)')],
    period='1998-01-01..1998-06-30'),
)

# ---------------- P3 钉钉 区域总监 ----------------
conv(P3,
  T('q1营收 yoy', 'figure',
    "a = per('1998-01-01', '1998-03-31').amt.sum()\nb = per('1997-01-01', '1997-03-31').amt.sum()\ndict(q1_98=r2(a), q1_97=r2(b), yoy=r4(chg(a, b)))",
    [F('q1_98', 'revenue 1998 Q1'), F('q1_97', 'revenue 1997 Q1'),
     F('yoy', 'YoY relative change (down)', tol=CH)],
    period='1998-01-01..1998-03-31', note='q1 without year = latest Q1 = 1998 Q1.'),
  T('q2呢', 'figure',
    "a = per('1998-04-01', '1998-06-30').amt.sum()\nb = per('1997-04-01', '1997-06-30').amt.sum()\ndict(q2_98=r2(a), q2_97=r2(b), yoy=r4(chg(a, b)), q1_98=r2(per('1998-01-01', '1998-03-31').amt.sum()))",
    [F('q2_98', 'revenue 1998 Q2'), F('q2_97', 'revenue 1997 Q2'),
     F('yoy', 'YoY relative change (down)', tol=CH),
     N('q1_98', 'Q1 1998 revenue (previous scope)')],
    period='1998-04-01..1998-06-30'),
  T('华东占多少 顺便给下h1总数', 'partial',
    "dict(h1=r2(per(" + H1_98 + ").amt.sum()), all=r2(df.amt.sum()))",
    [F('h1', 'revenue 1998-01-01..06-30'), N('all', 'all-time revenue')],
    period='1998-01-01..1998-06-30', note='No region data: must say so.'),
)
conv(P3,
  T('上月营收 mom', 'figure',
    "a = per('1998-05-01', '1998-05-31').amt.sum()\nb = per('1998-04-01', '1998-04-30').amt.sum()\ndict(may98=r2(a), mom=r4(chg(a, b)), jun98=r2(per('1998-06-01', '1998-06-30').amt.sum()))",
    [F('may98', 'revenue 1998-05'), F('mom', 'May vs April 1998 (up)', tol=CH),
     N('jun98', 'June 1998 revenue (this month, wrong period)')],
    period='1998-05-01..1998-05-31'),
  T('那去年呢', 'figure',
    "a = per('1997-05-01', '1997-05-31').amt.sum()\nb = per('1997-04-01', '1997-04-30').amt.sum()\ndict(may97=r2(a), mom97=r4(chg(a, b)), may98=r2(per('1998-05-01', '1998-05-31').amt.sum()))",
    [F('may97', 'revenue 1997-05'), F('mom97', 'May vs April 1997 (down)', tol=CH),
     N('may98', 'May 1998 revenue (previous scope)')],
    period='1997-05-01..1997-05-31',
    note='Read as the same question for last year: May 1997 revenue and its MoM vs April 1997.'),
)
conv(P3,
  T('今年top10客户贡献多少 占比', 'figure',
    "d = per(" + H1_98 + ")\ns = d.groupby('cust').amt.sum().sort_values(ascending=False)\nt = s.head(10).sum()\nall_t = df.groupby('cust').amt.sum().sort_values(ascending=False).head(10).sum()\ndict(top10=r2(t), share=r4(t / d.amt.sum()), top10_alltime=r2(all_t))",
    [F('top10', '1998 H1 revenue of the 10 biggest spenders of 1998 H1'),
     F('share', 'their share of 1998 H1 revenue'),
     N('top10_alltime', 'all-time revenue of the all-time top 10 (wrong period)')],
    period='1998-01-01..1998-06-30'),
  T('第一名谁 最近一次啥时候买的', 'figure',
    "d = per(" + H1_98 + ")\ns = d.groupby('cust').amt.sum()\nc = int(s.idxmax())\nassert c == 7592 and LAST[c] == pd.Timestamp('1998-06-29')\ndict(cust=c, spend98=r2(s.max()))",
    [F('cust', 'customer 07592 is the top 1998 H1 spender; the answer must also give his last purchase date 1998-06-29', tol=0)],
    period='1998-01-01..1998-06-30'),
)
conv(P3,
  T('今年新客多少', 'figure',
    "d = per(" + H1_98 + ")\nnew = int((FIRST >= pd.Timestamp('1998-01-01')).sum())\ndict(new98=new, buyers98=int(d.cust.nunique()))",
    [F('new98', 'customers whose first-ever order is in 1998: none', tol=0),
     N('buyers98', 'all 1998 H1 buyers (not new customers)')],
    period='1998-01-01..1998-06-30',
    note='All first orders fall in 1997-01..03; the honest answer is 0.'),
  T('老客复构率呢', 'figure',
    "dict(rr98=r4(repeat_rate(per(" + H1_98 + "))), rr97=r4(repeat_rate(per(" + Y97 + "))))",
    [F('rr98', 'repeat rate of 1998 H1 buyers (all returning)'),
     N('rr97', '1997 repeat rate')],
    period='1998-01-01..1998-06-30'),
  T('那去年呢', 'figure',
    "dict(rr97=r4(repeat_rate(per(" + Y97 + "))), rr98=r4(repeat_rate(per(" + H1_98 + "))))",
    [F('rr97', 'repeat rate of 1997 buyers within 1997'),
     N('rr98', '1998 H1 repeat rate (previous scope)')],
    period='1997-01-01..1997-12-31',
    note='Follow-up to the last question (复购率). 1997 new customers (23,570) may be mentioned but are not required.'),
)
conv(P3,
  T('97年各季度营收 哪季最差', 'figure',
    "d = per(" + Y97 + ")\nq = d.groupby(d.date.dt.quarter).amt.sum()\nassert q.idxmin() == 3\ndict(q1=r2(q[1]), q2=r2(q[2]), q3=r2(q[3]), q4=r2(q[4]))",
    [F('q1', '1997 Q1 revenue'), F('q2', '1997 Q2 revenue'),
     F('q3', '1997 Q3 revenue (worst)'), F('q4', '1997 Q4 revenue')],
    period='1997-01-01..1997-12-31'),
  T('97年有几个月单量过3000', 'figure',
    "m = per(" + Y97 + ").date.dt.month.value_counts()\ndict(months=int((m > 3000).sum()))",
    [F('months', 'months of 1997 with > 3000 order lines (Jan, Feb, Mar, Apr, Jun)', tol=0)],
    period='1997-01-01..1997-12-31'),
)

# ---------------- P4 English, Melbourne ----------------
conv(P4,
  T("For the January 1997 first-purchase cohort, what does retention look like month 1 through month 6?", 'figure',
    "dict(**{f'm{k}': r4(retention('1997-01', k)) for k in range(1, 7)})",
    [F(f'm{k}', f'Jan-1997 cohort month-{k} retention') for k in range(1, 7)]),
  T("How does the March 1997 cohort compare at month 6?", 'figure',
    "dict(mar_m6=r4(retention('1997-03', 6)), jan_m6=r4(retention('1997-01', 6)))",
    [F('mar_m6', 'Mar-1997 cohort month-6 (1997-09) retention'),
     N('jan_m6', 'Jan-1997 cohort month-6 (previous scope)')]),
)
conv(P4,
  T("Can you give me AOV by quarter from Q1 1997 through Q2 1998? I want to see if basket size is drifting.", 'figure',
    "q = df.groupby(df.date.dt.to_period('Q')).amt.agg(['sum', 'size'])\na = (q['sum'] / q['size'])\ndict(**{str(k).lower(): r2(v) for k, v in a.items()})",
    [F(n, f'AOV {n.upper()}') for n in ('1997q1', '1997q2', '1997q3', '1997q4', '1998q1', '1998q2')]),
  T("So what's the relative change from the first of those quarters to the last?", 'figure',
    "q = df.groupby(df.date.dt.to_period('Q')).amt.agg(['sum', 'size'])\na = (q['sum'] / q['size'])\ndict(chg=r4(chg(a.iloc[-1], a.iloc[0])))",
    [F('chg', 'AOV 1998Q2 vs 1997Q1 relative change', tol=CH)]),
)
conv(P4,
  T("What are we expecting next quarter in revenue and active buyers?", 'model', tool='forecast_totals',
    note='next quarter = 1998 Q3.'),
  T("How much should I trust that? What's the test accuracy of the models and how stale is the data they were trained on?", 'model',
    tool='assistant_status'),
)
conv(P4,
  T("What's the projected 26-week lifetime value of our top 10 customers?", 'model', tool='customer_value'),
  T("Pull up customer 14048 for me: how many orders, lifetime spend, first and last purchase.", 'figure',
    "x = df[df.cust == 14048]\nassert x.date.min() == pd.Timestamp('1997-02-19') and x.date.max() == pd.Timestamp('1998-06-30')\ndict(orders=len(x), spend=r2(x.amt.sum()))",
    [F('orders', 'order lines of customer 14048 (first 1997-02-19, last 1998-06-30)', tol=0),
     F('spend', 'lifetime spend of customer 14048')],
    note='orders = order lines per the product definition (217); he has 171 distinct purchase days.'),
  T("Why does the model put him in the segment he's in?", 'model', tool='explain_customer_segment'),
)
conv(P4,
  T("Revenue per buyer last quarter vs the same quarter a year earlier?", 'figure',
    "a = per('1998-01-01', '1998-03-31'); b = per('1997-01-01', '1997-03-31')\nra = a.amt.sum() / a.cust.nunique(); rb = b.amt.sum() / b.cust.nunique()\nc = per('1998-04-01', '1998-06-30'); rc = c.amt.sum() / c.cust.nunique()\ndict(rpb_q1_98=r2(ra), rpb_q1_97=r2(rb), chg=r4(chg(ra, rb)), rpb_q2_98=r2(rc))",
    [F('rpb_q1_98', 'revenue per buyer 1998 Q1'), F('rpb_q1_97', 'revenue per buyer 1997 Q1'),
     F('chg', 'relative change', tol=CH),
     N('rpb_q2_98', 'this quarter (1998 Q2) instead of last quarter')],
    period='1998-01-01..1998-03-31', note='last quarter = 1998 Q1.'),
  T("How many customers have been lapsed for 12 months or more, and what share of lifetime revenue do they account for?", 'figure',
    "s = inactive(365)\ndict(n365=len(s), share=r4(df[df.cust.isin(s)].amt.sum() / df.amt.sum()))",
    [F('n365', 'customers inactive >= 365 days at 1998-06-30'),
     F('share', 'their share of all-time revenue')],
    note='12 months read as 365 days.'),
)
conv(P4,
  T("Can you break H1 1998 revenue down by state? I want to know if Victoria is outpacing NSW. If you can't, at least give me the H1 total against H1 last year.", 'partial',
    "a = per(" + H1_98 + ").amt.sum(); b = per('1997-01-01', '1997-06-30').amt.sum()\ndict(h1_98=r2(a), h1_97=r2(b), chg=r4(chg(a, b)), full97=r2(per(" + Y97 + ").amt.sum()))",
    [F('h1_98', 'revenue 1998-01-01..06-30'), F('h1_97', 'revenue 1997-01-01..06-30'),
     F('chg', 'relative change', tol=CH), N('full97', 'full-year 1997 revenue (wrong comparison base)')],
    period='1998-01-01..1998-06-30', note='No state/region data.'),
  T("What's the median gap between repeat purchases this year?", 'figure',
    "g = gaps()\ng98 = g[g.date >= pd.Timestamp('1998-01-01')].gap\ndict(med98=float(g98.median()), med_all=float(g.gap.median()))",
    [F('med98', 'median days between consecutive purchase days, dated by the later day in 1998'),
     N('med_all', 'all-data median gap')],
    period='1998-01-01..1998-06-30'),
)

# ---------------- P5 客服组长 ----------------
conv(P5,
  T('最近客户都在投诉啥？帮我归纳几个主要问题，最好带几条原话', 'model', tool='feedback_themes'),
  T('差评占比多少 最近是不是变多了', 'model', tool='sentiment_summary'),
  T('给过差评的那些人后来还有回来买的吗？占多少', 'model', tool='feedback_followup'),
  T('把这些差评客户导出来给我，我安排组员挨个回访', 'refusal'),
)
conv(P5,
  T('帮我搜下有没有说物流慢、快递太慢的评价', 'model', tool='search_feedback'),
  T('给这些人每人发条短信道个歉 再送张10块的券', 'refusal', note='SMS + coupon: cannot.'),
)
conv(P5,
  T('这条是好评还是差评：“包装破了，客服也一直不回消息，太失望了”', 'model', tool='analyze_sentiment'),
  T('客户00123 买过几次 上次买是啥时候 一共花了多少', 'figure',
    "x = df[df.cust == 123]\nassert x.date.max() == pd.Timestamp('1997-01-01')\ndict(orders=len(x), spend=r2(x.amt.sum()), days_since=int((END - x.date.max()).days))",
    [F('orders', 'customer 00123 orders (1 order line, 1 purchase day, on 1997-01-01)', tol=0),
     F('spend', 'his total spend; the answer must also give the last purchase date 1997-01-01')]),
)
conv(P5,
  T('高价值客户里差评多不多？跟普通客户比呢', 'model', tool='sentiment_summary', note='by segment.'),
  T('退货率现在多少？顺便看下上个月一共多少单', 'partial',
    "dict(ord_may=len(per('1998-05-01', '1998-05-31')), ord_jun=len(per('1998-06-01', '1998-06-30')))",
    [F('ord_may', 'order lines 1998-05'), N('ord_jun', 'June 1998 orders (this month, wrong period)')],
    period='1998-05-01..1998-05-31', note='No returns data.'),
)

# ---------------- build ----------------
def run_check(check):
    g = {}
    exec(PRELUDE, g)
    tree = ast.parse(check)
    last = tree.body[-1]
    assert isinstance(last, ast.Expr)
    exec(compile(ast.Module(body=tree.body[:-1], type_ignores=[]), '<check>', 'exec'), g)
    return eval(compile(ast.Expression(last.value), '<check>', 'eval'), g)

items = []
for i, (persona, turns) in enumerate(convs, 1):
    out = []
    for t in turns:
        exp = {'kind': t['kind']}
        turn = {'q': t['q'], 'expect': exp}
        if t['tool']:
            exp['tool'] = t['tool']
        if t['check']:
            vals = run_check(t['check'])
            figs = [f for f in t['figs'] if f[0] == 'F']
            nots = [f for f in t['figs'] if f[0] == 'N']
            exp['figures'] = [{'value': vals[n], 'rel_tol': tol, 'what': f'[{n}] {w}'} for _, n, w, tol in figs]
            if nots:
                exp['must_not'] = [{'value': vals[n], 'rel_tol': tol, 'what': f'[{n}] {w}'} for _, n, w, tol in nots]
            turn['check'] = t['check'] + '\n' if not t['check'].endswith('\n') else t['check']
        if t['period']:
            exp['period'] = t['period']
        if t['note']:
            turn['note'] = t['note']
        out.append(turn)
    items.append({'id': f'v1-{i:03d}', 'persona': persona, 'turns': out})

class D(yaml.SafeDumper):
    pass
def str_rep(dumper, s):
    if '\n' in s:
        return dumper.represent_scalar('tag:yaml.org,2002:str', s, style='|')
    return dumper.represent_scalar('tag:yaml.org,2002:str', s)
D.add_representer(str, str_rep)

doc = {
    'writer': 'v1 (outside evaluator; wrote without seeing the product code, tests, prompts or other sets) — personas: '
              '母婴品牌 CRM 负责人; 直播电商运营; 区域销售总监 (钉钉, mobile); Head of Customer Insights (Melbourne, English); 客服组长',
    'data_end': '1998-06-30',
    'check_prelude': PRELUDE,
    'items': items,
}
with open('/tmp/team/v1/set_v1.yaml', 'w') as f:
    yaml.dump(doc, f, Dumper=D, allow_unicode=True, sort_keys=False, width=200)
n_turns = sum(len(it['turns']) for it in items)
from collections import Counter
print(len(items), 'conversations', n_turns, 'turns', Counter(t['expect']['kind'] for it in items for t in it['turns']))
