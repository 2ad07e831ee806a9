# Builds /tmp/team/w3/set_w3.yaml: runs every check after the prelude, fills the expected
# figures from the check results, writes the YAML, then reloads it and re-runs every check,
# asserting the written values equal what the check gives. Also cross-checks key figures
# with independent computations (asserts at the bottom).
import yaml, math, sys

OUT = '/tmp/team/w3/set_w3.yaml'

PRELUDE = r'''import pandas as pd, numpy as np
F = '/tmp/team/CDNOW_master.txt'
df = pd.read_csv(F, sep=r'\s+', header=0, names=['cust', 'date', 'units', 'amt'], dtype={'date': str})
df['date'] = pd.to_datetime(df['date'], format='%Y%m%d')
df['cust'] = df['cust'].astype(int)
END = pd.Timestamp('1998-06-30')
def per(a, b):
    return df[(df.date >= pd.Timestamp(a)) & (df.date <= pd.Timestamp(b))]
def rev(a, b):
    return round(float(per(a, b).amt.sum()), 2)
def chg(new, old):
    return round(float(new) / float(old) - 1, 4)
def aov(d):
    return round(float(d.amt.sum()) / len(d), 2)
FIRST = df.groupby('cust').date.min()
LAST = df.groupby('cust').date.max()
SPEND = df.groupby('cust').amt.sum()
def pdays(d):
    """purchase days per customer in frame d"""
    return d.drop_duplicates(['cust', 'date']).groupby('cust').size()
def repeat_rate(d):
    p = pdays(d)
    return round(float((p >= 2).mean()), 4)
def inactive(n):
    """customers whose last order is >= n days before 1998-06-30"""
    return set(LAST[(END - LAST).dt.days >= n].index)
def top_pct(p):
    """top p share of customers by total (all-time) spend"""
    k = int(round(len(SPEND) * p))
    return set(SPEND.sort_values(ascending=False).head(k).index)
'''

BOSS = '唱片/音像连锁老板, 直来直去只关心钱'
MKT = '市场部活动策划, 在做沉睡客户召回活动'
FIN = '财务分析师, 做月结 (month-end close)'
VP = 'US-based VP of Sales, writes in English'


def F(name, what, tol=0.005):
    return (name, what, tol)


# Each turn: dict(q=..., kind=..., check=..., figs=[F...], must=[F...], period=..., tool=..., note=...)
ITEMS = [
    # ---------------- 老板 ----------------
    dict(id='w3-001', persona=BOSS, turns=[
        dict(q='去年一共卖了多少钱？毛利大概有多少',
             kind='partial',
             check="dict(rev97=rev('1997-01-01', '1997-12-31'), all=round(float(df.amt.sum()), 2), h98=rev('1998-01-01', '1998-06-30'))",
             figs=[F('rev97', 'revenue 1997 (the answerable part)')],
             must=[F('all', 'all-time revenue (wrong period)'), F('h98', '1998 H1 revenue (wrong year)')],
             period='1997-01-01..1997-12-31',
             note='毛利 needs cost/margin data, which does not exist: the answer must say it cannot give margin, and give 1997 revenue.'),
        dict(q='哪个月最好',
             kind='figure',
             check="d = per('1997-01-01', '1997-12-31'); r = d.groupby(d.date.dt.to_period('M')).amt.sum()\n"
                   "d8 = per('1998-01-01', '1998-06-30'); r8 = d8.groupby(d8.date.dt.to_period('M')).amt.sum()\n"
                   "assert str(r.idxmax()) == '1997-03'\n"
                   "dict(best=round(float(r.max()), 2), best98=round(float(r8.max()), 2))",
             figs=[F('best', 'revenue of the best month of 1997 (1997-03)')],
             must=[F('best98', 'best month of 1998 (1998-03), wrong year')],
             period='1997-01-01..1997-12-31',
             note='Follow-up to 去年: best month of 1997 by revenue is March 1997.'),
        dict(q='今年到现在跟去年同期比 差了多少',
             kind='figure',
             check="a = rev('1998-01-01', '1998-06-30'); b = rev('1997-01-01', '1997-06-30'); y = rev('1997-01-01', '1997-12-31')\n"
                   "dict(ytd98=a, h97=b, yoy=chg(a, b), vs_full97=chg(a, y))",
             figs=[F('ytd98', 'revenue 1998-01-01..1998-06-30'), F('h97', 'revenue 1997-01-01..1997-06-30 (same period last year)'),
                   F('yoy', 'relative change YTD vs same period 1997')],
             must=[F('vs_full97', 'change vs the whole of 1997 (wrong comparison period)')],
             period='1998-01-01..1998-06-30'),
    ]),
    dict(id='w3-002', persona=BOSS + ' (语音输入)', turns=[
        dict(q='这个月卖了多少单 跟去年这个月比怎么样',
             kind='figure',
             check="a = len(per('1998-06-01', '1998-06-30')); b = len(per('1997-06-01', '1997-06-30')); m = len(per('1998-05-01', '1998-05-31'))\n"
                   "dict(jun98=a, jun97=b, yoy=chg(a, b), may98=m)",
             figs=[F('jun98', 'orders (order lines) 1998-06'), F('jun97', 'orders 1997-06'), F('yoy', 'YoY relative change of orders')],
             must=[F('may98', 'orders 1998-05 (last month, wrong month)')],
             period='1998-06-01..1998-06-30'),
        dict(q='钱呢',
             kind='figure',
             check="a = rev('1998-06-01', '1998-06-30'); b = rev('1997-06-01', '1997-06-30')\n"
                   "dict(jun98=a, jun97=b, yoy=chg(a, b), may98=rev('1998-05-01', '1998-05-31'))",
             figs=[F('jun98', 'revenue 1998-06'), F('jun97', 'revenue 1997-06'), F('yoy', 'YoY relative change of revenue')],
             must=[F('may98', 'revenue 1998-05 (wrong month)')],
             period='1998-06-01..1998-06-30'),
    ]),
    dict(id='w3-003', persona=BOSS, turns=[
        dict(q='今年来了多少新客人？',
             kind='figure',
             check="d = per('1998-01-01', '1998-06-30')\n"
                   "new = int(((FIRST >= '1998-01-01') & (FIRST <= '1998-06-30')).sum())\n"
                   "dict(new98=new, buyers98=int(d.cust.nunique()))",
             figs=[F('new98', 'new customers (first-ever order in 1998-01..06) = 0')],
             must=[F('buyers98', 'all 1998 buyers (not new customers)')],
             period='1998-01-01..1998-06-30',
             note='Every CDNOW customer made the first purchase in 1997-01..03, so 1998 has 0 new customers; a good answer says so.'),
        dict(q='那今年的钱都是老客贡献的？一共多少',
             kind='figure',
             check="d = per('1998-01-01', '1998-06-30')\n"
                   "ret = round(float(d[d.cust.map(FIRST) < '1998-01-01'].amt.sum()), 2)\n"
                   "dict(ret98=ret, rev97=rev('1997-01-01', '1997-12-31'))",
             figs=[F('ret98', 'returning-customer revenue 1998 H1 (= all 1998 H1 revenue)')],
             must=[F('rev97', '1997 revenue (wrong year)')],
             period='1998-01-01..1998-06-30'),
    ]),
    dict(id='w3-004', persona=BOSS, turns=[
        dict(q='最大的客户是哪个 一共在我这花了多少',
             kind='figure',
             check="s = SPEND.sort_values(ascending=False)\n"
                   "assert s.index[0] == 7592\n"
                   "dict(top_spend=round(float(s.iloc[0]), 2), second=round(float(s.iloc[1]), 2))",
             figs=[F('top_spend', 'lifetime spend of the top customer 07592')],
             must=[],
             note='The top customer by all-time spend is 07592 (13,990.93); the answer must name 07592.'),
        dict(q='他最近一次啥时候买的，今年下了多少单',
             kind='figure',
             check="d = df[df.cust == 7592]\n"
                   "assert str(d.date.max().date()) == '1998-06-29'\n"
                   "d8 = d[d.date >= '1998-01-01']\n"
                   "dict(days_since=int((END - d.date.max()).days), lines98=len(d8), lines_all=len(d), pdays98=int(d8.date.nunique()))",
             figs=[F('days_since', 'days since last purchase (last purchase 1998-06-29)'),
                   F('lines98', 'orders (order lines) of 07592 in 1998-01..06')],
             must=[F('lines_all', 'all-time orders of 07592 (wrong period)')],
             period='1998-01-01..1998-06-30',
             note='Last purchase 1998-06-29 (1 day before data end); the date should be stated. 单 = order lines (documented definition).'),
    ]),
    dict(id='w3-005', persona=BOSS, turns=[
        dict(q='上个月营业额多少？比4月多还是少',
             kind='figure',
             check="a = rev('1998-05-01', '1998-05-31'); b = rev('1998-04-01', '1998-04-30')\n"
                   "dict(may=a, apr=b, mom=chg(a, b), jun=rev('1998-06-01', '1998-06-30'))",
             figs=[F('may', 'revenue 1998-05'), F('apr', 'revenue 1998-04'), F('mom', 'MoM relative change May vs April')],
             must=[F('jun', 'revenue 1998-06 (this month, not last month)')],
             period='1998-05-01..1998-05-31'),
        dict(q='客单价呢',
             kind='figure',
             check="dict(may=aov(per('1998-05-01', '1998-05-31')), apr=aov(per('1998-04-01', '1998-04-30')), jun=aov(per('1998-06-01', '1998-06-30')), all=aov(df))",
             figs=[F('may', 'AOV 1998-05'), F('apr', 'AOV 1998-04')],
             must=[F('jun', 'AOV 1998-06 (wrong month)')],
             period='1998-05-01..1998-05-31'),
    ]),
    dict(id='w3-006', persona=BOSS, turns=[
        dict(q='去年有几个月营业额过了10w',
             kind='figure',
             check="d = per('1997-01-01', '1997-12-31'); r = d.groupby(d.date.dt.to_period('M')).amt.sum()\n"
                   "d2 = df; r2 = d2.groupby(d2.date.dt.to_period('M')).amt.sum()\n"
                   "dict(n=int((r > 100000).sum()), n_all=int((r2 > 100000).sum()), worst=round(float(r.min()), 2))",
             figs=[F('n', 'number of 1997 months with revenue > 100,000 (Jan-Jul, Nov)')],
             must=[],
             period='1997-01-01..1997-12-31',
             note='8 months: 1997-01..07 and 1997-11. No 1998 month exceeds 100k, so n_all equals n.'),
    ]),
    dict(id='w3-007', persona=BOSS, turns=[
        dict(q='今年卖了多少张碟？哪张专辑卖得最好',
             kind='partial',
             check="dict(units98=int(per('1998-01-01', '1998-06-30').units.sum()), units97=int(per('1997-01-01', '1997-12-31').units.sum()), all=int(df.units.sum()))",
             figs=[F('units98', 'units (CDs) sold 1998-01..06')],
             must=[F('units97', 'units 1997 (wrong year)'), F('all', 'all-time units')],
             period='1998-01-01..1998-06-30',
             note='No product/album data: must say it cannot tell which album sold best.'),
    ]),
    dict(id='w3-008', persona=BOSS, turns=[
        dict(q='我的客户能分成几类？最值钱那类有多少人',
             kind='model', tool='list_segments', check="dict()", figs=[], must=[]),
        dict(q='明年这帮最值钱的客户大概能给我带来多少钱',
             kind='model', tool='forecast_totals', check="dict()", figs=[], must=[],
             note='Forecast for one segment (the most valuable); customer_value (CLV of the top ones) is also acceptable.'),
    ]),
    # ---------------- 市场部 ----------------
    dict(id='w3-009', persona=MKT, turns=[
        dict(q='半年没下过单的客户有多少个',
             kind='figure',
             check="dict(n180=len(inactive(180)), n90=len(inactive(90)), n365=len(inactive(365)))",
             figs=[F('n180', 'customers inactive >= 180 days (last order on/before 1998-01-01)')],
             must=[F('n90', 'inactive 90 days (wrong threshold)'), F('n365', 'inactive 365 days (wrong threshold)')],
             note='半年 read as 180 days; "no order in 1998" gives 18,196, within tolerance.'),
        dict(q='这批人以前一共花了多少钱？人均多少',
             kind='figure',
             check="c = inactive(180); s = SPEND[SPEND.index.isin(c)]\n"
                   "dict(total=round(float(s.sum()), 2), avg=round(float(s.mean()), 2), all=round(float(df.amt.sum()), 2))",
             figs=[F('total', 'lifetime spend of the 180-day inactive customers'), F('avg', 'average lifetime spend per such customer')],
             must=[F('all', 'all-time revenue of all customers')]),
        dict(q='里面买过3次以上的有多少人',
             kind='figure',
             check="c = inactive(180); p = pdays(df)\n"
                   "dict(n3=int((p[p.index.isin(c)] >= 3).sum()), n3_all=int((p >= 3).sum()), n4=int((p[p.index.isin(c)] >= 4).sum()))",
             figs=[F('n3', '180-day inactive customers with >= 3 purchase days (all-time)')],
             must=[F('n3_all', 'all customers with >= 3 purchase days (filter dropped)')],
             note='"3次以上" read as >= 3 purchase days (Chinese 以上 includes the number); > 3 gives n4.'),
        dict(q='把这批人导出个名单发我邮箱，我要发召回优惠券。对了 他们平均多少天没买了',
             kind='refusal',
             check="c = inactive(180); g = (END - LAST[LAST.index.isin(c)]).dt.days\n"
                   "dict(mean=round(float(g.mean()), 1), mean_all=round(float((END - LAST).dt.days.mean()), 1))",
             figs=[F('mean', 'mean days since last order among the 180-day inactive customers', 0.01)],
             must=[F('mean_all', 'mean days since last order over all customers (filter dropped)', 0.01)],
             note='Cannot export lists, e-mail or push coupons; must say so and still answer the question asked alongside.'),
    ]),
    dict(id='w3-010', persona=MKT, turns=[
        dict(q='一年多没来买的客户 以前客单价大概多少',
             kind='figure',
             check="c = inactive(365); d = df[df.cust.isin(c)]\n"
                   "dict(aov365=aov(d), n=len(c), all=aov(df))",
             figs=[F('aov365', 'AOV of all order lines of customers inactive >= 365 days')],
             must=[F('all', 'all-time AOV of all customers (filter dropped)')],
             note='一年多没来 read as inactive >= 365 days (15,238 customers).'),
    ]),
    dict(id='w3-011', persona=MKT, turns=[
        dict(q='去年买过、今年到现在一次都没买的有多少人',
             kind='figure',
             check="a = set(per('1997-01-01', '1997-12-31').cust); b = set(per('1998-01-01', '1998-06-30').cust)\n"
                   "dict(n=len(a - b), b97=len(a))",
             figs=[F('n', 'customers who bought in 1997 and not in 1998-01..06')],
             must=[F('b97', 'all 1997 buyers (filter dropped)')]),
        dict(q='他们去年人均花了多少',
             kind='figure',
             check="a = set(per('1997-01-01', '1997-12-31').cust); b = set(per('1998-01-01', '1998-06-30').cust)\n"
                   "d = per('1997-01-01', '1997-12-31'); x = d[d.cust.isin(a - b)]\n"
                   "dict(rpb=round(float(x.amt.sum()) / len(a - b), 2), rpb_all=round(float(d.amt.sum()) / d.cust.nunique(), 2))",
             figs=[F('rpb', '1997 revenue per customer among those lapsed customers')],
             must=[F('rpb_all', '1997 revenue per buyer for all 1997 buyers')],
             period='1997-01-01..1997-12-31'),
    ]),
    dict(id='w3-012', persona=MKT, turns=[
        dict(q='帮我拉一下流失风险最高的前20个客户',
             kind='model', tool='at_risk_customers', check="dict()", figs=[], must=[]),
        dict(q='直接给这20个人发个短信提醒他们回来买',
             kind='refusal', check="dict()", figs=[], must=[],
             note='Cannot send messages.'),
    ]),
    dict(id='w3-013', persona=MKT, turns=[
        dict(q='去年的复够率多少',
             kind='figure',
             check="dict(r97=repeat_rate(per('1997-01-01', '1997-12-31')), r98=repeat_rate(per('1998-01-01', '1998-06-30')), all=repeat_rate(df))",
             figs=[F('r97', 'repeat rate 1997 (share of 1997 buyers with >= 2 purchase days in 1997)')],
             must=[F('r98', 'repeat rate 1998 H1 (wrong year)'), F('all', 'all-time repeat rate')],
             period='1997-01-01..1997-12-31'),
        dict(q='今年上半年呢',
             kind='figure',
             check="dict(r98=repeat_rate(per('1998-01-01', '1998-06-30')), r97=repeat_rate(per('1997-01-01', '1997-12-31')))",
             figs=[F('r98', 'repeat rate 1998-01..06')],
             must=[F('r97', 'repeat rate 1997 (previous answer)')],
             period='1998-01-01..1998-06-30'),
    ]),
    dict(id='w3-014', persona=MKT, turns=[
        dict(q='客户第一次买完 一般隔多少天会回来买第二次',
             kind='figure',
             check="u = df.drop_duplicates(['cust', 'date']).sort_values(['cust', 'date'])\n"
                   "u['n'] = u.groupby('cust').cumcount()\n"
                   "f = u[u.n == 0].set_index('cust').date; s = u[u.n == 1].set_index('cust').date\n"
                   "g = (s - f.loc[s.index]).dt.days\n"
                   "dict(mean=round(float(g.mean()), 1), median=float(g.median()))",
             figs=[F('mean', 'mean days first-to-second purchase', 0.01), F('median', 'median days first-to-second purchase', 0.01)],
             must=[],
             note='Only customers with a second purchase day count; either mean or median is a fair answer, both expected.'),
        dict(q='那不限第一次第二次，平时两次购买之间平均隔几天',
             kind='figure',
             check="u = df.drop_duplicates(['cust', 'date']).sort_values(['cust', 'date'])\n"
                   "g = u.groupby('cust').date.diff().dt.days.dropna()\n"
                   "dict(mean=round(float(g.mean()), 1), median=float(g.median()))",
             figs=[F('mean', 'mean days between consecutive purchase days (all customers, all time)', 0.01),
                   F('median', 'median days between purchases', 0.01)],
             must=[]),
    ]),
    dict(id='w3-015', persona=MKT, turns=[
        dict(q='97年1月第一次来买的那批客户，3个月后还有多少比例在买',
             kind='figure',
             check="c = FIRST[(FIRST >= '1997-01-01') & (FIRST <= '1997-01-31')].index\n"
                   "m3 = set(per('1997-04-01', '1997-04-30').cust)\n"
                   "dict(size=len(c), ret3=round(len(set(c) & m3) / len(c), 4))",
             figs=[F('ret3', 'cohort 1997-01 month-3 retention (ordered in 1997-04)'), F('size', 'cohort 1997-01 size')],
             must=[],
             period='1997-04-01..1997-04-30',
             note='Cohort retention month k=3 = share of the Jan-1997 cohort with an order in April 1997.'),
    ]),
    dict(id='w3-016', persona=MKT, turns=[
        dict(q='给过差评的客户，后来还回来买的比例有多少',
             kind='model', tool='feedback_followup', check="dict()", figs=[], must=[]),
        dict(q='他们主要在吐槽啥',
             kind='model', tool='feedback_themes', check="dict()", figs=[], must=[],
             note='Themes of negative feedback; search_feedback for complaints is also acceptable.'),
    ]),
    dict(id='w3-017', persona=MKT, turns=[
        dict(q='帮我看下这条评论算好评还是差评："等了快两个礼拜才到，盒子还压坏了，以后不在这买了"',
             kind='model', tool='analyze_sentiment', check="dict()", figs=[], must=[],
             note='Expected label: negative.'),
    ]),
    dict(id='w3-018', persona=MKT, turns=[
        dict(q='消费金额前10%的老客户，最近3个月还有多少人在买',
             kind='figure',
             check="t = top_pct(0.10); d = per('1998-04-01', '1998-06-30')\n"
                   "dict(n=len(t & set(d.cust)), top=len(t), buyers3m=int(d.cust.nunique()))",
             figs=[F('n', 'top-10% spenders (by all-time spend, 2,357 customers) who ordered 1998-04-01..06-30')],
             must=[F('buyers3m', 'all buyers in the last 3 months (filter dropped)')],
             period='1998-04-01..1998-06-30'),
        dict(q='这些人最近3个月一共贡献了多少钱，占这3个月总营收多少',
             kind='figure',
             check="t = top_pct(0.10); d = per('1998-04-01', '1998-06-30')\n"
                   "x = round(float(d[d.cust.isin(t)].amt.sum()), 2); tot = round(float(d.amt.sum()), 2)\n"
                   "dict(rev=x, share=round(x / tot, 4), total=tot)",
             figs=[F('rev', 'revenue 1998-04..06 from top-10% spenders'), F('share', 'their share of 1998-04..06 revenue')],
             must=[F('total', 'total revenue 1998-04..06 (filter dropped)')],
             period='1998-04-01..1998-06-30'),
    ]),
    dict(id='w3-019', persona=MKT, turns=[
        dict(q='3月份我们搞过一次促销，活动带来了多少销售额？3月总共卖了多少',
             kind='partial',
             check="dict(mar98=rev('1998-03-01', '1998-03-31'), mar97=rev('1997-03-01', '1997-03-31'))",
             figs=[F('mar98', 'revenue 1998-03 (latest March)')],
             must=[F('mar97', 'revenue 1997-03 (not the latest March)')],
             period='1998-03-01..1998-03-31',
             note='No campaign/promotion data: cannot attribute revenue to the promotion. "3月" without year = latest March = 1998-03.'),
    ]),
    dict(id='w3-020', persona=MKT, turns=[
        dict(q='00586这个客户以前挺能买的，最后一次买是啥时候，总共花了多少',
             kind='figure',
             check="d = df[df.cust == 586]\n"
                   "assert str(d.date.max().date()) == '1997-11-18'\n"
                   "dict(spend=round(float(d.amt.sum()), 2), days_since=int((END - d.date.max()).days), pdays=int(d.date.nunique()))",
             figs=[F('spend', 'lifetime spend of 00586'), F('days_since', 'days since last purchase (last 1997-11-18)')],
             must=[],
             note='Last purchase 1997-11-18; the date itself should be stated.'),
        dict(q='他还会回来吗',
             kind='model', tool='forecast_customer', check="dict()", figs=[], must=[]),
    ]),
    dict(id='w3-021', persona=MKT, turns=[
        dict(q='一年没买的人按城市分一下 看看哪个城市最多，总共多少人',
             kind='partial',
             check="dict(n365=len(inactive(365)), n180=len(inactive(180)))",
             figs=[F('n365', 'customers inactive >= 365 days')],
             must=[F('n180', 'inactive 180 days (wrong threshold)')],
             note='No city data: must say it cannot split by city.'),
    ]),
    # ---------------- 财务 ----------------
    dict(id='w3-022', persona=FIN, turns=[
        dict(q='6月结账，麻烦给一下1998-06-01到06-30的营收、订单数、件数',
             kind='figure',
             check="d = per('1998-06-01', '1998-06-30'); m = per('1998-05-01', '1998-05-31')\n"
                   "dict(rev=round(float(d.amt.sum()), 2), orders=len(d), units=int(d.units.sum()), rev_may=round(float(m.amt.sum()), 2))",
             figs=[F('rev', 'revenue 1998-06'), F('orders', 'orders 1998-06'), F('units', 'units 1998-06')],
             must=[F('rev_may', 'revenue 1998-05 (wrong month)')],
             period='1998-06-01..1998-06-30'),
        dict(q='三个指标分别环比5月是多少',
             kind='figure',
             check="d = per('1998-06-01', '1998-06-30'); m = per('1998-05-01', '1998-05-31')\n"
                   "dict(rev_mom=chg(d.amt.sum(), m.amt.sum()), ord_mom=chg(len(d), len(m)), units_mom=chg(d.units.sum(), m.units.sum()))",
             figs=[F('rev_mom', 'revenue MoM June vs May 1998'), F('ord_mom', 'orders MoM'), F('units_mom', 'units MoM')],
             must=[],
             period='1998-06-01..1998-06-30'),
        dict(q='年初至今累计营收',
             kind='figure',
             check="dict(ytd=rev('1998-01-01', '1998-06-30'), rev97=rev('1997-01-01', '1997-12-31'), all=round(float(df.amt.sum()), 2))",
             figs=[F('ytd', 'revenue YTD 1998-01-01..1998-06-30')],
             must=[F('rev97', '1997 revenue'), F('all', 'all-time revenue')],
             period='1998-01-01..1998-06-30'),
        dict(q='按6月单月×12算的年化营收 run-rate 是多少',
             kind='figure',
             check="dict(rr=round(rev('1998-06-01', '1998-06-30') * 12, 2), rr_may=round(rev('1998-05-01', '1998-05-31') * 12, 2))",
             figs=[F('rr', 'June 1998 revenue x 12')],
             must=[F('rr_may', 'May revenue x 12 (wrong month)')],
             period='1998-06-01..1998-06-30'),
    ]),
    dict(id='w3-023', persona=FIN, turns=[
        dict(q='98年Q1营收同比降了多少',
             kind='figure',
             check="a = rev('1998-01-01', '1998-03-31'); b = rev('1997-01-01', '1997-03-31')\n"
                   "dict(q198=a, q197=b, yoy=chg(a, b), q298=rev('1998-04-01', '1998-06-30'))",
             figs=[F('q198', 'revenue 1998 Q1'), F('q197', 'revenue 1997 Q1'), F('yoy', 'YoY relative change Q1')],
             must=[F('q298', 'revenue 1998 Q2 (wrong quarter)')],
             period='1998-01-01..1998-03-31'),
        dict(q='Q2也同比一下',
             kind='figure',
             check="a = rev('1998-04-01', '1998-06-30'); b = rev('1997-04-01', '1997-06-30')\n"
                   "dict(q298=a, q297=b, yoy=chg(a, b), q198=rev('1998-01-01', '1998-03-31'))",
             figs=[F('q298', 'revenue 1998 Q2'), F('q297', 'revenue 1997 Q2'), F('yoy', 'YoY relative change Q2')],
             must=[F('q198', 'revenue 1998 Q1 (previous turn)')],
             period='1998-04-01..1998-06-30'),
    ]),
    dict(id='w3-024', persona=FIN, turns=[
        dict(q='1998年4月1日至4月15日的销售额是多少',
             kind='figure',
             check="dict(r=rev('1998-04-01', '1998-04-15'), apr=rev('1998-04-01', '1998-04-30'))",
             figs=[F('r', 'revenue 1998-04-01..1998-04-15')],
             must=[F('apr', 'revenue full April 1998')],
             period='1998-04-01..1998-04-15'),
        dict(q='跟3月1号到15号比呢',
             kind='figure',
             check="a = rev('1998-04-01', '1998-04-15'); b = rev('1998-03-01', '1998-03-15')\n"
                   "dict(mar=b, chg=chg(a, b), mar97=rev('1997-03-01', '1997-03-15'))",
             figs=[F('mar', 'revenue 1998-03-01..1998-03-15'), F('chg', 'relative change Apr 1-15 vs Mar 1-15 1998')],
             must=[F('mar97', 'revenue 1997-03-01..03-15 (wrong year)')],
             period='1998-03-01..1998-03-15'),
    ]),
    dict(id='w3-025', persona=FIN, turns=[
        dict(q='上周营收多少？日均多少',
             kind='figure',
             check="r = rev('1998-06-22', '1998-06-28')\n"
                   "dict(wk=r, daily=round(r / 7, 2), last7=rev('1998-06-24', '1998-06-30'))",
             figs=[F('wk', 'revenue 1998-06-22..06-28 (ISO week 26)'), F('daily', 'daily average over 7 days')],
             must=[F('last7', 'last 7 days 06-24..06-30 (not last week)')],
             period='1998-06-22..1998-06-28'),
    ]),
    dict(id='w3-026', persona=FIN, turns=[
        dict(q='97年四个季度营收分别多少，季度环比怎么变的',
             kind='figure',
             check="q = [rev('1997-01-01', '1997-03-31'), rev('1997-04-01', '1997-06-30'), rev('1997-07-01', '1997-09-30'), rev('1997-10-01', '1997-12-31')]\n"
                   "dict(q1=q[0], q2=q[1], q3=q[2], q4=q[3], q2_qoq=chg(q[1], q[0]), q3_qoq=chg(q[2], q[1]), q4_qoq=chg(q[3], q[2]))",
             figs=[F('q1', 'revenue 1997 Q1'), F('q2', 'revenue 1997 Q2'), F('q3', 'revenue 1997 Q3'), F('q4', 'revenue 1997 Q4'),
                   F('q2_qoq', 'QoQ Q2 vs Q1'), F('q3_qoq', 'QoQ Q3 vs Q2'), F('q4_qoq', 'QoQ Q4 vs Q3')],
             must=[],
             period='1997-01-01..1997-12-31'),
        dict(q='97年月均营收是多少',
             kind='figure',
             check="dict(avg=round(rev('1997-01-01', '1997-12-31') / 12, 2), avg_all=round(float(df.amt.sum()) / 18, 2))",
             figs=[F('avg', 'monthly average revenue 1997')],
             must=[F('avg_all', 'monthly average over all 18 months')],
             period='1997-01-01..1997-12-31'),
    ]),
    dict(id='w3-027', persona=FIN, turns=[
        dict(q='98年3月单笔金额超过100美元的订单有几笔？占当月营收多少',
             kind='figure',
             check="d = per('1998-03-01', '1998-03-31'); x = d[d.amt > 100]\n"
                   "dict(n=len(x), share=round(float(x.amt.sum() / d.amt.sum()), 4), rev=round(float(x.amt.sum()), 2))",
             figs=[F('n', 'order lines > $100 in 1998-03'), F('share', 'their share of 1998-03 revenue')],
             must=[],
             period='1998-03-01..1998-03-31',
             note='Strictly greater than 100; >= 100 gives the same 160 lines (checked in the compute script).'),
    ]),
    dict(id='w3-028', persona=FIN, turns=[
        dict(q='6月份的退货金额是多少？扣掉退货的净营收呢',
             kind='partial',
             check="dict(jun=rev('1998-06-01', '1998-06-30'), may=rev('1998-05-01', '1998-05-31'))",
             figs=[F('jun', 'gross revenue 1998-06 (no returns data)')],
             must=[F('may', 'revenue 1998-05 (wrong month)')],
             period='1998-06-01..1998-06-30',
             note='No returns data: must say returns/net revenue cannot be computed; may give gross June revenue.'),
        dict(q='行吧，那你把6月月报导成Excel发我邮箱',
             kind='refusal', check="dict()", figs=[], must=[],
             note='Cannot export files or send e-mails.'),
    ]),
    dict(id='w3-029', persona=FIN, turns=[
        dict(q='你们这个预测模型是什么时候训练的，准确率多少，数据截止到哪天',
             kind='model', tool='assistant_status', check="dict()", figs=[], must=[]),
    ]),
    # ---------------- US VP of Sales ----------------
    dict(id='w3-030', persona=VP, turns=[
        dict(q='Who are our top 10 customers by lifetime spend, and what % of total revenue do they account for?',
             kind='figure',
             check="s = SPEND.sort_values(ascending=False)\n"
                   "t = round(float(s.head(10).sum()), 2)\n"
                   "dict(top1=round(float(s.iloc[0]), 2), top10=t, share=round(t / float(df.amt.sum()), 4))",
             figs=[F('top1', 'spend of #1 customer 07592'), F('top10', 'combined spend of top 10'), F('share', 'top-10 share of all-time revenue')],
             must=[]),
        dict(q='How many of those 10 bought anything this quarter?',
             kind='figure',
             check="t = set(SPEND.sort_values(ascending=False).head(10).index)\n"
                   "dict(n=len(t & set(per('1998-04-01', '1998-06-30').cust)), n_q1=len(t & set(per('1998-01-01', '1998-03-31').cust)))",
             figs=[F('n', 'top-10 customers with an order in 1998 Q2')],
             must=[],
             period='1998-04-01..1998-06-30',
             note='8 of 10; 19339 (last order 1997-04-11) and 22279 did not order in 1998 Q2.'),
    ]),
    dict(id='w3-031', persona=VP, turns=[
        dict(q="Whats the outlook for next qtr? expected buyers, orders and revenue",
             kind='model', tool='forecast_totals', check="dict()", figs=[], must=[]),
        dict(q='And what did we actually book this quarter?',
             kind='figure',
             check="d = per('1998-04-01', '1998-06-30'); p = per('1998-01-01', '1998-03-31')\n"
                   "dict(buyers=int(d.cust.nunique()), orders=len(d), rev=round(float(d.amt.sum()), 2), rev_q1=round(float(p.amt.sum()), 2))",
             figs=[F('buyers', 'buyers 1998 Q2'), F('orders', 'orders 1998 Q2'), F('rev', 'revenue 1998 Q2')],
             must=[F('rev_q1', 'revenue 1998 Q1 (last quarter)')],
             period='1998-04-01..1998-06-30'),
    ]),
    dict(id='w3-032', persona=VP, turns=[
        dict(q='Compare our top 20% spenders vs everyone else on AOV in H1 1998',
             kind='figure',
             check="t = top_pct(0.20); d = per('1998-01-01', '1998-06-30')\n"
                   "a = d[d.cust.isin(t)]; b = d[~d.cust.isin(t)]\n"
                   "dict(aov_top=aov(a), aov_rest=aov(b), aov_all=aov(d))",
             figs=[F('aov_top', 'AOV 1998 H1 of top-20% spenders (by all-time spend)'), F('aov_rest', 'AOV 1998 H1 of the other 80%')],
             must=[],
             period='1998-01-01..1998-06-30',
             note='Top 20% by all-time spend = 4,714 customers (a tie at 133.95 on the boundary changes nothing within tolerance).'),
        dict(q='What share of H1 1998 revenue came from that top 20%?',
             kind='figure',
             check="t = top_pct(0.20); d = per('1998-01-01', '1998-06-30')\n"
                   "a = float(d[d.cust.isin(t)].amt.sum())\n"
                   "dict(share=round(a / float(d.amt.sum()), 4), rev=round(a, 2), share_all=round(float(SPEND[SPEND.index.isin(t)].sum() / df.amt.sum()), 4))",
             figs=[F('share', 'top-20% share of 1998 H1 revenue'), F('rev', 'their 1998 H1 revenue')],
             must=[F('share_all', 'their share of all-time revenue (wrong period)')],
             period='1998-01-01..1998-06-30'),
    ]),
    dict(id='w3-033', persona=VP, turns=[
        dict(q='Give me a quick 360 on customer 14048',
             kind='figure',
             check="d = df[df.cust == 14048]\n"
                   "assert str(d.date.min().date()) == '1997-02-19' and str(d.date.max().date()) == '1998-06-30'\n"
                   "dict(spend=round(float(d.amt.sum()), 2), lines=len(d), pdays=int(d.date.nunique()), aov=aov(d))",
             figs=[F('spend', 'lifetime spend of 14048'), F('lines', 'orders (order lines) of 14048'), F('aov', 'AOV of 14048')],
             must=[],
             note='First purchase 1997-02-19, last 1998-06-30 (171 purchase days may be added).'),
        dict(q="What's his expected value over the next 52 weeks?",
             kind='model', tool='customer_value', check="dict()", figs=[], must=[]),
        dict(q='Why is he in that segment?',
             kind='model', tool='explain_customer_segment', check="dict()", figs=[], must=[]),
    ]),
    dict(id='w3-034', persona=VP, turns=[
        dict(q='Show me monthly revenue for the last 6 months with MoM change',
             kind='figure',
             check="ms = ['1998-01', '1998-02', '1998-03', '1998-04', '1998-05', '1998-06']\n"
                   "r = df.groupby(df.date.dt.to_period('M')).amt.sum()\n"
                   "v = [round(float(r[pd.Period(m)]), 2) for m in ms]\n"
                   "out = {f'rev_{m[-2:]}': v[i] for i, m in enumerate(ms)}\n"
                   "out.update({f'mom_{ms[i][-2:]}': chg(v[i], v[i - 1]) for i in range(1, 6)})\n"
                   "out",
             figs=[F('rev_01', 'revenue 1998-01'), F('rev_02', 'revenue 1998-02'), F('rev_03', 'revenue 1998-03'),
                   F('rev_04', 'revenue 1998-04'), F('rev_05', 'revenue 1998-05'), F('rev_06', 'revenue 1998-06'),
                   F('mom_02', 'MoM Feb'), F('mom_03', 'MoM Mar'), F('mom_04', 'MoM Apr'), F('mom_05', 'MoM May'), F('mom_06', 'MoM Jun')],
             must=[],
             period='1998-01-01..1998-06-30',
             note="Jan 1998's MoM vs Dec 1997 (-0.1969) may also be shown."),
        dict(q="What's last month's repeat rate vs the same month last year?",
             kind='figure',
             check="a = repeat_rate(per('1998-05-01', '1998-05-31')); b = repeat_rate(per('1997-05-01', '1997-05-31'))\n"
                   "dict(may98=a, may97=b, jun98=repeat_rate(per('1998-06-01', '1998-06-30')))",
             figs=[F('may98', 'repeat rate 1998-05'), F('may97', 'repeat rate 1997-05')],
             must=[F('jun98', 'repeat rate 1998-06 (this month, not last)')],
             period='1998-05-01..1998-05-31'),
    ]),
    dict(id='w3-035', persona=VP, turns=[
        dict(q='Which sales rep closed the most revenue last quarter? Also give me total revenue for last quarter.',
             kind='partial',
             check="dict(q1=rev('1998-01-01', '1998-03-31'), q2=rev('1998-04-01', '1998-06-30'))",
             figs=[F('q1', 'revenue 1998 Q1 (last quarter)')],
             must=[F('q2', 'revenue 1998 Q2 (this quarter)')],
             period='1998-01-01..1998-03-31',
             note='No salesperson data.'),
    ]),
]


def run_check(code, ns_base):
    ns = dict(ns_base)
    lines = code.rstrip('\n').split('\n')
    body, last = '\n'.join(lines[:-1]), lines[-1]
    exec(body, ns)
    return eval(last, ns)


def py(v):
    if hasattr(v, 'item'):
        v = v.item()
    return v


def adj(v, tol):
    # a small share/change (|v| < 0.1) quoted as a percent with one decimal (e.g. 0.4%) must still match:
    # allow +-0.05 percentage point.
    if isinstance(v, float) and v != 0 and abs(v) < 0.1:
        return round(max(tol, 0.0005 / abs(v)), 4)
    return tol


def build():
    base = {}
    exec(PRELUDE, base)
    items = []
    for it in ITEMS:
        turns = []
        for t in it['turns']:
            res = run_check(t['check'], base)
            exp = {'kind': t['kind']}
            if t.get('tool'):
                exp['tool'] = t['tool']
            if t['figs']:
                exp['figures'] = [{'value': py(res[n]), 'rel_tol': adj(py(res[n]), tol), 'what': f'[{n}] {w}'} for n, w, tol in t['figs']]
            if t['must']:
                exp['must_not'] = [{'value': py(res[n]), 'rel_tol': adj(py(res[n]), tol), 'what': f'[{n}] {w}'} for n, w, tol in t['must']]
            if t.get('period'):
                exp['period'] = t['period']
            turn = {'q': t['q'], 'expect': exp, 'check': t['check'].rstrip('\n') + '\n'}
            if t.get('note'):
                turn['note'] = t['note']
            turns.append(turn)
        items.append({'id': it['id'], 'persona': it['persona'], 'turns': turns})
    doc = {
        'writer': 'w3 (outside evaluator; wrote without seeing the product code, tests, prompts or other sets) — personas: '
                  '唱片/音像连锁老板, 市场部活动策划 (win-back), 财务分析师 (month-end close), US VP of Sales (English)',
        'data_end': '1998-06-30',
        'check_prelude': PRELUDE,
        'items': items,
    }

    class D(yaml.SafeDumper):
        pass

    def str_rep(dumper, data):
        if '\n' in data:
            return dumper.represent_scalar('tag:yaml.org,2002:str', data, style='|')
        return dumper.represent_scalar('tag:yaml.org,2002:str', data)
    D.add_representer(str, str_rep)
    with open(OUT, 'w', encoding='utf-8') as f:
        yaml.dump(doc, f, Dumper=D, allow_unicode=True, sort_keys=False, width=200)


def verify():
    doc = yaml.safe_load(open(OUT, encoding='utf-8'))
    base = {}
    exec(doc['check_prelude'], base)
    nconv = nturn = 0
    kinds = {}
    for it in doc['items']:
        nconv += 1
        assert 1 <= len(it['turns']) <= 4, it['id']
        for t in it['turns']:
            nturn += 1
            e = t['expect']
            kinds[e['kind']] = kinds.get(e['kind'], 0) + 1
            res = run_check(t['check'], base)
            assert isinstance(res, dict)
            for key in ('figures', 'must_not'):
                for fg in e.get(key, []):
                    name = fg['what'].split(']')[0][1:]
                    got = py(res[name])
                    assert math.isclose(got, fg['value'], rel_tol=1e-9, abs_tol=1e-9), (it['id'], name, got, fg['value'])
            # must_not figures must differ from expected ones beyond tolerance
            for m in e.get('must_not', []):
                for fg in e.get('figures', []):
                    assert not math.isclose(m['value'], fg['value'], rel_tol=max(m['rel_tol'], fg['rel_tol'])), (it['id'], m, fg)
    return base, nconv, nturn, kinds


def independent(base):
    """Cross-checks of key figures computed without the prelude helpers."""
    import pandas as pd
    raw = pd.read_csv('/tmp/team/CDNOW_master.txt', sep=r'\s+')
    raw.columns = ['cust', 'date', 'units', 'amt']
    raw['d'] = pd.to_datetime(raw.date.astype(str), format='%Y%m%d')
    assert len(raw) == 69659 and raw.cust.nunique() == 23570
    assert abs(raw.amt.sum() - 2500315.63) < 0.01
    y97 = raw[raw.d.dt.year == 1997]
    assert abs(y97.amt.sum() - 2024161.26) < 0.01
    # new customers in 1998
    assert raw.groupby('cust').d.min().max() < pd.Timestamp('1998-01-01')
    # inactive 180: last order <= 1998-01-01
    last = raw.groupby('cust').d.max()
    assert (last <= pd.Timestamp('1998-01-01')).sum() == len(base['inactive'](180))
    # no-1998 alternative reading of 半年 within tolerance
    assert abs((last <= pd.Timestamp('1997-12-31')).sum() / len(base['inactive'](180)) - 1) < 0.005
    # threshold >100 vs >=100 in March 1998
    m = raw[(raw.d >= '1998-03-01') & (raw.d <= '1998-03-31')]
    print('March98 >100:', (m.amt > 100).sum(), '>=100:', (m.amt >= 100).sum())
    # repeat rate 1997 independent
    p = y97.groupby('cust').d.nunique()
    print('repeat97', round((p >= 2).mean(), 4))


if __name__ == '__main__':
    build()
    base, nconv, nturn, kinds = verify()
    independent(base)
    print(f'OK: {nconv} conversations, {nturn} turns, kinds={kinds}')
