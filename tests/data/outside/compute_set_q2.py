#!/usr/bin/env python3
"""q2: computes every expected figure of set_q2.yaml from the raw CDNOW file and prints them.
Usage: python compute_set_q2.py   (prints one JSON line per turn: id#turn -> figures)"""
import ast, json

# ---- check_prelude (identical to the YAML) ----
import pandas as pd, numpy as np
F = '/work/main/.venv/lib/python3.11/site-packages/lifetimes/datasets/CDNOW_master.txt'
df = pd.read_csv(F, sep=r'\s+', header=0, names=['cust', 'date', 'units', 'amt'], dtype={'date': str})
df['date'] = pd.to_datetime(df['date'], format='%Y%m%d')
# --- helpers (q2). A check snippet may hold statements; its LAST line is an expression giving a dict.
END = pd.Timestamp('1998-06-30')
df['ym'] = df.date.dt.to_period('M')
def sl(a, b):                                  # order lines with a <= date <= b (inclusive)
    return df[(df.date >= pd.Timestamp(a)) & (df.date <= pd.Timestamp(b))]
def rev(a, b): return round(float(sl(a, b).amt.sum()), 2)
def nord(a, b): return int(len(sl(a, b)))          # orders = order lines
def nbuy(a, b): return int(sl(a, b).cust.nunique())  # buyers = distinct customers
def aov(a, b): s = sl(a, b); return float(s.amt.sum() / len(s))
def chg(new, old): return float(new / old - 1)       # relative change (MoM / YoY)
FIRST = df.groupby('cust').date.min()
LAST = df.groupby('cust').date.max()
PD = df[['cust', 'date']].drop_duplicates().sort_values(['cust', 'date']).reset_index(drop=True)  # purchase days
PD['gap'] = PD.groupby('cust').date.diff().dt.days  # gap to the previous purchase day of the same customer
def pdays(a, b): return PD[(PD.date >= pd.Timestamp(a)) & (PD.date <= pd.Timestamp(b))]
def repeat_rate(a, b):                        # share of period buyers with >= 2 purchase days in the period
    n = pdays(a, b).groupby('cust').size(); return float((n >= 2).mean())
def gaps(a, b):                               # gaps whose later purchase day is in the period
    g = pdays(a, b).gap.dropna(); return float(g.mean()), float(g.median())
def inactive(n): return int(((END - LAST).dt.days >= n).sum())
def retention(m, k):                          # cohort = first order in month m; share with an order in month m+k
    coh = FIRST[FIRST.dt.to_period('M') == pd.Period(m, 'M')].index
    buyers = set(df[df.ym == pd.Period(m, 'M') + k].cust)
    return float(np.mean([c in buyers for c in coh]))

# ---- checks (identical to the YAML check: snippets) ----
CHECKS = {
 "q2-003#1": "dict(n180=inactive(180), n90=inactive(90), n365=inactive(365))\n",
 "q2-003#2": "dict(share180=inactive(180) / df.cust.nunique())\n",
 "q2-003#3": "dict(n90=inactive(90), share90=inactive(90) / df.cust.nunique(), n180=inactive(180))\n",
 "q2-004#1": "dict(rr98=repeat_rate('1998-01-01', '1998-06-30'), rr97=repeat_rate('1997-01-01', '1997-06-30'),\n     rr_all=repeat_rate('1997-01-01', '1998-06-30'), rr97y=repeat_rate('1997-01-01', '1997-12-31'))\n",
 "q2-004#2": "dict(one98=1 - repeat_rate('1998-01-01', '1998-06-30'), one_all=1 - repeat_rate('1997-01-01', '1998-06-30'))\n",
 "q2-004#3": "m, md = gaps('1998-01-01', '1998-06-30'); ma, mda = gaps('1997-01-01', '1998-06-30')\ndict(gap_mean=m, gap_median=md, gap_mean_all=ma)\n",
 "q2-005#1": "c = df[df.cust == 100]\ndict(orders=len(c), spend=round(float(c.amt.sum()), 2), last=str(c.date.max().date()))\n",
 "q2-006#1": "dict(o98=nord('1998-01-01', '1998-06-30'), o_all=len(df), o97h1=nord('1997-01-01', '1997-06-30'))\n",
 "q2-011#1": "z = df[df.amt == 0]\ndict(n0=len(z), n0_98=int((z.date.dt.year == 1998).sum()))\n",
 "q2-020#1": "r = rev('1998-01-01', '1998-06-30')\ndict(rev98h1=r, avg_month=r / 6, rev_all=round(float(df.amt.sum()), 2), rev97h1=rev('1997-01-01', '1997-06-30'),\n     rev97=rev('1997-01-01', '1997-12-31'), avg_all=float(df.amt.sum()) / 18)\n",
 "q2-020#2": "a, b = rev('1998-01-01', '1998-06-30'), rev('1997-01-01', '1997-06-30')\ndict(rev97h1=b, yoy=chg(a, b), rev97=rev('1997-01-01', '1997-12-31'), yoy_vs_fullyear=chg(a, rev('1997-01-01', '1997-12-31')))\n",
 "q2-020#3": "dict(**{'m%02d' % m: rev('1998-%02d-01' % m, str((pd.Period('1998-%02d' % m, 'M')).end_time.date())) for m in range(1, 7)})\n",
 "q2-020#4": "j, m, j97 = rev('1998-06-01', '1998-06-30'), rev('1998-05-01', '1998-05-31'), rev('1997-06-01', '1997-06-30')\ndict(mom=chg(j, m), diff=round(j - m, 2), yoy=chg(j, j97))\n",
 "q2-020#5": "j, j97 = rev('1998-06-01', '1998-06-30'), rev('1997-06-01', '1997-06-30')\ndict(jun97=j97, yoy=chg(j, j97), yoy_h1=chg(rev('1998-01-01', '1998-06-30'), rev('1997-01-01', '1997-06-30')))\n",
 "q2-021#1": "q1, q2 = rev('1998-01-01', '1998-03-31'), rev('1998-04-01', '1998-06-30')\ndict(q1=q1, q2=q2, qoq=chg(q2, q1), q1_both=round(float(df[df.date.dt.quarter == 1].amt.sum()), 2),\n     q2_both=round(float(df[df.date.dt.quarter == 2].amt.sum()), 2))\n",
 "q2-021#2": "dict(mar_share=rev('1998-03-01', '1998-03-31') / rev('1998-01-01', '1998-03-31'),\n     mar97_share=rev('1997-03-01', '1997-03-31') / rev('1997-01-01', '1997-03-31'))\n",
 "q2-021#3": "q2 = rev('1998-04-01', '1998-06-30')\ndict(rr=q2 * 4, rr_days=q2 / 91 * 365, h1x2=rev('1998-01-01', '1998-06-30') * 2)\n",
 "q2-022#1": "dict(aov98=aov('1998-01-01', '1998-06-30'), aov97=aov('1997-01-01', '1997-12-31'), aov_all=aov('1997-01-01', '1998-06-30'),\n     aov97h1=aov('1997-01-01', '1997-06-30'))\n",
 "q2-022#2": "dict(rpb98=rev('1998-01-01', '1998-06-30') / nbuy('1998-01-01', '1998-06-30'),\n     rpb97=rev('1997-01-01', '1997-12-31') / nbuy('1997-01-01', '1997-12-31'), rpb_all=float(df.amt.sum()) / df.cust.nunique())\n",
 "q2-023#1": "s = sl('1998-01-01', '1998-06-30'); t = s.groupby('cust').amt.sum().sort_values(ascending=False)\nta = df.groupby('cust').amt.sum().sort_values(ascending=False)\ndict(top10=round(float(t.head(10).sum()), 2), share=float(t.head(10).sum() / s.amt.sum()),\n     top10_all=round(float(ta.head(10).sum()), 2), share_all=float(ta.head(10).sum() / df.amt.sum()))\n",
 "q2-023#2": "s = sl('1998-01-01', '1998-06-30'); t = s.groupby('cust').amt.sum().sort_values(ascending=False)\ndict(top_id=int(t.index[0]), top_amt=round(float(t.iloc[0]), 2), top_amt_all=round(float(df[df.cust == t.index[0]].amt.sum()), 2))\n",
 "q2-024#1": "s = sl('1998-01-01', '1998-06-30'); new = s[s.cust.map(FIRST) >= pd.Timestamp('1998-01-01')]\ndict(rev_new=round(float(new.amt.sum()), 2), rev_ret=round(float(s.amt.sum() - new.amt.sum()), 2), n_new=int(new.cust.nunique()))\n",
 "q2-024#2": "s = sl('1997-03-01', '1997-03-31'); isnew = s.cust.map(FIRST) >= pd.Timestamp('1997-03-01')\ndict(rev_new=round(float(s[isnew].amt.sum()), 2), share_new=float(s[isnew].amt.sum() / s.amt.sum()),\n     n_new=int(s[isnew].cust.nunique()), rev_mar=round(float(s.amt.sum()), 2))\n",
 "q2-025#1": "g = df.groupby('ym').size(); u = df.groupby('ym').units.sum()\ndict(**{str(k): int(v) for k, v in g[g > 5000].items()}, apr97_units=int(u[pd.Period('1997-04', 'M')]))\n",
 "q2-027#1": "dict(q2=rev('1998-04-01', '1998-06-30'), o_q2=nord('1998-04-01', '1998-06-30'), q1=rev('1998-01-01', '1998-03-31'),\n     q2_97=rev('1997-04-01', '1997-06-30'))\n",
 "q2-028#1": "j, m = nbuy('1998-06-01', '1998-06-30'), nbuy('1998-05-01', '1998-05-31')\ndict(jun=j, may=m, mom=chg(j, m))\n",
 "q2-028#2": "j, j97 = nbuy('1998-06-01', '1998-06-30'), nbuy('1997-06-01', '1997-06-30')\ndict(jun97=j97, yoy=chg(j, j97))\n",
 "q2-029#1": "dict(avg3=nord('1998-04-01', '1998-06-30') / 3, avg6=nord('1998-01-01', '1998-06-30') / 6, avg_all=len(df) / 18)\n",
 "q2-030#1": "y = rev('1997-01-01', '1997-12-31'); qs = df[df.date.dt.year == 1997].groupby(df.date.dt.quarter).amt.sum()\ndict(rev97=y, **{'q%d_share' % q: float(v / y) for q, v in qs.items()}, rev_all=round(float(df.amt.sum()), 2))\n",
 "q2-031#1": "dict(may98=rev('1998-05-01', '1998-05-31'), may97=rev('1997-05-01', '1997-05-31'))\n",
 "q2-032#1": "t = df.groupby('cust').amt.sum()\ndict(n1k=int((t > 1000).sum()), share1k=float(t[t > 1000].sum() / t.sum()), n1k_orders=int((df.amt > 1000).sum()))\n",
 "q2-032#2": "t = df.groupby('cust').amt.sum()\ndict(n2k=int((t > 2000).sum()), share2k=float(t[t > 2000].sum() / t.sum()), n1k=int((t > 1000).sum()))\n",
 "q2-033#1": "s = sl('1998-01-01', '1998-06-30'); w = s.groupby(s.date.dt.day_name()).amt.sum().sort_values(ascending=False)\ndict(top_day=w.index[0], top_rev=round(float(w.iloc[0]), 2), top_share=float(w.iloc[0] / s.amt.sum()))\n",
 "q2-040#1": "a, b = rev('1998-04-01', '1998-06-30'), rev('1997-04-01', '1997-06-30')\ndict(q2=a, q2_97=b, yoy=chg(a, b), diff=round(a - b, 2), h1=rev('1998-01-01', '1998-06-30'))\n",
 "q2-040#2": "dict(aov_q2=aov('1998-04-01', '1998-06-30'), aov_q2_97=aov('1997-04-01', '1997-06-30'), aov_h1=aov('1998-01-01', '1998-06-30'),\n     aov_all=aov('1997-01-01', '1998-06-30'))\n",
 "q2-040#3": "dict(rr_q2=repeat_rate('1998-04-01', '1998-06-30'), rr_h1=repeat_rate('1998-01-01', '1998-06-30'), rr_all=repeat_rate('1997-01-01', '1998-06-30'))\n",
 "q2-041#1": "t = df.groupby('cust').amt.sum().sort_values(ascending=False).head(5)\ndict(**{'top%d' % (i + 1): round(float(v), 2) for i, v in enumerate(t.values)}, ids=[int(c) for c in t.index])\n",
 "q2-041#2": "c = df[df.cust == 7592]\ndict(orders=len(c), aov=float(c.amt.sum() / len(c)), aov_store=aov('1997-01-01', '1998-06-30'))\n",
 "q2-042#1": "dict(r3=retention('1997-01', 3), r2=retention('1997-01', 2))\n",
 "q2-042#2": "dict(r3=retention('1997-02', 3), jan_r3=retention('1997-01', 3))\n",
 "q2-042#3": "dict(r12=retention('1997-02', 12), jan_r12=retention('1997-01', 12))\n",
 "q2-043#1": "s = sl('1998-01-01', '1998-06-30')\ndict(n=int((s.amt > 100).sum()), n_all=int((df.amt > 100).sum()), n_ge=int((s.amt >= 100).sum()))\n",
 "q2-043#2": "s = sl('1998-01-01', '1998-06-30')\ndict(share=float((s.amt > 100).mean()), share_all=float((df.amt > 100).mean()))\n",
 "q2-046#1": "dict(jm=rev('1998-01-01', '1998-05-31'), h1=rev('1998-01-01', '1998-06-30'), jm97=rev('1997-01-01', '1997-05-31'))\n",
 "q2-047#1": "b = sl('1998-01-01', '1998-06-30').cust.unique()\ndict(n_new=int((FIRST >= pd.Timestamp('1998-01-01')).sum()), buyers98=len(b))\n",
 "q2-048#1": "s2 = PD.groupby('cust').gap.apply(lambda g: g.dropna().iloc[0] if g.notna().any() else np.nan).dropna()\ndict(mean=float(s2.mean()), median=float(s2.median()), n=len(s2), gap_mean_all=gaps('1997-01-01', '1998-06-30')[0])\n",
 "q2-051#1": "s = sl('1998-04-01', '1998-06-30'); t = s.groupby('cust').amt.sum().sort_values(ascending=False).head(3)\nta = df.groupby('cust').amt.sum().sort_values(ascending=False).head(3)\ndict(**{'top%d' % (i + 1): round(float(v), 2) for i, v in enumerate(t.values)}, ids=[int(c) for c in t.index],\n     all_top1=round(float(ta.iloc[0]), 2))\n"
}

def run_check(code):
    tree = ast.parse(code)
    exec(compile(ast.Module(body=tree.body[:-1], type_ignores=[]), "<check>", "exec"), globals())
    return eval(compile(ast.Expression(tree.body[-1].value), "<check>", "eval"), globals())

def fmt(v):
    if isinstance(v, float): return round(v, 6) if abs(v) < 10 else round(v, 2)
    return v

if __name__ == "__main__":
    for k, code in CHECKS.items():
        res = run_check(code)
        print(k, json.dumps({a: fmt(b) for a, b in res.items()}, ensure_ascii=False))
