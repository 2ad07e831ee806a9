from __future__ import annotations

from typing import Any

from crm_insights.tools import crm_overview


def test_overview_counts_revenue_ranges_and_top_customers(fakes: Any) -> None:
    out = crm_overview.invoke({"top_n": 2})
    data, ev = out["data"], out["evidence"]
    assert data["customers"] == 6
    assert data["customers_with_orders"] == 6
    assert data["orders"] == 15
    assert data["units"] == 24
    assert data["revenue"] == 532.49
    assert data["average_order_value"] == round(532.49 / 15, 2)
    assert data["orders_period"] == {"first": "1997-01-03", "last": "1998-06-20"}
    assert data["feedback"] == 7
    assert data["feedback_with_sentiment"] == 6
    assert data["feedback_period"] == {"first": "1997-01-10", "last": "1998-06-15"}
    top = data["top_customers"]
    assert [t["customer_id"] for t in top] == ["00100", "00003"]
    assert top[0] == {
        "customer_id": "00100",
        "name": "Bob",
        "spend": 165.0,
        "orders": 3,
        "share_of_revenue": round(165.0 / 532.49, 4),
    }
    # the listed customers together ("前二十加起来一共消费了多少"), from the listed rows
    assert data["top_customers_total"] == {
        "customers": 2,
        "spend": round(top[0]["spend"] + top[1]["spend"], 2),
        "orders": top[0]["orders"] + top[1]["orders"],
        "share_of_revenue": round((top[0]["spend"] + top[1]["spend"]) / 532.49, 4),
    }
    assert "top_customers_total" not in crm_overview.invoke({"top_n": 1})["data"]  # one customer is no group
    assert ev == {"tool": "crm_overview", "args": {"top_n": 2}, "rows_considered": 6 + 15 + 7}


def test_overview_default_and_bounds(fakes: Any) -> None:
    assert len(crm_overview.invoke({})["data"]["top_customers"]) == 5
    msg = crm_overview.invoke({"top_n": 500})
    assert isinstance(msg, str) and "top_n" in msg and "less than or equal to 50" in msg


def test_overview_on_a_store_without_tables(tmp_path: Any) -> None:
    from crm_insights.config import load_settings
    from crm_insights.store import make_engine
    from crm_insights.tools.context import ToolContext, reset_context, set_context

    settings = load_settings()
    set_context(ToolContext(settings, engine=make_engine(f"sqlite:///{tmp_path / 'empty.sqlite3'}")))
    try:
        msg = crm_overview.invoke({})
        assert "crm-insights demo" in msg
    finally:
        reset_context()
