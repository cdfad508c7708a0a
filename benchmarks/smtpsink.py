"""A local SMTP sink in its own process, for the send benchmark.

It speaks just enough SMTP (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT, with PIPELINING as
Postfix offers it) to accept and count messages, and reads DATA in bulk rather than line by
line: aiosmtpd, which the tests use to inspect messages, spends more CPU per message than the
sender being measured. Running the sink in a separate process keeps it from competing with the
sender for the GIL, so the benchmark measures the sender rather than the sink.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import socket
import time
from multiprocessing.sharedctypes import Synchronized
from multiprocessing.synchronize import Event
from typing import cast

EHLO_REPLY = b"250-sink.localhost\r\n250-PIPELINING\r\n250-SIZE 52428800\r\n250-8BITMIME\r\n250 HELP\r\n"
END_OF_DATA = b"\r\n.\r\n"


class SinkProtocol(asyncio.Protocol):
    def __init__(self, counter: Synchronized) -> None:
        self.counter = counter
        self.buffer = bytearray()
        self.in_data = False
        self.recipients = 0
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # a TCP server hands over a full transport
        self.transport.write(b"220 sink.localhost ESMTP\r\n")

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        replies = []
        while True:
            if self.in_data:
                if self.buffer.startswith(b".\r\n"):
                    end, skip = 0, 3
                else:
                    end = self.buffer.find(END_OF_DATA)
                    if end < 0:
                        break
                    skip = len(END_OF_DATA)
                del self.buffer[: end + skip]
                self.in_data = False
                with self.counter.get_lock():
                    self.counter.value += self.recipients
                self.recipients = 0
                replies.append(b"250 2.0.0 Accepted\r\n")
                continue
            newline = self.buffer.find(b"\r\n")
            if newline < 0:
                break
            verb = bytes(self.buffer[:4]).upper()
            del self.buffer[: newline + 2]
            replies.append(self.reply(verb))
            if verb == b"QUIT":
                break
        if replies and self.transport is not None:
            self.transport.write(b"".join(replies))
            if replies[-1].startswith(b"221"):
                self.transport.close()

    def reply(self, verb: bytes) -> bytes:
        if verb == b"EHLO":
            return EHLO_REPLY
        if verb in (b"HELO", b"NOOP"):
            return b"250 OK\r\n"
        if verb in (b"MAIL", b"RSET"):
            self.recipients = 0
            return b"250 2.1.0 OK\r\n"
        if verb == b"RCPT":
            self.recipients += 1
            return b"250 2.1.5 OK\r\n"
        if verb == b"DATA":
            if not self.recipients:
                return b"503 5.5.1 Need RCPT\r\n"
            self.in_data = True
            return b"354 End data with <CR><LF>.<CR><LF>\r\n"
        if verb == b"QUIT":
            return b"221 Bye\r\n"
        return b"500 5.5.2 Unknown command\r\n"


def serve(port: int, counter: Synchronized, ready: Event, stop: Event) -> None:
    async def main() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(lambda: SinkProtocol(counter), "127.0.0.1", port)
        ready.set()
        while not stop.is_set():
            await asyncio.sleep(0.1)
        server.close()

    asyncio.run(main())


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
