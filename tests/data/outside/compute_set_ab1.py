# compute_set_ab1.py -- builds set_ab1.yaml for writer ab1 and then re-verifies it.
# Every figure is computed with pandas over the raw CDNOW file using the documented definitions
# (/tmp/team/product.md). Run:  /tmp/team/venv/bin/python compute_set_ab1.py
# Step 1 runs each turn's `check` after the prelude and writes the YAML from the results.
# Step 2 reloads the YAML with yaml.safe_load, re-runs every `check` and asserts that every value in
# `expect` (figures and must_not) equals what the check gives. Step 3 runs a few independent
# cross-checks (computed a second way) on key figures.
import os, sys
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, 'set_ab1.yaml')

PRELUDE = r'''import pandas as pd, numpy as np
F = '/tmp/team/CDNOW_master.txt'
df = pd.read_csv(F, sep=r'\s+', header=0, names=['cust', 'date', 'units', 'amt'], dtype={'date': str})
df['date'] = pd.to_datetime(df['date'], format='%Y%m%d')
df['cust'] = df['cust'].astype(int)
END = pd.Timestamp('1998-06-30')
def per(a, b):
    return df[(df.date >= pd.Timestamp(a)) & (df.date <= pd.Timestamp(b))]
def rev(a, b):
    return round(float(per(a, b).amt.sum()), 2)
def aov(d):
    return round(float(d.amt.sum()) / len(d), 2)
first = df.groupby('cust').date.min()
last = df.groupby('cust').date.max()
def pdays(d):
    # purchase days per customer = distinct (customer, date)
    return d.drop_duplicates(['cust', 'date']).groupby('cust').size()
def repeat_rate(a, b):
    p = pdays(per(a, b))
    return round(float((p >= 2).mean()), 4)
def chg(new, old):
    return round(float(new) / float(old) - 1, 4)
def is_new(d, a, b):
    # order lines whose customer's first-ever order falls in [a, b]
    f = d.cust.map(first)
    return (f >= pd.Timestamp(a)) & (f <= pd.Timestamp(b))
'''

P1 = '香港區域零售經理 (HK regional retail manager; written Cantonese + standard Chinese + English)'
P2 = '品牌市场经理 (brand marketing manager planning campaigns; Simplified Chinese)'


def T(q, kind, check=None, figs=(), must_not=(), period=None, tool=None, note=None, tol=None):
    """figs / must_not: list of (name, what) or (name, what, rel_tol)."""
    return dict(q=q, kind=kind, check=check, figs=list(figs), must_not=list(must_not), period=period,
                tool=tool, note=note)


SHARE = 'share'  # marker: rel_tol chosen so that a 1-decimal percentage passes

ITEMS = [
    # ------------------------------------------------------------------ persona 1 (HK)
    dict(id='ab1-001', persona=P1 + ', monthly check-in', turns=[
        T('上個月啲sales點呀？', 'figure',
          "dict(rev_may98=rev('1998-05-01', '1998-05-31'), rev_jun98=rev('1998-06-01', '1998-06-30'), all=round(float(df.amt.sum()), 2))",
          figs=[('rev_may98', 'revenue May 1998 (上個月 = 1998-05)')],
          must_not=[('rev_jun98', 'revenue June 1998 (this month, wrong period)'),
                    ('all', 'all-time revenue (wrong period)')],
          period='1998-05-01..1998-05-31'),
        T('同去年同期比差幾多？', 'figure',
          "a = rev('1998-05-01', '1998-05-31')\n"
          "b = rev('1997-05-01', '1997-05-31')\n"
          "m = rev('1998-04-01', '1998-04-30')\n"
          "dict(rev_may97=b, yoy=chg(a, b), mom=chg(a, m))",
          figs=[('rev_may97', 'revenue May 1997 (same month last year)'),
                ('yoy', 'YoY relative change May 1998 vs May 1997 (about -34.2%)')],
          must_not=[('mom', 'MoM change May 1998 vs April 1998 (wrong comparison)')],
          note='同去年同期 = YoY: May 1998 vs May 1997.'),
        T('new custmer 有幾多？舊客又有幾多個？', 'figure',
          "d = per('1998-05-01', '1998-05-31')\n"
          "n = is_new(d, '1998-05-01', '1998-05-31')\n"
          "dict(new=int(d[n].cust.nunique()), returning=int(d[~n].cust.nunique()), buyers_may97=int(per('1997-05-01', '1997-05-31').cust.nunique()))",
          figs=[('new', 'new customers in May 1998 (0: every CDNOW customer first bought in Jan-Mar 1997)', 0),
                ('returning', 'returning buyers in May 1998 (= all 1,488 buyers that month)')],
          must_not=[('buyers_may97', 'buyers in May 1997 (last turn\'s comparison month, wrong scope)')],
          period='1998-05-01..1998-05-31',
          note='Follow-up keeps 上個月 = 1998-05. The answer must say there were no new customers (0).'),
    ]),
    dict(id='ab1-002', persona=P1 + ', weekly review', turns=[
        T('上個禮拜做咗幾多生意？幾多張單？', 'figure',
          "d = per('1998-06-22', '1998-06-28')\n"
          "dict(rev_lw=round(float(d.amt.sum()), 2), orders_lw=int(len(d)), rev_thisweek=rev('1998-06-29', '1998-06-30'), rev_last7=rev('1998-06-24', '1998-06-30'))",
          figs=[('rev_lw', 'revenue 1998-06-22..06-28 (上個禮拜, ISO week before the one 06-30 is in)'),
                ('orders_lw', 'order lines 1998-06-22..06-28')],
          must_not=[('rev_thisweek', 'revenue of the current week 06-29..06-30 (wrong week)')],
          period='1998-06-22..1998-06-28'),
        T('咁同上上個禮拜比呢，升定跌？', 'figure',
          "a = rev('1998-06-22', '1998-06-28')\n"
          "b = rev('1998-06-15', '1998-06-21')\n"
          "dict(rev_w2=b, wow=chg(a, b))",
          figs=[('rev_w2', 'revenue 1998-06-15..06-21 (上上個禮拜)'),
                ('wow', 'relative change week 06-22..28 vs week 06-15..21')],
          period='1998-06-15..1998-06-28'),
    ]),
    dict(id='ab1-003', persona=P1 + ', looking back at last year', turns=[
        T('去年邊個月sales最好，邊個月最差？', 'figure',
          "m = per('1997-01-01', '1997-12-31').groupby(df.date.dt.to_period('M')).amt.sum()\n"
          "a = df.groupby(df.date.dt.to_period('M')).amt.sum()\n"
          "dict(best_rev=round(float(m.max()), 2), best_month=str(m.idxmax()), worst_rev=round(float(m.min()), 2), worst_month=str(m.idxmin()), worst_alltime=round(float(a.min()), 2))",
          figs=[('best_rev', 'revenue of the best 1997 month, 1997-03'),
                ('worst_rev', 'revenue of the worst 1997 month, 1997-09')],
          must_not=[('worst_alltime', 'revenue of 1998-04, the worst month over all data (not 1997)')],
          period='1997-01-01..1997-12-31',
          note='Best month 1997-03 (393,155.27), worst 1997-09 (81,948.80).'),
        T('咁年尾（11、12月）同年頭（1、2月）比，差咗幾多？', 'figure',
          "a = rev('1997-11-01', '1997-12-31')\n"
          "b = rev('1997-01-01', '1997-02-28')\n"
          "dict(rev_end97=a, rev_start97=b, chg=chg(a, b), rev_start98=rev('1998-01-01', '1998-02-28'))",
          figs=[('rev_end97', 'revenue Nov-Dec 1997 (年尾 of 去年)'),
                ('rev_start97', 'revenue Jan-Feb 1997 (年頭 of 去年)'),
                ('chg', 'relative change Nov-Dec 1997 vs Jan-Feb 1997 (about -68.9%)')],
          must_not=[('rev_start98', 'revenue Jan-Feb 1998 (年頭 of this year, wrong year)')],
          note='Context is 去年 (1997) from the previous turn; both halves are 1997.'),
    ]),
    dict(id='ab1-004', persona=P1 + ', half-year report', turns=[
        T('今年上半年同去年上半年比，營業額跌咗幾多%？', 'figure',
          "a = rev('1998-01-01', '1998-06-30')\n"
          "b = rev('1997-01-01', '1997-06-30')\n"
          "y = rev('1997-01-01', '1997-12-31')\n"
          "dict(rev_h198=a, rev_h197=b, chg=chg(a, b), rev_97=y, chg_vs_fy=chg(a, y))",
          figs=[('rev_h198', 'revenue 1998-01..06'),
                ('rev_h197', 'revenue 1997-01..06'),
                ('chg', 'relative change H1 1998 vs H1 1997 (about -66.7%)')],
          must_not=[('rev_97', 'full-year 1997 revenue (wrong comparison period)'),
                    ('chg_vs_fy', 'H1 1998 vs full 1997 change (wrong comparison)')],
          period='1998-01-01..1998-06-30'),
        T('咁平均每張單幾多錢呢？有冇變？', 'figure',
          "a = aov(per('1998-01-01', '1998-06-30'))\n"
          "b = aov(per('1997-01-01', '1997-06-30'))\n"
          "dict(aov_h198=a, aov_h197=b, chg=chg(a, b), aov_all=aov(df))",
          figs=[('aov_h198', 'AOV (revenue / order lines) 1998 H1'),
                ('aov_h197', 'AOV 1997 H1')],
          must_not=[('aov_all', 'all-time AOV (wrong period)')],
          note='每張單幾多錢 = AOV (客單價) = revenue / order lines. Relative change (about +8.3%) may be given too.'),
    ]),
    dict(id='ab1-005', persona=P1 + ', new vs returning', turns=[
        T('97年3月啲客，新客同舊客各有幾多人？revenue 各做咗幾多？', 'figure',
          "d = per('1997-03-01', '1997-03-31')\n"
          "n = is_new(d, '1997-03-01', '1997-03-31')\n"
          "dict(new=int(d[n].cust.nunique()), returning=int(d[~n].cust.nunique()), rev_new=round(float(d[n].amt.sum()), 2), rev_ret=round(float(d[~n].amt.sum()), 2), new_q1=int(((first >= '1997-01-01') & (first <= '1997-03-31')).sum()))",
          figs=[('new', 'new customers March 1997 (first-ever order in March 1997)'),
                ('returning', 'returning buyers March 1997 (bought in March, first order before March)'),
                ('rev_new', 'revenue from new customers March 1997'),
                ('rev_ret', 'revenue from returning customers March 1997')],
          must_not=[('new_q1', 'all customers acquired in Q1 1997 (wrong period)')],
          period='1997-03-01..1997-03-31'),
        T('即係舊客佔咗幾多%生意？', 'figure',
          "d = per('1997-03-01', '1997-03-31')\n"
          "n = is_new(d, '1997-03-01', '1997-03-31')\n"
          "dict(share_ret=round(float(d[~n].amt.sum() / d.amt.sum()), 4))",
          figs=[('share_ret', "returning customers' share of March 1997 revenue", SHARE)],
          period='1997-03-01..1997-03-31'),
    ]),
    dict(id='ab1-006', persona=P1 + ', one customer', turns=[
        T('幫我睇下 customer 00106 買過幾多次，總共使咗幾多錢', 'figure',
          "d = df[df.cust == 106]\n"
          "dict(pdays=int(d.date.nunique()), lines=int(len(d)), spend=round(float(d.amt.sum()), 2))",
          figs=[('pdays', 'purchase days of customer 00106 (6; equals its 6 order lines)'),
                ('spend', 'total spend of customer 00106')],
          note='Customer 00106 has 6 order lines on 6 different days, so 買過幾多次 is 6 either way.'),
        T('佢上次幾時買？幾耐冇返嚟？', 'figure',
          "d = df[df.cust == 106]\n"
          "dict(days_since=int((END - d.date.max()).days), last_ymd=int(d.date.max().strftime('%Y%m%d')))",
          figs=[('days_since', 'days since last purchase of 00106 (last purchase 1998-01-31, 150 days before 1998-06-30)')],
          note='The answer should also give the last purchase date 1998-01-31.'),
        T('你覺得佢之後會唔會再買嘢？會唔會走咗？', 'model', tool='forecast_customer',
          note="One customer's expected purchases / churn risk: forecast_customer for 00106."),
    ]),
    dict(id='ab1-007', persona=P1 + ', win-back', turns=[
        T('有幾多個客超過180日冇返嚟買嘢？', 'figure',
          "ds = (END - last).dt.days\n"
          "dict(n_inactive=int((ds >= 180).sum()))",
          figs=[('n_inactive', 'customers whose last order is >= 180 days before 1998-06-30 (last order <= 1998-01-01)')]),
        T('佢哋以前總共使過幾多錢？', 'figure',
          "ds = (END - last).dt.days\n"
          "ids = ds[ds >= 180].index\n"
          "dict(spend_inactive=round(float(df[df.cust.isin(ids)].amt.sum()), 2), all=round(float(df.amt.sum()), 2))",
          figs=[('spend_inactive', 'all-time spend of the customers inactive >= 180 days')],
          must_not=[('all', 'all-time revenue of all customers (unfiltered)')]),
        T('邊啲最值得我哋去追返？', 'model', tool='at_risk_customers',
          note='Which lapsed customers to win back first: customers most at risk ranked by value at risk.'),
    ]),
    dict(id='ab1-008', persona=P1 + ', repeat buying', turns=[
        T('去年啲客嘅回購率係幾多？', 'figure',
          "dict(rr97=repeat_rate('1997-01-01', '1997-12-31'), rr98=repeat_rate('1998-01-01', '1998-06-30'), rr_all=repeat_rate('1997-01-01', '1998-06-30'))",
          figs=[('rr97', 'repeat rate 1997 (share of 1997 buyers with >= 2 purchase days in 1997)', SHARE)],
          must_not=[('rr98', 'repeat rate 1998 H1 (wrong year)'), ('rr_all', 'all-time repeat rate (wrong period)')],
          period='1997-01-01..1997-12-31'),
        T('今年呢？', 'figure',
          "dict(rr98=repeat_rate('1998-01-01', '1998-06-30'), rr97=repeat_rate('1997-01-01', '1997-12-31'))",
          figs=[('rr98', 'repeat rate 1998 (Jan-Jun) buyers', SHARE)],
          must_not=[('rr97', 'repeat rate 1997 (last year)')],
          period='1998-01-01..1998-06-30'),
    ]),
    dict(id='ab1-009', persona=P1 + ', customer value', turns=[
        T('我哋啲客平均每個人使咗幾多錢？', 'figure',
          "dict(rev_per_cust=round(float(df.amt.sum()) / df.cust.nunique(), 2))",
          figs=[('rev_per_cust', 'all-time revenue per customer (2,500,315.63 / 23,570)')],
          note='No period given: all data 1997-01..1998-06.'),
        T('今年有買嘢嗰啲呢？', 'figure',
          "d = per('1998-01-01', '1998-06-30')\n"
          "dict(rpb98=round(float(d.amt.sum()) / d.cust.nunique(), 2), buyers98=int(d.cust.nunique()))",
          figs=[('rpb98', 'revenue per buyer 1998 Jan-Jun (1998 revenue / 1998 buyers)')],
          period='1998-01-01..1998-06-30'),
        T('咁全部客計，top 10% 嘅客貢獻咗幾多 % revenue？', 'figure',
          "cs = df.groupby('cust').amt.sum().sort_values(ascending=False)\n"
          "k = int(round(len(cs) * 0.10))\n"
          "dict(top10_share=round(float(cs.head(k).sum() / cs.sum()), 4), top10_rev=round(float(cs.head(k).sum()), 2))",
          figs=[('top10_share', 'share of all-time revenue from the top 10% (2,357) customers by total spend', SHARE)],
          note='Top 10% by all-time spend, share of all-time revenue (the previous turn\'s 今年 is a narrower question; '
               'an answer restricted to 1998 buyers is a different scope).'),
    ]),
    dict(id='ab1-010', persona=P1 + ', cohort', turns=[
        T('97年1月第一次幫襯嗰批客，2月仲有幾多%返嚟買？', 'figure',
          "c = first[(first >= '1997-01-01') & (first <= '1997-01-31')].index\n"
          "b = per('1997-02-01', '1997-02-28').cust.unique()\n"
          "dict(cohort_size=int(len(c)), ret_m1=round(float(pd.Index(c).isin(b).mean()), 4))",
          figs=[('ret_m1', 'Jan-1997 cohort: share with an order in Feb 1997 (month-1 retention)', SHARE)],
          note='Cohort size 7,846 may be quoted.'),
        T('咁2月嗰批呢？下一個月有幾多%返嚟？', 'figure',
          "c = first[(first >= '1997-02-01') & (first <= '1997-02-28')].index\n"
          "b = per('1997-03-01', '1997-03-31').cust.unique()\n"
          "dict(ret_m1_feb=round(float(pd.Index(c).isin(b).mean()), 4))",
          figs=[('ret_m1_feb', 'Feb-1997 cohort: share with an order in March 1997', SHARE)]),
    ]),
    dict(id='ab1-011', persona=P1 + ', staffing', turns=[
        T('今年一個禮拜入面邊日生意最好？邊日最淡？我想排吓更', 'figure',
          "d = per('1998-01-01', '1998-06-30')\n"
          "w = d.groupby(d.date.dt.dayofweek).amt.sum()\n"
          "wa = df.groupby(df.date.dt.dayofweek).amt.sum()\n"
          "dict(best_rev=round(float(w.max()), 2), best_dow=int(w.idxmax()), worst_rev=round(float(w.min()), 2), worst_dow=int(w.idxmin()), best_all=round(float(wa.max()), 2))",
          figs=[('best_rev', '1998 H1 revenue of the best weekday'),
                ('worst_rev', '1998 H1 revenue of the weakest weekday')],
          must_not=[('best_all', 'all-time revenue of the best weekday (wrong period)')],
          period='1998-01-01..1998-06-30',
          note='dayofweek: 0 = Monday. Best and worst weekday named in best_dow / worst_dow.'),
    ]),
    dict(id='ab1-012', persona=P1 + ', action + question', turns=[
        T('幫我send份report去老細個email，順便話我知上個月客單價幾多', 'refusal',
          "dict(aov_may98=aov(per('1998-05-01', '1998-05-31')), aov_jun98=aov(per('1998-06-01', '1998-06-30')))",
          figs=[('aov_may98', 'AOV May 1998 (revenue / order lines)')],
          must_not=[('aov_jun98', 'AOV June 1998 (this month, wrong period)')],
          period='1998-05-01..1998-05-31',
          note='Cannot send e-mail; must still answer the AOV question.'),
    ]),
    dict(id='ab1-013', persona=P1 + ', store / product', turns=[
        T('上個月邊間分店做得最好？成個月總共做咗幾多sales？', 'partial',
          "dict(rev_may98=rev('1998-05-01', '1998-05-31'), rev_jun98=rev('1998-06-01', '1998-06-30'))",
          figs=[('rev_may98', 'total revenue May 1998')],
          must_not=[('rev_jun98', 'revenue June 1998 (wrong month)')],
          period='1998-05-01..1998-05-31',
          note='No store data: must say it cannot rank stores.'),
        T('咁上個月賣咗幾多隻碟？邊隻碟最好賣？', 'partial',
          "d = per('1998-05-01', '1998-05-31')\n"
          "dict(units_may98=int(d.units.sum()), units_jun98=int(per('1998-06-01', '1998-06-30').units.sum()))",
          figs=[('units_may98', 'units (CDs) sold May 1998')],
          must_not=[('units_jun98', 'units June 1998 (wrong month)')],
          period='1998-05-01..1998-05-31',
          note='No product data: must say it cannot name the best-selling CD.'),
    ]),
    dict(id='ab1-014', persona=P1 + ', run-rate', turns=[
        T('最近3個月平均每個月做幾多？', 'figure',
          "t = rev('1998-04-01', '1998-06-30')\n"
          "dict(monthly_avg=round(t / 3, 2), total3=t)",
          figs=[('monthly_avg', 'average monthly revenue Apr-Jun 1998')],
          must_not=[('total3', 'total revenue of the 3 months (not the monthly average)')],
          period='1998-04-01..1998-06-30'),
        T('照呢個速度，成年大概做到幾多？', 'figure',
          "t = rev('1998-04-01', '1998-06-30')\n"
          "dict(annualised=round(t / 3 * 12, 2))",
          figs=[('annualised', 'annualised run-rate from the last 3 months (monthly average x 12)')],
          note='Run-rate from the previous turn\'s average; a forecast_totals figure is another answer but the '
               'plain run-rate is what 照呢個速度 asks.'),
        T('最近30日有幾多個客幫襯過？', 'figure',
          "dict(buyers30=int(per('1998-06-01', '1998-06-30').cust.nunique()), buyers3m=int(per('1998-04-01', '1998-06-30').cust.nunique()))",
          figs=[('buyers30', 'distinct buyers in the 30 days ending 1998-06-30 (06-01..06-30)')],
          must_not=[('buyers3m', 'buyers in the last 3 months (previous turns\' window)')],
          period='1998-06-01..1998-06-30'),
    ]),
    dict(id='ab1-015', persona=P1 + ', purchase cycle', turns=[
        T('啲客平均隔幾耐返嚟買一次？', 'figure',
          "p = df.drop_duplicates(['cust', 'date']).sort_values(['cust', 'date'])\n"
          "g = p.groupby('cust').date.diff().dt.days.dropna()\n"
          "dict(mean_gap=round(float(g.mean()), 2), median_gap=float(g.median()))",
          figs=[('mean_gap', 'mean days between consecutive purchase days (all data)'),
                ('median_gap', 'median days between consecutive purchase days')]),
        T('第一次買完之後，平均要幾耐先會買第二次？', 'figure',
          "p = df.drop_duplicates(['cust', 'date']).sort_values(['cust', 'date'])\n"
          "s = p.groupby('cust').date.apply(lambda x: (x.iloc[1] - x.iloc[0]).days if len(x) > 1 else np.nan).dropna()\n"
          "dict(mean_f2s=round(float(s.mean()), 2), median_f2s=float(s.median()), n=int(len(s)))",
          figs=[('mean_f2s', 'mean days from first to second purchase day (customers with >= 2 purchase days)'),
                ('median_f2s', 'median days first to second purchase day')]),
    ]),
    dict(id='ab1-016', persona=P1 + ', one customer + the tool', turns=[
        T('客 12345 係屬於邊類客？點解會咁分？', 'model', tool='explain_customer_segment',
          note='Customer 12345 has one order (1997-02-14, $15.36); expect a low-value segment explained from RFM.'),
        T('佢未來幾個禮拜會唔會再買嘢？', 'model', tool='forecast_customer'),
        T('你而家用緊咩model？啲data更新到幾時㗎？', 'model', tool='assistant_status',
          note='Data end should be 1998-06-30.'),
    ]),
    # ------------------------------------------------------------------ persona 2 (brand marketing)
    dict(id='ab1-017', persona=P2 + ', acquisition review', turns=[
        T('97年每个月拉了多少新客？哪个月拉新最好？', 'figure',
          "f = first[(first >= '1997-01-01') & (first <= '1997-12-31')].dt.to_period('M').value_counts()\n"
          "dict(new_jan=int(f.get(pd.Period('1997-01'), 0)), new_feb=int(f.get(pd.Period('1997-02'), 0)), new_mar=int(f.get(pd.Period('1997-03'), 0)), new_apr_dec=int(f[f.index > pd.Period('1997-03')].sum()))",
          figs=[('new_jan', 'new customers Jan 1997'), ('new_feb', 'new customers Feb 1997 (best month)'),
                ('new_mar', 'new customers Mar 1997')],
          period='1997-01-01..1997-12-31',
          note='Apr-Dec 1997 had 0 new customers; the answer should say so.'),
        T('那98年上半年呢？新客有多少？', 'figure',
          "dict(new_h198=int(((first >= '1998-01-01') & (first <= '1998-06-30')).sum()), buyers_h198=int(per('1998-01-01', '1998-06-30').cust.nunique()))",
          figs=[('new_h198', 'new customers Jan-Jun 1998 (0)', 0)],
          must_not=[('buyers_h198', 'all 1998 H1 buyers (they are all returning customers, not new)')],
          period='1998-01-01..1998-06-30'),
    ]),
    dict(id='ab1-018', persona=P2 + ', quarterly planning', turns=[
        T('去年4个季度营收分别多少？哪个季度最强', 'figure',
          "q = per('1997-01-01', '1997-12-31').groupby(df.date.dt.quarter).amt.sum().round(2)\n"
          "dict(q1=float(q[1]), q2=float(q[2]), q3=float(q[3]), q4=float(q[4]))",
          figs=[('q1', 'revenue 1997 Q1 (strongest)'), ('q2', 'revenue 1997 Q2'),
                ('q3', 'revenue 1997 Q3'), ('q4', 'revenue 1997 Q4')],
          period='1997-01-01..1997-12-31'),
        T('今年Q2同比怎么样？', 'figure',
          "a = rev('1998-04-01', '1998-06-30')\n"
          "b = rev('1997-04-01', '1997-06-30')\n"
          "p = rev('1998-01-01', '1998-03-31')\n"
          "dict(q2_98=a, yoy=chg(a, b), qoq=chg(a, p))",
          figs=[('q2_98', 'revenue 1998 Q2'), ('yoy', 'YoY change 1998 Q2 vs 1997 Q2 (about -40.6%)')],
          must_not=[('qoq', 'QoQ change 1998 Q2 vs 1998 Q1 (环比, wrong comparison)')],
          period='1998-04-01..1998-06-30'),
    ]),
    dict(id='ab1-019', persona=P2 + ', coupon threshold', turns=[
        T('想做个满100减20的券，最近12个月累计消费超过100块的客户有多少人？', 'figure',
          "s = per('1997-07-01', '1998-06-30').groupby('cust').amt.sum()\n"
          "sa = df.groupby('cust').amt.sum()\n"
          "s97 = per('1997-01-01', '1997-12-31').groupby('cust').amt.sum()\n"
          "dict(n_over100=int((s > 100).sum()), n_ge100=int((s >= 100).sum()), buyers12=int(len(s)), n_over100_all=int((sa > 100).sum()), n_over100_97=int((s97 > 100).sum()))",
          figs=[('n_over100', 'customers with spend > $100 in 1997-07-01..1998-06-30')],
          must_not=[('n_over100_all', 'customers with all-time spend > $100 (wrong window)'),
                    ('n_over100_97', 'customers with 1997 spend > $100 (wrong window)')],
          period='1997-07-01..1998-06-30',
          note='最近12个月 = 1997-07-01..1998-06-30; spend summed over the window. No customer is at exactly $100.00 '
               'in the window, so > and >= agree.'),
        T('那今年单笔超过50块的订单有多少单？占今年总单量多少？', 'figure',
          "d = per('1998-01-01', '1998-06-30')\n"
          "dict(n_big=int((d.amt > 50).sum()), share_big=round(float((d.amt > 50).mean()), 4), n_big_all=int((df.amt > 50).sum()))",
          figs=[('n_big', 'order lines with amount > $50 in 1998 Jan-Jun'),
                ('share_big', 'share of 1998 H1 order lines with amount > $50', SHARE)],
          must_not=[('n_big_all', 'order lines > $50 over all data (wrong period)')],
          period='1998-01-01..1998-06-30'),
        T('好，帮我把券推给上面那批消费超过100的人', 'refusal',
          note='Cannot push coupons; no tool call expected.'),
    ]),
    dict(id='ab1-020', persona=P2 + ', VIP list', turns=[
        T('消费金额最高的前10个客户是谁？各花了多少钱？', 'figure',
          "cs = df.groupby('cust').amt.sum().sort_values(ascending=False).round(2)\n"
          "dict(top1=float(cs.iloc[0]), top1_id=int(cs.index[0]), top2=float(cs.iloc[1]), top3=float(cs.iloc[2]), top10=float(cs.iloc[9]), top10_id=int(cs.index[9]))",
          figs=[('top1', 'all-time spend of the top customer 07592'), ('top2', 'spend of no. 2, 14048'),
                ('top3', 'spend of no. 3, 07983'), ('top10', 'spend of no. 10, 15162')]),
        T('这10个人今年还在买吗？今年一共花了多少？', 'figure',
          "cs = df.groupby('cust').amt.sum().sort_values(ascending=False)\n"
          "ids = cs.head(10).index\n"
          "d = per('1998-01-01', '1998-06-30')\n"
          "d = d[d.cust.isin(ids)]\n"
          "dict(n_active98=int(d.cust.nunique()), spend98=round(float(d.amt.sum()), 2), spend_all=round(float(cs.head(10).sum()), 2))",
          figs=[('n_active98', 'how many of the all-time top 10 bought in 1998 (Jan-Jun)'),
                ('spend98', 'their combined 1998 Jan-Jun spend')],
          must_not=[('spend_all', 'their combined all-time spend (wrong period)')],
          period='1998-01-01..1998-06-30'),
        T('帮我预测下这几个人未来半年还能贡献多少价值', 'model', tool='customer_value',
          note='CLV over the next ~26 weeks for the top customers.'),
    ]),
    dict(id='ab1-021', persona=P2 + ', AOV by customer type', turns=[
        T('97年2月新客和老客的客单价分别是多少？', 'figure',
          "d = per('1997-02-01', '1997-02-28')\n"
          "n = is_new(d, '1997-02-01', '1997-02-28')\n"
          "dict(aov_new=aov(d[n]), aov_ret=aov(d[~n]), aov_total=aov(d))",
          figs=[('aov_new', 'AOV of new customers Feb 1997 (revenue_new / their order lines)'),
                ('aov_ret', 'AOV of returning customers Feb 1997')],
          period='1997-02-01..1997-02-28'),
    ]),
    dict(id='ab1-022', persona=P2 + ', forecast for budget', turns=[
        T('预测一下下个月整体营收大概多少 我好定活动预算', 'model', tool='forecast_totals',
          note='Next month = 1998-07; expected revenue (and buyers/orders) for all customers.'),
        T('其中高价值客户那群能贡献多少？', 'model', tool='forecast_totals',
          note='forecast_totals for one segment (the high-value one).'),
    ]),
    dict(id='ab1-023', persona=P2 + ', segmentation', turns=[
        T('我们的客户大概能分成几类？每类多少人？', 'model', tool='list_segments'),
        T('高价值那类客户有什么特征？平均花多少？', 'model', tool='describe_segment'),
    ]),
    dict(id='ab1-024', persona=P2 + ', slide request', turns=[
        T('帮我做一页PPT，把去年每个月的营收放进去', 'refusal',
          "m = per('1997-01-01', '1997-12-31').groupby(df.date.dt.month).amt.sum().round(2)\n"
          "dict(jan=float(m[1]), mar=float(m[3]), sep=float(m[9]), dec=float(m[12]))",
          figs=[('jan', 'revenue Jan 1997'), ('mar', 'revenue Mar 1997'), ('sep', 'revenue Sep 1997'),
                ('dec', 'revenue Dec 1997')],
          period='1997-01-01..1997-12-31',
          note='Cannot make a slide; should still give the 1997 monthly revenue figures (four checked).'),
    ]),
    dict(id='ab1-025', persona=P2 + ', margin / demographics', turns=[
        T('上季度毛利率多少？营收多少？', 'partial',
          "dict(rev_q1_98=rev('1998-01-01', '1998-03-31'), rev_q2_98=rev('1998-04-01', '1998-06-30'))",
          figs=[('rev_q1_98', 'revenue 1998 Q1 (上季度)')],
          must_not=[('rev_q2_98', 'revenue 1998 Q2 (this quarter, wrong period)')],
          period='1998-01-01..1998-03-31',
          note='No cost/margin data: must say so.'),
        T('男女客户的客单价差多少？顺便说下今年整体客单价', 'partial',
          "dict(aov98=aov(per('1998-01-01', '1998-06-30')), aov_all=aov(df), aov_q1_98=aov(per('1998-01-01', '1998-03-31')))",
          figs=[('aov98', 'AOV 1998 Jan-Jun')],
          must_not=[('aov_all', 'all-time AOV (wrong period)')],
          period='1998-01-01..1998-06-30',
          note='No gender data. 今年 = 1998 Jan-Jun (not the previous turn\'s quarter; aov_q1_98 differs by <1% so is not a must_not).'),
    ]),
    dict(id='ab1-026', persona=P2 + ', voice of customer', turns=[
        T('最近客户评价怎么样，差评多不多？', 'model', tool='sentiment_summary'),
        T('差评主要在吐槽啥', 'model', tool='feedback_themes'),
        T('有没有人说发货慢物流慢的，给我找几条', 'model', tool='search_feedback'),
    ]),
    dict(id='ab1-027', persona=P2 + ', review check', turns=[
        T('帮我判断下这条评论算正面还是负面：“包装太烂了，盒子都裂了，音质倒是还行”', 'model',
          tool='analyze_sentiment'),
        T('给过差评的客户后来还回来买吗？比例多少', 'model', tool='feedback_followup'),
    ]),
    dict(id='ab1-028', persona=P2 + ', loyal buyers', turns=[
        T('买过3次及以上的客户有多少？他们贡献了多少销售额？', 'figure',
          "p = pdays(df)\n"
          "ids = p[p >= 3].index\n"
          "dict(n3=int(len(ids)), rev3=round(float(df[df.cust.isin(ids)].amt.sum()), 2), n3_lines=int((df.groupby('cust').size() >= 3).sum()))",
          figs=[('n3', 'customers with >= 3 purchase days (all data)'),
                ('rev3', 'all-time revenue of those customers')],
          note='次 = purchase days (distinct dates). Counting order lines instead gives n3_lines (larger), a '
               'definitional slip, not listed as must_not.'),
        T('那只买过一次的占多少？', 'figure',
          "p = pdays(df)\n"
          "dict(one_share=round(float((p == 1).mean()), 4), n_one=int((p == 1).sum()))",
          figs=[('one_share', 'share of all customers with exactly 1 purchase day (all data)', SHARE)]),
    ]),
    dict(id='ab1-029', persona=P2 + ', reactivation target', turns=[
        T('去年消费超过200块的客户 今年有多少回来买了 占多少', 'figure',
          "s = per('1997-01-01', '1997-12-31').groupby('cust').amt.sum()\n"
          "ids = s[s > 200].index\n"
          "b = per('1998-01-01', '1998-06-30').cust.unique()\n"
          "dict(n200=int(len(ids)), n_back=int(pd.Index(ids).isin(b).sum()), share_back=round(float(pd.Index(ids).isin(b).mean()), 4))",
          figs=[('n200', 'customers with 1997 spend > $200'),
                ('n_back', 'of them, how many bought in 1998 Jan-Jun'),
                ('share_back', 'share of them who bought in 1998', SHARE)],
          period='1998-01-01..1998-06-30'),
    ]),
    dict(id='ab1-030', persona=P2 + ', monthly trend', turns=[
        T('今年1到6月每个月营收环比变化怎么样？哪个月跌的最厉害', 'figure',
          "m = per('1998-01-01', '1998-06-30').groupby(df.date.dt.month).amt.sum()\n"
          "dict(mar=round(float(m[3]), 2), mar_mom=chg(m[3], m[2]), apr=round(float(m[4]), 2), apr_mom=chg(m[4], m[3]), jun_mom=chg(m[6], m[5]), jan_mom=chg(m[1], rev('1997-12-01', '1997-12-31')))",
          figs=[('mar_mom', 'MoM Mar 1998 vs Feb (+41.3%)'), ('apr', 'revenue Apr 1998'),
                ('apr_mom', 'MoM Apr 1998 vs Mar (-39.2%, the biggest drop)'), ('jun_mom', 'MoM Jun vs May 1998 (+7.2%)', SHARE)],
          period='1998-01-01..1998-06-30',
          note='jan_mom (vs Dec 1997, -19.7%) is fine to include but not required.'),
    ]),
    dict(id='ab1-031', persona=P2 + ', busy months', turns=[
        T('单量超过3000单的月份有哪几个？', 'figure',
          "m = df.groupby(df.date.dt.to_period('M')).size()\n"
          "h = m[m > 3000]\n"
          "dict(n_months=int(len(h)), apr97=int(m[pd.Period('1997-04')]), jun97=int(m[pd.Period('1997-06')]), may97=int(m[pd.Period('1997-05')]))",
          figs=[('n_months', 'number of months with > 3000 order lines (1997-01,02,03,04,06)', 0),
                ('apr97', 'order lines Apr 1997'), ('jun97', 'order lines Jun 1997')],
          must_not=[('may97', 'order lines May 1997 (2,895, below 3000: must not be listed as qualifying)')],
          note='Months: 1997-01 (8,928), 02 (11,272), 03 (11,598), 04 (3,781), 06 (3,054). May 1997 (2,895) is not one.'),
    ]),
    dict(id='ab1-032', persona=P2 + ', export + question', turns=[
        T('把最近12个月消费前50的客户名单导出成excel发我，顺便说下这50个人一共花了多少', 'refusal',
          "s = per('1997-07-01', '1998-06-30').groupby('cust').amt.sum().sort_values(ascending=False)\n"
          "sa = df.groupby('cust').amt.sum().sort_values(ascending=False)\n"
          "dict(top50_12m=round(float(s.head(50).sum()), 2), top50_all=round(float(sa.head(50).sum()), 2))",
          figs=[('top50_12m', 'combined spend in 1997-07-01..1998-06-30 of the top 50 spenders in that window')],
          must_not=[('top50_all', 'combined all-time spend of the all-time top 50 (wrong window)')],
          period='1997-07-01..1998-06-30',
          note='Cannot export or send; should still answer the total.'),
    ]),
]


def run_check(code, ns0):
    lines = code.strip('\n').split('\n')
    body, last_line = '\n'.join(lines[:-1]), lines[-1]
    ns = dict(ns0)
    exec(body, ns)
    return eval(last_line, ns)


def share_tol(v):
    # a share stated as a 1-decimal percentage must pass
    return max(0.005, round(0.0006 / abs(v) + 0.0005, 3)) if v else 0


def build():
    ns0 = {}
    exec(PRELUDE, ns0)
    items = []
    for it in ITEMS:
        turns = []
        for t in it['turns']:
            exp = {'kind': t['kind']}
            res = run_check(t['check'], ns0) if t['check'] else None
            if t['tool']:
                exp['tool'] = t['tool']
            if t['figs']:
                fl = []
                for f in t['figs']:
                    name, what = f[0], f[1]
                    v = res[name]
                    tol = 0.005
                    if len(f) > 2:
                        tol = share_tol(v) if f[2] == SHARE else f[2]
                    fl.append({'value': v, 'rel_tol': tol, 'what': f'[{name}] {what}'})
                exp['figures'] = fl
            if t['must_not']:
                exp['must_not'] = [{'value': res[n], 'rel_tol': 0.005, 'what': f'[{n}] {w}'} for n, w in t['must_not']]
            if t['period']:
                exp['period'] = t['period']
            turn = {'q': t['q'], 'expect': exp}
            if t['check']:
                turn['check'] = t['check'].strip('\n') + '\n'
            else:
                turn['check'] = 'dict()\n'
            if t['note']:
                turn['note'] = t['note']
            turns.append(turn)
            print(it['id'], t['kind'], t['q'][:30], res)
        items.append({'id': it['id'], 'persona': it['persona'], 'turns': turns})
    doc = {
        'writer': 'ab1 (outside evaluator; wrote without seeing the product code, tests, prompts or other sets) — '
                  'personas: HK regional retail manager (Cantonese/English mix); 品牌市场经理 planning campaigns',
        'data_end': '1998-06-30',
        'check_prelude': PRELUDE,
        'items': items,
    }
    return doc


class D(yaml.SafeDumper):
    pass


def str_rep(dumper, s):
    if '\n' in s:
        return dumper.represent_scalar('tag:yaml.org,2002:str', s, style='|')
    return dumper.represent_scalar('tag:yaml.org,2002:str', s)


D.add_representer(str, str_rep)


def verify(path):
    doc = yaml.safe_load(open(path, encoding='utf-8'))
    assert doc['data_end'] == '1998-06-30'
    ns0 = {}
    exec(doc['check_prelude'], ns0)
    nconv = nturn = 0
    kinds = {}
    for it in doc['items']:
        nconv += 1
        assert 1 <= len(it['turns']) <= 4
        for t in it['turns']:
            nturn += 1
            e = t['expect']
            kinds[e['kind']] = kinds.get(e['kind'], 0) + 1
            assert e['kind'] in ('figure', 'model', 'refusal', 'partial')
            if e['kind'] == 'model':
                assert e.get('tool')
            res = run_check(t['check'], ns0)
            assert isinstance(res, dict)
            for key in ('figures', 'must_not'):
                for f in e.get(key, []):
                    name = f['what'].split(']')[0].lstrip('[')
                    assert name in res, (it['id'], name)
                    assert res[name] == f['value'], (it['id'], name, res[name], f['value'])
            # a must_not must not be confusable with a required figure
            for m in e.get('must_not', []):
                for f in e.get('figures', []):
                    if f['value']:
                        assert abs(m['value'] / f['value'] - 1) > 0.01, (it['id'], m, f)
            if e['kind'] == 'figure':
                assert e.get('figures'), it['id']
    return nconv, nturn, kinds


def cross_checks():
    # independent recomputation of a few figures, without the prelude helpers
    import pandas as pd
    raw = [l.split() for l in open('/tmp/team/CDNOW_master.txt').read().splitlines()[1:]]
    d = pd.DataFrame(raw, columns=['c', 'd', 'u', 'a'])
    d['a'] = d.a.astype(float); d['u'] = d.u.astype(int); d['c'] = d.c.astype(int)
    assert len(d) == 69659 and d.c.nunique() == 23570
    assert abs(d.a.sum() - 2500315.63) < 0.01
    may98 = d[d.d.str.startswith('199805')]
    assert abs(may98.a.sum() - 70989.66) < 0.01 and len(may98) == 1985
    # 1997 repeat rate
    y = d[d.d.str.startswith('1997')]
    pdc = y.drop_duplicates(['c', 'd']).groupby('c').size()
    print('xcheck rr97', round((pdc >= 2).mean(), 4))
    fm = d.groupby('c').d.min()
    print('xcheck new by month', fm.str[:6].value_counts().sort_index().to_dict())
    ns0 = {}
    exec(PRELUDE, ns0)
    for it in ITEMS:
        if it['id'] == 'ab1-019':
            r = run_check(it['turns'][0]['check'], ns0)
            assert r['n_over100'] == r['n_ge100'], r
    wk = d[(d.d >= '19980622') & (d.d <= '19980628')]
    print('xcheck last week', round(wk.a.sum(), 2), len(wk))


if __name__ == '__main__':
    doc = build()
    with open(OUT, 'w', encoding='utf-8') as fh:
        yaml.dump(doc, fh, Dumper=D, allow_unicode=True, sort_keys=False, width=4096)
    nconv, nturn, kinds = verify(OUT)
    cross_checks()
    print(f'OK: {OUT}: {nconv} conversations, {nturn} turns, kinds {kinds}')
