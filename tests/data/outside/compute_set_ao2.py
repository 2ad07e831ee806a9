# Re-runs every check of set_ao2.yaml after the prelude and asserts the expected values.
import ast, re, sys, yaml

SET = '/tmp/team/ao2/set_ao2.yaml'
TOOLS = {'metric_query', 'cohort_retention', 'feedback_followup', 'customer_profile', 'crm_overview', 'list_segments',
         'describe_segment', 'explain_customer_segment', 'forecast_customer', 'at_risk_customers', 'forecast_totals',
         'customer_value', 'analyze_sentiment', 'sentiment_summary', 'search_feedback', 'feedback_themes', 'assistant_status'}
KINDS = {'figure', 'model', 'refusal', 'partial'}

doc = yaml.safe_load(open(SET, encoding='utf-8'))
assert doc['data_end'] == '1998-06-30'
assert doc['writer'].startswith('ao2 (outside evaluator; wrote without seeing the product code, tests, prompts or other sets) — personas: ')
base = {}
exec(doc['check_prelude'], base)

def run_check(code):
    ns = dict(base)
    tree = ast.parse(code)
    last = tree.body[-1]
    assert isinstance(last, ast.Expr), 'last line of a check must be an expression'
    exec(compile(ast.Module(body=tree.body[:-1], type_ignores=[]), '<check>', 'exec'), ns)
    out = eval(compile(ast.Expression(last.value), '<check>', 'eval'), ns)
    assert isinstance(out, dict)
    return out

def close(a, b, tol):
    return abs(a - b) <= tol * max(abs(a), abs(b), 1e-12)

n_turns, n_figs, kinds = 0, 0, {}
ids = set()
for it in doc['items']:
    assert it['id'] not in ids; ids.add(it['id'])
    assert 1 <= len(it['turns']) <= 4, it['id']
    for i, t in enumerate(it['turns'], 1):
        n_turns += 1
        e = t['expect']; k = e['kind']
        assert k in KINDS, (it['id'], k)
        kinds[k] = kinds.get(k, 0) + 1
        if k == 'model':
            assert e.get('tool') in TOOLS, (it['id'], i, e.get('tool'))
        if k in ('figure', 'partial'):
            assert e.get('figures'), (it['id'], i, 'needs figures')
        if 'period' in e:
            assert re.fullmatch(r'\d{4}-\d{2}-\d{2}\.\.\d{4}-\d{2}-\d{2}', e['period']), e['period']
        figs = e.get('figures', []) + e.get('must_not', [])
        if not figs:
            continue
        vals = run_check(t['check'])
        for f in figs:
            name = re.match(r'\[(\w+)\]', f['what']).group(1)
            got = vals[name]
            assert abs(float(got) - float(f['value'])) < 1e-9, (it['id'], i, name, got, f['value'])
            n_figs += 1
        # a must_not figure must not be accepted as one of the expected figures
        for m in e.get('must_not', []):
            for f in e.get('figures', []):
                assert not close(m['value'], f['value'], max(m['rel_tol'], f['rel_tol'])), (it['id'], i, m['what'], f['what'])
print(f"OK: {len(doc['items'])} conversations, {n_turns} turns, {n_figs} figures asserted; kinds {kinds}")
