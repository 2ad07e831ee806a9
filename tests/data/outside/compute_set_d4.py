"""Runs check_prelude + every check in set_d4.yaml; compares computed values with expected ones.
Convention: a check returns a dict; keys not starting with 'not_' map in order to `figures`,
keys starting with 'not_' map in order to `must_not`. Extra keys (after the figures) are printed only."""
import sys, math, yaml
Y = yaml.safe_load(open(__file__.rsplit('/', 1)[0] + '/set_d4.yaml'))
G = {}
exec(Y['check_prelude'], G)

def run_check(src):
    lines = src.strip('\n').split('\n')
    body, last = '\n'.join(lines[:-1]), lines[-1]
    L = dict(G)
    exec(body, L)
    return eval(last, L)

def close(a, b, tol):
    if b == 0: return abs(a) < 1e-9
    return abs(a - b) <= tol * abs(b)

bad = n_turns = n_fig = 0
kinds = {}
for it in Y['items']:
    for ti, t in enumerate(it['turns']):
        n_turns += 1
        e = t['expect']; kinds[e['kind']] = kinds.get(e['kind'], 0) + 1
        figs, mn = e.get('figures') or [], e.get('must_not') or []
        if not (figs or mn):
            print(f"{it['id']} t{ti+1} [{e['kind']}{'/'+e['tool'] if 'tool' in e else ''}] no figures"); continue
        if 'check' not in t:
            print(f"!! {it['id']} t{ti+1} figures without check"); bad += 1; continue
        res = run_check(t['check'])
        pos = [v for k, v in res.items() if not k.startswith('not_')]
        neg = [v for k, v in res.items() if k.startswith('not_')]
        for i, f in enumerate(figs):
            n_fig += 1
            got = float(pos[i]) if i < len(pos) else float('nan')
            ok = close(got, f['value'], f.get('rel_tol', 0.005))
            bad += not ok
            print(f"{'OK ' if ok else '!! '}{it['id']} t{ti+1} expected {f['value']!r:>12} computed {got:<16.6f} {f['what']}")
        extra = pos[len(figs):]
        if extra: print(f"    extra (info): {extra}")
        for i, f in enumerate(mn):
            got = float(neg[i]) if i < len(neg) else float('nan')
            ok = close(got, f['value'], f.get('rel_tol', 0.005))
            # a must_not must not collide with any expected figure of the same turn
            clash = any(close(f['value'], g['value'], g.get('rel_tol', 0.005)) for g in figs)
            bad += (not ok) or clash
            print(f"{'OK ' if ok and not clash else '!! '}{it['id']} t{ti+1} must_not {f['value']!r:>12} computed {got:<16.6f} {f['what']}{' CLASH' if clash else ''}")

# facts stated in notes
exec("""
h = P('1998-01-01','1998-06-30')
note_facts = {
 'exactly-90-day customers (d4-024)': (int((LAST == pd.Timestamp('1998-04-01')).sum()), 16),
 'customers without order in 1998H1 (d4-005 note)': (int(df.cust.nunique() - h.cust.nunique()), 18196),
 'days with orders in 1998H1 (d4-013 note)': (int(h.date.nunique()), 181),
 'zero-amount lines in 1998H1 (d4-014 note)': (int((h.amt == 0).sum()), None),
 'AOV 1998-04..05 months not passing (d4-016 note) apr,may': ((orders('1998-04-01','1998-04-30'), orders('1998-05-01','1998-05-31')), (1878, 1985)),
 'cohort 1997-02 month 3 (d4-025 note)': (round(cohort_ret('1997-02',3),4), 0.0924),
 'May-Apr revenue gap (d4-001 note)': (round(rev('1998-05-01','1998-05-31')-rev('1998-04-01','1998-04-30'),2), 4758.14),
 'Mar YoY gap (d4-010 note)': (round(rev('1998-03-01','1998-03-31')-rev('1997-03-01','1997-03-31'),2), -284185.12),
 'June 1998 buyers (d4-009 alt reading)': (buyers('1998-06-01','1998-06-30'), 1506),
}
""", G)
for k, (got, exp) in G['note_facts'].items():
    ok = exp is None or got == exp
    bad += not ok
    print(f"{'OK ' if ok else '!! '}note: {k}: computed {got} expected {exp}")

print(f"\nturns: {n_turns}  items: {len(Y['items'])}  kinds: {kinds}  figures checked: {n_fig}  mismatches: {bad}")
sys.exit(1 if bad else 0)
