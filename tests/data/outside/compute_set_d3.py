"""Runs check_prelude + every turn's check in set_d3.yaml and compares with expected figures.
Convention: a check's last line is an expression returning a dict; keys starting with 'mn_' are the
must_not values (in order), all other keys are the expected figures (in order)."""
import sys, yaml
Y = yaml.safe_load(open(__file__.rsplit('/', 1)[0] + '/set_d3.yaml' if '/' in __file__ else 'set_d3.yaml'))
G = {}
exec(Y['check_prelude'], G)

def run_check(code):
    lines = code.rstrip().split('\n')
    L = dict(G)
    exec('\n'.join(lines[:-1]), L)
    return eval(lines[-1], L)

def close(a, b, tol):
    if b == 0:
        return a == 0
    return abs(a - b) <= tol * abs(b)

nturn = nfig = bad = 0
kinds = {}
for it in Y['items']:
    for i, t in enumerate(it['turns']):
        nturn += 1
        e = t['expect']; k = e['kind']; kinds[k] = kinds.get(k, 0) + 1
        res = run_check(t.get('check', 'dict()'))
        figs = e.get('figures', []) or []
        mns = e.get('must_not', []) or []
        got_f = [v for kk, v in res.items() if not kk.startswith('mn_')]
        got_m = [v for kk, v in res.items() if kk.startswith('mn_')]
        if len(got_f) != len(figs) or len(got_m) != len(mns):
            print(f'!! {it["id"]} t{i+1}: count mismatch figures {len(figs)} vs {len(got_f)}, must_not {len(mns)} vs {len(got_m)}')
            bad += 1
            continue
        for f, g in zip(figs, got_f):
            nfig += 1
            tol = f.get('rel_tol', 0.005)
            ok = close(float(g), float(f['value']), tol)
            bad += not ok
            print(f'{"OK " if ok else "BAD"} {it["id"]} t{i+1} {f["what"][:60]:60s} expected={f["value"]!r:>14} computed={float(g):.6f}')
        for m, g in zip(mns, got_m):
            tol = m.get('rel_tol', 0.005)
            ok = close(float(g), float(m['value']), tol)
            # the must_not value must also differ from every expected figure
            clash = any(close(float(m['value']), float(f['value']), max(tol, f.get('rel_tol', 0.005))) for f in figs)
            bad += (not ok) or clash
            print(f'{"OK " if ok and not clash else "BAD"} {it["id"]} t{i+1} must_not {m["what"][:51]:51s} expected={m["value"]!r:>14} computed={float(g):.6f}')
print(f'\nturns={nturn} items={len(Y["items"])} figures checked={nfig} kinds={kinds} mismatches={bad}')
sys.exit(1 if bad else 0)
