"""Re-runs every `check:` of set_n4.yaml after its check_prelude and asserts that the values
written in `expect` (figures and must_not) equal what the check gives. Also sanity-checks the set:
each figure's [name] exists in its check's dict, must_not figures are outside the tolerance of the
turn's figures, kinds are valid, model turns name a tool, and a few headline numbers are
re-derived independently of the prelude."""
import re, math, collections
import yaml
import pandas as pd

SET = '/tmp/team/n4/set_n4.yaml'
S = yaml.safe_load(open(SET, encoding='utf-8'))
assert S['data_end'] == '1998-06-30'
TOOLS = {'metric_query', 'cohort_retention', 'feedback_followup', 'customer_profile', 'crm_overview', 'list_segments',
         'describe_segment', 'explain_customer_segment', 'forecast_customer', 'at_risk_customers', 'forecast_totals',
         'customer_value', 'analyze_sentiment', 'sentiment_summary', 'search_feedback', 'feedback_themes', 'assistant_status'}

ns = {}
exec(S['check_prelude'], ns)

def run_check(code):
    lines = [l for l in code.rstrip('\n').split('\n')]
    body, last = '\n'.join(lines[:-1]), lines[-1]
    loc = dict(ns)
    exec(body, loc)
    return eval(last, loc)

def close(a, b, tol):
    if tol == 0:
        return a == b
    return math.isclose(a, b, rel_tol=tol, abs_tol=1e-12)

kinds = collections.Counter()
n_turns = 0
ids = set()
for it in S['items']:
    assert it['id'] not in ids, it['id']; ids.add(it['id'])
    assert 1 <= len(it['turns']) <= 4, it['id']
    for k, t in enumerate(it['turns'], 1):
        n_turns += 1
        where = f"{it['id']} turn {k}"
        e = t['expect']
        kinds[e['kind']] += 1
        assert e['kind'] in ('figure', 'model', 'refusal', 'partial'), where
        if e['kind'] == 'model':
            assert e.get('tool') in TOOLS, where
        if e['kind'] in ('figure', 'partial'):
            assert e.get('figures'), where
        r = run_check(t['check'])
        assert isinstance(r, dict), where
        figs = e.get('figures') or []
        for key in ('figures', 'must_not'):
            for f in e.get(key) or []:
                name = re.match(r'\[(\w+)\]', f['what']).group(1)
                assert name in r, (where, name)
                got = r[name]
                assert got == f['value'], (where, key, name, f['value'], got)
        for m in e.get('must_not') or []:
            for f in figs:
                assert not close(m['value'], f['value'], max(f['rel_tol'], m['rel_tol'])), (where, 'must_not collides', m, f)
        if 'period' in e:
            a, b = e['period'].split('..'); pd.Timestamp(a); pd.Timestamp(b)

# independent re-derivation of a few headline numbers (no prelude helpers)
raw = pd.read_csv('/tmp/team/CDNOW_master.txt', sep=r'\s+', skiprows=1, header=None, names=['c', 'd', 'u', 'a'], dtype={'c': str, 'd': str})
assert len(raw) == 69659 and raw.c.nunique() == 23570
y97 = raw[raw.d.str[:4] == '1997']; h198 = raw[raw.d.str[:4] == '1998']
assert round(y97.a.sum(), 2) == 2024161.26
assert round(h198.a.sum(), 2) == 476154.37
assert round(raw[raw.d.str[:6] == '199805'].a.sum(), 2) == 70989.66 and (raw.d.str[:6] == '199805').sum() == 1985
assert round(raw[raw.d.str[:6] == '199806'].a.sum(), 2) == 76109.30
wk = raw[(raw.d >= '19980622') & (raw.d <= '19980628')]
assert len(wk) == 381 and round(wk.a.sum(), 2) == 13063.32
first = raw.groupby('c').d.min()
assert (first >= '19980101').sum() == 0 and (first.str[:6] == '199701').sum() == 7846
pd97 = y97.drop_duplicates(['c', 'd']).groupby('c').size()
assert round((pd97 >= 2).mean(), 4) == 0.4451
sp = raw.groupby('c').a.sum().sort_values(ascending=False)
assert sp.index[0] == '07592' and round(sp.iloc[0], 2) == 13990.93 and (sp > 1000).sum() == 200

print(f"OK: {len(S['items'])} conversations, {n_turns} turns, kinds {dict(kinds)}")
