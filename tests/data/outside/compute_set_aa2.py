#!/usr/bin/env python
"""Builds /tmp/team/aa2/set_aa2.yaml (question set aa2) and re-checks it.

Every figure is computed with pandas over the raw CDNOW file, using the documented definitions.
Run:  /tmp/team/venv/bin/python /tmp/team/aa2/compute_set_aa2.py
It (1) runs every check after the prelude, fills the expected values, writes the YAML, then
(2) reloads the YAML with yaml.safe_load, re-runs every `check:` after `check_prelude` and asserts that
each `expect` figure / must_not value equals what the check gives (and that must_not values differ
from the figures).
"""
import copy, re, sys, yaml

OUT = '/tmp/team/aa2/set_aa2.yaml'

PRELUDE = r'''import pandas as pd, numpy as np
F = '/tmp/team/CDNOW_master.txt'
df = pd.read_csv(F, sep=r'\s+', header=0, names=['cust', 'date', 'units', 'amt'], dtype={'date': str})
df['date'] = pd.to_datetime(df['date'], format='%Y%m%d')
df['cust'] = df['cust'].astype(int)
END = pd.Timestamp('1998-06-30')
def per(a, b):
    return df[(df.date >= pd.Timestamp(a)) & (df.date <= pd.Timestamp(b))]
def pdays(d):
    # purchase days per customer (distinct customer, date)
    return d.groupby('cust').date.nunique()
def repeat_rate(d):
    g = pdays(d)
    return round(float((g >= 2).mean()), 4)
first = df.groupby('cust').date.min()
last = df.groupby('cust').date.max()
spend = df.groupby('cust').amt.sum()
allpd = pdays(df)
df['m'] = df.date.dt.to_period('M')
cohort = first.dt.to_period('M')
def cohort_ret(cm, k):
    ids = cohort[cohort == pd.Period(cm, 'M')].index
    tgt = pd.Period(cm, 'M') + k
    n = df[df.cust.isin(ids) & (df.m == tgt)].cust.nunique()
    return round(float(n / len(ids)), 4)
def gaps():
    # gap in days between consecutive purchase days of a customer, dated by the later day
    u = df[['cust', 'date']].drop_duplicates().sort_values(['cust', 'date'])
    u = u.assign(gap=u.groupby('cust').date.diff().dt.days)
    return u.dropna(subset=['gap'])
def c(cid):
    return df[df.cust == cid]
'''

G = '会员增长负责人 @ 音乐零售连锁 (留存/复购/cohort/沉睡唤醒/LTV)'
P = '电话销售主管 (逐个客户跟进, 语音输入, 随口问)'

# each turn: q, kind, check, figs=[(name, what[, rel_tol])], must_not=[(name, what)], period, tool, note
ITEMS = [
# ---------------------------------------------------------------- growth head
dict(id='aa2-001', persona=G, turns=[
  dict(q='帮我拉下97年1月首购那批用户的cohort，M1、M3、M6留存分别多少？',
       kind='figure',
       check="dict(m1=cohort_ret('1997-01', 1), m3=cohort_ret('1997-01', 3), m6=cohort_ret('1997-01', 6))",
       figs=[('m1', 'month-1 retention of the 1997-01 first-order cohort (ordered in 1997-02)'),
             ('m3', 'month-3 retention of the 1997-01 cohort (ordered in 1997-04)'),
             ('m6', 'month-6 retention of the 1997-01 cohort (ordered in 1997-07)')]),
  dict(q='2月、3月那两批的M1呢？跟1月比哪批最好',
       kind='figure',
       check="dict(feb_m1=cohort_ret('1997-02', 1), mar_m1=cohort_ret('1997-03', 1), jan_m1=cohort_ret('1997-01', 1))",
       figs=[('feb_m1', 'month-1 retention of the 1997-02 cohort (ordered in 1997-03)'),
             ('mar_m1', 'month-1 retention of the 1997-03 cohort (ordered in 1997-04)')],
       note='jan_m1 given for the comparison; the answer should say which cohort has the best M1.'),
  dict(q='1月那批到M12还剩多少在买的',
       kind='figure',
       check="ids = cohort[cohort == pd.Period('1997-01', 'M')].index\n"
             "n = df[df.cust.isin(ids) & (df.m == pd.Period('1998-01', 'M'))].cust.nunique()\n"
             "dict(jan_m12=cohort_ret('1997-01', 12), jan_m12_n=int(n))",
       figs=[('jan_m12', 'month-12 retention of the 1997-01 cohort (ordered in 1998-01)')],
       note='"还剩多少" is ambiguous: the expected figure is the share; a head count of 528 (jan_m12_n) alone is also a correct reading.'),
]),
dict(id='aa2-002', persona=G, turns=[
  dict(q='去年全年的复购率多少？就是当年买了2次及以上的占比',
       kind='figure', period='1997-01-01..1997-12-31',
       check="dict(rr97=repeat_rate(per('1997-01-01', '1997-12-31')), rr_all=repeat_rate(df), rr98h1=repeat_rate(per('1998-01-01', '1998-06-30')))",
       figs=[('rr97', 'repeat rate 1997 (share of 1997 buyers with >=2 purchase days in 1997)')],
       must_not=[('rr_all', 'all-time repeat rate (wrong period)'),
                 ('rr98h1', 'repeat rate 1998 H1 (wrong period)')]),
  dict(q='今年上半年呢？跟去年同期比是涨了还是掉了',
       kind='figure', period='1998-01-01..1998-06-30',
       check="a = repeat_rate(per('1998-01-01', '1998-06-30')); b = repeat_rate(per('1997-01-01', '1997-06-30'))\n"
             "dict(rr98h1=a, rr97h1=b, rr_all=repeat_rate(df))",
       figs=[('rr98h1', 'repeat rate 1998-01..06'),
             ('rr97h1', 'repeat rate 1997-01..06 (same period a year earlier, YoY base)')],
       must_not=[('rr_all', 'all-time repeat rate (wrong period)')],
       note='YoY base is 1997 H1, not full-year 1997. Either percentage-point or relative change is fine; the direction must be right.'),
]),
dict(id='aa2-003', persona=G, turns=[
  dict(q='新用户首单到第二单平均要隔多久？给我均值和中位数，想定一下二购触达的时间点',
       kind='figure',
       check="g = gaps()\n"
             "f2 = g.groupby('cust').gap.first()\n"
             "dict(mean_f2s=round(float(f2.mean()), 2), median_f2s=round(float(f2.median()), 2), n_with_2nd=int(len(f2)), mean_all_gaps=round(float(g.gap.mean()), 2))",
       figs=[('mean_f2s', 'mean days from first to second purchase day (customers with a 2nd purchase day)'),
             ('median_f2s', 'median days first-to-second purchase day')],
       must_not=[('mean_all_gaps', 'mean of ALL consecutive purchase gaps (not first-to-second)')]),
  dict(q='那到现在都没产生二购的有多少人，占总用户多少',
       kind='figure',
       check="dict(one_time=int((allpd == 1).sum()), one_time_share=round(float((allpd == 1).mean()), 4))",
       figs=[('one_time', 'customers with exactly 1 purchase day ever'),
             ('one_time_share', 'share of all 23,570 customers with exactly 1 purchase day')]),
]),
dict(id='aa2-004', persona=G, turns=[
  dict(q='现在沉睡用户规模多大？口径：180天以上没下过单',
       kind='figure',
       check="ina = last[(END - last).dt.days >= 180]\n"
             "dict(inactive180=int(len(ina)), inactive180_share=round(float(len(ina) / len(last)), 4))",
       figs=[('inactive180', 'customers whose last order is >=180 days before 1998-06-30 (last order on/before 1998-01-01)')],
       note='inactive180_share given for reference.'),
  dict(q='这里面历史累计消费满100刀的有多少人？这部分是唤醒优先级最高的',
       kind='figure',
       check="ina = last[(END - last).dt.days >= 180].index\n"
             "s = spend[ina]\n"
             "dict(ina_ge100=int((s >= 100).sum()), ina_gt100=int((s > 100).sum()))",
       figs=[('ina_ge100', 'of the 180-day inactive customers, those with all-time spend >= $100')],
       note='ina_gt100 (strictly > 100) for reference; equal or within tolerance.'),
  dict(q='好，把这批名单导出个excel发我，我让CRM同学排唤醒短信',
       kind='refusal',
       check="dict()",
       note='Export + send is an action the assistant cannot do; it should say so (may offer to show the list in chat).'),
]),
dict(id='aa2-005', persona=G, turns=[
  dict(q='看下唤醒情况：去年下半年一单都没买、今年上半年又回来下单的有多少人？',
       kind='figure',
       check="h1 = set(per('1998-01-01', '1998-06-30').cust); h2 = set(per('1997-07-01', '1997-12-31').cust)\n"
             "dict(winback=len(h1 - h2), buyers98h1=len(h1))",
       figs=[('winback', 'customers who bought in 1998-01..06 but not in 1997-07..12')],
       must_not=[('buyers98h1', 'all 1998 H1 buyers (unfiltered)')],
       note='Every customer first bought in 1997 Q1, so all of them are returning customers.'),
  dict(q='这部分回流用户上半年贡献了多少GMV？占上半年整体的比例呢',
       kind='figure', period='1998-01-01..1998-06-30',
       check="h = per('1998-01-01', '1998-06-30'); h2 = set(per('1997-07-01', '1997-12-31').cust)\n"
             "r = h[~h.cust.isin(h2)].amt.sum()\n"
             "dict(winback_rev=round(float(r), 2), winback_rev_share=round(float(r / h.amt.sum()), 4), rev98h1=round(float(h.amt.sum()), 2))",
       figs=[('winback_rev', '1998 H1 revenue of those win-back customers'),
             ('winback_rev_share', 'their share of 1998 H1 revenue')]),
]),
dict(id='aa2-006', persona=G, turns=[
  dict(q='上个月新客老客各多少人，GMV怎么拆？',
       kind='figure', period='1998-05-01..1998-05-31',
       check="m = per('1998-05-01', '1998-05-31'); isnew = m.cust.map(first) >= pd.Timestamp('1998-05-01')\n"
             "j = per('1998-06-01', '1998-06-30')\n"
             "dict(new=int(m[isnew].cust.nunique()), returning=int(m[~isnew].cust.nunique()), rev_returning=round(float(m[~isnew].amt.sum()), 2), rev_new=round(float(m[isnew].amt.sum()), 2), jun_buyers=int(j.cust.nunique()), jun_rev=round(float(j.amt.sum()), 2))",
       figs=[('returning', 'returning buyers 1998-05 (all buyers; new = 0)'),
             ('rev_returning', 'returning revenue 1998-05 (= all May 1998 revenue; new revenue = 0)')],
       must_not=[('jun_buyers', 'buyers 1998-06 (this month, not last month)'),
                 ('jun_rev', 'revenue 1998-06 (wrong month)')],
       note='New customers = 0 and new revenue = 0 in 1998-05 (all first orders are in 1997 Q1); the answer must say so.'),
  dict(q='新客怎么会是0…那我们的新客都是哪段时间进来的？按月给我拉新人数',
       kind='figure',
       check="n = cohort.value_counts()\n"
             "dict(new_jan97=int(n[pd.Period('1997-01', 'M')]), new_feb97=int(n[pd.Period('1997-02', 'M')]), new_mar97=int(n[pd.Period('1997-03', 'M')]), last_first_order=str(first.max().date()))",
       figs=[('new_jan97', 'new customers 1997-01'),
             ('new_feb97', 'new customers 1997-02'),
             ('new_mar97', 'new customers 1997-03')],
       note='All first orders fall in 1997-01..1997-03 (last first order 1997-03-25); no new customers in any later month.'),
]),
dict(id='aa2-007', persona=G, turns=[
  dict(q='用户按生命周期内购买次数分层看下：1次、2次、3-4次、5次及以上，各有多少人',
       kind='figure',
       check="dict(b1=int((allpd == 1).sum()), b2=int((allpd == 2).sum()), b34=int(allpd.between(3, 4).sum()), b5p=int((allpd >= 5).sum()))",
       figs=[('b1', 'customers with 1 purchase day (all-time)'),
             ('b2', 'customers with 2 purchase days'),
             ('b34', 'customers with 3-4 purchase days'),
             ('b5p', 'customers with 5+ purchase days')]),
  dict(q='5次及以上这批忠诚用户贡献了总营收的多少？',
       kind='figure',
       check="ids = allpd[allpd >= 5].index; r = df[df.cust.isin(ids)].amt.sum()\n"
             "dict(rev_5p=round(float(r), 2), rev_5p_share=round(float(r / df.amt.sum()), 4))",
       figs=[('rev_5p_share', 'share of all-time revenue from customers with 5+ purchase days')],
       note='rev_5p (absolute revenue) given for reference.'),
  dict(q='对比下只买过1次的，营收占比和人均消费分别多少',
       kind='figure',
       check="ids = allpd[allpd == 1].index; r = df[df.cust.isin(ids)].amt.sum()\n"
             "dict(rev_1_share=round(float(r / df.amt.sum()), 4), rev_per_1=round(float(r / len(ids)), 2), rev_per_all=round(float(df.amt.sum() / df.cust.nunique()), 2))",
       figs=[('rev_1_share', 'share of all-time revenue from one-time customers'),
             ('rev_per_1', 'revenue per one-time customer')],
       must_not=[('rev_per_all', 'revenue per customer over ALL customers (unfiltered)')]),
]),
dict(id='aa2-008', persona=G, turns=[
  dict(q='头部10%的用户贡献了多少比例的GMV？典型二八吗',
       kind='figure',
       check="s = spend.sort_values(ascending=False); k = int(round(len(s) * 0.10))\n"
             "dict(top10_share=round(float(s.iloc[:k].sum() / s.sum()), 4), top10_n=k, top20_share=round(float(s.iloc[:int(round(len(s) * 0.2))].sum() / s.sum()), 4))",
       figs=[('top10_share', 'share of all-time revenue from the top 10% customers by total spend (2,357 customers)')],
       must_not=[('top20_share', 'share from the top 20% (wrong cut)')]),
  dict(q='这批头部用户接下来一年的LTV预估多少，给我排个top',
       kind='model', tool='customer_value',
       check="dict()",
       note='CLV over the next ~52 weeks for the top customers; model output, not checkable against the raw file.'),
]),
dict(id='aa2-009', persona=G, turns=[
  dict(q='现在会员分层是怎么分的？每一层多少人、RFM特征大概啥样',
       kind='model', tool='list_segments', check="dict()"),
  dict(q='高价值那一层具体画像展开讲讲，最近还活跃吗',
       kind='model', tool='describe_segment', check="dict()",
       note='Profile of segment 0 / 高价值客户 (recency, frequency, spend).'),
]),
dict(id='aa2-010', persona=G, turns=[
  dict(q='高价值会员里流失风险最高的是哪些人？列个top 20，我要做定向唤醒',
       kind='model', tool='at_risk_customers', check="dict()",
       note='Ranked by value at risk, restricted to high-value / top spenders; 20 rows.'),
  dict(q='行，给这20个人每人push一张8折券',
       kind='refusal', check="dict()",
       note='Pushing coupons is not possible (read-only); must say so.'),
]),
dict(id='aa2-011', persona=G, turns=[
  dict(q='今年1-6月每个月的下单用户数给我看下趋势',
       kind='figure', period='1998-01-01..1998-06-30',
       check="b = per('1998-01-01', '1998-06-30').groupby('m').cust.nunique()\n"
             "dict(jan=int(b.iloc[0]), feb=int(b.iloc[1]), mar=int(b.iloc[2]), apr=int(b.iloc[3]), may=int(b.iloc[4]), jun=int(b.iloc[5]))",
       figs=[('jan', 'buyers 1998-01'), ('feb', 'buyers 1998-02'), ('mar', 'buyers 1998-03'),
             ('apr', 'buyers 1998-04'), ('may', 'buyers 1998-05'), ('jun', 'buyers 1998-06')]),
  dict(q='环比掉得最狠的是哪个月？掉了百分之多少',
       kind='figure',
       check="b = per('1998-01-01', '1998-06-30').groupby('m').cust.nunique()\n"
             "ch = (b / b.shift(1) - 1).dropna()\n"
             "dict(worst_month=str(ch.idxmin()), worst_mom=round(float(ch.min()), 4))",
       figs=[('worst_mom', 'MoM change of buyers in 1998-04 vs 1998-03 (the largest drop in 1998 H1)')],
       note='worst month = 1998-04 (1,437 vs 2,060 buyers).'),
]),
dict(id='aa2-012', persona=G, turns=[
  dict(q='人均贡献（GMV/下单用户数）去年全年和今年上半年分别多少？',
       kind='figure',
       check="a = per('1997-01-01', '1997-12-31'); b = per('1998-01-01', '1998-06-30')\n"
             "dict(rpb97=round(float(a.amt.sum() / a.cust.nunique()), 2), rpb98h1=round(float(b.amt.sum() / b.cust.nunique()), 2), rpb_all=round(float(df.amt.sum() / df.cust.nunique()), 2))",
       figs=[('rpb97', 'revenue per buyer 1997'), ('rpb98h1', 'revenue per buyer 1998-01..06')],
       must_not=[('rpb_all', 'all-time revenue per customer (wrong period)')]),
  dict(q='客单价呢？同样两个时间段',
       kind='figure',
       check="a = per('1997-01-01', '1997-12-31'); b = per('1998-01-01', '1998-06-30')\n"
             "dict(aov97=round(float(a.amt.mean()), 2), aov98h1=round(float(b.amt.mean()), 2), aov_all=round(float(df.amt.mean()), 2))",
       figs=[('aov97', 'AOV 1997 (revenue / order lines)'), ('aov98h1', 'AOV 1998-01..06')],
       must_not=[('aov_all', 'all-time AOV (wrong period)')]),
]),
dict(id='aa2-013', persona=G, turns=[
  dict(q='预测一下下个季度（7-9月）大概会有多少用户下单，GMV能做到多少',
       kind='model', tool='forecast_totals', check="dict()",
       note='Expected buyers / revenue for 1998-07-01..1998-09-30.'),
  dict(q='去年同期7-9月实际是多少？我拿来对比下',
       kind='figure', period='1997-07-01..1997-09-30',
       check="q = per('1997-07-01', '1997-09-30'); q2 = per('1998-04-01', '1998-06-30')\n"
             "dict(buyers_q3_97=int(q.cust.nunique()), rev_q3_97=round(float(q.amt.sum()), 2), buyers_q2_98=int(q2.cust.nunique()), rev_q2_98=round(float(q2.amt.sum()), 2))",
       figs=[('buyers_q3_97', 'distinct buyers 1997-07..09'), ('rev_q3_97', 'revenue 1997-07..09')],
       must_not=[('rev_q2_98', 'revenue 1998 Q2 (latest quarter, not the year-ago quarter)')]),
  dict(q='你这个预测模型靠谱吗，准确率多少，数据是到哪天的',
       kind='model', tool='assistant_status', check="dict()"),
]),
dict(id='aa2-014', persona=G, turns=[
  dict(q='按城市拆一下今年上半年的复购率，看看哪几个区域留存拉胯',
       kind='partial', period='1998-01-01..1998-06-30',
       check="dict(rr98h1=repeat_rate(per('1998-01-01', '1998-06-30')), rr97=repeat_rate(per('1997-01-01', '1997-12-31')), rr_all=repeat_rate(df))",
       figs=[('rr98h1', 'overall repeat rate 1998-01..06 (the answerable part)')],
       must_not=[('rr97', 'repeat rate 1997 (wrong period)'), ('rr_all', 'all-time repeat rate (wrong period)')],
       note='There is no city/region data: must say the by-city split cannot be done; may give the overall rate.'),
]),
dict(id='aa2-015', persona=G, turns=[
  dict(q='618满减券的核销率多少？顺便给下6月整体下单人数和GMV',
       kind='partial', period='1998-06-01..1998-06-30',
       check="j = per('1998-06-01', '1998-06-30'); j7 = per('1997-06-01', '1997-06-30')\n"
             "dict(jun_buyers=int(j.cust.nunique()), jun_rev=round(float(j.amt.sum()), 2), jun97_buyers=int(j7.cust.nunique()), jun97_rev=round(float(j7.amt.sum()), 2))",
       figs=[('jun_buyers', 'buyers 1998-06'), ('jun_rev', 'revenue 1998-06')],
       must_not=[('jun97_buyers', 'buyers 1997-06 (wrong year)'), ('jun97_rev', 'revenue 1997-06 (wrong year)')],
       note='No coupon/campaign data: the redemption rate cannot be answered.'),
]),
dict(id='aa2-016', persona=G, turns=[
  dict(q='给过差评的用户后面还有复购吗？比例多少',
       kind='model', tool='feedback_followup', check="dict()"),
  dict(q='差评主要在吐槽啥？给几个关键词和原话',
       kind='model', tool='feedback_themes', check="dict()",
       note='Themes of negative feedback with keywords and quotes.'),
]),
dict(id='aa2-017', persona=G, turns=[
  dict(q='今年的平均复购间隔是多少天？中位数也看下',
       kind='figure', period='1998-01-01..1998-06-30',
       check="g = gaps(); y = g[g.date >= pd.Timestamp('1998-01-01')]\n"
             "dict(gap98_mean=round(float(y.gap.mean()), 2), gap98_median=round(float(y.gap.median()), 2), gap_all_mean=round(float(g.gap.mean()), 2))",
       figs=[('gap98_mean', 'mean days between consecutive purchase days, gaps dated by the later day in 1998'),
             ('gap98_median', 'median of those gaps')],
       must_not=[('gap_all_mean', 'all-time mean gap (wrong period)')]),
  dict(q='去年呢',
       kind='figure', period='1997-01-01..1997-12-31',
       check="g = gaps(); y = g[(g.date >= pd.Timestamp('1997-01-01')) & (g.date <= pd.Timestamp('1997-12-31'))]\n"
             "dict(gap97_mean=round(float(y.gap.mean()), 2), gap97_median=round(float(y.gap.median()), 2), gap_all_mean=round(float(g.gap.mean()), 2))",
       figs=[('gap97_mean', 'mean days between purchase days, gaps dated in 1997'),
             ('gap97_median', 'median of 1997 gaps')],
       must_not=[('gap_all_mean', 'all-time mean gap (wrong period)')]),
]),
dict(id='aa2-018', persona=G, turns=[
  dict(q='今年上半年复购用户（半年内买了2次及以上）有多少人？同比去年上半年变化多少',
       kind='figure', period='1998-01-01..1998-06-30',
       check="a = pdays(per('1998-01-01', '1998-06-30')); b = pdays(per('1997-01-01', '1997-06-30'))\n"
             "na = int((a >= 2).sum()); nb = int((b >= 2).sum())\n"
             "dict(rep98h1=na, rep97h1=nb, yoy=round(na / nb - 1, 4), rep97=int((pdays(per('1997-01-01', '1997-12-31')) >= 2).sum()))",
       figs=[('rep98h1', 'customers with >=2 purchase days in 1998-01..06'),
             ('rep97h1', 'customers with >=2 purchase days in 1997-01..06 (YoY base)'),
             ('yoy', 'relative change 1998 H1 vs 1997 H1')],
       must_not=[('rep97', 'repeat buyers in full-year 1997 (wrong YoY base)')]),
]),
# ---------------------------------------------------------------- phone sales lead
dict(id='aa2-101', persona=P, turns=[
  dict(q='客户00100 最近一次下单是啥时候 买了多少钱',
       kind='figure',
       check="x = c(100); d = x.date.max()\n"
             "dict(last_date=str(d.date()), last_amt=round(float(x[x.date == d].amt.sum()), 2), days_since=int((END - d).days))",
       figs=[('last_amt', 'customer 00100: amount on the last purchase day, 1998-04-20')],
       note='Last purchase 1998-04-20 (the date must be given), 71 days before 1998-06-30.'),
  dict(q='他总共买过几次 一共花了多少',
       kind='figure',
       check="x = c(100)\n"
             "dict(pdays=int(x.date.nunique()), total=round(float(x.amt.sum()), 2))",
       figs=[('pdays', 'customer 00100: purchase days (all-time)'), ('total', 'customer 00100: total spend')]),
  dict(q='那他后面还会在买吗 下个月有戏没',
       kind='model', tool='forecast_customer', check="dict()",
       note='"在买" = 再买 (voice typo). Next ~4 weeks expected purchases / churn risk for customer 100.'),
]),
dict(id='aa2-102', persona=P, turns=[
  dict(q='3049这个客户 算大客户不 跟其他客户比排第几',
       kind='figure',
       check="dict(total=round(float(spend[3049]), 2), rank=int((spend > spend[3049]).sum()) + 1, avg_per_cust=round(float(spend.mean()), 2))",
       figs=[('total', 'customer 03049: all-time spend'),
             ('rank', 'customer 03049: rank by all-time spend among 23,570 customers')],
       note='avg_per_cust (106.08) is a fair comparison to mention.'),
  dict(q='他最近一个月下了几单 多少钱',
       kind='figure', period='1998-06-01..1998-06-30',
       check="x = c(3049); y = x[x.date >= pd.Timestamp('1998-06-01')]\n"
             "dict(orders_30d=int(len(y)), rev_30d=round(float(y.amt.sum()), 2), pdays_30d=int(y.date.nunique()), total=round(float(x.amt.sum()), 2))",
       figs=[('orders_30d', 'customer 03049: order lines 1998-06-01..06-30'),
             ('rev_30d', 'customer 03049: revenue 1998-06-01..06-30')],
       note='"最近一个月" = last 30 days ending 1998-06-30 = June 1998; 6 purchase days (pdays_30d) also acceptable as "几次" but orders are order lines.'),
]),
dict(id='aa2-103', persona=P, turns=[
  dict(q='这周要打一轮回访 帮我拉个名单 以前买的多但是最近没动静的那种',
       kind='model', tool='at_risk_customers', check="dict()"),
  dict(q='行 直接把名单发我邮箱吧 发完跟我说一声',
       kind='refusal', check="dict()",
       note='Cannot send e-mail; must say so.'),
]),
dict(id='aa2-104', persona=P, turns=[
  dict(q='7592这个客户一般多久买一次啊 平均隔几天',
       kind='figure',
       check="u = np.sort(c(7592).date.unique()); d = np.diff(u).astype('timedelta64[D]').astype(int)\n"
             "dict(mean_gap=round(float(d.mean()), 2), median_gap=float(np.median(d)), pdays=int(len(u)))",
       figs=[('mean_gap', 'customer 07592: mean days between consecutive purchase days', 0.015)],
       note='median_gap given for reference.'),
  dict(q='他应该是咱们第一大客户吧 累计花了多少',
       kind='figure',
       check="dict(total=round(float(spend[7592]), 2), rank=int((spend > spend[7592]).sum()) + 1, second=round(float(spend.sort_values().iloc[-2]), 2))",
       figs=[('total', 'customer 07592: all-time spend (rank 1)')],
       must_not=[('second', 'spend of the #2 customer 14048 (wrong customer)')]),
  dict(q='他未来半年大概还能贡献多少钱',
       kind='model', tool='customer_value', check="dict()",
       note='CLV for customer 7592 over ~26 weeks.'),
]),
dict(id='aa2-105', persona=P, turns=[
  dict(q='5号客户好久没动静了 多少天没下单了 他以前一般多久买一次',
       kind='figure',
       check="u = np.sort(c(5).date.unique()); d = np.diff(u).astype('timedelta64[D]').astype(int)\n"
             "dict(days_since=int((END - pd.Timestamp(u[-1])).days), mean_gap=round(float(d.mean()), 2), last=str(pd.Timestamp(u[-1]).date()))",
       figs=[('days_since', 'customer 00005: days since last purchase (1998-01-03)'),
             ('mean_gap', 'customer 00005: mean days between purchase days')]),
  dict(q='他流失风险高不高 值不值得打个电话',
       kind='model', tool='forecast_customer', check="dict()"),
]),
dict(id='aa2-106', persona=P, turns=[
  dict(q='客户3上回买的啥碟 花了多少钱',
       kind='partial',
       check="x = c(3); d = x.date.max()\n"
             "dict(last_amt=round(float(x[x.date == d].amt.sum()), 2), last_date=str(d.date()), total=round(float(x.amt.sum()), 2))",
       figs=[('last_amt', 'customer 00003: amount of the last purchase (1998-05-28, 1 CD)')],
       must_not=[('total', 'customer 00003 all-time spend (not the last purchase)')],
       note='No product data: which CD cannot be answered.'),
  dict(q='他属于哪个客户群 为啥分到那',
       kind='model', tool='explain_customer_segment', check="dict()"),
]),
dict(id='aa2-107', persona=P, turns=[
  dict(q='25号跟26号这俩 哪个更值得跟进 各自买了几次花了多少',
       kind='figure',
       check="a = c(25); b = c(26)\n"
             "dict(pd25=int(a.date.nunique()), sp25=round(float(a.amt.sum()), 2), pd26=int(b.date.nunique()), sp26=round(float(b.amt.sum()), 2), last25=str(a.date.max().date()), last26=str(b.date.max().date()))",
       figs=[('pd25', 'customer 00025: purchase days'), ('sp25', 'customer 00025: total spend'),
             ('pd26', 'customer 00026: purchase days'), ('sp26', 'customer 00026: total spend')],
       note='25 last bought 1998-06-08, 26 last bought 1997-01-26: 25 is the better lead.'),
]),
dict(id='aa2-108', persona=P, turns=[
  dict(q='上周一共多少人下单 多少单',
       kind='figure', period='1998-06-22..1998-06-28',
       check="w = per('1998-06-22', '1998-06-28'); l7 = per('1998-06-24', '1998-06-30')\n"
             "dict(buyers=int(w.cust.nunique()), orders=int(len(w)), l7_buyers=int(l7.cust.nunique()), l7_orders=int(len(l7)))",
       figs=[('buyers', 'buyers 1998-06-22..06-28'), ('orders', 'order lines 1998-06-22..06-28')],
       must_not=[('l7_buyers', 'buyers in the last 7 days 06-24..06-30 (not last week)'),
                 ('l7_orders', 'order lines in the last 7 days (not last week)')]),
  dict(q='里面单笔超过100刀的有几单',
       kind='figure', period='1998-06-22..1998-06-28',
       check="w = per('1998-06-22', '1998-06-28')\n"
             "dict(big=int((w.amt > 100).sum()), big_all=int((df.amt > 100).sum()))",
       figs=[('big', 'order lines > $100 in 1998-06-22..06-28')],
       must_not=[('big_all', 'all-time order lines > $100 (wrong scope)')]),
]),
dict(id='aa2-109', persona=P, turns=[
  dict(q='累计消费超过500刀的客户有几个',
       kind='figure',
       check="dict(n500=int((spend > 500).sum()), n500_ge=int((spend >= 500).sum()))",
       figs=[('n500', 'customers with all-time spend > $500')]),
  dict(q='这些人里最近三个月一单都没下的有几个 我想挨个打过去',
       kind='figure',
       check="ids = spend[spend > 500].index; rec = set(per('1998-04-01', '1998-06-30').cust)\n"
             "q = [i for i in ids if i not in rec]\n"
             "dict(n500_quiet=len(q))",
       figs=[('n500_quiet', 'of customers with spend > $500, those with no order 1998-04-01..06-30')]),
  dict(q='这几个人以前加起来一共花了多少',
       kind='figure',
       check="ids = spend[spend > 500].index; rec = set(per('1998-04-01', '1998-06-30').cust)\n"
             "q = [i for i in ids if i not in rec]\n"
             "dict(quiet_spend=round(float(spend[q].sum()), 2), all500_spend=round(float(spend[ids].sum()), 2))",
       figs=[('quiet_spend', 'all-time spend of those quiet >$500 customers')],
       must_not=[('all500_spend', 'all-time spend of ALL >$500 customers (drops the 3-month filter)')]),
]),
dict(id='aa2-110', persona=P, turns=[
  dict(q='去年买过3次以上 但最近90天没买过的客户有多少 这批我准备这周打',
       kind='figure',
       check="p97 = pdays(per('1997-01-01', '1997-12-31')); ids = p97[p97 >= 3].index\n"
             "ina = last[(END - last).dt.days >= 90].index\n"
             "dict(n=int(len(ids.intersection(ina))), n97_3p=int(len(ids)), n_gt3=int(len(p97[p97 >= 4].index.intersection(ina))))",
       figs=[('n', 'customers with >=3 purchase days in 1997 and inactive >=90 days (last order on/before 1998-04-01)')],
       note='"3次以上" read as >= 3 purchase days (Chinese 以上 includes the bound); n_gt3 (>= 4) given for reference.',
       must_not=[('n97_3p', 'all 1997 3+ buyers (drops the inactive filter)')]),
  dict(q='他们去年一共花了多少钱 平均每人多少',
       kind='figure', period='1997-01-01..1997-12-31',
       check="y = per('1997-01-01', '1997-12-31'); p97 = pdays(y); ids = p97[p97 >= 3].index\n"
             "ina = last[(END - last).dt.days >= 90].index; g = ids.intersection(ina)\n"
             "r = y[y.cust.isin(g)].amt.sum()\n"
             "dict(rev97=round(float(r), 2), per_cust=round(float(r / len(g)), 2), alltime=round(float(spend[g].sum()), 2))",
       figs=[('rev97', '1997 revenue of that group'), ('per_cust', '1997 revenue per customer of that group')],
       must_not=[('alltime', 'all-time spend of the group (wrong period)')]),
]),
dict(id='aa2-111', persona=P, turns=[
  dict(q='今年单笔超过200刀的大单有几笔 哪个客户下的最多',
       kind='figure', period='1998-01-01..1998-06-30',
       check="y = per('1998-01-01', '1998-06-30'); b = y[y.amt > 200]\n"
             "vc = b.cust.value_counts()\n"
             "dict(n_big=int(len(b)), top_cust=int(vc.index[0]), top_cnt=int(vc.iloc[0]), second_cnt=int(vc.iloc[1]), n_big_all=int((df.amt > 200).sum()))",
       figs=[('n_big', 'order lines > $200 in 1998-01..06')],
       must_not=[('n_big_all', 'all-time order lines > $200 (wrong period)')],
       note='Top customer by count of such lines: 06569 with 5 lines (next best has 2); the answer should name 06569.'),
]),
dict(id='aa2-113', persona=P, turns=[
  dict(q='把14048标成VIP 另外他今年买了多少钱',
       kind='refusal', period='1998-01-01..1998-06-30',
       check="x = c(14048)\n"
             "dict(rev98=round(float(x[x.date >= pd.Timestamp('1998-01-01')].amt.sum()), 2), total=round(float(x.amt.sum()), 2))",
       figs=[('rev98', 'customer 14048: revenue 1998-01..06')],
       must_not=[('total', 'customer 14048: all-time spend (wrong period)')],
       note='Tagging is not possible; the question alongside must still be answered.'),
]),
dict(id='aa2-115', persona=P, turns=[
  dict(q='有客户电话里说 “上次买的碟盒子都压碎了 打客服也没人理” 这算负面吧 帮我判一下',
       kind='model', tool='analyze_sentiment', check="dict()",
       note='Expected label: negative.'),
  dict(q='其他客户反馈里有没有类似说包装破损的',
       kind='model', tool='search_feedback', check="dict()"),
]),
dict(id='aa2-116', persona=P, turns=[
  dict(q='客户12367电话多少 发我下 另外他最近30天买了几次',
       kind='partial', period='1998-06-01..1998-06-30',
       check="x = c(12367); y = x[x.date >= pd.Timestamp('1998-06-01')]\n"
             "dict(pdays_30d=int(y.date.nunique()), orders_30d=int(len(y)), pdays_all=int(x.date.nunique()))",
       figs=[('pdays_30d', 'customer 12367: purchase days 1998-06-01..06-30')],
       must_not=[('pdays_all', 'customer 12367: all-time purchase days (wrong period)')],
       note='No phone/contact data. orders_30d (5 order lines) is also defensible for "几次" if stated as orders.'),
]),
dict(id='aa2-118', persona=P, turns=[
  dict(q='这个月到目前卖了多少钱 比上个月多还是少',
       kind='figure', period='1998-06-01..1998-06-30',
       check="j = per('1998-06-01', '1998-06-30').amt.sum(); m = per('1998-05-01', '1998-05-31').amt.sum(); j7 = per('1997-06-01', '1997-06-30').amt.sum()\n"
             "dict(jun=round(float(j), 2), may=round(float(m), 2), mom=round(float(j / m - 1), 4), jun97=round(float(j7), 2))",
       figs=[('jun', 'revenue 1998-06'), ('may', 'revenue 1998-05'), ('mom', 'MoM change 1998-06 vs 1998-05')],
       must_not=[('jun97', 'revenue 1997-06 (wrong year)')]),
  dict(q='这个月下单的有多少人 客单价多少',
       kind='figure', period='1998-06-01..1998-06-30',
       check="j = per('1998-06-01', '1998-06-30')\n"
             "dict(buyers=int(j.cust.nunique()), aov=round(float(j.amt.mean()), 2), rpb=round(float(j.amt.sum() / j.cust.nunique()), 2), aov_all=round(float(df.amt.mean()), 2))",
       figs=[('buyers', 'buyers 1998-06'), ('aov', 'AOV 1998-06 (revenue / order lines)')],
       must_not=[('aov_all', 'all-time AOV (wrong period)')],
       note='rpb (revenue per buyer) is not AOV under the documented definition.'),
  dict(q='里面累计买过10次以上的老客户有几个',
       kind='figure',
       check="ids = per('1998-06-01', '1998-06-30').cust.unique()\n"
             "dict(n10=int((allpd[ids] >= 10).sum()), n10_all=int((allpd >= 10).sum()))",
       figs=[('n10', 'of 1998-06 buyers, those with >=10 purchase days all-time')],
       must_not=[('n10_all', 'all customers with >=10 purchase days (drops the June filter)')]),
]),
]


class Lit(str):
    pass


def _lit(dumper, data):
    return dumper.represent_scalar('tag:yaml.org,2002:str', data, style='|')


yaml.SafeDumper.add_representer(Lit, _lit)


def run_check(code, base):
    ns = dict(base)
    lines = code.rstrip().split('\n')
    exec('\n'.join(lines[:-1]), ns)
    return eval(lines[-1], ns)


def base_ns():
    ns = {}
    exec(PRELUDE, ns)
    return ns


def tol_for(v):
    if isinstance(v, float) and abs(v) < 0.1:
        return 0.01
    return 0.005


def build():
    base = base_ns()
    items = []
    for it in ITEMS:
        turns = []
        for t in it['turns']:
            res = run_check(t['check'], base)
            exp = {'kind': t['kind']}
            if t.get('tool'):
                exp['tool'] = t['tool']
            if t.get('figs'):
                exp['figures'] = []
                for f in t['figs']:
                    name, what = f[0], f[1]
                    v = res[name]
                    exp['figures'].append({'value': v, 'rel_tol': f[2] if len(f) > 2 else tol_for(v),
                                           'what': f'[{name}] {what}'})
            if t.get('must_not'):
                exp['must_not'] = []
                for name, what in t['must_not']:
                    v = res[name]
                    exp['must_not'].append({'value': v, 'rel_tol': tol_for(v), 'what': f'[{name}] {what}'})
            if t.get('period'):
                exp['period'] = t['period']
            turn = {'q': t['q'], 'expect': exp, 'check': Lit(t['check'].rstrip() + '\n')}
            if t.get('note'):
                turn['note'] = t['note']
            turns.append(turn)
        items.append({'id': it['id'], 'persona': it['persona'], 'turns': turns})
    doc = {
        'writer': 'aa2 (outside evaluator; wrote without seeing the product code, tests, prompts or other sets) — '
                  'personas: 会员增长负责人 at a music retail chain (retention, repeat, cohorts, win-back, LTV); '
                  '电话销售主管 (per-customer look-ups and call lists, casual voice-input style)',
        'data_end': '1998-06-30',
        'check_prelude': Lit(PRELUDE),
        'items': items,
    }
    with open(OUT, 'w', encoding='utf-8') as fh:
        yaml.safe_dump(doc, fh, allow_unicode=True, sort_keys=False, width=1000)


def verify():
    with open(OUT, encoding='utf-8') as fh:
        doc = yaml.safe_load(fh)
    base = base_ns()
    nconv = nturn = 0
    kinds = {}
    for it in doc['items']:
        nconv += 1
        for t in it['turns']:
            nturn += 1
            e = t['expect']
            kinds[e['kind']] = kinds.get(e['kind'], 0) + 1
            assert e['kind'] in ('figure', 'model', 'refusal', 'partial'), e['kind']
            if e['kind'] == 'model':
                assert e.get('tool'), it['id']
            if e['kind'] in ('figure', 'partial'):
                assert e.get('figures'), (it['id'], t['q'])
            res = run_check(t['check'], base)
            assert isinstance(res, dict)
            figs = e.get('figures', [])
            for f in figs + e.get('must_not', []):
                name = re.match(r'\[(\w+)\]', f['what']).group(1)
                got = res[name]
                assert isinstance(f['value'], (int, float)), (it['id'], name)
                assert abs(got - f['value']) <= 1e-9 * max(1, abs(got)), (it['id'], name, got, f['value'])
            for m in e.get('must_not', []):
                for f in figs:
                    tol = max(m['rel_tol'], f['rel_tol'])
                    assert abs(m['value'] - f['value']) > tol * abs(f['value']), \
                        (it['id'], 'must_not too close to a figure', m, f)
    print(f'OK: {nconv} conversations, {nturn} turns, kinds={kinds}')


if __name__ == '__main__':
    if '--verify-only' not in sys.argv:
        build()
    verify()
