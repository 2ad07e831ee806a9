"""compute_set_p1.py -- every expected figure of set_p1.yaml, computed with pandas over the raw CDNOW file.

Run:  python compute_set_p1.py            -> prints every figure per turn
      python compute_set_p1.py --verify   -> also checks that set_p1.yaml holds the same values
The snippets in CHECKS are exactly the `check:` snippets of the YAML (run after PRELUDE; last line = result dict).
"""
import sys, os

PRELUDE = r'''
import pandas as pd, numpy as np
F = '/work/main/.venv/lib/python3.11/site-packages/lifetimes/datasets/CDNOW_master.txt'
df = pd.read_csv(F, sep=r'\s+', header=0, names=['cust', 'date', 'units', 'amt'], dtype={'date': str, 'cust': str})
df['date'] = pd.to_datetime(df['date'], format='%Y%m%d')
END = pd.Timestamp('1998-06-30')                      # "now" = last order date
def P(a, b):                                           # order lines with a <= date <= b
    return df[(df.date >= pd.Timestamp(a)) & (df.date <= pd.Timestamp(b))]
def M(ym):                                             # one calendar month, 'YYYY-MM'
    return df[df.date.dt.to_period('M') == pd.Period(ym, 'M')]
first = df.groupby('cust').date.min()                  # first order (all-time)
last = df.groupby('cust').date.max()                   # last order (all-time)
spend = df.groupby('cust').amt.sum()                   # total spend (all-time)
def repeat_rate(d):                                    # share of d's buyers with >= 2 distinct purchase days in d
    pdays = d.groupby('cust').date.nunique()
    return float((pdays >= 2).mean())
days = df[['cust', 'date']].drop_duplicates().sort_values(['cust', 'date']).reset_index(drop=True)
days['gap'] = days.groupby('cust').date.diff().dt.days  # gap to previous purchase day (NaN on first day)
days['n'] = days.groupby('cust').cumcount()             # 0 = first purchase day, 1 = second ...
def retention(cohort_month, k):                        # share of cohort (first order in month m) with an order in month m+k
    coh = first[first.dt.to_period('M') == pd.Period(cohort_month, 'M')].index
    act = set(df[df.date.dt.to_period('M') == pd.Period(cohort_month, 'M') + k].cust)
    return float(np.mean([c in act for c in coh]))
def inactive(n):                                       # customers whose last order is >= n days before END
    return last[(END - last).dt.days >= n].index
def pct(a, b):
    return float((a - b) / b)
'''

CHECKS = {}
def C(tid, code):
    CHECKS[tid] = code.strip('\n')

# ---------------- 市场部经理 ----------------
C('p1-001.1', '''
h98 = P('1998-01-01', '1998-06-30')
dict(rev_98h1=float(h98.amt.sum()), rev_all=float(df.amt.sum()), rev_97=float(P('1997-01-01', '1997-12-31').amt.sum()))
''')
C('p1-001.2', '''
r98 = P('1998-01-01', '1998-06-30').amt.sum(); r97 = P('1997-01-01', '1997-06-30').amt.sum()
dict(rev_97h1=float(r97), yoy=pct(r98, r97), rev_97=float(P('1997-01-01', '1997-12-31').amt.sum()), yoy_vs_fullyear=pct(r98, P('1997-01-01', '1997-12-31').amt.sum()))
''')
C('p1-001.3', '''
h = P('1998-01-01', '1998-06-30'); m = h.groupby(h.date.dt.month).amt.sum()
{f'rev_1998_{k:02d}': float(v) for k, v in m.items()}
''')
C('p1-002.1', '''
dict(orders_1998_04=len(M('1998-04')), orders_1998_05=len(M('1998-05')), orders_1998_06=len(M('1998-06')),
     orders_1997_04=len(M('1997-04')), orders_1997_05=len(M('1997-05')), orders_1997_06=len(M('1997-06')))
''')
C('p1-002.2', '''
{f'aov_{ym}': float(M(ym).amt.sum() / len(M(ym))) for ym in ['1998-04', '1998-05', '1998-06']}
''')
C('p1-003.1', '''
dict(repeat_98h1=repeat_rate(P('1998-01-01', '1998-06-30')), repeat_all=repeat_rate(df))
''')
C('p1-003.2', '''
dict(repeat_97h1=repeat_rate(P('1997-01-01', '1997-06-30')), repeat_97=repeat_rate(P('1997-01-01', '1997-12-31')), repeat_all=repeat_rate(df))
''')
C('p1-004.1', '''
dict(ret_jan97_k3=retention('1997-01', 3))
''')
C('p1-004.2', '''
dict(ret_feb97_k3=retention('1997-02', 3))
''')
C('p1-005.1', '''
ina = inactive(180)
dict(inactive180=len(ina), inactive180_share=len(ina) / df.cust.nunique())
''')
C('p1-005.2', '''
ina = inactive(180)
dict(inactive180_spend_gt500=int((spend[ina] > 500).sum()), all_spend_gt500=int((spend > 500).sum()))
''')
C('p1-008.1', '''
dict(new_1998=int(((first >= '1998-01-01') & (first <= '1998-06-30')).sum()), new_alltime=int(len(first)))
''')
C('p1-009.1', '''
dict(inactive90=len(inactive(90)))
''')
C('p1-010.1', '''
y = P('1998-01-01', '1998-06-30'); w = y.groupby(y.date.dt.day_name()).size()
dict(top_weekday=w.idxmax(), top_weekday_orders=int(w.max()), second=w.sort_values().index[-2], second_orders=int(w.sort_values().iloc[-2]))
''')
C('p1-010.2', '''
y = P('1998-01-01', '1998-06-30'); w = y.groupby(y.date.dt.day_name()).size()
dict(monday_share_98=float(w.max() / len(y)))
''')
C('p1-011.1', '''
dict(rev_98q2=float(P('1998-04-01', '1998-06-30').amt.sum()), rev_97q2=float(P('1997-04-01', '1997-06-30').amt.sum()), rev_98q1=float(P('1998-01-01', '1998-03-31').amt.sum()))
''')
C('p1-012.1', '''
mar = M('1997-03'); newc = set(first[first.dt.to_period('M') == pd.Period('1997-03', 'M')].index)
rn = mar[mar.cust.isin(newc)].amt.sum()
dict(rev_new_1997_03=float(rn), share_new_1997_03=float(rn / mar.amt.sum()), rev_1997_03=float(mar.amt.sum()))
''')
# ---------------- 销售主管 ----------------
C('p1-020.1', '''
dict(rev_1998_06=float(M('1998-06').amt.sum()), rev_1998_05=float(M('1998-05').amt.sum()), rev_1997_06=float(M('1997-06').amt.sum()))
''')
C('p1-020.2', '''
dict(rev_1998_05=float(M('1998-05').amt.sum()), mom=pct(M('1998-06').amt.sum(), M('1998-05').amt.sum()))
''')
C('p1-020.3', '''
dict(rev_1997_06=float(M('1997-06').amt.sum()), yoy=pct(M('1998-06').amt.sum(), M('1997-06').amt.sum()))
''')
C('p1-021.1', '''
t = P('1998-01-01', '1998-06-30').groupby('cust').amt.sum().sort_values(ascending=False)
dict(top1_id=t.index[0], top1=float(t.iloc[0]), top2_id=t.index[1], top2=float(t.iloc[1]), top10_id=t.index[9], top10=float(t.iloc[9]),
     top1_alltime=float(spend.max()))
''')
C('p1-021.2', '''
y = P('1998-01-01', '1998-06-30'); c = y[y.cust == '07592']
dict(orders_07592_98=len(c), units_07592_98=int(c.units.sum()), orders_07592_all=int((df.cust == '07592').sum()), units_07592_all=int(df[df.cust == '07592'].units.sum()))
''')
C('p1-022.1', '''
y = P('1998-01-01', '1998-06-30')
dict(lines_gt300_98=int((y.amt > 300).sum()), lines_gt300_all=int((df.amt > 300).sum()))
''')
C('p1-023.1', '''
dict(cust_spend_gt1000=int((spend > 1000).sum()), cust_spend_ge1000=int((spend >= 1000).sum()))
''')
C('p1-023.2', '''
dict(cust_spend_gt10000=int((spend > 10000).sum()), top_id=spend.idxmax(), top_spend=float(spend.max()))
''')
C('p1-024.1', '''
o1 = len(P('1998-01-01', '1998-03-31')); o2 = len(P('1998-04-01', '1998-06-30'))
dict(orders_98q1=o1, orders_98q2=o2, chg=pct(o2, o1))
''')
C('p1-024.2', '''
r1 = P('1998-01-01', '1998-03-31').amt.sum(); r2 = P('1998-04-01', '1998-06-30').amt.sum()
dict(rev_98q1=float(r1), rev_98q2=float(r2), chg=pct(r2, r1))
''')
C('p1-025.1', '''
dict(buyers_98=int(P('1998-01-01', '1998-06-30').cust.nunique()), buyers_all=int(df.cust.nunique()))
''')
C('p1-025.2', '''
y = P('1998-01-01', '1998-06-30')
dict(rev_per_buyer_98=float(y.amt.sum() / y.cust.nunique()), rev_per_buyer_all=float(df.amt.sum() / df.cust.nunique()))
''')
C('p1-026.1', '''
y = P('1998-01-01', '1998-06-30'); m = y.groupby(y.date.dt.month).size()
dict(n_months=int((m > 2000).sum()), **{f'orders_1998_{k:02d}': int(v) for k, v in m[m > 2000].items()})
''')
C('p1-027.1', '''
g = days[(days.date >= '1998-01-01') & days.gap.notna()].gap
dict(gap_mean_98=float(g.mean()), gap_median_98=float(g.median()), gap_mean_all=float(days.gap.mean()))
''')
C('p1-027.2', '''
g = days[days.n == 1].gap
dict(first_to_second_mean=float(g.mean()), first_to_second_median=float(g.median()), n_customers=int(len(g)))
''')
C('p1-029.1', '''
dict(orders_98h1=len(P('1998-01-01', '1998-06-30')), orders_all=len(df))
''')
# ---------------- 客服主管 ----------------
C('p1-036.1', '''
dict(orders_1998_06=len(M('1998-06')), orders_1998_05=len(M('1998-05')), orders_1997_06=len(M('1997-06')))
''')
C('p1-037.1', '''
c = df[df.cust == '07592']
dict(spend_07592=float(c.amt.sum()), orders_07592=len(c), units_07592=int(c.units.sum()), purchase_days_07592=int(c.date.nunique()),
     first_07592=str(c.date.min().date()), last_07592=str(c.date.max().date()))
''')
# ---------------- English regional director ----------------
C('p1-040.1', '''
dict(rev_97=float(P('1997-01-01', '1997-12-31').amt.sum()), rev_all=float(df.amt.sum()))
''')
C('p1-040.2', '''
y = P('1997-01-01', '1997-12-31'); q = y.groupby(y.date.dt.quarter).amt.sum()
{f'rev_97q{k}': float(v) for k, v in q.items()}
''')
C('p1-040.3', '''
y = P('1997-01-01', '1997-12-31')
dict(q1_share_97=float(P('1997-01-01', '1997-03-31').amt.sum() / y.amt.sum()), q1_share_all=float(P('1997-01-01', '1997-03-31').amt.sum() / df.amt.sum()))
''')
C('p1-041.1', '''
b98 = P('1998-04-01', '1998-06-30').cust.nunique(); b97 = P('1997-04-01', '1997-06-30').cust.nunique()
dict(buyers_98q2=int(b98), buyers_97q2=int(b97), chg=pct(b98, b97))
''')
C('p1-041.2', '''
a = P('1998-04-01', '1998-06-30'); b = P('1997-04-01', '1997-06-30')
dict(aov_98q2=float(a.amt.sum() / len(a)), aov_97q2=float(b.amt.sum() / len(b)))
''')
C('p1-042.1', '''
dict(rev_1998_03=float(M('1998-03').amt.sum()), rev_1997_03=float(M('1997-03').amt.sum()))
''')
C('p1-043.1', '''
t = spend.sort_values(ascending=False).head(5)
dict(**{f'top{i+1}_id': c for i, c in enumerate(t.index)}, **{f'top{i+1}': float(v) for i, v in enumerate(t.values)})
''')
C('p1-044.1', '''
pdays = days.groupby('cust').size()
dict(one_time_share_all=float((pdays == 1).mean()), one_time_n=int((pdays == 1).sum()))
''')
C('p1-048.1', '''
dict(units_98h1=int(P('1998-01-01', '1998-06-30').units.sum()), units_all=int(df.units.sum()))
''')
C('p1-049.1', '''
dict(ret_jan97_k1=retention('1997-01', 1))
''')
C('p1-050.1', '''
a = P('1998-01-01', '1998-06-30'); b = P('1997-01-01', '1997-06-30'); c = P('1997-01-01', '1997-12-31')
dict(aov_98h1=float(a.amt.sum() / len(a)), aov_97h1=float(b.amt.sum() / len(b)), aov_97_fullyear=float(c.amt.sum() / len(c)))
''')


def run_check(ns, code):
    lines = code.strip('\n').split('\n')
    # the result is the last top-level expression (may span several lines): find where it starts
    for i in range(len(lines) - 1, -1, -1):
        if lines[i] and not lines[i].startswith(' '):
            break
    exec('\n'.join(lines[:i]), ns)
    return eval('\n'.join(lines[i:]), ns)


def compute_all():
    ns = {}
    exec(PRELUDE, ns)
    return {tid: run_check(ns, code) for tid, code in CHECKS.items()}


if __name__ == '__main__':
    res = compute_all()
    for tid, r in res.items():
        print(tid, {k: (round(v, 6) if isinstance(v, float) else v) for k, v in r.items()})
    if '--verify' in sys.argv:
        import yaml
        y = yaml.safe_load(open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'set_p1.yaml'), encoding='utf-8'))
        bad = 0; n = 0
        for it in y['items']:
            for j, t in enumerate(it['turns'], 1):
                tid = f"{it['id']}.{j}"
                e = t['expect']
                for key in ('figures', 'must_not'):
                    for f in e.get(key) or []:
                        n += 1
                        k = f['what'].split(']')[0].lstrip('[')
                        v = res[tid][k]
                        ok = abs(v - f["value"]) <= 1e-6 + abs(v) * 1e-6
                        if not ok:
                            bad += 1; print('MISMATCH', tid, key, k, v, f['value'])
                if 'check' in t and t['check'].strip() != CHECKS.get(tid, '').strip():
                    bad += 1; print('CHECK SNIPPET DIFFERS', tid)
        assert y['check_prelude'].strip() == PRELUDE.strip(), 'prelude differs'
        print(f'verify: {n} figure values compared, {bad} problems')
