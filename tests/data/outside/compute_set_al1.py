# Re-runs every check of set_al1.yaml after its check_prelude and asserts the values written in expect.
import yaml, math, re
from collections import Counter

SET = '/tmp/team/al1/set_al1.yaml'
doc = yaml.safe_load(open(SET, encoding='utf-8'))
assert doc['data_end'] == '1998-06-30'
ns = {}
exec(doc['check_prelude'], ns)

# sanity of the raw data against product.md
df = ns['df']
assert len(df) == 69659 and df.cust.nunique() == 23570
assert str(df.date.min().date()) == '1997-01-01' and str(df.date.max().date()) == '1998-06-30'

def run_check(code):
    lines = code.strip().split('\n')
    body, last = '\n'.join(lines[:-1]), lines[-1]
    loc = dict(ns)
    exec(body, loc)
    res = eval(last, loc)
    assert isinstance(res, dict), res
    return res

KINDS = {'figure', 'model', 'refusal', 'partial'}
TOOLS = {'metric_query', 'cohort_retention', 'feedback_followup', 'customer_profile', 'crm_overview', 'list_segments',
         'describe_segment', 'explain_customer_segment', 'forecast_customer', 'at_risk_customers', 'forecast_totals',
         'customer_value', 'analyze_sentiment', 'sentiment_summary', 'search_feedback', 'feedback_themes', 'assistant_status'}
ids, kinds, nturns, nfig = set(), Counter(), 0, 0
for it in doc['items']:
    assert it['id'] not in ids; ids.add(it['id'])
    assert 1 <= len(it['turns']) <= 4, it['id']
    for t in it['turns']:
        nturns += 1
        e = t['expect']; k = e['kind']; kinds[k] += 1
        assert k in KINDS, (it['id'], k)
        if k == 'model':
            assert e.get('tool') in TOOLS, (it['id'], t['q'])
        if 'period' in e:
            assert re.fullmatch(r'\d{4}-\d{2}-\d{2}\.\.\d{4}-\d{2}-\d{2}', e['period'])
        figs = e.get('figures', []) + e.get('must_not', [])
        if k in ('figure', 'partial'):
            assert e.get('figures'), (it['id'], t['q'])
        if figs:
            assert 'check' in t, (it['id'], t['q'])
            res = run_check(t['check'])
            for f in figs:
                name = re.match(r'\[(\w+)\]', f['what']).group(1)
                assert name in res, (it['id'], name)
                got = res[name]
                assert math.isclose(float(f['value']), float(got), rel_tol=1e-9, abs_tol=1e-9), (it['id'], t['q'], name, f['value'], got)
                nfig += 1
            # a must_not figure must really differ from every expected figure beyond the tolerance
            for m in e.get('must_not', []):
                for f in e.get('figures', []):
                    assert not math.isclose(float(m['value']), float(f['value']), rel_tol=max(m['rel_tol'], f['rel_tol'])), (it['id'], m, f)
print(f"OK: {len(doc['items'])} conversations, {nturns} turns, {nfig} figures checked, kinds {dict(kinds)}")
