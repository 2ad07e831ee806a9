#!/usr/bin/env python
"""Re-run every check of set_am2.yaml after its prelude and assert the expected figures.

Usage: /tmp/team/venv/bin/python /tmp/team/am2/compute_set_am2.py
"""
import ast, os, re, sys
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
SET = os.path.join(HERE, 'set_am2.yaml')
KINDS = {'figure', 'model', 'refusal', 'partial'}
TOOLS = {'metric_query', 'cohort_retention', 'feedback_followup', 'customer_profile', 'crm_overview', 'list_segments',
         'describe_segment', 'explain_customer_segment', 'forecast_customer', 'at_risk_customers', 'forecast_totals',
         'customer_value', 'analyze_sentiment', 'sentiment_summary', 'search_feedback', 'feedback_themes', 'assistant_status'}


def run_check(code, ns):
    tree = ast.parse(code)
    last = tree.body[-1]
    assert isinstance(last, ast.Expr), 'last line of a check must be an expression'
    loc = dict(ns)
    exec(compile(ast.Module(body=tree.body[:-1], type_ignores=[]), '<check>', 'exec'), loc)
    res = eval(compile(ast.Expression(last.value), '<check>', 'eval'), loc)
    assert isinstance(res, dict), 'check must give a dict'
    return res


def close(a, b, tol):
    if b == 0:
        return abs(a) <= 1e-12
    return abs(a - b) <= tol * abs(b)


def main():
    doc = yaml.safe_load(open(SET, encoding='utf-8'))
    assert doc['data_end'] == '1998-06-30'
    assert doc['writer'].startswith('am2 (outside evaluator; wrote without seeing the product code, tests, prompts or other sets) — personas:')
    ns = {}
    exec(doc['check_prelude'], ns)
    # sanity on the loaded data
    df = ns['df']
    assert len(df) == 69659 and df.cust.nunique() == 23570
    assert str(df.date.min().date()) == '1997-01-01' and str(df.date.max().date()) == '1998-06-30'

    ids, n_turns, n_figs, kinds = set(), 0, 0, {}
    for it in doc['items']:
        assert it['id'] not in ids, it['id']
        ids.add(it['id'])
        assert it['persona'] and 1 <= len(it['turns']) <= 4, it['id']
        for j, t in enumerate(it['turns'], 1):
            where = '%s turn %d' % (it['id'], j)
            n_turns += 1
            e = t['expect']
            k = e['kind']
            assert k in KINDS, where
            kinds[k] = kinds.get(k, 0) + 1
            if k == 'model':
                assert e.get('tool') in TOOLS, where
            if 'period' in e:
                assert re.fullmatch(r'\d{4}-\d\d-\d\d\.\.\d{4}-\d\d-\d\d', e['period']), where
            res = run_check(t['check'], ns)
            figs = e.get('figures', []) or []
            mn = e.get('must_not', []) or []
            if k == 'figure':
                assert figs, where + ': figure turn without figures'
            for f in figs + mn:
                m = re.match(r'\[([^\]]+)\]', f['what'])
                assert m, where + ': what must start with [name]'
                name = m.group(1)
                assert name in res, '%s: %s not in check result' % (where, name)
                got = res[name]
                assert isinstance(got, (int, float)) and not isinstance(got, bool), (where, name)
                assert abs(float(got) - float(f['value'])) < 1e-9, '%s: [%s] expected %r, check gives %r' % (where, name, f['value'], got)
                n_figs += 1
            # a must_not figure must not be accepted as one of the expected figures
            for bad in mn:
                for good in figs:
                    assert not close(float(bad['value']), float(good['value']), good['rel_tol']), \
                        '%s: must_not %s overlaps expected %s' % (where, bad['what'], good['what'])
                    assert not close(float(good['value']), float(bad['value']), bad['rel_tol']), \
                        '%s: expected %s would trip must_not %s' % (where, good['what'], bad['what'])
    print('OK: %d conversations, %d turns, %d figures checked, kinds %s' % (len(ids), n_turns, n_figs, kinds))


if __name__ == '__main__':
    sys.exit(main())
