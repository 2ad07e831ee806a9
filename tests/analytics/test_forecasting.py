"""Forecaster: likelihood maths, shapes, monotonicity, no leakage, artifacts, store + CLI, error cases."""

from __future__ import annotations

import itertools
import math
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from crm_insights.errors import InputError, NotFoundError, NotReadyError

START = datetime(2024, 1, 1)
AS_OF = datetime(2024, 7, 1)  # 26 weeks after START


def synthetic_orders(n: int = 60, seed: int = 3, weeks: int = 36) -> pd.DataFrame:
    """Customers with a first purchase in the first 8 weeks, a Poisson rate and an exponential lifetime."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        first = START + timedelta(days=int(rng.integers(0, 56)))
        rate = rng.gamma(1.5, 0.15)  # purchase days per week
        life = rng.exponential(20.0)  # weeks
        rows.append((f"C{i:03d}", first, float(rng.uniform(5, 80))))
        day = first
        while True:
            day += timedelta(days=max(1, int(rng.exponential(7.0 / max(rate, 1e-3)))))
            if (day - first).days / 7 > life or (day - START).days >= weeks * 7:
                break
            rows.append((f"C{i:03d}", day, float(rng.uniform(5, 80))))
            if rng.random() < 0.2:  # a second line on the same day is the same purchase
                rows.append((f"C{i:03d}", day + timedelta(hours=2), float(rng.uniform(5, 80))))
    # One customer with exactly one purchase, just before the cutoff.
    rows.append(("ONCE", AS_OF - timedelta(days=3), 20.0))
    return pd.DataFrame(rows, columns=["customer_id", "ordered_at", "amount"])


@pytest.fixture(autouse=True)
def tiny_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """A tiny, fast model: seconds on one thread."""
    from crm_insights.config import get_settings

    for key, value in {
        "HIDDEN_SIZE": "8",
        "EPOCHS": "3",
        "BATCH_SIZE": "16",
        "PATIENCE": "2",
        "TRAIN_WINDOW_WEEKS": "8",
        "MAX_HORIZON_WEEKS": "52",
        "VALIDATION_FRACTION": "0.2",
    }.items():
        monkeypatch.setenv(f"CRM_INSIGHTS_FORECAST__{key}", value)
    monkeypatch.setenv("CRM_INSIGHTS_RUNTIME__TORCH_THREADS", "1")
    get_settings.cache_clear()


@pytest.fixture(scope="module")
def orders() -> pd.DataFrame:
    return synthetic_orders()


@pytest.fixture
def fitted(orders: pd.DataFrame):  # type: ignore[no-untyped-def]
    from crm_insights.analytics.forecasting import fit_forecaster

    return fit_forecaster(orders, as_of=AS_OF, seed=0)


# -- the likelihood and the closed-form forecast ---------------------------------------------


def test_window_likelihood_is_a_distribution_and_matches_horizon_forecast() -> None:
    """Summing P(y1, y2) over all count pairs gives 1; its mean and P(>=1) equal the closed form."""
    import torch

    from crm_insights.analytics.forecasting import horizon_forecast, window_log_likelihood

    torch.manual_seed(0)
    raw = torch.randn(3, 1, 7, dtype=torch.float64) * 0.7
    raw[..., 3] -= 0.5
    raw[..., 6] = raw[..., 6].abs() * 10  # age in weeks
    raw[0, ..., 5] = -30.0  # no loyal share: plain Lomax survival
    raw[1, ..., 5] = 0.5  # a never-churn share of 62%: the survival curve has a floor
    top = 80  # the negative binomial tail past 80 purchase days a week is negligible
    seqs = torch.tensor(list(itertools.product(range(top), repeat=2)), dtype=torch.float64)  # (top^2, 2)
    log_fact = torch.lgamma(seqs + 1).sum(-1)
    for b in range(raw.shape[0]):
        r = raw[b : b + 1].expand(len(seqs), 1, 7)
        ll = window_log_likelihood(r, seqs[:, None, :], torch.tensor([2])) - log_fact[:, None]
        prob = ll.exp().squeeze(1)
        assert math.isclose(float(prob.sum()), 1.0, abs_tol=1e-6)
        expected, p_active = horizon_forecast(raw[b, 0], 2)
        assert math.isclose(float((prob * seqs.sum(-1)).sum()), float(expected), rel_tol=1e-5)
        p_zero = float(prob[(seqs.sum(-1) == 0)].sum())
        assert math.isclose(1.0 - p_zero, float(p_active), abs_tol=1e-9)


# -- shapes, ranges, monotonicity, leakage ----------------------------------------------------


def test_predict_orders_columns_and_ranges(fitted, orders: pd.DataFrame) -> None:  # type: ignore[no-untyped-def]
    out = fitted.predict_orders(orders, as_of=AS_OF, horizon_weeks=13)
    assert list(out.columns) == ["customer_id", "expected_purchases", "p_active"]
    before = orders[orders["ordered_at"] < AS_OF]["customer_id"].nunique()
    assert len(out) == before and out["customer_id"].is_unique
    assert (out["expected_purchases"] >= 0).all() and np.isfinite(out["expected_purchases"]).all()
    assert out["p_active"].between(0, 1).all()
    # The one-purchase customer gets an ordinary answer.
    once = fitted.predict_orders(orders, as_of=AS_OF, horizon_weeks=13, customer_ids=["ONCE"])
    assert once["customer_id"].tolist() == ["ONCE"] and 0 < once["p_active"].iloc[0] < 1


def test_longer_horizon_means_more_expected_purchases(fitted, orders: pd.DataFrame) -> None:  # type: ignore[no-untyped-def]
    runs = [fitted.predict_orders(orders, as_of=AS_OF, horizon_weeks=h) for h in (1, 4, 13, 52)]
    for short, long in itertools.pairwise(runs):
        assert (long["expected_purchases"].to_numpy() > short["expected_purchases"].to_numpy()).all()
        assert (long["p_active"].to_numpy() >= short["p_active"].to_numpy() - 1e-12).all()


def test_loyal_share_is_a_floor_under_the_forecast() -> None:
    """With a never-churn share pi, each week adds at least m * p * pi: the forecast levels off, not to zero."""
    import torch

    from crm_insights.analytics.forecasting import _params, horizon_forecast

    raw = torch.tensor([0.3, 1.5, 0.5, -1.0, 0.8, -30.0, 0.0], dtype=torch.float64)
    floor = raw.clone()
    floor[5] = -1.0  # 27% never drop out
    weekly = [torch.diff(torch.stack([horizon_forecast(r, h)[0] for h in (100, 101)])) for r in (raw, floor)]
    prm = _params(floor)
    least = float(prm["m"] * torch.sigmoid(prm["logit_p"]) * torch.sigmoid(prm["logit_loyal"]))
    assert float(weekly[0]) < 0.1 * least  # plain Lomax: week 101 adds almost nothing
    assert least < float(weekly[1]) < 1.1 * least  # the floor: about m * p * pi every week


@pytest.mark.parametrize("survival", ["individual", "population_loyal"])
def test_other_survival_curves_train_and_forecast(orders: pd.DataFrame, survival: str) -> None:
    from crm_insights.analytics.forecasting import fit_forecaster

    fc = fit_forecaster(orders, as_of=AS_OF, seed=0, survival=survival, epochs=1)
    assert fc.config["survival"] == survival
    short = fc.predict_orders(orders, as_of=AS_OF, horizon_weeks=4)
    long = fc.predict_orders(orders, as_of=AS_OF, horizon_weeks=30)
    assert (long["expected_purchases"].to_numpy() > short["expected_purchases"].to_numpy()).all()
    assert long["p_active"].between(0, 1).all()
    with pytest.raises(InputError, match="unknown forecast hyperparameter"):
        fit_forecaster(orders, as_of=AS_OF, hidden=3)


def test_time_budget_stops_training(orders: pd.DataFrame) -> None:
    from crm_insights.analytics.forecasting import fit_forecaster

    fc = fit_forecaster(orders, as_of=AS_OF, seed=0, epochs=50, patience=50, max_train_minutes=1e-6)
    member = fc.metrics["members"][0]
    assert member["stopped_by"] == "time budget" and member["epochs_run"] == 1


def test_long_horizon_training_options(orders: pd.DataFrame) -> None:
    """Horizon-weighted likelihood, long-horizon early stopping and weight averaging train and forecast sanely."""
    import warnings

    from crm_insights.analytics.forecasting import fit_forecaster

    with warnings.catch_warnings():
        # The population curve's report once warned "requires_grad ... to a scalar".
        warnings.simplefilter("error")
        fc = fit_forecaster(
            orders,
            as_of=AS_OF,
            seed=0,
            epochs=4,
            patience=4,
            survival="population",
            horizon_weight=1.0,
            val_horizon_weeks=6,
            swa_epochs=3,
        )
    member = fc.metrics["members"][0]
    assert member["epochs_run"] == 4 and math.isfinite(member["val_nll"])
    assert member["swa_val_nll"] is not None and math.isfinite(member["swa_val_nll"])
    assert member["survival"]["s"] > 0
    short = fc.predict_orders(orders, as_of=AS_OF, horizon_weeks=4)
    long = fc.predict_orders(orders, as_of=AS_OF, horizon_weeks=26)
    assert np.isfinite(long["expected_purchases"]).all()
    assert (long["expected_purchases"].to_numpy() >= short["expected_purchases"].to_numpy() - 1e-9).all()
    with pytest.raises(InputError, match="unknown forecast hyperparameter"):
        fit_forecaster(orders, as_of=AS_OF, swa_epoch=3)


def test_nothing_after_as_of_is_read(orders: pd.DataFrame) -> None:
    """Changing or adding orders at/after the cutoff changes neither the trained model nor its forecasts."""
    from crm_insights.analytics.forecasting import fit_forecaster

    noisy = orders.copy()
    late = noisy["ordered_at"] >= AS_OF
    noisy.loc[late, "amount"] *= 100
    extra = pd.DataFrame({"customer_id": ["C000", "NEW"], "ordered_at": [AS_OF, AS_OF + timedelta(days=9)]})
    noisy = pd.concat([noisy, extra.assign(amount=[999.0, 5.0])], ignore_index=True)
    a = fit_forecaster(orders[orders["ordered_at"] < AS_OF], as_of=AS_OF, seed=1)
    b = fit_forecaster(noisy, as_of=AS_OF, seed=1)
    pa = a.predict_orders(orders, as_of=AS_OF, horizon_weeks=8)
    pb = b.predict_orders(noisy, as_of=AS_OF, horizon_weeks=8)
    pd.testing.assert_frame_equal(pa, pb)
    assert "NEW" not in set(pb["customer_id"])


def test_step_features_use_only_the_past() -> None:
    from crm_insights.analytics.sequences import step_features

    rng = np.random.default_rng(0)
    counts = rng.poisson(0.4, size=(5, 12)).astype(np.float32)
    spend = counts * rng.uniform(1, 50, size=counts.shape).astype(np.float32)
    full = step_features(counts, spend)
    for t in range(12):
        assert np.array_equal(step_features(counts[:, : t + 1], spend[:, : t + 1]), full[:, : t + 1])


def test_purchase_days_merge_lines_of_one_day() -> None:
    from crm_insights.analytics.sequences import build_panel

    df = pd.DataFrame(
        {
            "customer_id": ["a", "a", "a", "b"],
            "ordered_at": pd.to_datetime(
                ["2024-01-01 09:00", "2024-01-01 17:00", "2024-01-08 00:00", "2024-01-14 23:59"]
            ),
            "amount": [1.0, 2.0, 4.0, 8.0],
        }
    )
    panel = build_panel(df, "2024-01-15")
    # Days 1..7 before the cutoff are the last week: Jan 8..14.
    assert panel.n_weeks == 2 and panel.customer_ids.tolist() == ["a", "b"]
    assert panel.counts.tolist() == [[1.0, 1.0], [0.0, 1.0]]
    assert panel.spend.tolist() == [[3.0, 4.0], [0.0, 8.0]]


# -- errors -----------------------------------------------------------------------------------


def test_error_cases(fitted, orders: pd.DataFrame) -> None:  # type: ignore[no-untyped-def]
    from crm_insights.analytics.forecasting import fit_forecaster

    with pytest.raises(NotFoundError, match="NOPE"):
        fitted.predict_orders(orders, as_of=AS_OF, customer_ids=["NOPE"])
    with pytest.raises(InputError, match="no orders before"):
        fitted.predict_orders(orders, as_of="2023-06-01")
    with pytest.raises(InputError, match="no orders before"):
        fit_forecaster(orders, as_of="2023-06-01")
    for bad in (0, -1, 53):
        with pytest.raises(InputError, match="horizon_weeks must be between 1 and 52"):
            fitted.predict_orders(orders, as_of=AS_OF, horizon_weeks=bad)
    only_late = pd.concat([orders, pd.DataFrame({"customer_id": ["LATE"], "ordered_at": [AS_OF], "amount": [1.0]})])
    with pytest.raises(InputError, match="no purchase before"):
        fitted.predict_orders(only_late, as_of=AS_OF, customer_ids=["LATE"])
    with pytest.raises(InputError, match="lacks column"):
        fitted.predict_orders(orders.drop(columns=["amount"]), as_of=AS_OF)
    with pytest.raises(InputError, match="cannot read"):
        fitted.predict_orders(orders, as_of="not a date")


def test_horizon_limit_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    from crm_insights.config import get_settings
    from crm_insights.errors import ConfigError

    monkeypatch.setenv("CRM_INSIGHTS_FORECAST__HORIZON_WEEKS", "60")
    get_settings.cache_clear()
    with pytest.raises(ConfigError, match="max_horizon_weeks"):
        get_settings()


# -- store, artifacts, CLI -------------------------------------------------------------------


def fill_store(url: str, monkeypatch: pytest.MonkeyPatch, orders: pd.DataFrame):  # type: ignore[no-untyped-def]
    from crm_insights.config import get_settings
    from crm_insights.store import Customer, Order, init_store, session_scope

    monkeypatch.setenv("CRM_INSIGHTS_DATABASE__URL", url)
    get_settings.cache_clear()
    settings = get_settings()
    engine = init_store(settings)
    with session_scope(engine) as session:
        ids = {}
        for cid in [*sorted(orders["customer_id"].unique()), "NO_ORDERS"]:
            c = Customer(external_id=cid)
            session.add(c)
            session.flush()
            ids[cid] = c.id
        for i, row in enumerate(orders.itertuples(index=False)):
            session.add(
                Order(
                    external_id=f"o{i}",
                    customer_id=ids[row.customer_id],
                    ordered_at=row.ordered_at.to_pydatetime(),
                    quantity=1,
                    amount=row.amount,
                )
            )
    return settings, engine


def test_train_store_and_reload(store_url: str, monkeypatch: pytest.MonkeyPatch, orders: pd.DataFrame) -> None:
    from crm_insights.analytics.forecasting import Forecaster, train_forecast

    settings, engine = fill_store(store_url, monkeypatch, orders)
    with pytest.raises(NotReadyError, match="crm-insights train forecast"):
        Forecaster.load(settings)
    info = train_forecast(engine, settings, as_of=AS_OF, progress=False)
    assert info.kind == "forecast" and info.config["as_of"].startswith("2024-07-01")
    assert info.metrics["customers"] == orders[orders["ordered_at"] < AS_OF]["customer_id"].nunique()
    model = Forecaster.load(settings)
    assert model.version == info.version
    out = model.predict(engine, as_of=AS_OF, horizon_weeks=13)
    assert list(out.columns) == ["customer_id", "expected_purchases", "p_active"]
    again = Forecaster.load(settings, version=info.version).predict(engine, as_of=AS_OF, horizon_weeks=13)
    pd.testing.assert_frame_equal(out, again)
    # Same as forecasting the plain frame: the store adds nothing and drops nothing.
    direct = model.predict_orders(orders, as_of=AS_OF, horizon_weeks=13)
    pd.testing.assert_frame_equal(out, direct, check_exact=False, rtol=1e-6)
    one = model.predict(engine, as_of=AS_OF, customer_ids=["C001"])
    assert one["customer_id"].tolist() == ["C001"]
    with pytest.raises(NotFoundError):
        model.predict(engine, customer_ids=["NOPE"])
    with pytest.raises(InputError, match="no purchase"):
        model.predict(engine, customer_ids=["NO_ORDERS"])
    with pytest.raises(InputError, match="no orders before"):
        model.predict(engine, as_of=datetime(2020, 1, 1))
    with pytest.raises(InputError, match="no orders before"):
        train_forecast(engine, settings, as_of=datetime(2020, 1, 1), progress=False)
    # A fresh process reloads the artifact from disk alone and gives the same numbers.
    code = (
        "import sys; from crm_insights.analytics.forecasting import Forecaster; "
        "from crm_insights.store import get_engine; from datetime import datetime; "
        "f = Forecaster.load(); d = f.predict(get_engine(), as_of=datetime(2024, 7, 1), horizon_weeks=13); "
        "sys.stdout.write(d.to_json())"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    fresh = pd.read_json(__import__("io").StringIO(proc.stdout), dtype={"customer_id": str})
    np.testing.assert_allclose(fresh["expected_purchases"].to_numpy(), out["expected_purchases"].to_numpy(), 1e-6)


def test_cli_train_and_predict(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, orders: pd.DataFrame) -> None:
    from typer.testing import CliRunner

    from crm_insights.cli import app

    fill_store(f"sqlite:///{tmp_path / 'cli.sqlite3'}", monkeypatch, orders)
    runner = CliRunner()
    res = runner.invoke(app, ["predict", "forecast", "--horizon-weeks", "4"])
    assert res.exit_code == 1 and "crm-insights train forecast" in res.output
    res = runner.invoke(app, ["train", "forecast", "--as-of", "2024-07-01"])
    assert res.exit_code == 0, res.output
    assert "forecast model forecast-" in res.output
    out = tmp_path / "pred.csv"
    res = runner.invoke(
        app, ["predict", "forecast", "--as-of", "2024-07-01", "--horizon-weeks", "8", "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    frame = pd.read_csv(out, dtype={"customer_id": str})
    assert list(frame.columns) == ["customer_id", "expected_purchases", "p_active"]
    assert len(frame) == orders[orders["ordered_at"] < AS_OF]["customer_id"].nunique()
    assert frame["p_active"].between(0, 1).all() and (frame["expected_purchases"] >= 0).all()
    res = runner.invoke(app, ["predict", "forecast", "--horizon-weeks", "999"])
    assert res.exit_code == 1 and "horizon_weeks must be between 1 and 52" in res.output
    res = runner.invoke(app, ["predict", "forecast", "--customer", "NOPE"])
    assert res.exit_code == 1 and "unknown customer" in res.output
    res = runner.invoke(app, ["predict", "forecast", "--as-of", "2020-01-01"])
    assert res.exit_code == 1 and "no orders before" in res.output
    res = runner.invoke(app, ["predict", "forecast", "--customer", "C002", "--json"])
    assert res.exit_code == 0, res.output
    assert '"customer_id": "C002"' in res.output
