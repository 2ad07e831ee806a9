# Re-runs every check of set_b1.yaml after the prelude and asserts the expected values.
import yaml, math, collections
doc = yaml.safe_load(open('/tmp/team/b1/set_b1.yaml'))
assert doc['data_end'] == '1998-06-30'
ns = {}
exec(doc['check_prelude'], ns)
# sanity on the data and the prelude
assert len(ns['df']) == 69659 and ns['df'].cust.nunique() == 23570
assert round(float(ns['df'].amt.sum()), 2) == 2500315.63

def same(a, b):
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)

kinds = collections.Counter(); nturns = 0
TOOLS = {'metric_query', 'cohort_retention', 'feedback_followup', 'customer_profile', 'crm_overview', 'list_segments',
         'describe_segment', 'explain_customer_segment', 'forecast_customer', 'at_risk_customers', 'forecast_totals',
         'customer_value', 'analyze_sentiment', 'sentiment_summary', 'search_feedback', 'feedback_themes', 'assistant_status'}
for it in doc['items']:
    assert 1 <= len(it['turns']) <= 4, it['id']
    for k, t in enumerate(it['turns'], 1):
        nturns += 1
        e = t['expect']; kinds[e['kind']] += 1
        assert e['kind'] in ('figure', 'model', 'refusal', 'partial')
        if e['kind'] == 'model':
            assert e['tool'] in TOOLS, (it['id'], e.get('tool'))
        if e['kind'] in ('figure', 'partial'):
            assert e.get('figures'), (it['id'], k)
        lines = t['check'].rstrip('\n').split('\n')
        loc = dict(ns)
        exec('\n'.join(lines[:-1]), loc)
        got = eval(lines[-1], loc)
        assert isinstance(got, dict), (it['id'], k)
        for f in e.get('figures', []) + e.get('must_not', []):
            name = f['what'].split(']')[0].lstrip('[')
            assert name in got, (it['id'], k, name)
            assert same(got[name], f['value']), (it['id'], k, name, got[name], f['value'])
        for m in e.get('must_not', []):   # a must_not must not collide with a required figure
            for f in e.get('figures', []):
                assert not math.isclose(m['value'], f['value'], rel_tol=max(m['rel_tol'], f['rel_tol'])), (it['id'], k, m, f)
        print(it['id'], k, e['kind'], {kk: v for kk, v in got.items()})
print(len(doc['items']), 'conversations,', nturns, 'turns,', dict(kinds))
# extra checks behind notes
df, per = ns['df'], ns['per']
assert (per('1998-05-01', '1998-05-31').amt == 100).sum() == 0          # no May-98 line at exactly 100
assert (ns['SPEND'] == 500).sum() == 0                                   # no customer at exactly 500
print('ALL CHECKS PASSED')
