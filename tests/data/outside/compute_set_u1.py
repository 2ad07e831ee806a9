#!/usr/bin/env python
"""Re-run every check of set_u1.yaml over the raw CDNOW file and assert the expected values.

Usage: /tmp/team/py/bin/python /work/writers/u1/compute_set_u1.py [path/to/set_u1.yaml]
Every `check:` runs after `check_prelude`; its last line is an expression giving {name: value}.
Each figure / must_not `what` starts with [name]; the written value must equal the computed one.
"""
import ast, math, os, re, sys
from collections import Counter
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
PATH = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, 'set_u1.yaml')
KINDS = {'figure', 'model', 'refusal', 'partial'}
TOOLS = {'metric_query', 'cohort_retention', 'feedback_followup', 'customer_profile', 'crm_overview',
         'list_segments', 'describe_segment', 'explain_customer_segment', 'forecast_customer',
         'at_risk_customers', 'forecast_totals', 'customer_value', 'analyze_sentiment', 'sentiment_summary',
         'search_feedback', 'feedback_themes', 'assistant_status'}

with open(PATH, encoding='utf-8') as f:
    doc = yaml.safe_load(f)
assert doc['data_end'] == '1998-06-30'
assert doc['writer'].startswith('u1')

base = {}
exec(doc['check_prelude'], base)
# sanity of the loaded data against the product description
df = base['df']
assert len(df) == 69659 and df.cust.nunique() == 23570, (len(df), df.cust.nunique())
assert str(df.date.min().date()) == '1997-01-01' and str(df.date.max().date()) == '1998-06-30'
assert round(float(df.amt.sum()), 2) == 2500315.63


def run_check(code):
    mod = ast.parse(code)
    last = mod.body[-1]
    assert isinstance(last, ast.Expr), 'last line of a check must be an expression'
    env = dict(base)
    exec(compile(ast.Module(body=mod.body[:-1], type_ignores=[]), '<check>', 'exec'), env)
    out = eval(compile(ast.Expression(last.value), '<check>', 'eval'), env)
    assert isinstance(out, dict)
    return out


def same(a, b):
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)


def band(v, tol):
    d = abs(v) * tol
    return v - d, v + d


kinds = Counter()
n_turns = n_figs = n_mn = 0
ids = []
for i, item in enumerate(doc['items'], 1):
    iid = item['id']
    ids.append(iid)
    assert iid == f'u1-{i:03d}', iid
    assert item.get('persona')
    assert 1 <= len(item['turns']) <= 4, iid
    for j, t in enumerate(item['turns'], 1):
        where = f'{iid} turn {j}'
        n_turns += 1
        assert t['q'].strip(), where
        e = t['expect']
        k = e['kind']
        assert k in KINDS, where
        kinds[k] += 1
        if k == 'model':
            assert e.get('tool') in TOOLS, where
        if 'period' in e:
            assert re.fullmatch(r'\d{4}-\d\d-\d\d\.\.\d{4}-\d\d-\d\d', e['period']), where
        figs = e.get('figures', []) or []
        mn = e.get('must_not', []) or []
        if k in ('figure', 'partial'):
            assert figs, f'{where}: {k} needs figures'
        if figs or mn:
            assert t.get('check', '').strip(), f'{where}: figures without a check'
            got = run_check(t['check'])
            for f in figs + mn:
                m = re.match(r'\[(\w+)\]', f['what'])
                assert m, f'{where}: what must start with [name]: {f["what"]}'
                name = m.group(1)
                assert name in got, f'{where}: {name} not in check output {sorted(got)}'
                assert same(f['value'], got[name]), f'{where}: {name}: written {f["value"]} != computed {got[name]}'
                assert 0 < f['rel_tol'] <= 0.05, where
            # a must_not must not be acceptable as any required figure
            for m_ in mn:
                for f in figs:
                    lo1, hi1 = band(float(f['value']), f['rel_tol'])
                    lo2, hi2 = band(float(m_['value']), m_['rel_tol'])
                    assert hi1 < lo2 or hi2 < lo1, f'{where}: must_not {m_["what"]} overlaps {f["what"]}'
            n_figs += len(figs)
            n_mn += len(mn)
        elif t.get('check', '').strip():
            run_check(t['check'])

assert len(set(ids)) == len(ids)
print(f'OK: {len(doc["items"])} conversations, {n_turns} turns, {n_figs} figures, {n_mn} must_not; kinds {dict(kinds)}')
