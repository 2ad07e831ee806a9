"""`predict forecast` on either engine: the driver builds the weekly panel, Ray actors run the models."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np

from crm_insights.analytics.forecasting import Forecaster
from crm_insights.compute.cluster import JobOptions, ray_session

if TYPE_CHECKING:
    import pandas as pd
    from sqlalchemy import Engine

    from crm_insights.config import Settings


class ForecastActor:
    """One per actor: loads the forecaster once; scores row ranges of the panel's feature array."""

    def __init__(self, settings: Settings, version: str | None, x_ref: list[Any]):
        import ray

        self.forecaster = Forecaster.load(settings, version=version)
        self.x = ray.get(x_ref[0])  # wrapped in a list so Ray hands over the reference, fetched once here

    def __call__(self, batch: dict[str, np.ndarray], horizon_weeks: int) -> dict[str, np.ndarray]:
        pos, exp, p = [], [], []
        for lo, hi in zip(batch["lo"], batch["hi"], strict=True):
            e, a = self.forecaster.forecast_arrays(self.x[int(lo) : int(hi)], horizon_weeks)
            pos.append(np.arange(int(lo), int(hi)))
            exp.append(e)
            p.append(a)
        return {"pos": np.concatenate(pos), "expected": np.concatenate(exp), "p_active": np.concatenate(p)}


class _RayForecaster(Forecaster):
    """The loaded forecaster whose array scoring runs on an actor pool."""

    def __init__(self, base: Forecaster, settings: Settings, options: JobOptions, ray: Any):
        super().__init__(base.models, base.config, version=base.version, metrics=base.metrics, settings=settings)
        self._run_settings = settings
        self._options = options
        self._ray = ray

    def forecast_arrays(self, x: np.ndarray, horizon_weeks: int) -> tuple[np.ndarray, np.ndarray]:
        n = len(x)
        # Ranges at multiples of the local batch size: each model call sees the rows it sees locally.
        step = self.batch_rows * max(1, -(-n // (self.batch_rows * self._options.actors * 4)))
        step = min(step, max(self.batch_rows, -(-n // self._options.actors)))
        step = -(-step // self.batch_rows) * self.batch_rows
        ranges = [{"lo": a, "hi": min(a + step, n)} for a in range(0, n, step)]
        ds = self._ray.data.from_items(ranges, override_num_blocks=len(ranges)).map_batches(
            ForecastActor,
            batch_size=1,
            fn_constructor_kwargs={
                "settings": self._run_settings,
                "version": self.version,
                "x_ref": [self._ray.put(x)],
            },
            fn_kwargs={"horizon_weeks": horizon_weeks},
            compute=self._ray.data.ActorPoolStrategy(size=self._options.actors),
            num_cpus=self._options.cpus_per_actor,
        )
        expected = np.zeros(n, dtype=np.float64)
        p_active = np.zeros(n, dtype=np.float64)
        for b in ds.iter_batches(batch_size=None, batch_format="numpy"):
            expected[b["pos"]] = b["expected"]
            p_active[b["pos"]] = b["p_active"]
        return expected, p_active


def run_forecast(
    engine: Engine,
    settings: Settings,
    options: JobOptions,
    forecaster: Forecaster,
    as_of: datetime | None = None,
    horizon_weeks: int = 13,
    customer_ids: list[str] | None = None,
) -> pd.DataFrame:
    """Per-customer forecast frame (customer_id, expected_purchases, p_active), identical on both engines."""
    if options.engine == "local":
        return forecaster.predict(engine, as_of=as_of, horizon_weeks=horizon_weeks, customer_ids=customer_ids)
    with ray_session(options.ray_address) as ray:
        remote = _RayForecaster(forecaster, settings, options, ray)
        return remote.predict(engine, as_of=as_of, horizon_weeks=horizon_weeks, customer_ids=customer_ids)
