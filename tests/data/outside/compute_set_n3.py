# Re-runs every check of set_n3.yaml after its prelude and asserts the values written in expect.
import yaml, sys, collections
import pandas as pd

Y = '/tmp/team/n3/set_n3.yaml'
doc = yaml.safe_load(open(Y, encoding='utf-8'))
assert doc['data_end'] == '1998-06-30'
KINDS = {'figure', 'model', 'refusal', 'partial'}
TOOLS = {'metric_query', 'cohort_retention', 'feedback_followup', 'customer_profile', 'crm_overview',
         'list_segments', 'describe_segment', 'explain_customer_segment', 'forecast_customer',
         'at_risk_customers', 'forecast_totals', 'customer_value', 'analyze_sentiment',
         'sentiment_summary', 'search_feedback', 'feedback_themes', 'assistant_status'}

def run_check(prelude, code):
    ns = {}
    exec(prelude, ns)
    lines = code.rstrip('\n').split('\n')
    exec('\n'.join(lines[:-1]), ns)
    return eval(lines[-1], ns)

kinds = collections.Counter()
n_turns = 0
ids = set()
for item in doc['items']:
    assert item['id'] not in ids; ids.add(item['id'])
    assert 1 <= len(item['turns']) <= 4, item['id']
    for i, t in enumerate(item['turns']):
        n_turns += 1
        e = t['expect']
        k = e['kind']; assert k in KINDS, (item['id'], k)
        kinds[k] += 1
        if k == 'model':
            assert e.get('tool') in TOOLS, (item['id'], i)
        if k in ('figure', 'partial'):
            assert e.get('figures'), (item['id'], i)
        figs = e.get('figures', []) + e.get('must_not', [])
        if figs:
            res = run_check(doc['check_prelude'], t['check'])
            assert isinstance(res, dict)
            for f in figs:
                name = f['what'].split(']')[0].lstrip('[')
                assert f['what'].startswith('[' + name + ']')
                got = res[name]
                assert got == f['value'], (item['id'], i, name, got, f['value'])
                assert 0 <= f['rel_tol'] <= 0.05
            # a must_not must not fall inside the tolerance of a required figure
            for m in e.get('must_not', []):
                for f in e.get('figures', []):
                    if f['value']:
                        assert abs(m['value'] / f['value'] - 1) > max(f['rel_tol'], m['rel_tol']), (item['id'], i, m, f)
        if 'period' in e:
            a, b = e['period'].split('..'); pd.Timestamp(a); pd.Timestamp(b)

# independent cross-checks of key numbers, computed without the prelude helpers
raw = pd.read_csv('/tmp/team/CDNOW_master.txt', sep=r'\s+')
raw.columns = ['cust', 'date', 'units', 'amt']
raw['ym'] = raw['date'] // 100
assert len(raw) == 69659 and raw.cust.nunique() == 23570
m = raw.groupby('ym').amt.sum().round(2)
assert m[199705] == 107933.30 and m[199805] == 70989.66 and m[199804] == 66231.52 and m[199806] == 76109.30
assert round(raw[raw.date // 10000 == 1997].amt.sum(), 2) == 2024161.26
assert round(raw[raw.date // 10000 == 1998].amt.sum(), 2) == 476154.37
fo = raw.groupby('cust').date.min()
assert fo.max() <= 19970331   # every customer first bought in 1997 Q1 -> no new customers afterwards

print('OK', len(doc['items']), 'conversations,', n_turns, 'turns,', dict(kinds))
