"""`predict forecast` on either engine.

On Ray each actor reads the orders of a range of customer ids itself, builds that range's weekly panel and
runs the forecaster on it; the driver only reads aggregates (the cutoff, the first order's week, the range
bounds) and puts the rows in the local engine's order. A range's panel is padded on the left to the weeks
of the whole panel, so every customer's features are those of the local engine's single panel; and a range
holds exactly the customers of one of the local engine's model calls (``predict_batch_size`` customers in
customer-id order), so every model call sees the same input matrix and returns the same numbers: a row's
forecast moves by up to ~1e-7 (relative) when other rows share its call.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import numpy as np

from crm_insights.analytics.forecasting import Forecaster, _panel_arrays
from crm_insights.analytics.sequences import WeeklyPanel, build_panel, to_timestamp
from crm_insights.compute.cluster import (
    JobOptions,
    actor_settings,
    check_store_for_cluster,
    ray_session,
    store_url,
)
from crm_insights.errors import InputError, NotFoundError

if TYPE_CHECKING:
    import pandas as pd
    from sqlalchemy import Engine

    from crm_insights.config import Settings

# Called on the driver with the number of customers in each finished range
# and the wall time (time.time()) the actor that did them had its model loaded (the bench times with it).
RowsHook = Callable[[int, float], None]


def weeks_back(cutoff: pd.Timestamp, first: Any) -> int:
    """Columns of a panel ending at ``cutoff`` whose earliest order is at ``first`` (as build_panel counts them)."""
    import pandas as pd

    day = pd.Timestamp(first).normalize()
    distance = (cutoff - day) / pd.Timedelta(days=1)
    return int(np.ceil(distance / 7.0) - 1) + 1


def _key(engine: Engine) -> Any:
    """Customer ids compared as Python compares strings (the local panel's order): by code point, i.e. by
    UTF-8 bytes; SQLite's default collation does that, PostgreSQL's "C" collation too."""
    from crm_insights.store.models import Customer

    return Customer.external_id.collate("C") if engine.dialect.name == "postgresql" else Customer.external_id


def range_starts(engine: Engine, cutoff: pd.Timestamp, every: int) -> list[str]:
    """The customer id at every ``every``-th place in the sorted ids of customers with an order before ``cutoff``
    (computed by the database: only the bounds come back)."""
    from sqlalchemy import func, select

    from crm_insights.store.models import Customer, Order

    key = _key(engine)
    bought = select(Order.id).where(Order.customer_id == Customer.id, Order.ordered_at < cutoff.to_pydatetime())
    place = func.row_number().over(order_by=key).label("place")
    ranked = select(Customer.external_id.label("cid"), place).where(bought.exists()).subquery()
    stmt = select(ranked.c.cid).where((ranked.c.place - 1) % every == 0).order_by(ranked.c.place)
    with engine.connect() as conn:
        return [str(c) for c in conn.execute(stmt).scalars()]


def orders_in_range(engine: Engine, lo: str, hi: str | None, until: pd.Timestamp) -> pd.DataFrame:
    """Order lines (customer_id, ordered_at, amount) before ``until`` of customers lo <= id < hi (None: no end)."""
    from sqlalchemy import select

    from crm_insights.store.frames import _read
    from crm_insights.store.models import Customer, Order

    key = _key(engine)
    stmt = (
        select(Customer.external_id.label("customer_id"), Order.ordered_at, Order.amount)
        .join(Customer, Customer.id == Order.customer_id)
        .where(key >= lo, Order.ordered_at < until.to_pydatetime())
    )
    if hi is not None:
        stmt = stmt.where(key < hi)
    # In order-line order, as the local engine's full scan meets them: a day's spend is summed in the same
    # order, to the same last bit.
    return _read(engine, stmt.order_by(Order.id), "ordered_at")


def pad_weeks(panel: WeeklyPanel, n_weeks: int) -> WeeklyPanel:
    """``panel`` with empty weeks added before its first column, up to ``n_weeks`` columns."""
    extra = n_weeks - panel.n_weeks
    if extra <= 0:
        return panel
    pad = np.zeros((panel.n_customers, extra), dtype=np.float32)
    return WeeklyPanel(
        customer_ids=panel.customer_ids,
        counts=np.concatenate([pad, panel.counts], axis=1),
        spend=np.concatenate([pad, panel.spend], axis=1),
        as_of=panel.as_of,
        first_week=panel.first_week + extra,
    )


class ForecastActor:
    """One per actor: loads the forecaster and opens the store once; reads, builds and scores range after range."""

    def __init__(
        self,
        settings: Settings,
        version: str | None,
        url: str,
        cutoff: pd.Timestamp,
        n_weeks: int,
        wanted: list[Any],
    ):
        import ray

        from crm_insights.store.db import make_engine

        self.forecaster = Forecaster.load(settings, version=version)
        self.engine = make_engine(url)
        self.ready = time.time()  # model loaded: the end of this actor's start-up (the bench reads it)
        self.cutoff = cutoff
        self.n_weeks = n_weeks
        # Customer keys asked for (a list wrapping an object reference, so Ray hands over the reference); None: all.
        self.wanted: np.ndarray | None = ray.get(wanted[0]) if wanted[0] is not None else None

    def __call__(self, batch: dict[str, np.ndarray], horizon_weeks: int) -> dict[str, np.ndarray]:
        ids: list[np.ndarray] = []
        exp: list[np.ndarray] = []
        p: list[np.ndarray] = []
        for lo, hi in zip(batch["lo"], batch["hi"], strict=True):
            orders = orders_in_range(self.engine, str(lo), str(hi) if hi else None, self.cutoff)
            if self.wanted is not None:
                orders = orders[orders["customer_id"].isin(self.wanted)]
            if orders.empty:
                continue
            panel = pad_weeks(build_panel(orders, self.cutoff), self.n_weeks)
            x, _ = _panel_arrays(panel, int(self.forecaster.config["max_history_weeks"]))
            e, a = self.forecaster.forecast_arrays(x, horizon_weeks)
            ids.append(panel.customer_ids.astype(str))
            exp.append(e)
            p.append(a)
        if not ids:
            out = {"customer_id": np.array([], dtype=str), "expected": np.zeros(0), "p_active": np.zeros(0)}
        else:
            out = {"customer_id": np.concatenate(ids), "expected": np.concatenate(exp), "p_active": np.concatenate(p)}
        return {**out, "ready": np.full(len(out["customer_id"]), self.ready, dtype=np.float64)}


def _checked_customers(engine: Engine, wanted: list[str], cutoff: pd.Timestamp, explicit: bool) -> list[int]:
    """Store keys of ``wanted`` (external ids); the local engine's errors for unknown ones and ones without orders."""
    from sqlalchemy import select

    from crm_insights.store.models import Customer, Order

    keys: dict[str, int] = {}
    have: set[int] = set()
    unique = sorted(set(wanted))
    with engine.connect() as conn:
        for start in range(0, len(unique), 5000):  # stay under bind-parameter limits
            chunk = unique[start : start + 5000]
            keys.update(
                (str(e), int(k))
                for e, k in conn.execute(
                    select(Customer.external_id, Customer.id).where(Customer.external_id.in_(chunk))
                )
            )
        unknown = [c for c in wanted if c not in keys]
        if unknown:
            raise NotFoundError(f"unknown customer id(s): {', '.join(unknown[:10])}")
        pks = sorted(set(keys.values()))
        for start in range(0, len(pks), 5000):
            chunk_pks = pks[start : start + 5000]
            before = select(Order.customer_id).where(
                Order.customer_id.in_(chunk_pks), Order.ordered_at < cutoff.to_pydatetime()
            )
            have.update(int(k) for k in conn.execute(before.distinct()).scalars())
    late = [c for c in wanted if keys[c] not in have]
    if late:
        when = f"before as_of={cutoff.date()}" if explicit else "in the store"
        raise InputError(
            f"customer(s) {', '.join(late[:10])} have no purchase {when}: a forecast needs at least one purchase"
        )
    return pks


def _ray_forecast(
    engine: Engine,
    settings: Settings,
    options: JobOptions,
    forecaster: Forecaster,
    as_of: datetime | date | str | None,
    horizon_weeks: int,
    customer_ids: list[str] | None,
    on_rows: RowsHook | None,
) -> pd.DataFrame:
    import pandas as pd
    from sqlalchemy import func, select

    from crm_insights.store.models import Order

    h = forecaster.check_horizon(horizon_weeks)
    if as_of is not None:
        cutoff = to_timestamp(as_of)
    else:
        with engine.connect() as conn:
            last = conn.execute(select(func.max(Order.ordered_at))).scalar_one()
        if last is None:
            raise InputError("no orders in the store: nothing to forecast from")
        cutoff = pd.Timestamp(last).normalize() + pd.Timedelta(days=1)  # as default_as_of: the day after the last
    wanted = [str(c) for c in customer_ids] if customer_ids is not None else None
    pks = _checked_customers(engine, wanted, cutoff, as_of is not None) if wanted is not None else None

    if pks is not None:
        first = _first_order(engine, pks, cutoff)
        starts = sorted(set(wanted or []))[:: forecaster.batch_rows]
    else:
        with engine.connect() as conn:
            first = conn.execute(select(func.min(Order.ordered_at)).where(Order.ordered_at < cutoff.to_pydatetime()))
            first = first.scalar_one()
        starts = range_starts(engine, cutoff, forecaster.batch_rows) if first is not None else []
    if first is None:
        when = f"before as_of={cutoff.date()}" if as_of is not None else "in the store"
        raise InputError(f"no orders {when}: nothing to forecast from")
    n_weeks = weeks_back(cutoff, first)
    # One range per model call of the local engine ("" ends the last range: no upper bound).
    parts = [{"lo": lo, "hi": hi} for lo, hi in zip(starts, [*starts[1:], ""], strict=True)]

    with ray_session(options.ray_address) as ray:
        check_store_for_cluster(engine)
        ds = ray.data.from_items(parts, override_num_blocks=len(parts)).map_batches(
            ForecastActor,
            batch_size=1,  # one range per call
            fn_constructor_kwargs={
                "settings": actor_settings(settings, options),
                "version": forecaster.version,
                "url": store_url(engine),
                "cutoff": cutoff,
                "n_weeks": n_weeks,
                "wanted": [ray.put(np.array(sorted(set(wanted)), dtype=object)) if wanted is not None else None],
            },
            fn_kwargs={"horizon_weeks": h},
            compute=ray.data.ActorPoolStrategy(size=options.actors),
            num_cpus=options.cpus_per_actor,
        )
        got = []
        for b in ds.iter_batches(batch_size=None, batch_format="numpy"):
            got.append(b)
            if on_rows is not None:
                on_rows(len(b["customer_id"]), float(b["ready"].min()) if len(b["ready"]) else time.time())
    ids = np.concatenate([b["customer_id"] for b in got]).astype(str) if got else np.zeros(0, dtype=str)
    order = np.argsort(ids, kind="stable")  # the local panel's order: customer ids sorted as strings
    frame = pd.DataFrame(
        {
            "customer_id": ids[order].astype(object),
            "expected_purchases": np.concatenate([b["expected"] for b in got])[order] if got else np.zeros(0),
            "p_active": np.concatenate([b["p_active"] for b in got])[order] if got else np.zeros(0),
        }
    )
    if wanted is not None:
        frame = frame.set_index("customer_id").loc[wanted].reset_index()
    return frame


def _first_order(engine: Engine, pks: list[int], cutoff: pd.Timestamp) -> Any:
    from sqlalchemy import func, select

    from crm_insights.store.models import Order

    firsts = []
    with engine.connect() as conn:
        for start in range(0, len(pks), 5000):
            chunk = pks[start : start + 5000]
            stmt = select(func.min(Order.ordered_at)).where(
                Order.customer_id.in_(chunk), Order.ordered_at < cutoff.to_pydatetime()
            )
            firsts.append(conn.execute(stmt).scalar_one())
    return min((f for f in firsts if f is not None), default=None)


def run_forecast(
    engine: Engine,
    settings: Settings,
    options: JobOptions,
    forecaster: Forecaster,
    as_of: datetime | None = None,
    horizon_weeks: int = 13,
    customer_ids: list[str] | None = None,
    on_rows: RowsHook | None = None,
) -> pd.DataFrame:
    """Per-customer forecast frame (customer_id, expected_purchases, p_active), identical on both engines."""
    if options.engine == "local":
        return forecaster.predict(engine, as_of=as_of, horizon_weeks=horizon_weeks, customer_ids=customer_ids)
    return _ray_forecast(engine, settings, options, forecaster, as_of, horizon_weeks, customer_ids, on_rows)
