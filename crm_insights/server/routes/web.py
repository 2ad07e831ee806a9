"""The web chat page (``/``, ``/static/*``) and chart images (``/charts/{name}``).

Everything the page needs ships in the package, the Markdown renderer and sanitiser included
(``web/vendor/``): no CDN, so it works offline.

The page itself is open and holds no data; everything it shows comes from ``/v1/*`` and ``/charts/*``
with the API key typed into the page (kept in the browser's localStorage), so with keys configured
the page sees exactly that key's threads and charts, like any other API client. Its own thread list
in localStorage may name threads the current key cannot open: those answer 404 and show empty.
A chart in a thread's folder is addressed by the caller's plain thread id and served only to the
identity that owns the thread; charts of the data routes (top level) are shared aggregates.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter, Depends, FastAPI
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles

from crm_insights.charts import wait_for_chart
from crm_insights.errors import NotFoundError
from crm_insights.server.deps import get_identity, get_state
from crm_insights.server.routes import exports
from crm_insights.server.state import ServerState

WEB_DIR = Path(__file__).resolve().parent.parent / "web"
CHART_NAME = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]{0,200}\.png$")
PART = re.compile(r"^[A-Za-z0-9_@-][A-Za-z0-9:._@-]{0,199}$")  # a thread id folder; never . or ..

router = APIRouter(tags=["web"])
# The page's CSV downloads (/v1/threads/{id}/tool-results/{call}.csv) are served with the page's routes.
router.include_router(exports.router)


@lru_cache(maxsize=1)
def _index_html() -> str:
    return (WEB_DIR / "index.html").read_text(encoding="utf-8")


# A second lock behind the sanitiser: no inline or foreign script can run, even if markup got through.
# Inline style attributes stay allowed (markdown-it aligns table columns with them); charts and CSV
# downloads are blob: URLs the page makes from authenticated fetches.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' blob: data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def index() -> HTMLResponse:
    headers = {"Cache-Control": "no-cache", "Content-Security-Policy": CONTENT_SECURITY_POLICY}
    return HTMLResponse(_index_html(), headers=headers)


@router.get("/charts/{name:path}", summary="A chart PNG produced for an answer", response_class=FileResponse)
async def chart(
    name: str, state: ServerState = Depends(get_state), identity: str = Depends(get_identity)
) -> FileResponse:
    # Charts live in charts_dir, possibly one folder per thread. Every part must look like a name
    # chart_for or a thread id produces, and the resolved file must stay inside charts_dir.
    root = state.settings.charts_dir.resolve()
    parts = name.split("/")
    if len(parts) > 2 or not CHART_NAME.match(parts[-1]) or not all(PART.match(p) for p in parts[:-1]):
        raise NotFoundError(f"no chart {name!r}")
    path = (root / state.chart_relpath(name, identity)).resolve()
    if not path.is_relative_to(root):
        raise NotFoundError(f"no chart {name!r}")
    # The answer names its charts before they are drawn (charts.chart_later): wait for this one.
    if not await run_in_threadpool(wait_for_chart, path, 30.0):
        raise NotFoundError(f"no chart {name!r}")
    return FileResponse(path, media_type="image/png", headers={"Cache-Control": "private, max-age=86400"})


def mount_static(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=WEB_DIR), name="static")
