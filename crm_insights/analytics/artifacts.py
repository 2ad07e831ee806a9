"""Versioned artifact registry: each trained model lives in its own directory with a manifest.

Layout: ``<models_dir>/<kind>/<version>/`` holding the model files plus ``manifest.json`` (kind,
version, created_at, config that rebuilds it, metrics). ``<models_dir>/<kind>/LATEST`` names the
current version. Writes go to a temporary directory renamed into place, so a crash never leaves a
half-written artifact behind.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from crm_insights.errors import ArtifactError, NotReadyError

MANIFEST = "manifest.json"

# What builds each kind, for error messages.
BUILD_HINTS = {
    "segments": "crm-insights train segments",
    "forecast": "crm-insights train forecast",
    "sentiment": "crm-insights train sentiment",
}


@dataclass(frozen=True)
class ArtifactInfo:
    kind: str
    version: str
    path: Path
    created_at: str
    config: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "version": self.version,
            "path": str(self.path),
            "created_at": self.created_at,
            "config": self.config,
            "metrics": self.metrics,
        }


class ArtifactRegistry:
    def __init__(self, root: Path):
        self.root = Path(root)

    def _kind_dir(self, kind: str) -> Path:
        return self.root / kind

    def save(
        self,
        kind: str,
        write: Callable[[Path], None],
        config: dict[str, Any],
        metrics: dict[str, Any] | None = None,
        version: str | None = None,
    ) -> ArtifactInfo:
        """Call ``write(tmpdir)`` to fill a new version, then publish it atomically as LATEST."""
        now = datetime.now(UTC)
        version = version or f"{kind}-{now.strftime('%Y%m%dT%H%M%S')}-{os.urandom(3).hex()}"
        kdir = self._kind_dir(kind)
        kdir.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{version}.", dir=kdir))
        try:
            write(tmp)
            manifest = {
                "kind": kind,
                "version": version,
                "created_at": now.isoformat(timespec="microseconds"),
                "config": config,
                "metrics": metrics or {},
            }
            (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False, default=str))
            final = kdir / version
            tmp.rename(final)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        latest_tmp = kdir / ".LATEST.tmp"
        latest_tmp.write_text(version)
        latest_tmp.replace(kdir / "LATEST")
        return self._read(final)

    def _read(self, path: Path) -> ArtifactInfo:
        try:
            data = json.loads((path / MANIFEST).read_text())
        except FileNotFoundError as exc:
            raise ArtifactError(f"artifact at {path} has no {MANIFEST}") from exc
        except json.JSONDecodeError as exc:
            raise ArtifactError(f"artifact manifest {path / MANIFEST} is corrupt: {exc}") from exc
        return ArtifactInfo(
            kind=data["kind"],
            version=data["version"],
            path=path,
            created_at=data.get("created_at", ""),
            config=data.get("config", {}),
            metrics=data.get("metrics", {}),
        )

    def latest(self, kind: str) -> ArtifactInfo | None:
        pointer = self._kind_dir(kind) / "LATEST"
        if not pointer.exists():
            return None
        version = pointer.read_text().strip()
        return self.get(kind, version)

    def get(self, kind: str, version: str) -> ArtifactInfo:
        path = self._kind_dir(kind) / version
        if not path.is_dir():
            raise ArtifactError(f"no {kind} artifact with version {version!r} under {self._kind_dir(kind)}")
        return self._read(path)

    def require(self, kind: str) -> ArtifactInfo:
        info = self.latest(kind)
        if info is None:
            hint = BUILD_HINTS.get(kind, f"train the {kind} model")
            raise NotReadyError(f"no {kind} model has been trained yet; run `{hint}`")
        return info

    def versions(self, kind: str) -> list[ArtifactInfo]:
        kdir = self._kind_dir(kind)
        if not kdir.is_dir():
            return []
        out = [self._read(p) for p in sorted(kdir.iterdir()) if p.is_dir() and not p.name.startswith(".")]
        return sorted(out, key=lambda a: _created(a.created_at))

    def kinds(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if (p / "LATEST").exists())


def _created(stamp: str) -> datetime:
    """Sort key: manifests stamp microseconds so two versions trained within a second keep their order."""
    try:
        return datetime.fromisoformat(stamp)
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)


def registry(settings: Any | None = None) -> ArtifactRegistry:
    from crm_insights.config import get_settings

    s = settings or get_settings()
    return ArtifactRegistry(s.models_dir)
