"""Re-run every check of set_t2.yaml after its prelude and assert the expected values.

Usage: /work/main/.venv/bin/python /work/writers/t2/compute_set_t2.py
"""
import math, os, re, sys
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
doc = yaml.safe_load(open(os.path.join(HERE, 'set_t2.yaml'), encoding='utf-8'))

base = {}
exec(doc['check_prelude'], base)

KINDS = {'figure', 'model', 'refusal', 'partial'}
TOOLS = {'metric_query', 'cohort_retention', 'feedback_followup', 'customer_profile', 'crm_overview', 'list_segments',
         'describe_segment', 'explain_customer_segment', 'forecast_customer', 'at_risk_customers', 'forecast_totals',
         'customer_value', 'analyze_sentiment', 'sentiment_summary', 'search_feedback', 'feedback_themes', 'assistant_status'}


def run_check(code):
    lines = code.strip('\n').split('\n')
    ns = dict(base)
    exec('\n'.join(lines[:-1]), ns)
    out = eval(lines[-1], ns)
    assert isinstance(out, dict), 'check must end with a dict expression'
    return out


def same(a, b):
    return a == b or math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)


n_items = n_turns = 0
kinds = {}
ids = set()
for it in doc['items']:
    assert it['id'] not in ids, it['id']
    ids.add(it['id'])
    assert 1 <= len(it['turns']) <= 4, it['id']
    n_items += 1
    for j, t in enumerate(it['turns'], 1):
        n_turns += 1
        tag = f"{it['id']} turn {j}"
        e = t['expect']
        assert e['kind'] in KINDS, tag
        kinds[e['kind']] = kinds.get(e['kind'], 0) + 1
        if e['kind'] == 'model':
            assert e.get('tool') in TOOLS, tag
        if e['kind'] == 'figure':
            assert e.get('figures'), tag + ': figure turn without figures'
        if 'period' in e:
            assert re.fullmatch(r'\d{4}-\d\d-\d\d\.\.\d{4}-\d\d-\d\d', e['period']), tag
        res = run_check(t['check'])
        figs = e.get('figures', []) or []
        for grp in ('figures', 'must_not'):
            for f in e.get(grp, []) or []:
                m = re.match(r'\[([^\]]+)\]', f['what'])
                assert m, f'{tag}: what must start with [name]'
                name = m.group(1)
                assert name in res, f'{tag}: {name} not in check result {res}'
                assert same(res[name], f['value']), f"{tag}: {name} expected {f['value']} but check gives {res[name]}"
                if grp == 'must_not':   # a forbidden figure must be distinguishable from every required one
                    for g in figs:
                        assert not math.isclose(float(g['value']), float(f['value']), rel_tol=max(g['rel_tol'], f['rel_tol'])), \
                            f"{tag}: must_not {name} collides with required {g['what']}"
        print(f'ok {tag:16s} {e["kind"]:8s} {res}')

print(f'\nall checks pass: {n_items} conversations, {n_turns} turns, kinds {kinds}')
