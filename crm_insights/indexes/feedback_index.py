"""The FAISS index over feedback texts: build, update, status, filtered semantic search.

Layout, under ``<indexes_dir>/feedback/``:

- ``manifest.json``: embedding model id and hash, dimension, count, index kind, built/updated
  times, the data files of this version (with their sha256), feedback skipped as empty;
- ``index-<version>.faiss``: an ``IndexIDMap2`` whose ids are feedback ids (the store's primary
  key) over ``IndexFlatIP`` (exact), ``IndexHNSWFlat`` or ``IndexIVFFlat`` (approximate), all
  inner product over unit vectors, i.e. cosine similarity;
- ``rows-<version>.npz``: feedback id and a hash of the embedded text for each vector, so that
  ``update`` re-embeds edited texts.

Writes are atomic: a new version's data files are written and synced first, then
``manifest.json`` is replaced in one ``os.replace``, which is the commit point. A crash leaves the
previous version intact (orphan data files are removed by the next write). A file lock serialises
writers.

Search applies filters exactly: the store says which feedback matches (customer, sentiment,
dates); when that set is at most ``index.exact_threshold`` vectors their stored vectors are scored
exhaustively (exact top-k whatever the index kind), otherwise FAISS searches with an ID selector.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import Engine, select

from crm_insights.encoders.embeddings import Embedder, get_embedder, model_identity
from crm_insights.errors import ArtifactError, InputError, NotFoundError, NotReadyError
from crm_insights.labels import SENTIMENT_LABELS
from crm_insights.progress import progress_bar
from crm_insights.store.models import Customer, Feedback

if TYPE_CHECKING:
    from crm_insights.config import Settings

log = logging.getLogger(__name__)

INDEX_NAME = "feedback"
MANIFEST = "manifest.json"
FORMAT_VERSION = 1
BUILD_HINT = "crm-insights index build"
EMBED_CHUNK = 512  # texts per embedding call: bounds memory and paces the progress bar
MAX_K = 1000


def index_dir(settings: Settings) -> Path:
    return settings.indexes_dir / INDEX_NAME


def text_hash(text: str) -> int:
    """A 63-bit fingerprint of a text (to notice edits of already-indexed feedback)."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little") >> 1


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _fsync_file(path: Path) -> None:
    with path.open("rb") as fh:
        os.fsync(fh.fileno())


def read_manifest(settings: Settings) -> dict[str, Any] | None:
    """The index manifest, None when no index was built; ArtifactError when it is unreadable."""
    path = index_dir(settings) / MANIFEST
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ArtifactError(
            f"the feedback index manifest {path} is unreadable ({exc}); rebuild: `{BUILD_HINT}`"
        ) from exc
    if not isinstance(data, dict) or data.get("kind") != INDEX_NAME:
        raise ArtifactError(f"{path} is not a feedback index manifest; rebuild: `{BUILD_HINT}`")
    return data


# ---------------------------------------------------------------------------------------------
# building FAISS structures
# ---------------------------------------------------------------------------------------------


def choose_kind(n: int, settings: Settings) -> str:
    """flat below ``index.exact_threshold`` vectors, else HNSW (``index.kind`` may force one)."""
    kind = settings.index.kind
    if kind != "auto":
        return kind
    return "flat" if n < settings.index.exact_threshold else "hnsw"


def ivf_nlist(n: int, settings: Settings) -> int:
    """Number of IVF lists: configured, else about sqrt(n), never more than n/39 (FAISS's training floor)."""
    want = settings.index.ivf_nlist or int(np.sqrt(max(n, 1)))
    return int(max(1, min(want, n // 39 if n >= 39 else 1)))


def make_index(
    kind: str, vectors: np.ndarray, ids: np.ndarray, settings: Settings, seed: int = 0, trained_ivf: Any = None
) -> Any:
    """An IndexIDMap2 of ``kind`` holding ``vectors`` under ``ids``.

    IVF is trained on a sample of ``vectors``, or reuses the centroids of ``trained_ivf`` (updates).
    """
    import faiss

    dim = vectors.shape[1]
    cfg = settings.index
    base: Any
    if kind == "flat":
        base = faiss.IndexFlatIP(dim)
    elif kind == "hnsw":
        base = faiss.IndexHNSWFlat(dim, cfg.hnsw_m, faiss.METRIC_INNER_PRODUCT)
        base.hnsw.efConstruction = cfg.hnsw_ef_construction
        base.hnsw.efSearch = cfg.hnsw_ef_search
    elif kind == "ivf" and trained_ivf is not None:
        base = faiss.clone_index(trained_ivf)
        base.reset()
        base.nprobe = cfg.ivf_nprobe
        base.make_direct_map()
    elif kind == "ivf":
        nlist = ivf_nlist(len(vectors), settings)
        quantizer = faiss.IndexFlatIP(dim)
        base = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)
        sample = vectors
        # 64 points per list train centroids well (FAISS's floor is 39) and keep 1M-vector training
        # to about a minute on 2 cores; FAISS's own cap, 256 per list, would take minutes.
        cap = 64 * nlist
        base.cp.max_points_per_centroid = 64
        if len(vectors) > cap:
            rng = np.random.default_rng(seed)
            sample = vectors[np.sort(rng.choice(len(vectors), cap, replace=False))]
        base.train(np.ascontiguousarray(sample))
        base.nprobe = cfg.ivf_nprobe
        base.make_direct_map()  # lets stored vectors be read back (themes, rebuilds, exact filtered search)
    else:
        raise InputError(f"unknown index kind {kind!r}: expected flat, hnsw or ivf")
    index = faiss.IndexIDMap2(base)
    if len(vectors):
        index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), np.ascontiguousarray(ids, dtype=np.int64))
    return index


def _inner(index: Any) -> Any:
    import faiss

    return faiss.downcast_index(index.index)


def _kind_of(index: Any) -> str:
    import faiss

    inner = _inner(index)
    if isinstance(inner, faiss.IndexHNSWFlat):
        return "hnsw"
    if isinstance(inner, faiss.IndexIVFFlat):
        return "ivf"
    return "flat"


def stored_ids(index: Any) -> np.ndarray:
    import faiss

    return faiss.vector_to_array(index.id_map).astype(np.int64)


def reconstruct_all(index: Any) -> np.ndarray:
    """Every stored vector, in id_map order."""
    inner = _inner(index)
    if index.ntotal == 0:
        return np.zeros((0, index.d), dtype=np.float32)
    if _kind_of(index) == "ivf" and inner.direct_map.no():
        inner.make_direct_map()
    return np.asarray(inner.reconstruct_n(0, index.ntotal), dtype=np.float32)


# ---------------------------------------------------------------------------------------------
# store access
# ---------------------------------------------------------------------------------------------


def _store_texts(engine: Engine) -> tuple[np.ndarray, list[str]]:
    """All feedback (id, text) in the store, ordered by id."""
    with engine.connect() as conn:
        rows = conn.execute(select(Feedback.id, Feedback.text).order_by(Feedback.id)).all()
    return np.array([r[0] for r in rows], dtype=np.int64), [r[1] or "" for r in rows]


def _day_bounds(
    since: date | datetime | None, until: date | datetime | None
) -> tuple[datetime | None, datetime | None]:
    """since inclusive; until inclusive of its whole day when a date, exclusive when a datetime."""
    lo = hi = None
    if since is not None:
        lo = since if isinstance(since, datetime) else datetime.combine(since, time.min)
    if until is not None:
        hi = until if isinstance(until, datetime) else datetime.combine(until, time.min) + timedelta(days=1)
    if lo is not None and hi is not None and lo >= hi:
        raise InputError(f"since ({since}) must be before until ({until})")
    return lo, hi


def validate_filters(sentiment: str | None, since: Any, until: Any) -> None:
    if sentiment is not None and sentiment not in SENTIMENT_LABELS:
        raise InputError(f"sentiment must be one of {', '.join(SENTIMENT_LABELS)}, got {sentiment!r}")
    for name, value in (("since", since), ("until", until)):
        if value is not None and not isinstance(value, date):
            raise InputError(f"{name} must be a date, got {value!r}")
    _day_bounds(since, until)


def filtered_feedback_ids(
    engine: Engine,
    customer_ids: list[str] | None = None,
    sentiment: str | None = None,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
) -> np.ndarray | None:
    """Ids of feedback matching the filters (None when there are no filters).

    Unknown customer ids raise NotFoundError when none of them exists; a sentiment filter over a
    store whose feedback has no labels yet raises NotReadyError (say how to score it).
    """
    validate_filters(sentiment, since, until)
    if customer_ids is None and sentiment is None and since is None and until is None:
        return None
    stmt = select(Feedback.id)
    with engine.connect() as conn:
        if customer_ids is not None:
            wanted = sorted({str(c) for c in customer_ids})
            if not wanted:
                return np.zeros(0, dtype=np.int64)
            pks = _customer_pks(conn, wanted)
            if not pks:
                shown = ", ".join(wanted[:5]) + (" ..." if len(wanted) > 5 else "")
                raise NotFoundError(f"no such customer: {shown}")
            stmt = stmt.where(Feedback.customer_id.in_(pks))
        if sentiment is not None:
            labelled = conn.execute(select(Feedback.id).where(Feedback.sentiment_label.is_not(None)).limit(1)).first()
            if labelled is None:
                raise NotReadyError(
                    "no feedback has a sentiment label yet: run `crm-insights sentiment score` to filter by sentiment"
                )
            stmt = stmt.where(Feedback.sentiment_label == sentiment)
        lo, hi = _day_bounds(since, until)
        if lo is not None:
            stmt = stmt.where(Feedback.created_at >= lo)
        if hi is not None:
            stmt = stmt.where(Feedback.created_at < hi)
        ids = conn.execute(stmt).scalars().all()
    return np.array(sorted(ids), dtype=np.int64)


def _customer_pks(conn: Any, external_ids: list[str]) -> list[int]:
    pks: list[int] = []
    for start in range(0, len(external_ids), 5000):  # stay under bind-parameter limits
        chunk = external_ids[start : start + 5000]
        pks.extend(conn.execute(select(Customer.id).where(Customer.external_id.in_(chunk))).scalars().all())
    return pks


def feedback_rows(engine: Engine, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Store rows for feedback ids: id -> {feedback_id, external_id, customer_id, text, created_at, sentiment}."""
    ids = [int(i) for i in ids]
    out: dict[int, dict[str, Any]] = {}
    with engine.connect() as conn:
        for start in range(0, len(ids), 5000):
            chunk = ids[start : start + 5000]
            stmt = (
                select(
                    Feedback.id,
                    Feedback.external_id,
                    Customer.external_id,
                    Feedback.text,
                    Feedback.created_at,
                    Feedback.sentiment_label,
                    Feedback.sentiment_score,
                    Feedback.channel,
                )
                .join(Customer, Customer.id == Feedback.customer_id)
                .where(Feedback.id.in_(chunk))
            )
            for fid, ext, cust, text, created, label, score, channel in conn.execute(stmt):
                out[int(fid)] = {
                    "feedback_id": int(fid),
                    "external_id": ext,
                    "customer_id": str(cust),
                    "text": text,
                    "created_at": created.isoformat() if created is not None else None,
                    "sentiment": label,
                    "sentiment_score": score,
                    "channel": channel,
                }
    return out


# ---------------------------------------------------------------------------------------------
# the loaded index
# ---------------------------------------------------------------------------------------------


class FeedbackIndex:
    """A loaded feedback index, checked against the configured embedding model."""

    def __init__(self, settings: Settings, manifest: dict[str, Any], index: Any, text_hashes: np.ndarray):
        self.settings = settings
        self.manifest = manifest
        self.index = index
        self.kind = _kind_of(index)
        self.ids = stored_ids(index)
        order = np.argsort(self.ids, kind="stable")
        self._sorted_ids = self.ids[order]
        self._sorted_pos = order
        self._hash_by_sorted = text_hashes
        self._embedder: Embedder | None = None
        self._lock = threading.Lock()
        self._configure()

    # -- loading ---------------------------------------------------------------------------------
    @classmethod
    def load(cls, settings: Settings | None = None, check_model: bool = True) -> FeedbackIndex:
        """Load and verify the index; NotReadyError if none, ArtifactError if corrupt or built by another model."""
        import faiss

        from crm_insights.config import get_settings

        settings = settings or get_settings()
        manifest = read_manifest(settings)
        if manifest is None:
            raise NotReadyError(f"no feedback index yet: run `{BUILD_HINT}` (after `crm-insights setup`)")
        if manifest.get("format_version") != FORMAT_VERSION:
            raise ArtifactError(
                f"the feedback index has format {manifest.get('format_version')}, this version reads "
                f"{FORMAT_VERSION}; rebuild: `{BUILD_HINT}`"
            )
        if check_model:
            check_model_matches(manifest, settings)
        folder = index_dir(settings)
        files = manifest.get("files") or {}
        paths = {}
        for role in ("index", "rows"):
            entry = files.get(role) or {}
            path = folder / str(entry.get("name", ""))
            if not entry.get("name") or not path.is_file():
                raise ArtifactError(f"the feedback index file {path} is missing; rebuild: `{BUILD_HINT}`")
            if path.stat().st_size != entry.get("bytes") or _sha256(path) != entry.get("sha256"):
                raise ArtifactError(
                    f"the feedback index file {path} is corrupt (hash mismatch); rebuild: `{BUILD_HINT}`"
                )
            paths[role] = path
        try:
            index = faiss.read_index(str(paths["index"]))
            with np.load(paths["rows"]) as rows:
                row_ids, hashes = rows["ids"], rows["text_hash"]
        except (RuntimeError, OSError, ValueError, KeyError) as exc:
            raise ArtifactError(f"the feedback index is unreadable ({exc}); rebuild: `{BUILD_HINT}`") from exc
        ids = stored_ids(index)
        if (
            index.ntotal != manifest.get("count")
            or index.d != manifest.get("dim")
            or len(row_ids) != index.ntotal
            or not np.array_equal(np.sort(ids), row_ids)
        ):
            raise ArtifactError(f"the feedback index does not match its manifest; rebuild: `{BUILD_HINT}`")
        return cls(settings, manifest, index, hashes)

    def _configure(self) -> None:
        inner = _inner(self.index)
        if self.kind == "hnsw":
            inner.hnsw.efSearch = self.settings.index.hnsw_ef_search
        elif self.kind == "ivf":
            inner.nprobe = self.settings.index.ivf_nprobe
            if inner.direct_map.no():
                inner.make_direct_map()

    @property
    def count(self) -> int:
        return int(self.index.ntotal)

    @property
    def version(self) -> str:
        return str(self.manifest.get("version"))

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = get_embedder(self.settings)
        return self._embedder

    # -- vectors ---------------------------------------------------------------------------------
    def positions(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(ids present in the index, their positions in the FAISS storage)."""
        ids = np.asarray(ids, dtype=np.int64)
        where = np.searchsorted(self._sorted_ids, ids)
        where = np.clip(where, 0, max(len(self._sorted_ids) - 1, 0))
        present = (len(self._sorted_ids) > 0) & (self._sorted_ids[where] == ids) if len(ids) else np.zeros(0, bool)
        return ids[present], self._sorted_pos[where[present]]

    def vectors(self, ids: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(ids, unit vectors) read back from the index (no re-embedding); all when ``ids`` is None."""
        if ids is None:
            return self.ids.copy(), reconstruct_all(self.index)
        present, pos = self.positions(ids)
        if not len(present):
            return present, np.zeros((0, self.index.d), dtype=np.float32)
        vecs = _inner(self.index).reconstruct_batch(pos.astype(np.int64))
        return present, np.asarray(vecs, dtype=np.float32).reshape(len(present), self.index.d)

    # -- search ----------------------------------------------------------------------------------
    def search(
        self,
        query: str,
        k: int = 10,
        customer_ids: list[str] | None = None,
        sentiment: str | None = None,
        since: date | datetime | None = None,
        until: date | datetime | None = None,
        engine: Engine | None = None,
    ) -> list[dict[str, Any]]:
        """Top-k feedback by cosine similarity to ``query``, filters applied exactly.

        Each hit: feedback_id (store key), external_id, customer_id, text, score (cosine), created_at
        (ISO), sentiment (label or None), sentiment_score, channel. ``until`` is inclusive for a date.
        """
        if not isinstance(query, str) or not query.strip():
            raise InputError("the search query is empty")
        if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k <= MAX_K:
            raise InputError(f"k must be an integer between 1 and {MAX_K}, got {k!r}")
        from crm_insights.store import get_engine

        engine = engine or get_engine(self.settings)
        allowed = filtered_feedback_ids(engine, customer_ids, sentiment, since, until)
        qvec = self.embedder.embed_queries([query])
        if qvec.shape[1] != self.index.d:
            raise ArtifactError(f"query vectors have {qvec.shape[1]} dims, the index {self.index.d}; `{BUILD_HINT}`")
        with self._lock:
            hits = self._search_vector(qvec, k, allowed, engine)
        return hits

    def _search_vector(
        self, qvec: np.ndarray, k: int, allowed: np.ndarray | None, engine: Engine
    ) -> list[dict[str, Any]]:
        if self.count == 0:
            return []
        if allowed is None:
            # Over-fetch: feedback deleted from the store since the last update is dropped below.
            fetch = min(self.count, k + max(k, 20))
            scores, ids = self._faiss_search(qvec, fetch, None)
        else:
            present, pos = self.positions(allowed)
            if not len(present):
                return []
            if len(present) <= max(self.settings.index.exact_threshold, k):
                vecs = np.asarray(_inner(self.index).reconstruct_batch(pos.astype(np.int64)), dtype=np.float32)
                vecs = vecs.reshape(len(present), self.index.d)
                sims = vecs @ qvec[0]
                top = np.argsort(-sims, kind="stable")[:k]
                scores, ids = sims[top], present[top]
            else:
                scores, ids = self._faiss_search(qvec, min(len(present), k), present)
        rows = feedback_rows(engine, ids)
        hits = []
        for fid, score in zip(ids.tolist(), scores.tolist(), strict=True):
            row = rows.get(int(fid))
            if row is None:
                continue  # deleted from the store after the last index update
            hits.append({**row, "score": round(float(score), 6)})
            if len(hits) == k:
                break
        return hits

    def _faiss_search(self, qvec: np.ndarray, k: int, subset: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        import faiss as faiss_module

        faiss: Any = faiss_module  # its type stubs lack the SearchParameters keyword arguments
        params: Any = None
        if subset is not None:
            sel = faiss.IDSelectorBatch(subset.astype(np.int64))
            if self.kind == "ivf":
                params = faiss.SearchParametersIVF(sel=sel, nprobe=_inner(self.index).nprobe)
            elif self.kind == "hnsw":
                params = faiss.SearchParametersHNSW(sel=sel, efSearch=max(self.settings.index.hnsw_ef_search, 2 * k))
            else:
                params = faiss.SearchParameters(sel=sel)
        elif self.kind == "hnsw":
            params = faiss.SearchParametersHNSW(efSearch=max(self.settings.index.hnsw_ef_search, k))
        scores, ids = self.index.search(np.ascontiguousarray(qvec, dtype=np.float32), k, params=params)
        keep = ids[0] >= 0
        return scores[0][keep], ids[0][keep]


def check_model_matches(manifest: dict[str, Any], settings: Settings) -> None:
    """Refuse an index built by another embedding model than the configured one."""
    ident = model_identity(settings, convert=False)
    if manifest.get("model_id") != ident.model_id or manifest.get("model_hash") != ident.model_hash:
        raise ArtifactError(
            f"the feedback index was built with embedding model {manifest.get('model_id')} "
            f"({manifest.get('model_hash')}) but the configuration names {ident.model_id} ({ident.model_hash}); "
            f"vectors of different models cannot be compared. Rebuild it: `{BUILD_HINT}`"
        )


# ---------------------------------------------------------------------------------------------
# build / update / status
# ---------------------------------------------------------------------------------------------


EmbedFn = Callable[[list[str]], np.ndarray]


def _embed(embedder: Embedder, texts: list[str], progress: bool, label: str) -> np.ndarray:
    """Embed passages in chunks under one progress bar, longest first.

    Sorting the whole set by length (not just within each chunk, as sentence-transformers does)
    keeps every batch's padding small; vectors come back in the input order.
    """
    order = np.argsort([-len(t) for t in texts], kind="stable")
    texts = [texts[i] for i in order]
    out = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    with progress_bar(progress, eta=True) as bar:
        task = bar.add_task(label, total=len(texts))
        for start in range(0, len(texts), EMBED_CHUNK):
            chunk = texts[start : start + EMBED_CHUNK]
            out[start : start + len(chunk)] = embedder.embed_passages(chunk)
            bar.advance(task, len(chunk))
    restored = np.empty_like(out)
    restored[order] = out
    return restored


def _split_texts(ids: np.ndarray, texts: list[str]) -> tuple[np.ndarray, list[str], list[int]]:
    keep = [i for i, t in enumerate(texts) if t.strip()]
    skipped = [int(ids[i]) for i, t in enumerate(texts) if not t.strip()]
    return ids[keep], [texts[i] for i in keep], skipped


def _lock(settings: Settings) -> Any:
    from filelock import FileLock

    settings.indexes_dir.mkdir(parents=True, exist_ok=True)
    return FileLock(str(settings.indexes_dir / f".{INDEX_NAME}.lock"))


def build_index(
    engine: Engine, settings: Settings | None = None, progress: bool = False, embed: EmbedFn | None = None
) -> dict[str, Any]:
    """Embed every feedback text and write a new index (replacing any old one atomically); return the manifest.

    ``embed`` (texts -> vectors in the input order) replaces this process's embedder, e.g. with a Ray job.
    """
    from crm_insights.config import get_settings

    settings = settings or get_settings()
    embedder = get_embedder(settings)
    ids, texts = _store_texts(engine)
    ids, texts, skipped = _split_texts(ids, texts)
    truncated = sum(n > embedder.max_tokens for n in embedder.token_counts(texts))
    vectors = embed(texts) if embed is not None else _embed(embedder, texts, progress, "embedding feedback")
    hashes = np.array([text_hash(t) for t in texts], dtype=np.int64)
    kind = choose_kind(len(ids), settings)
    index = make_index(kind, vectors, ids, settings)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    with _lock(settings):
        return _write(
            settings,
            index,
            ids,
            hashes,
            embedder,
            built_at=now,
            skipped=skipped,
            truncated=truncated,
            stats={"embedded": len(ids), "added": len(ids), "removed": 0, "reembedded": 0},
        )


def update_index(
    engine: Engine, settings: Settings | None = None, progress: bool = False, embed: EmbedFn | None = None
) -> dict[str, Any]:
    """Add feedback new since the last build/update, re-embed edited texts, drop deleted feedback.

    Vectors already indexed are reused (read back from FAISS), never re-embedded. With no index yet
    it builds one. Returns the new manifest (``last_update`` says what changed).
    """
    from crm_insights.config import get_settings

    settings = settings or get_settings()
    if read_manifest(settings) is None:
        return build_index(engine, settings, progress=progress, embed=embed)
    with _lock(settings):
        current = FeedbackIndex.load(settings)  # refuses a model mismatch before any work
        embedder = get_embedder(settings)
        store_ids, store_texts = _store_texts(engine)
        store_ids, store_texts, skipped = _split_texts(store_ids, store_texts)
        store_hashes = np.array([text_hash(t) for t in store_texts], dtype=np.int64)
        to_embed = needs_embedding(current._sorted_ids, current._hash_by_sorted, store_ids, store_hashes)
        new_texts = [store_texts[i] for i in np.flatnonzero(to_embed)]
        if unchanged(current, store_ids, to_embed, skipped):
            return current.manifest  # nothing to do: keep the version as it is
        new_vecs = (
            embed(new_texts) if embed is not None else _embed(embedder, new_texts, progress, "embedding new feedback")
        )
        truncated = sum(n > embedder.max_tokens for n in embedder.token_counts(new_texts))
        return apply_update(
            settings, current, embedder, store_ids, store_hashes, skipped, to_embed, new_vecs, truncated
        )


def needs_embedding(
    old_ids: np.ndarray, old_hashes: np.ndarray, store_ids: np.ndarray, store_hashes: np.ndarray
) -> np.ndarray:
    """Which store rows an update embeds: those not in the index (``old_ids`` sorted) or whose text changed."""
    present, pos_in_old = _lookup(old_ids, store_ids)
    if not len(old_ids):
        return ~present
    return ~present | (old_hashes[pos_in_old] != store_hashes)


def unchanged(current: FeedbackIndex, store_ids: np.ndarray, to_embed: np.ndarray, skipped: list[int]) -> bool:
    """True when an update has nothing to embed, nothing to remove and the same empty texts."""
    if to_embed.any() or len(np.setdiff1d(current._sorted_ids, store_ids, assume_unique=True)):
        return False
    return sorted(skipped) == sorted(current.manifest.get("skipped") or [])


def apply_update(
    settings: Settings,
    current: FeedbackIndex,
    embedder: Any,
    store_ids: np.ndarray,
    store_hashes: np.ndarray,
    skipped: list[int],
    to_embed: np.ndarray,
    new_vecs: np.ndarray,
    truncated_new: int,
) -> dict[str, Any]:
    """The second half of an update (under the writer lock): merge the embedded rows into ``current``, write.

    ``store_ids``/``store_hashes``: every non-empty feedback row of the store; ``to_embed``: the rows
    ``new_vecs`` holds vectors for, in order; ``embedder``: anything with the Embedder's model_id,
    model_hash, max_tokens and dtype (a Ray runner passes what its workers report).
    """
    old_ids = current._sorted_ids
    old_hashes = current._hash_by_sorted
    present, _ = _lookup(old_ids, store_ids)
    changed = present & to_embed
    removed = np.setdiff1d(old_ids, store_ids, assume_unique=True)
    stale = np.concatenate([removed, store_ids[changed]])
    new_ids = store_ids[to_embed]
    stats = {
        "embedded": int(len(new_ids)),
        "added": int((~present).sum()),
        "reembedded": int(changed.sum()),
        "removed": int(len(removed)),
    }
    truncated = int(current.manifest.get("truncated", 0)) + int(truncated_new)

    index = current.index
    target_kind = choose_kind(len(store_ids), settings)
    keep_hash = {int(i): int(h) for i, h in zip(old_ids.tolist(), old_hashes.tolist(), strict=True)}
    if target_kind == current.kind and (not len(stale) or current.kind == "flat"):
        # In place. Only flat storage renumbers on removal, which IndexIDMap2.remove_ids relies on;
        # HNSW and IVF with removals are rebuilt from their stored vectors below.
        import faiss

        if len(stale):
            index.remove_ids(faiss.IDSelectorBatch(stale.astype(np.int64)))
        if len(new_ids):
            index.add_with_ids(new_vecs, new_ids)
    else:
        old_all_ids, old_all_vecs = current.ids, reconstruct_all(index)
        keep = ~np.isin(old_all_ids, stale)
        all_ids = np.concatenate([old_all_ids[keep], new_ids])
        all_vecs = np.concatenate([old_all_vecs[keep], new_vecs])
        trained = _inner(index) if target_kind == current.kind == "ivf" else None
        index = make_index(target_kind, all_vecs, all_ids, settings, trained_ivf=trained)
    for fid in stale.tolist():
        keep_hash.pop(int(fid), None)
    for fid, h in zip(new_ids.tolist(), store_hashes[to_embed].tolist(), strict=True):
        keep_hash[int(fid)] = int(h)
    ids_sorted = np.array(sorted(keep_hash), dtype=np.int64)
    hashes_sorted = np.array([keep_hash[i] for i in ids_sorted.tolist()], dtype=np.int64)
    return _write(
        settings,
        index,
        ids_sorted,
        hashes_sorted,
        embedder,
        built_at=str(current.manifest.get("built_at")),
        skipped=skipped,
        truncated=truncated,
        stats=stats,
    )


def _lookup(sorted_ids: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each of ``ids``: is it in ``sorted_ids``, and at which position."""
    if not len(sorted_ids):
        return np.zeros(len(ids), dtype=bool), np.zeros(len(ids), dtype=np.int64)
    where = np.clip(np.searchsorted(sorted_ids, ids), 0, len(sorted_ids) - 1)
    return sorted_ids[where] == ids, where


def _write(
    settings: Settings,
    index: Any,
    ids: np.ndarray,
    hashes: np.ndarray,
    embedder: Embedder,
    *,
    built_at: str,
    skipped: list[int],
    truncated: int,
    stats: dict[str, int],
) -> dict[str, Any]:
    """Write a new version's files, then commit it by replacing manifest.json atomically."""
    import faiss

    folder = index_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC)
    version = f"{now.strftime('%Y%m%dT%H%M%S')}-{os.urandom(3).hex()}"
    order = np.argsort(ids, kind="stable")
    ids, hashes = ids[order], hashes[order]
    index_path = folder / f"index-{version}.faiss"
    rows_path = folder / f"rows-{version}.npz"
    try:
        faiss.write_index(index, str(index_path))
        with rows_path.open("wb") as fh:
            np.savez(fh, ids=ids, text_hash=hashes)
        for path in (index_path, rows_path):
            _fsync_file(path)
        kind = _kind_of(index)
        params: dict[str, Any] = {}
        if kind == "hnsw":
            params = {"M": settings.index.hnsw_m, "ef_construction": settings.index.hnsw_ef_construction}
        elif kind == "ivf":
            params = {"nlist": int(_inner(index).nlist)}
        manifest = {
            "kind": INDEX_NAME,
            "format_version": FORMAT_VERSION,
            "version": version,
            "index_kind": kind,
            "index_params": params,
            "metric": "inner_product (cosine on unit vectors)",
            "model_id": embedder.model_id,
            "model_hash": embedder.model_hash,
            "dim": int(index.d),
            "count": int(index.ntotal),
            "max_tokens": embedder.max_tokens,
            "embedding_dtype": embedder.dtype,
            "truncated": int(truncated),
            "skipped": sorted(int(s) for s in skipped),
            "built_at": built_at,
            "updated_at": now.isoformat(timespec="seconds"),
            "last_update": stats,
            "faiss_version": faiss.__version__,
            "files": {
                "index": {"name": index_path.name, "bytes": index_path.stat().st_size, "sha256": _sha256(index_path)},
                "rows": {"name": rows_path.name, "bytes": rows_path.stat().st_size, "sha256": _sha256(rows_path)},
            },
        }
        tmp = folder / f".{MANIFEST}.{version}.tmp"
        tmp.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        _fsync_file(tmp)
        os.replace(tmp, folder / MANIFEST)  # the commit point
    except BaseException:
        for path in (index_path, rows_path):
            path.unlink(missing_ok=True)
        raise
    _remove_orphans(folder, keep={index_path.name, rows_path.name, MANIFEST})
    return manifest


def _remove_orphans(folder: Path, keep: set[str]) -> None:
    for path in folder.iterdir():
        if path.name not in keep and (path.name.startswith(("index-", "rows-", f".{MANIFEST}."))):
            path.unlink(missing_ok=True)


def index_status(engine: Engine | None, settings: Settings | None = None) -> dict[str, Any]:
    """The manifest plus, when a store is given, how far the store has moved since (pending adds/removals)."""
    from crm_insights.config import get_settings

    settings = settings or get_settings()
    manifest = read_manifest(settings)
    if manifest is None:
        raise NotReadyError(f"no feedback index yet: run `{BUILD_HINT}`")
    status: dict[str, Any] = {"path": str(index_dir(settings)), "manifest": manifest}
    try:
        check_model_matches(manifest, settings)
        status["model_matches_config"] = True
    except (ArtifactError, NotReadyError) as exc:
        status["model_matches_config"] = False
        status["problem"] = str(exc)
    if engine is not None:
        idx = FeedbackIndex.load(settings, check_model=False)
        store_ids, texts = _store_texts(engine)
        store_ids, texts, skipped = _split_texts(store_ids, texts)
        present, pos = _lookup(idx._sorted_ids, store_ids)
        hashes = np.array([text_hash(t) for t in texts], dtype=np.int64)
        edited = present & (idx._hash_by_sorted[pos] != hashes) if len(store_ids) else np.zeros(0, bool)
        status["store"] = {
            "feedback": len(store_ids) + len(skipped),
            "empty_skipped": len(skipped),
            "pending_new": int((~present).sum()),
            "pending_edited": int(edited.sum()),
            "pending_removed": int(len(np.setdiff1d(idx._sorted_ids, store_ids))),
        }
    return status
