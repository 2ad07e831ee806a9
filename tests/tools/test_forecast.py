from __future__ import annotations

from typing import Any

from crm_insights.tools import at_risk_customers, customer_profile, forecast_customer


def call(tool: Any, args: dict[str, Any]) -> Any:
    return tool.invoke({"type": "tool_call", "id": "c1", "name": tool.name, "args": args})


def test_forecast_customer(fakes: Any) -> None:
    out = forecast_customer.invoke({"customer": "customer 2", "horizon_weeks": 26})
    data = out["data"]
    assert data["customer_id"] == "00002"
    assert data["horizon_weeks"] == 26
    assert data["p_active"] == 0.2 and data["churn_risk"] == 0.8
    assert data["expected_purchases"] == 0.8
    assert data["history"] == {"orders": 3, "purchase_days": 3, "spend": 57.0, "last_purchase": "1998-06-01"}
    assert out["evidence"]["args"] == {"customer": "customer 2", "resolved_customer_id": "00002", "horizon_weeks": 26}
    assert out["evidence"]["model_version"] == "forecast-test"


def test_forecast_default_horizon_from_settings(fakes: Any) -> None:
    assert forecast_customer.invoke({"customer": "2"})["data"]["horizon_weeks"] == 13


def test_horizon_out_of_range_is_a_tool_error(fakes: Any) -> None:
    msg = call(forecast_customer, {"customer": "2", "horizon_weeks": 500})
    assert msg.status == "error" and "horizon_weeks must be between 1 and 104" in msg.content
    msg = call(at_risk_customers, {"horizon_weeks": 0})
    assert msg.status == "error" and "horizon_weeks" in msg.content


def test_predictions_are_cached_per_horizon(fakes: Any) -> None:
    forecast_customer.invoke({"customer": "1"})
    customer_profile.invoke({"customer": "2"})
    at_risk_customers.invoke({})
    forecast_customer.invoke({"customer": "1", "horizon_weeks": 26})
    forecast_customer.invoke({"customer": "5", "horizon_weeks": 26})
    assert [c["horizon_weeks"] for c in fakes.forecaster.calls] == [13, 26]


def test_at_risk_ranked_by_value_at_risk_among_active_customers(fakes: Any) -> None:
    out = at_risk_customers.invoke({"top_n": 5})
    data = out["data"]
    # active: >= 2 purchase days and a purchase since 1997-06-21 -> 00001, 00002, 00005, 00100
    # churn risk >= 0.5: 00002 (0.8), 00005 (0.6), 00100 (0.7); 00001 has 0.1
    ids = [c["customer_id"] for c in data["customers"]]
    assert ids == ["00100", "00002", "00005"]  # 0.7*165=115.5 > 0.8*57=45.6 > 0.6*25=15
    assert data["customers"][0]["value_at_risk"] == 115.5
    assert data["customers"][0]["days_since_last_purchase"] == 0
    assert data["active_customers"] == 4 and data["at_risk_count"] == 3 and data["customers_considered"] == 6
    assert data["total_value_at_risk"] == round(115.5 + 45.6 + 15.0, 2)
    assert "purchase_days >= 2" in data["rule"]
    assert out["evidence"]["rows_considered"] == 6
    assert out["evidence"]["model_version"] == "forecast-test"


def test_at_risk_among_the_top_spenders_with_their_total_spend(fakes: Any) -> None:
    everyone = at_risk_customers.invoke({"top_n": 2})["data"]
    # listed: 00100 (spend 165) and 00002 (57); all at risk adds 00005 (25)
    assert everyone["listed_total_spend"] == 165.0 + 57.0
    assert everyone["at_risk_total_spend"] == 165.0 + 57.0 + 25.0
    out = at_risk_customers.invoke({"among_top_spenders": 3})
    data = out["data"]
    # the 3 biggest spenders: 00100 (165), 00003 (140), 00001 (135.5); only 00100 is active and at risk
    assert [c["customer_id"] for c in data["customers"]] == ["00100"]
    assert data["customers_considered"] == 3 and data["listed_total_spend"] == 165.0
    assert data["among_top_spenders"] == 3 and "among the 3 biggest spenders" in data["rule"]
    assert out["evidence"]["args"]["among_top_spenders"] == 3
    within = at_risk_customers.invoke({"segment": "Occasional", "among_top_spenders": 1, "min_churn_risk": 0.0})
    assert [c["customer_id"] for c in within["data"]["customers"]] == ["00002"]  # the segment's biggest spender


def test_at_risk_within_a_segment(fakes: Any) -> None:
    out = at_risk_customers.invoke({"segment": "Occasional", "min_churn_risk": 0.0})
    data = out["data"]
    assert data["segment"] == {"segment": 1, "name_en": "Occasional", "name_zh": "偶尔购买"}
    assert [c["customer_id"] for c in data["customers"]] == ["00002", "00005"]
    assert data["customers_considered"] == 3
    assert out["evidence"]["segment_model_version"] == "segments-test"
    msg = call(at_risk_customers, {"segment": "nobody"})
    assert msg.status == "error" and "no segment matches" in msg.content


def test_forecast_without_a_model(bare: Any) -> None:
    msg = call(forecast_customer, {"customer": "1"})
    assert msg.status == "error" and "crm-insights train forecast" in msg.content


def test_forecast_tools_on_a_trained_forecaster(behaviour_store: Any) -> None:
    from crm_insights.analytics.forecasting import train_forecast

    s = behaviour_store.settings
    small = s.model_copy(update={"forecast": s.forecast.model_copy(update={"epochs": 2, "hidden_size": 8})})
    info = train_forecast(behaviour_store.engine, small, progress=False)
    one = forecast_customer.invoke({"customer": "customer 1", "horizon_weeks": 8})
    data = one["data"]
    assert data["customer_id"] == "00001" and data["horizon_weeks"] == 8
    assert 0.0 <= data["p_active"] <= 1.0 and abs(data["churn_risk"] - (1 - data["p_active"])) < 2e-3
    assert data["expected_purchases"] >= 0.0
    assert one["evidence"]["model_version"] == info.version
    risky = at_risk_customers.invoke({"top_n": 3, "min_churn_risk": 0.0})["data"]
    # only repeat buyers active in the last year qualify: the big spenders (ids 000xx), not one-off buyers
    assert risky["customers"] and all(c["customer_id"].isdigit() for c in risky["customers"])
    values = [c["value_at_risk"] for c in risky["customers"]]
    assert values == sorted(values, reverse=True)
    profile = customer_profile.invoke({"customer": "00001"})["data"]
    assert profile["forecast"]["horizon_weeks"] == s.forecast.horizon_weeks


def test_warm_up_builds_the_default_predictions(fakes: Any) -> None:
    assert fakes.ctx.warm_up() == {
        "segments": "segments-test",
        "forecast": "forecast-test",
        "sentiment": "sentiment-test",
        "index": "loaded",
    }
    assert [c["horizon_weeks"] for c in fakes.forecaster.calls] == [13]
    forecast_customer.invoke({"customer": "1"})
    assert len(fakes.forecaster.calls) == 1


def test_a_stale_artifact_is_reported_not_raised(bare: Any) -> None:
    from crm_insights.analytics.artifacts import registry

    registry(bare.settings).save("forecast", lambda path: None, config={"arch": "an-old-architecture"})
    msg = call(forecast_customer, {"customer": "1"})
    assert msg.status == "error" and "an-old-architecture" in msg.content
    data = customer_profile.invoke({"customer": "1"})["data"]
    assert data["forecast"] is None
    assert any(n.startswith("forecast unavailable:") and "an-old-architecture" in n for n in data["notes"])


def test_predictions_are_kept_on_disk_for_the_next_process(fakes: Any) -> None:
    forecast_customer.invoke({"customer": "1"})
    assert len(fakes.forecaster.calls) == 1
    cache = fakes.store.settings.models_dir / "cache"
    assert len(list(cache.glob("predictions-*.parquet"))) == 1
    fakes.ctx._cache.clear()  # a new process: nothing in memory
    again = forecast_customer.invoke({"customer": "1"})["data"]
    assert len(fakes.forecaster.calls) == 1  # read back, not predicted again
    assert again["churn_risk"] == 0.1
    forecast_customer.invoke({"customer": "1", "horizon_weeks": 26})  # another horizon: another entry
    assert len(fakes.forecaster.calls) == 2 and len(list(cache.glob("predictions-*.parquet"))) == 2


def test_at_risk_among_the_top_share_of_spenders(fakes: Any) -> None:
    from crm_insights.tools.common import ctx

    customers = len(ctx().customer_stats())
    out = at_risk_customers.invoke({"among_top_share": 0.5, "min_churn_risk": 0.0})
    data = out["data"]
    # the top half by spend: round(customers x 0.5), the same set as asking for that many by count
    assert data["among_top_spenders"] == max(1, round(customers * 0.5)) and data["among_top_share"] == 0.5
    by_count = at_risk_customers.invoke({"among_top_spenders": data["among_top_spenders"], "min_churn_risk": 0.0})
    assert data["customers"] == by_count["data"]["customers"]
    assert out["evidence"]["args"]["among_top_share"] == 0.5
    msg = call(at_risk_customers, {"among_top_share": 1.5})
    assert msg.status == "error" and "among_top_share" in msg.content
