from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from crm_insights.tools import customer_profile

from .conftest import CUSTOMERS


@pytest.mark.parametrize("ref", ["100", "00100", "客户100", "customer 100", "C100", 100])
def test_profile_accepts_every_spelling(fakes: Any, ref: Any) -> None:
    out = customer_profile.invoke({"customer": ref})
    assert out["data"]["customer_id"] == "00100"
    assert out["evidence"]["args"] == {"customer": str(ref), "resolved_customer_id": "00100"}


def test_profile_history_segment_forecast_feedback(fakes: Any) -> None:
    out = customer_profile.invoke({"customer": "1"})
    data, ev = out["data"], out["evidence"]
    assert data["customer_id"] == "00001" and data["name"] == "Alice"
    assert data["orders"] == 4
    assert data["purchase_days"] == 3  # two lines on 1997-01-03
    assert data["units"] == 7
    assert data["spend"] == 135.5
    assert data["average_order_value"] == round(135.5 / 4, 2)
    assert data["first_purchase"] == "1997-01-03"
    assert data["last_purchase"] == "1998-05-20"
    assert data["as_of"] == "1998-06-20"  # the store's last order
    assert data["days_since_last_purchase"] == 31
    assert data["segment"] == {"segment": 0, "name_en": "High value", "name_zh": "高价值客户"}
    assert data["forecast"] == {
        "customer_id": "00001",
        "horizon_weeks": 13,
        "expected_purchases": 1.8,
        "p_active": 0.9,
        "churn_risk": 0.1,
    }
    assert data["feedback_count"] == 4
    recent = data["recent_feedback"]
    assert [r["created_at"] for r in recent] == ["1998-06-15", "1998-06-01", "1997-07-01"]
    assert recent[0]["quote"] == "非常满意，会再买" and recent[0]["sentiment"] == "positive"
    assert "notes" not in data
    assert ev["tool"] == "customer_profile"
    assert ev["rows_considered"] == 8
    assert ev["model_versions"] == {"segments": "segments-test", "forecast": "forecast-test"}


@pytest.mark.parametrize("ext", [c[0] for c in CUSTOMERS])
def test_profile_last_purchase_day_and_mean_gap_match_pandas(fakes: Any, ext: str) -> None:
    # "客户3上回买了多少钱", "他一般多久买一次": the last purchase day's lines, the mean gap between purchase days
    lines = pd.DataFrame(next(c[2] for c in CUSTOMERS if c[0] == ext), columns=["day", "quantity", "amount"])
    lines["day"] = pd.to_datetime(lines["day"])
    last = lines[lines["day"] == lines["day"].max()]
    days = lines["day"].drop_duplicates().sort_values()
    gaps = days.diff().dt.days.dropna()
    data = customer_profile.invoke({"customer": ext})["data"]
    assert data["last_purchase_orders"] == len(last)
    assert data["last_purchase_units"] == last["quantity"].sum()
    assert data["last_purchase_spend"] == pytest.approx(last["amount"].sum())
    if gaps.empty:
        assert data["days_between_purchases"] is None
    else:
        assert data["days_between_purchases"] == pytest.approx(round(gaps.mean(), 1))


def test_profile_without_models_says_what_to_train(bare: Any) -> None:
    data = customer_profile.invoke({"customer": "00002"})["data"]
    assert data["segment"] is None and data["forecast"] is None
    assert any("crm-insights train segments" in n for n in data["notes"])
    assert any("crm-insights train forecast" in n for n in data["notes"])
    assert data["recent_feedback"][0]["quote"] == "物流太慢了，差评"


def test_profile_unknown_customer_is_a_tool_error(fakes: Any) -> None:
    msg = customer_profile.invoke(
        {"type": "tool_call", "id": "call-1", "name": "customer_profile", "args": {"customer": "客户999"}}
    )
    assert msg.status == "error"
    assert "no customer matches '客户999'" in msg.content


def _spend() -> pd.Series:
    rows = [(ext, a) for ext, _, orders, _ in CUSTOMERS for _, _, a in orders]
    return pd.DataFrame(rows, columns=["customer", "amount"]).groupby("customer")["amount"].sum()


@pytest.mark.parametrize("ref", ["1", "2", "3"])
def test_the_spend_rank_counts_the_customers_who_spent_more(fakes: Any, ref: str) -> None:
    # "他的总消费在所有客户里排第几": 1 + the customers with a higher all-time spend, of all with orders
    spend = _spend()
    me = spend[f"{int(ref):05d}"]
    rank = customer_profile.invoke({"customer": ref, "spend_rank": True})["data"]["spend_rank"]
    assert rank["rank"] == int((spend > me + 1e-9).sum()) + 1 and rank["of"] == len(spend)
    assert "spend_rank" not in customer_profile.invoke({"customer": ref})["data"]  # computed only when asked


def test_a_period_adds_the_customers_orders_and_spend_in_it(fakes: Any) -> None:
    rows = [(ext, d, a) for ext, _, orders, _ in CUSTOMERS for d, _, a in orders if ext == "00001"]
    in_98 = [a for _, d, a in rows if d[:4] == "1998"]
    data = customer_profile.invoke({"customer": "1", "since": "1998-01-01", "until": "1998-12-31"})["data"]
    assert data["period"]["orders"] == len(in_98) and data["period"]["spend"] == pytest.approx(sum(in_98))
    reversed_period = customer_profile.invoke({"customer": "1", "since": "1998-02-01", "until": "1998-01-01"})
    assert reversed_period == "since (1998-02-01) is after until (1998-01-01)"  # a tool error the caller can fix
