"""Similarity of a question to each intent's exemplar questions: character n-gram TF-IDF, and the team's
sentence embeddings averaged in when an embedder is given."""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import re
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np

from crm_insights.agent.router.knowledge import Knowledge

log = logging.getLogger(__name__)
_DIGITS = re.compile(r"\d+")
_WHITE_SPACES = re.compile(r"\s\s+")


def _normalise(text: str) -> str:
    # Ids and counts differ between a question and its exemplar; their digits say nothing about intent.
    return _DIGITS.sub("0", text.lower())


def char_wb_ngrams(text: str, min_n: int = 1, max_n: int = 3) -> list[str]:
    """Character n-grams inside word boundaries, each word padded with a space: scikit-learn's ``char_wb``
    analyzer (lowercased, whitespace runs collapsed), gram for gram."""
    grams: list[str] = []
    append = grams.append
    for word in _WHITE_SPACES.sub(" ", text.lower()).split():
        w = f" {word} "
        w_len = len(w)
        for n in range(min_n, max_n + 1):
            offset = 0
            append(w[offset : offset + n])
            while offset + n < w_len:
                offset += 1
                append(w[offset : offset + n])
            if offset == 0:  # a word shorter than n is counted once
                break
    return grams


class CharTfidf:
    """Character 1-3-gram TF-IDF over a fixed set of documents, in numpy.

    The same arithmetic as scikit-learn's ``TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3),
    sublinear_tf=True)`` (smooth idf = ln((1 + n) / (1 + df)) + 1, tf = 1 + ln(count), rows l2-normalised),
    without importing scikit-learn and SciPy: that import was ~1 s of a cold `crm-insights ask`.
    """

    def __init__(self, texts: Iterable[str]):
        docs = [self._counts(t) for t in texts]
        self.vocabulary: dict[str, int] = {g: i for i, g in enumerate(sorted({g for d in docs for g in d}))}
        df = np.zeros(len(self.vocabulary), dtype=np.float64)
        rows: list[int] = []
        cols: list[int] = []
        tfs: list[float] = []
        for row, doc in enumerate(docs):
            for gram, count in doc.items():
                col = self.vocabulary[gram]
                df[col] += 1.0
                rows.append(row)
                cols.append(col)
                tfs.append(1.0 + math.log(count))
        self.n_docs = len(docs)
        self.idf = np.log((1.0 + self.n_docs) / (1.0 + df)) + 1.0
        row_arr = np.asarray(rows, dtype=np.int64)
        col_arr = np.asarray(cols, dtype=np.int64)
        data = np.asarray(tfs, dtype=np.float64) * self.idf[col_arr]
        norms = np.sqrt(np.bincount(row_arr, weights=data * data, minlength=self.n_docs))
        data /= np.maximum(norms, 1e-300)[row_arr]  # an empty document has no entries to divide
        # Column-major (one slice of rows and weights per n-gram): a question touches only its own n-grams.
        order = np.lexsort((row_arr, col_arr))
        self._rows = row_arr[order]
        self._data = data[order]
        self._indptr = np.zeros(len(self.vocabulary) + 1, dtype=np.int64)
        np.cumsum(np.bincount(col_arr, minlength=len(self.vocabulary)), out=self._indptr[1:])

    @staticmethod
    def _counts(text: str) -> dict[str, int]:
        counts: dict[str, int] = {}
        for gram in char_wb_ngrams(text):
            counts[gram] = counts.get(gram, 0) + 1
        return counts

    def similarities(self, text: str) -> np.ndarray:
        """Cosine of ``text``'s TF-IDF vector to every document (zeros when it shares no n-gram)."""
        sims = np.zeros(self.n_docs, dtype=np.float64)
        counts: dict[int, int] = {}
        for gram, count in self._counts(text).items():
            col = self.vocabulary.get(gram)
            if col is not None:
                counts[col] = count
        if not counts:
            return sims
        cols = np.fromiter(counts, dtype=np.int64, count=len(counts))
        weights = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))) * self.idf[cols]
        weights /= max(float(np.linalg.norm(weights)), 1e-12)
        for col, weight in zip(cols.tolist(), weights.tolist(), strict=True):
            start, end = self._indptr[col], self._indptr[col + 1]
            sims[self._rows[start:end]] += weight * self._data[start:end]
        return sims


class ExemplarIndex:
    """Similarity of a question to each intent's exemplars (the best exemplar per intent).

    ``backend`` is ``"tfidf-char"`` (character 1-3-gram TF-IDF, :class:`CharTfidf`, always available) or
    ``"embeddings:<model id>"`` (the team's sentence embedder, rescaled from ``floor``) averaged with TF-IDF.
    """

    def __init__(
        self,
        knowledge: Knowledge,
        embedder: Any = None,
        floor: float = 0.78,
        embedder_factory: Callable[[], Any] | None = None,
        strict: bool = False,
        cache_dir: Path | str | None = None,
    ):
        """``embedder``: loaded now. ``embedder_factory``: loaded on the first question TF-IDF does not decide (a
        cold CLI question mostly never needs it: loading it is most of a cold start); ``strict``: a factory that
        fails raises instead of leaving TF-IDF alone; ``cache_dir``: where the exemplars' vectors are kept between
        processes (see :meth:`_exemplar_vectors`), None to embed them in every process."""
        pairs = knowledge.exemplars()
        self.intents = sorted({name for name, _ in pairs} | set(knowledge.intents))
        self._labels = [name for name, _ in pairs]
        self._tfidf = CharTfidf(_normalise(q) for _, q in pairs)
        self._texts = [q for _, q in pairs]
        self._embedder: Any = None
        self._floor = floor
        self._emb: np.ndarray | None = None
        self._factory = embedder_factory
        self._strict = strict
        self._cache_dir = Path(cache_dir) if cache_dir is not None else None
        self._load_lock = threading.Lock()
        self.backend = "tfidf-char"
        if embedder is not None:
            self._attach(embedder)

    def _exemplar_vectors(self, embedder: Any) -> np.ndarray:
        """The exemplars' embeddings, read from ``cache_dir`` when this model embedded these texts before.

        Embedding the ~270 exemplars is ~1.3 s of CPU in every cold process that needs the embedder (an
        ambiguous CLI question). The file is named by a hash of the model (id, weights' hash, backend, precision,
        query prompt) and of the texts, so a retrained model or an edited exemplar writes a new file."""
        identity = [getattr(embedder, k, None) for k in ("model_id", "model_hash", "backend", "dtype", "query_prompt")]
        if self._cache_dir is None or identity[1] is None:  # no cache asked for, or a model with no fingerprint
            return np.asarray(embedder.embed_queries(self._texts), dtype=np.float32)
        key = hashlib.sha256(json.dumps([identity, self._texts], ensure_ascii=False).encode()).hexdigest()[:24]
        path = self._cache_dir / f"exemplars-{key}.npy"
        try:
            cached = np.load(path, allow_pickle=False)
            if cached.shape[0] == len(self._texts):
                return np.asarray(cached, dtype=np.float32)
        except (OSError, ValueError):  # not there yet, or unreadable: embed and rewrite it
            pass
        vectors = np.asarray(embedder.embed_queries(self._texts), dtype=np.float32)
        try:
            self._cache_dir.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f"{path.stem}.{os.getpid()}.{threading.get_ident()}.tmp.npy")
            np.save(tmp, vectors, allow_pickle=False)
            tmp.replace(path)  # atomic: a concurrent reader sees the old file or the whole new one
        except OSError as exc:  # a read-only data directory: the vectors still serve this process
            log.info("router: exemplar vectors not cached (%s)", exc)
        return vectors

    def _attach(self, embedder: Any) -> None:
        vectors = self._exemplar_vectors(embedder)
        self._emb = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
        self._embedder = embedder
        self.backend = f"embeddings:{getattr(embedder, 'model_id', 'unknown')}+tfidf-char"

    def load_embeddings(self) -> bool:
        """Load the embedder from the factory now (once); whether embeddings are available."""
        with self._load_lock:
            if self._embedder is None and self._factory is not None:
                factory, self._factory = self._factory, None
                try:
                    self._attach(factory())
                except Exception as exc:  # no base model yet: TF-IDF works with no model at all
                    if self._strict:
                        raise
                    log.info("router: no embedder (%s); using character n-gram TF-IDF", exc)
        return self._emb is not None and self._embedder is not None

    @property
    def has_embeddings(self) -> bool:
        """Embeddings are loaded, or can be loaded on demand."""
        return (self._emb is not None and self._embedder is not None) or self._factory is not None

    def similarities(self, question: str, embeddings: bool = True) -> dict[str, float]:
        """Best exemplar similarity per intent; ``embeddings=False`` uses TF-IDF alone (no model call)."""
        sims = self._tfidf.similarities(_normalise(question))
        if embeddings and self.has_embeddings and self.load_embeddings():
            assert self._emb is not None
            q = np.asarray(self._embedder.embed_queries([question]), dtype=np.float32).ravel()
            q = q / max(float(np.linalg.norm(q)), 1e-9)
            emb = np.clip((self._emb @ q - self._floor) / (1.0 - self._floor), 0.0, 1.0)
            sims = 0.5 * sims + 0.5 * emb
        best: dict[str, float] = dict.fromkeys(self.intents, 0.0)
        for label, s in zip(self._labels, sims, strict=True):
            best[label] = max(best[label], float(s))
        return best
