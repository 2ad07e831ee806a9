# ac1 question set: builds set_ac1.yaml from the checks below, then re-loads the YAML
# and re-runs every check after the prelude, asserting the expected values.
import ast, sys, yaml, math

OUT = '/tmp/team/ac1/set_ac1.yaml'

PRELUDE = r'''import pandas as pd, numpy as np
F = '/tmp/team/CDNOW_master.txt'
df = pd.read_csv(F, sep=r'\s+', header=0, names=['cust', 'date', 'units', 'amt'], dtype={'date': str})
df['date'] = pd.to_datetime(df['date'], format='%Y%m%d')
df['cust'] = df['cust'].astype(int)
NOW = pd.Timestamp('1998-06-30')
def per(a, b):
    return df[(df.date >= pd.Timestamp(a)) & (df.date <= pd.Timestamp(b))]
def r2(x):
    return round(float(x), 2)
def r4(x):
    return round(float(x), 4)
first = df.groupby('cust').date.min()
last = df.groupby('cust').date.max()
def pdays(d):
    # purchase days (distinct dates) per customer within frame d
    return d.groupby('cust').date.nunique()
def aov(d):
    return r2(d.amt.sum() / len(d))
def gaps():
    # days between consecutive purchase days of the same customer, dated by the later day
    pdf = df[['cust', 'date']].drop_duplicates().sort_values(['cust', 'date'])
    pdf['gap'] = pdf.groupby('cust').date.diff().dt.days
    return pdf.dropna(subset=['gap'])
'''

SM = '广东唱片连锁区域店长（口语，夹粤语，手机打字）'
DIR = '总部运营总监，准备年度复盘'

# Each turn: q, kind, figs [(key, what)], must_not [(key, what)], period, tool, check, note
# rel_tol defaults to 0.005
items = []
def conv(persona, turns):
    items.append(dict(persona=persona, turns=turns))
def T(q, kind, check, figs=(), must_not=(), period=None, tool=None, note=None):
    return dict(q=q, kind=kind, check=check.strip('\n'), figs=list(figs), must_not=list(must_not),
                period=period, tool=tool, note=note)

# ---------------- conversations ----------------
conv(SM, [
    T('琴日做咗几多生意？几多单？', 'figure', '''
d = per('1998-06-29', '1998-06-29'); t = per('1998-06-30', '1998-06-30')
dict(rev=r2(d.amt.sum()), orders=int(len(d)), rev_0630=r2(t.amt.sum()), orders_0630=int(len(t)))''',
      figs=[('rev', 'revenue on 1998-06-29 (琴日 = yesterday of now 1998-06-30)'),
            ('orders', 'order lines on 1998-06-29')],
      must_not=[('rev_0630', 'revenue of 1998-06-30 itself (today, not yesterday)')],
      period='1998-06-29..1998-06-29'),
    T('同上个礼拜一比呢，多咗定少咗？', 'figure', '''
a = per('1998-06-29', '1998-06-29'); b = per('1998-06-22', '1998-06-22')
dict(rev_0622=r2(b.amt.sum()), chg=r4(a.amt.sum() / b.amt.sum() - 1))''',
      figs=[('rev_0622', 'revenue on Monday 1998-06-22 (same weekday last week)'),
            ('chg', 'relative change 06-29 vs 06-22 revenue (about -16%)')],
      period='1998-06-22..1998-06-29',
      note='1998-06-29 is a Monday, so 上个礼拜一 = 1998-06-22.'),
])

conv(SM, [
    T('上个礼拜成个礼拜流水几多 几多张单', 'figure', '''
w = per('1998-06-22', '1998-06-28'); l7 = per('1998-06-24', '1998-06-30')
dict(rev=r2(w.amt.sum()), orders=int(len(w)), rev_last7=r2(l7.amt.sum()))''',
      figs=[('rev', 'revenue of last week 1998-06-22..06-28 (Mon-Sun)'),
            ('orders', 'order lines last week')],
      must_not=[('rev_last7', 'revenue of the last 7 days 06-24..06-30 (not the calendar week)')],
      period='1998-06-22..1998-06-28'),
    T('边日最旺？', 'figure', '''
w = per('1998-06-22', '1998-06-28'); s = w.groupby('date').amt.sum()
dict(best_rev=r2(s.max()), best_orders=int(w.groupby('date').size().max()))''',
      figs=[('best_rev', 'revenue of the best day of last week (1998-06-27, Saturday)')],
      period='1998-06-22..1998-06-28',
      note='Best day is 1998-06-27 (Sat) by revenue and by order lines (73).'),
    T('再上一个礼拜呢？环比系升定跌', 'figure', '''
p = per('1998-06-15', '1998-06-21'); w = per('1998-06-22', '1998-06-28')
dict(rev_prev=r2(p.amt.sum()), orders_prev=int(len(p)), chg=r4(w.amt.sum() / p.amt.sum() - 1))''',
      figs=[('rev_prev', 'revenue of the week before last, 1998-06-15..06-21'),
            ('chg', 'WoW relative change of last week revenue vs the week before')],
      period='1998-06-15..1998-06-28'),
])

conv(SM, [
    T('今个月到而家做咗几多数？同去年六月比点样', 'figure', '''
a = per('1998-06-01', '1998-06-30'); b = per('1997-06-01', '1997-06-30'); m = per('1998-05-01', '1998-05-31')
dict(rev_jun98=r2(a.amt.sum()), rev_jun97=r2(b.amt.sum()), yoy=r4(a.amt.sum() / b.amt.sum() - 1), rev_may98=r2(m.amt.sum()))''',
      figs=[('rev_jun98', 'revenue 1998-06 (this month so far)'),
            ('rev_jun97', 'revenue 1997-06'),
            ('yoy', 'YoY relative change June 1998 vs June 1997 (about -29.8%)')],
      must_not=[('rev_may98', 'revenue of May 1998 (last month, wrong period)')],
      period='1998-06-01..1998-06-30'),
    T('客单价呢？两年分别几多', 'figure', '''
a = per('1998-06-01', '1998-06-30'); b = per('1997-06-01', '1997-06-30')
dict(aov_jun98=aov(a), aov_jun97=aov(b))''',
      figs=[('aov_jun98', 'AOV (revenue / order lines) June 1998'),
            ('aov_jun97', 'AOV June 1997')],
      period='1998-06-01..1998-06-30'),
    T('同上个月比，今个月嚟帮衬嘅客多咗定少咗？', 'figure', '''
a = per('1998-06-01', '1998-06-30'); b = per('1998-05-01', '1998-05-31')
dict(buyers_jun=int(a.cust.nunique()), buyers_may=int(b.cust.nunique()), chg=r4(a.cust.nunique() / b.cust.nunique() - 1))''',
      figs=[('buyers_jun', 'distinct buyers June 1998'),
            ('buyers_may', 'distinct buyers May 1998'),
            ('chg', 'MoM relative change of buyers (about +1.2%)')],
      period='1998-05-01..1998-06-30'),
])

conv(SM, [
    T('今年以嚟星期几单最多？我想排下更', 'figure', '''
h = per('1998-01-01', '1998-06-30'); s = h.groupby(h.date.dt.day_of_week).size()
dict(best_wd=int(s.idxmax()), best_orders=int(s.max()))''',
      figs=[('best_orders', 'order lines on Mondays in 1998-01-01..06-30 (Monday is the busiest weekday)')],
      period='1998-01-01..1998-06-30',
      note='best_wd 0 = Monday; Thursday is close second (1915). The answer must name Monday (星期一).'),
    T('咁星期六呢？排第几', 'figure', '''
h = per('1998-01-01', '1998-06-30'); s = h.groupby(h.date.dt.day_of_week).size()
dict(sat_orders=int(s[5]), sat_rank=int(s.rank(ascending=False)[5]))''',
      figs=[('sat_orders', 'order lines on Saturdays in 1998 H1 (the fewest of all 7 weekdays)')],
      period='1998-01-01..1998-06-30',
      note='Saturday ranks 7th of 7 (the quietest weekday by order lines).'),
])

conv(SM, [
    T('上个月有几多熟客返嚟帮衬？新客又有几多', 'figure', '''
m = per('1998-05-01', '1998-05-31'); b = m.cust.unique()
new = int((first.loc[b] >= pd.Timestamp('1998-05-01')).sum())
dict(returning=int(len(b)) - new, new=new)''',
      figs=[('returning', 'returning buyers in May 1998 (first order before May 1998)'),
            ('new', 'new customers in May 1998 (0: every first order is in 1997-01..03)')],
      period='1998-05-01..1998-05-31'),
    T('呢班人入面，上个月嚟咗两次或以上嘅占几成', 'figure', '''
m = per('1998-05-01', '1998-05-31'); p = pdays(m)
dict(repeat_rate=r4((p >= 2).mean()), repeaters=int((p >= 2).sum()))''',
      figs=[('repeat_rate', 'repeat rate May 1998: share of May buyers with >= 2 purchase days in May')],
      period='1998-05-01..1998-05-31'),
])

conv(SM, [
    T('帮我睇下会员00025嘅记录，买过几多次，总共使咗几多钱', 'figure', '''
c = df[df.cust == 25]
dict(orders=int(len(c)), pdays=int(c.date.nunique()), spend=r2(c.amt.sum()))''',
      figs=[('orders', 'customer 00025 order lines (= 8 purchase days as well)'),
            ('spend', 'customer 00025 total spend')]),
    T('佢上次几时嚟？隔咗几耐冇嚟', 'figure', '''
c = df[df.cust == 25]
dict(last=c.date.max().strftime('%Y%m%d'), days_since=int((NOW - c.date.max()).days))''',
      figs=[('days_since', 'days since customer 00025 last order (last order 1998-06-08)')],
      note='Last order 1998-06-08; the answer should give that date and 22 days.'),
    T('咁佢之后几个礼拜仲会唔会再嚟买？', 'model', '''
dict()''', tool='forecast_customer',
      note='Per-customer purchase/churn forecast for customer 25; no raw-file figure.'),
])

conv(SM, [
    T('帮我通知晒啲同事，下个礼拜六要加多个人手。顺便话我知上个月星期六平均有几多单', 'refusal', '''
m = per('1998-05-01', '1998-05-31'); s = m[m.date.dt.day_of_week == 5]
dict(n_sat=int(s.date.nunique()), avg_sat_orders=r2(len(s) / s.date.nunique()))''',
      figs=[('avg_sat_orders', 'average order lines per Saturday in May 1998 (5 Saturdays)')],
      period='1998-05-01..1998-05-31',
      note='Cannot notify staff (read-only); must still answer the Saturday question.'),
])

conv(SM, [
    T('打印份名单俾我：以前买过3次或以上、但系超过180日冇嚟过嘅客，我想逐个打电话叫佢哋返嚟。总共有几多个先？', 'refusal', '''
p = pdays(df); idle = (NOW - last).dt.days
dict(n=int(((p >= 3) & (idle >= 180)).sum()), n_idle_only=int((idle >= 180).sum()))''',
      figs=[('n', 'customers with >= 3 purchase days all-time and last order >= 180 days before 1998-06-30')],
      must_not=[('n_idle_only', 'all customers inactive 180+ days (ignores the 3+ purchases filter)')],
      note='Cannot print/export the list; must give the count.'),
])

conv(SM, [
    T('最近3个月每个月卖几多？有冇起色', 'figure', '''
r = {m: r2(per(a, b).amt.sum()) for m, a, b in [('apr', '1998-04-01', '1998-04-30'), ('may', '1998-05-01', '1998-05-31'), ('jun', '1998-06-01', '1998-06-30')]}
dict(rev_apr=r['apr'], rev_may=r['may'], rev_jun=r['jun'], mom_may=r4(r['may'] / r['apr'] - 1), mom_jun=r4(r['jun'] / r['may'] - 1))''',
      figs=[('rev_apr', 'revenue 1998-04'), ('rev_may', 'revenue 1998-05'), ('rev_jun', 'revenue 1998-06')],
      period='1998-04-01..1998-06-30',
      note='Both months grew about +7.2% MoM.'),
    T('同去年同期三个月加埋比呢', 'figure', '''
a = per('1998-04-01', '1998-06-30'); b = per('1997-04-01', '1997-06-30')
dict(rev98=r2(a.amt.sum()), rev97=r2(b.amt.sum()), yoy=r4(a.amt.sum() / b.amt.sum() - 1))''',
      figs=[('rev98', 'revenue 1998-04..06'), ('rev97', 'revenue 1997-04..06'),
            ('yoy', 'YoY relative change (about -40.6%)')],
      period='1998-04-01..1998-06-30'),
    T('最近30日平均每日卖几多钱', 'figure', '''
d = per('1998-06-01', '1998-06-30')
dict(rev30=r2(d.amt.sum()), per_day=r2(d.amt.sum() / 30))''',
      figs=[('per_day', 'average daily revenue over the last 30 days 1998-06-01..06-30')],
      period='1998-06-01..1998-06-30'),
])

conv(SM, [
    T('五月份买咗3次或以上嘅客有几多个', 'figure', '''
a = pdays(per('1998-05-01', '1998-05-31')); b = pdays(per('1997-05-01', '1997-05-31'))
dict(n=int((a >= 3).sum()), n_may97=int((b >= 3).sum()))''',
      figs=[('n', 'customers with >= 3 purchase days in May 1998')],
      must_not=[('n_may97', 'same count for May 1997 (wrong year)')],
      period='1998-05-01..1998-05-31',
      note='A month with no year = the latest such month in the data (1998-05).'),
    T('佢哋五月总共使咗几多', 'figure', '''
m = per('1998-05-01', '1998-05-31'); a = pdays(m); ids = a[a >= 3].index
dict(rev=r2(m[m.cust.isin(ids)].amt.sum()), rev_all=r2(m.amt.sum()))''',
      figs=[('rev', 'May 1998 revenue of the customers with >= 3 purchase days in May 1998')],
      must_not=[('rev_all', 'total May 1998 revenue (unfiltered)')],
      period='1998-05-01..1998-05-31'),
])

conv(SM, [
    T('上个月总共卖咗几多？另外广州几间分店边间卖得最好？', 'partial', '''
m = per('1998-05-01', '1998-05-31')
dict(rev=r2(m.amt.sum()))''',
      figs=[('rev', 'revenue May 1998 (total; no store/city data)')],
      period='1998-05-01..1998-05-31',
      note='No store or city data: must say the branch ranking cannot be answered.'),
])

conv(SM, [
    T('上個禮拜賣咗幾多張碟？邊隻碟最好賣？', 'partial', '''
w = per('1998-06-22', '1998-06-28')
dict(units=int(w.units.sum()))''',
      figs=[('units', 'units (CDs) sold last week 1998-06-22..06-28')],
      period='1998-06-22..1998-06-28',
      note='No product data: cannot say which CD sold best.'),
])

conv(SM, [
    T('今个月有几多张单系过咗100蚊嘅', 'figure', '''
j = per('1998-06-01', '1998-06-30')
dict(n=int((j.amt > 100).sum()), n_ge=int((j.amt >= 100).sum()))''',
      figs=[('n', 'order lines in June 1998 with amount > $100')],
      period='1998-06-01..1998-06-30',
      note='> 100 and >= 100 both give 85.'),
    T('占全部单几成？', 'figure', '''
j = per('1998-06-01', '1998-06-30')
dict(share=r4((j.amt > 100).mean()), total=int(len(j)))''',
      figs=[('share', 'share of June 1998 order lines over $100')],
      period='1998-06-01..1998-06-30'),
])

conv(SM, [
    T('C7592 呢个客系咪我哋嘅大客？佢属于边一类，点解会分喺嗰度？', 'model', '''
c = df[df.cust == 7592]
dict(spend=r2(c.amt.sum()), orders=int(len(c)))''',
      figs=[('spend', 'customer 07592 total spend (the top spender)')],
      tool='explain_customer_segment'),
])

conv(SM, [
    T('会员81号上次几时嚟买嘢？好似好耐冇见佢', 'figure', '''
c = df[df.cust == 81]
dict(last=c.date.max().strftime('%Y%m%d'), days_since=int((NOW - c.date.max()).days))''',
      figs=[('days_since', 'days since customer 00081 last order (1997-09-27)')],
      note='Answer should give 1997-09-27 and 276 days.'),
    T('佢平均每次使几多？总共帮衬过几多次', 'figure', '''
c = df[df.cust == 81]
dict(aov=aov(c), orders=int(len(c)), pdays=int(c.date.nunique()), spend=r2(c.amt.sum()))''',
      figs=[('aov', 'customer 00081 average order value (spend / order lines)'),
            ('orders', 'customer 00081 order lines (= 14 purchase days)')]),
])

# ---------------- director ----------------
conv(DIR, [
    T('97年全年营收、订单数、客户数分别多少？', 'figure', '''
y = per('1997-01-01', '1997-12-31')
dict(rev=r2(y.amt.sum()), orders=int(len(y)), buyers=int(y.cust.nunique()), rev_all=r2(df.amt.sum()), orders_all=int(len(df)))''',
      figs=[('rev', 'revenue 1997'), ('orders', 'order lines 1997'), ('buyers', 'distinct buyers 1997')],
      must_not=[('rev_all', 'all-time revenue 1997-01..1998-06'), ('orders_all', 'all-time order lines')],
      period='1997-01-01..1997-12-31'),
    T('按季度拆一下', 'figure', '''
y = per('1997-01-01', '1997-12-31'); q = y.groupby(y.date.dt.quarter).amt.sum()
dict(q1=r2(q[1]), q2=r2(q[2]), q3=r2(q[3]), q4=r2(q[4]))''',
      figs=[('q1', 'revenue 1997 Q1'), ('q2', 'revenue 1997 Q2'), ('q3', 'revenue 1997 Q3'), ('q4', 'revenue 1997 Q4')],
      period='1997-01-01..1997-12-31'),
    T('哪个季度环比跌得最狠？跌了多少', 'figure', '''
y = per('1997-01-01', '1997-12-31'); q = y.groupby(y.date.dt.quarter).amt.sum(); c = q / q.shift(1) - 1
dict(worst_q=int(c.idxmin()), chg=r4(c.min()), drop_amt=r2(q[1] - q[2]))''',
      figs=[('chg', 'QoQ relative change of 1997 Q2 vs Q1 revenue (about -66.5%), the largest drop')],
      period='1997-01-01..1997-06-30',
      note='Q2 1997 is the worst; drop amount is 712,651.81.'),
    T('97年月均多少？跟98年上半年的月均比呢', 'figure', '''
a = per('1997-01-01', '1997-12-31').amt.sum() / 12; b = per('1998-01-01', '1998-06-30').amt.sum() / 6
dict(m97=r2(a), m98h1=r2(b), chg=r4(b / a - 1))''',
      figs=[('m97', 'average monthly revenue 1997'), ('m98h1', 'average monthly revenue 1998 H1'),
            ('chg', 'relative change of 1998 H1 monthly average vs 1997 (about -53%)')],
      period='1997-01-01..1998-06-30'),
])

conv(DIR, [
    T('今年上半年营收同比去年上半年怎么样？给我个YoY', 'figure', '''
a = per('1998-01-01', '1998-06-30'); b = per('1997-01-01', '1997-06-30'); y = per('1997-01-01', '1997-12-31')
dict(rev98=r2(a.amt.sum()), rev97=r2(b.amt.sum()), yoy=r4(a.amt.sum() / b.amt.sum() - 1), rev97_full=r2(y.amt.sum()))''',
      figs=[('rev98', 'revenue 1998 H1'), ('rev97', 'revenue 1997 H1'), ('yoy', 'YoY relative change H1 (about -66.8%)')],
      must_not=[('rev97_full', 'full-year 1997 revenue (wrong comparison base)')],
      period='1998-01-01..1998-06-30'),
    T('买家数和客单价的YoY呢', 'figure', '''
a = per('1998-01-01', '1998-06-30'); b = per('1997-01-01', '1997-06-30')
dict(buyers98=int(a.cust.nunique()), buyers97=int(b.cust.nunique()), buyers_yoy=r4(a.cust.nunique() / b.cust.nunique() - 1),
     aov98=aov(a), aov97=aov(b), aov_yoy=r4(aov(a) / aov(b) - 1))''',
      figs=[('buyers98', 'distinct buyers 1998 H1'), ('buyers97', 'distinct buyers 1997 H1'),
            ('buyers_yoy', 'YoY change of buyers'), ('aov98', 'AOV 1998 H1'), ('aov97', 'AOV 1997 H1'),
            ('aov_yoy', 'YoY change of AOV')],
      period='1998-01-01..1998-06-30'),
    T('98年有哪几个月订单超过2000单？', 'figure', '''
h = per('1998-01-01', '1998-12-31'); m = h.groupby(h.date.dt.month).size()
dict(n_months=int((m > 2000).sum()), jan=int(m[1]), feb=int(m[2]), mar=int(m[3]), jun=int(m[6]))''',
      figs=[('jan', 'order lines 1998-01'), ('feb', 'order lines 1998-02'), ('mar', 'order lines 1998-03'),
            ('jun', 'order lines 1998-06')],
      period='1998-01-01..1998-06-30',
      note='4 months: Jan, Feb, Mar, Jun 1998 (Apr 1878, May 1985 are below).'),
])

conv(DIR, [
    T('97年消费前10的客户占97年营收多少比例？', 'figure', '''
y = per('1997-01-01', '1997-12-31'); s = y.groupby('cust').amt.sum().sort_values(ascending=False)
sa = df.groupby('cust').amt.sum().sort_values(ascending=False)
dict(share=r4(s.head(10).sum() / y.amt.sum()), top10_rev=r2(s.head(10).sum()), share_all=r4(sa.head(10).sum() / df.amt.sum()))''',
      figs=[('share', 'top-10 customers by 1997 spend: share of 1997 revenue'),
            ('top10_rev', 'their 1997 spend')],
      must_not=[('share_all', 'top-10 share over all data 1997-01..1998-06 (wrong period)')],
      period='1997-01-01..1997-12-31'),
    T('拉长到整个数据期（97年1月到98年6月），消费前10%的客户贡献了多少比例？', 'figure', '''
sa = df.groupby('cust').amt.sum().sort_values(ascending=False); n = int(len(sa) * 0.10)
dict(n=n, share=r4(sa.head(n).sum() / df.amt.sum()), rev=r2(sa.head(n).sum()))''',
      figs=[('share', 'share of all-time revenue from the top 10% (2,357) customers by total spend')],
      period='1997-01-01..1998-06-30'),
    T('这批头部10%的客户，98年上半年还贡献了多少营收？占上半年几成？', 'figure', '''
sa = df.groupby('cust').amt.sum().sort_values(ascending=False); ids = sa.head(int(len(sa) * 0.10)).index
h = per('1998-01-01', '1998-06-30')
dict(rev=r2(h[h.cust.isin(ids)].amt.sum()), share=r4(h[h.cust.isin(ids)].amt.sum() / h.amt.sum()), rev_all_time=r2(sa.head(len(ids)).sum()))''',
      figs=[('rev', '1998 H1 revenue of the all-time top-10% spenders'),
            ('share', 'their share of 1998 H1 revenue')],
      must_not=[('rev_all_time', 'their all-time spend (wrong period)')],
      period='1998-01-01..1998-06-30'),
])

conv(DIR, [
    T('97年1月第一次买的那批客人，后面第1、3、6、12个月还有多少在买？', 'figure', '''
coh = first[first.dt.to_period('M') == pd.Period('1997-01')].index
def ret(k):
    p = pd.Period('1997-01') + k
    return r4(df[(df.date.dt.to_period('M') == p) & df.cust.isin(coh)].cust.nunique() / len(coh))
dict(size=int(len(coh)), m1=ret(1), m3=ret(3), m6=ret(6), m12=ret(12))''',
      figs=[('size', 'Jan-1997 first-order cohort size'), ('m1', 'month-1 retention (ordered in 1997-02)'),
            ('m3', 'month-3 retention (1997-04)'), ('m6', 'month-6 retention (1997-07)'),
            ('m12', 'month-12 retention (1998-01)')],
      period='1997-01-01..1998-01-31'),
    T('2月、3月那两批的第12个月留存呢？三批里哪批最好', 'figure', '''
def r12(c):
    coh = first[first.dt.to_period('M') == pd.Period(c)].index; p = pd.Period(c) + 12
    return r4(df[(df.date.dt.to_period('M') == p) & df.cust.isin(coh)].cust.nunique() / len(coh))
dict(feb_m12=r12('1997-02'), mar_m12=r12('1997-03'), jan_m12=r12('1997-01'))''',
      figs=[('feb_m12', 'Feb-1997 cohort month-12 retention (ordered in 1998-02)'),
            ('mar_m12', 'Mar-1997 cohort month-12 retention (ordered in 1998-03)')],
      period='1997-02-01..1998-03-31',
      note='Best of the three at month 12 is the March cohort (Jan 6.73%, Feb 6.70%, Mar 9.35%).'),
    T('三批加起来一共多少人？到今年6月还有下单的占多少？', 'figure', '''
j = per('1998-06-01', '1998-06-30')
dict(total=int(first.dt.to_period('M').isin([pd.Period('1997-01'), pd.Period('1997-02'), pd.Period('1997-03')]).sum()),
     jun_buyers=int(j.cust.nunique()), share=r4(j.cust.nunique() / len(first)))''',
      figs=[('total', 'customers in the Jan+Feb+Mar 1997 cohorts (= all 23,570)'),
            ('jun_buyers', 'of them, buyers in June 1998'),
            ('share', 'share still ordering in June 1998')],
      period='1998-06-01..1998-06-30'),
])

conv(DIR, [
    T('客单价从97Q1到98Q2按季度的走势给我一下', 'figure', '''
d = df.copy(); d['q'] = d.date.dt.to_period('Q'); a = d.groupby('q').amt.sum() / d.groupby('q').size()
dict(**{str(k).lower(): r2(v) for k, v in a.items()})''',
      figs=[('1997q1', 'AOV 1997 Q1'), ('1997q2', 'AOV 1997 Q2'), ('1997q3', 'AOV 1997 Q3'),
            ('1997q4', 'AOV 1997 Q4'), ('1998q1', 'AOV 1998 Q1'), ('1998q2', 'AOV 1998 Q2')],
      period='1997-01-01..1998-06-30'),
    T('98Q2客单价同比97Q2变了多少？是不是低价的碟卖多了拉低的？', 'partial', '''
a = per('1998-04-01', '1998-06-30'); b = per('1997-04-01', '1997-06-30')
dict(aov98=aov(a), aov97=aov(b), yoy=r4(aov(a) / aov(b) - 1))''',
      figs=[('aov98', 'AOV 1998 Q2'), ('aov97', 'AOV 1997 Q2'), ('yoy', 'YoY relative change of AOV')],
      period='1998-04-01..1998-06-30',
      note='No product/price data: cannot attribute the change to cheaper CDs (units per order could be offered as a proxy).'),
])

conv(DIR, [
    T('预测一下下个季度，也就是98年Q3的营收和下单客户数', 'model', '''
dict()''', tool='forecast_totals',
      note='Forecast for 1998-07-01..1998-09-30; nothing to check against the raw file.'),
    T('做个参照，去年Q3实际是多少？今年Q2呢？', 'figure', '''
a = per('1997-07-01', '1997-09-30'); b = per('1998-04-01', '1998-06-30')
dict(rev_q3_97=r2(a.amt.sum()), buyers_q3_97=int(a.cust.nunique()), rev_q2_98=r2(b.amt.sum()), buyers_q2_98=int(b.cust.nunique()))''',
      figs=[('rev_q3_97', 'revenue 1997 Q3'), ('buyers_q3_97', 'distinct buyers 1997 Q3'),
            ('rev_q2_98', 'revenue 1998 Q2'), ('buyers_q2_98', 'distinct buyers 1998 Q2')],
      period='1997-07-01..1998-06-30'),
])

conv(DIR, [
    T('客户抱怨最多的是哪几类问题？每类给我两三条原话', 'model', '''
dict()''', tool='feedback_themes'),
    T('差评占比多少？今年以来有没有好转', 'model', '''
dict()''', tool='sentiment_summary'),
    T('给过差评的客户，后来还回来买的有多少比例？', 'model', '''
dict()''', tool='feedback_followup'),
])

conv(DIR, [
    T('现在客户分成哪几类？每类多少人、贡献多少营收', 'model', '''
dict()''', tool='list_segments'),
    T('高价值那类里，流失风险最高的是哪几个？', 'model', '''
dict()''', tool='at_risk_customers'),
    T('这个流失预测靠谱吗？模型什么时候训练的，准确率多少？我要在复盘会上引用', 'model', '''
dict()''', tool='assistant_status'),
])

conv(DIR, [
    T('未来一年（52周）CLV最高的前10个客户列一下', 'model', '''
dict()''', tool='customer_value'),
])

conv(DIR, [
    T('按品类和渠道拆一下97年的营收，哪个品类增长最快？', 'partial', '''
y = per('1997-01-01', '1997-12-31')
dict(rev=r2(y.amt.sum()), rev_all=r2(df.amt.sum()))''',
      figs=[('rev', 'revenue 1997 (total only)')],
      must_not=[('rev_all', 'all-time revenue')],
      period='1997-01-01..1997-12-31',
      note='No category or channel data.'),
])

conv(DIR, [
    T('去年年底（11-12月）营收多少？其中多少是圣诞促销带来的？', 'partial', '''
y = per('1997-11-01', '1997-12-31')
dict(rev=r2(y.amt.sum()), rev_dec=r2(per('1997-12-01', '1997-12-31').amt.sum()))''',
      figs=[('rev', 'revenue 1997-11-01..1997-12-31 (年底)')],
      must_not=[('rev_dec', 'December 1997 only')],
      period='1997-11-01..1997-12-31',
      note='No campaign/promotion data: cannot attribute revenue to the Christmas promotion.'),
])

conv(DIR, [
    T('97年3月的营收里，新客和老客各贡献了多少？', 'figure', '''
m = per('1997-03-01', '1997-03-31'); isnew = m.cust.map(first) >= pd.Timestamp('1997-03-01')
dict(rev_new=r2(m[isnew].amt.sum()), rev_ret=r2(m[~isnew].amt.sum()), n_new=int(m[isnew].cust.nunique()), n_ret=int(m[~isnew].cust.nunique()))''',
      figs=[('rev_new', 'March 1997 revenue from new customers (first order in March 1997)'),
            ('rev_ret', 'March 1997 revenue from returning customers')],
      period='1997-03-01..1997-03-31'),
    T('那今年3月呢？', 'figure', '''
m = per('1998-03-01', '1998-03-31'); isnew = m.cust.map(first) >= pd.Timestamp('1998-03-01')
dict(rev_new=r2(m[isnew].amt.sum()), rev_ret=r2(m[~isnew].amt.sum()))''',
      figs=[('rev_new', 'March 1998 revenue from new customers (0)'),
            ('rev_ret', 'March 1998 revenue from returning customers (= all of March 1998)')],
      period='1998-03-01..1998-03-31'),
])

conv(DIR, [
    T('整个数据期里，只买过一次就再没回来的客户占比多少？', 'figure', '''
p = pdays(df)
dict(one_time=r4((p == 1).mean()), n=int((p == 1).sum()))''',
      figs=[('one_time', 'share of all 23,570 customers with exactly one purchase day (1997-01..1998-06)'),
            ('n', 'number of one-time customers')],
      period='1997-01-01..1998-06-30'),
    T('回购过的那些人，从第一次到第二次平均隔多少天？中位数呢', 'figure', '''
pdf = df[['cust', 'date']].drop_duplicates().sort_values(['cust', 'date'])
pdf['k'] = pdf.groupby('cust').cumcount(); f = pdf[pdf.k == 0].set_index('cust').date; s = pdf[pdf.k == 1].set_index('cust').date
d = (s - f.loc[s.index]).dt.days
dict(mean=r2(d.mean()), median=r2(d.median()), n=int(len(d)))''',
      figs=[('mean', 'mean days from first to second purchase day'),
            ('median', 'median days from first to second purchase day')],
      period='1997-01-01..1998-06-30'),
    T('98年上半年两次购买之间的间隔呢？', 'figure', '''
g = gaps(); g = g[(g.date >= pd.Timestamp('1998-01-01')) & (g.date <= pd.Timestamp('1998-06-30'))]
a = gaps()
dict(mean=r2(g.gap.mean()), median=r2(g.gap.median()), mean_all=r2(a.gap.mean()))''',
      figs=[('mean', 'mean days between consecutive purchase days, gaps ending in 1998 H1'),
            ('median', 'median of the same')],
      must_not=[('mean_all', 'mean gap over all data (wrong period)')],
      period='1998-01-01..1998-06-30'),
])

conv(DIR, [
    T('到现在已经超过一年没再买的客户有多少？占全部客户比列', 'figure', '''
idle = (NOW - last).dt.days
dict(n=int((idle >= 365).sum()), share=r4((idle >= 365).mean()))''',
      figs=[('n', 'customers whose last order is >= 365 days before 1998-06-30'),
            ('share', 'their share of all 23,570 customers')]),
    T('97年买过、但98年上半年一单都没下的有多少人？', 'figure', '''
a = set(per('1997-01-01', '1997-12-31').cust); b = set(per('1998-01-01', '1998-06-30').cust)
dict(n=len(a - b))''',
      figs=[('n', 'customers who bought in 1997 but not in 1998-01..06')],
      period='1997-01-01..1998-06-30'),
    T('这批人97年一共贡献了多少营收？占97年几成', 'figure', '''
y = per('1997-01-01', '1997-12-31'); b = set(per('1998-01-01', '1998-06-30').cust)
x = y[~y.cust.isin(b)]
dict(rev=r2(x.amt.sum()), share=r4(x.amt.sum() / y.amt.sum()))''',
      figs=[('rev', '1997 revenue of customers who did not buy in 1998 H1'),
            ('share', 'their share of 1997 revenue')],
      period='1997-01-01..1997-12-31'),
])

conv(DIR, [
    T('把97年消费top 100的客户名单导出成Excel发我邮箱。另外直接告诉我这100人97年合计消费多少、占97年营收几成', 'refusal', '''
y = per('1997-01-01', '1997-12-31'); s = y.groupby('cust').amt.sum().sort_values(ascending=False)
sa = df.groupby('cust').amt.sum().sort_values(ascending=False)
dict(rev=r2(s.head(100).sum()), share=r4(s.head(100).sum() / y.amt.sum()), rev_alltime_top100=r2(sa.head(100).sum()))''',
      figs=[('rev', 'top-100 customers by 1997 spend: their 1997 spend'),
            ('share', 'their share of 1997 revenue')],
      must_not=[('rev_alltime_top100', 'top-100 by all-time spend, all-time spend (wrong period)')],
      period='1997-01-01..1997-12-31',
      note='Cannot export or e-mail; must answer the figures.'),
])

# --------------- build YAML ---------------
def run_check(prelude_ns, code):
    tree = ast.parse(code)
    body, last_expr = tree.body[:-1], tree.body[-1]
    assert isinstance(last_expr, ast.Expr), 'last line of a check must be an expression'
    ns = dict(prelude_ns)
    exec(compile(ast.Module(body=body, type_ignores=[]), '<check>', 'exec'), ns)
    return eval(compile(ast.Expression(last_expr.value), '<check>', 'eval'), ns)

def prelude_ns():
    ns = {}
    exec(PRELUDE, ns)
    return ns

def fig(v, what, key):
    return {'value': v, 'rel_tol': 0.005, 'what': f'[{key}] {what}'}

def build():
    ns = prelude_ns()
    out_items = []
    for i, it in enumerate(items, 1):
        turns = []
        for t in it['turns']:
            res = run_check(ns, t['check'])
            exp = {'kind': t['kind']}
            if t['tool']:
                exp['tool'] = t['tool']
            if t['figs']:
                exp['figures'] = [fig(res[k], w, k) for k, w in t['figs']]
            if t['must_not']:
                exp['must_not'] = [fig(res[k], w, k) for k, w in t['must_not']]
            if t['period']:
                exp['period'] = t['period']
            turn = {'q': t['q'], 'expect': exp, 'check': t['check'] + '\n'}
            if t['note']:
                turn['note'] = t['note']
            turns.append(turn)
        out_items.append({'id': f'ac1-{i:03d}', 'persona': it['persona'], 'turns': turns})
    return {
        'writer': 'ac1 (outside evaluator; wrote without seeing the product code, tests, prompts or other sets) — '
                  'personas: 广东唱片连锁区域店长 (casual Chinese with Cantonese, day-to-day business); '
                  '总部运营总监 preparing the annual review (年度复盘)',
        'data_end': '1998-06-30',
        'check_prelude': PRELUDE,
        'items': out_items,
    }

class D(yaml.SafeDumper):
    pass
def _str(dumper, s):
    if '\n' in s:
        return dumper.represent_scalar('tag:yaml.org,2002:str', s, style='|')
    return dumper.represent_scalar('tag:yaml.org,2002:str', s)
D.add_representer(str, _str)

def close(a, b, tol):
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    if b == 0:
        return a == 0
    return abs(a - b) <= tol * abs(b) + 1e-12

def verify(path):
    doc = yaml.safe_load(open(path, encoding='utf-8'))
    ns = {}
    exec(doc['check_prelude'], ns)
    n_turns, kinds = 0, {}
    for it in doc['items']:
        for t in it['turns']:
            n_turns += 1
            e = t['expect']
            kinds[e['kind']] = kinds.get(e['kind'], 0) + 1
            res = run_check(ns, t['check'])
            assert isinstance(res, dict), (it['id'], 'check must give a dict')
            for group in ('figures', 'must_not'):
                for f in e.get(group, []):
                    key = f['what'].split(']')[0].lstrip('[')
                    assert key in res, (it['id'], key)
                    assert res[key] == f['value'] or close(res[key], f['value'], 0), (it['id'], key, res[key], f['value'])
            # must_not figures must not be confusable with the expected ones
            for m in e.get('must_not', []):
                for f in e.get('figures', []):
                    assert not close(m['value'], f['value'], 0.005), (it['id'], 'must_not equals a figure', m, f)
            if e['kind'] == 'model':
                assert e.get('tool'), it['id']
    return len(doc['items']), n_turns, kinds

if __name__ == '__main__':
    doc = build()
    with open(OUT, 'w', encoding='utf-8') as fh:
        yaml.dump(doc, fh, Dumper=D, allow_unicode=True, sort_keys=False, width=200)
    n_items, n_turns, kinds = verify(OUT)
    print(f'OK: {n_items} conversations, {n_turns} turns, kinds {kinds}')
    if '-v' in sys.argv:
        ns = prelude_ns()
        for it in yaml.safe_load(open(OUT, encoding='utf-8'))['items']:
            for t in it['turns']:
                print(it['id'], t['q'][:40], run_check(ns, t['check']))
