"""compute_set_r1.py — r1 (outside evaluator). Computes every expected figure of set_r1.yaml with pandas
over the raw CDNOW file and prints them.

    python compute_set_r1.py               # print all figures and verify they equal set_r1.yaml
    python compute_set_r1.py --write-yaml  # (re)generate set_r1.yaml from the definitions below
"""
import sys, os, yaml

PRELUDE = r'''import pandas as pd, numpy as np
F = '/work/main/.venv/lib/python3.11/site-packages/lifetimes/datasets/CDNOW_master.txt'
df = pd.read_csv(F, sep=r'\s+', header=0, names=['cust', 'date', 'units', 'amt'], dtype={'date': str, 'cust': str})
df['date'] = pd.to_datetime(df['date'], format='%Y%m%d')
END = pd.Timestamp('1998-06-30')                       # "now" = last order date
FIRST = df.groupby('cust').date.min()                  # first order date per customer (all-time)
LAST = df.groupby('cust').date.max()                   # last order date per customer
SPEND = df.groupby('cust').amt.sum()                   # lifetime spend per customer
PD = df[['cust', 'date']].drop_duplicates().sort_values(['cust', 'date'])   # purchase days
def sub(a, b):                      # order lines with a <= date <= b (inclusive, 'YYYY-MM-DD')
    return df[(df.date >= a) & (df.date <= b)]
def r(x, n=2):
    return round(float(x), n)
def stats(a, b):                    # revenue, orders (=lines), units, buyers, AOV, units/order, rev/buyer
    d = sub(a, b); rev = d.amt.sum(); o = len(d); u = d.units.sum(); byr = d.cust.nunique()
    return dict(rev=r(rev), orders=o, units=int(u), buyers=byr, aov=r(rev / o), upo=r(u / o, 4),
                rpb=r(rev / byr), opb=r(o / byr, 4))
def pct(new, old):                  # relative change as a share (-0.1776 = -17.76%)
    return r(new / old - 1, 4)
def repeat(a, b):                   # repeat rate / one-time share of the period's buyers (purchase days IN period)
    n = PD[(PD.date >= a) & (PD.date <= b)].groupby('cust').size()
    return dict(buyers=len(n), repeat=r((n >= 2).mean(), 4), one_time=r((n == 1).mean(), 4))
def newret(a, b):                   # new = first order (all-time) inside [a, b]; returning = ordered before a
    d = sub(a, b); isnew = d.cust.map(FIRST) >= pd.Timestamp(a)
    return dict(new=int(d[isnew].cust.nunique()), returning=int(d[~isnew].cust.nunique()),
                rev_new=r(d[isnew].amt.sum()), rev_ret=r(d[~isnew].amt.sum()),
                share_new=r(d[isnew].amt.sum() / d.amt.sum(), 4), share_ret=r(d[~isnew].amt.sum() / d.amt.sum(), 4))
def gaps(a, b):                     # gaps between consecutive purchase days whose later day is in [a, b]
    g = PD.assign(gap=PD.groupby('cust').date.diff().dt.days)
    g = g[(g.date >= a) & (g.date <= b)].gap.dropna()
    return dict(n=len(g), mean=r(g.mean(), 2), median=r(g.median(), 1))
def first2second():                 # days from first to second purchase day (customers with >= 2 purchase days)
    g = PD.groupby('cust').date.apply(lambda s: (s.iloc[1] - s.iloc[0]).days if len(s) > 1 else np.nan).dropna()
    return dict(n=len(g), mean=r(g.mean(), 2), median=r(g.median(), 1))
def inactive_ids(n):                # customers whose last order is >= n days before END
    return LAST[(END - LAST).dt.days >= n].index
def inactive(n):
    c = inactive_ids(n)
    return dict(n=len(c), share=r(len(c) / len(LAST), 4))
def cohort(m, k):                   # cohort = first order in month m ('YYYY-MM'); share with an order in month m+k
    fm = FIRST.dt.to_period('M'); c = fm[fm == pd.Period(m)].index
    act = df[(df.date.dt.to_period('M') == pd.Period(m) + k) & df.cust.isin(c)].cust.nunique()
    return dict(size=len(c), active=act, ret=r(act / len(c), 4))
def top(a, b, n):                   # top n customers by revenue in [a, b]
    s = sub(a, b).groupby('cust').amt.sum().sort_values(ascending=False).head(n)
    return dict(ids=list(s.index), amts=[r(v) for v in s.values], total=r(s.sum()))
def weekly(a, b):                   # revenue per Monday-start week inside [a, b]
    d = sub(a, b); wk = d.date - pd.to_timedelta(d.date.dt.weekday, unit='D')
    return {str(k.date()): r(v) for k, v in d.groupby(wk).amt.sum().items()}
def monthly(a, b, col='amt', how='sum'):
    d = sub(a, b); g = d.groupby(d.date.dt.to_period('M'))[col]
    return {str(k): (r(v) if how == 'sum' else int(v)) for k, v in getattr(g, how)().items()}
def cust(c):                        # one customer's history
    d = df[df.cust == c]
    return dict(orders=len(d), purchase_days=d.date.nunique(), rev=r(d.amt.sum()), units=int(d.units.sum()),
                first=str(FIRST[c].date()), last=str(LAST[c].date()), days_since_last=int((END - LAST[c]).days),
                max_line=r(d.amt.max()), rev_1998=r(d[d.date.dt.year == 1998].amt.sum()))
'''

P1 = '电商运营经理（准备每周运营复盘周会）'
P2 = '会员中心负责人（会员分层、复购、流失召回）'
P3 = '客服经理（处理升级投诉）'
P4 = 'Head of Sales APAC (English speaker)'
H1_98 = "'1998-01-01', '1998-06-30'"

# Each turn: q, kind, period, check (one expression over the prelude), figures/must_not as
# (path into the check result, what, rel_tol), tool (for kind model), note.
ITEMS = [
# ------------------------------------------------------------------ P1 电商运营经理
dict(id='r1-001', persona=P1, turns=[
  dict(q='周会要用，先给我上周（6.22-6.28）的销售额、订单数跟客单价',
       kind='figure', period='1998-06-22..1998-06-28',
       check="dict(w=stats('1998-06-22', '1998-06-28'), jun=stats('1998-06-01', '1998-06-30'), last7=stats('1998-06-24', '1998-06-30'))",
       figures=[('w.rev', '[revenue] 1998-06-22..06-28', 0.005), ('w.orders', '[orders] 1998-06-22..06-28', 0.005),
                ('w.aov', '[AOV] 1998-06-22..06-28', 0.01)],
       must_not=[('jun.rev', 'whole June 1998 revenue (wrong period)', 0.005),
                 ('last7.rev', 'last 7 days 06-24..06-30 revenue (wrong week)', 0.003)],
       note='week given explicitly (Mon 06-22 .. Sun 06-28).'),
  dict(q='比上上周（6.15-6.21）是涨是跌？幅度多少',
       kind='figure', period='1998-06-15..1998-06-21 vs 1998-06-22..1998-06-28',
       check="dict(p=stats('1998-06-15', '1998-06-21'), chg=pct(stats('1998-06-22', '1998-06-28')['rev'], stats('1998-06-15', '1998-06-21')['rev']))",
       figures=[('p.rev', '[revenue] previous week 1998-06-15..06-21', 0.005),
                ('chg', '[revenue change] week 06-22..28 vs 06-15..21 (about -17.8%)', 0.02)]),
  dict(q='把6月按周拆开看看，周一到周日算，最后那两天单独一段就行',
       kind='figure', period='1998-06-01..1998-06-30',
       check="weekly('1998-06-01', '1998-06-30')",
       figures=[('1998-06-01', '[revenue] week 1998-06-01..06-07', 0.005), ('1998-06-08', '[revenue] week 1998-06-08..06-14', 0.005),
                ('1998-06-15', '[revenue] week 1998-06-15..06-21', 0.005), ('1998-06-22', '[revenue] week 1998-06-22..06-28', 0.005),
                ('1998-06-29', '[revenue] 1998-06-29..06-30 (partial week)', 0.005)],
       note='1998-06-01 is a Monday, so June splits into 4 full Mon-Sun weeks + 2 days.'),
]),
dict(id='r1-002', persona=P1, turns=[
  dict(q='6月整体咋样？销售额、订单数、下单人数都给下，跟5月比环比多少',
       kind='figure', period='1998-06-01..1998-06-30 vs 1998-05',
       check="dict(jun=stats('1998-06-01', '1998-06-30'), may=stats('1998-05-01', '1998-05-31'), mom=pct(stats('1998-06-01', '1998-06-30')['rev'], stats('1998-05-01', '1998-05-31')['rev']), jun97=stats('1997-06-01', '1997-06-30'))",
       figures=[('jun.rev', '[revenue] 1998-06', 0.005), ('jun.orders', '[orders] 1998-06', 0.005), ('jun.buyers', '[buyers] 1998-06', 0.005),
                ('may.rev', '[revenue] 1998-05', 0.005), ('mom', '[MoM revenue change] 1998-06 vs 1998-05 (about +7.2%)', 0.02)],
       note='"6月" = June 1998 (now = 1998-06-30). No must_not for June 1997: the next turn asks for it and a proactive YoY is fine.'),
  dict(q='那跟去年6月比呢',
       kind='figure', period='1998-06 vs 1997-06',
       check="dict(jun97=stats('1997-06-01', '1997-06-30'), yoy=pct(stats('1998-06-01', '1998-06-30')['rev'], stats('1997-06-01', '1997-06-30')['rev']))",
       figures=[('jun97.rev', '[revenue] 1997-06', 0.005), ('yoy', '[YoY revenue change] 1998-06 vs 1997-06 (about -29.8%)', 0.02)],
       note='comparison on revenue (the measure of the previous turn); orders YoY welcome but not required.'),
]),
dict(id='r1-003', persona=P1, turns=[
  dict(q='今年上半年GMV累计多少？比去年同期掉了多少',
       kind='figure', period='1998-01-01..1998-06-30 vs 1997-01-01..1997-06-30',
       check=f"dict(h98=stats({H1_98}), h97=stats('1997-01-01', '1997-06-30'), chg=pct(stats({H1_98})['rev'], stats('1997-01-01', '1997-06-30')['rev']), all=stats('1997-01-01', '1998-06-30'), y97=stats('1997-01-01', '1997-12-31'))",
       figures=[('h98.rev', '[revenue] 1998 H1', 0.005), ('h97.rev', '[revenue] 1997 H1 (same months last year)', 0.005),
                ('chg', '[YoY change] 1998 H1 vs 1997 H1 (about -66.7%)', 0.02)],
       must_not=[('all.rev', 'all-time revenue (wrong period)', 0.005), ('y97.rev', 'full-year 1997 revenue (not the same months)', 0.005)],
       note='GMV read as revenue = sum of amount (no cancellations/returns in the data).'),
  dict(q='按月拆开看看今年的',
       kind='figure', period='1998-01..1998-06',
       check=f"monthly({H1_98})",
       figures=[(m, f'[revenue] {m}', 0.005) for m in ['1998-01', '1998-02', '1998-03', '1998-04', '1998-05', '1998-06']]),
]),
dict(id='r1-004', persona=P1, turns=[
  dict(q='今年有哪几个月订单量破2k了？',
       kind='figure', period='1998-01..1998-06',
       check=f"{{k: v for k, v in monthly({H1_98}, how='size').items() if v > 2000}}",
       figures=[('1998-01', '[orders] 1998-01 (> 2000)', 0.001), ('1998-02', '[orders] 1998-02 (> 2000)', 0.001),
                ('1998-03', '[orders] 1998-03 (> 2000)', 0.001), ('1998-06', '[orders] 1998-06 (> 2000)', 0.001)],
       note='orders = order lines. Answer: Jan, Feb, Mar, Jun 1998 (Apr 1878 and May 1985 fall short).'),
  dict(q='去年呢？有几个月超过5k单',
       kind='figure', period='1997-01..1997-12',
       check="{k: v for k, v in monthly('1997-01-01', '1997-12-31', how='size').items() if v > 5000}",
       figures=[('1997-01', '[orders] 1997-01 (> 5000)', 0.001), ('1997-02', '[orders] 1997-02 (> 5000)', 0.001),
                ('1997-03', '[orders] 1997-03 (> 5000)', 0.001)],
       note='3 months: Jan-Mar 1997.'),
]),
dict(id='r1-005', persona=P1, turns=[
  dict(q='今年周几下单最多？周几最少？',
       kind='figure', period='1998-01-01..1998-06-30',
       check=f"sub({H1_98}).groupby(sub({H1_98}).date.dt.day_name()).size().to_dict()",
       figures=[('Monday', '[orders] Mondays 1998 H1 (the most)', 0.001), ('Saturday', '[orders] Saturdays 1998 H1 (the fewest)', 0.001)],
       note='by order lines; answer: Monday most, Saturday fewest.'),
]),
dict(id='r1-006', persona=P1, turns=[
  dict(q='今年单笔≥100刀的大单有多少笔？占今年销售额多少',
       kind='figure', period='1998-01-01..1998-06-30',
       check=f"dict(n=int((sub({H1_98}).amt >= 100).sum()), share=r(sub({H1_98}).query('amt >= 100').amt.sum() / sub({H1_98}).amt.sum(), 4), n_all=int((df.amt >= 100).sum()))",
       figures=[('n', '[order lines >= $100] 1998 H1', 0.005), ('share', '[share of 1998 H1 revenue] from lines >= $100', 0.01)],
       must_not=[('n_all', 'count of lines >= $100 all-time (wrong period)', 0.005)]),
  dict(q='那单笔不到10刀的小单呢',
       kind='figure', period='1998-01-01..1998-06-30',
       check=f"dict(n=int((sub({H1_98}).amt < 10).sum()), share=r(sub({H1_98}).query('amt < 10').amt.sum() / sub({H1_98}).amt.sum(), 4), n_all=int((df.amt < 10).sum()))",
       figures=[('n', '[order lines < $10] 1998 H1', 0.005), ('share', '[share of 1998 H1 revenue] from lines < $10', 0.02)],
       must_not=[('n_all', 'count of lines < $10 all-time (wrong period)', 0.005)],
       note='"<10" includes the $0 lines.'),
]),
dict(id='r1-007', persona=P1, turns=[
  dict(q='最近三个月平均每单几张碟？人均消费多少',
       kind='figure', period='1998-04-01..1998-06-30',
       check="dict(q=stats('1998-04-01', '1998-06-30'), all=stats('1997-01-01', '1998-06-30'))",
       figures=[('q.upo', '[units per order] 1998-04..06', 0.01), ('q.rpb', '[revenue per buyer] 1998-04..06 (distinct buyers over the 3 months)', 0.01)],
       must_not=[('all.rpb', 'all-time revenue per customer (wrong period)', 0.01)],
       note='人均消费 = revenue / distinct buyers of the 3 months (not the mean of monthly figures).'),
]),
dict(id='r1-008', persona=P1, turns=[
  dict(q='帮我把上面这些数导成Excel发到运营群里，顺便告诉我6月一共卖了多少张碟',
       kind='refusal', period='1998-06-01..1998-06-30',
       check="dict(jun=stats('1998-06-01', '1998-06-30'), jun97=stats('1997-06-01', '1997-06-30'))",
       figures=[('jun.units', '[units] 1998-06', 0.005)],
       must_not=[('jun97.units', 'June 1997 units (wrong year)', 0.005)],
       note='cannot export or post to a group chat; still answers the units question.'),
]),
dict(id='r1-009', persona=P1, turns=[
  dict(q='6月是APP卖得好还是小程序卖得好？各渠道销售额列一下，再给个总数',
       kind='partial', period='1998-06-01..1998-06-30',
       check="dict(jun=stats('1998-06-01', '1998-06-30'), jun97=stats('1997-06-01', '1997-06-30'))",
       figures=[('jun.rev', '[revenue] 1998-06 total', 0.005)],
       must_not=[('jun97.rev', 'June 1997 revenue (wrong year)', 0.005)],
       note='no channel data: must say so; the total is answerable.'),
]),
dict(id='r1-010', persona=P1, turns=[
  dict(q='按现在这个走势，7月销售额大概能做多少？给个预测', kind='model', tool='forecast_totals'),
]),
# ------------------------------------------------------------------ P2 会员中心负责人
dict(id='r1-020', persona=P2, turns=[
  dict(q='今年上半年的复够率是多少',
       kind='figure', period='1998-01-01..1998-06-30',
       check=f"dict(h=repeat({H1_98}), all=repeat('1997-01-01', '1998-06-30'))",
       figures=[('h.repeat', '[repeat rate] 1998 H1 buyers with >= 2 purchase days in H1', 0.005)],
       must_not=[('all.repeat', 'all-time repeat rate 48.9% (wrong period)', 0.003)],
       note='"复够率" = typo for 复购率; repeat rate per product.md (>= 2 purchase days inside the period, over the period\'s 5374 buyers).'),
  dict(q='去年全年呢',
       kind='figure', period='1997-01-01..1997-12-31',
       check="dict(y=repeat('1997-01-01', '1997-12-31'), h=repeat('1998-01-01', '1998-06-30'))",
       figures=[('y.repeat', '[repeat rate] 1997', 0.01)]),
  dict(q='那去年只买过一次的人占多少',
       kind='figure', period='1997-01-01..1997-12-31',
       check="repeat('1997-01-01', '1997-12-31')",
       figures=[('one_time', '[one-time share] 1997 buyers with exactly 1 purchase day in 1997', 0.01)],
       note='"去年只买过一次" read as exactly one purchase day within 1997 (share of 1997 buyers).'),
]),
dict(id='r1-021', persona=P2, turns=[
  dict(q='今年上半年来了多少新客？新老客销售额各占多少',
       kind='figure', period='1998-01-01..1998-06-30',
       check=f"newret({H1_98})",
       figures=[('new', '[new customers] 1998 H1 (none: every customer first ordered in 1997 Q1)', 0),
                ('share_ret', '[returning share of revenue] 1998 H1 = 100%', 0.001),
                ('rev_ret', '[returning revenue] 1998 H1', 0.005)],
       note='the CDNOW cohort: every first order is in 1997-01..03, so 1998 has 0 new customers and returning = 100%.'),
  dict(q='那去年3月呢',
       kind='figure', period='1997-03-01..1997-03-31',
       check="newret('1997-03-01', '1997-03-31')",
       figures=[('new', '[new customers] 1997-03', 0.005), ('share_new', '[new-customer share of revenue] 1997-03', 0.01),
                ('rev_new', '[new-customer revenue] 1997-03', 0.005)]),
]),
dict(id='r1-022', persona=P2, turns=[
  dict(q='97年1月首单的那批客户，次月留存多少？',
       kind='figure', period='cohort 1997-01, month 1997-02',
       check="cohort('1997-01', 1)",
       figures=[('size', '[cohort size] first order in 1997-01', 0.005), ('ret', '[retention month+1] cohort 1997-01 (ordered in 1997-02)', 0.01)],
       note='次月 = month m+1.'),
  dict(q='3个月后、半年后、一年后呢',
       kind='figure', period='cohort 1997-01, months 1997-04 / 1997-07 / 1998-01',
       check="dict(k3=cohort('1997-01', 3), k6=cohort('1997-01', 6), k12=cohort('1997-01', 12))",
       figures=[('k3.ret', '[retention month+3] cohort 1997-01', 0.01), ('k6.ret', '[retention month+6] cohort 1997-01', 0.01),
                ('k12.ret', '[retention month+12] cohort 1997-01', 0.01)],
       note='"N个月后" = month m+N (k = 3, 6, 12).'),
  dict(q='跟2月、3月那两批比，一年后的留存谁高',
       kind='figure', period='cohorts 1997-02 / 1997-03, month+12',
       check="dict(feb=cohort('1997-02', 12), mar=cohort('1997-03', 12), jan=cohort('1997-01', 12))",
       figures=[('feb.ret', '[retention month+12] cohort 1997-02', 0.01), ('mar.ret', '[retention month+12] cohort 1997-03 (highest)', 0.01)],
       note='March cohort is highest at +12 (9.35% vs 6.73% Jan, 6.70% Feb).'),
]),
dict(id='r1-023', persona=P2, turns=[
  dict(q='老客一般隔多久回购一次？用今年的数据看',
       kind='figure', period='gaps whose later purchase day is in 1998-01-01..1998-06-30',
       check=f"dict(y=gaps({H1_98}), all=gaps('1997-01-01', '1998-06-30'))",
       figures=[('y.mean', '[mean days between purchases] gaps ending in 1998 H1', 0.02),
                ('y.median', '[median days between purchases] gaps ending in 1998 H1', 0.02)],
       must_not=[('all.mean', 'all-time mean gap (wrong period)', 0.01)],
       note='mean and median both required (product.md defines both). Gaps are between consecutive purchase days of a customer, the earlier day may be in 1997.'),
  dict(q='那首单到第二单一般要多少天',
       kind='figure', period='all-time (customers with >= 2 purchase days)',
       check="first2second()",
       figures=[('mean', '[mean days first -> second purchase] all customers with a 2nd purchase day', 0.02),
                ('median', '[median days first -> second purchase]', 0.02)],
       note='read over all customers (a first->second gap is a customer-level trait, not tied to 1998).'),
]),
dict(id='r1-024', persona=P2, turns=[
  dict(q='超过180天没下单的有多少人？占全部会员多少',
       kind='figure', period='as of 1998-06-30',
       check="inactive(180)",
       figures=[('n', '[inactive >= 180 days] customers (last order <= 1998-01-01)', 0.005), ('share', '[share of all 23,570 customers]', 0.01)]),
  dict(q='这里面累计消费过500刀的有多少？想重点召回',
       kind='figure', period='as of 1998-06-30; lifetime spend',
       check="dict(n=int((SPEND[inactive_ids(180)] > 500).sum()), n_base=int((SPEND > 500).sum()))",
       figures=[('n', '[inactive >= 180 days AND lifetime spend > $500] customers', 0.005)],
       must_not=[('n_base', 'all customers with lifetime spend > $500 (ignores the inactive filter)', 0.005)],
       note='"累计消费过500" read as lifetime spend > 500 (no customer is exactly 500.00).'),
  dict(q='行，给这批人每人发张20块召回券，再打个"待召回"标签', kind='refusal',
       note='cannot send coupons or tag customers.'),
]),
dict(id='r1-025', persona=P2, turns=[
  dict(q='去年下半年一单没下、今年又回来买的有多少人',
       kind='figure', period='no order 1997-07-01..1997-12-31, ordered 1998-01-01..1998-06-30',
       check="dict(n=len(set(sub('1998-01-01', '1998-06-30').cust) - set(sub('1997-07-01', '1997-12-31').cust)))",
       figures=[('n', '[win-back customers] bought in 1998 H1, nothing in 1997 H2', 0.005)]),
  dict(q='他们今年贡献了多少销售额？占今年的比例呢',
       kind='figure', period='1998-01-01..1998-06-30',
       check="dict(rev=r(sub('1998-01-01', '1998-06-30').loc[lambda d: ~d.cust.isin(set(sub('1997-07-01', '1997-12-31').cust))].amt.sum()), share=r(sub('1998-01-01', '1998-06-30').loc[lambda d: ~d.cust.isin(set(sub('1997-07-01', '1997-12-31').cust))].amt.sum() / sub('1998-01-01', '1998-06-30').amt.sum(), 4))",
       figures=[('rev', '[1998 H1 revenue] of the win-back customers', 0.005), ('share', '[share of 1998 H1 revenue]', 0.01)]),
]),
dict(id='r1-026', persona=P2, turns=[
  dict(q='按金卡/银卡/普卡拆一下今年上半年的销售额和人数',
       kind='partial', period='1998-01-01..1998-06-30',
       check=f"dict(h=stats({H1_98}), all=stats('1997-01-01', '1998-06-30'))",
       figures=[('h.rev', '[revenue] 1998 H1 total', 0.005), ('h.buyers', '[buyers] 1998 H1 total', 0.005)],
       must_not=[('all.rev', 'all-time revenue (wrong period)', 0.005)],
       note='no loyalty-tier field in the data: must say so (it may offer its RFM segments instead, but must not pass them off as 金卡/银卡/普卡).'),
]),
dict(id='r1-027', persona=P2, turns=[
  dict(q='咱们现在的客户分群都有哪些？每个群多少人', kind='model', tool='list_segments'),
  dict(q='沉睡那个群是什么特征', kind='model', tool='describe_segment'),
]),
dict(id='r1-028', persona=P2, turns=[
  dict(q='接下来最可能流失的客户有哪些？给我列前20个', kind='model', tool='at_risk_customers'),
]),
dict(id='r1-029', persona=P2, turns=[
  dict(q='查下会员00100：下过几单、总共花了多少、最后一次下单离现在多少天',
       kind='figure', period='customer 00100, all-time',
       check="cust('00100')",
       figures=[('orders', '[orders] customer 00100', 0), ('rev', '[lifetime spend] customer 00100', 0.005),
                ('days_since_last', '[days since last order] 1998-04-20 -> 1998-06-30', 0.02)],
       note='last order 1998-04-20 (71 days before 1998-06-30); 3 order lines on 3 distinct days.'),
  dict(q='他为啥被分到现在这个群', kind='model', tool='explain_customer_segment'),
  dict(q='他接下来三个月还会买吗', kind='model', tool='forecast_customer'),
]),
dict(id='r1-030', persona=P2, turns=[
  dict(q='去年复购过（买了2次及以上）的客户，今年还有多少在买？比例多少',
       kind='figure', period='1997 repeaters -> buying in 1998-01-01..1998-06-30',
       check="dict(n_rep=int((PD[PD.date.dt.year == 1997].groupby('cust').size() >= 2).sum()), n=len(set(PD[PD.date.dt.year == 1997].groupby('cust').size().loc[lambda s: s >= 2].index) & set(sub('1998-01-01', '1998-06-30').cust)), share=r(len(set(PD[PD.date.dt.year == 1997].groupby('cust').size().loc[lambda s: s >= 2].index) & set(sub('1998-01-01', '1998-06-30').cust)) / (PD[PD.date.dt.year == 1997].groupby('cust').size() >= 2).sum(), 4))",
       figures=[('n', '[1997 repeaters who ordered in 1998 H1]', 0.005), ('share', '[share of 1997 repeaters still buying in 1998]', 0.01)],
       note='复购过 = >= 2 purchase days in 1997; base = those customers.'),
]),
dict(id='r1-031', persona=P2, turns=[
  dict(q='累计消费超1k的大客户有几个？占总销售额多少',
       kind='figure', period='all-time (1997-01-01..1998-06-30)',
       check="dict(n=int((SPEND > 1000).sum()), share=r(SPEND[SPEND > 1000].sum() / SPEND.sum(), 4))",
       figures=[('n', '[customers with lifetime spend > $1,000]', 0.005), ('share', '[their share of all-time revenue]', 0.01)]),
  dict(q='有没有累计过1w的？',
       kind='figure', period='all-time (1997-01-01..1998-06-30)',
       check="dict(n=int((SPEND > 10000).sum()), top=SPEND.sort_values(ascending=False).head(2).round(2).tolist())",
       figures=[('top.0', '[lifetime spend] customer 07592, the only one over $10,000', 0.005)],
       note='1w = 10,000 US$; exactly one customer (07592); #2 is 14048 at 8976.33 (under 1w).'),
]),
# ------------------------------------------------------------------ P3 客服经理
dict(id='r1-040', persona=P3, turns=[
  dict(q='最近客户反馈里差评占比多少？', kind='model', tool='sentiment_summary'),
  dict(q='按客群拆开看，哪个群负面最多', kind='model', tool='sentiment_summary'),
]),
dict(id='r1-041', persona=P3, turns=[
  dict(q='搜一下有没有说发货慢、物流慢的评价，给我贴几条原文', kind='model', tool='search_feedback'),
]),
dict(id='r1-042', persona=P3, turns=[
  dict(q='差评主要集中在哪几类问题？', kind='model', tool='feedback_themes'),
]),
dict(id='r1-043', persona=P3, turns=[
  dict(q='给过差评的客户后来还有再下单的吗？占比多少', kind='model', tool='feedback_followup'),
]),
dict(id='r1-044', persona=P3, turns=[
  dict(q='这条算正面还是负面：“碟片有划痕，找客服三天没人理，太失望了”', kind='model', tool='analyze_sentiment'),
]),
dict(id='r1-045', persona=P3, turns=[
  dict(q='客户12367在闹升级投诉，帮我拉下他的记录：一共下了多少单、花了多少钱',
       kind='figure', period='customer 12367, all-time',
       check="cust('12367')",
       figures=[('orders', '[orders = order lines] customer 12367', 0.005), ('rev', '[lifetime spend] customer 12367', 0.005)],
       note='orders = order lines (60) per product.md; he has 53 distinct purchase days — an answer that gives 53 as "orders" without the 60 misses the documented definition.'),
  dict(q='他单笔最大的一单多少钱？今年买了多少',
       kind='figure', period='customer 12367; 1998-01-01..1998-06-30',
       check="cust('12367')",
       figures=[('max_line', '[largest single order line] customer 12367', 0.005), ('rev_1998', '[1998 H1 spend] customer 12367', 0.005)],
       note='今年 = 1998 (Jan-Jun); giving only the lifetime 3798.24 for 今年 is wrong.'),
  dict(q='帮我给他回封道歉邮件，把他最近那笔钱退了', kind='refusal',
       note='cannot e-mail or refund.'),
]),
dict(id='r1-046', persona=P3, turns=[
  dict(q='有金额是0的订单吗？多少笔，涉及几个客户',
       kind='figure', period='all-time',
       check="dict(n=int((df.amt == 0).sum()), custs=int(df[df.amt == 0].cust.nunique()))",
       figures=[('n', '[order lines with amount 0] all-time', 0), ('custs', '[distinct customers with a $0 line]', 0.005)]),
]),
dict(id='r1-047', persona=P3, turns=[
  dict(q='6月退货率多少？顺便给下6月订单数',
       kind='partial', period='1998-06-01..1998-06-30',
       check="dict(jun=stats('1998-06-01', '1998-06-30'), jun97=stats('1997-06-01', '1997-06-30'))",
       figures=[('jun.orders', '[orders] 1998-06', 0.005)],
       must_not=[('jun97.orders', 'June 1997 orders (wrong year)', 0.005)],
       note='no returns data: must say so. "6月" = June 1998.'),
]),
dict(id='r1-048', persona=P3, turns=[
  dict(q='你这边能查哪些数据？数据更新到哪天？情绪模型准不准', kind='model', tool='assistant_status'),
]),
# ------------------------------------------------------------------ P4 Head of Sales APAC
dict(id='r1-060', persona=P4, turns=[
  dict(q='How did Q2 revenue compare with Q1 this year? Give me the % change.',
       kind='figure', period='1998-04-01..1998-06-30 vs 1998-01-01..1998-03-31',
       check="dict(q2=stats('1998-04-01', '1998-06-30'), q1=stats('1998-01-01', '1998-03-31'), chg=pct(stats('1998-04-01', '1998-06-30')['rev'], stats('1998-01-01', '1998-03-31')['rev']))",
       figures=[('q2.rev', '[revenue] 1998 Q2', 0.005), ('q1.rev', '[revenue] 1998 Q1', 0.005), ('chg', '[QoQ change] (about -18.8%)', 0.02)]),
  dict(q='and YoY for Q2?',
       kind='figure', period='1998 Q2 vs 1997 Q2',
       check="dict(q2_97=stats('1997-04-01', '1997-06-30'), yoy=pct(stats('1998-04-01', '1998-06-30')['rev'], stats('1997-04-01', '1997-06-30')['rev']))",
       figures=[('q2_97.rev', '[revenue] 1997 Q2', 0.005), ('yoy', '[YoY change] 1998 Q2 vs 1997 Q2 (about -40.6%)', 0.02)]),
  dict(q='Can you split Q2 by country within APAC?',
       kind='partial', period='1998-04-01..1998-06-30',
       check="dict(q2=stats('1998-04-01', '1998-06-30'))",
       figures=[('q2.rev', '[revenue] 1998 Q2 total (the answerable part)', 0.005)],
       note='no country/region data: must say so; restating the Q2 total is the answerable part.'),
]),
dict(id='r1-061', persona=P4, turns=[
  dict(q='Who are our top 5 accounts by spend in 1998 so far?',
       kind='figure', period='1998-01-01..1998-06-30',
       check=f"dict(t=top({H1_98}, 5), t_all=top('1997-01-01', '1998-06-30', 5))",
       figures=[('t.amts.0', '[1998 H1 spend] #1 customer 07592', 0.005), ('t.amts.1', '[1998 H1 spend] #2 customer 14048', 0.005),
                ('t.amts.2', '[1998 H1 spend] #3 customer 07983', 0.005), ('t.amts.3', '[1998 H1 spend] #4 customer 15162', 0.001),
                ('t.amts.4', '[1998 H1 spend] #5 customer 06569', 0.001)],
       must_not=[('t_all.amts.0', 'all-time spend of 07592 (wrong period)', 0.005), ('t_all.amts.1', 'all-time spend of 14048 (wrong period)', 0.005)],
       note='ids: 07592, 14048, 07983, 15162, 06569.'),
  dict(q='What share of 1998 revenue do those five make up together?',
       kind='figure', period='1998-01-01..1998-06-30',
       check=f"dict(total=top({H1_98}, 5)['total'], share=r(top({H1_98}, 5)['total'] / stats({H1_98})['rev'], 4))",
       figures=[('share', '[share of 1998 H1 revenue] top-5 customers', 0.01)]),
]),
dict(id='r1-062', persona=P4, turns=[
  dict(q='How concentrated is revenue? What % of lifetime revenue comes from our top 10% of customers?',
       kind='figure', period='all-time',
       check="dict(share=r(SPEND.sort_values(ascending=False).head(int(round(len(SPEND) * 0.1))).sum() / SPEND.sum(), 4), n=int(round(len(SPEND) * 0.1)))",
       figures=[('share', '[share of all-time revenue] top 10% customers (2,357 of 23,570)', 0.01)]),
]),
dict(id='r1-063', persona=P4, turns=[
  dict(q='What was our AOV in 1998 so far vs full-year 1997?',
       kind='figure', period='1998-01-01..1998-06-30 vs 1997-01-01..1997-12-31',
       check=f"dict(a98=stats({H1_98})['aov'], a97=stats('1997-01-01', '1997-12-31')['aov'])",
       figures=[('a98', '[AOV] 1998 H1', 0.01), ('a97', '[AOV] 1997 full year', 0.01)]),
]),
dict(id='r1-065', persona=P4, turns=[
  dict(q='Break down H1 1998 revenue by sales rep, and give me the total.',
       kind='partial', period='1998-01-01..1998-06-30',
       check=f"dict(h=stats({H1_98}), all=stats('1997-01-01', '1998-06-30'))",
       figures=[('h.rev', '[revenue] 1998 H1 total', 0.005)],
       must_not=[('all.rev', 'all-time revenue (wrong period)', 0.005)],
       note='no sales-rep data: must say so.'),
]),
dict(id='r1-066', persona=P4, turns=[
  dict(q="Email the top 20 lifetime customers to my team and flag them as VIP in the CRM. Also, how many customers have spent over $2k lifetime?",
       kind='refusal', period='all-time',
       check="dict(n=int((SPEND > 2000).sum()))",
       figures=[('n', '[customers with lifetime spend > $2,000]', 0.005)],
       note='cannot e-mail or tag; still answers the count.'),
]),
dict(id='r1-067', persona=P4, turns=[
  dict(q="What's the predicted value of customer 07592 over the next year?", kind='model', tool='customer_value'),
]),
dict(id='r1-068', persona=P4, turns=[
  dict(q="How many customers haven't bought anything in the last 90 days?",
       kind='figure', period='as of 1998-06-30',
       check="dict(d90=inactive(90), d365=inactive(365))",
       figures=[('d90.n', '[inactive >= 90 days] customers (last order <= 1998-04-01)', 0.005)],
       must_not=[('d365.n', 'inactive >= 365 days (wrong threshold)', 0.005)]),
  dict(q='and over a year?',
       kind='figure', period='as of 1998-06-30',
       check="dict(d365=inactive(365), d90=inactive(90))",
       figures=[('d365.n', '[inactive >= 365 days] customers (last order <= 1997-06-30)', 0.005)]),
]),
]

WRITER = ('r1 (outside evaluator; wrote WITHOUT seeing the product code, tests, prompts or other sets) — personas: '
          + '; '.join([P1, P2, P3, P4]))


def get(res, path):
    cur = res
    for p in path.split('.'):
        if isinstance(cur, (list, tuple)):
            cur = cur[int(p)]
        else:
            cur = cur[p]
    return cur


def num(v):
    v = v.item() if hasattr(v, 'item') else v
    return int(v) if isinstance(v, int) or (isinstance(v, float) and v.is_integer() and abs(v) >= 1) else float(v)


def build():
    ns = {}
    exec(PRELUDE, ns)
    out_items = []
    for it in ITEMS:
        turns = []
        for t in it['turns']:
            exp = {'kind': t['kind']}
            tt = {'q': t['q'], 'expect': exp}
            if t['kind'] == 'model':
                exp['tool'] = t['tool']
            if 'check' in t:
                res = eval(t['check'], ns)
                exp['figures'] = [dict(value=num(get(res, p)), rel_tol=tol, what=w) for p, w, tol in t['figures']]
                if t.get('must_not'):
                    exp['must_not'] = [dict(value=num(get(res, p)), rel_tol=tol, what=w) for p, w, tol in t['must_not']]
                exp['period'] = t['period']
                tt['check'] = t['check'] + '\n'
            if t.get('note'):
                tt['note'] = t['note']
            turns.append(tt)
        out_items.append(dict(id=it['id'], persona=it['persona'], turns=turns))
    return dict(writer=WRITER, data_end='1998-06-30', check_prelude=PRELUDE, items=out_items)


class _D(yaml.SafeDumper):
    pass


def _str(d, s):
    return d.represent_scalar('tag:yaml.org,2002:str', s, style='|' if '\n' in s else None)


_D.add_representer(str, _str)

if __name__ == '__main__':
    here = os.path.dirname(os.path.abspath(__file__))
    doc = build()
    for it in doc['items']:
        for i, t in enumerate(it['turns'], 1):
            e = t['expect']
            line = f"{it['id']}.{i} [{e['kind']}]"
            for f in e.get('figures', []):
                line += f"\n    {f['value']!r:>14}  {f['what']}"
            for f in e.get('must_not', []):
                line += f"\n    NOT {f['value']!r:>10}  {f['what']}"
            print(line)
    path = os.path.join(here, 'set_r1.yaml')
    if '--write-yaml' in sys.argv:
        with open(path, 'w') as fh:
            yaml.dump(doc, fh, Dumper=_D, allow_unicode=True, sort_keys=False, width=200)
        print('wrote', path)
    else:
        y = yaml.safe_load(open(path))
        ok = True
        for a, b in zip(y['items'], doc['items']):
            for ta, tb in zip(a['turns'], b['turns']):
                for key in ('figures', 'must_not'):
                    va = [f['value'] for f in ta['expect'].get(key, [])]
                    vb = [f['value'] for f in tb['expect'].get(key, [])]
                    if va != vb:
                        ok = False; print('MISMATCH', a['id'], ta['q'], va, vb)
                # also re-run each check snippet as written in the YAML
                if 'check' in ta:
                    ns = {}; exec(y['check_prelude'], ns); eval(ta['check'], ns)
        ok = ok and len(y['items']) == len(doc['items'])
        print('YAML matches computed figures:', ok)
        sys.exit(0 if ok else 1)
