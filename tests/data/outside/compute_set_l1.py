# Re-runs every `check:` of set_l1.yaml after its check_prelude and asserts the values written in `expect`.
import re, sys, math, collections, warnings
import yaml
warnings.filterwarnings('ignore')
PATH = '/tmp/team/l1/set_l1.yaml'
doc = yaml.safe_load(open(PATH, encoding='utf-8'))
assert doc['data_end'] == '1998-06-30'
KINDS = {'figure', 'model', 'refusal', 'partial'}
TOOLS = {'metric_query', 'cohort_retention', 'feedback_followup', 'customer_profile', 'crm_overview', 'list_segments',
         'describe_segment', 'explain_customer_segment', 'forecast_customer', 'at_risk_customers', 'forecast_totals',
         'customer_value', 'analyze_sentiment', 'sentiment_summary', 'search_feedback', 'feedback_themes', 'assistant_status'}

def run(code):
    g = {}
    exec(doc['check_prelude'], g)
    lines = code.rstrip().split('\n')
    exec('\n'.join(lines[:-1]), g)
    r = eval(lines[-1], g)
    assert isinstance(r, dict), code
    return r

def close(a, b, tol):
    if b == 0:
        return a == 0
    return abs(a - b) <= tol * abs(b)

kinds = collections.Counter(); nturns = 0; ids = set(); nfig = 0
for it in doc['items']:
    assert it['id'] not in ids; ids.add(it['id'])
    assert 1 <= len(it['turns']) <= 4 and it['persona']
    for ti, t in enumerate(it['turns']):
        nturns += 1
        e = t['expect']; k = e['kind']; assert k in KINDS, k; kinds[k] += 1
        if k == 'model':
            assert e['tool'] in TOOLS, e['tool']
        if 'period' in e:
            assert re.fullmatch(r'\d{4}-\d\d-\d\d\.\.\d{4}-\d\d-\d\d', e['period'])
        r = run(t['check'])
        figs = e.get('figures', []); mn = e.get('must_not', [])
        if k == 'figure':
            assert figs, (it['id'], ti)
        for f in figs + mn:
            name = re.match(r'\[(\w+)\]', f['what']).group(1)
            assert name in r, (it['id'], ti, name)
            got = r[name]
            assert f['value'] == got or (isinstance(got, float) and math.isclose(f['value'], got, rel_tol=1e-12)), \
                (it['id'], ti, name, f['value'], got)
            nfig += 1
        # a must_not figure must not be confusable with a required figure
        for m in mn:
            for f in figs:
                assert not close(m['value'], f['value'], max(m['rel_tol'], f['rel_tol'])), (it['id'], ti, m, f)
print(f'OK: {len(doc["items"])} conversations, {nturns} turns, {nfig} figure values asserted; kinds: {dict(kinds)}')
