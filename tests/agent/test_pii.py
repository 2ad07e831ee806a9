"""PII masking: the patterns, the remote/local default, and what a remote model actually receives."""

from __future__ import annotations

import pytest
from fakes import ScriptedChatModel, tool_call
from langchain_core.messages import AIMessage, BaseMessage

from crm_insights.agent.pii import is_loopback_url, mask_pii, should_mask
from crm_insights.config import load_settings


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("联系我 13812345678", "联系我 [PHONE]"),
        ("电话 138-1234-5678 或 +86 138 1234 5678", "电话 [PHONE] 或 [PHONE]"),
        ("座机 010-62345678，(021)12345678", "座机 [PHONE]，[PHONE]"),
        ("call +1 415-555-0132 now", "call [PHONE] now"),
        ("mail zhang.san@example.com.cn please", "mail [EMAIL] please"),
        ("身份证 11010519491231002X 和 110105194912310021", "身份证 [ID] 和 [ID]"),
        (
            "客户 00100 在 1998-03-01 下了 12 笔订单，共 1,234.50 元",
            "客户 00100 在 1998-03-01 下了 12 笔订单，共 1,234.50 元",
        ),
    ],
)
def test_mask_patterns(text: str, expected: str) -> None:
    assert mask_pii(text) == expected


@pytest.mark.parametrize(
    ("model", "base_url", "setting", "expected"),
    [
        ("openai/gpt-4o-mini", None, None, True),  # api.openai.com
        ("openai/deepseek-chat", "https://api.deepseek.com/v1", None, True),
        ("openai/qwen2.5", "http://127.0.0.1:8000/v1", None, False),  # a local vLLM / llama.cpp
        ("openai/qwen2.5", "http://localhost:8000/v1", None, False),
        ("ollama/qwen2.5", None, None, False),  # Ollama's default is localhost
        ("ollama/qwen2.5", "http://10.0.0.5:11434", None, True),
        ("offline/router", None, None, False),
        ("huggingface/./models/qwen", None, None, False),
        ("openai/gpt-4o-mini", None, False, False),  # an explicit setting wins
        ("offline/router", None, True, True),
    ],
)
def test_mask_default(model: str, base_url: str | None, setting: bool | None, expected: bool) -> None:
    assert should_mask(model, base_url, setting) is expected


def test_loopback() -> None:
    assert is_loopback_url("http://[::1]:8080/v1") and not is_loopback_url("https://example.com")


def test_remote_model_receives_masked_text_only(make_session) -> None:
    """Question and tool results (feedback with a phone number) reach the model masked; the thread keeps them."""

    def answer(messages: list[BaseMessage]) -> AIMessage:
        sent = "\n".join(str(m.content) for m in messages)
        assert "13812345678" not in sent and "zhang@example.com" not in sent and "11010519491231002X" not in sent
        assert "[PHONE]" in sent and "[EMAIL]" in sent and "[ID]" in sent
        return AIMessage("Customer 00100 left 1 feedback text.")

    model = ScriptedChatModel(script=[tool_call("customer_profile", {"customer": "100"}), answer])
    settings = load_settings(llm={"mask_pii": True, "router_similarity": "tfidf"})
    session, _ = make_session(settings, model=model)
    question = "客户100 (zhang@example.com, 身份证 11010519491231002X) 的情况"
    result = session.ask(question, thread_id="t-pii")
    model.assert_done()
    first_call = "\n".join(str(m.content) for m in model.calls[0])
    assert "zhang@example.com" not in first_call and "[EMAIL]" in first_call
    # Local data is not altered: the tool result and the stored question keep the original text.
    assert "13812345678" in result.tool_calls[0].result["data"]["recent_feedback"][0]["quote"]
    assert session.history("t-pii")[0]["content"] == question
