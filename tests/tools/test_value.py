"""forecast_totals and customer_value over the fake forecaster (known predictions) and a real trained one."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
import pytest
from lifetimes import GammaGammaFitter

from crm_insights.tools import TOOLS_BY_NAME, customer_value, forecast_totals

from .conftest import CUSTOMERS, Fakes

# The fake forecaster's P(active) per id (others 0.5); expected purchases = p * weeks / 13 * 2.
FAKE_P = {"00001": 0.9, "00002": 0.2, "00003": 0.1, "00004": 0.05, "00005": 0.4, "00100": 0.3}
DATA_END = date(1998, 6, 30)


def _extra_customers(n: int = 14, seed: int = 5) -> list[Any]:
    rng = np.random.default_rng(seed)
    out: list[Any] = []
    for i in range(n):
        days = sorted(rng.choice(500, size=int(rng.integers(2, 6)), replace=False))
        scale = float(rng.uniform(10, 60))
        orders = [
            ((date(1997, 1, 1) + timedelta(days=int(d))).isoformat(), 1, round(float(rng.gamma(5.0, scale / 5.0)), 2))
            for d in days
        ]
        out.append((f"G{i:03d}", None, orders, []))
    out.append(("G999", None, [("1998-01-10", 1, 20.0), (DATA_END.isoformat(), 2, 44.0)], []))
    out.append(("00777", None, [], []))  # a customer without orders: no forecast, no value
    return out


@pytest.fixture
def value_fakes(make_store: Any, make_fakes: Any) -> Iterator[Fakes]:
    from crm_insights.config import get_settings

    get_settings.cache_clear()
    store = make_store(get_settings(), CUSTOMERS + _extra_customers())
    yield make_fakes(store)


def _lines(customers: list[Any]) -> pd.DataFrame:
    rows = [(c, pd.Timestamp(d), q, a) for c, _, orders, _ in customers for d, q, a in orders]
    return pd.DataFrame(rows, columns=["customer_id", "day", "quantity", "amount"])


def _reference(customers: list[Any]) -> pd.DataFrame:
    """Per customer, computed apart from the tool: lifetimes' Gamma-Gamma spend and lines per purchase day."""
    lines = _lines(customers)
    per_day = lines.groupby(["customer_id", "day"])["amount"].sum().reset_index()
    g = per_day.groupby("customer_id")["amount"]
    x = g.size() - 1
    m = ((g.sum() - g.first()) / x.where(x > 0)).fillna(0.0)
    fit = (x > 0) & (m > 0)
    gg = GammaGammaFitter(penalizer_coef=0.0).fit(x[fit], m[fit], q_constraint=True)
    spend = gg.conditional_expected_average_profit(x, m)
    lines_per_day = lines.groupby("customer_id").size() / (x + 1)
    p = pd.Series({c: FAKE_P.get(c, 0.5) for c in x.index})
    return pd.DataFrame({"p": p, "spend": spend, "lines": lines_per_day, "x": x, "m": m}).assign(
        gg_p=gg.params_["p"], gg_q=gg.params_["q"], gg_v=gg.params_["v"]
    )


def call(tool: Any, args: dict[str, Any]) -> Any:
    return tool.invoke({"type": "tool_call", "id": "c1", "name": tool.name, "args": args})


def _expected(ref: pd.DataFrame, weeks: float) -> dict[str, float]:
    e = ref["p"] * weeks / 13 * 2
    return {
        "buyers": float(ref["p"].sum()),
        "orders": float(e.sum()),
        "lines": float((e * ref["lines"]).sum()),
        "revenue": float((e * ref["spend"]).sum()),
    }


def test_forecast_totals_sums_the_per_customer_expectations(value_fakes: Fakes) -> None:
    ref = _reference(CUSTOMERS + _extra_customers())
    out = forecast_totals.invoke({"horizon_weeks": 8})
    data = out["data"]
    exp = _expected(ref, 8)
    assert data["period"] == {"since": "1998-07-01", "until": "1998-08-25"}
    assert data["data_end"] == "1998-06-30" and data["horizon_weeks"] == 8
    assert data["customers"] == len(ref)
    assert data["expected_buyers"] == pytest.approx(exp["buyers"], abs=0.05)
    assert data["expected_orders"] == pytest.approx(exp["orders"], abs=0.05)
    assert data["expected_order_lines"] == pytest.approx(exp["lines"], abs=0.05)
    assert data["expected_revenue"] == pytest.approx(exp["revenue"], rel=1e-4)
    spend = data["spend_model"]
    assert spend["p"] == pytest.approx(ref["gg_p"].iloc[0], rel=1e-3)
    assert spend["q"] == pytest.approx(ref["gg_q"].iloc[0], rel=1e-3)
    assert spend["v"] == pytest.approx(ref["gg_v"].iloc[0], rel=1e-3)
    assert any("new-customer acquisition is not included" in n for n in data["notes"])
    assert out["evidence"]["model_version"] == "forecast-test" and out["evidence"]["spend_model"].startswith("gamma")


@pytest.mark.parametrize(
    ("period", "until"),
    [("next_month", "1998-07-31"), ("next_quarter", "1998-09-30"), ("next_year", "1999-06-30")],
)
def test_named_periods_cover_the_calendar_period_after_the_data_end(
    value_fakes: Fakes, period: str, until: str
) -> None:
    ref = _reference(CUSTOMERS + _extra_customers())
    data = forecast_totals.invoke({"period": period})["data"]
    assert data["period"] == {"since": "1998-07-01", "until": until}
    weeks = ((date.fromisoformat(until) - date(1998, 7, 1)).days + 1) / 7
    # The fake's expectations are linear in the horizon, so interpolating between whole weeks is exact.
    exp = _expected(ref, weeks)
    assert data["horizon_weeks"] == pytest.approx(weeks, abs=0.005)
    assert data["expected_orders"] == pytest.approx(exp["orders"], abs=0.05)
    assert data["expected_revenue"] == pytest.approx(exp["revenue"], rel=1e-4)
    assert any("interpolated" in n for n in data["notes"])


def test_forecast_totals_for_a_segment(value_fakes: Fakes) -> None:
    ref = _reference(CUSTOMERS + _extra_customers()).loc[["00001", "00003", "00100"]]
    out = forecast_totals.invoke({"segment": "高价值", "horizon_weeks": 13})
    data = out["data"]
    assert data["segment"] == {"segment": 0, "name_en": "High value", "name_zh": "高价值客户"}
    assert data["customers"] == 3
    exp = _expected(ref, 13)
    assert data["expected_buyers"] == pytest.approx(exp["buyers"], abs=0.05)
    assert data["expected_revenue"] == pytest.approx(exp["revenue"], rel=1e-4)
    assert out["evidence"]["segment_model_version"] == "segments-test"


def test_forecast_totals_bad_input(value_fakes: Fakes) -> None:
    msg = call(forecast_totals, {"horizon_weeks": 4, "period": "next_month"})
    assert msg.status == "error" and "not both" in msg.content
    msg = call(forecast_totals, {"horizon_weeks": 500})
    assert msg.status == "error" and "horizon_weeks must be between 1 and 104" in msg.content
    msg = call(forecast_totals, {"period": "next_decade"})
    assert msg.status == "error" and "next_quarter" in msg.content
    msg = call(forecast_totals, {"segment": "nobody"})
    assert msg.status == "error" and "no segment matches" in msg.content


def test_customer_value_for_one_customer(value_fakes: Fakes) -> None:
    ref = _reference(CUSTOMERS + _extra_customers())
    clv = ref["p"] * 52 / 13 * 2 * ref["spend"]
    out = customer_value.invoke({"customer": "客户100"})
    data = out["data"]
    assert data["customer_id"] == "00100" and data["horizon_weeks"] == 52
    assert data["period"] == {"since": "1998-07-01", "until": "1999-06-29"}
    assert data["expected_purchases"] == pytest.approx(0.3 * 8, abs=0.005)
    assert data["expected_spend_per_purchase"] == pytest.approx(ref.loc["00100", "spend"], abs=0.01)
    assert data["clv"] == pytest.approx(clv["00100"], abs=0.01)
    assert data["rank"] == int((clv > clv["00100"]).sum()) + 1 and data["customers_ranked"] == len(ref)
    assert data["percentile"] == pytest.approx(float((clv < clv["00100"]).mean()), abs=1e-3)
    assert data["history"]["purchase_days"] == 3 and data["history"]["repeat_purchase_days"] == 2
    assert data["history"]["repeat_mean_spend"] == pytest.approx((80.0 + 35.0) / 2)
    assert out["evidence"]["args"]["resolved_customer_id"] == "00100"


def test_customer_value_for_a_segment_and_everyone(value_fakes: Fakes) -> None:
    ref = _reference(CUSTOMERS + _extra_customers())
    clv = ref["p"] * 13 / 13 * 2 * ref["spend"]
    seg = customer_value.invoke({"segment": "Occasional", "horizon_weeks": 13, "top_n": 2})["data"]
    members = ["00002", "00004", "00005"]
    assert seg["customers"] == 3
    assert seg["total_clv"] == pytest.approx(clv[members].sum(), abs=0.01)
    assert seg["mean_clv"] == pytest.approx(clv[members].mean(), abs=0.01)
    assert seg["share_of_total_clv"] == pytest.approx(clv[members].sum() / clv.sum(), abs=1e-4)
    assert [c["customer_id"] for c in seg["top_customers"]] == list(clv[members].sort_values(ascending=False).index[:2])
    everyone = customer_value.invoke({"horizon_weeks": 13})["data"]
    assert everyone["segment"] is None and everyone["customers"] == len(ref)
    assert everyone["total_clv"] == pytest.approx(clv.sum(), abs=0.01)
    assert everyone["share_of_total_clv"] == 1.0


def test_customer_value_for_listed_customers(value_fakes: Fakes) -> None:
    # "how much are they worth over the next 13 weeks?" after a list: the totals over exactly those customers
    ref = _reference(CUSTOMERS + _extra_customers())
    clv = ref["p"] * 13 / 13 * 2 * ref["spend"]
    out = customer_value.invoke({"customers": ["100", "客户2"], "horizon_weeks": 13})
    data = out["data"]
    assert data["listed"] == ["00100", "00002"] and data["customers"] == 2
    assert data["total_clv"] == pytest.approx(clv[["00100", "00002"]].sum(), abs=0.01)
    assert data["share_of_total_clv"] == pytest.approx(clv[["00100", "00002"]].sum() / clv.sum(), abs=1e-4)
    assert out["evidence"]["args"]["customers"] == ["00100", "00002"]


def test_customer_value_bad_input(value_fakes: Fakes) -> None:
    msg = call(customer_value, {"customer": "nobody"})
    assert msg.status == "error" and "no customer matches" in msg.content
    msg = call(customer_value, {"customer": "00777"})
    assert msg.status == "error" and "at least one purchase" in msg.content
    msg = call(customer_value, {"customer": "1", "horizon_weeks": 200})
    assert msg.status == "error" and "horizon_weeks must be between 1 and 104" in msg.content
    msg = call(customer_value, {"customer": "1", "segment": "0"})
    assert msg.status == "error" and "not several" in msg.content
    msg = call(customer_value, {"customers": ["1", "2"], "segment": "0"})
    assert msg.status == "error" and "not several" in msg.content


def test_value_tools_without_a_forecaster(bare: Any) -> None:
    for tool in (forecast_totals, customer_value):
        msg = call(tool, {})
        assert msg.status == "error" and "crm-insights train forecast" in msg.content


def test_value_tools_on_a_trained_forecaster(behaviour_store: Any) -> None:
    from crm_insights.analytics.forecasting import predict_horizons, train_forecast
    from crm_insights.tools.context import get_context

    s = behaviour_store.settings
    small = s.model_copy(update={"forecast": s.forecast.model_copy(update={"epochs": 2, "hidden_size": 8})})
    info = train_forecast(behaviour_store.engine, small, progress=False)
    preds = get_context().forecaster.predict(behaviour_store.engine, horizon_weeks=8).set_index("customer_id")
    out = forecast_totals.invoke({"horizon_weeks": 8})
    data = out["data"]
    assert out["evidence"]["model_version"] == info.version
    assert data["customers"] == 45
    assert data["expected_buyers"] == pytest.approx(float(preds["p_active"].sum()), abs=0.05)
    assert data["expected_orders"] == pytest.approx(float(preds["expected_purchases"].sum()), abs=0.05)
    assert 0 < data["expected_buyers"] <= 45 and data["expected_revenue"] > 0
    everyone = customer_value.invoke({"horizon_weeks": 8, "top_n": 45})["data"]
    assert everyone["total_clv"] == pytest.approx(data["expected_revenue"], abs=0.05)
    # the frequent big spenders (ids 000xx) are worth the most
    assert everyone["top_customers"][0]["customer_id"].isdigit()
    one = customer_value.invoke({"customer": everyone["top_customers"][0]["customer_id"], "horizon_weeks": 8})
    assert one["data"]["rank"] == 1
    # one LSTM pass for two horizons gives what predict gives per horizon
    both = predict_horizons(get_context().forecaster, behaviour_store.engine, [4, 5])
    per = {h: get_context().forecaster.predict(behaviour_store.engine, horizon_weeks=h) for h in (4, 5)}
    for h in (4, 5):
        assert list(both[h]["customer_id"]) == list(per[h]["customer_id"])
        np.testing.assert_allclose(
            both[h][["expected_purchases", "p_active"]], per[h][["expected_purchases", "p_active"]]
        )
    # a calendar month is interpolated between its whole weeks
    month = forecast_totals.invoke({"period": "next_month"})["data"]
    since, until = (date.fromisoformat(month["period"][k]) for k in ("since", "until"))
    frac = ((until - since).days + 1) / 7 - 4
    assert 0 < frac < 1
    buyers = (1 - frac) * per[4]["p_active"].sum() + frac * per[5]["p_active"].sum()
    assert month["expected_buyers"] == pytest.approx(buyers, abs=0.05)


def test_registered_for_the_agent() -> None:
    assert TOOLS_BY_NAME["forecast_totals"] is forecast_totals
    assert TOOLS_BY_NAME["customer_value"] is customer_value


def test_cli_predict_totals(value_fakes: Fakes) -> None:
    import json

    from typer.testing import CliRunner

    from crm_insights.cli import app

    res = CliRunner().invoke(app, ["predict", "totals", "--period", "next_quarter", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)["data"]
    assert data["period"] == {"since": "1998-07-01", "until": "1998-09-30"} and data["expected_buyers"] > 0
    text = CliRunner().invoke(app, ["predict", "totals", "--horizon-weeks", "8"])
    assert text.exit_code == 0 and "1998-07-01 .. 1998-08-25" in text.stdout
    bad = CliRunner().invoke(app, ["predict", "totals", "--period", "next_decade"])
    assert bad.exit_code == 1 and "next_quarter" in bad.output
