# Re-runs every `check:` of set_v1.yaml after its check_prelude and asserts the expected values.
# Usage: /tmp/team/venv/bin/python /tmp/team/v1/compute_set_v1.py
import ast, math, re, sys
from collections import Counter
import yaml

PATH = '/tmp/team/v1/set_v1.yaml'
doc = yaml.safe_load(open(PATH, encoding='utf-8'))
assert doc['data_end'] == '1998-06-30'
prelude = doc['check_prelude']

# --- independent sanity checks on the raw file (not via the prelude) ---
import pandas as pd
raw = pd.read_csv('/tmp/team/CDNOW_master.txt', sep=r'\s+', header=0, names=['cust', 'date', 'units', 'amt'], dtype={'date': str})
assert len(raw) == 69659 and raw.cust.nunique() == 23570
assert round(float(raw.amt.sum()), 2) == 2500315.63
assert raw.date.min() == '19970101' and raw.date.max() == '19980630'

def run_check(check):
    g = {}
    exec(prelude, g)
    tree = ast.parse(check)
    last = tree.body[-1]
    assert isinstance(last, ast.Expr), 'last line of a check must be an expression'
    exec(compile(ast.Module(body=tree.body[:-1], type_ignores=[]), '<check>', 'exec'), g)
    out = eval(compile(ast.Expression(last.value), '<check>', 'eval'), g)
    assert isinstance(out, dict)
    return out

def same(a, b):
    if isinstance(a, int) and isinstance(b, int):
        return a == b
    return math.isclose(float(a), float(b), rel_tol=1e-12, abs_tol=1e-9)

KINDS = {'figure', 'model', 'refusal', 'partial'}
TOOLS = {'metric_query', 'cohort_retention', 'feedback_followup', 'customer_profile', 'crm_overview', 'list_segments',
         'describe_segment', 'explain_customer_segment', 'forecast_customer', 'at_risk_customers', 'forecast_totals',
         'customer_value', 'analyze_sentiment', 'sentiment_summary', 'search_feedback', 'feedback_themes', 'assistant_status'}
kinds = Counter(); n_turns = 0; n_checked = 0; n_values = 0; ids = []
for it in doc['items']:
    ids.append(it['id'])
    assert re.fullmatch(r'v1-\d{3}', it['id']), it['id']
    assert 1 <= len(it['turns']) <= 4, it['id']
    for k, t in enumerate(it['turns'], 1):
        n_turns += 1
        e = t['expect']; kind = e['kind']; kinds[kind] += 1
        tag = f"{it['id']} turn {k}"
        assert kind in KINDS, tag
        assert isinstance(t['q'], str) and t['q'].strip(), tag
        if kind == 'model':
            assert e.get('tool') in TOOLS, tag
        if 'period' in e:
            assert re.fullmatch(r'\d{4}-\d{2}-\d{2}\.\.\d{4}-\d{2}-\d{2}', e['period']), tag
        specs = e.get('figures', []) + e.get('must_not', [])
        if kind == 'figure':
            assert e.get('figures'), tag
        if specs:
            assert 'check' in t, tag + ': figures without a check'
        if 'check' in t:
            vals = run_check(t['check'])
            n_checked += 1
            for f in specs:
                m = re.match(r'\[([^\]]+)\]', f['what'])
                assert m, tag + ': what must start with [name]'
                name = m.group(1)
                assert name in vals, f'{tag}: {name} not in check output'
                assert same(f['value'], vals[name]), f"{tag}: {name} expected {f['value']} got {vals[name]}"
                assert 0 <= f['rel_tol'] <= 0.05, tag
                n_values += 1
            # a must_not figure must really differ from every required figure
            for bad in e.get('must_not', []):
                for good in e.get('figures', []):
                    assert not math.isclose(float(bad['value']), float(good['value']), rel_tol=0.01), f'{tag}: must_not equals a figure'
assert len(ids) == len(set(ids))
print(f'OK: {len(doc["items"])} conversations, {n_turns} turns, {n_checked} checks run, {n_values} values asserted; kinds {dict(kinds)}')
