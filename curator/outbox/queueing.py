"""The base class of every project task: calling `.delay()` queues through the outbox.

A convention ("call `handover.enqueue`, never `.delay()`") is easy to forget, and code that
forgets it loses work while the broker is down. With `OutboxTask` as the Celery app's task class
(curator/celery.py), `.delay()` itself writes the outbox row in the caller's transaction, so the
plain Celery call is the safe one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from celery import Task

if TYPE_CHECKING:
    from celery.result import AsyncResult

# Besides the call itself, an outbox row holds only a queue name (OutboxMessage.queue).
RECORDED_OPTIONS = frozenset({"queue"})


class OutboxTask(Task):
    """`delay()` and `apply_async()` record the call and hand it to the broker after commit.

    This is `handover.enqueue`: the row commits or rolls back with the caller's transaction, is
    published when it commits (at once when no transaction is open, as in a worker or a management
    command, with the same fail-fast retry policy) and waits for the sweeper while the broker is
    down. Calls with options a row cannot hold (a countdown or eta, Celery's own retry under the
    same task id, beat's headers, links) publish straight to the broker as plain Celery does: only
    workers and beat make them, where no caller transaction exists to join.
    """

    def apply_async(
        self,
        args: tuple | list | None = None,
        kwargs: dict | None = None,
        task_id: str | None = None,
        producer: Any = None,
        link: Any = None,
        link_error: Any = None,
        shadow: str | None = None,
        **options: Any,
    ) -> AsyncResult:
        direct = (task_id, producer, link, link_error, shadow)
        unrecorded = {k: v for k, v in options.items() if v is not None and k not in RECORDED_OPTIONS}
        queue = options.get("queue") or ""
        if any(value is not None for value in direct) or unrecorded or not isinstance(queue, str):
            return super().apply_async(args, kwargs, task_id, producer, link, link_error, shadow, **options)
        from curator.outbox import handover  # not at import: this module loads before Django's models

        if self.typing:  # a call that cannot match the signature fails here, inside the caller's transaction
            self.__header__(*(args or ()), **(kwargs or {}))
        message = handover.enqueue_call(self, args or (), kwargs or {}, queue)
        return self.AsyncResult(message.task_id)


class NamedTask:
    """A task named rather than imported, for the domain code that its own tasks module imports.

    `curator.mailing.control` wakes `send_issue_batches`, whose module imports the sending code;
    importing the task back would close an import circle. The name is resolved when called (an
    unknown name raises inside the caller's transaction, so nothing is saved), and
    tests/outbox/test_task_architecture.py checks every `NamedTask` in the project.
    """

    def __init__(self, name: str) -> None:
        self.name = name

    def task(self) -> OutboxTask:
        from curator.celery import app
        from curator.outbox import handover

        return app.tasks[handover.task_name(self.name)]

    def delay(self, *args: Any, **kwargs: Any) -> AsyncResult:
        return self.task().apply_async(args, kwargs)

    def __repr__(self) -> str:
        return f"NamedTask({self.name!r})"
