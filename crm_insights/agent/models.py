"""Chat-model resolution: one place turns ``llm.model`` = ``provider/model`` into a LangChain chat model.

Providers:
- ``offline/router`` (default): the rule + similarity router (router.py); no LLM at all.
- ``openai/<model>``: any OpenAI-compatible server (OpenAI, vLLM, Ollama's /v1, DeepSeek, Qwen,
  llama.cpp's server) via ChatOpenAI; ``llm.base_url`` picks the server, the key comes from
  ``CRM_INSIGHTS_LLM__API_KEY`` (or ``OPENAI_API_KEY``).
- ``ollama/<model>``: ChatOllama (``llm.base_url`` or Ollama's default localhost).
- ``huggingface/<local path or hub id>``: a transformers text-generation pipeline wrapped in ChatHuggingFace.
- ``llamacpp/<gguf path>``: ChatLlamaCpp in-process (optional extra ``crm-insights[llamacpp]``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel

from crm_insights.config import Settings
from crm_insights.encoders.numpy_encoder import query_embedder
from crm_insights.errors import ConfigError

PROVIDERS = ("offline", "openai", "ollama", "huggingface", "llamacpp")


def parse_model(spec: str) -> tuple[str, str]:
    """``"openai/qwen2.5"`` -> ``("openai", "qwen2.5")``; ConfigError for an unknown provider or no model."""
    provider, sep, name = spec.partition("/")
    provider = provider.strip().lower()
    if not sep or not name.strip():
        raise ConfigError(f"llm.model must be 'provider/model' (e.g. offline/router, openai/gpt-4o-mini), got {spec!r}")
    if provider not in PROVIDERS:
        raise ConfigError(f"llm.model: unknown provider {provider!r}; use one of {', '.join(PROVIDERS)}")
    return provider, name.strip()


@dataclass
class ResolvedModel:
    """The chat model plus how to bind tools to it (provider quirks live here, not in the graph)."""

    model: BaseChatModel
    provider: str
    name: str
    bind_kwargs: dict[str, Any] = field(default_factory=dict)

    @property
    def is_router(self) -> bool:
        return self.provider == "offline"


def _api_key(settings: Settings) -> str:
    if settings.llm.api_key is not None:
        return settings.llm.api_key.get_secret_value()
    # Local OpenAI-compatible servers (vLLM, llama.cpp, Ollama) accept any key; the client insists on one.
    return os.environ.get("OPENAI_API_KEY") or "not-needed"


def router_embedder_factory(settings: Settings) -> Any:
    """A zero-argument factory for the router's embedder, or None when no embedding model is there.

    The router uses sentence embeddings only when the converted base model (or a configured embedding
    model) exists; otherwise it falls back to character n-gram TF-IDF and needs no model at all. The
    embedder is the numpy one (no torch: ~1 s instead of ~8 s in a cold process) whenever the model allows
    it, sentence-transformers otherwise (:func:`crm_insights.encoders.numpy_encoder.query_embedder`).
    """
    mode = settings.llm.router_similarity
    if mode == "tfidf":
        return None
    configured = settings.embeddings.model
    present = bool(configured) or (settings.base_model_dir / "config.json").exists()
    if not present and mode == "auto":
        return None

    def factory() -> Any:
        return query_embedder(settings)

    return factory


def resolve_chat_model(settings: Settings) -> ResolvedModel:
    """The chat model ``settings.llm.model`` names, configured from the ``llm`` block."""
    llm = settings.llm
    provider, name = parse_model(llm.model)
    if provider == "offline":
        if name != "router":
            raise ConfigError(f"llm.model: the offline provider has one model, 'router' (got {name!r})")
        from crm_insights.agent.router import OfflineRouter

        mode = llm.router_similarity
        router = OfflineRouter(
            similarity=mode,
            embedder_factory=router_embedder_factory(settings),
            cache_dir=str(settings.models_dir / "router"),  # the exemplars' vectors, kept between CLI processes
        )
        return ResolvedModel(router, provider, name)
    if provider == "openai":
        from langchain_openai import ChatOpenAI

        kwargs: dict[str, Any] = {
            "model": name,
            "temperature": llm.temperature,
            "timeout": llm.timeout_s,
            "api_key": _api_key(settings),
            "max_retries": 1,
        }
        if llm.base_url:
            kwargs["base_url"] = llm.base_url
            # Compatible servers (llama.cpp measured) ignore max_completion_tokens, which ChatOpenAI sends.
            kwargs["extra_body"] = {"max_tokens": llm.max_tokens}
            # llama.cpp's function-calling chat format returns an empty stream when tools are sent;
            # calls with tools are made unstreamed (the final answer still streams).
            kwargs["disable_streaming"] = "tool_calling"
        else:
            kwargs["max_tokens"] = llm.max_tokens
        # Without tool_choice llama.cpp's server drops the tools; "required" makes it fail (HTTP 500).
        return ResolvedModel(ChatOpenAI(**kwargs), provider, name, {"tool_choice": "auto"})
    if provider == "ollama":
        from langchain_ollama import ChatOllama

        ollama_kwargs: dict[str, Any] = {"model": name, "temperature": llm.temperature, "num_predict": llm.max_tokens}
        if llm.base_url:
            ollama_kwargs["base_url"] = llm.base_url
        return ResolvedModel(ChatOllama(**ollama_kwargs), provider, name)
    if provider == "huggingface":
        try:
            from langchain_huggingface import ChatHuggingFace, HuggingFacePipeline
        except ImportError as exc:
            raise ConfigError("huggingface/ models need langchain-huggingface and transformers") from exc
        pipe = HuggingFacePipeline.from_model_id(
            model_id=name,
            task="text-generation",
            pipeline_kwargs={
                "max_new_tokens": llm.max_tokens,
                "do_sample": llm.temperature > 0,
                "return_full_text": False,
            },
        )
        return ResolvedModel(ChatHuggingFace(llm=pipe), provider, name)
    # llamacpp
    try:
        from langchain_community.chat_models import ChatLlamaCpp
    except ImportError as exc:
        raise ConfigError(
            "llamacpp/ models need the optional extra: pip install 'crm-insights[llamacpp]' "
            "(llama-cpp-python and langchain-community)"
        ) from exc
    if not os.path.exists(name):
        raise ConfigError(f"llm.model: GGUF file {name!r} does not exist")
    return ResolvedModel(
        ChatLlamaCpp(
            model_path=name,
            temperature=llm.temperature,
            max_tokens=llm.max_tokens,
            n_threads=settings.runtime.torch_threads,
            n_ctx=4096,
            verbose=False,
        ),
        provider,
        name,
    )
