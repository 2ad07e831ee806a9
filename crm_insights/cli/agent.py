"""Agent commands: `ask` (one question) and `chat` (an interactive thread)."""

from __future__ import annotations

import gc
from typing import Annotated, Any

import typer

from crm_insights.charts import drawing_done, wait_for_chart
from crm_insights.cli.common import app, cli_errors, console, err_console, exit_now, print_json
from crm_insights.errors import CrmInsightsError


@app.command()
@cli_errors
def ask(
    question: Annotated[str, typer.Argument(help="The question, in Chinese or English.")],
    thread: Annotated[str | None, typer.Option("--thread", help="Thread id: continue a conversation.")] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print {answer, language, thread_id, tool_calls, charts} as JSON.")
    ] = False,
    charts: Annotated[
        bool, typer.Option("--charts", help="Also draw the answer's charts (PNG files under the data directory).")
    ] = False,
) -> None:
    """Ask a question about your customers (Chinese or English)."""
    # One question, then the process ends: the cyclic garbage collector is paused meanwhile. Importing the agent
    # allocates millions of objects, none of them garbage yet, and the collector's passes over them were ~0.3 s
    # of CPU in every cold ask (measured on the shared 2 cores); in-process callers get it back afterwards.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        from crm_insights.agent.session import open_session, reset_session

        answer = open_session().ask(question, thread_id=thread, charts=charts)
    finally:
        if gc_was_enabled:
            gc.enable()
    drawing_done()  # the charts are drawn in the background; this process ends right after printing
    if as_json:
        print_json(answer.cli_json())
    else:
        _print_answer(answer)
        err_console.print(f"[dim]thread: {answer.thread_id}[/dim]", highlight=False)
    exit_now(reset_session)


def _print_answer(answer: Any, show_tools: bool = True) -> None:
    """An answer as Markdown, its tool steps in a dim panel, charts and warnings after it."""
    from rich.markdown import Markdown
    from rich.panel import Panel

    if show_tools and answer.tool_calls:
        lines = []
        for call in answer.tool_calls:
            args = ", ".join(f"{k}={v!r}" for k, v in call.args.items())
            status = f"error: {call.error}" if call.error else "ok"
            lines.append(f"{call.name}({args}) -> {status}")
        console.print(Panel("\n".join(lines), title="tools", style="dim", expand=False), highlight=False)
    console.print(Markdown(answer.answer))
    for path in answer.charts:
        wait_for_chart(path)  # drawn in the background after the answer
        console.print(f"[dim]chart: {path}[/dim]", highlight=False)
    for warning in answer.warnings:
        console.print(f"[yellow]{warning}[/yellow]", highlight=False)


@app.command()
@cli_errors
def chat(
    thread: Annotated[str | None, typer.Option("--thread", help="Thread id to continue.")] = None,
) -> None:
    """Interactive chat with thread memory (/new starts a thread, /history shows it, /quit leaves)."""
    import uuid

    from crm_insights.agent.session import open_session

    session = open_session()
    thread_id = thread or uuid.uuid4().hex
    console.print(f"[bold]crm-insights chat[/bold] [dim](thread {thread_id}; /new, /history, /quit)[/dim]")
    while True:
        try:
            question = console.input("[bold cyan]> [/bold cyan]").strip()
        except (EOFError, KeyboardInterrupt):
            console.print()
            break
        if not question:
            continue
        if question in ("/quit", "/exit", "/q"):
            break
        if question == "/new":
            thread_id = uuid.uuid4().hex
            console.print(f"[dim]new thread {thread_id}[/dim]")
            continue
        if question == "/history":
            for turn in session.history(thread_id):
                console.print(f"[bold]{turn['role']}:[/bold] {turn['content']}", highlight=False)
            continue
        try:
            answer = session.ask(question, thread_id=thread_id)
        except CrmInsightsError as exc:  # a bad question or a missing model: say so, keep chatting
            err_console.print(f"[red]error:[/red] {exc}", highlight=False)
            continue
        _print_answer(answer)
