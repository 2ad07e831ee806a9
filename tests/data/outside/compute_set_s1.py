#!/usr/bin/env python3
"""compute_set_s1.py - recomputes every expected figure of set_s1.yaml from the raw CDNOW file.
Run: python compute_set_s1.py   (prints one JSON line per turn: turn id -> figures)"""
import ast, json

import pandas as pd, numpy as np
F = '/work/main/.venv/lib/python3.11/site-packages/lifetimes/datasets/CDNOW_master.txt'
df = pd.read_csv(F, sep=r'\s+', header=0, names=['cust', 'date', 'units', 'amt'], dtype={'date': str, 'cust': str})
df['date'] = pd.to_datetime(df['date'], format='%Y%m%d')
NOW = pd.Timestamp('1998-06-30')
first = df.groupby('cust').date.min()          # first order date per customer (all-time)
last = df.groupby('cust').date.max()           # last order date per customer
pdays = df[['cust', 'date']].drop_duplicates().sort_values(['cust', 'date'])   # purchase days
def P(a, b):                                   # order lines in [a, b] (inclusive dates)
    return df[(df.date >= a) & (df.date <= b)]
def rev(a, b): return round(float(P(a, b).amt.sum()), 2)
def orders(a, b): return int(len(P(a, b)))
def buyers(a, b): return int(P(a, b).cust.nunique())
def aov(a, b): d = P(a, b); return float(d.amt.sum() / len(d))
def rpb(a, b): d = P(a, b); return float(d.amt.sum() / d.cust.nunique())
def chg(x, y): return float(x / y - 1)         # relative change of x vs y
def repeat_rate(a, b):                         # share of the period's buyers with >= 2 purchase days in the period
    d = pdays[(pdays.date >= a) & (pdays.date <= b)]
    return float((d.groupby('cust').size() >= 2).mean())
def gaps(a, b):                                # gaps between consecutive purchase days, later day in [a, b]
    g = pdays.copy(); g['gap'] = g.groupby('cust').date.diff().dt.days
    g = g[(g.date >= a) & (g.date <= b)].gap.dropna()
    return float(g.mean()), float(g.median())
def inactive(n):                               # bool Series: last order >= n days before NOW
    return (NOW - last).dt.days >= n
def new_customers(a, b): return int(((first >= a) & (first <= b)).sum())


CHECKS = [
    ('s1-001-t1', "dict(rev=rev('1998-04-01','1998-06-30'), orders=orders('1998-04-01','1998-06-30'), buyers=buyers('1998-04-01','1998-06-30'),\n     h1=rev('1998-01-01','1998-06-30'), all=rev('1997-01-01','1998-06-30'), q2_97=rev('1997-04-01','1997-06-30'))"),
    ('s1-001-t2', "q1 = rev('1998-01-01','1998-03-31'); q2 = rev('1998-04-01','1998-06-30')\ndict(q1=q1, pct=chg(q2, q1))"),
    ('s1-001-t3', "q2_97 = rev('1997-04-01','1997-06-30'); q2 = rev('1998-04-01','1998-06-30')\ndict(q2_97=q2_97, pct=chg(q2, q2_97), all97=rev('1997-01-01','1997-12-31'))"),
    ('s1-001-t4', "dict(apr=rev('1998-04-01','1998-04-30'), may=rev('1998-05-01','1998-05-31'), jun=rev('1998-06-01','1998-06-30'))"),
    ('s1-001-t5', "dict(aov98=aov('1998-04-01','1998-06-30'), aov97=aov('1997-04-01','1997-06-30'), rpb98=rpb('1998-04-01','1998-06-30'))"),
    ('s1-002-t1', "h98 = rev('1998-01-01','1998-06-30'); h97 = rev('1997-01-01','1997-06-30')\ndict(h98=h98, h97=h97, pct=chg(h98, h97), all97=rev('1997-01-01','1997-12-31'), pct_full=chg(h98, rev('1997-01-01','1997-12-31')))"),
    ('s1-003-t1', "a, b = '1998-04-01', '1998-06-30'\nd = P(a, b); ret = d[d.cust.map(first) < a]\ndict(ret_share=float(ret.amt.sum() / d.amt.sum()), ret_buyers=int(ret.cust.nunique()), new=new_customers(a, b))"),
    ('s1-003-t2', "dict(new_mar97=new_customers('1997-03-01','1997-03-31'), buyers_mar97=buyers('1997-03-01','1997-03-31'))"),
    ('s1-004-t1', "dict(rr98=repeat_rate('1998-04-01','1998-06-30'), rr97=repeat_rate('1997-04-01','1997-06-30'), rr_all=repeat_rate('1997-01-01','1998-06-30'))"),
    ('s1-005-t1', "d = P('1998-01-01','1998-06-30'); t = d.groupby('cust').amt.sum().nlargest(10)\nta = df.groupby('cust').amt.sum().nlargest(10)\ndict(top10=round(float(t.sum()), 2), share=float(t.sum() / d.amt.sum()), share_all=float(ta.sum() / df.amt.sum()))"),
    ('s1-008-t1', "dict(h98=rev('1998-01-01','1998-06-30'), all=rev('1997-01-01','1998-06-30'))"),
    ('s1-009-t1', "dict(jun=rev('1998-06-01','1998-06-30'), jun97=rev('1997-06-01','1997-06-30'))"),
    ('s1-011-t1', "dict(q1=rev('1997-01-01','1997-03-31'), q2=rev('1997-04-01','1997-06-30'), q3=rev('1997-07-01','1997-09-30'), q4=rev('1997-10-01','1997-12-31'))"),
    ('s1-012-t1', "m = df.groupby(df.date.dt.to_period('M')).size()\nhit = m[m > 10000]\ndict(feb97=int(m['1997-02']), mar97=int(m['1997-03']), n_months=int(len(hit)), jan97=int(m['1997-01']))"),
    ('s1-020-t1', 'dict(n=int(df.cust.nunique()))'),
    ('s1-020-t2', 'dict(orders=int(len(df)))'),
    ('s1-020-t3', 'dict(opb=float(len(df) / df.cust.nunique()))'),
    ('s1-021-t1', "dict(aov=aov('1998-01-01','1998-06-30'), rpb=rpb('1998-01-01','1998-06-30'), aov_all=aov('1997-01-01','1998-06-30'))"),
    ('s1-022-t1', "dict(mar98=rev('1998-03-01','1998-03-31'), mar97=rev('1997-03-01','1997-03-31'))"),
    ('s1-022-t2', "dict(mar97=rev('1997-03-01','1997-03-31'), y97=rev('1997-01-01','1997-12-31'))"),
    ('s1-022-t3', "dict(pct=chg(rev('1998-03-01','1998-03-31'), rev('1997-03-01','1997-03-31')))"),
    ('s1-023-t1', "m = df.groupby(df.date.dt.to_period('M')).size()\ndict(max_orders=int(m.max()), month=str(m.idxmax()))"),
    ('s1-024-t1', 'dict(n=int(inactive(180).sum()), n365=int(inactive(365).sum()))'),
    ('s1-024-t2', 'dict(share=float(inactive(180).mean()))'),
    ('s1-025-t1', "dict(rr97=repeat_rate('1997-01-01','1997-12-31'), rr_all=repeat_rate('1997-01-01','1998-06-30'), rr98=repeat_rate('1998-01-01','1998-06-30'))"),
    ('s1-026-t1', "c = df[df.cust == '00100']\ndict(spend=round(float(c.amt.sum()), 2), orders=int(len(c)), units=int(c.units.sum()))"),
    ('s1-028-t1', 'dict(units=int(df.units.sum()), orders=int(len(df)))'),
    ('s1-029-t1', "dict(b=buyers('1998-06-01','1998-06-30'), b97=buyers('1997-06-01','1997-06-30'))"),
    ('s1-030-t1', "m, md = gaps('1998-01-01','1998-06-30')\ndict(mean=m, median=md)"),
    ('s1-031-t1', "g = pdays.groupby('cust').date.apply(lambda s: (s.iloc[1] - s.iloc[0]).days if len(s) > 1 else np.nan).dropna()\ndict(mean=float(g.mean()), median=float(g.median()), n=int(len(g)))"),
    ('s1-046-t1', "s = df.groupby('cust').amt.sum()\nsel = (s > 500) & inactive(180)\ndict(n=int(sel.sum()), n_spend=int((s > 500).sum()))"),
    ('s1-046-t2', "s = df.groupby('cust').amt.sum()\nsel = (s > 500) & inactive(180)\ndict(rev=round(float(s[sel].sum()), 2), share=float(s[sel].sum() / s.sum()))"),
    ('s1-048-t1', "dict(o=orders('1998-04-01','1998-06-30'), o97=orders('1997-04-01','1997-06-30'), all=int(len(df)))"),
    ('s1-050-t1', "d = P('1998-01-01','1998-06-30')\ndict(n=int((d.amt > 100).sum()), n_all=int((df.amt > 100).sum()))"),
    ('s1-052-t1', "dict(b=buyers('1998-04-01','1998-06-30'), summed=int(sum(buyers(a, b) for a, b in [('1998-04-01','1998-04-30'), ('1998-05-01','1998-05-31'), ('1998-06-01','1998-06-30')])))"),
    ('s1-060-t1', 'dict(n=int(inactive(365).sum()), n180=int(inactive(180).sum()))'),
    ('s1-060-t2', 'dict(share=float(inactive(365).mean()))'),
    ('s1-060-t3', "npd = pdays.groupby('cust').size()\nlap = inactive(365)\ndict(n=int(((npd >= 2) & lap).sum()), one=int(((npd == 1) & lap).sum()))"),
    ('s1-060-t4', "npd = pdays.groupby('cust').size(); s = df.groupby('cust').amt.sum()\nsel = (npd >= 2) & inactive(365)\ndict(rev=round(float(s[sel].sum()), 2), rev_all_lapsed=round(float(s[inactive(365)].sum()), 2))"),
    ('s1-061-t1', "coh = first[first.dt.to_period('M') == '1997-01'].index\nm = df[df.cust.isin(coh)].groupby('cust').date.apply(lambda s: set(s.dt.to_period('M')))\nr = lambda k: float(m.apply(lambda x: pd.Period('1997-01', 'M') + k in x).mean())\ndict(m1=r(1), m3=r(3), m12=r(12), size=int(len(coh)))"),
    ('s1-062-t1', "npd = pdays.groupby('cust').size()\ndict(n=int((npd == 1).sum()), share=float((npd == 1).mean()), n_lines=int((df.groupby('cust').size() == 1).sum()))"),
    ('s1-064-t1', 'w = df.groupby(df.date.dt.day_name()).size()\ndict(top=int(w.max()), day=str(w.idxmax()), share=float(w.max() / w.sum()))'),
    ('s1-067-t1', "h2 = set(P('1997-07-01','1997-12-31').cust); h1 = P('1998-01-01','1998-06-30')\nre = set(h1.cust) - h2\ndict(n=int(len(re)), h1_buyers=int(h1.cust.nunique()))"),
    ('s1-067-t2', "h2 = set(P('1997-07-01','1997-12-31').cust); h1 = P('1998-01-01','1998-06-30')\nr = h1[~h1.cust.isin(h2)]\ndict(rev=round(float(r.amt.sum()), 2), share=float(r.amt.sum() / h1.amt.sum()), h1=round(float(h1.amt.sum()), 2))"),
    ('s1-068-t1', "d = P('1997-01-01','1997-12-31'); t = d.groupby('cust').amt.sum().nlargest(20)\nta = df.groupby('cust').amt.sum().nlargest(20)\ndict(top=round(float(t.sum()), 2), share=float(t.sum() / d.amt.sum()), share_all=float(ta.sum() / df.amt.sum()))"),
    ('s1-070-t1', "j = rev('1998-06-01','1998-06-30'); m = rev('1998-05-01','1998-05-31'); j7 = rev('1997-06-01','1997-06-30')\ndict(jun=j, may=m, jun97=j7, mom=chg(j, m), yoy=chg(j, j7))"),
]


def _run(code):
    tree = ast.parse(code)
    g = dict(globals())
    exec(compile(ast.Module(body=tree.body[:-1], type_ignores=[]), '<check>', 'exec'), g)
    return eval(compile(ast.Expression(tree.body[-1].value), '<check>', 'eval'), g)

def _r(v):
    if isinstance(v, (int, np.integer)): return int(v)
    if isinstance(v, (float, np.floating)): return round(float(v), 4) if abs(v) < 10 else round(float(v), 2)
    return v

if __name__ == '__main__':
    for tid, code in CHECKS:
        print(json.dumps({'turn': tid, 'values': {k: _r(v) for k, v in _run(code).items()}}, ensure_ascii=False))
