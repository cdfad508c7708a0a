from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "curator.outbox"
    label = "outbox"
    verbose_name = "Task outbox"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from celery.signals import worker_ready, worker_shutdown

        from curator.outbox import heartbeats
        from curator.outbox.tasks import sweep_on_worker_start

        # A worker that starts after a broker outage re-queues what the web could not hand over.
        worker_ready.connect(sweep_on_worker_start, dispatch_uid="outbox-sweep-on-worker-start")
        # Each worker writes a heartbeat row, read by /healthz/workers and the dashboard.
        worker_ready.connect(heartbeats.start_on_worker_ready, dispatch_uid="outbox-worker-heartbeat")
        worker_shutdown.connect(heartbeats.stop_on_worker_shutdown, dispatch_uid="outbox-worker-heartbeat-stop")
