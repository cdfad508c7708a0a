"""`make run` logs each line once: runserver with tasks run in-process, as the demo starts it.

Run in subprocesses, so the logging configuration is the one the settings build for the demo
(no REDIS_URL: eager tasks, in-memory broker), not the test process's.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.support.ports import free_port

ROOT = Path(__file__).resolve().parents[1]
EAGER_TASK = """
import django
django.setup()
from django.core.management import call_command
from curator.celery import app

call_command("migrate", verbosity=0)  # the call is an outbox row first, as in the demo

@app.task(name="demo_logging_probe")
def probe():
    return 1

probe.apply_async()
with app.connection_for_write() as connection:
    connection.ensure_connection(max_retries=1)
print("ran")
"""


@pytest.fixture
def demo_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "LOG_LEVEL", "CELERY_TASK_ALWAYS_EAGER")}
    env.update(
        DEBUG="True",
        DJANGO_SETTINGS_MODULE="curator.settings",
        DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        PYTHONUNBUFFERED="1",
    )
    return env


def get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def wait_for(port: int, server: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"runserver exited with {server.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    pytest.fail("runserver did not start within 90 seconds")


def test_it_prints_each_runserver_line_once(demo_env):
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=demo_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for(port, server)
        get(f"http://127.0.0.1:{port}/healthz")
        assert get(f"http://127.0.0.1:{port}/no-such-page") == 404
        time.sleep(0.5)
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert output.count('"GET /healthz HTTP/1.1"') == 1, output
    assert output.count('"GET /no-such-page HTTP/1.1" 404') == 1, output
    assert output.count("Not Found: /no-such-page") == 1, output
    assert "No hostname was supplied" not in output
    assert "AXES: BEGIN" not in output  # django-axes' banner at every start


def test_it_loads_the_bundled_minilm_without_loading_bars(demo_env):
    """Ranking and the fallback load it during `load_demo`, `ingest` and `draft`: their output stays theirs."""
    script = "import django; django.setup(); from curator.lib import minilm; minilm.load(); print('loaded')"
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=demo_env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("loaded")
    assert "Loading weights" not in result.stderr and "it/s" not in result.stderr, result.stderr


def test_it_runs_eager_tasks_without_a_line_each_or_a_broker_warning(demo_env):
    result = subprocess.run(
        [sys.executable, "-c", EAGER_TASK], cwd=ROOT, env=demo_env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("ran")
    assert "succeeded" not in result.stderr
    assert "No hostname was supplied" not in result.stderr


def test_it_keeps_task_lines_for_a_real_worker(demo_env):
    demo_env["REDIS_URL"] = "redis://127.0.0.1:6379/10"
    script = "import django, logging; django.setup(); print(logging.getLogger('celery.app.trace').getEffectiveLevel())"
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=demo_env, capture_output=True, text=True, timeout=120
    )
    assert result.stdout.strip().splitlines()[-1] == str(20)  # INFO: a worker says what it did
