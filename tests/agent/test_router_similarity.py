"""The router's exemplar similarity: the numpy character n-gram TF-IDF matches scikit-learn's TfidfVectorizer
(n-grams, idf, cosines), and every routing decision on the intent exemplars is the one scikit-learn's gave."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from langchain_core.messages import HumanMessage
from sklearn.feature_extraction.text import TfidfVectorizer

from crm_insights.agent.router import Knowledge, OfflineRouter
from crm_insights.agent.router.similarity import CharTfidf, _normalise, char_wb_ngrams

ODD_TEXTS = ["", "   ", "a", "ab  c\td\n\ne", "客户100最近怎么样", "Hello, WORLD!!", "x  y", "résumé café", "0 0 0"]


def _sklearn() -> TfidfVectorizer:
    return TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True)


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return Knowledge.load()


@pytest.fixture(scope="module")
def exemplar_texts(knowledge: Knowledge) -> list[str]:
    return [_normalise(q) for _, q in knowledge.exemplars()]


def test_ngrams_are_sklearns_char_wb(exemplar_texts: list[str]) -> None:
    analyzer = _sklearn().build_analyzer()
    for text in [*exemplar_texts, *ODD_TEXTS]:
        assert char_wb_ngrams(text) == analyzer(text), text


def test_vocabulary_idf_and_cosines_match_sklearn(exemplar_texts: list[str]) -> None:
    reference = _sklearn()
    matrix = reference.fit_transform(exemplar_texts)
    ours = CharTfidf(exemplar_texts)
    assert ours.vocabulary == reference.vocabulary_
    np.testing.assert_allclose(ours.idf, reference.idf_, rtol=0, atol=1e-12)
    queries = [*exemplar_texts, *ODD_TEXTS, "what should i look at first", "那个谁最近咋样"]
    expected = (matrix @ reference.transform(queries).T).toarray().T
    for query, row in zip(queries, expected, strict=True):
        np.testing.assert_allclose(ours.similarities(query), row, rtol=0, atol=1e-12, err_msg=query)


def test_a_question_with_no_known_ngram_scores_zero_everywhere() -> None:
    ours = CharTfidf(["abc", "abd"])
    assert not ours.similarities("").any() and not ours.similarities(" \t ").any()
    assert ours.similarities("abc")[0] == pytest.approx(1.0)
    assert 0.0 < ours.similarities("xyz")[0] < 0.5  # only the padding space around words is shared


class _SklearnTfidf:
    """The scikit-learn implementation the router used before, behind CharTfidf's interface."""

    def __init__(self, texts: list[str]):
        self._vectorizer = _sklearn()
        self._matrix = self._vectorizer.fit_transform(texts)

    def similarities(self, text: str) -> np.ndarray:
        return (self._matrix @ self._vectorizer.transform([text]).T).toarray().ravel()


class _CountingEmbedder:
    model_id = "counting"

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        return [[float(t.count(ch)) + 1.0 for ch in "aeiounst客户的"] for t in texts]


def _decisions(questions: list[str], reference: bool) -> list[dict[str, Any]]:
    router = OfflineRouter(similarity="auto", embedder_factory=_CountingEmbedder)
    if reference:
        index = router.index
        index._tfidf = _SklearnTfidf([_normalise(q) for _, q in router.knowledge.exemplars()])  # type: ignore[assignment]
    out = []
    for q in questions:
        d = router.decide([HumanMessage(q)]).to_dict()
        out.append({**d, "score": round(d["score"], 9), "scores": {k: round(v, 9) for k, v in d["scores"].items()}})
    return out


def test_routing_decisions_on_every_exemplar_are_sklearns(knowledge: Knowledge) -> None:
    # Every exemplar of every intent, plus questions that are not exemplars (ambiguous ones need the embedder):
    # same intent, slots, scores and similarity used (TF-IDF alone or with the embedder).
    questions = [q for _, q in knowledge.exemplars()]
    questions += [
        "hmm, how are things going lately",
        "tell me something interesting",
        "那个谁最近咋样",
        "客户100的情况",
    ]
    assert len(questions) > 100
    ours, reference = _decisions(questions, False), _decisions(questions, True)
    for question, a, b in zip(questions, ours, reference, strict=True):
        assert a == b, question


class _HashedEmbedder(_CountingEmbedder):
    def __init__(self, model_hash: str | None = "h1") -> None:
        self.model_hash = model_hash
        self.texts: list[str] = []

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        self.texts += texts
        return super().embed_queries(texts)


def test_exemplar_vectors_are_kept_between_processes(knowledge: Knowledge, tmp_path) -> None:
    from crm_insights.agent.router import ExemplarIndex

    n = len(knowledge.exemplars())
    first = _HashedEmbedder()
    cold = ExemplarIndex(knowledge, embedder_factory=lambda: first, cache_dir=tmp_path)
    expected = cold.similarities("hmm, how are things going lately")
    assert len(first.texts) == n + 1 and len(list(tmp_path.glob("exemplars-*.npy"))) == 1
    # A later process with the same model reads the vectors: it embeds only the question, and scores the same.
    again = _HashedEmbedder()
    warm = ExemplarIndex(knowledge, embedder_factory=lambda: again, cache_dir=tmp_path)
    assert warm.similarities("hmm, how are things going lately") == expected
    assert again.texts == ["hmm, how are things going lately"]
    # Another model (a different weights' hash) embeds them again into its own file.
    other = _HashedEmbedder("h2")
    ExemplarIndex(knowledge, embedder_factory=lambda: other, cache_dir=tmp_path).load_embeddings()
    assert len(other.texts) == n and len(list(tmp_path.glob("exemplars-*.npy"))) == 2
    # A model with no fingerprint is never cached.
    unhashed = _HashedEmbedder(None)
    ExemplarIndex(knowledge, embedder_factory=lambda: unhashed, cache_dir=tmp_path / "none").load_embeddings()
    assert len(unhashed.texts) == n and not (tmp_path / "none").exists()
