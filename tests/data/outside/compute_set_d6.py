"""Verify every expected figure in set_d6.yaml by running check_prelude + each turn's check."""
import ast, sys, yaml
Y = yaml.safe_load(open(__file__.replace('compute_set_d6.py', 'set_d6.yaml')))
G = {}
exec(Y['check_prelude'], G)

def run_check(src):
    tree = ast.parse(src)
    last = tree.body.pop()
    exec(compile(tree, '<check>', 'exec'), G)
    return eval(compile(ast.Expression(last.value), '<check>', 'eval'), G)

def close(a, b, tol):
    if b == 0:
        return a == 0
    return abs(a - b) <= tol * abs(b)

ok = bad = turns = 0
for it in Y['items']:
    for i, t in enumerate(it['turns'], 1):
        turns += 1
        e = t['expect']
        figs, nots = e.get('figures', []) or [], e.get('must_not', []) or []
        if not figs and not nots:
            print(f"{it['id']} t{i} [{e['kind']}{'/' + e['tool'] if 'tool' in e else ''}] no figures")
            continue
        res = run_check(t['check'])
        vals = [float(v) for k, v in res.items() if not k.startswith(('not_', '_'))]
        nvals = [float(v) for k, v in res.items() if k.startswith('not_')]
        info = {k: v for k, v in res.items() if k.startswith('_')}
        assert len(vals) == len(figs) and len(nvals) == len(nots), (it['id'], i, res)
        for kind, exp, got in [('fig', f, v) for f, v in zip(figs, vals)] + [('not', f, v) for f, v in zip(nots, nvals)]:
            # verify tighter than the scoring tolerance: 1e-4 relative (expected values are rounded to ~6 sig. digits)
            good = close(got, float(exp['value']), 1e-4)
            ok += good; bad += (not good)
            print(f"{it['id']} t{i} {kind} {'OK ' if good else 'BAD'} expected={exp['value']!r:>12} computed={got:.6f}  {exp['what']}")
        # a must_not value must not be confusable with any expected figure
        for n in nots:
            for f in figs:
                assert not close(float(n['value']), float(f['value']), f.get('rel_tol', 0.005)), (it['id'], i, 'must_not overlaps figure')
        if info:
            print(f"     info {info}")
print(f"\nturns={turns} items={len(Y['items'])} figures_ok={ok} figures_bad={bad}")
sys.exit(1 if bad else 0)
