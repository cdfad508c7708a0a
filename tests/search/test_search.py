"""search(): scopes, hybrid ranking on realistic texts, escaping, odd queries, index upkeep, query counts."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from curator.editions.models import Issue, Pick
from curator.feeds.models import Entry
from curator.ranking.demo import read_demo_rows
from curator.search import documents, fulltext, search
from curator.search.models import Document
from curator.search.query import fuse, normalize
from curator.search.snippets import highlight

pytestmark = pytest.mark.django_db
MARCH = datetime.date(2026, 3, 1)
APRIL = datetime.date(2026, 4, 1)
ROWS = read_demo_rows()


def kinds_and_titles(hits):
    return [(h.kind, h.title) for h in hits]


def test_the_archive_scope_never_returns_an_unpublished_entry_pick_or_draft(make_entry, make_issue):
    loose = make_entry("Wombat burrows as a benchmark for tunnel mapping", "Entries nobody picked mention wombat.")
    drafted = make_entry("Wombat gait dataset", "A draft pick about wombat locomotion.")
    sent = make_entry("Wombat vision transformer", "A published pick about wombat photos.")
    make_issue(MARCH, [sent])
    make_issue(APRIL, [drafted], sent=False)

    archive = search("wombat", scope="archive")
    staff = search("wombat", scope="staff")

    assert [(h.kind, h.title) for h in archive if h.kind == "pick"] == [("pick", sent.title)]
    assert {h.kind for h in archive} <= {"pick", "issue"}
    assert all(Issue.objects.get(pk=h.issue_id).status == Issue.Status.SENT for h in archive)
    assert {("entry", loose.title), ("pick", drafted.title), ("pick", sent.title)} <= set(kinds_and_titles(staff))


def test_snippets_are_escaped_and_highlight_the_words(make_entry, make_issue):
    entry = make_entry("Quantum annealing for scheduling", "Annealing schedules on real hardware.")
    make_issue(MARCH, [entry], blurb='<script>alert("x")</script> <b>quantum</b> speedup of 5 & "more"')

    [hit] = [h for h in search("quantum", scope="archive") if h.kind == "pick"]

    assert "<script" not in hit.snippet and "<b>" not in hit.snippet
    assert "5 &amp; &quot;more" in hit.snippet
    assert "<mark>quantum</mark>" in hit.snippet.lower()
    assert hit.snippet.replace("<mark>", "").replace("</mark>", "").count("<") == 0


def test_highlight_escapes_everything_but_its_own_marks():
    marked = f"{documents.MARK_OPEN}<img src=x onerror=alert(1)>{documents.MARK_CLOSE} and {documents.MARK_OPEN}cut"
    assert highlight(marked) == "<mark>&lt;img src=x onerror=alert(1)&gt;</mark> and <mark>cut</mark>"


def test_a_paraphrase_finds_the_pick_by_meaning(make_entry, make_issue, embedded):
    entries = [make_entry(row["title"], row["abstract"]) for row in ROWS]
    make_issue(MARCH, entries)
    embedded()
    target = next(e for e in entries if e.title.startswith("Learning quadruped gaits on icy slopes"))

    hits = search("a four-legged machine taught in a simulator to stay upright on ice", scope="archive")

    assert hits, "the semantic half should find something"
    assert hits[0].title == target.title
    assert not hits[0].matched_words  # no word of the query is in the pick: found by meaning alone


def test_a_rare_exact_term_finds_its_paper_by_full_text(make_entry, make_issue, embedded):
    entries = [make_entry(row["title"], row["abstract"]) for row in ROWS]
    rare = make_entry(
        "Evicting the key-value cache by attention sinks",
        "We introduce Kestrelformer, a cache eviction policy that keeps the first tokens and a sliding window, "
        "cutting memory for long contexts by four times with no loss on retrieval tasks.",
    )
    embedded()

    hits = search("Kestrelformer", scope="staff")

    assert hits[0].kind == "entry" and hits[0].id == rare.pk
    assert hits[0].matched_words
    assert "<mark>Kestrelformer</mark>" in hits[0].snippet
    assert len(entries) == len(ROWS)


ODD_QUERIES = [
    "",
    "   ",
    "x" * 5000,
    "!!! ??? ...",
    "' OR 1=1; DROP TABLE search_document; --",
    "<script>alert(1)</script>",
    "a\x00b",
    "\u202e\u0000\ufeff",
    "数据 検索 поиск بحث",
    '"unclosed quote',
    "-not -only -negations",
    "a & | ! ( ) : *",
]


@pytest.mark.parametrize("query", ODD_QUERIES)
def test_odd_queries_return_a_list_never_an_error(make_entry, make_issue, query):
    make_issue(MARCH, [make_entry("Anything at all", "Some text.")])
    assert isinstance(search(query, scope="archive"), list)
    assert isinstance(search(query, scope="staff"), list)


def test_an_unknown_scope_is_refused_in_one_line():
    with pytest.raises(ValueError, match="scope must be one of archive, staff"):
        search("x", scope="everything")


def test_the_index_follows_edits_and_deletions(make_entry, make_issue):
    entry = make_entry("Ocelot optimizer", "An optimizer named after a cat.")
    draft = make_issue(APRIL, [entry], sent=False)
    pick = Pick.objects.get(issue=draft)
    assert [h.id for h in search("ocelot", scope="staff") if h.kind == "pick"] == [pick.pk]

    pick.title = "Lynx optimizer"
    pick.blurb = "Renamed."
    pick.save()
    assert [h.id for h in search("lynx", scope="staff") if h.kind == "pick"] == [pick.pk]
    assert [h for h in search("ocelot", scope="staff") if h.kind == "pick"] == []

    assert search("lynx", scope="archive") == []  # still a draft
    Issue.objects.filter(pk=draft.pk).update(status=Issue.Status.SENT)  # published by a bulk update too
    assert [h.id for h in search("lynx", scope="archive") if h.kind == "pick"] == [pick.pk]

    entry.title = "Caracal optimizer"
    entry.save()
    assert [h.id for h in search("caracal", scope="staff") if h.kind == "entry"] == [entry.pk]
    Issue.objects.filter(pk=draft.pk).update(status=Issue.Status.DRAFT)
    pick.delete()
    entry.delete()
    assert search("caracal", scope="staff") == []
    assert search("lynx", scope="staff") == []
    assert not Document.objects.filter(kind__in=["pick", "entry"]).exists()


def test_picks_added_to_an_issue_in_bulk_are_indexed(make_entry, make_issue):
    """*Add to issue* and the desk create picks with bulk_create, which sends no post_save."""
    from curator.editions.workflow import add_entries_to_issue

    entry = make_entry("Serval scheduler", "A learning-rate schedule named after a cat.")
    issue = make_issue(APRIL, [], sent=False)
    result = add_entries_to_issue([entry], issue, issue.sections.first(), None)
    assert [h.id for h in search("serval", scope="staff") if h.kind == "pick"] == [result.added[0].pk]


def test_new_entries_from_an_ingest_are_indexed_through_the_outbox(make_entry, django_capture_on_commit_callbacks):
    from curator.feeds.signals import entries_created
    from curator.outbox.models import OutboxMessage

    entry = make_entry("Pangolin attention", "Scales.")
    Document.objects.filter(kind="entry").delete()  # as if stored by bulk_create, which sends no post_save

    with django_capture_on_commit_callbacks(execute=True):
        entries_created.send(sender=None, entry_ids=[entry.pk])

    assert OutboxMessage.objects.filter(task="curator.search.tasks.index_entries").exists()
    assert [h.id for h in search("pangolin", scope="staff")] == [entry.pk]  # the eager worker ran it


def test_rebuild_restores_a_lost_index_and_drops_orphans(make_entry, make_issue):
    entry = make_entry("Axolotl regeneration model", "Limbs.")
    make_issue(MARCH, [entry])
    Document.objects.all().delete()
    Document.objects.create(kind="entry", object_id=999999, title="ghost axolotl")

    written = documents.rebuild()

    assert written == {"entry": 1, "pick": 1, "issue": 1}
    assert {h.kind for h in search("axolotl", scope="staff")} == {"entry", "pick"}
    assert not Document.objects.filter(object_id=999999).exists()
    assert documents.rebuild(changed_only=True)["entry"] == 0


def test_query_count_does_not_grow_with_the_number_of_results(make_entry, make_issue, embedded):
    few = [make_entry(f"Tapir study {n}", "Tapir habitats.") for n in range(2)]
    many = [make_entry(f"Okapi study {n}", "Okapi habitats.") for n in range(15)]
    make_issue(MARCH, few + many)
    embedded()
    search("warm up the matrix and the model", scope="archive")

    with CaptureQueriesContext(connection) as small:
        assert len([h for h in search("tapir", scope="archive") if h.kind == "pick"]) == 2
    with CaptureQueriesContext(connection) as large:
        assert len([h for h in search("okapi", scope="archive") if h.kind == "pick"]) == 15

    assert len(small) == len(large)


def test_fusion_rewards_agreement_between_the_two_rankings():
    fused = dict(fuse([1, 2, 3], [3, 4]))
    assert fused[3] > fused[1] > fused[4]


def test_normalize_strips_control_characters_and_caps_length():
    assert normalize("a\x00b\n\tc") == "a b c"
    assert len(normalize("y" * 10_000)) == 200


def test_the_plain_word_match_of_the_sqlite_demo_ranks_titles_first(make_entry):
    in_body = make_entry("Something else", "Mentions the narwhal once.")
    in_title = make_entry("Narwhal tusks as sensors", "Tusks.")

    ids = fulltext._plain_matches("narwhal", "staff", 10)

    by_object = dict(Document.objects.filter(pk__in=ids).values_list("pk", "object_id"))
    assert [by_object[i] for i in ids] == [in_title.pk, in_body.pk]
    assert Entry.objects.count() == 2
