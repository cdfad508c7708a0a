"""Torch threads default to this process's share of the cores: a worker's pool processes split them."""

from __future__ import annotations

import os

import pytest

from curator import celery as curator_celery
from summarizer import engine


def test_the_worker_and_the_engine_agree_on_the_variable():
    assert curator_celery.PROCESSES_ENV == engine.PROCESSES_ENV


@pytest.mark.parametrize(("processes", "threads"), [(None, 4), ("1", 4), ("2", 2), ("3", 1), ("8", 1)])
def test_threads_are_the_cores_divided_by_the_processes(monkeypatch, settings, processes, threads):
    settings.SUMMARIZER_TORCH_THREADS = 0
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3})
    if processes is None:
        monkeypatch.delenv(engine.PROCESSES_ENV, raising=False)
    else:
        monkeypatch.setenv(engine.PROCESSES_ENV, processes)
    assert engine.torch_threads() == threads


def test_the_setting_wins(monkeypatch, settings):
    settings.SUMMARIZER_TORCH_THREADS = 3
    monkeypatch.setenv(engine.PROCESSES_ENV, "2")
    assert engine.torch_threads() == 3
