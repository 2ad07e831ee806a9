"""Similarity of a question to each intent's exemplar questions: character n-gram TF-IDF, and the team's
sentence embeddings averaged in when an embedder is given."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from typing import Any

import numpy as np

from crm_insights.agent.router.knowledge import Knowledge

log = logging.getLogger(__name__)
_DIGITS = re.compile(r"\d+")


def _normalise(text: str) -> str:
    # Ids and counts differ between a question and its exemplar; their digits say nothing about intent.
    return _DIGITS.sub("0", text.lower())


class ExemplarIndex:
    """Similarity of a question to each intent's exemplars (the best exemplar per intent).

    ``backend`` is ``"tfidf-char"`` (scikit-learn character 1-3-grams, always available) or
    ``"embeddings:<model id>"`` (the team's sentence embedder, rescaled from ``floor``) averaged with TF-IDF.
    """

    def __init__(
        self,
        knowledge: Knowledge,
        embedder: Any = None,
        floor: float = 0.78,
        embedder_factory: Callable[[], Any] | None = None,
        strict: bool = False,
    ):
        """``embedder``: loaded now. ``embedder_factory``: loaded on the first question TF-IDF does not decide (a
        cold CLI question mostly never needs it: loading it is most of a cold start); ``strict``: a factory that
        fails raises instead of leaving TF-IDF alone."""
        from sklearn.feature_extraction.text import TfidfVectorizer

        pairs = knowledge.exemplars()
        self.intents = sorted({name for name, _ in pairs} | set(knowledge.intents))
        self._labels = [name for name, _ in pairs]
        texts = [_normalise(q) for _, q in pairs]
        self._tfidf = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True)
        self._matrix = self._tfidf.fit_transform(texts)
        # The question's vector is built by hand from the fitted analyzer, vocabulary and idf: sklearn's
        # transform() validates and converts for ~5-10 ms per call; this is the same arithmetic in well under 1 ms.
        self._analyzer = self._tfidf.build_analyzer()
        self._vocab: dict[str, int] = self._tfidf.vocabulary_
        self._idf = np.asarray(self._tfidf.idf_, dtype=np.float64)
        self._columns = self._matrix.tocsc()
        self._texts = [q for _, q in pairs]
        self._embedder: Any = None
        self._floor = floor
        self._emb: np.ndarray | None = None
        self._factory = embedder_factory
        self._strict = strict
        self._load_lock = threading.Lock()
        self.backend = "tfidf-char"
        if embedder is not None:
            self._attach(embedder)

    def _attach(self, embedder: Any) -> None:
        vectors = np.asarray(embedder.embed_queries(self._texts), dtype=np.float32)
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

    def _tfidf_similarities(self, text: str) -> np.ndarray:
        """Cosine of ``text`` to every exemplar (sublinear tf * idf, l2-normalised, as the fitted vectorizer)."""
        counts: dict[int, int] = {}
        for gram in self._analyzer(text):
            col = self._vocab.get(gram)
            if col is not None:
                counts[col] = counts.get(col, 0) + 1
        if not counts:
            return np.zeros(self._matrix.shape[0])
        cols = np.fromiter(counts, dtype=np.int64, count=len(counts))
        weights = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))) * self._idf[cols]
        weights /= max(float(np.linalg.norm(weights)), 1e-12)
        return np.asarray(self._columns[:, cols] @ weights).ravel()

    def similarities(self, question: str, embeddings: bool = True) -> dict[str, float]:
        """Best exemplar similarity per intent; ``embeddings=False`` uses TF-IDF alone (no model call)."""
        sims = self._tfidf_similarities(_normalise(question))
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
