"""The trained sentiment classifier: tokenisation (head+tail truncation), length-grouped batches,
the mean-pooling head over the encoder, and :class:`SentimentModel` (load, predict)."""

from __future__ import annotations

import logging
import random
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from crm_insights.analytics.artifacts import ArtifactInfo, registry
from crm_insights.analytics.sentiment.data import LABELS_ZH, _check_texts
from crm_insights.analytics.sentiment.stack import NGRAM_FILE, stacked_probabilities
from crm_insights.errors import ArtifactError

if TYPE_CHECKING:
    from crm_insights.config import Settings

log = logging.getLogger(__name__)


KIND = "sentiment"
# Progress bar columns of training and scoring: "sentiment <step>" and a free-text info field.
BAR_LABEL = "[bold]sentiment[/bold] {task.description}"
BAR_INFO = "{task.fields[info]}"


# Head share of the token budget when a text is too long (Sun et al. 2019, "How to Fine-Tune BERT
# for Text Classification": head+tail beat head-only and tail-only; they kept 128 head + 382 tail).
HEAD_SHARE = 0.25


def encode_texts(tokenizer: Any, texts: Sequence[str], max_length: int, prefix: str = "") -> list[list[int]]:
    """Token ids with the tokenizer's special tokens, head+tail truncated to ``max_length``.

    ``prefix`` (e.g. e5's "query: ") goes before every text, inside the kept head."""
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
    clipped = [prefix + (t if len(t) <= 2 * char_cap else t[:char_cap] + " " + t[-char_cap:]) for t in texts]
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
        text_prefix: str = "",
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
        self.text_prefix = text_prefix
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
            text_prefix=str(info.config.get("text_prefix") or ""),  # models trained before the setting: none
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
        ids = encode_texts(self.tokenizer, clean, self.max_length, self.text_prefix)
        return stacked_probabilities(self.stack, clean, _probabilities(self.model, ids, self.batch_size, self.pad_id))

    def predict(self, texts: Sequence[str]) -> list[dict[str, Any]]:
        """Label each text: ``{"text", "label", "label_zh", "score", "polarity"}`` in input order.

        ``score`` is the model's probability of the returned label, whichever label it is: with a
        neutral class (the default model) p(neutral) for a neutral, p(positive) for a positive ...
        Only the fallback of a binary model (trained without neutral labels) has no p(neutral): its
        band neutral (top probability below ``neutral_threshold``) scores 1 - |p(positive) - p(negative)|
        (1 = a tie). ``polarity`` is p(positive) - p(negative) in [-1, 1]. Empty or whitespace texts
        raise InputError naming their index.
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
