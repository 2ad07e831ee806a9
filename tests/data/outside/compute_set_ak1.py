# Re-runs every check of set_ak1.yaml after its prelude and asserts the values written in `expect`.
# Run: /tmp/team/venv/bin/python /tmp/team/ak1/compute_set_ak1.py
import re, sys, math
from collections import Counter
import yaml

PATH = '/tmp/team/ak1/set_ak1.yaml'
doc = yaml.safe_load(open(PATH, encoding='utf-8'))
assert doc['data_end'] == '1998-06-30'
assert isinstance(doc['writer'], str) and doc['writer'].startswith('ak1')

base = {}
exec(doc['check_prelude'], base)
# sanity on the loaded data (product.md)
assert len(base['df']) == 69659 and base['df'].cust.nunique() == 23570
assert round(float(base['df'].amt.sum()), 2) == 2500315.63


def run_check(code):
    lines = [l for l in code.rstrip().split('\n')]
    ns = dict(base)
    exec('\n'.join(lines[:-1]), ns)
    out = eval(lines[-1], ns)
    assert isinstance(out, dict), 'last line of a check must give a dict'
    return out


def close(a, b, tol=1e-9):
    a, b = float(a), float(b)
    return a == b or math.isclose(a, b, rel_tol=tol, abs_tol=1e-9)


KINDS = {'figure', 'model', 'refusal', 'partial'}
TOOLS = {'metric_query', 'cohort_retention', 'feedback_followup', 'customer_profile', 'crm_overview', 'list_segments',
         'describe_segment', 'explain_customer_segment', 'forecast_customer', 'at_risk_customers', 'forecast_totals',
         'customer_value', 'analyze_sentiment', 'sentiment_summary', 'search_feedback', 'feedback_themes',
         'assistant_status'}
kinds = Counter()
nturns = 0
nfig = 0
ids = set()
for it in doc['items']:
    assert re.fullmatch(r'ak1-\d{3}', it['id']) and it['id'] not in ids, it['id']
    ids.add(it['id'])
    assert it['persona'] and 1 <= len(it['turns']) <= 4, it['id']
    for t in it['turns']:
        nturns += 1
        e = t['expect']
        assert e['kind'] in KINDS, (it['id'], e['kind'])
        kinds[e['kind']] += 1
        if 'tool' in e:
            assert e['tool'] in TOOLS, e['tool']
        if e['kind'] == 'model':
            assert 'tool' in e, (it['id'], t['q'])
        if 'period' in e:
            assert re.fullmatch(r'\d{4}-\d\d-\d\d\.\.\d{4}-\d\d-\d\d', e['period'])
        figs = e.get('figures', []) + e.get('must_not', [])
        if e['kind'] == 'figure':
            assert e.get('figures'), (it['id'], t['q'])
        if figs:
            assert 'check' in t, (it['id'], t['q'])
        if 'check' not in t:
            continue
        got = run_check(t['check'])
        for f in e.get('figures', []):
            name = re.match(r'\[(\w+)\]', f['what']).group(1)
            assert name in got, (it['id'], name)
            assert close(got[name], f['value']), (it['id'], t['q'], name, got[name], f['value'])
            assert 0 < f['rel_tol'] <= 0.05
            nfig += 1
        for f in e.get('must_not', []):
            name = re.match(r'\[(\w+)\]', f['what']).group(1)
            assert name in got, (it['id'], name)
            assert close(got[name], f['value']), (it['id'], t['q'], name, got[name], f['value'])
            # a must_not figure must not be accepted as one of the expected figures
            for g in e.get('figures', []):
                assert not math.isclose(float(g['value']), float(f['value']), rel_tol=max(g['rel_tol'], f['rel_tol'])), \
                    (it['id'], t['q'], 'must_not collides with an expected figure', f['what'], g['what'])
        print(f"ok {it['id']} {t['q'][:30]} -> {got}")

assert 25 <= len(doc['items']) <= 35
assert 55 <= nturns <= 70
print(f'\nALL CHECKS PASSED: {len(doc["items"])} conversations, {nturns} turns, {nfig} figures, kinds {dict(kinds)}')
