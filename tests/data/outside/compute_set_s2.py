"""compute_set_s2.py -- recomputes every figure of set_s2.yaml with pandas over the raw CDNOW file.

Each check is a snippet run after PRELUDE; its LAST line is an expression that evaluates to a dict
{name: value}; the YAML figures refer to those names as '[name]' at the start of `what`.
Run: python compute_set_s2.py        (prints every turn's figures)
"""
import ast

PRELUDE = r'''
# each `check:` is run after this prelude; its statements run, and its LAST line is an expression giving a dict
# {name: value}; a figure's `what` starts with [name]. Orders = order lines; customer ids are ints (00100 -> 100).
import pandas as pd, numpy as np
F = '/work/main/.venv/lib/python3.11/site-packages/lifetimes/datasets/CDNOW_master.txt'
df = pd.read_csv(F, sep=r'\s+', header=0, names=['cust', 'date', 'units', 'amt'], dtype={'date': str})
df['date'] = pd.to_datetime(df['date'], format='%Y%m%d')
df['cust'] = df['cust'].astype(int)          # customer 00100 -> 100
END = pd.Timestamp('1998-06-30')             # "now" = last order date
def per(a, b):                               # order lines with a <= date <= b (inclusive)
    return df[(df.date >= pd.Timestamp(a)) & (df.date <= pd.Timestamp(b))]
def S(d):                                    # documented measures of a slice of order lines
    rev = float(d.amt.sum()); o = len(d); u = int(d.units.sum()); b = int(d.cust.nunique())
    return dict(rev=round(rev, 2), orders=o, units=u, buyers=b, aov=rev / o, upo=u / o, rpb=rev / b)
def chg(new, old):                           # relative change (MoM / YoY), as a fraction
    return new / old - 1
FIRST = df.groupby('cust').date.min()        # first order date of each customer (all-time)
LAST = df.groupby('cust').date.max()         # last order date
PD = df[['cust', 'date']].drop_duplicates().sort_values(['cust', 'date'])   # purchase days
def pdays(a, b):                             # purchase days per buyer in [a, b]
    p = PD[(PD.date >= pd.Timestamp(a)) & (PD.date <= pd.Timestamp(b))]
    return p.groupby('cust').size()
GAP = PD.assign(prev=PD.groupby('cust').date.shift()).dropna()
GAP['gap'] = (GAP.date - GAP.prev).dt.days  # gap between consecutive purchase days, dated by the later day
def retention(m, k):                         # share of cohort (first order in month m) ordering in month m+k
    coh = FIRST[FIRST.dt.to_period('M') == pd.Period(m)].index
    act = set(df[df.date.dt.to_period('M') == pd.Period(m) + k].cust)
    return sum(c in act for c in coh) / len(coh)
def inactive(n):                             # customers whose last order is >= n days before END
    return int(((END - LAST).dt.days >= n).sum())
'''

CHECKS = {}

def C(key, code):
    CHECKS[key] = code.strip('\n')

# ---------------- persona A: 财务副总裁 (audit) ----------------
C('s2-001#1', '''
y = S(per('1997-01-01', '1997-12-31')); a = S(df)
dict(rev97=y['rev'], orders97=y['orders'], wrong_rev_all=a['rev'], wrong_orders_all=a['orders'])
''')
C('s2-001#2', '''
q = {f'q{i}': round(float(df[(df.date.dt.year == 1997) & (df.date.dt.quarter == i)].amt.sum()), 2) for i in range(1, 5)}
dict(**q, sum_q=round(sum(q.values()), 2))
''')
C('s2-001#3', '''
q3 = float(per('1997-07-01', '1997-09-30').amt.sum()); q4 = float(per('1997-10-01', '1997-12-31').amt.sum())
q2 = float(per('1997-04-01', '1997-06-30').amt.sum())
dict(q4=round(q4, 2), q3=round(q3, 2), qoq=chg(q4, q3), diff=round(q4 - q3, 2), wrong_q3_vs_q2=chg(q3, q2))
''')
C('s2-002#1', '''
h98 = S(per('1998-01-01', '1998-06-30')); h97 = S(per('1997-01-01', '1997-06-30')); y97 = S(per('1997-01-01', '1997-12-31'))
dict(rev98h1=h98['rev'], rev97h1=h97['rev'], yoy=chg(h98['rev'], h97['rev']),
     wrong_rev97_full=y97['rev'], wrong_yoy_vs_full97=chg(h98['rev'], y97['rev']))
''')
C('s2-002#2', '''
h98 = S(per('1998-01-01', '1998-06-30')); h97 = S(per('1997-01-01', '1997-06-30')); y97 = S(per('1997-01-01', '1997-12-31'))
dict(orders98h1=h98['orders'], orders97h1=h97['orders'], yoy=chg(h98['orders'], h97['orders']),
     wrong_orders97_full=y97['orders'])
''')
C('s2-003#1', '''
dict(rev=S(per('1998-03-01', '1998-03-31'))['rev'], wrong_feb98=S(per('1998-02-01', '1998-02-28'))['rev'],
     wrong_mar97=S(per('1997-03-01', '1997-03-31'))['rev'])
''')
C('s2-003#2', '''
d = per('1998-03-01', '1998-03-31'); new = d.cust.map(FIRST) >= pd.Timestamp('1998-03-01')
dict(rev_new=round(float(d[new].amt.sum()), 2), rev_returning=round(float(d[~new].amt.sum()), 2),
     new_customers=int(d[new].cust.nunique()), buyers=int(d.cust.nunique()))
''')
C('s2-004#1', '''
a = S(df)
dict(rev=a['rev'], orders=a['orders'], customers=a['buyers'])
''')
C('s2-004#2', '''
a = S(df)
dict(aov=a['aov'], rpb=a['rpb'])
''')
C('s2-005#1', '''
dict(zero_lines=int((df.amt == 0).sum()), zero_customers=int(df[df.amt == 0].cust.nunique()))
''')
C('s2-005#2', '''
big = df[df.amt > 500]
dict(n_over500=len(big), amt_over500=round(float(big.amt.sum()), 2),
     n97=int((big.date.dt.year == 1997).sum()), n98=int((big.date.dt.year == 1998).sum()))
''')
C('s2-006#1', '''
dict(rev98q1=S(per('1998-01-01', '1998-03-31'))['rev'], wrong_rev97q1=S(per('1997-01-01', '1997-03-31'))['rev'])
''')
C('s2-007#1', '''
dict(rev_dec97=S(per('1997-12-01', '1997-12-31'))['rev'], wrong_nov97=S(per('1997-11-01', '1997-11-30'))['rev'])
''')
C('s2-009#1', '''
q = per('1997-07-01', '1997-09-30'); m = sum(S(per(a, b))['buyers'] for a, b in
    [('1997-07-01', '1997-07-31'), ('1997-08-01', '1997-08-31'), ('1997-09-01', '1997-09-30')])
dict(rev_q3=S(q)['rev'], buyers_q3=S(q)['buyers'], wrong_sum_monthly_buyers=m)
''')

# ---------------- persona B: 电商大促负责人 ----------------
C('s2-010#1', '''
m = per('1997-01-01', '1997-12-31').groupby(pd.Grouper(key='date', freq='MS')).amt.sum()
dict(best_month=str(m.idxmax().date())[:7], rev_best=round(float(m.max()), 2))
''')
C('s2-010#2', '''
mar = S(per('1997-03-01', '1997-03-31'))['rev']; feb = S(per('1997-02-01', '1997-02-28'))['rev']
dict(rev_feb97=feb, mom=chg(mar, feb), diff=round(mar - feb, 2))
''')
C('s2-010#3', '''
m98 = S(per('1998-03-01', '1998-03-31'))['rev']; m97 = S(per('1997-03-01', '1997-03-31'))['rev']
dict(rev_mar98=m98, yoy=chg(m98, m97))
''')
C('s2-011#1', '''
dict(apr98=S(per('1998-04-01', '1998-04-30'))['orders'], may98=S(per('1998-05-01', '1998-05-31'))['orders'],
     jun98=S(per('1998-06-01', '1998-06-30'))['orders'])
''')
C('s2-011#2', '''
r = {}
for mo, last in [(4, 30), (5, 31), (6, 30)]:
    a = S(per(f'1998-{mo:02d}-01', f'1998-{mo:02d}-{last}'))['orders']; b = S(per(f'1997-{mo:02d}-01', f'1997-{mo:02d}-{last}'))['orders']
    r[f'orders97_{mo:02d}'] = b; r[f'yoy_{mo:02d}'] = chg(a, b)
r
''')
C('s2-012#1', '''
w = S(per('1998-06-15', '1998-06-21')); p = S(per('1998-06-08', '1998-06-14'))
dict(rev_w0615=w['rev'], orders_w0615=w['orders'], rev_w0608=p['rev'], orders_w0608=p['orders'],
     wow_rev=chg(w['rev'], p['rev']))
''')
C('s2-012#2', '''
w = S(per('1998-06-22', '1998-06-28')); p = S(per('1998-06-15', '1998-06-21'))
dict(rev_w0622=w['rev'], orders_w0622=w['orders'], wow_rev=chg(w['rev'], p['rev']))
''')
C('s2-013#1', '''
d = per('1998-01-01', '1998-06-30'); c = d.groupby(d.date.dt.day_name()).size()
wk = int(c[['Saturday', 'Sunday']].sum())
dict(top_day=c.idxmax(), n_top=int(c.max()), low_day=c.idxmin(), n_low=int(c.min()),
     weekend_orders=wk, weekend_share=wk / len(d))
''')
C('s2-014#1', '''
dict(new98=int(((FIRST >= '1998-01-01') & (FIRST <= '1998-06-30')).sum()),
     wrong_buyers98=S(per('1998-01-01', '1998-06-30'))['buyers'])
''')
C('s2-014#2', '''
f = FIRST[FIRST.dt.year == 1997].dt.month.value_counts()
dict(new97=int(f.sum()), new_jan=int(f.get(1, 0)), new_feb=int(f.get(2, 0)), new_mar=int(f.get(3, 0)),
     new_apr_dec=int(f[f.index >= 4].sum()))
''')
C('s2-015#1', '''
m = df.groupby(df.date.dt.to_period('M')).size(); hit = m[m > 5000]
dict(months=[str(p) for p in hit.index], jan97=int(m['1997-01']), feb97=int(m['1997-02']), mar97=int(m['1997-03']))
''')
C('s2-015#2', '''
m = df.groupby(df.date.dt.to_period('M')).amt.sum().round(2); low = m[m < 80000]
dict(months=[str(p) for p in low.index], **{f'rev_{p}'.replace('-', '_'): float(v) for p, v in low.items()})
''')
C('s2-016#1', '''
dict(aov_oct97=S(per('1997-10-01', '1997-10-31'))['aov'], aov_nov97=S(per('1997-11-01', '1997-11-30'))['aov'],
     aov_dec97=S(per('1997-12-01', '1997-12-31'))['aov'])
''')
C('s2-017#1', '''
dict(orders_may98=S(per('1998-05-01', '1998-05-31'))['orders'], wrong_may97=S(per('1997-05-01', '1997-05-31'))['orders'])
''')
C('s2-019#1', '''
dict(inactive90=inactive(90), wrong_inactive180=inactive(180))
''')
C('s2-020#1', '''
d = per('1997-02-01', '1997-02-28'); new = d.cust.map(FIRST) >= pd.Timestamp('1997-02-01')
dict(new_buyers=int(d[new].cust.nunique()), returning_buyers=int(d[~new].cust.nunique()),
     rev_new=round(float(d[new].amt.sum()), 2), rev_returning=round(float(d[~new].amt.sum()), 2))
''')

# ---------------- persona C: 客户成功经理 ----------------
C('s2-021#1', '''
t = df.groupby('cust').amt.sum().sort_values(ascending=False).head(5)
dict(ids=[f'{c:05d}' for c in t.index], **{f'top{i+1}': round(float(v), 2) for i, v in enumerate(t.values)})
''')
C('s2-021#2', '''
t = df.groupby('cust').amt.sum().sort_values(ascending=False).head(5).index
s = per('1998-01-01', '1998-06-30').groupby('cust').amt.sum(); life = df.groupby('cust').amt.sum()
dict(**{f'spend98_{c:05d}': round(float(s.get(c, 0.0)), 2) for c in t},
     wrong_life_07592=round(float(life[7592]), 2), wrong_life_14048=round(float(life[14048]), 2))
''')
C('s2-022#1', '''
d = df[df.cust == 14048]
dict(spend=round(float(d.amt.sum()), 2), order_lines=len(d), purchase_days=int(d.date.nunique()),
     units=int(d.units.sum()), first=str(d.date.min().date()), last=str(d.date.max().date()))
''')
C('s2-022#2', '''
g = GAP[GAP.cust == 14048]
dict(mean_gap=float(g.gap.mean()), median_gap=float(g.gap.median()), n_gaps=len(g))
''')
C('s2-023#1', '''
t = df.groupby('cust').amt.sum()
dict(n_over1000=int((t > 1000).sum()))
''')
C('s2-023#2', '''
t = df.groupby('cust').amt.sum(); big = t[t > 1000]
dict(rev_share=float(big.sum() / t.sum()), rev_big=round(float(big.sum()), 2))
''')
C('s2-023#3', '''
t = df.groupby('cust').amt.sum()
dict(n_over2000=int((t > 2000).sum()), wrong_n_over1000=int((t > 1000).sum()))
''')
C('s2-024#1', '''
p = pdays('1997-01-01', '1997-12-31')
dict(buyers97=len(p), repeat97=int((p >= 2).sum()), rate97=float((p >= 2).mean()))
''')
C('s2-024#2', '''
p = pdays('1998-01-01', '1998-06-30'); p97 = pdays('1997-01-01', '1997-12-31')
dict(buyers98h1=len(p), repeat98h1=int((p >= 2).sum()), rate98h1=float((p >= 2).mean()),
     one_time_share=float((p == 1).mean()), wrong_rate97=float((p97 >= 2).mean()))
''')
C('s2-025#1', '''
s = PD.groupby('cust').date.apply(lambda x: (x.iloc[1] - x.iloc[0]).days if len(x) >= 2 else np.nan).dropna()
dict(n=len(s), mean_f2s=float(s.mean()), median_f2s=float(s.median()))
''')
C('s2-025#2', '''
g = GAP[(GAP.date >= '1998-01-01') & (GAP.date <= '1998-06-30')]
dict(n_gaps=len(g), mean_gap=float(g.gap.mean()), median_gap=float(g.gap.median()))
''')
C('s2-026#1', '''
dict(inactive180=inactive(180), share=inactive(180) / len(LAST), inactive365=inactive(365))
''')
C('s2-027#1', '''
dict(ret_jan_k3=retention('1997-01', 3), wrong_k2=retention('1997-01', 2), wrong_k4=retention('1997-01', 4))
''')
C('s2-027#2', '''
dict(ret_feb_k3=retention('1997-02', 3), ret_jan_k12=retention('1997-01', 12))
''')
C('s2-032#1', '''
t = df.groupby('cust').amt.sum().sort_values(ascending=False).head(10)
dict(top10_sum=round(float(t.sum()), 2), wrong_top5_sum=round(float(t.head(5).sum()), 2))
''')

# ---------------- persona D: Hong Kong sales manager ----------------
C('s2-034#1', '''
dict(rev_may98=S(per('1998-05-01', '1998-05-31'))['rev'], orders_may98=S(per('1998-05-01', '1998-05-31'))['orders'],
     wrong_rev_may97=S(per('1997-05-01', '1997-05-31'))['rev'], wrong_rev_jun98=S(per('1998-06-01', '1998-06-30'))['rev'])
''')
C('s2-034#2', '''
m = S(per('1998-05-01', '1998-05-31')); a = S(per('1998-04-01', '1998-04-30'))
dict(rev_apr98=a['rev'], orders_apr98=a['orders'], mom_rev=chg(m['rev'], a['rev']), mom_orders=chg(m['orders'], a['orders']))
''')
C('s2-034#3', '''
m = S(per('1998-05-01', '1998-05-31')); a = S(per('1997-05-01', '1997-05-31'))
dict(rev_may97=a['rev'], orders_may97=a['orders'], yoy_rev=chg(m['rev'], a['rev']), yoy_orders=chg(m['orders'], a['orders']))
''')
C('s2-035#1', '''
d = per('1998-01-01', '1998-06-30'); t = d.groupby('cust').agg(n=('amt', 'size'), rev=('amt', 'sum')).sort_values('rev', ascending=False)
life = df.groupby('cust').amt.sum()
dict(ids=[f'{c:05d}' for c in t.index[:3]], rev1=round(float(t.rev.iloc[0]), 2), rev2=round(float(t.rev.iloc[1]), 2),
     rev3=round(float(t.rev.iloc[2]), 2), fourth_rev=round(float(t.rev.iloc[3]), 2),
     wrong_life1=round(float(life[t.index[0]]), 2), wrong_life2=round(float(life[t.index[1]]), 2))
''')
C('s2-035#2', '''
d = per('1998-01-01', '1998-06-30'); t = d.groupby('cust').agg(n=('amt', 'size'), rev=('amt', 'sum')).sort_values('rev', ascending=False)
life = df.groupby('cust').size()
dict(ids=[f'{c:05d}' for c in t.index[:3]], n1=int(t.n.iloc[0]), n2=int(t.n.iloc[1]), n3=int(t.n.iloc[2]),
     wrong_life_n1=int(life[t.index[0]]), wrong_life_n2=int(life[t.index[1]]))
''')
C('s2-037#1', '''
dict(buyers98h1=S(per('1998-01-01', '1998-06-30'))['buyers'], wrong_all_customers=S(df)['buyers'])
''')
C('s2-039#1', '''
p = pdays('1998-04-01', '1998-06-30')
dict(buyers_q2=len(p), repeat_q2=int((p >= 2).sum()), rate_q2=float((p >= 2).mean()))
''')
C('s2-041#1', '''
a = S(per('1997-01-01', '1997-12-31')); b = S(per('1998-01-01', '1998-06-30'))
dict(upo97=a['upo'], upo98h1=b['upo'], wrong_upo_all=S(df)['upo'])
''')
C('s2-042#1', '''
m = per('1998-01-01', '1998-06-30').groupby(pd.Grouper(key='date', freq='MS')).amt.sum().round(2)
dict(**{f'rev98_{i+1:02d}': float(v) for i, v in enumerate(m.values)}, best=str(m.idxmax().date())[:7])
''')
C('s2-042#2', '''
j = S(per('1998-06-01', '1998-06-30'))['rev']; h = S(per('1998-01-01', '1998-06-30'))['rev']
dict(jun_share_h1=j / h, wrong_share_all=j / float(df.amt.sum()))
''')


def run_check(code, env):
    tree = ast.parse(code)
    last = tree.body.pop()
    exec(compile(tree, '<check>', 'exec'), env)
    return eval(compile(ast.Expression(last.value), '<check>', 'eval'), env)


def run_all():
    env = {}
    exec(PRELUDE, env)
    return {k: run_check(v, env) for k, v in CHECKS.items()}


if __name__ == '__main__':
    for k, r in run_all().items():
        print(k)
        for n, v in r.items():
            print(f'    {n:28s} {v:.6f}' if isinstance(v, float) else f'    {n:28s} {v}')
