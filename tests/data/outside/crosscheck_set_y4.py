# independent pure-python recomputation of several figures
from collections import defaultdict
from datetime import date
rows=[]
for i,l in enumerate(open('/tmp/team/CDNOW_master.txt')):
    if i==0: continue
    c,d,u,a=l.split(); rows.append((int(c),date(int(d[:4]),int(d[4:6]),int(d[6:])),int(u),float(a)))
def rr(a,b):
    s=defaultdict(set)
    for c,d,u,x in rows:
        if a<=d<=b: s[c].add(d)
    return sum(len(v)>=2 for v in s.values())/len(s)
print('rr97',round(rr(date(1997,1,1),date(1997,12,31)),4),'rrMay98',round(rr(date(1998,5,1),date(1998,5,31)),4),'rrQ1',round(rr(date(1998,1,1),date(1998,3,31)),4))
first={};last={};sp=defaultdict(float);days=defaultdict(set)
for c,d,u,x in rows:
    first[c]=min(first.get(c,d),d); last[c]=max(last.get(c,d),d); sp[c]+=x; days[c].add(d)
now=date(1998,6,30)
print('inact180',sum((now-l).days>=180 for l in last.values()),'inact90',sum((now-l).days>=90 for l in last.values()))
jan=[c for c in first if first[c].month==1]
m12=set(c for c,d,u,x in rows if d.year==1998 and d.month==1)
print('jan_m12',round(sum(c in m12 for c in jan)/len(jan),4))
s=sorted(sp.values(),reverse=True); print('top10pct',round(sum(s[:2357])/sum(s),4))
b98=set(c for c,d,u,x in rows if d>=date(1998,1,1)); h2=set(c for c,d,u,x in rows if date(1997,7,1)<=d<=date(1997,12,31))
wb=b98-h2; print('winback',len(wb), round(sum(x for c,d,u,x in rows if c in wb and d>=date(1998,1,1)),2))
import statistics
g=[];f2=[]
for c,v in days.items():
    v=sorted(v)
    for a,b in zip(v,v[1:]):
        if b>=date(1998,1,1): g.append((b-a).days)
    if len(v)>1: f2.append((v[1]-v[0]).days)
print('gap98',round(statistics.mean(g),1),statistics.median(g),'f2s',statistics.median(f2))
