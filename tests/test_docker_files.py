"""No Docker engine runs in CI, so the docker/ files are checked for consistency with the code instead."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import yaml

from curator.outbox import heartbeats
from tests.support.settings_names import settings_variables

REPO = Path(__file__).resolve().parent.parent
DOCKER = REPO / "docker"


def compose() -> dict:
    return yaml.safe_load((DOCKER / "compose.yaml").read_text())


def env_example_variables() -> set[str]:
    names = set()
    for line in (DOCKER / ".env.example").read_text().splitlines():
        match = re.match(r"^#?\s*([A-Z_][A-Z0-9_]*)=", line)
        if match:
            names.add(match.group(1))
    return names


def test_it_lists_every_setting_in_the_env_example() -> None:
    missing = settings_variables() - env_example_variables()
    assert not missing, f"docker/.env.example lacks {sorted(missing)}"


def test_it_runs_every_role_with_a_healthcheck() -> None:
    services = compose()["services"]
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(services)
    for name, service in services.items():
        assert "healthcheck" in service, f"{name} has no healthcheck"
    assert services["web"]["command"] == ["web"]
    assert services["worker"]["command"][0] == "worker"
    assert services["beat"]["command"] == ["beat"]


def worker_commands(stub_bin: Path, command: list[str]) -> list[str]:
    """The celery command line the entrypoint execs for a compose `command`, with celery and python on a stub PATH."""
    record = stub_bin / "celery-args"
    (stub_bin / "celery").write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > {record}\n')
    (stub_bin / "python").write_text("#!/bin/sh\ncat > /dev/null\n")  # wait_for_db: the database is there
    for stub in ("celery", "python"):
        (stub_bin / stub).chmod(0o755)
    env = {"PATH": f"{stub_bin}:/usr/bin:/bin"}
    subprocess.run(["sh", str(DOCKER / "entrypoint.sh"), *command], env=env, check=True)
    return record.read_text().splitlines()


def test_drafting_has_a_worker_of_its_own_with_one_process(tmp_path: Path) -> None:
    """Each worker process loads its own model copy: the summarize queue gets one process, nothing else on it."""
    workers = {name: s["command"] for name, s in compose()["services"].items() if s.get("command", [""])[0] == "worker"}
    started = {name: worker_commands(tmp_path, command) for name, command in workers.items()}
    queues = {name: args[args.index("-Q") + 1].split(",") for name, args in started.items()}
    assert sorted(q for qs in queues.values() for q in qs) == sorted(heartbeats.ALL_QUEUES)  # each queue, once
    drafting = [name for name, qs in queues.items() if "summarize" in qs]
    assert len(drafting) == 1 and queues[drafting[0]] == ["summarize"]
    args = started[drafting[0]]
    assert args[args.index("--concurrency") + 1] == "1"
    other = started["worker"]
    assert other[other.index("--concurrency") + 1] == "2"  # CELERY_CONCURRENCY's default for the rest


def test_it_points_the_app_at_the_compose_database_and_broker() -> None:
    web = compose()["services"]["web"]
    assert web["environment"]["DATABASE_URL"].startswith("postgres://")
    assert "@postgres:5432/" in web["environment"]["DATABASE_URL"]
    assert web["environment"]["REDIS_URL"].startswith("redis://redis:6379")
    assert web["env_file"] == ".env"
    assert web["build"]["dockerfile"] == "docker/Dockerfile"


def test_it_knows_every_role_the_compose_file_asks_for() -> None:
    entrypoint = (DOCKER / "entrypoint.sh").read_text()
    for name in ("web", "worker", "beat"):
        assert re.search(rf"^\s*{name}\)", entrypoint, re.M), f"entrypoint has no {name} role"
    subprocess.run(["sh", "-n", str(DOCKER / "entrypoint.sh")], check=True)


def test_it_builds_from_files_that_exist_with_the_cpu_torch_pin() -> None:
    dockerfile = (DOCKER / "Dockerfile").read_text()
    assert "torch==2.13.0" in dockerfile
    for line in re.findall(r"^COPY\s+(.+)$", dockerfile, re.M):
        for part in line.split()[:-1]:  # the last word is the destination
            assert (REPO / part).exists(), f"Dockerfile copies missing {part}"
    assert "docker/entrypoint.sh" in dockerfile
    assert re.search(r'^ARG EXTRA_PACKAGES=""$', dockerfile, re.M), "extra packages default to none"


def test_it_serves_the_healthcheck_the_compose_file_probes(client, db) -> None:
    probe = " ".join(compose()["services"]["web"]["healthcheck"]["test"])
    path = re.search(r"http://127\.0\.0\.1:8000(/\S*)", probe).group(1)
    response = client.get(path)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_it_publishes_the_app_port_on_localhost_by_default() -> None:
    """A client reaching the app port directly skips the proxy: only this machine may, unless WEB_BIND opens it."""
    for service in compose()["services"].values():
        for port in service.get("ports", []):
            host = re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", str(port))
            assert host.startswith("127.0.0.1:"), f"{port} is published on every interface"
