# Fills the {{name}} placeholders of draft_y1.yaml with the values the checks compute -> set_y1.yaml
import re, ast, yaml
src = open('/tmp/team/y1/draft_y1.yaml', encoding='utf-8').read()
parsable = re.sub(r'\{\{(\w+)\}\}', r'"@@\1"', src)
doc = yaml.safe_load(parsable)

def run_check(prelude, code):
    ns = {}
    exec(prelude, ns)
    tree = ast.parse(code)
    last = tree.body.pop()
    exec(compile(tree, '<check>', 'exec'), ns)
    return eval(compile(ast.Expression(last.value), '<check>', 'eval'), ns)

vals = {}
for it in doc['items']:
    iv = {}
    for t in it['turns']:
        try:
            r = run_check(doc["check_prelude"], t["check"])
        except Exception:
            print("FAIL", it["id"], t["q"]); raise
        for k, v in r.items():
            assert k not in iv, (it['id'], k)
            iv[k] = v
    vals[it['id']] = iv

blocks = re.split(r'(?m)^(?=- id: )', src)
out = []
for b in blocks:
    m = re.match(r'- id: (\S+)', b)
    if m:
        iv = vals[m.group(1)]
        def sub(mm):
            v = iv[mm.group(1)]
            return repr(v) if not isinstance(v, str) else v
        b = re.sub(r'\{\{(\w+)\}\}', sub, b)
    out.append(b)
text = ''.join(out)
assert '{{' not in text
open('/tmp/team/y1/set_y1.yaml', 'w', encoding='utf-8').write(text)
for k, v in vals.items():
    print(k, v)
