"""Re-runs every check of set_ao1.yaml after its check_prelude and asserts that each expected
figure (and each must_not figure) equals what the check computes from the raw CDNOW file.
Usage: /tmp/team/venv/bin/python /tmp/team/ao1/compute_set_ao1.py"""
import math, re, sys, yaml

SET = '/tmp/team/ao1/set_ao1.yaml'
TOOLS = {'metric_query', 'cohort_retention', 'feedback_followup', 'customer_profile', 'crm_overview',
         'list_segments', 'describe_segment', 'explain_customer_segment', 'forecast_customer',
         'at_risk_customers', 'forecast_totals', 'customer_value', 'analyze_sentiment',
         'sentiment_summary', 'search_feedback', 'feedback_themes', 'assistant_status'}
KINDS = {'figure', 'model', 'refusal', 'partial'}

doc = yaml.safe_load(open(SET, encoding='utf-8'))
assert doc['data_end'] == '1998-06-30'
assert doc['writer'].startswith('ao1 (outside evaluator;')
PRE = doc['check_prelude']


def run_check(src):
    ns = {}
    exec(PRE, ns)
    lines = src.strip('\n').split('\n')
    exec('\n'.join(lines[:-1]), ns)
    out = eval(lines[-1], ns)
    assert isinstance(out, dict), 'check must end with a dict expression'
    return out


def close(a, b, tol):
    if b == 0:
        return abs(a) <= 1e-9
    return abs(a - b) <= tol * abs(b)


n_turns, n_figs, kinds, errors = 0, 0, {}, []
ids = set()
for item in doc['items']:
    assert item['id'] not in ids, item['id']
    ids.add(item['id'])
    assert 1 <= len(item['turns']) <= 4, item['id']
    for k, turn in enumerate(item['turns'], 1):
        tag = f"{item['id']} turn {k}"
        n_turns += 1
        exp = turn['expect']
        kind = exp['kind']
        assert kind in KINDS, tag
        kinds[kind] = kinds.get(kind, 0) + 1
        if kind == 'model':
            assert exp.get('tool') in TOOLS, tag
        if kind in ('figure', 'partial'):
            assert exp.get('figures'), f'{tag}: {kind} turn needs figures'
        if 'period' in exp:
            assert re.fullmatch(r'\d{4}-\d\d-\d\d\.\.\d{4}-\d\d-\d\d', exp['period']), tag
        res = run_check(turn['check'])
        figs = exp.get('figures', []) or []
        mns = exp.get('must_not', []) or []
        for group, L in (('figures', figs), ('must_not', mns)):
            for f in L:
                m = re.match(r'\[([^\]]+)\]', f['what'])
                assert m, f'{tag}: what must start with [name]'
                name = m.group(1)
                if name not in res:
                    errors.append(f'{tag}: {name} missing from check result')
                    continue
                got = res[name]
                if not close(float(f['value']), float(got), 1e-9):
                    errors.append(f'{tag}: {group} {name} expected {f["value"]} but check gives {got}')
                n_figs += 1
        # a must_not figure must not be accepted as any expected figure
        for bad in mns:
            for good in figs:
                if close(float(bad['value']), float(good['value']), good['rel_tol']):
                    errors.append(f'{tag}: must_not {bad["what"]} collides with figure {good["what"]}')

if errors:
    print('\n'.join(errors))
    sys.exit(1)
print(f'OK: {len(doc["items"])} conversations, {n_turns} turns, {n_figs} figures checked, kinds {kinds}')
