#!/usr/bin/env python
"""Re-run every check of set_u2.yaml over the raw CDNOW file and assert the expected values.

Usage: /tmp/team/py/bin/python compute_set_u2.py [path/to/set_u2.yaml]
Every `check:` is executed after `check_prelude` (statements, then its last line evaluated as an
expression giving a dict). Every figure and must_not value in `expect` must equal the dict entry
named in the leading [name] of its `what`. Some checks also contain their own `assert`s.
"""
import ast, math, os, re, sys
from collections import Counter
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
PATH = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, 'set_u2.yaml')

TOOLS = {'metric_query', 'cohort_retention', 'feedback_followup', 'customer_profile', 'crm_overview',
         'list_segments', 'describe_segment', 'explain_customer_segment', 'forecast_customer',
         'at_risk_customers', 'forecast_totals', 'customer_value', 'analyze_sentiment',
         'sentiment_summary', 'search_feedback', 'feedback_themes', 'assistant_status'}
KINDS = {'figure', 'model', 'refusal', 'partial'}


def run_check(prelude_ns, code):
    tree = ast.parse(code)
    last = tree.body[-1]
    assert isinstance(last, ast.Expr), 'last line of a check must be an expression'
    ns = dict(prelude_ns)
    exec(compile(ast.Module(body=tree.body[:-1], type_ignores=[]), '<check>', 'exec'), ns)
    out = eval(compile(ast.Expression(body=last.value), '<check>', 'eval'), ns)
    assert isinstance(out, dict), 'check must give a dict'
    return out


def same(a, b):
    return math.isclose(float(a), float(b), rel_tol=0, abs_tol=1e-9)


def within(v, ref, tol):
    return abs(float(v) - float(ref)) <= tol * abs(float(ref)) + 1e-12


def main():
    with open(PATH, encoding='utf-8') as fh:
        doc = yaml.safe_load(fh)
    assert doc['data_end'] == '1998-06-30'
    assert doc['writer'].startswith('u2')
    prelude_ns = {}
    exec(doc['check_prelude'], prelude_ns)

    kinds = Counter()
    n_turns = n_figs = n_mustnot = 0
    ids = [it['id'] for it in doc['items']]
    assert len(ids) == len(set(ids)), 'duplicate ids'
    for k, it in enumerate(doc['items'], 1):
        assert it['id'] == f'u2-{k:03d}', it['id']
        assert it.get('persona')
        assert 1 <= len(it['turns']) <= 4
        for j, t in enumerate(it['turns'], 1):
            tag = f"{it['id']} turn {j}"
            n_turns += 1
            assert isinstance(t['q'], str) and t['q'].strip(), tag
            exp = t['expect']
            kind = exp['kind']
            assert kind in KINDS, tag
            kinds[kind] += 1
            if kind == 'model':
                assert exp.get('tool') in TOOLS, (tag, exp.get('tool'))
            if kind == 'partial':
                assert t.get('note'), f'{tag}: partial needs a note saying what cannot be answered'
            if 'period' in exp:
                assert re.fullmatch(r'\d{4}-\d{2}-\d{2}\.\.\d{4}-\d{2}-\d{2}', exp['period']), tag
            res = run_check(prelude_ns, t['check'])
            figs = exp.get('figures', []) or []
            mnot = exp.get('must_not', []) or []
            if kind == 'figure':
                assert figs, f'{tag}: figure turn without figures'
            for group, lst in (('figures', figs), ('must_not', mnot)):
                for f in lst:
                    m = re.match(r'\[(\w+)\]', f['what'])
                    assert m, f'{tag}: what must start with [name]: {f["what"]}'
                    name = m.group(1)
                    assert name in res, f'{tag}: {name} not in check result {sorted(res)}'
                    assert same(f['value'], res[name]), f'{tag} {group} {name}: yaml {f["value"]} != check {res[name]}'
                    assert 0 <= f['rel_tol'] <= 0.05, tag
                    if group == 'figures':
                        n_figs += 1
                    else:
                        n_mustnot += 1
            # a must_not value must not be accepted as any required figure
            for bad in mnot:
                for good in figs:
                    assert not within(bad['value'], good['value'], max(good['rel_tol'], 1e-9)), \
                        f'{tag}: must_not {bad["what"]} collides with figure {good["what"]}'
    n_conv = len(doc['items'])
    print(f'OK: {n_conv} conversations, {n_turns} turns, {n_figs} figures, {n_mustnot} must_not')
    print('kinds:', dict(sorted(kinds.items())))


if __name__ == '__main__':
    main()
