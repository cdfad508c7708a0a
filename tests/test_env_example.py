"""docker/.env.example promises that a commented line keeps its default: check each one against the
value the app really uses in the compose deployment, so the example cannot drift from the settings."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

from tests.support.settings_names import settings_variables

REPO = Path(__file__).resolve().parent.parent
DOCKER = REPO / "docker"
ASSIGNMENT = re.compile(r"^(#\s*)?([A-Z_][A-Z0-9_]*)=(.*)$")
SHELL_DEFAULT = re.compile(r"\$\{([A-Z_][A-Z0-9_]*):-([^}$]*)\}")

# Imports the settings the way the container does, and records the default of every variable the
# settings read but the environment does not set. os.cpu_count is pinned so machine-dependent
# defaults show up as differences between two runs.
RECORDER = """
import json, os, sys
os.cpu_count = lambda: int(sys.argv[1])
recorded, real_getenv = {}, os.getenv
def getenv(name, default=None):
    if name not in os.environ and name not in recorded:
        recorded[name] = None if default is None else str(default)
    return real_getenv(name, default)
os.getenv = getenv
import curator.settings
print(json.dumps(recorded))
"""


def example_lines() -> list[tuple[bool, str, str, bool]]:
    """(commented, name, value, alternative) per assignment; a paragraph opened by "# Or" holds alternatives."""
    lines, alternative = [], False
    for line in (DOCKER / ".env.example").read_text().splitlines():
        if not line.strip():
            alternative = False
        elif line.startswith("# Or "):
            alternative = True
        match = ASSIGNMENT.match(line)
        if match:
            lines.append((bool(match.group(1)), match.group(2), match.group(3), alternative))
    return lines


def expand(value: str) -> str:
    return SHELL_DEFAULT.sub(lambda m: m.group(2), value)


def container_environment() -> dict[str, str]:
    """What the web container starts with: Dockerfile ENV, compose's environment, the uncommented example lines."""
    dockerfile = (DOCKER / "Dockerfile").read_text()
    env_block = re.search(r"^ENV (.+?)\n\n", dockerfile, re.M | re.S).group(1)
    env = dict(re.findall(r"([A-Z_][A-Z0-9_]*)=(\S+)", env_block))
    compose = yaml.safe_load((DOCKER / "compose.yaml").read_text())
    env |= {name: expand(str(value)) for name, value in compose["services"]["web"]["environment"].items()}
    env |= {name: value for commented, name, value, _ in example_lines() if not commented}
    return env


def recorded_defaults(cpus: int) -> dict[str, str | None]:
    keep = {"PATH", "PYTHONPATH", "HOME", "LANG"}
    env = {k: v for k, v in os.environ.items() if k in keep} | container_environment()
    env["PYTHONPATH"] = str(REPO)
    out = subprocess.run(
        [sys.executable, "-c", RECORDER, str(cpus)], cwd=REPO, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def shell_defaults() -> dict[str, str]:
    """Defaults of the variables only compose and the entrypoint read (${NAME:-default})."""
    text = (DOCKER / "entrypoint.sh").read_text() + (DOCKER / "compose.yaml").read_text()
    return dict(SHELL_DEFAULT.findall(text))


def test_it_shows_the_real_default_on_every_commented_line() -> None:
    one_cpu, many_cpus = recorded_defaults(1), recorded_defaults(64)
    environment, shell = container_environment(), shell_defaults()
    wrong = []
    for commented, name, value, alternative in example_lines():
        if not commented or alternative:
            continue
        if name in one_cpu and one_cpu[name] != many_cpus[name]:
            if value:
                wrong.append(f"{name}={value!r}: the default depends on the machine; leave it empty and say so")
            continue
        elif name in one_cpu:
            expected = one_cpu[name] or ""
        elif name in environment:
            expected = environment[name]
        elif name in shell:
            expected = shell[name]
        else:
            wrong.append(f"{name}: nothing reads it with a default")
            continue
        if value != expected:
            wrong.append(f"{name}={value!r}, but the default is {expected!r}")
    assert not wrong, "docker/.env.example drifted:\n" + "\n".join(wrong)


def test_it_lists_each_variable_once_outside_alternatives() -> None:
    names = [name for _, name, _, alternative in example_lines() if not alternative]
    assert len(names) == len(set(names)), sorted({n for n in names if names.count(n) > 1})


def test_it_checks_every_variable_the_settings_read() -> None:
    read = set(recorded_defaults(1)) | set(container_environment())
    assert settings_variables() <= read, sorted(settings_variables() - read)
