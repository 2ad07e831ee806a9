"""Verify set_d1.yaml: run check_prelude + every turn's check over the raw CDNOW file and compare
each computed value with the expected one. A check returns a dict whose values are, in order, the turn's
`figures` followed by its `must_not` values."""
import ast, sys, math, yaml

def run_check(ns, code):
    tree = ast.parse(code)
    exec(compile(ast.Module(body=tree.body[:-1], type_ignores=[]), '<check>', 'exec'), ns)
    return eval(compile(ast.Expression(body=tree.body[-1].value), '<check>', 'eval'), ns)

def close(a, b, tol):
    if b == 0:
        return abs(a) < 1e-9
    return abs(a - b) <= tol * abs(b)

path = sys.argv[1] if len(sys.argv) > 1 else 'set_d1.yaml'
doc = yaml.safe_load(open(path))
ns = {}
exec(doc['check_prelude'], ns)
n_turns = n_fig = n_mn = bad = 0
for it in doc['items']:
    for i, t in enumerate(it['turns'], 1):
        n_turns += 1
        e = t['expect']
        figs = e.get('figures') or []
        mns = e.get('must_not') or []
        if e['kind'] in ('figure',) and not figs:
            print(f'FAIL {it["id"]} t{i}: figure turn without figures'); bad += 1
        if not t.get('check'):
            if figs or mns:
                print(f'FAIL {it["id"]} t{i}: figures but no check'); bad += 1
            else:
                print(f'--   {it["id"]} t{i} [{e["kind"]}{"/" + e["tool"] if e.get("tool") else ""}] no figures')
            continue
        res = list(run_check(ns, t['check']).values())
        if len(res) != len(figs) + len(mns):
            print(f'FAIL {it["id"]} t{i}: check returned {len(res)} values, expected {len(figs) + len(mns)}'); bad += 1
            continue
        for f, v in zip(figs, res[:len(figs)]):
            n_fig += 1
            ok = close(float(v), float(f['value']), f.get('rel_tol', 0.005))
            bad += not ok
            print(f'{"OK  " if ok else "FAIL"} {it["id"]} t{i} figure   expected={f["value"]!r:>14} computed={float(v):<22.10g} {f["what"]}')
        for m, v in zip(mns, res[len(figs):]):
            n_mn += 1
            ok = close(float(v), float(m['value']), 0.005)
            # a must_not value must not be confusable with any expected figure
            for f in figs:
                if close(float(m['value']), float(f['value']), f.get('rel_tol', 0.005)):
                    ok = False
            bad += not ok
            print(f'{"OK  " if ok else "FAIL"} {it["id"]} t{i} must_not expected={m["value"]!r:>14} computed={float(v):<22.10g} {m["what"]}')
print(f'\nitems={len(doc["items"])} turns={n_turns} figures={n_fig} must_not={n_mn} failures={bad}')
sys.exit(1 if bad else 0)
