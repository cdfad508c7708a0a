#!/bin/sh
# Roles: web (migrate, sync schedules, collect static, gunicorn), worker [queues [processes]], beat, or any command.
set -eu

wait_for_db() {
  python - <<'PY'
import sys, time
import django
from django.db import connection
django.setup()
for attempt in range(60):
    try:
        connection.ensure_connection()
        sys.exit(0)
    except Exception as exc:  # the database container may still be starting
        print(f"waiting for the database: {exc}", file=sys.stderr)
        time.sleep(2)
sys.exit("database never became reachable")
PY
}

export DJANGO_SETTINGS_MODULE=curator.settings
role="${1:-web}"
case "$role" in
  web)
    wait_for_db
    python manage.py migrate --noinput
    python manage.py sync_schedules
    python manage.py collectstatic --noinput
    exec gunicorn curator.wsgi:application \
      --bind 0.0.0.0:8000 \
      --workers "${WEB_CONCURRENCY:-3}" \
      --access-logfile - \
      --forwarded-allow-ips '*'
    ;;
  worker)
    wait_for_db
    exec celery -A curator worker \
      -Q "${2:-${CELERY_QUEUES:-default,ingest,summarize,mail}}" \
      --concurrency "${3:-${CELERY_CONCURRENCY:-2}}" \
      --loglevel "${LOG_LEVEL:-INFO}"
    ;;
  beat)
    wait_for_db
    exec celery -A curator beat --loglevel "${LOG_LEVEL:-INFO}" \
      --scheduler django_celery_beat.schedulers:DatabaseScheduler
    ;;
  *)
    exec "$@"
    ;;
esac
