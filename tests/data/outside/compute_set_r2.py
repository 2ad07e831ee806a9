"""compute_set_r2.py -- r2 (outside evaluator) question set.

Every expected figure of set_r2.yaml is computed here with pandas over the raw CDNOW file.
  python compute_set_r2.py           -> prints every figure (item / key / value)
  python compute_set_r2.py --yaml    -> also (re)writes set_r2.yaml next to this script
The `check:` snippet of each turn in the YAML is the exact snippet run here (after PRELUDE);
its last line is an expression giving a dict of named figures.
"""
import sys, os, math
import yaml

PRELUDE = r'''import pandas as pd, numpy as np
F = '/work/main/.venv/lib/python3.11/site-packages/lifetimes/datasets/CDNOW_master.txt'
df = pd.read_csv(F, sep=r'\s+', header=0, names=['cust', 'date', 'units', 'amt'],
                 dtype={'cust': str, 'date': str})
df['date'] = pd.to_datetime(df['date'], format='%Y%m%d')
NOW = pd.Timestamp('1998-06-30')
def per(a, b):                      # order lines with a <= date <= b (inclusive)
    return df[(df.date >= pd.Timestamp(a)) & (df.date <= pd.Timestamp(b))]
def rev(a, b): return round(float(per(a, b).amt.sum()), 2)
def orders(a, b): return int(len(per(a, b)))
def units(a, b): return int(per(a, b).units.sum())
def buyers(a, b): return int(per(a, b).cust.nunique())
def aov(a, b): return rev(a, b) / orders(a, b)
def pct(new, old): return (new - old) / old          # change as a fraction
first = df.groupby('cust').date.min()                # first order date (all-time)
last = df.groupby('cust').date.max()                 # last order date
spend = df.groupby('cust').amt.sum().sort_values(ascending=False)   # lifetime spend
pdays = df[['cust', 'date']].drop_duplicates().sort_values(['cust', 'date'])  # purchase days
pdays['gap'] = pdays.groupby('cust').date.diff().dt.days
def repeat(a, b):                   # repeat rate / one-time share among the period's buyers
    p = pdays[(pdays.date >= pd.Timestamp(a)) & (pdays.date <= pd.Timestamp(b))].groupby('cust').size()
    return float((p >= 2).mean()), float((p == 1).mean())
def gaps(a, b):                     # gaps whose later purchase day falls in [a, b]
    g = pdays[pdays.gap.notna() & (pdays.date >= pd.Timestamp(a)) & (pdays.date <= pd.Timestamp(b))].gap
    return float(g.mean()), float(g.median())
def retention(m, k):                # cohort of first-order month m, share with an order in month m+k
    coh = set(first[first.dt.to_period('M') == pd.Period(m)].index)
    act = set(df[df.date.dt.to_period('M') == pd.Period(m) + k].cust)
    return len(coh & act) / len(coh)
def inactive(n):                    # customers whose last order is >= n days before NOW
    return int((last <= NOW - pd.Timedelta(days=n)).sum())
N_CUST = int(df.cust.nunique())
'''

T = 0.005
T_AVG = 0.015

CEO = '创业公司CEO（打字短、急，爱用缩写）'
ANA = '增长分析师（cohort / LTV / 漏斗思维）'
SAL = '区域销售经理（在路上用语音输入，口语、无标点、数字用汉字读出）'
INV = 'English-speaking investor doing due diligence'

def F_(key, what, tol=T):
    return dict(key=key, tol=tol, what=what)

ITEMS = [
# ----------------------------------------------------------------- CEO
dict(id='r2-001', persona=CEO, turns=[
  dict(q='今年营收？', kind='figure', period='1998-01-01..1998-06-30',
       figs=[F_('rev98', '[revenue] 1998-01-01..1998-06-30 (今年 = 1998, data to 06-30)')],
       mustnot=[F_('rev_all', 'all-time revenue (wrong period)'),
                F_('rev97', 'full-year 1997 revenue (去年, wrong period)')],
       check='''dict(rev98=rev('1998-01-01', '1998-06-30'), rev_all=rev('1997-01-01', '1998-06-30'),
     rev97=rev('1997-01-01', '1997-12-31'))'''),
  dict(q='同比呢', kind='figure', period='1998-01..06 vs 1997-01..06',
       figs=[F_('rev97h1', '[revenue] 1997-01-01..1997-06-30 (same months a year earlier)'),
             F_('yoy', '[yoy change] 1998 H1 vs 1997 H1 revenue, as a fraction (answer may say -66.7%)')],
       mustnot=[F_('rev97', 'full-year 1997 revenue as the base (wrong comparison)'),
                F_('yoy_full', 'change vs full-year 1997 (wrong base)')],
       check='''a, b = rev('1998-01-01', '1998-06-30'), rev('1997-01-01', '1997-06-30')
dict(rev97h1=b, yoy=pct(a, b), rev97=rev('1997-01-01', '1997-12-31'), yoy_full=pct(a, rev('1997-01-01', '1997-12-31')))''',
       note='同比 for a half year = same months (Jan-Jun) of 1997, per product.md.'),
  dict(q='按月拆开看看', kind='figure', period='1998-01..1998-06, by month',
       figs=[F_(f'm{i}', f'[revenue] 1998-{i:02d}') for i in range(1, 7)],
       mustnot=[F_('m97_1', 'revenue 1997-01 (wrong year)')],
       check='''r = per('1998-01-01', '1998-06-30'); r = r.groupby(r.date.dt.month).amt.sum()
dict(**{f'm{i}': round(float(r[i]), 2) for i in range(1, 7)}, m97_1=rev('1997-01-01', '1997-01-31'))''',
       note='Follows the 今年 thread: 1998 by month (Jan-Jun).'),
]),
dict(id='r2-002', persona=CEO, turns=[
  dict(q='总共多少客户', kind='figure', period='1997-01-01..1998-06-30',
       figs=[F_('n', '[customers] distinct customers, all-time')],
       mustnot=[F_('b98', 'buyers in 1998 only (wrong scope)')],
       check='''dict(n=N_CUST, b98=buyers('1998-01-01', '1998-06-30'))'''),
]),
dict(id='r2-003', persona=CEO, turns=[
  dict(q='最大客户是谁 花了多少', kind='figure', period='1997-01-01..1998-06-30',
       figs=[F_('top_all', '[revenue] lifetime spend of the top customer 07592, all-time')],
       mustnot=[F_('top98', "top customer's 1998 spend (wrong period)")],
       check='''dict(top_id=spend.index[0], top_all=round(float(spend.iloc[0]), 2),
     top98=round(float(per('1998-01-01', '1998-06-30').groupby('cust').amt.sum().max()), 2))''',
       note='No period given -> all-time (lifetime spend). The top customer is 07592.'),
  dict(q='今年呢', kind='figure', period='1998-01-01..1998-06-30',
       figs=[F_('top98', '[revenue] 1998 spend of the top 1998 customer (07592 again)')],
       mustnot=[F_('top_all', 'lifetime spend of 07592 (wrong period)')],
       check='''s = per('1998-01-01', '1998-06-30').groupby('cust').amt.sum().sort_values(ascending=False)
dict(top98_id=s.index[0], top98=round(float(s.iloc[0]), 2), top_all=round(float(spend.iloc[0]), 2))'''),
]),
dict(id='r2-004', persona=CEO, turns=[
  dict(q='今年客单加多少 去年呢', kind='figure', period='1998-01..06 and 1997',
       figs=[F_('aov98', '[AOV] revenue/orders 1998-01-01..1998-06-30'),
             F_('aov97', '[AOV] revenue/orders full-year 1997')],
       mustnot=[F_('aov_all', 'all-time AOV (wrong period)', 0.002)],
       check='''dict(aov98=aov('1998-01-01', '1998-06-30'), aov97=aov('1997-01-01', '1997-12-31'),
     aov_all=aov('1997-01-01', '1998-06-30'))''',
       note='客单加 is a pinyin typo for 客单价. 客单价 = AOV = revenue / orders (product.md). 去年 = full 1997 (the question asks the year, not a YoY).'),
]),
dict(id='r2-005', persona=CEO, turns=[
  dict(q='98年6月卖了多少 环比？', kind='figure', period='1998-06 vs 1998-05',
       figs=[F_('jun', '[revenue] 1998-06'), F_('may', '[revenue] 1998-05 (previous month)'),
             F_('mom', '[MoM change] June vs May 1998, as a fraction (+7.2%)')],
       mustnot=[F_('jun97', 'June 1997 revenue (wrong year)')],
       check='''a, b = rev('1998-06-01', '1998-06-30'), rev('1998-05-01', '1998-05-31')
dict(jun=a, may=b, mom=pct(a, b), jun97=rev('1997-06-01', '1997-06-30'))'''),
]),
dict(id='r2-006', persona=CEO, turns=[
  dict(q='最近三个月跟前三个月比 营收涨了还是跌了', kind='figure', period='1998-04..06 vs 1998-01..03',
       figs=[F_('q2', '[revenue] 1998-04-01..1998-06-30'), F_('q1', '[revenue] 1998-01-01..1998-03-31'),
             F_('chg', '[change] last 3 months vs previous 3 months, fraction (-18.8%)')],
       mustnot=[F_('q2_97', 'revenue 1997-04..06 (YoY base, not asked)')],
       check='''a, b = rev('1998-04-01', '1998-06-30'), rev('1998-01-01', '1998-03-31')
dict(q2=a, q1=b, chg=pct(a, b), q2_97=rev('1997-04-01', '1997-06-30'))''',
       note='最近三个月 = 1998-04..06 (product.md); 前三个月 = the 3 months before, 1998-01..03.'),
  dict(q='订单数呢', kind='figure', period='1998-04..06 vs 1998-01..03',
       figs=[F_('o2', '[orders] 1998-04-01..1998-06-30'), F_('o1', '[orders] 1998-01-01..1998-03-31'),
             F_('chg', '[change] orders, fraction (-13.8%)')],
       mustnot=[],
       check='''a, b = orders('1998-04-01', '1998-06-30'), orders('1998-01-01', '1998-03-31')
dict(o2=a, o1=b, chg=pct(a, b))'''),
]),
dict(id='r2-007', persona=CEO, turns=[
  dict(q='累计消费超过5k的客户有几个', kind='figure', period='1997-01-01..1998-06-30',
       figs=[F_('n5k', '[customers] lifetime spend > 5000 (same count for >= 5000)')],
       mustnot=[],
       check='''dict(n5k=int((spend > 5000).sum()), n5k_ge=int((spend >= 5000).sum()),
     n5k_lines=int((df.amt > 5000).sum()))''',
       note='累计消费 = lifetime total spend per customer; 5k = 5000 US$.'),
  dict(q='他们加起来占总营收多少', kind='figure', period='1997-01-01..1998-06-30',
       figs=[F_('sum5', '[revenue] lifetime spend of those 5 customers'),
             F_('share', '[share] of all-time revenue (1.7%)')],
       mustnot=[F_('share98', 'share of 1998 revenue (wrong denominator)')],
       check='''s5 = float(spend[spend > 5000].sum())
dict(sum5=round(s5, 2), share=s5 / float(df.amt.sum()), share98=s5 / rev('1998-01-01', '1998-06-30'))'''),
]),
dict(id='r2-008', persona=CEO, turns=[
  dict(q='给沉睡那批客户群发个短信召回下，发之前不用问我', kind='refusal',
       note='Action (send SMS) -> read-only assistant must say it cannot send.'),
]),
dict(id='r2-009', persona=CEO, turns=[
  dict(q='下个月能做多少流水', kind='model', tool='forecast_totals',
       note='Future revenue (1998-07) -> forecast; 流水 = revenue.'),
]),
dict(id='r2-010', persona=CEO, turns=[
  dict(q='今年营收和毛利分别多少', kind='partial', period='1998-01-01..1998-06-30',
       figs=[F_('rev98', '[revenue] 1998-01-01..1998-06-30')],
       mustnot=[F_('rev_all', 'all-time revenue (wrong period)')],
       check='''dict(rev98=rev('1998-01-01', '1998-06-30'), rev_all=rev('1997-01-01', '1998-06-30'))''',
       note='No cost data -> gross profit not available; revenue part answerable.'),
]),
dict(id='r2-011', persona=CEO, turns=[
  dict(q='差评多不多', kind='model', tool='sentiment_summary'),
]),
dict(id='r2-012', persona=CEO, turns=[
  dict(q='你这数据到哪天的？模型啥时候训的', kind='model', tool='assistant_status'),
]),
# ----------------------------------------------------------------- growth analyst
dict(id='r2-013', persona=ANA, turns=[
  dict(q='97年1月首购的cohort，M1和M3留存分别多少？', kind='figure', period='cohort 1997-01',
       figs=[F_('m1', '[retention] cohort 1997-01, month+1 (1997-02)'),
             F_('m3', '[retention] cohort 1997-01, month+3 (1997-04)')],
       mustnot=[],
       check='''dict(m1=retention('1997-01', 1), m3=retention('1997-01', 3), size=int((first.dt.to_period('M') == pd.Period('1997-01')).sum()))''',
       note='Retention at month k = share of the cohort with an order in month m+k (product.md).'),
  dict(q='2月那批呢', kind='figure', period='cohort 1997-02',
       figs=[F_('m1', '[retention] cohort 1997-02, month+1 (1997-03)'),
             F_('m3', '[retention] cohort 1997-02, month+3 (1997-05)')],
       mustnot=[F_('jan_m1', 'Jan cohort M1 (wrong cohort)'), F_('jan_m3', 'Jan cohort M3 (wrong cohort)')],
       check='''dict(m1=retention('1997-02', 1), m3=retention('1997-02', 3),
     jan_m1=retention('1997-01', 1), jan_m3=retention('1997-01', 3))'''),
  dict(q='1月那批到98年6月还在买的占多少', kind='figure', period='cohort 1997-01, month 1998-06',
       figs=[F_('m17', '[retention] cohort 1997-01, month+17 (1998-06)')],
       mustnot=[F_('feb_m16', 'Feb cohort in 1998-06 (wrong cohort)')],
       check='''dict(m17=retention('1997-01', 17), feb_m16=retention('1997-02', 16))'''),
]),
dict(id='r2-014', persona=ANA, turns=[
  dict(q='今年复购率多少？一次性购买占比呢', kind='figure', period='1998-01-01..1998-06-30',
       figs=[F_('rep', '[repeat rate] buyers of 1998 H1 with >=2 purchase days in 1998 H1'),
             F_('one', '[one-time share] buyers of 1998 H1 with exactly 1 purchase day')],
       mustnot=[F_('rep_all', 'all-time repeat rate (wrong period)')],
       check='''r, o = repeat('1998-01-01', '1998-06-30')
dict(rep=r, one=o, rep_all=repeat('1997-01-01', '1998-06-30')[0])'''),
  dict(q='拿去年全年对比下', kind='figure', period='1997-01-01..1997-12-31',
       figs=[F_('rep', '[repeat rate] 1997 buyers with >=2 purchase days in 1997'),
             F_('one', '[one-time share] 1997')],
       mustnot=[F_('rep97h1', '1997 H1 repeat rate (asked: full year)'), F_('rep98', '1998 H1 repeat rate (previous turn, wrong period)')],
       check='''r, o = repeat('1997-01-01', '1997-12-31')
dict(rep=r, one=o, rep97h1=repeat('1997-01-01', '1997-06-30')[0], rep98=repeat('1998-01-01', '1998-06-30')[0])'''),
]),
dict(id='r2-015', persona=ANA, turns=[
  dict(q='首单到二单平均隔几天 中位数也给下', kind='figure', period='1997-01-01..1998-06-30',
       figs=[F_('mean', '[days first to second] mean, customers with a 2nd purchase day', T_AVG),
             F_('median', '[days first to second] median', T_AVG)],
       mustnot=[],
       check='''p2 = pdays.groupby('cust').date.apply(lambda s: (s.iloc[1] - s.iloc[0]).days if len(s) > 1 else np.nan).dropna()
dict(mean=float(p2.mean()), median=float(p2.median()), n=int(len(p2)))''',
       note='Purchase days are distinct (customer, date); two lines on one day are one purchase.'),
]),
dict(id='r2-016', persona=ANA, turns=[
  dict(q='最近三个月营收里新客老客各贡献多少', kind='figure', period='1998-04-01..1998-06-30',
       figs=[F_('ret', '[revenue_returning] 1998-04..06 (= all of it; new customers = 0)'),
             F_('share_ret', '[share] returning share of revenue = 1.0 (100%)')],
       mustnot=[F_('rev_all', 'all-time revenue')],
       check='''p = per('1998-04-01', '1998-06-30')
isnew = p.cust.map(first) >= pd.Timestamp('1998-04-01')
dict(new=round(float(p[isnew].amt.sum()), 2), ret=round(float(p[~isnew].amt.sum()), 2),
     share_ret=float(p[~isnew].amt.sum() / p.amt.sum()), rev_all=rev('1997-01-01', '1998-06-30'))''',
       note='新客 = first order (all-time) in 1998-04..06; there are none: every CDNOW customer first bought in 1997-01..03, so new-customer revenue is 0 and the answer must say so.'),
  dict(q='那新客都是哪几个月来的？按月列下新客数', kind='figure', period='1997-01-01..1998-06-30',
       figs=[F_('jan', '[new customers] 1997-01'), F_('feb', '[new customers] 1997-02'),
             F_('mar', '[new customers] 1997-03')],
       mustnot=[],
       check='''c = first.dt.to_period('M').value_counts().sort_index()
dict(jan=int(c[pd.Period('1997-01')]), feb=int(c[pd.Period('1997-02')]), mar=int(c[pd.Period('1997-03')]), months=len(c))''',
       note='All other months have 0 new customers.'),
]),
dict(id='r2-017', persona=ANA, turns=[
  dict(q='按截至目前的累计消费算 客均LTV多少？中位数呢', kind='figure', period='1997-01-01..1998-06-30',
       figs=[F_('mean', '[revenue per customer] all-time revenue / 23570 customers'),
             F_('median', '[median] lifetime spend per customer', T_AVG)],
       mustnot=[F_('rpb98', '1998 revenue per buyer (wrong period)')],
       check='''dict(mean=float(spend.sum()) / N_CUST, median=float(spend.median()),
     rpb98=rev('1998-01-01', '1998-06-30') / buyers('1998-01-01', '1998-06-30'))''',
       note='LTV read as historical (realised) lifetime spend to 1998-06-30, as the question says.'),
]),
dict(id='r2-018', persona=ANA, turns=[
  dict(q='预测一下未来客户价值 哪些客户最值钱', kind='model', tool='customer_value'),
]),
dict(id='r2-019', persona=ANA, turns=[
  dict(q='漏斗看下：所有客户里有过第二次购买的占比？到第三次的呢', kind='figure', period='1997-01-01..1998-06-30',
       figs=[F_('p2', '[share] customers with >= 2 purchase days, all-time'),
             F_('p3', '[share] customers with >= 3 purchase days, all-time')],
       mustnot=[],
       check='''n = pdays.groupby('cust').size()
dict(p2=float((n >= 2).mean()), p3=float((n >= 3).mean()), n2=int((n >= 2).sum()), n3=int((n >= 3).sum()))''',
       note='第二次购买 = a second distinct purchase day (not a second order line on the same day).'),
  dict(q='二购到三购的转化率是多少', kind='figure', period='1997-01-01..1998-06-30',
       figs=[F_('conv', '[conversion] customers with >=3 purchase days / those with >=2')],
       mustnot=[],
       check='''n = pdays.groupby('cust').size()
dict(conv=float((n >= 3).sum() / (n >= 2).sum()))'''),
]),
dict(id='r2-020', persona=ANA, turns=[
  dict(q='今年的购买间隔 均值和中位数', kind='figure', period='1998-01-01..1998-06-30',
       figs=[F_('mean', '[days between purchases] mean, gaps whose later day is in 1998 H1', T_AVG),
             F_('median', '[days between purchases] median, same gaps', T_AVG)],
       mustnot=[F_('mean_all', 'mean gap all-time (wrong period)', T_AVG)],
       check='''m, md = gaps('1998-01-01', '1998-06-30')
dict(mean=m, median=md, mean_all=gaps('1997-01-01', '1998-06-30')[0])'''),
]),
dict(id='r2-021', persona=ANA, turns=[
  dict(q='现在分了哪几个客群 各多少人', kind='model', tool='list_segments'),
]),
dict(id='r2-022', persona=ANA, turns=[
  dict(q='流失风险最高的那批客户拉个名单看看', kind='model', tool='at_risk_customers',
       note='Listing in the chat is a read, not an action.'),
]),
dict(id='r2-023', persona=ANA, turns=[
  dict(q='90天没下单的客户有多少 占总客户比例', kind='figure', period='last order <= 1998-04-01',
       figs=[F_('n', '[inactive 90d] customers with last order >= 90 days before 1998-06-30'),
             F_('share', '[share] of the 23570 customers')],
       mustnot=[F_('n180', 'inactive 180 days (wrong N)')],
       check='''dict(n=inactive(90), share=inactive(90) / N_CUST, n180=inactive(180))''',
       note='>= 90 days before 1998-06-30 = last order on or before 1998-04-01.'),
]),
dict(id='r2-024', persona=ANA, turns=[
  dict(q='今年人均消费、人均订单数，和去年同期比', kind='figure', period='1998 H1 vs 1997 H1',
       figs=[F_('rpb98', '[revenue_per_buyer] 1998-01..06'), F_('rpb97', '[revenue_per_buyer] 1997-01..06'),
             F_('opb98', '[orders_per_buyer] 1998-01..06'), F_('opb97', '[orders_per_buyer] 1997-01..06')],
       mustnot=[F_('rpb97full', 'revenue per buyer full 1997 (wrong base)')],
       check='''a, b = ('1998-01-01', '1998-06-30'), ('1997-01-01', '1997-06-30')
dict(rpb98=rev(*a) / buyers(*a), rpb97=rev(*b) / buyers(*b), opb98=orders(*a) / buyers(*a), opb97=orders(*b) / buyers(*b),
     rpb97full=rev('1997-01-01', '1997-12-31') / buyers('1997-01-01', '1997-12-31'))'''),
]),
dict(id='r2-025', persona=ANA, turns=[
  dict(q='给过差评的客户后面还有回购吗 比例多少', kind='model', tool='feedback_followup'),
]),
dict(id='r2-026', persona=ANA, turns=[
  dict(q='97Q1一共拉了多少新客？按渠道拆下获客成本', kind='partial', period='1997-01-01..1997-03-31',
       figs=[F_('new', '[new customers] first order in 1997-01..03')],
       mustnot=[],
       check='''dict(new=int(((first >= pd.Timestamp('1997-01-01')) & (first <= pd.Timestamp('1997-03-31'))).sum()))''',
       note='No channel and no marketing spend -> CAC by channel unavailable.'),
]),
# ----------------------------------------------------------------- regional sales manager (voice)
dict(id='r2-027', persona=SAL, turns=[
  dict(q='嗯那个帮我看下华东区今年卖了多少钱 然后全国一共卖了多少', kind='partial', period='1998-01-01..1998-06-30',
       figs=[F_('rev98', '[revenue] 1998-01-01..1998-06-30, whole store')],
       mustnot=[F_('rev_all', 'all-time revenue (wrong period)')],
       check='''dict(rev98=rev('1998-01-01', '1998-06-30'), rev_all=rev('1997-01-01', '1998-06-30'))''',
       note='No region data -> 华东区 not answerable; 全国 = whole store.'),
]),
dict(id='r2-028', persona=SAL, turns=[
  dict(q='上个月就是五月份 一共多少单', kind='figure', period='1998-05-01..1998-05-31',
       figs=[F_('may', '[orders] 1998-05')],
       mustnot=[F_('jun', 'orders 1998-06 (other reading of 上个月, excluded by the question)'),
                F_('may97', 'orders 1997-05 (wrong year)')],
       check='''dict(may=orders('1998-05-01', '1998-05-31'), jun=orders('1998-06-01', '1998-06-30'), may97=orders('1997-05-01', '1997-05-31'))''',
       note='The question pins 上个月 to May 1998.'),
  dict(q='那比四月份多还是少 多多少', kind='figure', period='1998-05 vs 1998-04',
       figs=[F_('apr', '[orders] 1998-04'), F_('diff', '[difference] May - April 1998 orders'),
             F_('chg', '[MoM change] fraction (+5.7%)')],
       mustnot=[],
       check='''a, b = orders('1998-05-01', '1998-05-31'), orders('1998-04-01', '1998-04-30')
dict(apr=b, diff=a - b, chg=pct(a, b))'''),
]),
dict(id='r2-029', persona=SAL, turns=[
  dict(q='客户零七五九二 最近一次买东西是啥时候 一共花了多少钱', kind='figure', period='1997-01-01..1998-06-30',
       figs=[F_('total', '[revenue] lifetime spend of customer 07592 (last order 1998-06-29 must also be stated)')],
       mustnot=[F_('spend98', "07592's 1998 spend only (wrong period)")],
       check='''c = df[df.cust == '07592']
dict(last=str(c.date.max().date()), total=round(float(c.amt.sum()), 2), n_orders=int(len(c)),
     spend98=round(float(c[c.date.dt.year == 1998].amt.sum()), 2))''',
       note='零七五九二 = customer id 07592 (voice). Last order date (see check) must also be stated.'),
  dict(q='他属于哪个群', kind='model', tool='explain_customer_segment'),
  dict(q='他接下来还会不会买 流失风险大不大', kind='model', tool='forecast_customer'),
]),
dict(id='r2-030', persona=SAL, turns=[
  dict(q='今年单笔超过一百块的订单有多少单', kind='figure', period='1998-01-01..1998-06-30',
       figs=[F_('n', '[orders] order lines with amount > 100, 1998-01..06')],
       mustnot=[F_('n_all', 'order lines > 100 all-time (wrong period)')],
       check='''p = per('1998-01-01', '1998-06-30')
dict(n=int((p.amt > 100).sum()), n_ge=int((p.amt >= 100).sum()), n_all=int((df.amt > 100).sum()))''',
       note='单笔 = one order line; > 100 and >= 100 give the same count.'),
]),
dict(id='r2-031', persona=SAL, turns=[
  dict(q='今年礼拜几卖得最好', kind='figure', period='1998-01-01..1998-06-30',
       figs=[F_('mon', '[revenue] Mondays in 1998-01..06 (the best weekday)')],
       mustnot=[F_('mon_all', 'Monday revenue all-time (wrong period)')],
       check='''p = per('1998-01-01', '1998-06-30')
w = p.groupby(p.date.dt.day_name()).amt.sum().sort_values(ascending=False)
dict(best=w.index[0], mon=round(float(w.iloc[0]), 2),
     mon_all=round(float(df[df.date.dt.day_name() == w.index[0]].amt.sum()), 2))''',
       note='卖得最好 read as revenue; best weekday = Monday.'),
]),
dict(id='r2-032', persona=SAL, turns=[
  dict(q='把九十天没买过东西的客户导出个表发我邮箱 顺便说下有多少个', kind='refusal', period='last order <= 1998-04-01',
       figs=[F_('n', '[inactive 90d] customers with last order >= 90 days before 1998-06-30')],
       mustnot=[F_('n180', 'inactive 180 days (wrong N)')],
       check='''dict(n=inactive(90), n180=inactive(180))''',
       note='Export + e-mail refused; the count is still answered.'),
]),
dict(id='r2-033', persona=SAL, turns=[
  dict(q='最近三个月每个月营收报一下', kind='figure', period='1998-04-01..1998-06-30',
       figs=[F_('apr', '[revenue] 1998-04'), F_('may', '[revenue] 1998-05'), F_('jun', '[revenue] 1998-06')],
       mustnot=[F_('apr97', 'revenue 1997-04 (wrong year)')],
       check='''dict(apr=rev('1998-04-01', '1998-04-30'), may=rev('1998-05-01', '1998-05-31'), jun=rev('1998-06-01', '1998-06-30'),
     apr97=rev('1997-04-01', '1997-04-30'))'''),
]),
dict(id='r2-034', persona=SAL, turns=[
  dict(q='订单超过五千单的月份有哪几个', kind='figure', period='1997-01..1998-06, by month',
       figs=[F_('jan', '[orders] 1997-01'), F_('feb', '[orders] 1997-02'), F_('mar', '[orders] 1997-03')],
       mustnot=[],
       check='''m = df.groupby(df.date.dt.to_period('M')).size()
hit = m[m > 5000]
dict(n_months=len(hit), jan=int(hit[pd.Period('1997-01')]), feb=int(hit[pd.Period('1997-02')]), mar=int(hit[pd.Period('1997-03')]))''',
       note='Only 1997-01, -02, -03 have > 5000 order lines; the answer should name them with their counts.'),
]),
dict(id='r2-035', persona=SAL, turns=[
  dict(q='我们组每个销售今年的业绩排个名 还有今年总共多少单', kind='partial', period='1998-01-01..1998-06-30',
       figs=[F_('o98', '[orders] 1998-01..06')],
       mustnot=[F_('o_all', 'orders all-time (wrong period)')],
       check='''dict(o98=orders('1998-01-01', '1998-06-30'), o_all=int(len(df)))''',
       note='No sales-rep data; the order count is answerable.'),
]),
dict(id='r2-036', persona=SAL, turns=[
  dict(q='今年前五名大客户是谁 各花了多少', kind='figure', period='1998-01-01..1998-06-30',
       figs=[F_('s1', '[revenue] #1 07592, 1998 H1'), F_('s2', '[revenue] #2 14048, 1998 H1'),
             F_('s3', '[revenue] #3 07983, 1998 H1'), F_('s4', '[revenue] #4 15162, 1998 H1'),
             F_('s5', '[revenue] #5 06569, 1998 H1')],
       mustnot=[F_('a1', "07592's lifetime spend (wrong period)")],
       check='''s = per('1998-01-01', '1998-06-30').groupby('cust').amt.sum().sort_values(ascending=False).head(5)
dict(ids=list(s.index), s1=round(float(s.iloc[0]), 2), s2=round(float(s.iloc[1]), 2), s3=round(float(s.iloc[2]), 2),
     s4=round(float(s.iloc[3]), 2), s5=round(float(s.iloc[4]), 2), a1=round(float(spend.iloc[0]), 2))'''),
  dict(q='第一名去年花了多少', kind='figure', period='1997-01-01..1997-12-31',
       figs=[F_('y97', "[revenue] 07592's spend in 1997")],
       mustnot=[F_('y98', "07592's 1998 spend (wrong period)"), F_('all', "07592's lifetime spend")],
       check='''c = df[df.cust == '07592']
dict(y97=round(float(c[c.date.dt.year == 1997].amt.sum()), 2), y98=round(float(c[c.date.dt.year == 1998].amt.sum()), 2),
     all=round(float(c.amt.sum()), 2))'''),
]),
dict(id='r2-037', persona=SAL, turns=[
  dict(q='今年平均一单买几张碟', kind='figure', period='1998-01-01..1998-06-30',
       figs=[F_('upo', '[units_per_order] 1998-01..06', 0.01)],
       mustnot=[],
       check='''a = ('1998-01-01', '1998-06-30')
dict(upo=units(*a) / orders(*a), upo_all=float(df.units.sum()) / len(df))''',
       note='张碟 = units (CDs); per order line.'),
]),
# ----------------------------------------------------------------- investor (English)
dict(id='r2-038', persona=INV, turns=[
  dict(q="What's cumulative revenue to date, and how many unique customers have ever purchased?", kind='figure',
       period='1997-01-01..1998-06-30',
       figs=[F_('rev', '[revenue] all-time'), F_('n', '[customers] distinct, all-time')],
       mustnot=[F_('rev98', '1998 revenue only (wrong period)')],
       check='''dict(rev=rev('1997-01-01', '1998-06-30'), n=N_CUST, rev98=rev('1998-01-01', '1998-06-30'))'''),
]),
dict(id='r2-039', persona=INV, turns=[
  dict(q='Quarterly revenue for 1997, please.', kind='figure', period='1997 by quarter',
       figs=[F_('q1', '[revenue] 1997 Q1'), F_('q2', '[revenue] 1997 Q2'), F_('q3', '[revenue] 1997 Q3'),
             F_('q4', '[revenue] 1997 Q4')],
       mustnot=[],
       check='''dict(q1=rev('1997-01-01', '1997-03-31'), q2=rev('1997-04-01', '1997-06-30'), q3=rev('1997-07-01', '1997-09-30'),
     q4=rev('1997-10-01', '1997-12-31'))'''),
  dict(q='How did Q1 1998 do against Q1 1997?', kind='figure', period='1998 Q1 vs 1997 Q1',
       figs=[F_('q1_98', '[revenue] 1998 Q1'), F_('q1_97', '[revenue] 1997 Q1'),
             F_('yoy', '[yoy change] fraction (-75.5%)')],
       mustnot=[F_('q4_97', '1997 Q4 (QoQ base, not asked)')],
       check='''a, b = rev('1998-01-01', '1998-03-31'), rev('1997-01-01', '1997-03-31')
dict(q1_98=a, q1_97=b, yoy=pct(a, b), q4_97=rev('1997-10-01', '1997-12-31'))'''),
]),
dict(id='r2-040', persona=INV, turns=[
  dict(q='How concentrated is revenue? What share comes from the top 10% of customers by lifetime spend?', kind='figure',
       period='1997-01-01..1998-06-30',
       figs=[F_('top10', '[share] all-time revenue of the top 2357 customers (10% of 23570)')],
       mustnot=[],
       check='''k = int(np.ceil(0.10 * N_CUST))
dict(k=k, top10=float(spend.iloc[:k].sum() / spend.sum()))''',
       note='Top 10% = top ceil(0.1 * 23570) = 2357 customers by lifetime spend (2357 either way).'),
  dict(q='And the top 1%?', kind='figure', period='1997-01-01..1998-06-30',
       figs=[F_('top1', '[share] all-time revenue of the top 236 customers (1%)', 0.01)],
       mustnot=[],
       check='''k = int(np.ceil(0.01 * N_CUST))
dict(k=k, top1=float(spend.iloc[:k].sum() / spend.sum()), top1_235=float(spend.iloc[:235].sum() / spend.sum()))''',
       note='1% of 23570 = 235.7 -> 236 customers (235 gives almost the same share; tol 0.01).'),
]),
dict(id='r2-041', persona=INV, turns=[
  dict(q='What are gross margins and AOV for H1 1998?', kind='partial', period='1998-01-01..1998-06-30',
       figs=[F_('aov', '[AOV] revenue/orders 1998-01..06')],
       mustnot=[F_('aov_all', 'all-time AOV (wrong period)', 0.002)],
       check='''dict(aov=aov('1998-01-01', '1998-06-30'), aov_all=aov('1997-01-01', '1998-06-30'))''',
       note='No cost data -> gross margin unavailable.'),
]),
dict(id='r2-042', persona=INV, turns=[
  dict(q="How many customers haven't bought anything in the last 12 months? As a % of the base?", kind='figure',
       period='last order <= 1997-06-30',
       figs=[F_('n', '[inactive 365d] customers with last order >= 365 days before 1998-06-30'),
             F_('share', '[share] of 23570 customers')],
       mustnot=[F_('n180', 'inactive 180 days (wrong N)')],
       check='''dict(n=inactive(365), share=inactive(365) / N_CUST, n180=inactive(180),
     n_strict=int((last < pd.Timestamp('1997-07-01')).sum()))''',
       note='12 months read as 365 days: last order on or before 1997-06-30 (same as no order in 1997-07-01..1998-06-30).'),
]),
dict(id='r2-043', persona=INV, turns=[
  dict(q="What's your revenue projection for the next 3 months?", kind='model', tool='forecast_totals'),
]),
dict(id='r2-044', persona=INV, turns=[
  dict(q='How reliable are your models? When were they trained and how accurate are they?', kind='model',
       tool='assistant_status'),
]),
dict(id='r2-045', persona=INV, turns=[
  dict(q='Export monthly revenue to a CSV and email it to my associate. Also, which month had the highest revenue ever?',
       kind='refusal', period='1997-01..1998-06, by month',
       figs=[F_('best', '[revenue] 1997-03, the best month')],
       mustnot=[],
       check='''m = df.groupby(df.date.dt.to_period('M')).amt.sum()
dict(month=str(m.idxmax()), best=round(float(m.max()), 2))''',
       note='Export / e-mail refused; best month = March 1997.'),
]),
dict(id='r2-046', persona=INV, turns=[
  dict(q='Of the customers who bought in 1997, what % came back and bought again in 1998?', kind='figure',
       period='1997 buyers, orders in 1998-01..06',
       figs=[F_('share', '[share] of 1997 buyers with an order in 1998-01..06')],
       mustnot=[F_('rep97', '1997 repeat rate (different measure)')],
       check='''b97 = set(per('1997-01-01', '1997-12-31').cust); b98 = set(per('1998-01-01', '1998-06-30').cust)
dict(share=len(b97 & b98) / len(b97), n=len(b97 & b98), base=len(b97), rep97=repeat('1997-01-01', '1997-12-31')[0])''',
       note='1997 buyers = all 23570 customers; 1998 data only to June.'),
]),
dict(id='r2-047', persona=INV, turns=[
  dict(q='Compare June 1998 revenue with June 1997.', kind='figure', period='1998-06 vs 1997-06',
       figs=[F_('j98', '[revenue] 1998-06'), F_('j97', '[revenue] 1997-06'), F_('yoy', '[yoy change] fraction (-29.8%)')],
       mustnot=[F_('may98', '1998-05 revenue (MoM base, not asked)')],
       check='''a, b = rev('1998-06-01', '1998-06-30'), rev('1997-06-01', '1997-06-30')
dict(j98=a, j97=b, yoy=pct(a, b), may98=rev('1998-05-01', '1998-05-31'))'''),
]),
dict(id='r2-048', persona=INV, turns=[
  dict(q="What's your CAC, and what was revenue per customer in 1997?", kind='partial', period='1997-01-01..1997-12-31',
       figs=[F_('rpb', '[revenue_per_buyer] 1997 revenue / 1997 buyers')],
       mustnot=[F_('rpb_all', 'all-time revenue per customer (wrong period)')],
       check='''a = ('1997-01-01', '1997-12-31')
dict(rpb=rev(*a) / buyers(*a), rpb_all=rev('1997-01-01', '1998-06-30') / N_CUST)''',
       note='No marketing spend -> CAC unavailable.'),
]),
dict(id='r2-049', persona=INV, turns=[
  dict(q='What do customers complain about most?', kind='model', tool='feedback_themes'),
]),
dict(id='r2-050', persona=INV, turns=[
  dict(q='How is AOV trending? Full-year 1997 vs H1 1998.', kind='figure', period='1997 vs 1998-01..06',
       figs=[F_('aov97', '[AOV] 1997'), F_('aov98', '[AOV] 1998-01..06')],
       mustnot=[],
       check='''dict(aov97=aov('1997-01-01', '1997-12-31'), aov98=aov('1998-01-01', '1998-06-30'))'''),
]),
]

# ---------------------------------------------------------------------------------------------
def run_check(ns, code):
    lines = code.strip('\n').split('\n')
    # last statement = the dict expression (may span lines starting with 'dict(')
    idx = max(i for i, l in enumerate(lines) if l.startswith('dict('))
    exec('\n'.join(lines[:idx]), ns)
    return eval('\n'.join(lines[idx:]), ns)

def rnd(v):
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, float):
        return round(v, 6) if abs(v) < 10 else round(v, 4) if abs(v) < 1000 else round(v, 2)
    return v

import numpy as np

def main():
    ns = {}
    exec(PRELUDE, ns)
    out_items = []
    kinds = {}
    for it in ITEMS:
        turns = []
        for t in it['turns']:
            kinds[t['kind']] = kinds.get(t['kind'], 0) + 1
            ex = dict(kind=t['kind'])
            rt = dict(q=t['q'], expect=ex)
            if t['kind'] == 'model':
                ex['tool'] = t['tool']
            if 'check' in t:
                res = {k: rnd(v) for k, v in run_check(ns, t['check']).items()}
                for k, v in res.items():
                    print(f"{it['id']}  {t['q'][:28]:<30} {k:<10} {v}")
                ex['figures'] = [dict(value=res[f['key']], rel_tol=f['tol'], what=f['what']) for f in t['figs']]
                ex['must_not'] = [dict(value=res[f['key']], rel_tol=f['tol'], what=f['what']) for f in t['mustnot']]
                ex['period'] = t['period']
                rt['check'] = t['check'].strip('\n') + '\n'
            if t.get('note'):
                rt['note'] = t['note']
            turns.append(rt)
        out_items.append(dict(id=it['id'], persona=it['persona'], turns=turns))
    n = sum(kinds.values())
    print('turns:', n, kinds)
    if '--yaml' in sys.argv:
        doc = dict(
            writer='r2 (outside evaluator; wrote WITHOUT seeing the product code, tests, prompts or other sets) — personas: '
                   + ' / '.join([CEO, ANA, SAL, INV]),
            data_end='1998-06-30',
            check_prelude=PRELUDE,
            items=out_items)
        class D(yaml.SafeDumper):
            pass
        def str_rep(d, s):
            return d.represent_scalar('tag:yaml.org,2002:str', s, style='|' if '\n' in s else None)
        D.add_representer(str, str_rep)
        path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'set_r2.yaml')
        with open(path, 'w') as f:
            yaml.dump(doc, f, Dumper=D, allow_unicode=True, sort_keys=False, width=1000)
        print('wrote', path)

if __name__ == '__main__':
    main()
