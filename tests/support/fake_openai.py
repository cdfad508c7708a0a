"""A local HTTP server speaking just enough of the chat-completions API to misbehave on purpose.

Only for fault cases a real server will not produce on demand (429 with Retry-After, 500, a hang
past the deadline, malformed JSON) and for counting requests in flight. Real drafting is tested
against `transformers serve` with real weights (test_real_weights.py).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Script:
    """What the next requests get: a list of steps, the last one repeated."""

    steps: list[dict[str, Any]] = field(default_factory=lambda: [{"status": 200}])
    requests: list[dict[str, Any]] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    in_flight: int = 0
    most_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_step(self, body: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            self.requests.append(body)
            self.times.append(time.monotonic())
            index = min(len(self.requests) - 1, len(self.steps) - 1)
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
            return self.steps[index]

    def done(self) -> None:
        with self.lock:
            self.in_flight -= 1


def completion(text: str) -> bytes:
    return json.dumps(
        {
            "id": "fake-1",
            "object": "chat.completion",
            "created": 0,
            "model": "fake-model",
            "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": text}}],
            "usage": {"prompt_tokens": 40, "completion_tokens": 12, "total_tokens": 52},
        }
    ).encode()


def _handler(script: Script) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            step = script.next_step(body)
            try:
                time.sleep(step.get("sleep", 0))
                status = step.get("status", 200)
                payload = step.get("raw")
                if payload is None:
                    if status == 200:
                        payload = completion(step.get("text", "Sparse Ladder Attention reads long documents."))
                    else:
                        payload = json.dumps({"error": {"message": f"status {status}"}}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                for name, value in step.get("headers", {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (its deadline): exactly what a hang test wants
            finally:
                script.done()

    return Handler


@contextmanager
def fake_server(script: Script) -> Iterator[str]:
    """Serve `script` on a free local port; yields the API base (http://127.0.0.1:PORT/v1)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(script))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()
