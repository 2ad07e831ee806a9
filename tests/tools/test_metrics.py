"""metric_query, cohort_retention and feedback_followup over the tiny store (fakes for the models)."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import insert

from crm_insights.charts import chart_for
from crm_insights.store.models import SegmentAssignment
from crm_insights.tools.metrics import (
    cohort_retention,
    feedback_followup,
    metric_query,
    previous_period,
    simple_json,
    year_earlier,
)

from .conftest import CUSTOMERS, SEGMENTS


def _orders() -> pd.DataFrame:
    rows = [
        {"customer": ext, "ts": datetime.fromisoformat(d), "quantity": q, "amount": a}
        for ext, _, orders, _ in CUSTOMERS
        for d, q, a in orders
    ]
    return pd.DataFrame(rows)


@pytest.fixture
def seg_fakes(fakes: Any) -> Any:
    """The fakes plus the fake segment model's assignments stored, as `train segments` writes them."""
    with fakes.store.engine.begin() as conn:
        for seg in SEGMENTS:
            for ext in seg["members"]:
                conn.execute(
                    insert(SegmentAssignment).values(
                        model_version="segments-test", customer_id=fakes.store.customer_pk[ext], segment=seg["segment"]
                    )
                )
    return fakes


def _ok(out: Any) -> dict[str, Any]:
    assert isinstance(out, dict), out
    json.dumps(out, ensure_ascii=False)
    return out["data"]


def test_monthly_trend_states_period_rows_and_totals(fakes: Any) -> None:
    data = _ok(
        metric_query.invoke({"measures": ["revenue", "orders"], "grain": "month", "since": "1997", "until": "1997"})
    )
    o = _orders()
    o97 = o[o["ts"].dt.year == 1997]
    assert data["period"] == {"since": "1997-01-01", "until": "1997-12-31"}
    assert [r["period"] for r in data["rows"]] == [f"1997-{m:02d}" for m in range(1, 13)]
    by_month = o97.groupby(o97["ts"].dt.strftime("%Y-%m"))["amount"].sum()
    for row in data["rows"]:
        assert row["revenue"] == pytest.approx(by_month.get(row["period"], 0.0))
    assert data["total"]["revenue"] == pytest.approx(o97["amount"].sum())
    assert data["total"]["orders"] == len(o97)
    assert data["unit"] == {"revenue": "currency", "orders": "count"}
    assert any(n.startswith("revenue:") for n in data["notes"])


def test_defaults_are_the_data_range(fakes: Any) -> None:
    out = metric_query.invoke({"measures": "buyers,aov"})
    data = _ok(out)
    o = _orders()
    assert data["period"] == {"since": str(o["ts"].min().date()), "until": str(o["ts"].max().date())}
    assert data["total"]["buyers"] == o["customer"].nunique()
    assert data["total"]["aov"] == pytest.approx(o["amount"].sum() / len(o), abs=1e-4)
    assert out["evidence"]["tool"] == "metric_query" and out["evidence"]["rows_considered"] == len(o)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"measures": ["turnover_x"]}, "valid measures: revenue, orders"),
        ({"measures": ["revenue"], "group_by": "planet"}, "'weekday', 'segment'"),
        ({"measures": ["revenue"], "since": "1998-05", "until": "1998-01"}, "is after until"),
        (
            {"measures": ["revenue"], "since": "2005-01-01", "until": "2005-12-31"},
            "outside the data: orders run from 1997-01-03 to 1998-06-20",
        ),
        ({"measures": ["revenue"], "since": "2005"}, "orders run from 1997-01-03 to 1998-06-20"),
        ({"measures": ["revenue"], "since": "1997-03", "until": "1997-03", "compare_since": "2010"}, "both"),
        ({"measures": ["revenue"], "compare_since": "2010", "compare_until": "2010"}, "outside the data"),
        ({"measures": ["inactive_customers"]}, "inactive_days"),
        ({"measures": ["revenue"], "sentiment": "negative"}, "feedback measures only"),
    ],
)
def test_bad_input_is_a_clear_tool_error(fakes: Any, args: dict[str, Any], message: str) -> None:
    out = metric_query.invoke(args)
    assert isinstance(out, str) and message in out, out


def test_compare_both_is_the_previous_period_and_a_year_earlier(fakes: Any) -> None:
    # "Q2环比和同比分别是多少": one call, each comparison equal to the pandas sums of its own period
    o = _orders()

    def revenue(a: str, b: str) -> float:
        lo, hi = pd.Timestamp(a), pd.Timestamp(b) + pd.Timedelta(days=1)
        return float(o[(o["ts"] >= lo) & (o["ts"] < hi)]["amount"].sum())

    data = _ok(
        metric_query.invoke({"measures": ["revenue"], "since": "1998-04", "until": "1998-06", "compare": "both"})
    )
    now = revenue("1998-04-01", "1998-06-30")
    for key, (a, b) in {"compare": ("1998-01-01", "1998-03-31"), "compare_year": ("1997-04-01", "1997-06-30")}.items():
        c = data[key]
        assert c["period"] == {"since": a, "until": b}
        assert c["total"]["revenue"] == pytest.approx(revenue(a, b))
        assert c["change_pct"]["revenue"] == pytest.approx(now / revenue(a, b) - 1, abs=1e-4)
    single = _ok(
        metric_query.invoke({"measures": ["revenue"], "since": "1998-04", "until": "1998-06", "compare": "year"})
    )
    assert single["compare_year"] is None and single["compare"]["total"] == data["compare_year"]["total"]
    shaped = simple_json(
        metric_query.invoke({"measures": ["revenue"], "since": "1998-04", "until": "1998-06", "compare": "both"})
    )
    assert shaped["compare_year"]["period"] == {"since": "1997-04-01", "until": "1997-06-30"}


def test_purchase_bands_and_their_funnel_match_pandas(fakes: Any) -> None:
    # "买过1次、2次、3次及以上各多少人" and "二购到三购的转化率": bands by purchase days, each band's customers with at
    # least that many purchase days, and the step from the band before
    o = _orders()
    days = o.assign(day=o["ts"].dt.normalize()).drop_duplicates(["customer", "day"]).groupby("customer").size()
    data = _ok(metric_query.invoke({"measures": ["buyers"], "group_by": "purchase_count", "purchase_bands": 3}))
    rows = {r["purchase_count"]: r for r in data["rows"]}
    assert [rows[k]["buyers"] for k in ("1", "2", "3+")] == [
        int((days == 1).sum()),
        int((days == 2).sum()),
        int((days >= 3).sum()),
    ]
    for k, n in (("1", 1), ("2", 2), ("3+", 3)):
        assert rows[k]["reached"] == int((days >= n).sum())
        assert rows[k]["reached_share"] == pytest.approx((days >= n).mean(), abs=1e-4)
    assert rows["1"]["step_rate"] is None
    assert rows["3+"]["step_rate"] == pytest.approx((days >= 3).sum() / (days >= 2).sum(), abs=1e-4)
    # a band bounded below is no funnel: nothing to count from the first purchase
    bounded = _ok(metric_query.invoke({"measures": ["buyers"], "group_by": "purchase_count", "min_purchases": 2}))
    assert all("reached" not in r for r in bounded["rows"])


def test_spend_bands_match_pandas(fakes: Any) -> None:
    # "按累计消费分层：500以上、100-500、100以下各多少人，各贡献多少": customers by their spend over the period,
    # each band from its start up to the next start
    o = _orders()
    spend = o.groupby("customer")["amount"].sum()
    cuts = [0.0, 100.0, 500.0]
    data = _ok(
        metric_query.invoke({"measures": ["buyers", "revenue"], "group_by": "spend_band", "band_starts": [0, 100, 500]})
    )
    assert [r["spend_band"] for r in data["rows"]] == ["<100", "100-500", "500+"]
    for row, lo, hi in zip(data["rows"], cuts, [*cuts[1:], float("inf")], strict=True):
        mine = spend[(spend >= lo) & (spend < hi)]
        assert row["buyers"] == len(mine), row
        assert row["revenue"] == pytest.approx(mine.sum(), abs=0.01)
        assert row["share"]["revenue"] == pytest.approx(mine.sum() / spend.sum(), abs=1e-4)
    # over one year: the spend is the year's
    y = o[(o["ts"] >= "1997-01-01") & (o["ts"] < "1998-01-01")]
    year_spend = y.groupby("customer")["amount"].sum()
    data = _ok(
        metric_query.invoke(
            {"measures": ["buyers"], "group_by": "spend_band", "band_starts": [0, 50], "since": "1997", "until": "1997"}
        )
    )
    assert [r["buyers"] for r in data["rows"]] == [int((year_spend < 50).sum()), int((year_spend >= 50).sum())]


def test_a_share_within_the_inactive_customers_matches_pandas(fakes: Any) -> None:
    # "Of those lapsed customers, what proportion had a lifetime spend above $100?": the base is the inactive group
    o = _orders()
    end = o["ts"].max().normalize()
    last = o.groupby("customer")["ts"].max().dt.normalize()
    spend = o.groupby("customer")["amount"].sum()
    days = 100
    lapsed = last[(end - last).dt.days >= days].index
    over = [c for c in lapsed if spend[c] > 20]
    assert 0 < len(over) < len(lapsed)  # the data has both kinds, so the base matters
    data = _ok(
        metric_query.invoke(
            {"measures": ["buyers"], "inactive_days": days, "min_customer_spend": 20, "customer_spend_strict": True}
        )
    )
    assert data["share_base"] == "inactive"
    assert data["total"]["buyers"] == len(over) and data["total_unfiltered"]["buyers"] == len(lapsed)
    assert data["share_of_all"]["buyers"] == pytest.approx(len(over) / len(lapsed), abs=1e-4)
    # inactivity alone is still a share of everyone, and so is the group's revenue ("占总营收多少")
    alone = _ok(metric_query.invoke({"measures": ["buyers", "revenue"], "inactive_days": days}))
    assert alone["share_base"] == "customers" and alone["total_unfiltered"]["buyers"] == o["customer"].nunique()
    revenue = _ok(metric_query.invoke({"measures": ["revenue"], "inactive_days": days, "min_customer_spend": 20}))
    assert revenue["share_base"] == "customers"
    assert revenue["total_unfiltered"]["revenue"] == pytest.approx(o["amount"].sum())


def test_amount_bands_match_pandas(fakes: Any) -> None:
    # "订单金额 20以下、20-50、50以上 各多少单": order lines by their own amount
    o = _orders()
    data = _ok(
        metric_query.invoke({"measures": ["orders", "revenue"], "group_by": "amount_band", "band_starts": [0, 20, 50]})
    )
    assert [r["amount_band"] for r in data["rows"]] == ["<20", "20-50", "50+"]
    for row, lo, hi in zip(data["rows"], [0, 20, 50], [20, 50, float("inf")], strict=True):
        mine = o[(o["amount"] >= lo) & (o["amount"] < hi)]
        assert row["orders"] == len(mine) and row["revenue"] == pytest.approx(mine["amount"].sum(), abs=0.01)
        assert row["share"]["orders"] == pytest.approx(len(mine) / len(o), abs=1e-4)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        ({"group_by": "spend_band"}, "band_starts rising from 0"),
        ({"group_by": "spend_band", "band_starts": [100, 50]}, "band_starts rising from 0"),
        ({"group_by": "amount_band", "band_starts": [0]}, "at least two bands"),
        ({"group_by": "segment", "band_starts": [0, 100]}, "apply to group_by 'spend_band' or 'amount_band'"),
        ({"group_by": "amount_band", "band_starts": [0, 100], "min_amount": 10}, "drop min_amount"),
        ({"group_by": "spend_band", "band_starts": [0, 100], "grain": "month"}, "drop grain"),
        ({"group_by": "spend_band", "band_starts": [0, 100], "purchase_bands": 3}, "'purchase_count' only"),
    ],
)
def test_bands_refuse_what_they_cannot_mean(fakes: Any, args: dict[str, Any], says: str) -> None:
    out = metric_query.invoke({"measures": ["buyers"], **args})
    assert isinstance(out, str) and says in out, out


def test_customers_listed_by_id_carry_their_share_of_everyone(fakes: Any) -> None:
    # "What share of 1998 revenue do those five make up together?": their revenue over every customer's
    o = _orders()
    y = o[(o["ts"] >= "1998-01-01") & (o["ts"] < "1999-01-01")]
    two = ["00001", "00100"]
    data = _ok(metric_query.invoke({"measures": ["revenue"], "since": "1998", "until": "1998", "customers": two}))
    mine = float(y[y["customer"].isin(two)]["amount"].sum())
    assert data["total"]["revenue"] == pytest.approx(mine)
    assert data["total_unfiltered"]["revenue"] == pytest.approx(float(y["amount"].sum()))
    assert data["share_of_all"]["revenue"] == pytest.approx(mine / float(y["amount"].sum()), abs=1e-4)
    assert data["share_base"] == "listed"
    # a ranking of them is no such group
    ranked = _ok(metric_query.invoke({"measures": ["revenue"], "group_by": "customer", "customers": two}))
    assert ranked["share_of_all"] is None


def test_a_small_filtered_group_is_named_with_its_spend(fakes: Any) -> None:
    # "累计消费超1w的客户有几个": the few customers who pass, each with the period's spend, highest first
    o = _orders()
    spend = o.groupby("customer")["amount"].sum().sort_values(ascending=False)
    bound = float(spend.iloc[1])  # the two biggest spenders pass
    data = _ok(metric_query.invoke({"measures": ["buyers"], "min_customer_spend": bound}))
    assert data["total"]["buyers"] == int((spend >= bound).sum())
    assert [m["customer"] for m in data["members"]] == list(spend[spend >= bound].index)
    assert [m["revenue"] for m in data["members"]] == pytest.approx(list(spend[spend >= bound]))
    # no filter, no list
    assert _ok(metric_query.invoke({"measures": ["buyers"]}))["members"] is None


def test_a_strict_spend_bound_leaves_out_the_customer_exactly_at_it(fakes: Any) -> None:
    # "消费超过X的客户" is spend > X: the customer who spent exactly X is in ">= X" only
    spend = _orders().groupby("customer")["amount"].sum().sort_values(ascending=False)
    bound = float(spend.iloc[1])
    strict = {"measures": ["buyers"], "customer_spend_strict": True}
    over = _ok(metric_query.invoke({**strict, "min_customer_spend": bound}))
    assert over["total"]["buyers"] == int((spend > bound).sum()) == 1
    assert over["filters"]["customer_spend_strict"] is True
    under = _ok(metric_query.invoke({**strict, "max_customer_spend": bound}))
    assert under["total"]["buyers"] == int((spend < bound).sum())
    assert any("spend" in n and f"< {bound:g}" in n for n in under["notes"])


def test_buyers_carry_their_share_of_every_customer_so_far(fakes: Any) -> None:
    # "今年下过单的客户占全部客户多少": the period's buyers over every customer who had ordered by its end
    o = _orders()
    y = o[(o["ts"] >= "1998-01-01") & (o["ts"] < "1998-07-01")]
    before = o[o["ts"] < "1998-07-01"]["customer"].nunique()
    asked = {"measures": ["buyers"], "since": "1998-01", "until": "1998-06", "customers_share": True}
    data = _ok(metric_query.invoke(asked))
    assert data["customers_share"]["customers"] == before
    assert data["customers_share"]["share"] == pytest.approx(y["customer"].nunique() / before, abs=1e-4)
    # a breakdown or a customer filter has its own base
    asked_monthly = {"measures": ["buyers"], "grain": "month", "customers_share": True}
    assert _ok(metric_query.invoke(asked_monthly))["customers_share"] is None
    # not asked: not computed (a distinct count over all the data costs a query)
    assert _ok(metric_query.invoke({"measures": ["buyers"], "since": "1998-01"}))["customers_share"] is None


def test_purchase_bands_with_ranges_match_pandas(fakes: Any) -> None:
    # "1次、2次、3-5次、6次及以上": bands from their first counts, the last open
    o = _orders()
    days = o.assign(day=o["ts"].dt.normalize()).drop_duplicates(["customer", "day"]).groupby("customer").size()
    data = _ok(
        metric_query.invoke({"measures": ["buyers"], "group_by": "purchase_count", "purchase_band_starts": [1, 3]})
    )
    assert [r["purchase_count"] for r in data["rows"]] == ["1-2", "3+"]
    assert [r["buyers"] for r in data["rows"]] == [int((days <= 2).sum()), int((days >= 3).sum())]
    bad = metric_query.invoke({"measures": ["buyers"], "group_by": "purchase_count", "purchase_band_starts": [2, 3]})
    assert isinstance(bad, str) and "rise from 1" in bad


def test_the_top_customers_by_spend_as_a_group(fakes: Any) -> None:
    # "消费排前二十的大客户 今年还有几个在买": the top N by spend over the filter window, counted in the period
    o = _orders()
    top = o.groupby("customer")["amount"].sum().sort_values(ascending=False).head(2).index
    y = o[(o["ts"] >= "1998-01-01") & (o["customer"].isin(top))]
    data = _ok(
        metric_query.invoke(
            {
                "measures": ["buyers"],
                "since": "1998",
                "until": "1998",
                "top_customers": 2,
                "filter_since": "1997-01-01",
                "filter_until": "1998-12-31",
            }
        )
    )
    assert data["total"]["buyers"] == y["customer"].nunique()
    assert data["filters"]["top_customers"]["customers"] == 2
    both = metric_query.invoke({"measures": ["buyers"], "top_customers": 2, "top_share": 0.5})
    assert isinstance(both, str) and "not both" in both


def test_the_rest_of_a_top_group_and_its_entry_threshold(fakes: Any) -> None:
    # "Their AOV compared to the other 90%": every customer outside the top group; "Top 10% 的门槛": its lowest spend
    o = _orders()
    spend = o.groupby("customer")["amount"].sum().sort_values(ascending=False)
    top = spend.head(2).index
    rest = o[~o["customer"].isin(top)]
    data = _ok(metric_query.invoke({"measures": ["aov", "buyers"], "top_customers": 2, "top_rest": True}))
    assert data["total"]["buyers"] == rest["customer"].nunique()
    assert abs(data["total"]["aov"] - rest["amount"].sum() / len(rest)) < 1e-6
    assert data["filters"]["top_rest"]["customers_left_out"] == 2
    assert abs(data["filters"]["top_customers"]["min_spend"] - spend.iloc[1]) < 1e-6
    lone = metric_query.invoke({"measures": ["aov"], "top_rest": True})
    assert isinstance(lone, str) and "give top_share or top_customers" in lone


def test_a_week_compared_a_year_earlier_is_the_same_iso_week(fakes: Any) -> None:
    # "rev last week vs same wk LY": Monday 1998-06-01..Sunday 06-07 against Monday 1997-06-02..Sunday 06-08
    o = _orders()
    data = _ok(
        metric_query.invoke({"measures": ["revenue"], "since": "1998-06-01", "until": "1998-06-07", "compare": "year"})
    )
    assert data["compare"]["period"] == {"since": "1997-06-02", "until": "1997-06-08"}
    lo, hi = pd.Timestamp("1997-06-02"), pd.Timestamp("1997-06-09")
    assert data["compare"]["total"]["revenue"] == pytest.approx(
        float(o[(o["ts"] >= lo) & (o["ts"] < hi)]["amount"].sum())
    )
    # seven days that are not a Monday-to-Sunday week keep the calendar days
    data = _ok(
        metric_query.invoke({"measures": ["revenue"], "since": "1998-06-03", "until": "1998-06-09", "compare": "year"})
    )
    assert data["compare"]["period"] == {"since": "1997-06-03", "until": "1997-06-09"}


def test_compare_previous_and_year(fakes: Any) -> None:
    o = _orders()

    def revenue(a: str, b: str) -> float:
        lo, hi = pd.Timestamp(a), pd.Timestamp(b) + pd.Timedelta(days=1)
        return float(o[(o["ts"] >= lo) & (o["ts"] < hi)]["amount"].sum())

    data = _ok(
        metric_query.invoke({"measures": ["revenue"], "since": "1998-04", "until": "1998-06", "compare": "previous"})
    )
    c = data["compare"]
    assert c["period"] == {"since": "1998-01-01", "until": "1998-03-31"}
    now, before = revenue("1998-04-01", "1998-06-30"), revenue("1998-01-01", "1998-03-31")
    assert c["total"]["revenue"] == pytest.approx(before)
    assert c["change"]["revenue"] == pytest.approx(now - before)
    assert c["change_pct"]["revenue"] == pytest.approx((now - before) / before, abs=1e-4)
    data = _ok(metric_query.invoke({"measures": ["orders"], "since": "1998-01", "until": "1998-06", "compare": "year"}))
    assert data["compare"]["period"] == {"since": "1997-01-01", "until": "1997-06-30"}
    data = _ok(
        metric_query.invoke(
            {
                "measures": ["revenue"],
                "since": "1998-02",
                "until": "1998-02",
                "compare_since": "1997-06-10",
                "compare_until": "1997-06-10",
            }
        )
    )
    assert data["compare"]["total"]["revenue"] == pytest.approx(revenue("1997-06-10", "1997-06-10"))


def test_periods_month_ends_and_leap_days() -> None:
    assert previous_period(date(1998, 3, 1), date(1998, 3, 31)) == (date(1998, 2, 1), date(1998, 2, 28))
    assert previous_period(date(1998, 1, 1), date(1998, 3, 31)) == (date(1997, 10, 1), date(1997, 12, 31))
    assert previous_period(date(1998, 1, 10), date(1998, 1, 16)) == (date(1998, 1, 3), date(1998, 1, 9))
    assert year_earlier(date(1996, 2, 29), date(1996, 2, 29)) == (date(1995, 2, 28), date(1995, 2, 28))
    assert year_earlier(date(1997, 2, 1), date(1997, 2, 28)) == (date(1996, 2, 1), date(1996, 2, 29))


def test_segments_side_by_side_with_names_and_shares(seg_fakes: Any) -> None:
    data = _ok(metric_query.invoke({"measures": ["revenue", "revenue_share"], "group_by": "segment"}))
    o = _orders()
    total = o["amount"].sum()
    rows = {r["segment"]: r for r in data["rows"]}
    for seg in SEGMENTS:
        mine = o[o["customer"].isin(seg["members"])]["amount"].sum()
        assert rows[seg["segment"]]["revenue"] == pytest.approx(mine)
        assert rows[seg["segment"]]["revenue_share"] == pytest.approx(mine / total, abs=1e-4)
        assert rows[seg["segment"]]["segment_name_zh"] == seg["name_zh"]
    one = _ok(metric_query.invoke({"measures": ["buyers"], "segment": "高价值"}))
    assert one["total"]["buyers"] == 3 and one["filters"]["segment"]["segment"] == 0


def test_segment_model_without_stored_assignments_is_refused(fakes: Any) -> None:
    out = metric_query.invoke({"measures": ["revenue"], "group_by": "segment"})
    assert isinstance(out, str) and "no stored assignments" in out


def test_sort_and_limit_pick_the_best_weekday(fakes: Any) -> None:
    data = _ok(metric_query.invoke({"measures": ["revenue"], "group_by": "weekday", "sort": "desc", "limit": 1}))
    o = _orders()
    best = o.groupby(o["ts"].dt.weekday + 1)["amount"].sum().idxmax()
    assert [r["weekday"] for r in data["rows"]] == [best]
    assert data["rows"][0]["weekday_name_zh"].startswith("周")


def test_customers_filter_and_amount_filter(fakes: Any) -> None:
    data = _ok(
        metric_query.invoke({"measures": ["orders", "revenue"], "customers": ["1", "客户100"], "min_amount": 30})
    )
    o = _orders()
    mine = o[o["customer"].isin(["00001", "00100"]) & (o["amount"] >= 30)]
    assert data["filters"]["customers"] == ["00001", "00100"]
    assert data["total"]["orders"] == len(mine) and data["total"]["revenue"] == pytest.approx(mine["amount"].sum())


def test_simple_json_is_the_cli_and_http_shape(fakes: Any) -> None:
    out = simple_json(
        metric_query.invoke({"measures": ["revenue"], "grain": "quarter", "since": "1998", "until": "1998"})
    )
    assert list(out)[:4] == ["measure", "period", "rows", "total"]
    assert out["measure"] == "revenue" and out["period"] == {"since": "1998-01-01", "until": "1998-12-31"}
    assert [set(r) for r in out["rows"]] == [{"period", "value"}] * 4
    assert out["total"] == pytest.approx(sum(r["value"] for r in out["rows"]))


def test_cohort_retention(fakes: Any) -> None:
    data = _ok(cohort_retention.invoke({"since": "1997-01", "until": "1997-12", "periods": 6}))
    o = _orders()
    first = o.groupby("customer")["ts"].min().dt.strftime("%Y-%m")
    jan = data["rows"][0]
    assert jan["cohort"] == "1997-01" and jan["size"] == int((first == "1997-01").sum())
    members = set(first[first == "1997-01"].index)
    june = o[o["customer"].isin(members) & (o["ts"].dt.strftime("%Y-%m") == "1997-06")]["customer"].nunique()
    assert jan["retention"][0] == 1.0 and jan["retention"][5] == pytest.approx(june / jan["size"], abs=1e-4)
    late = _ok(cohort_retention.invoke({"since": "1998-02", "until": "1998-02", "periods": 6}))
    assert late["rows"][0]["retention"][5] is None  # after the data's end: unknown, not zero


def test_cohort_retention_window(fakes: Any) -> None:
    # "of the customers acquired in each 1997 month, what share still bought in 1998": a window of any length
    window = {"active_since": "1998", "active_until": "1998"}
    data = _ok(cohort_retention.invoke({"since": "1997-01", "until": "1997-12", **window}))
    o = _orders()
    first = o.groupby("customer")["ts"].min().dt.strftime("%Y-%m")
    later = set(o[o["ts"] >= pd.Timestamp("1998-01-01")]["customer"])
    assert data["rows"]
    for row in data["rows"]:
        members = set(first[first == row["cohort"]].index)
        assert row["window_active"] == len(members & later)
        assert row["window_share"] == pytest.approx(len(members & later) / len(members))
    assert data["window"]["since"] == "1998-01-01" and str(data["window"]["until"]) <= "1998-12-31"
    out = cohort_retention.invoke({"since": "1997-01", "active_since": "2005-01-01", "active_until": "2005-12-31"})
    assert isinstance(out, str) and "outside the data" in out, out


def test_feedback_followup(fakes: Any) -> None:
    out = feedback_followup.invoke({})
    data = _ok(out)
    o = _orders()
    negatives = {
        ext: min(d for d, _, lab in fb if lab == "negative")
        for ext, _, _, fb in CUSTOMERS
        if any(lab == "negative" for _, _, lab in fb)
    }
    followed = [c for c, d in negatives.items() if (o[o["customer"] == c]["ts"] > pd.Timestamp(d)).any()]
    assert data["total"]["repurchase_after_negative"] == pytest.approx(len(followed) / len(negatives))
    assert out["evidence"]["tool"] == "feedback_followup"


def test_charts_line_for_trends_bar_for_breakdowns(seg_fakes: Any, tmp_path: Path) -> None:
    for args in (
        {"measures": ["revenue"], "grain": "month"},
        {"measures": ["revenue"], "group_by": "segment"},
        {"measures": ["revenue"], "since": "1998-04", "until": "1998-06", "compare": "previous"},
        {"measures": ["buyers"], "group_by": "segment", "compare": "year", "since": "1998", "until": "1998"},
    ):
        path = chart_for("metric_query", metric_query.invoke(args), tmp_path)
        assert path is not None and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", args
    assert chart_for("metric_query", metric_query.invoke({"measures": ["revenue"]}), tmp_path) is None  # one number
    path = chart_for("cohort_retention", cohort_retention.invoke({"periods": 3}), tmp_path)
    assert path is not None and path.exists()


def test_catalogue_names_and_synonyms_are_read_exactly(fakes: Any) -> None:
    data = _ok(metric_query.invoke({"measures": ["GMV", "客单价", "Repeat-Purchase Rate"]}))
    assert data["measures"] == ["revenue", "aov", "repeat_rate"]
    assert "measure 'GMV' read as revenue" in data["notes"]
    out = metric_query.invoke({"measures": ["revenue growth"]})
    assert isinstance(out, str) and "unknown measure(s) 'revenue growth'" in out


def test_label_measures_need_scored_feedback(fakes: Any) -> None:
    from sqlalchemy import update

    from crm_insights.store.models import Feedback

    with fakes.store.engine.begin() as conn:
        conn.execute(update(Feedback).values(sentiment_label=None))
    for tool, args in ((metric_query, {"measures": ["negative_share"]}), (feedback_followup, {})):
        out = tool.invoke(args)
        assert isinstance(out, str) and "crm-insights sentiment score" in out
    n_feedback = sum(len(fb) for _, _, _, fb in CUSTOMERS)
    assert _ok(metric_query.invoke({"measures": ["feedback_count"]}))["total"]["feedback_count"] == n_feedback


# -- top customers, shares of the whole, zero amounts ---------------------------------------------


def test_top_customers_by_revenue_in_a_year(fakes: Any, tmp_path: Path) -> None:
    out = metric_query.invoke(
        {"measures": ["revenue", "orders", "aov"], "group_by": "customer", "since": "1998", "until": "1998", "limit": 2}
    )
    data = _ok(out)
    o = _orders()
    year = o[o["ts"].dt.year == 1998]
    per = year.groupby("customer")["amount"].sum().sort_values(ascending=False)
    assert [r["customer"] for r in data["rows"]] == list(per.index[:2])  # external ids, best first
    for row in data["rows"]:
        mine = year[year["customer"] == row["customer"]]
        assert row["revenue"] == pytest.approx(mine["amount"].sum())
        assert row["orders"] == len(mine) and row["aov"] == pytest.approx(mine["amount"].mean())
    assert data["total"]["revenue"] == pytest.approx(year["amount"].sum())  # every customer, not the top 2
    assert any("first 2 of" in n for n in data["notes"])
    path = chart_for("metric_query", out, tmp_path)
    assert path is not None and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_customer_ranking_is_bounded_and_compares_the_same_customers(fakes: Any) -> None:
    data = _ok(metric_query.invoke({"measures": ["orders"], "group_by": "customer", "sort": "asc"}))
    o = _orders()
    assert len(data["rows"]) == min(10, o["customer"].nunique())
    counts = [r["orders"] for r in data["rows"]]
    assert counts == sorted(counts)
    out = metric_query.invoke({"measures": ["revenue"], "group_by": "customer", "limit": 101})
    assert isinstance(out, str) and "returns 1 to 100" in out
    out = metric_query.invoke({"measures": ["revenue"], "group_by": "customer", "grain": "month"})
    assert isinstance(out, str) and "drop grain" in out
    data = _ok(
        metric_query.invoke(
            {"measures": ["revenue"], "group_by": "customer", "since": "1998", "until": "1998", "compare": "year"}
        )
    )
    before = o[o["ts"].dt.year == 1997].groupby("customer")["amount"].sum()
    for row in data["rows"]:
        expected = before.get(row["customer"])
        got = row["compare"]["revenue"]
        assert (got is None) if expected is None else got == pytest.approx(expected), row


def test_amount_filter_states_the_share_of_all_orders(fakes: Any) -> None:
    data = _ok(metric_query.invoke({"measures": ["orders", "revenue", "aov"], "min_amount": 30}))
    o = _orders()
    over = o[o["amount"] >= 30]
    assert data["total"]["orders"] == len(over)
    assert data["total_unfiltered"]["orders"] == len(o)
    assert data["total_unfiltered"]["revenue"] == pytest.approx(o["amount"].sum())
    assert data["share_of_all"]["orders"] == pytest.approx(len(over) / len(o), abs=1e-4)
    assert data["share_of_all"]["revenue"] == pytest.approx(over["amount"].sum() / o["amount"].sum(), abs=1e-4)
    assert "aov" not in data["share_of_all"]
    assert any("share_of_all" in n for n in data["notes"])
    plain = _ok(metric_query.invoke({"measures": ["orders"]}))
    assert plain["share_of_all"] is None and plain["total_unfiltered"] is None
    simple = simple_json(metric_query.invoke({"measures": ["orders"], "min_amount": 30}))
    assert simple["total"] == len(over) and simple["total_unfiltered"] == len(o)
    assert simple["share_of_all"] == pytest.approx(len(over) / len(o), abs=1e-4)
    assert "share_of_all" not in simple_json(metric_query.invoke({"measures": ["orders"]}))


def test_weekend_share_of_orders(fakes: Any) -> None:
    data = _ok(metric_query.invoke({"measures": ["orders_share", "orders"], "group_by": "weekday"}))
    o = _orders()
    weekend = ((o["ts"].dt.weekday + 1) >= 6).sum() / len(o)
    got = sum(r["orders_share"] for r in data["rows"] if r["weekday"] in (6, 7))
    assert got == pytest.approx(weekend, abs=1e-3)
    assert sum(r["orders_share"] for r in data["rows"]) == pytest.approx(1.0, abs=1e-3)


def test_zero_amount_orders_are_counted(fakes: Any) -> None:
    from crm_insights.store.models import Order

    zeros = [("1997-03-02", "00003"), ("1998-02-02", "00005")]
    with fakes.store.engine.begin() as conn:
        for i, (day, ext) in enumerate(zeros):
            conn.execute(
                insert(Order).values(
                    external_id=f"zero-{i}",
                    customer_id=fakes.store.customer_pk[ext],
                    ordered_at=datetime.fromisoformat(day),
                    quantity=1,
                    amount=0.0,
                )
            )
    data = _ok(metric_query.invoke({"measures": ["orders"], "min_amount": 0, "max_amount": 0}))
    assert data["total"]["orders"] == len(zeros)
    assert data["filters"] == {"min_amount": 0.0, "max_amount": 0.0}
    all_orders = len(_orders()) + len(zeros)
    assert data["share_of_all"]["orders"] == pytest.approx(len(zeros) / all_orders, abs=1e-4)
    only_max = _ok(metric_query.invoke({"measures": ["orders"], "max_amount": 0, "since": "1998", "until": "1998"}))
    assert only_max["total"]["orders"] == 1


# -- per-day measures, new/returning shares, subtotals, ranked totals, ratios, zh notes -------------


def _window(o: pd.DataFrame, since: str, until: str) -> pd.DataFrame:
    lo, hi = pd.Timestamp(since), pd.Timestamp(until) + pd.Timedelta(days=1)
    return o[(o["ts"] >= lo) & (o["ts"] < hi)]


def test_per_day_and_customer_share_measures(fakes: Any) -> None:
    data = _ok(
        metric_query.invoke(
            {
                "measures": ["revenue_per_day", "orders_per_day", "new_customer_share", "returning_customer_share"],
                "grain": "quarter",
                "since": "1997",
                "until": "1997",
            }
        )
    )
    o = _orders()
    first = o.groupby("customer")["ts"].min()
    # Per-day figures count the days the data covers: it starts on 1997-01-03, not on 1 January.
    data_start = o["ts"].min().normalize()
    for row in data["rows"]:
        q = pd.Period(row["period"].replace("-", ""), freq="Q")
        mine = _window(o, str(q.start_time.date()), str(q.end_time.date()))
        days = (q.end_time.normalize() - max(q.start_time, data_start)).days + 1
        assert row["revenue_per_day"] == pytest.approx(mine["amount"].sum() / days, abs=1e-4)
        assert row["orders_per_day"] == pytest.approx(len(mine) / days, abs=1e-4)
        buyers = mine["customer"].unique()
        new = [c for c in buyers if pd.Period(first[c], freq="Q") == q]
        expected = len(new) / len(buyers) if len(buyers) else None
        assert row["new_customer_share"] == (pytest.approx(expected, abs=1e-4) if expected is not None else None)
        if expected is not None:
            assert row["returning_customer_share"] == pytest.approx(1 - expected, abs=1e-4)
    year = _window(o, "1997-01-01", "1997-12-31")
    covered = (pd.Timestamp("1997-12-31") - data_start).days + 1
    assert covered == 363
    assert data["total"]["revenue_per_day"] == pytest.approx(year["amount"].sum() / covered, abs=1e-4)
    assert any("per-day measures count the 363 days from 1997-01-03 to 1997-12-31" in n for n in data["notes"])
    assert any("日均指标只计数据覆盖的 1997-01-03 至 1997-12-31 共 363 天" in n for n in data["notes_zh"])
    # A period reaching past the data's end: months without data have no per-day figure, not zero.
    late = _ok(
        metric_query.invoke({"measures": ["revenue_per_day"], "grain": "month", "since": "1998", "until": "1998"})
    )
    by_month = {r["period"]: r["revenue_per_day"] for r in late["rows"]}
    assert by_month["1998-07"] is None and by_month["1998-12"] is None
    june = _window(o, "1998-06-01", "1998-06-30")["amount"].sum()
    assert by_month["1998-06"] == pytest.approx(june / 20, abs=1e-4)  # the data ends on 1998-06-20
    assert data["names"]["revenue_per_day"] == {"zh": "日均销售额", "en": "revenue per day"}
    assert _ok(metric_query.invoke({"measures": ["日均销售额", "老客占比"]}))["measures"] == [
        "revenue_per_day",
        "returning_customer_share",
    ]


def test_weekday_breakdown_carries_weekend_and_workday_subtotals(fakes: Any) -> None:
    args = {"measures": ["orders", "orders_share", "revenue_per_day", "buyers"], "group_by": "weekday"}
    out = metric_query.invoke(args)
    data = _ok(out)
    o = _orders()
    days = pd.Series(pd.date_range(o["ts"].min().normalize(), o["ts"].max().normalize(), freq="D"))
    for part, wds in (("weekend", (6, 7)), ("workdays", (1, 2, 3, 4, 5))):
        mine = o[(o["ts"].dt.weekday + 1).isin(wds)]
        sub = data["subtotals"][part]
        assert sub["orders"] == len(mine)
        assert sub["orders_share"] == pytest.approx(len(mine) / len(o), abs=1e-4)
        n_days = int((days.dt.weekday + 1).isin(wds).sum())
        assert sub["revenue_per_day"] == pytest.approx(mine["amount"].sum() / n_days, abs=1e-4)
        assert "buyers" not in sub
    for row in data["rows"]:  # a weekday row's per-day figure divides by the days of that weekday
        mine = o[o["ts"].dt.weekday + 1 == row["weekday"]]
        n_days = int((days.dt.weekday + 1 == row["weekday"]).sum())
        assert row["revenue_per_day"] == pytest.approx(mine["amount"].sum() / n_days, abs=1e-4)
    simple = simple_json(out)
    assert simple["subtotals"] == {
        "weekend": data["subtotals"]["weekend"]["orders"],
        "workdays": len(o) - simple["subtotals"]["weekend"],
    }
    assert _ok(metric_query.invoke({"measures": ["orders"], "grain": "month"}))["subtotals"] is None


def test_customer_ranking_states_the_listed_customers_share_of_all(fakes: Any) -> None:
    out = metric_query.invoke(
        {"measures": ["revenue", "orders", "aov"], "group_by": "customer", "since": "1998", "until": "1998", "limit": 2}
    )
    data = _ok(out)
    year = _window(_orders(), "1998-01-01", "1998-12-31")
    top = year.groupby("customer")["amount"].sum().sort_values(ascending=False).head(2)
    listed = year[year["customer"].isin(top.index)]
    assert data["ranked_total"]["revenue"] == pytest.approx(top.sum())
    assert data["ranked_total"]["orders"] == len(listed)
    assert data["ranked_share"]["revenue"] == pytest.approx(top.sum() / year["amount"].sum(), abs=1e-4)
    assert data["ranked_share"]["orders"] == pytest.approx(len(listed) / len(year), abs=1e-4)
    assert "aov" not in data["ranked_total"]
    simple = simple_json(out)
    assert simple["ranked_total"] == pytest.approx(top.sum())
    assert simple["ranked_share"] == pytest.approx(top.sum() / year["amount"].sum(), abs=1e-4)
    plain = _ok(metric_query.invoke({"measures": ["revenue"]}))
    assert plain["ranked_total"] is None and plain["ranked_share"] is None


def test_comparison_carries_the_ratio_of_the_two_periods(fakes: Any) -> None:
    o = _orders()
    first, last = str(o["ts"].min().date()), str(o["ts"].max().date())
    data = _ok(
        metric_query.invoke(
            {
                "measures": ["revenue", "orders", "aov"],
                "since": "1998",
                "until": "1998",
                "compare_since": first,
                "compare_until": last,
            }
        )
    )
    part, whole = _window(o, "1998-01-01", "1998-12-31"), o
    ratio = data["compare"]["ratio"]
    assert ratio["revenue"] == pytest.approx(part["amount"].sum() / whole["amount"].sum(), abs=1e-4)
    assert ratio["orders"] == pytest.approx(len(part) / len(whole), abs=1e-4)
    assert ratio["aov"] == pytest.approx(part["amount"].mean() / whole["amount"].mean(), abs=1e-4)
    prev = _ok(metric_query.invoke({"measures": ["orders"], "since": "1998-01", "until": "1998-01", "compare": "year"}))
    now, before = len(_window(o, "1998-01-01", "1998-01-31")), len(_window(o, "1997-01-01", "1997-01-31"))
    assert prev["compare"]["ratio"]["orders"] == pytest.approx(now / before, abs=1e-4)
    empty = _ok(
        metric_query.invoke(
            {
                "measures": ["orders"],
                "since": "1998-01",
                "until": "1998-01",
                "compare_since": "1997-12",
                "compare_until": "1997-12",
            }
        )
    )
    assert empty["compare"]["total"]["orders"] == 0 and empty["compare"]["ratio"]["orders"] is None  # no ratio over 0


def test_notes_come_in_chinese_too(fakes: Any) -> None:
    data = _ok(metric_query.invoke({"measures": ["GMV"], "since": "1998", "until": "1998", "min_amount": 30}))
    assert len(data["notes_zh"]) >= 3
    assert data["notes_zh"][0].startswith("销售额：")
    assert any("数据（订单）从 1997-01-03 到 1998-06-20" in n for n in data["notes_zh"])
    assert any("指标“GMV”按销售额（revenue）计算" in n for n in data["notes_zh"])
    cohort = _ok(cohort_retention.invoke({"periods": 3}))
    assert cohort["notes_zh"][0].startswith("首购月份")


@pytest.mark.parametrize(("low", "high"), [(50.0, None), (None, 40.0), (20.0, 80.0)])
def test_customers_by_their_spend_in_the_period(fakes: Any, low: float | None, high: float | None) -> None:
    args: dict[str, Any] = {"measures": ["buyers", "revenue", "orders"], "since": "1997", "until": "1997"}
    if low is not None:
        args["min_customer_spend"] = low
    if high is not None:
        args["max_customer_spend"] = high
    data = _ok(metric_query.invoke(args))
    df = _orders()
    year = df[(df.ts >= datetime(1997, 1, 1)) & (df.ts < datetime(1998, 1, 1))]
    spend = year.groupby("customer").amount.sum()
    keep = spend[(spend >= (low if low is not None else -1e18)) & (spend <= (high if high is not None else 1e18))]
    lines = year[year.customer.isin(keep.index)]
    assert data["total"]["buyers"] == len(keep)
    assert data["total"]["revenue"] == pytest.approx(round(float(lines.amount.sum()), 2))
    assert data["total"]["orders"] == len(lines)
    # the same measures over every customer of the period, and the spenders' share of them
    assert data["total_unfiltered"]["buyers"] == year.customer.nunique()
    assert data["share_of_all"]["revenue"] == pytest.approx(lines.amount.sum() / year.amount.sum(), abs=1e-4)
    assert data["filters"].get("min_customer_spend") == low


@pytest.mark.parametrize(
    ("having", "op", "bound"),
    [(">1", ">", 1.0), (">=2", ">=", 2.0), ("<2", "<", 2.0), ("<= 30", "<=", 30.0), ("=0", "=", 0.0)],
)
def test_having_keeps_the_rows_whose_measure_passes(fakes: Any, having: str, op: str, bound: float) -> None:
    data = _ok(metric_query.invoke({"measures": ["orders", "revenue"], "grain": "month", "having": having}))
    df = _orders()
    monthly = df.groupby(df.ts.dt.to_period("M")).agg(orders=("amount", "size"), revenue=("amount", "sum"))
    # every month of the data range, empty ones included (as the trend lists them)
    months = pd.period_range(monthly.index.min(), monthly.index.max(), freq="M")
    monthly = monthly.reindex(months, fill_value=0)
    orders = monthly.orders
    passes = {
        ">": orders > bound,
        ">=": orders >= bound,
        "<": orders < bound,
        "<=": orders <= bound,
        "=": orders == bound,
    }
    expected = [str(p) for p in months[passes[op].to_numpy()]]
    assert [r["period"] for r in data["rows"]] == expected
    assert data["having"] == {"measure": "orders", "op": op, "value": bound, "kept": len(expected), "of": len(months)}
    # the total stays the whole period's, and the rows keep their other measures
    assert data["total"]["orders"] == len(df)
    for row in data["rows"]:
        assert (row["revenue"] or 0) == pytest.approx(round(float(monthly.revenue[pd.Period(row["period"])]), 2))
    assert simple_json({"data": data, "evidence": {}})["having"]["kept"] == len(expected)


def test_having_on_a_share_reads_percent_and_needs_rows(fakes: Any) -> None:
    by_pct = _ok(metric_query.invoke({"measures": ["orders_share"], "group_by": "weekday", "having": ">20%"}))
    by_num = _ok(metric_query.invoke({"measures": ["orders_share"], "group_by": "weekday", "having": ">20"}))
    assert by_pct["having"]["value"] == by_num["having"]["value"] == pytest.approx(0.2)
    assert by_pct["rows"] == by_num["rows"]
    assert all(r["orders_share"] > 0.2 for r in by_pct["rows"])
    out = metric_query.invoke({"measures": ["orders"], "having": ">10"})
    assert isinstance(out, str) and "give grain or group_by" in out
    out = metric_query.invoke({"measures": ["orders"], "grain": "month", "having": "more than ten"})
    assert isinstance(out, str) and "'>100', '>=100000'" in out


@pytest.mark.parametrize(("since", "until"), [("1997-01", "1998-06"), ("1998-06", "1998-06")])
def test_customer_type_rows_always_show_both_types(fakes: Any, since: str, until: str) -> None:
    data = _ok(
        metric_query.invoke(
            {"measures": ["revenue", "buyers"], "group_by": "customer_type", "since": since, "until": until}
        )
    )
    assert [r["customer_type"] for r in data["rows"]] == ["new", "returning"]
    df = _orders()
    first = df.groupby("customer").ts.min()
    start = pd.Timestamp(data["period"]["since"])
    window = _window(df, data["period"]["since"], data["period"]["until"])
    is_new = window.customer.map(first) >= start
    new, returning = data["rows"]
    # a period with no new customers has a new row of zeros, not a missing row
    assert (new["revenue"] or 0) == pytest.approx(round(float(window[is_new].amount.sum()), 2))
    assert (new["buyers"] or 0) == window[is_new].customer.nunique()
    assert returning["buyers"] == window[~is_new].customer.nunique()


def test_change_by_row_reads_each_row_against_the_one_before(fakes: Any) -> None:
    data = _ok(
        metric_query.invoke(
            {
                "measures": ["revenue", "orders"],
                "grain": "month",
                "since": "1997-02",
                "until": "1998-06",
                "change_by_row": True,
            }
        )
    )
    df = _orders()
    monthly = df.groupby(df.ts.dt.to_period("M")).amount.sum()
    months = pd.period_range("1997-01", "1998-06", freq="M")
    monthly = monthly.reindex(months, fill_value=0.0)
    changes = {}
    for row in data["rows"]:
        p = pd.Period(row["period"])
        before = float(monthly[p - 1])
        assert (row["prev"]["revenue"] or 0) == pytest.approx(
            round(before, 2)
        )  # the first row: January, before the range
        expected = None if not before else round(float(monthly[p]) / before - 1, 4)
        assert row["change_pct"]["revenue"] == (pytest.approx(expected, abs=1e-4) if expected is not None else None)
        if expected is not None:
            changes[row["period"]] = expected
    rc = data["row_change"]
    assert rc["measure"] == "revenue"
    assert rc["max"]["change_pct"] == pytest.approx(max(changes.values()), abs=1e-4)
    assert rc["min"]["change_pct"] == pytest.approx(min(changes.values()), abs=1e-4)
    assert changes[rc["min"]["period"]] == pytest.approx(min(changes.values()), abs=1e-4)
    out = metric_query.invoke({"measures": ["revenue"], "change_by_row": True})
    assert isinstance(out, str) and "give grain" in out


@pytest.mark.parametrize("strict", [False, True])
def test_amount_strict_excludes_the_bounds(fakes: Any, strict: bool) -> None:
    df = _orders()
    lo, hi = float(df.amount.min()), float(df.amount.max())  # both bounds are amounts that occur
    args = {"measures": ["orders", "revenue"], "min_amount": lo, "max_amount": hi, "amount_strict": strict}
    data = _ok(metric_query.invoke(args))
    keep = (df.amount > lo) & (df.amount < hi) if strict else (df.amount >= lo) & (df.amount <= hi)
    assert data["total"]["orders"] == int(keep.sum())
    assert data["total"]["revenue"] == pytest.approx(round(float(df[keep].amount.sum()), 2))
    assert any(("<" in n and "amount" in n) for n in data["notes"])


@pytest.mark.parametrize("grain", ["day", "week", "month", "quarter", "year"])
def test_the_routers_row_bounds_read_every_trend_label(fakes: Any, grain: str) -> None:
    # the router reads a ranking's top row back into a period ("那个月环比呢"); it may not import the metrics layer,
    # so its reading of the labels is pinned here against what the tool returns
    from crm_insights.agent.router.metrics import _row_bounds, _row_label

    rows = _ok(metric_query.invoke({"measures": ["revenue"], "grain": grain}))["rows"]
    assert rows
    for row in rows:
        bounds = _row_bounds(row["period"], grain)
        assert bounds is not None and bounds[0] <= bounds[1]
        assert _row_label(bounds[0], grain) == _row_label(bounds[1], grain) == row["period"]


def test_listed_customers_each_get_a_row_even_with_nothing_in_the_period(fakes: Any) -> None:
    # "他们今年各花了多少" after five customers: one who bought nothing in the period is a row of zeros
    o = _orders()
    bought = set(o[(o["ts"] >= "1998-01-01") & (o["ts"] < "1999-01-01")]["customer"])
    idle = next(c for c in sorted(set(o["customer"])) if c not in bought)
    busy = sorted(bought)[0]
    data = _ok(
        metric_query.invoke(
            {"measures": ["revenue", "aov"], "group_by": "customer", "since": "1998", "until": "1998",
             "customers": [busy, idle]}
        )
    )  # fmt: skip
    rows = {r["customer"]: r for r in data["rows"]}
    assert set(rows) == {busy, idle}
    assert rows[idle]["revenue"] == 0 and rows[idle]["aov"] is None
    y = o[(o["ts"] >= "1998-01-01") & (o["ts"] < "1999-01-01")]
    assert rows[busy]["revenue"] == pytest.approx(float(y[y["customer"] == busy]["amount"].sum()))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_group_still_buying_is_shared_over_the_group_only(fakes: Any, lang: str) -> None:
    # "只看去年买过2次及以上的客户，他们今年还有多少人在买？占多大比例？": the share is of that group; the period's
    # buyers without the condition are another scope and are not shown beside it
    from crm_insights.agent.router import OfflineRouter
    from crm_insights.agent.router.answers import render_answer

    args = {"measures": ["buyers"], "since": "1998", "until": "1998", "min_purchases": 2,
            "filter_since": "1997", "filter_until": "1997"}  # fmt: skip
    data = _ok(metric_query.invoke(args))
    assert data.get("group") and data.get("total_unfiltered")
    slots = {"metric": {"tool": "metric_query", "args": args, "share_of_all": True}}
    text = render_answer(OfflineRouter().knowledge, "metric_query", lang, {"metric_query": data}, slots, "q")
    assert f"{data['group']['share'] * 100:.2f}%" in text
    unfiltered = f"{data['total_unfiltered']['buyers']:,}"
    assert unfiltered not in text.replace(f"**{data['group']['customers']:,}**", "")
