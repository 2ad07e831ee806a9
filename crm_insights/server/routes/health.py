"""Liveness and readiness probes (open: they reveal no customer data)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

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


def readiness(state: ServerState) -> dict[str, dict[str, Any]]:
    """One entry per dependency: ok plus a detail (a version, or what to run to fix it)."""
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
    reg = registry(state.settings)
    for kind, command in MODEL_KINDS.items():
        try:
            info = reg.latest(kind)
        except Exception as exc:  # a corrupt artifact dir is "not ready", not a crash of the probe
            checks[f"model:{kind}"] = {"ok": False, "detail": f"unreadable: {exc}"}
            continue
        checks[f"model:{kind}"] = (
            {"ok": True, "detail": info.version} if info else {"ok": False, "detail": f"missing: run `{command}`"}
        )
    manifest = state.settings.indexes_dir / "feedback" / "manifest.json"
    checks["index:feedback"] = (
        {"ok": True, "detail": str(manifest)}
        if manifest.exists()
        else {"ok": False, "detail": "missing: run `crm-insights index build`"}
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


@router.get("/readyz", responses={503: {"description": "Not ready; the body says what is missing."}})
async def readyz(state: ServerState = Depends(state_dep)) -> JSONResponse:
    """Ready: store migrated, models and index built, agent loaded. 503 lists what is missing."""
    checks = await run_in_threadpool(readiness, state)
    missing = [f"{name} ({c['detail']})" for name, c in checks.items() if not c["ok"]]
    if missing:
        body = {
            "ready": False,
            "checks": checks,
            "error": {"code": "not_ready", "message": "not ready: " + "; ".join(missing), "type": "server_error"},
        }
        return JSONResponse(body, status_code=503)
    return JSONResponse({"ready": True, "checks": checks})
