"""`index build|update` on either engine: Ray actors read and embed, the driver builds and saves the FAISS index.

On Ray, actors read the feedback from the store themselves: first in id ranges (like sentiment scoring) for
ids, text hashes and lengths, and which rows the index lacks (all for a build; new or edited ones for an
update: the driver hands the current index's ids and text hashes to every actor once); then, in the chunks
the local engine would embed, the texts to embed. The driver gets back ids, hashes, lengths and vectors only,
and adds the vectors in id order as the local engine does, so both engines build the same index.
"""

from __future__ import annotations

import pickle
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import numpy as np

from crm_insights.compute.cluster import (
    JobOptions,
    actor_settings,
    check_store_for_cluster,
    id_ranges,
    range_width,
    ray_session,
    store_url,
)
from crm_insights.indexes.feedback_index import (
    EMBED_CHUNK,
    FeedbackIndex,
    _lock,
    _split_texts,
    _write,
    apply_update,
    build_index,
    choose_kind,
    make_index,
    needs_embedding,
    read_manifest,
    text_hash,
    unchanged,
    update_index,
)
from crm_insights.progress import progress_bar

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from crm_insights.config import Settings

# Called on the driver with the number of feedback rows in each finished chunk
# and the wall time (time.time()) the actor that did them had its model loaded (the bench times with it).
RowsHook = Callable[[int, float], None]


def texts_in_range(engine: Engine, lo: int, hi: int) -> tuple[np.ndarray, list[str]]:
    """(ids, texts) of the feedback with lo <= id < hi, ordered by id (one read partition)."""
    from sqlalchemy import select

    from crm_insights.store.models import Feedback

    stmt = select(Feedback.id, Feedback.text).where(Feedback.id >= lo, Feedback.id < hi).order_by(Feedback.id)
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    return np.array([r[0] for r in rows], dtype=np.int64), [str(r[1] or "") for r in rows]


class ScanActor:
    """Reads id ranges: per range the non-empty rows' ids, text hashes and lengths, the empty ones, and (with
    ``known``, the current index's sorted ids and text hashes, in a list so Ray hands over the reference)
    which rows an update must embed."""

    def __init__(self, url: str, known: list[Any]):
        import ray

        from crm_insights.store.db import make_engine

        self.engine = make_engine(url)
        self.known: tuple[np.ndarray, np.ndarray] | None = ray.get(known[0]) if known[0] is not None else None

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        parts = []
        for lo, hi in zip(batch["lo"], batch["hi"], strict=True):
            ids, texts = texts_in_range(self.engine, int(lo), int(hi))
            ids, texts, skipped = _split_texts(ids, texts)
            hashes = np.array([text_hash(t) for t in texts], dtype=np.int64)
            todo = np.ones(len(ids), dtype=bool) if self.known is None else needs_embedding(*self.known, ids, hashes)
            lengths = np.array([len(t) for t in texts], dtype=np.int64)
            parts.append({"ids": ids, "hashes": hashes, "embed": todo, "lengths": lengths, "skipped": skipped})
        return {"part": _blobs(parts)}


class EmbedActor:
    """One per actor: loads the embedder and opens the store once, then reads and embeds chunk after chunk."""

    def __init__(self, settings: Settings, url: str):
        from crm_insights.encoders.embeddings import get_embedder
        from crm_insights.store.db import make_engine

        self.embedder = get_embedder(settings)
        self.engine = make_engine(url)
        self.ready = time.time()  # model loaded: the end of this actor's start-up (the bench reads it)

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        from sqlalchemy import select

        from crm_insights.store.models import Feedback

        e = self.embedder
        parts = []
        for blob in batch["chunk"]:
            ids = pickle.loads(blob)  # noqa: S301 - written by this job's driver
            with self.engine.connect() as conn:
                found = dict(
                    conn.execute(select(Feedback.id, Feedback.text).where(Feedback.id.in_(ids.tolist()))).all()
                )
            texts = [str(found.get(int(i)) or "") for i in ids]  # in the chunk's order: the local engine's
            keep = np.array([bool(t.strip()) for t in texts], dtype=bool)  # emptied since the scan: left out
            texts = [t for t, k in zip(texts, keep, strict=True) if k]
            parts.append(
                {
                    "ids": ids[keep],
                    "vectors": e.embed_passages(texts) if texts else np.zeros((0, e.dim), dtype=np.float32),
                    "truncated": sum(n > e.max_tokens for n in e.token_counts(texts)),
                    "ready": self.ready,
                    "embedder": {
                        "model_id": e.model_id,
                        "model_hash": e.model_hash,
                        "max_tokens": e.max_tokens,
                        "dtype": e.dtype,
                    },  # fmt: skip
                }
            )
        return {"part": _blobs(parts)}


def _blobs(parts: list[Any]) -> np.ndarray:
    """Pickled parts as a bytes column (Arrow binary, whatever the shapes of the arrays inside)."""
    col = np.empty(len(parts), dtype=object)
    col[:] = [pickle.dumps(p, protocol=pickle.HIGHEST_PROTOCOL) for p in parts]
    return col


def _parts(ds: Any) -> Any:
    for b in ds.iter_batches(batch_size=None, batch_format="numpy"):
        for blob in b["part"]:
            yield pickle.loads(blob)  # noqa: S301 - written by this job's own actors


@dataclass
class Embedded:
    """What the actors sent back, in id order: every non-empty row's id and text hash, vectors of those embedded."""

    ids: np.ndarray
    hashes: np.ndarray
    embedded: np.ndarray  # bool per id: a vector for it is in ``vectors``
    vectors: np.ndarray
    skipped: list[int]
    truncated: int
    embedder: Any = field(default=None)  # model_id, model_hash, max_tokens, dtype as the actors report them


def ray_embed_store(
    engine: Engine,
    settings: Settings,
    options: JobOptions,
    ray: Any,
    known: tuple[np.ndarray, np.ndarray] | None,
    progress: bool = False,
    on_rows: RowsHook | None = None,
) -> Embedded:
    """Embed the store's feedback that ``known`` lacks on an actor pool (inside a ray_session), in two passes.

    1. Actors read id ranges: ids, text hashes, lengths, empty texts, what an update must embed.
    2. The driver cuts the texts to embed exactly as the local engine does (longest first, EMBED_CHUNK per
       call); actors read each chunk's texts by id and embed it. Each chunk meets the padding and batches it
       meets locally, so its vectors equal the local ones and a near tie in a search ranks the same way.
    """
    from sqlalchemy import func, select

    from crm_insights.store.models import Feedback

    check_store_for_cluster(engine)
    url = store_url(engine)
    with engine.connect() as conn:
        lo, hi, total = conn.execute(select(func.min(Feedback.id), func.max(Feedback.id), func.count())).one()
    ranges = id_ranges(lo, hi, range_width(int(total or 0), options))
    scan: dict[str, list[Any]] = {k: [] for k in ("ids", "hashes", "embed", "lengths", "skipped")}
    if ranges:
        ds = ray.data.from_items(ranges, override_num_blocks=len(ranges)).map_batches(
            ScanActor,
            batch_size=1,
            fn_constructor_kwargs={"url": url, "known": [ray.put(known) if known is not None else None]},
            compute=ray.data.ActorPoolStrategy(size=options.actors),
            num_cpus=options.cpus_per_actor,
        )
        for part in _parts(ds):
            for key in scan:
                scan[key].append(part[key])

    def cat(key: str, dtype: Any) -> np.ndarray:
        return np.concatenate(scan[key]).astype(dtype) if scan[key] else np.zeros(0, dtype=dtype)

    ids, hashes, todo, lengths = (
        cat("ids", np.int64),
        cat("hashes", np.int64),
        cat("embed", bool),
        cat("lengths", np.int64),
    )
    order = np.argsort(ids, kind="stable")  # ranges come back in any order
    ids, hashes, todo, lengths = ids[order], hashes[order], todo[order], lengths[order]
    skipped = sorted(int(s) for part in scan["skipped"] for s in part)

    new_ids = ids[todo]  # the local engine's order: id order, then longest first (stable)
    by_length = new_ids[np.argsort(-lengths[todo], kind="stable")]
    chunks = [by_length[i : i + EMBED_CHUNK] for i in range(0, len(by_length), EMBED_CHUNK)]
    vectors: np.ndarray | None = None  # one row per new id, in id order
    got = np.zeros(len(new_ids), dtype=bool)
    truncated = 0
    described: dict[str, Any] = {}
    if chunks:
        ds = ray.data.from_items(
            [{"chunk": pickle.dumps(c)} for c in chunks], override_num_blocks=len(chunks)
        ).map_batches(
            EmbedActor,
            batch_size=1,  # one chunk per call
            fn_constructor_kwargs={"settings": actor_settings(settings, options), "url": url},
            compute=ray.data.ActorPoolStrategy(size=options.actors),
            num_cpus=options.cpus_per_actor,
        )
        with progress_bar(progress, eta=True) as bar:
            task = bar.add_task("embedding feedback (ray)", total=len(new_ids))
            for part in _parts(ds):
                if vectors is None:
                    vectors = np.zeros((len(new_ids), part["vectors"].shape[1]), dtype=np.float32)
                pos = np.searchsorted(new_ids, part["ids"])
                vectors[pos] = part["vectors"]
                got[pos] = True
                truncated += int(part["truncated"])
                described = part["embedder"]
                bar.advance(task, len(part["ids"]))
                if on_rows is not None:
                    on_rows(len(part["ids"]), part["ready"])
    if not described:  # nothing embedded: the driver describes its own embedder
        from crm_insights.encoders.embeddings import get_embedder

        e = get_embedder(settings)
        described = {"model_id": e.model_id, "model_hash": e.model_hash, "max_tokens": e.max_tokens, "dtype": e.dtype}
        vectors = np.zeros((len(new_ids), e.dim), dtype=np.float32)
    assert vectors is not None
    # A text emptied between the two passes is neither embedded nor kept (the next update sees it as skipped).
    gone_ids = new_ids[~got]
    keep = ~np.isin(ids, gone_ids)
    return Embedded(
        ids=ids[keep],
        hashes=hashes[keep],
        embedded=todo[keep],
        vectors=vectors[got],
        skipped=sorted([*skipped, *(int(i) for i in gone_ids)]),
        truncated=truncated,
        embedder=SimpleNamespace(**described),
    )


def run_index_build(
    engine: Engine, settings: Settings, options: JobOptions, progress: bool = False, on_rows: RowsHook | None = None
) -> dict[str, Any]:
    if options.engine == "local":
        return build_index(engine, settings, progress=progress)
    with ray_session(options.ray_address) as ray:
        got = ray_embed_store(engine, settings, options, ray, None, progress, on_rows)
    index = make_index(choose_kind(len(got.ids), settings), got.vectors, got.ids, settings)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    with _lock(settings):
        return _write(
            settings,
            index,
            got.ids,
            got.hashes,
            got.embedder,
            built_at=now,
            skipped=got.skipped,
            truncated=got.truncated,
            stats={"embedded": len(got.ids), "added": len(got.ids), "removed": 0, "reembedded": 0},
        )


def run_index_update(
    engine: Engine, settings: Settings, options: JobOptions, progress: bool = False, on_rows: RowsHook | None = None
) -> dict[str, Any]:
    if options.engine == "local":
        return update_index(engine, settings, progress=progress)
    if read_manifest(settings) is None:
        return run_index_build(engine, settings, options, progress=progress, on_rows=on_rows)
    with _lock(settings):
        current = FeedbackIndex.load(settings)  # refuses a model mismatch before any work
        with ray_session(options.ray_address) as ray:
            got = ray_embed_store(
                engine, settings, options, ray, (current._sorted_ids, current._hash_by_sorted), progress, on_rows
            )
        if unchanged(current, got.ids, got.embedded, got.skipped):
            return current.manifest
        return apply_update(
            settings, current, got.embedder, got.ids, got.hashes, got.skipped, got.embedded, got.vectors, got.truncated
        )
