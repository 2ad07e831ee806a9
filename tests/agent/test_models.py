"""Provider resolution from llm.model = provider/model."""

from __future__ import annotations

import pytest

from crm_insights.agent.models import parse_model, resolve_chat_model
from crm_insights.agent.router import OfflineRouter
from crm_insights.config import load_settings
from crm_insights.errors import ConfigError


def test_offline_router_is_the_default() -> None:
    resolved = resolve_chat_model(load_settings())
    assert resolved.is_router and isinstance(resolved.model, OfflineRouter)


def test_openai_compatible_server_quirks() -> None:
    from langchain_openai import ChatOpenAI

    settings = load_settings(
        llm={"model": "openai/qwen2.5-7b", "base_url": "http://127.0.0.1:8000/v1", "max_tokens": 200}
    )
    resolved = resolve_chat_model(settings)
    assert isinstance(resolved.model, ChatOpenAI) and resolved.model.model_name == "qwen2.5-7b"
    # llama.cpp's server drops tools without tool_choice and ignores max_completion_tokens.
    assert resolved.bind_kwargs == {"tool_choice": "auto"}
    assert resolved.model.extra_body == {"max_tokens": 200}
    assert str(resolved.model.openai_api_base) == "http://127.0.0.1:8000/v1"


def test_api_key_from_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRM_INSIGHTS_LLM__API_KEY", "sk-test")
    resolved = resolve_chat_model(load_settings(llm={"model": "openai/gpt-4o-mini"}))
    assert resolved.model.openai_api_key.get_secret_value() == "sk-test"
    assert resolved.model.max_tokens == 512


def test_ollama() -> None:
    from langchain_ollama import ChatOllama

    resolved = resolve_chat_model(load_settings(llm={"model": "ollama/qwen2.5:7b"}))
    assert isinstance(resolved.model, ChatOllama) and resolved.model.model == "qwen2.5:7b"


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("router", "provider/model"),
        ("gpt/4", "unknown provider"),
        ("offline/other", "one model"),
        ("llamacpp/does/not/exist.gguf", "llamacpp|GGUF"),
    ],
)
def test_bad_specs(spec: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        resolve_chat_model(load_settings(llm={"model": spec}))


def test_parse_model() -> None:
    assert parse_model("huggingface//models/qwen") == ("huggingface", "/models/qwen")
