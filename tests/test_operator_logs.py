"""Logs an operator can use: one format with time and level, housekeeping at debug, probes in one line."""

from __future__ import annotations

import importlib.util
import logging
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings

from curator import views
from curator.log_filters import HousekeepingAtDebug
from tests.support.paths import REPO, database_url_for_subprocess
from tests.support.ports import free_port
from tests.support.waiting import wait_until

LINE = re.compile(r"^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}: WARNING/curator\.probe\] the web says so$")


def record(message: str, level: int = logging.INFO) -> logging.LogRecord:
    return logging.LogRecord("celery.app.trace", level, __file__, 1, message, None, None)


def test_housekeeping_lines_are_lowered_to_debug_and_hidden_at_info(monkeypatch):
    root = logging.getLogger()
    monkeypatch.setattr(root, "level", logging.INFO)
    noisy = record("Task curator.mailing.tasks.resume_sending[abc] succeeded in 0.01s: None")
    assert HousekeepingAtDebug().filter(noisy) is False
    assert noisy.levelname == "DEBUG"
    monkeypatch.setattr(root, "level", logging.DEBUG)
    root.manager._clear_cache()
    shown = record("Task curator.outbox.tasks.sweep_outbox[abc] received")
    assert HousekeepingAtDebug().filter(shown) is True and shown.levelname == "DEBUG"  # LOG_LEVEL=DEBUG shows it
    root.manager._clear_cache()
    useful = record("Task curator.feeds.tasks.ingest_source[abc] succeeded in 2.1s: None")
    assert HousekeepingAtDebug().filter(useful) is True and useful.levelname == "INFO"
    failed = record("Task curator.mailing.tasks.resume_sending[abc] raised", logging.ERROR)
    assert HousekeepingAtDebug().filter(failed) is True  # a failing sweep stays visible


def test_the_filter_is_on_celerys_loggers():
    for name in ("celery.app.trace", "celery.worker.strategy", "celery.beat"):
        assert "housekeeping" in settings.LOGGING["loggers"][name]["filters"]
    assert settings.CELERY_WORKER_LOG_FORMAT == settings.LOG_FORMAT


def test_a_web_process_line_has_its_time_and_level():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "curator.settings", "LOG_LEVEL": "INFO"}
    code = "import django, logging; django.setup(); logging.getLogger('curator.probe').warning('the web says so')"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, check=True)
    assert any(LINE.match(line) for line in out.stderr.splitlines()), out.stderr


def test_an_expected_fault_is_one_line():
    assert views.one_line(ConnectionRefusedError(111, "Connection\n refused")) == (
        "ConnectionRefusedError: [Errno 111] Connection refused"
    )


ANY_LINE = re.compile(r"^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}: (DEBUG|INFO|WARNING|ERROR|CRITICAL)/[\w.]+\] ")


def test_gunicorn_prints_its_own_lines_and_the_access_log_in_the_same_format(transactional_db, tmp_path):
    """`gunicorn curator.wsgi:application` from the project directory reads gunicorn.conf.py by itself."""
    port, log = free_port(), tmp_path / "gunicorn.log"
    env = {**os.environ, "DATABASE_URL": database_url_for_subprocess(), "LOG_LEVEL": "INFO"}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    with log.open("w") as out:
        server = subprocess.Popen(
            [
                str(gunicorn),
                "curator.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "-w",
                "1",
                "--access-logfile",
                "-",
            ],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            assert wait_until(lambda: "Booting worker" in log.read_text(), timeout=30), log.read_text()
            assert wait_until(lambda: _status(port, "/healthz") == 200, timeout=30), log.read_text()
            assert wait_until(lambda: '"GET /healthz HTTP/1.1" 200' in log.read_text(), timeout=10), log.read_text()
        finally:
            server.terminate()
            server.wait(timeout=30)
    lines = [line for line in log.read_text().splitlines() if line.strip()]
    assert all(ANY_LINE.match(line) for line in lines), log.read_text()
    assert any(
        re.match(r"^\[[^]]+: INFO/gunicorn\.access\] 127\.0\.0\.1 \"GET /healthz HTTP/1\.1\" 200 ", line)
        for line in lines
    )
    booting = [line for line in lines if "Booting worker" in line]
    assert len(booting) == 1 and "INFO/gunicorn.error]" in booting[0]  # once, not once per handler


def _status(port: int, path: str) -> int | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
            return response.status
    except (OSError, urllib.error.HTTPError):
        return None


def test_gunicorns_format_is_the_projects():
    spec = importlib.util.spec_from_file_location("gunicorn_conf", REPO / "gunicorn.conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.LOG_FORMAT == settings.LOG_FORMAT
    assert "%(t)s" not in module.access_log_format  # the time is the line's, not twice
