"""A loopback HTTP server that replays recorded responses, for offline tests of the real protocols.

Each path has a list of responses served one after the other (the last one repeats). A response
may honour conditional requests (its ETag / Last-Modified answer 304), redirect, stall, announce
more bytes than it sends, or carry any content type. It listens on 127.0.0.1 only.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    body: bytes = b""
    status: int = 200
    content_type: str = "text/csv"
    etag: str | None = None
    last_modified: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    truncate_to: int | None = None  # send only this many bytes of the body, then close


class Replay:
    def __init__(self) -> None:
        self.routes: dict[str, list[Reply]] = {}
        self.served: dict[str, int] = {}
        self.requests: list[tuple[str, str, dict[str, str], bytes]] = []
        self.lock = threading.Lock()
        replay = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_: Any) -> None:
                pass

            def _answer(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                path = self.path.split("?", 1)[0]
                with replay.lock:
                    replay.requests.append((self.command, path, dict(self.headers), body))
                    replies = replay.routes.get(path)
                    if not replies:
                        reply = Reply(b"not found", 404, "text/plain")
                    else:
                        n = replay.served.get(path, 0)
                        replay.served[path] = n + 1
                        reply = replies[min(n, len(replies) - 1)]
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.status == 200 and (
                    (reply.etag and self.headers.get("if-none-match") == reply.etag)
                    or (reply.last_modified and self.headers.get("if-modified-since") == reply.last_modified)
                ):
                    self.send_response(304)
                    if reply.etag:
                        self.send_header("ETag", reply.etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(reply.body)))
                if reply.etag:
                    self.send_header("ETag", reply.etag)
                if reply.last_modified:
                    self.send_header("Last-Modified", reply.last_modified)
                for k, v in reply.headers.items():
                    self.send_header(k, v)
                if reply.truncate_to is not None:
                    self.send_header("Connection", "close")
                self.end_headers()
                if reply.truncate_to is not None:
                    self.wfile.write(reply.body[: reply.truncate_to])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(reply.body)

            do_GET = do_POST = _answer

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def url(self, path: str) -> str:
        return self.base + path

    def route(self, path: str, *replies: Reply) -> str:
        with self.lock:
            self.routes[path] = list(replies)
            self.served[path] = 0
        return self.url(path)

    def package(self, name: str, resources: list[dict[str, Any]]) -> None:
        """A CKAN ``package_show`` answer for dataset ``name`` (the next call serves the newer one)."""
        doc = {"help": "package_show", "success": True,
               "result": {"id": f"id-{name}", "name": name, "title": name, "resources": resources}}
        reply = Reply(json.dumps(doc).encode(), 200, "application/json")
        with self.lock:
            self.routes.setdefault("/api/action/package_show", []).append(reply)

    def hits(self, path: str) -> int:
        return sum(1 for _m, p, _h, _b in self.requests if p == path)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
