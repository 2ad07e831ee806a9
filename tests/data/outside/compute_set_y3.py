# -*- coding: utf-8 -*-
"""Builds /tmp/team/y3/set_y3.yaml: runs every check after the prelude, fills expected values from
the check results, writes the YAML, then re-loads it and re-runs every check asserting equality."""
import yaml, math, sys

PRELUDE = r'''
import pandas as pd, numpy as np
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
def chg(new, old):
    return round(float(new) / float(old) - 1, 4)
first = df.groupby('cust').date.min()
last = df.groupby('cust').date.max()
def pdays(d):
    """purchase days per customer in frame d"""
    return d.groupby('cust').date.nunique()
def repeat_rate(d):
    p = pdays(d)
    return r4((p >= 2).mean())
'''

TW = '台灣區域業務經理 (繁中, 台灣用語, 夾英文)'
HK = '香港 key account manager (繁中+粵語, 夾英文)'

def F(name, what, tol=0.005):
    return (name, what, tol)

# Each turn: dict(q, kind, check, figs=[F...], mn=[F...], period, tool, note)
ITEMS = [
 # ---------------------------------------------------------------- 001 TW
 dict(id='y3-001', persona=TW + ', 年度檢討', turns=[
  dict(q='請問97年一整年的業積是多少？總共幾筆訂單？', kind='figure', period='1997-01-01..1997-12-31',
       check='''d = per('1997-01-01', '1997-12-31')
dict(rev97=r2(d.amt.sum()), orders97=int(len(d)), all_rev=r2(df.amt.sum()), all_orders=int(len(df)))''',
       figs=[F('rev97', 'revenue 1997'), F('orders97', 'orders (order lines) 1997')],
       mn=[F('all_rev', 'all-time revenue (wrong period)'), F('all_orders', 'all-time order lines (wrong period)')],
       note='業積 = typo of 業績 (revenue).'),
  dict(q='那今年到現在呢？跟去年同期比是成長還是衰退，差了幾%？', kind='figure', period='1998-01-01..1998-06-30',
       check='''a = per('1998-01-01', '1998-06-30').amt.sum(); b = per('1997-01-01', '1997-06-30').amt.sum()
dict(rev98h1=r2(a), rev97h1=r2(b), yoy=chg(a, b), rev97=r2(per('1997-01-01', '1997-12-31').amt.sum()), all_rev=r2(df.amt.sum()))''',
       figs=[F('rev98h1', 'revenue 1998-01-01..06-30 (this year to date)'), F('rev97h1', 'revenue 1997-01-01..06-30 (same period last year)'),
             F('yoy', 'YoY change, a decline of about 66.7%', 0.01)],
       mn=[F('rev97', 'full-year 1997 revenue (wrong comparison base)'), F('all_rev', 'all-time revenue')],
       note='今年 = 1998 Jan-Jun; 去年同期 = 1997 Jan-Jun.'),
 ]),
 # ---------------------------------------------------------------- 002 HK
 dict(id='y3-002', persona=HK + ', monthly review', turns=[
  dict(q='上個月 revenue 幾多？同再上一個月比係升咗定跌咗？', kind='figure', period='1998-05-01..1998-05-31',
       check='''m5 = per('1998-05-01', '1998-05-31').amt.sum(); m4 = per('1998-04-01', '1998-04-30').amt.sum()
dict(may=r2(m5), apr=r2(m4), mom=chg(m5, m4), jun=r2(per('1998-06-01', '1998-06-30').amt.sum()))''',
       figs=[F('may', 'revenue 1998-05'), F('apr', 'revenue 1998-04'), F('mom', 'MoM change, up about 7.2%', 0.01)],
       mn=[F('jun', 'revenue 1998-06 (this month, not last month)')]),
  dict(q='咁上個月有幾多個客落過單？', kind='figure', period='1998-05-01..1998-05-31',
       check='''dict(buyers_may=int(per('1998-05-01', '1998-05-31').cust.nunique()), buyers_jun=int(per('1998-06-01', '1998-06-30').cust.nunique()))''',
       figs=[F('buyers_may', 'distinct buyers 1998-05')], mn=[F('buyers_jun', 'buyers 1998-06 (wrong month)')]),
  dict(q='平均每個客使咗幾多？', kind='figure', period='1998-05-01..1998-05-31',
       check='''d = per('1998-05-01', '1998-05-31'); j = per('1998-06-01', '1998-06-30')
dict(rpb_may=r2(d.amt.sum() / d.cust.nunique()), aov_may=r2(d.amt.sum() / len(d)), rpb_jun=r2(j.amt.sum() / j.cust.nunique()))''',
       figs=[F('rpb_may', 'revenue per buyer 1998-05')],
       mn=[F('rpb_jun', 'revenue per buyer 1998-06 (wrong month)')],
       note='"每個客使咗幾多" = revenue per buyer (not AOV per order line, which is 35.76).'),
 ]),
 # ---------------------------------------------------------------- 003 TW
 dict(id='y3-003', persona=TW, turns=[
  dict(q='幫我看一下最近三個月，每個月的訂單數跟客單價喔', kind='figure', period='1998-04-01..1998-06-30',
       check='''out = {}
for m, (a, b) in {'apr': ('1998-04-01', '1998-04-30'), 'may': ('1998-05-01', '1998-05-31'), 'jun': ('1998-06-01', '1998-06-30')}.items():
    d = per(a, b); out['orders_' + m] = int(len(d)); out['aov_' + m] = r2(d.amt.sum() / len(d))
out''',
       figs=[F('orders_apr', 'orders 1998-04'), F('aov_apr', 'AOV 1998-04'), F('orders_may', 'orders 1998-05'),
             F('aov_may', 'AOV 1998-05'), F('orders_jun', 'orders 1998-06'), F('aov_jun', 'AOV 1998-06')]),
 ]),
 # ---------------------------------------------------------------- 004 HK
 dict(id='y3-004', persona=HK + ', 季度 review', turns=[
  dict(q='今年Q1同去年Q1比，sales 跌咗幾多%？', kind='figure', period='1998-01-01..1998-03-31',
       check='''a = per('1998-01-01', '1998-03-31').amt.sum(); b = per('1997-01-01', '1997-03-31').amt.sum()
dict(q1_98=r2(a), q1_97=r2(b), yoy=chg(a, b))''',
       figs=[F('q1_98', 'revenue 1998 Q1'), F('q1_97', 'revenue 1997 Q1'), F('yoy', 'YoY change, down about 75.5%', 0.01)]),
  dict(q='咁Q2呢？係咪都跌咁多？', kind='figure', period='1998-04-01..1998-06-30',
       check='''a = per('1998-04-01', '1998-06-30').amt.sum(); b = per('1997-04-01', '1997-06-30').amt.sum()
dict(q2_98=r2(a), q2_97=r2(b), yoy=chg(a, b))''',
       figs=[F('q2_98', 'revenue 1998 Q2'), F('q2_97', 'revenue 1997 Q2'), F('yoy', 'YoY change, down about 40.6%', 0.01)]),
  dict(q='今年上半年平均每個月 sales 幾多？照咁嘅速度計，全年大概會有幾多？', kind='figure', period='1998-01-01..1998-06-30',
       check='''a = per('1998-01-01', '1998-06-30').amt.sum()
dict(monthly_avg=r2(a / 6), annualised=r2(a / 6 * 12), rev97=r2(per('1997-01-01', '1997-12-31').amt.sum()))''',
       figs=[F('monthly_avg', 'average monthly revenue 1998 Jan-Jun'), F('annualised', 'run-rate: monthly average x 12', 0.01)],
       mn=[F('rev97', '1997 actual revenue (not a run-rate)')],
       note='Run-rate taken as monthly average x 12 (= H1 x 2); a day-based annualisation (x365/181) differs by 0.8%, inside rel_tol 0.01.'),
 ]),
 # ---------------------------------------------------------------- 005 TW
 dict(id='y3-005', persona=TW, turns=[
  dict(q='請問去年的回購綠是多少？我是說一年內買兩次以上的客人佔多少比例', kind='figure', period='1997-01-01..1997-12-31',
       check='''d = per('1997-01-01', '1997-12-31')
dict(rr97=repeat_rate(d), rr_all=repeat_rate(df))''',
       figs=[F('rr97', 'repeat rate 1997 (share of 1997 buyers with >=2 purchase days in 1997)')],
       mn=[F('rr_all', 'all-time repeat rate')], note='回購綠 = 注音 typo of 回購率.'),
  dict(q='那今年上半年呢？', kind='figure', period='1998-01-01..1998-06-30',
       check='''dict(rr98=repeat_rate(per('1998-01-01', '1998-06-30')), rr97=repeat_rate(per('1997-01-01', '1997-12-31')))''',
       figs=[F('rr98', 'repeat rate 1998 Jan-Jun')], mn=[F('rr97', 'repeat rate 1997 (previous turn)')]),
 ]),
 # ---------------------------------------------------------------- 006 HK
 dict(id='y3-006', persona=HK, turns=[
  dict(q='今年落單嘅客入面，新客同舊客各有幾多個？', kind='figure', period='1998-01-01..1998-06-30',
       check='''d = per('1998-01-01', '1998-06-30'); b = d.cust.unique()
new = int((first.loc[b] >= pd.Timestamp('1998-01-01')).sum())
dict(new98=new, returning98=int(len(b) - new))''',
       figs=[F('new98', 'new customers 1998 (first-ever order in 1998): zero, all customers first bought in Jan-Mar 1997', 0),
             F('returning98', 'returning buyers 1998 (= all 1998 buyers)')]),
  dict(q='咁舊客今年貢獻咗幾多 revenue？', kind='figure', period='1998-01-01..1998-06-30',
       check='''d = per('1998-01-01', '1998-06-30')
ret = d[d.cust.map(first) < pd.Timestamp('1998-01-01')]
dict(rev_ret98=r2(ret.amt.sum()), all_rev=r2(df.amt.sum()))''',
       figs=[F('rev_ret98', 'revenue from returning customers 1998 Jan-Jun (= all of it)')],
       mn=[F('all_rev', 'all-time revenue')]),
  dict(q='咁97年3月呢？新客同舊客又各有幾多？', kind='figure', period='1997-03-01..1997-03-31',
       check='''d = per('1997-03-01', '1997-03-31'); b = d.cust.unique()
new = int(((first.loc[b] >= pd.Timestamp('1997-03-01')) & (first.loc[b] <= pd.Timestamp('1997-03-31'))).sum())
dict(new_mar97=new, ret_mar97=int(len(b) - new), buyers_mar97=int(len(b)))''',
       figs=[F('new_mar97', 'new customers 1997-03'), F('ret_mar97', 'returning buyers 1997-03 (first order before March)')]),
 ]),
 # ---------------------------------------------------------------- 007 TW
 dict(id='y3-007', persona=TW + ', cohort', turns=[
  dict(q='97年1月第一次來買的那批客人，到第3個月還有幾%有回來買？', kind='figure',
       check='''fm = first.dt.to_period('M'); c = fm[fm == pd.Period('1997-01', 'M')].index
act = set(df[df.date.dt.to_period('M') == pd.Period('1997-04', 'M')].cust)
dict(ret_jan_m3=r4(np.mean([x in act for x in c])), cohort_size=int(len(c)))''',
       figs=[F('ret_jan_m3', 'Jan-1997 cohort, month-3 retention (ordered in 1997-04)', 0.01)],
       note='month k = cohort month + k, so month 3 of the Jan-1997 cohort = April 1997.'),
  dict(q='那3月那批呢？過了一年（第12個月）還剩幾%？', kind='figure',
       check='''fm = first.dt.to_period('M'); c = fm[fm == pd.Period('1997-03', 'M')].index
act = set(df[df.date.dt.to_period('M') == pd.Period('1998-03', 'M')].cust)
dict(ret_mar_m12=r4(np.mean([x in act for x in c])))''',
       figs=[F('ret_mar_m12', 'Mar-1997 cohort, month-12 retention (ordered in 1998-03)', 0.01)]),
 ]),
 # ---------------------------------------------------------------- 008 HK
 dict(id='y3-008', persona=HK + ', account follow-up', turns=[
  dict(q='幫我 check 下客 5000，佢買過幾多次、總共使咗幾多錢？最後一次係幾時買？', kind='figure',
       check='''s = df[df.cust == 5000]
dict(pdays=int(s.date.nunique()), lines=int(len(s)), spend=r2(s.amt.sum()), days_since_last=int((NOW - s.date.max()).days))''',
       figs=[F('pdays', 'purchase days of customer 05000 (= its 4 order lines)', 0), F('spend', 'total spend of customer 05000')],
       note='Last purchase 1998-05-31 (30 days before 1998-06-30); first 1997-01-20.'),
  dict(q='佢係咪有流失風險？未來幾個禮拜會唔會再買？', kind='model', tool='forecast_customer', check=None),
  dict(q='OK，幫我 send 個 WhatsApp 俾佢，叫佢返嚟買嘢', kind='refusal', check=None,
       note='Cannot send messages; no tool needed.'),
 ]),
 # ---------------------------------------------------------------- 009 TW
 dict(id='y3-009', persona=TW + ', VIP 名單', turns=[
  dict(q='請問歷史累計消費前10名的客戶是哪幾位？第一名總共買了多少？', kind='figure',
       check='''t = df.groupby('cust').amt.sum().sort_values(ascending=False)
dict(top1_id=int(t.index[0]), top1_spend=r2(t.iloc[0]), top2_id=int(t.index[1]), top2_spend=r2(t.iloc[1]), top10_last=r2(t.iloc[9]))''',
       figs=[F('top1_id', 'top customer id 07592', 0), F('top1_spend', 'top customer all-time spend'),
             F('top2_id', 'second customer id 14048', 0), F('top2_spend', 'second customer spend'),
             F('top10_last', 'no. 10 spend (customer 15162)')]),
  dict(q='這10位加起來佔全部業績的幾%？', kind='figure',
       check='''t = df.groupby('cust').amt.sum().sort_values(ascending=False)
dict(top10_rev=r2(t.head(10).sum()), top10_share=r4(t.head(10).sum() / df.amt.sum()))''',
       figs=[F('top10_share', 'top-10 customers share of all-time revenue', 0.01), F('top10_rev', 'top-10 combined spend')]),
  dict(q='好，幫我把這份名單匯出成 Excel 寄到我的信箱', kind='refusal', check=None,
       note='Cannot export or e-mail.'),
 ]),
 # ---------------------------------------------------------------- 010 HK
 dict(id='y3-010', persona=HK, turns=[
  dict(q='今年單張超過 $100 嘅 order 有幾多張？', kind='figure', period='1998-01-01..1998-06-30',
       check='''d = per('1998-01-01', '1998-06-30')
dict(n98=int((d.amt > 100).sum()), n_all=int((df.amt > 100).sum()))''',
       figs=[F('n98', 'order lines with amount > 100 in 1998 Jan-Jun')], mn=[F('n_all', 'all-time count')]),
  dict(q='佔今年總 order 數幾多 %？', kind='figure', period='1998-01-01..1998-06-30',
       check='''d = per('1998-01-01', '1998-06-30')
dict(share98=r4((d.amt > 100).mean()), orders98=int(len(d)), share_all=r4((df.amt > 100).mean()))''',
       figs=[F('share98', 'share of 1998 order lines above $100', 0.01)], mn=[F('share_all', 'all-time share')]),
  dict(q='另外今年一個禮拜入面邊日最多 order？', kind='figure', period='1998-01-01..1998-06-30',
       check='''d = per('1998-01-01', '1998-06-30'); w = d.groupby(d.date.dt.weekday).size()
dict(top_weekday=int(w.idxmax()), top_orders=int(w.max()), second_orders=int(w.sort_values().iloc[-2]))''',
       figs=[F('top_orders', 'orders on Mondays (weekday 0 = Monday, the top day) in 1998 Jan-Jun')],
       note='Monday 1927 orders, Thursday next with 1915.'),
 ]),
 # ---------------------------------------------------------------- 011 TW
 dict(id='y3-011', persona=TW + ', 喚回名單', turns=[
  dict(q='請問有多少客人已經超過半年（180天）都沒有下單了？', kind='figure',
       check='''ina = last[last <= NOW - pd.Timedelta(days=180)]
dict(inactive180=int(len(ina)), total=int(len(last)))''',
       figs=[F('inactive180', 'customers whose last order is >= 180 days before 1998-06-30')],
       mn=[F('total', 'all customers')]),
  dict(q='這些人裡面，以前買過5次以上（含5次）的有幾位？', kind='figure',
       check='''ina = last[last <= NOW - pd.Timedelta(days=180)].index
p = pdays(df).loc[ina]
dict(n=int((p >= 5).sum()), n_all=int((pdays(df) >= 5).sum()))''',
       figs=[F('n', 'inactive-180 customers with >= 5 purchase days (all time)')],
       mn=[F('n_all', 'all customers with >= 5 purchase days (filter dropped)')]),
 ]),
 # ---------------------------------------------------------------- 012 HK
 dict(id='y3-012', persona=HK + ', segmentation', turns=[
  dict(q='我哋啲客分咗幾多個 segment？邊個 segment 最值錢？', kind='model', tool='list_segments', check=None),
  dict(q='高價值客戶嗰組大概係咩樣？平均每個使幾多、幾耐冇買？', kind='model', tool='describe_segment', check=None),
  dict(q='Top 10 大客未來半年（26個禮拜）嘅 CLV 大概幾多？', kind='model', tool='customer_value', check=None),
 ]),
 # ---------------------------------------------------------------- 013 TW
 dict(id='y3-013', persona=TW + ', 流失預警', turns=[
  dict(q='幫我列出最可能流失的大客戶，我要請業務去拜訪一下', kind='model', tool='at_risk_customers', check=None),
  dict(q='順便幫我在系統裡把他們標成「流失預警」喔', kind='refusal', check=None, note='Cannot tag customers.'),
  dict(q='這個流失預測準嗎？model 是什麼時候更新的？', kind='model', tool='assistant_status', check=None),
 ]),
 # ---------------------------------------------------------------- 014 TW
 dict(id='y3-014', persona=TW + ', 預算', turns=[
  dict(q='下個月（7月）大概會有多少訂單跟業績？幫我估一下，我要報給老闆', kind='model', tool='forecast_totals', check=None),
  dict(q='那高價值客戶那群呢？下一季大概可以貢獻多少業績？', kind='model', tool='forecast_totals', check=None,
       note='forecast_totals for one segment.'),
 ]),
 # ---------------------------------------------------------------- 015 HK
 dict(id='y3-015', persona=HK + ', 客戶意見', turns=[
  dict(q='客人 feedback 入面負評佔幾多 %？', kind='model', tool='sentiment_summary', check=None),
  dict(q='主要投訴啲咩？', kind='model', tool='feedback_themes', check=None),
  dict(q='有冇人投訴送貨慢？搵幾條出嚟睇下', kind='model', tool='search_feedback', check=None),
  dict(q='俾過負評嘅客，之後仲有幾多 % 有返嚟買？', kind='model', tool='feedback_followup', check=None),
 ]),
 # ---------------------------------------------------------------- 016 TW partial
 dict(id='y3-016', persona=TW, turns=[
  dict(q='請問北部跟南部的客戶去年業績各多少？順便給我去年整體的業績', kind='partial', period='1997-01-01..1997-12-31',
       check='''dict(rev97=r2(per('1997-01-01', '1997-12-31').amt.sum()), all_rev=r2(df.amt.sum()))''',
       figs=[F('rev97', 'revenue 1997 (answerable part)')], mn=[F('all_rev', 'all-time revenue')],
       note='No region data: must say north/south split cannot be given.'),
 ]),
 # ---------------------------------------------------------------- 017 HK partial
 dict(id='y3-017', persona=HK, turns=[
  dict(q='邊隻 CD 今年最好賣？今年總共賣咗幾多隻碟出去？', kind='partial', period='1998-01-01..1998-06-30',
       check='''dict(units98=int(per('1998-01-01', '1998-06-30').units.sum()), units_all=int(df.units.sum()), units97=int(per('1997-01-01', '1997-12-31').units.sum()))''',
       figs=[F('units98', 'units (CDs) sold 1998 Jan-Jun')], mn=[F('units_all', 'all-time units'), F('units97', 'units 1997')],
       note='No product data: best-selling title cannot be answered.'),
 ]),
 # ---------------------------------------------------------------- 018 TW partial
 dict(id='y3-018', persona=TW, turns=[
  dict(q='去年11月那波折價券活動的使用率多少？那個月的訂單數跟業績是多少？', kind='partial', period='1997-11-01..1997-11-30',
       check='''d = per('1997-11-01', '1997-11-30')
dict(orders_nov97=int(len(d)), rev_nov97=r2(d.amt.sum()), rev_novdec97=r2(per('1997-11-01', '1997-12-31').amt.sum()))''',
       figs=[F('orders_nov97', 'orders 1997-11'), F('rev_nov97', 'revenue 1997-11')],
       mn=[F('rev_novdec97', 'Nov+Dec 1997 revenue (wrong window)')],
       note='No coupon/campaign data: usage rate cannot be answered.'),
 ]),
 # ---------------------------------------------------------------- 019 TW
 dict(id='y3-019', persona=TW, turns=[
  dict(q='客人平均隔多久會回購一次？', kind='figure',
       check='''pd_ = df[['cust', 'date']].drop_duplicates().sort_values(['cust', 'date'])
gap = pd_.groupby('cust').date.diff().dt.days.dropna()
dict(mean_gap=r2(gap.mean()), median_gap=float(gap.median()))''',
       figs=[F('mean_gap', 'mean days between consecutive purchase days, all time', 0.01),
             F('median_gap', 'median days between purchase days, all time', 0.01)]),
  dict(q='那從第一次買到第二次，平均要多久？', kind='figure',
       check='''pd_ = df[['cust', 'date']].drop_duplicates().sort_values(['cust', 'date'])
pd_['n'] = pd_.groupby('cust').cumcount()
a = pd_[pd_.n == 0].set_index('cust').date; b = pd_[pd_.n == 1].set_index('cust').date
g = (b - a.loc[b.index]).dt.days
dict(mean_f2s=r2(g.mean()), median_f2s=float(g.median()), n=int(len(g)))''',
       figs=[F('mean_f2s', 'mean days first-to-second purchase day (customers with a 2nd purchase)', 0.01)],
       note='Median first-to-second is also acceptable to mention; only the mean is required.'),
 ]),
 # ---------------------------------------------------------------- 020 TW
 dict(id='y3-020', persona=TW + ', 週報', turns=[
  dict(q='上週業績多少？有比前一週好嗎？', kind='figure', period='1998-06-22..1998-06-28',
       check='''a = per('1998-06-22', '1998-06-28').amt.sum(); b = per('1998-06-15', '1998-06-21').amt.sum()
dict(lastwk=r2(a), prevwk=r2(b), wow=chg(a, b))''',
       figs=[F('lastwk', 'revenue week 1998-06-22..28'), F('prevwk', 'revenue week 1998-06-15..21'),
             F('wow', 'week-over-week change, down about 17.8%', 0.01)]),
  dict(q='那這個月整個月跟去年6月比呢？', kind='figure', period='1998-06-01..1998-06-30',
       check='''a = per('1998-06-01', '1998-06-30').amt.sum(); b = per('1997-06-01', '1997-06-30').amt.sum()
dict(jun98=r2(a), jun97=r2(b), yoy=chg(a, b))''',
       figs=[F('jun98', 'revenue 1998-06'), F('jun97', 'revenue 1997-06'), F('yoy', 'YoY change, down about 29.8%', 0.01)]),
 ]),
 # ---------------------------------------------------------------- 021 HK
 dict(id='y3-021', persona=HK, turns=[
  dict(q='最近30日有幾多個客買過嘢？', kind='figure', period='1998-06-01..1998-06-30',
       check='''dict(buyers30=int(per('1998-06-01', '1998-06-30').cust.nunique()))''',
       figs=[F('buyers30', 'distinct buyers 1998-06-01..06-30 (last 30 days)')]),
  dict(q='當中有幾多個買咗兩次或以上？', kind='figure', period='1998-06-01..1998-06-30',
       check='''p = pdays(per('1998-06-01', '1998-06-30'))
dict(n2=int((p >= 2).sum()), share=r4((p >= 2).mean()))''',
       figs=[F('n2', 'buyers of the last 30 days with >= 2 purchase days in that window')],
       note='Share (n2/buyers) optional.'),
 ]),
 # ---------------------------------------------------------------- 022 TW
 dict(id='y3-022', persona=TW, turns=[
  dict(q='今年上半年買3次以上的客人有幾位？他們貢獻了多少業績？', kind='figure', period='1998-01-01..1998-06-30',
       check='''d = per('1998-01-01', '1998-06-30'); p = pdays(d); c = p[p >= 3].index
dict(n3=int(len(c)), rev3=r2(d[d.cust.isin(c)].amt.sum()), rev_all_time_of_them=r2(df[df.cust.isin(c)].amt.sum()))''',
       figs=[F('n3', 'customers with >= 3 purchase days in 1998 Jan-Jun'), F('rev3', 'their revenue in 1998 Jan-Jun')],
       mn=[F('rev_all_time_of_them', 'their all-time spend (wrong window)')],
       note='"3次以上" taken as >= 3 purchase days (以上 includes 3).'),
  dict(q='佔今年業績的幾%？感覺應該很高耶', kind='figure', period='1998-01-01..1998-06-30',
       check='''d = per('1998-01-01', '1998-06-30'); p = pdays(d); c = p[p >= 3].index
dict(share=r4(d[d.cust.isin(c)].amt.sum() / d.amt.sum()))''',
       figs=[F('share', 'share of 1998 Jan-Jun revenue from those customers', 0.01)]),
 ]),
 # ---------------------------------------------------------------- 023 HK
 dict(id='y3-023', persona=HK + ', 大客分析', turns=[
  dict(q='按總消費計，top 10% 嘅客佔咗總營業額幾多？', kind='figure',
       check='''t = df.groupby('cust').amt.sum().sort_values(ascending=False); k = int(len(t) * 0.10)
dict(n_top=k, rev_top=r2(t.head(k).sum()), share_top=r4(t.head(k).sum() / t.sum()))''',
       figs=[F('share_top', 'top-10% spenders (2357 customers) share of all-time revenue', 0.01), F('rev_top', 'their all-time spend')]),
  dict(q='咁呢班人今年仲有幾多個有落單？', kind='figure', period='1998-01-01..1998-06-30',
       check='''t = df.groupby('cust').amt.sum().sort_values(ascending=False); c = t.head(int(len(t) * 0.10)).index
b = set(per('1998-01-01', '1998-06-30').cust)
dict(n_active=int(sum(x in b for x in c)), buyers98=int(len(b)))''',
       figs=[F('n_active', 'top-10% spenders who ordered in 1998 Jan-Jun')],
       mn=[F('buyers98', 'all 1998 buyers (filter dropped)')]),
 ]),
 # ---------------------------------------------------------------- 024 TW refusal + figures
 dict(id='y3-024', persona=TW, turns=[
  dict(q='幫我寄感謝信給去年消費最多的前5名客戶，然後順便跟我說他們去年各買了多少錢', kind='refusal', period='1997-01-01..1997-12-31',
       check='''t = per('1997-01-01', '1997-12-31').groupby('cust').amt.sum().sort_values(ascending=False).head(5)
out = {f'id{i+1}': int(c) for i, c in enumerate(t.index)}
out.update({f'spend{i+1}': r2(v) for i, v in enumerate(t.values)})
ta = df.groupby('cust').amt.sum()
out['top1_alltime'] = r2(ta.loc[t.index[0]])
out''',
       figs=[F('spend1', '1997 spend of no.1 (07592)'), F('spend2', '1997 spend of no.2 (19339)'), F('spend3', '1997 spend of no.3 (14048)'),
             F('spend4', '1997 spend of no.4 (07931)'), F('spend5', '1997 spend of no.5 (07983)')],
       mn=[F('top1_alltime', 'all-time spend of 07592 (wrong period)')],
       note='Cannot send letters; must still answer the 1997 top-5 question. Ranking by 1997 spend differs from the all-time ranking.'),
 ]),
 # ---------------------------------------------------------------- 025 HK
 dict(id='y3-025', persona=HK, turns=[
  dict(q='去年有邊幾個月 order 超過3000張？', kind='figure', period='1997-01-01..1997-12-31',
       check='''d = per('1997-01-01', '1997-12-31'); m = d.groupby(d.date.dt.month).size(); h = m[m > 3000]
dict(n_months=int(len(h)), jan=int(m[1]), feb=int(m[2]), mar=int(m[3]), apr=int(m[4]), jun=int(m[6]), may=int(m[5]))''',
       figs=[F('n_months', 'number of 1997 months with > 3000 orders (Jan, Feb, Mar, Apr, Jun)', 0), F('jan', 'orders 1997-01'),
             F('feb', 'orders 1997-02'), F('mar', 'orders 1997-03'), F('apr', 'orders 1997-04'), F('jun', 'orders 1997-06')],
       note='May 1997 (2895) is just under 3000 and must not be listed.'),
 ]),
 # ---------------------------------------------------------------- 026 TW
 dict(id='y3-026', persona=TW, turns=[
  dict(q='今年平均一筆訂單會買幾片CD？', kind='figure', period='1998-01-01..1998-06-30',
       check='''d = per('1998-01-01', '1998-06-30')
dict(upo98=r2(d.units.sum() / len(d)), upo_all=r2(df.units.sum() / len(df)))''',
       figs=[F('upo98', 'units per order 1998 Jan-Jun', 0.01)]),
  dict(q='那去年呢？', kind='figure', period='1997-01-01..1997-12-31',
       check='''d = per('1997-01-01', '1997-12-31')
dict(upo97=r2(d.units.sum() / len(d)))''',
       figs=[F('upo97', 'units per order 1997', 0.01)]),
  dict(q='另外男生跟女生客人的客單價有差嗎？今年整體客單價是多少？', kind='partial', period='1998-01-01..1998-06-30',
       check='''d = per('1998-01-01', '1998-06-30')
dict(aov98=r2(d.amt.sum() / len(d)), aov_all=r2(df.amt.sum() / len(df)), aov97=r2(per('1997-01-01', '1997-12-31').amt.sum() / len(per('1997-01-01', '1997-12-31'))))''',
       figs=[F('aov98', 'AOV 1998 Jan-Jun')], mn=[F('aov_all', 'all-time AOV'), F('aov97', 'AOV 1997')],
       note='No gender data.'),
 ]),
 # ---------------------------------------------------------------- 027 TW
 dict(id='y3-027', persona=TW + ', 個別客戶', turns=[
  dict(q='客戶編號07592，他最近一次買是什麼時候？總共消費了多少？', kind='figure',
       check='''s = df[df.cust == 7592]
dict(spend=r2(s.amt.sum()), days_since_last=int((NOW - s.date.max()).days), pdays=int(s.date.nunique()))''',
       figs=[F('spend', 'all-time spend of customer 07592')],
       note='Last purchase 1998-06-29 (1 day before data end).'),
  dict(q='他為什麼會被分在那一群？', kind='model', tool='explain_customer_segment', check=None),
 ]),
 # ---------------------------------------------------------------- 028 HK
 dict(id='y3-028', persona=HK, turns=[
  dict(q='幫我睇下呢句留言係正面定負面：「等咗成個月先收到，隻碟仲要刮花咗，好失望」', kind='model', tool='analyze_sentiment', check=None,
       note='Expected label: negative.'),
  dict(q='咁高價值客戶嘅評價係米比較正面？', kind='model', tool='sentiment_summary', check=None,
       note='係米 = typo of 係咪; sentiment by segment.'),
 ]),
 # ---------------------------------------------------------------- 029 HK
 dict(id='y3-029', persona=HK + ', 季報', turns=[
  dict(q='幫我列晒每一季嘅 sales，我要做季報', kind='figure', period='1997-01-01..1998-06-30',
       check='''q = df.groupby(df.date.dt.to_period('Q')).amt.sum()
{str(k).lower(): r2(v) for k, v in q.items()}''',
       figs=[F('1997q1', 'revenue 1997 Q1'), F('1997q2', 'revenue 1997 Q2'), F('1997q3', 'revenue 1997 Q3'),
             F('1997q4', 'revenue 1997 Q4'), F('1998q1', 'revenue 1998 Q1'), F('1998q2', 'revenue 1998 Q2')]),
  dict(q='邊一季環比跌得最犀利？跌咗幾多%？', kind='figure', period='1997-04-01..1997-06-30',
       check='''q = df.groupby(df.date.dt.to_period('Q')).amt.sum(); c = q / q.shift(1) - 1
dict(worst=str(c.idxmin()), worst_chg=r4(c.min()), q2_97=r2(q.iloc[1]), q1_97=r2(q.iloc[0]))''',
       figs=[F('worst_chg', '1997 Q2 vs 1997 Q1 QoQ change, down about 66.5%', 0.01)]),
  dict(q='去年年底（11、12月）加埋幾多？同今年年初1、2月比呢？', kind='figure', period='1997-11-01..1997-12-31',
       check='''a = per('1997-11-01', '1997-12-31').amt.sum(); b = per('1998-01-01', '1998-02-28').amt.sum()
dict(novdec97=r2(a), janfeb98=r2(b), chg=chg(b, a), janfeb97=r2(per('1997-01-01', '1997-02-28').amt.sum()))''',
       figs=[F('novdec97', 'revenue 1997-11-01..12-31'), F('janfeb98', 'revenue 1998-01-01..02-28'),
             F('chg', 'Jan-Feb 1998 vs Nov-Dec 1997, down about 27.1%', 0.01)],
       mn=[F('janfeb97', 'Jan-Feb 1997 revenue (wrong year)')]),
 ]),
 # ---------------------------------------------------------------- 030 HK partial
 dict(id='y3-030', persona=HK, turns=[
  dict(q='每個 sales 跟嘅 account 今年表現點？邊個 sales 做得最好？順便話我知今年頭5位大客係邊個、各使咗幾多', kind='partial', period='1998-01-01..1998-06-30',
       check='''t = per('1998-01-01', '1998-06-30').groupby('cust').amt.sum().sort_values(ascending=False).head(5)
out = {f'spend{i+1}': r2(v) for i, v in enumerate(t.values)}
out.update({f'id{i+1}': int(c) for i, c in enumerate(t.index)})
out['top1_alltime'] = r2(df.groupby('cust').amt.sum().max())
out''',
       figs=[F('spend1', '1998 H1 spend of no.1 (07592)'), F('spend2', '1998 H1 spend of no.2 (14048)'), F('spend3', '1998 H1 spend of no.3 (07983)'),
             F('spend4', '1998 H1 spend of no.4 (15162)'), F('spend5', '1998 H1 spend of no.5 (06569)')],
       mn=[F('top1_alltime', 'all-time spend of 07592 (wrong period)')],
       note='No salesperson data.'),
 ]),
]


def run_check(code):
    env = {}
    exec(PRELUDE, env)
    lines = code.rstrip().split('\n')
    exec('\n'.join(lines[:-1]), env)
    return eval(lines[-1], env)


def pyval(v):
    if isinstance(v, (int,)) and not isinstance(v, bool):
        return int(v)
    return float(v)


class Lit(str):
    pass

def lit_rep(dumper, data):
    return dumper.represent_scalar('tag:yaml.org,2002:str', data, style='|')
yaml.add_representer(Lit, lit_rep)


def build():
    out_items = []
    nturns = 0
    kinds = {}
    for it in ITEMS:
        turns = []
        for t in it['turns']:
            nturns += 1
            kinds[t['kind']] = kinds.get(t['kind'], 0) + 1
            exp = {'kind': t['kind']}
            if t.get('tool'):
                exp['tool'] = t['tool']
            res = run_check(t['check']) if t.get('check') else None
            if t.get('figs'):
                exp['figures'] = [{'value': pyval(res[n]), 'rel_tol': tol, 'what': f'[{n}] {w}'} for n, w, tol in t['figs']]
            if t.get('mn'):
                exp['must_not'] = [{'value': pyval(res[n]), 'rel_tol': tol, 'what': f'[{n}] {w}'} for n, w, tol in t['mn']]
                # sanity: must_not must differ from every expected figure
                for m in exp['must_not']:
                    for f in exp.get('figures', []):
                        assert abs(m['value'] - f['value']) > 0.01 * max(abs(f['value']), 1e-9), (it['id'], m, f)
            if t.get('period'):
                exp['period'] = t['period']
            tt = {'q': t['q'], 'expect': exp}
            if t.get('check'):
                tt['check'] = Lit(t['check'].rstrip() + '\n')
            if t.get('note'):
                tt['note'] = t['note']
            turns.append(tt)
        out_items.append({'id': it['id'], 'persona': it['persona'], 'turns': turns})
    doc = {
        'writer': 'y3 (outside evaluator; wrote without seeing the product code, tests, prompts or other sets) — personas: '
                  'Taiwan regional sales manager (Traditional Chinese, Taiwanese phrasing, English mixed in); '
                  'Hong Kong key-account manager (Traditional Chinese + Cantonese, English mixed in)',
        'data_end': '1998-06-30',
        'check_prelude': Lit(PRELUDE.lstrip('\n')),
        'items': out_items,
    }
    return doc, nturns, kinds


def verify(path):
    doc = yaml.safe_load(open(path, encoding='utf-8'))
    assert doc['data_end'] == '1998-06-30'
    n = 0
    for it in doc['items']:
        assert 1 <= len(it['turns']) <= 4, it['id']
        for t in it['turns']:
            e = t['expect']
            assert e['kind'] in ('figure', 'model', 'refusal', 'partial')
            if e['kind'] == 'model':
                assert e.get('tool'), it['id']
            if e['kind'] in ('figure', 'partial'):
                assert e.get('figures'), it['id']
            if 'check' not in t:
                assert not e.get('figures') and not e.get('must_not'), it['id']
                continue
            env = {}
            exec(doc['check_prelude'], env)
            lines = t['check'].rstrip().split('\n')
            exec('\n'.join(lines[:-1]), env)
            res = eval(lines[-1], env)
            assert isinstance(res, dict)
            for key in ('figures', 'must_not'):
                for f in e.get(key, []):
                    name = f['what'].split(']')[0].lstrip('[')
                    got = res[name]
                    assert math.isclose(float(got), float(f['value']), rel_tol=1e-9, abs_tol=1e-9), (it['id'], name, got, f['value'])
                    n += 1
    return n


if __name__ == '__main__':
    doc, nturns, kinds = build()
    path = '/tmp/team/y3/set_y3.yaml'
    with open(path, 'w', encoding='utf-8') as fh:
        yaml.dump(doc, fh, allow_unicode=True, sort_keys=False, width=200)
    nfig = verify(path)
    print(f'conversations={len(doc["items"])} turns={nturns} kinds={kinds} figures_checked={nfig}')
