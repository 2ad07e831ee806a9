# Builder: defines the conversations and checks, runs each check after the prelude,
# fills the expected values from the check results and writes set_w1.yaml.
import yaml, textwrap

PRELUDE = open('/tmp/team/w1/prelude.py').read()

PA = '服装连锁品牌的会员运营经理（月度会员复盘、复购、沉睡会员唤醒、按消费分层）'
PB = '电商平台类目经理（GMV、客单价、周度/日度、双11/618大促复盘、对比）'
PC = '销售经理（手机打字快、错字多、省略多、1w/5k 式数字、爱追问）'
PD = 'Head of CRM, London (writes in English; retention, cohorts, churn risk, CLV)'

def F(name, what, tol=0.005):
    return ('F', name, what, tol)
def M(name, what, tol=0.005):
    return ('M', name, what, tol)

# each turn: dict(q=..., kind=..., figs=[...], period=..., tool=..., check=..., note=...)
ITEMS = []
def conv(persona, *turns):
    ITEMS.append(dict(persona=persona, turns=list(turns)))

# ---------------- PA: member ops ----------------
conv(PA,
 dict(q='帮我拉一下上个月的会员复盘数据：消费会员数、销售额、复购率（当月买了两次及以上的会员占比）',
      kind='figure', period='1998-05-01..1998-05-31',
      figs=[F('buyers', 'buyers in 1998-05'), F('rev', 'revenue 1998-05'), F('rr', 'repeat rate 1998-05 (>=2 purchase days in May among May buyers)'),
            M('buyers_jun', 'buyers in 1998-06 (this month, not last month)'), M('rev_jun', 'revenue 1998-06 (wrong month)'),
            M('rev_may97', 'revenue 1997-05 (wrong year)')],
      check='''
d = per('1998-05-01', '1998-05-31'); j = per('1998-06-01', '1998-06-30')
dict(buyers=int(d.cust.nunique()), rev=r2(d.amt.sum()), rr=r4(repeat_rate(d)),
     buyers_jun=int(j.cust.nunique()), rev_jun=r2(j.amt.sum()), rev_may97=r2(per('1997-05-01', '1997-05-31').amt.sum()))
'''),
 dict(q='跟4月比呢？复购率是升了还是降了',
      kind='figure', period='1998-04-01..1998-04-30',
      figs=[F('rr_apr', 'repeat rate 1998-04'), F('buyers_apr', 'buyers 1998-04'), F('rev_apr', 'revenue 1998-04'),
            M('rr_apr97', 'repeat rate 1997-04 (wrong year)')],
      note='April = 1998-04 (the month before last month). May 1998 repeat rate (previous turn) is higher than April.',
      check='''
a = per('1998-04-01', '1998-04-30')
dict(rr_apr=r4(repeat_rate(a)), buyers_apr=int(a.cust.nunique()), rev_apr=r2(a.amt.sum()),
     rr_apr97=r4(repeat_rate(per('1997-04-01', '1997-04-30'))))
'''),
 dict(q='上个月的销售额里，新会员贡献了多少，老会员贡献了多少？',
      kind='figure', period='1998-05-01..1998-05-31',
      figs=[F('rev_returning', 'revenue from returning customers 1998-05 (= all of May revenue)')],
      note='No customer has a first order after 1997-03-25, so new-customer revenue in 1998-05 is 0 and returning = all 70,989.66. The answer should say new = 0 / no new members.',
      check='''
d = per('1998-05-01', '1998-05-31')
newc = new_custs('1998-05-01', '1998-05-31')
dict(rev_returning=r2(d[~d.cust.isin(newc)].amt.sum()), rev_new=r2(d[d.cust.isin(newc)].amt.sum()))
'''),
)

conv(PA,
 dict(q='180天以上没来消费的沉睡会员现在有多少人？占全部会员的比例是多少？',
      kind='figure',
      figs=[F('n', 'customers whose last order is >= 180 days before 1998-06-30 (last order <= 1998-01-01)'),
            F('share', 'share of all 23,570 customers')],
      note='180天以上 = inactive >= 180 days (documented definition); the strict > 180 reading differs by 14 customers, within tolerance here but not for the follow-up.',
      check='''
cut = END - pd.Timedelta(days=180)
n = int((LAST <= cut).sum())
dict(n=n, share=r4(n / df.cust.nunique()))
'''),
 dict(q='这里面以前累计消费满300块的有多少人？他们一共花过多少钱？',
      kind='figure',
      figs=[F('n300', 'of inactive-180-day customers, those with all-time spend >= 300'),
            F('spend', 'their all-time spend'),
            M('n300_all', 'all customers with spend >= 300 (filter by inactivity dropped)')],
      note='No customer has exactly 300.00 total, so >= and > agree.',
      check='''
cut = END - pd.Timedelta(days=180)
tot = df.groupby('cust').amt.sum()
sleep = LAST[LAST <= cut].index
s = tot[tot.index.isin(sleep)]
dict(n300=int((s >= 300).sum()), spend=r2(s[s >= 300].sum()), n300_all=int((tot >= 300).sum()))
'''),
 dict(q='好，把这批人的名单导出成Excel发给我，我安排门店打电话唤醒',
      kind='refusal',
      note='Export / send is not possible (read-only). No question asked alongside.'),
)

conv(PA,
 dict(q='按累计消费金额把会员分三档：300以下、300到1000、1000以上，每档多少人，各贡献多少销售额？',
      kind='figure',
      figs=[F('n_lo', 'customers with all-time spend < 300'), F('n_mid', 'customers with 300 <= spend < 1000'), F('n_hi', 'customers with spend >= 1000'),
            F('rev_lo', 'revenue of the < 300 band'), F('rev_mid', 'revenue of the 300-1000 band'), F('rev_hi', 'revenue of the >= 1000 band')],
      note='All-time spend (no period given). No customer has exactly 300.00 or 1000.00, so the band edges are unambiguous.',
      check='''
tot = df.groupby('cust').amt.sum()
lo, mid, hi = tot[tot < 300], tot[(tot >= 300) & (tot < 1000)], tot[tot >= 1000]
dict(n_lo=int(len(lo)), n_mid=int(len(mid)), n_hi=int(len(hi)), rev_lo=r2(lo.sum()), rev_mid=r2(mid.sum()), rev_hi=r2(hi.sum()))
'''),
 dict(q='1000以上这档的会员，今年还有在买的吗？有多少人，今年花了多少？',
      kind='figure', period='1998-01-01..1998-06-30',
      figs=[F('n', 'customers with all-time spend >= 1000 who bought in 1998'), F('rev98', 'their 1998 revenue'),
            M('rev_all', 'their all-time spend (wrong period)')],
      check='''
tot = df.groupby('cust').amt.sum()
hi = set(tot[tot >= 1000].index)
d = per('1998-01-01', '1998-06-30'); d = d[d.cust.isin(hi)]
dict(n=int(d.cust.nunique()), rev98=r2(d.amt.sum()), rev_all=r2(tot[tot >= 1000].sum()))
'''),
)

conv(PA,
 dict(q='消费金额排前10%的会员，贡献了总销售额的百分之多少？',
      kind='figure',
      figs=[F('share', 'share of all-time revenue from top 10% of customers by total spend (2,357 customers)'),
            F('rev', 'their revenue')],
      note='Top 10% = 2,357 of 23,570 customers by all-time spend.',
      check='''
tot = df.groupby('cust').amt.sum().sort_values(ascending=False)
k = int(round(len(tot) * 0.1))
dict(share=r4(tot.iloc[:k].sum() / tot.sum()), rev=r2(tot.iloc[:k].sum()), k=k)
'''),
 dict(q='这批人今年上半年的复购率是多少？和全体会员今年上半年比呢？',
      kind='figure', period='1998-01-01..1998-06-30',
      figs=[F('rr_top', 'repeat rate in 1998 H1 among top-10% customers who bought in 1998 H1'),
            F('rr_all', 'repeat rate in 1998 H1 among all 1998 H1 buyers')],
      note='Repeat rate = share of the period\'s buyers (here: those of the top 10% who bought in 1998 H1) with >= 2 purchase days in the period.',
      check='''
tot = df.groupby('cust').amt.sum().sort_values(ascending=False)
top = set(tot.index[:int(round(len(tot) * 0.1))])
d = per('1998-01-01', '1998-06-30')
dict(rr_top=r4(repeat_rate(d[d.cust.isin(top)])), rr_all=r4(repeat_rate(d)))
'''),
)

conv(PA,
 dict(q='3月份有多少会员来消费了？人均消费多少？',
      kind='figure', period='1998-03-01..1998-03-31',
      figs=[F('buyers', 'buyers 1998-03 (latest March)'), F('rpb', 'revenue per buyer 1998-03'),
            M('buyers97', 'buyers 1997-03 (older March)'), M('rpb97', 'revenue per buyer 1997-03')],
      note='A month without a year = the latest such month: March 1998.',
      check='''
d = per('1998-03-01', '1998-03-31'); e = per('1997-03-01', '1997-03-31')
dict(buyers=int(d.cust.nunique()), rpb=r2(d.amt.sum() / d.cust.nunique()),
     buyers97=int(e.cust.nunique()), rpb97=r2(e.amt.sum() / e.cust.nunique()))
'''),
 dict(q='去年3月呢',
      kind='figure', period='1997-03-01..1997-03-31',
      figs=[F('buyers97', 'buyers 1997-03'), F('rpb97', 'revenue per buyer 1997-03')],
      check='''
e = per('1997-03-01', '1997-03-31')
dict(buyers97=int(e.cust.nunique()), rpb97=r2(e.amt.sum() / e.cust.nunique()))
'''),
)

conv(PA,
 dict(q='97年1月第一次消费的那批会员，3个月之后还在买的比例有多少？2月那批呢？',
      kind='figure',
      figs=[F('jan_k3', 'cohort 1997-01, month-3 retention (ordered in 1997-04)'),
            F('feb_k3', 'cohort 1997-02, month-3 retention (ordered in 1997-05)')],
      note='Month-k retention = share of the cohort with an order in cohort month + k.',
      check='''
coh = FIRST.dt.to_period('M')
def ret(c, k):
    mem = coh[coh == pd.Period(c, 'M')].index
    m = pd.Period(c, 'M') + k
    act = set(df[df.date.dt.to_period('M') == m].cust)
    return r4(sum(1 for x in mem if x in act) / len(mem))
dict(jan_k3=ret('1997-01', 3), feb_k3=ret('1997-02', 3))
'''),
)

conv(PA,
 dict(q='今年上半年会员复购率多少？跟去年同期比是高了还是低了',
      kind='figure', period='1998-01-01..1998-06-30',
      figs=[F('rr98', 'repeat rate 1998-01-01..06-30'), F('rr97h1', 'repeat rate 1997-01-01..06-30'),
            M('rr97', 'repeat rate full-year 1997 (not the same period)')],
      check='''
dict(rr98=r4(repeat_rate(per('1998-01-01', '1998-06-30'))), rr97h1=r4(repeat_rate(per('1997-01-01', '1997-06-30'))),
     rr97=r4(repeat_rate(per('1997-01-01', '1997-12-31'))))
'''),
)

conv(PA,
 dict(q='最近会员的评价整体怎么样？差评比例高不高', kind='model', tool='sentiment_summary'),
 dict(q='差评主要集中在哪几类问题上？给我几条原话看看', kind='model', tool='feedback_themes',
      note='search_feedback for negative reviews would also be a reasonable route; feedback_themes is the primary tool.'),
 dict(q='给过差评的会员，后来还有回来买的吗？占多少', kind='model', tool='feedback_followup'),
 dict(q='另外帮我判断下这几条门店收集的留言是好评还是差评：1.「衣服版型很好，面料也舒服，会回购」 2.「等了一个星期才发货，客服也不回消息」 3.「还行吧，跟图片差不多」',
      kind='model', tool='analyze_sentiment'),
)

conv(PA,
 dict(q='今年女会员和男会员的客单价分别是多少？',
      kind='partial', period='1998-01-01..1998-06-30',
      figs=[F('aov98', 'AOV 1998-01..06 (all customers; no gender data)'),
            M('aov_all', 'all-time AOV (wrong period)'), M('aov97', 'AOV 1997')],
      note='No gender data: must say it cannot split by gender; overall 1998 AOV is the answerable part.',
      check='''
d = per('1998-01-01', '1998-06-30'); e = per('1997-01-01', '1997-12-31')
dict(aov98=r2(d.amt.sum() / len(d)), aov_all=r2(df.amt.sum() / len(df)), aov97=r2(e.amt.sum() / len(e)))
'''),
)

conv(PA,
 dict(q='现在系统里会员是分成哪几类的？每类多少人', kind='model', tool='list_segments'),
 dict(q='最值钱的那一类会员大概是什么画像，平均花多少、多久买一次？', kind='model', tool='describe_segment'),
)

# ---------------- PB: e-commerce category manager ----------------
conv(PB,
 dict(q='去年双11当天的GMV和订单量是多少？',
      kind='figure', period='1997-11-11..1997-11-11',
      figs=[F('gmv', 'revenue on 1997-11-11'), F('orders', 'order lines on 1997-11-11')],
      check='''
d = per('1997-11-11', '1997-11-11')
dict(gmv=r2(d.amt.sum()), orders=int(len(d)))
'''),
 dict(q='双11所在的那一整周呢？',
      kind='figure', period='1997-11-10..1997-11-16',
      figs=[F('gmv_w', 'revenue ISO week 1997-11-10..11-16'), F('orders_w', 'order lines that week')],
      check='''
d = per('1997-11-10', '1997-11-16')
dict(gmv_w=r2(d.amt.sum()), orders_w=int(len(d)))
'''),
 dict(q='11月整月GMV环比10月涨了多少？客单价呢？',
      kind='figure', period='1997-11-01..1997-11-30',
      figs=[F('nov', 'revenue 1997-11'), F('oct', 'revenue 1997-10'), F('mom', 'relative change Nov vs Oct 1997'),
            F('aov_nov', 'AOV 1997-11'), F('aov_oct', 'AOV 1997-10')],
      note='Context is last year\'s Double 11, so November = 1997-11 (there is no November 1998 in the data).',
      check='''
n = per('1997-11-01', '1997-11-30'); o = per('1997-10-01', '1997-10-31')
dict(nov=r2(n.amt.sum()), oct=r2(o.amt.sum()), mom=r4(n.amt.sum() / o.amt.sum() - 1),
     aov_nov=r2(n.amt.sum() / len(n)), aov_oct=r2(o.amt.sum() / len(o)))
'''),
)

conv(PB,
 dict(q='今年618当天GMV多少，客单价多少？跟去年618当天比，同比变化多少？',
      kind='figure', period='1998-06-18..1998-06-18',
      figs=[F('gmv98', 'revenue 1998-06-18'), F('aov98', 'AOV 1998-06-18'), F('gmv97', 'revenue 1997-06-18'),
            F('yoy', 'relative change 1998-06-18 vs 1997-06-18')],
      check='''
a = per('1998-06-18', '1998-06-18'); b = per('1997-06-18', '1997-06-18')
dict(gmv98=r2(a.amt.sum()), aov98=r2(a.amt.sum() / len(a)), gmv97=r2(b.amt.sum()), aov97=r2(b.amt.sum() / len(b)),
     yoy=r4(a.amt.sum() / b.amt.sum() - 1))
'''),
 dict(q='那整个618大促期间（6月1号到18号）的GMV呢？也跟去年同期比一下',
      kind='figure', period='1998-06-01..1998-06-18',
      figs=[F('gmv98', 'revenue 1998-06-01..06-18'), F('gmv97', 'revenue 1997-06-01..06-18'), F('yoy', 'relative change'),
            M('jun98', 'revenue of all of June 1998 (wrong window)')],
      check='''
a = per('1998-06-01', '1998-06-18'); b = per('1997-06-01', '1997-06-18')
dict(gmv98=r2(a.amt.sum()), gmv97=r2(b.amt.sum()), yoy=r4(a.amt.sum() / b.amt.sum() - 1), jun98=r2(per('1998-06-01', '1998-06-30').amt.sum()))
'''),
)

conv(PB,
 dict(q='上周GMV多少？环比前一周怎么样',
      kind='figure', period='1998-06-22..1998-06-28',
      figs=[F('lw', 'revenue 1998-06-22..06-28'), F('pw', 'revenue 1998-06-15..06-21'), F('wow', 'relative change last week vs week before')],
      check='''
a = per('1998-06-22', '1998-06-28'); b = per('1998-06-15', '1998-06-21')
dict(lw=r2(a.amt.sum()), pw=r2(b.amt.sum()), wow=r4(a.amt.sum() / b.amt.sum() - 1))
'''),
 dict(q='最近三个月按周一到周日拆一下GMV，看看周末是不是比工作日卖得好',
      kind='figure', period='1998-04-01..1998-06-30',
      figs=[F('Mon', 'revenue on Mondays'), F('Tue', 'revenue on Tuesdays'), F('Wed', 'revenue on Wednesdays'),
            F('Thu', 'revenue on Thursdays'), F('Fri', 'revenue on Fridays'), F('Sat', 'revenue on Saturdays'), F('Sun', 'revenue on Sundays')],
      note='1998-04-01..06-30 is 91 days = exactly 13 of each weekday, so totals are directly comparable.',
      check='''
d = per('1998-04-01', '1998-06-30')
w = d.groupby(d.date.dt.day_of_week).amt.sum()
names = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']
{names[i]: r2(w[i]) for i in range(7)}
'''),
)

conv(PB,
 dict(q='本季度到目前的GMV和客单价是多少？同比去年Q2怎么样？',
      kind='figure', period='1998-04-01..1998-06-30',
      figs=[F('gmv', 'revenue 1998 Q2'), F('aov', 'AOV 1998 Q2'), F('gmv97', 'revenue 1997 Q2'), F('aov97', 'AOV 1997 Q2'),
            F('yoy', 'relative change of revenue Q2 1998 vs Q2 1997')],
      check='''
a = per('1998-04-01', '1998-06-30'); b = per('1997-04-01', '1997-06-30')
dict(gmv=r2(a.amt.sum()), aov=r2(a.amt.sum() / len(a)), gmv97=r2(b.amt.sum()), aov97=r2(b.amt.sum() / len(b)),
     yoy=r4(a.amt.sum() / b.amt.sum() - 1))
'''),
)

conv(PB,
 dict(q='今年1-6月每个月的GMV给我列一下，哪个月最高、哪个月最低？',
      kind='figure', period='1998-01-01..1998-06-30',
      figs=[F('m01', 'revenue 1998-01'), F('m02', 'revenue 1998-02'), F('m03', 'revenue 1998-03 (highest)'),
            F('m04', 'revenue 1998-04 (lowest)'), F('m05', 'revenue 1998-05'), F('m06', 'revenue 1998-06')],
      check='''
d = per('1998-01-01', '1998-06-30')
m = d.groupby(d.date.dt.month).amt.sum()
{'m%02d' % i: r2(m[i]) for i in range(1, 7)}
'''),
 dict(q='那今年月均GMV是多少？',
      kind='figure', period='1998-01-01..1998-06-30',
      figs=[F('avg', 'mean monthly revenue 1998-01..06'), M('avg_all', 'mean monthly revenue over all 18 months')],
      check='''
d = per('1998-01-01', '1998-06-30')
dict(avg=r2(d.amt.sum() / 6), avg_all=r2(df.amt.sum() / 18))
'''),
 dict(q='历史上单量超过3000单的月份有几个？分别是哪几个月',
      kind='figure',
      figs=[F('n', 'number of months with > 3000 order lines'), F('jan97', 'orders 1997-01'), F('feb97', 'orders 1997-02'),
            F('mar97', 'orders 1997-03'), F('apr97', 'orders 1997-04'), F('jun97', 'orders 1997-06')],
      check='''
m = df.groupby(df.date.dt.to_period('M')).size()
big = m[m > 3000]
dict(n=int(len(big)), jan97=int(m[pd.Period('1997-01', 'M')]), feb97=int(m[pd.Period('1997-02', 'M')]),
     mar97=int(m[pd.Period('1997-03', 'M')]), apr97=int(m[pd.Period('1997-04', 'M')]), jun97=int(m[pd.Period('1997-06', 'M')]))
'''),
)

conv(PB,
 dict(q='历史上单日GMV最高的是哪一天？卖了多少？',
      kind='figure',
      figs=[F('top', 'revenue on the best day ever, 1997-03-18')],
      check='''
s = df.groupby('date').amt.sum()
dict(top=r2(s.max()), day=str(s.idxmax().date()))
'''),
 dict(q='今年以来呢？',
      kind='figure', period='1998-01-01..1998-06-30',
      figs=[F('top98', 'revenue on the best day of 1998, 1998-02-26'), M('top_all', 'all-time best day 1997-03-18')],
      check='''
d = per('1998-01-01', '1998-06-30')
s = d.groupby('date').amt.sum()
dict(top98=r2(s.max()), day=str(s.idxmax().date()), top_all=r2(df.groupby('date').amt.sum().max()))
'''),
)

conv(PB,
 dict(q='今年单笔金额超过100块的订单有多少单？占今年总订单的比例是多少？',
      kind='figure', period='1998-01-01..1998-06-30',
      figs=[F('n', 'order lines with amount > 100 in 1998'), F('share', 'share of 1998 order lines'),
            M('n_all', 'order lines > 100 all-time')],
      check='''
d = per('1998-01-01', '1998-06-30')
dict(n=int((d.amt > 100).sum()), share=r4((d.amt > 100).mean()), n_all=int((df.amt > 100).sum()), exact100=int((d.amt == 100).sum()))
'''),
)

conv(PB,
 dict(q='上个月APP、小程序、PC三个渠道的GMV占比分别是多少？总GMV多少？',
      kind='partial', period='1998-05-01..1998-05-31',
      figs=[F('gmv', 'revenue 1998-05 (answerable part)'), M('gmv_jun', 'revenue 1998-06 (wrong month)')],
      note='No channel data: must say so and give only May total.',
      check='''
dict(gmv=r2(per('1998-05-01', '1998-05-31').amt.sum()), gmv_jun=r2(per('1998-06-01', '1998-06-30').amt.sum()))
'''),
)

conv(PB,
 dict(q='按现在的趋势，帮我预测一下7月份的GMV和下单人数大概多少', kind='model', tool='forecast_totals'),
 dict(q='其中高价值客户那一群预计能贡献多少？', kind='model', tool='forecast_totals',
      note='forecast_totals restricted to the high-value segment.'),
)

# ---------------- PC: sloppy sales manager ----------------
conv(PC,
 dict(q='上个月流水多少 跟4月比涨了没',
      kind='figure', period='1998-05-01..1998-05-31',
      figs=[F('may', 'revenue 1998-05'), F('apr', 'revenue 1998-04'), F('mom', 'relative change May vs April 1998')],
      check='''
a = per('1998-05-01', '1998-05-31').amt.sum(); b = per('1998-04-01', '1998-04-30').amt.sum()
dict(may=r2(a), apr=r2(b), mom=r4(a / b - 1))
'''),
 dict(q='去年同期呢',
      kind='figure', period='1997-05-01..1997-05-31',
      figs=[F('may97', 'revenue 1997-05'), F('yoy', 'relative change 1998-05 vs 1997-05'),
            M('rev97', 'revenue full year 1997 (wrong scope)')],
      note='"去年同期" after a question about last month = May 1997.',
      check='''
a = per('1998-05-01', '1998-05-31').amt.sum(); b = per('1997-05-01', '1997-05-31').amt.sum()
dict(may97=r2(b), yoy=r4(a / b - 1), rev97=r2(per('1997-01-01', '1997-12-31').amt.sum()))
'''),
 dict(q='上个月哪个款卖的最好 一共卖了几件',
      kind='partial', period='1998-05-01..1998-05-31',
      figs=[F('units', 'units 1998-05 (answerable part)')],
      note='No product data: cannot say which item sold best; total units in May 1998 is answerable.',
      check='''
dict(units=int(per('1998-05-01', '1998-05-31').units.sum()))
'''),
)

conv(PC,
 dict(q='累计消费过1w的客户有几个',
      kind='figure',
      figs=[F('n10k', 'customers with all-time spend >= 10,000')],
      note='Only customer 07592 (13,990.93).',
      check='''
tot = df.groupby('cust').amt.sum()
dict(n10k=int((tot >= 10000).sum()), top=r2(tot.max()))
'''),
 dict(q='5k以上呢',
      kind='figure',
      figs=[F('n5k', 'customers with all-time spend >= 5,000')],
      check='''
tot = df.groupby('cust').amt.sum()
dict(n5k=int((tot >= 5000).sum()))
'''),
 dict(q='给这几个人打个VIP标签',
      kind='refusal', note='Tagging customers is not possible (read-only).'),
)

conv(PC,
 dict(q='top10客户是谁 各花了多少',
      kind='figure',
      figs=[F('c1', 'spend of #1 customer 07592'), F('c2', 'spend of #2 customer 14048'), F('c3', 'spend of #3 customer 07983'),
            F('c10', 'spend of #10 customer 15162')],
      note='All-time spend ranking.',
      check='''
t = df.groupby('cust').amt.sum().sort_values(ascending=False)
dict(c1=r2(t.iloc[0]), c2=r2(t.iloc[1]), c3=r2(t.iloc[2]), c10=r2(t.iloc[9]), ids=[int(x) for x in t.index[:10]])
'''),
 dict(q='给他们每人发张50的优惠卷 另外看下他们今年一共买了多少钱',
      kind='refusal', period='1998-01-01..1998-06-30',
      figs=[F('rev98', '1998 revenue of the all-time top-10 customers'), M('rev_all', 'their all-time spend')],
      note='Coupon push is not possible; the question alongside (their 1998 revenue) must be answered.',
      check='''
t = df.groupby('cust').amt.sum().sort_values(ascending=False)
top = set(t.index[:10])
d = per('1998-01-01', '1998-06-30')
dict(rev98=r2(d[d.cust.isin(top)].amt.sum()), rev_all=r2(t.iloc[:10].sum()))
'''),
)

conv(PC,
 dict(q='查下客户456 最近一次啥时候买的 总共花了多少',
      kind='figure',
      figs=[F('spend', 'customer 00456 all-time spend'), F('orders', 'customer 00456 order lines'),
            F('days_since', 'days since last purchase (last 1997-11-20)')],
      note='Last purchase 1997-11-20; 6 purchase days, 7 order lines.',
      check='''
x = df[df.cust == 456]
dict(spend=r2(x.amt.sum()), orders=int(len(x)), pdays=int(x.date.nunique()), days_since=int((END - x.date.max()).days), last=str(x.date.max().date()))
'''),
 dict(q='他接下来2个月还会买吗', kind='model', tool='forecast_customer'),
 dict(q='他算哪类客户 为啥', kind='model', tool='explain_customer_segment'),
)

conv(PC,
 dict(q='最近30天多少人买过 一共多少单',
      kind='figure', period='1998-06-01..1998-06-30',
      figs=[F('buyers', 'buyers 1998-06-01..06-30'), F('orders', 'order lines 1998-06-01..06-30')],
      check='''
d = per('1998-06-01', '1998-06-30')
dict(buyers=int(d.cust.nunique()), orders=int(len(d)))
'''),
 dict(q='上周呢 日均几单',
      kind='figure', period='1998-06-22..1998-06-28',
      figs=[F('buyers', 'buyers 1998-06-22..06-28'), F('orders', 'order lines that week'), F('per_day', 'orders per day (/7)')],
      check='''
d = per('1998-06-22', '1998-06-28')
dict(buyers=int(d.cust.nunique()), orders=int(len(d)), per_day=r2(len(d) / 7))
'''),
)

conv(PC,
 dict(q='今年买了3次及以上的客户有多少 占今年买过的人百分之几',
      kind='figure', period='1998-01-01..1998-06-30',
      figs=[F('n3', 'customers with >= 3 purchase days in 1998'), F('share', 'share of 1998 buyers'),
            M('n3_all', 'customers with >= 3 purchase days all-time')],
      check='''
p = pdays(per('1998-01-01', '1998-06-30'))
dict(n3=int((p >= 3).sum()), share=r4((p >= 3).mean()), n3_all=int((pdays(df) >= 3).sum()))
'''),
 dict(q='客单家今年多少 去年全年呢',
      kind='figure', period='1998-01-01..1998-06-30',
      figs=[F('aov98', 'AOV 1998-01..06'), F('aov97', 'AOV 1997 full year'), M('aov_all', 'all-time AOV')],
      check='''
d = per('1998-01-01', '1998-06-30'); e = per('1997-01-01', '1997-12-31')
dict(aov98=r2(d.amt.sum() / len(d)), aov97=r2(e.amt.sum() / len(e)), aov_all=r2(df.amt.sum() / len(df)))
'''),
)

# ---------------- PD: London Head of CRM ----------------
conv(PD,
 dict(q='What share of the January 1997 cohort was still purchasing in month 6? And in month 12?',
      kind='figure',
      figs=[F('k6', 'cohort 1997-01 month-6 retention (ordered in 1997-07)'), F('k12', 'cohort 1997-01 month-12 retention (ordered in 1998-01)')],
      check='''
coh = FIRST.dt.to_period('M')
def ret(c, k):
    mem = coh[coh == pd.Period(c, 'M')].index
    act = set(df[df.date.dt.to_period('M') == pd.Period(c, 'M') + k].cust)
    return r4(sum(1 for x in mem if x in act) / len(mem))
dict(k6=ret('1997-01', 6), k12=ret('1997-01', 12))
'''),
 dict(q='How does that compare with the March 1997 cohort at month 6?',
      kind='figure',
      figs=[F('mar_k6', 'cohort 1997-03 month-6 retention (ordered in 1997-09)')],
      check='''
coh = FIRST.dt.to_period('M')
mem = coh[coh == pd.Period('1997-03', 'M')].index
act = set(df[df.date.dt.to_period('M') == pd.Period('1997-09', 'M')].cust)
dict(mar_k6=r4(sum(1 for x in mem if x in act) / len(mem)))
'''),
 dict(q="And month-1 retention for the February 1997 cohort, split by acquisition channel - paid social vs organic?",
      kind='partial',
      figs=[F('feb_k1', 'cohort 1997-02 month-1 retention (ordered in 1997-03), all channels')],
      note='No acquisition-channel data: must say the split is not possible; overall month-1 retention is answerable.',
      check='''
coh = FIRST.dt.to_period('M')
mem = coh[coh == pd.Period('1997-02', 'M')].index
act = set(df[df.date.dt.to_period('M') == pd.Period('1997-03', 'M')].cust)
dict(feb_k1=r4(sum(1 for x in mem if x in act) / len(mem)))
'''),
)

conv(PD,
 dict(q='How many customers have been inactive for 365 days or more, and what share of the base is that?',
      kind='figure',
      figs=[F('n', 'customers whose last order is >= 365 days before 1998-06-30 (last order <= 1997-06-30)'), F('share', 'share of 23,570')],
      check='''
cut = END - pd.Timedelta(days=365)
n = int((LAST <= cut).sum())
dict(n=n, share=r4(n / len(LAST)))
'''),
 dict(q='Of those, how many had spent more than $500 in total?',
      kind='figure',
      figs=[F('n500', 'of the inactive-365 customers, all-time spend > 500'), M('n500_all', 'all customers with spend > 500')],
      check='''
cut = END - pd.Timedelta(days=365)
tot = df.groupby('cust').amt.sum()
idle = LAST[LAST <= cut].index
dict(n500=int((tot[tot.index.isin(idle)] > 500).sum()), n500_all=int((tot > 500).sum()))
'''),
)

conv(PD,
 dict(q="What's the median and mean time from a customer's first to second purchase?",
      kind='figure',
      figs=[F('median', 'median days first-to-second purchase day'), F('mean', 'mean days first-to-second purchase day')],
      note='Over all customers with at least 2 purchase days.',
      check='''
pdf = df[['cust', 'date']].drop_duplicates().sort_values(['cust', 'date'])
pdf['n'] = pdf.groupby('cust').cumcount()
f = pdf[pdf.n == 0].set_index('cust').date; s = pdf[pdf.n == 1].set_index('cust').date
g = (s - f.loc[s.index]).dt.days
dict(median=float(g.median()), mean=r2(g.mean()), n=int(len(g)))
'''),
 dict(q='And what proportion of all customers never came back for a second purchase?',
      kind='figure',
      figs=[F('one', 'share of all customers with exactly 1 purchase day')],
      check='''
p = pdays(df)
dict(one=r4((p == 1).mean()))
'''),
)

conv(PD,
 dict(q='How many customers bought at least twice in 1997 but have not bought at all in 1998? How much did they spend in 1997?',
      kind='figure',
      figs=[F('n', 'customers with >= 2 purchase days in 1997 and no order in 1998'), F('rev97', 'their 1997 revenue')],
      check='''
a = per('1997-01-01', '1997-12-31'); b = per('1998-01-01', '1998-06-30')
p = pdays(a); grp = set(p[p >= 2].index) - set(b.cust)
dict(n=int(len(grp)), rev97=r2(a[a.cust.isin(grp)].amt.sum()))
'''),
 dict(q="Great - email that list to my team at crm@ so they can build a win-back campaign in Braze.",
      kind='refusal', note='Cannot e-mail or push to another system.'),
)

conv(PD,
 dict(q='Which customers among our top 5% by spend are most at risk of churning?', kind='model', tool='at_risk_customers'),
 dict(q="What's the projected CLV over the next 52 weeks for our top 20 customers?", kind='model', tool='customer_value'),
 dict(q='Before I take this to the board - how old is the churn model and how accurate was it on the test set?', kind='model', tool='assistant_status'),
)

conv(PD,
 dict(q="Over the last 3 months, what's the average and median gap between a customer's purchases?",
      kind='figure', period='1998-04-01..1998-06-30',
      figs=[F('mean', 'mean days between consecutive purchase days, gaps dated by later day in 1998-04-01..06-30'),
            F('median', 'median of those gaps')],
      check='''
pdf = df[['cust', 'date']].drop_duplicates().sort_values(['cust', 'date'])
pdf['gap'] = pdf.groupby('cust').date.diff().dt.days
g = pdf[(pdf.date >= pd.Timestamp('1998-04-01')) & (pdf.date <= END)].gap.dropna()
dict(mean=r2(g.mean()), median=float(g.median()), n=int(len(g)))
'''),
 dict(q='Separate question: for March 1997, split revenue between new and returning customers.',
      kind='figure', period='1997-03-01..1997-03-31',
      figs=[F('new', 'revenue from customers whose first order is in 1997-03'), F('ret', 'revenue from March 1997 buyers who first ordered before March')],
      check='''
d = per('1997-03-01', '1997-03-31')
nc = new_custs('1997-03-01', '1997-03-31')
dict(new=r2(d[d.cust.isin(nc)].amt.sum()), ret=r2(d[~d.cust.isin(nc)].amt.sum()))
'''),
)

# ---------------- build ----------------
def run_check(code):
    ns = {}
    exec(PRELUDE, ns)
    lines = textwrap.dedent(code).strip('\n').split('\n')
    # last expression may span lines: find last top-level statement start
    src = '\n'.join(lines)
    import ast
    tree = ast.parse(src)
    last = tree.body[-1]
    body = ast.Module(body=tree.body[:-1], type_ignores=[])
    exec(compile(body, '<check>', 'exec'), ns)
    return eval(compile(ast.Expression(last.value), '<check>', 'eval'), ns)

out_items = []
counts = {}
for ci, it in enumerate(ITEMS, 1):
    turns = []
    for t in it['turns']:
        exp = {'kind': t['kind']}
        counts[t['kind']] = counts.get(t['kind'], 0) + 1
        if t.get('tool'):
            exp['tool'] = t['tool']
        res = run_check(t['check']) if t.get('check') else None
        figs = [f for f in t.get('figs', []) if f[0] == 'F']
        mnot = [f for f in t.get('figs', []) if f[0] == 'M']
        if figs:
            exp['figures'] = [{'value': res[f[1]], 'rel_tol': f[3], 'what': '[%s] %s' % (f[1], f[2])} for f in figs]
        if mnot:
            exp['must_not'] = [{'value': res[f[1]], 'rel_tol': f[3], 'what': '[%s] %s' % (f[1], f[2])} for f in mnot]
        if t.get('period'):
            exp['period'] = t['period']
        turn = {'q': t['q'], 'expect': exp}
        if t.get('check'):
            turn['check'] = textwrap.dedent(t['check']).strip('\n') + '\n'
        if t.get('note'):
            turn['note'] = t['note']
        turns.append(turn)
        if res is not None:
            print(t['q'][:40], '->', res)
    out_items.append({'id': 'w1-%03d' % ci, 'persona': it['persona'], 'turns': turns})

doc = {
    'writer': 'w1 (outside evaluator; wrote without seeing the product code, tests, prompts or other sets) — personas: '
              '服装连锁品牌会员运营经理, 电商平台类目经理, 手机打字快错字多的销售经理, London-based Head of CRM (English)',
    'data_end': '1998-06-30',
    'check_prelude': PRELUDE,
    'items': out_items,
}

class D(yaml.SafeDumper):
    pass
def str_rep(dumper, data):
    if '\n' in data:
        return dumper.represent_scalar('tag:yaml.org,2002:str', data, style='|')
    return dumper.represent_scalar('tag:yaml.org,2002:str', data)
D.add_representer(str, str_rep)
with open('/tmp/team/w1/set_w1.yaml', 'w') as fh:
    yaml.dump(doc, fh, Dumper=D, allow_unicode=True, sort_keys=False, width=1000)
print('conversations', len(out_items), 'turns', sum(len(i['turns']) for i in out_items), counts)
