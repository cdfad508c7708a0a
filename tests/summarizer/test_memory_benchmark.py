"""`benchmark model-memory` measures a real load, packing and generation in a fresh process."""

from __future__ import annotations

import json
import subprocess
import sys

from benchmarks import model_memory as memory_benchmark
from tests.support.paths import REPO


def test_one_measuring_process_reports_memory_packing_and_time(model_dirs):
    spec = {
        "model": str(model_dirs["seq2seq"]),
        "distilbart": False,
        "entries": 2,
        "max_new_tokens": 4,
        "threads": 1,
        "pack": True,
    }
    out = subprocess.run(
        [sys.executable, "-m", memory_benchmark.CHILD, json.dumps(spec)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    assert figures["model_type"] == "bart"
    assert figures["packed_layers"] > 0
    assert figures["rss_peak_mb"] >= figures["rss_loaded_mb"] > 50
    assert figures["generate_s"] > 0
