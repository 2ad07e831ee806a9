# Re-runs every check of set_ad1.yaml after its prelude and asserts the expected values.
# Usage: /tmp/team/venv/bin/python /tmp/team/ad1/compute_set_ad1.py
import re, yaml
from collections import Counter

Y = '/tmp/team/ad1/set_ad1.yaml'
TOOLS = {'metric_query', 'cohort_retention', 'feedback_followup', 'customer_profile', 'crm_overview', 'list_segments',
         'describe_segment', 'explain_customer_segment', 'forecast_customer', 'at_risk_customers', 'forecast_totals',
         'customer_value', 'analyze_sentiment', 'sentiment_summary', 'search_feedback', 'feedback_themes',
         'assistant_status'}
KINDS = {'figure', 'model', 'refusal', 'partial'}

doc = yaml.safe_load(open(Y, encoding='utf-8'))
assert doc['data_end'] == '1998-06-30'
g = {}
exec(doc['check_prelude'], g)

# sanity of the raw data against the product description
df = g['df']
assert len(df) == 69659 and df.cust.nunique() == 23570
assert str(df.date.min().date()) == '1997-01-01' and str(df.date.max().date()) == '1998-06-30'
assert abs(df.amt.sum() - 2500315.63) < 0.01

def run_check(code):
    lines = code.strip().split('\n')
    loc = dict(g)
    exec('\n'.join(lines[:-1]), loc)
    return eval(lines[-1], loc)

def close(a, b, tol):
    if b == 0:
        return abs(a) <= 1e-9
    return abs(a - b) <= tol * abs(b)

n_turns, kinds, ids = 0, Counter(), set()
for it in doc['items']:
    assert it['id'] not in ids, it['id']; ids.add(it['id'])
    assert 1 <= len(it['turns']) <= 4, it['id']
    assert it.get('persona')
    for i, t in enumerate(it['turns']):
        n_turns += 1
        tag = f"{it['id']} turn {i + 1}"
        e = t['expect']
        assert e['kind'] in KINDS, tag
        kinds[e['kind']] += 1
        if e['kind'] == 'model':
            assert e.get('tool') in TOOLS, tag
        if 'period' in e:
            assert re.fullmatch(r'\d{4}-\d\d-\d\d\.\.\d{4}-\d\d-\d\d', e['period']), tag
        res = run_check(t['check'])
        assert isinstance(res, dict), tag
        figs = e.get('figures', []) or []
        mn = e.get('must_not', []) or []
        if e['kind'] in ('figure', 'partial'):
            assert figs, tag + ' needs figures'
        for f in figs + mn:
            name = re.match(r'\[(\w+)\]', f['what']).group(1)
            assert name in res, f'{tag}: {name} not in check result'
            assert isinstance(f['value'], (int, float)), tag
            assert close(float(res[name]), float(f['value']), 1e-9), f"{tag}: {name} expected {f['value']} got {res[name]}"
            assert 0 < f['rel_tol'] <= 0.05, tag
        # a must_not figure must not be accepted as one of the required figures
        for m in mn:
            for f in figs:
                assert not close(float(m['value']), float(f['value']), f['rel_tol']), f'{tag}: must_not too close to a figure'
                assert not close(float(f['value']), float(m['value']), m['rel_tol']), f'{tag}: figure within must_not tolerance'
        print(f"ok {tag:18s} {e['kind']:8s} {res}")

print(f"conversations {len(doc['items'])}, turns {n_turns}, kinds {dict(kinds)}")
assert 25 <= len(doc['items']) <= 35 and 55 <= n_turns <= 70
print('ALL CHECKS PASSED')
