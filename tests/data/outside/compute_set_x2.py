#!/usr/bin/env python
"""x2 question set: computes every figure from the raw CDNOW file, writes set_x2.yaml,
then reloads the YAML, re-runs every check after the prelude and asserts the expected values."""
import os, sys, math, yaml, textwrap

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, 'set_x2.yaml')

PRELUDE = textwrap.dedent('''\
import pandas as pd, numpy as np
F = '/tmp/team/CDNOW_master.txt'
df = pd.read_csv(F, sep=r'\\s+', header=0, names=['cust', 'date', 'units', 'amt'], dtype={'date': str})
df['date'] = pd.to_datetime(df['date'], format='%Y%m%d')
df['cust'] = df['cust'].astype(int)
END = pd.Timestamp('1998-06-30')
def per(a, b):
    return df[(df.date >= pd.Timestamp(a)) & (df.date <= pd.Timestamp(b))]
FIRST = df.groupby('cust').date.min()          # first-ever order date per customer
LAST = df.groupby('cust').date.max()           # last order date per customer
TOTAL = df.groupby('cust').amt.sum()           # all-time spend per customer
def rev(d): return round(float(d.amt.sum()), 2)
def aov(d): return round(float(d.amt.sum()) / len(d), 4)
def upo(d): return round(float(d.units.sum()) / len(d), 4)
def rpb(d): return round(float(d.amt.sum()) / d.cust.nunique(), 4)
def pdays(d):  # purchase days per customer (distinct customer-date)
    return d[['cust', 'date']].drop_duplicates().groupby('cust').size()
def repeat_rate(d): return round(float((pdays(d) >= 2).mean()), 6)
def chg(new, old): return round(float(new) / float(old) - 1, 6)
def share(a, b): return round(float(a) / float(b), 6)
def inactive(n): return set(LAST[(END - LAST).dt.days >= n].index)
def gaps():  # days between consecutive purchase days of the same customer
    p = df[['cust', 'date']].drop_duplicates().sort_values(['cust', 'date'])
    return p.groupby('cust').date.diff().dropna().dt.days
''')

P = 'period'
# figure spec: (key, description) ; share keys get a looser rel_tol so a 1-decimal percentage passes
SHARE_KEYS = set()

def F(key, what, share=False):
    return (key, what, share)

W = 'x2 (outside evaluator; wrote without seeing the product code, tests, prompts or other sets) — personas: 集团CEO助理(周报一句话数字/同比环比/今年以来), 会员中心主管(分层/高价值流失/唤醒), 语音输入的区域经理(口语/中文数字/同音错字), Singapore finance controller (中英混杂: quarterly revenue, run-rate, AOV, YTD), 新来的运营实习生(基础问题)'

CEO = '集团CEO助理，准备CEO周报'
VIP = '会员中心主管'
VOICE = '区域经理，手机语音输入'
SG = 'Singapore-based finance controller (中英混用)'
INTERN = '新来的运营实习生'

ITEMS = [
# ---------------------------------------------------------------- CEO assistant
dict(id='x2-001', persona=CEO, turns=[
  dict(q='帮我写一句给老板的话：今年以来销售额一共多少，跟去年同期比涨了还是跌了，幅度多少？',
       kind='figure', period='1998-01-01..1998-06-30',
       check="a = per('1998-01-01', '1998-06-30'); b = per('1997-01-01', '1997-06-30')\n"
             "dict(ytd98=rev(a), ytd97=rev(b), yoy=chg(a.amt.sum(), b.amt.sum()), y97=rev(per('1997-01-01', '1997-12-31')), all=rev(df))",
       figs=[F('ytd98', 'revenue 1998-01-01..06-30 (今年以来)'), F('ytd97', 'revenue 1997-01-01..06-30 (去年同期)'),
             F('yoy', 'YoY relative change', True)],
       must_not=[F('y97', 'full-year 1997 revenue (wrong comparison base)'), F('all', 'all-time revenue')],
       note='今年以来 = 1998-01-01..1998-06-30 (data end); 去年同期 = 1997-01-01..1997-06-30, not full 1997.'),
  dict(q='订单数和购买客户数也按同样口径给个同比',
       kind='figure', period='1998-01-01..1998-06-30',
       check="a = per('1998-01-01', '1998-06-30'); b = per('1997-01-01', '1997-06-30')\n"
             "dict(ord98=len(a), ord97=len(b), ord_yoy=chg(len(a), len(b)), buy98=a.cust.nunique(), buy97=b.cust.nunique(), buy_yoy=chg(a.cust.nunique(), b.cust.nunique()), ord_y97=len(per('1997-01-01', '1997-12-31')))",
       figs=[F('ord98', 'order lines 1998 H1'), F('ord97', 'order lines 1997 H1'), F('ord_yoy', 'orders YoY change', True),
             F('buy98', 'distinct buyers 1998 H1'), F('buy97', 'distinct buyers 1997 H1'), F('buy_yoy', 'buyers YoY change', True)],
       must_not=[F('ord_y97', 'full-year 1997 order lines (wrong base)')]),
]),
dict(id='x2-002', persona=CEO, turns=[
  dict(q='本月销售额多少？环比上月、同比去年6月分别是多少？',
       kind='figure', period='1998-06-01..1998-06-30',
       check="m = per('1998-06-01', '1998-06-30'); p = per('1998-05-01', '1998-05-31'); y = per('1997-06-01', '1997-06-30')\n"
             "dict(jun98=rev(m), may98=rev(p), mom=chg(m.amt.sum(), p.amt.sum()), jun97=rev(y), yoy=chg(m.amt.sum(), y.amt.sum()), h1=rev(per('1998-01-01', '1998-06-30')))",
       figs=[F('jun98', 'revenue 1998-06'), F('may98', 'revenue 1998-05 (MoM base)'), F('mom', 'MoM change', True),
             F('jun97', 'revenue 1997-06 (YoY base)'), F('yoy', 'YoY change', True)],
       must_not=[F('h1', '1998 H1 revenue (wrong scope for 本月)')]),
  dict(q='那上周呢？上周营收和单量多少，比前一周怎么样？',
       kind='figure', period='1998-06-22..1998-06-28',
       check="w = per('1998-06-22', '1998-06-28'); v = per('1998-06-15', '1998-06-21')\n"
             "dict(rev_w=rev(w), ord_w=len(w), rev_prev=rev(v), ord_prev=len(v), rev_chg=chg(w.amt.sum(), v.amt.sum()), ord_chg=chg(len(w), len(v)), rev_last7=rev(per('1998-06-24', '1998-06-30')))",
       figs=[F('rev_w', 'revenue week 1998-06-22..28'), F('ord_w', 'order lines week 1998-06-22..28'),
             F('rev_prev', 'revenue week 1998-06-15..21'), F('ord_prev', 'order lines week 1998-06-15..21'),
             F('rev_chg', 'revenue WoW change', True), F('ord_chg', 'orders WoW change', True)],
       must_not=[F('rev_last7', 'revenue of the last 7 days 06-24..06-30 (not 上周)')],
       note='上周 = ISO week before the one containing 1998-06-30, i.e. Mon 1998-06-22..Sun 06-28.'),
]),
dict(id='x2-003', persona=CEO, turns=[
  dict(q='CEO想看今年每个月的销售额走势，哪个月最高、哪个月最低？',
       kind='figure', period='1998-01-01..1998-06-30',
       check="a = per('1998-01-01', '1998-06-30'); m = a.groupby(a.date.dt.month).amt.sum().round(2)\n"
             "dict(**{f'm{k:02d}': float(v) for k, v in m.items()}, best=float(m.max()), worst=float(m.min()), best_m=int(m.idxmax()), worst_m=int(m.idxmin()))",
       figs=[F('m01', 'revenue 1998-01'), F('m02', 'revenue 1998-02'), F('m03', 'revenue 1998-03 (highest)'),
             F('m04', 'revenue 1998-04 (lowest)'), F('m05', 'revenue 1998-05'), F('m06', 'revenue 1998-06')],
       note='Highest = 1998-03, lowest = 1998-04.'),
  dict(q='今年有哪几个月单量超过2000单？',
       kind='figure', period='1998-01-01..1998-06-30',
       check="a = per('1998-01-01', '1998-06-30'); m = a.groupby(a.date.dt.month).size()\n"
             "dict(n_months=int((m > 2000).sum()), o01=int(m[1]), o02=int(m[2]), o03=int(m[3]), o06=int(m[6]), months=[int(k) for k in m[m > 2000].index])",
       figs=[F('n_months', 'number of 1998 months with > 2000 order lines (Jan, Feb, Mar, Jun)'), F('o01', 'order lines 1998-01'),
             F('o02', 'order lines 1998-02'), F('o03', 'order lines 1998-03'), F('o06', 'order lines 1998-06')],
       note='April (1878) and May (1985) are under 2000.'),
  dict(q='今年上半年一周里哪天下单最多？',
       kind='figure', period='1998-01-01..1998-06-30',
       check="a = per('1998-01-01', '1998-06-30'); w = a.groupby(a.date.dt.weekday).size()\n"
             "dict(top_wd=int(w.idxmax()), top_orders=int(w.max()), low_orders=int(w.min()), low_wd=int(w.idxmin()))",
       figs=[F('top_orders', 'order lines on Mondays in 1998 H1 (weekday 0 = Monday is the top)')],
       note='Monday (1927 order lines) is the busiest weekday, Saturday the lowest (1708).'),
]),
dict(id='x2-004', persona=CEO, turns=[
  dict(q='今年新客户来了多少？新客贡献的销售额占比多少？',
       kind='figure', period='1998-01-01..1998-06-30',
       check="a = per('1998-01-01', '1998-06-30'); new = FIRST[(FIRST >= '1998-01-01') & (FIRST <= '1998-06-30')].index\n"
             "dict(new98=len(new), rev_new=rev(a[a.cust.isin(new)]), ret_buyers=int(a[~a.cust.isin(new)].cust.nunique()), ret_rev=rev(a[~a.cust.isin(new)]), buyers98=int(a.cust.nunique()))",
       figs=[F('new98', 'new customers (first-ever order in 1998): 0, so new-customer revenue share is 0')],
       note='Every customer in the data made the first order in 1997-01..1997-03, so 1998 has 0 new customers and new-customer revenue share 0; an answer must not invent new customers (e.g. call all 5374 buyers new).'),
  dict(q='那最后一批新客是哪个月进来的？有多少人？',
       kind='figure',
       check="c = FIRST.dt.to_period('M').value_counts().sort_index()\n"
             "dict(last_cohort=str(c.index[-1]), last_size=int(c.iloc[-1]), last_first_date=str(FIRST.max().date()), all=len(FIRST))",
       figs=[F('last_size', 'customers with first order in 1997-03 (the last month with new customers)')],
       must_not=[F('all', 'all customers 23570')],
       note='Last cohort = 1997-03; the last first-ever order is on 1997-03-25.'),
]),
dict(id='x2-005', persona=CEO, turns=[
  dict(q='最近30天成交客户数和单量，一句话版本',
       kind='figure', period='1998-06-01..1998-06-30',
       check="a = per('1998-06-01', '1998-06-30')\n"
             "dict(buyers=int(a.cust.nunique()), orders=len(a), buyers_q2=int(per('1998-04-01', '1998-06-30').cust.nunique()))",
       figs=[F('buyers', 'distinct buyers 1998-06-01..06-30'), F('orders', 'order lines 1998-06-01..06-30')],
       must_not=[F('buyers_q2', 'buyers of the last 3 months')],
       note='最近30天 = 30 days ending 1998-06-30 inclusive = 1998-06-01..06-30.'),
  dict(q='跟再往前30天比呢？',
       kind='figure', period='1998-05-02..1998-05-31',
       check="a = per('1998-06-01', '1998-06-30'); b = per('1998-05-02', '1998-05-31')\n"
             "dict(buyers_prev=int(b.cust.nunique()), orders_prev=len(b), buyers_chg=chg(a.cust.nunique(), b.cust.nunique()), orders_chg=chg(len(a), len(b)))",
       figs=[F('buyers_prev', 'distinct buyers 1998-05-02..05-31'), F('orders_prev', 'order lines 1998-05-02..05-31'),
             F('buyers_chg', 'buyers change vs previous 30 days', True), F('orders_chg', 'orders change vs previous 30 days', True)],
       note='再往前30天 = the 30 days before 1998-06-01, i.e. 1998-05-02..05-31 (not calendar May).'),
]),
dict(id='x2-006', persona=CEO, turns=[
  dict(q='今年上半年营收、订单数、客单价分别多少？整理好以后直接发邮件给CEO办公室',
       kind='refusal', period='1998-01-01..1998-06-30',
       check="a = per('1998-01-01', '1998-06-30')\n"
             "dict(rev=rev(a), orders=len(a), aov=aov(a), aov_all=aov(df))",
       figs=[F('rev', 'revenue 1998 H1'), F('orders', 'order lines 1998 H1'), F('aov', 'AOV 1998 H1')],
       must_not=[F('aov_all', 'all-time AOV')],
       note='Cannot send e-mail; should still give the three figures.'),
]),
# ---------------------------------------------------------------- membership lead
dict(id='x2-007', persona=VIP, turns=[
  dict(q='现在会员是怎么分层的？每一层多少人，贡献多少钱？', kind='model', tool='list_segments'),
  dict(q='最高价值那层里，最近有流失苗头的是哪些人？先给我前10个', kind='model', tool='at_risk_customers'),
]),
dict(id='x2-008', persona=VIP, turns=[
  dict(q='累计消费金额排前10%的客户，一共贡献了多少销售额？占全部的比例是多少？',
       kind='figure',
       check="top = TOTAL.sort_values(ascending=False).head(int(round(len(TOTAL) * 0.1)))\n"
             "dict(n_top=len(top), rev_top=round(float(top.sum()), 2), share_top=share(top.sum(), TOTAL.sum()), all=rev(df))",
       figs=[F('n_top', 'customers in the top 10% (2357)'), F('rev_top', 'all-time revenue of the top 10%'),
             F('share_top', 'their share of all-time revenue', True)],
       note='Top 10% of 23570 customers by all-time spend = 2357 customers (no tie at the cut).'),
  dict(q='这批人里已经180天以上没下单的有多少？',
       kind='figure',
       check="top = set(TOTAL.sort_values(ascending=False).head(int(round(len(TOTAL) * 0.1))).index)\n"
             "dict(top_inactive=len(top & inactive(180)), top_inactive_share=share(len(top & inactive(180)), len(top)), all_inactive=len(inactive(180)))",
       figs=[F('top_inactive', 'top-10% spenders whose last order is >= 180 days before 1998-06-30')],
       must_not=[F('all_inactive', 'all customers inactive 180+ days (unfiltered)')]),
  dict(q='他们当中今年还买过的，今年人均花了多少？',
       kind='figure', period='1998-01-01..1998-06-30',
       check="top = set(TOTAL.sort_values(ascending=False).head(int(round(len(TOTAL) * 0.1))).index); a = per('1998-01-01', '1998-06-30')\n"
             "t = a[a.cust.isin(top)]\n"
             "dict(top_buyers98=int(t.cust.nunique()), top_rpb98=rpb(t), top_rev98=rev(t), all_rpb98=rpb(a))",
       figs=[F('top_buyers98', 'top-10% spenders with an order in 1998 H1'), F('top_rpb98', '1998 H1 revenue per buyer among them')],
       must_not=[F('all_rpb98', '1998 H1 revenue per buyer of all buyers (unfiltered)')]),
]),
dict(id='x2-009', persona=VIP, turns=[
  dict(q='去年买过、今年到现在一单都没下的客户有多少？',
       kind='figure',
       check="b97 = set(per('1997-01-01', '1997-12-31').cust); b98 = set(per('1998-01-01', '1998-06-30').cust)\n"
             "dict(lapsed=len(b97 - b98), share=share(len(b97 - b98), len(b97)), buyers97=len(b97))",
       figs=[F('lapsed', 'customers with an order in 1997 and none in 1998-01..06')],
       must_not=[F('buyers97', 'all 1997 buyers')]),
  dict(q='其中去年消费超过500块的有几个？',
       kind='figure',
       check="y97 = per('1997-01-01', '1997-12-31'); s = y97.groupby('cust').amt.sum(); b98 = set(per('1998-01-01', '1998-06-30').cust)\n"
             "big = set(s[s > 500].index)\n"
             "dict(lapsed_big=len(big - b98), big_all=len(big))",
       figs=[F('lapsed_big', 'of those, 1997 spend > $500')],
       must_not=[F('big_all', 'all customers with 1997 spend > $500 (ignoring not-bought-in-1998)')],
       note='No customer has exactly $500.00 in 1997, so > and >= agree.'),
  dict(q='好，把这批人都打上“待唤醒”标签，下周我们做召回', kind='refusal',
       note='Cannot tag customers; read-only.'),
]),
dict(id='x2-010', persona=VIP, turns=[
  dict(q='今年上半年的复购率多少？跟去年上半年比是高了还是低了？',
       kind='figure', period='1998-01-01..1998-06-30',
       check="a = per('1998-01-01', '1998-06-30'); b = per('1997-01-01', '1997-06-30')\n"
             "dict(rr98=repeat_rate(a), rr97h1=repeat_rate(b), rr97=repeat_rate(per('1997-01-01', '1997-12-31')), rr_all=repeat_rate(df))",
       figs=[F('rr98', 'repeat rate 1998 H1 (share of buyers with >= 2 purchase days)', True),
             F('rr97h1', 'repeat rate 1997 H1', True)],
       must_not=[F('rr97', 'repeat rate full-year 1997', True)]),
  dict(q='只看今年上半年买了3次及以上的那些客户，他们的客单价是多少？',
       kind='figure', period='1998-01-01..1998-06-30',
       check="a = per('1998-01-01', '1998-06-30'); p = pdays(a); c = set(p[p >= 3].index); t = a[a.cust.isin(c)]\n"
             "dict(n=len(c), aov3=aov(t), aov_all98=aov(a), n_lines=int((a.groupby('cust').size() >= 3).sum()))",
       figs=[F('n', 'customers with >= 3 purchase days in 1998 H1'), F('aov3', 'their 1998 H1 AOV (revenue / order lines)')],
       must_not=[F('aov_all98', '1998 H1 AOV of all buyers (unfiltered)')],
       note='买了3次 = purchase days (distinct dates), not order lines.'),
]),
dict(id='x2-011', persona=VIP, turns=[
  dict(q='超过一年没来买的沉睡客户有多少？占全部客户的多少？',
       kind='figure',
       check="s = inactive(365)\n"
             "dict(sleep=len(s), sleep_share=share(len(s), len(LAST)), sleep_spend=round(float(TOTAL[list(s)].sum()), 2))",
       figs=[F('sleep', 'customers whose last order is >= 365 days before 1998-06-30'), F('sleep_share', 'share of all 23570 customers', True)],
       note='一年 = 365 days.'),
  dict(q='这些人当初一共在我们这花了多少钱？顺便给他们每人推一张20元唤醒券',
       kind='refusal',
       check="s = inactive(365)\n"
             "dict(sleep_spend=round(float(TOTAL[list(s)].sum()), 2), all=rev(df))",
       figs=[F('sleep_spend', 'all-time spend of the 365+ day inactive customers')],
       must_not=[F('all', 'all-time revenue of everyone')],
       note='Cannot push coupons; should answer the spend question.'),
]),
dict(id='x2-012', persona=VIP, turns=[
  dict(q='按累计购买次数看，只买过1次、买过2到3次、4次及以上的客户各有多少人？',
       kind='figure',
       check="p = pdays(df); l = df.groupby('cust').size()\n"
             "dict(once=int((p == 1).sum()), two_three=int(((p >= 2) & (p <= 3)).sum()), four_plus=int((p >= 4).sum()), lines_once=int((l == 1).sum()), lines_four_plus=int((l >= 4).sum()))",
       figs=[F('once', 'customers with exactly 1 purchase day (all time)'), F('two_three', 'customers with 2-3 purchase days'),
             F('four_plus', 'customers with >= 4 purchase days')],
       must_not=[F('lines_once', 'customers with exactly 1 order line (lines, not purchase days)'),
                 F('lines_four_plus', 'customers with >= 4 order lines')],
       note='购买次数 = purchase days (distinct dates).'),
  dict(q='4次及以上这群人，人均累计消费多少？',
       kind='figure',
       check="p = pdays(df); c = p[p >= 4].index\n"
             "dict(rpb4=round(float(TOTAL[c].mean()), 4), rpb_all=round(float(TOTAL.mean()), 4))",
       figs=[F('rpb4', 'mean all-time spend of customers with >= 4 purchase days')],
       must_not=[F('rpb_all', 'mean all-time spend of all customers')]),
]),
dict(id='x2-013', persona=VIP, turns=[
  dict(q='给过差评的客户，后来还有多少回来下单的？', kind='model', tool='feedback_followup'),
  dict(q='高价值客户对我们的评价整体怎么样？好评差评各占多少', kind='model', tool='sentiment_summary'),
]),
dict(id='x2-014', persona=VIP, turns=[
  dict(q='累计消费最多的前5位客户是谁？各花了多少？',
       kind='figure',
       check="t = TOTAL.sort_values(ascending=False).head(5)\n"
             "dict(**{f'c{int(k)}': round(float(v), 2) for k, v in t.items()})",
       figs=[F('c7592', 'customer 07592 all-time spend (#1)'), F('c14048', 'customer 14048 (#2)'), F('c7983', 'customer 07983 (#3)'),
             F('c19339', 'customer 19339 (#4)'), F('c7931', 'customer 07931 (#5)')]),
  dict(q='第一名为什么被分在现在这个层级？', kind='model', tool='explain_customer_segment',
       check="d = df[df.cust == 7592]\n"
             "dict(spend=rev(d), days=int(pdays(d).iloc[0]), lines=len(d), last=str(d.date.max().date()))",
       figs=[F('spend', 'customer 07592 all-time spend (if stated)')],
       note='第一名 = customer 07592 from the previous turn (201 order lines, 146 purchase days, last order 1998-06-29); the spend figure applies only if the answer states it.'),
  dict(q='他未来12周的客户价值大概多少？', kind='model', tool='customer_value'),
]),
# ---------------------------------------------------------------- voice-input regional manager
dict(id='x2-015', persona=VOICE, turns=[
  dict(q='帮我查一下九八年五月份的销手额是多少',
       kind='figure', period='1998-05-01..1998-05-31',
       check="dict(may98=rev(per('1998-05-01', '1998-05-31')), may97=rev(per('1997-05-01', '1997-05-31')), jun98=rev(per('1998-06-01', '1998-06-30')))",
       figs=[F('may98', 'revenue 1998-05')],
       must_not=[F('may97', 'revenue 1997-05'), F('jun98', 'revenue 1998-06')],
       note='销手额 = 销售额 (voice typo).'),
  dict(q='跟九七年五月比 同比掉了多少',
       kind='figure', period='1998-05-01..1998-05-31',
       check="a = per('1998-05-01', '1998-05-31'); b = per('1997-05-01', '1997-05-31')\n"
             "dict(may97=rev(b), yoy=chg(a.amt.sum(), b.amt.sum()), diff=round(float(a.amt.sum() - b.amt.sum()), 2))",
       figs=[F('may97', 'revenue 1997-05'), F('yoy', 'YoY relative change 1998-05 vs 1997-05', True)]),
  dict(q='九八年一到三月份 总共卖出去多少张碟 多少个客人买了',
       kind='figure', period='1998-01-01..1998-03-31',
       check="a = per('1998-01-01', '1998-03-31')\n"
             "dict(units=int(a.units.sum()), buyers=int(a.cust.nunique()), units97q1=int(per('1997-01-01', '1997-03-31').units.sum()))",
       figs=[F('units', 'units (CDs) 1998 Q1'), F('buyers', 'distinct buyers 1998 Q1')],
       must_not=[F('units97q1', 'units 1997 Q1')]),
]),
dict(id='x2-016', persona=VOICE, turns=[
  dict(q='我们华东区上个月卖了多少钱 跟华南区比哪个好一点',
       kind='partial', period='1998-05-01..1998-05-31',
       check="dict(may98=rev(per('1998-05-01', '1998-05-31')), jun98=rev(per('1998-06-01', '1998-06-30')))",
       figs=[F('may98', 'total revenue 1998-05 (上个月), company-wide')],
       must_not=[F('jun98', 'revenue 1998-06 (this month, not 上个月)')],
       note='No region data: must say 华东/华南 cannot be split; may give the company-wide May figure.'),
]),
dict(id='x2-017', persona=VOICE, turns=[
  dict(q='客户二六六四 最后一次买东西是哪天 一共花了多少钱',
       kind='figure',
       check="d = df[df.cust == 2664]\n"
             "dict(spend=rev(d), last=str(d.date.max().date()), days_since=int((END - d.date.max()).days), lines=len(d))",
       figs=[F('spend', 'customer 02664 all-time spend')],
       note='Last purchase 1998-06-11 (19 days before data end).'),
  dict(q='他下个月还会不会来买 流失风险高不高', kind='model', tool='forecast_customer'),
]),
dict(id='x2-018', persona=VOICE, turns=[
  dict(q='九七年三月份第一次来买的那批客人 到第三个月还有多少在买 流存率多少',
       kind='figure',
       check="c = FIRST[FIRST.dt.to_period('M') == '1997-03'].index; a = set(per('1997-06-01', '1997-06-30').cust)\n"
             "dict(size=len(c), kept=len(set(c) & a), ret3=share(len(set(c) & a), len(c)))",
       figs=[F('kept', 'customers of the 1997-03 cohort with an order in 1997-06'), F('ret3', 'month-3 retention of the 1997-03 cohort', True)],
       note='流存率 = 留存率; month 3 after 1997-03 = 1997-06.'),
  dict(q='那一月份进来的那批呢 也是第三个月',
       kind='figure',
       check="c = FIRST[FIRST.dt.to_period('M') == '1997-01'].index; a = set(per('1997-04-01', '1997-04-30').cust)\n"
             "dict(size=len(c), kept=len(set(c) & a), ret3=share(len(set(c) & a), len(c)))",
       figs=[F('kept', 'customers of the 1997-01 cohort with an order in 1997-04'), F('ret3', 'month-3 retention of the 1997-01 cohort', True)]),
]),
dict(id='x2-019', persona=VOICE, turns=[
  dict(q='今年的课单价是多少',
       kind='figure', period='1998-01-01..1998-06-30',
       check="dict(aov98=aov(per('1998-01-01', '1998-06-30')), aov97=aov(per('1997-01-01', '1997-12-31')), aov_all=aov(df))",
       figs=[F('aov98', 'AOV 1998 H1 (revenue / order lines)')],
       must_not=[F('aov97', 'AOV 1997'), F('aov_all', 'all-time AOV')],
       note='课单价 = 客单价.'),
]),
dict(id='x2-020', persona=VOICE, turns=[
  dict(q='今年单笔超过一百块的订单有多少单',
       kind='figure', period='1998-01-01..1998-06-30',
       check="a = per('1998-01-01', '1998-06-30')\n"
             "dict(n100=int((a.amt > 100).sum()), n100_all=int((df.amt > 100).sum()), n100_ge=int((a.amt >= 100).sum()))",
       figs=[F('n100', 'order lines > $100 in 1998 H1')],
       must_not=[F('n100_all', 'order lines > $100 all time')]),
  dict(q='占今年总单量百分之几',
       kind='figure', period='1998-01-01..1998-06-30',
       check="a = per('1998-01-01', '1998-06-30')\n"
             "dict(total=len(a), sh=share((a.amt > 100).sum(), len(a)))",
       figs=[F('total', 'order lines 1998 H1'), F('sh', 'share of order lines > $100', True)]),
]),
dict(id='x2-021', persona=CEO, turns=[
  dict(q='本季度营收多少？能不能按线上和门店两个渠道拆开给老板看？',
       kind='partial', period='1998-04-01..1998-06-30',
       check="a = per('1998-04-01', '1998-06-30')\n"
             "dict(q2=rev(a), q1=rev(per('1998-01-01', '1998-03-31')), ytd=rev(per('1998-01-01', '1998-06-30')))",
       figs=[F('q2', 'revenue 1998 Q2 (本季度)')],
       must_not=[F('q1', 'revenue 1998 Q1 (上季度)'), F('ytd', 'revenue 1998 H1')],
       note='No channel data: must say the 线上/门店 split cannot be done; total Q2 revenue is answerable.'),
]),
# ---------------------------------------------------------------- Singapore finance controller
dict(id='x2-022', persona=SG, turns=[
  dict(q='Q1 1998 revenue 多少? YoY vs Q1 1997 呢?',
       kind='figure', period='1998-01-01..1998-03-31',
       check="a = per('1998-01-01', '1998-03-31'); b = per('1997-01-01', '1997-03-31')\n"
             "dict(q198=rev(a), q197=rev(b), yoy=chg(a.amt.sum(), b.amt.sum()), q298=rev(per('1998-04-01', '1998-06-30')))",
       figs=[F('q198', 'revenue 1998 Q1'), F('q197', 'revenue 1997 Q1'), F('yoy', 'YoY change', True)],
       must_not=[F('q298', 'revenue 1998 Q2')]),
  dict(q='AOV 也 compare 一下, same two quarters',
       kind='figure', period='1998-01-01..1998-03-31',
       check="a = per('1998-01-01', '1998-03-31'); b = per('1997-01-01', '1997-03-31')\n"
             "dict(aov198=aov(a), aov197=aov(b), aov_yoy=chg(aov(a), aov(b)))",
       figs=[F('aov198', 'AOV 1998 Q1'), F('aov197', 'AOV 1997 Q1'), F('aov_yoy', 'AOV YoY change', True)]),
]),
dict(id='x2-023', persona=SG, turns=[
  dict(q="What's our current revenue run-rate? 就用 Q2 (Apr-Jun) annualise",
       kind='figure', period='1998-04-01..1998-06-30',
       check="a = per('1998-04-01', '1998-06-30')\n"
             "dict(q2=rev(a), rr=round(float(a.amt.sum()) * 4, 2))",
       figs=[F('q2', 'revenue 1998 Q2'), F('rr', 'annualised run-rate = Q2 x 4')]),
  dict(q='如果用 YTD 的数字 annualise 呢?',
       kind='figure', period='1998-01-01..1998-06-30',
       check="a = per('1998-01-01', '1998-06-30')\n"
             "dict(ytd=rev(a), rr_ytd=round(float(a.amt.sum()) * 2, 2))",
       figs=[F('ytd', 'revenue 1998-01-01..06-30'), F('rr_ytd', 'annualised = YTD x 2 (6 months -> 12)')]),
  dict(q='And 1997 full year 月均 revenue 是多少? 对比今年月均',
       kind='figure', period='1997-01-01..1997-12-31',
       check="dict(mavg97=round(float(per('1997-01-01', '1997-12-31').amt.sum()) / 12, 2), mavg98=round(float(per('1998-01-01', '1998-06-30').amt.sum()) / 6, 2), y97=rev(per('1997-01-01', '1997-12-31')))",
       figs=[F('mavg97', 'monthly average revenue 1997 (/12)'), F('mavg98', 'monthly average revenue 1998 Jan-Jun (/6)')]),
]),
dict(id='x2-024', persona=SG, turns=[
  dict(q='YTD revenue per buyer and units per order, vs same period LY pls',
       kind='figure', period='1998-01-01..1998-06-30',
       check="a = per('1998-01-01', '1998-06-30'); b = per('1997-01-01', '1997-06-30')\n"
             "dict(rpb98=rpb(a), rpb97=rpb(b), upo98=upo(a), upo97=upo(b), rpb97fy=rpb(per('1997-01-01', '1997-12-31')))",
       figs=[F('rpb98', 'revenue per buyer 1998 H1'), F('rpb97', 'revenue per buyer 1997 H1'),
             F('upo98', 'units per order 1998 H1'), F('upo97', 'units per order 1997 H1')],
       must_not=[F('rpb97fy', 'revenue per buyer full-year 1997 (wrong base)')]),
]),
dict(id='x2-025', persona=SG, turns=[
  dict(q='Can you give me gross margin by quarter for 1997? 我要 reconcile 一下 P&L',
       kind='partial', period='1997-01-01..1997-12-31',
       check="a = per('1997-01-01', '1997-12-31'); q = a.groupby(a.date.dt.quarter).amt.sum().round(2)\n"
             "dict(**{f'q{k}': float(v) for k, v in q.items()})",
       figs=[F('q1', 'revenue 1997 Q1'), F('q2', 'revenue 1997 Q2'), F('q3', 'revenue 1997 Q3'), F('q4', 'revenue 1997 Q4')],
       note='No cost / margin data; quarterly revenue is the answerable part.'),
]),
dict(id='x2-026', persona=SG, turns=[
  dict(q='Export the 1998 monthly revenue table to Excel and email it to me, thanks', kind='refusal',
       note='Cannot export or e-mail.'),
  dict(q='OK then just list the 1998 monthly revenue here',
       kind='figure', period='1998-01-01..1998-06-30',
       check="a = per('1998-01-01', '1998-06-30'); m = a.groupby(a.date.dt.month).amt.sum().round(2)\n"
             "dict(**{f'm{k:02d}': float(v) for k, v in m.items()})",
       figs=[F('m01', 'revenue 1998-01'), F('m02', 'revenue 1998-02'), F('m03', 'revenue 1998-03'),
             F('m04', 'revenue 1998-04'), F('m05', 'revenue 1998-05'), F('m06', 'revenue 1998-06')]),
]),
dict(id='x2-027', persona=SG, turns=[
  dict(q='Revenue forecast for Q3 1998? 给个大概 number 就行', kind='model', tool='forecast_totals'),
  dict(q='What about just the 高价值 segment?', kind='model', tool='forecast_totals'),
]),
dict(id='x2-028', persona=SG, turns=[
  dict(q='Quarterly revenue from 1997 Q1 to 1998 Q2, with QoQ % for each quarter',
       kind='figure', period='1997-01-01..1998-06-30',
       check="q = df.groupby(df.date.dt.to_period('Q')).amt.sum()\n"
             "r = {str(k).lower(): round(float(v), 2) for k, v in q.items()}\n"
             "c = {('qoq_' + str(k).lower()): round(float(v), 6) for k, v in q.pct_change().dropna().items()}\n"
             "dict(**r, **c)",
       figs=[F('1997q1', 'revenue 1997 Q1'), F('1997q2', 'revenue 1997 Q2'), F('1997q3', 'revenue 1997 Q3'),
             F('1997q4', 'revenue 1997 Q4'), F('1998q1', 'revenue 1998 Q1'), F('1998q2', 'revenue 1998 Q2'),
             F('qoq_1997q2', 'QoQ 1997 Q2', True), F('qoq_1997q3', 'QoQ 1997 Q3', True), F('qoq_1997q4', 'QoQ 1997 Q4', True),
             F('qoq_1998q1', 'QoQ 1998 Q1', True), F('qoq_1998q2', 'QoQ 1998 Q2', True)]),
]),
# ---------------------------------------------------------------- intern
dict(id='x2-029', persona=INTERN, turns=[
  dict(q='请问我们一共有多少客户呀？数据是到哪天的？',
       kind='figure',
       check="dict(customers=int(df.cust.nunique()), start=str(df.date.min().date()), end=str(df.date.max().date()))",
       figs=[F('customers', 'distinct customers')],
       note='Data runs 1997-01-01..1998-06-30; the answer must give the end date 1998-06-30.'),
  dict(q='那总共有多少订单，总销售额多少？',
       kind='figure',
       check="dict(orders=len(df), revenue=rev(df), y97=rev(per('1997-01-01', '1997-12-31')))",
       figs=[F('orders', 'all order lines'), F('revenue', 'all-time revenue')],
       must_not=[F('y97', '1997 revenue only')]),
]),
dict(id='x2-030', persona=INTERN, turns=[
  dict(q='咱们这个分群和流失预测的模型准不准啊？是什么时候训练的？', kind='model', tool='assistant_status'),
]),
dict(id='x2-031', persona=INTERN, turns=[
  dict(q='复购率是怎么算的？去年整体的复购率是多少？',
       kind='figure', period='1997-01-01..1997-12-31',
       check="dict(rr97=repeat_rate(per('1997-01-01', '1997-12-31')), rr_all=repeat_rate(df), rr98=repeat_rate(per('1998-01-01', '1998-06-30')))",
       figs=[F('rr97', 'repeat rate 1997: share of 1997 buyers with >= 2 purchase days in 1997', True)],
       must_not=[F('rr_all', 'all-time repeat rate', True), F('rr98', '1998 repeat rate', True)]),
]),
dict(id='x2-032', persona=INTERN, turns=[
  dict(q='客户一般隔多久会再买一次？',
       kind='figure',
       check="g = gaps()\n"
             "dict(mean_gap=round(float(g.mean()), 2), median_gap=float(g.median()), n_gaps=len(g))",
       figs=[F('mean_gap', 'mean days between consecutive purchase days (all time)'), F('median_gap', 'median days between purchases')]),
  dict(q='那第一次买完到第二次买，平均隔几天？',
       kind='figure',
       check="p = df[['cust', 'date']].drop_duplicates().sort_values(['cust', 'date']); p['k'] = p.groupby('cust').cumcount()\n"
             "f = p[p.k == 0].set_index('cust').date; s = p[p.k == 1].set_index('cust').date; d = (s - f[s.index]).dt.days\n"
             "dict(mean_12=round(float(d.mean()), 2), median_12=float(d.median()), n=len(d))",
       figs=[F('mean_12', 'mean days from first to second purchase day'), F('median_12', 'median days first-to-second')]),
]),
dict(id='x2-033', persona=INTERN, turns=[
  dict(q='用户评价里大家主要在吐槽什么？', kind='model', tool='feedback_themes'),
  dict(q='有没有人提到发货慢、物流慢的？找几条原话给我看看', kind='model', tool='search_feedback'),
  dict(q='帮我判断下这条是好评还是差评：“物流太慢了等了一个星期，包装还压坏了，不过碟本身没问题”', kind='model', tool='analyze_sentiment'),
]),
dict(id='x2-034', persona=INTERN, turns=[
  dict(q='我们的客户男女比例大概多少？主要集中在哪些城市？一共有多少客户？',
       kind='partial',
       check="dict(customers=int(df.cust.nunique()))",
       figs=[F('customers', 'distinct customers')],
       note='No gender or city data; only the customer count is answerable.'),
]),
]

def relt(v, is_share):
    if is_share and v not in (0, None):
        return float(max(0.005, round(0.0006 / abs(v), 3)))
    return 0.005

def run_check(code):
    g = {}
    exec(PRELUDE, g)
    lines = code.rstrip('\n').split('\n')
    exec('\n'.join(lines[:-1]), g)
    return eval(lines[-1], g)

def build():
    items = []
    for it in ITEMS:
        turns = []
        for t in it['turns']:
            e = {'kind': t['kind']}
            if t['kind'] == 'model':
                e['tool'] = t['tool']
            res = run_check(t['check']) if 'check' in t else None
            if t.get('figs'):
                e['figures'] = [{'value': res[k], 'rel_tol': relt(res[k], sh), 'what': f'[{k}] {w}'} for k, w, sh in t['figs']]
            if t.get('must_not'):
                e['must_not'] = [{'value': res[k], 'rel_tol': relt(res[k], sh), 'what': f'[{k}] {w}'} for k, w, sh in t['must_not']]
            if t.get('period'):
                e['period'] = t['period']
            turn = {'q': t['q'], 'expect': e}
            if 'check' in t:
                turn['check'] = t['check'] + ('' if t['check'].endswith('\n') else '\n')
            if t.get('note'):
                turn['note'] = t['note']
            turns.append(turn)
        items.append({'id': it['id'], 'persona': it['persona'], 'turns': turns})
    return {'writer': W, 'data_end': '1998-06-30', 'check_prelude': PRELUDE, 'items': items}

class D(yaml.SafeDumper):
    pass
def _str(d, s):
    return d.represent_scalar('tag:yaml.org,2002:str', s, style='|' if '\n' in s else None)
D.add_representer(str, _str)

def verify(path):
    doc = yaml.safe_load(open(path, encoding='utf-8'))
    nconv = nturn = 0; kinds = {}
    for it in doc['items']:
        nconv += 1
        assert 1 <= len(it['turns']) <= 4, it['id']
        for t in it['turns']:
            nturn += 1
            e = t['expect']; kinds[e['kind']] = kinds.get(e['kind'], 0) + 1
            assert e['kind'] in ('figure', 'model', 'refusal', 'partial')
            if e['kind'] == 'figure':
                assert e.get('figures'), t['q']
            if e['kind'] == 'model':
                assert e.get('tool')
            if 'figures' in e or 'must_not' in e:
                g = {}
                exec(doc['check_prelude'], g)
                lines = t['check'].rstrip('\n').split('\n')
                exec('\n'.join(lines[:-1]), g)
                res = eval(lines[-1], g)
                for f in e.get('figures', []) + e.get('must_not', []):
                    k = f['what'][1:f['what'].index(']')]
                    assert res[k] == f['value'], (it['id'], k, res[k], f['value'])
                # a must_not figure must not be confusable with a required one
                for m in e.get('must_not', []):
                    for f in e.get('figures', []):
                        assert not math.isclose(m['value'], f['value'], rel_tol=max(m['rel_tol'], f['rel_tol'])), (it['id'], m, f)
    return nconv, nturn, kinds

if __name__ == '__main__':
    doc = build()
    with open(OUT, 'w', encoding='utf-8') as fh:
        yaml.dump(doc, fh, Dumper=D, allow_unicode=True, sort_keys=False, width=200)
    # independent spot checks of headline numbers (computed separately during exploration)
    g = {}; exec(PRELUDE, g); df = g['df']
    assert len(df) == 69659 and df.cust.nunique() == 23570 and round(df.amt.sum(), 2) == 2500315.63
    assert round(g['per']('1997-01-01', '1997-12-31').amt.sum(), 2) == 2024161.26
    assert round(g['per']('1998-06-01', '1998-06-30').amt.sum(), 2) == 76109.30
    assert g['FIRST'].max() == g['pd'].Timestamp('1997-03-25')
    nconv, nturn, kinds = verify(OUT)
    print(f'{OUT}: {nconv} conversations, {nturn} turns, kinds {kinds}')
