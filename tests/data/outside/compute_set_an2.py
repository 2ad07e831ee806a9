"""Re-runs every check of set_an2.yaml after its check_prelude and asserts the expected figures.

Run: /tmp/team/venv/bin/python /tmp/team/an2/compute_set_an2.py
"""
import math
import os
import re
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
SET = os.path.join(HERE, 'set_an2.yaml')

KINDS = {'figure', 'model', 'refusal', 'partial'}
TOOLS = {'metric_query', 'cohort_retention', 'feedback_followup', 'customer_profile', 'crm_overview',
         'list_segments', 'describe_segment', 'explain_customer_segment', 'forecast_customer',
         'at_risk_customers', 'forecast_totals', 'customer_value', 'analyze_sentiment',
         'sentiment_summary', 'search_feedback', 'feedback_themes', 'assistant_status'}
PERIOD = re.compile(r'^\d{4}-\d{2}-\d{2}\.\.\d{4}-\d{2}-\d{2}$')


def run_check(glob, code):
    lines = code.strip().split('\n')
    ns = dict(glob)
    exec('\n'.join(lines[:-1]), ns)
    out = eval(lines[-1], ns)
    assert isinstance(out, dict), 'check must end in a dict'
    return out


def close(a, b, rel):
    if b == 0:
        return abs(a) <= 1e-12
    return abs(a - b) <= rel * abs(b)


def main():
    with open(SET, encoding='utf-8') as f:
        doc = yaml.safe_load(f)
    assert doc['writer'].startswith('an2 (outside evaluator'), doc['writer']
    assert doc['data_end'] == '1998-06-30'
    glob = {}
    exec(doc['check_prelude'], glob)
    df = glob['df']
    assert len(df) == 69659 and df.cust.nunique() == 23570, 'raw file not as documented'

    ids = set()
    n_turns = 0
    n_figs = 0
    kinds = {}
    for it in doc['items']:
        assert it['id'] not in ids, it['id']
        ids.add(it['id'])
        assert it.get('persona')
        assert 1 <= len(it['turns']) <= 4, it['id']
        for ti, t in enumerate(it['turns'], 1):
            where = '%s turn %d' % (it['id'], ti)
            n_turns += 1
            e = t['expect']
            k = e['kind']
            assert k in KINDS, where
            kinds[k] = kinds.get(k, 0) + 1
            assert isinstance(t['q'], str) and t['q'].strip(), where
            if k == 'model':
                assert e.get('tool') in TOOLS, (where, e.get('tool'))
            if 'period' in e:
                assert PERIOD.match(e['period']), (where, e['period'])
            figs = e.get('figures') or []
            mns = e.get('must_not') or []
            if k == 'figure':
                assert figs, where + ': figure turn without figures'
            if figs or mns:
                assert t.get('check'), where + ': figures without a check'
            if not t.get('check'):
                continue
            res = run_check(glob, t['check'])
            for lst, label in ((figs, 'figure'), (mns, 'must_not')):
                for fg in lst:
                    m = re.match(r'^\[(\w+)\] ', fg['what'])
                    assert m, (where, fg['what'])
                    name = m.group(1)
                    assert name in res, (where, name, res)
                    got = res[name]
                    want = fg['value']
                    assert isinstance(want, (int, float)) and not isinstance(want, bool), (where, name)
                    assert 0 <= fg['rel_tol'] <= 0.05, (where, name)
                    # the written value must be exactly what the check computes (to its rounding)
                    assert math.isclose(float(got), float(want), rel_tol=1e-9, abs_tol=1e-9), \
                        '%s %s [%s]: yaml %r != check %r' % (where, label, name, want, got)
                    n_figs += 1
            # a must_not figure must not be confusable with an expected figure
            for mfg in mns:
                for fg in figs:
                    assert not close(mfg['value'], fg['value'], max(fg['rel_tol'], mfg['rel_tol'])), \
                        '%s: must_not %s collides with figure %s' % (where, mfg['what'], fg['what'])
            print('ok  %-14s %s' % (where, {k2: v for k2, v in res.items()}))
    print('\n%d conversations, %d turns, %d figures checked, kinds %s' % (len(doc['items']), n_turns, n_figs, kinds))
    return 0


if __name__ == '__main__':
    sys.exit(main())
