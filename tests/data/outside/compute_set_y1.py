# Re-runs every check of set_y1.yaml after its check_prelude and asserts the values written in `expect`.
# (set_y1.yaml was produced from draft_y1.yaml by build_y1.py; this script only verifies.)
import ast, re, sys, collections, yaml

PATH = '/tmp/team/y1/set_y1.yaml'
TOOLS = {'metric_query', 'cohort_retention', 'feedback_followup', 'customer_profile', 'crm_overview',
         'list_segments', 'describe_segment', 'explain_customer_segment', 'forecast_customer',
         'at_risk_customers', 'forecast_totals', 'customer_value', 'analyze_sentiment', 'sentiment_summary',
         'search_feedback', 'feedback_themes', 'assistant_status'}
KINDS = {'figure', 'model', 'refusal', 'partial'}

doc = yaml.safe_load(open(PATH, encoding='utf-8'))
assert doc['data_end'] == '1998-06-30'
prelude = doc['check_prelude']


def run_check(code):
    ns = {}
    exec(prelude, ns)
    tree = ast.parse(code)
    last = tree.body.pop()
    assert isinstance(last, ast.Expr), 'last line of a check must be an expression'
    exec(compile(tree, '<check>', 'exec'), ns)
    out = eval(compile(ast.Expression(last.value), '<check>', 'eval'), ns)
    assert isinstance(out, dict)
    return out


def close(a, b, tol):
    if b == 0:
        return abs(a) <= 1e-12
    return abs(a / b - 1) <= tol


kinds = collections.Counter()
ids = set()
nturns = nfig = nmust = 0
for it in doc['items']:
    assert it['id'] not in ids, it['id']
    ids.add(it['id'])
    assert it['persona'] and 1 <= len(it['turns']) <= 4
    for t in it['turns']:
        nturns += 1
        e = t['expect']
        assert e['kind'] in KINDS, e
        kinds[e['kind']] += 1
        if e['kind'] == 'model':
            assert e['tool'] in TOOLS, e['tool']
        if e['kind'] == 'figure':
            assert e.get('figures'), t['q']
        if 'period' in e:
            assert re.fullmatch(r'\d{4}-\d\d-\d\d\.\.\d{4}-\d\d-\d\d', e['period']), e['period']
        got = run_check(t['check'])
        used = set()
        for key in ('figures', 'must_not'):
            for f in e.get(key, []) or []:
                m = re.match(r'\[(\w+)\]', f['what'])
                assert m, f
                name = m.group(1)
                assert name in got, (it['id'], name)
                used.add(name)
                v = got[name]
                assert isinstance(f['value'], (int, float)), f
                # the written value must be exactly what the check gives (checks round themselves)
                assert abs(f['value'] - v) <= 1e-9 * max(1, abs(v)), (it['id'], name, f['value'], v)
                assert 0 < f['rel_tol'] <= 0.02
                if key == 'figures':
                    nfig += 1
                else:
                    nmust += 1
        assert used == set(got), (it['id'], t['q'], set(got) - used)
        # a must_not value must not be accepted as (close to) any required figure of the same turn
        for mn in e.get('must_not', []) or []:
            for f in e.get('figures', []) or []:
                assert not close(mn['value'], f['value'], max(mn['rel_tol'], f['rel_tol'])), (it['id'], mn, f)

print(f'OK: {len(doc["items"])} conversations, {nturns} turns, {nfig} figures, {nmust} must_not; kinds {dict(kinds)}')
