# Builds /tmp/team/l1/set_l1.yaml: runs each check after the prelude and writes the values into `expect`.
# (compute_set_l1.py then re-runs every check independently and asserts the written values.)
import yaml, sys

PRELUDE = """import pandas as pd, numpy as np
F = '/tmp/team/CDNOW_master.txt'
df = pd.read_csv(F, sep=r'\\s+', header=0, names=['cust', 'date', 'units', 'amt'], dtype={'date': str})
df['date'] = pd.to_datetime(df['date'], format='%Y%m%d')
df['cust'] = df['cust'].astype(int)
NOW = pd.Timestamp('1998-06-30')
def per(a, b):
    return df[(df.date >= pd.Timestamp(a)) & (df.date <= pd.Timestamp(b))]
def rev(a, b):
    return round(float(per(a, b).amt.sum()), 2)
def orders(a, b):
    return int(len(per(a, b)))
def buyers(a, b):
    return int(per(a, b).cust.nunique())
def pdays(d):
    # purchase days per customer within frame d
    return d.groupby('cust').date.nunique()
def chg(new, old):
    return round(new / old - 1, 4)
FIRST = df.groupby('cust').date.min()
LAST = df.groupby('cust').date.max()
SPEND = df.groupby('cust').amt.sum()
"""

OWNER = '连锁音像店老板娘（不懂技术，日常口语，手机打字/语音输入）'
CS = '客服组长（处理评价和投诉，偶尔要一些快速数字）'

T = lambda **kw: kw  # a turn

ITEMS = [
 dict(id='l1-001', persona=OWNER, turns=[
  T(q='这个月生意咋样啊，比上个月好点没', kind='figure', period='1998-06-01..1998-06-30',
    check="jun = rev('1998-06-01', '1998-06-30'); may = rev('1998-05-01', '1998-05-31')\n"
          "dict(jun98=jun, may98=may, mom=chg(jun, may), jun97=rev('1997-06-01', '1997-06-30'))",
    figs=[('jun98', 'revenue 1998-06 (this month)'), ('may98', 'revenue 1998-05 (last month)'),
          ('mom', 'MoM relative change of revenue, June vs May 1998 (+7.2%)')],
    must_not=[('jun97', 'revenue 1997-06 (same month last year, wrong year)')]),
  T(q='那跟去年这个时候比呢？', kind='figure', period='1998-06-01..1998-06-30',
    check="jun = rev('1998-06-01', '1998-06-30'); jun97 = rev('1997-06-01', '1997-06-30')\n"
          "dict(jun97=jun97, yoy=chg(jun, jun97))",
    figs=[('jun97', 'revenue 1997-06 (same month a year earlier)'),
          ('yoy', 'YoY relative change of revenue, 1998-06 vs 1997-06 (about -29.8%)')],
    note='Follow-up: 这个时候 = this month (June); compares 1998-06 with 1997-06.'),
 ]),
 dict(id='l1-002', persona=OWNER, turns=[
  T(q='去年一整年一共卖了多少钱啊', kind='figure', period='1997-01-01..1997-12-31',
    check="dict(rev97=rev('1997-01-01', '1997-12-31'), all=round(float(df.amt.sum()), 2))",
    figs=[('rev97', 'revenue 1997')], must_not=[('all', 'all-time revenue 1997-01..1998-06 (wrong period)')]),
  T(q='今年到现在呢', kind='figure', period='1998-01-01..1998-06-30',
    check="dict(rev98=rev('1998-01-01', '1998-06-30'), rev97=rev('1997-01-01', '1997-12-31'))",
    figs=[('rev98', 'revenue 1998-01-01..1998-06-30 (year to date)')],
    must_not=[('rev97', 'revenue 1997 (last year)')]),
  T(q='跟去年同一段时间比是好还是差？差多少', kind='figure', period='1998-01-01..1998-06-30',
    check="a = rev('1998-01-01', '1998-06-30'); b = rev('1997-01-01', '1997-06-30')\n"
          "dict(h1_97=b, diff=round(a - b, 2), yoy=chg(a, b), rev97=rev('1997-01-01', '1997-12-31'))",
    figs=[('h1_97', 'revenue 1997-01..1997-06 (same period last year)'),
          ('yoy', 'relative change 1998 H1 vs 1997 H1 (about -66.7%)')],
    must_not=[('rev97', 'full-year 1997 revenue (wrong comparison base)')],
    note='同一段时间 = Jan-Jun 1997. The absolute difference (diff) is also fine to state; not required.'),
 ]),
 dict(id='l1-003', persona=OWNER, turns=[
  T(q='去年哪个月最忙啊？就是单子最多的那个月', kind='figure', period='1997-01-01..1997-12-31',
    check="m = per('1997-01-01', '1997-12-31').groupby(lambda i: df.date[i].month).size()\n"
          "dict(top_month=int(m.idxmax()), top_orders=int(m.max()))",
    figs=[('top_orders', 'orders (order lines) in 1997-03, the busiest month of 1997 (top_month=3)')],
    note='The answer must name March 1997 (三月).'),
  T(q='那个月卖了多少钱，来了多少人', kind='figure', period='1997-03-01..1997-03-31',
    check="dict(rev=rev('1997-03-01', '1997-03-31'), buyers=buyers('1997-03-01', '1997-03-31'))",
    figs=[('rev', 'revenue 1997-03'), ('buyers', 'distinct buyers 1997-03')]),
  T(q='最淡的是哪个月', kind='figure', period='1997-01-01..1997-12-31',
    check="m = per('1997-01-01', '1997-12-31').groupby(lambda i: df.date[i].month).size()\n"
          "m98 = per('1998-01-01', '1998-06-30').groupby(lambda i: df.date[i].month).size()\n"
          "dict(low_month=int(m.idxmin()), low_orders=int(m.min()), low98=int(m98.min()))",
    figs=[('low_orders', 'orders in 1997-09, the quietest month of 1997 by orders (low_month=9)')],
    must_not=[('low98', 'orders of 1998-04, the quietest month overall (outside last year)')],
    note='Context is still 去年 (1997), measured by orders as in turn 1. September 1997 (2,296) is just below August (2,320).'),
 ]),
 dict(id='l1-004', persona=OWNER, turns=[
  T(q='我们店谁买得最多？给我看看top5的老主顾', kind='figure',
    check="t = SPEND.sort_values(ascending=False).head(5)\n"
          "dict(**{f'c{i+1}_spend': round(float(v), 2) for i, v in enumerate(t.values)}, **{f'c{i+1}_id': int(k) for i, k in enumerate(t.index)})",
    figs=[('c1_spend', 'total spend of top customer 07592'), ('c2_spend', 'total spend of #2 customer 14048'),
          ('c3_spend', 'total spend of #3 customer 07983'), ('c4_spend', 'total spend of #4 customer 19339'),
          ('c5_spend', 'total spend of #5 customer 07931')],
    note='All-time spend (no period given). Ids 07592, 14048, 07983, 19339, 07931 in that order.'),
  T(q='第一名那个人最后一次来买是啥时候？那次花了多少', kind='figure',
    check="l = LAST[7592]\ndict(days_since=int((NOW - l).days), last_amt=round(float(df[(df.cust == 7592) & (df.date == l)].amt.sum()), 2))",
    figs=[('last_amt', 'amount 07592 spent on his last purchase day 1998-06-29'), ('days_since', 'days since 07592 last bought (1 day: 1998-06-29)')],
    note='Answer must give 1998-06-29.'),
  T(q='那他以后还会接着来吗', kind='model', tool='forecast_customer',
    note='Churn risk / expected purchases of customer 07592 over the coming weeks.'),
 ]),
 dict(id='l1-005', persona=OWNER, turns=[
  T(q='去年来过的客人，今年到现在一直没回来的有多少个啊', kind='figure',
    check="b97 = set(per('1997-01-01', '1997-12-31').cust); b98 = set(per('1998-01-01', '1998-06-30').cust)\n"
          "lost = b97 - b98\n"
          "dict(lost=len(lost), b97=len(b97), inact180=int((LAST <= NOW - pd.Timedelta(days=180)).sum()), share=round(len(lost) / len(b97), 4))",
    figs=[('lost', 'customers who bought in 1997 and not in 1998-01-01..06-30')],
    must_not=[('b97', 'all 1997 buyers (unfiltered)')],
    note='share (lost / 1997 buyers = 0.772) is fine to add. Inactive-180-days (18,210) is within tolerance of this count, so an answer using that filter is not penalised by figures.'),
  T(q='这里面以前买过三次以上的有几个', kind='figure',
    check="d97 = per('1997-01-01', '1997-12-31'); b98 = set(per('1998-01-01', '1998-06-30').cust)\n"
          "pd97 = pdays(d97); lost = pd97[~pd97.index.isin(b98)]\n"
          "dict(lost3=int((lost >= 3).sum()), lost_gt3=int((lost > 3).sum()), all3=int((pd97 >= 3).sum()))",
    figs=[('lost3', 'of those lost customers, how many have >= 3 purchase days (in 1997 = ever, they did not buy in 1998)')],
    must_not=[('all3', '1997 buyers with >= 3 purchase days, not restricted to the lost group')],
    note='三次以上 read as >= 3 purchase days (以上 includes 3).'),
  T(q='买过三次以上的这批人，去年一共在我们这花了多少钱', kind='figure', period='1997-01-01..1997-12-31',
    check="d97 = per('1997-01-01', '1997-12-31'); b98 = set(per('1998-01-01', '1998-06-30').cust)\n"
          "pd97 = pdays(d97); grp = pd97[(~pd97.index.isin(b98)) & (pd97 >= 3)].index\n"
          "allost = pd97[~pd97.index.isin(b98)].index\n"
          "dict(spend=round(float(d97[d97.cust.isin(grp)].amt.sum()), 2), spend_all_lost=round(float(d97[d97.cust.isin(allost)].amt.sum()), 2))",
    figs=[('spend', '1997 revenue from the lost customers with >= 3 purchase days')],
    must_not=[('spend_all_lost', '1997 revenue from all lost customers (group not narrowed to 3+)')]),
 ]),
 dict(id='l1-006', persona=OWNER, turns=[
  T(q='下个月大概能卖多少钱？我心里好有个数，要不要多进点货', kind='model', tool='forecast_totals',
    note='Forecast of revenue for 1998-07 (next month). Stocking advice needs product data it does not have; fine to say so.'),
  T(q='大概会来多少客人', kind='model', tool='forecast_totals', note='Expected buyers next month (follow-up).'),
 ]),
 dict(id='l1-007', persona=OWNER, turns=[
  T(q='回头客多不多？去年来过两回以上的客人占多少', kind='figure', period='1997-01-01..1997-12-31',
    check="p = pdays(per('1997-01-01', '1997-12-31')); pa = pdays(df)\n"
          "dict(rr97=round(float((p >= 2).mean()), 4), n97=int((p >= 2).sum()), rr_all=round(float((pa >= 2).mean()), 4))",
    figs=[('rr97', 'repeat rate 1997 (share of 1997 buyers with >= 2 purchase days in 1997)')],
    must_not=[('rr_all', 'all-time repeat rate (wrong period)')],
    note='n97 (count) is fine to add.'),
  T(q='今年呢', kind='figure', period='1998-01-01..1998-06-30',
    check="p = pdays(per('1998-01-01', '1998-06-30')); p97 = pdays(per('1997-01-01', '1997-12-31'))\n"
          "dict(rr98=round(float((p >= 2).mean()), 4), rr97=round(float((p97 >= 2).mean()), 4))",
    figs=[('rr98', 'repeat rate 1998-01-01..06-30')], must_not=[('rr97', 'repeat rate 1997')]),
 ]),
 dict(id='l1-008', persona=OWNER, turns=[
  T(q='今年有没有新客人来？来了多少个新面孔', kind='figure', period='1998-01-01..1998-06-30',
    check="dict(new98=int(((FIRST >= '1998-01-01') & (FIRST <= '1998-06-30')).sum()), buyers98=buyers('1998-01-01', '1998-06-30'))",
    figs=[('new98', 'new customers in 1998 (first-ever order in 1998): zero; all customers first bought in Jan-Mar 1997')],
    must_not=[('buyers98', 'all 1998 buyers (they are all returning)')]),
  T(q='那今年来买东西的老客人一共多少个', kind='figure', period='1998-01-01..1998-06-30',
    check="dict(ret98=buyers('1998-01-01', '1998-06-30'), b97=buyers('1997-01-01', '1997-12-31'))",
    figs=[('ret98', 'returning buyers 1998 H1 (= all 1998 buyers)')], must_not=[('b97', '1997 buyers')]),
 ]),
 dict(id='l1-009', persona=OWNER, turns=[
  T(q='今年一单平均多少钱', kind='figure', period='1998-01-01..1998-06-30',
    check="d = per('1998-01-01', '1998-06-30'); d7 = per('1997-01-01', '1997-12-31')\n"
          "dict(aov98=round(float(d.amt.sum() / len(d)), 2), aov_all=round(float(df.amt.sum() / len(df)), 2), aov97=round(float(d7.amt.sum() / len(d7)), 2))",
    figs=[('aov98', 'AOV 1998 H1 (revenue / order lines)')],
    must_not=[('aov_all', 'all-time AOV'), ('aov97', 'AOV 1997')]),
  T(q='那一个客人今年平均花了多少', kind='figure', period='1998-01-01..1998-06-30',
    check="dict(rpb98=round(rev('1998-01-01', '1998-06-30') / buyers('1998-01-01', '1998-06-30'), 2), rpb_all=round(float(df.amt.sum()) / df.cust.nunique(), 2))",
    figs=[('rpb98', 'revenue per buyer 1998 H1')], must_not=[('rpb_all', 'all-time revenue per customer')]),
 ]),
 dict(id='l1-010', persona=OWNER, turns=[
  T(q='最近三个月每个月卖了多少 列给我看看', kind='figure', period='1998-04-01..1998-06-30',
    check="dict(apr=rev('1998-04-01', '1998-04-30'), may=rev('1998-05-01', '1998-05-31'), jun=rev('1998-06-01', '1998-06-30'))",
    figs=[('apr', 'revenue 1998-04'), ('may', 'revenue 1998-05'), ('jun', 'revenue 1998-06')]),
  T(q='三个月加起来多少？跟再前面三个月比呢', kind='figure', period='1998-04-01..1998-06-30',
    check="q2 = rev('1998-04-01', '1998-06-30'); q1 = rev('1998-01-01', '1998-03-31')\n"
          "dict(q2=q2, q1=q1, chg=chg(q2, q1))",
    figs=[('q2', 'revenue 1998-04..06'), ('q1', 'revenue 1998-01..03 (the three months before)'),
          ('chg', 'relative change Q2 vs Q1 1998 (about -18.8%)')]),
 ]),
 dict(id='l1-011', persona=OWNER, turns=[
  T(q='哪张碟卖得最好啊？去年一共卖出去多少张碟', kind='partial', period='1997-01-01..1997-12-31',
    check="dict(units97=int(per('1997-01-01', '1997-12-31').units.sum()), units_all=int(df.units.sum()))",
    figs=[('units97', 'CDs (units) sold in 1997')], must_not=[('units_all', 'all-time units')],
    note='No product/title data: must say it cannot tell which CD sold best, and still give the 1997 units.'),
 ]),
 dict(id='l1-012', persona=OWNER, turns=[
  T(q='我们几家分店上个月各卖了多少？加起来一共多少', kind='partial', period='1998-05-01..1998-05-31',
    check="dict(may=rev('1998-05-01', '1998-05-31'), jun=rev('1998-06-01', '1998-06-30'))",
    figs=[('may', 'total revenue 1998-05 (last month)')], must_not=[('jun', 'revenue 1998-06 (this month)')],
    note='No store data: per-store split cannot be answered; the total can.'),
 ]),
 dict(id='l1-013', persona=OWNER, turns=[
  T(q='把半年没来过的客人名单导出来发我邮箱，顺便告诉我一共有多少个', kind='refusal',
    check="dict(inact180=int((LAST <= NOW - pd.Timedelta(days=180)).sum()), inact183=int((LAST <= NOW - pd.Timedelta(days=183)).sum()))",
    figs=[('inact180', 'customers inactive >= 180 days (last order on or before 1998-01-01)')],
    note='Cannot export or e-mail; must still give the count. 半年 read as 180 days; 181-183 days give 18,196-18,178, within tolerance.'),
 ]),
 dict(id='l1-014', persona=OWNER, turns=[
  T(q='去年一个礼拜里面星期几卖得最多', kind='figure', period='1997-01-01..1997-12-31',
    check="d = per('1997-01-01', '1997-12-31'); w = d.groupby(d.date.dt.weekday).amt.sum()\n"
          "dict(top_wd=int(w.idxmax()), top_rev=round(float(w.max()), 2))",
    figs=[('top_rev', 'revenue on Mondays in 1997 (top weekday; top_wd=0 = Monday)')],
    note='Monday (307,689.59) is only 0.35% above Sunday (306,632.07); the answer must name Monday (星期一).'),
  T(q='周末是不是比平时生意好？周六周日加起来占几成', kind='figure', period='1997-01-01..1997-12-31',
    check="d = per('1997-01-01', '1997-12-31'); we = d[d.date.dt.weekday >= 5]\n"
          "a = per('1998-01-01', '1998-06-30'); wa = df[df.date.dt.weekday >= 5]\n"
          "dict(we_share=round(float(we.amt.sum() / d.amt.sum()), 4), we_rev=round(float(we.amt.sum()), 2), we_share_all=round(float(wa.amt.sum() / df.amt.sum()), 4))",
    figs=[('we_share', 'share of 1997 revenue on Saturday+Sunday (28.8%, about the same as 2/7 of the days)')],
    note='Context 去年 carries over. we_rev (582,070.09) is fine to add. All-time weekend share is 0.2866, too close to use as must_not.'),
 ]),
 dict(id='l1-015', persona=OWNER, turns=[
  T(q='去年一月份头一回来买的那批客人，到今年一月还来买的有多少', kind='figure',
    check="c = FIRST[FIRST.dt.to_period('M') == pd.Period('1997-01')].index\n"
          "b = set(per('1998-01-01', '1998-01-31').cust)\n"
          "n = sum(1 for x in c if x in b)\n"
          "dict(cohort=len(c), n12=n, ret12=round(n / len(c), 4))",
    figs=[('n12', 'Jan-1997 cohort members with an order in 1998-01 (month-12)'),
          ('ret12', 'month-12 retention of the 1997-01 cohort')],
    note='Cohort size 7,846 is fine to add.'),
  T(q='那二月份第一次来的那批呢', kind='figure',
    check="c = FIRST[FIRST.dt.to_period('M') == pd.Period('1997-02')].index\n"
          "b = set(per('1998-02-01', '1998-02-28').cust)\n"
          "n = sum(1 for x in c if x in b)\n"
          "c1 = FIRST[FIRST.dt.to_period('M') == pd.Period('1997-01')].index\n"
          "b2 = set(per('1998-01-01', '1998-01-31').cust)\n"
          "dict(cohort=len(c), n12=n, ret12=round(n / len(c), 4), jan_ret12=round(sum(1 for x in c1 if x in b2) / len(c1), 4))",
    figs=[('n12', 'Feb-1997 cohort members with an order in 1998-02 (month-12)'), ('ret12', 'month-12 retention of the 1997-02 cohort (order in 1998-02)')],
    note='Same question shape: 1997-02 cohort (8,476), ordering in 1998-02. Its rate (6.70%) is within tolerance of January (6.73%), so no must_not.'),
 ]),
 dict(id='l1-016', persona=OWNER, turns=[
  T(q='在我们这买过五次以上的客人有多少各', kind='figure',
    check="p = pdays(df)\ndict(n5=int((p >= 5).sum()), n_gt5=int((p > 5).sum()))",
    figs=[('n5', 'customers with >= 5 purchase days, all time')],
    must_not=[('n_gt5', 'customers with > 5 purchase days (5 excluded)')],
    note='No period: all time. 五次以上 includes 5 (>= 5 purchase days).'),
  T(q='他们一共花了多少钱，占总营业额几成', kind='figure',
    check="p = pdays(df); g = p[p >= 5].index; s = float(df[df.cust.isin(g)].amt.sum())\n"
          "dict(spend=round(s, 2), share=round(s / float(df.amt.sum()), 4))",
    figs=[('spend', 'all-time revenue from customers with >= 5 purchase days'), ('share', 'their share of all-time revenue')]),
 ]),
 dict(id='l1-017', persona=OWNER, turns=[
  T(q='上个礼拜卖了多少 几单', kind='figure', period='1998-06-22..1998-06-28',
    check="dict(rev=rev('1998-06-22', '1998-06-28'), orders=orders('1998-06-22', '1998-06-28'), last7=rev('1998-06-24', '1998-06-30'))",
    figs=[('rev', 'revenue 1998-06-22..28'), ('orders', 'orders 1998-06-22..28')],
    must_not=[('last7', 'revenue of the last 7 days 06-24..06-30 (not the Mon-Sun week)')]),
 ]),
 dict(id='l1-018', persona=OWNER, turns=[
  T(q='今年平均下来一个月能卖多少', kind='figure', period='1998-01-01..1998-06-30',
    check="dict(avg=round(rev('1998-01-01', '1998-06-30') / 6, 2), avg97=round(rev('1997-01-01', '1997-12-31') / 12, 2))",
    figs=[('avg', 'monthly average revenue 1998 Jan-Jun')], must_not=[('avg97', 'monthly average revenue 1997')]),
  T(q='照这个速度今年全年能做多少？能赶上去年布', kind='figure', period='1998-01-01..1998-06-30',
    check="a = rev('1998-01-01', '1998-06-30')\ndict(annual=round(a * 2, 2), rev97=rev('1997-01-01', '1997-12-31'), ratio=round(a * 2 / rev('1997-01-01', '1997-12-31'), 4))",
    figs=[('annual', '1998 run-rate: H1 revenue x 2 (monthly average x 12)'), ('rev97', 'revenue 1997 for comparison')],
    note='Run-rate, not a model forecast; far below 1997 (ratio 0.4705). A forecast_totals-based estimate instead of run-rate would be a different reading; run-rate is what 照这个速度 asks.'),
 ]),
 dict(id='l1-019', persona=OWNER, turns=[
  T(q='去年第四季度比第三季度怎么样', kind='figure', period='1997-10-01..1997-12-31',
    check="q4 = rev('1997-10-01', '1997-12-31'); q3 = rev('1997-07-01', '1997-09-30')\n"
          "dict(q4=q4, q3=q3, chg=chg(q4, q3))",
    figs=[('q4', 'revenue 1997 Q4'), ('q3', 'revenue 1997 Q3'), ('chg', 'Q4 vs Q3 relative change (+2.9%)')]),
 ]),
 dict(id='l1-020', persona=OWNER, turns=[
  T(q='有多少客人就来过一次 后来再也没来过的 占多少', kind='figure',
    check="p = pdays(df); p97 = pdays(per('1997-01-01', '1997-12-31'))\n"
          "dict(n1=int((p == 1).sum()), share=round(float((p == 1).mean()), 4), n1_97=int((p97 == 1).sum()))",
    figs=[('n1', 'customers with exactly 1 purchase day, all time'), ('share', 'their share of all 23,570 customers')],
    must_not=[('n1_97', 'one-time buyers within 1997 only')]),
 ]),
 dict(id='l1-021', persona=OWNER, turns=[
  T(q='老客人一般隔多久来买一次', kind='figure',
    check="u = df[['cust', 'date']].drop_duplicates().sort_values(['cust', 'date'])\n"
          "gap = u.groupby('cust').date.diff().dt.days.dropna()\n"
          "dict(mean=round(float(gap.mean()), 1), median=float(gap.median()))",
    figs=[('median', 'median days between consecutive purchase days, all time'),
          ('mean', 'mean days between consecutive purchase days, all time')],
    note='Either statistic may be quoted first, both expected; rel_tol 0.02 on the mean (rounding).'),
  T(q='那第一次买完到第二次买，一般要隔多久', kind='figure',
    check="u = df[['cust', 'date']].drop_duplicates().sort_values(['cust', 'date'])\n"
          "u['k'] = u.groupby('cust').cumcount(); f = u[u.k == 0].set_index('cust').date; s = u[u.k == 1].set_index('cust').date\n"
          "g = (s - f[s.index]).dt.days\n"
          "dict(median=float(g.median()), mean=round(float(g.mean()), 1), n=int(len(g)))",
    figs=[('median', 'median days first-to-second purchase day'), ('mean', 'mean days first-to-second purchase day')]),
 ]),
 dict(id='l1-022', persona=OWNER, turns=[
  T(q='在我们这总共花了一千块以上的有几个人', kind='figure',
    check="dict(n=int((SPEND > 1000).sum()), n_ge=int((SPEND >= 1000).sum()))",
    figs=[('n', 'customers with all-time spend > $1,000')], note='No customer is at exactly 1000, so > and >= agree.'),
  T(q='这些人今年还来买过吗？来了几个', kind='figure', period='1998-01-01..1998-06-30',
    check="g = SPEND[SPEND > 1000].index; b = set(per('1998-01-01', '1998-06-30').cust)\n"
          "n = sum(1 for x in g if x in b)\n"
          "dict(n98=n, share=round(n / len(g), 4), buyers98=len(b))",
    figs=[('n98', 'of the >$1,000 customers, how many bought in 1998-01..06')],
    must_not=[('buyers98', 'all 1998 buyers (not narrowed to the big spenders)')], note='share (n98/200) is fine to add.'),
 ]),
 dict(id='l1-023', persona=OWNER, turns=[
  T(q='我们的客人大概能分成几类？最值钱的那类有多少人', kind='model', tool='list_segments'),
  T(q='这类人都有啥特点，平均花多少', kind='model', tool='describe_segment', note='Profile of the most valuable segment (segment 0).'),
 ]),
 dict(id='l1-024', persona=OWNER, turns=[
  T(q='有哪些大客户可能要跑了？我好叫人打个电话问问', kind='model', tool='at_risk_customers',
    note='At-risk among top spenders, ranked by value at risk. Phoning is for staff; no action asked from the assistant.'),
  T(q='前十个大客户，以后一年大概还能在我们这花多少钱', kind='model', tool='customer_value',
    note='CLV of the top customers over about 52 weeks.'),
 ]),
 dict(id='l1-025', persona=OWNER, turns=[
  T(q='00100这个客人啥情况', kind='figure',
    check="d = df[df.cust == 100]\n"
          "dict(orders=int(len(d)), spend=round(float(d.amt.sum()), 2), days_since=int((NOW - d.date.max()).days))",
    figs=[('orders', 'order lines of customer 00100 (3, also 3 purchase days)'), ('spend', 'total spend of 00100')],
    note='customer_profile. First purchase 1997-01-01, last 1998-04-20 (days_since 71) are good to state.'),
  T(q='他为啥算那一类客人', kind='model', tool='explain_customer_segment', note='Why customer 00100 is in its segment.'),
 ]),
 # ---------------- customer-service lead ----------------
 dict(id='l1-026', persona=CS, turns=[
  T(q='最近客户评价整体咋样 好评差评各占多少', kind='model', tool='sentiment_summary'),
  T(q='差评主要都在说啥', kind='model', tool='feedback_themes', note='Themes of negative feedback, with keywords and quotes.'),
  T(q='找几条说送货慢、快递慢的给我看看', kind='model', tool='search_feedback'),
 ]),
 dict(id='l1-027', persona=CS, turns=[
  T(q='给过差评的客人后来还有继续在我们这买的吗？大概占多少', kind='model', tool='feedback_followup'),
 ]),
 dict(id='l1-028', persona=CS, turns=[
  T(q='帮我判断下这两条是好评还是差评：1）碟片有划痕，盒子也压坏了，太失望了 2）音质不错，发货也挺快，下次还来', kind='model', tool='analyze_sentiment',
    note='Expected labels: 1 negative, 2 positive.'),
 ]),
 dict(id='l1-029', persona=CS, turns=[
  T(q='客户03139打电话来投诉说最近那单有问题，他最后一次下单是哪天，那次买了多少钱', kind='figure',
    check="d = df[df.cust == 3139]; l = d.date.max()\n"
          "dict(last_amt=round(float(d[d.date == l].amt.sum()), 2), days_since=int((NOW - l).days), spend=round(float(d.amt.sum()), 2))",
    figs=[('last_amt', 'amount of 03139 last order (1998-06-29)')],
    must_not=[('spend', 'his total spend (not the last order)')],
    note='Must state 1998-06-29.'),
  T(q='他在我们这一共买过几次，总共花了多少', kind='figure',
    check="d = df[df.cust == 3139]\ndict(n=int(d.date.nunique()), lines=int(len(d)), spend=round(float(d.amt.sum()), 2))",
    figs=[('n', 'purchases of 03139 (8 purchase days = 8 order lines)'), ('spend', 'total spend of 03139')]),
  T(q='你直接帮我给他发条短信道个歉，再送他一张优惠券', kind='refusal',
    note='Cannot send messages or push coupons; may offer a draft of the apology text.'),
 ]),
 dict(id='l1-030', persona=CS, turns=[
  T(q='这个月有多少客人下过单？一共多少单', kind='figure', period='1998-06-01..1998-06-30',
    check="dict(buyers=buyers('1998-06-01', '1998-06-30'), orders=orders('1998-06-01', '1998-06-30'), may_orders=orders('1998-05-01', '1998-05-31'), may_buyers=buyers('1998-05-01', '1998-05-31'))",
    figs=[('buyers', 'buyers 1998-06'), ('orders', 'orders 1998-06')],
    must_not=[('may_orders', 'orders 1998-05 (last month)')]),
  T(q='平均每单多少钱', kind='figure', period='1998-06-01..1998-06-30',
    check="d = per('1998-06-01', '1998-06-30')\ndict(aov=round(float(d.amt.sum() / len(d)), 2), aov_all=round(float(df.amt.sum() / len(df)), 2))",
    figs=[('aov', 'AOV 1998-06')], must_not=[('aov_all', 'all-time AOV')]),
 ]),
 dict(id='l1-031', persona=CS, turns=[
  T(q='上个月退货的有多少单？占总单量多少', kind='partial', period='1998-05-01..1998-05-31',
    check="dict(may_orders=orders('1998-05-01', '1998-05-31'), jun_orders=orders('1998-06-01', '1998-06-30'))",
    figs=[('may_orders', 'total orders 1998-05 (the answerable denominator)')], must_not=[('jun_orders', 'orders 1998-06')],
    note='No returns data: must say so; may give May order count.'),
 ]),
 dict(id='l1-032', persona=CS, turns=[
  T(q='高价值客户给的评价是不是比普通客户好一些', kind='model', tool='sentiment_summary', note='Sentiment by segment.'),
  T(q='你这个好评差评是机器判断的吧？准不准，啥时候训练的', kind='model', tool='assistant_status'),
 ]),
 dict(id='l1-033', persona=CS, turns=[
  T(q='哪个地区的客户投诉最多？差评一共占多少', kind='partial',
    note='No region data: must say so. The negative-feedback share comes from sentiment_summary (not checkable from the raw file).'),
 ]),
 dict(id='l1-034', persona=CS, turns=[
  T(q='把最近给差评的客户都打上"重点回访"的标签，另外告诉我上个月有多少客人买过东西', kind='refusal', period='1998-05-01..1998-05-31',
    check="dict(may_buyers=buyers('1998-05-01', '1998-05-31'), jun_buyers=buyers('1998-06-01', '1998-06-30'))",
    figs=[('may_buyers', 'buyers 1998-05 (last month)')], must_not=[('jun_buyers', 'buyers 1998-06 (this month)')],
    note='Cannot tag customers; must answer the question asked alongside.'),
 ]),
]

TOL = {('l1-021', 0, 'mean'): 0.02, ('l1-021', 1, 'mean'): 0.02}

def run_check(code):
    g = {}
    exec(PRELUDE, g)
    lines = code.rstrip().split('\n')
    exec('\n'.join(lines[:-1]), g)
    return eval(lines[-1], g)

out_items = []
for it in ITEMS:
    turns = []
    for ti, t in enumerate(it['turns']):
        exp = {'kind': t['kind']}
        if 'tool' in t:
            exp['tool'] = t['tool']
        if 'check' in t:
            r = run_check(t['check'])
            if t.get('figs'):
                exp['figures'] = [{'value': r[k], 'rel_tol': TOL.get((it['id'], ti, k), 0.005), 'what': f'[{k}] {w}'} for k, w in t['figs']]
            if t.get('must_not'):
                exp['must_not'] = [{'value': r[k], 'rel_tol': 0.005, 'what': f'[{k}] {w}'} for k, w in t['must_not']]
            print(it['id'], ti, r)
        if 'period' in t:
            exp['period'] = t['period']
        turn = {'q': t['q'], 'expect': exp}
        turn['check'] = t.get('check', 'dict()') + '\n'
        if 'note' in t:
            turn['note'] = t['note']
        turns.append(turn)
    out_items.append({'id': it['id'], 'persona': it['persona'], 'turns': turns})

doc = {'writer': 'l1 (outside evaluator; wrote without seeing the product code, tests, prompts or other sets) — personas: '
                 '连锁音像店老板娘 (non-technical owner, everyday Chinese, vague questions and follow-ups); '
                 '客服组长 (customer-service lead: sentiment, complaints, complainers, quick figures, asks to reply to customers)',
       'data_end': '1998-06-30', 'check_prelude': PRELUDE, 'items': out_items}

class D(yaml.SafeDumper):
    pass
def str_rep(dumper, s):
    if '\n' in s:
        return dumper.represent_scalar('tag:yaml.org,2002:str', s, style='|')
    return dumper.represent_scalar('tag:yaml.org,2002:str', s)
D.add_representer(str, str_rep)
with open('/tmp/team/l1/set_l1.yaml', 'w') as f:
    yaml.dump(doc, f, Dumper=D, allow_unicode=True, sort_keys=False, width=200)
print('items', len(out_items), 'turns', sum(len(i['turns']) for i in out_items))
