# Re-runs every check of set_w1.yaml after its prelude and asserts that every figure / must_not value
# written in the set equals what the check computes. Also a few independent hard-coded sanity checks.
import yaml, ast, math, sys
S = yaml.safe_load(open('/tmp/team/w1/set_w1.yaml', encoding='utf-8'))
assert S['data_end'] == '1998-06-30'
prelude = S['check_prelude']

def run(code):
    ns = {}
    exec(prelude, ns)
    tree = ast.parse(code)
    last = tree.body[-1]
    assert isinstance(last, ast.Expr), 'last line of a check must be an expression'
    exec(compile(ast.Module(body=tree.body[:-1], type_ignores=[]), '<check>', 'exec'), ns)
    out = eval(compile(ast.Expression(last.value), '<check>', 'eval'), ns)
    assert isinstance(out, dict)
    return out

kinds = {}; nturns = 0; nfig = 0
for it in S['items']:
    assert 1 <= len(it['turns']) <= 4, it['id']
    for t in it['turns']:
        nturns += 1
        e = t['expect']; k = e['kind']; kinds[k] = kinds.get(k, 0) + 1
        assert k in ('figure', 'model', 'refusal', 'partial')
        if k == 'model':
            assert e.get('tool')
        if k in ('figure', 'partial'):
            assert e.get('figures'), (it['id'], t['q'])
        res = run(t['check']) if 'check' in t else {}
        for key in ('figures', 'must_not'):
            for f in e.get(key, []):
                name = f['what'].split(']')[0].lstrip('[')
                assert name in res, (it['id'], name)
                v = res[name]
                assert math.isclose(float(f['value']), float(v), rel_tol=1e-12, abs_tol=1e-9), (it['id'], name, f['value'], v)
                nfig += 1
        # figures and must_not must be distinguishable at their tolerance
        for f in e.get('figures', []):
            for m in e.get('must_not', []):
                assert abs(f['value'] - m['value']) > f['rel_tol'] * abs(f['value']), (it['id'], f['what'], m['what'])

# independent sanity checks (hard-coded, computed by hand-written pandas separately)
ns = {}; exec(prelude, ns); df = ns['df']; per = ns['per']
assert len(df) == 69659 and df.cust.nunique() == 23570
assert round(df.amt.sum(), 2) == 2500315.63
assert round(per('1997-01-01', '1997-12-31').amt.sum(), 2) == 2024161.26
assert round(per('1998-05-01', '1998-05-31').amt.sum(), 2) == 70989.66
assert round(per('1997-11-11', '1997-11-11').amt.sum(), 2) == 5602.57
assert len(per('1998-04-01', '1998-06-30').date.dt.day_of_week.value_counts()) == 7
print('OK: %d conversations, %d turns, %d figure values checked, kinds %s' % (len(S['items']), nturns, nfig, kinds))
