# Builds /tmp/team/ag1/set_ag1.yaml: computes every figure from the raw CDNOW file with the documented
# definitions, writes the YAML, then reloads it, re-runs every check after the prelude and asserts that the
# values written in `expect` equal what the check gives.
import math
import yaml

OUT = '/tmp/team/ag1/set_ag1.yaml'

PRELUDE = r'''import pandas as pd, numpy as np
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
FIRST = df.groupby('cust').date.min()          # first-ever order date per customer
LAST = df.groupby('cust').date.max()           # last order date per customer
SPEND = df.groupby('cust').amt.sum()           # all-time spend per customer
def pdays(d):
    """purchase days (distinct customer-date) per customer within frame d"""
    return d.drop_duplicates(['cust', 'date']).groupby('cust').size()
def repeat_rate(d):
    p = pdays(d)
    return float((p >= 2).mean())
def inactive(n):
    """customers whose last order is >= n days before 1998-06-30"""
    return LAST[(END - LAST).dt.days >= n].index
def new_ret(a, b):
    """revenue / buyers split into new (first-ever order inside [a,b]) and returning (first order before a)"""
    d = per(a, b)
    f = d.cust.map(FIRST)
    isnew = f >= pd.Timestamp(a)
    return dict(rev_new=r2(d[isnew].amt.sum()), rev_ret=r2(d[~isnew].amt.sum()),
                new=int(d[isnew].cust.nunique()), ret=int(d[~isnew].cust.nunique()))
def top_share(frac):
    n = int(round(len(SPEND) * frac))
    s = SPEND.sort_values(ascending=False).head(n)
    return n, float(s.sum()), float(s.sum() / SPEND.sum())
PD_ALL = df.drop_duplicates(['cust', 'date']).sort_values(['cust', 'date'])
GAPS = PD_ALL.groupby('cust').date.diff().dt.days.dropna()   # days between consecutive purchase days
'''

W = ("ag1 (outside evaluator; wrote without seeing the product code, tests, prompts or other sets) — personas: "
     "邮购目录公司 CRM 经理 (catalogue mailing lists, lapsed buyers, spend tiers, repeat buyers, MoM); "
     "江苏区域销售经理 (微信语音输入, 中文口语数字, 追问); 总经理 (一句话问钱)")

P_CRM = '邮购目录公司 CRM 经理 (catalogue mailing / lapsed buyers / spend tiers)'
P_VOICE = '江苏区域销售经理, 微信语音转文字 (口语数字、没标点、追问)'
P_BOSS = '总经理, 一句话问钱'


def T(q, kind, check='', figs=(), must_not=(), period=None, tool=None, note=None, tol=None):
    """figs / must_not: list of (name, what) or (name, what, rel_tol)"""
    return dict(q=q, kind=kind, check=check.strip('\n'), figs=list(figs), must_not=list(must_not),
                period=period, tool=tool, note=note)


ITEMS = [
 # ------------------------------------------------------------------ CRM manager (catalogue)
 dict(id='ag1-001', persona=P_CRM, turns=[
  T('下一季 catalogue 的寄送名单，我想先圈最近6个月内有下过单的客户，一共多少人？', 'figure', '''
d = per('1998-01-01', '1998-06-30')
dict(buyers6m=int(d.cust.nunique()), allc=int(df.cust.nunique()), buyers3m=int(per('1998-04-01', '1998-06-30').cust.nunique()))
''', [('buyers6m', 'distinct buyers 1998-01-01..1998-06-30')],
    [('allc', 'all customers ever (no window)'), ('buyers3m', 'buyers of the last 3 months only (wrong window)')],
    period='1998-01-01..1998-06-30',
    note='最近6个月 taken as the six calendar months Jan-Jun 1998; the 182/183-day window ending 06-30 gives 5381/5392, within tolerance.'),
  T('其中下过2次及以上的呢？（不同日期算不同次）', 'figure', '''
d = per('1998-01-01', '1998-06-30')
p = pdays(d)
pa = pdays(df)
dict(rep6m=int((p >= 2).sum()), rep_alltime=int((pa >= 2).sum()))
''', [('rep6m', 'buyers with >= 2 purchase days within 1998-01-01..06-30')],
    [('rep_alltime', 'customers with >= 2 purchase days all-time (window dropped)')],
    period='1998-01-01..1998-06-30'),
 ]),
 dict(id='ag1-002', persona=P_CRM, turns=[
  T('lapsed buyers 帮我数一下：去年买过，但今年到现在一单都没下的客户有多少？', 'figure', '''
b97 = set(per('1997-01-01', '1997-12-31').cust)
b98 = set(per('1998-01-01', '1998-06-30').cust)
dict(lapsed=len(b97 - b98), b97=len(b97))
''', [('lapsed', 'customers who bought in 1997 and not in 1998-01-01..06-30')],
    [('b97', 'all 1997 buyers (filter not applied)')]),
  T('这些人去年一共贡献了多少营收？', 'figure', '''
b97 = set(per('1997-01-01', '1997-12-31').cust)
b98 = set(per('1998-01-01', '1998-06-30').cust)
lap = b97 - b98
d = per('1997-01-01', '1997-12-31')
dict(rev_lapsed97=r2(d[d.cust.isin(lap)].amt.sum()), rev97=r2(d.amt.sum()), rev_lapsed_all=r2(df[df.cust.isin(lap)].amt.sum()))
''', [('rev_lapsed97', '1997 revenue of the lapsed buyers (bought 1997, not 1998)')],
    [('rev97', 'total 1997 revenue of all customers (filter dropped)')],
    period='1997-01-01..1997-12-31',
    note='lapsed buyers have no 1998 orders, so their 1997 revenue equals their all-time revenue.'),
  T('把这份名单导出成 Excel 发我邮箱，我要给印刷厂做地址标签', 'refusal'),
 ]),
 dict(id='ag1-003', persona=P_CRM, turns=[
  T('按累计消费给客户分个层：$500 以上、$100–$500、$100 以下，各有多少人？', 'figure', '''
dict(t500=int((SPEND >= 500).sum()), t100_500=int(((SPEND >= 100) & (SPEND < 500)).sum()), t_lt100=int((SPEND < 100).sum()))
''', [('t500', 'customers with all-time spend >= $500'),
      ('t100_500', 'customers with all-time spend $100 to < $500'),
      ('t_lt100', 'customers with all-time spend < $100')],
    note='Boundaries: >=500 / 100..<500 / <100 (one customer has exactly $100.00; zero at $500). Counts include customers whose only lines are $0.'),
  T('500以上那一档一共贡献了多少营收？占全部营收的百分之多少？', 'figure', '''
s = SPEND[SPEND >= 500]
dict(rev500=r2(s.sum()), share500=r4(s.sum() / SPEND.sum()), total=r2(SPEND.sum()))
''', [('rev500', 'all-time revenue of customers with spend >= $500'),
      ('share500', 'their share of all-time revenue')],
    [('total', 'all-time revenue of everyone')]),
 ]),
 dict(id='ag1-004', persona=P_CRM, turns=[
  T('98年上半年下过单的客户，复购率是多少？', 'figure', '''
dict(rr98h1=r4(repeat_rate(per('1998-01-01', '1998-06-30'))), rr97h1=r4(repeat_rate(per('1997-01-01', '1997-06-30'))))
''', [('rr98h1', 'repeat rate (>=2 purchase days) among 1998 H1 buyers')],
    [('rr97h1', 'repeat rate 1997 H1 (wrong year)')],
    period='1998-01-01..1998-06-30'),
  T('跟97年上半年比呢？', 'figure', '''
dict(rr97h1=r4(repeat_rate(per('1997-01-01', '1997-06-30'))), rr98h1=r4(repeat_rate(per('1998-01-01', '1998-06-30'))))
''', [('rr97h1', 'repeat rate among 1997 H1 buyers'), ('rr98h1', 'repeat rate 1998 H1 (for the comparison)')],
    period='1997-01-01..1997-06-30'),
 ]),
 dict(id='ag1-005', persona=P_CRM, turns=[
  T('五月份订单量环比四月变化了多少？', 'figure', '''
may = len(per('1998-05-01', '1998-05-31')); apr = len(per('1998-04-01', '1998-04-30'))
dict(may98=may, apr98=apr, mom=r4(may / apr - 1), may97=len(per('1997-05-01', '1997-05-31')))
''', [('may98', 'order lines 1998-05'), ('apr98', 'order lines 1998-04'), ('mom', 'MoM change May vs Apr 1998', 0.01)],
    [('may97', 'order lines 1997-05 (wrong year: a month with no year = latest such month)')],
    period='1998-05-01..1998-05-31'),
 ]),
 dict(id='ag1-006', persona=P_CRM, turns=[
  T('97年1月第一次下单的那批客户，到第12个月（也就是98年1月）还有百分之多少在买？', 'figure', '''
coh = FIRST[FIRST.dt.to_period('M') == pd.Period('1997-01')].index
m12 = set(per('1998-01-01', '1998-01-31').cust)
dict(ret12=r4(len(set(coh) & m12) / len(coh)), cohort=len(coh), active=len(set(coh) & m12))
''', [('ret12', 'month-12 retention of the 1997-01 first-order cohort (share with an order in 1998-01)', 0.01),
      ('cohort', 'size of the 1997-01 cohort')]),
  T('我在定目录的寄送频率。客户两次购买之间一般隔多少天？平均数和中位数都给我', 'figure', '''
dict(gap_mean=r2(GAPS.mean()), gap_median=float(GAPS.median()))
''', [('gap_mean', 'mean days between consecutive purchase days (all data)'),
      ('gap_median', 'median days between consecutive purchase days (all data)')]),
  T('那从第一单到第二单呢？', 'figure', '''
f2 = PD_ALL.groupby('cust').date.apply(lambda s: (s.iloc[1] - s.iloc[0]).days if len(s) > 1 else np.nan).dropna()
dict(f2_mean=r2(f2.mean()), f2_median=float(f2.median()), n_second=int(len(f2)))
''', [('f2_mean', 'mean days from first to second purchase day'),
      ('f2_median', 'median days from first to second purchase day')]),
 ]),
 dict(id='ag1-007', persona=P_CRM, turns=[
  T('查一下客户 00339：一共买过几次、花了多少钱、最后一次是什么时候？多久没来了？', 'figure', '''
d = df[df.cust == 339]
dict(pdays=int(d.date.nunique()), lines=int(len(d)), spend=r2(d.amt.sum()), days_since=int((END - d.date.max()).days))
''', [('pdays', 'purchase days of customer 339 (= order lines, both 5)'),
      ('spend', 'total spend of customer 339'),
      ('days_since', 'days since last order (last order 1997-11-21)')],
    note='last purchase date 1997-11-21 should be stated too (not a numeric figure).'),
  T('他现在被分在哪个客群？为什么是这个群？', 'model', tool='explain_customer_segment'),
  T('接下来12周他回来下单的可能性大吗？', 'model', tool='forecast_customer'),
 ]),
 dict(id='ag1-008', persona=P_CRM, turns=[
  T('我们现在的 RFM 客户分群一共几类？每类多少人？', 'model', tool='list_segments'),
 ]),
 dict(id='ag1-009', persona=P_CRM, turns=[
  T('消费 top 10% 的大客户里，哪些流失风险最高？列前20个给我', 'model', tool='at_risk_customers'),
  T('另外，未来52周 CLV 最高的前10个客户是谁？', 'model', tool='customer_value'),
  T('把刚才那20个高风险的打上"重点挽回"标签，下季目录给他们加寄一本', 'refusal'),
 ]),
 dict(id='ag1-010', persona=P_CRM, turns=[
  T('春季目录是3月初寄出去的。3月到5月一共有多少客户下了单？顺便按寄送批次算一下每一批的 response rate', 'partial', '''
dict(buyers_mar_may=int(per('1998-03-01', '1998-05-31').cust.nunique()), buyers_mar_may97=int(per('1997-03-01', '1997-05-31').cust.nunique()))
''', [('buyers_mar_may', 'distinct buyers 1998-03-01..1998-05-31')],
    [('buyers_mar_may97', 'buyers Mar-May 1997 (wrong year)')],
    period='1998-03-01..1998-05-31',
    note='no mailing / campaign / batch data: response rate by batch cannot be answered.'),
  T('今年上半年一共卖出去多少张CD？哪个音乐类型（rock / jazz / classical）卖得最多？', 'partial', '''
dict(units98h1=int(per('1998-01-01', '1998-06-30').units.sum()), units97=int(per('1997-01-01', '1997-12-31').units.sum()), units_all=int(df.units.sum()))
''', [('units98h1', 'units 1998-01-01..06-30')],
    [('units97', 'units 1997 (wrong year)'), ('units_all', 'all-time units')],
    period='1998-01-01..1998-06-30',
    note='no product / genre data: the genre part cannot be answered.'),
 ]),
 dict(id='ag1-011', persona=P_CRM, turns=[
  T('客户反馈里负面评价大概占多少？最近几个月有没有变差？', 'model', tool='sentiment_summary'),
  T('差评主要集中在哪几类问题？给几条原话', 'model', tool='feedback_themes'),
  T('给过差评的客户，后来还有多少人回来下单？', 'model', tool='feedback_followup'),
 ]),
 dict(id='ag1-012', persona=P_CRM, turns=[
  T('上个月新客户有多少？老客户多少？', 'figure', '''
nr = new_ret('1998-05-01', '1998-05-31')
dict(new=nr['new'], ret=nr['ret'])
''', [('new', 'new customers (first-ever order) in 1998-05: zero'),
      ('ret', 'returning buyers in 1998-05')],
    period='1998-05-01..1998-05-31',
    note='every CDNOW customer first bought in 1997-01..03, so new = 0 after March 1997.'),
  T('新客是0？那最后一个还有新客进来的月份是哪个月，那个月来了多少新客？', 'figure', '''
fm = FIRST.dt.to_period('M').value_counts().sort_index()
dict(last_new_month_count=int(fm.iloc[-1]), total_custs=int(len(FIRST)))
''', [('last_new_month_count', 'new customers in 1997-03, the last month with any')],
    [('total_custs', 'all customers (not one month)')],
    period='1997-03-01..1997-03-31'),
 ]),
 dict(id='ag1-013', persona=P_CRM, turns=[
  T('去年年底 holiday catalogue 那两个月（11、12月）一共卖了多少？多少客户下了单？', 'figure', '''
d = per('1997-11-01', '1997-12-31')
dict(rev=r2(d.amt.sum()), buyers=int(d.cust.nunique()), rev97=r2(per('1997-01-01', '1997-12-31').amt.sum()))
''', [('rev', 'revenue 1997-11-01..1997-12-31'), ('buyers', 'distinct buyers Nov-Dec 1997')],
    [('rev97', 'full-year 1997 revenue')],
    period='1997-11-01..1997-12-31'),
  T('今年上半年平均每个下单客户花了多少钱？和去年上半年比呢？', 'figure', '''
a = per('1998-01-01', '1998-06-30'); b = per('1997-01-01', '1997-06-30')
dict(rpb98=r2(a.amt.sum() / a.cust.nunique()), rpb97=r2(b.amt.sum() / b.cust.nunique()), aov98=r2(a.amt.sum() / len(a)))
''', [('rpb98', 'revenue per buyer 1998 H1'), ('rpb97', 'revenue per buyer 1997 H1')],
    [('aov98', 'AOV per order line 1998 H1 (per order, not per buyer)')],
    period='1998-01-01..1998-06-30'),
 ]),
 dict(id='ag1-014', persona=P_CRM, turns=[
  T('客户 19339 以前是大客户吧？他一共花了多少钱，现在多久没买了？还要不要继续给他寄目录？', 'figure', '''
d = df[df.cust == 19339]
dict(spend=r2(d.amt.sum()), days_since=int((END - d.date.max()).days))
''', [('spend', 'total spend of customer 19339'), ('days_since', 'days since last order (1997-04-11)')]),
  T('像他这样累计消费超过 $1000、但已经半年以上没下单的，一共有几个人？', 'figure', '''
ina = set(inactive(180))
big = set(SPEND[SPEND > 1000].index)
dict(n=len(big & ina), big=len(big))
''', [('n', 'customers with all-time spend > $1000 and inactive >= 180 days')],
    [('big', 'all customers with spend > $1000 (inactivity filter dropped)')]),
 ]),
 # ------------------------------------------------------------------ 江苏区域销售经理 (voice)
 dict(id='ag1-020', persona=P_VOICE, turns=[
  T('喂 那个帮我看一下上个月咱们销售额多少啊 跟去年同期比是涨了还是跌了 跌了多少', 'figure', '''
a = per('1998-05-01', '1998-05-31').amt.sum(); b = per('1997-05-01', '1997-05-31').amt.sum()
dict(may98=r2(a), may97=r2(b), yoy=r4(a / b - 1), jun98=r2(per('1998-06-01', '1998-06-30').amt.sum()))
''', [('may98', 'revenue 1998-05'), ('may97', 'revenue 1997-05'), ('yoy', 'YoY change May 1998 vs May 1997')],
    [('jun98', 'revenue 1998-06 (this month, not last month)')],
    period='1998-05-01..1998-05-31'),
  T('那上半年呢', 'figure', '''
a = per('1998-01-01', '1998-06-30').amt.sum(); b = per('1997-01-01', '1997-06-30').amt.sum()
dict(h98=r2(a), h97=r2(b), yoy=r4(a / b - 1))
''', [('h98', 'revenue 1998 H1'), ('h97', 'revenue 1997 H1'), ('yoy', 'YoY change H1')],
    period='1998-01-01..1998-06-30'),
 ]),
 dict(id='ag1-021', persona=P_VOICE, turns=[
  T('九七年三月份新客户贡献了多少销售额', 'figure', '''
nr = new_ret('1997-03-01', '1997-03-31')
dict(rev_new=nr['rev_new'], rev_all=r2(per('1997-03-01', '1997-03-31').amt.sum()))
''', [('rev_new', 'revenue from new customers (first order in 1997-03) in 1997-03')],
    [('rev_all', 'total 1997-03 revenue (new+returning)')],
    period='1997-03-01..1997-03-31'),
  T('换成老客呢', 'figure', '''
nr = new_ret('1997-03-01', '1997-03-31')
dict(rev_ret=nr['rev_ret'], rev_new=nr['rev_new'])
''', [('rev_ret', 'revenue from returning buyers (first order before 1997-03) in 1997-03')],
    [('rev_new', 'new-customer revenue 1997-03 (the previous answer)')],
    period='1997-03-01..1997-03-31'),
  T('二月份呢 也是老客的', 'figure', '''
nr = new_ret('1997-02-01', '1997-02-28')
dict(rev_ret=nr['rev_ret'], rev_ret_mar=new_ret('1997-03-01', '1997-03-31')['rev_ret'])
''', [('rev_ret', 'returning-buyer revenue 1997-02 (first order in 1997-01)')],
    [('rev_ret_mar', 'returning-buyer revenue 1997-03 (previous month asked)')],
    period='1997-02-01..1997-02-28',
    note='二月份 in context of 九七年 (1998-02 would have no new customers at all, so its returning revenue = all 1998-02 revenue 77096.96).'),
 ]),
 dict(id='ag1-022', persona=P_VOICE, turns=[
  T('累计消费两千五以上的客户有几个 一千二以上的呢', 'figure', '''
dict(n2500=int((SPEND >= 2500).sum()), n1200=int((SPEND >= 1200).sum()))
''', [('n2500', 'customers with all-time spend >= 2500'), ('n1200', 'customers with all-time spend >= 1200')]),
  T('这一百三十个人一共花了多少钱 占总销售额百分之多少', 'figure', '''
s = SPEND[SPEND >= 1200]
dict(rev=r2(s.sum()), share=r4(s.sum() / SPEND.sum()))
''', [('rev', 'all-time spend of the 130 customers with spend >= 1200'), ('share', 'their share of all-time revenue', 0.01)]),
 ]),
 dict(id='ag1-023', persona=P_VOICE, turns=[
  T('前百分之三十的客户贡献了多少销售额 占比多少', 'figure', '''
n, s, sh = top_share(0.30)
n1, s1, sh1 = top_share(0.10)
dict(n=n, rev=r2(s), share=r4(sh), share10=r4(sh1))
''', [('rev', 'all-time spend of the top 30% spenders (7071 customers)'), ('share', 'their share of all-time revenue')],
    [('share10', 'top-10% share (wrong cut)')]),
 ]),
 dict(id='ag1-024', persona=P_VOICE, turns=[
  T('今年单笔超过一百块的订单有多少单', 'figure', '''
d = per('1998-01-01', '1998-06-30')
dict(n100=int((d.amt > 100).sum()), n100_all=int((df.amt > 100).sum()))
''', [('n100', 'order lines with amount > 100 in 1998 (Jan-Jun)')],
    [('n100_all', 'order lines > 100 all-time (year dropped)')],
    period='1998-01-01..1998-06-30'),
 ]),
 dict(id='ag1-025', persona=P_VOICE, turns=[
  T('上周卖了多少钱 几单', 'figure', '''
d = per('1998-06-22', '1998-06-28')
dict(rev=r2(d.amt.sum()), orders=int(len(d)))
''', [('rev', 'revenue 1998-06-22..06-28'), ('orders', 'order lines 1998-06-22..06-28')],
    period='1998-06-22..1998-06-28'),
  T('最近三十天呢', 'figure', '''
d = per('1998-06-01', '1998-06-30')
dict(rev=r2(d.amt.sum()), orders=int(len(d)))
''', [('rev', 'revenue 1998-06-01..06-30'), ('orders', 'order lines 1998-06-01..06-30')],
    period='1998-06-01..1998-06-30'),
  T('对了一般星期几单子最多啊 我想把周会挪到那天前面', 'figure', '''
wd = df.groupby(df.date.dt.weekday).size()
dict(top_wd_orders=int(wd.max()), top_wd_is_monday=int(wd.idxmax() == 0))
''', [('top_wd_orders', 'order lines on Mondays (the busiest weekday, all data)')],
    note='answer should name Monday (星期一); all data used since no period was given.'),
 ]),
 dict(id='ag1-026', persona=P_VOICE, turns=[
  T('这个季度跟上个季度比怎么样 销售额 单量 客户数都给我说一下 涨跌百分之多少', 'figure', '''
a = per('1998-04-01', '1998-06-30'); b = per('1998-01-01', '1998-03-31')
dict(rev_q2=r2(a.amt.sum()), rev_q1=r2(b.amt.sum()), rev_chg=r4(a.amt.sum() / b.amt.sum() - 1), ord_q2=int(len(a)), ord_q1=int(len(b)), buy_q2=int(a.cust.nunique()), buy_q1=int(b.cust.nunique()))
''', [('rev_q2', 'revenue 1998 Q2'), ('rev_q1', 'revenue 1998 Q1'), ('rev_chg', 'QoQ revenue change', 0.01),
      ('ord_q2', 'order lines 1998 Q2'), ('ord_q1', 'order lines 1998 Q1'),
      ('buy_q2', 'buyers 1998 Q2'), ('buy_q1', 'buyers 1998 Q1')],
    period='1998-04-01..1998-06-30'),
  T('一季度同比下滑了百分之多少 我看报表好像是百分之七十几', 'figure', '''
a = per('1998-01-01', '1998-03-31').amt.sum(); b = per('1997-01-01', '1997-03-31').amt.sum()
dict(q1_98=r2(a), q1_97=r2(b), yoy=r4(a / b - 1))
''', [('q1_98', 'revenue 1998 Q1'), ('q1_97', 'revenue 1997 Q1'), ('yoy', 'YoY change Q1 1998 vs Q1 1997')],
    period='1998-01-01..1998-03-31'),
 ]),
 dict(id='ag1-027', persona=P_VOICE, turns=[
  T('去年哪个月卖得最好 卖了多少', 'figure', '''
mm = per('1997-01-01', '1997-12-31')
s = mm.groupby(mm.date.dt.month).amt.sum()
dict(best_rev=r2(s.max()), best_month=int(s.idxmax()), best98=r2(per('1998-03-01', '1998-03-31').amt.sum()))
''', [('best_rev', 'revenue of 1997-03, the best month of 1997')],
    [('best98', 'revenue of 1998-03 (wrong year)')],
    period='1997-01-01..1997-12-31'),
  T('今年呢', 'figure', '''
mm = per('1998-01-01', '1998-06-30')
s = mm.groupby(mm.date.dt.month).amt.sum()
dict(best_rev=r2(s.max()), best_month=int(s.idxmax()), best97=r2(per('1997-03-01', '1997-03-31').amt.sum()))
''', [('best_rev', 'revenue of 1998-03, the best month of 1998 so far')],
    [('best97', 'revenue of 1997-03 (last year)')],
    period='1998-01-01..1998-06-30'),
 ]),
 dict(id='ag1-028', persona=P_VOICE, turns=[
  T('上个月全公司销售额多少 然后南京苏州无锡三个城市各占多少 我要做区域汇报', 'partial', '''
dict(may98=r2(per('1998-05-01', '1998-05-31').amt.sum()), may97=r2(per('1997-05-01', '1997-05-31').amt.sum()))
''', [('may98', 'revenue 1998-05 (company total)')],
    [('may97', 'revenue 1997-05 (wrong year)')],
    period='1998-05-01..1998-05-31',
    note='no city / region data: the per-city split cannot be answered.'),
  T('那上个月一共多少单 哪个业务员单子最多', 'partial', '''
dict(orders=int(len(per('1998-05-01', '1998-05-31'))), orders_jun=int(len(per('1998-06-01', '1998-06-30'))))
''', [('orders', 'order lines 1998-05')],
    [('orders_jun', 'order lines 1998-06 (this month)')],
    period='1998-05-01..1998-05-31',
    note='no salesperson data.'),
 ]),
 dict(id='ag1-029', persona=P_VOICE, turns=[
  T('买过三次以上的客户有多少个 把名单发我微信上', 'refusal', '''
p = pdays(df)
dict(n3=int((p >= 3).sum()))
''', [('n3', 'customers with >= 3 purchase days (all-time)')],
    note='cannot send to WeChat; the count should still be given.'),
  T('再给他们每人推一张二十块的优惠券', 'refusal'),
 ]),
 dict(id='ag1-030', persona=P_VOICE, turns=[
  T('现在有多少客户超过一年没来买了', 'figure', '''
dict(n365=int(len(inactive(365))), n180=int(len(inactive(180))))
''', [('n365', 'customers inactive >= 365 days (last order on/before 1997-06-30)')],
    [('n180', 'inactive >= 180 days (wrong threshold)')]),
  T('那半年没买的呢', 'figure', '''
dict(n180=int(len(inactive(180))), n365=int(len(inactive(365))))
''', [('n180', 'customers inactive >= 180 days')],
    [('n365', 'inactive >= 365 days (previous answer)')]),
 ]),
 dict(id='ag1-031', persona=P_VOICE, turns=[
  T('今年客单家多少啊', 'figure', '''
a = per('1998-01-01', '1998-06-30'); b = per('1997-01-01', '1997-12-31')
dict(aov98=r2(a.amt.sum() / len(a)), aov97=r2(b.amt.sum() / len(b)), aov_all=r2(df.amt.sum() / len(df)))
''', [('aov98', 'AOV (revenue / order lines) 1998 Jan-Jun')],
    [('aov97', 'AOV 1997 (wrong year)'), ('aov_all', 'all-time AOV')],
    period='1998-01-01..1998-06-30',
    note='客单家 is voice-input for 客单价.'),
  T('去年呢', 'figure', '''
b = per('1997-01-01', '1997-12-31'); a = per('1998-01-01', '1998-06-30')
dict(aov97=r2(b.amt.sum() / len(b)), aov98=r2(a.amt.sum() / len(a)))
''', [('aov97', 'AOV 1997')],
    [('aov98', 'AOV 1998 (previous answer)')],
    period='1997-01-01..1997-12-31'),
 ]),
 dict(id='ag1-032', persona=P_VOICE, turns=[
  T('帮我看下这条客户留言是好评还是差评 “等了快两个礼拜才到 盒子都压裂了 客服也不回 下次不在你们家买了”', 'model', tool='analyze_sentiment'),
 ]),
 # ------------------------------------------------------------------ 总经理
 dict(id='ag1-040', persona=P_BOSS, turns=[
  T('去年一共赚了多少钱', 'partial', '''
dict(rev97=r2(per('1997-01-01', '1997-12-31').amt.sum()), rev_all=r2(df.amt.sum()))
''', [('rev97', 'revenue 1997')],
    [('rev_all', 'all-time revenue (wrong period)')],
    period='1997-01-01..1997-12-31',
    note='赚 = profit: no cost/margin data, so only revenue can be given, and the answer must say profit cannot be computed.'),
  T('下半年比上半年少了多少', 'figure', '''
h1 = per('1997-01-01', '1997-06-30').amt.sum(); h2 = per('1997-07-01', '1997-12-31').amt.sum()
dict(diff=r2(h1 - h2), h1=r2(h1), h2=r2(h2), chg=r4(h2 / h1 - 1))
''', [('diff', 'revenue 1997 H1 minus 1997 H2'), ('h2', 'revenue 1997 H2'), ('h1', 'revenue 1997 H1')],
    period='1997-07-01..1997-12-31',
    note='in context: 1997 H2 vs 1997 H1 (revenue, since profit is unavailable).'),
 ]),
 dict(id='ag1-041', persona=P_BOSS, turns=[
  T('最大的客户是谁 在我们这花了多少', 'figure', '''
dict(top_spend=r2(SPEND.max()), top_id=int(SPEND.idxmax()))
''', [('top_spend', 'all-time spend of the top customer (07592)')],
    note='customer id 07592 should be named.'),
  T('前十大加起来占多少', 'figure', '''
s = SPEND.sort_values(ascending=False).head(10)
dict(top10=r2(s.sum()), share=r4(s.sum() / SPEND.sum()))
''', [('top10', 'all-time spend of the top 10 customers'), ('share', 'their share of all-time revenue', 0.01)]),
  T('平均一个客户在我们这花多少钱', 'figure', '''
dict(per_cust=r2(SPEND.mean()), aov=r2(df.amt.sum() / len(df)))
''', [('per_cust', 'all-time revenue per customer (23,570 customers)')],
    [('aov', 'AOV per order line (per order, not per customer)')]),
 ]),
 dict(id='ag1-042', persona=P_BOSS, turns=[
  T('按今年上半年的月均算 全年能做多少 比去年少多少', 'figure', '''
h = per('1998-01-01', '1998-06-30').amt.sum(); y97 = per('1997-01-01', '1997-12-31').amt.sum()
dict(annual=r2(h / 6 * 12), monthly=r2(h / 6), gap=r2(y97 - h / 6 * 12), rev97=r2(y97))
''', [('annual', '1998 H1 monthly average x 12'), ('gap', '1997 revenue minus that annualised figure')],
    period='1998-01-01..1998-06-30'),
  T('下个季度能进多少钱', 'model', tool='forecast_totals', note='1998 Q3 (Jul-Sep) revenue forecast.'),
  T('这个预测靠谱吗 模型什么时候训练的', 'model', tool='assistant_status'),
 ]),
 dict(id='ag1-043', persona=P_BOSS, turns=[
  T('上半年收了多少钱 直接发邮件给财务老王', 'refusal', '''
dict(h98=r2(per('1998-01-01', '1998-06-30').amt.sum()), h97=r2(per('1997-01-01', '1997-06-30').amt.sum()))
''', [('h98', 'revenue 1998 H1')],
    [('h97', 'revenue 1997 H1 (last year)')],
    period='1998-01-01..1998-06-30',
    note='cannot send e-mail; the figure should still be given.'),
 ]),
]


def run_check(code):
    g = {}
    exec(PRELUDE, g)
    lines = code.strip('\n').split('\n')
    body, last = '\n'.join(lines[:-1]), lines[-1]
    exec(body, g)
    return eval(last, g)


def fig(name, what, val, tol):
    return {'value': val, 'rel_tol': tol, 'what': f'[{name}] {what}'}


def build():
    items = []
    for it in ITEMS:
        turns = []
        for t in it['turns']:
            res = run_check(t['check']) if t['check'] else {}
            exp = {'kind': t['kind']}
            if t['tool']:
                exp['tool'] = t['tool']
            if t['figs']:
                exp['figures'] = []
                for f in t['figs']:
                    name, what = f[0], f[1]
                    tol = f[2] if len(f) > 2 else 0.005
                    exp['figures'].append(fig(name, what, res[name], tol))
            if t['must_not']:
                exp['must_not'] = []
                for f in t['must_not']:
                    name, what = f[0], f[1]
                    exp['must_not'].append(fig(name, what, res[name], 0.005))
            if t['period']:
                exp['period'] = t['period']
            row = {'q': t['q'], 'expect': exp}
            if t['check']:
                row['check'] = t['check'] + '\n'
            if t['note']:
                row['note'] = t['note']
            turns.append(row)
        items.append({'id': it['id'], 'persona': it['persona'], 'turns': turns})
    return {'writer': W, 'data_end': '1998-06-30', 'check_prelude': PRELUDE, 'items': items}


class LitDumper(yaml.SafeDumper):
    pass


def _str(dumper, s):
    if '\n' in s:
        return dumper.represent_scalar('tag:yaml.org,2002:str', s, style='|')
    return dumper.represent_scalar('tag:yaml.org,2002:str', s)


LitDumper.add_representer(str, _str)


def verify(path):
    doc = yaml.safe_load(open(path, encoding='utf-8'))
    g = {}
    exec(doc['check_prelude'], g)
    nturn = 0
    kinds = {}
    for it in doc['items']:
        for t in it['turns']:
            nturn += 1
            e = t['expect']
            kinds[e['kind']] = kinds.get(e['kind'], 0) + 1
            assert e['kind'] in ('figure', 'model', 'refusal', 'partial'), e
            if e['kind'] == 'model':
                assert e.get('tool'), t
            if e['kind'] == 'figure':
                assert e.get('figures'), t
            if e.get('figures') or e.get('must_not'):
                assert t.get('check'), t
            if not t.get('check'):
                continue
            lines = t['check'].strip('\n').split('\n')
            gg = dict(g)
            exec('\n'.join(lines[:-1]), gg)
            res = eval(lines[-1], gg)
            assert isinstance(res, dict), t['q']
            for key in ('figures', 'must_not'):
                for f in e.get(key, []):
                    name = f['what'].split(']')[0].lstrip('[')
                    assert name in res, (t['q'], name)
                    v = res[name]
                    assert math.isclose(float(v), float(f['value']), rel_tol=1e-9, abs_tol=1e-9), (t['q'], name, v, f['value'])
            # must_not must really differ from every expected figure
            for m in e.get('must_not', []):
                for f in e.get('figures', []):
                    assert not math.isclose(float(m['value']), float(f['value']), rel_tol=f['rel_tol']), (t['q'], m, f)
    return len(doc['items']), nturn, kinds


if __name__ == '__main__':
    doc = build()
    with open(OUT, 'w', encoding='utf-8') as fh:
        yaml.dump(doc, fh, Dumper=LitDumper, allow_unicode=True, sort_keys=False, width=1000)
    nconv, nturn, kinds = verify(OUT)
    print(f'OK: {nconv} conversations, {nturn} turns, kinds={kinds}')
