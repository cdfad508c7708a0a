"""A local SMTP sink in its own process, for the send benchmark.

It accepts and counts every message. Running it in a separate process keeps it from competing with
the sender for the GIL, so the benchmark measures the sender rather than the sink.
"""

from __future__ import annotations

import multiprocessing
import socket
import time
from multiprocessing.sharedctypes import Synchronized
from multiprocessing.synchronize import Event


class CountingHandler:
    def __init__(self, counter: Synchronized) -> None:
        self.counter = counter

    async def handle_DATA(self, server, session, envelope) -> str:  # type: ignore[no-untyped-def]
        with self.counter.get_lock():
            self.counter.value += len(envelope.rcpt_tos)
        return "250 2.0.0 Accepted"


def serve(port: int, counter: Synchronized, ready: Event, stop: Event) -> None:
    from aiosmtpd.controller import Controller

    controller = Controller(CountingHandler(counter), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    stop.wait()
    controller.stop()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SinkProcess:
    """Context manager: `with SinkProcess() as sink: ... sink.port, sink.received`."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")  # a fresh interpreter: no inherited DB connections
        self.port = free_port()
        self.counter = context.Value("q", 0)
        self.ready = context.Event()
        self.stop = context.Event()
        self.process = context.Process(target=serve, args=(self.port, self.counter, self.ready, self.stop), daemon=True)

    @property
    def received(self) -> int:
        return self.counter.value

    def wait_for(self, count: int, timeout: float = 30) -> bool:
        deadline = time.monotonic() + timeout
        while self.received < count and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.received >= count

    def __enter__(self) -> SinkProcess:
        self.process.start()
        if not self.ready.wait(30):
            self.process.kill()
            raise RuntimeError("the SMTP sink did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.process.join(10)
        if self.process.is_alive():
            self.process.kill()
