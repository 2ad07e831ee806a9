"""Re-runs every check of set_al2.yaml after its check_prelude and asserts the expected figures.

Usage: /tmp/team/venv/bin/python /tmp/team/al2/compute_set_al2.py
"""
import math, os, re, sys
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
doc = yaml.safe_load(open(os.path.join(HERE, 'set_al2.yaml'), encoding='utf-8'))
assert doc['data_end'] == '1998-06-30'

base = {}
exec(doc['check_prelude'], base)
df = base['df']
# sanity on the raw file (product.md): 23,570 customers, 69,659 order lines, 1997-01-01..1998-06-30
assert len(df) == 69659 and df.cust.nunique() == 23570
assert str(df.date.min().date()) == '1997-01-01' and str(df.date.max().date()) == '1998-06-30'


def run_check(code):
    lines = code.rstrip('\n').split('\n')
    ns = dict(base)
    exec('\n'.join(lines[:-1]), ns)
    return eval(lines[-1], ns)


def same(a, b):
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(float(a), float(b), rel_tol=0, abs_tol=1e-9)
    return a == b


KINDS = {'figure', 'model', 'refusal', 'partial'}
TOOLS = {'metric_query', 'cohort_retention', 'feedback_followup', 'customer_profile', 'crm_overview', 'list_segments',
         'describe_segment', 'explain_customer_segment', 'forecast_customer', 'at_risk_customers', 'forecast_totals',
         'customer_value', 'analyze_sentiment', 'sentiment_summary', 'search_feedback', 'feedback_themes', 'assistant_status'}
n_conv = n_turn = n_fig = 0
kinds = {}
ids = set()
for it in doc['items']:
    assert it['id'] not in ids; ids.add(it['id'])
    assert 1 <= len(it['turns']) <= 4, it['id']
    n_conv += 1
    for ti, t in enumerate(it['turns'], 1):
        n_turn += 1
        e = t['expect']
        assert e['kind'] in KINDS, (it['id'], ti)
        kinds[e['kind']] = kinds.get(e['kind'], 0) + 1
        if e['kind'] == 'model':
            assert e.get('tool') in TOOLS, (it['id'], ti)
        if e['kind'] == 'figure':
            assert e.get('figures'), (it['id'], ti)
        if 'period' in e:
            assert re.fullmatch(r'\d{4}-\d\d-\d\d\.\.\d{4}-\d\d-\d\d', e['period']), (it['id'], ti)
        res = run_check(t['check'])
        assert isinstance(res, dict), (it['id'], ti)
        figs = e.get('figures') or []
        for f in figs + (e.get('must_not') or []):
            key = re.match(r'\[([^\]]+)\]', f['what']).group(1)
            assert key in res, (it['id'], ti, key)
            assert same(f['value'], res[key]), (it['id'], ti, key, f['value'], res[key])
            assert 0 < f['rel_tol'] <= 0.01
            n_fig += 1
        for m in e.get('must_not') or []:
            for f in figs:
                tol = max(m['rel_tol'], f['rel_tol'])
                assert not math.isclose(m['value'], f['value'], rel_tol=tol), (it['id'], ti, m['what'], f['what'])
        print('ok', it['id'], 't%d' % ti, e['kind'], {k: v for k, v in res.items()} if res else '')

print('conversations', n_conv, 'turns', n_turn, 'figures checked', n_fig, 'kinds', kinds)
