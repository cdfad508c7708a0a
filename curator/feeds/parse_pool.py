"""Feed parsing in worker processes, each document under a hard deadline.

feedparser is pure Python and holds the GIL, so big batches parse in processes. A process pool from
concurrent.futures cannot stop a task once it runs: one document that parses for minutes would hold
its worker, and the batch waiting on it, for minutes. Here every worker runs one document at a time
over its own pipe, and a worker that misses the deadline is killed and replaced; the document becomes
that source's error and every other document goes on in the other workers.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess

from django.conf import settings

from curator.feeds.parse import ParsedFeed, parse_feed

logger = logging.getLogger(__name__)

READY = "ready"
# Starting a worker (the forkserver's first start imports feedparser and nh3) is not parsing time:
# the deadline starts once the worker has said it is ready.
STARTUP_TIMEOUT = 120.0


def _serve(conn: Connection) -> None:
    """A worker's loop: one (data, url, content_type) in, one ParsedFeed out, until the pipe closes."""
    conn.send(READY)
    while True:
        try:
            data, url, content_type = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(parse_feed(data, url, content_type))


class _Worker:
    def __init__(self, context: BaseContext) -> None:
        self.conn, child = context.Pipe()
        self.process: BaseProcess = context.Process(target=_serve, args=(child,), daemon=True)  # type: ignore[attr-defined]  # each concrete context has it
        self.process.start()
        child.close()
        try:
            ready = self.conn.poll(STARTUP_TIMEOUT) and self.conn.recv() == READY
        except (EOFError, OSError):
            ready = False
        if not ready:
            self.kill()
            raise RuntimeError("a feed parser process did not start")

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()


class DeadlinePool:
    """At most `processes` documents parse at once; callers beyond that wait for a free worker."""

    def __init__(self, processes: int, context: BaseContext) -> None:
        self.context = context
        self._slots = threading.BoundedSemaphore(max(1, processes))
        self._lock = threading.Lock()
        self._idle: list[_Worker] = []
        self._busy: set[_Worker] = set()
        self.killed = 0

    def warm(self, count: int) -> None:
        """Start workers ahead of the first document (while the first requests are in flight)."""
        started = [_Worker(self.context) for _ in range(count)]
        with self._lock:
            self._idle.extend(started)

    def parse(self, data: bytes, url: str, content_type: str, deadline: float) -> ParsedFeed:
        """parse_feed in a worker; a document still parsing after `deadline` seconds is abandoned."""
        with self._slots:
            worker = self._checkout()
            try:
                worker.conn.send((data, url, content_type))
                if worker.conn.poll(deadline):
                    result = worker.conn.recv()
                    self._checkin(worker)
                    return result
                problem = f"parsing took longer than {deadline:g}s and was stopped"
            except (EOFError, OSError) as exc:
                problem = f"the parser process failed: {exc.__class__.__name__}"
            logger.warning("feed %s: %s", url, problem)
            self._discard(worker)
            return ParsedFeed(url=url, error=f"unreadable feed: {problem}")

    def close(self) -> None:
        with self._lock:
            workers = [*self._idle, *self._busy]
            self._idle, self._busy = [], set()
        for worker in workers:
            worker.kill()

    def _checkout(self) -> _Worker:
        with self._lock:
            worker = self._idle.pop() if self._idle else None
        if worker is None or not worker.process.is_alive():
            if worker is not None:
                worker.kill()
            worker = _Worker(self.context)
        with self._lock:
            self._busy.add(worker)
        return worker

    def _checkin(self, worker: _Worker) -> None:
        with self._lock:
            self._busy.discard(worker)
            self._idle.append(worker)

    def _discard(self, worker: _Worker) -> None:
        with self._lock:
            self._busy.discard(worker)
            self.killed += 1
        worker.kill()


class ParserPool:
    """Feed parsing in worker processes, for big batches: feedparser is pure Python and holds the GIL,
    which would otherwise starve both the other fetching threads and the thread storing results.
    Each document gets FEEDS_PARSE_DEADLINE seconds; a worker still parsing after that is killed."""

    MIN_SOURCES = 8
    _pool: DeadlinePool | None = None
    _lock = threading.Lock()

    @classmethod
    def for_batch(cls, size: int) -> Callable[[bytes, str, str], ParsedFeed]:
        processes = settings.FEEDS_PARSE_PROCESSES
        # Celery's prefork children are daemonic and may not start processes of their own.
        if size < cls.MIN_SOURCES or processes < 2 or multiprocessing.current_process().daemon:
            return parse_feed
        with cls._lock:
            if cls._pool is None:
                # forkserver: children come from a clean single-threaded server, never from a fork
                # of this process with its fetching threads and database connections.
                context = multiprocessing.get_context("forkserver")
                context.set_forkserver_preload(["curator.feeds.parse_pool"])
                cls._pool = DeadlinePool(processes, context)
                # Start the workers now, while the first requests are still in flight.
                threading.Thread(target=cls._pool.warm, args=(processes,), daemon=True).start()
            pool = cls._pool

        def parse_elsewhere(data: bytes, url: str, content_type: str) -> ParsedFeed:
            return pool.parse(data, url, content_type, settings.FEEDS_PARSE_DEADLINE)

        return parse_elsewhere
