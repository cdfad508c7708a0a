"""Every page of the embedded demo answers on SQLite, as `make run` serves it.

The rest of the suite runs on PostgreSQL, so a query only PostgreSQL understands (an ordered
STRING_AGG, say) would pass there and break the first screen a new user opens. This loads the demo
into a temporary SQLite database in a subprocess (the settings read DATABASE_URL at start-up) and
follows the links of the admin and the public site as the demo's superuser, GET only.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CRAWL = r"""
import json, re, django
django.setup()
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

call_command("migrate", verbosity=0)
call_command("load_demo", verbosity=0)
client = Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)
client.force_login(get_user_model().objects.get(username="demo"))
SKIP = ("logout", "delete", "/static/", "unsubscribe", "/confirm/", "/password_change/")
seen, queue, failures, visits = set(), ["/admin/", "/", "/search/?q=diffusion", "/topics/"], [], {}
while queue and len(seen) < 400:
    url = queue.pop(0)
    path = url.split("?")[0]
    if url in seen or visits.get(path, 0) >= 3 or any(word in url for word in SKIP):
        continue
    seen.add(url)
    visits[path] = visits.get(path, 0) + 1
    response = client.get(url)
    if response.status_code >= 500:
        failures.append(url)
    elif "text/html" in response.get("Content-Type", ""):
        queue += [link.replace("&amp;", "&") for link in re.findall(r'href="(/[^"#]*)"', response.content.decode())]
print(json.dumps({"pages": sorted(seen), "failures": failures}))
"""


def test_every_demo_page_answers_on_sqlite(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CELERY_TASK_ALWAYS_EAGER")}
    env.update(
        DEBUG="True",
        DJANGO_SETTINGS_MODULE="curator.settings",
        DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        FEEDS_LOCAL_DIR=str(ROOT / "curator" / "feeds" / "demo_data"),
        LOG_LEVEL="CRITICAL",
    )
    run = subprocess.run(
        [sys.executable, "-c", CRAWL], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert run.returncode == 0, run.stderr[-3000:]
    report = json.loads(run.stdout.strip().splitlines()[-1])
    pages = report["pages"]
    assert len(pages) > 100
    assert {"/admin/feeds/entry/", "/admin/editions/issue/", "/admin/team/suggestion/my-picks/"} <= set(pages)
    assert any(page.startswith("/admin/feeds/entry/") and page.endswith("/change/") for page in pages)
    assert report["failures"] == []
