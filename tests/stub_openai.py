"""A scripted OpenAI-compatible server on 127.0.0.1 for contract tests of the real openai client.

Each POST /v1/chat/completions takes the next item of the script: a string is the reply's content;
a Fault makes the server misbehave (429 with Retry-After, 500, hang past the client's timeout,
a body that is not JSON). When the script runs out, `default` answers.
"""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable


@dataclass(frozen=True)
class Fault:
    kind: str                      # "status" | "hang" | "garbage"
    status: int = 500
    retry_after: str | None = None
    hang_s: float = 5.0


def status(code: int, retry_after: str | None = None) -> Fault:
    return Fault("status", status=code, retry_after=retry_after)


def hang(seconds: float = 5.0) -> Fault:
    return Fault("hang", hang_s=seconds)


GARBAGE = Fault("garbage")


@dataclass
class StubOpenAI:
    script: list[Any] = field(default_factory=list)
    default: str = '{"action": "next"}'
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    # when set, answers every request the script does not: a real model behind the same HTTP layer
    responder: Callable[[dict[str, Any]], str] | None = None

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._stop = threading.Event()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:
                self._send(200, {"status": "ok"} if self.path == "/health" else
                           {"object": "list", "data": [{"id": "stub-model", "object": "model"}]})

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                with stub._lock:
                    stub.requests.append(body)
                    stub.headers.append({k.lower(): v for k, v in self.headers.items()})
                    item = stub.script.pop(0) if stub.script else None if stub.responder else stub.default
                if not self.path.endswith("/chat/completions"):
                    return self._send(404, {"error": {"message": "not found"}})
                if item is None:
                    item = stub.responder(body)
                if isinstance(item, Fault):
                    if item.kind == "hang":
                        stub._stop.wait(item.hang_s)
                        return self._send(200, _completion(stub.default, body))
                    if item.kind == "garbage":
                        return self._send_raw(200, b"<html>upstream error", "text/html")
                    extra = {"Retry-After": item.retry_after} if item.retry_after is not None else {}
                    return self._send(item.status, {"error": {"message": f"stub fault {item.status}",
                                                              "type": "stub", "code": item.status}}, extra)
                self._send(200, _completion(str(item), body))

            def _send(self, code: int, payload: dict[str, Any], extra: dict[str, str] | None = None) -> None:
                self._send_raw(code, json.dumps(payload).encode(), "application/json", extra)

            def _send_raw(self, code: int, data: bytes, kind: str, extra: dict[str, str] | None = None) -> None:
                try:
                    self.send_response(code)
                    self.send_header("Content-Type", kind)
                    self.send_header("Content-Length", str(len(data)))
                    for k, v in (extra or {}).items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the client timed out and left
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def push(self, *items: Any) -> "StubOpenAI":
        with self._lock:
            self.script.extend(items)
        return self

    def __enter__(self) -> "StubOpenAI":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self.server.shutdown()
        self.server.server_close()


def _completion(content: str, request: dict[str, Any]) -> dict[str, Any]:
    return {"id": "chatcmpl-stub", "object": "chat.completion", "created": 0,
            "model": request.get("model", "stub-model"),
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": content}}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}
