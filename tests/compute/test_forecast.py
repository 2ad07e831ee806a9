"""`predict forecast` on a real Ray cluster: the same rows as the local engine, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from crm_insights.compute import JobOptions, run_forecast
from crm_insights.config import Settings, load_settings

# predict_batch_size 16: the Ray job cuts ranges of 16 customers, several per actor.
FORECAST = {"hidden_size": 8, "epochs": 2, "batch_size": 16, "patience": 1, "train_window_weeks": 8,
            "predict_batch_size": 16}  # fmt: skip


def _fill(engine: Any) -> None:
    from analytics.test_forecasting import synthetic_orders

    from crm_insights.store import Customer, Order, migrate, session_scope

    migrate(engine)
    orders = synthetic_orders()
    with session_scope(engine) as s:
        # Ids that sort differently as numbers, as strings and under a language collation ("C10" < "C9"; "c" vs "C").
        names = {c: (f"C{i}" if i % 3 else f"c-{i}") for i, c in enumerate(sorted(orders["customer_id"].unique()))}
        customers = {c: Customer(external_id=names[c]) for c in names}
        s.add_all(customers.values())
        s.flush()
        for i, row in enumerate(orders.itertuples()):
            s.add(
                Order(
                    external_id=f"o{i}",
                    customer_id=customers[row.customer_id].id,
                    ordered_at=row.ordered_at.to_pydatetime(),
                    quantity=1,
                    amount=row.amount,
                )
            )


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Any, pd.DataFrame]:
    """A store, a tiny forecaster trained on it, and the local engine's forecast."""
    from analytics.test_forecasting import AS_OF

    from crm_insights.analytics.forecasting import Forecaster, train_forecast
    from crm_insights.store import make_engine

    home = tmp_path_factory.mktemp("forecast-home")
    settings = load_settings(home=home, forecast=FORECAST, runtime={"torch_threads": 1})
    engine = make_engine(settings.database_url)
    _fill(engine)
    train_forecast(engine, settings, as_of=AS_OF, progress=False)
    local = run_forecast(engine, settings, JobOptions("local", None, 1, 4, 0.5, 8), Forecaster.load(settings), AS_OF)
    assert len(local) > 16 * 2  # several ranges for the 2 actors below
    return settings, engine, local


def test_ray_forecast_rows_equal_local(
    trained: tuple[Settings, Any, pd.DataFrame], ray_driver: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, _, local = trained
    # Through the CLI, as a user runs it; the CSV keeps every digit (pandas writes floats round-trip).
    from typer.testing import CliRunner

    from crm_insights.cli import app
    from crm_insights.config import get_settings

    monkeypatch.setenv("CRM_INSIGHTS_HOME", str(settings.home))
    monkeypatch.setenv("CRM_INSIGHTS_COMPUTE__ACTORS", "2")
    get_settings.cache_clear()
    csv = Path(settings.home) / "forecast.csv"
    args = ["predict", "forecast", "--as-of", "2024-07-01", "--out", str(csv), "--engine", "ray"]
    out = CliRunner().invoke(app, [*args, "--ray-address", ray_driver])
    assert out.exit_code == 0, out.output
    remote = pd.read_csv(csv, dtype={"customer_id": str})
    pd.testing.assert_frame_equal(remote, local, check_exact=False, rtol=0, atol=1e-6)


def test_ray_forecasts_a_postgresql_store_like_the_local_engine(
    trained: tuple[Settings, Any, pd.DataFrame], ray_driver: str, pg_url: str
) -> None:
    from analytics.test_forecasting import AS_OF

    from crm_insights.analytics.forecasting import Forecaster
    from crm_insights.store import make_engine

    settings, _, local = trained
    engine = make_engine(pg_url)
    _fill(engine)
    options = JobOptions("ray", ray_driver, actors=2, batch_size=4, cpus_per_actor=0.5, partition_rows=8)
    remote = run_forecast(engine, settings, options, Forecaster.load(settings), AS_OF)
    engine.dispose()
    # The ranges are cut by the server in code-point order (not its language collation): the local rows.
    pd.testing.assert_frame_equal(remote, local, check_exact=False, rtol=0, atol=1e-6)
