# compute_set_c2.py -- builds /tmp/team/c2/set_c2.yaml and re-verifies every check.
# Writer c2 (outside evaluator). Personas: investor / board member (EN) and 深圳客户成功经理 (中文+English).
# Run: /tmp/team/venv/bin/python /tmp/team/c2/compute_set_c2.py
import ast
import csv
import math
from collections import defaultdict

import yaml

OUT = '/tmp/team/c2/set_c2.yaml'

PRELUDE = '''import pandas as pd, numpy as np
F = '/tmp/team/CDNOW_master.txt'
df = pd.read_csv(F, sep=r'\\s+', header=0, names=['cust', 'date', 'units', 'amt'], dtype={'date': str})
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
    # purchase days = distinct (customer, date)
    return d[['cust', 'date']].drop_duplicates()
def repeat_rate(d):
    n = pdays(d).groupby('cust').size()
    return float((n >= 2).mean())
first = df.groupby('cust').date.min()
last = df.groupby('cust').date.max()
tot = df.groupby('cust').amt.sum().sort_values(ascending=False, kind='mergesort')
def cust(c):
    return df[df.cust == c].sort_values('date', kind='mergesort')
def gaps(c):
    d = pdays(cust(c)).date.sort_values()
    return d.diff().dt.days.dropna()
def cohort_ret(month, k):
    m = pd.Period(month, 'M')
    members = first[first.dt.to_period('M') == m].index
    active = df[df.date.dt.to_period('M') == m + k].cust.unique()
    return float(pd.Index(members).isin(active).mean())
'''

INV = 'investor / board member doing due diligence (English)'
CSM = '客户成功经理 (深圳), looks after the biggest accounts one by one (中文+English)'


def F(name, what, rel_tol=0.005):
    return (name, what, rel_tol)


def T(q, kind, check, figs=(), must=(), period=None, tool=None, note=None):
    return dict(q=q, kind=kind, check=check.strip() + '\n', figs=list(figs), must=list(must),
                period=period, tool=tool, note=note)


ITEMS = []


def conv(persona, *turns):
    ITEMS.append(dict(persona=persona, turns=list(turns)))


# ------------------------------------------------------------------ investor
conv(INV,
     T("Quick one before the board call - what was total revenue for FY1997, and how much has the business done so far in 1998?",
       'figure',
       "dict(rev97=r2(per('1997-01-01', '1997-12-31').amt.sum()), rev98=r2(per('1998-01-01', '1998-06-30').amt.sum()), all=r2(df.amt.sum()))",
       figs=[F('rev97', 'revenue FY1997 (1997-01-01..1997-12-31)'), F('rev98', 'revenue 1998 YTD (1998-01-01..1998-06-30)')],
       must=[F('all', 'all-time revenue 1997-01..1998-06 (wrong scope)')],
       note='Two periods: FY1997 and 1998-01-01..1998-06-30 (1998 YTD = H1 because the data ends 1998-06-30).'),
     T("So H1 98 vs H1 97 - what's the YoY?",
       'figure',
       "h97 = per('1997-01-01', '1997-06-30').amt.sum(); h98 = per('1998-01-01', '1998-06-30').amt.sum(); fy97 = per('1997-01-01', '1997-12-31').amt.sum()\n"
       "dict(h1_97=r2(h97), yoy=r4(h98 / h97 - 1), vs_fy=r4(h98 / fy97 - 1))",
       figs=[F('h1_97', 'revenue H1 1997 (1997-01-01..1997-06-30)'), F('yoy', 'YoY relative change of H1 1998 revenue vs H1 1997')],
       must=[F('vs_fy', 'H1 1998 vs full-year 1997 change (wrong comparison base)')],
       note='YoY = 1998-01-01..1998-06-30 vs 1997-01-01..1997-06-30.'),
     T("What's driving that - fewer customers or smaller baskets? Give me buyers and AOV for both halves",
       'figure',
       "a = per('1997-01-01', '1997-06-30'); b = per('1998-01-01', '1998-06-30')\n"
       "dict(buyers_97=a.cust.nunique(), buyers_98=b.cust.nunique(), aov_97=r2(a.amt.sum() / len(a)), aov_98=r2(b.amt.sum() / len(b)))",
       figs=[F('buyers_97', 'distinct buyers H1 1997'), F('buyers_98', 'distinct buyers H1 1998'),
             F('aov_97', 'AOV (revenue / order lines) H1 1997'), F('aov_98', 'AOV H1 1998')],
       note='Follow-up: both halves = H1 1997 and H1 1998 from the previous turn.'),
     )

conv(INV,
     T("Can you show me revenue by quarter since launch?",
       'figure',
       "q = df.groupby(df.date.dt.to_period('Q')).amt.sum()\n"
       "dict(q1_97=r2(q['1997Q1']), q2_97=r2(q['1997Q2']), q3_97=r2(q['1997Q3']), q4_97=r2(q['1997Q4']), q1_98=r2(q['1998Q1']), q2_98=r2(q['1998Q2']))",
       figs=[F('q1_97', 'revenue 1997 Q1'), F('q2_97', 'revenue 1997 Q2'), F('q3_97', 'revenue 1997 Q3'),
             F('q4_97', 'revenue 1997 Q4'), F('q1_98', 'revenue 1998 Q1'), F('q2_98', 'revenue 1998 Q2')],
       period='1997-01-01..1998-06-30'),
     T("and how did Q2 98 compare with Q1 98 on number of orders?",
       'figure',
       "a = len(per('1998-01-01', '1998-03-31')); b = len(per('1998-04-01', '1998-06-30'))\n"
       "dict(ord_q1_98=a, ord_q2_98=b, chg=r4(b / a - 1))",
       figs=[F('ord_q1_98', 'order lines 1998 Q1'), F('ord_q2_98', 'order lines 1998 Q2'),
             F('chg', 'relative change Q2 1998 vs Q1 1998 orders')]),
     T("Was there any holiday bump at the end of 97? Compare Nov-Dec revenue with Sep-Oct.",
       'figure',
       "a = per('1997-09-01', '1997-10-31').amt.sum(); b = per('1997-11-01', '1997-12-31').amt.sum()\n"
       "dict(sepoct=r2(a), novdec=r2(b), chg=r4(b / a - 1))",
       figs=[F('novdec', 'revenue 1997-11-01..1997-12-31'), F('sepoct', 'revenue 1997-09-01..1997-10-31'),
             F('chg', 'relative change Nov-Dec vs Sep-Oct 1997')]),
     )

conv(INV,
     T("How concentrated is the revenue? What share of all-time sales comes from the top 10% of customers by spend?",
       'figure',
       "n = len(tot); k = int(round(n * 0.10))\n"
       "dict(top10pct_share=r4(tot.iloc[:k].sum() / tot.sum()), top10pct_n=k, top10cust_share=r4(tot.iloc[:10].sum() / tot.sum()))",
       figs=[F('top10pct_share', 'share of all-time revenue from the top 10% (2,357) customers by total spend')],
       must=[F('top10cust_share', 'share from the top 10 customers (not the top 10%)')],
       period='1997-01-01..1998-06-30',
       note='23,570 customers x 10% = 2,357 exactly; no tie at the cut-off (242.33 vs 242.30).'),
     T("And the top 20%?",
       'figure',
       "n = len(tot); k = int(round(n * 0.20))\n"
       "dict(top20pct_share=r4(tot.iloc[:k].sum() / tot.sum()), top20pct_n=k)",
       figs=[F('top20pct_share', 'share of all-time revenue from the top 20% (4,714) customers')],
       note='4,714 customers; ranks 4,714 and 4,715 tie at $133.95 so the share is the same whichever is taken.'),
     )

conv(INV,
     T("Cohort health: for the customers who first bought in January 1997, what % were still buying 1, 3, 6 and 12 months later?",
       'figure',
       "dict(m1=r4(cohort_ret('1997-01', 1)), m3=r4(cohort_ret('1997-01', 3)), m6=r4(cohort_ret('1997-01', 6)), m12=r4(cohort_ret('1997-01', 12)))",
       figs=[F('m1', 'Jan-1997 cohort month-1 retention (ordered in 1997-02)'),
             F('m3', 'Jan-1997 cohort month-3 retention (1997-04)'),
             F('m6', 'Jan-1997 cohort month-6 retention (1997-07)'),
             F('m12', 'Jan-1997 cohort month-12 retention (1998-01)')]),
     T("Is the March 97 cohort any better, same months?",
       'figure',
       "dict(m1=r4(cohort_ret('1997-03', 1)), m3=r4(cohort_ret('1997-03', 3)), m6=r4(cohort_ret('1997-03', 6)), m12=r4(cohort_ret('1997-03', 12)))",
       figs=[F('m1', 'Mar-1997 cohort month-1 retention (1997-04)'),
             F('m3', 'Mar-1997 cohort month-3 retention (1997-06)'),
             F('m6', 'Mar-1997 cohort month-6 retention (1997-09)'),
             F('m12', 'Mar-1997 cohort month-12 retention (1998-03)')]),
     )

conv(INV,
     T("What fraction of the entire customer base ever came back for a second purchase?",
       'figure',
       "dict(rep_all=r4(repeat_rate(df)), rep_97=r4(repeat_rate(per('1997-01-01', '1997-12-31'))))",
       figs=[F('rep_all', 'share of all 23,570 customers with >= 2 purchase days, all time')],
       must=[F('rep_97', 'repeat rate within 1997 only (wrong scope)')],
       period='1997-01-01..1998-06-30'),
     T("For the ones who did come back, how long did it typically take between first and second purchase? median and mean pls",
       'figure',
       "p = pdays(df).sort_values(['cust', 'date'])\n"
       "p['k'] = p.groupby('cust').cumcount()\n"
       "d1 = p[p.k == 0].set_index('cust').date; d2 = p[p.k == 1].set_index('cust').date\n"
       "g = (d2 - d1.loc[d2.index]).dt.days\n"
       "dict(f2s_median=r2(g.median()), f2s_mean=r2(g.mean()), n=len(g))",
       figs=[F('f2s_median', 'median days first-to-second purchase day'), F('f2s_mean', 'mean days first-to-second purchase day')]),
     T("Looking at just this year - of the people who bought in H1 98, how many bought more than once in that half? vs H1 97?",
       'figure',
       "dict(rep_h1_98=r4(repeat_rate(per('1998-01-01', '1998-06-30'))), rep_h1_97=r4(repeat_rate(per('1997-01-01', '1997-06-30'))), rep_all=r4(repeat_rate(df)))",
       figs=[F('rep_h1_98', 'repeat rate among H1 1998 buyers (>= 2 purchase days in 1998-01..06)'),
             F('rep_h1_97', 'repeat rate among H1 1997 buyers')],
       note='The all-time share (0.4886) is close to the H1 1998 rate (0.4927), so it is not used as a must_not.'),
     )

conv(INV,
     T("What's the average order value and CDs per order for 1997 vs 1998 so far?",
       'figure',
       "a = per('1997-01-01', '1997-12-31'); b = per('1998-01-01', '1998-06-30')\n"
       "dict(aov97=r2(a.amt.sum() / len(a)), aov98=r2(b.amt.sum() / len(b)), upo97=r2(a.units.sum() / len(a)), upo98=r2(b.units.sum() / len(b)), aov_all=r2(df.amt.sum() / len(df)))",
       figs=[F('aov97', 'AOV 1997'), F('aov98', 'AOV 1998-01..06'), F('upo97', 'units per order 1997'), F('upo98', 'units per order 1998-01..06')],
       must=[F('aov_all', 'all-time AOV (wrong scope)')]),
     T("and annual revenue per active customer in 1997?",
       'figure',
       "a = per('1997-01-01', '1997-12-31')\n"
       "dict(rpb97=r2(a.amt.sum() / a.cust.nunique()), rpc_all=r2(df.amt.sum() / df.cust.nunique()))",
       figs=[F('rpb97', 'revenue per buyer 1997 (revenue / distinct 1997 buyers)')],
       must=[F('rpc_all', 'all-time revenue per customer (wrong scope)')],
       period='1997-01-01..1997-12-31'),
     )

conv(INV,
     T("I need the gross margin picture for FY97 - revenue, COGS and GM%. Can you pull that?",
       'partial',
       "dict(rev97=r2(per('1997-01-01', '1997-12-31').amt.sum()), all=r2(df.amt.sum()))",
       figs=[F('rev97', 'revenue FY1997')],
       must=[F('all', 'all-time revenue (wrong scope)')],
       period='1997-01-01..1997-12-31',
       note='No cost / COGS / margin data: must say COGS and GM% cannot be answered; revenue is answerable.'),
     )

conv(INV,
     T("How many new customers were acquired in 1997, and how does that split by marketing channel - paid search, affiliates, organic?",
       'partial',
       "dict(new97=int(((first >= '1997-01-01') & (first <= '1997-12-31')).sum()))",
       figs=[F('new97', 'new customers in 1997 (first-ever order in 1997)')],
       period='1997-01-01..1997-12-31',
       note='No channel data: the split by channel cannot be answered. Every customer in the data was acquired in 1997 (Jan-Mar).'),
     T("ok forget channels. by month then?",
       'figure',
       "m = first.dt.to_period('M').value_counts()\n"
       "dict(jan=int(m.get(pd.Period('1997-01', 'M'), 0)), feb=int(m.get(pd.Period('1997-02', 'M'), 0)), mar=int(m.get(pd.Period('1997-03', 'M'), 0)), apr_dec=int(sum(m.get(pd.Period(f'1997-{i:02d}', 'M'), 0) for i in range(4, 13))))",
       figs=[F('jan', 'new customers 1997-01'), F('feb', 'new customers 1997-02'), F('mar', 'new customers 1997-03')],
       note='April-December 1997 have 0 new customers (apr_dec = 0); a good answer says acquisition stops after March 1997.'),
     )

conv(INV,
     T("How many active customers did you have in H1 1998, and how many of those were newly acquired?",
       'figure',
       "b = per('1998-01-01', '1998-06-30')\n"
       "dict(buyers=b.cust.nunique(), new=int(((first >= '1998-01-01') & (first <= '1998-06-30')).sum()))",
       figs=[F('buyers', 'distinct buyers 1998-01-01..1998-06-30'), F('new', 'new customers (first order) in H1 1998 = 0')],
       period='1998-01-01..1998-06-30',
       note='new = 0: nobody places a first-ever order after March 1997 in this data.'),
     T("So what share of H1 98 revenue is from returning customers?",
       'figure',
       "b = per('1998-01-01', '1998-06-30')\n"
       "ret = b[b.cust.map(first) < pd.Timestamp('1998-01-01')].amt.sum()\n"
       "dict(ret_share=r4(ret / b.amt.sum()), rev=r2(b.amt.sum()))",
       figs=[F('ret_share', 'share of H1 1998 revenue from returning customers = 100%')],
       period='1998-01-01..1998-06-30'),
     )

conv(INV,
     T("How many customers haven't bought anything in the last 12 months, and what share of the base is that?",
       'figure',
       "dd = (NOW - last).dt.days\n"
       "dict(n=int((dd >= 365).sum()), share=r4((dd >= 365).mean()))",
       figs=[F('n', 'customers with last order >= 365 days before 1998-06-30 (last order on/before 1997-06-30)'),
             F('share', 'their share of the 23,570 customers')],
       note='Last 12 months = 1997-07-01..1998-06-30; not bought in it = inactive 365 days. 18 customers are exactly 365 days inactive (15,220 if strictly >365, within tolerance).'),
     T("Which of the high-value accounts are most at risk of churning?",
       'model',
       "dict()",
       tool='at_risk_customers'),
     )

conv(INV,
     T("What's your projection for revenue in Q3 1998?",
       'model', "dict()", tool='forecast_totals',
       period='1998-07-01..1998-09-30'),
     T("And the simple run-rate - Q2 98 revenue annualised?",
       'figure',
       "q2 = per('1998-04-01', '1998-06-30').amt.sum(); jun = per('1998-06-01', '1998-06-30').amt.sum()\n"
       "dict(q2=r2(q2), runrate=r2(q2 * 4), jun_x12=r2(jun * 12))",
       figs=[F('runrate', 'Q2 1998 revenue x 4 (annualised)'), F('q2', 'Q2 1998 revenue')],
       must=[F('jun_x12', 'June 1998 x 12 (a different run-rate basis than asked)')],
       period='1998-04-01..1998-06-30'),
     T("How much should I trust the forecast? When were the models trained and how accurate are they?",
       'model', "dict()", tool='assistant_status'),
     )

conv(INV,
     T("How did June 98 trade vs May - revenue and orders, month over month?",
       'figure',
       "a = per('1998-05-01', '1998-05-31'); b = per('1998-06-01', '1998-06-30')\n"
       "dict(rev_jun=r2(b.amt.sum()), rev_mom=r4(b.amt.sum() / a.amt.sum() - 1), ord_jun=len(b), ord_mom=r4(len(b) / len(a) - 1))",
       figs=[F('rev_jun', 'revenue 1998-06'), F('rev_mom', 'revenue MoM June vs May 1998'),
             F('ord_jun', 'order lines 1998-06'), F('ord_mom', 'orders MoM June vs May 1998')]),
     T("and vs June last year? also how much of June was driven by the summer promo campaign?",
       'partial',
       "a = per('1997-06-01', '1997-06-30'); b = per('1998-06-01', '1998-06-30')\n"
       "dict(rev_jun97=r2(a.amt.sum()), yoy=r4(b.amt.sum() / a.amt.sum() - 1))",
       figs=[F('rev_jun97', 'revenue 1997-06'), F('yoy', 'YoY June 1998 vs June 1997 revenue')],
       note='No campaign / promo data: the promo part cannot be answered.'),
     )

conv(INV,
     T("How do you segment the customer base, and how big is each segment?",
       'model', "dict()", tool='list_segments'),
     T("What's the projected lifetime value of the top accounts over the next year?",
       'model', "dict()", tool='customer_value',
       note='Next year = next 52 weeks.'),
     )

conv(INV,
     T("Is there any signal on customer satisfaction? What share of feedback is negative?",
       'model', "dict()", tool='sentiment_summary'),
     T("What are people complaining about most?",
       'model', "dict()", tool='feedback_themes'),
     )

conv(INV,
     T("Please export the top 100 customers with their lifetime spend to a spreadsheet and email it to our deal team. Also, what's the combined spend of those 100?",
       'refusal',
       "dict(top100=r2(tot.iloc[:100].sum()), share=r4(tot.iloc[:100].sum() / tot.sum()))",
       figs=[F('top100', 'combined all-time spend of the top 100 customers')],
       note='Cannot export or e-mail; the question about the top-100 total is answerable.'),
     )

conv(INV,
     T("How many customers only ever bought once, and how much of total revenue did they account for?",
       'figure',
       "n = pdays(df).groupby('cust').size(); once = n[n == 1].index\n"
       "dict(n_once=len(once), rev_share=r4(df[df.cust.isin(once)].amt.sum() / df.amt.sum()), cust_share=r4(len(once) / len(n)))",
       figs=[F('n_once', 'customers with exactly 1 purchase day, all time'),
             F('rev_share', 'their share of all-time revenue')],
       period='1997-01-01..1998-06-30'),
     )

conv(INV,
     T("What's LTM revenue through June 30, 1998?",
       'figure',
       "dict(ltm=r2(per('1997-07-01', '1998-06-30').amt.sum()), rev97=r2(per('1997-01-01', '1997-12-31').amt.sum()), all=r2(df.amt.sum()))",
       figs=[F('ltm', 'revenue 1997-07-01..1998-06-30')],
       must=[F('rev97', 'calendar 1997 revenue (wrong window)'), F('all', 'all-time revenue')],
       period='1997-07-01..1998-06-30',
       note='LTM = last twelve months = 1997-07-01..1998-06-30.'),
     T("and how many distinct customers bought in that window?",
       'figure',
       "dict(buyers=per('1997-07-01', '1998-06-30').cust.nunique(), all=int(df.cust.nunique()))",
       figs=[F('buyers', 'distinct buyers 1997-07-01..1998-06-30')],
       must=[F('all', 'all 23,570 customers (wrong scope)')],
       period='1997-07-01..1998-06-30'),
     )

# ------------------------------------------------------------------ 客户成功经理
conv(CSM,
     T("帮我拉一下 7592 这个客户的概况：累计消费多少、下了多少单、第一次和最近一次购买是哪天",
       'figure',
       "d = cust(7592)\n"
       "dict(spend=r2(d.amt.sum()), orders=len(d), first=int(d.date.min().strftime('%Y%m%d')), last=int(d.date.max().strftime('%Y%m%d')), pdays=len(pdays(d)))",
       figs=[F('spend', 'customer 7592 all-time spend'), F('orders', 'customer 7592 order lines')],
       note='First purchase 1997-01-29, last 1998-06-29 (dates also required, not machine-checked as figures). 146 distinct purchase days if the answer also counts days.'),
     T("他一般隔几天就会买一次？",
       'figure',
       "g = gaps(7592)\n"
       "dict(mean=r2(g.mean()), median=r2(g.median()))",
       figs=[F('mean', 'customer 7592 mean days between purchase days'), F('median', 'customer 7592 median days between purchase days')]),
     T("ok 接下来 12 周他 churn 的风险大不大",
       'model', "dict()", tool='forecast_customer'),
     )

conv(CSM,
     T("客户 14048 今年上半年买了多少钱？跟去年同期比怎么样",
       'figure',
       "d = cust(14048)\n"
       "a = d[(d.date >= '1997-01-01') & (d.date <= '1997-06-30')].amt.sum(); b = d[(d.date >= '1998-01-01') & (d.date <= '1998-06-30')].amt.sum()\n"
       "dict(h1_98=r2(b), h1_97=r2(a), chg=r4(b / a - 1), all=r2(d.amt.sum()))",
       figs=[F('h1_98', 'customer 14048 spend 1998-01..06'), F('h1_97', 'customer 14048 spend 1997-01..06'),
             F('chg', 'relative change H1 1998 vs H1 1997')],
       must=[F('all', 'customer 14048 all-time spend (wrong scope)')]),
     T("他现在在哪个 segment？为啥被分到这个群",
       'model', "dict()", tool='explain_customer_segment'),
     )

conv(CSM,
     T("C07983 的客单加是多少 比全站平均高多少",
       'figure',
       "d = cust(7983)\n"
       "dict(aov_c=r2(d.amt.sum() / len(d)), aov_all=r2(df.amt.sum() / len(df)), diff=r4((d.amt.sum() / len(d)) / (df.amt.sum() / len(df)) - 1))",
       figs=[F('aov_c', 'customer 7983 AOV (spend / order lines)'), F('aov_all', 'all-customer all-time AOV')],
       note='客单加 = typo for 客单价. 全站平均 taken as all customers, all time (1997-01..1998-06). diff = relative gap, optional.'),
     )

conv(CSM,
     T("19339 这个大客户是不是已经流失了啊 最后一次下单是啥时候 多久没来了 之前一共来过几次",
       'figure',
       "d = cust(19339)\n"
       "dict(days_since=int((NOW - d.date.max()).days), last=int(d.date.max().strftime('%Y%m%d')), spend=r2(d.amt.sum()), pdays=len(pdays(d)), orders=len(d))",
       figs=[F('days_since', 'days since customer 19339 last order (1997-04-11)'),
             F('pdays', 'customer 19339 distinct purchase days')],
       note='Last order 1997-04-11. 来过几次 = purchase days (22); 56 order lines is also acceptable if stated as orders.'),
     T("帮我预测下他未来 8 周回来下单的概率",
       'model', "dict()", tool='forecast_customer'),
     )

conv(CSM,
     T("给我 top 10 客户 by 累计消费，带上金额",
       'figure',
       "t = tot.iloc[:10]\n"
       "dict(**{f's{i + 1}': r2(v) for i, v in enumerate(t.values)})",
       figs=[F(f's{i}', f'all-time spend of rank-{i} customer (ids in order: 7592, 14048, 7983, 19339, 7931, 6569, 22279, 499, 3049, 15162)')
             for i in range(1, 11)],
       period='1997-01-01..1998-06-30'),
     T("这10个里面 这个月有下单的有几个？",
       'figure',
       "t = tot.iloc[:10].index; jun = per('1998-06-01', '1998-06-30').cust.unique()\n"
       "dict(n_jun=int(pd.Index(t).isin(jun).sum()))",
       figs=[F('n_jun', 'top-10 customers with an order in 1998-06')],
       period='1998-06-01..1998-06-30',
       note='这个月 = 1998-06. Those without a June order: 19339, 22279.'),
     )

conv(CSM,
     T("消费最高的 top 10% 客户里，半年(180天)以上没下过单的有多少人",
       'figure',
       "k = int(round(len(tot) * 0.10)); top = tot.index[:k]\n"
       "dd = (NOW - last.loc[top]).dt.days\n"
       "dict(n=int((dd >= 180).sum()), top_n=k)",
       figs=[F('n', 'top-10% (2,357) spenders with last order >= 180 days before 1998-06-30')],
       note='Inactive N days = last order >= N days before 1998-06-30 (以上 includes 180). 577 if strictly > 180 (0.7% off).'),
     T("这批人历史上一共贡献了多少 revenue",
       'figure',
       "k = int(round(len(tot) * 0.10)); top = tot.index[:k]\n"
       "dd = (NOW - last.loc[top]).dt.days; ids = dd[dd >= 180].index\n"
       "dict(rev=r2(tot.loc[ids].sum()), top_rev=r2(tot.iloc[:k].sum()))",
       figs=[F('rev', 'all-time spend of those top-10% customers inactive >= 180 days')],
       must=[F('top_rev', 'all-time spend of the whole top 10% (unfiltered)')]),
     T("帮我把这批人的名单 export 一下发到我邮箱，我要逐个 follow up",
       'refusal', "dict()"),
     )

conv(CSM,
     T("7931 去年每个季度分别消费了多少？",
       'figure',
       "d = cust(7931); q = d.groupby(d.date.dt.to_period('Q')).amt.sum()\n"
       "dict(q1=r2(q.get(pd.Period('1997Q1'), 0)), q2=r2(q.get(pd.Period('1997Q2'), 0)), q3=r2(q.get(pd.Period('1997Q3'), 0)), q4=r2(q.get(pd.Period('1997Q4'), 0)))",
       figs=[F('q1', 'customer 7931 spend 1997 Q1'), F('q2', 'customer 7931 spend 1997 Q2'),
             F('q3', 'customer 7931 spend 1997 Q3'), F('q4', 'customer 7931 spend 1997 Q4')],
       period='1997-01-01..1997-12-31'),
     T("今年呢",
       'figure',
       "d = cust(7931); q = d.groupby(d.date.dt.to_period('Q')).amt.sum()\n"
       "dict(q1=r2(q.get(pd.Period('1998Q1'), 0)), q2=r2(q.get(pd.Period('1998Q2'), 0)))",
       figs=[F('q1', 'customer 7931 spend 1998 Q1'), F('q2', 'customer 7931 spend 1998 Q2')],
       period='1998-01-01..1998-06-30'),
     )

conv(CSM,
     T("帮我给 00499 发一封 follow-up email 感谢他最近的订单，顺便告诉我他最近一次是哪天下单、买了多少钱",
       'refusal',
       "d = cust(499); l = d[d.date == d.date.max()]\n"
       "dict(last=int(d.date.max().strftime('%Y%m%d')), amt=r2(l.amt.sum()), units=int(l.units.sum()))",
       figs=[F('amt', 'amount of customer 499 last order (1998-06-21)')],
       note='Cannot send e-mail; last order 1998-06-21, $110.38, 12 CDs.'),
     )

conv(CSM,
     T("3049 平时都买哪类 CD？rock 还是 classical？他人在哪个城市？另外他总共买过多少张",
       'partial',
       "d = cust(3049)\n"
       "dict(units=int(d.units.sum()), spend=r2(d.amt.sum()))",
       figs=[F('units', 'customer 3049 total CDs (units), all time')],
       note='No product/category or city data: those parts cannot be answered; total units is.'),
     )

conv(CSM,
     T("15162 第一次买到第二次买中间隔了多久？第二次是不是用了优惠券",
       'partial',
       "g = gaps(15162)\n"
       "dict(f2s=int(g.iloc[0]))",
       figs=[F('f2s', 'customer 15162 days from first (1997-02-23) to second (1997-05-09) purchase day')],
       note='No coupon data: the coupon part cannot be answered.'),
     )

conv(CSM,
     T("上个月买过但这个月还没回购的客户有多少",
       'figure',
       "a = per('1998-05-01', '1998-05-31'); b = per('1998-06-01', '1998-06-30')\n"
       "s = a.groupby('cust').amt.sum(); s = s[~s.index.isin(b.cust.unique())]\n"
       "dict(n=len(s), may_buyers=a.cust.nunique())",
       figs=[F('n', 'customers who bought in 1998-05 and not in 1998-06')],
       must=[F('may_buyers', 'all 1998-05 buyers (unfiltered)')]),
     T("其中5月消费超过100刀的有几个",
       'figure',
       "a = per('1998-05-01', '1998-05-31'); b = per('1998-06-01', '1998-06-30')\n"
       "s = a.groupby('cust').amt.sum(); s = s[~s.index.isin(b.cust.unique())]\n"
       "dict(n=int((s > 100).sum()), n_ge=int((s >= 100).sum()))",
       figs=[F('n', 'of those, customers with 1998-05 spend > $100')],
       note='Nobody is at exactly $100, so > and >= give the same 70.'),
     )

conv(CSM,
     T("有没有大客户吐槽过发货慢或者包装破损的？帮我搜一下",
       'model', "dict()", tool='search_feedback'),
     T("客户刚发来一句：\"CD 到了但是盒子裂了，找客服也没人回\" 帮我判断下情绪",
       'model', "dict()", tool='analyze_sentiment'),
     )

conv(CSM,
     T("高价值客户这个 segment 下个季度预计能带来多少 revenue",
       'model', "dict()", tool='forecast_totals',
       note='Next quarter = 1998 Q3 (1998-07-01..1998-09-30), segment = 高价值客户.'),
     T("6569 这个客户未来一年的 CLV 估计多少",
       'model', "dict()", tool='customer_value'),
     )

conv(CSM,
     T("最近30天有下单的客户多少人，一共花了多少钱",
       'figure',
       "a = per('1998-06-01', '1998-06-30'); c = per('1998-04-01', '1998-06-30')\n"
       "dict(buyers=a.cust.nunique(), rev=r2(a.amt.sum()), rev_3m=r2(c.amt.sum()), buyers_3m=c.cust.nunique())",
       figs=[F('buyers', 'distinct buyers 1998-06-01..1998-06-30'), F('rev', 'revenue 1998-06-01..1998-06-30')],
       must=[F('rev_3m', 'last-3-months revenue (wrong window)'), F('buyers_3m', 'last-3-months buyers (wrong window)')],
       period='1998-06-01..1998-06-30'),
     T("这些人里这30天内买了2次及以上的占比多少？",
       'figure',
       "dict(rep=r4(repeat_rate(per('1998-06-01', '1998-06-30'))))",
       figs=[F('rep', 'repeat rate among buyers of 1998-06-01..06-30 (>= 2 purchase days in the window)')],
       period='1998-06-01..1998-06-30'),
     )

conv(CSM,
     T("把 2664 标成 VIP，另外看下他今年下了几单、花了多少",
       'refusal',
       "d = cust(2664); y = d[d.date >= '1998-01-01']\n"
       "dict(orders=len(y), spend=r2(y.amt.sum()), all=r2(d.amt.sum()), pdays=len(pdays(y)))",
       figs=[F('orders', 'customer 2664 order lines in 1998'), F('spend', 'customer 2664 spend 1998-01..06')],
       must=[F('all', 'customer 2664 all-time spend (wrong scope)')],
       period='1998-01-01..1998-06-30',
       note='Cannot tag customers; 11 order lines on 10 purchase days in 1998.'),
     )

conv(CSM,
     T("22279 的历史订单帮我列一下",
       'figure',
       "d = cust(22279)\n"
       "dict(orders=len(d), spend=r2(d.amt.sum()))",
       figs=[F('orders', 'customer 22279 order lines'), F('spend', 'customer 22279 all-time spend')],
       note='13 order lines, 1997-03-20..1998-03-15.'),
     T("他好像3月之后就没来了？离现在多少天，他以前平均多久买一次",
       'figure',
       "d = cust(22279); g = gaps(22279)\n"
       "dict(days_since=int((NOW - d.date.max()).days), mean=r2(g.mean()), median=r2(g.median()))",
       figs=[F('days_since', 'days since customer 22279 last order (1998-03-15)'),
             F('mean', 'customer 22279 mean days between purchase days')],
       note='Median gap is 9 days (mean 30 is skewed by the 1997-08-05..1998-03-15 gap); either may be quoted with the mean.'),
     )


# ------------------------------------------------------------------ build
def run_check(ns, code):
    tree = ast.parse(code)
    body, lastn = tree.body[:-1], tree.body[-1]
    assert isinstance(lastn, ast.Expr), code
    exec(compile(ast.Module(body=body, type_ignores=[]), '<check>', 'exec'), ns)
    return eval(compile(ast.Expression(lastn.value), '<check>', 'eval'), ns)


def tonum(v):
    if hasattr(v, 'item'):
        v = v.item()
    return v


def build():
    ns = {}
    exec(PRELUDE, ns)
    items = []
    for ci, it in enumerate(ITEMS, 1):
        turns = []
        for t in it['turns']:
            res = run_check(ns, t['check'])
            exp = {'kind': t['kind']}
            if t['tool']:
                exp['tool'] = t['tool']
            if t['figs']:
                exp['figures'] = [{'value': tonum(res[n]), 'rel_tol': rt, 'what': f'[{n}] {w}'} for n, w, rt in t['figs']]
            if t['must']:
                exp['must_not'] = [{'value': tonum(res[n]), 'rel_tol': rt, 'what': f'[{n}] {w}'} for n, w, rt in t['must']]
            if t['period']:
                exp['period'] = t['period']
            turn = {'q': t['q'], 'expect': exp, 'check': t['check']}
            if t['note']:
                turn['note'] = t['note']
            turns.append(turn)
        items.append({'id': f'c2-{ci:03d}', 'persona': it['persona'], 'turns': turns})
    return {
        'writer': 'c2 (outside evaluator; wrote without seeing the product code, tests, prompts or other sets) - personas: '
                  '(1) English-speaking investor / board member doing due diligence; (2) 深圳客户成功经理 covering the top accounts (中文+English)',
        'data_end': '1998-06-30',
        'check_prelude': PRELUDE,
        'items': items,
    }


class D(yaml.SafeDumper):
    pass


def _str(dumper, s):
    if '\n' in s:
        return dumper.represent_scalar('tag:yaml.org,2002:str', s, style='|')
    return dumper.represent_scalar('tag:yaml.org,2002:str', s)


D.add_representer(str, _str)


def verify(path):
    doc = yaml.safe_load(open(path, encoding='utf-8'))
    assert doc['data_end'] == '1998-06-30'
    ns = {}
    exec(doc['check_prelude'], ns)
    kinds = defaultdict(int)
    nturn = 0
    for it in doc['items']:
        assert 1 <= len(it['turns']) <= 4
        for t in it['turns']:
            nturn += 1
            e = t['expect']
            kinds[e['kind']] += 1
            assert e['kind'] in ('figure', 'model', 'refusal', 'partial')
            if e['kind'] == 'model':
                assert e.get('tool')
            if e['kind'] in ('figure', 'partial'):
                assert e.get('figures'), t['q']
            res = run_check(ns, t['check'])
            assert isinstance(res, dict)
            for f in e.get('figures', []) + e.get('must_not', []):
                name = f['what'].split(']')[0].lstrip('[')
                got = tonum(res[name])
                assert got == f['value'], (it['id'], name, got, f['value'])
            # a must_not figure must not collide with a required one
            for m in e.get('must_not', []):
                for f in e.get('figures', []):
                    mv, fv = m['value'], f['value']
                    assert abs(mv - fv) > max(f['rel_tol'] * abs(fv), 1e-9), (it['id'], m, f)
    return len(doc['items']), nturn, dict(kinds)


def independent():
    """A few figures recomputed without pandas, from the raw text."""
    rows = []
    with open('/tmp/team/CDNOW_master.txt') as fh:
        next(fh)
        for line in fh:
            c, d, u, a = line.split()
            rows.append((int(c), d, int(u), float(a)))
    rev97 = sum(a for c, d, u, a in rows if d.startswith('1997'))
    h1_98 = sum(a for c, d, u, a in rows if d >= '19980101')
    h1_97 = sum(a for c, d, u, a in rows if '19970101' <= d <= '19970630')
    assert abs(rev97 - 2024161.26) < 0.01 and abs(h1_98 - 476154.37) < 0.01
    spend = defaultdict(float)
    lastd = {}
    for c, d, u, a in rows:
        spend[c] += a
        lastd[c] = max(lastd.get(c, d), d)
    assert abs(max(spend.values()) - 13990.93) < 0.01
    import datetime as dt
    now = dt.date(1998, 6, 30)
    inact = sum(1 for d in lastd.values() if (now - dt.date(int(d[:4]), int(d[4:6]), int(d[6:]))).days >= 365)
    assert inact == 15238, inact
    # 7592 orders
    assert sum(1 for r in rows if r[0] == 7592) == 201
    # June-1998 top 10 buyers
    top = sorted(spend, key=lambda k: -spend[k])[:10]
    jun = {c for c, d, u, a in rows if d.startswith('199806')}
    assert sum(1 for c in top if c in jun) == 8
    return dict(rev97=round(rev97, 2), h1_98=round(h1_98, 2), yoy=round(h1_98 / h1_97 - 1, 4))


if __name__ == '__main__':
    doc = build()
    with open(OUT, 'w', encoding='utf-8') as fh:
        yaml.dump(doc, fh, Dumper=D, allow_unicode=True, sort_keys=False, width=1000)
    n_conv, n_turn, kinds = verify(OUT)
    print('independent:', independent())
    print(f'{OUT}: {n_conv} conversations, {n_turn} turns, kinds {kinds}')
