# -*- coding: utf-8 -*-
"""Builds and verifies /tmp/team/aj1/set_aj1.yaml.

Usage:  /tmp/team/venv/bin/python /tmp/team/aj1/compute_set_aj1.py          (build + verify)
        /tmp/team/venv/bin/python /tmp/team/aj1/compute_set_aj1.py verify   (verify the existing YAML only)

Every figure in the YAML is the output of the turn's `check:` run after `check_prelude`.
The verify step reloads the YAML with yaml.safe_load, re-runs every check and asserts that each
expected value equals what the check gives; it also runs independent cross-checks (different code
paths / hard-coded monthly totals) for a number of the key figures.
"""
import math
import sys

import yaml

OUT = '/tmp/team/aj1/set_aj1.yaml'

WRITER = ('aj1 (outside evaluator; wrote without seeing the product code, tests, prompts or other sets) — '
          'personas: 连锁音像店财务总监（月结/季结，精确日期区间、环比/同比、月均、占比、对预算的run-rate，数字异常时会再核一遍）; '
          '区域督导（路上用语音输入：无标点、同音错字、中文数字报客户号，问昨天/上周/单个客户/回访名单，偶尔让助手去办事）; '
          '新入职数据实习生（先问口径怎么定义，再问数）')

PRELUDE = r'''import pandas as pd, numpy as np
F = '/tmp/team/CDNOW_master.txt'
df = pd.read_csv(F, sep=r'\s+', header=0, names=['cust', 'date', 'units', 'amt'], dtype={'date': str})
df['date'] = pd.to_datetime(df['date'], format='%Y%m%d')
df['cust'] = df['cust'].astype(int)
NOW = pd.Timestamp('1998-06-30')
def per(a, b):
    return df[(df.date >= pd.Timestamp(a)) & (df.date <= pd.Timestamp(b))]
def r2(x):
    return round(float(x), 2)
def r4(x):
    return round(float(x), 4)
def rev(a, b):
    return r2(per(a, b).amt.sum())
def orders(a, b):
    return int(len(per(a, b)))
def buyers(a, b):
    return int(per(a, b).cust.nunique())
def aov(a, b):
    d = per(a, b)
    return r2(d.amt.sum() / len(d))
def pdays_in(a, b):
    # purchase days (distinct dates) per customer within [a, b]
    return per(a, b).groupby('cust').date.nunique()
def repeat_rate(a, b):
    return r4((pdays_in(a, b) >= 2).mean())
def chg(new, old):
    return r4(new / old - 1)
first = df.groupby('cust').date.min()
last = df.groupby('cust').date.max()
spend = df.groupby('cust').amt.sum()
pdays_all = df.groupby('cust').date.nunique()
inactive_days = (NOW - last).dt.days
PD = df[['cust', 'date']].drop_duplicates().sort_values(['cust', 'date'])
PD['gap'] = PD.groupby('cust').date.diff().dt.days
'''

P_CFO = '连锁音像店财务总监，做月结/季结（中文，夹英文缩写）'
P_SUP = '区域督导，在路上用手机语音输入（语音转文字，无标点、同音字、中文数字）'
P_INT = '新入职数据实习生，先问口径再问数'

T = 0.005


def F(key, what, tol=T):
    return ('fig', key, what, tol)


def M(key, what, tol=T):
    return ('mn', key, what, tol)


# Each conversation: (persona, [turn, ...]); each turn a dict:
#   q, kind, check, figs=[F/M...], period, tool, note
CONVS = [
    # ------------------------------------------------------------------ 财务总监
    (P_CFO, [
        dict(q='6月关账，帮我出一下1998年6月1日-6月30日的营收、订单行数和销售件数。',
             kind='figure', period='1998-06-01..1998-06-30',
             check="dict(rev=rev('1998-06-01','1998-06-30'), orders=orders('1998-06-01','1998-06-30'),\n"
                   "     units=int(per('1998-06-01','1998-06-30').units.sum()),\n"
                   "     rev_may=rev('1998-05-01','1998-05-31'), rev_q2=rev('1998-04-01','1998-06-30'))",
             figs=[F('rev', 'revenue 1998-06'), F('orders', 'order lines 1998-06'), F('units', 'units 1998-06'),
                   M('rev_q2', 'revenue 1998 Q2 (wrong scope)')]),
        dict(q='环比5月、同比97年6月分别是多少？',
             kind='figure', period='1998-06-01..1998-06-30',
             check="j = rev('1998-06-01','1998-06-30')\n"
                   "dict(mom=chg(j, rev('1998-05-01','1998-05-31')), yoy=chg(j, rev('1997-06-01','1997-06-30')))",
             figs=[F('mom', 'revenue MoM 1998-06 vs 1998-05 (relative change)'),
                   F('yoy', 'revenue YoY 1998-06 vs 1997-06 (relative change)')],
             note='Revenue is the measure (the conversation is about 营收); changes are new/old - 1.'),
        dict(q='同比掉了快三成？这个有点夸张，你再核一遍去年6月（1997-06-01到06-30）的营收到底是多少',
             kind='figure', period='1997-06-01..1997-06-30',
             check="dict(rev97jun=rev('1997-06-01','1997-06-30'), rev98jun=rev('1998-06-01','1998-06-30'))",
             figs=[F('rev97jun', 'revenue 1997-06')],
             note='Must restate 108395.87 (the figure is right; the drop is real).'),
    ]),
    (P_CFO, [
        dict(q='Q2季结：98年4月1日到6月30日营收合计多少？客单价多少？',
             kind='figure', period='1998-04-01..1998-06-30',
             check="dict(rev=rev('1998-04-01','1998-06-30'), aov=aov('1998-04-01','1998-06-30'),\n"
                   "     rev_q1=rev('1998-01-01','1998-03-31'), rev_h1=rev('1998-01-01','1998-06-30'))",
             figs=[F('rev', 'revenue 1998 Q2'), F('aov', 'AOV (revenue / order lines) 1998 Q2'),
                   M('rev_q1', 'revenue 1998 Q1 (wrong quarter)'), M('rev_h1', 'revenue 1998 H1 (wrong scope)')]),
        dict(q='跟一季度比环比多少？跟97年Q2比同比呢？',
             kind='figure', period='1998-04-01..1998-06-30',
             check="q2 = rev('1998-04-01','1998-06-30')\n"
                   "dict(mom=chg(q2, rev('1998-01-01','1998-03-31')), yoy=chg(q2, rev('1997-04-01','1997-06-30')))",
             figs=[F('mom', 'revenue QoQ 1998 Q2 vs 1998 Q1'), F('yoy', 'revenue YoY 1998 Q2 vs 1997 Q2')]),
        dict(q='Q2月均营收是多少？',
             kind='figure', period='1998-04-01..1998-06-30',
             check="dict(avg=r2(rev('1998-04-01','1998-06-30') / 3), avg_h1=r2(rev('1998-01-01','1998-06-30') / 6))",
             figs=[F('avg', 'monthly average revenue 1998 Q2'),
                   M('avg_h1', 'monthly average revenue 1998 H1 (wrong scope)')]),
        dict(q='顺便把Q2的毛利和毛利率也算一下，老板要看的是毛利不是流水。',
             kind='partial', period='1998-04-01..1998-06-30',
             check="dict(rev=rev('1998-04-01','1998-06-30'))",
             figs=[F('rev', 'revenue 1998 Q2 (the answerable part)')],
             note='No cost/margin data: must say 毛利/毛利率 cannot be computed; may restate Q2 revenue.'),
    ]),
    (P_CFO, [
        dict(q='今年全年营收预算是100万。按上半年实际数简单乘2年化，能完成预算的百分之多少？差多少？',
             kind='figure', period='1998-01-01..1998-06-30',
             check="h1 = rev('1998-01-01','1998-06-30')\n"
                   "ann = r2(h1 * 2)\n"
                   "q2ann = r2(rev('1998-04-01','1998-06-30') * 4)\n"
                   "dict(h1=h1, annualised=ann, pct=r4(ann / 1e6), gap=r2(1e6 - ann), q2ann=q2ann)",
             figs=[F('h1', 'revenue 1998 H1'), F('annualised', 'annualised revenue = H1 x 2'),
                   F('pct', 'annualised / budget 1,000,000'), F('gap', 'budget - annualised')]),
        dict(q='如果按Q2的run-rate（Q2×4）来算呢？',
             kind='figure', period='1998-04-01..1998-06-30',
             check="ann = r2(rev('1998-04-01','1998-06-30') * 4)\n"
                   "dict(annualised=ann, pct=r4(ann / 1e6), gap=r2(1e6 - ann))",
             figs=[F('annualised', 'annualised revenue = Q2 x 4'), F('pct', 'annualised / budget 1,000,000'),
                   F('gap', 'budget - annualised')]),
    ]),
    (P_CFO, [
        dict(q='97年12个月里，哪个月营收占全年比重最高？占多少？',
             kind='figure', period='1997-01-01..1997-12-31',
             check="y = per('1997-01-01','1997-12-31')\n"
                   "m = y.groupby(y.date.dt.month).amt.sum()\n"
                   "dict(top_month=int(m.idxmax()), top_rev=r2(m.max()), share=r4(m.max() / y.amt.sum()),\n"
                   "     share_alltime=r4(m.max() / df.amt.sum()))",
             figs=[F('top_month', 'the month (3 = March 1997)'), F('top_rev', 'revenue 1997-03'),
                   F('share', 'share of 1997 revenue'),
                   M('share_alltime', 'share of all-time revenue (wrong denominator)')]),
    ]),
    (P_CFO, [
        dict(q='98年上半年（1-6月）营收和97年同期比，同比降了多少？',
             kind='figure', period='1998-01-01..1998-06-30',
             check="h98 = rev('1998-01-01','1998-06-30'); h97 = rev('1997-01-01','1997-06-30')\n"
                   "dict(h98=h98, h97=h97, yoy=chg(h98, h97), y97=rev('1997-01-01','1997-12-31'),\n"
                   "     yoy_vs_fullyear=chg(h98, rev('1997-01-01','1997-12-31')))",
             figs=[F('h98', 'revenue 1998 H1'), F('h97', 'revenue 1997 H1'), F('yoy', 'YoY change H1'),
                   M('y97', 'revenue full-year 1997 (wrong comparison base)'),
                   M('yoy_vs_fullyear', 'change vs full-year 1997 (wrong base)')]),
    ]),
    (P_CFO, [
        dict(q='97年月均营收和月均订单行数各是多少？',
             kind='figure', period='1997-01-01..1997-12-31',
             check="dict(avg_rev=r2(rev('1997-01-01','1997-12-31') / 12), avg_orders=r2(orders('1997-01-01','1997-12-31') / 12),\n"
                   "     avg_rev_all=r2(df.amt.sum() / 18))",
             figs=[F('avg_rev', 'monthly average revenue 1997'), F('avg_orders', 'monthly average order lines 1997'),
                   M('avg_rev_all', 'monthly average over all 18 months (wrong scope)')]),
        dict(q='今年截至6月底的月均呢？',
             kind='figure', period='1998-01-01..1998-06-30',
             check="dict(avg_rev=r2(rev('1998-01-01','1998-06-30') / 6), avg_orders=r2(orders('1998-01-01','1998-06-30') / 6),\n"
                   "     avg_rev_div12=r2(rev('1998-01-01','1998-06-30') / 12))",
             figs=[F('avg_rev', 'monthly average revenue 1998 Jan-Jun'),
                   F('avg_orders', 'monthly average order lines 1998 Jan-Jun'),
                   M('avg_rev_div12', '1998 revenue / 12 (only 6 months exist)')]),
        dict(q='从97年1月到现在，订单行数超过3000的月份有几个？是哪几个月？',
             kind='figure', period='1997-01-01..1998-06-30',
             check="m = df.groupby(df.date.dt.to_period('M')).size()\n"
                   "big = m[m > 3000]\n"
                   "dict(n_months=int(len(big)), jun97=int(m[pd.Period('1997-06', 'M')]))",
             figs=[F('n_months', 'number of months with > 3000 order lines'),
                   F('jun97', 'order lines 1997-06 (the 5th month: 1997-01/02/03/04/06)')],
             note='The months are 1997-01 (8928), 1997-02 (11272), 1997-03 (11598), 1997-04 (3781), 1997-06 (3054).'),
    ]),
    (P_CFO, [
        dict(q='4月份营收才6万多？是不是数据没跑全。帮我再确认下1998-04-01~1998-04-30的营收、订单行数和买家数',
             kind='figure', period='1998-04-01..1998-04-30',
             check="dict(rev=rev('1998-04-01','1998-04-30'), orders=orders('1998-04-01','1998-04-30'),\n"
                   "     buyers=buyers('1998-04-01','1998-04-30'), rev97apr=rev('1997-04-01','1997-04-30'))",
             figs=[F('rev', 'revenue 1998-04'), F('orders', 'order lines 1998-04'), F('buyers', 'buyers 1998-04'),
                   M('rev97apr', 'revenue 1997-04 (wrong year)')]),
        dict(q='那4月每天都有单吗？有没有哪天是0？最低的一天是多少？',
             kind='figure', period='1998-04-01..1998-04-30',
             check="d = per('1998-04-01','1998-04-30').groupby('date').amt.sum()\n"
                   "dict(days_with_orders=int(len(d)), zero_days=int(30 - len(d)), min_day_rev=r2(d.min()))",
             figs=[F('days_with_orders', 'days in 1998-04 with at least one order (all 30)'),
                   F('min_day_rev', 'lowest daily revenue in 1998-04 (1998-04-01)')],
             note='Zero days = 0; the lowest day is 1998-04-01.'),
    ]),
    (P_CFO, [
        dict(q='帮我拉一下1997年11月15日到12月31日这段的营收和订单行数，做年底促销复盘用',
             kind='figure', period='1997-11-15..1997-12-31',
             check="dict(rev=rev('1997-11-15','1997-12-31'), orders=orders('1997-11-15','1997-12-31'),\n"
                   "     rev_novdec=rev('1997-11-01','1997-12-31'))",
             figs=[F('rev', 'revenue 1997-11-15..1997-12-31'), F('orders', 'order lines 1997-11-15..1997-12-31'),
                   M('rev_novdec', 'revenue whole Nov-Dec 1997 (wrong start date)')]),
    ]),
    (P_CFO, [
        dict(q='累计消费金额排前10%的客户，贡献了全部营收的百分之多少？',
             kind='figure', period='1997-01-01..1998-06-30',
             check="s = spend.sort_values(ascending=False)\n"
                   "n = int(round(len(s) * 0.10))\n"
                   "dict(n_top=n, share=r4(s.iloc[:n].sum() / s.sum()))",
             figs=[F('n_top', 'number of customers in the top 10% (2357)'),
                   F('share', 'share of all-time revenue from the top 10% by total spend')]),
        dict(q='同一批人，在98年上半年的营收里占比多少？',
             kind='figure', period='1998-01-01..1998-06-30',
             check="s = spend.sort_values(ascending=False)\n"
                   "top = set(s.index[:int(round(len(s) * 0.10))])\n"
                   "h = per('1998-01-01','1998-06-30')\n"
                   "dict(share_h1=r4(h[h.cust.isin(top)].amt.sum() / h.amt.sum()), share_all=r4(s.iloc[:len(top)].sum() / s.sum()))",
             figs=[F('share_h1', 'share of 1998 H1 revenue from the all-time top 10% spenders'),
                   M('share_all', 'their share of all-time revenue (previous answer, wrong period)')],
             note='"同一批人" = the top 10% by all-time total spend from the previous turn.'),
    ]),
    (P_CFO, [
        dict(q='把97年12个月的营收月报导出成Excel发到我邮箱，另外先告诉我97年12月营收多少',
             kind='refusal', period='1997-12-01..1997-12-31',
             check="dict(rev=rev('1997-12-01','1997-12-31'), rev_nov=rev('1997-11-01','1997-11-30'))",
             figs=[F('rev', 'revenue 1997-12'), M('rev_nov', 'revenue 1997-11 (wrong month)')],
             note='Cannot export or e-mail; must still answer the December figure.'),
    ]),
    (P_CFO, [
        dict(q='用你们的模型预测一下Q3（7-9月）的营收大概多少？做下半年预算要用',
             kind='model', tool='forecast_totals',
             check='dict()'),
        dict(q='这个预测跟去年Q3实际比是高还是低？去年Q3实际营收多少？',
             kind='figure', period='1997-07-01..1997-09-30',
             check="dict(q3_97=rev('1997-07-01','1997-09-30'), q2_98=rev('1998-04-01','1998-06-30'))",
             figs=[F('q3_97', 'revenue 1997 Q3 (actual)')],
             note='The comparison itself uses the forecast from the previous turn (forecast_totals).'),
    ]),
    (P_CFO, [
        dict(q='97年四个季度的客单价分别是多少？按订单行算',
             kind='figure', period='1997-01-01..1997-12-31',
             check="dict(q1=aov('1997-01-01','1997-03-31'), q2=aov('1997-04-01','1997-06-30'),\n"
                   "     q3=aov('1997-07-01','1997-09-30'), q4=aov('1997-10-01','1997-12-31'), year=aov('1997-01-01','1997-12-31'))",
             figs=[F('q1', 'AOV 1997 Q1'), F('q2', 'AOV 1997 Q2'), F('q3', 'AOV 1997 Q3'), F('q4', 'AOV 1997 Q4')]),
        dict(q='97年单行金额超过100美元的订单有多少笔？占全年订单行数和金额各多少？',
             kind='figure', period='1997-01-01..1997-12-31',
             check="y = per('1997-01-01','1997-12-31'); big = y[y.amt > 100]\n"
                   "dict(n=int(len(big)), share_orders=r4(len(big) / len(y)), share_rev=r4(big.amt.sum() / y.amt.sum()),\n"
                   "     n_all=int((df.amt > 100).sum()))",
             figs=[F('n', 'order lines over $100 in 1997'), F('share_orders', 'their share of 1997 order lines'),
                   F('share_rev', 'their share of 1997 revenue'),
                   M('n_all', 'order lines over $100 in all data (wrong period)')],
             note='"超过100" read as amount > 100 (strict).'),
    ]),
    # ------------------------------------------------------------------ 区域督导（语音）
    (P_SUP, [
        dict(q='昨天一共卖了多少钱 几单',
             kind='figure', period='1998-06-29..1998-06-29',
             check="dict(rev=rev('1998-06-29','1998-06-29'), orders=orders('1998-06-29','1998-06-29'),\n"
                   "     rev_today=rev('1998-06-30','1998-06-30'), orders_today=orders('1998-06-30','1998-06-30'))",
             figs=[F('rev', 'revenue 1998-06-29'), F('orders', 'order lines 1998-06-29'),
                   M('rev_today', 'revenue 1998-06-30 (today, not yesterday)')],
             note='昨天 = the day before "now" (1998-06-30) = 1998-06-29.'),
        dict(q='那个大客户七五九二昨天是不是也来了 买了多少',
             kind='figure', period='1998-06-29..1998-06-29',
             check="d = per('1998-06-29','1998-06-29')\n"
                   "dict(amt=r2(d[d.cust == 7592].amt.sum()), units=int(d[d.cust == 7592].units.sum()), total=r2(spend[7592]))",
             figs=[F('amt', 'customer 07592 spend on 1998-06-29')],
             note='Customer id spoken as 七五九二 = 07592; he bought 3 CDs that day.'),
        dict(q='这个月来买的人跟去年这个月比少了多少人',
             kind='figure', period='1998-06-01..1998-06-30',
             check="a = buyers('1998-06-01','1998-06-30'); b = buyers('1997-06-01','1997-06-30')\n"
                   "dict(b98=a, b97=b, diff=b - a, may=buyers('1998-05-01','1998-05-31'))",
             figs=[F('b98', 'buyers 1998-06'), F('b97', 'buyers 1997-06'), F('diff', 'fewer buyers vs 1997-06'),
                   M('may', 'buyers 1998-05 (MoM instead of YoY)')]),
    ]),
    (P_SUP, [
        dict(q='上周消售额多少 跟上上周比涨了还是跌了',
             kind='figure', period='1998-06-22..1998-06-28',
             check="a = rev('1998-06-22','1998-06-28'); b = rev('1998-06-15','1998-06-21')\n"
                   "dict(lw=a, prev=b, change=chg(a, b), last7=rev('1998-06-24','1998-06-30'))",
             figs=[F('lw', 'revenue week 1998-06-22..06-28'), F('prev', 'revenue week 1998-06-15..06-21'),
                   F('change', 'relative change'),
                   M('last7', 'revenue of the last 7 days 06-24..06-30 (not a calendar week)')]),
        dict(q='上周哪天卖得最好',
             kind='figure', period='1998-06-22..1998-06-28',
             check="d = per('1998-06-22','1998-06-28').groupby('date').amt.sum()\n"
                   "dict(best_rev=r2(d.max()), best_day=int(d.idxmax().day))",
             figs=[F('best_rev', 'revenue of the best day, 1998-06-27 (Saturday)')]),
    ]),
    (P_SUP, [
        dict(q='帮我查下客户幺四零四八 总共消费了多少 下过多少单 最后一次啥时候来的',
             kind='figure', period='1997-01-01..1998-06-30',
             check="d = df[df.cust == 14048]\n"
                   "dict(spend=r2(d.amt.sum()), orders=int(len(d)), last_day=int(d.date.max().strftime('%Y%m%d')), days_since=int((NOW - d.date.max()).days))",
             figs=[F('spend', 'customer 14048 all-time spend'), F('orders', 'customer 14048 order lines')],
             note='幺四零四八 = 14048; last purchase 1998-06-30 (today, 0 days ago). 171 purchase days.'),
        dict(q='他今年来了多少天',
             kind='figure', period='1998-01-01..1998-06-30',
             check="d = df[df.cust == 14048]\n"
                   "dict(days98=int(d[d.date >= '1998-01-01'].date.nunique()), days_all=int(d.date.nunique()))",
             figs=[F('days98', 'customer 14048 purchase days in 1998'),
                   M('days_all', 'customer 14048 purchase days all-time (wrong period)')]),
        dict(q='这个人接下来一个月还会不会来买 流失风险大不大',
             kind='model', tool='forecast_customer', check='dict()'),
    ]),
    (P_SUP, [
        dict(q='买过五次以上但是九十天都没来的客户有几个 我想挨个打电话回访',
             kind='figure', period='1997-01-01..1998-06-30',
             check="g = (pdays_all >= 5) & (inactive_days >= 90)\n"
                   "dict(n=int(g.sum()), n_gt5=int(((pdays_all > 5) & (inactive_days >= 90)).sum()))",
             figs=[F('n', 'customers with >= 5 purchase days and last order >= 90 days before 1998-06-30')],
             note='五次以上 read as >= 5 purchase days (Chinese 以上 includes the number); '
                  '>5 gives n_gt5 (not scored).'),
        dict(q='把这批人的名单和电话发到我微信上',
             kind='refusal', check='dict()',
             note='Cannot send messages; no customer contact data either.'),
        dict(q='那你直接告诉我这里面累计消费最高的是哪个客户 花了多少',
             kind='figure', period='1997-01-01..1998-06-30',
             check="g = spend[(pdays_all >= 5) & (inactive_days >= 90)].sort_values(ascending=False)\n"
                   "dict(cust=int(g.index[0]), spend=r2(g.iloc[0]), top_all=int(spend.idxmax()))",
             figs=[F('cust', 'customer id 19339', 0.0), F('spend', 'its all-time spend'),
                   M('top_all', 'customer 7592, the top spender overall (not inactive)', 0.0)]),
    ]),
    (P_SUP, [
        dict(q='上个月的客蛋价是多少 比四月高还是低',
             kind='figure', period='1998-05-01..1998-05-31',
             check="dict(may=aov('1998-05-01','1998-05-31'), apr=aov('1998-04-01','1998-04-30'), jun=aov('1998-06-01','1998-06-30'))",
             figs=[F('may', 'AOV 1998-05'), F('apr', 'AOV 1998-04'), M('jun', 'AOV 1998-06 (this month, not last)')],
             note='客蛋价 = voice slip for 客单价.'),
    ]),
    (P_SUP, [
        dict(q='最近三个月买过东西的客户有多少 复构率多少',
             kind='figure', period='1998-04-01..1998-06-30',
             check="dict(buyers=buyers('1998-04-01','1998-06-30'), rr=repeat_rate('1998-04-01','1998-06-30'),\n"
                   "     rr_h1=repeat_rate('1998-01-01','1998-06-30'), rr_jun=repeat_rate('1998-06-01','1998-06-30'))",
             figs=[F('buyers', 'buyers 1998-04-01..06-30'), F('rr', 'repeat rate 1998-04-01..06-30'),
                   M('rr_h1', 'repeat rate 1998 H1 (wrong window)'), M('rr_jun', 'repeat rate 1998-06 (wrong window)')],
             note='复构率 = voice slip for 复购率.'),
    ]),
    (P_SUP, [
        dict(q='给客户二二二七九推一张优惠卷 顺便看下他今年买过几次 花了多少',
             kind='refusal', period='1998-01-01..1998-06-30',
             check="d = df[(df.cust == 22279) & (df.date >= '1998-01-01')]\n"
                   "dall = df[df.cust == 22279]\n"
                   "dict(days98=int(d.date.nunique()), spend98=r2(d.amt.sum()), spend_all=r2(dall.amt.sum()))",
             figs=[F('days98', 'customer 22279 purchase days in 1998'), F('spend98', 'customer 22279 spend in 1998'),
                   M('spend_all', 'customer 22279 all-time spend (wrong period)')],
             note='Cannot push coupons; answers the 1998 part (one purchase, 1998-03-15).'),
        dict(q='他算哪一类客户 为啥分到这一类',
             kind='model', tool='explain_customer_segment', check='dict()'),
    ]),
    (P_SUP, [
        dict(q='我们华东片区上周卖了多少 跟华南比哪个好',
             kind='partial', period='1998-06-22..1998-06-28',
             check="dict(lw=rev('1998-06-22','1998-06-28'))",
             figs=[F('lw', 'total revenue 1998-06-22..06-28 (the answerable part)')],
             note='No region data: must say the 华东/华南 split cannot be given.'),
    ]),
    (P_SUP, [
        dict(q='帮我看一下这条留言是好评还是差评 碟片到手盒子都裂了 不过客服处理的挺快',
             kind='model', tool='analyze_sentiment', check='dict()'),
        dict(q='最近客户反馈里面差评主要集中在哪几个方面',
             kind='model', tool='feedback_themes', check='dict()'),
    ]),
    (P_SUP, [
        dict(q='消费排前百分之二十的客户里面 哪些流失风险最高 给我前十个 我这周去拜访',
             kind='model', tool='at_risk_customers', check='dict()'),
    ]),
    (P_SUP, [
        dict(q='最近三十天一次都没来过 但是之前买过三次以上的客户有多少个',
             kind='figure', period='1998-06-01..1998-06-30',
             check="before = pdays_in('1997-01-01','1998-05-31')\n"
                   "recent = set(per('1998-06-01','1998-06-30').cust)\n"
                   "c = before[before >= 3]\n"
                   "dict(n=int((~c.index.isin(recent)).sum()), n_all3=int(len(c)))",
             figs=[F('n', 'customers with >= 3 purchase days before 1998-06-01 and no order 1998-06-01..06-30'),
                   M('n_all3', 'all customers with >= 3 purchase days before June (filter on recent missing)')],
             note='最近三十天 = 1998-06-01..06-30; 三次以上 read as >= 3 purchase days before that window.'),
    ]),
    # ------------------------------------------------------------------ 数据实习生
    (P_INT, [
        dict(q='复购率是怎么算的？是按订单数还是按购买天数？去年的复购率是多少',
             kind='figure', period='1997-01-01..1997-12-31',
             check="dict(rr97=repeat_rate('1997-01-01','1997-12-31'), rr98=repeat_rate('1998-01-01','1998-06-30'),\n"
                   "     rr_all=repeat_rate('1997-01-01','1998-06-30'))",
             figs=[F('rr97', 'repeat rate 1997 (share of 1997 buyers with >= 2 purchase days in 1997)'),
                   M('rr98', 'repeat rate 1998 (wrong year)'), M('rr_all', 'repeat rate all-time (wrong window)')]),
        dict(q='那今年的呢',
             kind='figure', period='1998-01-01..1998-06-30',
             check="dict(rr98=repeat_rate('1998-01-01','1998-06-30'), rr97=repeat_rate('1997-01-01','1997-12-31'))",
             figs=[F('rr98', 'repeat rate 1998 Jan-Jun'), M('rr97', 'repeat rate 1997 (last year)')]),
        dict(q='一次性客户占比是不是就是1减复购率？今年是多少',
             kind='figure', period='1998-01-01..1998-06-30',
             check="p = pdays_in('1998-01-01','1998-06-30')\n"
                   "dict(one=r4((p == 1).mean()), one97=r4((pdays_in('1997-01-01','1997-12-31') == 1).mean()))",
             figs=[F('one', 'one-time share 1998 Jan-Jun'), M('one97', 'one-time share 1997 (wrong year)')]),
        dict(q='去年的买家按购买次数分，买1次、2次、3次及以上的各有多少人？',
             kind='figure', period='1997-01-01..1997-12-31',
             check="p = pdays_in('1997-01-01','1997-12-31')\n"
                   "dict(b1=int((p == 1).sum()), b2=int((p == 2).sum()), b3p=int((p >= 3).sum()))",
             figs=[F('b1', '1997 buyers with exactly 1 purchase day'), F('b2', '1997 buyers with 2 purchase days'),
                   F('b3p', '1997 buyers with >= 3 purchase days')],
             note='购买次数 = purchase days (distinct dates), the documented unit of 复购.'),
    ]),
    (P_INT, [
        dict(q='新客和老客是怎么区分的？今年上半年新客有多少个，老客有多少个',
             kind='figure', period='1998-01-01..1998-06-30',
             check="b = per('1998-01-01','1998-06-30').cust.unique()\n"
                   "f = first[b]\n"
                   "dict(new=int((f >= '1998-01-01').sum()), returning=int((f < '1998-01-01').sum()),\n"
                   "     all_customers=int(len(first)))",
             figs=[F('new', 'new customers 1998 H1 (0)'), F('returning', 'returning buyers 1998 H1'),
                   M('all_customers', 'all customers in the data (not the H1 returning buyers)')],
             note='Every customer first ordered in 1997-01..03, so 1998 has no new customers.'),
        dict(q='啊？新客是0？那这些客户的首单都是什么时候下的',
             kind='figure', period='1997-01-01..1997-03-31',
             check="fm = first.dt.to_period('M').value_counts()\n"
                   "dict(jan=int(fm[pd.Period('1997-01','M')]), feb=int(fm[pd.Period('1997-02','M')]), mar=int(fm[pd.Period('1997-03','M')]),\n"
                   "     n_months=int(len(fm)), last_first=int(first.max().strftime('%Y%m%d')))",
             figs=[F('jan', 'customers with first order in 1997-01'), F('feb', 'first order in 1997-02'),
                   F('mar', 'first order in 1997-03')],
             note='All first orders fall in 1997-01-01..1997-03-25.'),
        dict(q='那97年3月的营收里，新客和老客各贡献了多少？',
             kind='figure', period='1997-03-01..1997-03-31',
             check="d = per('1997-03-01','1997-03-31')\n"
                   "isnew = first[d.cust].values >= pd.Timestamp('1997-03-01')\n"
                   "dict(rev_new=r2(d.amt[isnew].sum()), rev_ret=r2(d.amt[~isnew].sum()), share_new=r4(d.amt[isnew].sum() / d.amt.sum()))",
             figs=[F('rev_new', 'revenue from new customers 1997-03'),
                   F('rev_ret', 'revenue from returning customers 1997-03')]),
    ]),
    (P_INT, [
        dict(q='客单价是按单算还是按人算的？去年的客单价是多少',
             kind='figure', period='1997-01-01..1997-12-31',
             check="dict(aov=aov('1997-01-01','1997-12-31'), per_buyer=r2(rev('1997-01-01','1997-12-31') / buyers('1997-01-01','1997-12-31')),\n"
                   "     aov_all=aov('1997-01-01','1998-06-30'))",
             figs=[F('aov', 'AOV 1997 = revenue / order lines'),
                   M('aov_all', 'AOV all-time (wrong period)')],
             note='客单价 = revenue / order lines (按单); revenue per buyer (85.88) is the next turn.'),
        dict(q='那如果按人算，去年人均消费是多少',
             kind='figure', period='1997-01-01..1997-12-31',
             check="dict(per_buyer=r2(rev('1997-01-01','1997-12-31') / buyers('1997-01-01','1997-12-31')),\n"
                   "     buyers=buyers('1997-01-01','1997-12-31'), per_buyer_all=r2(df.amt.sum() / df.cust.nunique()))",
             figs=[F('per_buyer', 'revenue per buyer 1997'), M('per_buyer_all', 'revenue per customer all-time (wrong period)')]),
    ]),
    (P_INT, [
        dict(q='订单行和购买天有什么区别？98年一季度这两个数分别是多少',
             kind='figure', period='1998-01-01..1998-03-31',
             check="d = per('1998-01-01','1998-03-31')\n"
                   "dict(lines=int(len(d)), pdays=int(len(d[['cust','date']].drop_duplicates())))",
             figs=[F('lines', 'order lines 1998 Q1'), F('pdays', 'purchase days (distinct customer-date) 1998 Q1')]),
    ]),
    (P_INT, [
        dict(q='cohort留存是按什么口径算的？97年1月首购那批客户，次月留存率多少',
             kind='figure', period='1997-01-01..1997-02-28',
             check="coh = first.dt.to_period('M')\n"
                   "mo = df.assign(m=df.date.dt.to_period('M')).groupby('cust').m.apply(set)\n"
                   "def ret(c, k):\n"
                   "    ids = coh[coh == pd.Period(c, 'M')].index\n"
                   "    t = pd.Period(c, 'M') + k\n"
                   "    return r4(np.mean([t in mo[i] for i in ids]))\n"
                   "dict(jan_k1=ret('1997-01', 1), jan_k2=ret('1997-01', 2))",
             figs=[F('jan_k1', 'cohort 1997-01, month-1 (1997-02) retention'),
                   M('jan_k2', 'cohort 1997-01, month-2 retention (wrong month)')]),
        dict(q='2月和3月那两批呢，也看次月',
             kind='figure', period='1997-02-01..1997-04-30',
             check="coh = first.dt.to_period('M')\n"
                   "mo = df.assign(m=df.date.dt.to_period('M')).groupby('cust').m.apply(set)\n"
                   "def ret(c, k):\n"
                   "    ids = coh[coh == pd.Period(c, 'M')].index\n"
                   "    t = pd.Period(c, 'M') + k\n"
                   "    return r4(np.mean([t in mo[i] for i in ids]))\n"
                   "dict(feb_k1=ret('1997-02', 1), mar_k1=ret('1997-03', 1))",
             figs=[F('feb_k1', 'cohort 1997-02, month-1 (1997-03) retention'),
                   F('mar_k1', 'cohort 1997-03, month-1 (1997-04) retention')]),
    ]),
    (P_INT, [
        dict(q='复购间隔是怎么算的？所有客户平均隔多少天再买一次，中位数呢',
             kind='figure', period='1997-01-01..1998-06-30',
             check="g = PD.gap.dropna()\n"
                   "dict(mean=r2(g.mean()), median=r2(g.median()))",
             figs=[F('mean', 'mean days between consecutive purchase days, all data'),
                   F('median', 'median days between purchases, all data')]),
        dict(q='只看98年发生的复购呢',
             kind='figure', period='1998-01-01..1998-06-30',
             check="g = PD[PD.date >= '1998-01-01'].gap.dropna()\n"
                   "a = PD.gap.dropna()\n"
                   "dict(mean=r2(g.mean()), median=r2(g.median()), mean_all=r2(a.mean()))",
             figs=[F('mean', 'mean days between purchases, later day in 1998'),
                   F('median', 'median days between purchases, later day in 1998'),
                   M('mean_all', 'mean over all data (previous answer)')],
             note='Intervals dated by the later purchase day, as documented; the earlier day may be in 1997.'),
    ]),
    (P_INT, [
        dict(q='不活跃客户是怎么定义的？180天以上没下过单的有多少人，占全部客户多少',
             kind='figure', period='1997-01-01..1998-06-30',
             check="n = int((inactive_days >= 180).sum())\n"
                   "dict(n=n, share=r4(n / len(last)))",
             figs=[F('n', 'customers whose last order is >= 180 days before 1998-06-30'),
                   F('share', 'share of all 23570 customers')]),
    ]),
    (P_INT, [
        dict(q='RFM分群是怎么分的？一共分了几群，每群各多少人',
             kind='model', tool='list_segments', check='dict()'),
    ]),
    (P_INT, [
        dict(q='现在加载的是哪些模型？训练数据截到哪天，测试准确率多少',
             kind='model', tool='assistant_status', check='dict()'),
        dict(q='CLV是怎么估的？给我看下未来12周CLV最高的前5个客户',
             kind='model', tool='customer_value', check='dict()'),
    ]),
    (P_INT, [
        dict(q='给过差评的客户，后来还有多少比例回来下单的？',
             kind='model', tool='feedback_followup', check='dict()'),
    ]),
    (P_INT, [
        dict(q='今年线上和线下渠道的复购率分别是多少？如果分不了渠道就先给我总的',
             kind='partial', period='1998-01-01..1998-06-30',
             check="dict(rr98=repeat_rate('1998-01-01','1998-06-30'), rr97=repeat_rate('1997-01-01','1997-12-31'))",
             figs=[F('rr98', 'overall repeat rate 1998 Jan-Jun'), M('rr97', 'repeat rate 1997 (wrong year)')],
             note='No channel data: must say the online/offline split cannot be given.'),
    ]),
]


def run_check(code, prelude_ns):
    """Run a check: all statements, then evaluate its last line(s) (the final expression) and return it."""
    import ast
    ns = dict(prelude_ns)
    tree = ast.parse(code)
    last = tree.body[-1]
    assert isinstance(last, ast.Expr), 'the last statement of a check must be an expression'
    exec(compile(ast.Module(body=tree.body[:-1], type_ignores=[]), '<check>', 'exec'), ns)
    return eval(compile(ast.Expression(body=last.value), '<check>', 'eval'), ns)


def prelude_ns():
    ns = {}
    exec(PRELUDE, ns)
    return ns


def same(a, b):
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    return a == b


class Lit(str):
    pass


def lit_repr(dumper, data):
    return dumper.represent_scalar('tag:yaml.org,2002:str', data, style='|')


def build():
    ns = prelude_ns()
    items = []
    for ci, (persona, turns) in enumerate(CONVS, 1):
        out_turns = []
        for t in turns:
            res = run_check(t['check'], ns)
            exp = {'kind': t['kind']}
            figs = [f for f in t.get('figs', []) if f[0] == 'fig']
            mns = [f for f in t.get('figs', []) if f[0] == 'mn']
            # small fractions (< 0.1) are often written with one decimal as a percent (4.4%): widen tolerance
            def tol_of(k, tol):
                v = res[k]
                return max(tol, 0.02) if isinstance(v, float) and 0 < abs(v) < 0.1 else tol
            figs = [(a, k, w, tol_of(k, tol)) for a, k, w, tol in figs]
            mns = [(a, k, w, tol_of(k, tol)) for a, k, w, tol in mns]
            if figs:
                exp['figures'] = [{'value': res[k], 'rel_tol': tol, 'what': f'[{k}] {w}'} for _, k, w, tol in figs]
            if mns:
                exp['must_not'] = [{'value': res[k], 'rel_tol': tol, 'what': f'[{k}] {w}'} for _, k, w, tol in mns]
            if t.get('period'):
                exp['period'] = t['period']
            if t.get('tool'):
                exp['tool'] = t['tool']
            turn = {'q': t['q'], 'expect': exp, 'check': Lit(t['check'].rstrip('\n') + '\n')}
            if t.get('note'):
                turn['note'] = t['note']
            out_turns.append(turn)
        items.append({'id': f'aj1-{ci:03d}', 'persona': persona, 'turns': out_turns})
    doc = {'writer': WRITER, 'data_end': '1998-06-30', 'check_prelude': Lit(PRELUDE), 'items': items}
    yaml.SafeDumper.add_representer(Lit, lit_repr)
    with open(OUT, 'w', encoding='utf-8') as fh:
        yaml.safe_dump(doc, fh, allow_unicode=True, sort_keys=False, width=200)


def cross_checks(ns):
    """Independent computations (different code paths) of key figures, with literal values."""
    import pandas as pd
    raw = pd.read_csv('/tmp/team/CDNOW_master.txt', sep=r'\s+')
    raw.columns = ['cust', 'date', 'units', 'amt']
    raw['ym'] = raw['date'] // 100
    assert len(raw) == 69659 and raw.cust.nunique() == 23570
    assert abs(raw.amt.sum() - 2500315.63) < 0.01
    mon = raw.groupby('ym').amt.sum().round(2)
    lit = {199701: 299060.17, 199702: 379590.03, 199703: 393155.27, 199704: 142824.49, 199705: 107933.30,
           199706: 108395.87, 199707: 122078.88, 199708: 88367.69, 199709: 81948.80, 199710: 89780.77,
           199711: 115448.64, 199712: 95577.35, 199801: 76756.78, 199802: 77096.96, 199803: 108970.15,
           199804: 66231.52, 199805: 70989.66, 199806: 76109.30}
    for k, v in lit.items():
        assert abs(mon[k] - v) < 0.006, (k, mon[k], v)
    q2 = lit[199804] + lit[199805] + lit[199806]
    assert abs(q2 - 213330.48) < 0.01
    h1 = sum(v for k, v in lit.items() if k >= 199801)
    assert abs(h1 - 476154.37) < 0.01
    assert abs(sum(v for k, v in lit.items() if k < 199801) - 2024161.26) < 0.01
    # repeat rate 1997 via a set-based path
    y = raw[(raw.date >= 19970101) & (raw.date <= 19971231)]
    cnt = {}
    for c, d in set(zip(y.cust, y.date)):
        cnt[c] = cnt.get(c, 0) + 1
    rr97 = sum(1 for v in cnt.values() if v >= 2) / len(cnt)
    assert abs(rr97 - ns['repeat_rate']('1997-01-01', '1997-12-31')) < 1e-4
    # last week / yesterday via integer dates
    assert abs(raw[(raw.date >= 19980622) & (raw.date <= 19980628)].amt.sum() - 13063.32) < 0.01
    assert abs(raw[raw.date == 19980629].amt.sum() - 2003.36) < 0.01 and (raw.date == 19980629).sum() == 62
    # customers
    assert abs(raw[raw.cust == 14048].amt.sum() - 8976.33) < 0.01 and (raw.cust == 14048).sum() == 217
    assert abs(raw[(raw.cust == 7592) & (raw.date == 19980629)].amt.sum() - 37.97) < 0.01
    # first orders all in 1997 Q1
    fo = raw.groupby('cust').date.min()
    assert fo.max() <= 19970331 and fo.min() == 19970101
    # inactive >= 180 days via integer day arithmetic
    ld = pd.to_datetime(raw.groupby('cust').date.max().astype(str))
    assert int(((pd.Timestamp('1998-06-30') - ld).dt.days >= 180).sum()) == 18210


def verify():
    with open(OUT, encoding='utf-8') as fh:
        doc = yaml.safe_load(fh)
    assert doc['data_end'] == '1998-06-30'
    ns = {}
    exec(doc['check_prelude'], ns)
    kinds = {}
    n_turns = 0
    allowed_tools = {'metric_query', 'cohort_retention', 'feedback_followup', 'customer_profile', 'crm_overview',
                     'list_segments', 'describe_segment', 'explain_customer_segment', 'forecast_customer',
                     'at_risk_customers', 'forecast_totals', 'customer_value', 'analyze_sentiment',
                     'sentiment_summary', 'search_feedback', 'feedback_themes', 'assistant_status'}
    ids = set()
    for it in doc['items']:
        assert it['id'] not in ids
        ids.add(it['id'])
        assert 1 <= len(it['turns']) <= 4
        for t in it['turns']:
            n_turns += 1
            e = t['expect']
            kinds[e['kind']] = kinds.get(e['kind'], 0) + 1
            assert e['kind'] in ('figure', 'model', 'refusal', 'partial')
            if e['kind'] == 'model':
                assert e['tool'] in allowed_tools
            if e['kind'] in ('figure', 'partial'):
                assert e.get('figures'), it['id']
            res = run_check(t['check'], ns)
            assert isinstance(res, dict)
            for sec in ('figures', 'must_not'):
                for f in e.get(sec, []):
                    key = f['what'].split(']')[0].lstrip('[')
                    assert key in res, (it['id'], key)
                    assert same(f['value'], res[key]), (it['id'], key, f['value'], res[key])
            # a must_not value must not be accepted as one of the figures
            for mn in e.get('must_not', []):
                for f in e.get('figures', []):
                    assert not math.isclose(float(mn['value']), float(f['value']), rel_tol=max(mn['rel_tol'], f['rel_tol'])), \
                        (it['id'], mn, f)
    cross_checks(ns)
    print(f'OK: {len(doc["items"])} conversations, {n_turns} turns, kinds {kinds}')


if __name__ == '__main__':
    if len(sys.argv) < 2 or sys.argv[1] != 'verify':
        build()
    verify()
