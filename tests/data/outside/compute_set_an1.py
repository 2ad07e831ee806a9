"""Re-run every check in set_an1.yaml after the prelude and assert that every expected
figure (and every must_not figure) equals what the check computes."""
import math, sys, yaml
from collections import Counter

PATH = '/tmp/team/an1/set_an1.yaml'
doc = yaml.safe_load(open(PATH, encoding='utf-8'))
assert doc['data_end'] == '1998-06-30'
assert doc['writer'].startswith('an1 (outside evaluator;')

base = {}
exec(doc['check_prelude'], base)
# sanity of the loaded data against the product description
assert len(base['df']) == 69659 and base['df'].cust.nunique() == 23570
assert base['df'].date.min().strftime('%Y-%m-%d') == '1997-01-01' and base['df'].date.max().strftime('%Y-%m-%d') == '1998-06-30'

def run(code):
    ns = dict(base)
    lines = code.rstrip('\n').split('\n')
    exec('\n'.join(lines[:-1]), ns)
    return eval(lines[-1], ns)

def same(a, b):
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)

kinds, n_turns, n_fig, ids = Counter(), 0, 0, set()
for it in doc['items']:
    assert it['id'] not in ids, it['id']; ids.add(it['id'])
    assert 1 <= len(it['turns']) <= 4, it['id']
    for j, t in enumerate(it['turns'], 1):
        n_turns += 1
        e = t['expect']; k = e['kind']; kinds[k] += 1
        tag = f"{it['id']} turn {j}"
        assert k in ('figure', 'model', 'refusal', 'partial'), tag
        if k == 'model':
            assert e.get('tool'), tag
        if k in ('figure', 'partial'):
            assert e.get('figures') and 'check' in t, tag
        if 'period' in e:
            a, b = e['period'].split('..'); assert a <= b, tag
        if 'check' not in t:
            assert not e.get('figures') and not e.get('must_not'), tag
            continue
        out = run(t['check'])
        assert isinstance(out, dict), tag
        for group in ('figures', 'must_not'):
            for f in e.get(group, []) or []:
                name = f['what'].split(']')[0].lstrip('[')
                assert name in out, f'{tag}: {name} not in check output'
                assert same(f['value'], out[name]), f'{tag}: {group} {name} expected {f["value"]} got {out[name]}'
                n_fig += 1
        # a must_not must be distinguishable from every expected figure
        for m in e.get('must_not', []) or []:
            for f in e.get('figures', []) or []:
                tol = max(f['rel_tol'], m['rel_tol'])
                assert not math.isclose(m['value'], f['value'], rel_tol=tol), f'{tag}: must_not {m["what"]} collides with {f["what"]}'
print(f'OK: {len(doc["items"])} conversations, {n_turns} turns, {n_fig} figures checked; kinds {dict(kinds)}')
