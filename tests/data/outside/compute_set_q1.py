#!/usr/bin/env python
"""compute_set_q1.py - recomputes every expected figure of set_q1.yaml from the raw CDNOW file.
Run: python compute_set_q1.py   (prints one line per checked turn: id, then the JSON of the check dict).
The prelude below is the YAML check_prelude verbatim; each CHECKS entry is the YAML check snippet of that turn.
"""
import ast, json

# ---- check_prelude ----
import pandas as pd, numpy as np
F = '/work/main/.venv/lib/python3.11/site-packages/lifetimes/datasets/CDNOW_master.txt'
df = pd.read_csv(F, sep=r'\s+', header=0, names=['cust', 'date', 'units', 'amt'], dtype={'date': str})
df['date'] = pd.to_datetime(df['date'], format='%Y%m%d')
END = pd.Timestamp('1998-06-30')
def P(a, b):
    return df[(df.date >= pd.Timestamp(a)) & (df.date <= pd.Timestamp(b))]
def kpi(d):
    r, o, u, b = float(d.amt.sum()), len(d), int(d.units.sum()), d.cust.nunique()
    return dict(rev=round(r, 2), orders=o, units=u, buyers=b, aov=round(r / o, 4),
                rev_per_buyer=round(r / b, 4), orders_per_buyer=round(o / b, 4), units_per_order=round(u / o, 4))
FIRST = df.groupby('cust').date.min()
LAST = df.groupby('cust').date.max()
PD = df[['cust', 'date']].drop_duplicates().sort_values(['cust', 'date'])
def pdays_in(a, b):
    x = PD[(PD.date >= pd.Timestamp(a)) & (PD.date <= pd.Timestamp(b))]
    return x.groupby('cust').size()
def repeat_rate(a, b):
    n = pdays_in(a, b)
    return round(float((n >= 2).mean()), 4)
def inactive(n):
    return int(((END - LAST).dt.days >= n).sum())
def cohort_ret(m, k):
    coh = FIRST[FIRST.dt.to_period('M') == pd.Period(m)].index
    tgt = pd.Period(m) + k
    act = set(df[df.date.dt.to_period('M') == tgt].cust)
    return round(len(set(coh) & act) / len(coh), 4)
GAPS = PD.assign(prev=PD.groupby('cust').date.shift()).dropna()
GAPS = GAPS.assign(gap=(GAPS.date - GAPS.prev).dt.days)
def gaps_in(a, b):
    return GAPS[(GAPS.date >= pd.Timestamp(a)) & (GAPS.date <= pd.Timestamp(b))].gap

# ---- check snippets ----
CHECKS = [
    ('q1-001/t1', """\
n = PD.groupby('cust').size()
N = len(n)
dict(b1=int((n == 1).sum()), b2=int((n == 2).sum()), b3=int((n >= 3).sum()),
     s1=round(float((n == 1).sum() / N), 4), s2=round(float((n == 2).sum() / N), 4), s3=round(float((n >= 3).sum() / N), 4))
"""),
    ('q1-001/t2', """\
n = PD.groupby('cust').size()
c3 = n[n >= 3].index
r3 = float(df[df.cust.isin(c3)].amt.sum())
dict(rev3=round(r3, 2), share3=round(r3 / float(df.amt.sum()), 4))
"""),
    ('q1-001/t3', """\
n = pdays_in('1998-01-01', '1998-06-30')
n_all = PD.groupby('cust').size()
dict(b1=int((n == 1).sum()), b2=int((n == 2).sum()), b3=int((n >= 3).sum()), buyers=len(n),
     x1=int((n_all == 1).sum()), x2=int((n_all == 2).sum()), x3=int((n_all >= 3).sum()))
"""),
    ('q1-002/t1', """\
N = len(LAST)
dict(n=inactive(365), share=round(inactive(365) / N, 4))
"""),
    ('q1-002/t2', """\
dict(n=inactive(180), share=round(inactive(180) / len(LAST), 4))
"""),
    ('q1-002/t3', """\
dict(n=kpi(P('1998-04-01', '1998-06-30'))['buyers'], x_h1=kpi(P('1998-01-01', '1998-06-30'))['buyers'])
"""),
    ('q1-003/t1', """\
tot = df.groupby('cust').amt.sum()
hv = tot[tot > 500]
dict(n=len(hv), rev=round(float(hv.sum()), 2), share=round(float(hv.sum() / tot.sum()), 4))
"""),
    ('q1-003/t2', """\
tot = df.groupby('cust').amt.sum()
hv = set(tot[tot > 500].index)
b98 = set(P('1998-01-01', '1998-06-30').cust)
dict(n=len(hv & b98), share=round(len(hv & b98) / len(hv), 4))
"""),
    ('q1-004/t1', """\
dict(rr=repeat_rate('1998-01-01', '1998-06-30'))
"""),
    ('q1-004/t2', """\
a = repeat_rate('1998-01-01', '1998-06-30'); b = repeat_rate('1997-01-01', '1997-06-30')
dict(rr97=b, diff_pts=round((a - b) * 100, 2), x_full97=repeat_rate('1997-01-01', '1997-12-31'))
"""),
    ('q1-005/t1', """\
dict(k1=cohort_ret('1997-01', 1), k3=cohort_ret('1997-01', 3))
"""),
    ('q1-005/t2', """\
dict(feb=cohort_ret('1997-02', 1), mar=cohort_ret('1997-03', 1))
"""),
    ('q1-005/t3', """\
coh = FIRST[FIRST.dt.to_period('M') == pd.Period('1997-01')].index
act = set(df[df.date.dt.to_period('M') == pd.Period('1998-01')].cust)
dict(k12=cohort_ret('1997-01', 12), n=len(set(coh) & act))
"""),
    ('q1-006/t1', """\
ff = GAPS.groupby('cust').gap.first()
dict(mean=round(float(ff.mean()), 2), median=float(ff.median()), n=len(ff))
"""),
    ('q1-006/t2', """\
g = gaps_in('1998-01-01', '1998-06-30'); ga = GAPS.gap
dict(mean=round(float(g.mean()), 2), median=float(g.median()), x_mean_all=round(float(ga.mean()), 2))
"""),
    ('q1-007/t1', """\
d = P('1998-01-01', '1998-06-30')
new = FIRST[(FIRST >= '1998-01-01') & (FIRST <= '1998-06-30')].index
rn = float(d[d.cust.isin(new)].amt.sum()); r = float(d.amt.sum())
dict(new=len(new), ret_buyers=d.cust.nunique() - len(set(new) & set(d.cust)), rev_ret=round(r - rn, 2),
     share_ret=round((r - rn) / r, 4))
"""),
    ('q1-010/t1', """\
dict(rr=repeat_rate('1998-01-01', '1998-06-30'))
"""),
    ('q1-012/t1', """\
n = PD.groupby('cust').size(); tot = df.groupby('cust').amt.sum()
dict(one=round(float(tot[n[n == 1].index].mean()), 2), rep=round(float(tot[n[n >= 2].index].mean()), 2))
"""),
    ('q1-013/t1', """\
a = kpi(P('1998-01-01', '1998-06-30'))['rev']; b = kpi(P('1997-01-01', '1997-06-30'))['rev']
dict(rev98=a, rev97=b, yoy=round(a / b - 1, 4), x_full97=kpi(P('1997-01-01', '1997-12-31'))['rev'],
     x_all=round(float(df.amt.sum()), 2))
"""),
    ('q1-013/t2', """\
m = P('1998-01-01', '1998-06-30').groupby(pd.Grouper(key='date', freq='MS')).amt.sum().round(2)
dict(**{f'm{i+1}': float(v) for i, v in enumerate(m.values)})
"""),
    ('q1-013/t3', """\
m = P('1998-01-01', '1998-06-30').groupby(pd.Grouper(key='date', freq='MS')).amt.sum()
dict(best=round(float(m.max()), 2), month=str(m.idxmax().date())[:7], x_best_all=round(float(df.groupby(pd.Grouper(key='date', freq='MS')).amt.sum().max()), 2))
"""),
    ('q1-014/t1', """\
j = kpi(P('1998-06-01', '1998-06-30'))['rev']; m = kpi(P('1998-05-01', '1998-05-31'))['rev']
dict(jun=j, may=m, mom=round(j / m - 1, 4), x_jun97=kpi(P('1997-06-01', '1997-06-30'))['rev'])
"""),
    ('q1-014/t2', """\
j = kpi(P('1998-06-01', '1998-06-30'))['rev']; y = kpi(P('1997-06-01', '1997-06-30'))['rev']
dict(jun97=y, yoy=round(j / y - 1, 4))
"""),
    ('q1-015/t1', """\
dict(aov=kpi(P('1998-04-01', '1998-06-30'))['aov'], x_h1=kpi(P('1998-01-01', '1998-06-30'))['aov'],
     x_all=round(float(df.amt.sum() / len(df)), 4))
"""),
    ('q1-015/t2', """\
dict(aov97=kpi(P('1997-04-01', '1997-06-30'))['aov'])
"""),
    ('q1-016/t1', """\
t = df.groupby('cust').amt.sum().sort_values(ascending=False).head(10).round(2)
dict(**{f't{i+1}': float(v) for i, v in enumerate(t.values)}, **{f'id{i+1}': int(c) for i, c in enumerate(t.index)})
"""),
    ('q1-016/t2', """\
t = P('1998-01-01', '1998-06-30').groupby('cust').amt.sum().sort_values(ascending=False).head(5).round(2)
a = df.groupby('cust').amt.sum().sort_values(ascending=False).head(2).round(2)
dict(**{f't{i+1}': float(v) for i, v in enumerate(t.values)}, **{f'id{i+1}': int(c) for i, c in enumerate(t.index)},
     x1=float(a.values[0]), x2=float(a.values[1]))
"""),
    ('q1-017/t1', """\
x = df[df.amt > 500]
dict(n=len(x), rev=round(float(x.amt.sum()), 2), nc=x.cust.nunique())
"""),
    ('q1-018/t1', """\
m = df.groupby(df.date.dt.to_period('M')).size()
h = m[m > 3000]
dict(**{str(k): int(v) for k, v in h.items()}, n_months=len(h))
"""),
    ('q1-019/t1', """\
d = P('1998-01-01', '1998-06-30')
w = d.groupby(d.date.dt.day_name()).amt.sum()
dict(best_day=w.idxmax(), rev=round(float(w.max()), 2))
"""),
    ('q1-021/t1', """\
dict(rev=kpi(P('1998-01-01', '1998-06-30'))['rev'])
"""),
    ('q1-022/t1', """\
dict(rev=kpi(P('1998-01-01', '1998-06-30'))['rev'])
"""),
    ('q1-023/t1', """\
t = df.groupby('cust').amt.sum().sort_values(ascending=False).head(100)
dict(rev=round(float(t.sum()), 2), share=round(float(t.sum() / df.amt.sum()), 4))
"""),
    ('q1-024/t1', """\
k = kpi(P('1998-01-01', '1998-06-30'))
dict(rpb=k['rev_per_buyer'], opb=k['orders_per_buyer'], x_all=round(float(df.amt.sum() / df.cust.nunique()), 4))
"""),
    ('q1-026/t1', """\
dict(rev=kpi(P('1997-01-01', '1997-12-31'))['rev'], x_all=round(float(df.amt.sum()), 2))
"""),
    ('q1-026/t2', """\
a = kpi(P('1997-10-01', '1997-12-31'))['rev']; b = kpi(P('1997-07-01', '1997-09-30'))['rev']
dict(q4=a, q3=b, qoq=round(a / b - 1, 4))
"""),
    ('q1-027/t1', """\
dict(rr=repeat_rate('1998-01-01', '1998-03-31'), buyers=kpi(P('1998-01-01', '1998-03-31'))['buyers'],
     x_h1=repeat_rate('1998-01-01', '1998-06-30'))
"""),
    ('q1-027/t2', """\
dict(rr=repeat_rate('1998-04-01', '1998-06-30'))
"""),
    ('q1-028/t1', """\
dict(**{f'k{k}': cohort_ret('1997-02', k) for k in range(1, 7)})
"""),
    ('q1-028/t2', """\
dict(n=int((FIRST.dt.to_period('M') == pd.Period('1997-02')).sum()))
"""),
    ('q1-029/t1', """\
b = set(P('1998-01-01', '1998-06-30').cust); N = df.cust.nunique()
dict(n=N - len(b), share=round((N - len(b)) / N, 4))
"""),
    ('q1-029/t2', """\
b = set(P('1998-01-01', '1998-06-30').cust)
n97 = pdays_in('1997-01-01', '1997-12-31')
rep97 = set(n97[n97 >= 2].index)
dict(n=len(rep97 - b), share=round(len(rep97 - b) / (df.cust.nunique() - len(b)), 4))
"""),
    ('q1-030/t1', """\
g = GAPS.gap; g98 = gaps_in('1998-01-01', '1998-06-30')
dict(mean=round(float(g.mean()), 2), median=float(g.median()), x_mean98=round(float(g98.mean()), 2))
"""),
    ('q1-030/t2', """\
a = gaps_in('1997-01-01', '1997-12-31'); b = gaps_in('1998-01-01', '1998-06-30')
dict(mean97=round(float(a.mean()), 2), med97=float(a.median()), mean98=round(float(b.mean()), 2), med98=float(b.median()))
"""),
    ('q1-032/t1', """\
d = P('1998-01-01', '1998-06-30')
c = d.cust.map(FIRST.dt.to_period('M').astype(str))
r = d.groupby(c).amt.sum().round(2)
a = df.groupby(df.cust.map(FIRST.dt.to_period('M').astype(str))).amt.sum().round(2)
dict(jan=float(r['1997-01']), feb=float(r['1997-02']), mar=float(r['1997-03']), x_jan_all=float(a['1997-01']))
"""),
    ('q1-034/t1', """\
dict(n=kpi(P('1998-01-01', '1998-06-30'))['buyers'])
"""),
    ('q1-035/t1', """\
c = df[df.cust == 100]
dict(spend=round(float(c.amt.sum()), 2), orders=len(c), last=str(c.date.max().date()))
"""),
    ('q1-036/t1', """\
tot = df.groupby('cust').amt.sum(); hv = tot[tot > 1000]
dict(n=len(hv), rev=round(float(hv.sum()), 2), share=round(float(hv.sum() / tot.sum()), 4))
"""),
    ('q1-037/t1', """\
a = kpi(P('1998-01-01', '1998-06-30'))['buyers']; b = kpi(P('1997-01-01', '1997-06-30'))['buyers']
dict(b98=a, b97=b, yoy=round(a / b - 1, 4))
"""),
    ('q1-038/t1', """\
ff = GAPS.groupby('cust').gap.first()
jan = FIRST[FIRST.dt.to_period('M') == pd.Period('1997-01')].index
x = ff[ff.index.isin(jan)]; a = GAPS.groupby('cust').gap.first()
dict(mean=round(float(x.mean()), 2), median=float(x.median()), n=len(x), x_mean_all=round(float(a.mean()), 2))
"""),
]

def run_snippet(code, env):
    tree = ast.parse(code)
    exec(compile(ast.Module(body=tree.body[:-1], type_ignores=[]), "<check>", "exec"), env)
    return eval(compile(ast.Expression(tree.body[-1].value), "<check>", "eval"), env)

if __name__ == "__main__":
    base = dict(globals())
    for key, code in CHECKS:
        print(key, json.dumps(run_snippet(code, dict(base)), ensure_ascii=False, default=str))
