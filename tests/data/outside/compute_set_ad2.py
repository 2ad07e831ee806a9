# Re-runs every check of set_ad2.yaml after its check_prelude and asserts that the values written in `expect`
# equal what the check gives. Run: /tmp/team/venv/bin/python /tmp/team/ad2/compute_set_ad2.py
import ast, math, re, sys
from collections import Counter
import yaml

PATH = '/tmp/team/ad2/set_ad2.yaml'
TOOLS = {'metric_query', 'cohort_retention', 'feedback_followup', 'customer_profile', 'crm_overview',
         'list_segments', 'describe_segment', 'explain_customer_segment', 'forecast_customer',
         'at_risk_customers', 'forecast_totals', 'customer_value', 'analyze_sentiment', 'sentiment_summary',
         'search_feedback', 'feedback_themes', 'assistant_status'}
KINDS = {'figure', 'model', 'refusal', 'partial'}

doc = yaml.safe_load(open(PATH, encoding='utf-8'))
assert doc['data_end'] == '1998-06-30'
base = {}
exec(doc['check_prelude'], base)
assert len(base['df']) == 69659 and base['df'].cust.nunique() == 23570
assert round(float(base['df'].amt.sum()), 2) == 2500315.63


def run_check(code):
    ns = dict(base)
    tree = ast.parse(code)
    last = tree.body[-1]
    assert isinstance(last, ast.Expr), 'last line of a check must be an expression'
    exec(compile(ast.Module(body=tree.body[:-1], type_ignores=[]), '<check>', 'exec'), ns)
    out = eval(compile(ast.Expression(last.value), '<check>', 'eval'), ns)
    assert isinstance(out, dict)
    return out


def same(a, b):
    if isinstance(a, int) and isinstance(b, int):
        return a == b
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)


def near(v, ref, tol):
    return abs(v - ref) <= tol * abs(ref) if ref != 0 else v == 0


ids, kinds, nturns, nfig = set(), Counter(), 0, 0
for it in doc['items']:
    assert it['id'] not in ids and re.fullmatch(r'ad2-\d{3}', it['id']); ids.add(it['id'])
    assert it['persona'] and 1 <= len(it['turns']) <= 4
    for k, t in enumerate(it['turns'], 1):
        where = f"{it['id']} turn {k}"
        e = t['expect']; nturns += 1; kinds[e['kind']] += 1
        assert t['q'].strip(), where
        assert e['kind'] in KINDS, where
        if e['kind'] == 'model':
            assert e.get('tool') in TOOLS, where
        if e['kind'] == 'figure':
            assert e.get('figures'), where
        if 'period' in e:
            a, b = e['period'].split('..')
            assert re.fullmatch(r'\d{4}-\d{2}-\d{2}', a) and re.fullmatch(r'\d{4}-\d{2}-\d{2}', b) and a <= b <= '1998-06-30', where
        got = run_check(t['check'])
        for group in ('figures', 'must_not'):
            for f in e.get(group, []):
                m = re.match(r'\[(\w+)\] ', f['what'])
                assert m, (where, f['what'])
                name = m.group(1)
                assert name in got, (where, name, got)
                assert same(f['value'], got[name]), (where, group, name, f['value'], got[name])
                assert 0 <= f['rel_tol'] <= 0.05, (where, name)
                nfig += 1
        # no must_not value may fall within tolerance of an expected figure (it would be ambiguous)
        for mn in e.get('must_not', []):
            for f in e.get('figures', []):
                assert not near(mn['value'], f['value'], f['rel_tol'] + mn['rel_tol']), (where, mn, f)

# a few independent spot checks of definitions, computed a second way
df = base['df']
q2 = df[(df.date >= '1998-04-01') & (df.date <= '1998-06-30')]
assert round(q2.amt.sum(), 2) == 213330.48 and len(q2) == 5906
assert df.groupby('cust').date.min().max().strftime('%Y-%m-%d') == '1997-03-25'   # no new customers after Mar 1997
wk = df[(df.date >= '1998-06-22') & (df.date <= '1998-06-28')]
assert all(d.isocalendar()[1] == 26 for d in wk.date.unique())

print(f"OK: {len(doc['items'])} conversations, {nturns} turns, {nfig} figure values checked; kinds {dict(kinds)}")
