"""Re-runs check_prelude + every turn's check in set_n2.yaml over the raw CDNOW file and prints each
expected figure next to the computed one. Figures are matched to check outputs by the [key] tag at the start
of `what`. ok_* keys in a check are sanity flags and must equal 1. Exit code 1 on any mismatch."""
import sys, re, ast, yaml, collections
Y = sys.argv[1] if len(sys.argv) > 1 else '/work/writers/n2/set_n2.yaml'
doc = yaml.safe_load(open(Y))
ns = {}
exec(doc['check_prelude'], ns)

def run_check(code):
    loc = dict(ns)
    tree = ast.parse(code)
    last = tree.body[-1]
    if isinstance(last, ast.Expr):
        exec(compile(ast.Module(tree.body[:-1], []), 'check', 'exec'), loc)
        return eval(compile(ast.Expression(last.value), 'check', 'eval'), loc)
    exec(code, loc)
    return loc.get('result')

def close(a, b, tol):
    return abs(a - b) <= tol * max(abs(a), abs(b)) or a == b

bad = 0; nfig = 0; nturn = 0; kinds = collections.Counter(); ids = set()
for it in doc['items']:
    assert it['id'] not in ids, it['id']; ids.add(it['id'])
    for ti, t in enumerate(it['turns'], 1):
        nturn += 1
        e = t['expect']; kinds[e['kind']] += 1
        assert e['kind'] in ('figure', 'model', 'refusal', 'partial')
        if e['kind'] == 'model':
            assert e.get('tool') in ('forecast_customer', 'at_risk_customers', 'forecast_totals', 'customer_value',
                'customer_profile', 'list_segments', 'describe_segment', 'explain_customer_segment', 'analyze_sentiment',
                'sentiment_summary', 'search_feedback', 'feedback_themes', 'assistant_status'), (it['id'], e.get('tool'))
        figs = e.get('figures', []) or []; mns = e.get('must_not', []) or []
        if e['kind'] == 'figure':
            assert figs, f"{it['id']} t{ti}: figure turn without figures"
        if not (figs or mns):
            print(f"{it['id']} t{ti} [{e['kind']}{'/' + e['tool'] if e.get('tool') else ''}] {t['q'][:40]} -- no figures")
            continue
        vals = run_check(t['check'])
        for k, v in vals.items():
            if k.startswith('ok_'):
                st = 'OK' if float(v) == 1.0 else 'FAIL'
                if st == 'FAIL': bad += 1
                print(f"{it['id']} t{ti} sanity {k} = {v} {st}")
        for lab, lst in (('fig', figs), ('must_not', mns)):
            for f in lst:
                k = re.match(r'\[(\w+)\]', f['what']).group(1)
                got = float(vals[k]); tol = f.get('rel_tol', 0.005)
                ok = abs(got - float(f['value'])) <= max(1e-6 * abs(got), 5e-7)   # stored values are rounded to 6 decimals
                nfig += 1
                if not ok: bad += 1
                print(f"{it['id']} t{ti} {lab:8s} {k:10s} expected={f['value']:<16} computed={got:<22.6f} {'OK' if ok else 'MISMATCH'}")
        # a must_not must not be confusable with a required figure
        for m in mns:
            for f in figs:
                if close(float(m['value']), float(f['value']), max(f.get('rel_tol', 0.005), m.get('rel_tol', 0.005))):
                    bad += 1; print(f"{it['id']} t{ti} CONFLICT must_not {m['value']} ~ figure {f['value']}")
print(f"\nitems={len(doc['items'])} turns={nturn} kinds={dict(kinds)} figures_checked={nfig} problems={bad}")
print('ALL AGREE' if bad == 0 else 'PROBLEMS FOUND')
sys.exit(1 if bad else 0)
