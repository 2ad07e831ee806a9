# Builds set_n3.yaml: runs each turn's check after the prelude and writes its figures into expect.
# compute_set_n3.py then re-runs every check from the YAML and asserts the written values.
import yaml, textwrap

PRELUDE = textwrap.dedent('''\
import pandas as pd, numpy as np
F = '/tmp/team/CDNOW_master.txt'
df = pd.read_csv(F, sep=r'\\s+', header=0, names=['cust', 'date', 'units', 'amt'], dtype={'date': str})
df['date'] = pd.to_datetime(df['date'], format='%Y%m%d')
df['cust'] = df['cust'].astype(int)
NOW = pd.Timestamp('1998-06-30')
def per(a, b):
    return df[(df.date >= pd.Timestamp(a)) & (df.date <= pd.Timestamp(b))]
def rev(a, b):
    return round(float(per(a, b).amt.sum()), 2)
def n_orders(a, b):
    return int(len(per(a, b)))
def n_buyers(a, b):
    return int(per(a, b).cust.nunique())
def aov(a, b):
    d = per(a, b)
    return round(float(d.amt.sum() / len(d)), 2)
def repeat_rate(a, b):
    n = per(a, b).groupby('cust').date.nunique()
    return round(float((n >= 2).mean()), 4)
def chg(new, old):
    return round(float(new / old - 1), 4)
first = df.groupby('cust').date.min()
last = df.groupby('cust').date.max()
spend = df.groupby('cust').amt.sum()
pdays = df.groupby('cust').date.nunique()
days_since = (NOW - last).dt.days
''')

COO = '一家唱片连锁的COO (排班/备货/集中度/流失/预测, 追问收窄上一问)'
OPS = '会员运营专员 (按会员id查人、按门槛圈人, 偶尔要发券发短信)'

def F(name, what, tol=0.005):
    return ('F', name, what, tol)
def MN(name, what, tol=0.005):
    return ('M', name, what, tol)

# each turn: dict(q, kind, check, figs=[...], period, tool, note)
ITEMS = [
 ('n3-001', COO, [
  dict(q='去年全年一共卖了多少钱？多少单？',
       kind='figure', period='1997-01-01..1997-12-31',
       check="dict(rev97=rev('1997-01-01','1997-12-31'), ord97=n_orders('1997-01-01','1997-12-31'), rev_all=round(float(df.amt.sum()),2), ord_all=int(len(df)))",
       figs=[F('rev97','revenue 1997'), F('ord97','orders (order lines) 1997'),
             MN('rev_all','all-time revenue (wrong period)'), MN('ord_all','all-time orders (wrong period)')]),
  dict(q='按季度拆开看看 哪个季度最差',
       kind='figure', period='1997-01-01..1997-12-31',
       check="dict(q1=rev('1997-01-01','1997-03-31'), q2=rev('1997-04-01','1997-06-30'), q3=rev('1997-07-01','1997-09-30'), q4=rev('1997-10-01','1997-12-31'))",
       figs=[F('q3','revenue 1997 Q3 (the weakest quarter)'), F('q1','revenue 1997 Q1'), F('q2','revenue 1997 Q2'), F('q4','revenue 1997 Q4')],
       note='Follow-up: quarters of 1997 (the year of the previous turn). Q3 is the lowest.'),
 ]),
 ('n3-002', COO, [
  dict(q='嗯我要排下个月的班，今年以来星期几单子最多、星期几最少？',
       kind='figure', period='1998-01-01..1998-06-30',
       check=textwrap.dedent("""\
         d = per('1998-01-01','1998-06-30')
         w = d.groupby(d.date.dt.weekday).size()
         wa = df.groupby(df.date.dt.weekday).size()
         assert w.idxmax() == 0 and w.idxmin() == 5
         dict(mon98=int(w.max()), sat98=int(w.min()), mon_all=int(wa.max()))"""),
       figs=[F('mon98','orders on Mondays 1998-01..06 (busiest weekday)'), F('sat98','orders on Saturdays 1998-01..06 (quietest weekday)'),
             MN('mon_all','all-time Monday orders (wrong period)')],
       note='今年以来 = 1998-01-01..1998-06-30. Busiest = Monday (1927, Thursday close behind at 1915), quietest = Saturday. Orders = order lines.'),
  dict(q='周末两天（六日）加起来占几成单量',
       kind='figure', period='1998-01-01..1998-06-30',
       check=textwrap.dedent("""\
         d = per('1998-01-01','1998-06-30')
         w = d.groupby(d.date.dt.weekday).size()
         wa = df.groupby(df.date.dt.weekday).size()
         dict(we98=round(float(w[[5,6]].sum()/w.sum()),4), we_all=round(float(wa[[5,6]].sum()/wa.sum()),4))"""),
       figs=[F('we98','share of 1998-01..06 orders on Saturday+Sunday'), MN('we_all','all-time weekend share (wrong period)')]),
 ]),
 ('n3-003', COO, [
  dict(q='去年哪三个月最忙？按单量排一下',
       kind='figure', period='1997-01-01..1997-12-31',
       check=textwrap.dedent("""\
         d = per('1997-01-01','1997-12-31')
         m = d.groupby(d.date.dt.month).size().sort_values(ascending=False)
         assert list(m.index[:3]) == [3, 2, 1]
         dict(mar=int(m[3]), feb=int(m[2]), jan=int(m[1]))"""),
       figs=[F('mar','orders 1997-03 (busiest)'), F('feb','orders 1997-02'), F('jan','orders 1997-01')]),
  dict(q='一季度那是刚拉新的时候不算，下半年哪个月最旺？营收多少',
       kind='figure', period='1997-07-01..1997-12-31',
       check=textwrap.dedent("""\
         d = per('1997-07-01','1997-12-31')
         m = d.groupby(d.date.dt.month).amt.sum()
         o = d.groupby(d.date.dt.month).size()
         assert m.idxmax() == 7 and o.idxmax() == 7
         dict(jul_rev=round(float(m.max()),2), jul_ord=int(o.max()), mar_rev=rev('1997-03-01','1997-03-31'))"""),
       figs=[F('jul_rev','revenue 1997-07, the best month of 1997 H2')],
       mustnot=[MN('mar_rev','revenue 1997-03, the best month of the whole year (wrong scope)')],
       note='July 1997 is the top H2 month by revenue and by orders (2942).'),
  dict(q='年底那两个月加一块多少钱，占全年几成？',
       kind='figure', period='1997-11-01..1997-12-31',
       check="dict(novdec=rev('1997-11-01','1997-12-31'), share=round(rev('1997-11-01','1997-12-31')/rev('1997-01-01','1997-12-31'),4))",
       figs=[F('novdec','revenue 1997-11..12'), F('share','Nov+Dec share of 1997 revenue')],
       note='年底 = November-December (product doc); 去年 context = 1997.'),
 ]),
 ('n3-004', COO, [
  dict(q='收入集中度怎么样？花钱最多的top 10%客户占了总营收多少？',
       kind='figure', period='1997-01-01..1998-06-30',
       check=textwrap.dedent("""\
         s = spend.sort_values(ascending=False)
         k = int(round(len(s)*0.10))
         dict(top10=round(float(s.head(k).sum()/s.sum()),4), top10_rev=round(float(s.head(k).sum()),2), k=k)"""),
       figs=[F('top10','share of all-time revenue from the top 10% spenders (2357 customers)')],
       note='No period given: whole data range, ranking by total spend.'),
  dict(q='前1%呢',
       kind='figure', period='1997-01-01..1998-06-30',
       check=textwrap.dedent("""\
         s = spend.sort_values(ascending=False)
         dict(top1=round(float(s.head(236).sum()/s.sum()),4), top1_235=round(float(s.head(235).sum()/s.sum()),4))"""),
       figs=[F('top1','share of all-time revenue from the top 1% spenders (236 customers; 235 gives 0.1584, within tolerance)')]),
 ]),
 ('n3-005', COO, [
  dict(q='现在手上有多少客户已经超过半年没来买了',
       kind='figure',
       check="dict(inact180=int((days_since >= 180).sum()), inact182=int((days_since >= 182).sum()), inact365=int((days_since >= 365).sum()))",
       figs=[F('inact180','customers inactive >= 180 days as of 1998-06-30 (182 days gives 18189, within tolerance)')],
       mustnot=[MN('inact365','inactive >= 365 days (wrong threshold)')],
       note='半年 read as 180 days (inactive N days definition).'),
  dict(q='一年以上没回来的有多少？这批人以前总共贡献过多少营收',
       kind='figure',
       check="dict(n365=int((days_since >= 365).sum()), spend365=round(float(spend[days_since >= 365].sum()),2))",
       figs=[F('n365','customers inactive >= 365 days'), F('spend365','their all-time total spend')]),
 ]),
 ('n3-006', COO, [
  dict(q='下个月(7月)大概能做多少营收、多少单？给我个预估',
       kind='model', tool='forecast_totals', period='1998-07-01..1998-07-31',
       note='Forecast for 1998-07 (all customers).'),
  dict(q='那下个季度整个季度呢？顺便把去年同期实际数放一起我对比下',
       kind='model', tool='forecast_totals', period='1998-07-01..1998-09-30',
       check="dict(q3_97=rev('1997-07-01','1997-09-30'), q2_98=rev('1998-04-01','1998-06-30'))",
       figs=[F('q3_97','actual revenue 1997 Q3 (same quarter last year)')],
       mustnot=[MN('q2_98','actual revenue 1998 Q2 (this quarter, not the same period last year)')],
       note='下个季度 = 1998 Q3 forecast; 去年同期 = 1997 Q3 actual.'),
 ]),
 ('n3-007', COO, [
  dict(q='上个月营收环比是涨了还是跌了？幅度多少',
       kind='figure', period='1998-05-01..1998-05-31',
       check="dict(may98=rev('1998-05-01','1998-05-31'), apr98=rev('1998-04-01','1998-04-30'), mom=chg(rev('1998-05-01','1998-05-31'), rev('1998-04-01','1998-04-30')))",
       figs=[F('may98','revenue 1998-05'), F('mom','MoM change 1998-05 vs 1998-04 (up)')]),
  dict(q='同比呢',
       kind='figure', period='1998-05-01..1998-05-31',
       check="dict(may97=rev('1997-05-01','1997-05-31'), yoy=chg(rev('1998-05-01','1998-05-31'), rev('1997-05-01','1997-05-31')), mom=chg(rev('1998-05-01','1998-05-31'), rev('1998-04-01','1998-04-30')))",
       figs=[F('yoy','YoY change revenue 1998-05 vs 1997-05 (down)'), F('may97','revenue 1997-05')],
       mustnot=[MN('mom','the MoM change of the previous turn')]),
  dict(q='客单加同比呢？是不是单子变小了',
       kind='figure', period='1998-05-01..1998-05-31',
       check="dict(aov98=aov('1998-05-01','1998-05-31'), aov97=aov('1997-05-01','1997-05-31'), yoy=chg(aov('1998-05-01','1998-05-31'), aov('1997-05-01','1997-05-31')))",
       figs=[F('aov98','AOV 1998-05 (revenue / order lines)'), F('aov97','AOV 1997-05'), F('yoy','AOV YoY change, 1998-05 vs 1997-05', 0.02)],
       note='客单加 = typo of 客单价. AOV = revenue / order lines. The YoY change is small (~-3%), so a looser tolerance.'),
 ]),
 ('n3-008', COO, [
  dict(q='这个月卖了多少了？跟上个月比怎么样',
       kind='figure', period='1998-06-01..1998-06-30',
       check="dict(jun98=rev('1998-06-01','1998-06-30'), mom=chg(rev('1998-06-01','1998-06-30'), rev('1998-05-01','1998-05-31')), jun97=rev('1997-06-01','1997-06-30'))",
       figs=[F('jun98','revenue 1998-06'), F('mom','MoM change vs 1998-05')],
       mustnot=[MN('jun97','revenue 1997-06 (wrong year)')]),
  dict(q='上周一共多少单，平均一天几单',
       kind='figure', period='1998-06-22..1998-06-28',
       check="dict(wk=n_orders('1998-06-22','1998-06-28'), per_day=round(n_orders('1998-06-22','1998-06-28')/7,1))",
       figs=[F('wk','orders 1998-06-22..06-28'), F('per_day','orders per day last week (/7)', 0.01)]),
 ]),
 ('n3-009', COO, [
  dict(q='去年的复够率是多少',
       kind='figure', period='1997-01-01..1997-12-31',
       check="dict(rr97=repeat_rate('1997-01-01','1997-12-31'), buyers97=n_buyers('1997-01-01','1997-12-31'))",
       figs=[F('rr97','repeat rate 1997 (share of 1997 buyers with >= 2 purchase days in 1997)')],
       note='复够率 = typo of 复购率.'),
  dict(q='今年上半年呢？是不是比去年差很多',
       kind='figure', period='1998-01-01..1998-06-30',
       check="dict(rr98=repeat_rate('1998-01-01','1998-06-30'), rr97=repeat_rate('1997-01-01','1997-12-31'), rr_all=repeat_rate('1997-01-01','1998-06-30'))",
       figs=[F('rr98','repeat rate 1998-01..06')],
       mustnot=[MN('rr97','repeat rate 1997 (wrong period)')],
       note='A good answer notes that a half-year window is shorter than a full year.'),
 ]),
 ('n3-010', COO, [
  dict(q='97年1月第一次来买的那批客人，到4月份还有几成在买？',
       kind='figure',
       check=textwrap.dedent("""\
         coh = first.dt.to_period('M')
         ids = coh[coh == pd.Period('1997-01')].index
         act = set(df[df.date.dt.to_period('M') == pd.Period('1997-04')].cust)
         dict(ret=round(len(set(ids) & act)/len(ids),4), size=len(ids))"""),
       figs=[F('ret','retention of the 1997-01 first-order cohort in 1997-04 (month 3)', 0.01), F('size','size of the 1997-01 cohort')]),
  dict(q='2月那批过3个月呢',
       kind='figure',
       check=textwrap.dedent("""\
         coh = first.dt.to_period('M')
         ids = coh[coh == pd.Period('1997-02')].index
         act = set(df[df.date.dt.to_period('M') == pd.Period('1997-05')].cust)
         dict(ret=round(len(set(ids) & act)/len(ids),4), size=len(ids))"""),
       figs=[F('ret','retention of the 1997-02 cohort in 1997-05 (month 3)', 0.01)]),
 ]),
 ('n3-011', COO, [
  dict(q='今年的营收里面新客老客各贡献多少？',
       kind='figure', period='1998-01-01..1998-06-30',
       check=textwrap.dedent("""\
         d = per('1998-01-01','1998-06-30')
         newc = first[first >= pd.Timestamp('1998-01-01')].index
         dict(ret_rev=round(float(d[~d.cust.isin(newc)].amt.sum()),2), new_rev=round(float(d[d.cust.isin(newc)].amt.sum()),2), n_new=len(newc))"""),
       figs=[F('ret_rev','revenue from returning customers 1998-01..06 (= all of it)')],
       note='Every customer first bought in 1997-01..03, so 1998 new-customer revenue is 0 and returning = the whole 1998 H1 revenue. The answer should say new = 0.'),
  dict(q='那去年3月拉了多少新客',
       kind='figure', period='1997-03-01..1997-03-31',
       check="dict(new_mar=int(((first >= pd.Timestamp('1997-03-01')) & (first <= pd.Timestamp('1997-03-31'))).sum()), buyers_mar=n_buyers('1997-03-01','1997-03-31'))",
       figs=[F('new_mar','new customers (first-ever order) in 1997-03')],
       mustnot=[MN('buyers_mar','all buyers in 1997-03 (new + returning)')]),
 ]),
 ('n3-012', COO, [
  dict(q='我们的会员大概能分成几类？每类多少人、各贡献多少钱',
       kind='model', tool='list_segments'),
  dict(q='最值钱的那一类，平均每人花多少，最近一次买离现在多久',
       kind='model', tool='describe_segment', note='Segment 0 / 高价值客户 profile.'),
 ]),
 ('n3-013', COO, [
  dict(q='现在最可能流失的大客户，给我列前10个',
       kind='model', tool='at_risk_customers'),
  dict(q='把这10个人导出个excel发我邮箱',
       kind='refusal', note='Export + e-mail: cannot; should say so and call no tool.'),
 ]),
 ('n3-014', COO, [
  dict(q='上个月哪一类唱片卖得最好？上个月总共卖出去多少张碟',
       kind='partial', period='1998-05-01..1998-05-31',
       check="dict(units_may98=int(per('1998-05-01','1998-05-31').units.sum()), units_all=int(df.units.sum()), units_may97=int(per('1997-05-01','1997-05-31').units.sum()))",
       figs=[F('units_may98','units (CDs) sold 1998-05')],
       mustnot=[MN('units_all','all-time units'), MN('units_may97','units 1997-05 (wrong year)')],
       note='No product/category data: must say the category part cannot be answered.'),
 ]),
 ('n3-015', COO, [
  dict(q='今年上半年各门店营收排个名，再给我个总数',
       kind='partial', period='1998-01-01..1998-06-30',
       check="dict(rev98=rev('1998-01-01','1998-06-30'), rev97=rev('1997-01-01','1997-12-31'), rev_all=round(float(df.amt.sum()),2))",
       figs=[F('rev98','revenue 1998-01..06')],
       mustnot=[MN('rev97','revenue 1997'), MN('rev_all','all-time revenue')],
       note='No store data.'),
 ]),
 ('n3-016', COO, [
  dict(q='去年有几个月单量过了3000单？',
       kind='figure', period='1997-01-01..1997-12-31',
       check=textwrap.dedent("""\
         d = per('1997-01-01','1997-12-31')
         m = d.groupby(d.date.dt.month).size()
         dict(n=int((m > 3000).sum()))"""),
       figs=[F('n','number of 1997 months with > 3000 orders (Jan, Feb, Mar, Apr, Jun)', 0.0)]),
  dict(q='今年呢，超过2000单的月份有几个',
       kind='figure', period='1998-01-01..1998-06-30',
       check=textwrap.dedent("""\
         d = per('1998-01-01','1998-06-30')
         m = d.groupby(d.date.dt.month).size()
         dict(n=int((m > 2000).sum()))"""),
       figs=[F('n','number of 1998 months with > 2000 orders (Jan, Feb, Mar, Jun)', 0.0)]),
 ]),
 ('n3-017', COO, [
  dict(q='今年上半年单量最高的是哪一周？那一周多少单、多少钱',
       kind='figure', period='1998-01-01..1998-06-30',
       check=textwrap.dedent("""\
         d = per('1998-01-01','1998-06-30')
         wk = d.date - pd.to_timedelta(d.date.dt.weekday, unit='D')
         g = d.groupby(wk).agg(o=('amt','size'), r=('amt','sum'))
         top = g.o.idxmax()
         assert top == pd.Timestamp('1998-03-16')
         dict(orders=int(g.o.max()), rev=round(float(g.loc[top, 'r']),2))"""),
       figs=[F('orders','orders in ISO week 1998-W12 (03-16..03-22), the busiest week of 1998 H1'), F('rev','revenue that week')],
       note='Week = ISO week Monday-Sunday; 1998-W12 = 1998-03-16..03-22 (next: W10 with 666).'),
 ]),
 ('n3-018', COO, [
  dict(q='客人最近都在抱怨些啥',
       kind='model', tool='feedback_themes', note='Could also be search_feedback on complaints; feedback_themes is the direct tool.'),
  dict(q='差评大概占多少',
       kind='model', tool='sentiment_summary'),
 ]),
 ('n3-019', COO, [
  dict(q="What's our average monthly revenue so far this year?",
       kind='figure', period='1998-01-01..1998-06-30',
       check="dict(avg98=round(rev('1998-01-01','1998-06-30')/6,2), avg97=round(rev('1997-01-01','1997-12-31')/12,2))",
       figs=[F('avg98','average monthly revenue 1998-01..06 (H1 revenue / 6)')],
       mustnot=[MN('avg97','1997 monthly average (wrong period)')]),
 ]),
 ('n3-020', COO, [
  dict(q='只买过一次就再也没来的客户有多少？占比多少',
       kind='figure', period='1997-01-01..1998-06-30',
       check="dict(n1=int((pdays == 1).sum()), share=round(float((pdays == 1).mean()),4))",
       figs=[F('n1','customers with exactly 1 purchase day, all time'), F('share','one-time share of all customers')]),
  dict(q='买了5次及以上的那些客户，贡献了总营收的几成？',
       kind='figure', period='1997-01-01..1998-06-30',
       check="dict(n5=int((pdays >= 5).sum()), share=round(float(spend[pdays >= 5].sum()/spend.sum()),4))",
       figs=[F('share','share of all-time revenue from customers with >= 5 purchase days'), F('n5','number of such customers')],
       note='次 = purchase day (distinct customer-date).'),
 ]),
 ('n3-021', COO, [
  dict(q='客人一般隔多久回来买一次？平均数和中位数都给我',
       kind='figure', period='1997-01-01..1998-06-30',
       check=textwrap.dedent("""\
         pd_ = df[['cust','date']].drop_duplicates().sort_values(['cust','date'])
         gaps = pd_.groupby('cust').date.diff().dt.days.dropna()
         dict(mean=round(float(gaps.mean()),1), median=float(gaps.median()))"""),
       figs=[F('mean','mean days between consecutive purchase days, all time', 0.01), F('median','median days between purchase days', 0.01)]),
 ]),
 ('n3-022', COO, [
  dict(q='你们那个流失预测模型靠谱吗？准确率多少，数据是更新到哪天的',
       kind='model', tool='assistant_status'),
 ]),
 ('n3-023', COO, [
  dict(q='最近三个月有买过东西的客户一共多少个？',
       kind='figure', period='1998-04-01..1998-06-30',
       check="dict(b=n_buyers('1998-04-01','1998-06-30'), summed=n_buyers('1998-04-01','1998-04-30')+n_buyers('1998-05-01','1998-05-31')+n_buyers('1998-06-01','1998-06-30'))",
       figs=[F('b','distinct buyers 1998-04-01..06-30')],
       mustnot=[MN('summed','sum of the three monthly buyer counts (double counts)')]),
  dict(q='跟去年同期比少了多少人，降了百分之几',
       kind='figure', period='1998-04-01..1998-06-30',
       check="dict(b97=n_buyers('1997-04-01','1997-06-30'), diff=n_buyers('1997-04-01','1997-06-30')-n_buyers('1998-04-01','1998-06-30'), chg=chg(n_buyers('1998-04-01','1998-06-30'), n_buyers('1997-04-01','1997-06-30')))",
       figs=[F('b97','distinct buyers 1997-04-01..06-30'), F('diff','decrease in buyers'), F('chg','relative change 1998 Q2 vs 1997 Q2 buyers')]),
 ]),
 # ---------------- 会员运营专员 ----------------
 ('n3-024', OPS, [
  dict(q='帮我查下会员00003，一共买过几次，花了多少钱',
       kind='figure',
       check="dict(n=int(pdays[3]), spend=round(float(spend[3]),2))",
       figs=[F('n','purchase days of customer 00003 (6; also 6 order lines)', 0.0), F('spend','total spend of 00003')]),
  dict(q='他最后一次是啥时候买的 离现在几天了',
       kind='figure',
       check="assert last[3] == pd.Timestamp('1998-05-28')\ndict(days=int(days_since[3]))",
       figs=[F('days','days since the last purchase of 00003 (last purchase 1998-05-28)', 0.0)],
       note='Answer must also give the date 1998-05-28.'),
  dict(q='给他发一张满100减20的券',
       kind='refusal', note='Coupon push: cannot; no tool call.'),
 ]),
 ('n3-025', OPS, [
  dict(q='C2484 这个人为啥被分到现在这个类别里',
       kind='model', tool='explain_customer_segment'),
  dict(q='他接下来三个月还会来买吗？流失风险高不高',
       kind='model', tool='forecast_customer', note='About 13 weeks.'),
  dict(q='他今年一共买了几次，花了多少',
       kind='figure', period='1998-01-01..1998-06-30',
       check=textwrap.dedent("""\
         d = per('1998-01-01','1998-06-30'); d = d[d.cust == 2484]
         dict(n=int(d.date.nunique()), spend=round(float(d.amt.sum()),2), spend_all=round(float(spend[2484]),2), n_all=int(pdays[2484]))"""),
       figs=[F('n','purchase days of 02484 in 1998-01..06', 0.0), F('spend','spend of 02484 in 1998-01..06')],
       mustnot=[MN('spend_all','all-time spend of 02484 (wrong period)')]),
 ]),
 ('n3-026', OPS, [
  dict(q='累计消费超过1000刀的会员有多少人',
       kind='figure', period='1997-01-01..1998-06-30',
       check="dict(n=int((spend > 1000).sum()))",
       figs=[F('n','customers with all-time spend > $1000', 0.0)]),
  dict(q='这些人里今年还下过单的有几个',
       kind='figure', period='1998-01-01..1998-06-30',
       check=textwrap.dedent("""\
         big = set(spend[spend > 1000].index)
         act = set(per('1998-01-01','1998-06-30').cust)
         dict(n=len(big & act), all98=len(act))"""),
       figs=[F('n','of the >$1000 customers, those with an order in 1998', 0.0)],
       mustnot=[MN('all98','all 1998 buyers (filter dropped)')]),
 ]),
 ('n3-027', OPS, [
  dict(q='去年买了5次以上的会员有多少人',
       kind='figure', period='1997-01-01..1997-12-31',
       check=textwrap.dedent("""\
         n = per('1997-01-01','1997-12-31').groupby('cust').date.nunique()
         dict(n5=int((n >= 5).sum()), n6=int((n >= 6).sum()), all5=int((pdays >= 5).sum()))"""),
       figs=[F('n5','customers with >= 5 purchase days in 1997')],
       mustnot=[MN('all5','>= 5 purchase days over all time (wrong window)')],
       note='5次以上 read as >= 5 (usual Chinese reading). With > 5 the figure would be the n6 value.'),
  dict(q='他们今年上半年一共又花了多少',
       kind='figure', period='1998-01-01..1998-06-30',
       check=textwrap.dedent("""\
         n = per('1997-01-01','1997-12-31').groupby('cust').date.nunique()
         ids = n[n >= 5].index
         d = per('1998-01-01','1998-06-30')
         dict(spend98=round(float(d[d.cust.isin(ids)].amt.sum()),2), spend97=round(float(per('1997-01-01','1997-12-31').pipe(lambda x: x[x.cust.isin(ids)]).amt.sum()),2))"""),
       figs=[F('spend98','1998-01..06 revenue from customers with >= 5 purchase days in 1997')],
       mustnot=[MN('spend97','their 1997 spend (wrong period)')]),
 ]),
 ('n3-028', OPS, [
  dict(q='上个月买过、这个月到现在还没回来买的会员有多少',
       kind='figure',
       check=textwrap.dedent("""\
         may = set(per('1998-05-01','1998-05-31').cust)
         jun = set(per('1998-06-01','1998-06-30').cust)
         dict(n=len(may - jun), may=len(may))"""),
       figs=[F('n','buyers of 1998-05 with no order in 1998-06', 0.0)],
       mustnot=[MN('may','all 1998-05 buyers (filter dropped)')]),
  dict(q='那给这批人群发个短信，提醒回来逛逛',
       kind='refusal'),
 ]),
 ('n3-029', OPS, [
  dict(q='消费最高的前5个会员是谁？各花了多少',
       kind='figure', period='1997-01-01..1998-06-30',
       check=textwrap.dedent("""\
         s = spend.sort_values(ascending=False).head(5)
         assert list(s.index) == [7592, 14048, 7983, 19339, 7931]
         dict(s1=round(float(s.iloc[0]),2), s2=round(float(s.iloc[1]),2), s3=round(float(s.iloc[2]),2), s4=round(float(s.iloc[3]),2), s5=round(float(s.iloc[4]),2))"""),
       figs=[F('s1','spend of 07592 (#1)'), F('s2','spend of 14048 (#2)'), F('s3','spend of 07983 (#3)'), F('s4','spend of 19339 (#4)'), F('s5','spend of 07931 (#5)')],
       note='Ids in order: 07592, 14048, 07983, 19339, 07931.'),
  dict(q='第一名今年买了多少钱',
       kind='figure', period='1998-01-01..1998-06-30',
       check=textwrap.dedent("""\
         d = per('1998-01-01','1998-06-30')
         dict(s98=round(float(d[d.cust == 7592].amt.sum()),2), s_all=round(float(spend[7592]),2))"""),
       figs=[F('s98','spend of 07592 in 1998-01..06')],
       mustnot=[MN('s_all','all-time spend of 07592')]),
  dict(q='他未来一年的客户价值大概有多少？CLV',
       kind='model', tool='customer_value', note='About 52 weeks, customer 07592.'),
 ]),
 ('n3-030', OPS, [
  dict(q='How many members have had no purchase in the last 90 days but spent more than $500 in total?',
       kind='figure',
       check="dict(n=int(((days_since >= 90) & (spend > 500)).sum()), n_spend=int((spend > 500).sum()))",
       figs=[F('n','customers inactive >= 90 days with all-time spend > $500')],
       mustnot=[MN('n_spend','all customers with spend > $500 (inactivity filter dropped)')],
       note='No purchase in last 90 days read as inactive >= 90 days (last order on or before 1998-04-01).'),
  dict(q="Tag them as 'win-back' in the CRM please",
       kind='refusal'),
 ]),
 ('n3-031', OPS, [
  dict(q='最近30天下过单的会员多少人 人均花了多少',
       kind='figure', period='1998-06-01..1998-06-30',
       check="dict(b=n_buyers('1998-06-01','1998-06-30'), rpb=round(rev('1998-06-01','1998-06-30')/n_buyers('1998-06-01','1998-06-30'),2), rpb_all=round(float(df.amt.sum())/df.cust.nunique(),2))",
       figs=[F('b','distinct buyers 1998-06-01..06-30 (last 30 days)'), F('rpb','revenue per buyer in those 30 days')],
       mustnot=[MN('rpb_all','all-time revenue per customer')]),
 ]),
 ('n3-032', OPS, [
  dict(q='会员100的手机号和所在城市能查到吗？顺便看下他总共消费了多少',
       kind='partial',
       check="dict(spend=round(float(spend[100]),2), n=int(pdays[100]))",
       figs=[F('spend','total spend of 00100')],
       note='No phone/city data; 00100 has 3 purchase days.'),
 ]),
 ('n3-033', OPS, [
  dict(q='帮我判断下这条会员留言是好评还是差评：“发货太慢了等了两个礼拜，盒子还压坏了，不过音质还行”',
       kind='model', tool='analyze_sentiment'),
  dict(q='还有别的会员也在说发货慢吗',
       kind='model', tool='search_feedback'),
 ]),
 ('n3-034', OPS, [
  dict(q='给过差评的会员后来还有多少回来买过的',
       kind='model', tool='feedback_followup'),
 ]),
 ('n3-035', OPS, [
  dict(q='会员1234还活跃吗？好久没买的话帮我把他标成沉睡会员',
       kind='refusal',
       check="assert last[1234] == pd.Timestamp('1997-01-05')\ndict(days=int(days_since[1234]), spend=round(float(spend[1234]),2))",
       figs=[F('days','days since the last purchase of 01234 (1997-01-05)', 0.0), F('spend','total spend of 01234')],
       note='Tagging: cannot; the activity question is answered (one purchase on 1997-01-05).'),
 ]),
]


def run_check(code):
    ns = {}
    exec(PRELUDE, ns)
    lines = code.rstrip('\n').split('\n')
    exec('\n'.join(lines[:-1]), ns)
    return eval(lines[-1], ns)


def figs_of(specs, res):
    out = []
    for _, name, what, tol in specs:
        v = res[name]
        out.append({'value': v, 'rel_tol': tol, 'what': f'[{name}] {what}'})
    return out


items = []
for iid, persona, turns in ITEMS:
    ts = []
    for t in turns:
        exp = {'kind': t['kind']}
        if t.get('tool'):
            exp['tool'] = t['tool']
        res = run_check(t['check']) if t.get('check') else None
        specs = t.get('figs', [])
        pos = [s for s in specs if s[0] == 'F']
        neg = [s for s in specs if s[0] == 'M'] + t.get('mustnot', [])
        if pos:
            exp['figures'] = figs_of(pos, res)
        if neg:
            exp['must_not'] = figs_of(neg, res)
        if t.get('period'):
            exp['period'] = t['period']
        turn = {'q': t['q'], 'expect': exp}
        if t.get('check'):
            turn['check'] = t['check'].rstrip('\n') + '\n'
        if t.get('note'):
            turn['note'] = t['note']
        ts.append(turn)
        print(iid, t['kind'], res)
    items.append({'id': iid, 'persona': persona, 'turns': ts})

doc = {
    'writer': 'n3 (outside evaluator; wrote without seeing the product code, tests, prompts or other sets) — personas: 唱片连锁COO (排班/集中度/流失/预测); 会员运营专员 (查会员/圈人/发券发短信)',
    'data_end': '1998-06-30',
    'check_prelude': PRELUDE,
    'items': items,
}

class D(yaml.SafeDumper):
    pass
def str_rep(dumper, s):
    if '\n' in s:
        return dumper.represent_scalar('tag:yaml.org,2002:str', s, style='|')
    return dumper.represent_scalar('tag:yaml.org,2002:str', s)
D.add_representer(str, str_rep)
with open('/tmp/team/n3/set_n3.yaml', 'w') as f:
    yaml.dump(doc, f, Dumper=D, allow_unicode=True, sort_keys=False, width=1000)
