# Re-runs every check of set_ae1.yaml after the prelude and asserts the values written in `expect`.
import re, sys, math, collections, yaml

Y = '/tmp/team/ae1/set_ae1.yaml'
doc = yaml.safe_load(open(Y, encoding='utf-8'))
assert doc['data_end'] == '1998-06-30'
ns = {}
exec(doc['check_prelude'], ns)

TOOLS = {'metric_query', 'cohort_retention', 'feedback_followup', 'customer_profile', 'crm_overview', 'list_segments',
         'describe_segment', 'explain_customer_segment', 'forecast_customer', 'at_risk_customers', 'forecast_totals',
         'customer_value', 'analyze_sentiment', 'sentiment_summary', 'search_feedback', 'feedback_themes',
         'assistant_status'}

def run_check(code):
    lines = [l for l in code.rstrip().split('\n')]
    loc = dict(ns)
    exec('\n'.join(lines[:-1]), loc)
    return eval(lines[-1], loc)

def close(a, b, tol):
    if tol == 0 or b == 0:
        return a == b
    return abs(a - b) <= tol * abs(b)

kinds = collections.Counter()
nturn = 0
ids = set()
for it in doc['items']:
    assert it['id'] not in ids; ids.add(it['id'])
    assert 1 <= len(it['turns']) <= 4, it['id']
    for i, t in enumerate(it['turns']):
        nturn += 1
        e = t['expect']
        k = e['kind']
        kinds[k] += 1
        assert k in ('figure', 'model', 'refusal', 'partial'), k
        if k == 'model':
            assert e.get('tool') in TOOLS, (it['id'], e.get('tool'))
        if k in ('figure', 'partial'):
            assert e.get('figures'), (it['id'], i)
        if 'period' in e:
            assert re.fullmatch(r'\d{4}-\d\d-\d\d\.\.\d{4}-\d\d-\d\d', e['period'])
        figs = e.get('figures', []) + e.get('must_not', [])
        if figs:
            assert 'check' in t, (it['id'], i)
        if 'check' in t:
            res = run_check(t['check'])
            assert isinstance(res, dict)
            for f in figs:
                name = re.match(r'\[(\w+)\]', f['what']).group(1)
                assert name in res, (it['id'], i, name)
                assert res[name] == f['value'], (it['id'], i, name, res[name], f['value'])
            # every must_not must be distinguishable from every figure at its tolerance
            for m in e.get('must_not', []):
                for f in e.get('figures', []):
                    assert not close(m['value'], f['value'], max(m['rel_tol'], f['rel_tol'])), (it['id'], i, m, f)
print('OK', len(doc['items']), 'conversations', nturn, 'turns', dict(kinds))
