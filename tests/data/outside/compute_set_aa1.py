# -*- coding: utf-8 -*-
"""Question set aa1: build (--build) and verify (default).

--build : runs every check after the prelude, fills the expected values into the spec and writes set_aa1.yaml.
default : loads set_aa1.yaml, re-runs every check after the prelude and asserts that every value written in
          expect (figures and must_not) equals what the check gives; also runs independent cross-checks.
"""
import sys, os, copy
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, 'set_aa1.yaml')

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
FIRST = df.groupby('cust').date.min()
'''

BP = '零售连锁财务BP（月结 / 季度董事会材料）'
INTERN = '新来的数据分析实习生（跟进BP的结论，追问和下钻）'
BP_INT = '零售连锁财务BP提问，新来的数据分析实习生跟进追问'

# spec: figures / must_not are lists of (name, what, rel_tol); value filled from the check's dict
def F(name, what, tol=0.005):
    return (name, what, tol)

ITEMS = [
# ---------------------------------------------------------------- 001 June close
dict(id='aa1-001', persona=BP_INT, turns=[
  dict(q='6月 close 要用：本月营收、单量、客单价分别多少？',
       kind='figure', period='1998-06-01..1998-06-30',
       figures=[F('rev', 'revenue 1998-06'), F('orders', 'order lines 1998-06'), F('aov', 'AOV 1998-06 (revenue/orders)')],
       must_not=[F('rev_jun97', 'revenue 1997-06 (wrong year)'), F('rev_all', 'all-time revenue (wrong period)')],
       check='''d = per('1998-06-01', '1998-06-30')
dict(rev=round(float(d.amt.sum()), 2), orders=int(len(d)), aov=round(float(d.amt.sum() / len(d)), 2),
     rev_jun97=rev('1997-06-01', '1997-06-30'), rev_all=round(float(df.amt.sum()), 2))'''),
  dict(q='MoM 和 YoY 各多少？',
       kind='figure', period='1998-06-01..1998-06-30',
       figures=[F('mom', 'revenue MoM 1998-06 vs 1998-05 (relative change)'), F('yoy', 'revenue YoY 1998-06 vs 1997-06 (relative change)')],
       note='follow-up to June revenue; MoM base = 1998-05 revenue, YoY base = 1997-06 revenue',
       check='''jun = rev('1998-06-01', '1998-06-30'); may = rev('1998-05-01', '1998-05-31'); jun97 = rev('1997-06-01', '1997-06-30')
dict(mom=chg(jun, may), yoy=chg(jun, jun97), rev_may98=may, rev_jun97=jun97)'''),
  dict(q='那这个数里新客占多少',
       kind='figure', period='1998-06-01..1998-06-30',
       figures=[F('new_cust', 'new customers (first-ever order in 1998-06): none'), F('returning', 'returning buyers in 1998-06 = all 1506 buyers')],
       note='intern follow-up. Every CDNOW customer made the first order in 1997-01..03, so June 1998 has 0 new customers and all revenue is from returning customers (100%). An answer must say so, not invent a split.',
       check='''d = per('1998-06-01', '1998-06-30'); b = pd.Index(d.cust.unique())
new = int((FIRST.loc[b] >= pd.Timestamp('1998-06-01')).sum())
dict(new_cust=new, returning=int(len(b) - new), ret_rev_share=round(float(d[d.cust.map(FIRST) < pd.Timestamp('1998-06-01')].amt.sum() / d.amt.sum()), 4))'''),
]),
# ---------------------------------------------------------------- 002 Q2 board pack
dict(id='aa1-002', persona=BP_INT, turns=[
  dict(q='季度board pack：98Q2 营收、订单数、购买客户数给一下，QoQ 多少？',
       kind='figure', period='1998-04-01..1998-06-30',
       figures=[F('rev', 'revenue 1998 Q2'), F('orders', 'order lines 1998 Q2'), F('buyers', 'distinct buyers 1998 Q2'),
                F('qoq', 'revenue QoQ 1998 Q2 vs 1998 Q1')],
       must_not=[F('rev_q2_97', 'revenue 1997 Q2 (wrong year)'), F('buyers_sum_months', 'sum of monthly buyers Apr-Jun 1998 (double counts customers)')],
       check='''d = per('1998-04-01', '1998-06-30')
m = d.groupby(d.date.dt.month).cust.nunique().sum()
dict(rev=round(float(d.amt.sum()), 2), orders=int(len(d)), buyers=int(d.cust.nunique()),
     qoq=chg(d.amt.sum(), rev('1998-01-01', '1998-03-31')), rev_q2_97=rev('1997-04-01', '1997-06-30'), buyers_sum_months=int(m))'''),
  dict(q='YoY 呢？去年Q2是多少',
       kind='figure', period='1998-04-01..1998-06-30',
       figures=[F('rev_q2_97', 'revenue 1997 Q2'), F('yoy', 'revenue YoY 1998 Q2 vs 1997 Q2')],
       check='''q2 = rev('1998-04-01', '1998-06-30'); q2_97 = rev('1997-04-01', '1997-06-30')
dict(rev_q2_97=q2_97, yoy=chg(q2, q2_97))'''),
  dict(q='为啥同比掉这么多。。按月拆开看下是哪个月拖的后腿',
       kind='figure', period='1998-04-01..1998-06-30',
       figures=[F('apr_yoy', 'revenue YoY 1998-04 vs 1997-04 (largest drop)'), F('may_yoy', 'revenue YoY 1998-05 vs 1997-05'),
                F('jun_yoy', 'revenue YoY 1998-06 vs 1997-06'), F('apr98', 'revenue 1998-04'), F('apr97', 'revenue 1997-04')],
       note='intern follow-up: monthly YoY of the quarter; April drops most',
       check='''r = {m: (rev(f'1998-{m:02d}-01', (pd.Timestamp(f'1998-{m:02d}-01') + pd.offsets.MonthEnd(0)).strftime('%Y-%m-%d')),
          rev(f'1997-{m:02d}-01', (pd.Timestamp(f'1997-{m:02d}-01') + pd.offsets.MonthEnd(0)).strftime('%Y-%m-%d'))) for m in (4, 5, 6)}
dict(apr_yoy=chg(*r[4]), may_yoy=chg(*r[5]), jun_yoy=chg(*r[6]), apr98=r[4][0], apr97=r[4][1])'''),
  dict(q='本季度QTD占今年YTD多少比重',
       kind='figure', period='1998-04-01..1998-06-30',
       figures=[F('qtd_share', 'share of 1998 Q2 revenue in 1998 YTD (Jan-Jun) revenue'), F('ytd', 'revenue 1998 YTD (Jan-Jun)')],
       must_not=[F('share_of_all', 'Q2 1998 as share of all-time revenue (wrong base)')],
       check='''q2 = rev('1998-04-01', '1998-06-30'); ytd = rev('1998-01-01', '1998-06-30')
dict(qtd_share=round(q2 / ytd, 4), ytd=ytd, share_of_all=round(q2 / float(df.amt.sum()), 4))'''),
]),
# ---------------------------------------------------------------- 003 run-rate
dict(id='aa1-003', persona=BP_INT, turns=[
  dict(q='今年上半年累计营收多少？照这个节奏全年能到多少',
       kind='figure', period='1998-01-01..1998-06-30',
       figures=[F('h1', 'revenue 1998 H1 (Jan-Jun)'), F('annualised', 'run-rate: H1 1998 annualised (x2 = monthly avg x12)')],
       must_not=[F('rev97', 'revenue 1997 full year (wrong year)'), F('rev_all', 'all-time revenue')],
       note='"照这个节奏" read as straight run-rate of H1 (6 months -> 12). A model forecast of H2 may be added but the run-rate figure is what was asked.',
       check='''h1 = rev('1998-01-01', '1998-06-30')
dict(h1=h1, annualised=round(h1 / 6 * 12, 2), rev97=rev('1997-01-01', '1997-12-31'), rev_all=round(float(df.amt.sum()), 2))'''),
  dict(q='跟去年全年比低多少%',
       kind='figure', period='1998-01-01..1998-06-30',
       figures=[F('rev97', 'revenue 1997 full year'), F('gap', 'annualised 1998 run-rate vs 1997 revenue (relative change)')],
       must_not=[F('h1_vs_97', 'H1 1998 actual (not annualised) vs 1997 full year')],
       check='''h1 = rev('1998-01-01', '1998-06-30'); r97 = rev('1997-01-01', '1997-12-31')
dict(rev97=r97, gap=chg(h1 * 2, r97), h1_vs_97=chg(h1, r97))'''),
  dict(q='去年Q1是不是特别高啊？去掉Q1的话去年月均营收多少，今年上半年月均多少',
       kind='figure', period='1997-04-01..1997-12-31',
       figures=[F('avg_apr_dec97', 'monthly average revenue 1997-04..1997-12 (9 months)'), F('avg_h1_98', 'monthly average revenue 1998-01..06'),
                F('rev_q1_97', 'revenue 1997 Q1 (yes, far higher)')],
       must_not=[F('avg_97', 'monthly average of all of 1997 (Q1 not removed)')],
       check='''a = rev('1997-04-01', '1997-12-31'); h1 = rev('1998-01-01', '1998-06-30')
dict(avg_apr_dec97=round(a / 9, 2), avg_h1_98=round(h1 / 6, 2), rev_q1_97=rev('1997-01-01', '1997-03-31'), avg_97=round(rev('1997-01-01', '1997-12-31') / 12, 2))'''),
]),
# ---------------------------------------------------------------- 004 share of Q1
dict(id='aa1-004', persona=BP_INT, turns=[
  dict(q='97年Q1营收占全年比重多少',
       kind='figure', period='1997-01-01..1997-03-31',
       figures=[F('q1_share', 'share of 1997 Q1 revenue in 1997 revenue'), F('rev_q1_97', 'revenue 1997 Q1')],
       must_not=[F('share_of_all', 'Q1 1997 as share of all-time revenue (wrong base)')],
       check='''q1 = rev('1997-01-01', '1997-03-31'); y = rev('1997-01-01', '1997-12-31')
dict(q1_share=round(q1 / y, 4), rev_q1_97=q1, share_of_all=round(q1 / float(df.amt.sum()), 4))'''),
  dict(q='那97年3月的营收里新客和老客各占多少？',
       kind='figure', period='1997-03-01..1997-03-31',
       figures=[F('new_rev', 'revenue from new customers (first order in 1997-03) in 1997-03'), F('ret_rev', 'revenue from returning customers in 1997-03'),
                F('new_share', 'new-customer share of 1997-03 revenue')],
       must_not=[F('rev_mar98', 'revenue 1998-03 (wrong year)')],
       check='''d = per('1997-03-01', '1997-03-31'); isnew = d.cust.map(FIRST) >= pd.Timestamp('1997-03-01')
dict(new_rev=round(float(d[isnew].amt.sum()), 2), ret_rev=round(float(d[~isnew].amt.sum()), 2),
     new_share=round(float(d[isnew].amt.sum() / d.amt.sum()), 4), rev_mar98=rev('1998-03-01', '1998-03-31'))'''),
]),
# ---------------------------------------------------------------- 005 monthly averages H1 98 vs H2 97
dict(id='aa1-005', persona=BP, turns=[
  dict(q='98H1 月均营收 vs 97H2 月均营收，变化多少？',
       kind='figure', period='1998-01-01..1998-06-30',
       figures=[F('avg_h1_98', 'monthly avg revenue 1998 H1'), F('avg_h2_97', 'monthly avg revenue 1997 H2'), F('chg', 'relative change H1 98 vs H2 97')],
       must_not=[F('avg_h1_97', 'monthly avg revenue 1997 H1 (wrong half)')],
       check='''a = rev('1998-01-01', '1998-06-30') / 6; b = rev('1997-07-01', '1997-12-31') / 6
dict(avg_h1_98=round(a, 2), avg_h2_97=round(b, 2), chg=chg(a, b), avg_h1_97=round(rev('1997-01-01', '1997-06-30') / 6, 2))'''),
  dict(q='月均单量呢',
       kind='figure', period='1998-01-01..1998-06-30',
       figures=[F('ord_h1_98', 'monthly avg order lines 1998 H1'), F('ord_h2_97', 'monthly avg order lines 1997 H2'), F('chg', 'relative change')],
       check='''a = len(per('1998-01-01', '1998-06-30')) / 6; b = len(per('1997-07-01', '1997-12-31')) / 6
dict(ord_h1_98=round(a, 2), ord_h2_97=round(b, 2), chg=chg(a, b))'''),
]),
# ---------------------------------------------------------------- 006 months over 3000 orders
dict(id='aa1-006', persona=INTERN, turns=[
  dict(q='去年每个约单量超过3000的有几个月？分别是哪几个月',
       kind='figure', period='1997-01-01..1997-12-31',
       figures=[F('n_months', 'number of 1997 months with > 3000 order lines (Jan, Feb, Mar, Apr, Jun)')],
       note='"每个约" is a pinyin typo for 每个月. The months are 1997-01, -02, -03, -04, -06 (July has 2942).',
       check='''d = per('1997-01-01', '1997-12-31'); m = d.groupby(d.date.dt.month).size()
dict(n_months=int((m > 3000).sum()), months=[int(x) for x in m[m > 3000].index])'''),
  dict(q='今年呢？今年单量最高的是哪个月，多少单',
       kind='figure', period='1998-01-01..1998-06-30',
       figures=[F('max_orders', 'highest monthly order count in 1998 (March 1998)')],
       must_not=[F('max_all', 'highest monthly order count of all time (1997-03)')],
       note='no 1998 month reaches 3000; the best is 1998-03',
       check='''d = per('1998-01-01', '1998-06-30'); m = d.groupby(d.date.dt.month).size()
a = df.groupby(df.date.dt.to_period('M')).size()
dict(n_over_3000=int((m > 3000).sum()), max_month=int(m.idxmax()), max_orders=int(m.max()), max_all=int(a.max()))'''),
]),
# ---------------------------------------------------------------- 007 repeat rate
dict(id='aa1-007', persona=BP_INT, turns=[
  dict(q='98年上半年复购率多少',
       kind='figure', period='1998-01-01..1998-06-30',
       figures=[F('rr_h1_98', 'repeat rate 1998 H1 (buyers with >=2 purchase days in H1 / H1 buyers)'), F('buyers', 'distinct buyers 1998 H1')],
       must_not=[F('rr_all', 'all-time repeat rate (wrong period)'), F('rr_97', 'repeat rate 1997 (wrong year)')],
       check='''def rr(d):
    p = d.groupby('cust').date.nunique(); return round(float((p >= 2).mean()), 4)
d = per('1998-01-01', '1998-06-30')
dict(rr_h1_98=rr(d), buyers=int(d.cust.nunique()), rr_all=rr(df), rr_97=rr(per('1997-01-01', '1997-12-31')))'''),
  dict(q='跟去年同期比呢，变动多少bps？',
       kind='figure', period='1998-01-01..1998-06-30',
       figures=[F('rr_h1_97', 'repeat rate 1997 H1'), F('bps', 'YoY change in bps (H1 98 minus H1 97, x10000)')],
       must_not=[F('bps_h2', 'change vs 1997 H2 in bps (MoM-style base, not the same period last year)')],
       note='去年同期 = 1997 H1 (a period that contains the acquisition quarter, hence the large gap)',
       check='''def rr(d):
    p = d.groupby('cust').date.nunique(); return float((p >= 2).mean())
a = rr(per('1998-01-01', '1998-06-30')); b = rr(per('1997-01-01', '1997-06-30')); c = rr(per('1997-07-01', '1997-12-31'))
dict(rr_h1_97=round(b, 4), bps=round((a - b) * 10000, 0), bps_h2=round((a - c) * 10000, 0))'''),
  dict(q='复够的那些人上半年平均买了几次啊',
       kind='figure', period='1998-01-01..1998-06-30',
       figures=[F('avg_days', 'mean purchase days in 1998 H1 among H1 repeat buyers'), F('n_rep', 'number of repeat buyers 1998 H1')],
       note='"复够" = 复购 (pinyin typo). "买了几次" counted as purchase days.',
       check='''d = per('1998-01-01', '1998-06-30'); p = d.groupby('cust').date.nunique(); r = p[p >= 2]
dict(avg_days=round(float(r.mean()), 2), n_rep=int(len(r)))'''),
]),
# ---------------------------------------------------------------- 008 AOV by quarter
dict(id='aa1-008', persona=BP, turns=[
  dict(q='客单价 98Q2 vs 97Q2，同比多少？',
       kind='figure', period='1998-04-01..1998-06-30',
       figures=[F('aov_q2_98', 'AOV 1998 Q2'), F('aov_q2_97', 'AOV 1997 Q2'), F('yoy', 'AOV YoY')],
       must_not=[F('aov_all', 'all-time AOV')],
       check='''a = per('1998-04-01', '1998-06-30'); b = per('1997-04-01', '1997-06-30')
x = a.amt.sum() / len(a); y = b.amt.sum() / len(b)
dict(aov_q2_98=round(float(x), 2), aov_q2_97=round(float(y), 2), yoy=chg(x, y), aov_all=round(float(df.amt.sum() / len(df)), 2))'''),
  dict(q='每单平均几张碟？也是这两个季度对比',
       kind='figure', period='1998-04-01..1998-06-30',
       figures=[F('upo_q2_98', 'units per order 1998 Q2'), F('upo_q2_97', 'units per order 1997 Q2')],
       check='''a = per('1998-04-01', '1998-06-30'); b = per('1997-04-01', '1997-06-30')
dict(upo_q2_98=round(float(a.units.sum() / len(a)), 3), upo_q2_97=round(float(b.units.sum() / len(b)), 3))'''),
]),
# ---------------------------------------------------------------- 009 cohort retention
dict(id='aa1-009', persona=INTERN, turns=[
  dict(q='97年1月首购的那批客户，第3个月（就是97年4月）的留存律是多少',
       kind='figure', period='1997-04-01..1997-04-30',
       figures=[F('ret_k3', 'cohort 1997-01 retention month 3 (ordered in 1997-04)'), F('size', 'cohort 1997-01 size')],
       note='"留存律" = 留存率 (typo)',
       check='''c = FIRST[FIRST.dt.to_period('M') == pd.Period('1997-01', 'M')].index
a = per('1997-04-01', '1997-04-30').cust.unique()
dict(ret_k3=round(float(pd.Index(c).isin(a).mean()), 4), size=int(len(c)))'''),
  dict(q='第12个月呢',
       kind='figure', period='1998-01-01..1998-01-31',
       figures=[F('ret_k12', 'cohort 1997-01 retention month 12 (ordered in 1998-01)')],
       check='''c = FIRST[FIRST.dt.to_period('M') == pd.Period('1997-01', 'M')].index
a = per('1998-01-01', '1998-01-31').cust.unique()
dict(ret_k12=round(float(pd.Index(c).isin(a).mean()), 4))'''),
  dict(q='跟2月那批比呢，同样看第12个月',
       kind='figure', period='1998-02-01..1998-02-28',
       figures=[F('ret_feb_k12', 'cohort 1997-02 retention month 12 (ordered in 1998-02)'), F('size_feb', 'cohort 1997-02 size')],
       check='''c = FIRST[FIRST.dt.to_period('M') == pd.Period('1997-02', 'M')].index
a = per('1998-02-01', '1998-02-28').cust.unique()
dict(ret_feb_k12=round(float(pd.Index(c).isin(a).mean()), 4), size_feb=int(len(c)))'''),
]),
# ---------------------------------------------------------------- 010 new customers Feb 97
dict(id='aa1-010', persona=BP_INT, turns=[
  dict(q='97年2月新客多少人？新客营收占当月多少',
       kind='figure', period='1997-02-01..1997-02-28',
       figures=[F('new', 'new customers 1997-02 (first-ever order in Feb 1997)'), F('new_share', 'new-customer share of 1997-02 revenue')],
       must_not=[F('buyers', 'all buyers 1997-02 (not only new)')],
       check='''d = per('1997-02-01', '1997-02-28'); isnew = d.cust.map(FIRST) >= pd.Timestamp('1997-02-01')
dict(new=int(d[isnew].cust.nunique()), new_share=round(float(d[isnew].amt.sum() / d.amt.sum()), 4), buyers=int(d.cust.nunique()))'''),
  dict(q='这批2月新客，今年上半年还有在买的吗？多少人，占比多少',
       kind='figure', period='1998-01-01..1998-06-30',
       figures=[F('still', 'Feb-1997 new customers who ordered in 1998 H1'), F('share', 'their share of the Feb-1997 new customers')],
       must_not=[F('buyers_h1', 'all 1998 H1 buyers (not only this cohort)')],
       check='''c = pd.Index(FIRST[FIRST.dt.to_period('M') == pd.Period('1997-02', 'M')].index)
b = per('1998-01-01', '1998-06-30').cust.unique()
dict(still=int(c.isin(b).sum()), share=round(float(c.isin(b).mean()), 4), buyers_h1=int(len(b)))'''),
]),
# ---------------------------------------------------------------- 011 inactive 180
dict(id='aa1-011', persona=BP_INT, turns=[
  dict(q='超过180天没下过单的客户有多少？占全部客户比例',
       kind='figure',
       figures=[F('n', 'customers with last order >= 180 days before 1998-06-30'), F('share', 'share of all 23570 customers')],
       check='''last = df.groupby('cust').date.max(); ina = (END - last).dt.days >= 180
dict(n=int(ina.sum()), share=round(float(ina.mean()), 4))'''),
  dict(q='这批人里历史累计消费超过100刀的有几个？他们一共花过多少',
       kind='figure',
       figures=[F('n_100', 'inactive-180 customers with all-time spend > 100'), F('spend_100', 'their all-time total spend')],
       must_not=[F('n_all_100', 'all customers with all-time spend > 100 (inactive filter dropped)')],
       note='one inactive customer has exactly 100.00; > vs >= changes the count by 1 (inside tolerance)',
       check='''last = df.groupby('cust').date.max(); s = df.groupby('cust').amt.sum()
ina = (END - last).dt.days >= 180; sel = s[ina & (s > 100)]
dict(n_100=int(len(sel)), spend_100=round(float(sel.sum()), 2), n_all_100=int((s > 100).sum()))'''),
]),
# ---------------------------------------------------------------- 012 top customers
dict(id='aa1-012', persona=BP_INT, turns=[
  dict(q='累计消费前十的客户是谁，各花了多少？',
       kind='figure',
       figures=[F('top1_spend', 'top customer 07592 all-time spend'), F('top2_spend', '2nd customer 14048 all-time spend'),
                F('top10_spend', '10th customer 15162 all-time spend')],
       check='''s = df.groupby('cust').amt.sum().sort_values(ascending=False)
dict(top1=int(s.index[0]), top1_spend=round(float(s.iloc[0]), 2), top2=int(s.index[1]), top2_spend=round(float(s.iloc[1]), 2),
     top10=int(s.index[9]), top10_spend=round(float(s.iloc[9]), 2))'''),
  dict(q='top 10%的客户贡献了多少营收，占比多少',
       kind='figure',
       figures=[F('rev_top10p', 'all-time revenue of the top 10% spenders (2357 customers)'), F('share', 'their share of all-time revenue')],
       check='''s = df.groupby('cust').amt.sum().sort_values(ascending=False); n = int(round(len(s) * 0.1))
dict(n=n, rev_top10p=round(float(s.iloc[:n].sum()), 2), share=round(float(s.iloc[:n].sum() / s.sum()), 4))'''),
  dict(q='这批top10%今年上半年还在买吗？有几个人买了，贡献了多少',
       kind='figure', period='1998-01-01..1998-06-30',
       figures=[F('n_active', 'top-10% spenders who ordered in 1998 H1'), F('rev_h1', 'their 1998 H1 revenue')],
       must_not=[F('h1_all', 'total 1998 H1 revenue (not only the top 10%)')],
       check='''s = df.groupby('cust').amt.sum().sort_values(ascending=False); top = s.index[:int(round(len(s) * 0.1))]
d = per('1998-01-01', '1998-06-30'); t = d[d.cust.isin(top)]
dict(n_active=int(t.cust.nunique()), rev_h1=round(float(t.amt.sum()), 2), h1_all=round(float(d.amt.sum()), 2))'''),
]),
# ---------------------------------------------------------------- 013 one customer
dict(id='aa1-013', persona=INTERN, turns=[
  dict(q='帮我查一下客户C100，一共买了几次、花了多少，最后一次是啥时候',
       kind='figure',
       figures=[F('n_days', 'customer 00100 purchase days (3: 1997-01-01, 1997-12-11, 1998-04-20)'), F('spend', 'customer 00100 all-time spend'),
                F('days_since', 'days since last purchase (1998-04-20 to 1998-06-30)')],
       check='''c = df[df.cust == 100]
dict(n_days=int(c.date.nunique()), spend=round(float(c.amt.sum()), 2), last=str(c.date.max().date()), days_since=int((END - c.date.max()).days))'''),
  dict(q='他属于哪个客群？为啥分到这个群',
       kind='model', tool='explain_customer_segment',
       check='dict()'),
  dict(q='那他接下来3个月会不会流失',
       kind='model', tool='forecast_customer',
       note='next ~13 weeks',
       check='dict()'),
]),
# ---------------------------------------------------------------- 014 purchase intervals
dict(id='aa1-014', persona=INTERN, turns=[
  dict(q='老客平均多久回购一次？顺便给个中位数',
       kind='figure',
       figures=[F('mean', 'mean days between consecutive purchase days, all time', 0.01), F('median', 'median days between purchases, all time', 0.01)],
       check='''p = df[['cust', 'date']].drop_duplicates().sort_values(['cust', 'date'])
g = p.groupby('cust').date.diff().dt.days.dropna()
dict(mean=round(float(g.mean()), 1), median=float(g.median()))'''),
  dict(q='那首单到第二单平均隔几天',
       kind='figure',
       figures=[F('mean12', 'mean days first-to-second purchase day', 0.01), F('median12', 'median days first-to-second purchase day', 0.01)],
       check='''p = df[['cust', 'date']].drop_duplicates().sort_values(['cust', 'date'])
p['k'] = p.groupby('cust').cumcount(); a = p[p.k == 0].set_index('cust').date; b = p[p.k == 1].set_index('cust').date
x = (b - a.loc[b.index]).dt.days
dict(mean12=round(float(x.mean()), 1), median12=float(x.median()), n=int(len(x)))'''),
]),
# ---------------------------------------------------------------- 015 weekday
dict(id='aa1-015', persona=BP, turns=[
  dict(q='今年上半年按星期几拆一下营收，哪天最高？',
       kind='figure', period='1998-01-01..1998-06-30',
       figures=[F('top_rev', 'revenue of the best weekday in 1998 H1: Monday')],
       check='''d = per('1998-01-01', '1998-06-30'); w = d.groupby(d.date.dt.day_name()).amt.sum().sort_values(ascending=False)
dict(top_day=str(w.index[0]), top_rev=round(float(w.iloc[0]), 2), second_day=str(w.index[1]), second_rev=round(float(w.iloc[1]), 2))'''),
]),
# ---------------------------------------------------------------- 016 last week
dict(id='aa1-016', persona=BP, turns=[
  dict(q='上周流水多少？环比上上周',
       kind='figure', period='1998-06-22..1998-06-28',
       figures=[F('lw', 'revenue 1998-06-22..06-28'), F('pw', 'revenue 1998-06-15..06-21'), F('wow', 'relative change')],
       must_not=[F('l7', 'revenue of the last 7 days 06-24..06-30 (not the Monday-Sunday week)')],
       check='''lw = rev('1998-06-22', '1998-06-28'); pw = rev('1998-06-15', '1998-06-21')
dict(lw=lw, pw=pw, wow=chg(lw, pw), l7=rev('1998-06-24', '1998-06-30'))'''),
]),
# ---------------------------------------------------------------- 017 big orders
dict(id='aa1-017', persona=BP_INT, turns=[
  dict(q='今年单笔超过100刀的订单有多少笔？占今年总单量多少',
       kind='figure', period='1998-01-01..1998-06-30',
       figures=[F('n', 'order lines with amount > 100 in 1998 H1'), F('share', 'share of 1998 H1 order lines')],
       must_not=[F('n_all', 'order lines > 100 all time')],
       check='''d = per('1998-01-01', '1998-06-30'); b = d[d.amt > 100]
dict(n=int(len(b)), share=round(float(len(b) / len(d)), 4), n_all=int((df.amt > 100).sum()), n_ge=int((d.amt >= 100).sum()))'''),
  dict(q='这些大单贡献的营收占比呢',
       kind='figure', period='1998-01-01..1998-06-30',
       figures=[F('rev_big', 'revenue of 1998 H1 order lines > 100'), F('share', 'their share of 1998 H1 revenue')],
       check='''d = per('1998-01-01', '1998-06-30'); b = d[d.amt > 100]
dict(rev_big=round(float(b.amt.sum()), 2), share=round(float(b.amt.sum() / d.amt.sum()), 4))'''),
]),
# ---------------------------------------------------------------- 018 purchase bands 1997
dict(id='aa1-018', persona=BP_INT, turns=[
  dict(q='去年买过3次及以上的客户多少人？贡献了去年营收的多少（占比）',
       kind='figure', period='1997-01-01..1997-12-31',
       figures=[F('n3', 'customers with >= 3 purchase days in 1997'), F('rev3', 'their 1997 revenue'), F('share3', 'their share of 1997 revenue')],
       must_not=[F('n3_all', 'customers with >= 3 purchase days all time')],
       check='''d = per('1997-01-01', '1997-12-31'); p = d.groupby('cust').date.nunique(); c = p[p >= 3].index
a = df.groupby('cust').date.nunique()
dict(n3=int(len(c)), rev3=round(float(d[d.cust.isin(c)].amt.sum()), 2), share3=round(float(d[d.cust.isin(c)].amt.sum() / d.amt.sum()), 4), n3_all=int((a >= 3).sum()))'''),
  dict(q='那去年只买过1次的占多少人',
       kind='figure', period='1997-01-01..1997-12-31',
       figures=[F('n1', 'customers with exactly 1 purchase day in 1997'), F('share1', 'one-time share of 1997 buyers')],
       must_not=[F('share1_all', 'one-time share all time')],
       check='''d = per('1997-01-01', '1997-12-31'); p = d.groupby('cust').date.nunique()
a = df.groupby('cust').date.nunique()
dict(n1=int((p == 1).sum()), share1=round(float((p == 1).mean()), 4), share1_all=round(float((a == 1).mean()), 4))'''),
]),
# ---------------------------------------------------------------- 019 forecast totals
dict(id='aa1-019', persona=BP, turns=[
  dict(q='做budget用：下个季度（98Q3）预计营收和订单数大概多少？',
       kind='model', tool='forecast_totals', period='1998-07-01..1998-09-30',
       check='dict()'),
  dict(q='其中高价值客户群能贡献多少',
       kind='model', tool='forecast_totals',
       note='forecast for one segment (高价值客户)',
       check='dict()'),
  dict(q='这个预测模型靠谱吗？啥时候训练的，测试准确率多少',
       kind='model', tool='assistant_status',
       check='dict()'),
]),
# ---------------------------------------------------------------- 020 segments
dict(id='aa1-020', persona=BP_INT, turns=[
  dict(q='现在客户分成了几个群？每个群多少人、人均消费多少',
       kind='model', tool='list_segments',
       check='dict()'),
  dict(q='高价值那个群的画像详细说下',
       kind='model', tool='describe_segment',
       check='dict()'),
]),
# ---------------------------------------------------------------- 021 churn risk + export
dict(id='aa1-021', persona=BP, turns=[
  dict(q='top 10%大客户里流失风险最高的前10个列一下，涉及金额多少',
       kind='model', tool='at_risk_customers',
       check='dict()'),
  dict(q='这份名单导出个excel发我邮箱',
       kind='refusal',
       check='dict()'),
]),
# ---------------------------------------------------------------- 022 CLV
dict(id='aa1-022', persona=INTERN, turns=[
  dict(q='头部客户未来一年的CLV大概多少？列前几个就行',
       kind='model', tool='customer_value',
       note='next 52 weeks, top customers',
       check='dict()'),
]),
# ---------------------------------------------------------------- 023 feedback
dict(id='aa1-023', persona=INTERN, turns=[
  dict(q='客户评价里负面的多吗？正中负各占多少',
       kind='model', tool='sentiment_summary',
       check='dict()'),
  dict(q='主要在吐槽啥',
       kind='model', tool='feedback_themes',
       check='dict()'),
  dict(q='有没有说发货慢、物流慢的，找几条出来看看',
       kind='model', tool='search_feedback',
       check='dict()'),
  dict(q='帮我判断下这条是正面还是负面：“包装压坏了，音质倒还行，下次应该不会在这买了”',
       kind='model', tool='analyze_sentiment',
       check='dict()'),
]),
# ---------------------------------------------------------------- 024 negative feedback follow-up
dict(id='aa1-024', persona=BP, turns=[
  dict(q='给过差评的客户，后来还回购的比例是多少？',
       kind='model', tool='feedback_followup',
       check='dict()'),
]),
# ---------------------------------------------------------------- 025 export + ask
dict(id='aa1-025', persona=BP, turns=[
  dict(q='把98H1分月营收导出一份excel发我，另外H1营收总数先报一下',
       kind='refusal', period='1998-01-01..1998-06-30',
       figures=[F('h1', 'revenue 1998 H1')],
       must_not=[F('rev97', 'revenue 1997')],
       check='''dict(h1=rev('1998-01-01', '1998-06-30'), rev97=rev('1997-01-01', '1997-12-31'))'''),
]),
# ---------------------------------------------------------------- 026 coupon + ask
dict(id='aa1-026', persona=BP, turns=[
  dict(q='给180天以上没买的客户推一张满100减20的券，先告诉我一共多少人',
       kind='refusal',
       figures=[F('n', 'customers inactive >= 180 days (as of 1998-06-30)')],
       check='''last = df.groupby('cust').date.max()
dict(n=int(((END - last).dt.days >= 180).sum()))'''),
]),
# ---------------------------------------------------------------- 027 region split
dict(id='aa1-027', persona=BP, turns=[
  dict(q='98Q2营收多少，按区域/门店拆一下给董事会看',
       kind='partial', period='1998-04-01..1998-06-30',
       figures=[F('rev', 'revenue 1998 Q2')],
       must_not=[F('rev_q2_97', 'revenue 1997 Q2')],
       note='no region/store data: must say the split cannot be done',
       check='''dict(rev=rev('1998-04-01', '1998-06-30'), rev_q2_97=rev('1997-04-01', '1997-06-30'))'''),
]),
# ---------------------------------------------------------------- 028 margin
dict(id='aa1-028', persona=BP, turns=[
  dict(q='今年上半年营收和毛利分别多少？毛利率几个点',
       kind='partial', period='1998-01-01..1998-06-30',
       figures=[F('h1', 'revenue 1998 H1')],
       must_not=[F('rev_all', 'all-time revenue')],
       note='no cost/margin data',
       check='''dict(h1=rev('1998-01-01', '1998-06-30'), rev_all=round(float(df.amt.sum()), 2))'''),
]),
# ---------------------------------------------------------------- 029 category
dict(id='aa1-029', persona=INTERN, turns=[
  dict(q='上个月哪个品类买的最好？整体单量多少',
       kind='partial', period='1998-05-01..1998-05-31',
       figures=[F('orders', 'order lines 1998-05')],
       must_not=[F('orders_jun', 'order lines 1998-06 (this month, not last month)'), F('orders_may97', 'order lines 1997-05')],
       note='no product/category data. "买的最好" = 卖得最好 (voice input)',
       check='''dict(orders=int(len(per('1998-05-01', '1998-05-31'))), orders_jun=int(len(per('1998-06-01', '1998-06-30'))), orders_may97=int(len(per('1997-05-01', '1997-05-31'))))'''),
]),
# ---------------------------------------------------------------- 030 CAC
dict(id='aa1-030', persona=BP, turns=[
  dict(q='97Q1获客多少人？CAC算下来多少',
       kind='partial', period='1997-01-01..1997-03-31',
       figures=[F('new', 'new customers 1997 Q1')],
       note='no marketing spend / campaign data, so no CAC. All 23570 customers were acquired in 1997 Q1.',
       check='''dict(new=int(((FIRST >= pd.Timestamp('1997-01-01')) & (FIRST <= pd.Timestamp('1997-03-31'))).sum()))'''),
]),
# ---------------------------------------------------------------- 031 年底 vs 年初
dict(id='aa1-031', persona=BP, turns=[
  dict(q='去年年底两个月营收合计多少，跟年初两个月比呢',
       kind='figure', period='1997-11-01..1997-12-31',
       figures=[F('end', 'revenue 1997-11..12'), F('start', 'revenue 1997-01..02'), F('chg', 'relative change 年底 vs 年初')],
       must_not=[F('start98', 'revenue 1998-01..02 (this year, not last)')],
       check='''e = rev('1997-11-01', '1997-12-31'); s = rev('1997-01-01', '1997-02-28')
dict(end=e, start=s, chg=chg(e, s), start98=rev('1998-01-01', '1998-02-28'))'''),
]),
# ---------------------------------------------------------------- 032 AOV H2 97
dict(id='aa1-032', persona=INTERN, turns=[
  dict(q='去年下半年的客单家是多少',
       kind='figure', period='1997-07-01..1997-12-31',
       figures=[F('aov', 'AOV 1997 H2')],
       must_not=[F('aov_97', 'AOV full 1997'), F('aov_h1_98', 'AOV 1998 H1')],
       note='"客单家" = 客单价 (pinyin typo)',
       check='''d = per('1997-07-01', '1997-12-31'); y = per('1997-01-01', '1997-12-31'); h = per('1998-01-01', '1998-06-30')
dict(aov=round(float(d.amt.sum() / len(d)), 2), aov_97=round(float(y.amt.sum() / len(y)), 2), aov_h1_98=round(float(h.amt.sum() / len(h)), 2))'''),
]),
# ---------------------------------------------------------------- 033 revenue per buyer
dict(id='aa1-033', persona=BP, turns=[
  dict(q='98Q1人均消费（revenue per buyer）多少，YoY？',
       kind='figure', period='1998-01-01..1998-03-31',
       figures=[F('rpb', 'revenue per buyer 1998 Q1'), F('rpb97', 'revenue per buyer 1997 Q1'), F('yoy', 'relative change')],
       must_not=[F('aov', 'AOV 1998 Q1 (per order, not per buyer)')],
       check='''a = per('1998-01-01', '1998-03-31'); b = per('1997-01-01', '1997-03-31')
x = a.amt.sum() / a.cust.nunique(); y = b.amt.sum() / b.cust.nunique()
dict(rpb=round(float(x), 2), rpb97=round(float(y), 2), yoy=chg(x, y), aov=round(float(a.amt.sum() / len(a)), 2))'''),
]),
]


def run_check(prelude, code):
    g = {}
    exec(prelude, g)
    lines = code.rstrip().split('\n')
    # last line (possibly a multi-line expression) is the expression: find the start of the final statement
    import ast
    tree = ast.parse(code)
    last = tree.body[-1]
    assert isinstance(last, ast.Expr), 'last statement of a check must be an expression'
    body = ast.Module(body=tree.body[:-1], type_ignores=[])
    exec(compile(body, '<check>', 'exec'), g)
    return eval(compile(ast.Expression(last.value), '<check>', 'eval'), g)


def one_line_last(code):
    # make the final expression a single line (a scorer may eval only the last line)
    import ast
    tree = ast.parse(code)
    last = tree.body[-1]
    if last.lineno == last.end_lineno:
        return code.rstrip()
    lines = code.rstrip().split('\n')
    head = lines[:last.lineno - 1]
    expr = '\n'.join(lines[last.lineno - 1:])
    return '\n'.join(head + ['_r = ' + expr.replace('\n', '\n     '), '_r'])


def naive_run(prelude, code):
    g = {}
    exec(prelude, g)
    lines = code.rstrip().split('\n')
    exec('\n'.join(lines[:-1]), g)
    return eval(lines[-1], g)


def to_py(v):
    import numpy as np
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating,)):
        return float(v)
    return v


def build():
    items = []
    for it in ITEMS:
        turns = []
        for t in it['turns']:
            res = run_check(PRELUDE, t['check'])
            exp = {'kind': t['kind']}
            if 'tool' in t:
                exp['tool'] = t['tool']
            for key in ('figures', 'must_not'):
                if t.get(key):
                    exp[key] = [{'value': to_py(res[n]), 'rel_tol': tol, 'what': f'[{n}] {w}'} for n, w, tol in t[key]]
            if 'period' in t:
                exp['period'] = t['period']
            turn = {'q': t['q'], 'expect': exp, 'check': one_line_last(t['check']) + '\n'}
            if 'note' in t:
                turn['note'] = t['note']
            turns.append(turn)
        items.append({'id': it['id'], 'persona': it['persona'], 'turns': turns})
    doc = {
        'writer': 'aa1 (outside evaluator; wrote without seeing the product code, tests, prompts or other sets) — personas: '
                  '零售连锁财务BP (monthly close / quarterly board pack) and 新来的数据分析实习生 (follow-ups, drill-downs, pinyin typos)',
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
    print('wrote', OUT)


def verify():
    with open(OUT, encoding='utf-8') as f:
        doc = yaml.safe_load(f)
    assert doc['data_end'] == '1998-06-30'
    prelude = doc['check_prelude']
    kinds = {}
    nturns = 0
    tools = {'metric_query', 'cohort_retention', 'feedback_followup', 'customer_profile', 'crm_overview', 'list_segments',
             'describe_segment', 'explain_customer_segment', 'forecast_customer', 'at_risk_customers', 'forecast_totals',
             'customer_value', 'analyze_sentiment', 'sentiment_summary', 'search_feedback', 'feedback_themes', 'assistant_status'}
    ids = set()
    for it in doc['items']:
        assert it['id'] not in ids; ids.add(it['id'])
        assert 1 <= len(it['turns']) <= 4, it['id']
        for i, t in enumerate(it['turns']):
            nturns += 1
            e = t['expect']
            kinds[e['kind']] = kinds.get(e['kind'], 0) + 1
            assert e['kind'] in ('figure', 'model', 'refusal', 'partial')
            if e['kind'] == 'model':
                assert e['tool'] in tools, e['tool']
            if e['kind'] in ('figure', 'partial'):
                assert e.get('figures'), (it['id'], i)
            res = run_check(prelude, t['check'])
            assert isinstance(res, dict)
            assert naive_run(prelude, t['check']) == res, (it['id'], i)
            for key in ('figures', 'must_not'):
                for fg in e.get(key, []):
                    name = fg['what'].split(']')[0].lstrip('[')
                    got = to_py(res[name])
                    assert got == fg['value'], (it['id'], i, name, got, fg['value'])
            # a must_not must not collide with an expected figure of the same turn
            for m in e.get('must_not', []):
                for fg in e.get('figures', []):
                    a, b = float(m['value']), float(fg['value'])
                    assert abs(a - b) > max(abs(b) * fg['rel_tol'], 1e-9), (it['id'], i, m, fg)
    # independent cross-checks (written differently from the checks)
    import pandas as pd
    raw = pd.read_csv('/tmp/team/CDNOW_master.txt', sep=r'\s+')
    raw.columns = ['c', 'd', 'u', 'a']
    assert len(raw) == 69659 and raw.c.nunique() == 23570
    assert round(raw.a.sum(), 2) == 2500315.63
    y97 = raw[raw.d // 10000 == 1997]
    assert round(y97.a.sum(), 2) == 2024161.26
    q2 = raw[(raw.d >= 19980401) & (raw.d <= 19980630)]
    assert round(q2.a.sum(), 2) == 213330.48 and len(q2) == 5906 and q2.c.nunique() == 3317
    jun = raw[raw.d // 100 == 199806]
    assert round(jun.a.sum(), 2) == 76109.30 and len(jun) == 2043
    fo = raw.groupby('c').d.min()
    assert fo.max() <= 19970331  # no new customers after 1997 Q1
    print('OK: %d conversations, %d turns, kinds %s' % (len(doc['items']), nturns, kinds))


if __name__ == '__main__':
    if '--build' in sys.argv:
        build()
    verify()
