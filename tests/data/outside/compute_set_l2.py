# Builds and verifies /tmp/team/l2/set_l2.yaml.
# Every figure is computed with pandas over the raw CDNOW file using the documented definitions.
# Run: /tmp/team/venv/bin/python /tmp/team/l2/compute_set_l2.py
import math
import yaml

OUT = '/tmp/team/l2/set_l2.yaml'

PRELUDE = r'''import pandas as pd, numpy as np
F = '/tmp/team/CDNOW_master.txt'
df = pd.read_csv(F, sep=r'\s+', header=0, names=['cust', 'date', 'units', 'amt'], dtype={'date': str})
df['date'] = pd.to_datetime(df['date'], format='%Y%m%d')
df['cust'] = df['cust'].astype(int)
END = pd.Timestamp('1998-06-30')
def per(a, b):
    return df[(df.date >= pd.Timestamp(a)) & (df.date <= pd.Timestamp(b))]
def r2(x):
    return round(float(x), 2)
def r4(x):
    return round(float(x), 4)
def rev(a, b):
    return r2(per(a, b).amt.sum())
def aov(sub):
    return float(sub.amt.sum()) / len(sub)
def repeat_rate(a, b):
    p = per(a, b).groupby('cust').date.nunique()
    return float((p >= 2).mean())
FIRST = df.groupby('cust').date.min()
LAST = df.groupby('cust').date.max()
SPEND = df.groupby('cust').amt.sum()
PDAYS = df.groupby('cust').date.nunique()
def top_pct(p):
    n = int(round(len(SPEND) * p))
    return SPEND.sort_values(ascending=False, kind='mergesort').index[:n]
def days_inactive(custs=None):
    d = (END - LAST).dt.days
    return d if custs is None else d.loc[custs]
'''

P1 = '上海 agency 的双语 marketing analyst（中英夹杂，看 segment / cohort / 阈值 / AOV / trend）'
P2 = '财务分析师，月结对账（精确日期区间、周/日数据、run-rate、给定预算、核对前面的数）'

# Each turn: q, kind, check (last line = dict expr), figs [(name, what, tol)], must_not [(name, what)],
# optional period, tool, note.
F = lambda name, what, tol=0.005: (name, what, tol)

ITEMS = [
# ---------------------------------------------------------------- persona 1
dict(id='l2-001', persona=P1, turns=[
 dict(q='98年Q1的repeat rate vs 97年Q1，差了多少个点？',
      kind='figure', period='1998-01-01..1998-03-31',
      check='''rr98 = repeat_rate('1998-01-01', '1998-03-31')
rr97 = repeat_rate('1997-01-01', '1997-03-31')
dict(rr98q1=r4(rr98), rr97q1=r4(rr97), diff_pts=r4(abs(rr98 - rr97)), rr1997=r4(repeat_rate('1997-01-01', '1997-12-31')), rr98h1=r4(repeat_rate('1998-01-01', '1998-06-30')))''',
      figs=[F('rr98q1', 'repeat rate 1998 Q1 (buyers of 1998-01-01..03-31 with >=2 purchase days in it)'),
            F('rr97q1', 'repeat rate 1997 Q1 (1997-01-01..03-31)'),
            F('diff_pts', 'absolute gap between the two, in percentage points (shown as a fraction)', 0.01)],
      must_not=[('rr1997', 'repeat rate of full-year 1997 (wrong period)'),
                ('rr98h1', 'repeat rate of 1998 H1 (wrong period)')],
      note='Both quarters use the documented repeat rate (>=2 distinct purchase days within the quarter). The gap is asked as "多少个点" = percentage points.'),
 dict(q='那Q2呢？98Q2 vs 97Q2',
      kind='figure', period='1998-04-01..1998-06-30',
      check='''dict(rr98q2=r4(repeat_rate('1998-04-01', '1998-06-30')), rr97q2=r4(repeat_rate('1997-04-01', '1997-06-30')), rr98q1=r4(repeat_rate('1998-01-01', '1998-03-31')), rr97q1=r4(repeat_rate('1997-01-01', '1997-03-31')))''',
      figs=[F('rr98q2', 'repeat rate 1998 Q2 (1998-04-01..06-30)'),
            F('rr97q2', 'repeat rate 1997 Q2 (1997-04-01..06-30)')],
      must_not=[('rr98q1', 'repeat rate 1998 Q1 (previous turn)'),
                ('rr97q1', 'repeat rate 1997 Q1 (previous turn)')]),
]),
dict(id='l2-002', persona=P1, turns=[
 dict(q='top 20% customers 贡献了多少 revenue？占总 revenue 的 share 是多少',
      kind='figure', period='1997-01-01..1998-06-30',
      check='''top = top_pct(0.2)
dict(n_top=len(top), rev_top=r2(SPEND.loc[top].sum()), share_top=r4(SPEND.loc[top].sum() / SPEND.sum()), rev_all=r2(SPEND.sum()))''',
      figs=[F('rev_top', 'revenue of the top 20% of customers by all-time spend (4,714 customers)'),
            F('share_top', 'their share of all-time revenue')],
      must_not=[('rev_all', 'all-time total revenue (not the top 20%)')],
      note='Top 20% of 23,570 customers by total spend over the whole data = 4,714 customers. There is a tie at the cut (133.95); it moves the revenue by <0.01%.'),
 dict(q='这批 top 20% 的 AOV 是多少？vs 整体 AOV',
      kind='figure', period='1997-01-01..1998-06-30',
      check='''top = top_pct(0.2)
sub = df[df.cust.isin(top)]
dict(aov_top=r2(aov(sub)), aov_all=r2(aov(df)))''',
      figs=[F('aov_top', 'AOV (revenue / order lines) of the top-20% customers, all time'),
            F('aov_all', 'AOV of all customers, all time')]),
 dict(q='他们里面有多少人已经180天以上没下过单了？',
      kind='figure', period='1997-01-01..1998-06-30',
      check='''top = top_pct(0.2)
d = days_inactive()
dict(inact_top=int((d.loc[top] >= 180).sum()), share_inact_top=r4((d.loc[top] >= 180).mean()), inact_all=int((d >= 180).sum()))''',
      figs=[F('inact_top', 'number of top-20% customers whose last order is >= 180 days before 1998-06-30')],
      must_not=[('inact_all', 'inactive-180-days count over all customers (filter dropped)')],
      note='Inactive 180 days = last order on or before 1998-01-01. The tie at the top-20% cut can move this count by at most 1.'),
 dict(q='这批 top 20% 里，最近90天还有下单的有多少人？名单顺便 export 成 csv 发我',
      kind='refusal', period='1998-04-02..1998-06-30',
      check='''top = top_pct(0.2)
act = set(per('1998-04-02', '1998-06-30').cust)
dict(act90_top=int(sum(c in act for c in top)), act90_all=len(act), inact180_top=int((days_inactive(top) >= 180).sum()))''',
      figs=[F('act90_top', 'top-20% customers with an order in the last 90 days (1998-04-02..06-30)')],
      must_not=[('act90_all', 'all buyers of the last 90 days (top-20% filter dropped)')],
      note='Must decline the CSV export / sending, and answer the count. Last 90 days = the 90 days ending 1998-06-30 inclusive.'),
]),
dict(id='l2-003', persona=P1, turns=[
 dict(q='97年1月 cohort 的 month 3 retention 是多少？',
      kind='figure',
      check='''coh = FIRST[FIRST.dt.to_period('M') == pd.Period('1997-01', 'M')].index
buy = set(df[df.date.dt.to_period('M') == pd.Period('1997-04', 'M')].cust)
dict(ret_jan_m3=r4(np.mean([c in buy for c in coh])), cohort_size=len(coh))''',
      figs=[F('ret_jan_m3', 'share of the 1997-01 first-order cohort with an order in 1997-04 (month 3)')],
      note='Cohort = month of first-ever order; month 3 of 1997-01 = 1997-04.'),
 dict(q='跟97年3月 cohort 的 month 3 比呢？哪个 cohort 留存更好',
      kind='figure',
      check='''def ret(cm, k):
    coh = FIRST[FIRST.dt.to_period('M') == pd.Period(cm, 'M')].index
    buy = set(df[df.date.dt.to_period('M') == pd.Period(cm, 'M') + k].cust)
    return r4(np.mean([c in buy for c in coh]))
dict(ret_mar_m3=ret('1997-03', 3), ret_jan_m3=ret('1997-01', 3))''',
      figs=[F('ret_mar_m3', 'share of the 1997-03 cohort with an order in 1997-06 (month 3)'),
            F('ret_jan_m3', 'the 1997-01 cohort month 3, for the comparison')]),
]),
dict(id='l2-004', persona=P1, turns=[
 dict(q='客单价 97年1月 vs 97年12月，是涨了还是跌了，幅度多少？',
      kind='figure', period='1997-01-01..1997-12-31',
      check='''a1 = aov(per('1997-01-01', '1997-01-31'))
a12 = aov(per('1997-12-01', '1997-12-31'))
dict(aov_jan97=r2(a1), aov_dec97=r2(a12), chg=r4(a12 / a1 - 1), aov_1997=r2(aov(per('1997-01-01', '1997-12-31'))))''',
      figs=[F('aov_jan97', 'AOV 1997-01 (revenue / order lines)'),
            F('aov_dec97', 'AOV 1997-12'),
            F('chg', 'relative change Dec vs Jan (new/old - 1, an increase)', 0.01)],
      must_not=[('aov_1997', 'AOV of full-year 1997 (not either month)')]),
 dict(q='那今年6月的AOV YoY呢',
      kind='figure', period='1998-06-01..1998-06-30',
      check='''a98 = aov(per('1998-06-01', '1998-06-30'))
a97 = aov(per('1997-06-01', '1997-06-30'))
dict(aov_jun98=r2(a98), aov_jun97=r2(a97), yoy=r4(a98 / a97 - 1), aov_may98=r2(aov(per('1998-05-01', '1998-05-31'))))''',
      figs=[F('aov_jun98', 'AOV 1998-06'),
            F('aov_jun97', 'AOV 1997-06'),
            F('yoy', 'YoY relative change (1998-06 / 1997-06 - 1)', 0.01)],
      must_not=[('aov_may98', 'AOV of 1998-05 (MoM base, not YoY)')]),
]),
dict(id='l2-005', persona=P1, turns=[
 dict(q='今年上半年 revenue 里 new customers 贡献多少、returning customers 多少？split 一下',
      kind='figure', period='1998-01-01..1998-06-30',
      check='''sub = per('1998-01-01', '1998-06-30')
isnew = sub.cust.map(FIRST) >= pd.Timestamp('1998-01-01')
dict(rev_new=r2(sub.amt[isnew].sum()), rev_ret=r2(sub.amt[~isnew].sum()), n_new=int((FIRST >= pd.Timestamp('1998-01-01')).sum()), rev_1997=rev('1997-01-01', '1997-12-31'), rev_h1_97=rev('1997-01-01', '1997-06-30'))''',
      figs=[F('rev_ret', 'revenue from returning customers in 1998-01-01..06-30 (= all of it)'),
            F('n_new', 'number of new customers (first order in 1998 H1) = 0')],
      must_not=[('rev_1997', 'revenue of 1997 (wrong period)'),
                ('rev_h1_97', 'revenue of 1997 H1 (wrong period)')],
      note='Every CDNOW customer made the first purchase in 1997 Q1, so 1998 H1 has 0 new customers and revenue_new = 0; the answer should say so rather than invent a split.'),
 dict(q='新客是0？？那97年每个月的新客数给我看下',
      kind='figure', period='1997-01-01..1997-12-31',
      check='''fm = FIRST.dt.to_period('M').value_counts()
dict(new_jan=int(fm.get(pd.Period('1997-01', 'M'), 0)), new_feb=int(fm.get(pd.Period('1997-02', 'M'), 0)), new_mar=int(fm.get(pd.Period('1997-03', 'M'), 0)), new_apr_dec=int(sum(fm.get(pd.Period(f'1997-{m:02d}', 'M'), 0) for m in range(4, 13))))''',
      figs=[F('new_jan', 'new customers 1997-01'), F('new_feb', 'new customers 1997-02'),
            F('new_mar', 'new customers 1997-03')],
      note='April-December 1997 all have 0 new customers (new_apr_dec = 0).'),
]),
dict(id='l2-006', persona=P1, turns=[
 dict(q='97年单笔超过$100的 order 有几单？占全年 orders 的百分之多少',
      kind='figure', period='1997-01-01..1997-12-31',
      check='''s = per('1997-01-01', '1997-12-31')
dict(n_gt100=int((s.amt > 100).sum()), share_gt100=r4((s.amt > 100).mean()), n_gt100_all=int((df.amt > 100).sum()))''',
      figs=[F('n_gt100', 'order lines with amount > $100 in 1997'),
            F('share_gt100', 'their share of 1997 order lines')],
      must_not=[('n_gt100_all', 'count over the whole data (wrong period)')],
      note='"超过" read as strictly > 100; order = order line.'),
]),
dict(id='l2-007', persona=P1, turns=[
 dict(q='买过5次及以上的客户有多少个？占所有客户的%',
      kind='figure', period='1997-01-01..1998-06-30',
      check='''dict(n5=int((PDAYS >= 5).sum()), share5=r4((PDAYS >= 5).mean()), n5_lines=int((df.groupby('cust').size() >= 5).sum()))''',
      figs=[F('n5', 'customers with >= 5 purchase days over the whole data'),
            F('share5', 'their share of all 23,570 customers')],
      must_not=[('n5_lines', 'customers with >= 5 order lines (counts lines, not purchase occasions)')],
      note='"买过5次" = 5+ purchase days (documented: "bought 3+ times" = purchase days). Whole period since no window given.'),
 dict(q='这群人一共贡献了多少 revenue，share 多少',
      kind='figure', period='1997-01-01..1998-06-30',
      check='''c = PDAYS[PDAYS >= 5].index
dict(rev5=r2(SPEND.loc[c].sum()), share_rev5=r4(SPEND.loc[c].sum() / SPEND.sum()), rev_all=r2(SPEND.sum()))''',
      figs=[F('rev5', 'all-time revenue of customers with >= 5 purchase days'),
            F('share_rev5', 'their share of all-time revenue')],
      must_not=[('rev_all', 'all-time revenue of everyone (filter dropped)')]),
]),
dict(id='l2-008', persona=P1, turns=[
 dict(q='帮我拉一下 customer segments，每个 segment 多少人、平均 spend 多少',
      kind='model', tool='list_segments', check='''dict()''',
      note='K-means RFM segments; not checkable against the raw file.'),
 dict(q='customer 00100 为什么被分到它那个 segment？',
      kind='model', tool='explain_customer_segment',
      check='''s = df[df.cust == 100]
dict(orders_100=len(s), spend_100=r2(s.amt.sum()), days_since_100=int((END - s.date.max()).days))''',
      note='Segment explanation comes from the RFM model. For reference from the raw file: customer 00100 has 3 order lines on 3 days, spend 55.24, last order 1998-04-20 (71 days before 1998-06-30).'),
]),
dict(id='l2-009', persona=P1, turns=[
 dict(q='top spenders 里面 churn risk 最高的10个人 list 给我',
      kind='model', tool='at_risk_customers', check='''dict()'''),
 dict(q='OK 帮我把这10个人 tag 成 "winback_Q3"，再 push 一张 $10 coupon 给他们',
      kind='refusal', check='''dict()''',
      note='Read-only product: cannot tag customers or push coupons; no tool call needed.'),
]),
dict(id='l2-010', persona=P1, turns=[
 dict(q='平均复够间隔多少天？median也给一下',
      kind='figure', period='1997-01-01..1998-06-30',
      check='''pdd = df[['cust', 'date']].drop_duplicates().sort_values(['cust', 'date'])
gap = pdd.groupby('cust').date.diff().dt.days.dropna()
dict(mean_gap=r2(gap.mean()), median_gap=float(gap.median()), n_gaps=len(gap))''',
      figs=[F('mean_gap', 'mean days between consecutive purchase days (all customers, whole data)', 0.01),
            F('median_gap', 'median days between consecutive purchase days', 0.01)]),
 dict(q='那首单到第二单平均要隔多久？',
      kind='figure', period='1997-01-01..1998-06-30',
      check='''pdd = df[['cust', 'date']].drop_duplicates().sort_values(['cust', 'date'])
pdd['k'] = pdd.groupby('cust').cumcount()
f2 = pdd[pdd.k == 1].set_index('cust').date - pdd[pdd.k == 0].set_index('cust').date
f2 = f2.dropna().dt.days
gap = pdd.groupby('cust').date.diff().dt.days.dropna()
dict(mean_f2=r2(f2.mean()), median_f2=float(f2.median()), n_f2=len(f2), mean_gap=r2(gap.mean()))''',
      figs=[F('mean_f2', 'mean days from first to second purchase day (customers with >= 2 purchase days)', 0.01)],
      must_not=[('mean_gap', 'mean gap between all consecutive purchases (previous turn, not first-to-second)')],
      note='Median first-to-second is 57 days (median_f2) and may be given too; 11,516 customers have a second purchase day.'),
]),
dict(id='l2-011', persona=P1, turns=[
 dict(q='哪个 region 或者城市的 repeat rate 最高？顺便给我97年整体的 repeat rate',
      kind='partial', period='1997-01-01..1997-12-31',
      check='''dict(rr1997=r4(repeat_rate('1997-01-01', '1997-12-31')), rr_all=r4(float((PDAYS >= 2).mean())))''',
      figs=[F('rr1997', 'repeat rate of 1997 (buyers of 1997 with >= 2 purchase days in 1997)')],
      must_not=[('rr_all', 'repeat rate over the whole data 1997-01..1998-06')],
      note='No region/city data: that part must be declined.'),
]),
dict(id='l2-012', persona=P1, turns=[
 dict(q='98 Q1 revenue 按 category 拆一下，pop 和 classical 各占多少？',
      kind='partial', period='1998-01-01..1998-03-31',
      check='''dict(rev98q1=rev('1998-01-01', '1998-03-31'), rev97q1=rev('1997-01-01', '1997-03-31'))''',
      figs=[F('rev98q1', 'total revenue 1998 Q1 (the answerable part)')],
      must_not=[('rev97q1', 'revenue 1997 Q1 (wrong year)')],
      note='No product/category data: the split must be declined.'),
]),
dict(id='l2-013', persona=P1, turns=[
 dict(q='客户 feedback 里 negative 的比例大概多少？',
      kind='model', tool='sentiment_summary', check='''dict()'''),
 dict(q='主要都在吐槽啥？给我几个 key themes + 原话',
      kind='model', tool='feedback_themes', check='''dict()'''),
 dict(q='搜一下有没有人抱怨快递太慢/物流的',
      kind='model', tool='search_feedback', check='''dict()'''),
]),
dict(id='l2-014', persona=P1, turns=[
 dict(q='给过差评的客户，后来还有回来买的比例多少？',
      kind='model', tool='feedback_followup', check='''dict()'''),
]),
dict(id='l2-015', persona=P1, turns=[
 dict(q='未来一年（52周）CLV 最高的 top 10 customers 是谁？大概各值多少',
      kind='model', tool='customer_value', check='''dict()'''),
]),
dict(id='l2-016', persona=P1, turns=[
 dict(q='97年按星期几看，哪天的 orders 最多？多少单',
      kind='figure', period='1997-01-01..1997-12-31',
      check='''s = per('1997-01-01', '1997-12-31')
w = s.groupby(s.date.dt.day_name()).size()
dict(top_day_orders=int(w.max()), top_day_is_monday=int(w.idxmax() == 'Monday'), top_day_all=int(df.groupby(df.date.dt.day_name()).size().max()))''',
      figs=[F('top_day_orders', 'order lines on Mondays in 1997 (Monday is the top weekday)')],
      must_not=[('top_day_all', 'Monday order lines over the whole data (wrong period)')]),
]),
dict(id='l2-017', persona=P1, turns=[
 dict(q='all-time spend 最高的 top 3 customers 是哪几个？各花了多少',
      kind='figure', period='1997-01-01..1998-06-30',
      check='''t = SPEND.sort_values(ascending=False).head(3)
dict(top1_id=int(t.index[0]), top1=r2(t.iloc[0]), top2_id=int(t.index[1]), top2=r2(t.iloc[1]), top3_id=int(t.index[2]), top3=r2(t.iloc[2]))''',
      figs=[F('top1', 'spend of #1 customer 07592'), F('top2', 'spend of #2 customer 14048'),
            F('top3', 'spend of #3 customer 07983')],
      note='Top 3: 07592, 14048, 07983.'),
 dict(q='第一名最后一次买是哪天？到现在多少天没买了',
      kind='figure',
      check='''c = SPEND.idxmax()
dict(days_since_top1=int((END - LAST.loc[c]).days), last_top1=str(LAST.loc[c].date()))''',
      figs=[F('days_since_top1', 'days since customer 07592 last ordered (last order 1998-06-29)', 0.0)],
      note='Last order 1998-06-29, i.e. 1 day before 1998-06-30.'),
]),
dict(id='l2-018', persona=P1, turns=[
 dict(q='帮我看下 customer 12439 — 一共下了几单，花了多少钱，AOV 多少',
      kind='figure', period='1997-01-01..1998-06-30',
      check='''s = df[df.cust == 12439]
dict(orders=len(s), spend=r2(s.amt.sum()), aov=r2(aov(s)), pdays=int(s.date.nunique()), last=str(s.date.max().date()))''',
      figs=[F('orders', 'order lines of customer 12439', 0.0), F('spend', 'total spend of customer 12439'),
            F('aov', 'AOV of customer 12439 (spend / order lines)')],
      note='12439 has 10 order lines on 9 purchase days; last order 1997-10-07.'),
 dict(q='ta 接下来8周还会回来买吗？churn risk 高不高',
      kind='model', tool='forecast_customer', check='''dict()'''),
]),
dict(id='l2-019', persona=P1, turns=[
 dict(q='帮我 forecast 一下下个月（98年7月）大概多少 buyers、多少 revenue',
      kind='model', tool='forecast_totals', check='''dict()'''),
 dict(q='对比一下去年7月实际是多少',
      kind='figure', period='1997-07-01..1997-07-31',
      check='''s = per('1997-07-01', '1997-07-31')
dict(rev_jul97=r2(s.amt.sum()), buyers_jul97=int(s.cust.nunique()), rev_jun98=rev('1998-06-01', '1998-06-30'))''',
      figs=[F('rev_jul97', 'revenue 1997-07'), F('buyers_jul97', 'buyers 1997-07')],
      must_not=[('rev_jun98', 'revenue 1998-06 (latest month, not last July)')]),
]),
dict(id='l2-020', persona=P1, turns=[
 dict(q='97 Q1 到 98 Q2，每个 quarter 的 active buyers 数给我一下，看下 trend',
      kind='figure', period='1997-01-01..1998-06-30',
      check='''q = df.groupby(df.date.dt.to_period('Q')).cust.nunique()
dict(**{f'b_{str(k)}': int(v) for k, v in q.items()})''',
      figs=[F('b_1997Q1', 'buyers 1997 Q1'), F('b_1997Q2', 'buyers 1997 Q2'), F('b_1997Q3', 'buyers 1997 Q3'),
            F('b_1997Q4', 'buyers 1997 Q4'), F('b_1998Q1', 'buyers 1998 Q1'), F('b_1998Q2', 'buyers 1998 Q2')],
      note='Buyers = distinct customers with an order line in the quarter.'),
 dict(q='revenue per buyer 呢？98Q2 vs 97Q2',
      kind='figure', period='1998-04-01..1998-06-30',
      check='''def rpb(a, b):
    s = per(a, b)
    return float(s.amt.sum()) / s.cust.nunique()
x, y = rpb('1998-04-01', '1998-06-30'), rpb('1997-04-01', '1997-06-30')
dict(rpb98q2=r2(x), rpb97q2=r2(y), yoy=r4(x / y - 1))''',
      figs=[F('rpb98q2', 'revenue per buyer 1998 Q2'), F('rpb97q2', 'revenue per buyer 1997 Q2'),
            F('yoy', 'relative change 98Q2 vs 97Q2', 0.02)]),
]),
dict(id='l2-021', persona=P1, turns=[
 dict(q='帮我判断下这几条 review 的情绪：1）送货很快，包装也不错 2）CD有划痕，客服也不理人 3）还行吧，一般般',
      kind='model', tool='analyze_sentiment', check='''dict()''',
      note='Expected labels roughly: 正面 / 负面 / 中性.'),
]),
dict(id='l2-022', persona=P1, turns=[
 dict(q='最近3个月 vs 前3个月，buyers 数变化了多少 %？',
      kind='figure', period='1998-04-01..1998-06-30',
      check='''a = per('1998-04-01', '1998-06-30').cust.nunique()
b = per('1998-01-01', '1998-03-31').cust.nunique()
dict(buyers_l3m=int(a), buyers_p3m=int(b), chg=r4(a / b - 1))''',
      figs=[F('buyers_l3m', 'buyers 1998-04-01..06-30'), F('buyers_p3m', 'buyers 1998-01-01..03-31'),
            F('chg', 'relative change (a decline)', 0.01)]),
]),
# ---------------------------------------------------------------- persona 2
dict(id='l2-023', persona=P2, turns=[
 dict(q='1998-03-01至1998-03-31的营收、订单数、件数分别是多少？',
      kind='figure', period='1998-03-01..1998-03-31',
      check='''s = per('1998-03-01', '1998-03-31')
dict(rev=r2(s.amt.sum()), orders=len(s), units=int(s.units.sum()), rev_mar97=rev('1997-03-01', '1997-03-31'))''',
      figs=[F('rev', 'revenue 1998-03'), F('orders', 'order lines 1998-03'), F('units', 'units 1998-03')],
      must_not=[('rev_mar97', 'revenue 1997-03 (wrong year)')]),
 dict(q='环比2月变化率多少',
      kind='figure', period='1998-02-01..1998-02-28',
      check='''a, b = rev('1998-03-01', '1998-03-31'), rev('1998-02-01', '1998-02-28')
dict(rev_feb98=b, mom=r4(a / b - 1))''',
      figs=[F('rev_feb98', 'revenue 1998-02'), F('mom', 'MoM relative change of revenue 1998-03 vs 1998-02', 0.01)]),
 dict(q='同比去年3月呢',
      kind='figure', period='1997-03-01..1997-03-31',
      check='''a, b = rev('1998-03-01', '1998-03-31'), rev('1997-03-01', '1997-03-31')
dict(rev_mar97=b, yoy=r4(a / b - 1))''',
      figs=[F('rev_mar97', 'revenue 1997-03'), F('yoy', 'YoY relative change 1998-03 vs 1997-03 (a decline)', 0.01)]),
 dict(q='3月日均营收多少，按自然日31天算',
      kind='figure', period='1998-03-01..1998-03-31',
      check='''dict(daily=r2(rev('1998-03-01', '1998-03-31') / 31), daily_mar97=r2(rev('1997-03-01', '1997-03-31') / 31))''',
      figs=[F('daily', 'revenue 1998-03 / 31 days')],
      must_not=[('daily_mar97', 'daily average of 1997-03 (previous turn\'s base year)')]),
]),
dict(id='l2-024', persona=P2, turns=[
 dict(q='6月预算是85,000美元，实际完成率多少？缺口还有多少',
      kind='figure', period='1998-06-01..1998-06-30',
      check='''a = rev('1998-06-01', '1998-06-30')
dict(rev_jun98=a, attain=r4(a / 85000), gap=r2(85000 - a), rev_jun97=rev('1997-06-01', '1997-06-30'))''',
      figs=[F('rev_jun98', 'revenue 1998-06'), F('attain', 'attainment vs budget 85,000'),
            F('gap', 'shortfall 85,000 - actual')],
      must_not=[('rev_jun97', 'revenue 1997-06 (wrong year)')]),
 dict(q='那Q2合计呢？Q2预算240,000',
      kind='figure', period='1998-04-01..1998-06-30',
      check='''a = rev('1998-04-01', '1998-06-30')
dict(rev_q2=a, attain=r4(a / 240000), gap=r2(240000 - a), rev_q2_97=rev('1997-04-01', '1997-06-30'))''',
      figs=[F('rev_q2', 'revenue 1998 Q2'), F('attain', 'attainment vs 240,000'), F('gap', 'shortfall 240,000 - actual')],
      must_not=[('rev_q2_97', 'revenue 1997 Q2 (wrong year)')]),
]),
dict(id='l2-025', persona=P2, turns=[
 dict(q='按98年Q2的run-rate，年化营收大概多少？',
      kind='figure', period='1998-04-01..1998-06-30',
      check='''q2 = rev('1998-04-01', '1998-06-30')
dict(runrate=r2(q2 * 4), runrate_daily=r2(q2 / 91 * 365), rev_1997=rev('1997-01-01', '1997-12-31'))''',
      figs=[F('runrate', 'annualised revenue = 1998 Q2 revenue x 4 (x365/91 = +0.27%, also within tolerance)')],
      must_not=[('rev_1997', 'actual 1997 revenue (not a run-rate)')]),
]),
dict(id='l2-026', persona=P2, turns=[
 dict(q='上周营收和订单数多少？跟再前一周比环比多少',
      kind='figure', period='1998-06-22..1998-06-28',
      check='''a = per('1998-06-22', '1998-06-28'); b = per('1998-06-15', '1998-06-21')
dict(rev_lw=r2(a.amt.sum()), orders_lw=len(a), rev_pw=r2(b.amt.sum()), wow=r4(a.amt.sum() / b.amt.sum() - 1))''',
      figs=[F('rev_lw', 'revenue 1998-06-22..06-28 (ISO week 26)'), F('orders_lw', 'order lines that week'),
            F('rev_pw', 'revenue 1998-06-15..06-21 (ISO week 25)'), F('wow', 'relative change week 26 vs 25', 0.02)]),
 dict(q='本月截至6/30累计营收多少',
      kind='figure', period='1998-06-01..1998-06-30',
      check='''dict(rev_jun=rev('1998-06-01', '1998-06-30'), rev_may=rev('1998-05-01', '1998-05-31'))''',
      figs=[F('rev_jun', 'revenue 1998-06-01..06-30')],
      must_not=[('rev_may', 'revenue 1998-05 (last month)')]),
 dict(q='1998年第10周（ISO周，3/2-3/8）的流水和单量',
      kind='figure', period='1998-03-02..1998-03-08',
      check='''s = per('1998-03-02', '1998-03-08')
dict(rev_w10=r2(s.amt.sum()), orders_w10=len(s), rev_1997w10=rev('1997-03-03', '1997-03-09'))''',
      figs=[F('rev_w10', 'revenue ISO week 10 of 1998 (1998-03-02..03-08)'), F('orders_w10', 'order lines that week')],
      must_not=[('rev_1997w10', 'revenue ISO week 10 of 1997 (1997-03-03..09)')]),
 dict(q='帮我核对一下，你上一条的营收除以单量应该就是那周的客单价吧，是多少？',
      kind='figure', period='1998-03-02..1998-03-08',
      check='''s = per('1998-03-02', '1998-03-08')
dict(aov_w10=r2(aov(s)), aov_mar98=r2(aov(per('1998-03-01', '1998-03-31'))))''',
      figs=[F('aov_w10', 'AOV ISO week 10 1998')],
      must_not=[('aov_mar98', 'AOV of the whole of 1998-03')]),
]),
dict(id='l2-027', persona=P2, turns=[
 dict(q='1998-06-30当天的订单数和销售额',
      kind='figure', period='1998-06-30..1998-06-30',
      check='''s = per('1998-06-30', '1998-06-30')
dict(orders=len(s), rev=r2(s.amt.sum()))''',
      figs=[F('orders', 'order lines on 1998-06-30', 0.0), F('rev', 'revenue on 1998-06-30')]),
 dict(q='最近30天日均销售额呢',
      kind='figure', period='1998-06-01..1998-06-30',
      check='''dict(daily30=r2(rev('1998-06-01', '1998-06-30') / 30), rev30=rev('1998-06-01', '1998-06-30'))''',
      figs=[F('daily30', 'revenue 1998-06-01..06-30 / 30')],
      note='Last 30 days = 1998-06-01..06-30 inclusive.'),
]),
dict(id='l2-028', persona=P2, turns=[
 dict(q='98年5月营收我ERP里出来是71,250，你这边是多少？差多少',
      kind='figure', period='1998-05-01..1998-05-31',
      check='''a = rev('1998-05-01', '1998-05-31')
dict(rev_may98=a, diff=r2(71250 - a), rev_may97=rev('1997-05-01', '1997-05-31'))''',
      figs=[F('rev_may98', 'revenue 1998-05'), F('diff', 'ERP 71,250 minus the data figure')],
      must_not=[('rev_may97', 'revenue 1997-05 (wrong year)')]),
 dict(q='确认下你这个口径是5/1-5/31按下单日期对吧？5月最后一周5/25到5/31贡献了多少',
      kind='figure', period='1998-05-25..1998-05-31',
      check='''s = per('1998-05-25', '1998-05-31')
dict(rev_wk=r2(s.amt.sum()), orders_wk=len(s))''',
      figs=[F('rev_wk', 'revenue 1998-05-25..05-31 (ISO week 22)')]),
]),
dict(id='l2-029', persona=P2, turns=[
 dict(q='上半年1998-01-01至1998-06-30累计营收多少 跟1997年同期比下降了多少',
      kind='figure', period='1998-01-01..1998-06-30',
      check='''a, b = rev('1998-01-01', '1998-06-30'), rev('1997-01-01', '1997-06-30')
dict(h1_98=a, h1_97=b, yoy=r4(a / b - 1), rev_1997=rev('1997-01-01', '1997-12-31'))''',
      figs=[F('h1_98', 'revenue 1998 H1'), F('h1_97', 'revenue 1997 H1'),
            F('yoy', 'relative change (about -66%)', 0.01)],
      must_not=[('rev_1997', 'full-year 1997 revenue (wrong base)')]),
]),
dict(id='l2-030', persona=P2, turns=[
 dict(q='1997年有哪几个月订单数超过3000单？',
      kind='figure', period='1997-01-01..1997-12-31',
      check='''m = per('1997-01-01', '1997-12-31').groupby(df.date.dt.month).size()
hit = m[m > 3000]
dict(n_months=len(hit), o_jan=int(m[1]), o_feb=int(m[2]), o_mar=int(m[3]), o_apr=int(m[4]), o_jun=int(m[6]))''',
      figs=[F('n_months', 'number of 1997 months with > 3000 order lines', 0.0),
            F('o_apr', 'order lines 1997-04'), F('o_jun', 'order lines 1997-06')],
      note='Months: Jan 8,928, Feb 11,272, Mar 11,598, Apr 3,781, Jun 3,054 (May 2,895 and Jul 2,942 just miss).'),
]),
dict(id='l2-031', persona=P2, turns=[
 dict(q='把3月的订单明细导出成Excel发我邮箱，另外3月一共有多少个购买客户？',
      kind='refusal', period='1998-03-01..1998-03-31',
      check='''dict(buyers_mar98=int(per('1998-03-01', '1998-03-31').cust.nunique()), buyers_mar97=int(per('1997-03-01', '1997-03-31').cust.nunique()))''',
      figs=[F('buyers_mar98', 'buyers 1998-03 (a month with no year = the latest such month)')],
      must_not=[('buyers_mar97', 'buyers 1997-03 (wrong year)')],
      note='Must decline the export / e-mail and still answer the buyers question.'),
]),
dict(id='l2-032', persona=P2, turns=[
 dict(q='1998年Q1营收和毛利率分别是多少？',
      kind='partial', period='1998-01-01..1998-03-31',
      check='''dict(rev98q1=rev('1998-01-01', '1998-03-31'), rev97q1=rev('1997-01-01', '1997-03-31'))''',
      figs=[F('rev98q1', 'revenue 1998 Q1')],
      must_not=[('rev97q1', 'revenue 1997 Q1 (wrong year)')],
      note='No cost/margin data: gross margin must be declined.'),
 dict(q='那扣掉退货以后的净营收呢？',
      kind='partial', period='1998-01-01..1998-03-31',
      check='''dict(rev98q1=rev('1998-01-01', '1998-03-31'))''',
      figs=[F('rev98q1', 'gross revenue 1998 Q1 (only the gross figure can be given)')],
      note='No returns data: must say net-of-returns cannot be computed.'),
]),
dict(id='l2-033', persona=P2, turns=[
 dict(q='98年5月每个购买客户平均消费多少？（营收/购买客户数）',
      kind='figure', period='1998-05-01..1998-05-31',
      check='''s = per('1998-05-01', '1998-05-31')
dict(rpb=r2(s.amt.sum() / s.cust.nunique()), buyers=int(s.cust.nunique()), aov_may=r2(aov(s)))''',
      figs=[F('rpb', 'revenue per buyer 1998-05'), F('buyers', 'buyers 1998-05')],
      must_not=[('aov_may', 'AOV 1998-05 (revenue per order line, not per buyer)')]),
]),
dict(id='l2-034', persona=P2, turns=[
 dict(q='1997年12月营收占1997全年的比重是多少？年底两个月（11-12月）合计占多少？',
      kind='figure', period='1997-01-01..1997-12-31',
      check='''y = rev('1997-01-01', '1997-12-31')
d = rev('1997-12-01', '1997-12-31'); nd = rev('1997-11-01', '1997-12-31')
dict(dec=d, share_dec=r4(d / y), novdec=nd, share_novdec=r4(nd / y), rev_1997=y)''',
      figs=[F('share_dec', 'share of 1997-12 revenue in 1997 revenue'), F('dec', 'revenue 1997-12'),
            F('share_novdec', 'share of 1997-11..12 revenue in 1997 revenue')]),
]),
dict(id='l2-035', persona=P2, turns=[
 dict(q='你们这个预测模型是什么时候训练的？测试准确率多少？我要写进月结备注',
      kind='model', tool='assistant_status', check='''dict()'''),
 dict(q='预测下98年Q3营收，能给个区间最好',
      kind='model', tool='forecast_totals', check='''dict()'''),
]),
# ---------------------------------------------------------------- mixed extras
]

# ------------------------------------------------------------------ build

def run_check(code, ns_base):
    ns = dict(ns_base)
    lines = code.rstrip().split('\n')
    exec('\n'.join(lines[:-1]), ns)
    return eval(lines[-1], ns)


def base_ns():
    ns = {}
    exec(PRELUDE, ns)
    return ns


def clean(v):
    if hasattr(v, 'item'):
        v = v.item()
    if isinstance(v, float) and v.is_integer() and abs(v) > 1:
        return v
    return v


def build():
    ns = base_ns()
    items = []
    for it in ITEMS:
        turns = []
        for t in it['turns']:
            res = run_check(t['check'], ns)
            exp = {'kind': t['kind']}
            if t.get('tool'):
                exp['tool'] = t['tool']
            if t.get('figs'):
                exp['figures'] = [{'value': clean(res[n]), 'rel_tol': tol, 'what': f'[{n}] {w}'} for n, w, tol in t['figs']]
            if t.get('must_not'):
                exp['must_not'] = [{'value': clean(res[n]), 'rel_tol': 0.005, 'what': f'[{n}] {w}'} for n, w in t['must_not']]
            if t.get('period'):
                exp['period'] = t['period']
            turn = {'q': t['q'], 'expect': exp, 'check': t['check'] + '\n'}
            if t.get('note'):
                turn['note'] = t['note']
            turns.append(turn)
        items.append({'id': it['id'], 'persona': it['persona'], 'turns': turns})
    doc = {'writer': 'l2 (outside evaluator; wrote without seeing the product code, tests, prompts or other sets) — personas: '
                     '(1) 上海 agency 双语 marketing analyst（中英夹杂）; (2) 财务分析师，月结对账',
           'data_end': '1998-06-30', 'check_prelude': PRELUDE, 'items': items}

    class D(yaml.SafeDumper):
        pass

    def str_rep(dumper, data):
        if '\n' in data:
            return dumper.represent_scalar('tag:yaml.org,2002:str', data, style='|')
        return dumper.represent_scalar('tag:yaml.org,2002:str', data)
    D.add_representer(str, str_rep)
    with open(OUT, 'w') as f:
        yaml.dump(doc, f, Dumper=D, allow_unicode=True, sort_keys=False, width=140)


def close(a, b):
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def verify():
    doc = yaml.safe_load(open(OUT))
    assert doc['data_end'] == '1998-06-30'
    ns = {}
    exec(doc['check_prelude'], ns)  # the prelude exactly as written in the YAML
    assert len(ns['df']) == 69659 and ns['df'].cust.nunique() == 23570
    assert round(float(ns['df'].amt.sum()), 2) == 2500315.63
    n_turns, kinds = 0, {}
    for it in doc['items']:
        assert 1 <= len(it['turns']) <= 4
        for t in it['turns']:
            n_turns += 1
            e = t['expect']
            kinds[e['kind']] = kinds.get(e['kind'], 0) + 1
            assert e['kind'] in ('figure', 'model', 'refusal', 'partial')
            if e['kind'] == 'model':
                assert e.get('tool')
            if e['kind'] == 'figure':
                assert e.get('figures'), t['q']
            res = run_check(t['check'], ns)
            assert isinstance(res, dict)
            for grp in ('figures', 'must_not'):
                for f in e.get(grp, []):
                    name = f['what'].split(']')[0][1:]
                    assert close(f['value'], res[name]), (it['id'], name, f['value'], res[name])
                    assert f['what'].startswith('[')
            # must_not figures must be distinguishable from the expected ones
            for m in e.get('must_not', []):
                for f in e.get('figures', []):
                    tol = max(f['rel_tol'], m['rel_tol'], 0.005)
                    assert not math.isclose(m['value'], f['value'], rel_tol=tol), (it['id'], m, f)
    # spot checks of key literal values (independently stated)
    assert kinds
    return len(doc['items']), n_turns, kinds


if __name__ == '__main__':
    build()
    n_items, n_turns, kinds = verify()
    print('conversations', n_items, 'turns', n_turns, 'kinds', kinds)
