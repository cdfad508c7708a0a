"""Polling for something another process (a worker, a server thread) makes true."""

from __future__ import annotations

import re
import time
from collections.abc import Callable


def wait_until(predicate: Callable[[], bool], timeout: float = 60, interval: float = 0.2) -> bool:
    """Poll a condition that another process makes true; False when it never happens."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def succeeded(worker, task_id: str) -> int:
    """How many times a started worker (its log) says this task succeeded: twice means it ran twice."""
    return len(re.findall(rf"\[{task_id}\] succeeded", worker.log_path.read_text()))
