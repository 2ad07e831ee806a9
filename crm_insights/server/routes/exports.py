"""Tool results as CSV files: ``GET /v1/threads/{thread_id}/tool-results/{tool_call_id}.csv``.

The file is read from the thread's checkpoint (the tool message the answer was written from), so a
download runs no query or model again and always holds exactly the rows the answer saw. The thread is
looked up under the caller's identity (:func:`~crm_insights.server.state.agent_thread_id`), so another
API key's thread answers 404 like one that does not exist.

:func:`table_rows` is the one definition of a result's tabular part; the Slack bot uploads the same
CSV (:func:`csv_bytes`), and the chat page's ``tableOf`` in ``web/app.js`` mirrors it to decide which
steps get a download button.
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from crm_insights.errors import InputError, NotFoundError
from crm_insights.server.deps import check_thread_id, get_identity, get_state
from crm_insights.server.state import ServerState, agent_thread_id

router = APIRouter(prefix="/v1")

# Ids from OpenAI-style servers (call_...), llama.cpp and the offline router (call_<hex>).
TOOL_CALL_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,200}$")
# A spreadsheet runs a cell that starts with one of these as a formula; feedback text is customer-written.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _is_table(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(row, dict) for row in value)


def table_rows(result: Any) -> list[dict[str, Any]] | None:
    """The tabular part of a tool result, or None when it has none.

    ``data`` itself when it is a list of objects; otherwise the longest list of objects among ``data``'s
    values (``rows``, ``customers``, ``segments``, ``hits``, ``trend``, ``themes``, ...; the first on a tie).
    """
    data = result.get("data", result) if isinstance(result, dict) else result
    if _is_table(data):
        return list(data)
    if not isinstance(data, dict):
        return None
    tables = [value for value in data.values() if _is_table(value)]
    return max(tables, key=len) if tables else None


def _flatten(row: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    # Nested objects become dotted columns and short lists of plain values one column each (a cohort's
    # retention by month); anything deeper stays as JSON text in its cell.
    out: dict[str, Any] = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, name + "."))
        elif isinstance(value, list) and value and not any(isinstance(v, dict | list) for v in value):
            out.update({f"{name}.{i}": v for i, v in enumerate(value)})
        elif isinstance(value, list):
            out[name] = json.dumps(value, ensure_ascii=False) if value else ""
        else:
            out[name] = value
    return out


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_bytes(rows: list[dict[str, Any]]) -> bytes:
    """Rows as CSV: UTF-8 with a byte-order mark (Excel then reads Chinese right), CRLF line ends."""
    flat = [_flatten(row) for row in rows]
    columns = list(dict.fromkeys(key for row in flat for key in row))
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(columns)
    for row in flat:
        writer.writerow([_cell(row.get(col)) for col in columns])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def csv_filename(result: Any, tool_call_id: str) -> str:
    evidence = result.get("evidence") if isinstance(result, dict) else None
    tool = evidence.get("tool") if isinstance(evidence, dict) else None
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", str(tool or "tool-result"))
    return f"{stem}-{re.sub(r'[^A-Za-z0-9_-]+', '_', tool_call_id)[-16:]}.csv"


@router.get(
    "/threads/{thread_id}/tool-results/{tool_call_id}.csv",
    summary="A tool result's table as CSV (UTF-8 with BOM), read from the thread: nothing is run again",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
async def tool_result_csv(
    thread_id: str, tool_call_id: str, state: ServerState = Depends(get_state), identity: str = Depends(get_identity)
) -> Response:
    check_thread_id(thread_id)
    if not TOOL_CALL_ID.match(tool_call_id):
        raise InputError("tool_call_id: use 1-200 characters from letters, digits and _ . : -")
    session = state.require_session()
    result = await run_in_threadpool(session.tool_result, agent_thread_id(identity, thread_id), tool_call_id)
    if result is None:
        raise NotFoundError(f"no tool result {tool_call_id!r} in thread {thread_id!r}")
    rows = table_rows(result)
    if rows is None:
        raise NotFoundError(f"tool result {tool_call_id!r} has no table")
    name = csv_filename(result, tool_call_id)
    return Response(
        csv_bytes(rows),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(name)}",
            # The rows of a tool call never change; they are the caller's, so no shared cache keeps them.
            "Cache-Control": "private, max-age=86400",
        },
    )
