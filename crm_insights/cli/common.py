"""What every command module shares: the root Typer app, the consoles, error mapping, JSON output, and the
option aliases that several commands repeat (one definition each, so their names and help stay the same).

Only Typer, Rich's console and the project's errors load here: `crm-insights --help` must stay fast, so the
commands import their heavy modules (pandas, torch, FAISS, the agent) inside their bodies.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from rich.console import Console

from crm_insights.errors import CrmInsightsError, ImportValidationError

# The root app lives here, not in __init__, so that the command modules can register on it without importing
# the package that imports them.
app = typer.Typer(
    name="crm-insights",
    help="Conversational customer insights over Chinese and English CRM data.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

console = Console()
err_console = Console(stderr=True)

F = TypeVar("F", bound=Callable[..., Any])


def cli_errors(fn: F) -> F:
    """Map project errors to a one-line message (plus row details for imports) and exit code 1."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ImportValidationError as exc:
            err_console.print(f"[red]error:[/red] {exc.report()}", markup=True, highlight=False)
            raise typer.Exit(1) from None
        except CrmInsightsError as exc:
            err_console.print(f"[red]error:[/red] {exc}", markup=True, highlight=False)
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def exit_now(close: Callable[[], None] | None = None) -> None:
    """End a one-shot command's process now, skipping the interpreter's teardown; return when run in-process.

    Tearing down the ~2,000 modules a question imports (langchain, pandas, sqlalchemy ...) took ~0.5 s of a
    cold `crm-insights ask` on 2 shared cores, after the answer was printed. ``close`` releases what the
    command opened (the thread store: its writes are committed by then); logging and both streams are flushed;
    exit code 0. Under Click's test runner or pytest's capture the streams are replaced, and this returns.
    """
    out, err = sys.stdout, sys.stderr
    if out is not sys.__stdout__ or err is not sys.__stderr__ or out is None or err is None:
        return
    if close is not None:
        close()
    import logging
    import os

    logging.shutdown()
    out.flush()
    err.flush()
    os._exit(0)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def not_built(what: str) -> NoReturn:
    err_console.print(f"[yellow]{what} is not built yet.[/yellow]")
    raise typer.Exit(2)


def tool_error_exit(message: str) -> NoReturn:
    """A tool's error string (something the user can fix) as a one-line message and exit code 1."""
    err_console.print(f"[red]error:[/red] {message}", markup=True, highlight=False)
    raise typer.Exit(1)


# Options repeated across commands. A command whose option says something different (e.g. `--json` printing
# rows, or a differently worded --since) keeps its own Annotated type.
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
SegmentOpt = Annotated[str | None, typer.Option("--segment", help="Only this segment (id or name).")]
SentimentOpt = Annotated[str | None, typer.Option("--sentiment", help="positive, neutral or negative.")]
SinceDayOpt = Annotated[datetime | None, typer.Option("--since", formats=["%Y-%m-%d"], help="From this day.")]
UntilDayOpt = Annotated[datetime | None, typer.Option("--until", formats=["%Y-%m-%d"], help="To this day (inclusive).")]
EngineOpt = Annotated[
    str | None,
    typer.Option("--engine", help="local or ray: where the batch job runs. Default: compute.engine (local)."),
]
RayAddressOpt = Annotated[
    str | None,
    typer.Option(
        "--ray-address",
        help="With --engine ray: auto or host:port joins that cluster; unset starts a local Ray. "
        "Default: compute.ray_address.",
    ),
]
