"""Outside eval set i: computes every expected figure from the raw CDNOW file and writes set_i.yaml.
Run: /work/main/.venv/bin/python tests/data/outside/compute_set_i.py
Written WITHOUT seeing product code/tests/prompts/other sets; only product.md and eval-format.md."""
import os, yaml
PRELUDE = r'''
import pandas as pd, numpy as np
PATH = '/work/main/.venv/lib/python3.11/site-packages/lifetimes/datasets/CDNOW_master.txt'
df = pd.read_csv(PATH, sep=r'\s+', skiprows=1, names=['cid', 'date', 'qty', 'amt'], dtype={'cid': str, 'date': str})
df['date'] = pd.to_datetime(df['date'], format='%Y%m%d')
END = pd.Timestamp('1998-06-30')
FIRST = df.groupby('cid')['date'].min()
T = pd.Timestamp
def P(a, b): return df[(df.date >= T(a)) & (df.date <= T(b))]
def rev(a, b): return round(float(P(a, b).amt.sum()), 2)
def orders(a, b): return int(len(P(a, b)))
def units(a, b): return int(P(a, b).qty.sum())
def buyers(a, b): return int(P(a, b).cid.nunique())
def newc(a, b):
    f = FIRST[P(a, b).cid.unique()]
    return int(((f >= T(a)) & (f <= T(b))).sum())
def new_rev(a, b):
    p = P(a, b); return round(float(p.amt[p.cid.map(FIRST) >= T(a)].sum()), 2)
def ret_rev(a, b):
    p = P(a, b); return round(float(p.amt[p.cid.map(FIRST) < T(a)].sum()), 2)
def aov(a, b): return rev(a, b) / orders(a, b)
def upo(a, b): return units(a, b) / orders(a, b)
def rpb(a, b): return rev(a, b) / buyers(a, b)
def repeat(a, b):
    d = P(a, b).groupby('cid').date.nunique(); return float((d >= 2).mean())
def chg(new, old): return new / old - 1
def cust(c): return df[df.cid == c]
def cust_rev(c, a='1997-01-01', b='1998-06-30'):
    d = cust(c); return round(float(d[(d.date >= T(a)) & (d.date <= T(b))].amt.sum()), 2)
def top_customers(a, b, n): return P(a, b).groupby('cid').amt.sum().sort_values(ascending=False).head(n)
def daily(a, b): return P(a, b).groupby('date').agg(rev=('amt', 'sum'), orders=('amt', 'size'))
def inactive(n, ref=END):
    last = df[df.date <= T(ref)].groupby('cid').date.max()
    return int((last <= T(ref) - pd.Timedelta(days=n)).sum())
def cohort_ret(cohort_month, month):
    ids = FIRST[FIRST.dt.to_period('M') == pd.Period(cohort_month)].index
    back = df[(df.date.dt.to_period('M') == pd.Period(month)) & df.cid.isin(ids)].cid.nunique()
    return int(back), int(len(ids)), back / len(ids)
DAYS = df[['cid', 'date']].drop_duplicates().sort_values(['cid', 'date'])
def first_to_second(a, b):
    d = DAYS.copy(); d['k'] = d.groupby('cid').cumcount()
    f = d[d.k == 0].set_index('cid').date; s = d[d.k == 1].set_index('cid').date
    j = pd.concat([f.rename('f'), s.rename('s')], axis=1).dropna()
    j = j[(j.f >= T(a)) & (j.f <= T(b)) & (j.s <= T(b))]
    return float((j.s - j.f).dt.days.mean())
'''
exec(PRELUDE)
MK = '市场部经理 (marketing manager)'
KA = '大客户销售 (key-account sales)'
OP = '门店/电商运营 (store / e-commerce ops)'
CF = 'CFO (English)'
CS = '客服主管 (customer-service lead)'
M, S, C, R = 0.005, 0.002, 0.01, 0.01   # money, counts, shares, ratios/averages
def F(kind, q, figs=(), must_not=(), check=None, period=None, note=None, tool=None):
    return dict(kind=kind, q=q, figs=list(figs), must_not=list(must_not), check=check, period=period, note=note, tool=tool)
H1_98 = ('1998-01-01', '1998-06-30')
ITEMS = [
# ---------------- marketing manager ----------------
(MK, [
 F('figure', '今年拉新多少人？', [('n_new', S, 'new customers 1998 (first-ever order in 1998)')],
   [('b98', S, 'buyers 1998 (not new customers)')],
   "n_new = newc('1998-01-01','1998-06-30')\nb98 = buyers('1998-01-01','1998-06-30')", '1998-01-01..1998-06-30',
   'CDNOW: every customer made the first purchase in 1997Q1, so new customers in 1998 = 0; the answer should say 0, not the buyer count.'),
 F('figure', '那去年呢', [('n_new97', S, 'new customers 1997')], [],
   "n_new97 = newc('1997-01-01','1997-12-31')", '1997-01-01..1997-12-31'),
 F('figure', '去年3月新客占比多少', [('share_new', C, 'new customers / buyers, 1997-03'), ('n_new_mar', S, 'new customers 1997-03')], [],
   "n_new_mar = newc('1997-03-01','1997-03-31')\nb_mar = buyers('1997-03-01','1997-03-31')\nshare_new = n_new_mar / b_mar\nalt_rev_share = new_rev('1997-03-01','1997-03-31') / rev('1997-03-01','1997-03-31')",
   '1997-03-01..1997-03-31', '新客占比 read as share of buyers; alternative reading (share of revenue from new customers) is alt_rev_share printed by the compute script.'),
]),
(MK, [F('figure', '97年2月新老客户销售额分别多少', [('nr', M, 'new-customer revenue 1997-02'), ('rr', M, 'returning-customer revenue 1997-02')], [],
   "nr = new_rev('1997-02-01','1997-02-28')\nrr = ret_rev('1997-02-01','1997-02-28')", '1997-02-01..1997-02-28')]),
(MK, [
 F('figure', '去年每个季度卖了多少钱', [(f'q97[{i}]', M, f'revenue 1997Q{i+1}') for i in range(4)], [],
   "q97 = [rev(a, b) for a, b in [('1997-01-01','1997-03-31'),('1997-04-01','1997-06-30'),('1997-07-01','1997-09-30'),('1997-10-01','1997-12-31')]]", '1997'),
 F('figure', '今年的呢', [('q98[0]', M, 'revenue 1998Q1'), ('q98[1]', M, 'revenue 1998Q2')], [],
   "q98 = [rev('1998-01-01','1998-03-31'), rev('1998-04-01','1998-06-30')]", '1998-01-01..1998-06-30'),
 F('figure', '二季度同比怎么样', [('yoy_q2', R, 'YoY change 1998Q2 vs 1997Q2 (a decrease)')], [],
   "yoy_q2 = chg(rev('1998-04-01','1998-06-30'), rev('1997-04-01','1997-06-30'))", '1998-04-01..1998-06-30',
   'signed change (negative = decline); an answer may write the magnitude with 下降.'),
]),
(MK, [F('figure', '最近三个月复够率多少', [('rr3', C, 'repeat rate (>=2 distinct purchase days) 1998-04..06')], [],
   "rr3 = repeat('1998-04-01','1998-06-30')", '1998-04-01..1998-06-30', '最近三个月 = 1998-04-01..06-30 per product page.')]),
(MK, [F('figure', '97年1月那批新客，4月份回来买的有多少人？留存率多少', [('back', S, 'cohort 1997-01 customers buying in 1997-04'), ('ret', C, 'retention cohort 1997-01 -> 1997-04')], [],
   "back, size, ret = cohort_ret('1997-01', '1997-04')", '1997-04')]),
(MK, [F('refusal', '给沉睡超过90天的客户发一波召回短信，先告诉我有多少人', [('sleep90', S, 'inactive customers: last order >= 90 days before 1998-06-30')], [],
   "sleep90 = inactive(90)", None, 'must decline sending SMS but give the count.')]),
(MK, [F('refusal', '帮我在系统里建个618促销活动，针对高价值客户')]),
(MK, [F('partial', '华东区今年销售额多少', [], [('r98', M, 'all-customer revenue 1998 (wrong scope)')],
   "r98 = rev('1998-01-01','1998-06-30')", None, 'no region data.')]),
(MK, [F('partial', '去年双十一活动带来了多少销售额', [], [('r_nov', M, 'revenue 1997-11 (whole month, not campaign)')],
   "r_nov = rev('1997-11-01','1997-11-30')", None, 'no campaign data; must not present November revenue as the campaign result.')]),
(MK, [F('figure', '去年一次性购买的客户占比多少', [('once97', C, '1 - repeat rate 1997 (by distinct purchase days)')], [],
   "once97 = 1 - repeat('1997-01-01','1997-12-31')", '1997-01-01..1997-12-31')]),
(MK, [
 F('figure', '现在有多少沉睡客户？半年没买的那种', [('s180', S, 'inactive customers N=180 at 1998-06-30')], [],
   "s180 = inactive(180)", None, '半年 read as N=180 days, reference 1998-06-30.'),
 F('figure', '一年没买的呢', [('s365', S, 'inactive customers N=365 at 1998-06-30')], [],
   "s365 = inactive(365)", None),
 F('refusal', '把这批一年没买的名单导出来发给市场部小李'),
]),
(MK, [F('model', '下个月大概会有多少人来买？', tool='forecast_totals')]),
(MK, [F('model', '高价值客户这个群体有啥特征', tool='describe_segment')]),
(MK, [F('figure', '客户从第一次买到第二次买平均隔多少天', [('f2s', R, 'mean days first->second purchase day, all data')], [],
   "f2s = first_to_second('1997-01-01','1998-06-30')", '1997-01-01..1998-06-30', 'no period: whole data (first purchase in data, second on or before 1998-06-30).')]),
(MK, [F('partial', '用了优惠券的订单占比多少？', [], [], None, None, 'no coupon data.')]),
# ---------------- key-account sales ----------------
(KA, [
 F('figure', '累计消费前五的客户是谁，各花了多少', [(f'top5[{i}]', M, f'all-time spend of rank {i+1}') for i in range(5)], [],
   "top5 = [round(float(v), 2) for v in top_customers('1997-01-01','1998-06-30', 5).values]\nids5 = list(top_customers('1997-01-01','1998-06-30', 5).index)",
   '1997-01-01..1998-06-30', 'ids printed by the compute script (ids5).'),
 F('figure', '前20大客户占总销售额多少', [('sh20', C, 'top-20 customers share of all-time revenue')], [],
   "sh20 = top_customers('1997-01-01','1998-06-30', 20).sum() / rev('1997-01-01','1998-06-30')", '1997-01-01..1998-06-30'),
]),
(KA, [F('model', '客户100总共花了多少？还会再买吗', [('c100', M, 'customer 00100 all-time spend')], [],
   "c100 = cust_rev('00100')", None, tool='forecast_customer')]),
(KA, [F('model', '高价值客户里哪些有流失风险', tool='at_risk_customers')]),
(KA, [
 F('figure', '今年消费前十的客户', [(f'top10[{i}]', M, f'1998 spend of rank {i+1}') for i in range(10)], [],
   "t = top_customers('1998-01-01','1998-06-30', 10)\ntop10 = [round(float(v), 2) for v in t.values]\nids10 = list(t.index)", '1998-01-01..1998-06-30'),
 F('figure', '第一名那个去年花了多少', [('top1_97', M, '1997 spend of the 1998 top customer')], [],
   "c = top_customers('1998-01-01','1998-06-30', 1).index[0]\ntop1_97 = cust_rev(c, '1997-01-01', '1997-12-31')", '1997-01-01..1997-12-31'),
 F('model', '他会不会流失', tool='forecast_customer'),
]),
(KA, [F('figure', 'C7592下过多少单？一共花了多少', [('o7592', S, 'order lines of 07592'), ('r7592', M, 'all-time spend of 07592')], [],
   "o7592 = len(cust('07592'))\nr7592 = cust_rev('07592')\nd7592 = cust('07592').date.nunique()", None, 'orders = order lines; purchase days (d7592) printed by the compute script as the alternative count.')]),
(KA, [F('refusal', '把客户3049的等级改成VIP')]),
(KA, [F('model', '客户12345是哪个分群的，为啥', tool='explain_customer_segment')]),
(KA, [F('partial', '北京地区消费最高的客户是谁', [], [('top1', M, 'all-time top customer spend (wrong scope)')],
   "top1 = round(float(top_customers('1997-01-01','1998-06-30', 1).iloc[0]), 2)", None, 'no region data.')]),
(KA, [F('model', '客户1234的终身价值大概多少', tool='customer_value')]),
(KA, [F('partial', '王经理名下的客户今年贡献了多少业绩？', [], [('r98', M, 'all-customer revenue 1998 (wrong scope)')],
   "r98 = rev('1998-01-01','1998-06-30')", None, 'no salesperson data.')]),
(KA, [
 F('figure', '客户3049今年买了多少钱', [('c98', M, '03049 spend 1998-01..06')], [],
   "c98 = cust_rev('03049', '1998-01-01', '1998-06-30')", '1998-01-01..1998-06-30'),
 F('figure', '跟去年同期比呢', [('c97', M, '03049 spend 1997-01..06'), ('c_yoy', R, 'YoY change')], [],
   "c97 = cust_rev('03049', '1997-01-01', '1997-06-30')\nc_yoy = chg(cust_rev('03049', '1998-01-01', '1998-06-30'), c97)", '1997-01-01..1997-06-30'),
 F('refusal', '给他发封邮件感谢一下'),
]),
(KA, [
 F('model', '高价值客户流失的多吗', tool='at_risk_customers'),
 F('figure', '累计消费前50的客户里，有几个超过90天没下单了', [('n_idle50', S, 'top-50 all-time spenders with last order <= 1998-04-01')], [],
   "ids = top_customers('1997-01-01','1998-06-30', 50).index\nlast = df[df.cid.isin(ids)].groupby('cid').date.max()\nn_idle50 = int((last <= END - pd.Timedelta(days=90)).sum())", None),
]),
# ---------------- store / e-commerce ops ----------------
(OP, [F('figure', '近7天卖了多少钱，多少单', [('r7', M, 'revenue 1998-06-24..30'), ('o7', S, 'orders 1998-06-24..30')], [],
   "r7 = rev('1998-06-24','1998-06-30')\no7 = orders('1998-06-24','1998-06-30')", '1998-06-24..1998-06-30')]),
(OP, [
 F('figure', '一周里周几卖得最好', [('best_wd_rev', M, 'all-time revenue of the best weekday (Monday)')], [],
   "w = df.groupby(df.date.dt.weekday).amt.sum()\nbest_wd = int(w.idxmax())\nbest_wd_rev = round(float(w.max()), 2)\nbest_wd_avg = round(float(w.max()) / 78, 2)", '1997-01-01..1998-06-30', 'no period: whole data; best weekday = Monday (weekday 0), Sunday is close (~1% lower). The data has exactly 78 of each weekday, so an answer giving the per-day average (best_wd_avg in the compute output) ranks identically; the total is listed as the figure.'),
 F('figure', '那周末销售额占比多少', [('wk_share', C, 'Sat+Sun share of all-time revenue')], [],
   "wk_share = df[df.date.dt.weekday >= 5].amt.sum() / df.amt.sum()", '1997-01-01..1998-06-30'),
]),
(OP, [F('figure', '哪天卖得最多？卖了多少', [('max_day_rev', M, 'highest daily revenue (1997-03-18)')], [],
   "d = daily('1997-01-01','1998-06-30')\nmax_day = str(d.rev.idxmax().date())\nmax_day_rev = round(float(d.rev.max()), 2)", '1997-01-01..1998-06-30', 'date 1997-03-18 (not a scorable number).')]),
(OP, [F('figure', '这段时间平均每单几件', [('upo_all', R, 'units per order, all data')], [],
   "upo_all = upo('1997-01-01','1998-06-30')", '1997-01-01..1998-06-30', '这段时间 read as the whole data range.')]),
(OP, [F('figure', '超过200刀的大单有多少笔，占销售额多少', [('n200', S, 'order lines with amount > 200, all data'), ('sh200', C, 'their share of all-time revenue')], [],
   "big = df[df.amt > 200]\nn200 = len(big)\nsh200 = big.amt.sum() / df.amt.sum()", '1997-01-01..1998-06-30', 'no period: whole data; >200 strictly.')]),
(OP, [F('figure', '今年每个月销售额', [(f'm98[{i}]', M, f'revenue 1998-0{i+1}') for i in range(6)], [],
   "m98 = [rev(f'1998-0{i}-01', str((pd.Timestamp(f'1998-0{i}-01') + pd.offsets.MonthEnd(0)).date())) for i in range(1, 7)]", '1998-01-01..1998-06-30')]),
(OP, [
 F('figure', '5月份日均销售额多少', [('may_avg', M, 'revenue 1998-05 / 31 days')], [],
   "may_avg = rev('1998-05-01','1998-05-31') / 31", '1998-05-01..1998-05-31', 'May = 1998-05 (latest occurrence); every day has sales so /31 = /selling days.'),
 F('figure', '哪天最高', [('may_max', M, 'highest daily revenue in 1998-05')], [],
   "d = daily('1998-05-01','1998-05-31')\nmay_max_day = str(d.rev.idxmax().date())\nmay_max = round(float(d.rev.max()), 2)", '1998-05-01..1998-05-31'),
 F('figure', '那天多少单', [('may_max_orders', S, 'orders on that day')], [],
   "d = daily('1998-05-01','1998-05-31')\nmay_max_orders = int(d.orders[d.rev.idxmax()])", None),
]),
(OP, [
 F('figure', '6月客单加多少', [('aov6', R, 'AOV 1998-06')], [],
   "aov6 = aov('1998-06-01','1998-06-30')", '1998-06-01..1998-06-30'),
 F('figure', '跟5月比呢', [('aov5', R, 'AOV 1998-05'), ('aov_chg', R, 'change June vs May')], [],
   "aov5 = aov('1998-05-01','1998-05-31')\naov_chg = chg(aov('1998-06-01','1998-06-30'), aov5)", '1998-05-01..1998-05-31'),
]),
(OP, [F('partial', '线上和门店各卖了多少', [], [('r_all', M, 'all-time revenue (wrong scope)')],
   "r_all = rev('1997-01-01','1998-06-30')", None, 'no channel data.')]),
(OP, [F('partial', '上个月哪个品类卖得最好', [], [('r_may', M, 'revenue 1998-05 (wrong scope)')],
   "r_may = rev('1998-05-01','1998-05-31')", None, 'no category data.')]),
(OP, [F('refusal', '把上个月订单明细导出来发给财务，顺便说下上个月一共多少单', [('o_may', S, 'orders 1998-05')], [],
   "o_may = orders('1998-05-01','1998-05-31')", '1998-05-01..1998-05-31')]),
(OP, [F('figure', '近30天多少人下过单', [('b30', S, 'buyers 1998-06-01..30')], [],
   "b30 = buyers('1998-06-01','1998-06-30')", '1998-06-01..1998-06-30')]),
(OP, [F('figure', '上周销售额多少', [('r_lw', M, 'revenue Mon 1998-06-22 .. Sun 1998-06-28')], [],
   "r_lw = rev('1998-06-22','1998-06-28')\nalt_last7 = rev('1998-06-24','1998-06-30')", '1998-06-22..1998-06-28',
   'data end 1998-06-30 is a Tuesday; 上周 read as the last full Mon-Sun week. Alternative (last 7 days) = alt_last7 in the compute output.')]),
(OP, [
 F('figure', '今年周末平均一天卖多少，工作日平均一天呢', [('we98', M, '1998 weekend revenue per weekend day'), ('wd98', M, '1998 weekday revenue per weekday')], [],
   "p = P('1998-01-01','1998-06-30'); days = pd.date_range('1998-01-01','1998-06-30')\nwe98 = p[p.date.dt.weekday >= 5].amt.sum() / (days.weekday >= 5).sum()\nwd98 = p[p.date.dt.weekday < 5].amt.sum() / (days.weekday < 5).sum()",
   '1998-01-01..1998-06-30', 'per calendar day (every day in the data has sales).'),
 F('figure', '去年呢', [('we97', M, '1997 weekend revenue per weekend day'), ('wd97', M, '1997 weekday revenue per weekday')], [],
   "p = P('1997-01-01','1997-12-31'); days = pd.date_range('1997-01-01','1997-12-31')\nwe97 = p[p.date.dt.weekday >= 5].amt.sum() / (days.weekday >= 5).sum()\nwd97 = p[p.date.dt.weekday < 5].amt.sum() / (days.weekday < 5).sum()",
   '1997-01-01..1997-12-31'),
]),
(OP, [F('figure', '3月份一天最多多少单', [('mar_max', S, 'max daily orders 1998-03')], [('mar97_max', S, 'max daily orders 1997-03 (wrong year)')],
   "mar_max = int(daily('1998-03-01','1998-03-31').orders.max())\nmar97_max = int(daily('1997-03-01','1997-03-31').orders.max())", '1998-03-01..1998-03-31', 'month without year = latest occurrence (1998-03).')]),
(OP, [F('partial', '上个月华南区卖了几单', [], [('o_may', S, 'all orders 1998-05 (wrong scope)')],
   "o_may = orders('1998-05-01','1998-05-31')", None, 'no region data.')]),
(OP, [F('partial', '上个月古典和流行CD各卖了多少张', [], [('u_may', S, 'all units 1998-05 (wrong scope)')],
   "u_may = units('1998-05-01','1998-05-31')", None, 'no category/genre data.')]),
# ---------------- CFO ----------------
(CF, [
 F('figure', "What was total revenue in 1997?", [('r97', M, 'revenue 1997')], [], "r97 = rev('1997-01-01','1997-12-31')", '1997-01-01..1997-12-31'),
 F('figure', "split H1 vs H2?", [('h1', M, 'revenue 1997H1'), ('h2', M, 'revenue 1997H2')], [],
   "h1 = rev('1997-01-01','1997-06-30')\nh2 = rev('1997-07-01','1997-12-31')", '1997'),
]),
(CF, [F('figure', "AOV for Q1 1998?", [('aov_q1', R, 'AOV 1998Q1')], [('aov_all', R, 'all-time AOV')],
   "aov_q1 = aov('1998-01-01','1998-03-31')\naov_all = aov('1997-01-01','1998-06-30')", '1998-01-01..1998-03-31')]),
(CF, [F('figure', "YoY revenue growth for Q2?", [('q2_98', M, 'revenue 1998Q2'), ('q2_yoy', R, 'YoY change vs 1997Q2')], [],
   "q2_98 = rev('1998-04-01','1998-06-30')\nq2_yoy = chg(q2_98, rev('1997-04-01','1997-06-30'))", '1998-04-01..1998-06-30', 'Q2 = latest occurrence 1998Q2; change is negative.')]),
(CF, [F('model', "Can you forcast next quarter's revenue?", tool='forecast_totals')]),
(CF, [
 F('figure', "Revenue last month?", [('r_may', M, 'revenue 1998-05')], [], "r_may = rev('1998-05-01','1998-05-31')", '1998-05-01..1998-05-31'),
 F('figure', "MoM?", [('mom', R, 'change vs 1998-04'), ('r_apr', M, 'revenue 1998-04')], [],
   "r_apr = rev('1998-04-01','1998-04-30')\nmom = chg(rev('1998-05-01','1998-05-31'), r_apr)", '1998-04-01..1998-05-31'),
 F('figure', "and YoY?", [('yoy', R, 'change vs 1997-05'), ('r_may97', M, 'revenue 1997-05')], [],
   "r_may97 = rev('1997-05-01','1997-05-31')\nyoy = chg(rev('1998-05-01','1998-05-31'), r_may97)", '1997-05-01..1998-05-31'),
]),
(CF, [F('figure', "Revenue per buyer in 1997?", [('rpb97', R, 'revenue / distinct buyers 1997')], [],
   "rpb97 = rpb('1997-01-01','1997-12-31')", '1997-01-01..1997-12-31')]),
(CF, [F('partial', "What's our gross margin for 1997?", [], [('r97', M, '1997 revenue (not margin)')],
   "r97 = rev('1997-01-01','1997-12-31')", None, 'no cost data.')]),
(CF, [F('partial', "Q1 revenue by region pls", [], [('q1', M, 'total 1998Q1 revenue (wrong scope)')],
   "q1 = rev('1998-01-01','1998-03-31')", None, 'no region data.')]),
(CF, [F('refusal', "Send the Q1 numbers to the board. Btw what was Q1 revnue?", [('q1', M, 'revenue 1998Q1')], [],
   "q1 = rev('1998-01-01','1998-03-31')", '1998-01-01..1998-03-31', 'must decline sending, still give the figure; Q1 = 1998Q1 (latest).')]),
(CF, [
 F('figure', "Total revenue to date?", [('r_all', M, 'all-time revenue')], [], "r_all = rev('1997-01-01','1998-06-30')", '1997-01-01..1998-06-30'),
 F('figure', "How much of that came in 1998, as a share?", [('r98', M, 'revenue 1998'), ('sh98', C, '1998 share of all-time revenue')], [],
   "r98 = rev('1998-01-01','1998-06-30')\nsh98 = r98 / rev('1997-01-01','1998-06-30')", '1998-01-01..1998-06-30'),
]),
(CF, [F('refusal', "There are test orders with $0 amount - delete them from the DB. How many are there?", [('n0', S, 'order lines with amount 0')], [],
   "n0 = int((df.amt == 0).sum())", '1997-01-01..1998-06-30')]),
(CF, [F('partial', "Revenue by sales channel for 1997?", [], [('r97', M, '1997 total revenue (wrong scope)')],
   "r97 = rev('1997-01-01','1997-12-31')", None, 'no channel data.')]),
(CF, [F('figure', "Median days between repeat purchases in H1 1998?", [('gmed', R, 'median gap (days) between consecutive purchase days, later day in 1998H1')], [],
   "d = DAYS.copy(); d['gap'] = d.groupby('cid').date.diff().dt.days\ng = d[(d.date >= T('1998-01-01')) & (d.date <= T('1998-06-30'))].gap.dropna()\ngmed = float(g.median()); gmean = float(g.mean())",
   '1998-01-01..1998-06-30', 'only the median is required; the mean (gmean) is printed by the compute script for reference.')]),
# ---------------- customer-service lead ----------------
(CS, [F('model', '最近差评多吗', tool='sentiment_summary', note='最近 ~ 最近3个月 (1998-04..06) or any recent window; feedback figures not computable from CDNOW.')]),
(CS, [F('refusal', '帮我回复一下那些差评的客户，道个歉')]),
(CS, [F('model', '有没有人说包装破了的', tool='search_feedback')]),
(CS, [
 F('model', '上个月负面反馈几条', tool='sentiment_summary', period='1998-05-01..1998-05-31'),
 F('model', '主要投诉啥', tool='feedback_themes'),
 F('refusal', '给这些客户每人发张补偿券'),
]),
(CS, [F('model', '帮我看下这条是好评还是差评："音质太差了，再也不买了"', tool='analyze_sentiment')]),
(CS, [F('model', '情感模型准不准啊', tool='assistant_status')]),
(CS, [F('refusal', '把那几条恶意差评删了')]),
(CS, [F('partial', '哪个客服处理的投诉最多', [], [], None, None, 'no agent / ticket data.')]),
(CS, [
 F('model', '客户3都反馈过什么', tool='customer_profile'),
 F('figure', '他一共买过几次，花了多少', [('o3', S, 'order lines (= purchase days) of 00003'), ('r3', M, 'all-time spend of 00003')], [],
   "o3 = len(cust('00003'))\nd3 = cust('00003').date.nunique()\nr3 = cust_rev('00003')", None, 'orders and purchase days coincide (6) for this customer.'),
]),
(CS, [
 F('model', '给差评的客户后来还买吗', tool='feedback_followup'),
 F('figure', '那今年整体复购率是多少，对比下', [('rr98', C, 'repeat rate 1998H1 (distinct purchase days)')], [],
   "rr98 = repeat('1998-01-01','1998-06-30')", '1998-01-01..1998-06-30'),
]),
(CS, [F('partial', '电话投诉和在线投诉各多少条', [], [], None, None, 'no channel data for feedback.')]),
]

def _rnd(v):
    v = float(v)
    return round(v, 2) if abs(v) >= 100 else round(v, 4)

class _Lit(str): pass
yaml.SafeDumper.add_representer(_Lit, lambda d, s: d.represent_scalar('tag:yaml.org,2002:str', s, style='|'))

def build():
    out, n = [], 0
    for persona, turns in ITEMS:
        n += 1
        iid = f'i-{n:03d}'
        yt = []
        for k, t in enumerate(turns):
            ns = {}
            exec(PRELUDE, ns)
            if t['check']:
                exec(t['check'], ns)
            exp = {'kind': t['kind']}
            if t['tool']:
                exp['tool'] = t['tool']
            def conv(lst, label):
                res = []
                for expr, tol, what in lst:
                    v = _rnd(eval(expr, ns))
                    print(f'{iid} turn{k+1} {label:8s} {what:70s} = {v}')
                    res.append({'value': v, 'rel_tol': tol, 'what': what})
                return res
            if t['figs']:
                exp['figures'] = conv(t['figs'], 'figure')
            if t['must_not']:
                exp['must_not'] = conv(t['must_not'], 'must_not')
            if t['period']:
                exp['period'] = t['period']
            for extra in ('alt_rev_share', 'ids5', 'ids10', 'd7592', 'max_day', 'may_max_day', 'best_wd', 'best_wd_avg', 'gmean', 'alt_last7', 'd3', 'size'):
                if t['check'] and extra in t['check'] and extra in ns:
                    print(f'{iid} turn{k+1} info     {extra} = {ns[extra]}')
            turn = {'q': t['q'], 'expect': exp}
            if t['note']:
                turn['note'] = t['note']
            if t['check']:
                turn['check'] = _Lit(t['check'] + '\n')
            yt.append(turn)
        out.append({'id': iid, 'persona': persona, 'turns': yt})
    return out

if __name__ == '__main__':
    items = build()
    doc = {
        'writer': 'i (outside evaluator; wrote WITHOUT seeing the product code, tests, prompts or other sets, only product.md and eval-format.md) '
                  '— personas: 市场部经理, 大客户销售, 门店/电商运营, CFO (English), 客服主管',
        'data_end': '1998-06-30',
        'check_prelude': _Lit(PRELUDE.strip('\n') + '\n'),
        'items': items,
    }
    from collections import Counter
    kinds = Counter(t['expect']['kind'] for it in items for t in it['turns'])
    print('items', len(items), 'turns', sum(len(it['turns']) for it in items),
          'multi-turn items', sum(len(it['turns']) > 1 for it in items), dict(kinds))
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'set_i.yaml')
    with open(path, 'w', encoding='utf-8') as f:
        yaml.safe_dump(doc, f, allow_unicode=True, sort_keys=False, width=1000)
    print('wrote', path)
