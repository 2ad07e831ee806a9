"""Re-runs every check of set_ae2.yaml after its check_prelude and asserts that the values written in
`expect` equal what the checks give. Also validates the file's structure and cross-checks a few key
figures with an independent pure-Python computation over the raw file.
Run: /tmp/team/venv/bin/python /tmp/team/ae2/compute_set_ae2.py"""
import ast, math, re, datetime as dt, statistics
from collections import defaultdict, Counter
import yaml

Y = '/tmp/team/ae2/set_ae2.yaml'
doc = yaml.safe_load(open(Y, encoding='utf-8'))
assert doc['data_end'] == '1998-06-30'
ns = {}
exec(doc['check_prelude'], ns)

TOOLS = {'metric_query', 'cohort_retention', 'feedback_followup', 'customer_profile', 'crm_overview', 'list_segments',
         'describe_segment', 'explain_customer_segment', 'forecast_customer', 'at_risk_customers', 'forecast_totals',
         'customer_value', 'analyze_sentiment', 'sentiment_summary', 'search_feedback', 'feedback_themes', 'assistant_status'}


def run_check(code):
    tree = ast.parse(code)
    last = tree.body[-1]
    assert isinstance(last, ast.Expr), 'last line of a check must be an expression'
    loc = dict(ns)
    exec(compile(ast.Module(body=tree.body[:-1], type_ignores=[]), '<check>', 'exec'), loc)
    out = eval(compile(ast.Expression(last.value), '<check>', 'eval'), loc)
    assert isinstance(out, dict)
    return out


def close(a, b, tol):
    if b == 0:
        return abs(a) <= 1e-12
    return abs(a - b) <= tol * abs(b)


kinds = Counter()
n_turns = 0
ids = set()
for it in doc['items']:
    assert it['id'] not in ids
    ids.add(it['id'])
    assert 1 <= len(it['turns']) <= 4 and it['persona']
    for ti, t in enumerate(it['turns'], 1):
        n_turns += 1
        where = f"{it['id']} turn {ti}"
        e = t['expect']
        k = e['kind']
        assert k in ('figure', 'model', 'refusal', 'partial'), where
        kinds[k] += 1
        if k == 'model':
            assert e.get('tool') in TOOLS, where
        if k == 'figure':
            assert e.get('figures'), where
        if 'period' in e:
            assert re.fullmatch(r'\d{4}-\d\d-\d\d\.\.\d{4}-\d\d-\d\d', e['period']), where
        res = run_check(t['check'])
        for grp in ('figures', 'must_not'):
            for f in e.get(grp, []) or []:
                m = re.match(r'\[(\w+)\]', f['what'])
                assert m, (where, f['what'])
                name = m.group(1)
                assert name in res, (where, name)
                got = float(res[name])
                assert math.isclose(got, float(f['value']), rel_tol=1e-9, abs_tol=1e-9), (where, name, got, f['value'])
                assert 0 <= f['rel_tol'] <= 0.01, where
        # a must_not must not be accepted as one of the figures
        for mn in e.get('must_not', []) or []:
            for f in e.get('figures', []) or []:
                assert not close(float(mn['value']), float(f['value']), f['rel_tol']), (where, mn['what'], f['what'])

# ---------- independent cross-checks (pure Python, no pandas) ----------
rows = []
with open('/tmp/team/CDNOW_master.txt') as fh:
    next(fh)
    for line in fh:
        c, d, u, a = line.split()
        rows.append((int(c), dt.date(int(d[:4]), int(d[4:6]), int(d[6:])), int(u), float(a)))
END = dt.date(1998, 6, 30)
inr = lambda d, a, b: a <= d <= b
y97 = [r for r in rows if r[1].year == 1997]
assert round(sum(r[3] for r in y97), 2) == 2024161.26 and len(y97) == 56902
days97 = defaultdict(set)
for r in y97:
    days97[r[0]].add(r[1])
assert round(sum(len(v) >= 2 for v in days97.values()) / len(days97), 4) == 0.4451
alldays = defaultdict(set)
for r in rows:
    alldays[r[0]].add(r[1])
lastd = {c: max(v) for c, v in alldays.items()}
firstd = {c: min(v) for c, v in alldays.items()}
assert sum((END - d).days >= 365 for d in lastd.values()) == 15238
assert sum((END - d).days >= 180 for d in lastd.values()) == 18210
jan = {c for c, d in firstd.items() if (d.year, d.month) == (1997, 1)}
feb_buyers = {r[0] for r in rows if (r[1].year, r[1].month) == (1997, 2)}
assert len(jan) == 7846 and round(len(jan & feb_buyers) / len(jan), 4) == 0.1475
spend = defaultdict(float)
for r in rows:
    spend[r[0]] += r[3]
sp = sorted(spend.values(), reverse=True)
assert round(sum(sp[:2357]) / sum(sp), 4) == 0.5094
f2s = [(sorted(v)[1] - sorted(v)[0]).days for v in alldays.values() if len(v) >= 2]
assert statistics.median(f2s) == 57 and round(sum(x <= 30 for x in f2s) / len(alldays), 4) == 0.1746
mar = [r for r in rows if (r[1].year, r[1].month) == (1997, 3)]
assert len({r[0] for r in mar if firstd[r[0]] >= dt.date(1997, 3, 1)}) == 7248
assert round(sum(r[3] for r in mar if firstd[r[0]] < dt.date(1997, 3, 1)), 2) == 113270.78
lw = [r for r in rows if inr(r[1], dt.date(1998, 6, 22), dt.date(1998, 6, 28))]
assert round(sum(r[3] for r in lw), 2) == 13063.32 and len(lw) == 381
assert sum(1 for d in firstd.values() if d.year == 1998) == 0

print(f"OK: {len(doc['items'])} conversations, {n_turns} turns, kinds {dict(kinds)}; all checks re-run and asserted")
