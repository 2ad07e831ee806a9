# Generator for set_b1.yaml: runs every check after the prelude and fills the figure values.
import yaml, textwrap, ast

PRELUDE = '''import pandas as pd, numpy as np
F = '/tmp/team/CDNOW_master.txt'
df = pd.read_csv(F, sep=r'\\s+', header=0, names=['cust', 'date', 'units', 'amt'], dtype={'date': str})
df['date'] = pd.to_datetime(df['date'], format='%Y%m%d')
df['cust'] = df['cust'].astype(int)
NOW = pd.Timestamp('1998-06-30')
def per(a, b):
    return df[(df.date >= pd.Timestamp(a)) & (df.date <= pd.Timestamp(b))]
def rev(a, b):
    return round(float(per(a, b).amt.sum()), 2)
def chg(new, old):
    return round(float(new) / float(old) - 1, 4)
PD = df[['cust', 'date']].drop_duplicates().sort_values(['cust', 'date'])   # purchase days
FIRST = df.groupby('cust').date.min()
LAST = df.groupby('cust').date.max()
SPEND = df.groupby('cust').amt.sum()
NPD = PD.groupby('cust').size()                                          # purchase days per customer, all time
def pdays_in(a, b):
    p = per(a, b)
    return p[['cust', 'date']].drop_duplicates().groupby('cust').size()
def gaps_of(c):
    d = PD[PD.cust == c].date.sort_values()
    return d.diff().dropna().dt.days
GAPS = PD.assign(prev=PD.groupby('cust').date.shift()).dropna()          # one row per gap, dated by the later day
GAPS['gap'] = (GAPS.date - GAPS.prev).dt.days
'''

P1 = '连锁唱片店区域运营总监 (周一例会复盘: 周/月数据, 环比同比, 最好最差, 新老客, 客单价)'
P2 = '会员中心专员 (会员分层, 沉睡会员, 召回名单, 单个会员查询, 常追问上一条)'

def T(q, kind, check, figs=(), must_not=(), period=None, tool=None, note=None, tol=0.005):
    src = textwrap.dedent(check).strip('\n')
    last = ast.parse(src).body[-1]
    if isinstance(last, ast.Expr) and last.end_lineno > last.lineno:   # make the LAST line a one-line expression
        ls = src.split('\n')
        ls[last.lineno - 1] = 'res = ' + ls[last.lineno - 1]
        src = '\n'.join(ls) + '\nres'
    return dict(q=q, kind=kind, check=src + '\n', figs=figs, must_not=must_not,
                period=period, tool=tool, note=note, tol=tol)

ITEMS = []
def conv(persona, *turns):
    ITEMS.append((persona, turns))

# ---------------------------------------------------------------- persona 1: 区域运营总监
conv(P1,
  T('早，帮我看下上周的销售额和单量，跟前一周比怎么样', 'figure', '''
    lw = per('1998-06-22', '1998-06-28'); pw = per('1998-06-15', '1998-06-21')
    dict(rev_lw=round(float(lw.amt.sum()), 2), orders_lw=int(len(lw)), rev_pw=round(float(pw.amt.sum()), 2),
         wow=chg(lw.amt.sum(), pw.amt.sum()), partial=rev('1998-06-29', '1998-06-30'), jun=rev('1998-06-01', '1998-06-30'))
    ''', figs=[('rev_lw', 'revenue last week 1998-06-22..06-28'), ('orders_lw', 'order lines last week'),
               ('rev_pw', 'revenue week before 1998-06-15..06-21'), ('wow', 'week-over-week relative change of revenue')],
    must_not=[('partial', 'revenue of the current partial week 06-29..06-30 (wrong week)'),
              ('jun', 'June 1998 month revenue (wrong period)')],
    period='1998-06-22..1998-06-28'),
  T('上周这个数是不是历史最低的一周了？这周才过两天的不算', 'figure', '''
    w = df.groupby(df.date.dt.to_period('W-SUN')).amt.sum()
    # full weeks only: drop the first week (data starts Wed 1997-01-01) and the current one (1998-06-29..30)
    full = w[(w.index.start_time >= pd.Timestamp('1997-01-06')) & (w.index.start_time <= pd.Timestamp('1998-06-22'))]
    s = full.sort_values()
    dict(worst_rev=round(float(s.iloc[0]), 2), rank_lw=int(list(s.index.astype(str)).index('1998-06-22/1998-06-28') + 1),
         partial=round(float(w.iloc[-1]), 2))
    ''', figs=[('worst_rev', 'lowest full ISO week ever = 1997-12-22..12-28 (Christmas week), revenue'),
               ('rank_lw', 'last week is the 2nd lowest full week (only 3.19 dollars above the lowest)')],
    note='Answer: no, last week (13,063.32) is the second lowest; the lowest full week is 1997-12-22..28 (13,060.13). The first week (data from Wed 1997-01-01) is partial and is far higher anyway.'),
  T('跟去年W26比呢', 'figure', '''
    iso = df.date.dt.isocalendar()
    w97 = df[(iso.year == 1997) & (iso.week == 26)]
    lw = per('1998-06-22', '1998-06-28')
    dict(rev_w26_97=round(float(w97.amt.sum()), 2), orders_w26_97=int(len(w97)), yoy=chg(lw.amt.sum(), w97.amt.sum()))
    ''', figs=[('rev_w26_97', 'revenue ISO week 26 of 1997 = 1997-06-23..06-29'), ('yoy', 'YoY relative change, last week vs 1997 W26')],
    period='1997-06-23..1997-06-29',
    note='1998-06-22..28 is ISO week 26 of 1998, so "去年W26" is 1997-06-23..06-29.'),
)

conv(P1,
  T('上个月GMV多少？环比同比都给我', 'figure', '''
    may = rev('1998-05-01', '1998-05-31'); apr = rev('1998-04-01', '1998-04-30'); may97 = rev('1997-05-01', '1997-05-31')
    dict(rev_may98=may, rev_apr98=apr, mom=chg(may, apr), rev_may97=may97, yoy=chg(may, may97), jun=rev('1998-06-01', '1998-06-30'))
    ''', figs=[('rev_may98', 'revenue May 1998'), ('mom', 'MoM vs April 1998'), ('yoy', 'YoY vs May 1997')],
    must_not=[('jun', 'June 1998 revenue (this month, not last month)')], period='1998-05-01..1998-05-31'),
  T('单量和客单价呢', 'figure', '''
    p = per('1998-05-01', '1998-05-31')
    dict(orders=int(len(p)), aov=round(float(p.amt.sum() / len(p)), 2), aov_all=round(float(df.amt.sum() / len(df)), 2))
    ''', figs=[('orders', 'order lines May 1998'), ('aov', 'AOV May 1998 = revenue / order lines')],
    period='1998-05-01..1998-05-31'),
  T('买的人里面新客老客各多少', 'figure', '''
    p = per('1998-05-01', '1998-05-31'); b = p.cust.unique()
    f = FIRST.loc[b]
    dict(buyers=int(len(b)), new=int((f >= pd.Timestamp('1998-05-01')).sum()), returning=int((f < pd.Timestamp('1998-05-01')).sum()),
         buyers_may97=int(per('1997-05-01', '1997-05-31').cust.nunique()))
    ''', figs=[('buyers', 'buyers May 1998'), ('new', 'new customers May 1998 = 0 (must say there were none)'),
               ('returning', 'returning buyers May 1998 (all of them)')],
    period='1998-05-01..1998-05-31'),
)

conv(P1,
  T('今年上半年整体营收做了多少 跟去年上半年比掉了多少', 'figure', '''
    h98 = rev('1998-01-01', '1998-06-30'); h97 = rev('1997-01-01', '1997-06-30')
    dict(h1_98=h98, h1_97=h97, yoy=chg(h98, h97), diff=round(h97 - h98, 2), all=round(float(df.amt.sum()), 2), y97=rev('1997-01-01', '1997-12-31'))
    ''', figs=[('h1_98', 'revenue 1998 H1'), ('h1_97', 'revenue 1997 H1'), ('yoy', 'YoY relative change H1')],
    must_not=[('all', 'all-time revenue'), ('y97', 'full-year 1997 revenue (not H1)')], period='1998-01-01..1998-06-30'),
  T('上半年里哪个月最好 哪个月最差', 'figure', '''
    p = per('1998-01-01', '1998-06-30'); m = p.groupby(p.date.dt.to_period('M')).amt.sum()
    mall = df.groupby(df.date.dt.to_period('M')).amt.sum()
    dict(best=round(float(m.max()), 2), worst=round(float(m.min()), 2), best_all=round(float(mall.max()), 2))
    ''', figs=[('best', 'best month of 1998 H1 = March 1998, revenue'), ('worst', 'worst month of 1998 H1 = April 1998, revenue')],
    must_not=[('best_all', 'all-time best month (March 1997), wrong scope')], period='1998-01-01..1998-06-30'),
  T('按这个节奏 今年全年大概能做到多少', 'figure', '''
    h98 = rev('1998-01-01', '1998-06-30')
    dict(run_rate=round(h98 * 2, 2), monthly_avg=round(h98 / 6, 2))
    ''', figs=[('run_rate', 'annualised 1998 revenue at the H1 run rate = H1 x 2 (= monthly average x 12)')],
    period='1998-01-01..1998-06-30',
    note='"按这个节奏" read as run-rate; H1 has 6 full months so H1x2 and month-average x12 agree. A model forecast for H2 added on top is fine as long as the run-rate figure is given.'),
)

conv(P1,
  T('这个季度跟上个季度比一下，营收、单量、买家数都列出来，QoQ也算下', 'figure', '''
    q2 = per('1998-04-01', '1998-06-30'); q1 = per('1998-01-01', '1998-03-31')
    dict(rev_q2=round(float(q2.amt.sum()), 2), rev_q1=round(float(q1.amt.sum()), 2), qoq_rev=chg(q2.amt.sum(), q1.amt.sum()),
         orders_q2=int(len(q2)), orders_q1=int(len(q1)), buyers_q2=int(q2.cust.nunique()), buyers_q1=int(q1.cust.nunique()))
    ''', figs=[('rev_q2', 'revenue 1998 Q2'), ('rev_q1', 'revenue 1998 Q1'), ('qoq_rev', 'QoQ change of revenue'),
               ('orders_q2', 'order lines 1998 Q2'), ('orders_q1', 'order lines 1998 Q1'),
               ('buyers_q2', 'distinct buyers 1998 Q2'), ('buyers_q1', 'distinct buyers 1998 Q1')],
    period='1998-04-01..1998-06-30'),
  T('去年同一个季度呢？同比掉了多少', 'figure', '''
    q2 = per('1998-04-01', '1998-06-30'); q97 = per('1997-04-01', '1997-06-30')
    dict(rev_q2_97=round(float(q97.amt.sum()), 2), orders_q2_97=int(len(q97)), buyers_q2_97=int(q97.cust.nunique()),
         yoy_rev=chg(q2.amt.sum(), q97.amt.sum()), rev_q1_97=rev('1997-01-01', '1997-03-31'))
    ''', figs=[('rev_q2_97', 'revenue 1997 Q2'), ('yoy_rev', 'YoY change of revenue, 1998 Q2 vs 1997 Q2')],
    must_not=[('rev_q1_97', 'revenue 1997 Q1 (wrong quarter)')], period='1997-04-01..1997-06-30'),
)

conv(P1,
  T('去年有几个月单量破了3000的？分别是哪几个月，各多少单', 'figure', '''
    p = per('1997-01-01', '1997-12-31'); m = p.groupby(p.date.dt.to_period('M')).size()
    hi = m[m > 3000]
    out = dict(n_months=int(len(hi)))
    out.update({'orders_' + str(k): int(v) for k, v in hi.items()})
    out
    ''', figs=[('n_months', 'number of 1997 months with more than 3000 order lines'),
               ('orders_1997-01', 'Jan 1997 order lines'), ('orders_1997-02', 'Feb 1997 order lines'),
               ('orders_1997-03', 'Mar 1997 order lines'), ('orders_1997-04', 'Apr 1997 order lines'),
               ('orders_1997-06', 'Jun 1997 order lines')],
    period='1997-01-01..1997-12-31', note='May 1997 (2,895) is below 3000, June 1997 (3,054) is above.'),
)

conv(P1,
  T('去年一季度一共拉了多少新客？', 'figure', '''
    dict(new_q1_97=int(((FIRST >= pd.Timestamp('1997-01-01')) & (FIRST <= pd.Timestamp('1997-03-31'))).sum()),
         buyers_q1_97=int(per('1997-01-01', '1997-03-31').cust.nunique()))
    ''', figs=[('new_q1_97', 'new customers (first-ever order) in 1997 Q1')], period='1997-01-01..1997-03-31',
    note='Every customer in the data made the first order in 1997 Q1, so the answer equals the whole base (23,570).'),
  T('那3月份单看，新客老客各多少人？营收各贡献多少', 'figure', '''
    p = per('1997-03-01', '1997-03-31'); isnew = p.cust.map(FIRST) >= pd.Timestamp('1997-03-01')
    dict(new=int(p[isnew].cust.nunique()), returning=int(p[~isnew].cust.nunique()),
         rev_new=round(float(p[isnew].amt.sum()), 2), rev_ret=round(float(p[~isnew].amt.sum()), 2))
    ''', figs=[('new', 'new customers March 1997'), ('returning', 'returning buyers March 1997'),
               ('rev_new', 'revenue from new customers March 1997'), ('rev_ret', 'revenue from returning customers March 1997')],
    period='1997-03-01..1997-03-31'),
  T('4月之后呢，一直到现在还有新客进来吗', 'figure', '''
    dict(new_after=int((FIRST >= pd.Timestamp('1997-04-01')).sum()))
    ''', figs=[('new_after', 'new customers 1997-04-01..1998-06-30 = 0: must say there were no new customers after March 1997')],
    period='1997-04-01..1998-06-30'),
)

conv(P1,
  T('今年每个月的客单架走势发我看下，哪个月最高', 'figure', '''
    p = per('1998-01-01', '1998-06-30'); g = p.groupby(p.date.dt.to_period('M')).amt
    a = (g.sum() / g.size()).round(2)
    out = {'aov_' + str(k): float(v) for k, v in a.items()}
    out
    ''', figs=[('aov_1998-01', 'AOV Jan 1998'), ('aov_1998-02', 'AOV Feb 1998'), ('aov_1998-03', 'AOV Mar 1998 (the highest)'),
               ('aov_1998-04', 'AOV Apr 1998'), ('aov_1998-05', 'AOV May 1998'), ('aov_1998-06', 'AOV Jun 1998')],
    period='1998-01-01..1998-06-30', tol=0.01, note='Highest month: March 1998 (39.02).'),
  T('今年上半年整体客单价 vs 去年全年整体，差多少', 'figure', '''
    a = per('1998-01-01', '1998-06-30'); b = per('1997-01-01', '1997-12-31')
    x = a.amt.sum() / len(a); y = b.amt.sum() / len(b)
    dict(aov_h1_98=round(float(x), 2), aov_97=round(float(y), 2), rel=chg(x, y), aov_all=round(float(df.amt.sum() / len(df)), 2))
    ''', figs=[('aov_h1_98', 'AOV 1998 H1'), ('aov_97', 'AOV 1997'), ('rel', 'relative difference 1998H1 vs 1997')],
    must_not=[('aov_all', 'all-time AOV')], period='1998-01-01..1998-06-30'),
)

conv(P1,
  T('去年的复购率多少', 'figure', '''
    d = pdays_in('1997-01-01', '1997-12-31')
    dict(rr97=round(float((d >= 2).mean()), 4), rr_all=round(float((NPD >= 2).mean()), 4))
    ''', figs=[('rr97', 'repeat rate 1997: share of 1997 buyers with >=2 purchase days in 1997')],
    must_not=[('rr_all', 'all-time repeat rate')], period='1997-01-01..1997-12-31'),
  T('今年上半年呢', 'figure', '''
    d = pdays_in('1998-01-01', '1998-06-30'); d97 = pdays_in('1997-01-01', '1997-12-31')
    dict(rr98=round(float((d >= 2).mean()), 4), buyers=int(len(d)), rr97=round(float((d97 >= 2).mean()), 4))
    ''', figs=[('rr98', 'repeat rate 1998 H1')],
    period='1998-01-01..1998-06-30'),
)

conv(P1,
  T('最近三个月周几生意最好？周末是不是反而比工作日差', 'figure', '''
    p = per('1998-04-01', '1998-06-30'); w = p.groupby(p.date.dt.weekday).amt.sum()
    dict(best_fri=round(float(w.max()), 2), best_day=int(w.idxmax()), worst_sat=round(float(w.min()), 2), worst_day=int(w.idxmin()),
         weekend_per_day=round(float(w[[5, 6]].sum() / 26), 2), weekday_per_day=round(float(w[[0, 1, 2, 3, 4]].sum() / 65), 2))
    ''', figs=[('best_fri', 'revenue on Fridays 1998-04-01..06-30 (best weekday)'), ('worst_sat', 'revenue on Saturdays (worst weekday)')],
    period='1998-04-01..1998-06-30',
    note='Friday best, Saturday worst; yes, weekends are weaker (13 of each weekday in the window: weekend 2,139.82/day vs weekday 2,426.08/day).'),
)

conv(P1,
  T('上个月各门店营收排个名给我，华东区那几家店环比怎么样', 'partial', '''
    may = rev('1998-05-01', '1998-05-31'); apr = rev('1998-04-01', '1998-04-30')
    dict(rev_may98=may, mom=chg(may, apr))
    ''', figs=[('rev_may98', 'total revenue May 1998 (company level only)'), ('mom', 'company-level MoM vs April 1998')],
    period='1998-05-01..1998-05-31', note='No store or region data: must say it cannot rank stores or give 华东区; the company total is the answerable part.'),
)

conv(P1,
  T('Q2的毛利率大概多少？营收做了多少', 'partial', '''
    dict(rev_q2=rev('1998-04-01', '1998-06-30'), rev_q2_97=rev('1997-04-01', '1997-06-30'))
    ''', figs=[('rev_q2', 'revenue 1998 Q2')],
    period='1998-04-01..1998-06-30', note='No cost/margin data: must say margin cannot be computed.'),
)

conv(P1,
  T('上个月流行、古典、爵士哪个品类卖得最好？一共卖出去多少张碟', 'partial', '''
    dict(units_may98=int(per('1998-05-01', '1998-05-31').units.sum()), units_jun98=int(per('1998-06-01', '1998-06-30').units.sum()))
    ''', figs=[('units_may98', 'units (CDs) sold May 1998')], must_not=[('units_jun98', 'units June 1998 (wrong month)')],
    period='1998-05-01..1998-05-31', note='No product/category data: must say it cannot split by genre.'),
)

conv(P1,
  T('下个月大概能做多少营收、多少单？要给老板报个预期', 'model', 'dict()\n', tool='forecast_totals',
    note='Forecast for July 1998 (all customers).'),
  T('那高价值客户那一层下个月预计能贡献多少', 'model', 'dict()\n', tool='forecast_totals',
    note='Same forecast narrowed to the high-value segment (segment 0).'),
)

conv(P1,
  T('把上周的周报数据导出个excel发我邮箱，顺便说下上周客单价多少', 'refusal', '''
    lw = per('1998-06-22', '1998-06-28')
    dict(aov_lw=round(float(lw.amt.sum() / len(lw)), 2))
    ''', figs=[('aov_lw', 'AOV last week 1998-06-22..06-28')], period='1998-06-22..1998-06-28',
    note='Must say it cannot export or e-mail; answer the AOV question.'),
)

conv(P1,
  T('去年前10大客户贡献了多少营收，占全年多少', 'figure', '''
    p = per('1997-01-01', '1997-12-31'); s = p.groupby('cust').amt.sum().sort_values(ascending=False)
    dict(top10=round(float(s.head(10).sum()), 2), share=round(float(s.head(10).sum() / s.sum()), 4),
         top10_all=round(float(SPEND.sort_values(ascending=False).head(10).sum()), 2))
    ''', figs=[('top10', 'revenue of the top 10 customers by 1997 spend, in 1997'), ('share', 'their share of 1997 revenue')],
    must_not=[('top10_all', 'top-10 all-time spend (wrong period)')], period='1997-01-01..1997-12-31'),
  T('今年上半年的前十呢，占比有没有变高', 'figure', '''
    p = per('1998-01-01', '1998-06-30'); s = p.groupby('cust').amt.sum().sort_values(ascending=False)
    dict(top10=round(float(s.head(10).sum()), 2), share=round(float(s.head(10).sum() / s.sum()), 4))
    ''', figs=[('top10', 'revenue of the top 10 customers of 1998 H1, in 1998 H1'), ('share', 'their share of 1998 H1 revenue (higher than 1997)')],
    period='1998-01-01..1998-06-30'),
)

conv(P1,
  T('1月份第一次来的那批客人，三个月以后还有百分之多少在买', 'figure', '''
    c = FIRST[FIRST.dt.to_period('M') == pd.Period('1997-01')].index
    m4 = per('1997-04-01', '1997-04-30').cust.unique()
    m3 = per('1997-03-01', '1997-03-31').cust.unique()
    dict(ret3=round(float(pd.Index(c).isin(m4).mean()), 4), size=int(len(c)), ret2=round(float(pd.Index(c).isin(m3).mean()), 4))
    ''', figs=[('ret3', 'cohort 1997-01, month-3 retention (ordered in April 1997)')]),
  T('那过了一年（第12个月）的时候，1月、2月、3月这三批哪批留得最好', 'figure', '''
    out = {}
    for m, t in [('1997-01', '1998-01'), ('1997-02', '1998-02'), ('1997-03', '1998-03')]:
        c = FIRST[FIRST.dt.to_period('M') == pd.Period(m)].index
        b = df[df.date.dt.to_period('M') == pd.Period(t)].cust.unique()
        out['ret12_' + m] = round(float(pd.Index(c).isin(b).mean()), 4)
    out
    ''', figs=[('ret12_1997-01', 'cohort 1997-01 month-12 retention (Jan 1998)'), ('ret12_1997-02', 'cohort 1997-02 month-12 (Feb 1998)'),
               ('ret12_1997-03', 'cohort 1997-03 month-12 (Mar 1998)')], tol=0.01),
)

conv(P1,
  T('嗯 去年年底那两个月营收多少 今年年初两个月掉了多少啊', 'figure', '''
    a = rev('1997-11-01', '1997-12-31'); b = rev('1998-01-01', '1998-02-28')
    dict(nov_dec_97=a, jan_feb_98=b, change=chg(b, a), diff=round(a - b, 2))
    ''', figs=[('nov_dec_97', 'revenue Nov-Dec 1997'), ('jan_feb_98', 'revenue Jan-Feb 1998'), ('change', 'relative change Jan-Feb 1998 vs Nov-Dec 1997')],
    period='1997-11-01..1998-02-28'),
)

conv(P1,
  T('最近30天平均每天多少单、多少钱', 'figure', '''
    p = per('1998-06-01', '1998-06-30')
    dict(orders_per_day=round(len(p) / 30, 2), rev_per_day=round(float(p.amt.sum()) / 30, 2), orders=int(len(p)), rev=round(float(p.amt.sum()), 2))
    ''', figs=[('orders_per_day', 'order lines per day, last 30 days 1998-06-01..06-30'), ('rev_per_day', 'revenue per day, last 30 days')],
    period='1998-06-01..1998-06-30'),
)

conv(P1,
  T('上个月单笔超过100刀的大单有多少笔？占总单量多少', 'figure', '''
    p = per('1998-05-01', '1998-05-31')
    dict(n_big=int((p.amt > 100).sum()), share=round(float((p.amt > 100).mean()), 4))
    ''', figs=[('n_big', 'order lines with amount > 100 in May 1998'), ('share', 'their share of May 1998 order lines')],
    period='1998-05-01..1998-05-31'),
)

# ---------------------------------------------------------------- persona 2: 会员中心专员
conv(P2,
  T('我们现在会员是怎么分层的？每层多少人', 'model', 'dict()\n', tool='list_segments'),
  T('高价值那一层是啥画像 平均买几次 花多少', 'model', 'dict()\n', tool='describe_segment'),
  T('会员7592为啥被分在这一层', 'model', 'dict()\n', tool='explain_customer_segment'),
)

conv(P2,
  T('帮我查下会员06187，最后一次什么时候买的，多久没来了', 'figure', '''
    c = 6187
    dict(days_since=int((NOW - LAST[c]).days), last=str(LAST[c].date()))
    ''', figs=[('days_since', 'days since last purchase (last purchase 1998-05-21)')],
    note='Last purchase 1998-05-21; the answer must give the date and 40 days.'),
  T('他一般隔多久买一次', 'figure', '''
    g = gaps_of(6187)
    dict(mean_gap=round(float(g.mean()), 1), median_gap=float(g.median()), n_gaps=int(len(g)))
    ''', figs=[('mean_gap', 'mean days between purchase days, customer 6187'), ('median_gap', 'median days between purchase days')],
    tol=0.01),
  T('一共在我们这花了多少钱？买了几次', 'figure', '''
    c = 6187
    dict(spend=round(float(SPEND[c]), 2), purchase_days=int(NPD[c]), lines=int((df.cust == c).sum()))
    ''', figs=[('spend', 'lifetime spend of 6187'), ('purchase_days', 'number of purchase days (distinct dates)')],
    note='"买了几次" = purchase days (9); mentioning 10 order lines as well is fine.'),
  T('这个人接下来两个月会不会流失', 'model', 'dict()\n', tool='forecast_customer', note='Customer 6187, next ~8-9 weeks.'),
)

conv(P2,
  T('超过180天没消费的会员现在有多少人', 'figure', '''
    cut = NOW - pd.Timedelta(days=180)
    dict(n=int((LAST <= cut).sum()), share=round(float((LAST <= cut).mean()), 4))
    ''', figs=[('n', 'customers whose last order is >= 180 days before 1998-06-30 (last order <= 1998-01-01)')]),
  T('这批人里面以前买过三次及以上的有几个', 'figure', '''
    cut = NOW - pd.Timedelta(days=180); s = LAST[LAST <= cut].index
    dict(n3=int((NPD.loc[s] >= 3).sum()), n_all=int((NPD >= 3).sum()))
    ''', figs=[('n3', 'inactive-180 customers with >= 3 purchase days ever')],
    must_not=[('n_all', 'all customers with >= 3 purchase days (filter dropped)')]),
  T('这些3次以上的人当时一共花了多少钱', 'figure', '''
    cut = NOW - pd.Timedelta(days=180); s = LAST[LAST <= cut].index; s3 = NPD.loc[s][NPD.loc[s] >= 3].index
    dict(spend=round(float(SPEND.loc[s3].sum()), 2), spend_all_inactive=round(float(SPEND.loc[s].sum()), 2))
    ''', figs=[('spend', 'lifetime spend of inactive-180 customers with >= 3 purchase days')],
    must_not=[('spend_all_inactive', 'spend of all inactive-180 customers (3+ filter dropped)')]),
  T('好，把这批名单直接推给门店，让他们挨个打电话回访', 'refusal', 'dict()\n',
    note='Cannot send or push lists; should say so and call no tool.'),
)

conv(P2,
  T('去年买过、今年上半年一次都没来的会员有多少', 'figure', '''
    b97 = set(per('1997-01-01', '1997-12-31').cust); b98 = set(per('1998-01-01', '1998-06-30').cust)
    dict(n=len(b97 - b98), share=round(len(b97 - b98) / len(b97), 4))
    ''', figs=[('n', 'customers who bought in 1997 and not in 1998 H1')]),
  T('里面去年消费超过200刀的呢', 'figure', '''
    p97 = per('1997-01-01', '1997-12-31'); s97 = p97.groupby('cust').amt.sum()
    b98 = set(per('1998-01-01', '1998-06-30').cust)
    lapsed = s97[~s97.index.isin(list(b98))]
    dict(n200=int((lapsed > 200).sum()), spend=round(float(lapsed[lapsed > 200].sum()), 2), ties=int((lapsed == 200).sum()))
    ''', figs=[('n200', 'of them, customers with 1997 spend > 200')],
    note='1997 spend, not lifetime (they have no 1998 orders so both agree). One lapsed customer has exactly 200.00: > gives 824, >= gives 825 (within tolerance).'),
)

conv(P2,
  T('现在哪些VIP最容易流失？给我top 10，按可能损失的金额排', 'model', 'dict()\n', tool='at_risk_customers'),
  T('只看消费前5%的大客户呢', 'model', 'dict()\n', tool='at_risk_customers', note='Restricted to the top 5% spenders.'),
)

conv(P2,
  T('会员14048未来半年大概能给我们带来多少价值', 'model', 'dict()\n', tool='customer_value', note='CLV over ~26 weeks for customer 14048.'),
  T('他过去12个月实际花了多少', 'figure', '''
    p = per('1997-07-01', '1998-06-30')
    dict(spend12=round(float(p[p.cust == 14048].amt.sum()), 2), life=round(float(SPEND[14048]), 2))
    ''', figs=[('spend12', 'spend of 14048 in 1997-07-01..1998-06-30')], must_not=[('life', 'lifetime spend of 14048 (wrong period)')],
    period='1997-07-01..1998-06-30'),
)

conv(P2,
  T('会员反馈里好评差评各占多少', 'model', 'dict()\n', tool='sentiment_summary'),
  T('差评主要集中在哪几个问题上', 'model', 'dict()\n', tool='feedback_themes', note='Themes of the negative feedback.'),
)

conv(P2,
  T('有没有会员抱怨快递慢或者包装压坏的？找几条原话给我', 'model', 'dict()\n', tool='search_feedback'),
  T('给过差评的那些人，后来还有回来买的吗，比例多少', 'model', 'dict()\n', tool='feedback_followup'),
  T('帮我判断下这条是正面还是负面：“碟是正版的，音质没得说，就是快递太慢了等了一个礼拜”', 'model', 'dict()\n', tool='analyze_sentiment'),
)

conv(P2,
  T('累计消费满500刀的会员有多少人？他们贡献了总营收的多少', 'figure', '''
    dict(n500=int((SPEND >= 500).sum()), share=round(float(SPEND[SPEND >= 500].sum() / SPEND.sum()), 4), rev=round(float(SPEND[SPEND >= 500].sum()), 2))
    ''', figs=[('n500', 'customers with lifetime spend >= 500'), ('share', 'their share of all-time revenue')],
    note='No customer has exactly 500, so >= and > agree.'),
  T('那整体会员里只买过一次就再也没来过的占多少', 'figure', '''
    dict(one=round(float((NPD == 1).mean()), 4), n_one=int((NPD == 1).sum()))
    ''', figs=[('one', 'share of all customers with exactly 1 purchase day ever'), ('n_one', 'count of such customers')],
    note='Whole member base (the question says 整体会员), not the 500+ group.'),
)

conv(P2,
  T('新会员第一次买完 平均隔多少天会来买第二次？中位数呢', 'figure', '''
    two = PD.groupby('cust').date.apply(lambda s: (s.iloc[1] - s.iloc[0]).days if len(s) >= 2 else np.nan).dropna()
    dict(mean_f2s=round(float(two.mean()), 1), median_f2s=float(two.median()), n=int(len(two)))
    ''', figs=[('mean_f2s', 'mean days first-to-second purchase day (customers with >= 2)'), ('median_f2s', 'median days first-to-second')],
    tol=0.01),
  T('今年上半年老会员的回购间隔平均是多少天', 'figure', '''
    g = GAPS[(GAPS.date >= pd.Timestamp('1998-01-01')) & (GAPS.date <= pd.Timestamp('1998-06-30'))].gap
    dict(mean_gap=round(float(g.mean()), 1), median_gap=float(g.median()), all_mean=round(float(GAPS.gap.mean()), 1))
    ''', figs=[('mean_gap', 'mean days between purchases, gaps dated by the later day in 1998 H1')],
    must_not=[('all_mean', 'all-time mean gap (wrong period)')], period='1998-01-01..1998-06-30', tol=0.01),
)

conv(P2,
  T('消费排前10%的大客户里，有多少人已经90天以上没来了', 'figure', '''
    top = SPEND.sort_values(ascending=False).head(int(round(len(SPEND) * 0.10))).index
    cut = NOW - pd.Timedelta(days=90)
    thr = SPEND.sort_values(ascending=False).iloc[len(top) - 1]
    dict(n=int((LAST.loc[top] <= cut).sum()), share=round(float((LAST.loc[top] <= cut).mean()), 4),
         n_all=int((LAST <= cut).sum()), ties_at_cut=int((SPEND == thr).sum()))
    ''', figs=[('n', 'top-10% spenders (2,357 by lifetime spend) whose last order is >= 90 days before 1998-06-30')],
    must_not=[('n_all', 'all customers inactive 90 days (top-10% filter dropped)')], tol=0.01),
  T('这些人历史上一共花了多少', 'figure', '''
    top = SPEND.sort_values(ascending=False).head(int(round(len(SPEND) * 0.10))).index
    cut = NOW - pd.Timedelta(days=90); s = LAST.loc[top][LAST.loc[top] <= cut].index
    dict(spend=round(float(SPEND.loc[s].sum()), 2), top_spend=round(float(SPEND.loc[top].sum()), 2))
    ''', figs=[('spend', 'lifetime spend of those inactive top-10% spenders')],
    must_not=[('top_spend', 'lifetime spend of all top-10% spenders (inactive filter dropped)')], tol=0.01),
)

conv(P2,
  T('查一下C17164这个会员，手机号和生日发我一下，另外他在我们这买过几次、花了多少', 'partial', '''
    c = 17164
    dict(purchase_days=int(NPD[c]), spend=round(float(SPEND[c]), 2), days_since=int((NOW - LAST[c]).days))
    ''', figs=[('spend', 'lifetime spend of 17164 (one order on 1997-03-02)')],
    note='No phone/birthday data: must say so. Bought once (1997-03-02), 11.77 dollars, 485 days ago.'),
)

conv(P2,
  T('你这个流失预测模型准不准？数据是更新到哪天的', 'model', 'dict()\n', tool='assistant_status'),
)

conv(P2,
  T('19339这个大客户怎么好久没动静了，他最后一次是什么时候买的？总共花了多少', 'figure', '''
    c = 19339
    dict(days_since=int((NOW - LAST[c]).days), spend=round(float(SPEND[c]), 2), purchase_days=int(NPD[c]), last=str(LAST[c].date()))
    ''', figs=[('days_since', 'days since last purchase of 19339 (last 1997-04-11)'), ('spend', 'lifetime spend of 19339')],
    note='Last purchase 1997-04-11, 445 days ago; 22 purchase days, all between 1997-03-09 and 1997-04-11.'),
  T('帮我给他打个"重点召回"的标签，再发条短信给他', 'refusal', 'dict()\n',
    note='Cannot tag customers or send messages; should say so and call no tool.'),
)

# ---------------------------------------------------------------- build
ns = {}
exec(PRELUDE, ns)
items = []
for i, (persona, turns) in enumerate(ITEMS, 1):
    tl = []
    for t in turns:
        lines = t['check'].strip('\n').split('\n')
        loc = dict(ns)
        exec('\n'.join(lines[:-1]), loc)
        vals = eval(lines[-1], loc)
        exp = {'kind': t['kind']}
        if t['tool']:
            exp['tool'] = t['tool']
        if t['figs']:
            exp['figures'] = [{'value': vals[k], 'rel_tol': t['tol'], 'what': f'[{k}] {w}'} for k, w in t['figs']]
        if t['must_not']:
            exp['must_not'] = [{'value': vals[k], 'rel_tol': 0.005, 'what': f'[{k}] {w}'} for k, w in t['must_not']]
        if t['period']:
            exp['period'] = t['period']
        turn = {'q': t['q'], 'expect': exp, 'check': t['check']}
        if t['note']:
            turn['note'] = t['note']
        tl.append(turn)
        print(f'b1-{i:03d}', t['q'][:30], vals)
    items.append({'id': f'b1-{i:03d}', 'persona': persona, 'turns': tl})

doc = {'writer': 'b1 (outside evaluator; wrote without seeing the product code, tests, prompts or other sets) — personas: '
                 '连锁唱片店区域运营总监 (Monday review) and 会员中心专员 (member tiers, lapsed members, single members)',
       'data_end': '1998-06-30', 'check_prelude': PRELUDE, 'items': items}

class D(yaml.SafeDumper):
    pass
def str_rep(d, s):
    if '\n' in s:
        return d.represent_scalar('tag:yaml.org,2002:str', s, style='|')
    return d.represent_scalar('tag:yaml.org,2002:str', s)
D.add_representer(str, str_rep)
with open('/tmp/team/b1/set_b1.yaml', 'w') as f:
    yaml.dump(doc, f, Dumper=D, allow_unicode=True, sort_keys=False, width=200)
print(len(items), 'conversations', sum(len(x['turns']) for x in items), 'turns')
