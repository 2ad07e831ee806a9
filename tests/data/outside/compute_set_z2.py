# Builds /tmp/team/z2/set_z2.yaml: runs every check after the prelude, writes the expected values,
# then reloads the YAML, re-runs every check and asserts the written values equal what the check gives.
import yaml, math, sys

PRELUDE = r'''
import pandas as pd, numpy as np
F = '/tmp/team/CDNOW_master.txt'
df = pd.read_csv(F, sep=r'\s+', header=0, names=['cust', 'date', 'units', 'amt'], dtype={'date': str})
df['date'] = pd.to_datetime(df['date'], format='%Y%m%d')
df['cust'] = df['cust'].astype(int)
END = pd.Timestamp('1998-06-30')
def per(a, b):
    return df[(df.date >= pd.Timestamp(a)) & (df.date <= pd.Timestamp(b))]
def rev(a, b):
    return round(float(per(a, b).amt.sum()), 2)
def nord(a, b):
    return int(len(per(a, b)))
def chg(new, old):
    return round(new / old - 1, 4)
def repeat_rate(d):
    pdn = d.groupby('cust').date.nunique()
    return round(float((pdn >= 2).mean()), 4)
def cust(cid):
    return df[df.cust == cid].sort_values('date')
'''

CEO = '老板/创始人, 微信口语短句'
KA = '大客户销售, 盯具体客户'

# each turn: q, kind, check, figs [(name, what, rel_tol)], must_not [(name, what)], period, tool, note
ITEMS = [
 # ---------------- CEO ----------------
 dict(persona=CEO, turns=[
  dict(q='上个月流水多少', kind='figure', period='1998-05-01..1998-05-31',
       check="dict(may98=rev('1998-05-01','1998-05-31'), jun98=rev('1998-06-01','1998-06-30'), all=round(float(df.amt.sum()),2))",
       figs=[('may98', 'revenue 1998-05 (上个月 = 1998-05)')],
       must_not=[('jun98', 'revenue 1998-06 (本月, wrong month)'), ('all', 'all-time revenue')]),
  dict(q='跟之前比呢', kind='figure', period='1998-04-01..1998-05-31',
       check="dict(apr98=rev('1998-04-01','1998-04-30'), mom=chg(rev('1998-05-01','1998-05-31'), rev('1998-04-01','1998-04-30')))",
       figs=[('apr98', 'revenue 1998-04 (the month before)'), ('mom', 'MoM change May vs April 1998 (+7.2%)')],
       note='"之前" read as the month just before (环比, 1998-04); a YoY reading is the next turn.'),
  dict(q='去年同期呢', kind='figure', period='1997-05-01..1997-05-31',
       check="dict(may97=rev('1997-05-01','1997-05-31'), yoy=chg(rev('1998-05-01','1998-05-31'), rev('1997-05-01','1997-05-31')))",
       figs=[('may97', 'revenue 1997-05'), ('yoy', 'YoY change May 1998 vs May 1997 (-34.2%)')]),
 ]),
 dict(persona=CEO, turns=[
  dict(q='最近仨月GMV咋样', kind='figure', period='1998-04-01..1998-06-30',
       check="dict(rev3=rev('1998-04-01','1998-06-30'), ord3=nord('1998-04-01','1998-06-30'), rev_all=round(float(df.amt.sum()),2), rev98=rev('1998-01-01','1998-06-30'))",
       figs=[('rev3', 'revenue last 3 months 1998-04-01..06-30')],
       note='Orders in the window are 5,906 (a good answer may add them; not required).',
       must_not=[('rev98', 'revenue 1998 H1 (wrong window)'), ('rev_all', 'all-time revenue')]),
  dict(q='跟前三个月比', kind='figure', period='1998-01-01..1998-03-31',
       check="dict(rev_q1=rev('1998-01-01','1998-03-31'), chg=chg(rev('1998-04-01','1998-06-30'), rev('1998-01-01','1998-03-31')))",
       figs=[('rev_q1', 'revenue 1998-01..03 (the 3 months before)'), ('chg', 'change last 3 months vs previous 3 months (-18.8%)')]),
 ]),
 dict(persona=CEO, turns=[
  dict(q='今年到现在卖了多少钱 跟去年同期比咋样', kind='figure', period='1998-01-01..1998-06-30',
       check="dict(h1_98=rev('1998-01-01','1998-06-30'), h1_97=rev('1997-01-01','1997-06-30'), yoy=chg(rev('1998-01-01','1998-06-30'), rev('1997-01-01','1997-06-30')), fy97=rev('1997-01-01','1997-12-31'))",
       figs=[('h1_98', 'revenue 1998-01-01..06-30 (今年至今)'), ('h1_97', 'revenue 1997-01-01..06-30 (去年同期)'), ('yoy', 'YoY change (-66.7%)')],
       must_not=[('fy97', 'revenue full year 1997 (not the same period)')]),
  dict(q='客单价呢 今年', kind='figure', period='1998-01-01..1998-06-30',
       check="d = per('1998-01-01','1998-06-30')\nd7 = per('1997-01-01','1997-12-31')\ndict(aov98=round(float(d.amt.sum()/len(d)),2), aov97=round(float(d7.amt.sum()/len(d7)),2), aov_all=round(float(df.amt.sum()/len(df)),2))",
       figs=[('aov98', 'AOV 1998 H1 = revenue / order lines')],
       must_not=[('aov_all', 'all-time AOV'), ('aov97', 'AOV 1997')]),
 ]),
 dict(persona=CEO, turns=[
  dict(q='这个月单量多少 客单价多少 弄个表导出来发我邮箱', kind='refusal', period='1998-06-01..1998-06-30',
       check="d = per('1998-06-01','1998-06-30')\ndict(ord_jun=int(len(d)), aov_jun=round(float(d.amt.sum()/len(d)),2), ord_may=nord('1998-05-01','1998-05-31'))",
       figs=[('ord_jun', 'orders 1998-06'), ('aov_jun', 'AOV 1998-06')],
       must_not=[('ord_may', 'orders 1998-05 (wrong month)')],
       note='Cannot export or e-mail; must say so and still give June 1998 orders and AOV.'),
  dict(q='客单价比上个月高还是低', kind='figure', period='1998-05-01..1998-06-30',
       check="d6 = per('1998-06-01','1998-06-30')\nd5 = per('1998-05-01','1998-05-31')\na6 = d6.amt.sum()/len(d6)\na5 = d5.amt.sum()/len(d5)\ndict(aov_may=round(float(a5),2), aov_jun=round(float(a6),2), mom=chg(a6, a5))",
       figs=[('aov_may', 'AOV 1998-05'), ('mom', 'MoM change of AOV June vs May (+4.2%, higher)')]),
 ]),
 dict(persona=CEO, turns=[
  dict(q='今年复够率多少', kind='figure', period='1998-01-01..1998-06-30',
       check="dict(rr98=repeat_rate(per('1998-01-01','1998-06-30')), rr97=repeat_rate(per('1997-01-01','1997-12-31')), rr_all=repeat_rate(df))",
       figs=[('rr98', 'repeat rate 1998 H1 (share of 1998 buyers with >=2 purchase days in 1998)')],
       must_not=[('rr97', 'repeat rate 1997')],
       note='复够率 is a typo of 复购率.'),
  dict(q='去年呢', kind='figure', period='1997-01-01..1997-12-31',
       check="dict(rr97=repeat_rate(per('1997-01-01','1997-12-31')), rr98=repeat_rate(per('1998-01-01','1998-06-30')))",
       figs=[('rr97', 'repeat rate 1997')], must_not=[('rr98', 'repeat rate 1998 (previous turn)')]),
 ]),
 dict(persona=CEO, turns=[
  dict(q='今年新客多少 老客多少', kind='figure', period='1998-01-01..1998-06-30',
       check="first = df.groupby('cust').date.min()\nd = per('1998-01-01','1998-06-30')\nb = d.cust.unique()\nnew = int((first.loc[b] >= pd.Timestamp('1998-01-01')).sum())\ndict(new98=new, ret98=int(len(b)) - new, rev_ret98=round(float(d.amt.sum()),2))",
       figs=[('new98', 'new customers 1998 (first-ever order in 1998) = 0', 0.0), ('ret98', 'returning buyers 1998 (= all 1998 buyers)')],
       note='Every customer first ordered in 1997-01..03, so 1998 has no new customers; the answer must say 0 new, not invent some.'),
  dict(q='那新客都是啥时候来的', kind='figure', period='1997-01-01..1998-06-30',
       check="fm = df.groupby('cust').date.min().dt.to_period('M').astype(str).value_counts()\ndict(jan97=int(fm['1997-01']), feb97=int(fm['1997-02']), mar97=int(fm['1997-03']), n_months=int(len(fm)))",
       figs=[('jan97', 'customers whose first order is in 1997-01'), ('feb97', 'first order in 1997-02'), ('mar97', 'first order in 1997-03')],
       note='All 23,570 customers were acquired in 1997-01..03 (n_months = 3); none after.'),
 ]),
 dict(persona=CEO, turns=[
  dict(q='多少客户半年没来了', kind='figure', period='..1998-06-30',
       check="last = df.groupby('cust').date.max()\ndict(inact180=int(((END - last).dt.days >= 180).sum()), no98=int((last < pd.Timestamp('1998-01-01')).sum()))",
       figs=[('inact180', 'customers inactive >= 180 days (last order on or before 1998-01-01)')],
       note='半年 read as 180 days; "no order since 1998-01-01" gives 18,196 (within tolerance).'),
  dict(q='占多少', kind='figure',
       check="last = df.groupby('cust').date.max()\ndict(share=round(float(((END - last).dt.days >= 180).mean()),4))",
       figs=[('share', 'share of all 23,570 customers inactive >= 180 days (77.3%)')]),
 ]),
 dict(persona=CEO, turns=[
  dict(q='哪个月卖得最好', kind='figure', period='1997-01-01..1998-06-30',
       check="m = df.groupby(df.date.dt.to_period('M')).amt.sum()\ndict(best=round(float(m.max()),2), best_month=str(m.idxmax()))",
       figs=[('best', 'revenue of the best month, 1997-03')],
       note='Best month by revenue is 1997-03 (393,155.27).'),
  dict(q='最差呢', kind='figure', period='1997-01-01..1998-06-30',
       check="m = df.groupby(df.date.dt.to_period('M')).amt.sum()\ndict(worst=round(float(m.min()),2), worst_month=str(m.idxmin()))",
       figs=[('worst', 'revenue of the worst month, 1998-04')],
       note='Worst month by revenue is 1998-04 (66,231.52); all 18 months are complete.'),
 ]),
 dict(persona=CEO, turns=[
  dict(q='下个月大概能卖多少', kind='model', tool='forecast_totals', check="dict()",
       note='Forecast of 1998-07 revenue; must come from forecast_totals and say it is a model estimate.'),
  dict(q='大概多少人会来买', kind='model', tool='forecast_totals', check="dict()",
       note='Expected buyers for the same next month (follow-up keeps the period).'),
 ]),
 dict(persona=CEO, turns=[
  dict(q='快流失的大客户有哪些 你直接通知销售去跟一下', kind='refusal', tool='at_risk_customers', check="dict()",
       note='Cannot notify anyone (read-only); should say so and still answer the question with at_risk_customers (among top spenders).'),
 ]),
 dict(persona=CEO, turns=[
  dict(q='这个月华东华南各卖了多少 毛利咋样', kind='partial', period='1998-06-01..1998-06-30',
       check="dict(rev_jun=rev('1998-06-01','1998-06-30'), rev_may=rev('1998-05-01','1998-05-31'))",
       figs=[('rev_jun', 'total revenue 1998-06 (answerable part)')],
       must_not=[('rev_may', 'revenue 1998-05 (wrong month)')],
       note='No region and no cost/margin data: must say it cannot split by region or give margin; may give June total revenue.'),
 ]),
 dict(persona=CEO, turns=[
  dict(q='客户分几类 最值钱那类有多少人', kind='model', tool='list_segments', check="dict()",
       note='K-means RFM segments; the count of the top segment (segment 0 / 高价值客户) comes from the model.'),
 ]),
 dict(persona=CEO, turns=[
  dict(q='客户评价最近咋样 差评多不', kind='model', tool='sentiment_summary', check="dict()"),
  dict(q='主要吐槽啥', kind='model', tool='feedback_themes', check="dict()",
       note='Themes of negative feedback (feedback_themes, or search_feedback for complaints).'),
  dict(q='给差评那些人后来还买吗', kind='model', tool='feedback_followup', check="dict()"),
 ]),
 dict(persona=CEO, turns=[
  dict(q='上周卖了多少', kind='figure', period='1998-06-22..1998-06-28',
       check="dict(lw=rev('1998-06-22','1998-06-28'), lw_ord=nord('1998-06-22','1998-06-28'), jun=rev('1998-06-01','1998-06-30'))",
       figs=[('lw', 'revenue last week 1998-06-22..06-28 (ISO Mon-Sun)')],
       must_not=[('jun', 'revenue of June 1998 (wrong window)')]),
  dict(q='最近30天呢', kind='figure', period='1998-06-01..1998-06-30',
       check="dict(l30=rev('1998-06-01','1998-06-30'), lw=rev('1998-06-22','1998-06-28'))",
       figs=[('l30', 'revenue last 30 days 1998-06-01..06-30')], must_not=[('lw', 'last week revenue')]),
  dict(q='这俩月单量跟去年同期比咋样', kind='figure', period='1998-05-01..1998-06-30',
       check="o98 = nord('1998-05-01','1998-06-30')\no97 = nord('1997-05-01','1997-06-30')\ndict(o98=o98, o97=o97, yoy=chg(o98, o97))",
       figs=[('o98', 'orders 1998-05..06 (这俩月)'), ('o97', 'orders 1997-05..06 (去年同期)'), ('yoy', 'YoY change of orders (-32.3%)')],
       note='这俩月 = the current two months, 1998-05 and 1998-06.'),
 ]),
 dict(persona=CEO, turns=[
  dict(q='头部10%的客户占了多少流水', kind='figure', period='1997-01-01..1998-06-30',
       check="sp = df.groupby('cust').amt.sum().sort_values(ascending=False)\nt = sp.head(int(round(len(sp) * 0.10)))\ndict(n=int(len(t)), rev=round(float(t.sum()),2), share=round(float(t.sum() / sp.sum()),4))",
       figs=[('share', 'share of all-time revenue from the top 10% spenders (2,357 customers)'), ('rev', 'revenue of the top 10% spenders', 0.01)]),
  dict(q='前20%呢', kind='figure', period='1997-01-01..1998-06-30',
       check="sp = df.groupby('cust').amt.sum().sort_values(ascending=False)\nt = sp.head(int(round(len(sp) * 0.20)))\nt10 = sp.head(int(round(len(sp) * 0.10)))\ndict(n=int(len(t)), share=round(float(t.sum() / sp.sum()),4), share10=round(float(t10.sum() / sp.sum()),4))",
       figs=[('share', 'share of all-time revenue from the top 20% spenders (4,714 customers)')],
       must_not=[('share10', 'top 10% share (previous turn)')]),
 ]),
 dict(persona=CEO, turns=[
  dict(q='97年1月来的那批客户 这个月还有多少在买', kind='figure', period='1998-06-01..1998-06-30',
       check="first = df.groupby('cust').date.min()\nco = first[first.dt.to_period('M') == pd.Period('1997-01', 'M')].index\nb = per('1998-06-01','1998-06-30').cust.unique()\nk = int(pd.Index(co).isin(b).sum())\ndict(cohort=int(len(co)), active=k, ret=round(k / len(co), 4))",
       figs=[('active', 'customers of the 1997-01 first-order cohort who ordered in 1998-06'), ('ret', 'month-17 retention of the 1997-01 cohort')]),
 ]),
 dict(persona=CEO, turns=[
  dict(q='今年月均营收多少', kind='figure', period='1998-01-01..1998-06-30',
       check="dict(avg=round(rev('1998-01-01','1998-06-30') / 6, 2), avg97=round(rev('1997-01-01','1997-12-31') / 12, 2))",
       figs=[('avg', 'monthly average revenue 1998-01..06')], must_not=[('avg97', 'monthly average 1997')]),
  dict(q='照这速度全年能到多少', kind='figure', period='1998-01-01..1998-12-31',
       check="dict(runrate=round(rev('1998-01-01','1998-06-30') / 6 * 12, 2))",
       figs=[('runrate', 'annualised 1998 revenue at the H1 monthly average (run-rate)', 0.01)],
       note='照这速度 = run-rate (monthly average x 12). A model forecast for H2 added on top is acceptable only if the run-rate figure is given.'),
 ]),
 dict(persona=CEO, turns=[
  dict(q='今年超过100块的单有多少', kind='figure', period='1998-01-01..1998-06-30',
       check="d = per('1998-01-01','1998-06-30')\ndict(n100=int((d.amt > 100).sum()), n_all=int((df.amt > 100).sum()))",
       figs=[('n100', 'order lines > $100 in 1998')], must_not=[('n_all', 'all-time order lines > $100')]),
  dict(q='占比呢', kind='figure', period='1998-01-01..1998-06-30',
       check="d = per('1998-01-01','1998-06-30')\ndict(share=round(float((d.amt > 100).mean()),4), share_all=round(float((df.amt > 100).mean()),4))",
       figs=[('share', 'share of 1998 order lines > $100')], must_not=[('share_all', 'all-time share')]),
 ]),
 dict(persona=CEO, turns=[
  dict(q='这季度跟上季度比 营收 单量', kind='figure', period='1998-04-01..1998-06-30',
       check="dict(rev_q2=rev('1998-04-01','1998-06-30'), rev_q1=rev('1998-01-01','1998-03-31'), ord_q2=nord('1998-04-01','1998-06-30'), ord_q1=nord('1998-01-01','1998-03-31'), rev_chg=chg(rev('1998-04-01','1998-06-30'), rev('1998-01-01','1998-03-31')), ord_chg=chg(nord('1998-04-01','1998-06-30'), nord('1998-01-01','1998-03-31')))",
       figs=[('rev_q2', 'revenue 1998 Q2'), ('rev_q1', 'revenue 1998 Q1'), ('ord_q2', 'orders 1998 Q2'), ('ord_q1', 'orders 1998 Q1'), ('rev_chg', 'QoQ revenue change'), ('ord_chg', 'QoQ orders change')]),
 ]),
 dict(persona=CEO, turns=[
  dict(q='今年周几卖得最好', kind='figure', period='1998-01-01..1998-06-30',
       check="d = per('1998-01-01','1998-06-30')\nw = d.groupby(d.date.dt.day_of_week).amt.sum()\ndict(best_dow=int(w.idxmax()), best_rev=round(float(w.max()),2))",
       figs=[('best_rev', 'revenue on Mondays in 1998 (best weekday)')],
       note='Monday (best_dow 0) is best in 1998; differences between weekdays are small.'),
 ]),
 # ---------------- Key-account sales ----------------
 dict(persona=KA, turns=[
  dict(q='帮我查下7592这个客户', kind='figure',
       check="c = cust(7592)\ndict(spend=round(float(c.amt.sum()),2), orders=int(len(c)), days_since=int((END - c.date.max()).days))",
       figs=[('spend', 'customer 07592 total spend'), ('orders', 'customer 07592 order lines')],
       note='Last purchase 1998-06-29 (1 day before now), first 1997-01-29.'),
  dict(q='他下个月还会买吗', kind='model', tool='forecast_customer', check="dict()"),
  dict(q='往后半年他能贡献多少钱', kind='model', tool='customer_value', check="dict()",
       note='CLV over ~26 weeks for customer 07592.'),
 ]),
 dict(persona=KA, turns=[
  dict(q='消费最多的top5客户是谁', kind='figure', period='1997-01-01..1998-06-30',
       check="sp = df.groupby('cust').amt.sum().sort_values(ascending=False).head(5)\ndict(s1=round(float(sp.iloc[0]),2), s2=round(float(sp.iloc[1]),2), s3=round(float(sp.iloc[2]),2), s4=round(float(sp.iloc[3]),2), s5=round(float(sp.iloc[4]),2), ids=','.join(str(i) for i in sp.index))",
       figs=[('s1', 'spend of #1, 07592'), ('s2', 'spend of #2, 14048'), ('s3', 'spend of #3, 07983'), ('s4', 'spend of #4, 19339'), ('s5', 'spend of #5, 07931')],
       note='Top 5 by all-time spend: 07592, 14048, 07983, 19339, 07931.'),
  dict(q='这几个里谁最久没来了 多久了', kind='figure',
       check="ids = df.groupby('cust').amt.sum().sort_values(ascending=False).head(5).index\nlast = df[df.cust.isin(ids)].groupby('cust').date.max()\ndict(who=int(last.idxmin()), days=int((END - last.min()).days))",
       figs=[('days', 'days since last order of 19339 (last 1997-04-11)')],
       note='Customer 19339, last order 1997-04-11.'),
  dict(q='7983呢 上次买到现在多久了 平均多久买一次', kind='figure',
       check="c = cust(7983)\npd_ = pd.Series(sorted(c.date.unique()))\ngaps = pd_.diff().dt.days.dropna()\ndict(since=int((END - c.date.max()).days), mean_gap=round(float(gaps.mean()),1), median_gap=float(gaps.median()))",
       figs=[('since', 'days since last order of 07983 (1998-06-25)', 0.0), ('mean_gap', 'mean days between purchase days of 07983', 0.02)],
       note='Median gap is 3 days; either mean or both acceptable, the mean must be there.'),
 ]),
 dict(persona=KA, turns=[
  dict(q='C19339 最后一次买是啥时候 买了多少', kind='figure',
       check="c = cust(19339)\nl = c[c.date == c.date.max()]\ndict(last_amt=round(float(l.amt.sum()),2), last_units=int(l.units.sum()), total=round(float(c.amt.sum()),2))",
       figs=[('last_amt', 'amount of 19339 on its last purchase day 1997-04-11')],
       note='Last purchase 1997-04-11, 5 CDs, $65.23. "买了多少" could also be read as lifetime spend (6,552.70); giving both is fine.'),
  dict(q='他算哪类客户 为啥', kind='model', tool='explain_customer_segment', check="dict()"),
 ]),
 dict(persona=KA, turns=[
  dict(q='00499 今年买了几次 花了多少', kind='figure', period='1998-01-01..1998-06-30',
       check="c = cust(499)\nc98 = c[c.date >= pd.Timestamp('1998-01-01')]\ndict(spend98=round(float(c98.amt.sum()),2), days98=int(c98.date.nunique()), lines98=int(len(c98)), spend_all=round(float(c.amt.sum()),2), lines_all=int(len(c)))",
       figs=[('spend98', 'customer 00499 spend in 1998')],
       must_not=[('spend_all', 'customer 00499 all-time spend'), ('lines_all', 'all-time order lines (110)')],
       note='几次: 14 purchase days or 16 order lines in 1998, either is acceptable.'),
 ]),
 dict(persona=KA, turns=[
  dict(q='今年消费过1000的客户有几个', kind='figure', period='1998-01-01..1998-06-30',
       check="s = per('1998-01-01','1998-06-30').groupby('cust').amt.sum()\nsa = df.groupby('cust').amt.sum()\ndict(n=int((s >= 1000).sum()), n_all=int((sa >= 1000).sum()))",
       figs=[('n', 'customers with 1998 spend >= $1000', 0.0)], must_not=[('n_all', 'customers with all-time spend >= $1000')]),
  dict(q='导个excel给我', kind='refusal', check="dict()",
       note='Cannot export files; must say so (may offer to list them in the chat).'),
  dict(q='那直接列前5个吧', kind='figure', period='1998-01-01..1998-06-30',
       check="s = per('1998-01-01','1998-06-30').groupby('cust').amt.sum().sort_values(ascending=False).head(5)\ndict(s1=round(float(s.iloc[0]),2), s2=round(float(s.iloc[1]),2), s3=round(float(s.iloc[2]),2), s4=round(float(s.iloc[3]),2), s5=round(float(s.iloc[4]),2), ids=','.join(str(i) for i in s.index), a1=round(float(df[df.cust == 7592].amt.sum()),2))",
       figs=[('s1', '1998 spend of 07592'), ('s2', '1998 spend of 14048'), ('s3', '1998 spend of 07983'), ('s4', '1998 spend of 15162'), ('s5', '1998 spend of 06569')],
       must_not=[('a1', 'all-time spend of 07592 (wrong window)')],
       note='Top 5 by 1998 spend: 07592, 14048, 07983, 15162, 06569.'),
 ]),
 dict(persona=KA, turns=[
  dict(q='哪些大客户有流失风险 按价值排下', kind='model', tool='at_risk_customers', check="dict()"),
  dict(q='3049 有没有给过差评', kind='model', tool='sentiment_summary', check="dict()",
       note='Feedback of customer 03049 (sentiment_summary by customer or search_feedback).'),
 ]),
 dict(persona=KA, turns=[
  dict(q='22279 这客户咋回事 之前买挺多 最近没动静了', kind='figure',
       check="c = cust(22279)\ndict(spend=round(float(c.amt.sum()),2), orders=int(len(c)), since=int((END - c.date.max()).days))",
       figs=[('spend', 'customer 22279 total spend'), ('since', 'days since last order (1998-03-15)', 0.0)],
       note='13 orders, last 1998-03-15.'),
  dict(q='他会不会流失', kind='model', tool='forecast_customer', check="dict()"),
 ]),
 dict(persona=KA, turns=[
  dict(q='去年花了2000以上 今年一单没下的有几个', kind='figure', period='1997-01-01..1998-06-30',
       check="s97 = per('1997-01-01','1997-12-31').groupby('cust').amt.sum()\nb98 = set(per('1998-01-01','1998-06-30').cust)\nbig = s97[s97 >= 2000]\nlost = big[~big.index.isin(b98)]\ndict(n=int(len(lost)), n_big=int(len(big)), spend97=round(float(lost.sum()),2), ids=','.join(str(i) for i in lost.index))",
       figs=[('n', 'customers with 1997 spend >= $2000 and no order in 1998', 0.0)],
       must_not=[('n_big', 'all customers with 1997 spend >= $2000 (unfiltered)')]),
  dict(q='他们去年一共花了多少', kind='figure', period='1997-01-01..1997-12-31',
       check="s97 = per('1997-01-01','1997-12-31').groupby('cust').amt.sum()\nb98 = set(per('1998-01-01','1998-06-30').cust)\nbig = s97[s97 >= 2000]\nlost = big[~big.index.isin(b98)]\ndict(spend97=round(float(lost.sum()),2), big97=round(float(big.sum()),2))",
       figs=[('spend97', '1997 spend of those customers')], must_not=[('big97', '1997 spend of all >= $2000 customers')]),
 ]),
 dict(persona=KA, turns=[
  dict(q='买过10次以上的客户有多少 贡献了多少流水', kind='figure', period='1997-01-01..1998-06-30',
       check="pdn = df.groupby('cust').date.nunique()\nids = pdn[pdn >= 10].index\ndict(n=int(len(ids)), rev=round(float(df[df.cust.isin(ids)].amt.sum()),2), n_gt10=int((pdn > 10).sum()))",
       figs=[('n', 'customers with >= 10 purchase days (all time)'), ('rev', 'their all-time revenue')],
       note='"10次以上" read as >= 10 purchase days (strictly more than 10 purchase days: 892 = n_gt10; >= 10 order lines: 1,154); the >= 10 purchase-day reading is expected, another stated reading should be judged by hand.'),
  dict(q='占总营收多少', kind='figure', period='1997-01-01..1998-06-30',
       check="pdn = df.groupby('cust').date.nunique()\nids = pdn[pdn >= 10].index\ndict(share=round(float(df[df.cust.isin(ids)].amt.sum() / df.amt.sum()),4))",
       figs=[('share', 'their share of all-time revenue')]),
  dict(q='一般第一次买完多久会买第二次', kind='figure', period='1997-01-01..1998-06-30',
       check="p = df[['cust','date']].drop_duplicates().sort_values(['cust','date'])\np['r'] = p.groupby('cust').cumcount()\nf = p[p.r == 0].set_index('cust').date\ns = p[p.r == 1].set_index('cust').date\ng = (s - f.loc[s.index]).dt.days\ndict(median=float(g.median()), mean=round(float(g.mean()),1), n2=int(len(g)))",
       figs=[('median', 'median days first-to-second purchase (all customers with a 2nd purchase day)', 0.02), ('mean', 'mean days first-to-second purchase', 0.01)],
       note='Topic switches back to all customers (not just the 10+ group).'),
 ]),
 dict(persona=KA, turns=[
  dict(q='7931的客户经理是谁 他今年买了多少', kind='partial', period='1998-01-01..1998-06-30',
       check="c = cust(7931)\ndict(spend98=round(float(c[c.date >= pd.Timestamp('1998-01-01')].amt.sum()),2), spend_all=round(float(c.amt.sum()),2))",
       figs=[('spend98', 'customer 07931 spend in 1998')], must_not=[('spend_all', 'customer 07931 all-time spend')],
       note='No salesperson/account-owner data.'),
  dict(q='15162呢 都买的啥碟 一共买了多少张', kind='partial', period='1997-01-01..1998-06-30',
       check="c = cust(15162)\ndict(units=int(c.units.sum()), spend=round(float(c.amt.sum()),2))",
       figs=[('units', 'customer 15162 total units (CDs)', 0.0)],
       note='No product data: must say it cannot tell which CDs.'),
 ]),
 dict(persona=KA, turns=[
  dict(q='给16517发张优惠券 他最近还买吗', kind='refusal',
       check="c = cust(16517)\ndict(since=int((END - c.date.max()).days), spend=round(float(c.amt.sum()),2))",
       figs=[('since', 'days since last order of 16517 (1998-06-24)', 0.0)],
       note='Cannot push coupons; still answer: last order 1998-06-24, i.e. 6 days before now.'),
 ]),
 dict(persona=KA, turns=[
  dict(q='今年前十大客户一共买了多少', kind='figure', period='1998-01-01..1998-06-30',
       check="s = per('1998-01-01','1998-06-30').groupby('cust').amt.sum().sort_values(ascending=False).head(10)\nsa = df.groupby('cust').amt.sum().sort_values(ascending=False).head(10)\ndict(top10=round(float(s.sum()),2), top10_all=round(float(sa.sum()),2))",
       figs=[('top10', '1998 spend of the top 10 customers by 1998 spend')],
       must_not=[('top10_all', 'all-time spend of the all-time top 10')]),
  dict(q='占今年营收多少', kind='figure', period='1998-01-01..1998-06-30',
       check="d = per('1998-01-01','1998-06-30')\ns = d.groupby('cust').amt.sum().sort_values(ascending=False).head(10)\ndict(share=round(float(s.sum() / d.amt.sum()),4))",
       figs=[('share', 'their share of 1998 revenue')]),
 ]),
 dict(persona=KA, turns=[
  dict(q='7592和14048今年谁买得多', kind='figure', period='1998-01-01..1998-06-30',
       check="d = per('1998-01-01','1998-06-30')\nc = df.groupby('cust').amt.sum()\ndict(a=round(float(d[d.cust == 7592].amt.sum()),2), b=round(float(d[d.cust == 14048].amt.sum()),2), a_all=round(float(c[7592]),2), b_all=round(float(c[14048]),2))",
       figs=[('a', '07592 spend 1998'), ('b', '14048 spend 1998')],
       must_not=[('a_all', '07592 all-time spend'), ('b_all', '14048 all-time spend')]),
  dict(q='14048平时一单多少钱 比整体平均高不高', kind='figure', period='1997-01-01..1998-06-30',
       check="c = cust(14048)\ndict(aov=round(float(c.amt.sum() / len(c)),2), avg=round(float(df.amt.sum() / len(df)),2))",
       figs=[('aov', 'AOV of 14048 (all time)'), ('avg', 'overall AOV (all time)')],
       note='平时 = no period: all-time AOV for both (documented AOV = revenue / order lines).'),
 ]),
]

def run(code, env):
    lines = code.rstrip('\n').split('\n')
    body, last = '\n'.join(lines[:-1]), lines[-1]
    loc = dict(env)
    exec(body, loc)
    return eval(last, loc)

def native(v):
    if hasattr(v, 'item'):
        v = v.item()
    return v

def build():
    env = {}
    exec(PRELUDE, env)
    items = []
    nturn = 0
    for i, it in enumerate(ITEMS, 1):
        turns = []
        for t in it['turns']:
            nturn += 1
            res = run(t['check'], env)
            exp = {'kind': t['kind']}
            if t.get('tool'):
                exp['tool'] = t['tool']
            if t.get('figs'):
                exp['figures'] = []
                for f in t['figs']:
                    name, what = f[0], f[1]
                    tol = f[2] if len(f) > 2 else 0.005
                    exp['figures'].append({'value': native(res[name]), 'rel_tol': tol, 'what': f'[{name}] {what}'})
            if t.get('must_not'):
                exp['must_not'] = []
                for name, what in t['must_not']:
                    if name not in res:
                        raise KeyError(name)
                    exp['must_not'].append({'value': native(res[name]), 'rel_tol': 0.005, 'what': f'[{name}] {what}'})
            if t.get('period'):
                exp['period'] = t['period']
            turn = {'q': t['q'], 'expect': exp, 'check': t['check'] + '\n'}
            if t.get('note'):
                turn['note'] = t['note']
            turns.append(turn)
        items.append({'id': f'z2-{i:03d}', 'persona': it['persona'], 'turns': turns})
    doc = {'writer': 'z2 (outside evaluator; wrote without seeing the product code, tests, prompts or other sets) — personas: '
                     '(1) 小公司老板/创始人, 微信式口语短句, 有时夹带动作请求; (2) 大客户销售, 按客户 id 问历史、复购、流失、大客户',
           'data_end': '1998-06-30', 'check_prelude': PRELUDE.lstrip('\n'), 'items': items}
    return doc, nturn

def verify(path):
    doc = yaml.safe_load(open(path, encoding='utf-8'))
    env = {}
    exec(doc['check_prelude'], env)
    n = 0; kinds = {}
    for it in doc['items']:
        for t in it['turns']:
            n += 1
            e = t['expect']; kinds[e['kind']] = kinds.get(e['kind'], 0) + 1
            res = run(t['check'], env)
            assert isinstance(res, dict)
            for key in ('figures', 'must_not'):
                for f in e.get(key, []):
                    name = f['what'][1:f['what'].index(']')]
                    v = res[name]
                    assert v == f['value'], (it['id'], name, v, f['value'])
            if e['kind'] == 'figure':
                assert e.get('figures'), it['id']
            # a must_not figure must not be within tolerance of a required figure
            for mn in e.get('must_not', []):
                for f in e.get('figures', []):
                    if isinstance(f['value'], (int, float)) and f['value'] != 0:
                        assert abs(mn['value'] / f['value'] - 1) > 0.01, (it['id'], mn, f)
    return len(doc['items']), n, kinds

if __name__ == '__main__':
    out = '/tmp/team/z2/set_z2.yaml'
    doc, _ = build()
    class D(yaml.SafeDumper):
        pass
    def str_rep(d, s):
        if '\n' in s:
            return d.represent_scalar('tag:yaml.org,2002:str', s, style='|')
        return d.represent_scalar('tag:yaml.org,2002:str', s)
    D.add_representer(str, str_rep)
    with open(out, 'w', encoding='utf-8') as fh:
        yaml.dump(doc, fh, Dumper=D, allow_unicode=True, sort_keys=False, width=200)
    convs, turns, kinds = verify(out)
    print('OK', out, 'conversations', convs, 'turns', turns, 'kinds', kinds)
