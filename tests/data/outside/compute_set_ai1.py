#!/usr/bin/env python
"""Question set ai1 (outside writer): builds set_ai1.yaml from the item specs below and then
re-runs every `check:` of the written YAML after its prelude, asserting that each expected figure
equals what the check gives. Also cross-checks anchor figures with independent code.

usage: /tmp/team/venv/bin/python compute_set_ai1.py          # write + verify
       /tmp/team/venv/bin/python compute_set_ai1.py --verify # only verify the existing YAML
"""
import ast, math, os, sys
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, 'set_ai1.yaml')

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
def pdays(d):
    return d[['cust', 'date']].drop_duplicates()
def repeat_rate(d):
    g = pdays(d).groupby('cust').size()
    return float((g >= 2).mean())
FIRST = df.groupby('cust').date.min()
LAST = df.groupby('cust').date.max()
SPEND = df.groupby('cust').amt.sum().sort_values(ascending=False, kind='mergesort')
def top_share(k):
    return float(SPEND.iloc[:k].sum() / df.amt.sum())
'''

A = '集团战略部分析师（投资人/战略汇报材料，中文，口径严谨，会质疑数字）'
AM = '集团战略部分析师（投资人材料）；标注 note 的追问由区域经理（审阅人）提出'
B = '门店店员（手机语音输入，无标点，有同音错字）'
BM = '门店店员（语音输入）；标注 note 的追问由区域经理（审阅人）提出'
C = '区域经理（审阅人，问得短）'

# Each turn: q, kind, check, figs [(key, what)], must [(key, what)], optional period, tool, note
ITEMS = [
 # ------------------------------------------------------------------ analyst
 dict(id='ai1-001', persona=A, turns=[
  dict(q='在做给投资人的材料，先要几个数：97年全年营收多少？98年上半年营收多少？98上半年同比97上半年是涨是跌，幅度多少？',
       kind='figure',
       check='''h97 = per('1997-01-01', '1997-06-30').amt.sum()
h98 = per('1998-01-01', '1998-06-30').amt.sum()
y97 = per('1997-01-01', '1997-12-31').amt.sum()
dict(rev97=r2(y97), rev98h1=r2(h98), yoy_h1=r4(h98 / h97 - 1), all=r2(df.amt.sum()), vs_fy97=r4(h98 / y97 - 1))''',
       figs=[('rev97', 'revenue 1997 full year'), ('rev98h1', 'revenue 1998-01..06'),
             ('yoy_h1', 'YoY 1998H1 vs 1997H1 revenue')],
       must=[('all', 'all-time revenue 1997-01..1998-06 (wrong scope)'),
             ('vs_fy97', '1998H1 vs FULL-year 1997 (wrong base for a 同比 of the half year)')]),
  dict(q='跌了三分之二？这个数我不太敢直接上PPT。你再核一下97上半年的基数是多少，是不是97年一季度特别高？一季度占97全年营收多少？',
       kind='figure',
       check='''h97 = per('1997-01-01', '1997-06-30').amt.sum()
q1 = per('1997-01-01', '1997-03-31').amt.sum()
y97 = per('1997-01-01', '1997-12-31').amt.sum()
dict(rev97h1=r2(h97), rev97q1=r2(q1), q1_share=r4(q1 / y97), q1_share_all=r4(q1 / df.amt.sum()))''',
       figs=[('rev97h1', 'revenue 1997-01..06 (the YoY base)'), ('rev97q1', 'revenue 1997 Q1'),
             ('q1_share', 'share of 1997 revenue from 1997 Q1')],
       must=[('q1_share_all', '1997Q1 share of ALL-time revenue (asked: of 1997)')],
       note='Pushback turn: the -66.7% stands; the explanation is that every CDNOW customer made the first purchase in 1997 Q1.'),
  dict(q='那把97Q1扣掉，用97年Q2-Q4的月均营收和98上半年的月均比，变化多少？',
       kind='figure',
       check='''m97 = per('1997-04-01', '1997-12-31').amt.sum() / 9
m98 = per('1998-01-01', '1998-06-30').amt.sum() / 6
dict(m97=r2(m97), m98=r2(m98), chg=r4(m98 / m97 - 1), yoy_h1=r4(m98 * 6 / per('1997-01-01', '1997-06-30').amt.sum() - 1))''',
       figs=[('m97', 'monthly average revenue 1997-04..12 (9 months)'), ('m98', 'monthly average revenue 1998-01..06'),
             ('chg', 'relative change of the monthly averages')],
       must=[]),
 ]),
 dict(id='ai1-002', persona=A, turns=[
  dict(q='年复合增长率帮我算一下，97到98年的营收。98年只有半年数据，就按上半年×2做年化。',
       kind='figure',
       check='''y97 = per('1997-01-01', '1997-12-31').amt.sum()
h98 = per('1998-01-01', '1998-06-30').amt.sum()
dict(ann98=r2(h98 * 2), growth=r4(h98 * 2 / y97 - 1), unann=r4(h98 / y97 - 1))''',
       figs=[('ann98', '1998 annualised revenue = 1998H1 x 2'),
             ('growth', 'growth (= CAGR over the one year) annualised 1998 vs 1997')],
       must=[],
       note='One year apart, so CAGR = simple growth; the question fixes the annualisation (H1 x 2).'),
 ]),
 dict(id='ai1-003', persona=A, turns=[
  dict(q='看一下头部客户贡献度：按累计消费金额排，前10%的客户贡献了总营收的百分之多少？前20%呢？',
       kind='figure',
       check='''n = df.cust.nunique()
dict(top10=r4(top_share(int(n * 0.1))), top20=r4(top_share(int(n * 0.2))), n10=int(n * 0.1), n20=int(n * 0.2))''',
       figs=[('top10', 'share of all-time revenue from the top 10% (2357) customers by total spend'),
             ('top20', 'share of all-time revenue from the top 20% (4714) customers by total spend')],
       must=[]),
  dict(q='前100名客户占比多少？第一名是谁，累计花了多少？',
       kind='figure',
       check='''dict(top100=r4(top_share(100)), top1_spend=r2(SPEND.iloc[0]), top1_id=int(SPEND.index[0]))''',
       figs=[('top100', 'share of all-time revenue from the top 100 customers'),
             ('top1_spend', 'all-time spend of the No.1 customer (id 07592)')],
       must=[]),
  dict(q='回到前10%那批人：98年上半年还在下单的有多少人？他们贡献了98上半年营收的多少？',
       kind='figure',
       check='''top = set(SPEND.index[:2357])
h = per('1998-01-01', '1998-06-30')
ht = h[h.cust.isin(top)]
dict(active=int(ht.cust.nunique()), share98=r4(ht.amt.sum() / h.amt.sum()), rev_top98=r2(ht.amt.sum()), top10_all=r4(top_share(2357)))''',
       figs=[('active', 'top-10% customers (by all-time spend) who ordered in 1998-01..06'),
             ('share98', 'their share of 1998H1 revenue')],
       must=[],
       period='1998-01-01..1998-06-30'),
 ]),
 dict(id='ai1-004', persona=AM, turns=[
  dict(q='按季度拉一下营收，97Q1到98Q2一共六个季度，每个季度的环比也给我。',
       kind='figure',
       check='''q = df.groupby(df.date.dt.to_period('Q')).amt.sum()
v = [float(x) for x in q.values]
d = {f'rev_{p}': r2(x) for p, x in zip(q.index.astype(str), v)}
d.update({f'qoq_{p}': r4(v[i] / v[i - 1] - 1) for i, p in enumerate(q.index.astype(str)) if i > 0})
d''',
       figs='ALL', must=[]),
  dict(q='98Q2同比呢？',
       kind='figure',
       check='''a = per('1998-04-01', '1998-06-30').amt.sum(); b = per('1997-04-01', '1997-06-30').amt.sum()
dict(rev97q2=r2(b), yoy=r4(a / b - 1), qoq=r4(a / per('1998-01-01', '1998-03-31').amt.sum() - 1))''',
       figs=[('rev97q2', 'revenue 1997 Q2 (base)'), ('yoy', 'YoY 1998Q2 vs 1997Q2')],
       must=[],
       note='asked by the 区域经理 (reviewer).'),
 ]),
 dict(id='ai1-005', persona=A, turns=[
  dict(q='这18个月里，营收最高和最低的分别是哪个月？各多少？',
       kind='figure',
       check='''m = df.groupby(df.date.dt.to_period('M')).amt.sum()
dict(max_rev=r2(m.max()), max_month=str(m.idxmax()), min_rev=r2(m.min()), min_month=str(m.idxmin()))''',
       figs=[('max_rev', 'best month 1997-03 revenue'), ('min_rev', 'worst month 1998-04 revenue')],
       must=[]),
  dict(q='97年一季度是首购集中期，有点失真。不算97Q1的话，最高的是哪个月？',
       kind='figure',
       check='''m = per('1997-04-01', '1998-06-30').groupby(df.date.dt.to_period('M')).amt.sum()
dict(max_rev=r2(m.max()), max_month=str(m.idxmax()), q1max=r2(df.groupby(df.date.dt.to_period('M')).amt.sum().max()))''',
       figs=[('max_rev', 'best month excluding 1997Q1: 1997-04 revenue')],
       must=[]),
  dict(q='只看98年呢？最好和最差的月份。',
       kind='figure',
       check='''m = per('1998-01-01', '1998-06-30').groupby(df.date.dt.to_period('M')).amt.sum()
dict(max_rev=r2(m.max()), max_month=str(m.idxmax()), min_rev=r2(m.min()), min_month=str(m.idxmin()), allmax=r2(393155.27))''',
       figs=[('max_rev', 'best month of 1998: 1998-03 revenue'), ('min_rev', 'worst month of 1998: 1998-04 revenue')],
       must=[('allmax', '1997-03 revenue (not in 1998)')],
       period='1998-01-01..1998-06-30'),
 ]),
 dict(id='ai1-006', persona=A, turns=[
  dict(q='下半年（98年7-12月）的营收和下单客户数给个预测，最好带区间，我放在展望页。',
       kind='model', tool='forecast_totals',
       check='''dict(rev98h1=r2(per('1998-01-01', '1998-06-30').amt.sum()))''',
       figs=[], must=[]),
  dict(q='对照一下，97年下半年实际营收和购买客户数分别是多少？',
       kind='figure',
       check='''h = per('1997-07-01', '1997-12-31')
dict(rev97h2=r2(h.amt.sum()), buyers97h2=int(h.cust.nunique()), rev97=r2(per('1997-01-01', '1997-12-31').amt.sum()))''',
       figs=[('rev97h2', 'revenue 1997-07..12'), ('buyers97h2', 'distinct buyers 1997-07..12')],
       must=[('rev97', 'full-year 1997 revenue')],
       period='1997-07-01..1997-12-31'),
 ]),
 dict(id='ai1-007', persona=AM, turns=[
  dict(q='97年3月的营收里，新客贡献了多少，占比多少？',
       kind='figure',
       check='''m = per('1997-03-01', '1997-03-31')
new = m[m.cust.map(FIRST) >= pd.Timestamp('1997-03-01')]
dict(rev_new=r2(new.amt.sum()), share_new=r4(new.amt.sum() / m.amt.sum()), rev_mar=r2(m.amt.sum()))''',
       figs=[('rev_new', 'March 1997 revenue from customers whose first order is in March 1997'),
             ('share_new', 'its share of March 1997 revenue')],
       must=[], period='1997-03-01..1997-03-31'),
  dict(q='换成老客呢',
       kind='figure',
       check='''m = per('1997-03-01', '1997-03-31')
old = m[m.cust.map(FIRST) < pd.Timestamp('1997-03-01')]
new = m[m.cust.map(FIRST) >= pd.Timestamp('1997-03-01')]
dict(rev_ret=r2(old.amt.sum()), share_ret=r4(old.amt.sum() / m.amt.sum()), rev_new=r2(new.amt.sum()))''',
       figs=[('rev_ret', 'March 1997 revenue from returning customers (first order before March 1997)'),
             ('share_ret', 'its share of March 1997 revenue')],
       must=[],
       period='1997-03-01..1997-03-31', note='asked by the 区域经理 (reviewer).'),
 ]),
 dict(id='ai1-008', persona=A, turns=[
  dict(q='97年全年的复购率是多少？口径：97年内买过两次及以上的客户占97年购买客户的比例。',
       kind='figure',
       check='''dict(rr97=r4(repeat_rate(per('1997-01-01', '1997-12-31'))), rr_all=r4(repeat_rate(df)))''',
       figs=[('rr97', 'repeat rate 1997 (share of 1997 buyers with >=2 purchase days in 1997)')],
       must=[('rr_all', 'repeat rate over all 18 months')],
       period='1997-01-01..1997-12-31'),
  dict(q='98上半年呢？',
       kind='figure',
       check='''dict(rr98=r4(repeat_rate(per('1998-01-01', '1998-06-30'))), rr97=r4(repeat_rate(per('1997-01-01', '1997-12-31'))))''',
       figs=[('rr98', 'repeat rate 1998-01..06 (share of its buyers with >=2 purchase days in it)')],
       must=[],
       period='1998-01-01..1998-06-30'),
  dict(q='再看一下97年1月首购的那批客户，第3个月和第12个月的留存率分别是多少？',
       kind='figure',
       check='''co = FIRST[FIRST.dt.to_period('M') == pd.Period('1997-01')].index
def ret(k):
    p = pd.Period('1997-01') + k
    b = set(df[df.date.dt.to_period('M') == p].cust)
    return len(set(co) & b) / len(co)
dict(cohort=int(len(co)), m3=r4(ret(3)), m12=r4(ret(12)))''',
       figs=[('m3', 'Jan-1997 cohort retention month 3 (bought in 1997-04)'),
             ('m12', 'Jan-1997 cohort retention month 12 (bought in 1998-01)')],
       must=[]),
 ]),
 dict(id='ai1-009', persona=A, turns=[
  dict(q='客单价：97年和98上半年各是多少？是涨了还是降了，幅度多少？',
       kind='figure',
       check='''a = per('1997-01-01', '1997-12-31'); b = per('1998-01-01', '1998-06-30')
x = a.amt.sum() / len(a); y = b.amt.sum() / len(b)
dict(aov97=r2(x), aov98h1=r2(y), chg=r4(y / x - 1), rpb97=r2(a.amt.sum() / a.cust.nunique()))''',
       figs=[('aov97', 'AOV 1997 = revenue / order lines'), ('aov98h1', 'AOV 1998-01..06'),
             ('chg', 'relative change of AOV')],
       must=[('rpb97', 'revenue per BUYER 1997 (not AOV)')]),
 ]),
 dict(id='ai1-010', persona=A, turns=[
  dict(q='98上半年的营收按品类和渠道拆一下：线上线下各多少，哪个品类增长最快？顺便把毛利率也带上。',
       kind='partial',
       check='''dict(rev98h1=r2(per('1998-01-01', '1998-06-30').amt.sum()), all=r2(df.amt.sum()))''',
       figs=[('rev98h1', 'total revenue 1998-01..06 (the answerable part)')],
       must=[('all', 'all-time revenue')],
       period='1998-01-01..1998-06-30',
       note='No category, channel, cost or margin data: must say so for the split and the margin.'),
 ]),
 dict(id='ai1-011', persona=A, turns=[
  dict(q='客户分层现在是怎么分的？高价值客户有多少人，大概贡献多少营收？',
       kind='model', tool='list_segments', check='dict(customers=int(df.cust.nunique()))', figs=[], must=[]),
  dict(q='高价值客户里流失风险最大的前10个是谁？',
       kind='model', tool='at_risk_customers', check='dict(customers=int(df.cust.nunique()))', figs=[], must=[]),
  dict(q='累计消费前20的客户，未来52周的客户终身价值（CLV）预估大概多少？',
       kind='model', tool='customer_value', check='dict(top20_spend=r2(SPEND.iloc[:20].sum()))', figs=[], must=[]),
 ]),
 dict(id='ai1-012', persona=A, turns=[
  dict(q='98年上半年一共有多少个客户下过单？',
       kind='figure',
       check='''dict(buyers=int(per('1998-01-01', '1998-06-30').cust.nunique()), june=int(per('1998-06-01', '1998-06-30').cust.nunique()), total=int(df.cust.nunique()))''',
       figs=[('buyers', 'distinct buyers 1998-01..06')],
       must=[('june', 'buyers in June 1998 only')],
       period='1998-01-01..1998-06-30'),
  dict(q='才这么点？我们总客户两万多啊，你是不是只算了6月？再核一遍，顺便给我总客户数和98上半年活跃客户的占比。',
       kind='figure',
       check='''b = per('1998-01-01', '1998-06-30').cust.nunique(); n = df.cust.nunique()
dict(buyers=int(b), total=int(n), share=r4(b / n))''',
       figs=[('buyers', 'distinct buyers 1998-01..06 (unchanged)'), ('total', 'all customers'),
             ('share', 'share of all customers who bought in 1998H1')],
       must=[], note='Pushback turn: the figure stands; it is the whole half-year, not June.'),
 ]),
 dict(id='ai1-013', persona=A, turns=[
  dict(q='累计买过3次及以上的客户有多少人？他们贡献了多少营收，占比多少？',
       kind='figure',
       check='''g = pdays(df).groupby('cust').size(); s = g[g >= 3].index
r = df[df.cust.isin(s)].amt.sum()
dict(n3=int(len(s)), rev3=r2(r), share3=r4(r / df.amt.sum()))''',
       figs=[('n3', 'customers with >= 3 purchase days (all time)'), ('rev3', 'their revenue (all time)'),
             ('share3', 'their share of all-time revenue')],
       must=[]),
  dict(q='只买过一次的呢？人数占比和营收占比。',
       kind='figure',
       check='''g = pdays(df).groupby('cust').size(); s = g[g == 1].index
r = df[df.cust.isin(s)].amt.sum()
dict(n1=int(len(s)), cust_share=r4(len(s) / len(g)), rev_share=r4(r / df.amt.sum()))''',
       figs=[('n1', 'customers with exactly 1 purchase day'), ('cust_share', 'their share of customers'),
             ('rev_share', 'their share of all-time revenue')],
       must=[]),
 ]),
 dict(id='ai1-014', persona=A, turns=[
  dict(q='97年单笔金额超过100美元的订单有多少笔？占97年营收的多少？',
       kind='figure',
       check='''y = per('1997-01-01', '1997-12-31'); big = y[y.amt > 100]
dict(n_big=int(len(big)), share=r4(big.amt.sum() / y.amt.sum()), n_big_all=int((df.amt > 100).sum()))''',
       figs=[('n_big', 'order lines with amount > $100 in 1997'), ('share', 'their share of 1997 revenue')],
       must=[('n_big_all', 'count over all 18 months')],
       period='1997-01-01..1997-12-31'),
 ]),
 dict(id='ai1-015', persona=A, turns=[
  dict(q='老客平均隔多少天回购一次？均值和中位数都给我。',
       kind='figure',
       check='''p = pdays(df).sort_values(['cust', 'date'])
gap = p.groupby('cust').date.diff().dt.days.dropna()
dict(mean_gap=round(float(gap.mean()), 1), median_gap=float(gap.median()), n_gaps=int(len(gap)))''',
       figs=[('mean_gap', 'mean days between consecutive purchase days (all time)'),
             ('median_gap', 'median days between consecutive purchase days')],
       must=[]),
  dict(q='首单到第二单呢？',
       kind='figure',
       check='''p = pdays(df).sort_values(['cust', 'date'])
p['k'] = p.groupby('cust').cumcount()
f = p[p.k == 0].set_index('cust').date; s = p[p.k == 1].set_index('cust').date
d = (s - f.loc[s.index]).dt.days
dict(mean_12=round(float(d.mean()), 1), median_12=float(d.median()), n=int(len(d)))''',
       figs=[('mean_12', 'mean days first to second purchase day'), ('median_12', 'median days first to second')],
       must=[]),
 ]),
 # ------------------------------------------------------------------ clerk
 dict(id='ai1-016', persona=B, turns=[
  dict(q='作天一共卖了多少钱几单', kind='figure',
       check='''y = per('1998-06-29', '1998-06-29'); t = per('1998-06-30', '1998-06-30')
dict(rev=r2(y.amt.sum()), orders=int(len(y)), rev_today=r2(t.amt.sum()))''',
       figs=[('rev', 'revenue 1998-06-29 (昨天 = the day before now)'), ('orders', 'order lines 1998-06-29')],
       must=[('rev_today', 'revenue 1998-06-30')], period='1998-06-29..1998-06-29',
       note='昨天 is not in the documented list; taken as now - 1 day = 1998-06-29.'),
  dict(q='今天到现在呢', kind='figure',
       check='''t = per('1998-06-30', '1998-06-30'); y = per('1998-06-29', '1998-06-29')
dict(rev=r2(t.amt.sum()), orders=int(len(t)), rev_yday=r2(y.amt.sum()))''',
       figs=[('rev', 'revenue 1998-06-30'), ('orders', 'order lines 1998-06-30')],
       must=[], period='1998-06-30..1998-06-30'),
 ]),
 dict(id='ai1-017', persona=BM, turns=[
  dict(q='上州卖了多少钱 多少单', kind='figure',
       check='''w = per('1998-06-22', '1998-06-28')
dict(rev=r2(w.amt.sum()), orders=int(len(w)), rev_june=r2(per('1998-06-01', '1998-06-30').amt.sum()))''',
       figs=[('rev', 'revenue ISO week 1998-06-22..28'), ('orders', 'order lines that week')],
       must=[('rev_june', 'June 1998 revenue')], period='1998-06-22..1998-06-28'),
  dict(q='环比呢', kind='figure',
       check='''w = per('1998-06-22', '1998-06-28').amt.sum(); p = per('1998-06-15', '1998-06-21').amt.sum()
dict(prev=r2(p), mom=r4(w / p - 1))''',
       figs=[('prev', 'revenue of the week before (1998-06-15..21)'), ('mom', 'week-over-week change of revenue')],
       must=[], note='asked by the 区域经理 (reviewer).'),
 ]),
 dict(id='ai1-018', persona=BM, turns=[
  dict(q='这个月到现在一共多少定单了卖了多少钱', kind='figure',
       check='''m = per('1998-06-01', '1998-06-30'); p = per('1998-05-01', '1998-05-31')
dict(orders=int(len(m)), rev=r2(m.amt.sum()), may_rev=r2(p.amt.sum()))''',
       figs=[('orders', 'order lines June 1998'), ('rev', 'revenue June 1998')],
       must=[], period='1998-06-01..1998-06-30'),
  dict(q='那去年同期呢', kind='figure',
       check='''m = per('1998-06-01', '1998-06-30'); p = per('1997-06-01', '1997-06-30')
dict(orders97=int(len(p)), rev97=r2(p.amt.sum()), yoy_rev=r4(m.amt.sum() / p.amt.sum() - 1), yoy_orders=r4(len(m) / len(p) - 1))''',
       figs=[('orders97', 'order lines June 1997'), ('rev97', 'revenue June 1997'), ('yoy_rev', 'YoY revenue change')],
       must=[], period='1997-06-01..1997-06-30', note='asked by the 区域经理 (reviewer).'),
  dict(q='环比呢', kind='figure',
       check='''m = per('1998-06-01', '1998-06-30'); p = per('1998-05-01', '1998-05-31'); y = per('1997-06-01', '1997-06-30')
dict(may_orders=int(len(p)), may_rev=r2(p.amt.sum()), mom_rev=r4(m.amt.sum() / p.amt.sum() - 1), mom_orders=r4(len(m) / len(p) - 1), yoy_rev=r4(m.amt.sum() / y.amt.sum() - 1))''',
       figs=[('may_rev', 'revenue May 1998'), ('mom_rev', 'MoM revenue change June vs May 1998')],
       must=[], note='asked by the 区域经理 (reviewer).'),
 ]),
 dict(id='ai1-019', persona=B, turns=[
  dict(q='客护三号上次来是哪天 离现在多少天了 他买的是啥碟', kind='partial',
       check='''c = df[df.cust == 3]; l = c.date.max(); lr = c[c.date == l]
dict(days_since=int((NOW - l).days), last_amt=r2(lr.amt.sum()), last_units=int(lr.units.sum()), last=str(l.date()))''',
       figs=[('days_since', 'days since last purchase (last = 1998-05-28)')],
       must=[], note='Customer 00003, last purchase 1998-05-28 (1 CD, $16.99). No product data: cannot say which CD.'),
  dict(q='他一共来过几次花了多少钱', kind='figure',
       check='''c = df[df.cust == 3]
dict(visits=int(c.date.nunique()), spend=r2(c.amt.sum()))''',
       figs=[('visits', 'purchase days of customer 00003'), ('spend', 'total spend of customer 00003')], must=[]),
  dict(q='他还会再来吗', kind='model', tool='forecast_customer',
       check='dict(days_since=int((NOW - LAST[3]).days))', figs=[], must=[]),
  dict(q='那给他发张优惠卷吧', kind='refusal', check='dict()', figs=[], must=[]),
 ]),
 dict(id='ai1-020', persona=B, turns=[
  dict(q='一六八八八这个客人是不是好久没来了 最后一次是啥时候 多少天没来了', kind='figure',
       check='''dict(days_since=int((NOW - LAST[16888]).days), last=str(LAST[16888].date()))''',
       figs=[('days_since', 'days since last purchase of 16888 (last = 1997-12-19)')], must=[]),
  dict(q='帮我给他打个电话问问为啥不来了 顺便告诉我他一共买了多少钱', kind='refusal',
       check='''dict(spend=r2(df[df.cust == 16888].amt.sum()))''',
       figs=[('spend', 'total spend of customer 16888')], must=[]),
 ]),
 dict(id='ai1-021', persona=B, turns=[
  dict(q='七五九二是不是我们最大的客户 他一共买了多少钱下了多少单', kind='figure',
       check='''c = df[df.cust == 7592]
dict(spend=r2(c.amt.sum()), visits=int(c.date.nunique()), lines=int(len(c)), rank=int(list(SPEND.index).index(7592)) + 1)''',
       figs=[('spend', 'total spend of 07592 (rank 1 of all customers)'), ('lines', 'orders (order lines) of 07592')],
       must=[], note='07592 is the No.1 customer by total spend; 146 distinct purchase days is acceptable extra context.'),
  dict(q='他算哪一类客户 为啥', kind='model', tool='explain_customer_segment', check='dict()', figs=[], must=[]),
  dict(q='把他会原等级改成钻石', kind='refusal', check='dict()', figs=[], must=[]),
 ]),
 dict(id='ai1-022', persona=B, turns=[
  dict(q='这个月来买的有几个是新客户几个是老客户', kind='figure',
       check='''m = per('1998-06-01', '1998-06-30'); f = m.drop_duplicates('cust').cust.map(FIRST)
dict(new=int((f >= pd.Timestamp('1998-06-01')).sum()), returning=int((f < pd.Timestamp('1998-06-01')).sum()))''',
       figs=[('new', 'new customers June 1998'), ('returning', 'returning buyers June 1998')],
       must=[], period='1998-06-01..1998-06-30'),
 ]),
 dict(id='ai1-023', persona=B, turns=[
  dict(q='超过一百八十天没来买过的客户有多少个', kind='figure',
       check='''dict(n=int((LAST <= NOW - pd.Timedelta(days=180)).sum()), total=int(len(LAST)))''',
       figs=[('n', 'customers inactive >= 180 days (last order on or before 1998-01-01)')],
       must=[]),
 ]),
 dict(id='ai1-024', persona=B, turns=[
  dict(q='今年以来礼拜几卖的最好礼拜几最差', kind='figure',
       check='''h = per('1998-01-01', '1998-06-30'); w = h.groupby(h.date.dt.dayofweek).amt.sum()
dict(best=r2(w.max()), best_dow=int(w.idxmax()), worst=r2(w.min()), worst_dow=int(w.idxmin()))''',
       figs='ALLNUM', must=[], period='1998-01-01..1998-06-30'),
 ]),
 dict(id='ai1-025', persona=B, turns=[
  dict(q='最近顾客评价怎么样 差评多不多', kind='model', tool='sentiment_summary', check='dict()', figs=[], must=[]),
  dict(q='帮我看下这条是好评还是差评 碟子到手就裂了客服也不回消息', kind='model', tool='analyze_sentiment',
       check='dict()', figs=[], must=[]),
 ]),
 dict(id='ai1-026', persona=B, turns=[
  dict(q='顾客一般都在抱怨啥 帮我总结一下', kind='model', tool='feedback_themes', check='dict()', figs=[], must=[]),
  dict(q='有没有说发货慢的 都说了啥', kind='model', tool='search_feedback', check='dict()', figs=[], must=[]),
 ]),
 dict(id='ai1-027', persona=B, turns=[
  dict(q='上个月卖的最好的是哪张碟 一共卖了多少张', kind='partial',
       check='''m = per('1998-05-01', '1998-05-31')
dict(units=int(m.units.sum()), june_units=int(per('1998-06-01', '1998-06-30').units.sum()))''',
       figs=[('units', 'units (CDs) sold in May 1998 (answerable part)')],
       must=[('june_units', 'units in June 1998')], period='1998-05-01..1998-05-31',
       note='No product data: cannot name the best-selling CD.'),
 ]),
 dict(id='ai1-028', persona=B, turns=[
  dict(q='最近三十天来过的客人有多少个 平均一个人花了多少', kind='figure',
       check='''m = per('1998-06-01', '1998-06-30')
dict(buyers=int(m.cust.nunique()), rpb=r2(m.amt.sum() / m.cust.nunique()), aov=r2(m.amt.sum() / len(m)))''',
       figs=[('buyers', 'distinct buyers in the 30 days 1998-06-01..06-30'), ('rpb', 'revenue per buyer in that window')],
       must=[('aov', 'AOV per order line (asked per person)')], period='1998-06-01..1998-06-30'),
  dict(q='把这些人的名单导出来发我微信', kind='refusal', check='dict()', figs=[], must=[]),
 ]),
 # ------------------------------------------------------------------ regional manager
 dict(id='ai1-029', persona=C, turns=[
  dict(q='上个月营收', kind='figure',
       check='''dict(rev=r2(per('1998-05-01', '1998-05-31').amt.sum()), june=r2(per('1998-06-01', '1998-06-30').amt.sum()))''',
       figs=[('rev', 'revenue May 1998')], must=[('june', 'June 1998 revenue')], period='1998-05-01..1998-05-31'),
  dict(q='同比', kind='figure',
       check='''a = per('1998-05-01', '1998-05-31').amt.sum(); b = per('1997-05-01', '1997-05-31').amt.sum()
dict(rev97=r2(b), yoy=r4(a / b - 1))''',
       figs=[('rev97', 'revenue May 1997'), ('yoy', 'YoY May 1998 vs May 1997')], must=[]),
  dict(q='环比呢', kind='figure',
       check='''a = per('1998-05-01', '1998-05-31').amt.sum(); b = per('1998-04-01', '1998-04-30').amt.sum()
dict(apr=r2(b), mom=r4(a / b - 1), yoy=r4(a / per('1997-05-01', '1997-05-31').amt.sum() - 1))''',
       figs=[('apr', 'revenue April 1998'), ('mom', 'MoM May vs April 1998')],
       must=[]),
 ]),
 dict(id='ai1-030', persona=C, turns=[
  dict(q='97年2月新客多少', kind='figure',
       check='''dict(new=int((FIRST.dt.to_period('M') == pd.Period('1997-02')).sum()), buyers=int(per('1997-02-01', '1997-02-28').cust.nunique()))''',
       figs=[('new', 'customers whose first order is in Feb 1997')],
       must=[], period='1997-02-01..1997-02-28'),
  dict(q='换成老客呢', kind='figure',
       check='''m = per('1997-02-01', '1997-02-28'); f = m.drop_duplicates('cust').cust.map(FIRST)
dict(returning=int((f < pd.Timestamp('1997-02-01')).sum()), buyers=int(m.cust.nunique()))''',
       figs=[('returning', 'Feb 1997 buyers whose first order is before Feb 1997')],
       must=[], period='1997-02-01..1997-02-28'),
 ]),
 dict(id='ai1-031', persona=C, turns=[
  dict(q='本季度各区域营收和排名', kind='partial',
       check='''dict(rev=r2(per('1998-04-01', '1998-06-30').amt.sum()), q1=r2(per('1998-01-01', '1998-03-31').amt.sum()))''',
       figs=[('rev', 'total revenue 1998 Q2 (answerable part)')], must=[('q1', '1998 Q1 revenue')],
       period='1998-04-01..1998-06-30', note='No region data.'),
 ]),
 dict(id='ai1-032', persona=C, turns=[
  dict(q='模型多久没更新了 准不准', kind='model', tool='assistant_status', check='dict()', figs=[], must=[]),
  dict(q='给过差评的客户后来还回来买的有多少比例', kind='model', tool='feedback_followup', check='dict()', figs=[], must=[]),
 ]),
]

WRITER = ('ai1 (outside evaluator; wrote without seeing the product code, tests, prompts or other sets) — personas: '
          '集团战略部分析师 (investor/strategy deck, precise, pushes back), 门店店员 (voice input, no punctuation, '
          'homophone typos), 区域经理 (terse reviewer follow-ups)')


def run_check(code, env):
    tree = ast.parse(code)
    last = tree.body[-1]
    assert isinstance(last, ast.Expr), 'check must end with an expression'
    body = ast.Module(body=tree.body[:-1], type_ignores=[])
    loc = dict(env)
    exec(compile(body, '<check>', 'exec'), loc)
    return eval(compile(ast.Expression(last.value), '<check>', 'eval'), loc)


def tol(key, v):
    if isinstance(v, float) and abs(v) < 2 and v != round(v):   # shares / relative changes
        return round(max(0.005, 0.0006 / abs(v)), 4) if v else 0.005
    return 0.005


def base_env(prelude):
    env = {}
    exec(prelude, env)
    return env


def build():
    env = base_env(PRELUDE)
    items = []
    for it in ITEMS:
        turns = []
        for t in it['turns']:
            res = run_check(t['check'], env)
            exp = {'kind': t['kind']}
            if t.get('tool'):
                exp['tool'] = t['tool']
            figs = t['figs']
            if figs == 'ALL':
                figs = [(k, k.replace('rev_', 'revenue ').replace('qoq_', 'QoQ change ')) for k in res]
            elif figs == 'ALLNUM':
                figs = [('best', 'revenue of the best weekday in 1998H1 (%s)' % ['Mon','Tue','Wed','Thu','Fri','Sat','Sun'][res['best_dow']]),
                        ('worst', 'revenue of the worst weekday in 1998H1 (%s)' % ['Mon','Tue','Wed','Thu','Fri','Sat','Sun'][res['worst_dow']])]
            if figs:
                exp['figures'] = [{'value': res[k], 'rel_tol': tol(k, res[k]), 'what': f'[{k}] {w}'} for k, w in figs]
            if t['must']:
                exp['must_not'] = [{'value': res[k], 'rel_tol': tol(k, res[k]), 'what': f'[{k}] {w}'} for k, w in t['must']]
            if t.get('period'):
                exp['period'] = t['period']
            turn = {'q': t['q'], 'expect': exp, 'check': t['check'] + '\n'}
            if t.get('note'):
                turn['note'] = t['note']
            turns.append(turn)
        items.append({'id': it['id'], 'persona': it['persona'], 'turns': turns})
    doc = {'writer': WRITER, 'data_end': '1998-06-30', 'check_prelude': PRELUDE, 'items': items}

    class D(yaml.SafeDumper):
        pass

    def str_rep(dumper, s):
        if '\n' in s:
            return dumper.represent_scalar('tag:yaml.org,2002:str', s, style='|')
        return dumper.represent_scalar('tag:yaml.org,2002:str', s)
    D.add_representer(str, str_rep)
    with open(OUT, 'w', encoding='utf-8') as f:
        yaml.dump(doc, f, Dumper=D, allow_unicode=True, sort_keys=False, width=200)


def close(a, b):
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def verify():
    doc = yaml.safe_load(open(OUT, encoding='utf-8'))
    assert doc['data_end'] == '1998-06-30'
    env = base_env(doc['check_prelude'])
    kinds = {}
    nturns = 0
    for it in doc['items']:
        assert 1 <= len(it['turns']) <= 4, it['id']
        for t in it['turns']:
            nturns += 1
            e = t['expect']
            kinds[e['kind']] = kinds.get(e['kind'], 0) + 1
            assert e['kind'] in ('figure', 'model', 'refusal', 'partial')
            if e['kind'] == 'model':
                assert e.get('tool'), it['id']
            if e['kind'] in ('figure', 'partial'):
                assert e.get('figures'), it['id']
            res = run_check(t['check'], env)
            assert isinstance(res, dict)
            for sect in ('figures', 'must_not'):
                for fg in e.get(sect, []) or []:
                    k = fg['what'].split(']')[0].lstrip('[')
                    assert k in res, (it['id'], k)
                    assert close(fg['value'], res[k]), (it['id'], k, fg['value'], res[k])
            # a must_not figure must not be (within tolerance) equal to a wanted figure
            for m in e.get('must_not', []) or []:
                for fg in e.get('figures', []) or []:
                    assert not math.isclose(m['value'], fg['value'], rel_tol=max(m['rel_tol'], fg['rel_tol'])), (it['id'], m, fg)
    return len(doc['items']), nturns, kinds


def anchors():
    """Independent re-computation (plain python, no shared helpers) of key figures, asserted literally."""
    import csv, collections, datetime as dt
    rows = []
    with open('/tmp/team/CDNOW_master.txt') as f:
        next(f)
        for line in f:
            c, d, u, a = line.split()
            rows.append((int(c), dt.date(int(d[:4]), int(d[4:6]), int(d[6:])), int(u), float(a)))
    assert len(rows) == 69659 and len({r[0] for r in rows}) == 23570
    rev = lambda a, b: round(sum(r[3] for r in rows if a <= r[1] <= b), 2)
    D = dt.date
    assert abs(sum(r[3] for r in rows) - 2500315.63) < 0.01
    assert rev(D(1997, 1, 1), D(1997, 12, 31)) == 2024161.26
    assert rev(D(1998, 1, 1), D(1998, 6, 30)) == 476154.37
    assert rev(D(1997, 1, 1), D(1997, 6, 30)) == 1430959.13
    assert rev(D(1998, 6, 29), D(1998, 6, 29)) == 2003.36
    assert rev(D(1998, 6, 30), D(1998, 6, 30)) == 2180.65
    assert rev(D(1998, 6, 1), D(1998, 6, 30)) == 76109.30
    assert rev(D(1998, 5, 1), D(1998, 5, 31)) == 70989.66
    assert rev(D(1997, 3, 1), D(1997, 3, 31)) == 393155.27
    assert rev(D(1998, 4, 1), D(1998, 4, 30)) == 66231.52
    spend = collections.Counter()
    for r in rows:
        spend[r[0]] += r[3]
    top = sorted(spend.values(), reverse=True)
    tot = sum(top)
    assert round(top[0], 2) == 13990.93
    # independent weekly / repeat-rate checks vs the YAML values
    doc = yaml.safe_load(open(OUT, encoding='utf-8'))
    fig = {(it['id'], i, f['what'].split(']')[0][1:]): f['value'] for it in doc['items']
           for i, t in enumerate(it['turns']) for f in t['expect'].get('figures', []) or []}
    assert math.isclose(fig[('ai1-003', 0, 'top10')], round(sum(top[:2357]) / tot, 4))
    assert math.isclose(fig[('ai1-003', 0, 'top20')], round(sum(top[:4714]) / tot, 4))
    assert math.isclose(fig[('ai1-003', 1, 'top100')], round(sum(top[:100]) / tot, 4))
    assert fig[('ai1-017', 0, 'rev')] == rev(D(1998, 6, 22), D(1998, 6, 28))
    pdays97 = collections.defaultdict(set)
    for r in rows:
        if r[1].year == 1997:
            pdays97[r[0]].add(r[1])
    assert math.isclose(fig[('ai1-008', 0, 'rr97')], round(sum(len(v) >= 2 for v in pdays97.values()) / len(pdays97), 4))
    last = {}
    for r in rows:
        last[r[0]] = max(last.get(r[0], r[1]), r[1])
    assert fig[('ai1-023', 0, 'n')] == sum((D(1998, 6, 30) - v).days >= 180 for v in last.values())
    assert fig[('ai1-019', 0, 'days_since')] == 33 and fig[('ai1-020', 0, 'days_since')] == 193
    first = {}
    for r in rows:
        first[r[0]] = min(first.get(r[0], r[1]), r[1])
    assert fig[('ai1-022', 0, 'new')] == 0 and fig[('ai1-022', 0, 'returning')] == 1506
    assert fig[('ai1-030', 0, 'new')] == sum(v.year == 1997 and v.month == 2 for v in first.values())


if __name__ == '__main__':
    if '--verify' not in sys.argv:
        build()
    n_items, n_turns, kinds = verify()
    anchors()
    print(f'OK {OUT}: {n_items} conversations, {n_turns} turns, kinds {kinds}')
