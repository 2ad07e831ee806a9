"""Run check_prelude + every check of set_n1.yaml; print expected vs computed; exit 1 on any mismatch.
Convention in checks: keys starting with not_ hold the must_not figures, keys starting with ok_ are
boolean assertions, all other keys hold the expected figures (lists are flattened)."""
import sys, math, yaml, numbers
Y = sys.argv[1] if len(sys.argv) > 1 else __file__.replace('compute_set_n1.py', 'set_n1.yaml')
d = yaml.safe_load(open(Y, encoding='utf-8'))
g = {}
exec(d['check_prelude'], g)

def run_check(src):
    lines = [l for l in src.strip('\n').split('\n')]
    body, last = '\n'.join(lines[:-1]), lines[-1]
    loc = dict(g)
    if body.strip():
        exec(body, loc)
    return eval(last, loc)

def flat(v):
    if isinstance(v, (list, tuple)):
        out = []
        for x in v: out += flat(x)
        return out
    if isinstance(v, (numbers.Number,)) and not isinstance(v, bool):
        return [float(v)]
    try:
        return [float(v)]
    except Exception:
        return []

def close(a, b, tol):
    """Verification is strict: the computed value must equal the expected one at the precision it is
    written with (e.g. 0.285895 -> within 5e-7, 115448.64 -> within 0.005). The scorer's rel_tol is
    looser; it is also reported via the clash check below."""
    if b == 0: return abs(a) < 1e-9
    txt = repr(b)
    dec = len(txt.split('.')[1]) if '.' in txt and 'e' not in txt else 0
    return abs(a - b) <= 0.5 * 10 ** (-dec) + 1e-9

def loose(a, b, tol):
    return abs(a - b) <= tol * abs(b) if b else abs(a) < 1e-9

bad = 0; nfig = 0; nturn = 0
for it in d['items']:
    for ti, t in enumerate(it['turns'], 1):
        nturn += 1
        e = t['expect']; figs = e.get('figures', []) or []; mns = e.get('must_not', []) or []
        if 'check' not in t:
            if figs or mns:
                print(f'{it["id"]} t{ti}: MISSING check'); bad += 1
            else:
                print(f'{it["id"]} t{ti}: [{e["kind"]}] no figures')
            continue
        res = run_check(t['check'])
        good = [x for k, v in res.items() if not k.startswith(('not_', 'ok_')) for x in flat(v)]
        nots = [x for k, v in res.items() if k.startswith('not_') for x in flat(v)]
        for k, v in res.items():
            if k.startswith('ok_'):
                st = 'OK ' if v else 'BAD'
                if not v: bad += 1
                print(f'{it["id"]} t{ti}: {st} assertion {k} = {v}')
        for f in figs:
            nfig += 1
            tol = f.get('rel_tol', 0.005)
            m = [x for x in good if close(x, f['value'], tol)]
            st = 'OK ' if m else 'BAD'
            if not m: bad += 1
            print(f'{it["id"]} t{ti}: {st} expected {f["value"]!r:>14} computed {m[0] if m else good!r}  ({f["what"]})')
        for f in mns:
            nfig += 1
            tol = f.get('rel_tol', 0.005)
            m = [x for x in nots if close(x, f['value'], tol)]
            clash = [x['value'] for x in figs if loose(x['value'], f['value'], tol)]
            ok = bool(m) and not clash
            if not ok: bad += 1
            print(f'{it["id"]} t{ti}: {"OK " if ok else "BAD"} must_not {f["value"]!r:>14} computed {m[0] if m else nots!r}{"  CLASHES with a figure" if clash else ""}  ({f["what"]})')
print(f'\n{nturn} turns, {nfig} figures (incl. must_not) checked, {bad} mismatches')
sys.exit(1 if bad else 0)
