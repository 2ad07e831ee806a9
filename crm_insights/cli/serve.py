"""Interfaces the CLI starts: `serve` (HTTP API and chat page), `slack`, `mcp` (stdio), `digest` (weekly summary)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from crm_insights.cli.common import app, cli_errors, err_console


@app.command()
@cli_errors
def serve(
    host: Annotated[str | None, typer.Option(help="Address to bind (default: server.host, 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default: server.port, 8000).")] = None,
    workers: Annotated[
        int | None,
        typer.Option(help="Worker processes, each loading its own models (default: server.workers; 0 = one per core)."),
    ] = None,
    log_level: Annotated[str, typer.Option(help="uvicorn log level.")] = "info",
    train_missing: Annotated[
        bool,
        typer.Option(
            "--train-missing",
            help="Meanwhile build the missing models and index in a background process (`crm-insights train "
            "missing`, log in <data dir>/background/train.log); /readyz and the chat page say what is still "
            "training. One runner per data dir: a second serve does not train again.",
        ),
    ] = False,
) -> None:
    """HTTP API, OpenAI-compatible endpoint and web chat page."""
    import uvicorn

    from crm_insights.config import get_settings
    from crm_insights.server.auth import check_bind

    settings = _server_settings(get_settings(), host, port)
    check_bind(settings.server.host, settings)
    workers = settings.server.workers if workers is None else workers
    if workers == 0:
        import os

        workers = max(1, min(4, os.cpu_count() or 1))
    from crm_insights.server.app import create_app, prepare_databases

    prepare_databases(settings)  # once, here: workers must not race to create the same SQLite files
    url = f"http://{settings.server.host}:{settings.server.port}/"
    err_console.print(f"[green]crm-insights[/green] chat page: {url}  ·  API docs: {url}docs  ·  MCP: {url}mcp")
    runner = None
    if train_missing:
        from crm_insights.background import log_path
        from crm_insights.cli.background import start_runner

        runner = start_runner(settings)
        # uvicorn stops gracefully on SIGTERM and then raises the signal again with the handler found before it
        # started: this one, so the `finally` below stops the runner and the exit is 0, as with several workers.
        import signal

        def _stopped(signum: int, frame: Any) -> None:
            raise SystemExit(0)

        signal.signal(signal.SIGTERM, _stopped)
        err_console.print(
            f"building missing models in the background (pid {runner.pid}, log {log_path(settings)}); "
            "`crm-insights status` shows progress",
            highlight=False,
        )
    try:
        if workers > 1:
            # Each worker imports the factory itself; settings come from the same env/config.yaml.
            _serve_workers(
                "crm_insights.server.app:create_app", settings.server.host, settings.server.port, workers, log_level
            )
            return
        # uvicorn.run exits non-zero itself when a single server fails to start.
        uvicorn.run(create_app(settings), host=settings.server.host, port=settings.server.port, log_level=log_level)
    finally:
        if runner is not None:
            from crm_insights.cli.background import stop_runner

            stop_runner(runner)


def _serve_workers(factory: str, host: str, port: int, workers: int, log_level: str) -> None:
    """uvicorn's worker supervisor, exiting non-zero when a worker fails to start.

    ``uvicorn.run`` stops every worker when one fails at startup, then returns as after Ctrl-C (exit 0),
    so a script running ``serve`` would not notice; the supervisor keeps the failed worker's exit code.
    """
    import uvicorn
    from uvicorn.config import STARTUP_FAILURE
    from uvicorn.supervisors import Multiprocess

    config = uvicorn.Config(factory, factory=True, host=host, port=port, workers=workers, log_level=log_level)
    supervisor = Multiprocess(config, sockets=[config.bind_socket()])
    supervisor.run()
    if any(p.exitcode == STARTUP_FAILURE for p in supervisor.processes):
        err_console.print("[red]error:[/red] a server worker failed to start (its log is above); the server stopped")
        sys.exit(STARTUP_FAILURE)


def _server_settings(settings: Any, host: str | None, port: int | None) -> Any:
    update = {k: v for k, v in (("host", host), ("port", port)) if v is not None}
    return settings.model_copy(update={"server": settings.server.model_copy(update=update)}) if update else settings


@app.command()
@cli_errors
def slack(
    http: Annotated[
        bool, typer.Option("--http", help="Serve events at /slack/events (signing secret), not Socket Mode.")
    ] = False,
    host: Annotated[str | None, typer.Option(help="With --http: address to bind.")] = None,
    port: Annotated[int | None, typer.Option(help="With --http: port.")] = None,
) -> None:
    """Slack bot: Socket Mode with an app token (default), or HTTP events mounted in the server."""
    from crm_insights.config import get_settings

    settings = get_settings()
    if http:
        import uvicorn

        from crm_insights.server.app import create_app
        from crm_insights.server.auth import check_bind

        settings = _server_settings(settings, host, port)
        check_bind(settings.server.host, settings)
        app_ = create_app(settings, slack=True)
        err_console.print(f"Slack events URL: http://{settings.server.host}:{settings.server.port}/slack/events")
        uvicorn.run(app_, host=settings.server.host, port=settings.server.port)
        return
    from crm_insights import open_session
    from crm_insights.server.slack import run_socket_mode

    session = open_session()  # load models before connecting, so the first answer is fast
    err_console.print("[green]Slack bot connected over Socket Mode[/green] (Ctrl+C to stop)")
    run_socket_mode(settings, lambda: session)


@app.command()
@cli_errors
def mcp() -> None:
    """MCP server over stdio (for Claude Desktop, IDEs and other MCP clients)."""
    from crm_insights.server.mcp_server import run_stdio

    run_stdio()


@app.command()
@cli_errors
def digest(
    slack_channel: Annotated[
        str | None, typer.Option("--slack-channel", help="Post to this Slack channel (id or #name).")
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Write Markdown to this file.")] = None,
    top_n: Annotated[int, typer.Option(min=1, max=100, help="Customers at risk to list.")] = 10,
    themes: Annotated[int, typer.Option(min=1, max=20, help="Complaint themes to list.")] = 5,
) -> None:
    """Weekly summary (segment changes, customers newly at risk, complaint themes) to Slack or a file.

    Cron-friendly: no prompts; exit 0 once delivered, 1 when nothing could be computed or delivery failed.
    Without --slack-channel or --out the Markdown goes to stdout.
    """
    from crm_insights.digest import build_digest, post_to_slack, save_state

    result = build_digest(top_n=top_n, n_themes=themes)
    for section, why in result.problems.items():
        err_console.print(f"[yellow]{section}:[/yellow] {why}", highlight=False)
    if result.empty:
        err_console.print("[red]error:[/red] nothing to report: every section is missing (see above)")
        raise typer.Exit(1)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(result.markdown, encoding="utf-8")
        err_console.print(f"digest written to {out}")
    if slack_channel:
        ts = post_to_slack(result, slack_channel)
        err_console.print(f"digest posted to {slack_channel} (ts {ts})")
    if out is None and not slack_channel:
        sys.stdout.write(result.markdown + "\n")
    save_state(result)
