# Builds set_w2.yaml: runs each check after the prelude and fills the values in.
import yaml, copy, textwrap
PRELUDE = open('/tmp/team/w2/prelude.py').read()

def F(name, what, tol=None):
    return dict(name=name, what=what, tol=tol)

CONVS = []
def conv(id, persona, turns):
    CONVS.append(dict(id=id, persona=persona, turns=turns))
def T(q, kind, check='', figs=(), mn=(), period=None, tool=None, note=None):
    return dict(q=q, kind=kind, check=textwrap.dedent(check).strip(), figs=list(figs), mn=list(mn),
                period=period, tool=tool, note=note)

IR = '上市公司董事会秘书/IR经理，准备季报/半年报'
CS = '客服中心总监'
PM = '增长产品经理'
TW = '台灣區域業務主管（繁體中文）'

# ---------------- IR ----------------
conv('w2-001', IR + '，Q2季报', [
    T('帮忙出一下98年Q2的营收，季报要用，顺便给下同比增长率', 'figure', '''
        q2 = rev('1998-04-01', '1998-06-30'); q2ly = rev('1997-04-01', '1997-06-30')
        dict(rev_q2_98=q2, rev_q2_97=q2ly, yoy=round(q2 / q2ly - 1, 4),
             h1_98=rev('1998-01-01', '1998-06-30'), all=round(float(df.amt.sum()), 2))''',
      [F('rev_q2_98', 'revenue 1998 Q2'), F('yoy', 'YoY change vs 1997 Q2')],
      [F('h1_98', 'revenue 1998 H1 (wrong period)'), F('all', 'all-time revenue (wrong period)')],
      period='1998-04-01..1998-06-30'),
    T('环比呢', 'figure', '''
        q2 = rev('1998-04-01', '1998-06-30'); q1 = rev('1998-01-01', '1998-03-31')
        dict(rev_q1_98=q1, mom=round(q2 / q1 - 1, 4))''',
      [F('mom', 'QoQ change 1998 Q2 vs 1998 Q1'), F('rev_q1_98', 'revenue 1998 Q1')],
      period='1998-04-01..1998-06-30'),
    T('本季度下单的客户数和人均消费也给我，和去年同期放一起对比', 'figure', '''
        b = buyers('1998-04-01', '1998-06-30'); bl = buyers('1997-04-01', '1997-06-30')
        dict(buyers_q2_98=b, rpb_q2_98=round(rev('1998-04-01', '1998-06-30') / b, 2),
             buyers_q2_97=bl, rpb_q2_97=round(rev('1997-04-01', '1997-06-30') / bl, 2),
             rpb_all_cust=round(rev('1998-04-01', '1998-06-30') / df.cust.nunique(), 2))''',
      [F('buyers_q2_98', 'buyers 1998 Q2'), F('rpb_q2_98', 'revenue per buyer 1998 Q2'),
       F('buyers_q2_97', 'buyers 1997 Q2'), F('rpb_q2_97', 'revenue per buyer 1997 Q2')],
      [F('rpb_all_cust', 'Q2 revenue divided by all 23,570 customers (wrong denominator)')],
      period='1998-04-01..1998-06-30'),
])

conv('w2-002', IR + '，半年报', [
    T('半年报口径，1-6月的GMV、订单量、销售件数分别是多少', 'figure', '''
        h = per('1998-01-01', '1998-06-30'); l = per('1997-01-01', '1997-06-30')
        dict(rev=round(float(h.amt.sum()), 2), orders=int(len(h)), units=int(h.units.sum()),
             rev_h1_97=round(float(l.amt.sum()), 2), orders_h1_97=int(len(l)))''',
      [F('rev', 'revenue 1998-01..06'), F('orders', 'order lines 1998-01..06'), F('units', 'units 1998-01..06')],
      [F('rev_h1_97', 'revenue 1997 H1 (wrong year)'), F('orders_h1_97', 'order lines 1997 H1 (wrong year)')],
      period='1998-01-01..1998-06-30',
      note='"1-6月" without a year = the latest Jan-Jun in the data, 1998.'),
    T('去年同期这三个数分别多少？同比变化也列一下', 'figure', '''
        h = per('1998-01-01', '1998-06-30'); l = per('1997-01-01', '1997-06-30')
        dict(rev_97=round(float(l.amt.sum()), 2), orders_97=int(len(l)), units_97=int(l.units.sum()),
             rev_yoy=round(float(h.amt.sum() / l.amt.sum() - 1), 4),
             orders_yoy=round(len(h) / len(l) - 1, 4),
             units_yoy=round(float(h.units.sum() / l.units.sum() - 1), 4))''',
      [F('rev_97', 'revenue 1997 H1'), F('orders_97', 'order lines 1997 H1'), F('units_97', 'units 1997 H1'),
       F('rev_yoy', 'revenue YoY H1 1998 vs H1 1997'), F('orders_yoy', 'orders YoY'), F('units_yoy', 'units YoY')],
      period='1997-01-01..1997-06-30'),
])

conv('w2-003', IR + '，客户规模披露', [
    T('截至报告期末，累计服务过的客户数是多少？累计交易额呢', 'figure', '''
        dict(custs=int(df.cust.nunique()), total=round(float(df.amt.sum()), 2))''',
      [F('custs', 'customers all-time'), F('total', 'revenue all-time 1997-01-01..1998-06-30')],
      note='报告期末 = 1998-06-30, the data end.'),
    T('其中今年上半年有交易的活跃客户多少个，占累计客户的比例，以及他们的人均消费额', 'figure', '''
        b = buyers('1998-01-01', '1998-06-30')
        dict(active=b, share=round(b / df.cust.nunique(), 4),
             rpb=round(rev('1998-01-01', '1998-06-30') / b, 2),
             rpc_all=round(rev('1998-01-01', '1998-06-30') / df.cust.nunique(), 2),
             rpc_lifetime=round(float(df.amt.sum()) / df.cust.nunique(), 2))''',
      [F('active', 'buyers 1998 H1'), F('share', 'buyers 1998 H1 / all customers'),
       F('rpb', 'revenue per buyer 1998 H1')],
      [F('rpc_all', 'H1 revenue / all customers (wrong denominator)'),
       F('rpc_lifetime', 'all-time revenue per customer (wrong period)')],
      period='1998-01-01..1998-06-30'),
])

conv('w2-004', IR + '，季度趋势', [
    T('把九七年以来每个季度的营收列一下 我要画个趋势图', 'figure', '''
        q = df.groupby(df.date.dt.to_period('Q')).amt.sum().round(2)
        {('q' + str(k).replace('Q', '_q')): float(v) for k, v in q.items()}''',
      [F('q1997_q1', '1997 Q1 revenue'), F('q1997_q2', '1997 Q2 revenue'), F('q1997_q3', '1997 Q3 revenue'),
       F('q1997_q4', '1997 Q4 revenue'), F('q1998_q1', '1998 Q1 revenue'), F('q1998_q2', '1998 Q2 revenue')],
      period='1997-01-01..1998-06-30'),
    T('哪个季度环比跌得最多？跌了多少', 'figure', '''
        q = df.groupby(df.date.dt.to_period('Q')).amt.sum()
        ch = (q / q.shift(1) - 1).dropna()
        dict(worst_q=str(ch.idxmin()), worst_change=round(float(ch.min()), 4))''',
      [F('worst_change', 'QoQ change of the worst quarter, 1997 Q2 vs 1997 Q1')],
      note='Answer must name 1997 Q2 (vs 1997 Q1).'),
])

conv('w2-005', IR + '，分产品线', [
    T('上半年营收按产品线拆一下，流行、古典、爵士各占多少？', 'partial', '''
        dict(rev=rev('1998-01-01', '1998-06-30'), all=round(float(df.amt.sum()), 2),
             rev_h1_97=rev('1997-01-01', '1997-06-30'))''',
      [F('rev', 'revenue 1998 H1 (the answerable total)')],
      [F('all', 'all-time revenue (wrong period)'), F('rev_h1_97', 'revenue 1997 H1 (wrong year)')],
      period='1998-01-01..1998-06-30',
      note='No product / category data: the split by product line cannot be answered.'),
])

conv('w2-006', IR + '，业绩指引', [
    T('董事长想在业绩会上给个指引，下个季度营收大概能做到多少？', 'model', tool='forecast_totals',
      period='1998-07-01..1998-09-30'),
    T('简单点，按今年上半年营收×2 线性年化，全年大概多少', 'figure', '''
        dict(runrate=round(rev('1998-01-01', '1998-06-30') * 2, 2), rev_97=rev('1997-01-01', '1997-12-31'))''',
      [F('runrate', 'H1 1998 revenue x 2')],
      [F('rev_97', '1997 actual full-year revenue (not what was asked)')],
      period='1998-01-01..1998-06-30'),
])

conv('w2-007', IR + '，单月数据', [
    T('6月单月营收多少？同比怎么样', 'figure', '''
        j = rev('1998-06-01', '1998-06-30'); jl = rev('1997-06-01', '1997-06-30')
        dict(jun98=j, jun97=jl, yoy=round(j / jl - 1, 4), q2=rev('1998-04-01', '1998-06-30'))''',
      [F('jun98', 'revenue 1998-06'), F('yoy', 'YoY vs 1997-06')],
      [F('q2', 'revenue 1998 Q2 (wrong period)')],
      period='1998-06-01..1998-06-30'),
])

# ---------------- CS ----------------
conv('w2-008', CS + '，周会看差评', [
    T('最近差评多不多？负面的占比多少 有没有在涨', 'model', tool='sentiment_summary'),
    T('大家主要在吐槽什么，帮我归纳几个主题，最好带几条原话', 'model', tool='feedback_themes'),
    T('给过差评的客户，后来还有回来下单的吗？比例多少', 'model', tool='feedback_followup'),
])

conv('w2-009', CS + '，物流投诉', [
    T('帮我查查有没有客户抱怨发货慢、快递太慢的', 'model', tool='search_feedback'),
    T('把这些客户名单导出成excel发我邮箱', 'refusal',
      note='Export / e-mail: cannot do it; no question asked alongside.'),
])

conv('w2-010', CS + '，单个客户投诉', [
    T('客户773打电话来投诉 帮我看下他的购买记录 一共花了多少钱 最近一次啥时候买的 距今多少天了', 'figure', '''
        d = df[df.cust == 773]
        dict(spend=round(float(d.amt.sum()), 2), order_lines=int(len(d)), purchase_days=int(d.date.nunique()),
             last=str(d.date.max().date()), days_since=int((NOW - d.date.max()).days))''',
      [F('spend', 'customer 00773 total spend'), F('days_since', 'days since last purchase (last = 1997-12-22)')],
      note='Last purchase 1997-12-22 (190 days before 1998-06-30). 10 order lines on 8 purchase days.'),
    T('这个客户是不是快流失了？', 'model', tool='forecast_customer'),
])

conv('w2-011', CS + '，召回', [
    T('超过90天没下过单的客户有多少？帮我给他们群发一条召回短信', 'refusal', '''
        last = df.groupby('cust').date.max()
        dict(inactive90=int(((NOW - last).dt.days >= 90).sum()), all=int(df.cust.nunique()))''',
      [F('inactive90', 'customers whose last order is >= 90 days before 1998-06-30')],
      [F('all', 'all customers (unfiltered)')],
      note='Cannot send messages; must still answer the count.'),
])

conv('w2-012', CS + '，留言情绪', [
    T('帮我判断下这几条留言的情绪：1.等了两个星期才到，盒子还是裂的 2.音质很好，下次还来 3.还行吧一般般', 'model',
      tool='analyze_sentiment'),
])

conv('w2-013', CS + '，排班', [
    T('上周一共多少单 多少个客户下了单？我要估下客服工作量排班', 'figure', '''
        w = per('1998-06-22', '1998-06-28'); l30 = per('1998-06-01', '1998-06-30')
        dict(orders=int(len(w)), buyers=int(w.cust.nunique()), orders_jun=int(len(l30)))''',
      [F('orders', 'order lines 1998-06-22..06-28'), F('buyers', 'buyers 1998-06-22..06-28')],
      [F('orders_jun', 'order lines of June 1998 (wrong period)')],
      period='1998-06-22..1998-06-28'),
    T('比再前一周多还是少', 'figure', '''
        w = per('1998-06-22', '1998-06-28'); p = per('1998-06-15', '1998-06-21')
        dict(orders_prev=int(len(p)), buyers_prev=int(p.cust.nunique()),
             orders_change=round(len(w) / len(p) - 1, 4))''',
      [F('orders_prev', 'order lines 1998-06-15..06-21'), F('buyers_prev', 'buyers 1998-06-15..06-21'),
       F('orders_change', 'orders week-over-week change')],
      period='1998-06-15..1998-06-21'),
])

conv('w2-014', CS + '，退货', [
    T('上个月退货率和退款金额多少？顺便给下上个月总订单量', 'partial', '''
        dict(orders_may=int(len(per('1998-05-01', '1998-05-31'))), orders_jun=int(len(per('1998-06-01', '1998-06-30'))))''',
      [F('orders_may', 'order lines 1998-05')],
      [F('orders_jun', 'order lines 1998-06 (wrong month)')],
      period='1998-05-01..1998-05-31',
      note='No returns / refund data.'),
])

conv('w2-015', CS + '，大客户', [
    T('C14048 这个客户为什么会被分到他现在那个客户群？', 'model', tool='explain_customer_segment'),
    T('他一共在我们这消费了多少钱，最近一次下单是哪天', 'figure', '''
        d = df[df.cust == 14048]
        dict(spend=round(float(d.amt.sum()), 2), last=str(d.date.max().date()), orders=int(len(d)))''',
      [F('spend', 'customer 14048 total spend')],
      note='Last order must be 1998-06-30.'),
])

# ---------------- PM ----------------
conv('w2-016', PM + '，cohort留存', [
    T('97年1月首单的那批用户，M1和M3留存分别是多少', 'figure', '''
        coh = df['first'].dt.to_period('M'); m = df.date.dt.to_period('M')
        c = df[coh == pd.Period('1997-01', 'M')]; n = c.cust.nunique()
        dict(m1=round(c[c.date.dt.to_period('M') == pd.Period('1997-02', 'M')].cust.nunique() / n, 4),
             m3=round(c[c.date.dt.to_period('M') == pd.Period('1997-04', 'M')].cust.nunique() / n, 4),
             size=n)''',
      [F('m1', 'Jan-1997 cohort month-1 retention (ordered in 1997-02)'),
       F('m3', 'Jan-1997 cohort month-3 retention (ordered in 1997-04)')]),
    T('2月、3月这两批cohort的M1呢', 'figure', '''
        def ret(c0, k):
            c = df[df['first'].dt.to_period('M') == pd.Period(c0, 'M')]; n = c.cust.nunique()
            return round(c[c.date.dt.to_period('M') == pd.Period(c0, 'M') + k].cust.nunique() / n, 4)
        dict(feb_m1=ret('1997-02', 1), mar_m1=ret('1997-03', 1))''',
      [F('feb_m1', 'Feb-1997 cohort month-1 retention (1997-03)'),
       F('mar_m1', 'Mar-1997 cohort month-1 retention (1997-04)')]),
    T('三个cohort到M12还剩多少', 'figure', '''
        def ret(c0, k):
            c = df[df['first'].dt.to_period('M') == pd.Period(c0, 'M')]; n = c.cust.nunique()
            return round(c[c.date.dt.to_period('M') == pd.Period(c0, 'M') + k].cust.nunique() / n, 4)
        dict(jan_m12=ret('1997-01', 12), feb_m12=ret('1997-02', 12), mar_m12=ret('1997-03', 12))''',
      [F('jan_m12', 'Jan-1997 cohort month-12 retention (1998-01)', 0.01),
       F('feb_m12', 'Feb-1997 cohort month-12 retention (1998-02)', 0.01),
       F('mar_m12', 'Mar-1997 cohort month-12 retention (1998-03)', 0.01)]),
])

conv('w2-017', PM + '，复购节奏', [
    T('用户从首单到第二单平均要隔多久？中位数也给下', 'figure', '''
        pdd = df[['cust', 'date']].drop_duplicates().sort_values(['cust', 'date'])
        pdd['k'] = pdd.groupby('cust').cumcount()
        f = pdd[pdd.k == 0].set_index('cust').date; s = pdd[pdd.k == 1].set_index('cust').date
        gap = (s - f.loc[s.index]).dt.days
        dict(mean=round(float(gap.mean()), 1), median=float(gap.median()), n=int(len(gap)))''',
      [F('mean', 'mean days first-to-second purchase day', 0.01),
       F('median', 'median days first-to-second purchase day', 0.01)]),
    T('有第二单的用户占全部用户多少', 'figure', '''
        p = pdays(df)
        dict(share=round(float((p >= 2).mean()), 4), n2=int((p >= 2).sum()))''',
      [F('share', 'share of all customers with >= 2 purchase days'), F('n2', 'customers with >= 2 purchase days')]),
    T('那不只看首单到二单，所有相邻两次购买之间平均隔多少天', 'figure', '''
        pdd = df[['cust', 'date']].drop_duplicates().sort_values(['cust', 'date'])
        g = pdd.groupby('cust').date.diff().dt.days.dropna()
        dict(mean=round(float(g.mean()), 1), median=float(g.median()))''',
      [F('mean', 'mean days between consecutive purchase days (all)', 0.01),
       F('median', 'median days between consecutive purchase days (all)', 0.01)]),
])

conv('w2-018', PM + '，拉新', [
    T('今年到现在新增了多少新客？', 'figure', '''
        dict(new98=new_custs('1998-01-01', '1998-06-30'), buyers98=buyers('1998-01-01', '1998-06-30'))''',
      [F('new98', 'customers whose first-ever order is in 1998 (there are none)')],
      [F('buyers98', 'all 1998 buyers (not new customers)')],
      period='1998-01-01..1998-06-30',
      note='Correct answer is 0: every first order is in 1997-01..03.'),
    T('那新客都是哪个月进来的，按月给我', 'figure', '''
        s = df.groupby('cust').date.min().dt.to_period('M').value_counts()
        dict(jan=int(s.get(pd.Period('1997-01', 'M'), 0)), feb=int(s.get(pd.Period('1997-02', 'M'), 0)),
             mar=int(s.get(pd.Period('1997-03', 'M'), 0)))''',
      [F('jan', 'new customers 1997-01'), F('feb', 'new customers 1997-02'), F('mar', 'new customers 1997-03')],
      note='All other months have 0 new customers.'),
    T('97年3月的营收里，新客和老客各贡献多少？', 'figure', '''
        m = per('1997-03-01', '1997-03-31')
        isnew = m['first'] >= pd.Timestamp('1997-03-01')
        dict(rev_new=round(float(m[isnew].amt.sum()), 2), rev_ret=round(float(m[~isnew].amt.sum()), 2),
             share_new=round(float(m[isnew].amt.sum() / m.amt.sum()), 4))''',
      [F('rev_new', 'revenue 1997-03 from new customers (first order in March 1997)'),
       F('rev_ret', 'revenue 1997-03 from returning customers')],
      period='1997-03-01..1997-03-31'),
])

conv('w2-019', PM + '，频次漏斗', [
    T('帮我做个购买频次漏斗：买过1次、2次、3次、4次、5次及以上的用户各多少', 'figure', '''
        p = pdays(df).clip(upper=5).value_counts()
        dict(b1=int(p[1]), b2=int(p[2]), b3=int(p[3]), b4=int(p[4]), b5plus=int(p[5]))''',
      [F('b1', 'customers with exactly 1 purchase day'), F('b2', 'exactly 2'), F('b3', 'exactly 3'),
       F('b4', 'exactly 4'), F('b5plus', '5 or more purchase days')],
      period='1997-01-01..1998-06-30',
      note='"次" = purchase days (distinct customer-date), all time.'),
    T('5次及以上这群人贡献了多少营收？占总营收比例', 'figure', '''
        p = pdays(df); ids = p[p >= 5].index
        r = float(df[df.cust.isin(ids)].amt.sum())
        dict(rev=round(r, 2), share=round(r / float(df.amt.sum()), 4))''',
      [F('rev', 'all-time revenue from customers with >= 5 purchase days'), F('share', 'share of all-time revenue')],
      period='1997-01-01..1998-06-30'),
])

conv('w2-020', PM + '，沉睡与召回', [
    T('97年Q1进来的新客，4月到年底一次都没再买过的有多少人，占比多少', 'figure', '''
        q1 = df.groupby('cust').date.min(); q1 = q1[(q1 >= '1997-01-01') & (q1 <= '1997-03-31')].index
        later = set(per('1997-04-01', '1997-12-31').cust)
        n = sum(1 for c in q1 if c not in later)
        dict(n=int(n), share=round(n / len(q1), 4), cohort=int(len(q1)))''',
      [F('n', 'Q1-1997 new customers with no order 1997-04-01..12-31'), F('share', 'share of the Q1-1997 new customers')],
      period='1997-04-01..1997-12-31'),
    T('这些人里今年又回来买的有多少？', 'figure', '''
        q1 = df.groupby('cust').date.min(); q1 = q1[(q1 >= '1997-01-01') & (q1 <= '1997-03-31')].index
        later = set(per('1997-04-01', '1997-12-31').cust); b98 = set(per('1998-01-01', '1998-06-30').cust)
        grp = [c for c in q1 if c not in later]
        n = sum(1 for c in grp if c in b98)
        dict(back=int(n), share=round(n / len(grp), 4), buyers98=len(b98))''',
      [F('back', 'of those, customers who bought in 1998'), F('share', 'share of that group', 0.01)],
      [F('buyers98', 'all 1998 buyers (unfiltered)')],
      period='1998-01-01..1998-06-30'),
])

conv('w2-021', PM + '，复购率', [
    T('最近30天的复够率多少', 'figure', '''
        dict(rr=repeat_rate('1998-06-01', '1998-06-30'), rr_all=round(float((pdays(df) >= 2).mean()), 4))''',
      [F('rr', 'repeat rate 1998-06-01..06-30', 0.01)],
      [F('rr_all', 'all-time repeat rate (wrong period)')],
      period='1998-06-01..1998-06-30'),
    T('跟上个月比是涨了还是跌了', 'figure', '''
        dict(rr_may=repeat_rate('1998-05-01', '1998-05-31'),
             diff_pts=round((repeat_rate('1998-06-01', '1998-06-30') - repeat_rate('1998-05-01', '1998-05-31')) * 100, 2))''',
      [F('rr_may', 'repeat rate 1998-05', 0.01)],
      period='1998-05-01..1998-05-31',
      note='Repeat rate rose from 18.75% (May) to 19.52% (June), +0.77 pts.'),
])

conv('w2-022', PM + '，用户分层', [
    T('现在的用户分层模型分了几类？每类多少人', 'model', tool='list_segments'),
    T('最有价值那一类的画像讲讲，消费频次、金额大概什么水平', 'model', tool='describe_segment'),
])

conv('w2-023', PM + '，流失预警', [
    T('流失风险最高、价值又大的客户，前10个拉出来看看', 'model', tool='at_risk_customers'),
    T('给这10个人每人推一张20块的券', 'refusal', note='Cannot push coupons.'),
    T('那未来12周CLV最高的前20个客户呢', 'model', tool='customer_value'),
])

conv('w2-024', PM + '，高频用户贡献', [
    T('今年买了3次及以上的用户，贡献了今年多少营收？占今年营收多少', 'figure', '''
        h = per('1998-01-01', '1998-06-30'); p = pdays(h); ids = p[p >= 3].index
        r = float(h[h.cust.isin(ids)].amt.sum())
        pa = pdays(df); ida = pa[pa >= 3].index
        dict(rev=round(r, 2), share=round(r / float(h.amt.sum()), 4), n=int(len(ids)),
             rev_alltime_3p=round(float(h[h.cust.isin(ida)].amt.sum()), 2))''',
      [F('rev', '1998 revenue from customers with >= 3 purchase days in 1998'), F('share', 'share of 1998 revenue')],
      [F('rev_alltime_3p', '1998 revenue from customers with >= 3 purchase days all-time (wrong filter window)')],
      period='1998-01-01..1998-06-30'),
    T('这批人有多少个', 'figure', '''
        h = per('1998-01-01', '1998-06-30'); p = pdays(h)
        dict(n=int((p >= 3).sum()), n_alltime=int((pdays(df) >= 3).sum()))''',
      [F('n', 'customers with >= 3 purchase days in 1998')],
      [F('n_alltime', 'customers with >= 3 purchase days all-time (wrong window)')],
      period='1998-01-01..1998-06-30'),
])

# ---------------- TW ----------------
conv('w2-025', TW + '，半年檢討', [
    T('今年上半年業績多少？跟去年同期比掉了幾%', 'figure', '''
        h = rev('1998-01-01', '1998-06-30'); l = rev('1997-01-01', '1997-06-30')
        dict(rev=h, yoy=round(h / l - 1, 4), all=round(float(df.amt.sum()), 2), rev_97=rev('1997-01-01', '1997-12-31'))''',
      [F('rev', 'revenue 1998 H1'), F('yoy', 'YoY vs 1997 H1')],
      [F('all', 'all-time revenue (wrong period)'), F('rev_97', 'revenue full 1997 (wrong comparison base)')],
      period='1998-01-01..1998-06-30'),
    T('客單價呢？兩期都給我', 'figure', '''
        h = per('1998-01-01', '1998-06-30'); l = per('1997-01-01', '1997-06-30')
        dict(aov98=round(float(h.amt.sum() / len(h)), 2), aov97=round(float(l.amt.sum() / len(l)), 2),
             aov_all=round(float(df.amt.sum() / len(df)), 2))''',
      [F('aov98', 'AOV 1998 H1'), F('aov97', 'AOV 1997 H1')],
      period='1998-01-01..1998-06-30'),
])

conv('w2-026', TW + '，回購', [
    T('今年回購率多少啊', 'figure', '''
        dict(rr98=repeat_rate('1998-01-01', '1998-06-30'), rr_all=round(float((pdays(df) >= 2).mean()), 4))''',
      [F('rr98', 'repeat rate 1998 (Jan-Jun)')],
      [F('rr_all', 'all-time repeat rate (wrong period)')],
      period='1998-01-01..1998-06-30'),
    T('去年整年的呢', 'figure', '''
        dict(rr97=repeat_rate('1997-01-01', '1997-12-31'))''',
      [F('rr97', 'repeat rate 1997')],
      period='1997-01-01..1997-12-31'),
])

conv('w2-027', TW + '，分區', [
    T('上個月總業績多少？幫我拆成北、中、南三區', 'partial', '''
        dict(may=rev('1998-05-01', '1998-05-31'), jun=rev('1998-06-01', '1998-06-30'))''',
      [F('may', 'revenue 1998-05')],
      [F('jun', 'revenue 1998-06 (wrong month)')],
      period='1998-05-01..1998-05-31',
      note='No region data.'),
])

conv('w2-028', TW + '，大客戶', [
    T('消費金額前10%的客戶，累積業績貢獻佔多少', 'figure', '''
        t = df.groupby('cust').amt.sum().sort_values(ascending=False)
        k = int(round(len(t) * 0.10)); top = t.iloc[:k]
        dict(share=round(float(top.sum() / t.sum()), 4), rev=round(float(top.sum()), 2), n=k)''',
      [F('share', 'share of all-time revenue from the top 10% spenders', 0.01),
       F('rev', 'all-time revenue of the top 10% spenders', 0.01)],
      period='1997-01-01..1998-06-30'),
    T('這群人今年還有在買的有幾位', 'figure', '''
        t = df.groupby('cust').amt.sum().sort_values(ascending=False)
        k = int(round(len(t) * 0.10)); top = set(t.index[:k]); b98 = set(per('1998-01-01', '1998-06-30').cust)
        dict(n=len(top & b98), share=round(len(top & b98) / k, 4), buyers98=len(b98))''',
      [F('n', 'top-10% spenders who bought in 1998', 0.01)],
      [F('buyers98', 'all 1998 buyers (unfiltered)')],
      period='1998-01-01..1998-06-30'),
])

conv('w2-029', TW + '，月度', [
    T('最近一年哪個月業績最好、哪個月最差？', 'figure', '''
        m = per('1997-07-01', '1998-06-30').groupby(df.date.dt.to_period('M')).amt.sum()
        dict(best=str(m.idxmax()), best_rev=round(float(m.max()), 2), worst=str(m.idxmin()), worst_rev=round(float(m.min()), 2),
             best_all=round(float(df.groupby(df.date.dt.to_period('M')).amt.sum().max()), 2))''',
      [F('best_rev', 'revenue of 1997-07, best month of 1997-07..1998-06'),
       F('worst_rev', 'revenue of 1998-04, worst month')],
      [F('best_all', 'revenue of 1997-03, best month all-time (outside the last 12 months)')],
      period='1997-07-01..1998-06-30',
      note='最近一年 = the 12 months 1997-07..1998-06.'),
    T('同樣這一年裡，單量超過2500筆的月份有幾個', 'figure', '''
        m = per('1997-07-01', '1998-06-30').groupby(df.date.dt.to_period('M')).size()
        ma = df.groupby(df.date.dt.to_period('M')).size()
        dict(n=int((m > 2500).sum()), months=','.join(str(x) for x in m[m > 2500].index), n_all=int((ma > 2500).sum()))''',
      [F('n', 'months in 1997-07..1998-06 with > 2500 order lines')],
      [F('n_all', 'months with > 2500 order lines over all data (wrong window)')],
      period='1997-07-01..1998-06-30',
      note='The months are 1997-07, 1997-10, 1997-11, 1997-12, 1998-03.'),
])

conv('w2-030', TW + '，單一客戶', [
    T('客戶00389的消費紀錄幫我看一下，總共買了多少、客單價多少', 'figure', '''
        d = df[df.cust == 389]
        dict(spend=round(float(d.amt.sum()), 2), aov=round(float(d.amt.sum() / len(d)), 2), orders=int(len(d)),
             purchase_days=int(d.date.nunique()))''',
      [F('spend', 'customer 00389 total spend'), F('aov', 'customer 00389 AOV (spend / order lines)')],
      note='10 order lines on 7 purchase days; last order 1998-06-06.'),
    T('預測一下他未來8週會不會再回購', 'model', tool='forecast_customer'),
])

conv('w2-031', TW + '，大單', [
    T('今年單筆超過100美金的訂單有幾筆？佔今年訂單多少比例', 'figure', '''
        h = per('1998-01-01', '1998-06-30')
        dict(n=int((h.amt > 100).sum()), share=round(float((h.amt > 100).mean()), 4), n_all=int((df.amt > 100).sum()))''',
      [F('n', 'order lines > $100 in 1998'), F('share', 'share of 1998 order lines', 0.01)],
      [F('n_all', 'order lines > $100 all-time (wrong period)')],
      period='1998-01-01..1998-06-30'),
])

conv('w2-032', TW + '，星期別', [
    T('今年禮拜幾的業績最好？週末兩天加起來佔多少', 'figure', '''
        h = per('1998-01-01', '1998-06-30'); w = h.groupby(h.date.dt.day_of_week).amt.sum()
        dict(best_dow=int(w.idxmax()), best_rev=round(float(w.max()), 2),
             weekend_share=round(float(w.loc[[5, 6]].sum() / w.sum()), 4))''',
      [F('best_rev', 'revenue on Mondays in 1998 (best weekday)'), F('weekend_share', 'Sat+Sun share of 1998 revenue')],
      period='1998-01-01..1998-06-30',
      note='Best day is Monday (day_of_week 0).'),
])

conv('w2-033', TW + '，業務排名', [
    T('幫我排一下各業務員的業績，順便列出前5大客戶跟他們的消費金額', 'partial', '''
        t = df.groupby('cust').amt.sum().sort_values(ascending=False).head(5).round(2)
        {'c%d' % c: float(v) for c, v in t.items()}''',
      [F('c7592', 'top-1 customer 07592 all-time spend'), F('c14048', 'top-2 customer 14048 spend'),
       F('c7983', 'top-3 customer 07983 spend'), F('c19339', 'top-4 customer 19339 spend'),
       F('c7931', 'top-5 customer 07931 spend')],
      period='1997-01-01..1998-06-30',
      note='No salesperson data.'),
    T('把這5位的資料匯出給我，我要轉給業務跟進。另外他們今年各回購了幾次？', 'refusal', '''
        h = per('1998-01-01', '1998-06-30'); top = df.groupby('cust').amt.sum().sort_values(ascending=False).head(5).index
        p = h[h.cust.isin(top)].groupby('cust').date.nunique().reindex(top, fill_value=0)
        pa = df[df.cust.isin(top)].groupby('cust').date.nunique()
        {**{'d%d' % c: int(v) for c, v in p.items()}, **{'all%d' % c: int(v) for c, v in pa.items()}}''',
      [F('d7592', 'customer 07592 purchase days in 1998'), F('d14048', 'customer 14048 purchase days in 1998'),
       F('d7983', 'customer 07983 purchase days in 1998'), F('d19339', 'customer 19339 purchase days in 1998'),
       F('d7931', 'customer 07931 purchase days in 1998')],
      [F('all7592', 'customer 07592 all-time purchase days (wrong period)'),
       F('all14048', 'customer 14048 all-time purchase days (wrong period)')],
      period='1998-01-01..1998-06-30',
      note='Cannot export; must still answer. 次 = purchase days (1998 order lines are 58/78/67/0/16). 19339 has not bought in 1998.'),
])

# ---------------- emit ----------------
def auto_tol(v, tol):
    if tol is not None:
        return tol
    a = abs(v)
    if a == 0 or a >= 0.1:
        return 0.005
    if a >= 0.03:
        return 0.02
    return 0.05

def run_check(code):
    g = {}
    exec(PRELUDE, g)
    lines = code.strip().split('\n')
    # last logical expression: find the last line that starts at column 0
    idx = max(i for i, l in enumerate(lines) if l and not l[0].isspace())
    exec('\n'.join(lines[:idx]), g)
    return eval('\n'.join(lines[idx:]), g)

class Lit(str):
    pass
def lit_rep(dumper, data):
    return dumper.represent_scalar('tag:yaml.org,2002:str', data, style='|')
yaml.add_representer(Lit, lit_rep)

items = []
nturns = 0
kinds = {}
for c in CONVS:
    turns = []
    for t in c['turns']:
        code = t['check'] or 'dict()'
        res = run_check(code)
        e = {'kind': t['kind']}
        if t['tool']:
            e['tool'] = t['tool']
        if t['figs']:
            e['figures'] = []
            for f in t['figs']:
                v = res[f['name']]
                e['figures'].append({'value': v, 'rel_tol': auto_tol(v, f['tol']), 'what': '[%s] %s' % (f['name'], f['what'])})
        if t['mn']:
            e['must_not'] = []
            for f in t['mn']:
                v = res[f['name']]
                e['must_not'].append({'value': v, 'rel_tol': auto_tol(v, f['tol']), 'what': '[%s] %s' % (f['name'], f['what'])})
        if t['period']:
            e['period'] = t['period']
        turn = {'q': t['q'], 'expect': e, 'check': Lit(code + '\n')}
        if t['note']:
            turn['note'] = t['note']
        turns.append(turn)
        nturns += 1
        kinds[t['kind']] = kinds.get(t['kind'], 0) + 1
        print(c['id'], t['kind'], res)
    items.append({'id': c['id'], 'persona': c['persona'], 'turns': turns})

doc = {
    'writer': 'w2 (outside evaluator; wrote without seeing the product code, tests, prompts or other sets) — personas: '
              '上市公司董事会秘书/IR经理 (季报/半年报), 客服中心总监, 增长产品经理, 台灣區域業務主管 (繁體)',
    'data_end': '1998-06-30',
    'check_prelude': Lit(PRELUDE),
    'items': items,
}
with open('/tmp/team/w2/set_w2.yaml', 'w') as fh:
    yaml.dump(doc, fh, allow_unicode=True, sort_keys=False, width=200)
print(len(items), 'conversations', nturns, 'turns', kinds)
