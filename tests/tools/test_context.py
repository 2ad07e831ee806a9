"""The tools' context: process-wide instance, store fingerprint, and the tools on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, update

from crm_insights.config import load_settings
from crm_insights.store import Customer, Feedback, Order
from crm_insights.tools import TOOLS_BY_NAME, get_context, reset_context


def test_get_context_is_process_wide_and_resettable() -> None:
    reset_context()
    a = get_context()
    assert get_context() is a
    reset_context()
    assert get_context() is not a
    reset_context()


def test_tools_and_fingerprint_on_both_backends(store_url: str, make_store: Any, make_fakes: Any) -> None:
    store = make_store(load_settings(database={"url": store_url}))
    f = make_fakes(store)
    tools = TOOLS_BY_NAME
    assert tools["crm_overview"].invoke({"top_n": 1})["data"]["revenue"] == 532.49
    profile = tools["customer_profile"].invoke({"customer": "客户100"})["data"]
    assert profile["customer_id"] == "00100" and profile["purchase_days"] == 3
    risky = tools["at_risk_customers"].invoke({})["data"]
    assert [c["customer_id"] for c in risky["customers"]] == ["00100", "00002", "00005"]
    trend = tools["sentiment_summary"].invoke({"freq": "year"})["data"]["trend"]
    assert [t["period"] for t in trend] == ["1997", "1998"]

    before = f.ctx.store_fingerprint()
    assert f.ctx.store_fingerprint() == before
    with store.engine.begin() as conn:
        pk = conn.execute(insert(Customer).values(external_id="00777").returning(Customer.id)).scalar_one()
        conn.execute(
            insert(Order).values(
                external_id="o-new", customer_id=pk, ordered_at=datetime(1998, 6, 25), quantity=1, amount=500.0
            )
        )
    assert f.ctx.store_fingerprint() != before
    # cached aggregates follow the new data
    top = tools["crm_overview"].invoke({"top_n": 1})["data"]["top_customers"][0]
    assert top["customer_id"] == "00777" and top["spend"] == 500.0
    assert tools["forecast_customer"].invoke({"customer": "777"})["data"]["history"]["spend"] == 500.0
    if not store_url.startswith("sqlite"):
        # scoring feedback changes no row count but must change the fingerprint
        mid = f.ctx.store_fingerprint()
        with store.engine.begin() as conn:
            conn.execute(update(Feedback).where(Feedback.sentiment_label.is_(None)).values(sentiment_label="neutral"))
        assert f.ctx.store_fingerprint() != mid
    store.engine.dispose()


def test_parallel_calls_build_the_predictions_once(fakes: Any) -> None:
    from concurrent.futures import ThreadPoolExecutor

    tool = TOOLS_BY_NAME["forecast_customer"]
    with ThreadPoolExecutor(4) as pool:
        outs = list(pool.map(lambda c: tool.invoke({"customer": c}), ["1", "2", "5", "100"] * 2))
    assert {o["data"]["customer_id"] for o in outs} == {"00001", "00002", "00005", "00100"}
    assert len(fakes.forecaster.calls) == 1
