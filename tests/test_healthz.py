"""/healthz checks the database and the broker for real, and names what is down without details."""

from __future__ import annotations


def test_it_answers_ok_when_the_database_and_the_broker_answer(client, db, broker):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_it_names_the_broker_when_the_broker_is_down(client, db, broker):
    broker.down()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "down": ["broker"], "database": "ok", "broker": "down"}
    assert "refused" not in response.content.decode().lower()


def test_a_failed_probe_logs_one_line_without_a_traceback(client, db, broker, caplog):
    broker.down()
    client.get("/healthz")
    lines = [r for r in caplog.records if r.getMessage().startswith("healthz: broker unreachable: ")]
    assert len(lines) == 1 and lines[0].exc_info is None


def test_it_names_the_database_when_the_database_is_down(client, broker, database_down):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "down": ["database"], "database": "down", "broker": "ok"}


def test_it_names_both_when_both_are_down(client, broker, database_down):
    broker.down()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["down"] == ["database", "broker"]
    assert response["Cache-Control"].startswith("max-age=0")
