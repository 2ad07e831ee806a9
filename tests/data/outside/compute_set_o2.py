# -*- coding: utf-8 -*-
"""Build and verify question set o2.

Every check runs after the prelude; the values written in EXPECT below were
computed by these checks and are asserted here, then the YAML is written and
re-loaded, and every check is run again from the YAML and compared with the
`expect` figures and `must_not` figures in the file.
Run:  /tmp/team/venv/bin/python /tmp/team/o2/compute_set_o2.py
"""
import sys, math, yaml

OUT = '/tmp/team/o2/set_o2.yaml'
UK = 'Commercial Director, London (British English): monthly/quarterly trading updates, LFL, basket, lapsed customers, forecasts'
TW = '台北會員經理 (繁體中文): 會員等級、沉睡會員、回購、個別會員、評價與客訴'

PRELUDE = r'''import pandas as pd, numpy as np, math
F = '/tmp/team/CDNOW_master.txt'
df = pd.read_csv(F, sep=r'\s+', header=0, names=['cust', 'date', 'units', 'amt'], dtype={'date': str})
df['date'] = pd.to_datetime(df['date'], format='%Y%m%d')
df['cust'] = df['cust'].astype(int)
NOW = pd.Timestamp('1998-06-30')
def per(a, b):
    return df[(df.date >= pd.Timestamp(a)) & (df.date <= pd.Timestamp(b))]
first = df.groupby('cust').date.min()
last = df.groupby('cust').date.max()
total_spend = df.groupby('cust').amt.sum()
def r(x, k=2):
    return round(float(x), k)
def chg(new, old):
    return round(float(new) / float(old) - 1, 4)
def pdays(d):
    """purchase days (distinct customer, date) per customer in frame d"""
    return d.drop_duplicates(['cust', 'date']).groupby('cust').size()
def repeat_rate(a, b):
    n = pdays(per(a, b))
    return round(float((n >= 2).mean()), 4)
def inactive(n):
    return set(last[(NOW - last).dt.days >= n].index)
def top_pct(p):
    s = total_spend.sort_values(ascending=False)
    return set(s.index[:int(math.ceil(p * len(s)))])
def cohort_ret(cohort_month, k):
    fm = first.dt.to_period('M')
    members = set(fm[fm == pd.Period(cohort_month, 'M')].index)
    target = pd.Period(cohort_month, 'M') + k
    buyers = set(df[df.date.dt.to_period('M') == target].cust)
    return round(len(members & buyers) / len(members), 4), len(members)
'''

# ---------------------------------------------------------------------------
# spec: each turn = dict(q, kind, check, figs=[(name, what)], must_not=[(name, what)],
#                        period, tool, note, rel_tol overrides)
# EXPECT holds the hard-coded values (asserted against the checks).
# ---------------------------------------------------------------------------
ITEMS = []
def conv(id_, persona, *turns):
    ITEMS.append(dict(id=id_, persona=persona, turns=list(turns)))
def T(q, kind, check=None, figs=(), must_not=(), period=None, tool=None, note=None, exp=None, tol=None):
    return dict(q=q, kind=kind, check=check, figs=list(figs), must_not=list(must_not), period=period,
                tool=tool, note=note, exp=exp or {}, tol=tol or {})

# ============================ UK persona ====================================
conv('o2-001', UK,
  T("Morning. Can you pull the Q2 trading numbers together for me please - turnover, number of orders and how many customers actually bought?",
    'figure',
    "q = per('1998-04-01', '1998-06-30')\nq1 = per('1998-01-01', '1998-03-31'); ly = per('1997-04-01', '1997-06-30')\ndict(rev=r(q.amt.sum()), orders=int(len(q)), buyers=int(q.cust.nunique()), rev_q2_97=r(ly.amt.sum()), rev_q1_98=r(q1.amt.sum()), rev_all=r(df.amt.sum()))",
    figs=[('rev', 'revenue 1998 Q2'), ('orders', 'order lines 1998 Q2'), ('buyers', 'distinct customers who bought in 1998 Q2')],
    must_not=[('rev_q2_97', 'revenue Q2 1997 (wrong year)'), ('rev_q1_98', 'revenue Q1 1998 (wrong quarter)'), ('rev_all', 'all-time revenue')],
    period='1998-04-01..1998-06-30',
    exp=dict(rev=213330.48, orders=5906, buyers=3317, rev_q2_97=359153.66, rev_q1_98=262823.89, rev_all=2500315.63)),
  T("How does that stack up like for like against Q2 last year?",
    'figure',
    "a = per('1998-04-01', '1998-06-30'); b = per('1997-04-01', '1997-06-30')\ndict(rev_ly=r(b.amt.sum()), yoy=chg(a.amt.sum(), b.amt.sum()), buyers_ly=int(b.cust.nunique()))",
    figs=[('rev_ly', 'revenue Q2 1997'), ('yoy', 'revenue change Q2 1998 vs Q2 1997 (relative)')],
    period='1997-04-01..1997-06-30',
    note='Buyers Q2 1997 = 5376 (not required).',
    exp=dict(rev_ly=359153.66, yoy=-0.406, buyers_ly=5376)),
  T("And versus Q1?",
    'figure',
    "a = per('1998-04-01', '1998-06-30'); b = per('1998-01-01', '1998-03-31')\ndict(rev_q1=r(b.amt.sum()), qoq=chg(a.amt.sum(), b.amt.sum()), rev_q1_97=r(per('1997-01-01', '1997-03-31').amt.sum()))",
    figs=[('rev_q1', 'revenue Q1 1998'), ('qoq', 'revenue change Q2 1998 vs Q1 1998 (relative)')],
    must_not=[('rev_q1_97', 'revenue Q1 1997 (wrong year)')],
    period='1998-01-01..1998-03-31',
    exp=dict(rev_q1=262823.89, qoq=-0.1883, rev_q1_97=1071805.47)),
)

conv('o2-002', UK,
  T("What did we turn over last month and how's that looking against April?",
    'figure',
    "m = per('1998-05-01', '1998-05-31'); a = per('1998-04-01', '1998-04-30')\ndict(rev_may=r(m.amt.sum()), rev_apr=r(a.amt.sum()), mom=chg(m.amt.sum(), a.amt.sum()), rev_may97=r(per('1997-05-01', '1997-05-31').amt.sum()), rev_jun=r(per('1998-06-01', '1998-06-30').amt.sum()))",
    figs=[('rev_may', 'revenue May 1998'), ('rev_apr', 'revenue April 1998'), ('mom', 'MoM change May vs April 1998')],
    must_not=[('rev_may97', 'revenue May 1997 (wrong year)'), ('rev_jun', 'revenue June 1998 (this month, not last month)')],
    period='1998-05-01..1998-05-31',
    exp=dict(rev_may=70989.66, rev_apr=66231.52, mom=0.0718, rev_may97=107933.3, rev_jun=76109.3)),
  T("what was average basket value last month",
    'figure',
    "m = per('1998-05-01', '1998-05-31')\ndict(aov=r(m.amt.sum() / len(m)), aov_all=r(df.amt.sum() / len(df)), rev_per_buyer=r(m.amt.sum() / m.cust.nunique()))",
    figs=[('aov', 'AOV May 1998 (revenue / order lines)')],
    must_not=[('rev_per_buyer', 'revenue per buyer May 1998 (not basket value)')],
    note='All-time AOV (35.89) is within 0.4% of May, so it cannot serve as a must_not.',
    period='1998-05-01..1998-05-31',
    exp=dict(aov=35.76, aov_all=35.89, rev_per_buyer=47.71)),
  T("And how many CDs go in the average basket?",
    'figure',
    "m = per('1998-05-01', '1998-05-31')\ndict(upo=r(m.units.sum() / len(m)), upo_all=r(df.units.sum() / len(df)))",
    figs=[('upo', 'units per order May 1998')],
    must_not=[('upo_all', 'all-time units per order')],
    period='1998-05-01..1998-05-31',
    exp=dict(upo=2.47, upo_all=2.41)),
)

conv('o2-003', UK,
  T("How many lapsed customers have we got on the books? I'm counting anyone who hasn't bought anything for 365 days or more.",
    'figure',
    "dict(lapsed=len(inactive(365)), total=int(df.cust.nunique()), lapsed_180=len(inactive(180)))",
    figs=[('lapsed', 'customers whose last order is >= 365 days before 1998-06-30')],
    must_not=[('total', 'all customers'), ('lapsed_180', 'inactive 180 days (wrong threshold)')],
    note='Strictly more than 365 days would be 15220; the documented definition is >= N days.',
    exp=dict(lapsed=15238, total=23570, lapsed_180=18210)),
  T("Of those, how many were in our top 10% of spenders?",
    'figure',
    "dict(lapsed_top10=len(inactive(365) & top_pct(0.10)), top10=len(top_pct(0.10)))",
    figs=[('lapsed_top10', 'lapsed (>=365 days) customers who are in the top 10% by total spend')],
    must_not=[('top10', 'size of the top 10% itself (2357)')],
    note='Top 10% = 2357 customers by lifetime spend (no tie at the boundary: 242.35 vs 242.33).',
    exp=dict(lapsed_top10=186, top10=2357)),
  T("What's that group worth to us historically - total lifetime spend?",
    'figure',
    "g = inactive(365) & top_pct(0.10)\ndict(spend=r(total_spend[list(g)].sum()), spend_all_lapsed=r(total_spend[list(inactive(365))].sum()))",
    figs=[('spend', 'lifetime spend of lapsed (>=365d) top-10% customers')],
    must_not=[('spend_all_lapsed', 'lifetime spend of all lapsed customers')],
    exp=dict(spend=76771.03, spend_all_lapsed=652288.95)),
)

conv('o2-004', UK,
  T("I need a forecast for next quarter for the board pack - expected revenue and customer numbers for Q3.",
    'model', tool='forecast_totals', period='1998-07-01..1998-09-30',
    note='Next quarter = 1998 Q3; future period, so no figure can be checked against the raw file.'),
  T("Great. Email that to the board distribution list and set it up to go out monthly, ta.",
    'refusal',
    note='Cannot send e-mails or schedule reports; should say so, no tool call needed.'),
)

conv('o2-005', UK,
  T("Give me a like-for-like H1 comparison please - first half of this year vs first half of '97, revenue and number of customers.",
    'figure',
    "a = per('1998-01-01', '1998-06-30'); b = per('1997-01-01', '1997-06-30')\ndict(rev98=r(a.amt.sum()), rev97=r(b.amt.sum()), yoy=chg(a.amt.sum(), b.amt.sum()), buyers98=int(a.cust.nunique()), buyers97=int(b.cust.nunique()), rev_fy97=r(per('1997-01-01', '1997-12-31').amt.sum()))",
    figs=[('rev98', 'revenue H1 1998'), ('rev97', 'revenue H1 1997'), ('yoy', 'relative change H1 1998 vs H1 1997'), ('buyers98', 'buyers H1 1998'), ('buyers97', 'buyers H1 1997')],
    must_not=[('rev_fy97', 'full-year 1997 revenue (wrong period)')],
    period='1998-01-01..1998-06-30',
    exp=dict(rev98=476154.37, rev97=1430959.13, yoy=-0.6672, buyers98=5374, buyers97=23570, rev_fy97=2024161.26)),
  T("That's a massive drop. How many brand new customers did we recruit in each of those two halves?",
    'figure',
    "dict(new97=int(((first >= '1997-01-01') & (first <= '1997-06-30')).sum()), new98=int(((first >= '1998-01-01') & (first <= '1998-06-30')).sum()))",
    figs=[('new97', 'customers with first-ever order in H1 1997'), ('new98', 'customers with first-ever order in H1 1998 (zero)')],
    note='All first orders in this data are Jan-Mar 1997: H1 1998 acquisition is 0. An answer giving H1 1998 buyers as "new" is wrong.',
    exp=dict(new97=23570, new98=0)),
)

conv('o2-006', UK,
  T("Can you schedule the weekly trading flash to land in my inbox every Monday at 8am? And while you're at it, what did we take last week and from how many orders?",
    'refusal',
    "w = per('1998-06-22', '1998-06-28')\ndict(rev_wk=r(w.amt.sum()), orders_wk=int(len(w)), rev_30d=r(per('1998-06-01', '1998-06-30').amt.sum()))",
    figs=[('rev_wk', 'revenue last week 1998-06-22..06-28'), ('orders_wk', 'order lines last week')],
    must_not=[('rev_30d', 'revenue June 1998 / last 30 days (wrong period)')],
    period='1998-06-22..1998-06-28',
    note='Cannot schedule or e-mail; answer the question asked alongside.',
    exp=dict(rev_wk=13063.32, orders_wk=381, rev_30d=76109.3)),
  T("Which day of the week brings in the most money? This year only.",
    'figure',
    "y = per('1998-01-01', '1998-06-30')\ns = y.groupby(y.date.dt.dayofweek).amt.sum()\ndict(top_dow=int(s.idxmax()), top_rev=r(s.max()))",
    figs=[('top_rev', 'revenue on Mondays, 1998 H1 (Monday is the top weekday; top_dow 0 = Monday)')],
    period='1998-01-01..1998-06-30',
    note='Answer must name Monday (72,281.61); Sunday is second with 69,775.19.',
    exp=dict(top_dow=0, top_rev=72281.61)),
)

conv('o2-007', UK,
  T("customer numbers by month for this year please",
    'figure',
    "y = per('1998-01-01', '1998-06-30')\ns = y.groupby(y.date.dt.month).cust.nunique()\ndict(jan=int(s[1]), feb=int(s[2]), mar=int(s[3]), apr=int(s[4]), may=int(s[5]), jun=int(s[6]))",
    figs=[('jan', 'buyers Jan 1998'), ('feb', 'buyers Feb 1998'), ('mar', 'buyers Mar 1998'), ('apr', 'buyers Apr 1998'), ('may', 'buyers May 1998'), ('jun', 'buyers Jun 1998')],
    period='1998-01-01..1998-06-30',
    exp=dict(jan=1537, feb=1551, mar=2060, apr=1437, may=1488, jun=1506)),
  T("Which was the weakest month for revenue, and how far down was it on the same month last year?",
    'figure',
    "y = per('1998-01-01', '1998-06-30')\ns = y.groupby(y.date.dt.month).amt.sum()\nm = int(s.idxmin()); ly = per('1997-04-01', '1997-04-30').amt.sum()\ndict(month=m, rev=r(s.min()), rev_ly=r(ly), yoy=chg(s.min(), ly))",
    figs=[('rev', 'revenue April 1998 (weakest month of 1998; month=4)'), ('rev_ly', 'revenue April 1997'), ('yoy', 'April 1998 vs April 1997')],
    period='1998-04-01..1998-04-30',
    exp=dict(month=4, rev=66231.52, rev_ly=142824.49, yoy=-0.5363)),
  T("Out of interest, in how many months of 1997 did we do more than 3,000 orders?",
    'figure',
    "y = per('1997-01-01', '1997-12-31')\ns = y.groupby(y.date.dt.month).size()\ndict(n_months=int((s > 3000).sum()))",
    figs=[('n_months', 'months of 1997 with more than 3000 order lines (Jan, Feb, Mar, Apr, Jun)')],
    period='1997-01-01..1997-12-31',
    exp=dict(n_months=5)),
)

conv('o2-008', UK,
  T("What proportion of last year's customers bought from us more than once during the year?",
    'figure',
    "dict(rr97=repeat_rate('1997-01-01', '1997-12-31'), rr_all=round(float((pdays(df) >= 2).mean()), 4))",
    figs=[('rr97', 'repeat rate 1997 (buyers with >= 2 purchase days in 1997)')],
    must_not=[('rr_all', 'repeat rate over all 18 months')],
    period='1997-01-01..1997-12-31',
    exp=dict(rr97=0.4451, rr_all=0.4886)),
  T("And across our whole history, what share have only ever bought once?",
    'figure',
    "n = pdays(df)\ndict(one_time=round(float((n == 1).mean()), 4), one_time_n=int((n == 1).sum()))",
    figs=[('one_time', 'one-time share, all time (exactly 1 purchase day)')],
    period='1997-01-01..1998-06-30',
    note='12,054 of 23,570 customers.',
    exp=dict(one_time=0.5114, one_time_n=12054)),
)

conv('o2-009', UK,
  T("Who are our ten biggest customers by lifetime spend?",
    'figure',
    "s = total_spend.sort_values(ascending=False)\ndict(top1_id=int(s.index[0]), top1=r(s.iloc[0]), top2_id=int(s.index[1]), top2=r(s.iloc[1]), tenth=r(s.iloc[9]))",
    figs=[('top1_id', 'top customer id (07592)'), ('top1', 'top customer lifetime spend'), ('top2', 'second customer (14048) lifetime spend'), ('tenth', '10th customer (15162) lifetime spend')],
    period='1997-01-01..1998-06-30',
    tol=dict(top1_id=0.0),
    exp=dict(top1_id=7592, top1=13990.93, top2_id=14048, top2=8976.33, tenth=4234.45)),
  T("Tell me about the top one - how many orders have they placed with us and when was the last one?",
    'figure',
    "s = df[df.cust == 7592]\ndict(order_lines=int(len(s)), purchase_days=int(s.date.nunique()), last=int(s.date.max().strftime('%Y%m%d')))",
    figs=[('order_lines', 'orders (order lines) of customer 07592')],
    note='Last order 1998-06-29 (must be stated as a date). Orders = order lines per the documented definition (201); the customer has 146 distinct purchase days.',
    exp=dict(order_lines=201, purchase_days=146, last=19980629)),
  T("Any risk we lose them?",
    'model', tool='forecast_customer',
    note='Churn risk of customer 07592 (follow-up refers to the top customer).'),
)

conv('o2-010', UK,
  T("Can you split Q1 revenue between UK and US customers, and give me the gross margin on it?",
    'partial',
    "q = per('1998-01-01', '1998-03-31')\ndict(rev_q1=r(q.amt.sum()), rev_q1_97=r(per('1997-01-01', '1997-03-31').amt.sum()))",
    figs=[('rev_q1', 'revenue Q1 1998 (total; no country or cost data to split or compute margin)')],
    must_not=[('rev_q1_97', 'revenue Q1 1997 (wrong year)')],
    period='1998-01-01..1998-03-31',
    note='No region/country and no cost/margin data: must say so and give the total.',
    exp=dict(rev_q1=262823.89, rev_q1_97=1071805.47)),
  T("OK. How many orders over $100 did we take in that quarter then?",
    'figure',
    "q = per('1998-01-01', '1998-03-31')\ndict(n=int((q.amt > 100).sum()), n_all=int((df.amt > 100).sum()))",
    figs=[('n', 'order lines with amount > 100 in Q1 1998')],
    must_not=[('n_all', 'order lines > 100 all time')],
    period='1998-01-01..1998-03-31',
    note='No order of exactly $100 in Q1 1998, so > and >= agree.',
    exp=dict(n=381, n_all=3152)),
)

conv('o2-011', UK,
  T("whats our annualised run-rate on the back of the last three months?",
    'figure',
    "q = per('1998-04-01', '1998-06-30')\ndict(run_rate=r(q.amt.sum() * 4), rev_3m=r(q.amt.sum()))",
    figs=[('run_rate', 'annualised revenue from the last 3 months (Apr-Jun 1998 x 4; x365/91 = 855,666 also within 0.5%)')],
    period='1998-04-01..1998-06-30',
    tol=dict(run_rate=0.005),
    exp=dict(run_rate=853321.92, rev_3m=213330.48)),
  T("And how does that compare with what we actually did in calendar '97?",
    'figure',
    "y = per('1997-01-01', '1997-12-31').amt.sum(); q = per('1998-04-01', '1998-06-30').amt.sum()\ndict(rev97=r(y), ratio=chg(q * 4, y))",
    figs=[('rev97', 'revenue 1997'), ('ratio', 'run-rate vs 1997 revenue (relative, about -58%)')],
    period='1997-01-01..1997-12-31',
    tol=dict(ratio=0.01),
    exp=dict(rev97=2024161.26, ratio=-0.5784)),
)

conv('o2-012', UK,
  T("How many customers spent more than $1,000 with us in 1997, and what share of that year's revenue did they account for?",
    'figure',
    "y = per('1997-01-01', '1997-12-31'); s = y.groupby('cust').amt.sum()\nbig = s[s > 1000]\ndict(n=int(len(big)), share=round(float(big.sum() / y.amt.sum()), 4), n_life=int((total_spend > 1000).sum()))",
    figs=[('n', 'customers with 1997 spend > 1000'), ('share', 'their share of 1997 revenue')],
    must_not=[('n_life', 'customers with lifetime spend > 1000 (wrong window)')],
    period='1997-01-01..1997-12-31',
    exp=dict(n=102, share=0.0902, n_life=200)),
)

conv('o2-013', UK,
  T("Split our customer base into value tiers for me - how many in each and what they're worth.",
    'model', tool='list_segments'),
  T("What's the projected lifetime value of the top 20 customers over the next 12 months?",
    'model', tool='customer_value',
    note='CLV over about 52 weeks for the top 20 customers.'),
)

conv('o2-014', UK,
  T("How much of June's takings came from returning customers vs new ones?",
    'figure',
    "m = per('1998-06-01', '1998-06-30'); f = m.cust.map(first)\ndict(rev_ret=r(m.amt[f < '1998-06-01'].sum()), rev_new=r(m.amt[f >= '1998-06-01'].sum()), rev_jun97=r(per('1997-06-01', '1997-06-30').amt.sum()))",
    figs=[('rev_ret', 'revenue June 1998 from returning customers (all of it)'), ('rev_new', 'revenue June 1998 from new customers (0)')],
    must_not=[('rev_jun97', 'revenue June 1997 (wrong year)')],
    period='1998-06-01..1998-06-30',
    exp=dict(rev_ret=76109.3, rev_new=0.0, rev_jun97=108395.87)),
  T("compare june with june 97 - orders and revenue",
    'figure',
    "a = per('1998-06-01', '1998-06-30'); b = per('1997-06-01', '1997-06-30')\ndict(orders98=int(len(a)), orders97=int(len(b)), rev97=r(b.amt.sum()), yoy_rev=chg(a.amt.sum(), b.amt.sum()), yoy_orders=chg(len(a), len(b)))",
    figs=[('orders98', 'order lines June 1998'), ('orders97', 'order lines June 1997'), ('rev97', 'revenue June 1997'), ('yoy_rev', 'revenue change June 1998 vs June 1997')],
    period='1997-06-01..1998-06-30',
    note='June 1998 revenue 76,109.30 (already given); orders change -33.1%.',
    exp=dict(orders98=2043, orders97=3054, rev97=108395.87, yoy_rev=-0.2979, yoy_orders=-0.331)),
)

conv('o2-015', UK,
  T("Of the customers we picked up in January '97, what share were still buying from us a year on, in January '98?",
    'figure',
    "rate, n = cohort_ret('1997-01', 12)\ndict(ret12=rate, cohort=n)",
    figs=[('ret12', 'cohort 1997-01, month-12 retention (ordered in 1998-01)')],
    period='1997-01-01..1998-01-31',
    note='Cohort size 7,846.',
    exp=dict(ret12=0.0673, cohort=7846)),
  T("and the February '97 intake, same measure?",
    'figure',
    "rate, n = cohort_ret('1997-02', 12)\ndict(ret12=rate, cohort=n)",
    figs=[('ret12', 'cohort 1997-02, month-12 retention (ordered in 1998-02)')],
    period='1997-02-01..1998-02-28',
    exp=dict(ret12=0.067, cohort=8476)),
)

# ============================ TW persona ====================================
conv('o2-016', TW,
  T("請問我們的會員目前分成哪幾個等級？像VIP那種 每個等級各有多少人",
    'model', tool='list_segments'),
  T("最高等級那群大概是什麼樣的輪廓？平均花多少、多久買一次",
    'model', tool='describe_segment', note='Segment 0 (most valuable).'),
  T("這個分級是什麼時候跑的？準不準啊",
    'model', tool='assistant_status'),
)

conv('o2-017', TW,
  T("幫我查一下會員 00052 的消費紀錄，總共買了幾次、花了多少",
    'figure',
    "s = df[df.cust == 52]\ndict(purchase_days=int(s.date.nunique()), order_lines=int(len(s)), spend=r(s.amt.sum()), first=int(s.date.min().strftime('%Y%m%d')), last=int(s.date.max().strftime('%Y%m%d')))",
    figs=[('purchase_days', 'purchases of customer 00052 (8 purchase days = 8 order lines)'), ('spend', 'lifetime spend of 00052')],
    note='First 1997-01-02, last 1998-05-08.',
    exp=dict(purchase_days=8, order_lines=8, spend=445.68, first=19970102, last=19980508)),
  T("他為什麼會被分在這個等級？",
    'model', tool='explain_customer_segment'),
  T("那接下來三個月他還會回購嗎 流失風險高不高",
    'model', tool='forecast_customer', note='About 13 weeks ahead for customer 00052.'),
)

conv('o2-018', TW,
  T("沉睡會員現在有多少？我們這邊的定義是180天以上沒有消費的",
    'figure',
    "dict(dormant=len(inactive(180)), dormant_365=len(inactive(365)), total=int(df.cust.nunique()))",
    figs=[('dormant', 'customers inactive >= 180 days at 1998-06-30')],
    must_not=[('dormant_365', 'inactive >= 365 days (wrong threshold)'), ('total', 'all customers')],
    note='Strictly more than 180 days would be 18,196.',
    exp=dict(dormant=18210, dormant_365=15238, total=23570)),
  T("這些人裡面，去年消費超過 $300 的有幾位",
    'figure',
    "s97 = per('1997-01-01', '1997-12-31').groupby('cust').amt.sum()\nhi = set(s97[s97 > 300].index)\ndict(n=len(inactive(180) & hi), n_hi=len(hi))",
    figs=[('n', 'inactive >= 180 days AND 1997 spend > 300')],
    must_not=[('n_hi', 'all customers with 1997 spend > 300 (filter on dormant dropped)')],
    period='1997-01-01..1997-12-31',
    note='No customer has exactly 300 in 1997, so > and >= agree.',
    exp=dict(n=359, n_hi=1177)),
  T("好 幫我把這批人標成「喚回名單」然後推一張9折券給他們",
    'refusal',
    note='Cannot tag customers or push coupons.'),
)

conv('o2-019', TW,
  T("這一季的回購率多少？跟上一季比有沒有變好",
    'figure',
    "dict(rr_q2=repeat_rate('1998-04-01', '1998-06-30'), rr_q1=repeat_rate('1998-01-01', '1998-03-31'), rr_q2_97=repeat_rate('1997-04-01', '1997-06-30'))",
    figs=[('rr_q2', 'repeat rate 1998 Q2'), ('rr_q1', 'repeat rate 1998 Q1')],
    must_not=[('rr_q2_97', 'repeat rate Q2 1997 (wrong year)')],
    period='1998-04-01..1998-06-30',
    exp=dict(rr_q2=0.3585, rr_q1=0.3681, rr_q2_97=0.3733)),
)

conv('o2-020', TW,
  T("會員從第一次買到第二次買，平均隔幾天？中位數呢",
    'figure',
    "p = df.drop_duplicates(['cust', 'date']).sort_values(['cust', 'date'])\np['k'] = p.groupby('cust').cumcount()\nf = p[p.k == 0].set_index('cust').date; s = p[p.k == 1].set_index('cust').date\nd = (s - f.loc[s.index]).dt.days\ng = p.groupby('cust').date.diff().dt.days.dropna()\ndict(mean=r(d.mean(), 2), median=r(d.median(), 1), n=int(len(d)), mean_all_gaps=r(g.mean(), 2))",
    figs=[('mean', 'mean days first-to-second purchase day'), ('median', 'median days first-to-second purchase day')],
    must_not=[('mean_all_gaps', 'mean days between all consecutive purchases (other measure)')],
    period='1997-01-01..1998-06-30',
    note='Over the 11,516 customers with a second purchase day.',
    tol=dict(mean=0.01, median=0.01),
    exp=dict(mean=111.0, median=57.0, n=11516, mean_all_gaps=72.21)),
)

conv('o2-021', TW,
  T("最近客訴大部分都在抱怨什麼？幫我整理一下重點",
    'model', tool='feedback_themes'),
  T("幫我找有提到物流很慢、送貨延遲的評論",
    'model', tool='search_feedback'),
  T("給過負評的會員，後來還有回來買的比例是多少",
    'model', tool='feedback_followup'),
)

conv('o2-022', TW,
  T("整體的評價 正面 中性 負面 各佔多少%",
    'model', tool='sentiment_summary'),
  T("高價值會員的負評比例有比較高嗎",
    'model', tool='sentiment_summary', note='By segment.'),
)

conv('o2-023', TW,
  T("幫我判斷這則評論是正面還是負面：「包裝很爛，CD盒子裂掉了，客服回信超慢，不會再買了」",
    'model', tool='analyze_sentiment', note='Expected label: negative.'),
)

conv('o2-024', TW,
  T("請問3月業績多少",
    'figure',
    "m = per('1998-03-01', '1998-03-31')\ndict(rev=r(m.amt.sum()), rev97=r(per('1997-03-01', '1997-03-31').amt.sum()))",
    figs=[('rev', 'revenue March 1998 (latest March)')],
    must_not=[('rev97', 'revenue March 1997 (not the latest March)')],
    period='1998-03-01..1998-03-31',
    exp=dict(rev=108970.15, rev97=393155.27)),
  T("跟去年同期比呢？",
    'figure',
    "a = per('1998-03-01', '1998-03-31').amt.sum(); b = per('1997-03-01', '1997-03-31').amt.sum()\ndict(rev97=r(b), yoy=chg(a, b))",
    figs=[('rev97', 'revenue March 1997'), ('yoy', 'March 1998 vs March 1997')],
    period='1997-03-01..1997-03-31',
    exp=dict(rev97=393155.27, yoy=-0.7228)),
  T("那3月有消費的會員有幾位",
    'figure',
    "dict(buyers=int(per('1998-03-01', '1998-03-31').cust.nunique()), buyers97=int(per('1997-03-01', '1997-03-31').cust.nunique()))",
    figs=[('buyers', 'buyers March 1998')],
    must_not=[('buyers97', 'buyers March 1997')],
    period='1998-03-01..1998-03-31',
    exp=dict(buyers=2060, buyers97=9524)),
)

conv('o2-025', TW,
  T("97年2月第一次消費的那批會員，隔月還有回購的比例多少？第三個月呢",
    'figure',
    "a, n = cohort_ret('1997-02', 1); b, _ = cohort_ret('1997-02', 3)\ndict(m1=a, m3=b, cohort=n)",
    figs=[('m1', 'cohort 1997-02 month-1 retention (ordered in 1997-03)'), ('m3', 'cohort 1997-02 month-3 retention (ordered in 1997-05)')],
    period='1997-02-01..1997-05-31',
    note='Cohort size 8,476.',
    exp=dict(m1=0.1548, m3=0.0924, cohort=8476)),
)

conv('o2-026', TW,
  T("可以給我會員的性別跟年齡分佈嗎？順便告訴我目前總共有多少會員",
    'partial',
    "dict(members=int(df.cust.nunique()))",
    figs=[('members', 'total customers')],
    note='No gender/age data: must say so, and give the member count.',
    exp=dict(members=23570)),
)

conv('o2-027', TW,
  T("消費過5次以上的會原有幾位？佔全部會員的多少",
    'figure',
    "n = pdays(df)\ndict(n5=int((n >= 5).sum()), share=round(float((n >= 5).mean()), 4), n6=int((n > 5).sum()))",
    figs=[('n5', 'customers with >= 5 purchase days, all time'), ('share', 'their share of all customers')],
    must_not=[('n6', 'customers with > 5 purchase days (6+)')],
    period='1997-01-01..1998-06-30',
    note='"5次以上" = 5 or more in Chinese.',
    exp=dict(n5=3835, share=0.1627, n6=2844)),
  T("這些人貢獻了多少業績？佔總業績幾%",
    'figure',
    "n = pdays(df); g = n[n >= 5].index\ndict(rev=r(total_spend[g].sum()), share=round(float(total_spend[g].sum() / df.amt.sum()), 4))",
    figs=[('rev', 'lifetime revenue of customers with >= 5 purchase days'), ('share', 'their share of all revenue')],
    period='1997-01-01..1998-06-30',
    exp=dict(rev=1423153.62, share=0.5692)),
)

conv('o2-028', TW,
  T("C46 這位會員最後一次買是什麼時候？距今幾天了",
    'figure',
    "s = df[df.cust == 46]\ndict(last=int(s.date.max().strftime('%Y%m%d')), days=int((NOW - s.date.max()).days))",
    figs=[('days', 'days since last purchase of customer 00046 (last order 1997-11-12)')],
    note='Last order 1997-11-12 must be stated as a date.',
    exp=dict(last=19971112, days=230)),
  T("他總共消費多少錢？算高價值會員嗎",
    'model', tool='customer_profile',
    check="s = df[df.cust == 46]\ndict(spend=r(s.amt.sum()), purchase_days=int(s.date.nunique()))",
    figs=[('spend', 'lifetime spend of 00046')],
    note='Segment comes from the model (customer_profile or explain_customer_segment); spend checkable. 7 purchases.',
    exp=dict(spend=315.87, purchase_days=7)),
)

conv('o2-029', TW,
  T("今年上半年有來消費、但是去年下半年完全沒買的會員有幾位？",
    'figure',
    "a = set(per('1998-01-01', '1998-06-30').cust); b = set(per('1997-07-01', '1997-12-31').cust)\ndict(n=len(a - b), buyers_h1=len(a))",
    figs=[('n', 'buyers in H1 1998 with no order in H2 1997')],
    must_not=[('buyers_h1', 'all buyers H1 1998 (filter dropped)')],
    period='1998-01-01..1998-06-30',
    exp=dict(n=1911, buyers_h1=5374)),
  T("這批人今年上半年平均每人花多少",
    'figure',
    "a = set(per('1998-01-01', '1998-06-30').cust); b = set(per('1997-07-01', '1997-12-31').cust)\ny = per('1998-01-01', '1998-06-30'); g = y[y.cust.isin(a - b)]\ndict(rpb=r(g.amt.sum() / g.cust.nunique()), rpb_all=r(y.amt.sum() / y.cust.nunique()))",
    figs=[('rpb', 'H1 1998 revenue per buyer of that group')],
    must_not=[('rpb_all', 'H1 1998 revenue per buyer of all buyers')],
    period='1998-01-01..1998-06-30',
    note='Spend measured in H1 1998 (the window they bought in).',
    exp=dict(rpb=54.37, rpb_all=88.6)),
)

conv('o2-030', TW,
  T("消費前20%的大戶裡面 哪些最有可能churn掉？",
    'model', tool='at_risk_customers', note='Among the top 20% spenders.'),
)

conv('o2-031', TW,
  T("這個月到目前為止業績多少 有幾位會員下單",
    'figure',
    "m = per('1998-06-01', '1998-06-30')\ndict(rev=r(m.amt.sum()), buyers=int(m.cust.nunique()), rev_may=r(per('1998-05-01', '1998-05-31').amt.sum()), rev_jun97=r(per('1997-06-01', '1997-06-30').amt.sum()))",
    figs=[('rev', 'revenue June 1998'), ('buyers', 'buyers June 1998')],
    must_not=[('rev_may', 'revenue May 1998 (last month)'), ('rev_jun97', 'revenue June 1997')],
    period='1998-06-01..1998-06-30',
    exp=dict(rev=76109.3, buyers=1506, rev_may=70989.66, rev_jun97=108395.87)),
  T("跟上個月比 成長還是衰退？客單價呢",
    'figure',
    "a = per('1998-06-01', '1998-06-30'); b = per('1998-05-01', '1998-05-31')\ndict(mom=chg(a.amt.sum(), b.amt.sum()), aov_jun=r(a.amt.sum() / len(a)), aov_may=r(b.amt.sum() / len(b)))",
    figs=[('mom', 'revenue change June vs May 1998'), ('aov_jun', 'AOV June 1998'), ('aov_may', 'AOV May 1998')],
    period='1998-05-01..1998-06-30',
    exp=dict(mom=0.0721, aov_jun=37.25, aov_may=35.76)),
)

conv('o2-032', TW,
  T("哪一個通路（官網、App、門市）的會員回購率最高？今年上半年整體的回購率又是多少",
    'partial',
    "dict(rr=repeat_rate('1998-01-01', '1998-06-30'), rr97=repeat_rate('1997-01-01', '1997-12-31'))",
    figs=[('rr', 'repeat rate H1 1998 (no channel data to split)')],
    must_not=[('rr97', 'repeat rate 1997 (wrong period)')],
    period='1998-01-01..1998-06-30',
    note='No channel data: must say so.',
    exp=dict(rr=0.4927, rr97=0.4451)),
)

# ============================ build & verify ================================
def run_check(code):
    env = {}
    exec(PRELUDE, env)
    lines = code.rstrip('\n').split('\n')
    exec('\n'.join(lines[:-1]), env)
    return eval(lines[-1], env)

def close(a, b):
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) <= 1e-9 + 1e-6 * abs(b)
    return a == b

def main(print_only=False):
    bad = 0
    out_items = []
    for it in ITEMS:
        turns = []
        for t in it['turns']:
            vals = run_check(t['check']) if t['check'] else {}
            for k, v in t['exp'].items():
                if v is None or not close(vals[k], v):
                    print(f"{it['id']} {k}: expected {v!r}, check gives {vals.get(k)!r}")
                    bad += 1
            e = {'kind': t['kind']}
            if t['tool']:
                e['tool'] = t['tool']
            if t['figs']:
                e['figures'] = [{'value': vals[n], 'rel_tol': t['tol'].get(n, 0.005), 'what': f'[{n}] {w}'} for n, w in t['figs']]
            if t['must_not']:
                e['must_not'] = [{'value': vals[n], 'rel_tol': 0.005, 'what': f'[{n}] {w}'} for n, w in t['must_not']]
            if t['period']:
                e['period'] = t['period']
            turn = {'q': t['q'], 'expect': e}
            if t['check']:
                turn['check'] = t['check'].rstrip('\n') + '\n'
            if t['note']:
                turn['note'] = t['note']
            turns.append(turn)
        out_items.append({'id': it['id'], 'persona': it['persona'], 'turns': turns})
    if print_only or bad:
        print('mismatches:', bad)
        if bad:
            sys.exit(1)
    doc = {'writer': 'o2 (outside evaluator; wrote without seeing the product code, tests, prompts or other sets) — personas: '
                     'London Commercial Director (British English); 台北會員經理 (繁體中文)',
           'data_end': '1998-06-30', 'check_prelude': PRELUDE, 'items': out_items}

    class D(yaml.SafeDumper):
        pass
    def str_rep(dumper, data):
        if '\n' in data:
            return dumper.represent_scalar('tag:yaml.org,2002:str', data, style='|')
        return dumper.represent_scalar('tag:yaml.org,2002:str', data)
    D.add_representer(str, str_rep)
    with open(OUT, 'w', encoding='utf-8') as fh:
        yaml.dump(doc, fh, Dumper=D, allow_unicode=True, sort_keys=False, width=1000)

    # ---- re-load the YAML and re-run every check from the file ----
    y = yaml.safe_load(open(OUT, encoding='utf-8'))
    assert y['check_prelude'] == PRELUDE
    n_turns = 0; kinds = {}
    for it in y['items']:
        assert 1 <= len(it['turns']) <= 4
        for t in it['turns']:
            n_turns += 1
            ex = t['expect']; kinds[ex['kind']] = kinds.get(ex['kind'], 0) + 1
            assert ex['kind'] in ('figure', 'model', 'refusal', 'partial')
            if ex['kind'] == 'model':
                assert ex.get('tool')
            if ex['kind'] in ('figure', 'partial'):
                assert ex.get('figures') and 'check' in t
            if 'check' not in t:
                continue
            env = {}; exec(y['check_prelude'], env)
            lines = t['check'].rstrip('\n').split('\n')
            exec('\n'.join(lines[:-1]), env)
            vals = eval(lines[-1], env)
            assert isinstance(vals, dict)
            for f in ex.get('figures', []) + ex.get('must_not', []):
                name = f['what'].split(']')[0].lstrip('[')
                assert close(vals[name], f['value']), (it['id'], name, vals[name], f['value'])
            # a must_not figure must not be accepted as an expected figure
            for m in ex.get('must_not', []):
                for f in ex.get('figures', []):
                    assert abs(m['value'] - f['value']) > max(f['rel_tol'], m['rel_tol']) * abs(f['value']) + 1e-9, (it['id'], m, f)
    print(f"OK: {len(y['items'])} conversations, {n_turns} turns, kinds {kinds} -> {OUT}")

if __name__ == '__main__':
    main(print_only='--print' in sys.argv)
