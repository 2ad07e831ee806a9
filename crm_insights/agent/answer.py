"""What the agent returns: the answer text plus the tool calls and evidence behind it."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field


class ToolCallRecord(BaseModel):
    name: str
    args: dict[str, Any] = Field(default_factory=dict)
    result: Any = None
    error: str | None = None


class Answer(BaseModel):
    answer: str
    language: Literal["zh", "en"]
    thread_id: str
    tool_calls: list[ToolCallRecord] = Field(default_factory=list)
    # One entry per tool call: tool name, arguments, model/index versions, rows considered.
    evidence: list[dict[str, Any]] = Field(default_factory=list)
    # PNG paths; each may still be drawing in the background (crm_insights.charts.wait_for_chart waits for it).
    charts: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)

    @property
    def text(self) -> str:
        return self.answer

    def cli_json(self) -> dict[str, Any]:
        """Exactly the keys `crm-insights ask --json` promises."""
        return {
            "answer": self.answer,
            "language": self.language,
            "thread_id": self.thread_id,
            "tool_calls": [{"name": t.name, "args": t.args, "result": t.result} for t in self.tool_calls],
            "charts": self.charts,
        }


class StreamEvent(BaseModel):
    """One step of a streamed answer: a tool call starting, its result, answer text, or the end."""

    type: Literal["tool_call", "tool_result", "token", "answer", "error"]
    data: dict[str, Any] = Field(default_factory=dict)
