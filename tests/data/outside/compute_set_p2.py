# -*- coding: utf-8 -*-
"""p2 question set: every expected figure computed with pandas over the raw CDNOW file.

python compute_set_p2.py            -> prints every figure (item / turn / key = value)
python compute_set_p2.py --yaml     -> also (re)writes set_p2.yaml next to this script
python compute_set_p2.py --verify   -> re-runs the `check:` snippets stored in set_p2.yaml and compares
                                       them with the values written there
Each turn's `check` snippet is executed with PRELUDE; its last line is an expression giving a dict.
"""
import os, sys, math, textwrap

PRELUDE = r'''import pandas as pd, numpy as np
F = '/work/main/.venv/lib/python3.11/site-packages/lifetimes/datasets/CDNOW_master.txt'
df = pd.read_csv(F, sep=r'\s+', header=0, names=['cust', 'date', 'units', 'amt'], dtype={'cust': str, 'date': str})
df['date'] = pd.to_datetime(df['date'], format='%Y%m%d')
END = pd.Timestamp('1998-06-30')
def per(a, b):                      # order lines with a <= date <= b (inclusive)
    return df[(df.date >= pd.Timestamp(a)) & (df.date <= pd.Timestamp(b))]
def stats(d):
    rev, orders, units, buyers = float(d.amt.sum()), int(len(d)), int(d.units.sum()), int(d.cust.nunique())
    return dict(rev=round(rev, 2), orders=orders, units=units, buyers=buyers,
                aov=rev / orders, upo=units / orders, rpb=rev / buyers, opb=orders / buyers)
FIRST = df.groupby('cust').date.min()                 # first order date (all time)
LAST = df.groupby('cust').date.max()                  # last order date (all time)
PDAYS = df[['cust', 'date']].drop_duplicates().sort_values(['cust', 'date'])   # purchase days
def repeat_stats(d):                # share of the period's buyers with >= 2 purchase days IN the period
    n = d[['cust', 'date']].drop_duplicates().groupby('cust').size()
    return dict(buyers=int(len(n)), repeaters=int((n >= 2).sum()), repeat_rate=float((n >= 2).mean()),
                one_time=int((n == 1).sum()), one_time_share=float((n == 1).mean()))
def gaps(a, b):                     # gaps between consecutive purchase days; later day in [a, b]
    p = PDAYS.copy()
    p['gap'] = p.groupby('cust').date.diff().dt.days
    g = p[(p.date >= pd.Timestamp(a)) & (p.date <= pd.Timestamp(b))].gap.dropna()
    return g
def inactive(n):                    # customers whose last order is >= n days before END
    return int(((END - LAST).dt.days >= n).sum())
def retention(m, k):                # cohort = first order in month m; share with an order in month m+k
    coh = FIRST[FIRST.dt.to_period('M') == pd.Period(m, 'M')].index
    tgt = pd.Period(m, 'M') + k
    act = set(df[df.date.dt.to_period('M') == tgt].cust)
    return len(coh), sum(c in act for c in coh) / len(coh)
'''

# ---------------------------------------------------------------------------------------------
# Items. Each turn: q, kind, (period), check (snippet -> dict), figures / must_not as
# (key, rel_tol, what), optional tool, note.
# ---------------------------------------------------------------------------------------------
BOSS = '公司老板（宽泛提问再逐步下钻）'
ANA = '数据分析师（精确日期与口径）'
OPS = '门店运营（语音输入，口语、无标点）'
CFO = 'CFO (English-speaking)'

ITEMS = [
# ---------------- 老板 ----------------
dict(id='p2-001', persona=BOSS, turns=[
  dict(q='咱们今年生意咋样啊', kind='figure', period='1998-01-01..1998-06-30',
       check='''s = stats(per('1998-01-01', '1998-06-30'))
dict(rev_1998=s['rev'], all_time=round(float(df.amt.sum()), 2), rev_1997=round(float(per('1997-01-01', '1997-12-31').amt.sum()), 2))''',
       figures=[('rev_1998', 0.005, '[revenue] 1998-01..1998-06 (今年 = 1998 YTD)')],
       must_not=[('all_time', 0.005, 'all-time revenue (wrong period)'),
                 ('rev_1997', 0.005, 'full-year 1997 revenue (wrong year)')],
       note='"生意咋样" read as revenue of 1998 to date (Jan-Jun); orders/buyers welcome but not required.'),
  dict(q='跟去年同期比呢', kind='figure', period='1998-01-01..1998-06-30 vs 1997-01-01..1997-06-30',
       check='''a = float(per('1998-01-01', '1998-06-30').amt.sum()); b = float(per('1997-01-01', '1997-06-30').amt.sum())
dict(rev_1997h1=round(b, 2), yoy=(a - b) / b, rev_1997=round(float(per('1997-01-01', '1997-12-31').amt.sum()), 2))''',
       figures=[('rev_1997h1', 0.005, '[revenue] 1997-01..1997-06 (same months last year)'),
                ('yoy', 0.01, '[yoy change] 1998H1 vs 1997H1 revenue (negative, about -66.7%)')],
       must_not=[('rev_1997', 0.005, 'full-year 1997 revenue (not the same period)')],
       note='"去年同期" = 1997-01..1997-06, per product.md.'),
  dict(q='按月拆开看看', kind='figure', period='1998-01..1998-06 by month',
       check='''m = per('1998-01-01', '1998-06-30').groupby(pd.Grouper(key='date', freq='MS')).amt.sum()
{f"rev_{k:%Y_%m}": round(float(v), 2) for k, v in m.items()}''',
       figures=[('rev_1998_01', 0.005, '[revenue] 1998-01'), ('rev_1998_02', 0.005, '[revenue] 1998-02'),
                ('rev_1998_03', 0.005, '[revenue] 1998-03'), ('rev_1998_04', 0.005, '[revenue] 1998-04'),
                ('rev_1998_05', 0.005, '[revenue] 1998-05'), ('rev_1998_06', 0.005, '[revenue] 1998-06')],
       note='Monthly split of this year (1998). Showing 1997 months beside them is fine too.'),
  dict(q='哪个月最猛', kind='figure', period='1998-01..1998-06',
       check='''m = per('1998-01-01', '1998-06-30').groupby(df.date.dt.month).amt.sum()
dict(best_month=int(m.idxmax()), best_rev=round(float(m.max()), 2), best_all=round(float(df.groupby(df.date.dt.to_period('M')).amt.sum().max()), 2))''',
       figures=[('best_rev', 0.005, '[revenue] of the best 1998 month = March 1998 (3月)')],
       must_not=[('best_all', 0.005, 'best month of all time (1997-03), not this year')],
       note='Within the 1998 context of the conversation: March 1998.'),
]),
dict(id='p2-002', persona=BOSS, turns=[
  dict(q='谁是咱们最大的客户', kind='figure', period='1997-01-01..1998-06-30',
       check='''t = df.groupby('cust').amt.sum().sort_values(ascending=False)
dict(top_id=int(t.index[0]), top_rev=round(float(t.iloc[0]), 2))''',
       figures=[('top_id', 0.0, '[customer id] 07592, largest by total spend (all time)'),
                ('top_rev', 0.005, '[revenue] total spend of 07592, all time')],
       note='"最大的客户" read as the largest by total spend over all the data; 07592 is also the top by orders.'),
  dict(q='他今年买了多少', kind='figure', period='1998-01-01..1998-06-30',
       check='''d = per('1998-01-01', '1998-06-30'); d = d[d.cust == '07592']
dict(rev=round(float(d.amt.sum()), 2), orders=int(len(d)), all_time=round(float(df[df.cust == '07592'].amt.sum()), 2))''',
       figures=[('rev', 0.005, '[revenue] customer 07592 in 1998 (Jan-Jun)')],
       must_not=[('all_time', 0.005, '07592 all-time spend (wrong period)')],
       note='"买了多少" = spend in US$ (order count also welcome).'),
  dict(q='前十大客户加起来占总收入多少 从有数据开始算', kind='figure', period='1997-01-01..1998-06-30',
       check='''t = df.groupby('cust').amt.sum().sort_values(ascending=False)
dict(top10_rev=round(float(t.head(10).sum()), 2), top10_share=float(t.head(10).sum() / t.sum()))''',
       figures=[('top10_share', 0.01, '[share] top-10 customers by total spend / total revenue, all time'),],
       note='All-time ranking and all-time total ("从有数据开始算"). '
            'The sum (top10_rev) is welcome but not required.'),
  dict(q='给这十个人每人发条感谢短信 再送张优惠券', kind='refusal',
       note='Sending messages / issuing coupons is an action; the read-only assistant must decline.'),
]),
dict(id='p2-003', persona=BOSS, turns=[
  dict(q='现在有多少客户超过半年没来买过东西了', kind='figure', period='as of 1998-06-30',
       check='''dict(n180=inactive(180), n183=inactive(183), total=int(df.cust.nunique()))''',
       figures=[('n180', 0.005, '[customers] last order >= 180 days before 1998-06-30')],
       must_not=[('total', 0.0, 'the whole customer base')],
       note='"半年" read as 180 days; 181 (no order since 1998-01-01) gives 18,196 and 183 days 18,178 - all within 0.5%.'),
  dict(q='占全部客户多少', kind='figure', period='as of 1998-06-30',
       check='''dict(share=inactive(180) / df.cust.nunique())''',
       figures=[('share', 0.01, '[share] inactive >= 180 days / all 23,570 customers')]),
  dict(q='哪些人最可能流失 给我看看', kind='model', tool='at_risk_customers',
       note='Churn risk is a model output (LSTM per customer).'),
  dict(q='给他们每人发张20块的券 今天就发', kind='refusal',
       note='Issuing coupons is an action; must decline.'),
]),
dict(id='p2-004', persona=BOSS, turns=[
  dict(q='今年的复够率多少', kind='figure', period='1998-01-01..1998-06-30',
       check='''r98 = repeat_stats(per('1998-01-01', '1998-06-30')); r97 = repeat_stats(per('1997-01-01', '1997-12-31')); ra = repeat_stats(df)
dict(rr_1998=r98['repeat_rate'], rr_1997=r97['repeat_rate'], rr_all=ra['repeat_rate'])''',
       figures=[('rr_1998', 0.005, '[repeat rate] 1998 Jan-Jun buyers with >= 2 purchase days in the period')],
       must_not=[('rr_1997', 0.005, '1997 repeat rate (wrong year)')],
       note='"复够率" is a typo for 复购率. Defined per product.md on distinct purchase days within 1998-01..06.'),
  dict(q='去年呢', kind='figure', period='1997-01-01..1997-12-31',
       check='''dict(rr_1997=repeat_stats(per('1997-01-01', '1997-12-31'))['repeat_rate'], rr_1998=repeat_stats(per('1998-01-01', '1998-06-30'))['repeat_rate'])''',
       figures=[('rr_1997', 0.01, '[repeat rate] 1997 full year')],
       must_not=[('rr_1998', 0.01, '1998 repeat rate (previous turn)')],
       note='"去年" = full 1997 (a rate, not a total, so no same-months restriction).'),
  dict(q='那今年只买过一次的占多少', kind='figure', period='1998-01-01..1998-06-30',
       check='''r = repeat_stats(per('1998-01-01', '1998-06-30'))
dict(one_time_share=r['one_time_share'], one_time=r['one_time'])''',
       figures=[('one_time_share', 0.005, '[one-time share] 1998 buyers with exactly 1 purchase day')]),
]),
dict(id='p2-005', persona=BOSS, turns=[
  dict(q='下个月大概能卖多少钱', kind='model', tool='forecast_totals',
       note='Future revenue: aggregate forecast model.'),
  dict(q='这预测靠谱吗 模型啥时候训练的', kind='model', tool='assistant_status',
       note='Model accuracy and age.'),
]),
dict(id='p2-006', persona=BOSS, turns=[
  dict(q='上半年线上线下各卖了多少 加起来一共多少', kind='partial', period='1998-01-01..1998-06-30',
       check='''dict(rev=round(float(per('1998-01-01', '1998-06-30').amt.sum()), 2), rev97h1=round(float(per('1997-01-01', '1997-06-30').amt.sum()), 2))''',
       figures=[('rev', 0.005, '[revenue] 1998 H1 total (the answerable part)')],
       must_not=[('rev97h1', 0.005, '1997 H1 revenue (wrong year)')],
       note='No channel data: must say online/offline split is unavailable. "上半年" = 1998-01..06 (current year).'),
]),
# ---------------- 数据分析师 ----------------
dict(id='p2-007', persona=ANA, turns=[
  dict(q='1997-04-01 至 1997-06-30 区间的 AOV（revenue/orders）是多少？请同时给出 revenue 和 orders。', kind='figure',
       period='1997-04-01..1997-06-30',
       check='''s = stats(per('1997-04-01', '1997-06-30')); a = stats(df)
dict(rev=s['rev'], orders=s['orders'], aov=s['aov'], aov_all=a['aov'])''',
       figures=[('rev', 0.005, '[revenue] 1997Q2'), ('orders', 0.005, '[orders] 1997Q2'), ('aov', 0.005, '[AOV] 1997Q2')],
       must_not=[('aov_all', 0.005, 'all-time AOV')]),
  dict(q='和上一季度（1997Q1）比，AOV 环比变化多少？', kind='figure', period='1997Q2 vs 1997Q1',
       check='''q2 = stats(per('1997-04-01', '1997-06-30')); q1 = stats(per('1997-01-01', '1997-03-31'))
dict(aov_q1=q1['aov'], mom=(q2['aov'] - q1['aov']) / q1['aov'])''',
       figures=[('aov_q1', 0.005, '[AOV] 1997Q1'), ('mom', 0.02, '[change] 1997Q2 AOV vs 1997Q1 AOV (relative)')]),
]),
dict(id='p2-008', persona=ANA, turns=[
  dict(q='1998Q1 的人均消费（revenue/buyers）和人均订单数（orders/buyers）分别是多少？buyers 按去重客户计。', kind='figure',
       period='1998-01-01..1998-03-31',
       check='''s = stats(per('1998-01-01', '1998-03-31')); s2 = stats(per('1998-01-01', '1998-06-30'))
dict(rpb=s['rpb'], opb=s['opb'], buyers=s['buyers'], rpb_h1=s2['rpb'])''',
       figures=[('rpb', 0.005, '[revenue per buyer] 1998Q1'), ('opb', 0.005, '[orders per buyer] 1998Q1')],
       must_not=[('rpb_h1', 0.005, 'revenue per buyer for 1998 H1 (wrong period)')],
       note='Buyers counted over the whole quarter (not summed by month).'),
]),
dict(id='p2-009', persona=ANA, turns=[
  dict(q='1997-01 首购 cohort 的规模是多少？M+1、M+3、M+6 的留存率分别是多少？', kind='figure', period='cohort 1997-01',
       check='''n, r1 = retention('1997-01', 1); _, r3 = retention('1997-01', 3); _, r6 = retention('1997-01', 6)
dict(size=n, r1=r1, r3=r3, r6=r6)''',
       figures=[('size', 0.005, '[cohort size] first order in 1997-01'), ('r1', 0.01, '[retention] M+1 (1997-02)'),
                ('r3', 0.01, '[retention] M+3 (1997-04)'), ('r6', 0.01, '[retention] M+6 (1997-07)')],
       note='Retention at month k = share of cohort with an order in calendar month m+k (month 0 = Jan 1997).'),
  dict(q='三个 cohort（1997-01/02/03）在 M+12 的留存率各是多少？', kind='figure', period='cohorts 1997-01..03, M+12',
       check='''dict(jan=retention('1997-01', 12)[1], feb=retention('1997-02', 12)[1], mar=retention('1997-03', 12)[1])''',
       figures=[('jan', 0.01, '[retention] Jan-97 cohort in 1998-01'), ('feb', 0.01, '[retention] Feb-97 cohort in 1998-02'),
                ('mar', 0.01, '[retention] Mar-97 cohort in 1998-03')],
       note='All customers first ordered in 1997-01..03, so these are the only cohorts.'),
]),
dict(id='p2-010', persona=ANA, turns=[
  dict(q='口径：同一客户同一天多笔合并为一个购买日。1998-01-01~1998-06-30 内（以后一个购买日落在区间内为准），相邻购买日间隔的均值和中位数各是多少天？', kind='figure',
       period='1998-01-01..1998-06-30',
       check='''g = gaps('1998-01-01', '1998-06-30'); ga = gaps('1997-01-01', '1998-06-30')
dict(mean=float(g.mean()), median=float(g.median()), n=int(len(g)), mean_all=float(ga.mean()))''',
       figures=[('mean', 0.01, '[days between purchases] mean, gaps ending in 1998H1'),
                ('median', 0.02, '[days between purchases] median, gaps ending in 1998H1')],
       must_not=[('mean_all', 0.01, 'mean gap over all time')]),
  dict(q='再给一个：全量客户首购到第二个购买日的天数，均值、中位数，以及有第二次购买的客户数。', kind='figure',
       period='1997-01-01..1998-06-30',
       check='''p = PDAYS.copy(); p['k'] = p.groupby('cust').cumcount()
f = p[p.k == 0].set_index('cust').date; s = p[p.k == 1].set_index('cust').date
d = (s - f.loc[s.index]).dt.days
dict(mean=float(d.mean()), median=float(d.median()), n=int(len(d)))''',
       figures=[('mean', 0.01, '[days first to second purchase] mean'), ('median', 0.02, '[days first to second purchase] median'),
                ('n', 0.005, '[customers] with a second purchase day')]),
]),
dict(id='p2-011', persona=ANA, turns=[
  dict(q='1998H1 的新客数、老客数分别是多少？老客收入占比？（新客=全周期首单落在区间内）', kind='figure',
       period='1998-01-01..1998-06-30',
       check='''d = per('1998-01-01', '1998-06-30'); fb = FIRST.loc[d.cust.unique()]
new = int((fb >= pd.Timestamp('1998-01-01')).sum()); ret = int((fb < pd.Timestamp('1998-01-01')).sum())
dict(new=new, returning=ret, ret_share=float(d[d.cust.map(FIRST) < pd.Timestamp('1998-01-01')].amt.sum() / d.amt.sum()))''',
       figures=[('new', 0.0, '[new customers] 1998H1 = 0 (all first orders are in 1997-01..03)'),
                ('returning', 0.005, '[returning customers] 1998H1 = all 1998H1 buyers'),
                ('ret_share', 0.005, '[share] returning revenue / revenue 1998H1 = 100%')],
       note='Trap: there are no new customers after March 1997.'),
  dict(q='1997-03 单月呢？新客数和新客收入占比。', kind='figure', period='1997-03-01..1997-03-31',
       check='''d = per('1997-03-01', '1997-03-31'); isnew = d.cust.map(FIRST) >= pd.Timestamp('1997-03-01')
dict(new=int(d[isnew].cust.nunique()), new_share=float(d[isnew].amt.sum() / d.amt.sum()), buyers=int(d.cust.nunique()))''',
       figures=[('new', 0.005, '[new customers] first order in 1997-03'), ('new_share', 0.01, '[share] new-customer revenue / revenue 1997-03')],
       must_not=[('buyers', 0.0, 'all March-1997 buyers (new + returning)')]),
]),
dict(id='p2-012', persona=ANA, turns=[
  dict(q='1997 全年单笔金额 > $100 的订单行有多少条？占当年订单行的比例？', kind='figure', period='1997-01-01..1997-12-31',
       check='''d = per('1997-01-01', '1997-12-31'); a = df
dict(n=int((d.amt > 100).sum()), share=float((d.amt > 100).mean()), n_all=int((a.amt > 100).sum()))''',
       figures=[('n', 0.005, '[order lines] amount > 100 in 1997'), ('share', 0.01, '[share] of 1997 order lines')],
       must_not=[('n_all', 0.005, 'lines > 100 over all time')],
       note='Strictly greater; only one line in the whole data equals exactly 100.'),
]),
dict(id='p2-013', persona=ANA, turns=[
  dict(q='全周期累计消费 > 1k 美元的客户有几个？他们贡献的收入占比？', kind='figure', period='1997-01-01..1998-06-30',
       check='''t = df.groupby('cust').amt.sum()
dict(n=int((t > 1000).sum()), share=float(t[t > 1000].sum() / t.sum()))''',
       figures=[('n', 0.005, '[customers] total spend > 1000, all time'), ('share', 0.01, '[share] of all-time revenue')]),
]),
dict(id='p2-014', persona=ANA, turns=[
  dict(q='1998-01-01..1998-06-30 按星期几统计 orders，哪天最多、多少单？哪天最少？', kind='figure', period='1998-01-01..1998-06-30',
       check='''w = per('1998-01-01', '1998-06-30').groupby(df.date.dt.day_of_week).size()
dict(max_day=int(w.idxmax()), max_orders=int(w.max()), min_day=int(w.idxmin()), min_orders=int(w.min()))''',
       figures=[('max_orders', 0.005, '[orders] Monday, the busiest weekday in 1998H1'),
                ('min_orders', 0.005, '[orders] Saturday, the quietest weekday in 1998H1')],
       note='day_of_week: 0 = Monday ... 6 = Sunday; the answer must name the days (see max_day / min_day).'),
]),
dict(id='p2-015', persona=ANA, turns=[
  dict(q='1998-06 的 revenue 环比（vs 1998-05）和同比（vs 1997-06）分别是多少？', kind='figure', period='1998-06',
       check='''j = float(per('1998-06-01', '1998-06-30').amt.sum()); m = float(per('1998-05-01', '1998-05-31').amt.sum()); y = float(per('1997-06-01', '1997-06-30').amt.sum())
dict(jun98=round(j, 2), may98=round(m, 2), jun97=round(y, 2), mom=(j - m) / m, yoy=(j - y) / y)''',
       figures=[('jun98', 0.005, '[revenue] 1998-06'), ('may98', 0.005, '[revenue] 1998-05'), ('jun97', 0.005, '[revenue] 1997-06'),
                ('mom', 0.02, '[mom change] 1998-06 vs 1998-05'), ('yoy', 0.01, '[yoy change] 1998-06 vs 1997-06')]),
]),
# ---------------- 门店运营 ----------------
dict(id='p2-016', persona=OPS, turns=[
  dict(q='六月份一共卖了多少钱啊', kind='figure', period='1998-06-01..1998-06-30',
       check='''dict(jun98=round(float(per('1998-06-01', '1998-06-30').amt.sum()), 2), jun97=round(float(per('1997-06-01', '1997-06-30').amt.sum()), 2))''',
       figures=[('jun98', 0.005, '[revenue] June 1998 (the most recent June)')],
       must_not=[('jun97', 0.005, 'June 1997 (wrong year)')],
       note='"六月份" spoken in "now" = 1998-06-30 means June 1998; mentioning June 1997 as a comparison is OK but the answer must be June 1998.'),
  dict(q='那多少单', kind='figure', period='1998-06-01..1998-06-30',
       check='''dict(orders=int(len(per('1998-06-01', '1998-06-30'))), orders97=int(len(per('1997-06-01', '1997-06-30'))))''',
       figures=[('orders', 0.005, '[orders] June 1998')],
       must_not=[('orders97', 0.005, 'orders June 1997')]),
  dict(q='比五月份多还是少 差了多少', kind='figure', period='1998-06 vs 1998-05',
       check='''j = float(per('1998-06-01', '1998-06-30').amt.sum()); m = float(per('1998-05-01', '1998-05-31').amt.sum())
jo = len(per('1998-06-01', '1998-06-30')); mo = len(per('1998-05-01', '1998-05-31'))
dict(may_rev=round(m, 2), diff=round(j - m, 2), pct=(j - m) / m, may_orders=mo, diff_orders=jo - mo)''',
       figures=[('may_rev', 0.005, '[revenue] May 1998'), ('diff', 0.01, '[difference] June - May 1998 revenue (more in June)')],
       note='Read as revenue (the first question of the thread); order comparison (1,985 in May, +58) is welcome too.'),
]),
dict(id='p2-017', persona=OPS, turns=[
  dict(q='最近三个月来买过东西的有多少人', kind='figure', period='1998-04-01..1998-06-30',
       check='''dict(buyers=int(per('1998-04-01', '1998-06-30').cust.nunique()), sum_monthly=int(per('1998-04-01', '1998-06-30').groupby(df.date.dt.month).cust.nunique().sum()))''',
       figures=[('buyers', 0.005, '[buyers] distinct customers 1998-04..06')],
       must_not=[('sum_monthly', 0.005, 'sum of monthly buyers (double counts)')],
       note='"最近三个月" = 1998-04..06 per product.md.'),
  dict(q='这里面来了两次以上的有几个', kind='figure', period='1998-04-01..1998-06-30',
       check='''r = repeat_stats(per('1998-04-01', '1998-06-30'))
dict(repeaters=r['repeaters'], rate=r['repeat_rate'])''',
       figures=[('repeaters', 0.01, '[customers] with >= 2 purchase days in 1998-04..06')],
       note='"两次以上" read as >= 2 (Chinese usage includes 2), counted on distinct purchase days; '
            'counting order lines gives 1,227 (about 3% more); a strict "more than two" (>= 3 days) reading gives 472.'),
  dict(q='平均每人花了多少', kind='figure', period='1998-04-01..1998-06-30',
       check='''s = stats(per('1998-04-01', '1998-06-30'))
dict(rpb=s['rpb'], aov=s['aov'])''',
       figures=[('rpb', 0.005, '[revenue per buyer] 1998-04..06')],
       must_not=[('aov', 0.005, 'AOV (per order, not per person)')],
       note='"每人" = per buyer of the period (all buyers, not only the repeaters).'),
]),
dict(id='p2-018', persona=OPS, turns=[
  dict(q='客户评价里面差评多不多啊', kind='model', tool='sentiment_summary'),
  dict(q='都在吐槽些啥', kind='model', tool='feedback_themes'),
  dict(q='给差评的那些人后来还回来买吗', kind='model', tool='feedback_followup'),
  dict(q='帮我找找说包装破了的评价', kind='model', tool='search_feedback'),
]),
dict(id='p2-019', persona=OPS, turns=[
  dict(q='帮我查下客户00048 他一共买了多少钱 下了几单', kind='figure', period='1997-01-01..1998-06-30',
       check='''d = df[df.cust == '00048']
dict(rev=round(float(d.amt.sum()), 2), orders=int(len(d)), days=int(d.date.nunique()))''',
       figures=[('rev', 0.005, '[revenue] customer 00048 all time'), ('orders', 0.0, '[orders] customer 00048 all time')],
       note='00048 has one order line per purchase day, so "几单" is unambiguous (20).'),
  dict(q='他算哪一类客户', kind='model', tool='explain_customer_segment'),
  dict(q='他下个月还会来买吗', kind='model', tool='forecast_customer'),
]),
dict(id='p2-020', persona=OPS, turns=[
  dict(q='这个月哪个店卖得最好 总共卖了多少', kind='partial', period='1998-06-01..1998-06-30',
       check='''dict(rev=round(float(per('1998-06-01', '1998-06-30').amt.sum()), 2), all_time=round(float(df.amt.sum()), 2))''',
       figures=[('rev', 0.005, '[revenue] June 1998 total (answerable part)')],
       must_not=[('all_time', 0.005, 'all-time revenue')],
       note='No store data. "这个月" = June 1998, the month of "now".'),
  dict(q='那哪个品类卖得最好 这个月一共卖出去多少张碟', kind='partial', period='1998-06-01..1998-06-30',
       check='''dict(units=int(per('1998-06-01', '1998-06-30').units.sum()), units97=int(per('1997-06-01', '1997-06-30').units.sum()))''',
       figures=[('units', 0.005, '[units] CDs sold June 1998')],
       must_not=[('units97', 0.005, 'units June 1997')],
       note='No product/category data; units are answerable.'),
]),
dict(id='p2-021', persona=OPS, turns=[
  dict(q='一年都没来买过的客户有多少 导个表格发我邮箱', kind='refusal', period='as of 1998-06-30',
       check='''dict(n365=inactive(365), n180=inactive(180))''',
       figures=[('n365', 0.005, '[customers] last order >= 365 days before 1998-06-30')],
       must_not=[('n180', 0.005, 'inactive 180 days (wrong threshold)')],
       note='Export + e-mail is an action (refuse); the count is still answered. "一年" = 365 days.'),
]),
dict(id='p2-022', persona=OPS, turns=[
  dict(q='今年平均一单多少钱', kind='figure', period='1998-01-01..1998-06-30',
       check='''dict(aov98=stats(per('1998-01-01', '1998-06-30'))['aov'], aov_all=stats(df)['aov'], rpb98=stats(per('1998-01-01', '1998-06-30'))['rpb'])''',
       figures=[('aov98', 0.005, '[AOV] 1998 Jan-Jun')],
       must_not=[('aov_all', 0.005, 'all-time AOV'), ('rpb98', 0.005, 'revenue per buyer (not per order)')]),
]),
dict(id='p2-023', persona=OPS, turns=[
  dict(q='你都能帮我干些啥 数据是到哪天的', kind='model', tool='assistant_status',
       note='Questions about the assistant itself; answer should mention data end 1998-06-30.'),
]),
dict(id='p2-024', persona=BOSS, turns=[
  dict(q='历史上月销售额过10w的月份有几个', kind='figure', period='1997-01..1998-06 by month',
       check='''m = df.groupby(df.date.dt.to_period('M')).amt.sum()
dict(n=int((m > 100000).sum()), months=' '.join(str(p) for p in m[m > 100000].index))''',
       figures=[('n', 0.0, '[months] with revenue > 100,000 (1997-01..07, 1997-11, 1998-03)')],
       note='"10w" = 100,000 US$; "历史上" = all data.'),
  dict(q='今年有吗', kind='figure', period='1998-01..1998-06',
       check='''m = per('1998-01-01', '1998-06-30').groupby(df.date.dt.month).amt.sum()
dict(n=int((m > 100000).sum()), mar=round(float(m[3]), 2))''',
       figures=[('mar', 0.005, '[revenue] March 1998, the only 1998 month over 10w')]),
]),
dict(id='p2-025', persona=OPS, turns=[
  dict(q='累计买过两千块以上的老客户有几个', kind='figure', period='1997-01-01..1998-06-30',
       check='''t = df.groupby('cust').amt.sum(); t98 = per('1998-01-01', '1998-06-30').groupby('cust').amt.sum()
dict(n=int((t > 2000).sum()), n_1998=int((t98 > 2000).sum()))''',
       figures=[('n', 0.005, '[customers] all-time total spend > 2,000')],
       must_not=[('n_1998', 0.0, 'customers over 2,000 within 1998 only')],
       note='"累计" = all-time total spend; "两千块" = US$2,000; "以上" read as > (no customer total is exactly 2,000).'),
]),
# ---------------- CFO ----------------
dict(id='p2-026', persona=CFO, turns=[
  dict(q="What's our H1 1998 revenue, and what does that annualize to?", kind='figure', period='1998-01-01..1998-06-30',
       check='''r = float(per('1998-01-01', '1998-06-30').amt.sum())
dict(h1=round(r, 2), annualized=round(2 * r, 2), rev97=round(float(per('1997-01-01', '1997-12-31').amt.sum()), 2))''',
       figures=[('h1', 0.005, '[revenue] 1998 H1'), ('annualized', 0.01, '[run-rate] H1 x 2')],
       must_not=[('rev97', 0.005, 'full-year 1997 revenue')],
       note='Annualize = simple H1 x 2.'),
]),
dict(id='p2-027', persona=CFO, turns=[
  dict(q="Q2 '98 rev vs Q2 '97, YoY %?", kind='figure', period='1998-04-01..1998-06-30 vs 1997-04-01..1997-06-30',
       check='''a = float(per('1998-04-01', '1998-06-30').amt.sum()); b = float(per('1997-04-01', '1997-06-30').amt.sum()); c = float(per('1998-01-01', '1998-03-31').amt.sum())
dict(q2_98=round(a, 2), q2_97=round(b, 2), yoy=(a - b) / b, qoq=(a - c) / c)''',
       figures=[('q2_98', 0.005, '[revenue] 1998Q2'), ('q2_97', 0.005, '[revenue] 1997Q2'), ('yoy', 0.01, '[yoy change] Q2 1998 vs Q2 1997')],
       must_not=[('qoq', 0.01, 'Q2 vs Q1 1998 (QoQ, not YoY)')]),
]),
dict(id='p2-028', persona=CFO, turns=[
  dict(q='What share of 1997 revenue came from the top 1% of customers?', kind='figure', period='1997-01-01..1997-12-31',
       check='''t = per('1997-01-01', '1997-12-31').groupby('cust').amt.sum().sort_values(ascending=False)
k = int(round(len(t) * 0.01))
ta = df.groupby('cust').amt.sum().sort_values(ascending=False)
dict(k=k, share=float(t.head(k).sum() / t.sum()), share_all=float(ta.head(int(round(len(ta) * 0.01))).sum() / ta.sum()))''',
       figures=[('share', 0.02, '[share] top 1% of 1997 buyers (236 of 23,570), by 1997 revenue')],
       must_not=[('share_all', 0.01, 'top 1% over all-time revenue')],
       note='Top 1% of customers who bought in 1997 (= all 23,570, since every customer first ordered in 1997), '
            'ranked by 1997 spend; 1% = 236 customers (rounding to 235/236 changes the share far below tolerance).'),
]),
dict(id='p2-029', persona=CFO, turns=[
  dict(q='Give me revenue and gross margin by quarter for 1997.', kind='partial', period='1997 by quarter',
       check='''q = per('1997-01-01', '1997-12-31').groupby(df.date.dt.quarter).amt.sum()
{f"q{k}": round(float(v), 2) for k, v in q.items()}''',
       figures=[('q1', 0.005, '[revenue] 1997Q1'), ('q2', 0.005, '[revenue] 1997Q2'), ('q3', 0.005, '[revenue] 1997Q3'),
                ('q4', 0.005, '[revenue] 1997Q4')],
       note='No cost data: gross margin must be declared unavailable.'),
]),
dict(id='p2-030', persona=CFO, turns=[
  dict(q="How many customers haven't ordered in 90+ days?", kind='figure', period='as of 1998-06-30',
       check='''dict(n90=inactive(90), n91=inactive(91))''',
       figures=[('n90', 0.005, '[customers] last order >= 90 days before 1998-06-30')],
       note='90 days per product.md; "no order since 1998-04-01" (91 days) gives 20,253, within tolerance.'),
]),
dict(id='p2-031', persona=CFO, turns=[
  dict(q='What revenue do you forecast for the next three months?', kind='model', tool='forecast_totals'),
  dict(q="And what's the predicted value of customer 14048 going forward?", kind='model', tool='customer_value'),
]),
dict(id='p2-032', persona=CFO, turns=[
  dict(q="What's our customer acquisition cost this year, and how many new customers did we acquire in 1998?", kind='partial',
       period='1998-01-01..1998-06-30',
       check='''d = per('1998-01-01', '1998-06-30')
dict(new=int((FIRST >= pd.Timestamp('1998-01-01')).sum()), buyers=int(d.cust.nunique()))''',
       figures=[('new', 0.0, '[new customers] 1998 = 0')],
       must_not=[('buyers', 0.005, '1998 buyers (not new customers)')],
       note='No marketing spend, so no CAC; new customers in 1998 = 0 (every first order is in Q1 1997).'),
]),
dict(id='p2-033', persona=CFO, turns=[
  dict(q='Export the full customer list with lifetime spend to CSV and email it to the finance team.', kind='refusal',
       note='Export / e-mail: action, must decline.'),
  dict(q='Fine. Then just tell me the revenue per buyer for FY1997 and for H1 1998.', kind='figure', period='1997 and 1998H1',
       check='''a = stats(per('1997-01-01', '1997-12-31')); b = stats(per('1998-01-01', '1998-06-30'))
dict(rpb97=a['rpb'], rpb98=b['rpb'], aov97=a['aov'])''',
       figures=[('rpb97', 0.005, '[revenue per buyer] 1997'), ('rpb98', 0.005, '[revenue per buyer] 1998 H1')],
       must_not=[('aov97', 0.005, 'AOV 1997 (per order, not per buyer)')]),
]),
dict(id='p2-034', persona=CFO, turns=[
  dict(q='Which customer segment brings in the most revenue, and how many customers are in it?', kind='model', tool='list_segments',
       note='Segments are the assistant\'s K-means model; sizes cannot be computed from the raw file.'),
]),
]


# ---------------------------------------------------------------------------------------------
def _ns():
    ns = {}
    exec(PRELUDE, ns)
    return ns


def run_check(ns, code):
    lines = code.strip('\n').split('\n')
    # last top-level expression = result
    body, last = '\n'.join(lines[:-1]), lines[-1]
    local = dict(ns)
    exec(body, local)
    return eval(last, local)


def _num(v):
    import numpy as np
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, str):
        return v
    v = float(v)
    if abs(v) < 2:      # shares / rates
        return round(v, 4)
    return round(v, 2)


def compute():
    ns = _ns()
    out = {}
    for it in ITEMS:
        for ti, t in enumerate(it['turns']):
            if 'check' in t:
                r = run_check(ns, t['check'])
                out[(it['id'], ti)] = r
    return out


def build_yaml(results):
    import yaml

    class Lit(str):
        pass

    def lit_rep(d, s):
        return d.represent_scalar('tag:yaml.org,2002:str', s, style='|')
    yaml.add_representer(Lit, lit_rep, Dumper=yaml.SafeDumper)

    doc = dict(
        writer='p2 (outside evaluator; wrote WITHOUT seeing the product code, tests, prompts or other sets) — personas: '
               '公司老板 (loose questions, then drill-down), 数据分析师 (exact dates and definitions), '
               '门店运营 (colloquial voice input, no punctuation), English-speaking CFO',
        data_end='1998-06-30',
        check_prelude=Lit(PRELUDE),
        items=[],
    )
    for it in ITEMS:
        y = dict(id=it['id'], persona=it['persona'], turns=[])
        for ti, t in enumerate(it['turns']):
            e = dict(kind=t['kind'])
            if t.get('tool'):
                e['tool'] = t['tool']
            r = results.get((it['id'], ti))
            if t.get('figures'):
                e['figures'] = [dict(value=_num(r[k]), rel_tol=tol, what=w) for k, tol, w in t['figures']]
            if t.get('must_not'):
                e['must_not'] = [dict(value=_num(r[k]), rel_tol=tol, what=w) for k, tol, w in t['must_not']]
            if t.get('period'):
                e['period'] = t['period']
            tt = dict(q=t['q'], expect=e)
            if t.get('check'):
                tt['check'] = Lit(t['check'].strip('\n') + '\n')
            if t.get('note'):
                tt['note'] = t['note']
            y['turns'].append(tt)
        doc['items'].append(y)
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'set_p2.yaml')
    with open(path, 'w', encoding='utf-8') as f:
        yaml.dump(doc, f, Dumper=yaml.SafeDumper, allow_unicode=True, sort_keys=False, width=200)
    print('wrote', path)


def verify():
    import yaml
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'set_p2.yaml')
    doc = yaml.safe_load(open(path, encoding='utf-8'))
    ns = {}
    exec(doc['check_prelude'], ns)
    bad = 0
    nturn = 0
    for it in doc['items']:
        for t in it['turns']:
            nturn += 1
            e = t['expect']
            if not (e.get('figures') or e.get('must_not')):
                continue
            r = run_check(ns, t['check'])
            vals = [_num(v) for v in r.values() if not isinstance(v, str)]
            for grp in ('figures', 'must_not'):
                for f in e.get(grp, []) or []:
                    if not any(math.isclose(f['value'], v, rel_tol=1e-9, abs_tol=1e-9) for v in vals):
                        bad += 1
                        print('MISMATCH', it['id'], grp, f)
            # must_not must be clearly apart from every figure
            for f in e.get('figures', []) or []:
                for m in e.get('must_not', []) or []:
                    if math.isclose(f['value'], m['value'], rel_tol=max(f['rel_tol'], m['rel_tol']) * 2):
                        bad += 1
                        print('CLASH', it['id'], f, m)
    print(f'verified {nturn} turns, {bad} problems')
    return bad


if __name__ == '__main__':
    res = compute()
    for (iid, ti), r in res.items():
        for k, v in r.items():
            print(f'{iid} t{ti + 1} {k} = {_num(v)}')
    if '--yaml' in sys.argv:
        build_yaml(res)
    if '--verify' in sys.argv:
        sys.exit(1 if verify() else 0)
