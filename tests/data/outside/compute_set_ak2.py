#!/usr/bin/env python
"""Re-runs every `check:` of set_ak2.yaml after its check_prelude and asserts the values written in
`expect` (figures and must_not) equal what the check computes. Run with /tmp/team/venv/bin/python."""
import re, sys, yaml, math

PATH = '/tmp/team/ak2/set_ak2.yaml'
KINDS = {'figure', 'model', 'refusal', 'partial'}
TOOLS = {'metric_query', 'cohort_retention', 'feedback_followup', 'customer_profile', 'crm_overview',
         'list_segments', 'describe_segment', 'explain_customer_segment', 'forecast_customer',
         'at_risk_customers', 'forecast_totals', 'customer_value', 'analyze_sentiment', 'sentiment_summary',
         'search_feedback', 'feedback_themes', 'assistant_status'}

doc = yaml.safe_load(open(PATH, encoding='utf-8'))
assert doc['data_end'] == '1998-06-30'
assert isinstance(doc['writer'], str) and doc['writer']
G = {}
exec(doc['check_prelude'], G)
# sanity on the raw data as described in the product page
assert len(G['df']) == 69659 and G['df'].cust.nunique() == 23570
assert round(float(G['df'].amt.sum()), 2) == 2500315.63


def run_check(code):
    lines = code.strip().split('\n')
    env = dict(G)
    exec('\n'.join(lines[:-1]), env)
    out = eval(lines[-1], env)
    assert isinstance(out, dict), 'last line must give a dict'
    return out


def same(a, b):
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)


n_conv = n_turn = n_fig = 0
kinds = {}
ids = set()
for it in doc['items']:
    assert it['id'] not in ids, it['id']
    ids.add(it['id'])
    assert it['persona'] and 1 <= len(it['turns']) <= 4, it['id']
    n_conv += 1
    for ti, t in enumerate(it['turns']):
        where = f"{it['id']} turn {ti + 1}"
        e = t['expect']
        k = e['kind']
        assert k in KINDS, where
        kinds[k] = kinds.get(k, 0) + 1
        n_turn += 1
        assert t['q'].strip(), where
        res = run_check(t['check'])
        if k == 'figure':
            assert e.get('figures'), where + ': figure turn without figures'
        if k == 'model':
            assert e.get('tool') in TOOLS, where
        if 'period' in e:
            assert re.fullmatch(r'\d{4}-\d\d-\d\d\.\.\d{4}-\d\d-\d\d', e['period']), where
        figs = e.get('figures', []) or []
        for group in ('figures', 'must_not'):
            for f in e.get(group, []) or []:
                m = re.match(r'\[(\w+)\]', f['what'])
                assert m, f'{where}: what must start with [name]'
                name = m.group(1)
                assert name in res, f'{where}: {name} not in check result'
                assert same(f['value'], res[name]), f"{where}: {name} expected {f['value']} got {res[name]}"
                assert 0 < f['rel_tol'] <= 0.05, where
                n_fig += 1
        # a must_not figure must not be confusable with a required figure at the given tolerance
        for bad in e.get('must_not', []) or []:
            for good in figs:
                gv, bv = float(good['value']), float(bad['value'])
                if gv != 0:
                    assert abs(bv / gv - 1) > max(good['rel_tol'], bad['rel_tol']) * 1.2, \
                        f"{where}: must_not {bad['what']} too close to {good['what']}"

print(f'OK: {n_conv} conversations, {n_turn} turns, {n_fig} figure values checked, kinds {kinds}')
