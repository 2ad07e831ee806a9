"""Liveness and readiness probes (open: they reveal no customer data)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from crm_insights.background import JOB_OF_KIND, summary
from crm_insights.server.deps import state_dep
from crm_insights.server.state import ServerState

router = APIRouter(tags=["health"])

# What must exist for every tool to answer, and the command that builds it.
MODEL_KINDS = {
    "segments": "crm-insights train segments",
    "forecast": "crm-insights train forecast",
    "sentiment": "crm-insights train sentiment",
}


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """Alive: the process answers HTTP."""
    return {"status": "ok"}


def readiness(state: ServerState, background: dict[str, Any] | None = None) -> dict[str, dict[str, Any]]:
    """One entry per dependency: ok plus a detail (a version, what to run to fix it, or "training in the
    background" while ``crm-insights train missing`` builds it; ``background`` is :func:`summary`'s report)."""
    from crm_insights.analytics.artifacts import registry
    from crm_insights.store.db import get_engine, is_migrated, ping

    checks: dict[str, dict[str, Any]] = {}
    try:
        engine = get_engine(state.settings)
        ping(engine)
        migrated = is_migrated(engine)
        checks["store"] = {
            "ok": migrated,
            "detail": "migrated" if migrated else "not migrated: run `crm-insights demo`",
        }
    except Exception as exc:  # any failure to reach the store makes it not ready, with the reason
        checks["store"] = {"ok": False, "detail": f"unreachable: {type(exc).__name__}: {exc}"[:300]}
    background = background if background is not None else summary(state.settings)

    def missing(kind: str, command: str) -> str:
        job = JOB_OF_KIND.get(kind)
        if job in background["training"]:
            return "training in the background"
        if job in background["failed"]:
            return f"failed in the background ({background['failed'][job]}; log {background['log']}): run `{command}`"
        return f"missing: run `{command}`"

    reg = registry(state.settings)
    for kind, command in MODEL_KINDS.items():
        try:
            info = reg.latest(kind)
        except Exception as exc:  # a corrupt artifact dir is "not ready", not a crash of the probe
            checks[f"model:{kind}"] = {"ok": False, "detail": f"unreadable: {exc}"}
            continue
        checks[f"model:{kind}"] = (
            {"ok": True, "detail": info.version} if info else {"ok": False, "detail": missing(kind, command)}
        )
    if "sentiment" in background["training"] and checks["model:sentiment"]["ok"]:
        # The model exists, the labels of stored feedback are being written: sentiment figures wait for them.
        checks["model:sentiment"] = {"ok": False, "detail": "scoring stored feedback in the background"}
    manifest = state.settings.indexes_dir / "feedback" / "manifest.json"
    checks["index:feedback"] = (
        {"ok": True, "detail": str(manifest)}
        if manifest.exists()
        else {"ok": False, "detail": missing("index", "crm-insights index build")}
    )
    if state.session is not None:
        checks["agent"] = {"ok": True, "detail": "loaded"}
    else:
        reason = str(state.session_error) if state.session_error else "loading"
        checks["agent"] = {"ok": False, "detail": reason}
    checks["tools"] = (
        {"ok": True, "detail": f"{len(state.tools)} tools"}
        if state.tools
        else {"ok": False, "detail": state.tools_error or "no tools registered"}
    )
    return checks


@router.get("/training")
async def training(state: ServerState = Depends(state_dep)) -> JSONResponse:
    """The background runner's state, always 200 (the web page's banner polls it; /readyz answers 503 while
    anything is missing, which a browser reports as a failed load): ``training``, ``failed``, ``background``
    (one line, or null) and ``log``."""
    background = await run_in_threadpool(summary, state.settings)
    return JSONResponse(
        {
            "training": background["training"],
            "failed": background["failed"],
            "background": background["message"],
            "log": background["log"],
        }
    )


@router.get("/readyz", responses={503: {"description": "Not ready; the body says what is missing."}})
async def readyz(state: ServerState = Depends(state_dep)) -> JSONResponse:
    """Ready: store migrated, models and index built, agent loaded. 503 lists what is missing.

    ``training`` lists the jobs the background runner (``serve --train-missing``) has still to finish,
    ``failed`` those that failed (with ``log``), and ``background`` is one line saying so, or null; while
    only training is missing, the server answers questions that need none of it (metrics, segments).
    """
    background = await run_in_threadpool(summary, state.settings)
    checks = await run_in_threadpool(readiness, state, background)
    extra = {
        "training": background["training"],
        "failed": background["failed"],
        "background": background["message"],
        "log": background["log"],
    }
    missing = [f"{name} ({c['detail']})" for name, c in checks.items() if not c["ok"]]
    if missing:
        body = {
            "ready": False,
            "checks": checks,
            **extra,
            "error": {"code": "not_ready", "message": "not ready: " + "; ".join(missing), "type": "server_error"},
        }
        return JSONResponse(body, status_code=503)
    return JSONResponse({"ready": True, "checks": checks, **extra})
