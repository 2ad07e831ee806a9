"""`predict forecast` on a real Ray cluster: the same rows as the local engine."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from crm_insights.compute import JobOptions, run_forecast
from crm_insights.config import load_settings


def test_ray_forecast_rows_equal_local(ray_driver: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from analytics.test_forecasting import AS_OF, synthetic_orders

    from crm_insights.analytics.forecasting import Forecaster, train_forecast
    from crm_insights.store import Customer, Order, make_engine, migrate, session_scope

    forecast = {"hidden_size": 8, "epochs": 2, "batch_size": 16, "patience": 1, "train_window_weeks": 8,
                "predict_batch_size": 16}  # fmt: skip
    settings = load_settings(home=tmp_path, forecast=forecast, runtime={"torch_threads": 1})
    engine = make_engine(settings.database_url)
    migrate(engine)
    orders = synthetic_orders()
    with session_scope(engine) as s:
        customers = {c: Customer(external_id=c) for c in sorted(orders["customer_id"].unique())}
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
    train_forecast(engine, settings, as_of=AS_OF, progress=False)
    model = Forecaster.load(settings)
    local = run_forecast(engine, settings, JobOptions("local", None, 1, 4, 0.5, 8), model, as_of=AS_OF)
    assert len(local) > 16 * 2  # several ranges of predict_batch_size rows for the 2 actors below

    # Through the CLI, as a user runs it; the CSV keeps every digit (pandas writes floats round-trip).
    from typer.testing import CliRunner

    from crm_insights.cli import app
    from crm_insights.config import get_settings

    monkeypatch.setenv("CRM_INSIGHTS_HOME", str(tmp_path))
    monkeypatch.setenv("CRM_INSIGHTS_COMPUTE__ACTORS", "2")
    get_settings.cache_clear()
    csv = tmp_path / "forecast.csv"
    args = ["predict", "forecast", "--as-of", "2024-07-01", "--out", str(csv), "--engine", "ray"]
    out = CliRunner().invoke(app, [*args, "--ray-address", ray_driver])
    assert out.exit_code == 0, out.output
    remote = pd.read_csv(csv, dtype={"customer_id": str})
    pd.testing.assert_frame_equal(remote, local, check_exact=False, rtol=0, atol=1e-6)
