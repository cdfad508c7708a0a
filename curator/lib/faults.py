"""Expected faults (a database or broker that is down) as one log line.

Health probes, metric scrapes and worker heartbeats meet the same outage every few seconds; a
traceback or a driver's multi-line message each time buries everything else in the log. Bugs keep
their tracebacks: only the handlers of expected faults use this.
"""

from __future__ import annotations


def one_line(exc: BaseException) -> str:
    """The exception's class and message on one line: `ConnectionError: Error 111 connecting to ...`."""
    return f"{exc.__class__.__name__}: {' '.join(str(exc).split())}"
