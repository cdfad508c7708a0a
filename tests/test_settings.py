"""Settings fail closed: a deployment without its secrets refuses to start, https turns on the TLS guards.

Settings are read once per process, so each check evaluates `curator/settings.py` afresh under
exactly the environment it names (pytest's own DEBUG/SECRET_KEY are not passed on). Values and
refusals are read in this process, which takes milliseconds; what only a real start-up shows (the
one-line refusal on stderr, `check --deploy`) starts `manage.py` in a fresh Python.
"""

from __future__ import annotations

import os
import runpy
import secrets
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured

REPO = Path(__file__).resolve().parent.parent
SETTINGS_FILE = REPO / "curator" / "settings.py"
TLS = [
    "DEBUG",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER",
    "CELERY_TASK_ALWAYS_EAGER",
]
Settings = Callable[..., dict[str, Any]]


def clean_env(tmp_path: Path, **env: str) -> dict[str, str]:
    return {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "CURATOR_VAR_DIR": str(tmp_path / "var"), **env}


@pytest.fixture
def start(tmp_path: Path) -> Callable[..., subprocess.CompletedProcess]:
    """start(*manage_py_args, **env) -> CompletedProcess of `manage.py` in a clean environment."""

    def run(*args: str, **env: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=REPO,
            env=clean_env(tmp_path, **env),
            capture_output=True,
            text=True,
            timeout=300,
        )

    return run


@pytest.fixture
def settings_of(tmp_path: Path) -> Settings:
    """settings_of(**env) -> every name the settings module defines, evaluated under exactly `env`."""

    def evaluate(**env: str) -> dict[str, Any]:
        with mock.patch.dict(os.environ, clean_env(tmp_path, **env), clear=True):
            return runpy.run_path(str(SETTINGS_FILE))

    return evaluate


def refusal(settings_of: Settings, **env: str) -> str:
    """The message the settings stop start-up with under `env` (they must stop it)."""
    with pytest.raises((SystemExit, ImproperlyConfigured)) as stopped:
        settings_of(**env)
    return str(stopped.value)


def production(**env: str) -> dict[str, str]:
    """The environment of a deployment that did its homework (services from the test run)."""
    return {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "news.example.com",
        "DATABASE_URL": os.environ["DATABASE_URL"],
        "REDIS_URL": os.environ["REDIS_URL"],
        **env,
    }


def assert_refused(message: str, *words: str) -> None:
    assert message.startswith("Curator will not start:") and "\n" not in message, message
    for word in words:
        assert word in message


def test_it_keeps_debug_off_unless_asked(settings_of: Settings) -> None:
    assert settings_of(**production())["DEBUG"] is False
    assert settings_of(DEBUG="True")["DEBUG"] is True


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off(start, settings_of: Settings) -> None:
    env = production()
    del env["SECRET_KEY"]
    assert_refused(refusal(settings_of, **env, DEBUG="False"), "SECRET_KEY")
    result = start("check", **env)  # as the operator sees it: one line, no traceback
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert_refused(lines[0], "SECRET_KEY")


def test_it_runs_the_demo_without_secret_key_or_redis_when_debug_is_on_explicitly(start) -> None:
    result = start("check", DEBUG="True")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_it_refuses_to_start_without_redis_unless_eager_tasks_are_chosen(settings_of: Settings) -> None:
    env = production()
    del env["REDIS_URL"]
    assert_refused(refusal(settings_of, **env), "REDIS_URL", "CELERY_TASK_ALWAYS_EAGER=True")
    assert_refused(refusal(settings_of, **env, CELERY_TASK_ALWAYS_EAGER="False"), "REDIS_URL")
    chosen = settings_of(**env, CELERY_TASK_ALWAYS_EAGER="True")
    assert chosen["CELERY_TASK_ALWAYS_EAGER"] is True


def test_it_passes_check_deploy_without_a_warning_on_https(start) -> None:
    result = start("check", "--deploy", "--fail-level", "WARNING", **production(SITE_URL="https://news.example.com"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_it_warns_in_check_deploy_when_the_tls_guards_are_turned_off(start) -> None:
    env = production(SITE_URL="https://news.example.com", SECURE_SSL_REDIRECT="False", SECURE_HSTS_SECONDS="0")
    result = start("check", "--deploy", **env)
    assert "security.W004" in result.stderr and "security.W008" in result.stderr


def test_it_turns_on_secure_cookies_ssl_redirect_and_hsts_for_an_https_site(settings_of: Settings) -> None:
    secure = settings_of(**production(SITE_URL="https://news.example.com"))
    assert secure["SESSION_COOKIE_SECURE"] and secure["CSRF_COOKIE_SECURE"] and secure["SECURE_SSL_REDIRECT"]
    assert secure["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert secure["SECURE_HSTS_INCLUDE_SUBDOMAINS"] and secure["SECURE_HSTS_PRELOAD"]
    assert secure["SECURE_PROXY_SSL_HEADER"] is None
    plain = settings_of(**production(SITE_URL="http://news.example.com"))
    assert not (plain["SESSION_COOKIE_SECURE"] or plain["SECURE_SSL_REDIRECT"] or plain["SECURE_HSTS_SECONDS"])


def test_it_lets_the_environment_override_each_tls_guard_and_set_the_proxy_header(settings_of: Settings) -> None:
    overridden = settings_of(
        **production(
            SITE_URL="https://news.example.com",
            SESSION_COOKIE_SECURE="False",
            CSRF_COOKIE_SECURE="False",
            SECURE_SSL_REDIRECT="False",
            SECURE_HSTS_SECONDS="3600",
            SECURE_HSTS_INCLUDE_SUBDOMAINS="False",
            SECURE_HSTS_PRELOAD="False",
            SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https",
        ),
    )
    assert overridden["SECURE_HSTS_SECONDS"] == 3600
    assert not any(overridden[name] for name in TLS[1:4] + TLS[5:7])
    assert tuple(overridden["SECURE_PROXY_SSL_HEADER"]) == ("HTTP_X_FORWARDED_PROTO", "https")


def test_it_refuses_a_proxy_header_it_cannot_read(settings_of: Settings) -> None:
    assert "SECURE_PROXY_SSL_HEADER" in refusal(settings_of, **production(SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto"))


@pytest.mark.parametrize(
    "url",
    [
        "mysqlx://curator:hunter2-secret@db.example.com/curator",  # unknown scheme
        "postgres://curator:hunter2-secret@db.example.com:notaport/curator",  # bad port
        "postgres://curator:hunter2@secret@db.example.com:99999999/curator",  # unescaped @ in the password
    ],
)
def test_it_never_echoes_the_database_password(settings_of: Settings, url: str) -> None:
    message = refusal(settings_of, **production(DATABASE_URL=url))
    assert_refused(message, "DATABASE_URL", "***")
    assert "hunter2" not in message
    assert "secret" not in message


def test_it_sets_debug_explicitly_for_make_run_and_the_demo() -> None:
    dry = subprocess.run(
        ["make", "-n", "run", "STAMP=/dev/null", f"VENV={Path(sys.executable).parent.parent}"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    commands = [line for line in dry.splitlines() if "manage.py" in line]
    steps = [c.split("manage.py ")[1].split()[0] for c in commands]
    assert steps == ["migrate", "sync_schedules", "load_demo", "runserver"]
    assert all(c.startswith("DEBUG=${DEBUG:-True} ") for c in commands)
    # The demo's sources are answered from the bundled feed files, so ingest works offline.
    assert all(f"FEEDS_LOCAL_DIR=${{FEEDS_LOCAL_DIR-{REPO}/curator/feeds/demo_data}} " in c for c in commands)


@pytest.mark.django_db
def test_it_redirects_plain_http_but_not_the_container_healthcheck(settings) -> None:
    from django.test import Client

    settings.SECURE_SSL_REDIRECT = True
    client = Client()  # a new client builds its middleware from the settings above
    response = client.get("/")
    assert response.status_code == 301 and response["Location"].startswith("https://")
    assert client.get("/healthz").status_code != 301


def summarizer_settings(settings_of: Settings, **env: str) -> dict[str, Any]:
    return settings_of(DEBUG="True", **env)


def test_it_reads_the_summarizer_api_key_from_its_file_which_wins_over_the_variable(
    settings_of: Settings, tmp_path: Path
) -> None:
    key_file = tmp_path / "summarizer-api-key"
    key_file.write_text("sk-from-the-mounted-secret\n")
    chosen = summarizer_settings(settings_of, SUMMARIZER_API_KEY="sk-from-env", SUMMARIZER_API_KEY_FILE=str(key_file))
    assert chosen["SUMMARIZER_API_KEY"] == "sk-from-the-mounted-secret"
    assert summarizer_settings(settings_of, SUMMARIZER_API_KEY="sk-from-env")["SUMMARIZER_API_KEY"] == "sk-from-env"


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({"SUMMARIZER_API_KEY_FILE": "/nonexistent/summarizer-api-key"}, ["SUMMARIZER_API_KEY_FILE", "No such file"]),
        ({"SUMMARIZER_BACKEND": "vllm"}, ["SUMMARIZER_BACKEND", "transformers or openai"]),
        ({"SUMMARIZER_API_CONCURRENCY": "0"}, ["SUMMARIZER_API_CONCURRENCY", "1 or more"]),
        ({"SUMMARIZER_API_TIMEOUT": "0"}, ["SUMMARIZER_API_TIMEOUT", "above 0"]),
        ({"SUMMARIZER_API_EXTRA_KNOBS": "top_k,topp"}, ["SUMMARIZER_API_EXTRA_KNOBS", "topp"]),
    ],
)
def test_it_refuses_summarizer_server_settings_it_cannot_use(
    settings_of: Settings, env: dict[str, str], words: list[str]
) -> None:
    message = refusal(settings_of, DEBUG="True", **env)
    assert all(word in message for word in words), message


def test_it_takes_the_extra_knobs_the_server_accepts(settings_of: Settings) -> None:
    chosen = summarizer_settings(settings_of, SUMMARIZER_API_EXTRA_KNOBS="top_k, repetition_penalty,min_new_tokens")
    assert chosen["SUMMARIZER_API_EXTRA_KNOBS"] == ["top_k", "repetition_penalty", "min_new_tokens"]
    assert (chosen["SUMMARIZER_API_CONCURRENCY"], chosen["SUMMARIZER_API_TIMEOUT"]) == (4, 60.0)
