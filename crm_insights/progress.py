"""Rich progress bars: the one factory every long step (conversion, import, training, scoring, embedding) uses.

Bars draw on stderr, so stdout stays clean for ``--json`` and piped output, and only when stderr is
a terminal: in a log file a live bar is noise, and callers that report progress otherwise (training
logs a line per 5%) check ``bar.disable``. Rich is imported inside the functions: this module sits
below the store and analytics, which the CLI imports for commands that never draw a bar.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.progress import Progress


def progress_bar(
    enabled: bool | None,
    *,
    label: str = "{task.description}",
    extra: str | None = None,
    eta: bool = False,
    transient: bool = False,
) -> Progress:
    """A bar with a count (done/total) and elapsed time (``eta``: time remaining instead).

    ``enabled``: False hides it, True shows it on a terminal, None shows it whenever stderr is one.
    ``label`` formats the description column; ``extra`` adds a trailing text column (task fields,
    e.g. ``"{task.fields[info]}"``, which every ``add_task`` must then give).
    """
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        ProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.progress import Progress as RichProgress

    console = Console(stderr=True)
    columns: list[ProgressColumn] = [
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn() if eta else TimeElapsedColumn(),
    ]
    if extra is not None:
        columns.append(TextColumn(extra))
    shown = enabled is not False and console.is_terminal
    return RichProgress(*columns, console=console, disable=not shown, transient=transient)


def spinner(enabled: bool | None, *, transient: bool = True) -> Progress:
    """A spinner with the step's description and elapsed time, for steps without a count."""
    from rich.console import Console
    from rich.progress import Progress as RichProgress
    from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    shown = enabled is not False and console.is_terminal
    return RichProgress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
        disable=not shown,
        transient=transient,
    )
