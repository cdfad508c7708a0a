import io
import json

import pytest
from django.core.management import CommandError

from benchmarks import rank as benchmark
from curator.feeds.models import Entry
from curator.ranking.demo import DEMO_FILE

pytestmark = pytest.mark.django_db


def test_it_ranks_the_demo_set_far_above_date_order_and_leaves_no_rows():
    out = io.StringIO()
    figures = benchmark.run(stdout=out, entries=4, single=2, rescore=300, labelled=DEMO_FILE)
    assert figures["precision_at_20"] >= 0.9 > figures["precision_at_20_date_order"]
    assert figures["auc"] >= 0.9 > figures["auc_date_order"]
    assert figures["embed_entries"] == 4 and figures["embed_batched_per_s"] > 0
    assert figures["rescore_entries"] == 300 - 40  # 20 picks and 20 rejections are not rescored
    assert "precision@20" in out.getvalue()
    assert not Entry.objects.exists()  # rolled back


def test_it_rejects_a_labelled_file_with_a_bad_line_naming_it(tmp_path):
    path = tmp_path / "team.jsonl"
    rows = [{"title": f"t{n}", "abstract": "a", "label": n % 2} for n in range(14)]
    path.write_text("\n".join(json.dumps(r) for r in rows) + '\n{"title": "no label"}\n')
    with pytest.raises(CommandError, match=r"team.jsonl:15: expected JSON with title, abstract, label"):
        benchmark.read_labelled(path)


def test_it_rejects_a_label_that_is_not_zero_or_one(tmp_path):
    path = tmp_path / "team.jsonl"
    path.write_text(json.dumps({"title": "t", "abstract": "a", "label": "pick"}) + "\n")
    with pytest.raises(CommandError, match="label must be 0 or 1"):
        benchmark.read_labelled(path)


def test_it_needs_enough_entries_of_each_label(tmp_path):
    path = tmp_path / "team.jsonl"
    path.write_text("\n".join(json.dumps({"title": "t", "abstract": "a", "label": 1}) for _ in range(9)))
    with pytest.raises(CommandError, match="need more than 5 entries of each label"):
        benchmark.read_labelled(path)


def test_it_reports_a_missing_file_clearly(tmp_path):
    with pytest.raises(CommandError, match=r"--labelled .*gone\.jsonl"):
        benchmark.read_labelled(tmp_path / "gone.jsonl")
