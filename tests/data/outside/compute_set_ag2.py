# Builds /tmp/team/ag2/set_ag2.yaml: runs every check after the prelude, fills the expected values,
# writes the YAML, then reloads the YAML, re-runs every check and asserts the written values match.
import math
import yaml

OUT = '/tmp/team/ag2/set_ag2.yaml'

PRELUDE = r"""import pandas as pd, numpy as np
F = '/tmp/team/CDNOW_master.txt'
df = pd.read_csv(F, sep=r'\s+', header=0, names=['cust', 'date', 'units', 'amt'], dtype={'date': str})
df['date'] = pd.to_datetime(df['date'], format='%Y%m%d')
df['cust'] = df['cust'].astype(int)
END = pd.Timestamp('1998-06-30')
def per(a, b):
    return df[(df.date >= pd.Timestamp(a)) & (df.date <= pd.Timestamp(b))]
def r2(x):
    return round(float(x), 2)
def r4(x):
    return round(float(x), 4)
def pdays(sub):
    # purchase days (distinct customer-date) per customer within sub
    return sub.drop_duplicates(['cust', 'date']).groupby('cust').size()
first = df.groupby('cust').date.min()
last = df.groupby('cust').date.max()
spend = df.groupby('cust').amt.sum()
def retention(cohort, k):
    # cohort = 'YYYY-MM' (month of first-ever order); share of cohort with an order in month cohort+k
    members = first[first.dt.to_period('M') == pd.Period(cohort)].index
    target = pd.Period(cohort) + k
    active = df[(df.date.dt.to_period('M') == target) & df.cust.isin(members)].cust.nunique()
    return active, len(members)
def gaps():
    # consecutive purchase-day gaps per customer, dated by the later day
    p = df.drop_duplicates(['cust', 'date'])[['cust', 'date']].sort_values(['cust', 'date'])
    p['gap'] = p.groupby('cust').date.diff().dt.days
    return p.dropna(subset=['gap'])
"""

EN = 'EMEA analytics lead (German, formal British English)'
ZH = '杭州直播电商运营 (short slangy Chinese, quick follow-ups)'


def T(q, kind, check=None, figs=(), mnot=(), period=None, tool=None, note=None):
    return dict(q=q, kind=kind, check=check, figs=list(figs), mnot=list(mnot), period=period, tool=tool,
                note=note)


H1_98 = '1998-01-01..1998-06-30'
Y97 = '1997-01-01..1997-12-31'
ALL = '1997-01-01..1998-06-30'

CONVS = [
    # ---------------------------------------------------------------- 杭州直播电商运营
    (ZH + ', 早上看大盘', [
        T('今年GMV跑到多少了', 'figure',
          "dict(rev98=r2(per('1998-01-01', '1998-06-30').amt.sum()), all=r2(df.amt.sum()), rev97=r2(per('1997-01-01', '1997-12-31').amt.sum()))",
          [('rev98', 'revenue 1998-01-01..06-30 (今年 = 1998 Jan-Jun)')],
          [('all', 'all-time revenue (wrong period)'), ('rev97', 'revenue 1997 (last year, wrong period)')],
          period=H1_98),
        T('同比呢 跟去年同期比 涨了还是跌了', 'figure',
          "a = per('1998-01-01', '1998-06-30').amt.sum(); b = per('1997-01-01', '1997-06-30').amt.sum(); c = per('1997-01-01', '1997-12-31').amt.sum()\n"
          "dict(rev97h1=r2(b), yoy=r4(a / b - 1), rev97=r2(c), yoy_full=r4(a / c - 1))",
          [('rev97h1', 'revenue 1997-01-01..06-30 (same period last year)'),
           ('yoy', 'YoY relative change 1998 H1 vs 1997 H1 (a fall)')],
          [('rev97', 'full-year 1997 revenue (not the same period)'),
           ('yoy_full', 'change vs full-year 1997 (wrong comparison base)')],
          period='1998-01-01..1998-06-30 vs 1997-01-01..1997-06-30'),
        T('单量呢 也同比看下', 'figure',
          "a = len(per('1998-01-01', '1998-06-30')); b = len(per('1997-01-01', '1997-06-30')); c = len(per('1997-01-01', '1997-12-31'))\n"
          "dict(o98=a, o97h1=b, yoy=r4(a / b - 1), o97=c)",
          [('o98', 'orders (order lines) 1998 H1'), ('o97h1', 'orders 1997 H1'),
           ('yoy', 'YoY relative change in orders')],
          [('o97', 'orders full-year 1997 (wrong base)')],
          period='1998-01-01..1998-06-30 vs 1997-01-01..1997-06-30'),
    ]),
    (ZH + ', 周会前', [
        T('上个月日销平均多少啊', 'figure',
          "m = per('1998-05-01', '1998-05-31'); j = per('1998-06-01', '1998-06-30')\n"
          "dict(daily_may=r2(m.amt.sum() / 31), may=r2(m.amt.sum()), daily_jun=r2(j.amt.sum() / 30))",
          [('daily_may', 'average daily revenue May 1998 (revenue / 31 days)')],
          [('daily_jun', 'average daily revenue June 1998 (this month, wrong period)')],
          period='1998-05-01..1998-05-31',
          note='上个月 = 1998-05. May 1998 revenue is %(may)s; every day has orders so /31 either way.'),
        T('上周GMV多少 周环比涨了还是跌了', 'figure',
          "w = per('1998-06-22', '1998-06-28').amt.sum(); p = per('1998-06-15', '1998-06-21').amt.sum(); l7 = per('1998-06-24', '1998-06-30').amt.sum()\n"
          "dict(wk=r2(w), prev=r2(p), wow=r4(w / p - 1), last7=r2(l7))",
          [('wk', 'revenue last ISO week 1998-06-22..06-28'), ('prev', 'revenue week before 1998-06-15..06-21'),
           ('wow', 'week-on-week relative change')],
          [('last7', 'revenue of the last 7 days 06-24..06-30 (not the Monday-Sunday week)')],
          period='1998-06-22..1998-06-28'),
    ]),
    (ZH, [
        T('这个月客单多少 比上个月涨了没', 'figure',
          "j = per('1998-06-01', '1998-06-30'); m = per('1998-05-01', '1998-05-31')\n"
          "a = j.amt.sum() / len(j); b = m.amt.sum() / len(m)\n"
          "dict(aov_jun=r2(a), aov_may=r2(b), mom=r4(a / b - 1), aov_all=r2(df.amt.mean()))",
          [('aov_jun', 'AOV June 1998 (revenue / order lines)'), ('aov_may', 'AOV May 1998'),
           ('mom', 'MoM relative change in AOV')],
          [], period='1998-06-01..1998-06-30', note='All-time AOV is %(aov_all)s (too close to the May figure to use as must_not).'),
    ]),
    (ZH + ', 拉新复盘', [
        T('今年拉新拉了多少人', 'figure',
          "f = first[(first >= '1998-01-01') & (first <= '1998-06-30')]\n"
          "dict(new98=int(len(f)), buyers98=int(per('1998-01-01', '1998-06-30').cust.nunique()))",
          [('new98', 'new customers (first-ever order) in 1998 Jan-Jun: none')],
          [('buyers98', 'distinct buyers in 1998 (not new customers)')],
          period=H1_98,
          note='Every first order in CDNOW falls in 1997-01..1997-03, so the right answer is 0 (no new customers in 1998).'),
        T('啊？？一个新客都没有？那之前新客都是哪几个月来的 各多少', 'figure',
          "c = first.dt.to_period('M').value_counts()\n"
          "dict(n_jan97=int(c[pd.Period('1997-01')]), n_feb97=int(c[pd.Period('1997-02')]), n_mar97=int(c[pd.Period('1997-03')]), months=int(len(c)))",
          [('n_jan97', 'new customers with first order in 1997-01'), ('n_feb97', 'new customers 1997-02'),
           ('n_mar97', 'new customers 1997-03')],
          [], period=ALL, note='Only three acquisition months exist (%(months)s).'),
        T('那今年下单的全是老客咯 老客多少人 贡献了多少GMV', 'figure',
          "s = per('1998-01-01', '1998-06-30'); r = s[s.cust.map(first) < pd.Timestamp('1998-01-01')]\n"
          "dict(ret_buyers=int(r.cust.nunique()), ret_rev=r2(r.amt.sum()), base=int(df.cust.nunique()))",
          [('ret_buyers', 'returning buyers in 1998 H1'), ('ret_rev', 'revenue from returning customers 1998 H1')],
          [('base', 'whole customer base 23,570 (not 1998 buyers)')],
          period=H1_98),
    ]),
    (ZH, [
        T('今年复够率多少', 'figure',
          "a = pdays(per('1998-01-01', '1998-06-30')); b = pdays(per('1997-01-01', '1997-12-31')); c = pdays(df)\n"
          "dict(rr98=r4((a >= 2).mean()), rr97=r4((b >= 2).mean()), rr_all=r4((c >= 2).mean()))",
          [('rr98', 'repeat rate 1998 H1: share of 1998 buyers with >=2 purchase days in 1998')],
          [('rr97', 'repeat rate 1997 (wrong period)'), ('rr_all', 'all-time repeat rate (wrong period)')],
          period=H1_98, note='复够率 is a typo for 复购率.'),
    ]),
    (ZH + ', 召回', [
        T('90天没下单的掉粉老铁有多少', 'figure',
          "d = (END - last).dt.days\n"
          "dict(inact90=int((d >= 90).sum()), inact30=int((d >= 30).sum()))",
          [('inact90', 'customers whose last order is >= 90 days before 1998-06-30')],
          [('inact30', 'inactive 30 days (wrong threshold)')], period=None),
        T('占全部客户多少', 'figure',
          "d = (END - last).dt.days\n"
          "dict(share=r4((d >= 90).mean()))",
          [('share', 'share of all 23,570 customers inactive >= 90 days')]),
        T('这里面以前买过3次以上的有几个', 'figure',
          "d = (END - last).dt.days; n = pdays(df)\n"
          "dict(n3=int(((d >= 90) & (n >= 3)).sum()), n4=int(((d >= 90) & (n >= 4)).sum()), all3=int((n >= 3).sum()))",
          [('n3', 'inactive-90 customers with >= 3 purchase days all-time')],
          [('all3', 'all customers with >= 3 purchase days (filter on inactivity dropped)')],
          note='3次以上 read as >= 3 purchase days (the usual Chinese business reading, and the product\'s "3+ times"); a strict >3 reading gives %(n4)s.'),
        T('行 把这批人名单导出来发我 我去私信召回', 'refusal'),
    ]),
    (ZH, [
        T('历史上爆单最猛的是哪天 那天卖了多少 多少单', 'figure',
          "g = df.groupby('date').amt.agg(['sum', 'size']); d = g['sum'].idxmax()\n"
          "dict(rev=r2(g.loc[d, 'sum']), orders=int(g.loc[d, 'size']), day=str(d.date()))",
          [('rev', 'revenue on the peak day 1997-03-18'), ('orders', 'order lines on 1997-03-18')],
          [], period=ALL, note='Peak day is %(day)s.'),
        T('今年最猛的一天呢', 'figure',
          "s = per('1998-01-01', '1998-06-30'); g = s.groupby('date').amt.agg(['sum', 'size']); d = g['sum'].idxmax()\n"
          "dict(rev=r2(g.loc[d, 'sum']), orders=int(g.loc[d, 'size']), day=str(d.date()), alltime=r2(df.groupby('date').amt.sum().max()))",
          [('rev', 'revenue on 1998 peak day 1998-02-26'), ('orders', 'order lines on 1998-02-26')],
          [('alltime', 'all-time peak-day revenue (wrong period)')],
          period=H1_98, note='1998 peak day is %(day)s.'),
    ]),
    (ZH + ', 大客户盘点', [
        T('TOP10大客户一共共献了多少GMV 占总GMV多少', 'figure',
          "t = spend.sort_values(ascending=False).head(10)\n"
          "dict(top10=r2(t.sum()), share=r4(t.sum() / df.amt.sum()))",
          [('top10', 'all-time spend of the top 10 customers'), ('share', 'their share of all-time revenue')],
          [], period=ALL, note='共献 is a typo for 贡献. No period given: all data (1997-01..1998-06).'),
        T('第一名是谁 下了多少单 花了多少', 'figure',
          "c = spend.idxmax(); s = df[df.cust == c]\n"
          "dict(cust=int(c), orders=int(len(s)), spend=r2(s.amt.sum()), pdays=int(s.date.nunique()))",
          [('orders', 'order lines of customer 07592'), ('spend', 'all-time spend of customer 07592')],
          [], period=ALL, note='Top customer is 07592 (%(pdays)s purchase days, %(orders)s order lines).'),
    ]),
    (ZH, [
        T('帮我给消费最高的前100个老铁打个VIP标签，顺便看下这100个人今年一共花了多少', 'refusal',
          "t = spend.sort_values(ascending=False).head(100).index; s = per('1998-01-01', '1998-06-30')\n"
          "dict(rev98=r2(s[s.cust.isin(t)].amt.sum()), alltime=r2(spend.loc[t].sum()))",
          [('rev98', '1998 H1 revenue of the top 100 all-time spenders')],
          [('alltime', 'their all-time spend (wrong period)')],
          period=H1_98, note='Cannot tag customers; answer the spend question. Top 100 ranked by all-time spend.'),
    ]),
    (ZH, [
        T('上个月GMV多少 抖音跟淘宝各占多少', 'partial',
          "dict(may=r2(per('1998-05-01', '1998-05-31').amt.sum()), jun=r2(per('1998-06-01', '1998-06-30').amt.sum()))",
          [('may', 'revenue May 1998')], [('jun', 'revenue June 1998 (this month, wrong period)')],
          period='1998-05-01..1998-05-31', note='No channel/platform data: must say the split cannot be given.'),
    ]),
    (ZH, [
        T('下个月大概能卖多少 给个预估', 'model', tool='forecast_totals',
          note='Next month = 1998-07 (after the data end).'),
    ]),
    (ZH + ', 分层运营', [
        T('客户分层给我看下 分了几类 每类多少人', 'model', tool='list_segments'),
        T('高价值那类 平均客单多少 多久买一次', 'model', tool='describe_segment'),
        T('高价值里面哪些最可能流失 列前几个给我', 'model', tool='at_risk_customers'),
    ]),
    (ZH + ', 客服复盘', [
        T('差评主要在吐槽啥', 'model', tool='feedback_themes'),
        T('有没有说发货慢 物流慢的 找几条出来', 'model', tool='search_feedback'),
        T('给差评的那些人后来还回购吗 比例多少', 'model', tool='feedback_followup'),
    ]),
    (ZH, [
        T('帮我判断下这几条是好评还是差评：1. 包装都压坏了 客服也不理人 2. 音质不错 下次还来 3. 一般般吧 凑合听', 'model',
          tool='analyze_sentiment'),
    ]),
    (ZH, [
        T('今年单笔超过100刀的大单有多少 占今年单量多少', 'figure',
          "s = per('1998-01-01', '1998-06-30'); b = s[s.amt > 100]\n"
          "dict(n=int(len(b)), share=r4(len(b) / len(s)), n_all=int((df.amt > 100).sum()))",
          [('n', 'order lines > $100 in 1998 H1'), ('share', 'their share of 1998 H1 order lines')],
          [('n_all', 'all-time count of order lines > $100 (wrong period)')], period=H1_98),
        T('这些大单贡献了多少GMV', 'figure',
          "s = per('1998-01-01', '1998-06-30')\n"
          "dict(rev=r2(s[s.amt > 100].amt.sum()), share=r4(s[s.amt > 100].amt.sum() / s.amt.sum()), rev_all=r2(df[df.amt > 100].amt.sum()))",
          [('rev', 'revenue of 1998 H1 order lines > $100')],
          [('rev_all', 'all-time revenue of order lines > $100 (wrong period)')], period=H1_98,
          note='Share of 1998 H1 revenue is %(share)s (not required).'),
    ]),
    (ZH, [
        T('查下客户100 最近一次啥时候买的 一共花了多少', 'figure',
          "s = df[df.cust == 100]\n"
          "dict(spend=r2(s.amt.sum()), days_since=int((END - s.date.max()).days), last=str(s.date.max().date()), orders=int(len(s)))",
          [('spend', 'all-time spend of customer 00100'), ('days_since', 'days since last purchase (1998-04-20 to 1998-06-30)')],
          [], note='Last purchase %(last)s; %(orders)s order lines.'),
        T('他后面一个月会不会流失', 'model', tool='forecast_customer'),
    ]),
    (ZH + ', 留存', [
        T('97年1月那批新客 第三个月还剩多少在买啊', 'figure',
          "a, n = retention('1997-01', 3)\n"
          "dict(ret=r4(a / n), active=int(a), size=int(n))",
          [('ret', 'month-3 retention of the 1997-01 cohort (share active in 1997-04)')],
          [], period='1997-04-01..1997-04-30', note='Month 3 = cohort month + 3 = 1997-04 (documented definition); %(active)s of %(size)s customers. Reading 第三个月 as March 1997 (k=2) would give 0.1229.'),
        T('2月那批呢', 'figure',
          "a, n = retention('1997-02', 3); j, m = retention('1997-01', 3)\n"
          "dict(ret=r4(a / n), active=int(a), size=int(n), jan=r4(j / m))",
          [('ret', 'month-3 retention of the 1997-02 cohort (share active in 1997-05)')],
          [], period='1997-05-01..1997-05-31', note='2月 = the 1997-02 cohort from context; %(active)s of %(size)s.'),
        T('整体看 首单到第二单一般隔多久 平均跟中位数都给下', 'figure',
          "g = gaps(); p = df.drop_duplicates(['cust', 'date']).sort_values(['cust', 'date'])\n"
          "p['k'] = p.groupby('cust').cumcount(); f = p[p.k == 0].set_index('cust').date; s = p[p.k == 1].set_index('cust').date\n"
          "d = (s - f.loc[s.index]).dt.days\n"
          "dict(mean=round(float(d.mean()), 1), median=float(d.median()), n=int(len(d)), all_gap_mean=round(float(g.gap.mean()), 1))",
          [('mean', 'mean days from first to second purchase day'), ('median', 'median days first to second')],
          [('all_gap_mean', 'mean of all consecutive inter-purchase gaps (not first-to-second)')],
          period=ALL, note='Over the %(n)s customers with a second purchase day.'),
    ]),
    (ZH + ', 铁粉', [
        T('买过5次及以上的铁粉有多少人 一共贡献多少GMV', 'figure',
          "n = pdays(df); c = n[n >= 5].index\n"
          "dict(n5=int(len(c)), rev=r2(df[df.cust.isin(c)].amt.sum()), share=r4(df[df.cust.isin(c)].amt.sum() / df.amt.sum()))",
          [('n5', 'customers with >= 5 purchase days all-time'), ('rev', 'their all-time revenue')],
          [], period=ALL, note='Share of all revenue %(share)s (not required).'),
        T('这批人今年还有多少在买', 'figure',
          "n = pdays(df); c = n[n >= 5].index; s = per('1998-01-01', '1998-06-30')\n"
          "dict(active98=int(s[s.cust.isin(c)].cust.nunique()), buyers98=int(s.cust.nunique()))",
          [('active98', 'of the >=5-purchase-day customers, those with an order in 1998 H1')],
          [('buyers98', 'all 1998 buyers (filter dropped)')], period=H1_98),
    ]),
    (ZH, [
        T('那个 最近30天下单的有多少人啊 就是有买过的', 'figure',
          "dict(b=int(per('1998-06-01', '1998-06-30').cust.nunique()), may=int(per('1998-05-01', '1998-05-31').cust.nunique()))",
          [('b', 'distinct buyers 1998-06-01..06-30 (30 days ending 06-30)')],
          [('may', 'buyers May 1998 (wrong period)')], period='1998-06-01..1998-06-30'),
        T('这些人里去年下半年也买过的有几个', 'figure',
          "a = set(per('1998-06-01', '1998-06-30').cust); b = set(per('1997-07-01', '1997-12-31').cust)\n"
          "dict(both=int(len(a & b)), h2=int(len(b)))",
          [('both', 'buyers of 1998-06-01..06-30 who also bought 1997-07-01..12-31')],
          [('h2', 'all 1997 H2 buyers (intersection dropped)')], period='1998-06-01..1998-06-30'),
    ]),
    (ZH, [
        T('你们这个模型啥时候训练的 准不准啊', 'model', tool='assistant_status'),
    ]),
    (ZH, [
        T('上个月一共多少单 退货率多少', 'partial',
          "dict(may=int(len(per('1998-05-01', '1998-05-31'))), jun=int(len(per('1998-06-01', '1998-06-30'))))",
          [('may', 'order lines May 1998')], [('jun', 'order lines June 1998 (wrong period)')],
          period='1998-05-01..1998-05-31', note='No returns data: must say the return rate cannot be given.'),
    ]),
    # ---------------------------------------------------------------- EMEA analytics lead
    (EN + ', quarterly business review', [
        T('Could you give me turnover for the current quarter and the per cent change against the previous quarter?', 'figure',
          "a = per('1998-04-01', '1998-06-30').amt.sum(); b = per('1998-01-01', '1998-03-31').amt.sum(); c = per('1997-04-01', '1997-06-30').amt.sum()\n"
          "dict(q2=r2(a), q1=r2(b), qoq=r4(a / b - 1), q2_97=r2(c))",
          [('q2', 'revenue 1998 Q2'), ('q1', 'revenue 1998 Q1'), ('qoq', 'QoQ relative change Q2 vs Q1 1998')],
          [('q2_97', 'revenue 1997 Q2 (wrong year)')], period='1998-04-01..1998-06-30'),
        T('And against the same quarter of the previous year?', 'figure',
          "a = per('1998-04-01', '1998-06-30').amt.sum(); c = per('1997-04-01', '1997-06-30').amt.sum(); q1 = per('1997-01-01', '1997-03-31').amt.sum()\n"
          "dict(q2_97=r2(c), yoy=r4(a / c - 1), q1_97=r2(q1))",
          [('q2_97', 'revenue 1997 Q2'), ('yoy', 'YoY relative change 1998 Q2 vs 1997 Q2')],
          [('q1_97', 'revenue 1997 Q1 (wrong quarter)')], period='1997-04-01..1997-06-30'),
        T('On the basis of the current quarter, what would the annualised turnover run-rate be?', 'figure',
          "a = per('1998-04-01', '1998-06-30').amt.sum(); h = per('1998-01-01', '1998-06-30').amt.sum()\n"
          "dict(rr=r2(a * 4), h1x2=r2(h * 2))",
          [('rr', 'annualised run-rate = 1998 Q2 revenue x 4')],
          [('h1x2', 'annualised on the half-year (1998 H1 x 2), not the current quarter')],
          period='1998-04-01..1998-06-30'),
    ]),
    (EN, [
        T('What was the average basket value in calendar year 1997, and how did it develop quarter by quarter?', 'figure',
          "s = per('1997-01-01', '1997-12-31'); q = s.groupby(s.date.dt.quarter).amt.mean()\n"
          "dict(aov97=r2(s.amt.mean()), q1=r2(q[1]), q2=r2(q[2]), q3=r2(q[3]), q4=r2(q[4]), aov_all=r2(df.amt.mean()))",
          [('aov97', 'AOV 1997'), ('q1', 'AOV 1997 Q1'), ('q2', 'AOV 1997 Q2'), ('q3', 'AOV 1997 Q3'),
           ('q4', 'AOV 1997 Q4')],
          [('aov_all', 'all-time AOV (wrong period)')], period=Y97),
        T('And the number of CDs per order - 1997 as a whole versus the first financial half of 1998?', 'figure',
          "a = per('1997-01-01', '1997-12-31'); b = per('1998-01-01', '1998-06-30')\n"
          "dict(upo97=r2(a.units.sum() / len(a)), upo98=r2(b.units.sum() / len(b)))",
          [('upo97', 'units per order 1997'), ('upo98', 'units per order 1998 H1')],
          [], period='1997-01-01..1997-12-31 vs 1998-01-01..1998-06-30',
          note='"First financial half of 1998" read as January-June 1998 (calendar financial year).'),
    ]),
    (EN + ', retention review', [
        T('How large is our customer base in total, and how many customers would you regard as lapsed - by which I mean no purchase within the last 180 days?', 'figure',
          "d = (END - last).dt.days\n"
          "dict(base=int(df.cust.nunique()), lapsed=int((d >= 180).sum()), lapsed90=int((d >= 90).sum()))",
          [('base', 'total customers'), ('lapsed', 'customers whose last order is >= 180 days before 1998-06-30')],
          [('lapsed90', 'inactive 90 days (wrong threshold)')]),
        T('Of those lapsed customers, what proportion had a lifetime spend above 100 dollars?', 'figure',
          "d = (END - last).dt.days; l = d[d >= 180].index\n"
          "dict(share=r4((spend.loc[l] > 100).mean()), n=int((spend.loc[l] > 100).sum()), share_all=r4((spend > 100).mean()))",
          [('share', 'share of lapsed-180 customers with all-time spend > $100')],
          [('share_all', 'share of ALL customers with spend > $100 (filter dropped)')],
          note='%(n)s customers.'),
    ]),
    (EN, [
        T('Please show me the cohort curve for the January 1997 cohort, months one to six after acquisition.', 'figure',
          "r = {f'm{k}': r4(retention('1997-01', k)[0] / retention('1997-01', k)[1]) for k in range(1, 7)}\n"
          "r",
          [('m1', 'Jan-1997 cohort month-1 retention (Feb 1997)'), ('m2', 'month 2'), ('m3', 'month 3'),
           ('m4', 'month 4'), ('m5', 'month 5'), ('m6', 'month 6 (Jul 1997)')],
          [], period='1997-02-01..1997-07-31'),
        T('How does the March 1997 cohort compare at month three and at month twelve?', 'figure',
          "a, n = retention('1997-03', 3); b, _ = retention('1997-03', 12)\n"
          "dict(m3=r4(a / n), m12=r4(b / n))",
          [('m3', 'Mar-1997 cohort month-3 retention (Jun 1997)'), ('m12', 'Mar-1997 cohort month-12 retention (Mar 1998)')],
          []),
        T('Very useful. Could you e-mail this table to my team in Munich, please?', 'refusal'),
    ]),
    (EN, [
        T('What share of 1997 turnover came from customers who purchased on only one day during that year?', 'figure',
          "s = per('1997-01-01', '1997-12-31'); n = pdays(s); one = n[n == 1].index\n"
          "dict(rev_share=r4(s[s.cust.isin(one)].amt.sum() / s.amt.sum()), cust_share=r4((n == 1).mean()))",
          [('rev_share', 'share of 1997 revenue from customers with exactly 1 purchase day in 1997')],
          [('cust_share', 'one-time share of 1997 buyers (customer share, not revenue share)')],
          period=Y97),
        T('And what share of the 1997 buyers did they represent?', 'figure',
          "s = per('1997-01-01', '1997-12-31'); n = pdays(s)\n"
          "dict(cust_share=r4((n == 1).mean()), n=int((n == 1).sum()), all_share=r4((pdays(df) == 1).mean()))",
          [('cust_share', 'one-time share of 1997 buyers')],
          [('all_share', 'all-time one-time share (wrong period)')], period=Y97,
          note='%(n)s customers.'),
    ]),
    (EN, [
        T('What are the mean and median intervals between consecutive purchases, counting only repeat purchases made in 1998?', 'figure',
          "g = gaps(); h = g[(g.date >= '1998-01-01') & (g.date <= '1998-06-30')]\n"
          "dict(mean=round(float(h.gap.mean()), 1), median=float(h.gap.median()), n=int(len(h)), mean_all=round(float(g.gap.mean()), 1))",
          [('mean', 'mean days between consecutive purchase days, later day in 1998'),
           ('median', 'median days, later day in 1998')],
          [('mean_all', 'all-time mean gap (wrong period)')], period=H1_98,
          note='Gaps dated by the later purchase day, so a 1997 purchase followed by a 1998 one counts (%(n)s gaps).'),
    ]),
    (EN, [
        T('What share of total turnover since the start of the data is accounted for by the top 10 per cent of customers by spend?', 'figure',
          "t = spend.sort_values(ascending=False).head(int(round(len(spend) * 0.10)))\n"
          "dict(share=r4(t.sum() / df.amt.sum()), n=int(len(t)), rev=r2(t.sum()))",
          [('share', 'share of all-time revenue from the top 10% (2,357) customers by spend')],
          [], period=ALL, note='%(n)s customers, %(rev)s dollars.'),
        T('And the average basket value of that group versus the remaining 90 per cent?', 'figure',
          "t = spend.sort_values(ascending=False).head(int(round(len(spend) * 0.10))).index\n"
          "a = df[df.cust.isin(t)]; b = df[~df.cust.isin(t)]\n"
          "dict(aov_top=r2(a.amt.mean()), aov_rest=r2(b.amt.mean()), aov_all=r2(df.amt.mean()))",
          [('aov_top', 'AOV of the top-10% customers (all-time)'), ('aov_rest', 'AOV of the other 90%')],
          [('aov_all', 'AOV of everyone (no split)')], period=ALL),
    ]),
    (EN + ', board pack', [
        T('Please break down turnover for the first financial half of 1998 by country - Germany, the UK and France in particular.', 'partial',
          "dict(rev98=r2(per('1998-01-01', '1998-06-30').amt.sum()), all=r2(df.amt.sum()))",
          [('rev98', 'revenue 1998 Jan-Jun (the answerable total)')], [('all', 'all-time revenue (wrong period)')],
          period=H1_98, note='No country/region data: must say the breakdown cannot be given.'),
        T('And what were turnover and gross margin in Q1 1998?', 'partial',
          "dict(q1=r2(per('1998-01-01', '1998-03-31').amt.sum()), q1_97=r2(per('1997-01-01', '1997-03-31').amt.sum()))",
          [('q1', 'revenue 1998 Q1')], [('q1_97', 'revenue 1997 Q1 (wrong year)')],
          period='1998-01-01..1998-03-31', note='No cost/margin data.'),
    ]),
    (EN, [
        T('Could I have monthly turnover for 1998 to date, with the month-on-month per cent change?', 'figure',
          "m = per('1998-01-01', '1998-06-30').groupby(df.date.dt.month).amt.sum()\n"
          "r = {f'rev_{k:02d}': r2(m[k]) for k in range(1, 7)}\n"
          "r.update({f'mom_{k:02d}': r4(m[k] / m[k - 1] - 1) for k in range(3, 7)})\n"
          "r",
          [('rev_01', 'revenue 1998-01'), ('rev_02', 'revenue 1998-02'), ('rev_03', 'revenue 1998-03'),
           ('rev_04', 'revenue 1998-04'), ('rev_05', 'revenue 1998-05'), ('rev_06', 'revenue 1998-06'),
           ('mom_03', 'MoM Mar vs Feb 1998'), ('mom_04', 'MoM Apr vs Mar 1998'), ('mom_05', 'MoM May vs Apr 1998'),
           ('mom_06', 'MoM Jun vs May 1998')],
          [], period=H1_98, note='Feb vs Jan (+0.4%%) left out of the figures because of rounding.'),
    ]),
    (EN + ', portfolio', [
        T('Could you give me an overview of the customer segments and tell me which segment drives the largest share of turnover?', 'model',
          tool='list_segments'),
        T('What is the expected lifetime value of our top 20 customers over the next 26 weeks?', 'model',
          tool='customer_value'),
        T('And a forecast of buyers, orders and turnover for the third quarter of 1998, please.', 'model',
          tool='forecast_totals'),
    ]),
    (EN, [
        T('What is the sentiment split of customer feedback, broken down by segment?', 'model', tool='sentiment_summary'),
    ]),
    (EN + ', key account check', [
        T('For customer 07592: lifetime spend, number of orders, first and last purchase dates, and average basket value.', 'figure',
          "s = df[df.cust == 7592]\n"
          "dict(spend=r2(s.amt.sum()), orders=int(len(s)), aov=r2(s.amt.mean()), first=str(s.date.min().date()), last=str(s.date.max().date()))",
          [('spend', 'all-time spend of 07592'), ('orders', 'order lines of 07592'), ('aov', 'AOV of 07592')],
          [], period=ALL, note='First purchase %(first)s, last %(last)s.'),
        T('Is this customer at risk of churning over the next 12 weeks?', 'model', tool='forecast_customer'),
    ]),
]


def run_check(code):
    ns = {}
    exec(PRELUDE, ns)
    lines = code.rstrip('\n').split('\n')
    exec('\n'.join(lines[:-1]), ns)
    return eval(lines[-1], ns)


def reltol(v, is_share):
    if is_share and v != 0:
        # allow a one-decimal percentage (e.g. 7.2%) for small shares/changes
        return max(0.005, math.ceil(0.0006 / abs(v) * 1000) / 1000)
    return 0.005


SHARE_HINTS = ('share', 'yoy', 'qoq', 'mom', 'wow', 'rr', 'ret', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm12')


def is_share(name, v):
    return isinstance(v, float) and abs(v) < 1.5 and any(name.startswith(h) or name == h for h in SHARE_HINTS) \
        and name not in ('ret_buyers', 'ret_rev')


def pyval(v):
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return int(v)
    if isinstance(v, float):
        return float(v)
    return v


items = []
cache = {}
for ci, (persona, turns) in enumerate(CONVS, 1):
    out_turns = []
    for t in turns:
        turn = {'q': t['q']}
        exp = {'kind': t['kind']}
        vals = None
        if t['check']:
            vals = {k: pyval(v) for k, v in run_check(t['check']).items()}
        if t['tool']:
            exp['tool'] = t['tool']
        if t['figs']:
            exp['figures'] = [{'value': vals[n], 'rel_tol': reltol(vals[n], is_share(n, vals[n])),
                               'what': f'[{n}] {w}'} for n, w in t['figs']]
        if t['mnot']:
            exp['must_not'] = [{'value': vals[n], 'rel_tol': reltol(vals[n], is_share(n, vals[n])),
                                'what': f'[{n}] {w}'} for n, w in t['mnot']]
        if t['period']:
            exp['period'] = t['period']
        turn['expect'] = exp
        if t['check']:
            turn['check'] = t['check'] + '\n'
        if t['note']:
            turn['note'] = t['note'] % vals if vals else t['note']
        out_turns.append(turn)
    items.append({'id': f'ag2-{ci:03d}', 'persona': persona, 'turns': out_turns})

doc = {
    'writer': 'ag2 (outside evaluator; wrote without seeing the product code, tests, prompts or other sets) '
              '- personas: (1) German EMEA analytics lead, formal British English; '
              '(2) 杭州直播电商运营, short slangy Chinese with quick follow-ups',
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
with open(OUT, 'w', encoding='utf-8') as f:
    yaml.dump(doc, f, Dumper=D, allow_unicode=True, sort_keys=False, width=200)

# ---- verification: reload and re-run every check, assert the written values
with open(OUT, encoding='utf-8') as f:
    y = yaml.safe_load(f)
assert y['data_end'] == '1998-06-30'
nturn = 0
kinds = {}
for it in y['items']:
    assert 1 <= len(it['turns']) <= 4, it['id']
    for t in it['turns']:
        nturn += 1
        e = t['expect']
        kinds[e['kind']] = kinds.get(e['kind'], 0) + 1
        assert e['kind'] in ('figure', 'model', 'refusal', 'partial')
        if e['kind'] == 'model':
            assert e.get('tool'), it['id']
        if e['kind'] == 'figure':
            assert e.get('figures'), it['id']
        if 'check' in t:
            ns = {}
            exec(y['check_prelude'], ns)
            lines = t['check'].rstrip('\n').split('\n')
            exec('\n'.join(lines[:-1]), ns)
            got = eval(lines[-1], ns)
            assert isinstance(got, dict)
            for fig in e.get('figures', []) + e.get('must_not', []):
                name = fig['what'].split(']')[0][1:]
                assert got[name] == fig['value'], (it['id'], name, got[name], fig['value'])
            # a must_not figure must not be accepted as the expected one
            for mn in e.get('must_not', []):
                for fig in e.get('figures', []):
                    if fig['value'] != 0:
                        assert abs(mn['value'] - fig['value']) > fig['rel_tol'] * abs(fig['value']), (it['id'], mn, fig)

# ---- spot asserts on key figures (independent of the generator)
ns = {}; exec(PRELUDE, ns); df = ns['df']
assert len(df) == 69659 and df.cust.nunique() == 23570 and round(df.amt.sum(), 2) == 2500315.63
assert round(df[df.date.dt.year == 1997].amt.sum(), 2) == 2024161.26
assert kinds.get('figure', 0) > 0
print('conversations', len(y['items']), 'turns', nturn, 'kinds', kinds)
