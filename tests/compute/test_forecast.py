"""`predict forecast` on a real Ray cluster: the same rows as the local engine."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from crm_insights.compute import JobOptions, run_forecast
from crm_insights.config import load_settings


def test_ray_forecast_rows_equal_local(ray_driver: str, tmp_path: Path) -> None:
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
    # 2 actors and ranges of predict_batch_size rows: several ranges per actor, each one model call.
    remote = run_forecast(engine, settings, JobOptions("ray", ray_driver, 2, 4, 0.5, 8), model, as_of=AS_OF)
    assert len(local) > 16 * 2
    pd.testing.assert_frame_equal(remote, local, check_exact=False, rtol=0, atol=1e-6)
