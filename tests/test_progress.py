"""Progress bars: drawn on stderr only when it is a terminal, with the columns asked for."""

from __future__ import annotations

import pytest
from rich.progress import TextColumn, TimeElapsedColumn, TimeRemainingColumn

from crm_insights.progress import progress_bar, spinner


def test_hidden_off_a_terminal_and_when_disabled(monkeypatch: pytest.MonkeyPatch) -> None:
    from rich.console import Console

    monkeypatch.setattr(Console, "is_terminal", property(lambda self: False))
    assert progress_bar(True).disable and progress_bar(None).disable and spinner(True).disable
    monkeypatch.setattr(Console, "is_terminal", property(lambda self: True))
    assert not progress_bar(True).disable and not progress_bar(None).disable
    assert progress_bar(False).disable and spinner(False).disable


def test_columns() -> None:
    bar = progress_bar(True, label="[bold]x[/bold] {task.description}", extra="{task.fields[info]}", eta=True)
    kinds = [type(c) for c in bar.columns]
    assert TimeRemainingColumn in kinds and TimeElapsedColumn not in kinds
    texts = [c.text_format for c in bar.columns if isinstance(c, TextColumn)]
    assert texts == ["[bold]x[/bold] {task.description}", "{task.fields[info]}"]
    assert progress_bar(False).console.stderr
