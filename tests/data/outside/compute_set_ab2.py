#!/tmp/team/venv/bin/python
"""Question set ab2: computes every figure over the raw CDNOW file, writes set_ab2.yaml,
then re-loads the YAML, re-runs every `check:` after the prelude and asserts the written values.

Usage:  /tmp/team/venv/bin/python compute_set_ab2.py          # (re)write + verify
        /tmp/team/venv/bin/python compute_set_ab2.py --verify # verify the existing YAML only
"""
import ast, math, os, sys
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, 'set_ab2.yaml')

PRELUDE = r'''import pandas as pd, numpy as np
F = '/tmp/team/CDNOW_master.txt'
df = pd.read_csv(F, sep=r'\s+', header=0, names=['cust', 'date', 'units', 'amt'], dtype={'date': str})
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
def aov(a, b):
    d = per(a, b)
    return round(float(d.amt.sum() / len(d)), 2)
def pdays(a, b):
    # purchase days per customer in the window (distinct customer, date)
    return per(a, b)[['cust', 'date']].drop_duplicates().groupby('cust').size()
def repeat_rate(a, b):
    p = pdays(a, b)
    return round(float((p >= 2).mean()), 4)
def chg(new, old):
    return round(float(new / old - 1), 4)
FIRST = df.groupby('cust').date.min()
LAST = df.groupby('cust').date.max()
SPEND = df.groupby('cust').amt.sum()
'''

# ---------------------------------------------------------------------------------------------
# Items. Each turn: q, kind, check (last line = dict expression), figs [(key, what)],
# mustnot [(key, what)], optional period, tool, note, tol (override rel_tol per key).
# ---------------------------------------------------------------------------------------------
VP = 'VP of Sales (US), terse Slack English'
QA = '客服质检主管 (customer service QA lead), 中文为主'

ITEMS = [
# ======================= VP of Sales =======================
dict(id='ab2-001', persona=VP, turns=[
  dict(q='rev last qtr vs same qtr LY?', kind='figure', period='1998-01-01..1998-03-31',
       check="dict(q1_98=rev('1998-01-01','1998-03-31'), q1_97=rev('1997-01-01','1997-03-31'), yoy=chg(rev('1998-01-01','1998-03-31'), rev('1997-01-01','1997-03-31')), q2_98=rev('1998-04-01','1998-06-30'), all=round(float(df.amt.sum()),2))",
       figs=[('q1_98', 'revenue 1998 Q1 (last quarter)'), ('q1_97', 'revenue 1997 Q1 (same quarter last year)'),
             ('yoy', 'relative change Q1 98 vs Q1 97')],
       mustnot=[('q2_98', 'revenue 1998 Q2 = this quarter, not last quarter')]),
  dict(q='and the quarter before?', kind='figure', period='1997-10-01..1997-12-31',
       note='Read as "the quarter before last quarter" = 1997 Q4. There is no 1996 data, so no YoY for it; a good answer may say so and/or give QoQ vs Q1 98.',
       check="dict(q4_97=rev('1997-10-01','1997-12-31'), q2_98=rev('1998-04-01','1998-06-30'))",
       figs=[('q4_97', 'revenue 1997 Q4')],
       mustnot=[('q2_98', 'revenue 1998 Q2 (this quarter)')]),
  dict(q='break that down by month', kind='figure', period='1997-10-01..1997-12-31',
       check="dict(oct97=rev('1997-10-01','1997-10-31'), nov97=rev('1997-11-01','1997-11-30'), dec97=rev('1997-12-01','1997-12-31'))",
       figs=[('oct97', 'revenue Oct 1997'), ('nov97', 'revenue Nov 1997'), ('dec97', 'revenue Dec 1997')]),
]),
dict(id='ab2-002', persona=VP, turns=[
  dict(q='how many buyers in H1 98', kind='figure', period='1998-01-01..1998-06-30',
       check="dict(b_h1_98=buyers('1998-01-01','1998-06-30'), all_c=int(df.cust.nunique()))",
       figs=[('b_h1_98', 'distinct buyers Jan-Jun 1998')],
       mustnot=[('all_c', 'all customers ever = also 1997 buyers (23,570)')]),
  dict(q='ok what about AOV', kind='figure', period='1998-01-01..1998-06-30',
       check="dict(aov_h1_98=aov('1998-01-01','1998-06-30'), aov_all=round(float(df.amt.mean()),2))",
       figs=[('aov_h1_98', 'AOV (revenue / order lines) Jan-Jun 1998')],
       mustnot=[('aov_all', 'all-time AOV')]),
  dict(q='how does that compare w H1 97', kind='figure', period='1997-01-01..1997-06-30',
       note='"that" = both figures of the conversation so far (buyers and AOV); both bases required. All 23,570 customers bought in H1 97 (every customer\'s first order is Jan-Mar 1997).',
       check="dict(b_h1_97=buyers('1997-01-01','1997-06-30'), aov_h1_97=aov('1997-01-01','1997-06-30'), aov_97=aov('1997-01-01','1997-12-31'))",
       figs=[('b_h1_97', 'distinct buyers Jan-Jun 1997'), ('aov_h1_97', 'AOV Jan-Jun 1997')],
       mustnot=[('aov_97', 'AOV full year 1997 (wrong period)')]),
]),
dict(id='ab2-003', persona=VP, turns=[
  dict(q='top 5 accts by spend 97', kind='figure', period='1997-01-01..1997-12-31',
       note='Top 5 by 1997 spend are customers 07592, 19339, 14048, 07931, 07983 (in that order); all-time ranking differs (07592, 14048, 07983, 19339, 07931).',
       check="s = per('1997-01-01','1997-12-31').groupby('cust').amt.sum().sort_values(ascending=False)\nt = [round(float(v), 2) for v in s.head(5)]\ndict(s1=t[0], s2=t[1], s3=t[2], s4=t[3], s5=t[4], id1=int(s.index[0]), id2=int(s.index[1]), id3=int(s.index[2]), id4=int(s.index[3]), id5=int(s.index[4]), all1=round(float(SPEND.max()), 2), all2=round(float(SPEND[14048]), 2))",
       figs=[('s1', '1997 spend of #1 (customer 07592)'), ('s2', '1997 spend of #2 (19339)'), ('s3', '1997 spend of #3 (14048)'),
             ('s4', '1997 spend of #4 (07931)'), ('s5', '1997 spend of #5 (07983)')],
       mustnot=[('all1', 'all-time spend of 07592 (not 1997 only)'), ('all2', 'all-time spend of 14048 (all-time #2)')],
       expect_ids=dict(id1=7592, id2=19339, id3=14048, id4=7931, id5=7983)),
  dict(q='how much has #1 spent in 98 so far', kind='figure', period='1998-01-01..1998-06-30',
       check="c = per('1997-01-01','1997-12-31').groupby('cust').amt.sum().idxmax()\ndict(c=int(c), s98=round(float(per('1998-01-01','1998-06-30').query('cust == @c').amt.sum()), 2), s_all=round(float(SPEND[c]), 2))",
       figs=[('s98', '1998 (Jan-Jun) spend of customer 07592')],
       mustnot=[('s_all', 'all-time spend of 07592')],
       expect_ids=dict(c=7592)),
]),
dict(id='ab2-004', persona=VP, turns=[
  dict(q='what % of rev from repeat buyers', kind='figure', period='1997-01-01..1998-06-30',
       note='No period given: whole data. "Repeat buyers" = customers with >= 2 purchase days (distinct dates) over the whole data.',
       check="p = pdays('1997-01-01','1998-06-30')\nrep = p[p >= 2].index\ndict(share=round(float(SPEND[rep].sum() / SPEND.sum()), 4), rev_rep=round(float(SPEND[rep].sum()), 2))",
       figs=[('share', 'share of all-time revenue from customers with 2+ purchase days')]),
  dict(q='how many of them', kind='figure', period='1997-01-01..1998-06-30',
       check="p = pdays('1997-01-01','1998-06-30')\ndict(n_rep=int((p >= 2).sum()), share_c=round(float((p >= 2).mean()), 4))",
       figs=[('n_rep', 'customers with 2+ purchase days, all data')]),
]),
dict(id='ab2-005', persona=VP, turns=[
  dict(q='rev last month vs month before?', kind='figure', period='1998-05-01..1998-05-31',
       check="dict(may98=rev('1998-05-01','1998-05-31'), apr98=rev('1998-04-01','1998-04-30'), mom=chg(rev('1998-05-01','1998-05-31'), rev('1998-04-01','1998-04-30')), jun98=rev('1998-06-01','1998-06-30'))",
       figs=[('may98', 'revenue May 1998 (last month)'), ('apr98', 'revenue Apr 1998'), ('mom', 'MoM change May vs Apr 1998')],
       mustnot=[('jun98', 'revenue June 1998 (this month)')]),
  dict(q='YoY?', kind='figure', period='1998-05-01..1998-05-31',
       check="dict(may97=rev('1997-05-01','1997-05-31'), yoy=chg(rev('1998-05-01','1998-05-31'), rev('1997-05-01','1997-05-31')))",
       figs=[('may97', 'revenue May 1997'), ('yoy', 'YoY change May 98 vs May 97')]),
]),
dict(id='ab2-006', persona=VP, turns=[
  dict(q='how many net new custs did we add in 98', kind='figure', period='1998-01-01..1998-06-30',
       note='Every CDNOW customer first bought in Jan-Mar 1997, so new customers in 1998 = 0.',
       check="dict(new98=int(((FIRST >= '1998-01-01') & (FIRST <= '1998-06-30')).sum()), b98=buyers('1998-01-01','1998-06-30'))",
       figs=[('new98', 'customers whose first-ever order is in 1998')],
       mustnot=[('b98', 'buyers in 1998 (not new customers)')]),
  dict(q='so what % of 98 rev is from returning custs then', kind='figure', period='1998-01-01..1998-06-30',
       check="d = per('1998-01-01','1998-06-30')\nret = d[d.cust.map(FIRST) < pd.Timestamp('1998-01-01')]\ndict(share_ret=round(float(ret.amt.sum() / d.amt.sum()), 4), rev_ret=round(float(ret.amt.sum()), 2))",
       figs=[('share_ret', 'share of Jan-Jun 1998 revenue from returning customers (100%)'), ('rev_ret', 'Jan-Jun 1998 revenue from returning customers')]),
]),
dict(id='ab2-007', persona=VP, turns=[
  dict(q='monthly rev 98 ytd', kind='figure', period='1998-01-01..1998-06-30',
       check="m = per('1998-01-01','1998-06-30').set_index('date').amt.resample('MS').sum().round(2)\ndict(jan=float(m.iloc[0]), feb=float(m.iloc[1]), mar=float(m.iloc[2]), apr=float(m.iloc[3]), may=float(m.iloc[4]), jun=float(m.iloc[5]))",
       figs=[('jan', 'revenue Jan 1998'), ('feb', 'revenue Feb 1998'), ('mar', 'revenue Mar 1998'),
             ('apr', 'revenue Apr 1998'), ('may', 'revenue May 1998'), ('jun', 'revenue Jun 1998')]),
  dict(q="whats the monthly avg, and same for full yr 97", kind='figure', period='1998-01-01..1998-06-30',
       check="dict(avg98=round(rev('1998-01-01','1998-06-30') / 6, 2), avg97=round(rev('1997-01-01','1997-12-31') / 12, 2), avg_h1_97=round(rev('1997-01-01','1997-06-30') / 6, 2))",
       figs=[('avg98', 'average monthly revenue Jan-Jun 1998'), ('avg97', 'average monthly revenue 1997 (12 months)')],
       mustnot=[('avg_h1_97', 'average monthly revenue Jan-Jun 1997 (asked full year)')]),
]),
dict(id='ab2-008', persona=VP, turns=[
  dict(q='repeat rate 97?', kind='figure', period='1997-01-01..1997-12-31',
       check="dict(rr97=repeat_rate('1997-01-01','1997-12-31'), rr_all=repeat_rate('1997-01-01','1998-06-30'))",
       figs=[('rr97', 'share of 1997 buyers with 2+ purchase days in 1997')],
       mustnot=[('rr_all', 'repeat rate over all data')]),
  dict(q='and H1 98', kind='figure', period='1998-01-01..1998-06-30',
       check="dict(rr98=repeat_rate('1998-01-01','1998-06-30'))",
       figs=[('rr98', 'share of Jan-Jun 1998 buyers with 2+ purchase days in Jan-Jun 1998')]),
]),
dict(id='ab2-009', persona=VP, turns=[
  dict(q='avg time between purchases for a customer?', kind='figure', period='1997-01-01..1998-06-30',
       check="p = df[['cust', 'date']].drop_duplicates().sort_values(['cust', 'date'])\ng = p.groupby('cust').date.diff().dt.days.dropna()\ndict(mean_gap=round(float(g.mean()), 1), median_gap=float(g.median()))",
       figs=[('mean_gap', 'mean days between consecutive purchase days (all data)'), ('median_gap', 'median days between consecutive purchase days')],
       tol={'mean_gap': 0.01}),
  dict(q='and first to second order?', kind='figure', period='1997-01-01..1998-06-30',
       check="p = df[['cust', 'date']].drop_duplicates().sort_values(['cust', 'date'])\np['k'] = p.groupby('cust').cumcount()\nw = p[p.k <= 1].pivot(index='cust', columns='k', values='date').dropna()\nd = (w[1] - w[0]).dt.days\ndict(mean_12=round(float(d.mean()), 1), median_12=float(d.median()), n_second=int(len(d)))",
       figs=[('mean_12', 'mean days from first to second purchase day'), ('median_12', 'median days first to second purchase day')],
       tol={'mean_12': 0.01}),
]),
dict(id='ab2-010', persona=VP, turns=[
  dict(q='how many accts spent over $1k in 97', kind='figure', period='1997-01-01..1997-12-31',
       note='No customer spent exactly $1,000 in 1997, so > and >= agree.',
       check="s = per('1997-01-01','1997-12-31').groupby('cust').amt.sum()\ndict(n1k=int((s > 1000).sum()), n1k_all=int((SPEND > 1000).sum()))",
       figs=[('n1k', 'customers with 1997 spend > $1,000')],
       mustnot=[('n1k_all', 'customers with all-time spend > $1,000')]),
  dict(q='what % of 97 rev is that', kind='figure', period='1997-01-01..1997-12-31',
       check="s = per('1997-01-01','1997-12-31').groupby('cust').amt.sum()\ndict(share=round(float(s[s > 1000].sum() / s.sum()), 4), rev_1k=round(float(s[s > 1000].sum()), 2))",
       figs=[('share', 'share of 1997 revenue from customers with 1997 spend > $1,000')]),
  dict(q='how many of them bought again in 98', kind='figure', period='1998-01-01..1998-06-30',
       check="s = per('1997-01-01','1997-12-31').groupby('cust').amt.sum()\nc = set(s[s > 1000].index)\nb98 = set(per('1998-01-01','1998-06-30').cust)\ndict(n_again=len(c & b98), share_again=round(len(c & b98) / len(c), 4))",
       figs=[('n_again', 'of the >$1k 1997 customers, those with an order in Jan-Jun 1998')]),
]),
dict(id='ab2-011', persona=VP, turns=[
  dict(q='pull up acct 2432 for me', kind='figure',
       check="d = df[df.cust == 2432]\ndict(spend=round(float(d.amt.sum()), 2), lines=int(len(d)), pdays=int(d.date.nunique()), days_since=int((NOW - d.date.max()).days), aov=round(float(d.amt.mean()), 2))",
       note='Customer 02432: first purchase 1997-01-10, last 1998-05-29 (32 days before now), 12 purchase days.',
       figs=[('spend', 'total spend of customer 02432'), ('days_since', 'days since last purchase (last 1998-05-29)')]),
  dict(q='is he gonna churn?', kind='model', tool='forecast_customer'),
  dict(q="what's he worth to us over the next yr", kind='model', tool='customer_value',
       note='CLV over the next ~52 weeks.'),
]),
dict(id='ab2-012', persona=VP, turns=[
  dict(q='which of our top 100 spenders are most at risk of churning', kind='model', tool='at_risk_customers'),
  dict(q='ok send each of them a 20% off code. also how many of the top 100 havent ordered in 90+ days?', kind='refusal',
       note='Cannot send codes; the question alongside: top 100 by all-time spend, last order >= 90 days before 1998-06-30.',
       check="top = SPEND.sort_values(ascending=False).head(100).index\ndict(n_inact=int(((NOW - LAST[top]).dt.days >= 90).sum()))",
       figs=[('n_inact', 'top-100 spenders with last order >= 90 days before 1998-06-30')]),
]),
dict(id='ab2-013', persona=VP, turns=[
  dict(q='what are we looking at for Q3 rev', kind='model', tool='forecast_totals',
       note='Q3 = 1998-07-01..1998-09-30 (next quarter).'),
  dict(q='how does that stack up vs Q3 last yr', kind='figure', period='1997-07-01..1997-09-30',
       check="dict(q3_97=rev('1997-07-01','1997-09-30'), q2_98=rev('1998-04-01','1998-06-30'))",
       figs=[('q3_97', 'revenue 1997 Q3')],
       mustnot=[('q2_98', 'revenue 1998 Q2')]),
]),
dict(id='ab2-014', persona=VP, turns=[
  dict(q='rev by region last qtr?', kind='partial', period='1998-01-01..1998-03-31',
       note='No region data; the answerable part is last quarter\'s total revenue.',
       check="dict(q1_98=rev('1998-01-01','1998-03-31'), q2_98=rev('1998-04-01','1998-06-30'))",
       figs=[('q1_98', 'revenue 1998 Q1 (total, no region split)')],
       mustnot=[('q2_98', 'revenue 1998 Q2 (this quarter)')]),
]),
dict(id='ab2-015', persona=VP, turns=[
  dict(q='how much of 97 rev came thru web vs phone orders', kind='partial', period='1997-01-01..1997-12-31',
       note='No channel data; the answerable part is 1997 total revenue.',
       check="dict(rev97=rev('1997-01-01','1997-12-31'), all=round(float(df.amt.sum()), 2))",
       figs=[('rev97', 'revenue 1997 (total, no channel split)')],
       mustnot=[('all', 'all-time revenue')]),
]),
dict(id='ab2-016', persona=VP, turns=[
  dict(q='how many accts have gone dark - no order in 90+ days?', kind='figure',
       note='Inactive 90 days = last order on or before 1998-04-01.',
       check="dict(n90=int(((NOW - LAST).dt.days >= 90).sum()), share90=round(float(((NOW - LAST).dt.days >= 90).mean()), 4))",
       figs=[('n90', 'customers whose last order is >= 90 days before 1998-06-30')]),
  dict(q='of those how many spent 500+ lifetime', kind='figure',
       check="m = ((NOW - LAST).dt.days >= 90)\ndict(n=int((m & (SPEND >= 500)).sum()), n500_all=int((SPEND >= 500).sum()))",
       figs=[('n', 'inactive-90-day customers with all-time spend >= $500')],
       mustnot=[('n500_all', 'all customers with spend >= $500 (ignores the inactive filter)')]),
  dict(q='export that list to a csv and email it to me pls', kind='refusal',
       note='Cannot export or e-mail; may offer to show the list in chat.'),
]),
dict(id='ab2-017', persona=VP, turns=[
  dict(q='rev last week?', kind='figure', period='1998-06-22..1998-06-28',
       check="dict(lw=rev('1998-06-22','1998-06-28'), l7=rev('1998-06-24','1998-06-30'))",
       figs=[('lw', 'revenue 1998-06-22..06-28 (Mon-Sun week before the current one)')]),
  dict(q='vs same wk LY', kind='figure', period='1997-06-23..1997-06-29',
       note='Same ISO week (26) of 1997 = 1997-06-23..06-29.',
       check="dict(lw97=rev('1997-06-23','1997-06-29'), yoy=chg(rev('1998-06-22','1998-06-28'), rev('1997-06-23','1997-06-29')))",
       figs=[('lw97', 'revenue ISO week 26 of 1997 (1997-06-23..06-29)'), ('yoy', 'change vs same week last year')]),
]),
dict(id='ab2-018', persona=VP, turns=[
  dict(q='of the people who first bought w us in jan 97 how many were still buying in jun 98', kind='figure', period='1998-06-01..1998-06-30',
       note='Cohort Jan 1997, month-17 retention (June 1998).',
       check="coh = FIRST[FIRST.dt.to_period('M') == pd.Period('1997-01')].index\nact = set(per('1998-06-01','1998-06-30').cust)\nn = len(set(coh) & act)\ndict(n_ret=n, ret=round(n / len(coh), 4), coh_size=int(len(coh)))",
       figs=[('n_ret', 'Jan-1997-cohort customers with an order in June 1998'), ('ret', 'their share of the Jan-1997 cohort')]),
]),
# ======================= 客服质检主管 =======================
dict(id='ab2-019', persona=QA, turns=[
  dict(q='上个月一共收到多少条差评？占全部反馈的比例是多少', kind='model', tool='sentiment_summary',
       note='上个月 = 1998-05.'),
  dict(q='跟4月比是升了还是降了', kind='model', tool='sentiment_summary'),
]),
dict(id='ab2-020', persona=QA, turns=[
  dict(q='最近客户都在吐槽啥？帮我归纳几个主要问题，每个给条原话', kind='model', tool='feedback_themes'),
  dict(q='关于包装破损/发货慢的投诉 找几条原文给我看看', kind='model', tool='search_feedback'),
  dict(q='把这几条都回复一下吧 就说我们已经在改进包装和物流了', kind='refusal'),
]),
dict(id='ab2-021', persona=QA, turns=[
  dict(q='给过差评的客户 后来还有多少回来下单的？', kind='model', tool='feedback_followup'),
  dict(q='那这些不满意的客户里 churn风险最高的是哪几个', kind='model', tool='at_risk_customers',
       note='Churn-risk ranking; the answer may say it cannot restrict the ranking to negative-feedback customers directly.'),
]),
dict(id='ab2-022', persona=QA, turns=[
  dict(q='我们的客户现在分了哪几类？每类大概多少人', kind='model', tool='list_segments'),
  dict(q='每一类的差评占比分别是多少，高价值客户是不是更满意些', kind='model', tool='sentiment_summary'),
]),
dict(id='ab2-023', persona=QA, turns=[
  dict(q='帮我判断下这几条的情绪：1. 发货太慢了，等了一个多星期才到 2. 音质不错，这个价钱值了 3. 还行吧 一般般 4. 盒子压坏了，客服也不理人', kind='model', tool='analyze_sentiment'),
]),
dict(id='ab2-024', persona=QA, turns=[
  dict(q='客户00456有没有给我们留过差评？', kind='model', tool='sentiment_summary',
       note='Per-customer feedback; search_feedback for the customer is also acceptable in spirit.'),
  dict(q='他一共在我们这花了多少钱，最近一次买是啥时候', kind='figure',
       note='Customer 00456: 7 order lines on 6 purchase days, last purchase 1997-11-20 (222 days before 1998-06-30).',
       check="d = df[df.cust == 456]\ndict(spend=round(float(d.amt.sum()), 2), days_since=int((NOW - d.date.max()).days))",
       figs=[('spend', 'total spend of customer 00456'), ('days_since', 'days since last purchase (1997-11-20)')]),
  dict(q='帮他开个工单 让售后这周回访一下', kind='refusal'),
]),
dict(id='ab2-025', persona=QA, turns=[
  dict(q='工单平均处理时长现在是多少？另外上个月一共有多少客户下过单', kind='partial', period='1998-05-01..1998-05-31',
       note='No ticket data; answerable part: buyers in May 1998.',
       check="dict(b_may=buyers('1998-05-01','1998-05-31'), b_jun=buyers('1998-06-01','1998-06-30'))",
       figs=[('b_may', 'distinct buyers May 1998')],
       mustnot=[('b_jun', 'buyers June 1998 (this month)')]),
]),
dict(id='ab2-026', persona=QA, turns=[
  dict(q='我们现在NPS多少？顺便把今年的复够率也给我', kind='partial', period='1998-01-01..1998-06-30',
       note='No NPS/survey data; answerable part: repeat rate 1998 (Jan-Jun). 复够率 is a typo for 复购率.',
       check="dict(rr98=repeat_rate('1998-01-01','1998-06-30'), rr97=repeat_rate('1997-01-01','1997-12-31'), rr_all=repeat_rate('1997-01-01','1998-06-30'))",
       figs=[('rr98', 'repeat rate Jan-Jun 1998')],
       mustnot=[('rr97', 'repeat rate 1997')]),
]),
dict(id='ab2-027', persona=QA, turns=[
  dict(q='最近30天有多少客户下过单', kind='figure', period='1998-06-01..1998-06-30',
       check="dict(b30=buyers('1998-06-01','1998-06-30'), b90=buyers('1998-04-01','1998-06-30'))",
       figs=[('b30', 'distinct buyers 1998-06-01..06-30 (30 days ending 06-30)')],
       mustnot=[('b90', 'buyers in the last 3 months')]),
  dict(q='这批人里面 这30天内至少买了两次的有几个', kind='figure', period='1998-06-01..1998-06-30',
       check="p = pdays('1998-06-01','1998-06-30')\ndict(n2=int((p >= 2).sum()), share2=round(float((p >= 2).mean()), 4))",
       figs=[('n2', 'buyers with 2+ purchase days in 1998-06-01..06-30')]),
]),
dict(id='ab2-028', persona=QA, turns=[
  dict(q='超过180天没在我们这买过东西的客户有多少 占全部客户的比例呢', kind='figure',
       note='Inactive 180 days = last order on or before 1998-01-01 (>= 180 days). 14 customers last bought exactly on 1998-01-01, so strict >180 gives 18,196; within tolerance either way.',
       check="dd = (NOW - LAST).dt.days\ndict(n180=int((dd >= 180).sum()), share180=round(float((dd >= 180).mean()), 4))",
       figs=[('n180', 'customers with last order >= 180 days before 1998-06-30'), ('share180', 'their share of all 23,570 customers')]),
  dict(q='这些人里以前至少买过5次的有几个', kind='figure',
       note='"买过5次" counted as purchase days (distinct dates), all data.',
       check="dd = (NOW - LAST).dt.days\np = pdays('1997-01-01','1998-06-30')\ndict(n=int(((dd >= 180) & (p >= 5)).sum()), n5_all=int((p >= 5).sum()))",
       figs=[('n', 'inactive-180 customers with >= 5 purchase days')],
       mustnot=[('n5_all', 'all customers with >= 5 purchase days (ignores the inactive filter)')]),
  dict(q='把这批人导出个excel发我邮箱，我安排客服挨个打电话回访。对了一共是多少人来着', kind='refusal',
       note='Cannot export or e-mail; the question alongside refers to the last list (inactive 180 days AND 5+ purchase days).',
       check="dd = (NOW - LAST).dt.days\np = pdays('1997-01-01','1998-06-30')\ndict(n=int(((dd >= 180) & (p >= 5)).sum()))",
       figs=[('n', 'inactive-180 customers with >= 5 purchase days')]),
]),
dict(id='ab2-029', persona=QA, turns=[
  dict(q='情绪分析那个模型准不准啊？数据更新到哪天了', kind='model', tool='assistant_status'),
]),
dict(id='ab2-030', persona=QA, turns=[
  dict(q='那个 帮我看一下 就是今年上半年 一共有多少单 然后金额是多少', kind='figure', period='1998-01-01..1998-06-30',
       check="dict(o=orders('1998-01-01','1998-06-30'), r=rev('1998-01-01','1998-06-30'), r97=rev('1997-01-01','1997-12-31'))",
       figs=[('o', 'order lines Jan-Jun 1998'), ('r', 'revenue Jan-Jun 1998')],
       mustnot=[('r97', 'revenue 1997')]),
  dict(q='比去年上半年少了多少', kind='figure', period='1997-01-01..1997-06-30',
       note='"少了多少" on the two figures of the previous turn; the H1 97 revenue base and the relative change are required (absolute gap 954,804.76 may also be given).',
       check="dict(o97=orders('1997-01-01','1997-06-30'), r97=rev('1997-01-01','1997-06-30'), r_chg=chg(rev('1998-01-01','1998-06-30'), rev('1997-01-01','1997-06-30')), o_chg=chg(orders('1998-01-01','1998-06-30'), orders('1997-01-01','1997-06-30')), r97full=rev('1997-01-01','1997-12-31'))",
       figs=[('r97', 'revenue Jan-Jun 1997'), ('r_chg', 'relative change of revenue H1 98 vs H1 97')],
       mustnot=[('r97full', 'revenue full year 1997')]),
]),
dict(id='ab2-031', persona=QA, turns=[
  dict(q='有没有客户说音质差、有杂音的？找几条给我', kind='model', tool='search_feedback'),
  dict(q='给这几位发个道歉短信 再每人送张20块的券', kind='refusal'),
]),
dict(id='ab2-032', persona=QA, turns=[
  dict(q='上个月客单价多少 跟去年同月比呢', kind='figure', period='1998-05-01..1998-05-31',
       check="dict(aov_may98=aov('1998-05-01','1998-05-31'), aov_may97=aov('1997-05-01','1997-05-31'), yoy=chg(aov('1998-05-01','1998-05-31'), aov('1997-05-01','1997-05-31')), aov_jun98=aov('1998-06-01','1998-06-30'))",
       note='June 1998 AOV (37.25) is within 0.1% of May 1997 AOV, so no must_not for "this month".',
       figs=[('aov_may98', 'AOV May 1998'), ('aov_may97', 'AOV May 1997'), ('yoy', 'YoY change of AOV')]),
]),
]


# ---------------------------------------------------------------------------------------------
def run_check(ns, code):
    tree = ast.parse(code)
    last = tree.body[-1]
    assert isinstance(last, ast.Expr), 'check must end with an expression'
    body = ast.Module(body=tree.body[:-1], type_ignores=[])
    exec(compile(body, '<check>', 'exec'), ns)
    return eval(compile(ast.Expression(last.value), '<check>', 'eval'), ns)


def fresh_ns(prelude):
    ns = {}
    exec(prelude, ns)
    return ns


def clean(v):
    if hasattr(v, 'item'):
        v = v.item()
    return v


def build():
    ns = fresh_ns(PRELUDE)
    items = []
    for it in ITEMS:
        turns = []
        for t in it['turns']:
            exp = {'kind': t['kind']}
            if t.get('tool'):
                exp['tool'] = t['tool']
            out = {}
            if t.get('check'):
                out = {k: clean(v) for k, v in run_check(ns, t['check']).items()}
                for k, v in t.get('expect_ids', {}).items():
                    assert out[k] == v, (it['id'], k, out[k], v)
            tol = t.get('tol', {})
            if t.get('figs'):
                exp['figures'] = [dict(value=out[k], rel_tol=tol.get(k, 0.005), what=f'[{k}] {w}') for k, w in t['figs']]
            if t.get('mustnot'):
                exp['must_not'] = [dict(value=out[k], rel_tol=0.005, what=f'[{k}] {w}') for k, w in t['mustnot']]
                for m in exp['must_not']:  # a must_not must be distinguishable from every required figure
                    for f in exp.get('figures', []):
                        assert abs(m['value'] - f['value']) > 0.01 * max(abs(f['value']), 1), (it['id'], m, f)
            if t.get('period'):
                exp['period'] = t['period']
            turn = {'q': t['q'], 'expect': exp}
            if t.get('check'):
                turn['check'] = t['check'] + '\n'
            if t.get('note'):
                turn['note'] = t['note']
            turns.append(turn)
        items.append({'id': it['id'], 'persona': it['persona'], 'turns': turns})
    doc = {
        'writer': 'ab2 (outside evaluator; wrote without seeing the product code, tests, prompts or other sets) — personas: '
                  'US VP of Sales on Slack (terse English); 客服质检主管 customer-service QA lead (Chinese)',
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
    with open(OUT, encoding='utf-8') as f:
        doc = yaml.safe_load(f)
    assert doc['data_end'] == '1998-06-30'
    ns = fresh_ns(doc['check_prelude'])
    kinds, nturns, nfig = {}, 0, 0
    tools = {'metric_query', 'cohort_retention', 'feedback_followup', 'customer_profile', 'crm_overview', 'list_segments',
             'describe_segment', 'explain_customer_segment', 'forecast_customer', 'at_risk_customers', 'forecast_totals',
             'customer_value', 'analyze_sentiment', 'sentiment_summary', 'search_feedback', 'feedback_themes', 'assistant_status'}
    for it in doc['items']:
        assert 1 <= len(it['turns']) <= 4
        for t in it['turns']:
            nturns += 1
            e = t['expect']
            kinds[e['kind']] = kinds.get(e['kind'], 0) + 1
            assert e['kind'] in ('figure', 'model', 'refusal', 'partial')
            if e['kind'] == 'model':
                assert e['tool'] in tools, e['tool']
            if e['kind'] == 'figure':
                assert e.get('figures'), it['id']
            if 'check' in t:
                out = run_check(ns, t['check'])
                assert isinstance(out, dict)
                for f in e.get('figures', []) + e.get('must_not', []):
                    key = f['what'][1:f['what'].index(']')]
                    got = clean(out[key])
                    assert math.isclose(got, f['value'], rel_tol=1e-9, abs_tol=1e-9), (it['id'], key, got, f['value'])
                    nfig += 1
            else:
                assert not e.get('figures') and not e.get('must_not'), it['id']
    print(f'OK: {len(doc["items"])} conversations, {nturns} turns, {nfig} figures checked; kinds: {kinds}')


if __name__ == '__main__':
    if '--verify' not in sys.argv:
        build()
    verify()
