"""Re-run every check of set_t1.yaml over the raw CDNOW file and assert the expected values.

Usage: /work/main/.venv/bin/python /work/writers/t1/compute_set_t1.py
"""
import ast, math, os, re, sys, collections
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
SET = os.path.join(HERE, 'set_t1.yaml')
KINDS = {'figure', 'model', 'refusal', 'partial'}
TOOLS = {'metric_query', 'cohort_retention', 'feedback_followup', 'customer_profile', 'crm_overview', 'list_segments',
         'describe_segment', 'explain_customer_segment', 'forecast_customer', 'at_risk_customers', 'forecast_totals',
         'customer_value', 'analyze_sentiment', 'sentiment_summary', 'search_feedback', 'feedback_themes', 'assistant_status'}


def run_check(ns, src):
    tree = ast.parse(src)
    body, last = tree.body[:-1], tree.body[-1]
    assert isinstance(last, ast.Expr), 'last line of a check must be an expression'
    loc = dict(ns)
    exec(compile(ast.Module(body=body, type_ignores=[]), '<check>', 'exec'), loc)
    out = eval(compile(ast.Expression(last.value), '<check>', 'eval'), loc)
    assert isinstance(out, dict), 'check must give a dict'
    return out


def same(a, b):
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)


def main():
    doc = yaml.safe_load(open(SET, encoding='utf-8'))
    assert doc['data_end'] == '1998-06-30'
    ns = {}
    exec(doc['check_prelude'], ns)
    # sanity on the raw file itself
    df = ns['df']
    assert len(df) == 69659 and df.cust.nunique() == 23570, (len(df), df.cust.nunique())
    assert str(df.date.max().date()) == '1998-06-30'

    kinds = collections.Counter()
    n_turns = 0
    n_vals = 0
    ids = set()
    for item in doc['items']:
        assert item['id'] not in ids, item['id']
        ids.add(item['id'])
        assert item['persona'] and 1 <= len(item['turns']) <= 4, item['id']
        for j, t in enumerate(item['turns'], 1):
            n_turns += 1
            tag = f"{item['id']} turn {j}"
            exp = t['expect']
            kind = exp['kind']
            assert kind in KINDS, tag
            kinds[kind] += 1
            if kind == 'model':
                assert exp.get('tool') in TOOLS, (tag, exp.get('tool'))
            if kind == 'figure':
                assert exp.get('figures'), tag
            if 'period' in exp:
                assert re.fullmatch(r'\d{4}-\d{2}-\d{2}\.\.\d{4}-\d{2}-\d{2}', exp['period']), tag
            res = run_check(ns, t['check'])
            for sect in ('figures', 'must_not'):
                for fig in exp.get(sect, []) or []:
                    m = re.match(r'\[(\w+)\]', fig['what'])
                    assert m, (tag, fig['what'])
                    key = m.group(1)
                    assert key in res, (tag, key, res)
                    assert same(fig['value'], res[key]), (tag, sect, key, fig['value'], res[key])
                    assert 0 <= fig['rel_tol'] <= 0.05, (tag, key)
                    n_vals += 1
            # a must_not figure must not coincide with a required one
            for bad in exp.get('must_not', []) or []:
                for good in exp.get('figures', []) or []:
                    assert not math.isclose(float(bad['value']), float(good['value']), rel_tol=max(bad['rel_tol'], good['rel_tol'])), (tag, bad, good)
    print(f'OK: {len(doc["items"])} conversations, {n_turns} turns, {n_vals} values asserted')
    print('kinds:', dict(kinds))


if __name__ == '__main__':
    main()
