"""Verify set_d2.yaml: run check_prelude + every turn's check, compare with expected figures / must_not.
Convention: a check returns a dict; keys starting with 'x_' map (in order) to must_not, other numeric keys map
(in order) to figures; boolean keys are sanity assertions and must be True."""
import sys, yaml
Y = sys.argv[1] if len(sys.argv) > 1 else '/work/writers/d2/set_d2.yaml'
doc = yaml.safe_load(open(Y))
ns = {}
exec(doc['check_prelude'], ns)
ok = bad = nturns = 0
def close(a, b, tol): return abs(a - b) <= tol * max(abs(b), 1e-12) if b != 0 else abs(a) < 1e-12
for it in doc['items']:
    for ti, t in enumerate(it['turns'], 1):
        nturns += 1
        e = t['expect']
        tag = f"{it['id']}.t{ti} [{e['kind']}{'/' + e['tool'] if 'tool' in e else ''}]"
        if 'check' not in t:
            assert not e.get('figures') and not e.get('must_not'), tag
            print(f"{tag} {t['q']}\n    (no figures: {e['kind']})"); continue
        res = eval(t['check'], ns)
        figs = [(k, v) for k, v in res.items() if not k.startswith('x_') and not isinstance(v, bool) and type(v).__name__ != 'bool_']
        mns = [(k, v) for k, v in res.items() if k.startswith('x_')]
        bools = [(k, v) for k, v in res.items() if isinstance(v, bool) or type(v).__name__ == 'bool_']
        print(f"{tag} {t['q']}")
        for k, v in bools:
            good = bool(v); ok += good; bad += not good
            print(f"    {'OK ' if good else 'BAD'} assert {k} = {v}")
        for label, got, exp in (('fig', figs, e.get('figures', [])), ('must_not', mns, e.get('must_not', []))):
            if len(got) != len(exp):
                bad += 1; print(f"    BAD {label}: {len(got)} computed vs {len(exp)} expected"); continue
            for (k, v), x in zip(got, exp):
                good = close(float(v), float(x['value']), x.get('rel_tol', 0.005)); ok += good; bad += not good
                print(f"    {'OK ' if good else 'BAD'} {label:8s} expected {x['value']!r:>14} computed {float(v):.6f}  ({x['what']})")
        # a must_not must not be confusable with a figure of the same turn
        for m in e.get('must_not', []):
            for f in e.get('figures', []):
                if close(float(m['value']), float(f['value']), 0.01):
                    bad += 1; print(f"    BAD must_not {m['value']} too close to figure {f['value']}")
# sanity facts the notes rely on (not scored figures)
for name, cond in [('no new customers in 1998 (d2-006)', ns['new_customers']('1998-01-01', '1998-06-30') == 0),
                   ('top customer is C7592 (d2-008, d2-025)', int(ns['spend'].idxmax()) == 7592),
                   ('Monday is the top weekday in 1998H1 (d2-005)', ns['P']('1998-01-01', '1998-06-30').date.dt.day_of_week.value_counts().idxmax() == 0),
                   ('5 customers >= 5000 equals 5 customers > 5000 (d2-003)', int((ns['spend'] >= 5000).sum()) == int((ns['spend'] > 5000).sum()) == 5)]:
    ok += bool(cond); bad += not cond
    print(f"{'OK ' if cond else 'BAD'} sanity: {name}")
print(f"\nturns: {nturns}  checks OK: {ok}  BAD: {bad}")
sys.exit(1 if bad else 0)
