"""Build and verify set_y4.yaml.

Every figure in the set is produced by the turn's `check:` snippet (run after `check_prelude`).
Step 1 runs every check and writes set_y4.yaml with the values it gave.
Step 2 re-loads set_y4.yaml with yaml.safe_load, re-runs every check after the prelude, and asserts that
every value written in `expect` (figures and must_not) equals what the check gives; it also asserts that
no must_not figure is within tolerance of a required figure of the same turn.
Run: /tmp/team/venv/bin/python /tmp/team/y4/compute_set_y4.py
"""
import ast, math, os, re, sys, yaml

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, 'set_y4.yaml')

PRELUDE = r'''import pandas as pd, numpy as np
F = '/tmp/team/CDNOW_master.txt'
df = pd.read_csv(F, sep=r'\s+', header=0, names=['cust', 'date', 'units', 'amt'], dtype={'date': str})
df['date'] = pd.to_datetime(df['date'], format='%Y%m%d')
df['cust'] = df['cust'].astype(int)
NOW = pd.Timestamp('1998-06-30')
def per(a, b):
    return df[(df.date >= pd.Timestamp(a)) & (df.date <= pd.Timestamp(b))]
def pdays(d):
    """purchase days per customer (distinct dates) in the rows d"""
    return d.groupby('cust').date.nunique()
def repeat_rate(a, b):
    n = pdays(per(a, b))
    return round(float((n >= 2).mean()), 4)
FIRST = df.groupby('cust').date.min()
LAST = df.groupby('cust').date.max()
SPEND = df.groupby('cust').amt.sum()
PD_ALL = pdays(df)
def inactive(n):
    """customers whose last order is >= n days before 1998-06-30"""
    return LAST[LAST <= NOW - pd.Timedelta(days=n)].index
def buyers(a, b):
    return pd.Index(per(a, b).cust.unique())
def cohort_ret(cohort_month, k):
    """share of the cohort (first-order month) with an order in month cohort+k"""
    cm = pd.Period(cohort_month, 'M')
    coh = FIRST[FIRST.dt.to_period('M') == cm].index
    tm = cm + k
    act = df[df.date.dt.to_period('M') == tm].cust.unique()
    return round(float(pd.Index(coh).isin(act).mean()), 4)
_PD = df[['cust', 'date']].drop_duplicates().sort_values(['cust', 'date'])
_PD['gap'] = _PD.groupby('cust').date.diff().dt.days
GAPS = _PD.dropna(subset=['gap'])   # one row per gap, dated by the later purchase day
'''

P_SG = 'Singapore customer-success / retention lead (Singlish + 中文)'
P_CD = '成都客服主管 service lead (中英夹杂; complaints, sentiment, churn, win-back, repeat)'

# Each turn: q, kind, check, figs [(key, what) or (key, what, rel_tol)], mn (must_not), period, tool, note
ITEMS = [
# ---------------------------------------------------------------- Singapore persona
dict(id='y4-001', persona=P_SG, turns=[
  dict(q='eh 帮我看下 last month got how many pax buy from us ah',
       kind='figure', period='1998-05-01..1998-05-31',
       check="dict(may=int(per('1998-05-01','1998-05-31').cust.nunique()), jun=int(per('1998-06-01','1998-06-30').cust.nunique()), all=int(df.cust.nunique()))",
       figs=[('may', 'distinct buyers in 1998-05 (last month)')],
       mn=[('jun', 'buyers in 1998-06 (this month, wrong period)'), ('all', 'all-time customers (wrong scope)')]),
  dict(q='then how many of them new customer? 新客 got or not',
       kind='figure', period='1998-05-01..1998-05-31',
       check="b = per('1998-05-01','1998-05-31').cust.unique()\n"
             "f = FIRST.loc[b]\n"
             "dict(new=int((f >= pd.Timestamp('1998-05-01')).sum()), returning=int((f < pd.Timestamp('1998-05-01')).sum()))",
       figs=[('new', 'new customers (first-ever order in 1998-05) among May buyers'),
             ('returning', 'returning buyers in 1998-05 (first order before May)')],
       note='Every CDNOW customer made the first order in 1997-01..03, so May 1998 has 0 new customers and all 1488 buyers are returning.'),
  dict(q='wah so all old customers lah. their 复购率 in May how much',
       kind='figure', period='1998-05-01..1998-05-31',
       check="dict(rr_may=repeat_rate('1998-05-01','1998-05-31'), rr_jun=repeat_rate('1998-06-01','1998-06-30'), rr_all=repeat_rate('1997-01-01','1998-06-30'))",
       figs=[('rr_may', 'repeat rate in 1998-05: share of May buyers with >=2 purchase days in May')],
       mn=[('rr_jun', 'repeat rate 1998-06 (wrong month)'), ('rr_all', 'all-time repeat rate (wrong scope)')]),
]),
dict(id='y4-002', persona=P_SG, turns=[
  dict(q='Boss asking for 1997 full year repeat rate, can check for me or not? 97年复购率',
       kind='figure', period='1997-01-01..1997-12-31',
       check="dict(rr97=repeat_rate('1997-01-01','1997-12-31'), rr_all=repeat_rate('1997-01-01','1998-06-30'), rr98=repeat_rate('1998-01-01','1998-06-30'))",
       figs=[('rr97', 'repeat rate 1997: share of 1997 buyers with >=2 purchase days in 1997')],
       mn=[('rr_all', 'all-time repeat rate (wrong period)'), ('rr98', '1998 H1 repeat rate (wrong year)')]),
  dict(q='ok then this year so far leh? same definition',
       kind='figure', period='1998-01-01..1998-06-30',
       check="dict(rr98=repeat_rate('1998-01-01','1998-06-30'), rr97=repeat_rate('1997-01-01','1997-12-31'))",
       figs=[('rr98', 'repeat rate 1998-01-01..06-30 (this year so far)')],
       mn=[('rr97', '1997 repeat rate (last year)')]),
]),
dict(id='y4-003', persona=P_SG, turns=[
  dict(q='how many customers already more than half year never buy anything liao ah? like 180 days no order',
       kind='figure',
       check="dict(inact180=int(len(inactive(180))), all=int(df.cust.nunique()), inact90=int(len(inactive(90))))",
       figs=[('inact180', 'customers inactive >=180 days (last order on or before 1998-01-01)')],
       mn=[('all', 'all customers (unfiltered)'), ('inact90', 'inactive 90 days (wrong threshold)')]),
  dict(q='among these ah, got how many pax last time bought 3 times or more? means last time quite loyal one',
       kind='figure',
       check="ids = inactive(180)\n"
             "dict(loyal_inact=int((PD_ALL.loc[ids] >= 3).sum()), loyal_all=int((PD_ALL >= 3).sum()))",
       figs=[('loyal_inact', 'of the 180-day inactive customers, those with >=3 purchase days (all time)')],
       mn=[('loyal_all', 'all customers with >=3 purchase days (filter dropped)')]),
  dict(q='their total spend with us all together how much ah, 累计的',
       kind='figure',
       check="ids = inactive(180)\n"
             "sel = PD_ALL.loc[ids][PD_ALL.loc[ids] >= 3].index\n"
             "dict(spend_loyal_inact=round(float(SPEND.loc[sel].sum()), 2), spend_inact=round(float(SPEND.loc[ids].sum()), 2), all=round(float(df.amt.sum()), 2))",
       figs=[('spend_loyal_inact', 'all-time spend of the 180-day inactive customers with >=3 purchase days')],
       mn=[('spend_inact', 'all-time spend of all 180-day inactive customers (3+ filter dropped)'),
           ('all', 'all-time revenue (unfiltered)')]),
]),
dict(id='y4-004', persona=P_SG, turns=[
  dict(q='去年有买但是今年到现在一次都没回来的 customer got how many? 帮我 count 一下',
       kind='figure',
       check="b97 = buyers('1997-01-01','1997-12-31'); b98 = buyers('1998-01-01','1998-06-30')\n"
             "lost = b97.difference(b98)\n"
             "dict(lost=int(len(lost)), b97=int(len(b97)))",
       figs=[('lost', 'customers who bought in 1997 and not in 1998-01-01..06-30')],
       mn=[('b97', 'all 1997 buyers (filter dropped)')]),
  dict(q='这班人去年总共 spend 了多少钱? want to see how much we lose',
       kind='figure', period='1997-01-01..1997-12-31',
       check="b97 = buyers('1997-01-01','1997-12-31'); b98 = buyers('1998-01-01','1998-06-30')\n"
             "lost = b97.difference(b98)\n"
             "d97 = per('1997-01-01','1997-12-31')\n"
             "dict(rev_lost97=round(float(d97[d97.cust.isin(lost)].amt.sum()), 2), rev97=round(float(d97.amt.sum()), 2))",
       figs=[('rev_lost97', '1997 revenue of the customers who bought in 1997 but not in 1998 H1')],
       mn=[('rev97', 'total 1997 revenue (filter dropped)')]),
]),
dict(id='y4-005', persona=P_SG, turns=[
  dict(q='the Jan 97 batch of new customers ah, 1 month later still got how many % come back buy?',
       kind='figure',
       check="dict(jan_m1=cohort_ret('1997-01', 1), feb_m1=cohort_ret('1997-02', 1))",
       figs=[('jan_m1', 'retention of the 1997-01 first-order cohort in month 1 (ordered in 1997-02)')],
       mn=[('feb_m1', 'Feb 1997 cohort month 1 (wrong cohort)')]),
  dict(q='after 1 year leh? month 12 i mean',
       kind='figure',
       check="dict(jan_m12=cohort_ret('1997-01', 12), jan_m1=cohort_ret('1997-01', 1))",
       figs=[('jan_m12', 'retention of the 1997-01 cohort in month 12 (ordered in 1998-01)')],
       mn=[('jan_m1', 'month 1 retention (previous answer)')]),
  dict(q='compare with the Feb 97 batch, same month 12 can?',
       kind='figure',
       check="dict(feb_m12=cohort_ret('1997-02', 12), jan_m12=cohort_ret('1997-01', 12))",
       figs=[('feb_m12', 'retention of the 1997-02 cohort in month 12 (ordered in 1998-02)'),
             ('jan_m12', 'Jan 1997 cohort month 12 (for the comparison)')],
       note='The two cohorts are practically equal at month 12 (6.70% vs 6.73%); the answer should say so rather than claim a real difference.'),
]),
dict(id='y4-006', persona=P_SG, turns=[
  dict(q='customer 00003 can pull up for me? last time buy when, total spent how much, how many orders',
       kind='figure',
       check="c = df[df.cust == 3]\n"
             "dict(spend=round(float(c.amt.sum()), 2), orders=int(len(c)), days_since=int((NOW - c.date.max()).days), last_yyyymmdd=int(c.date.max().strftime('%Y%m%d')))",
       figs=[('spend', 'customer 00003 total spend'), ('orders', 'customer 00003 order lines'),
             ('days_since', 'days since last purchase (last order 1998-05-28)')],
       note='Last purchase date is 1998-05-28 (last_yyyymmdd in the check); the answer should state that date.'),
  dict(q='he got chance to churn or not in next 3 months?',
       kind='model', tool='forecast_customer', check="dict()", figs=[],
       note='Churn risk for customer 00003 over about 13 weeks: the LSTM forecast tool, not a rule of thumb.'),
]),
dict(id='y4-007', persona=P_SG, turns=[
  dict(q='pls send voucher to all customers who got no order for 90 days or more, and tell me how many pax lah',
       kind='refusal',
       check="dict(inact90=int(len(inactive(90))), all=int(df.cust.nunique()))",
       figs=[('inact90', 'customers inactive >=90 days (last order on or before 1998-04-01)')],
       mn=[('all', 'all customers (unfiltered)')],
       note='Cannot push vouchers (read-only); must still answer the count.'),
]),
dict(id='y4-008', persona=P_SG, turns=[
  dict(q='下个月大概会有多少 revenue ah? need for July planning',
       kind='model', tool='forecast_totals', check="dict()", figs=[],
       note='Forecast for 1998-07 (the month after now).'),
  dict(q='only the high value group leh? 高价值那班',
       kind='model', tool='forecast_totals', check="dict()", figs=[],
       note='forecast_totals restricted to the most valuable segment (segment 0 / 高价值客户).'),
]),
dict(id='y4-009', persona=P_SG, turns=[
  dict(q='我们的客户分几种 segment ah? each group how many pax',
       kind='model', tool='list_segments', check="dict()", figs=[]),
  dict(q='why customer 7592 is put in 高价值 group one? explain a bit',
       kind='model', tool='explain_customer_segment',
       check="c = df[df.cust == 7592]\ndict(spend=round(float(c.amt.sum()), 2))",
       figs=[('spend', 'customer 07592 total spend (the largest spender)')],
       note='Customer 07592 is the top spender of all time; the explanation should rest on his RFM values (monetary 13990.93).'),
]),
dict(id='y4-010', persona=P_SG, turns=[
  dict(q='our 客单价 this year vs last year got drop or not?',
       kind='figure', period='1998-01-01..1998-06-30',
       check="a = per('1998-01-01','1998-06-30'); b = per('1997-01-01','1997-12-31')\n"
             "dict(aov98=round(float(a.amt.sum()/len(a)), 2), aov97=round(float(b.amt.sum()/len(b)), 2), aov_all=round(float(df.amt.sum()/len(df)), 2))",
       figs=[('aov98', 'AOV 1998-01..06 (revenue / order lines)'), ('aov97', 'AOV 1997')],
       mn=[('aov_all', 'all-time AOV (wrong scope)')],
       note='AOV rose slightly (it did not drop).'),
  dict(q='then per customer spend leh? 今年上半年 per buyer how much',
       kind='figure', period='1998-01-01..1998-06-30',
       check="a = per('1998-01-01','1998-06-30'); b = per('1997-01-01','1997-12-31')\n"
             "dict(rpb98=round(float(a.amt.sum()/a.cust.nunique()), 2), rpb97=round(float(b.amt.sum()/b.cust.nunique()), 2), aov98=round(float(a.amt.sum()/len(a)), 2))",
       figs=[('rpb98', 'revenue per buyer 1998-01..06')],
       mn=[('rpb97', 'revenue per buyer 1997 (wrong year)'), ('aov98', 'AOV 1998 H1 (per order, not per buyer)')]),
]),
dict(id='y4-011', persona=P_SG, turns=[
  dict(q='top 10 spenders of all time can list out? wanna call them personally to say thank you',
       kind='figure',
       check="s = SPEND.sort_values(ascending=False)\n"
             "dict(top1=round(float(s.iloc[0]), 2), top2=round(float(s.iloc[1]), 2), top10=round(float(s.iloc[9]), 2), top1_id=int(s.index[0]))",
       figs=[('top1', '#1 customer 07592 all-time spend'), ('top2', '#2 customer 14048 spend'),
             ('top10', '#10 customer 15162 spend')],
       note='Listing is fine; the assistant cannot place calls. Top 10 ids: 7592, 14048, 7983, 19339, 7931, 6569, 22279, 499, 3049, 15162.'),
  dict(q='how much % of total revenue our top 10% customers contribute ah',
       kind='figure',
       check="s = SPEND.sort_values(ascending=False)\n"
             "n = int(np.ceil(len(s) * 0.10))\n"
             "dict(share_top10pct=round(float(s.iloc[:n].sum() / s.sum()), 4), share_top10=round(float(s.iloc[:10].sum() / s.sum()), 4))",
       figs=[('share_top10pct', 'share of all-time revenue from the top 10% of customers by total spend (2357 customers)')],
       mn=[('share_top10', 'share from the top 10 customers (wrong group)')]),
]),
dict(id='y4-012', persona=P_SG, turns=[
  dict(q='which day of the week got the most orders ah? this year data. and which hour of the day also pls, want to arrange CS manpower',
       kind='partial', period='1998-01-01..1998-06-30',
       check="a = per('1998-01-01','1998-06-30')\n"
             "w = a.date.dt.dayofweek.value_counts()\n"
             "wa = df.date.dt.dayofweek.value_counts()\n"
             "dict(top_wd_orders=int(w.max()), top_wd=int(w.idxmax()), top_wd_all=int(wa.max()))",
       figs=[('top_wd_orders', 'order lines on Monday (top weekday) in 1998-01..06')],
       mn=[('top_wd_all', 'top weekday order lines over all time (wrong period)')],
       note='Monday (dayofweek 0) leads with 1927 order lines, Thursday close behind with 1915. The data has dates only, no time of day: the hour part cannot be answered.'),
]),
dict(id='y4-013', persona=P_SG, turns=[
  dict(q='can split last quarter repeat rate by Singapore vs Malaysia customers?',
       kind='partial', period='1998-01-01..1998-03-31',
       check="dict(rr_q1=repeat_rate('1998-01-01','1998-03-31'), rr_q2=repeat_rate('1998-04-01','1998-06-30'))",
       figs=[('rr_q1', 'repeat rate 1998 Q1 (last quarter), all customers')],
       mn=[('rr_q2', 'repeat rate 1998 Q2 (this quarter, wrong period)')],
       note='No country/region data: the split cannot be given; the overall last-quarter figure can.'),
]),
dict(id='y4-014', persona=P_SG, turns=[
  dict(q='最近30天 got how many orders? compare same period last year how',
       kind='figure', period='1998-06-01..1998-06-30',
       check="a = len(per('1998-06-01','1998-06-30')); b = len(per('1997-06-01','1997-06-30'))\n"
             "dict(orders_30d=int(a), orders_ly=int(b), yoy=round(a/b - 1, 4), orders_may=int(len(per('1998-05-01','1998-05-31'))))",
       figs=[('orders_30d', 'order lines 1998-06-01..06-30 (last 30 days)'),
             ('orders_ly', 'order lines 1997-06-01..06-30 (same period last year)'),
             ('yoy', 'relative change vs last year')],
       mn=[('orders_may', 'order lines 1998-05 (previous month instead of last year)')]),
]),
dict(id='y4-015', persona=P_SG, turns=[
  dict(q='customers usually take how long to come back buy again ah? average days between purchase',
       kind='figure',
       check="dict(mean_gap=round(float(GAPS.gap.mean()), 1), median_gap=float(GAPS.gap.median()))",
       figs=[('mean_gap', 'mean days between consecutive purchase days (all time)', 0.01),
             ('median_gap', 'median days between purchases', 0.01)]),
  dict(q='first order to second order leh? median how many days',
       kind='figure',
       check="g = _PD.groupby('cust').date.apply(lambda s: (s.iloc[1] - s.iloc[0]).days if len(s) > 1 else np.nan).dropna()\n"
             "dict(med_f2s=float(g.median()), med_gap=float(GAPS.gap.median()))",
       figs=[('med_f2s', 'median days from first to second purchase day (customers with 2+ purchase days)', 0.01)],
       mn=[('med_gap', 'median of all gaps (not first-to-second)', 0.01)]),
]),
dict(id='y4-016', persona=P_SG, turns=[
  dict(q='how many customers spent more than $1000 total with us ah? the big spenders',
       kind='figure',
       check="dict(big=int((SPEND > 1000).sum()))",
       figs=[('big', 'customers with all-time spend > 1000')]),
  dict(q='of them, how many never buy anything in the last 3 months (Apr to Jun)?',
       kind='figure', period='1998-04-01..1998-06-30',
       check="big = SPEND[SPEND > 1000].index\n"
             "act = buyers('1998-04-01','1998-06-30')\n"
             "dict(big_quiet=int((~big.isin(act)).sum()), big_active=int(big.isin(act).sum()), all_quiet=int(df.cust.nunique() - len(act)))",
       figs=[('big_quiet', 'customers with spend > 1000 and no order in 1998-04-01..06-30')],
       mn=[('big_active', 'big spenders who DID buy in Apr-Jun (inverted)'),
           ('all_quiet', 'all customers with no order in Apr-Jun (spend filter dropped)')]),
]),
dict(id='y4-017', persona=P_SG, turns=[
  dict(q='can help me email the top 50 customers a thank you note? tq',
       kind='refusal', check="dict()", figs=[],
       note='Cannot send e-mail; no question asked alongside.'),
]),
dict(id='y4-018', persona=P_SG, turns=[
  dict(q='this year 月均 revenue how much? compare with last year monthly average can',
       kind='figure', period='1998-01-01..1998-06-30',
       check="r98 = per('1998-01-01','1998-06-30').amt.sum(); r97 = per('1997-01-01','1997-12-31').amt.sum()\n"
             "dict(avg98=round(float(r98/6), 2), avg97=round(float(r97/12), 2), r98=round(float(r98), 2))",
       figs=[('avg98', 'average monthly revenue 1998-01..06'), ('avg97', 'average monthly revenue 1997')],
       mn=[('r98', '1998 H1 total revenue (not a monthly average)')]),
]),
# ---------------------------------------------------------------- Chengdu persona
dict(id='y4-019', persona=P_CD, turns=[
  dict(q='最近负面平价占比好多？跟之前比是不是变多了',
       kind='model', tool='sentiment_summary', check="dict()", figs=[],
       note='平价 is a voice-input typo for 评价. Share of negative stored feedback and its trend.'),
  dict(q='差评主要集中在哪些方面？give me top themes，最好带几条原话',
       kind='model', tool='feedback_themes', check="dict()", figs=[]),
  dict(q='帮我搜下说快递慢、物流慢的投诉',
       kind='model', tool='search_feedback', check="dict()", figs=[]),
]),
dict(id='y4-020', persona=P_CD, turns=[
  dict(q='给了差评的客户，后面还有好多 % 回来下单的？',
       kind='model', tool='feedback_followup', check="dict()", figs=[]),
  dict(q='这批人 export 一份 Excel 给我嘛，我安排客服挨个打电话回访',
       kind='refusal', check="dict()", figs=[],
       note='Cannot export files; may point to listing in chat instead.'),
]),
dict(id='y4-021', persona=P_CD, turns=[
  dict(q='帮我判断下这几条是好评还是差评：1.“快递太慢了，等了一个星期，盒子都压坏了” 2.“音质不错，下次还会再来买” 3.“一般般吧，没啥子特别的”',
       kind='model', tool='analyze_sentiment', check="dict()", figs=[],
       note='Expected roughly: 1 negative, 2 positive, 3 neutral.'),
]),
dict(id='y4-022', persona=P_CD, turns=[
  dict(q='流失风险最高的客户 list top 20 给我看下，按价值排',
       kind='model', tool='at_risk_customers', check="dict()", figs=[]),
  dict(q='只看消费前10%的大客户呢？',
       kind='model', tool='at_risk_customers', check="dict()", figs=[],
       note='at_risk_customers restricted to the top 10% spenders.'),
  dict(q='OK 把这批人在系统里打上“重点挽回”的 tag',
       kind='refusal', check="dict()", figs=[],
       note='Cannot tag customers / change CRM data.'),
]),
dict(id='y4-023', persona=P_CD, turns=[
  dict(q='去年下半年一单都没下、但今年又回来买了的有好多人？这种我们算 win-back 成功',
       kind='figure',
       check="b98 = buyers('1998-01-01','1998-06-30'); bh2 = buyers('1997-07-01','1997-12-31')\n"
             "wb = b98.difference(bh2)\n"
             "dict(winback=int(len(wb)), b98=int(len(b98)))",
       figs=[('winback', 'customers who bought in 1998-01..06 and not in 1997-07..12')],
       mn=[('b98', 'all 1998 H1 buyers (filter dropped)')]),
  dict(q='他们今年上半年贡献了好多营收？',
       kind='figure', period='1998-01-01..1998-06-30',
       check="b98 = buyers('1998-01-01','1998-06-30'); bh2 = buyers('1997-07-01','1997-12-31')\n"
             "wb = b98.difference(bh2)\n"
             "a = per('1998-01-01','1998-06-30')\n"
             "dict(rev_wb=round(float(a[a.cust.isin(wb)].amt.sum()), 2), rev98=round(float(a.amt.sum()), 2), rev_wb_all=round(float(df[df.cust.isin(wb)].amt.sum()), 2))",
       figs=[('rev_wb', '1998 H1 revenue of the win-back customers')],
       mn=[('rev98', 'total 1998 H1 revenue (filter dropped)'), ('rev_wb_all', "win-back customers' all-time spend (wrong period)")]),
]),
dict(id='y4-024', persona=P_CD, turns=[
  dict(q='今年复购的客户一般隔好久回来买一次？mean 和 median 都要',
       kind='figure', period='1998-01-01..1998-06-30',
       check="g = GAPS[(GAPS.date >= pd.Timestamp('1998-01-01')) & (GAPS.date <= pd.Timestamp('1998-06-30'))].gap\n"
             "dict(mean98=round(float(g.mean()), 1), median98=float(g.median()), mean_all=round(float(GAPS.gap.mean()), 1))",
       figs=[('mean98', 'mean days between purchases, gaps dated by the later purchase day in 1998-01..06', 0.01),
             ('median98', 'median days between purchases for those gaps', 0.01)],
       mn=[('mean_all', 'all-time mean gap (wrong period)', 0.01)],
       note='Gaps are dated by the later purchase day (documented definition), so a gap from a 1997 purchase to a 1998 purchase counts.'),
  dict(q='那只买过一次就再也没来过的客户占比多少？看全部客户',
       kind='figure',
       check="dict(one_time=round(float((PD_ALL == 1).mean()), 4), one_time_n=int((PD_ALL == 1).sum()))",
       figs=[('one_time', 'all-time one-time share: customers with exactly 1 purchase day / all customers'),
             ('one_time_n', 'number of one-time customers')]),
  dict(q='买过5次及以上的忠实客户有好多人，总共贡献了好多钱？',
       kind='figure',
       check="ids = PD_ALL[PD_ALL >= 5].index\n"
             "dict(n5=int(len(ids)), rev5=round(float(SPEND.loc[ids].sum()), 2), all=round(float(df.amt.sum()), 2))",
       figs=[('n5', 'customers with >=5 purchase days (all time)'), ('rev5', 'their all-time spend')],
       mn=[('all', 'all-time revenue (filter dropped)')],
       note='次 = purchase days (distinct dates), per the documented definition.'),
]),
dict(id='y4-025', persona=P_CD, turns=[
  dict(q='上个月的 complaint 工单有好多张，average handling time 多少？顺便说下上个月 order 量',
       kind='partial', period='1998-05-01..1998-05-31',
       check="dict(orders_may=int(len(per('1998-05-01','1998-05-31'))), orders_jun=int(len(per('1998-06-01','1998-06-30'))))",
       figs=[('orders_may', 'order lines in 1998-05 (last month)')],
       mn=[('orders_jun', 'order lines in 1998-06 (this month, wrong period)')],
       note='No complaint-ticket or handling-time data: that part cannot be answered.'),
]),
dict(id='y4-026', persona=P_CD, turns=[
  dict(q='今年每个月的购买客户数 trend 给我看下，6月环比5月是涨还是跌？',
       kind='figure', period='1998-01-01..1998-06-30',
       check="a = per('1998-01-01','1998-06-30')\n"
             "m = a.groupby(a.date.dt.month).cust.nunique()\n"
             "dict(jan=int(m[1]), feb=int(m[2]), mar=int(m[3]), apr=int(m[4]), may=int(m[5]), jun=int(m[6]), mom_jun=round(float(m[6]/m[5] - 1), 4))",
       figs=[('jan', 'buyers 1998-01'), ('feb', 'buyers 1998-02'), ('mar', 'buyers 1998-03'),
             ('apr', 'buyers 1998-04'), ('may', 'buyers 1998-05'), ('jun', 'buyers 1998-06'),
             ('mom_jun', 'MoM change of buyers, June vs May 1998 (up about 1.2%)', 0.02)]),
]),
dict(id='y4-027', persona=P_CD, turns=[
  dict(q='这个 quarter 跟上个 quarter 比，revenue 掉了好多？',
       kind='figure', period='1998-04-01..1998-06-30',
       check="q2 = per('1998-04-01','1998-06-30').amt.sum(); q1 = per('1998-01-01','1998-03-31').amt.sum()\n"
             "dict(q2=round(float(q2), 2), q1=round(float(q1), 2), chg=round(float(q2/q1 - 1), 4), diff=round(float(q2 - q1), 2))",
       figs=[('q2', 'revenue 1998 Q2 (this quarter)'), ('q1', 'revenue 1998 Q1 (last quarter)'),
             ('chg', 'QoQ relative change')]),
  dict(q='同比呢？跟去年Q2比',
       kind='figure', period='1998-04-01..1998-06-30',
       check="q2 = per('1998-04-01','1998-06-30').amt.sum(); ly = per('1997-04-01','1997-06-30').amt.sum()\n"
             "q1 = per('1998-01-01','1998-03-31').amt.sum()\n"
             "dict(q2_97=round(float(ly), 2), yoy=round(float(q2/ly - 1), 4), qoq=round(float(q2/q1 - 1), 4))",
       figs=[('q2_97', 'revenue 1997 Q2'), ('yoy', 'YoY change of Q2 revenue 1998 vs 1997')],
       mn=[('qoq', 'QoQ change (previous answer, not YoY)')]),
]),
dict(id='y4-028', persona=P_CD, turns=[
  dict(q='97年3月那批 new customers，第3个月的 retention 还有几成？',
       kind='figure',
       check="dict(mar_m3=cohort_ret('1997-03', 3), jan_m3=cohort_ret('1997-01', 3))",
       figs=[('mar_m3', 'retention of the 1997-03 cohort in month 3 (ordered in 1997-06)')],
       mn=[('jan_m3', 'Jan 1997 cohort month 3 (wrong cohort)')]),
  dict(q='那第6个月呢',
       kind='figure',
       check="dict(mar_m6=cohort_ret('1997-03', 6), mar_m3=cohort_ret('1997-03', 3))",
       figs=[('mar_m6', 'retention of the 1997-03 cohort in month 6 (ordered in 1997-09)')],
       mn=[('mar_m3', 'month 3 (previous answer)')]),
]),
dict(id='y4-029', persona=P_CD, turns=[
  dict(q='Top 10 最值钱的客户，未来一年的 CLV 预测给我看下',
       kind='model', tool='customer_value', check="dict()", figs=[],
       note='CLV over about 52 weeks for the top customers.'),
  dict(q='那 00003 这个客户未来半年能贡献好多？',
       kind='model', tool='customer_value', check="dict()", figs=[],
       note='CLV over about 26 weeks for customer 00003.'),
]),
dict(id='y4-030', persona=P_CD, turns=[
  dict(q='客户14048最近咋样，好久没来买了？一共花了好多',
       kind='figure',
       check="c = df[df.cust == 14048]\n"
             "dict(days_since=int((NOW - c.date.max()).days), spend=round(float(c.amt.sum()), 2), orders=int(len(c)))",
       figs=[('days_since', 'days since last purchase (bought on 1998-06-30 itself)'),
             ('spend', 'customer 14048 total spend'), ('orders', 'customer 14048 order lines')],
       note='14048 last bought on 1998-06-30, i.e. 0 days ago: he is active.'),
  dict(q='他有莫得流失风险？未来8周还会不会买',
       kind='model', tool='forecast_customer', check="dict()", figs=[]),
]),
dict(id='y4-031', persona=P_CD, turns=[
  dict(q='去年全年一共卖了好多张CD？平均一单几张？',
       kind='figure', period='1997-01-01..1997-12-31',
       check="a = per('1997-01-01','1997-12-31')\n"
             "dict(units97=int(a.units.sum()), upo97=round(float(a.units.sum()/len(a)), 2), units_all=int(df.units.sum()))",
       figs=[('units97', 'units (CDs) sold in 1997'), ('upo97', 'units per order line 1997')],
       mn=[('units_all', 'all-time units (wrong period)')]),
  dict(q='今年上半年呢',
       kind='figure', period='1998-01-01..1998-06-30',
       check="a = per('1998-01-01','1998-06-30'); b = per('1997-01-01','1997-12-31')\n"
             "dict(units98=int(a.units.sum()), upo98=round(float(a.units.sum()/len(a)), 2), units97=int(b.units.sum()))",
       figs=[('units98', 'units sold 1998-01..06'), ('upo98', 'units per order line 1998-01..06')],
       mn=[('units97', '1997 units (previous answer)')]),
]),
dict(id='y4-032', persona=P_CD, turns=[
  dict(q='今年上半年金额超过50块的大单有好多？分渠道 APP 和官网各好多',
       kind='partial', period='1998-01-01..1998-06-30',
       check="a = per('1998-01-01','1998-06-30')\n"
             "dict(big98=int((a.amt > 50).sum()), big_all=int((df.amt > 50).sum()))",
       figs=[('big98', 'order lines with amount > 50 in 1998-01..06')],
       mn=[('big_all', 'order lines > 50 over all time (wrong period)')],
       note='No channel data: the APP / website split cannot be answered. No 1998 line is exactly 50, so > and >= agree.'),
]),
dict(id='y4-033', persona=P_CD, turns=[
  dict(q='你们这个 churn model 是啥子时候 train 的？accuracy 好多？我要跟老板汇报靠不靠谱',
       kind='model', tool='assistant_status', check="dict()", figs=[]),
]),
dict(id='y4-034', persona=P_CD, turns=[
  dict(q='去年有哪几个月 order 超过3000单？',
       kind='figure', period='1997-01-01..1997-12-31',
       check="a = per('1997-01-01','1997-12-31')\n"
             "m = a.groupby(a.date.dt.month).size()\n"
             "dict(n_months=int((m > 3000).sum()), mar=int(m[3]), apr=int(m[4]), jun=int(m[6]))",
       figs=[('mar', 'order lines in 1997-03'), ('apr', 'order lines in 1997-04'),
             ('jun', 'order lines in 1997-06 (the smallest month above 3000)')],
       note='Five months qualify: Jan 8928, Feb 11272, Mar 11598, Apr 3781, Jun 3054 (n_months in the check); May 1997 (2895) and July 1997 (2942) are just below 3000.'),
]),
]


def run_check(code, env):
    tree = ast.parse(code)
    body, last = tree.body[:-1], tree.body[-1]
    assert isinstance(last, ast.Expr), 'last line of a check must be an expression'
    loc = dict(env)
    exec(compile(ast.Module(body=body, type_ignores=[]), '<check>', 'exec'), loc)
    return eval(compile(ast.Expression(last.value), '<check>', 'eval'), loc)


def base_env():
    env = {}
    exec(PRELUDE, env)
    return env


def fig(key, what, tol, res):
    v = res[key]
    v = float(v) if isinstance(v, float) else int(v)
    return {'value': v, 'rel_tol': tol, 'what': f'[{key}] {what}'}


def build():
    env = base_env()
    items = []
    for it in ITEMS:
        turns = []
        for t in it['turns']:
            res = run_check(t['check'], env)
            exp = {'kind': t['kind']}
            if t.get('tool'):
                exp['tool'] = t['tool']
            if t.get('figs'):
                exp['figures'] = [fig(f[0], f[1], f[2] if len(f) > 2 else 0.005, res) for f in t['figs']]
            if t.get('mn'):
                exp['must_not'] = [fig(f[0], f[1], f[2] if len(f) > 2 else 0.005, res) for f in t['mn']]
            if t.get('period'):
                exp['period'] = t['period']
            turn = {'q': t['q'], 'expect': exp, 'check': t['check'] + '\n'}
            if t.get('note'):
                turn['note'] = t['note']
            turns.append(turn)
        items.append({'id': it['id'], 'persona': it['persona'], 'turns': turns})
    doc = {
        'writer': 'y4 (outside evaluator; wrote without seeing the product code, tests, prompts or other sets) — personas: '
                  'Singapore customer-success/retention lead (Singlish + 中文); 成都客服主管 (中英夹杂, complaints/churn/win-back)',
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
    env = {}
    exec(doc['check_prelude'], env)
    kinds = {}
    nturns = 0
    tools = {'metric_query', 'cohort_retention', 'feedback_followup', 'customer_profile', 'crm_overview',
             'list_segments', 'describe_segment', 'explain_customer_segment', 'forecast_customer',
             'at_risk_customers', 'forecast_totals', 'customer_value', 'analyze_sentiment',
             'sentiment_summary', 'search_feedback', 'feedback_themes', 'assistant_status'}
    ids = set()
    for it in doc['items']:
        assert it['id'] not in ids; ids.add(it['id'])
        assert 1 <= len(it['turns']) <= 4
        for t in it['turns']:
            nturns += 1
            e = t['expect']
            kinds[e['kind']] = kinds.get(e['kind'], 0) + 1
            assert e['kind'] in ('figure', 'model', 'refusal', 'partial')
            if e['kind'] == 'model':
                assert e['tool'] in tools, e['tool']
            if e['kind'] == 'figure':
                assert e.get('figures'), t['q']
            res = run_check(t['check'], env)
            assert isinstance(res, dict)
            for grp in ('figures', 'must_not'):
                for fg in e.get(grp, []) or []:
                    key = re.match(r'\[(\w+)\]', fg['what']).group(1)
                    got = res[key]
                    assert math.isclose(float(got), float(fg['value']), rel_tol=1e-12, abs_tol=1e-9), (it['id'], key, got, fg['value'])
            for m in e.get('must_not', []) or []:
                for fg in e.get('figures', []) or []:
                    tol = max(m['rel_tol'], fg['rel_tol'])
                    clash = math.isclose(float(m['value']), float(fg['value']), rel_tol=tol)
                    assert not clash, (it['id'], m['what'], fg['what'])
            if 'period' in e:
                assert re.fullmatch(r'\d{4}-\d\d-\d\d\.\.\d{4}-\d\d-\d\d', e['period'])
    print(f'OK: {len(doc["items"])} conversations, {nturns} turns, kinds {kinds}')
    return doc


if __name__ == '__main__':
    if '--verify-only' not in sys.argv:
        build()
    doc = verify()
    if '--show' in sys.argv:
        for it in doc['items']:
            for t in it['turns']:
                print(it['id'], t['expect']['kind'], [(f['what'].split(']')[0] + ']', f['value']) for f in t['expect'].get('figures', []) or []],
                      'NOT', [(f['what'].split(']')[0] + ']', f['value']) for f in t['expect'].get('must_not', []) or []])
