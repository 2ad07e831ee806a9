"""Outside evaluation set h1 — computes every figure used in set_h1.yaml from the raw CDNOW file.

Written by an outside evaluator who only read product.md / eval-format.md (no product code, tests or other sets).
Run:  /work/main/.venv/bin/python tests/data/outside/compute_set_h1.py [--json OUT.json]
Each CHECKS entry is executed on top of PRELUDE; every variable it assigns (not starting with '_') is printed.
The same PRELUDE / check snippets are copied verbatim into set_h1.yaml (check_prelude / check).
"""
import json
import sys

PRELUDE = r'''
import pandas as pd
F = '/work/main/.venv/lib/python3.11/site-packages/lifetimes/datasets/CDNOW_master.txt'
# first line of the file is a header ("customer_id date number_of_cds dollar_value") -> skip it
df = pd.read_csv(F, sep=r'\s+', skiprows=1, header=None, names=['cid', 'd', 'qty', 'amt'],
                 dtype={'cid': str, 'd': str})
df['date'] = pd.to_datetime(df['d'], format='%Y%m%d')
FIRST = df.groupby('cid')['date'].min()            # first-ever order day per customer
df['first'] = df['cid'].map(FIRST)
DAYS = df[['cid', 'date']].drop_duplicates().sort_values(['cid', 'date']).reset_index(drop=True)
T = pd.Timestamp

def P(a, b):            # order lines with a <= date <= b (inclusive days)
    return df[(df['date'] >= T(a)) & (df['date'] <= T(b))]
def rev(a, b):      return round(float(P(a, b)['amt'].sum()), 2)
def orders(a, b):   return int(len(P(a, b)))
def units(a, b):    return int(P(a, b)['qty'].sum())
def buyers(a, b):   return int(P(a, b)['cid'].nunique())
def new(a, b):
    x = P(a, b); return int(x[x['first'] >= T(a)]['cid'].nunique())
def returning(a, b):
    x = P(a, b); return int(x[x['first'] < T(a)]['cid'].nunique())
def new_rev(a, b):
    x = P(a, b); return round(float(x[x['first'] >= T(a)]['amt'].sum()), 2)
def aov(a, b):      return rev(a, b) / orders(a, b)
def upo(a, b):      return units(a, b) / orders(a, b)
def rpb(a, b):      return rev(a, b) / buyers(a, b)
def days_per_buyer(a, b):
    return P(a, b).groupby('cid')['date'].nunique()
def repeat_rate(a, b):  # share of the period's buyers with >= 2 distinct purchase DAYS in the period
    return float((days_per_buyer(a, b) >= 2).mean())
def gaps(a, b):         # gaps (days) between consecutive purchase days, later day in [a, b]
    d = DAYS.copy()
    d['gap'] = d.groupby('cid')['date'].diff().dt.days
    g = d[(d['date'] >= T(a)) & (d['date'] <= T(b))]['gap'].dropna()
    return float(g.mean()), float(g.median())
def first_to_second(a, b):  # mean days first->second purchase day; first in [a,b], second <= b
    d = DAYS.copy(); d['k'] = d.groupby('cid').cumcount()
    f = d[d['k'] == 0].set_index('cid')['date']; s = d[d['k'] == 1].set_index('cid')['date']
    f = f[(f >= T(a)) & (f <= T(b))]; s = s.reindex(f.index)
    ok = s.notna() & (s <= T(b))
    return float((s[ok] - f[ok]).dt.days.mean())
def inactive(n, ref='1998-06-30'):  # customers with an order <= ref whose last order is >= n days before ref
    last = df[df['date'] <= T(ref)].groupby('cid')['date'].max()
    return int(((T(ref) - last).dt.days >= n).sum())
def retention(cohort_month, month):  # cohort = first order in cohort_month; share who bought in month
    coh = FIRST[FIRST.dt.to_period('M') == pd.Period(cohort_month, 'M')].index
    y = df[df['date'].dt.to_period('M') == pd.Period(month, 'M')]
    return y[y['cid'].isin(coh)]['cid'].nunique() / len(coh)
def cust(cid):
    return df[df['cid'] == cid]
ALL_REV = rev('1997-01-01', '1998-06-30')
'''

CHECKS = {
    # ---------- persona 1: 会员运营经理 ----------
    'h1-001.1': "rr_98h1 = repeat_rate('1998-01-01', '1998-06-30')\nrr_all = repeat_rate('1997-01-01', '1998-06-30')",
    'h1-001.2': "rr_97h1 = repeat_rate('1997-01-01', '1997-06-30')",
    'h1-002.1': "new_may = new('1998-05-01', '1998-05-31')\nret_may = returning('1998-05-01', '1998-05-31')",
    'h1-002.2': "new_m3 = new('1997-03-01', '1997-03-31')\nret_m3 = returning('1997-03-01', '1997-03-31')\nbuyers_m3 = buyers('1997-03-01', '1997-03-31')",
    'h1-002.3': "new_rev_share_m3 = new_rev('1997-03-01', '1997-03-31') / rev('1997-03-01', '1997-03-31')\nnew_rev_m3 = new_rev('1997-03-01', '1997-03-31')",
    'h1-003.1': "ret_jan_jan98 = retention('1997-01', '1998-01')\ncohort_jan = int((FIRST.dt.to_period('M') == pd.Period('1997-01', 'M')).sum())",
    'h1-004.1': "inact180 = inactive(180)\ninact180_share = inactive(180) / int(df['cid'].nunique())",
    'h1-005.1': "f2s_all = first_to_second('1997-01-01', '1998-06-30')",
    'h1-006.1': "aov_98q2 = aov('1998-04-01', '1998-06-30')\nrpb_98q2 = rpb('1998-04-01', '1998-06-30')\naov_all = aov('1997-01-01', '1998-06-30')",
    'h1-006.2': "aov_98q1 = aov('1998-01-01', '1998-03-31')\nrpb_98q1 = rpb('1998-01-01', '1998-03-31')",
    'h1-007.1': "gap_mean_98h1, gap_median_98h1 = gaps('1998-01-01', '1998-06-30')",
    'h1-008.1': "c100_rev = round(float(cust('00100')['amt'].sum()), 2)\nc100_orders = int(len(cust('00100')))\nc100_days = int(cust('00100')['date'].nunique())\nc100_last = cust('00100')['date'].max().strftime('%Y-%m-%d')",
    # ---------- persona 2: 销售总监 ----------
    'h1-009.1': "rev_98q1 = rev('1998-01-01', '1998-03-31')\nrev_97q1 = rev('1997-01-01', '1997-03-31')\nyoy_98q1 = rev_98q1 / rev_97q1 - 1\nALL_REV = ALL_REV",
    'h1-009.2': "rev_97q4 = rev('1997-10-01', '1997-12-31')\nqoq_98q1 = rev('1998-01-01', '1998-03-31') / rev_97q4 - 1",
    'h1-010.1': "orders_98h1 = orders('1998-01-01', '1998-06-30')\norders_97h1 = orders('1997-01-01', '1997-06-30')",
    'h1-010.2': "orders_98_m = {m: orders(f'1998-{m:02d}-01', pd.Period(f'1998-{m:02d}', 'M').end_time.strftime('%Y-%m-%d')) for m in range(1, 7)}",
    'h1-011.1': "_t = P('1998-01-01', '1998-06-30').groupby('cid')['amt'].sum().sort_values(ascending=False)\ntop10_98 = {k: round(float(v), 2) for k, v in _t.head(10).items()}\n_a = df.groupby('cid')['amt'].sum().sort_values(ascending=False)\ntop1_alltime = (_a.index[0], round(float(_a.iloc[0]), 2))",
    'h1-011.2': "_t = P('1998-01-01', '1998-06-30').groupby('cid')['amt'].sum().sort_values(ascending=False)\ntop10_98_sum = round(float(_t.head(10).sum()), 2)\ntop10_98_share = float(_t.head(10).sum() / _t.sum())\nrev_98h1 = rev('1998-01-01', '1998-06-30')",
    'h1-012.1': "_m = P('1997-01-01', '1997-12-31').groupby(df['date'].dt.to_period('M'))['amt'].sum()\nbest_month_97 = str(_m.idxmax())\nbest_month_97_rev = round(float(_m.max()), 2)",
    'h1-012.2': "_d = P('1997-01-01', '1997-12-31').groupby('date')['amt'].sum()\nbest_day_97 = _d.idxmax().strftime('%Y-%m-%d')\nbest_day_97_rev = round(float(_d.max()), 2)",
    'h1-013.1': "rev_may98 = rev('1998-05-01', '1998-05-31')\nrev_apr98 = rev('1998-04-01', '1998-04-30')\nmom_may98 = rev_may98 / rev_apr98 - 1\nrev_jun98 = rev('1998-06-01', '1998-06-30')",
    'h1-014.1': "rev_97q3 = rev('1997-07-01', '1997-09-30')",
    'h1-015.1': "units_98ytd = units('1998-01-01', '1998-06-30')\nunits_all = units('1997-01-01', '1998-06-30')",
    'h1-016.1': "aov_90d = aov('1998-04-02', '1998-06-30')\naov_91d_alt = aov('1998-04-01', '1998-06-30')\naov_all = aov('1997-01-01', '1998-06-30')",
    'h1-017.1': "buyers_98h1 = buyers('1998-01-01', '1998-06-30')\nbuyers_all = int(df['cid'].nunique())",
    'h1-017.2': "buyers_97h1 = buyers('1997-01-01', '1997-06-30')",
    'h1-017.3': "buyers_98h1 = buyers('1998-01-01', '1998-06-30')\nbuyers_97h1 = buyers('1997-01-01', '1997-06-30')",
    # ---------- persona 3: 电商运营 ----------
    'h1-018.1': "_x = P('1998-01-01', '1998-06-30')\n_w = _x.groupby(_x['date'].dt.dayofweek).size()\ntop_weekday_98 = int(_w.idxmax())  # 0 = Monday\ntop_weekday_98_orders = int(_w.max())\ntop_weekday_98_share = float(_w.max() / _w.sum())\nsecond_weekday_98_orders = int(_w.sort_values().iloc[-2])",
    'h1-019.1': "_x = P('1997-01-01', '1997-12-31')\nbig150_97 = int((_x['amt'] > 150).sum())\nbig150_97_ge = int((_x['amt'] >= 150).sum())\nbig150_97_share = big150_97 / len(_x)",
    'h1-019.2': "_x = P('1997-01-01', '1997-12-31')\nbig150_97_rev = round(float(_x[_x['amt'] > 150]['amt'].sum()), 2)\nbig150_97_rev_share = big150_97_rev / rev('1997-01-01', '1997-12-31')",
    'h1-020.1': "upo_q = {str(q): units(str(q.start_time.date()), str(q.end_time.date())) / orders(str(q.start_time.date()), str(q.end_time.date())) for q in pd.period_range('1997Q1', '1998Q2', freq='Q')}",
    'h1-021.1': "_m = P('1997-06-01', '1997-12-31').groupby(df['date'].dt.to_period('M'))['amt'].sum()\n_g = (_m / _m.shift(1) - 1).dropna()\nbest_mom_month_97h2 = str(_g.idxmax())\nbest_mom_97h2 = float(_g.max())\nbest_mom_97h2_rev = round(float(_m[_g.idxmax()]), 2)\nbest_mom_97h2_prev_rev = round(float(_m[_g.idxmax() - 1]), 2)",
    'h1-022.1': "_x = P('1998-01-01', '1998-06-30')\nweekend_rev_share_98 = float(_x[_x['date'].dt.dayofweek >= 5]['amt'].sum() / _x['amt'].sum())\nweekend_rev_98 = round(float(_x[_x['date'].dt.dayofweek >= 5]['amt'].sum()), 2)",
    'h1-023.1': "_x = P('1998-01-01', '1998-06-30')\n_b = _x[_x['amt'] > 100]\nbig100_98_orders = int(len(_b))\nbig100_98_ties = int((_x['amt'] == 100).sum())\nbig100_98_upo = float(_b['qty'].sum() / len(_b))\nupo_98h1 = upo('1998-01-01', '1998-06-30')",
    'h1-024.1': "rev_30d = rev('1998-06-01', '1998-06-30')\norders_30d = orders('1998-06-01', '1998-06-30')\nbuyers_30d = buyers('1998-06-01', '1998-06-30')\nALL_REV = ALL_REV",
    'h1-024.2': "rev_30d_prev = rev('1998-05-02', '1998-05-31')\nmom_30d = rev('1998-06-01', '1998-06-30') / rev_30d_prev - 1\nrev_may_full = rev('1998-05-01', '1998-05-31')",
    # ---------- model items that carry figures ----------
    'h1-027.3': "c14048_rev = round(float(cust('14048')['amt'].sum()), 2)\nc14048_orders = int(len(cust('14048')))\nc14048_days = int(cust('14048')['date'].nunique())",
    # ---------- refusal items mixed with a question ----------
    'h1-034.1': "rev_may98 = rev('1998-05-01', '1998-05-31')\nrev_jun98 = rev('1998-06-01', '1998-06-30')",
    'h1-036.1': "inact180 = inactive(180)",
    # ---------- partial items: wrong-scope figures (must_not) ----------
    'h1-039.1': "rev_98q1 = rev('1998-01-01', '1998-03-31')\nALL_REV = ALL_REV",
    'h1-040.1': "rr_all = repeat_rate('1997-01-01', '1998-06-30')\nrr_98h1 = repeat_rate('1998-01-01', '1998-06-30')",
    'h1-041.1': "units_98ytd = units('1998-01-01', '1998-06-30')",
    'h1-042.1': "rev_may98 = rev('1998-05-01', '1998-05-31')",
    'h1-043.1': "rev_1997 = rev('1997-01-01', '1997-12-31')",
    'h1-044.1': "aov_all = aov('1997-01-01', '1998-06-30')",
    'h1-045.1': "aov_3m = aov('1998-04-01', '1998-06-30')",
}


def run():
    base = {}
    exec(PRELUDE, base)
    results = {}
    for tid, code in CHECKS.items():
        ns = dict(base)
        before = set(ns)
        exec(code, ns)
        out = {k: ns[k] for k in ns if (k not in before or k == 'ALL_REV') and not k.startswith('_') and k in code}
        results[tid] = out
        for k, v in out.items():
            print(f'{tid:10s} {k:24s} = {v!r}')
    return results


if __name__ == '__main__':
    res = run()
    if '--json' in sys.argv:
        with open(sys.argv[sys.argv.index('--json') + 1], 'w') as fh:
            json.dump({'prelude': PRELUDE, 'checks': CHECKS, 'results': res}, fh, ensure_ascii=False, indent=1)
