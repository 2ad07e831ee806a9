# Re-runs every check of set_af2.yaml after its check_prelude and asserts the expected values.
# Usage: /tmp/team/venv/bin/python /tmp/team/af2/compute_set_af2.py
import math, re, sys
from collections import Counter
import yaml

PATH = '/tmp/team/af2/set_af2.yaml'
doc = yaml.safe_load(open(PATH, encoding='utf-8'))
assert doc['data_end'] == '1998-06-30'
g0 = {}
exec(doc['check_prelude'], g0)

KINDS = {'figure', 'model', 'refusal', 'partial'}
TOOLS = {'metric_query', 'cohort_retention', 'feedback_followup', 'customer_profile', 'crm_overview', 'list_segments',
         'describe_segment', 'explain_customer_segment', 'forecast_customer', 'at_risk_customers', 'forecast_totals',
         'customer_value', 'analyze_sentiment', 'sentiment_summary', 'search_feedback', 'feedback_themes',
         'assistant_status'}

def run_check(src):
    lines = src.rstrip('\n').split('\n')
    g = dict(g0)
    exec('\n'.join(lines[:-1]), g)           # statements
    return eval(lines[-1], g)                 # LAST line: an expression giving a dict

def close(a, b, tol):
    return math.isclose(float(a), float(b), rel_tol=tol, abs_tol=0.0 if b != 0 else 1e-12)

n_turns, n_fig, kinds, ids = 0, 0, Counter(), set()
for it in doc['items']:
    assert it['id'] not in ids, it['id']; ids.add(it['id'])
    assert 1 <= len(it['turns']) <= 4, it['id']
    for i, t in enumerate(it['turns'], 1):
        n_turns += 1
        tag = f"{it['id']} turn {i}"
        e = t['expect']; k = e['kind']; kinds[k] += 1
        assert k in KINDS, tag
        if k == 'model':
            assert e.get('tool') in TOOLS, tag
        if k == 'figure':
            assert e.get('figures'), tag
        if 'period' in e:
            assert re.fullmatch(r'\d{4}-\d{2}-\d{2}\.\.\d{4}-\d{2}-\d{2}', e['period']), tag
        figs, mn = e.get('figures', []), e.get('must_not', [])
        if figs or mn:
            assert 'check' in t, tag
        if 'check' not in t:
            continue
        got = run_check(t['check'])
        assert isinstance(got, dict), tag
        for f in figs + mn:
            name = re.match(r'\[(\w+)\]', f['what']).group(1)
            assert name in got, (tag, name)
            # the written value must equal what the check gives (exactly, up to float noise)
            assert math.isclose(float(f['value']), float(got[name]), rel_tol=1e-9, abs_tol=1e-9), (tag, name, f['value'], got[name])
            n_fig += 1
        # a must_not figure must not be accepted as one of the right figures
        for m in mn:
            for f in figs:
                assert not close(m['value'], f['value'], max(f['rel_tol'], m['rel_tol'])), (tag, m['what'], f['what'])


# ---- independent re-computation of some figures (plain pandas, not the prelude helpers)
import pandas as pd, numpy as np
raw = pd.read_csv('/tmp/team/CDNOW_master.txt', sep=r'\s+', skiprows=1, header=None, names=['c', 'd', 'u', 'a'], dtype={'d': str})
raw['d'] = pd.to_datetime(raw.d)
def val(cid, turn, name):
    t = [x for x in doc['items'] if x['id'] == cid][0]['turns'][turn - 1]
    for f in t['expect'].get('figures', []):
        if f['what'].startswith('[' + name + ']'):
            return f['value']
    raise KeyError((cid, turn, name))
y97 = raw[raw.d.dt.year == 1997]
days97 = y97.drop_duplicates(['c', 'd']).groupby('c').size()
assert abs(val('af2-020', 1, 'rr97') - (days97 > 1).sum() / len(days97)) < 1e-4
assert val('af2-005', 1, 'n97') == (days97 == 1).sum()
u = raw.drop_duplicates(['c', 'd']).sort_values(['c', 'd'])
gl = [np.diff(g.d.values).astype('timedelta64[D]').astype(int) for _, g in u.groupby('c') if len(g) > 1]
allg = np.concatenate(gl)
assert abs(val('af2-025', 1, 'mean') - allg.mean()) < 0.01 and val('af2-025', 1, 'median') == np.median(allg)
assert abs(val('af2-025', 2, 'mean') - np.mean([x[0] for x in gl])) < 0.01
fm = raw.groupby('c').d.min().dt.strftime('%Y-%m')
jan = set(fm[fm == '1997-01'].index)
feb_buyers = set(raw[raw.d.dt.strftime('%Y-%m') == '1997-02'].c)
assert abs(val('af2-021', 1, 'm1') - len(jan & feb_buyers) / len(jan)) < 1e-4
tot = raw.groupby('c').a.sum().sort_values(ascending=False)
top = set(tot.index[:2357])
h1 = raw[(raw.d >= '1998-01-01')]
assert abs(val('af2-024', 3, 'gmv') - h1[h1.c.isin(top)].a.sum()) < 0.01
lw = raw[(raw.d >= '1998-06-22') & (raw.d <= '1998-06-28')]
assert val('af2-009', 1, 'last_week') == len(lw) and all(lw.d.dt.day_of_week.isin(range(7)))
assert pd.Timestamp('1998-06-22').day_of_week == 0 and pd.Timestamp('1998-06-28').day_of_week == 6
last = raw.groupby('c').d.max()
assert val('af2-033', 1, 'n') == (last <= pd.Timestamp('1998-04-01')).sum()
assert val('af2-006', 1, 'n') == (last <= pd.Timestamp('1998-01-01')).sum()
print('independent spot checks OK')

# a few spot assertions written independently of the checks
assert kinds['figure'] >= 35 and kinds['model'] >= 10 and kinds['refusal'] >= 3 and kinds['partial'] >= 3
print(f"OK: {len(doc['items'])} conversations, {n_turns} turns, {n_fig} figure values verified, kinds={dict(kinds)}")
