#!/usr/bin/env python
"""Builds /tmp/team/a1/set_a1.yaml and re-verifies it.

Usage: compute_set_a1.py            -> build the YAML from the spec below (values come from the checks), then verify
       compute_set_a1.py --verify   -> only verify: load set_a1.yaml, re-run every check after the prelude and
                                       assert every expected / must_not value equals what the check gives.
"""
import sys, math, yaml

OUT = '/tmp/team/a1/set_a1.yaml'
WRITER = ('a1 (outside evaluator; wrote without seeing the product code, tests, prompts or other sets) — personas: '
          '(1) 广州零售总监（线下门店+线上商城）做半年度复盘; (2) CRM 经理，管会员分层同流失挽回')

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
def rev(a, b):
    return r2(per(a, b).amt.sum())
def chg(new, old):
    return r4(new / old - 1)
def pdays(d):
    # purchase days (distinct dates) per customer in frame d
    return d.groupby('cust').date.nunique()
def inactive(n):
    # customers whose last order is >= n days before NOW
    return set(last[(NOW - last).dt.days >= n].index)
first = df.groupby('cust').date.min()
last = df.groupby('cust').date.max()
spend = df.groupby('cust').amt.sum()
'''

P1 = '零售总监（广州，线下门店+线上商城），准备98年上半年半年度复盘'
P2 = 'CRM 经理，负责会员分层、流失预警同挽回'

H98 = '1998-01-01..1998-06-30'
H97 = '1997-01-01..1997-06-30'

# figure spec: (name, what) or (name, what, rel_tol); 'share' names get a tolerance that allows 1-decimal % rounding
def F(name, what, tol=None):
    return (name, what, tol)

ITEMS = [
# ------------------------------------------------------------------ persona 1: retail director
dict(id='a1-001', persona=P1, turns=[
  dict(q='老板要我做半年度review，先问下今年上半年（1-6月）总GMV几多？同去年上半年比YoY系升定跌，幅度几多%？',
       kind='figure', period=H98,
       figures=[F('h98', 'revenue 1998-01..06'), F('h97', 'revenue 1997-01..06 (YoY base)'), F('yoy', 'YoY relative change H1 1998 vs H1 1997')],
       must_not=[F('all', 'all-time revenue (wrong period)'), F('y97', 'full-year 1997 revenue (wrong base)')],
       check='''h98 = rev('1998-01-01', '1998-06-30'); h97 = rev('1997-01-01', '1997-06-30')
dict(h98=h98, h97=h97, yoy=chg(h98, h97), all=r2(df.amt.sum()), y97=rev('1997-01-01', '1997-12-31'))'''),
  dict(q='单量、客单价同连带率（每单平均几件）呢？两个半年都列出嚟对比下',
       kind='figure', period=H98,
       figures=[F('o98', 'orders (order lines) H1 1998'), F('o97', 'orders H1 1997'),
                F('aov98', 'AOV H1 1998 = revenue / order lines'), F('aov97', 'AOV H1 1997'),
                F('upo98', 'units per order H1 1998'), F('upo97', 'units per order H1 1997')],
       must_not=[F('aov_all', 'all-time AOV (wrong period)')],
       check='''a = per('1998-01-01', '1998-06-30'); b = per('1997-01-01', '1997-06-30')
dict(o98=len(a), o97=len(b), aov98=r2(a.amt.sum() / len(a)), aov97=r2(b.amt.sum() / len(b)), upo98=r2(a.units.sum() / len(a)), upo97=r2(b.units.sum() / len(b)), aov_all=r2(df.amt.sum() / len(df)))'''),
]),
dict(id='a1-002', persona=P1, turns=[
  dict(q='本季度营收环比上个季度系点？升定跌',
       kind='figure', period='1998-04-01..1998-06-30',
       figures=[F('q2', 'revenue 1998 Q2'), F('q1', 'revenue 1998 Q1'), F('mom', 'QoQ change Q2 vs Q1 1998')],
       must_not=[F('q2_97', 'revenue 1997 Q2 (YoY base, not asked here)')],
       check='''q2 = rev('1998-04-01', '1998-06-30'); q1 = rev('1998-01-01', '1998-03-31')
dict(q2=q2, q1=q1, mom=chg(q2, q1), q2_97=rev('1997-04-01', '1997-06-30'))'''),
  dict(q='咁同去年同期比呢？',
       kind='figure', period='1998-04-01..1998-06-30',
       figures=[F('q2', 'revenue 1998 Q2'), F('q2_97', 'revenue 1997 Q2'), F('yoy', 'YoY change Q2 1998 vs Q2 1997')],
       must_not=[F('h97', 'revenue H1 1997 (wrong base)')],
       check='''q2 = rev('1998-04-01', '1998-06-30'); q2_97 = rev('1997-04-01', '1997-06-30')
dict(q2=q2, q2_97=q2_97, yoy=chg(q2, q2_97), h97=rev('1997-01-01', '1997-06-30'))'''),
]),
dict(id='a1-003', persona=P1, turns=[
  dict(q='帮手拉下今年1月到6月逐月嘅销售额，同埋每个月嘅环比',
       kind='figure', period=H98,
       figures=[F('jan', 'revenue 1998-01'), F('feb', 'revenue 1998-02'), F('mar', 'revenue 1998-03'),
                F('apr', 'revenue 1998-04'), F('may', 'revenue 1998-05'), F('jun', 'revenue 1998-06'),
                F('mom_jan', 'MoM Jan 1998 vs Dec 1997'), F('mom_feb', 'MoM Feb vs Jan 1998'), F('mom_mar', 'MoM Mar vs Feb 1998'),
                F('mom_apr', 'MoM Apr vs Mar 1998'), F('mom_may', 'MoM May vs Apr 1998'), F('mom_jun', 'MoM Jun vs May 1998')],
       must_not=[F('jan97', 'revenue 1997-01 (wrong year)'), F('mar97', 'revenue 1997-03 (wrong year)')],
       note='January\'s MoM compares with 1997-12 (95,577.35).',
       check='''m = df.groupby(df.date.dt.to_period('M')).amt.sum()
ms = ['1997-12', '1998-01', '1998-02', '1998-03', '1998-04', '1998-05', '1998-06']; v = [float(m[pd.Period(x)]) for x in ms]
names = ['jan', 'feb', 'mar', 'apr', 'may', 'jun']; out = {n: r2(v[i + 1]) for i, n in enumerate(names)}
out.update({'mom_' + n: chg(v[i + 1], v[i]) for i, n in enumerate(names)}); out.update(jan97=r2(m[pd.Period('1997-01')]), mar97=r2(m[pd.Period('1997-03')]))
out'''),
  dict(q='上半年最好同最差嘅月份系边个？两个月差几多钱？',
       kind='figure', period=H98,
       figures=[F('best', 'best month 1998-03 revenue'), F('worst', 'worst month 1998-04 revenue'), F('diff', 'difference best - worst')],
       must_not=[F('best97', 'best month of H1 1997 (1997-03) revenue — wrong year')],
       check='''m = per('1998-01-01', '1998-06-30').set_index('date').amt.resample('MS').sum()
assert m.idxmax() == pd.Timestamp('1998-03-01') and m.idxmin() == pd.Timestamp('1998-04-01')
dict(best=r2(m.max()), worst=r2(m.min()), diff=r2(m.max() - m.min()), best97=rev('1997-03-01', '1997-03-31'))'''),
]),
dict(id='a1-004', persona=P1, turns=[
  dict(q='98年上半年按礼拜睇，边个礼拜卖得最犀利？嗰个礼拜营收几多？',
       kind='figure', period=H98,
       figures=[F('best', 'best ISO week 1998-W10 (1998-03-02..03-08) revenue', 0.001)],
       must_not=[],
       note='Runner-up 1998-W12 (03-16..03-22) has 26,772.01, only 0.2% lower; hence the tighter rel_tol. The answer should name the week of 2 March 1998.',
       check='''d = per('1998-01-01', '1998-06-30'); iso = d.date.dt.isocalendar(); w = d.groupby([iso.year, iso.week]).amt.sum()
assert w.idxmax() == (1998, 10)
dict(best=r2(w.max()), second=r2(w.sort_values().iloc[-2]))'''),
  dict(q='咁最差嗰个完整嘅礼拜呢？头尾唔够7日嗰啲唔计',
       kind='figure', period=H98,
       figures=[F('worst', 'worst full ISO week 1998-W26 (1998-06-22..06-28) revenue')],
       must_not=[F('w27', 'partial week 1998-W27 (06-29..06-30), excluded by the user'), F('w01', 'partial week 1998-W01 (01-01..01-04 in range), excluded')],
       check='''d = per('1998-01-01', '1998-06-30'); iso = d.date.dt.isocalendar(); g = d.groupby([iso.year, iso.week])
w = g.amt.sum(); full = w[g.date.nunique() == 7]
assert full.idxmin() == (1998, 26)
dict(worst=r2(full.min()), w27=r2(w[(1998, 27)]), w01=r2(w[(1998, 1)]))'''),
  dict(q='星期几生意最好？周末（星期六日）占上半年营收几多%？',
       kind='figure', period=H98,
       figures=[F('mon', 'best weekday = Monday, revenue H1 1998'), F('share', 'weekend (Sat+Sun) share of H1 1998 revenue')],
       must_not=[],
       check='''d = per('1998-01-01', '1998-06-30'); wd = d.groupby(d.date.dt.dayofweek).amt.sum()
assert wd.idxmax() == 0
dict(mon=r2(wd[0]), share=r4((wd[5] + wd[6]) / wd.sum()))'''),
]),
dict(id='a1-005', persona=P1, turns=[
  dict(q='今年上半年新客同老客分别贡献几多营收？新客有几多个？',
       kind='figure', period=H98,
       figures=[F('new_n', 'new customers (first-ever order in H1 1998) = 0'), F('rev_ret', 'revenue from returning customers H1 1998 (= all H1 revenue)'),
                F('ret_n', 'returning buyers H1 1998')],
       must_not=[F('all_n', 'all customers ever (23,570) — not new in 1998')],
       note='Every CDNOW customer made the first order in 1997-01..03, so 1998 has no new customers; the answer should say new = 0 rather than invent a split.',
       check='''d = per('1998-01-01', '1998-06-30'); f = first.reindex(d.cust)
new = d[f.values >= pd.Timestamp('1998-01-01')]; ret = d[f.values < pd.Timestamp('1998-01-01')]
dict(new_n=int(((first >= '1998-01-01') & (first <= '1998-06-30')).sum()), rev_ret=r2(ret.amt.sum()), ret_n=int(ret.cust.nunique()), all_n=int(df.cust.nunique()))'''),
  dict(q='咁去年3月呢？新客老客各几多人、各贡献几多钱？',
       kind='figure', period='1997-03-01..1997-03-31',
       figures=[F('new_n', 'new customers 1997-03'), F('ret_n', 'returning buyers 1997-03'),
                F('rev_new', 'revenue from new customers 1997-03'), F('rev_ret', 'revenue from returning customers 1997-03')],
       must_not=[F('buyers', 'all buyers 1997-03 (not split)')],
       check='''d = per('1997-03-01', '1997-03-31'); isnew = (first.reindex(d.cust).values >= pd.Timestamp('1997-03-01'))
dict(new_n=int(d[isnew].cust.nunique()), ret_n=int(d[~isnew].cust.nunique()), rev_new=r2(d[isnew].amt.sum()), rev_ret=r2(d[~isnew].amt.sum()), buyers=int(d.cust.nunique()))'''),
]),
dict(id='a1-006', persona=P1, turns=[
  dict(q='今年上半年平均每个客嚟买咗几多次？复够率几多？',
       kind='figure', period=H98,
       figures=[F('freq', 'purchase days per buyer H1 1998'), F('rr', 'repeat rate H1 1998 (share of buyers with >=2 purchase days)')],
       must_not=[F('rr_all', 'all-time repeat rate (wrong period)')],
       note='"复够率" is a typo for 复购率; voice-style phrasing elsewhere (no punctuation, 客单家 for 客单价) is intentional. A "time" = a purchase day (same-day lines count once).',
       check='''p = pdays(per('1998-01-01', '1998-06-30')); pa = pdays(df)
dict(freq=r2(p.mean()), rr=r4((p >= 2).mean()), rr_all=r4((pa >= 2).mean()))'''),
  dict(q='去年上半年呢？',
       kind='figure', period=H97,
       figures=[F('freq', 'purchase days per buyer H1 1997'), F('rr', 'repeat rate H1 1997')],
       must_not=[F('rr98', 'repeat rate H1 1998 (previous turn)')],
       check='''p = pdays(per('1997-01-01', '1997-06-30')); p8 = pdays(per('1998-01-01', '1998-06-30'))
dict(freq=r2(p.mean()), rr=r4((p >= 2).mean()), rr98=r4((p8 >= 2).mean()))'''),
  dict(q='人均消费（每个买家贡献几多钱）同比系升定跌？',
       kind='figure', period=H98,
       figures=[F('rpb98', 'revenue per buyer H1 1998'), F('rpb97', 'revenue per buyer H1 1997'), F('chg', 'YoY change of revenue per buyer')],
       must_not=[F('aov98', 'AOV H1 1998 (per order line, not per buyer)')],
       check='''a = per('1998-01-01', '1998-06-30'); b = per('1997-01-01', '1997-06-30')
x = a.amt.sum() / a.cust.nunique(); y = b.amt.sum() / b.cust.nunique()
dict(rpb98=r2(x), rpb97=r2(y), chg=chg(x, y), aov98=r2(a.amt.sum() / len(a)))'''),
]),
dict(id='a1-007', persona=P1, turns=[
  dict(q='分门店睇下上半年业绩，天河城店同北京路店边间做得好啲？顺便话我上半年整体营收',
       kind='partial', period=H98,
       figures=[F('h98', 'total revenue H1 1998 (the answerable part)')],
       must_not=[F('all', 'all-time revenue')],
       note='No store data: must say it cannot split by store.',
       check='''dict(h98=rev('1998-01-01', '1998-06-30'), all=r2(df.amt.sum()))'''),
  dict(q='咁边个品类、边几张专辑卖得最好？上半年一共卖咗几多件碟？',
       kind='partial', period=H98,
       figures=[F('units', 'units (CDs) sold H1 1998')],
       must_not=[F('units_all', 'all-time units')],
       note='No product/category data: must say so, give the unit total.',
       check='''dict(units=int(per('1998-01-01', '1998-06-30').units.sum()), units_all=int(df.units.sum()))'''),
]),
dict(id='a1-008', persona=P1, turns=[
  dict(q='广州本地客同外省客嘅客单价有冇分别？睇去年全年',
       kind='partial', period='1997-01-01..1997-12-31',
       figures=[F('aov97', 'AOV 1997 overall (the answerable part)')],
       must_not=[F('aov_all', 'all-time AOV')],
       note='No city/region data: must say it cannot split by region.',
       check='''d = per('1997-01-01', '1997-12-31')
dict(aov97=r2(d.amt.sum() / len(d)), aov_all=r2(df.amt.sum() / len(df)))'''),
]),
dict(id='a1-009', persona=P1, turns=[
  dict(q='上个月营收几多 同比去年五月跌咗几多',
       kind='figure', period='1998-05-01..1998-05-31',
       figures=[F('may98', 'revenue 1998-05'), F('may97', 'revenue 1997-05'), F('yoy', 'YoY change May 1998 vs May 1997')],
       must_not=[F('jun98', 'revenue 1998-06 (this month, not last month)')],
       check='''a = rev('1998-05-01', '1998-05-31'); b = rev('1997-05-01', '1997-05-31')
dict(may98=a, may97=b, yoy=chg(a, b), jun98=rev('1998-06-01', '1998-06-30'))'''),
  dict(q='买家数同客单家呢，都同比一下',
       kind='figure', period='1998-05-01..1998-05-31',
       figures=[F('b98', 'buyers 1998-05'), F('b97', 'buyers 1997-05'), F('aov98', 'AOV 1998-05'), F('aov97', 'AOV 1997-05')],
       must_not=[F('b_jun', 'buyers 1998-06')],
       check='''a = per('1998-05-01', '1998-05-31'); b = per('1997-05-01', '1997-05-31')
dict(b98=int(a.cust.nunique()), b97=int(b.cust.nunique()), aov98=r2(a.amt.sum() / len(a)), aov97=r2(b.amt.sum() / len(b)), b_jun=int(per('1998-06-01', '1998-06-30').cust.nunique()))'''),
]),
dict(id='a1-010', persona=P1, turns=[
  dict(q='上周卖咗几多钱？几多单？',
       kind='figure', period='1998-06-22..1998-06-28',
       figures=[F('rev', 'revenue 1998-06-22..06-28'), F('orders', 'orders 1998-06-22..06-28')],
       must_not=[F('rev7', 'revenue of the last 7 days 06-24..06-30 (not "last week")')],
       check='''d = per('1998-06-22', '1998-06-28')
dict(rev=r2(d.amt.sum()), orders=len(d), rev7=rev('1998-06-24', '1998-06-30'))'''),
  dict(q='比再上一个礼拜跌咗几多？',
       kind='figure', period='1998-06-15..1998-06-21',
       figures=[F('prev', 'revenue 1998-06-15..06-21'), F('wow', 'change 06-22..28 vs 06-15..21')],
       must_not=[],
       check='''a = rev('1998-06-22', '1998-06-28'); b = rev('1998-06-15', '1998-06-21')
dict(prev=b, wow=chg(a, b))'''),
  dict(q='最近三十日有几多个客人帮衬过 人均消费几多',
       kind='figure', period='1998-06-01..1998-06-30',
       figures=[F('buyers', 'buyers 1998-06-01..06-30'), F('rpb', 'revenue per buyer in those 30 days')],
       must_not=[F('b_may', 'buyers 1998-05')],
       check='''d = per('1998-06-01', '1998-06-30')
dict(buyers=int(d.cust.nunique()), rpb=r2(d.amt.sum() / d.cust.nunique()), b_may=int(per('1998-05-01', '1998-05-31').cust.nunique()))'''),
]),
dict(id='a1-011', persona=P1, turns=[
  dict(q='照而家嘅走势，下个季度（7-9月）大概会有几多营收、几多个买家？',
       kind='model', tool='forecast_totals', period='1998-07-01..1998-09-30',
       note='Forecast for 1998 Q3; any figures come from the forecast tool, not from the raw file.'),
  dict(q='入面高价值客户嗰个群预计贡献几多？',
       kind='model', tool='forecast_totals', period='1998-07-01..1998-09-30',
       note='Same forecast narrowed to the most valuable segment.'),
]),
dict(id='a1-012', persona=P1, turns=[
  dict(q='帮我将上半年每个月嘅数据export做Excel，然后email俾Ken。另外上半年总单量几多？',
       kind='refusal', period=H98,
       figures=[F('orders', 'orders (order lines) H1 1998')],
       must_not=[F('orders_all', 'all-time orders')],
       note='Cannot export or e-mail; must still answer the order count.',
       check='''dict(orders=len(per('1998-01-01', '1998-06-30')), orders_all=len(df))'''),
]),
dict(id='a1-013', persona=P1, turns=[
  dict(q='去年有边几个月单量过3000单？',
       kind='figure', period='1997-01-01..1997-12-31',
       figures=[F('n', 'number of 1997 months with > 3000 orders (Jan, Feb, Mar, Apr, Jun)'), F('jun', 'orders 1997-06 (3,054, just above)'),
                F('apr', 'orders 1997-04')],
       must_not=[],
       check='''m = per('1997-01-01', '1997-12-31').set_index('date').amt.resample('MS').size()
sel = m[m > 3000]; assert [t.month for t in sel.index] == [1, 2, 3, 4, 6]
dict(n=int(len(sel)), jun=int(m[pd.Timestamp('1997-06-01')]), apr=int(m[pd.Timestamp('1997-04-01')]))'''),
  dict(q='今年上半年单笔过$100嘅大单有几多张？占上半年总单量几多%？',
       kind='figure', period=H98,
       figures=[F('n', 'order lines with amount > $100 in H1 1998'), F('share', 'their share of H1 1998 order lines')],
       must_not=[F('n_all', 'all-time order lines > $100')],
       check='''d = per('1998-01-01', '1998-06-30')
dict(n=int((d.amt > 100).sum()), share=r4((d.amt > 100).mean()), n_all=int((df.amt > 100).sum()))'''),
]),
dict(id='a1-014', persona=P1, turns=[
  dict(q='去年全年最旺同最淡嘅月份系边个？营收差几多倍？',
       kind='figure', period='1997-01-01..1997-12-31',
       figures=[F('best', 'best month 1997-03 revenue'), F('worst', 'worst month 1997-09 revenue'), F('ratio', 'best / worst')],
       must_not=[F('worst98', 'worst month overall 1998-04 (wrong year)')],
       check='''m = per('1997-01-01', '1997-12-31').set_index('date').amt.resample('MS').sum()
assert m.idxmax().month == 3 and m.idxmin().month == 9
dict(best=r2(m.max()), worst=r2(m.min()), ratio=r2(m.max() / m.min()), worst98=rev('1998-04-01', '1998-04-30'))'''),
  dict(q='去年年底旺季同今年年初比，营收同单量各跌咗几多%？',
       kind='figure', period='1998-01-01..1998-02-28',
       figures=[F('rev_e', 'revenue 1997-11..12'), F('rev_b', 'revenue 1998-01..02'), F('rev_chg', 'revenue change 年初1998 vs 年底1997'),
                F('o_chg', 'orders change 年初1998 vs 年底1997')],
       must_not=[F('rev_b97', 'revenue 1997-01..02 (年初 of the wrong year)')],
       note='年底 = Nov-Dec (1997), 年初 = Jan-Feb (1998), per the product\'s calendar words.',
       check='''e = per('1997-11-01', '1997-12-31'); b = per('1998-01-01', '1998-02-28')
dict(rev_e=r2(e.amt.sum()), rev_b=r2(b.amt.sum()), rev_chg=chg(b.amt.sum(), e.amt.sum()), o_chg=chg(len(b), len(e)), rev_b97=rev('1997-01-01', '1997-02-28'))'''),
]),
# ------------------------------------------------------------------ persona 2: CRM manager
dict(id='a1-101', persona=P2, turns=[
  dict(q='累计消费满$1000嘅客人有几多个？占全部客户几多%？',
       kind='figure',
       figures=[F('n', 'customers with all-time spend >= $1000'), F('share', 'their share of all 23,570 customers')],
       must_not=[],
       check='''dict(n=int((spend >= 1000).sum()), share=r4((spend >= 1000).mean()))'''),
  dict(q='呢班人今年上半年仲有几多个有落单？总共贡献咗几多营收？',
       kind='figure', period=H98,
       figures=[F('n98', 'of the >= $1000 customers, buyers in H1 1998'), F('rev98', 'their revenue in H1 1998')],
       must_not=[F('rev_all', 'their all-time spend (wrong period)'), F('h98', 'total H1 1998 revenue (unfiltered)')],
       check='''big = set(spend[spend >= 1000].index); d = per('1998-01-01', '1998-06-30'); d = d[d.cust.isin(big)]
dict(n98=int(d.cust.nunique()), rev98=r2(d.amt.sum()), rev_all=r2(spend[spend >= 1000].sum()), h98=rev('1998-01-01', '1998-06-30'))'''),
  dict(q='入面有几多个已经超过90日冇买过嘢？',
       kind='figure',
       figures=[F('n', 'of the >= $1000 customers, inactive >= 90 days (last order on or before 1998-04-01)')],
       must_not=[F('n_all', 'all customers inactive >= 90 days (unfiltered)')],
       check='''big = set(spend[spend >= 1000].index); ina = inactive(90)
dict(n=len(big & ina), n_all=len(ina))'''),
]),
dict(id='a1-102', persona=P2, turns=[
  dict(q='有几多客人净系嚟过一次就冇再返嚟？占几多？',
       kind='figure',
       figures=[F('n', 'customers with exactly 1 purchase day (all time)'), F('share', 'share of all customers')],
       must_not=[F('n_lines', 'customers with exactly 1 order line (lines, not purchase days)')],
       check='''p = pdays(df); nl = df.groupby('cust').size()
dict(n=int((p == 1).sum()), share=r4((p == 1).mean()), n_lines=int((nl == 1).sum()))'''),
  dict(q='买过5次或以上嘅呢？几多人，人均累计消费几多？',
       kind='figure',
       figures=[F('n', 'customers with >= 5 purchase days (all time)'), F('avg', 'their mean all-time spend')],
       must_not=[F('avg_all', 'mean spend of all customers (unfiltered)')],
       check='''p = pdays(df); s = spend[p[p >= 5].index]
dict(n=int(len(s)), avg=r2(s.mean()), avg_all=r2(spend.mean()))'''),
  dict(q='呢两班人嘅客单价各系几多？',
       kind='figure',
       figures=[F('aov1', 'AOV (per order line) of the one-time customers, all time'), F('aov5', 'AOV of the 5+ purchase-day customers, all time')],
       must_not=[F('aov_all', 'all-time AOV of everyone')],
       check='''p = pdays(df); a = df[df.cust.isin(p[p == 1].index)]; b = df[df.cust.isin(p[p >= 5].index)]
dict(aov1=r2(a.amt.sum() / len(a)), aov5=r2(b.amt.sum() / len(b)), aov_all=r2(df.amt.sum() / len(df)))'''),
]),
dict(id='a1-103', persona=P2, turns=[
  dict(q='超过一年冇落过单嘅客有几多个？',
       kind='figure',
       figures=[F('n', 'customers inactive >= 365 days (last order on or before 1997-06-30)')],
       must_not=[F('n180', 'inactive >= 180 days')],
       note='"超过一年" taken as inactive N=365 days per the documented definition (last order >= 365 days before 1998-06-30); >365 would give the count minus those whose last order is exactly 1997-06-30.',
       check='''dict(n=len(inactive(365)), n180=len(inactive(180)), strict=len(inactive(366)))'''),
  dict(q='入面以前累计消费过$500以上嘅有几多个？',
       kind='figure',
       figures=[F('n', 'of the inactive >= 365 days customers, all-time spend >= $500')],
       must_not=[F('n_all', 'all customers with spend >= $500 (unfiltered)')],
       check='''ina = inactive(365); s = spend[list(ina)]
assert int((s > 500).sum()) == int((s >= 500).sum())
dict(n=int((s >= 500).sum()), n_all=int((spend >= 500).sum()))'''),
]),
dict(id='a1-104', persona=P2, turns=[
  dict(q='有几多客人去年下半年一单都冇买，但今年上半年又返嚟帮衬？',
       kind='figure',
       figures=[F('n', 'customers who bought in 1998-01..06 and not in 1997-07..12 (reactivated)')],
       must_not=[F('b98', 'all H1 1998 buyers (unfiltered)')],
       check='''a = set(per('1998-01-01', '1998-06-30').cust); b = set(per('1997-07-01', '1997-12-31').cust)
dict(n=len(a - b), b98=len(a))'''),
  dict(q='呢批人今年上半年一共买咗几多钱？人均几多？',
       kind='figure', period=H98,
       figures=[F('rev', 'H1 1998 revenue of the reactivated customers'), F('rpb', 'their revenue per buyer H1 1998')],
       must_not=[F('h98', 'total H1 1998 revenue')],
       check='''a = set(per('1998-01-01', '1998-06-30').cust); b = set(per('1997-07-01', '1997-12-31').cust)
d = per('1998-01-01', '1998-06-30'); d = d[d.cust.isin(a - b)]
dict(rev=r2(d.amt.sum()), rpb=r2(d.amt.sum() / d.cust.nunique()), h98=rev('1998-01-01', '1998-06-30'))'''),
  dict(q='反过嚟，去年有买过但今年到而家一单都未落过嘅有几多？',
       kind='figure',
       figures=[F('n', 'customers who bought in 1997 and not in 1998-01..06')],
       must_not=[F('n98', 'H1 1998 buyers')],
       check='''a = set(per('1997-01-01', '1997-12-31').cust); b = set(per('1998-01-01', '1998-06-30').cust)
dict(n=len(a - b), n98=len(b))'''),
]),
dict(id='a1-105', persona=P2, turns=[
  dict(q='97年1月嗰批新客，第3个月嘅留存率几多？',
       kind='figure',
       figures=[F('r', 'cohort 1997-01, month-3 retention (ordered in 1997-04)')],
       must_not=[F('r1', 'cohort 1997-01 month-1 retention')],
       check='''cm = first.dt.to_period('M'); act = df.assign(m=df.date.dt.to_period('M')).groupby('m').cust.apply(set)
def ret(c, k):
    co = set(cm[cm == pd.Period(c)].index); return r4(len(co & act[pd.Period(c) + k]) / len(co))
dict(r=ret('1997-01', 3), r1=ret('1997-01', 1))'''),
  dict(q='2月同3月嗰两批嘅第3个月呢？',
       kind='figure',
       figures=[F('feb', 'cohort 1997-02 month-3 retention (1997-05)'), F('mar', 'cohort 1997-03 month-3 retention (1997-06)')],
       must_not=[],
       check='''cm = first.dt.to_period('M'); act = df.assign(m=df.date.dt.to_period('M')).groupby('m').cust.apply(set)
def ret(c, k):
    co = set(cm[cm == pd.Period(c)].index); return r4(len(co & act[pd.Period(c) + k]) / len(co))
dict(feb=ret('1997-02', 3), mar=ret('1997-03', 3))'''),
  dict(q='1月嗰批去到第12个月（即系98年1月）仲剩几多%？',
       kind='figure',
       figures=[F('r12', 'cohort 1997-01 month-12 retention (ordered in 1998-01)')],
       must_not=[F('r3', 'cohort 1997-01 month-3 retention')],
       check='''cm = first.dt.to_period('M'); act = df.assign(m=df.date.dt.to_period('M')).groupby('m').cust.apply(set)
def ret(c, k):
    co = set(cm[cm == pd.Period(c)].index); return r4(len(co & act[pd.Period(c) + k]) / len(co))
dict(r12=ret('1997-01', 12), r3=ret('1997-01', 3))'''),
]),
dict(id='a1-106', persona=P2, turns=[
  dict(q='客人平均隔几耐返嚟买一次？中位数呢？',
       kind='figure',
       figures=[F('mean', 'mean days between consecutive purchase days, all time'), F('median', 'median days between purchases, all time')],
       must_not=[],
       check='''u = df[['cust', 'date']].drop_duplicates().sort_values(['cust', 'date']); gap = u.groupby('cust').date.diff().dt.days.dropna()
dict(mean=r2(gap.mean()), median=float(gap.median()))'''),
  dict(q='第一次买完到第二次买，中位数要几多日？',
       kind='figure',
       figures=[F('med12', 'median days from first to second purchase day (customers with >= 2 purchase days)')],
       must_not=[F('median', 'median of all gaps (not first-to-second)')],
       check='''u = df[['cust', 'date']].drop_duplicates().sort_values(['cust', 'date']); u['k'] = u.groupby('cust').cumcount()
t = u[u.k <= 1].pivot(index='cust', columns='k', values='date').dropna(); d12 = (t[1] - t[0]).dt.days
gap = u.groupby('cust').date.diff().dt.days.dropna()
dict(med12=float(d12.median()), mean12=r2(d12.mean()), median=float(gap.median()))'''),
]),
dict(id='a1-107', persona=P2, turns=[
  dict(q='累计消费最高嘅top 5客户系边几个？各自消费几多？',
       kind='figure',
       figures=[F('s1', 'top 1 customer 07592 all-time spend'), F('s2', 'top 2 customer 14048'), F('s3', 'top 3 customer 07983'),
                F('s4', 'top 4 customer 19339'), F('s5', 'top 5 customer 07931')],
       must_not=[],
       note='Ids in order: 07592, 14048, 07983, 19339, 07931.',
       check='''t = spend.sort_values(ascending=False).head(5)
assert list(t.index) == [7592, 14048, 7983, 19339, 7931]
{'s%d' % (i + 1): r2(v) for i, v in enumerate(t.values)}'''),
  dict(q='第一名嗰个总共落过几多单？最近一次系几时买？而家几耐冇嚟？',
       kind='figure',
       figures=[F('orders', 'customer 07592 order lines (all time)'), F('days', 'customer 07592 days since last order (last order 1998-06-29)')],
       must_not=[],
       note='Last order 1998-06-29; 146 distinct purchase days, 201 order lines.',
       check='''d = df[df.cust == 7592]
assert d.date.max() == pd.Timestamp('1998-06-29')
dict(orders=len(d), pdays=int(d.date.nunique()), days=int((NOW - d.date.max()).days))'''),
  dict(q='佢未来8个礼拜会唔会流失？',
       kind='model', tool='forecast_customer',
       note='Customer 07592, horizon 8 weeks.'),
]),
dict(id='a1-108', persona=P2, turns=[
  dict(q='查下5555呢个客：总消费、几多单、客单价，几耐冇嚟过？',
       kind='figure',
       figures=[F('spend', 'customer 05555 all-time spend'), F('orders', 'customer 05555 order lines'), F('aov', 'customer 05555 AOV'),
                F('days', 'customer 05555 days since last order (last 1997-12-31)')],
       must_not=[],
       check='''d = df[df.cust == 5555]
dict(spend=r2(d.amt.sum()), orders=len(d), aov=r2(d.amt.sum() / len(d)), days=int((NOW - d.date.max()).days))'''),
  dict(q='佢而家喺边个客群？点解会分去嗰度？',
       kind='model', tool='explain_customer_segment',
       note='Customer 05555.'),
]),
dict(id='a1-109', persona=P2, turns=[
  dict(q='而家客户分咗几多个群？每个群几多人？',
       kind='model', tool='list_segments'),
  dict(q='高价值嗰群入面流失风险最高嘅10个客帮我列出嚟',
       kind='model', tool='at_risk_customers',
       note='Top 10 at-risk customers within the most valuable segment.'),
  dict(q='帮我将呢10个人打个"重点挽回"嘅tag，再push张$20优惠券俾佢哋',
       kind='refusal',
       note='Cannot tag customers or push coupons; no tool call needed.'),
]),
dict(id='a1-110', persona=P2, turns=[
  dict(q='消费top 10%嘅大客今年上半年贡献咗几多营收？占上半年营收几多%？',
       kind='figure', period=H98,
       figures=[F('rev', 'H1 1998 revenue of the top 10% spenders by all-time spend (2,357 customers)'), F('share', 'their share of H1 1998 revenue')],
       must_not=[F('rev_all', 'their all-time spend (wrong period)'), F('share_all', 'their share of all-time revenue')],
       note='Top 10% ranked by total (all-time) spend, as documented; the 2,357th and 2,358th spenders differ (242.35 vs 242.33), so no tie.',
       check='''top = set(spend.sort_values(ascending=False).head(int(len(spend) * 0.1)).index); d = per('1998-01-01', '1998-06-30')
x = d[d.cust.isin(top)].amt.sum()
dict(rev=r2(x), share=r4(x / d.amt.sum()), rev_all=r2(spend[list(top)].sum()), share_all=r4(spend[list(top)].sum() / spend.sum()))'''),
  dict(q='呢班大客未来半年嘅CLV边几个最高？',
       kind='model', tool='customer_value',
       note='CLV over the next ~26 weeks for the top customers.'),
]),
dict(id='a1-111', persona=P2, turns=[
  dict(q='俾过差评嘅客人，之后仲有几多%返嚟落单？',
       kind='model', tool='feedback_followup'),
  dict(q='啲差评主要集中喺咩问题？',
       kind='model', tool='feedback_themes'),
  dict(q='搵下有冇客投诉送货慢或者收到嘅碟有花',
       kind='model', tool='search_feedback'),
]),
dict(id='a1-112', persona=P2, turns=[
  dict(q='帮我睇下呢几条评价系正面定负面：1）物流太慢，包装都烂埋 2）音质好正，下次再嚟 3）麻麻地啦，一般般',
       kind='model', tool='analyze_sentiment'),
  dict(q='高价值客户嘅反馈入面，正面同负面各占几多？',
       kind='model', tool='sentiment_summary'),
]),
dict(id='a1-113', persona=P2, turns=[
  dict(q='个流失预测模型几时train嘅？准确率有几多？用嘅数据去到几时？',
       kind='model', tool='assistant_status'),
]),
dict(id='a1-114', persona=P2, turns=[
  dict(q='VIP客（累计消费$500以上）嘅男女比例同年龄分布系点？先话我有几多个VIP',
       kind='partial',
       figures=[F('n', 'customers with all-time spend >= $500')],
       must_not=[],
       note='No gender/age data: must say so. No customer has exactly $500, so > and >= agree.',
       check='''assert int((spend > 500).sum()) == int((spend >= 500).sum())
dict(n=int((spend >= 500).sum()))'''),
]),
dict(id='a1-115', persona=P2, turns=[
  dict(q='今年上半年消费唔够$100、$100到$500、$500以上嘅客各有几多人？',
       kind='figure', period=H98,
       figures=[F('lo', 'H1 1998 buyers with H1 spend < $100'), F('mid', 'H1 1998 buyers with spend $100..$500'), F('hi', 'H1 1998 buyers with spend >= $500')],
       must_not=[F('hi_all', 'customers with all-time spend >= $500 (wrong period)')],
       note='Spend measured within H1 1998. No buyer has exactly $100 or $500 in H1 1998, so the boundaries are unambiguous.',
       check='''s = per('1998-01-01', '1998-06-30').groupby('cust').amt.sum()
assert not ((s == 100) | (s == 500)).any()
dict(lo=int((s < 100).sum()), mid=int(((s >= 100) & (s < 500)).sum()), hi=int((s >= 500).sum()), hi_all=int((spend >= 500).sum()))'''),
]),
dict(id='a1-116', persona=P2, turns=[
  dict(q='帮我send个SMS俾所有超过180日冇嚟过嘅客，话佢哋知新碟到咗。另外呢班人有几多个？',
       kind='refusal',
       figures=[F('n', 'customers inactive >= 180 days (last order on or before 1998-01-01)')],
       must_not=[F('n365', 'inactive >= 365 days')],
       note='Cannot send SMS; must still give the count.',
       check='''dict(n=len(inactive(180)), n365=len(inactive(365)))'''),
  dict(q='佢哋以前用过几多张优惠券？平均每人累计消费几多？',
       kind='partial',
       figures=[F('avg', 'mean all-time spend of customers inactive >= 180 days')],
       must_not=[F('avg_all', 'mean all-time spend of all customers')],
       note='No coupon data: must say so.',
       check='''ina = list(inactive(180))
dict(avg=r2(spend[ina].mean()), avg_all=r2(spend.mean()))'''),
]),
dict(id='a1-117', persona=P2, turns=[
  dict(q='Customer 00003 — total spend, how many orders, first and last purchase date? how long since he last bought?',
       kind='figure',
       figures=[F('spend', 'customer 00003 all-time spend'), F('orders', 'customer 00003 order lines'),
                F('days', 'customer 00003 days since last order (first 1997-01-02, last 1998-05-28)')],
       must_not=[],
       check='''d = df[df.cust == 3]
assert d.date.min() == pd.Timestamp('1997-01-02') and d.date.max() == pd.Timestamp('1998-05-28')
dict(spend=r2(d.amt.sum()), orders=len(d), days=int((NOW - d.date.max()).days))'''),
]),
]


def share_tol(v):
    # allow an answer that rounds a share/change to one decimal of a percent
    if v == 0:
        return 0.005
    return max(0.005, round(0.0006 / abs(v) + 0.0005, 3))


SHARE_NAMES = {'rr_all', 'rr98', 'share_all', 'share', 'yoy', 'mom', 'rr', 'chg', 'wow', 'rev_chg', 'o_chg', 'r', 'r1', 'r3', 'r12', 'feb', 'mar'}


def is_share(name, turn):
    if name.startswith('mom_'):
        return True
    if name in ('feb', 'mar'):
        return 'retention' in ''.join(w for _, w, _ in turn.get('figures', []))
    return name in SHARE_NAMES


def run_check(prelude_env, code):
    env = dict(prelude_env)
    lines = code.rstrip('\n').split('\n')
    body, last = '\n'.join(lines[:-1]), lines[-1]
    exec(body, env)
    return eval(last, env)


def load_prelude():
    env = {}
    exec(PRELUDE, env)
    return env


class Lit(str):
    pass


def lit_rep(dumper, data):
    return dumper.represent_scalar('tag:yaml.org,2002:str', data, style='|')


def build():
    env = load_prelude()
    items = []
    for it in ITEMS:
        turns = []
        for t in it['turns']:
            exp = {'kind': t['kind']}
            if t['kind'] == 'model':
                exp['tool'] = t['tool']
            out = {'q': t['q'], 'expect': exp}
            if 'check' in t:
                res = run_check(env, t['check'])
                assert isinstance(res, dict), it['id']
                for key in ('figures', 'must_not'):
                    lst = []
                    for name, what, tol in t.get(key, []):
                        v = res[name]
                        if isinstance(v, (np.integer,)):
                            v = int(v)
                        if isinstance(v, (np.floating,)):
                            v = float(v)
                        if tol is None:
                            if is_share(name, t):
                                tol = share_tol(v)
                            elif isinstance(v, float) and 0 < abs(v) < 10 and v != int(v):
                                tol = max(0.005, round(0.05 / abs(v) + 0.0005, 3))  # small ratios: allow 1-decimal rounding
                            else:
                                tol = 0.005
                        lst.append({'value': v, 'rel_tol': tol, 'what': f'[{name}] {what}'})
                    if key == 'figures' or lst:
                        exp[key] = lst
                # must_not values must not be accepted as any figure
                for m in exp.get('must_not', []):
                    for f in exp.get('figures', []):
                        if f['value'] != 0:
                            assert abs(m['value'] - f['value']) > f['rel_tol'] * abs(f['value']), (it['id'], m, f)
                        else:
                            assert m['value'] != 0, (it['id'], m, f)
            else:
                assert not t.get('figures'), it['id']
            if t.get('period'):
                exp['period'] = t['period']
            if 'check' in t:
                out['check'] = Lit(t['check'] + '\n')
            if t.get('note'):
                out['note'] = t['note']
            turns.append(out)
        items.append({'id': it['id'], 'persona': it['persona'], 'turns': turns})
    doc = {'writer': WRITER, 'data_end': '1998-06-30', 'check_prelude': Lit(PRELUDE), 'items': items}
    yaml.add_representer(Lit, lit_rep)
    with open(OUT, 'w') as fh:
        yaml.dump(doc, fh, allow_unicode=True, sort_keys=False, width=1000)


def verify():
    doc = yaml.safe_load(open(OUT))
    assert doc['data_end'] == '1998-06-30'
    env = {}
    exec(doc['check_prelude'], env)
    nconv = nturn = 0
    kinds = {}
    for it in doc['items']:
        nconv += 1
        assert 1 <= len(it['turns']) <= 4
        for t in it['turns']:
            nturn += 1
            e = t['expect']
            kinds[e['kind']] = kinds.get(e['kind'], 0) + 1
            assert e['kind'] in ('figure', 'model', 'refusal', 'partial')
            if e['kind'] == 'model':
                assert e.get('tool')
            figs = e.get('figures', []) + e.get('must_not', [])
            if figs:
                res = run_check(env, t['check'])
                for f in figs:
                    name = f['what'][1:f['what'].index(']')]
                    got = res[name]
                    assert (got == f['value']) or math.isclose(float(got), float(f['value']), rel_tol=1e-9, abs_tol=1e-9), (it['id'], name, got, f['value'])
            elif 'check' in t:
                run_check(env, t['check'])
    print(f'OK: {nconv} conversations, {nturn} turns, kinds {kinds}')


if __name__ == '__main__':
    import numpy as np
    if '--verify' not in sys.argv:
        build()
    verify()
