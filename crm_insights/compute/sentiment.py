"""`sentiment score` on either engine: same rows read, same values written, same resumability."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from crm_insights.analytics.sentiment.model import BAR_INFO, BAR_LABEL, SentimentModel
from crm_insights.analytics.sentiment.score import (
    count_unscored,
    score_rows,
    score_store,
    unscored_in_range,
    write_scores,
)
from crm_insights.compute.cluster import (
    JobOptions,
    actor_settings,
    check_store_for_cluster,
    id_ranges,
    range_width,
    ray_session,
    store_url,
)
from crm_insights.progress import progress_bar

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from crm_insights.config import Settings

# Called on the driver with each finished batch ({"id", "pid", "ready"} arrays: row ids, the actor's process id
# and the wall time its model was loaded); tests use it to stop or disturb a job, the bench to time it.
BatchHook = Callable[[dict[str, np.ndarray]], None]


def run_sentiment_score(
    engine: Engine,
    settings: Settings,
    options: JobOptions,
    model: SentimentModel | None = None,
    progress: bool = False,
    on_batch: BatchHook | None = None,
) -> tuple[int, str]:
    """Score every row not yet labelled by the current model; returns (rows scored, model version)."""
    m = model or SentimentModel.load(settings)
    if options.engine == "local":
        return score_store(engine, settings, progress=progress, model=m, batch_size=options.local_batch_size), m.version
    return _score_ray(engine, settings, options, m.version, progress, on_batch), m.version


def id_partitions(engine: Engine, version: str, width: int) -> list[dict[str, int]]:
    """Half-open id ranges [lo, hi) of ``width`` ids covering every row not yet scored by ``version``."""
    from sqlalchemy import func, or_, select

    from crm_insights.store.models import Feedback

    stmt = select(func.min(Feedback.id), func.max(Feedback.id)).where(
        or_(Feedback.sentiment_model.is_(None), Feedback.sentiment_model != version)
    )
    with engine.connect() as conn:
        lo, hi = conn.execute(stmt).one()
    return id_ranges(lo, hi, width)


class SentimentActor:
    """One per actor: loads the model and opens the store once, then takes id range after id range.

    Reading happens here, not in a separate read stage: the rows go from the store to the model without a
    trip through the object store, and a range reads only rows still unscored, so a rerun resumes.
    """

    def __init__(self, settings: Settings, version: str, url: str, batch_size: int):
        from crm_insights.store.db import make_engine

        self.model = SentimentModel.load(settings, version=version)
        self.engine = make_engine(url)
        self.batch_size = batch_size
        self.ready = time.time()  # model loaded: the end of this actor's start-up (the bench reads it)

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        done: list[int] = []
        for lo, hi in zip(batch["lo"], batch["hi"], strict=True):
            rows = unscored_in_range(self.engine, self.model.version, int(lo), int(hi))
            for i in range(0, len(rows), self.batch_size):
                chunk = rows[i : i + self.batch_size]
                write_scores(self.engine, self.model.version, score_rows(self.model, chunk))
                done += [r[0] for r in chunk]
        ids = np.array(done, dtype=np.int64)
        return {
            "id": ids,
            "pid": np.full(len(ids), os.getpid(), dtype=np.int64),
            "ready": np.full(len(ids), self.ready, dtype=np.float64),
        }


def _score_ray(
    engine: Engine,
    settings: Settings,
    options: JobOptions,
    version: str,
    progress: bool,
    on_batch: BatchHook | None,
) -> int:
    total = count_unscored(engine, version)
    parts = id_partitions(engine, version, range_width(total, options))
    if not parts:
        return 0
    url = store_url(engine)
    done = 0
    with ray_session(options.ray_address) as ray:
        check_store_for_cluster(engine)
        ds = ray.data.from_items(parts, override_num_blocks=len(parts)).map_batches(
            SentimentActor,
            batch_size=1,  # one id range per call: the unit of progress and of retry
            fn_constructor_kwargs={
                "settings": actor_settings(settings, options),
                "version": version,
                "url": url,
                "batch_size": options.batch_size,
            },
            compute=ray.data.ActorPoolStrategy(size=options.actors),  # a fixed pool: each actor loads once
            num_cpus=options.cpus_per_actor,
        )
        with progress_bar(progress, label=BAR_LABEL, extra=BAR_INFO) as bar:
            task = bar.add_task("scoring feedback (ray)", total=total, info=version)
            for out in ds.iter_batches(batch_size=None, batch_format="numpy"):
                done += len(out["id"])
                bar.update(task, completed=done)
                if on_batch is not None:
                    on_batch(out)
    # Counted in the store, not from the actors' replies: an actor killed after a write but before its reply
    # leaves rows its retried range no longer sees (already scored), which is what makes the retry write-once.
    return total - count_unscored(engine, version)


def scores_of(engine: Engine) -> dict[int, tuple[Any, Any, Any]]:
    """id -> (label, score, model) for every feedback row (what a job's output is compared by)."""
    from sqlalchemy import select

    from crm_insights.store.models import Feedback

    stmt = select(Feedback.id, Feedback.sentiment_label, Feedback.sentiment_score, Feedback.sentiment_model)
    with engine.connect() as conn:
        return {int(r[0]): (r[1], r[2], r[3]) for r in conn.execute(stmt)}
