"""Runs check_prelude + every check of set_d5.yaml; prints expected vs computed; exits 1 on any mismatch.
Check dicts: keys not starting with 'not_' map positionally to expect.figures, keys starting with 'not_' to expect.must_not."""
import sys, yaml, math
S = yaml.safe_load(open(__file__.replace('compute_set_d5.py', 'set_d5.yaml')))
env = {}
exec(S['check_prelude'], env)
def evalcheck(code):
    import ast
    tree = ast.parse(code.strip()); loc = dict(env)
    body, lastexpr = tree.body[:-1], tree.body[-1]
    exec(compile(ast.Module(body=body, type_ignores=[]), '<check>', 'exec'), loc)
    return eval(compile(ast.Expression(lastexpr.value), '<check>', 'eval'), loc)
def close(a, b, tol):
    if b == 0: return abs(a) < 1e-9
    return abs(a - b) <= tol * abs(b)
bad = 0; nturns = 0; nfig = 0; kinds = {}
for it in S['items']:
    for k, t in enumerate(it['turns']):
        nturns += 1; e = t['expect']; kinds[e['kind']] = kinds.get(e['kind'], 0) + 1
        got = evalcheck(t.get('check', 'dict()'))
        pos = [float(v) for kk, v in got.items() if not kk.startswith('not_')]
        neg = [float(v) for kk, v in got.items() if kk.startswith('not_')]
        figs = e.get('figures', []) or []; mn = e.get('must_not', []) or []
        if len(pos) != len(figs) or len(neg) != len(mn):
            print(f"COUNT MISMATCH {it['id']} turn {k+1}: {len(pos)}/{len(figs)} figures, {len(neg)}/{len(mn)} must_not"); bad += 1; continue
        for f, v in zip(figs, pos):
            nfig += 1; tol = f.get('rel_tol', 0.005); ok = close(v, f['value'], tol if tol else 1e-9)
            bad += not ok
            print(f"{'OK ' if ok else 'BAD'} {it['id']} t{k+1} figure   expected {f['value']:<14} computed {v:<20.6f} {f['what']}")
        for f, v in zip(mn, neg):
            ok = close(v, f['value'], f.get('rel_tol', 0.005)) and not any(close(f['value'], x['value'], 0.005) for x in figs)
            bad += not ok
            print(f"{'OK ' if ok else 'BAD'} {it['id']} t{k+1} must_not expected {f['value']:<14} computed {v:<20.6f} {f['what']}")
print(f"\nitems={len(S['items'])} turns={nturns} figures_checked={nfig} kinds={kinds} mismatches={bad}")
sys.exit(1 if bad else 0)
