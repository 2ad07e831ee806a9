"""A stand-in for the Slack Web API on 127.0.0.1 that records every call (for WebClient(base_url=...))."""

from __future__ import annotations

import itertools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs


class SlackRecorder:
    def __init__(self) -> None:
        self.records: list[tuple[str, dict[str, Any]]] = []
        self.socket_url: str | None = None  # what apps.connections.open hands out (Socket Mode tests)
        self.lock = threading.Lock()
        self.counter = itertools.count(1)
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path.startswith("/upload/"):
                    png = raw[:8] == b"\x89PNG\r\n\x1a\n"
                    recorder._record("upload", {"path": self.path, "bytes": len(raw), "png": png})
                    self._reply(200, b"OK", "text/plain")
                    return
                method = self.path.split("/api/", 1)[-1].split("?")[0]
                if "json" in (self.headers.get("Content-Type") or ""):
                    params = json.loads(raw or b"{}")
                else:
                    params = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
                recorder._record(method, params)
                body = json.dumps(recorder._answer(method, params)).encode()
                self._reply(200, body, "application/json; charset=utf-8")

            def _reply(self, status: int, body: bytes, ctype: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/api/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _record(self, method: str, params: dict[str, Any]) -> None:
        with self.lock:
            self.records.append((method, params))

    def _answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        n = next(self.counter)
        if method == "auth.test":
            return {"ok": True, "user_id": "UBOT", "bot_id": "BBOT", "team_id": "T1", "user": "crm", "team": "Acme"}
        if method == "chat.postMessage":
            return {"ok": True, "channel": params.get("channel"), "ts": f"1800000000.{n:06d}"}
        if method == "chat.update":
            return {"ok": True, "channel": params.get("channel"), "ts": params.get("ts")}
        if method == "files.getUploadURLExternal":
            return {"ok": True, "upload_url": self.base_url.replace("/api/", f"/upload/F{n}"), "file_id": f"F{n}"}
        if method == "files.completeUploadExternal":
            files = params.get("files")
            files = json.loads(files) if isinstance(files, str) else files
            return {"ok": True, "files": [{"id": f["id"], "title": f.get("title")} for f in files or []]}
        if method == "apps.connections.open":
            return {"ok": True, "url": self.socket_url or "ws://127.0.0.1:9/unset"}
        if method == "files.info":
            return {"ok": True, "file": {"id": params.get("file")}}
        return {"ok": True}

    def calls(self, method: str) -> list[dict[str, Any]]:
        with self.lock:
            return [p for m, p in self.records if m == method]

    def methods(self) -> list[str]:
        with self.lock:
            return [m for m, _ in self.records]

    def wait_for(self, method: str, count: int = 1, timeout: float = 20) -> list[dict[str, Any]]:
        deadline = time.time() + timeout
        while time.time() < deadline:
            found = self.calls(method)
            if len(found) >= count:
                return found
            time.sleep(0.05)
        raise AssertionError(f"no {count}x {method} within {timeout}s; calls: {self.methods()}")

    def __enter__(self) -> SlackRecorder:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
