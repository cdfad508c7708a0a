"""Rows of the demo data set on three topics, so ranking tests train and score on real text."""

from __future__ import annotations

from curator.ranking.demo import read_demo_rows

ROWS = read_demo_rows()


def topic(name: str, kind: str = "paper") -> list[dict]:
    return [row for row in ROWS if row["topic"] == name and row["kind"] == kind]


INTERPRETABILITY = topic("interpretability")
INFERENCE = topic("efficient inference")
ROBOTS = topic("robot locomotion")
