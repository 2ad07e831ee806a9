"""Re-runs every check of set_am1.yaml after its prelude and asserts the expected figures.

Usage: /tmp/team/venv/bin/python /tmp/team/am1/compute_set_am1.py
"""
import math
import os
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
doc = yaml.safe_load(open(os.path.join(HERE, 'set_am1.yaml'), encoding='utf-8'))

ns = {}
exec(doc['check_prelude'], ns)

# sanity checks on the data itself (the numbers product.md quotes)
assert len(ns['df']) == 69659, len(ns['df'])
assert ns['df'].cust.nunique() == 23570
assert str(ns['df'].date.max().date()) == doc['data_end'] == '1998-06-30'

KINDS = {'figure', 'model', 'refusal', 'partial'}
TOOLS = {'metric_query', 'cohort_retention', 'feedback_followup', 'customer_profile', 'crm_overview',
         'list_segments', 'describe_segment', 'explain_customer_segment', 'forecast_customer',
         'at_risk_customers', 'forecast_totals', 'customer_value', 'analyze_sentiment',
         'sentiment_summary', 'search_feedback', 'feedback_themes', 'assistant_status'}


def run_check(code):
    """Statements, then a final expression (the last top-level `dict(` ... to the end) giving a dict."""
    lines = code.rstrip('\n').split('\n')
    idx = max(i for i, l in enumerate(lines) if l.startswith('dict('))
    local = dict(ns)
    exec('\n'.join(lines[:idx]), local)
    return eval('\n'.join(lines[idx:]), local)


def name_of(fig):
    w = fig['what']
    assert w.startswith('['), w
    return w[1:w.index(']')]


def close(a, b, tol):
    if b == 0:
        return abs(a) <= 1e-12
    return abs(a / b - 1) <= tol


n_items = n_turns = n_figs = 0
kinds = {}
ids = set()
for item in doc['items']:
    n_items += 1
    assert item['id'] not in ids, item['id']
    ids.add(item['id'])
    assert 1 <= len(item['turns']) <= 4, item['id']
    for k, turn in enumerate(item['turns'], 1):
        n_turns += 1
        where = f"{item['id']} turn {k}"
        exp = turn['expect']
        kind = exp['kind']
        assert kind in KINDS, where
        kinds[kind] = kinds.get(kind, 0) + 1
        if kind == 'model':
            assert exp.get('tool') in TOOLS, where
        res = run_check(turn['check'])
        assert isinstance(res, dict), where
        figs = exp.get('figures', []) or []
        if kind in ('figure', 'partial'):
            assert figs, f'{where}: {kind} needs figures'
        for fig in figs + (exp.get('must_not', []) or []):
            nm = name_of(fig)
            assert nm in res, f'{where}: {nm} not in check output'
            got = res[nm]
            assert isinstance(got, (int, float)) and not isinstance(got, bool), (where, nm, got)
            # the written value must be exactly what the check computes
            assert math.isclose(fig['value'], got, rel_tol=1e-12, abs_tol=1e-9), (where, nm, fig['value'], got)
            n_figs += 1
        # a must_not figure must not be confusable with an expected one
        for bad in exp.get('must_not', []) or []:
            for good in figs:
                tol = max(good['rel_tol'], bad['rel_tol'])
                assert not close(bad['value'], good['value'], tol), (where, bad['what'], good['what'])
        if 'period' in exp:
            a, b = exp['period'].split('..')
            assert a <= b <= doc['data_end'], where

print(f'OK: {n_items} conversations, {n_turns} turns, {n_figs} figures checked; kinds {kinds}')
