"""Spend model and CLV: the per-day summary, the Gamma-Gamma fit and CLV against lifetimes' own computation."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from lifetimes import GammaGammaFitter
from lifetimes.utils import summary_data_from_transaction_data

from crm_insights.analytics.value import (
    MIN_REPEAT_CUSTOMERS,
    customer_values,
    fit_spend_model,
    purchase_days_frame,
    spend_summary,
    value_totals,
)
from crm_insights.config import get_settings
from crm_insights.errors import InputError
from crm_insights.store import Customer, Order, init_store, session_scope

START = datetime(2023, 1, 1)


def gamma_gamma_lines(n: int = 60, seed: int = 7) -> pd.DataFrame:
    """Order lines drawn from the Gamma-Gamma process (p=6, q=4, v=15); some days have two lines."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        nu = rng.gamma(4.0, 1.0 / 15.0)
        days = sorted(rng.choice(300, size=int(rng.integers(1, 8)), replace=False))
        for d in days:
            spend = float(rng.gamma(6.0, 1.0 / nu))
            parts = [spend] if rng.random() < 0.7 else [spend * 0.4, spend * 0.6]
            for j, amount in enumerate(parts):
                rows.append((f"c{i:03d}", START + timedelta(days=int(d), hours=9 + j), round(amount, 2)))
    return pd.DataFrame(rows, columns=["customer_id", "ordered_at", "amount"])


def _days(lines: pd.DataFrame) -> pd.DataFrame:
    return lines.assign(day=lines["ordered_at"].dt.normalize())[["customer_id", "day", "amount"]]


def test_summary_matches_lifetimes_transaction_summary() -> None:
    lines = gamma_gamma_lines()
    ours = spend_summary(_days(lines))
    theirs = summary_data_from_transaction_data(
        lines, "customer_id", "ordered_at", monetary_value_col="amount", freq="D"
    )
    theirs.index = theirs.index.astype(str)
    assert (ours["frequency"] == theirs["frequency"].reindex(ours.index)).all()
    repeat = ours["frequency"] > 0
    np.testing.assert_allclose(
        ours.loc[repeat, "monetary_value"], theirs["monetary_value"].reindex(ours.index)[repeat], rtol=1e-9
    )
    assert ours.loc[~repeat, "monetary_value"].isna().all()
    # totals and first days, by hand
    per_day = _days(lines).groupby(["customer_id", "day"])["amount"].sum()
    np.testing.assert_allclose(ours["spend"], per_day.groupby(level=0).sum().reindex(ours.index))
    np.testing.assert_allclose(ours["first_day_spend"], per_day.groupby(level=0).first().reindex(ours.index))


def test_fit_and_expected_spend_match_lifetimes() -> None:
    summary = spend_summary(_days(gamma_gamma_lines()))
    model = fit_spend_model(summary)
    repeat = summary[summary["frequency"] > 0]
    ref = GammaGammaFitter(penalizer_coef=0.0).fit(repeat["frequency"], repeat["monetary_value"], q_constraint=True)
    assert model.customers_fitted == len(repeat) and model.customers == len(summary)
    np.testing.assert_allclose([model.p, model.q, model.v], ref.params_[["p", "q", "v"]].to_numpy(), rtol=1e-4)
    expected = model.expected_spend(summary["frequency"], summary["monetary_value"].fillna(0.0))
    theirs = ref.conditional_expected_average_profit(summary["frequency"], summary["monetary_value"].fillna(0.0))
    np.testing.assert_allclose(expected, theirs.to_numpy(), rtol=1e-4)
    # one-time buyers get the population mean p v / (q - 1)
    one_time = (summary["frequency"] == 0).to_numpy()
    assert one_time.any()
    np.testing.assert_allclose(expected[one_time], model.p * model.v / (model.q - 1.0))
    assert model.population_mean == pytest.approx(model.p * model.v / (model.q - 1.0))
    corr = np.corrcoef(repeat["frequency"], repeat["monetary_value"])[0, 1]
    assert model.frequency_spend_corr == pytest.approx(corr)


def test_refund_netted_customers_are_excluded_and_get_the_population_mean() -> None:
    lines = gamma_gamma_lines()
    refund = pd.DataFrame(
        [
            ("r1", START, 30.0),
            ("r1", START + timedelta(days=5), 20.0),
            ("r1", START + timedelta(days=5, hours=1), -20.0),
        ],
        columns=lines.columns,
    )
    summary = spend_summary(_days(pd.concat([lines, refund])))
    model = fit_spend_model(summary)
    assert model.excluded_nonpositive == 1
    assert model.expected_spend([1.0], [0.0])[0] == pytest.approx(model.population_mean)


def test_too_few_repeat_customers() -> None:
    lines = gamma_gamma_lines(n=60)
    summary = spend_summary(_days(lines))
    few = summary[summary["frequency"] > 0].head(MIN_REPEAT_CUSTOMERS - 1)
    with pytest.raises(InputError, match=f"at least {MIN_REPEAT_CUSTOMERS} customers"):
        fit_spend_model(pd.concat([few, summary[summary["frequency"] == 0]]))
    with pytest.raises(InputError, match="no orders"):
        spend_summary(_days(lines.head(0)))


def test_clv_is_expected_purchases_times_expected_spend() -> None:
    summary = spend_summary(_days(gamma_gamma_lines()))
    model = fit_spend_model(summary)
    rng = np.random.default_rng(1)
    preds = pd.DataFrame(
        {"expected_purchases": rng.uniform(0, 3, len(summary)), "p_active": rng.uniform(0, 1, len(summary))},
        index=summary.index,
    ).iloc[:-3]  # a few customers without a forecast drop out
    frame = customer_values(preds, summary, model)
    assert len(frame) == len(preds)
    ref = GammaGammaFitter(penalizer_coef=0.0)
    ref.params_ = pd.Series({"p": model.p, "q": model.q, "v": model.v})
    spend = ref.conditional_expected_average_profit(
        summary["frequency"].reindex(frame.index), summary["monetary_value"].reindex(frame.index).fillna(0.0)
    )
    np.testing.assert_allclose(frame["clv"], preds["expected_purchases"] * spend, rtol=1e-9)
    totals = value_totals(frame)
    assert totals["customers"] == len(preds)
    assert totals["total_clv"] == pytest.approx(float((preds["expected_purchases"] * spend).sum()))
    assert totals["expected_buyers"] == pytest.approx(float(preds["p_active"].sum()))
    assert totals["mean_clv"] == pytest.approx(totals["total_clv"] / len(preds))
    assert totals["median_clv"] == pytest.approx(float(np.median(frame["clv"])))
    assert totals["historical_spend"] == pytest.approx(float(summary["spend"].reindex(frame.index).sum()))


def test_purchase_days_frame_sums_lines_per_day_from_the_store() -> None:
    lines = gamma_gamma_lines(n=12)
    engine = init_store(get_settings())
    with session_scope(engine) as s:
        customers = {c: Customer(external_id=c) for c in sorted(lines["customer_id"].unique())}
        s.add_all(customers.values())
        s.flush()
        s.add_all(
            Order(
                external_id=f"o{i}", customer_id=customers[r.customer_id].id, ordered_at=r.ordered_at, amount=r.amount
            )
            for i, r in enumerate(lines.itertuples())
        )
    days = purchase_days_frame(engine).set_index(["customer_id", "day"])["amount"].sort_index()
    expected = _days(lines).groupby(["customer_id", "day"])["amount"].sum().sort_index()
    assert len(days) == len(expected)
    np.testing.assert_allclose(days.to_numpy(), expected.to_numpy())
