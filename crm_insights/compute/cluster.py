"""Joining (or starting) a Ray cluster for one job, and the options every job shares."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from crm_insights.errors import ConfigError, StoreError

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from crm_insights.config import Settings

# Passed on to the workers: they load models from local paths and must never reach the hub.
_WORKER_ENV = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "TOKENIZERS_PARALLELISM")


@dataclass(frozen=True)
class JobOptions:
    engine: Literal["local", "ray"]
    ray_address: str | None
    actors: int
    batch_size: int  # rows per model call and per store write on a Ray actor
    cpus_per_actor: float
    partition_rows: int
    local_batch_size: int | None = None


def job_options(
    settings: Settings,
    engine: str | None = None,
    ray_address: str | None = None,
    actors: int | None = None,
    batch_size: int | None = None,
) -> JobOptions:
    """The compute block with the CLI's overrides applied (None keeps the configured value).

    A ``batch_size`` given here also sets the local engine's batch; without one the local engine keeps its
    own default (``sentiment.score_batch_size``).
    """
    c = settings.compute
    kind = engine or c.engine
    if kind not in ("local", "ray"):
        raise ConfigError(f"engine must be local or ray, got {kind!r}")
    return JobOptions(
        engine=kind,  # type: ignore[arg-type]
        ray_address=ray_address if ray_address is not None else c.ray_address,
        actors=actors or c.actors,
        batch_size=batch_size or c.batch_size,
        local_batch_size=batch_size,
        cpus_per_actor=c.cpus_per_actor,
        partition_rows=c.partition_rows,
    )


@contextmanager
def ray_session(address: str | None) -> Iterator[Any]:
    """Ray for one job: join ``address`` (``auto`` or ``host:port``), or start a private local instance.

    A session this call started is shut down at the end; a cluster it joined keeps running.
    """
    try:
        import ray
    except ImportError:
        raise ConfigError("the ray engine needs Ray: pip install -e '.[ray]'") from None

    # Ray Data's usage poller queries the dashboard's Prometheus, absent on a plain `ray start`, and logs a
    # traceback every 10 s; these jobs send no usage statistics anyway (a user's own setting still wins).
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    started = False
    if not ray.is_initialized():
        env = {k: os.environ[k] for k in _WORKER_ENV if k in os.environ}
        ray.init(
            address=address or "local",
            include_dashboard=False if not address else None,
            log_to_driver=False,
            runtime_env={"env_vars": env} if env else None,
        )
        started = True
        ray.data.DataContext.get_current().enable_progress_bars = False
        # The job prints its own progress; Ray Data's per-operator stats would drown it.
        logging.getLogger("ray.data").setLevel(logging.WARNING)
    try:
        yield ray
    finally:
        if started:
            ray.shutdown()


def actor_settings(settings: Settings, options: JobOptions) -> Settings:
    """The settings an actor loads its model with: torch threads = the CPUs Ray reserves for the actor.

    Ray reserves ``compute.cpus_per_actor`` per actor (at least one thread); the driver's
    ``runtime.torch_threads`` is sized for one process owning the machine, and 2 actors each running
    that many threads on 2 cores would fight over them.
    """
    threads = max(1, int(options.cpus_per_actor))
    return settings.model_copy(update={"runtime": settings.runtime.model_copy(update={"torch_threads": threads})})


def id_ranges(lo: int | None, hi: int | None, width: int) -> list[dict[str, int]]:
    """Half-open ranges [lo, hi) of ``width`` ids covering ``lo..hi`` inclusive (none when lo is None)."""
    if lo is None or hi is None:
        return []
    return [{"lo": a, "hi": min(a + width, int(hi) + 1)} for a in range(int(lo), int(hi) + 1, width)]


def range_width(rows: int, options: JobOptions) -> int:
    """Ids per read partition: compute.partition_rows, but at least 4 ranges per actor, so a small job still
    keeps every actor busy to the end (and a killed actor costs little)."""
    return max(1, min(options.partition_rows, -(-rows // (4 * options.actors))))


def store_url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def check_store_for_cluster(engine: Engine) -> None:
    """A SQLite store is one file on the driver's disk: refuse it when workers may run on other nodes."""
    import ray

    if engine.dialect.name != "sqlite":
        return
    nodes = [n for n in ray.nodes() if n.get("Alive")]
    if len(nodes) > 1:
        raise StoreError(
            f"the store is SQLite ({engine.url.database}) but the Ray cluster has {len(nodes)} nodes: workers on "
            "other nodes cannot reach that file. Point database.url at PostgreSQL "
            "(CRM_INSIGHTS_DATABASE__URL=postgresql+psycopg://...) or use a single-node cluster."
        )
