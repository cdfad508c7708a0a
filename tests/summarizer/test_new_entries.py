"""New entries from ingest get a draft with the default profile, and ingest never breaks because of it."""

from curator.feeds.signals import entries_created
from curator.outbox import handover
from summarizer import tasks
from summarizer.models import DecodingProfile, Draft


def test_it_drafts_new_entries_with_the_default_profile(use_model, make_entry, django_capture_on_commit_callbacks):
    use_model("seq2seq")
    entries = [make_entry("paper"), make_entry("post")]
    with django_capture_on_commit_callbacks(execute=True):
        entries_created.send(sender=None, entry_ids=[e.pk for e in entries])
    default = DecodingProfile.objects.get(is_default=True)
    assert {d.entry_id for d in Draft.objects.filter(profile=default)} == {e.pk for e in entries}


def test_it_drafts_with_the_fallback_when_no_model_loads(make_entry, django_capture_on_commit_callbacks):
    entry = make_entry("paper")
    with django_capture_on_commit_callbacks(execute=True):
        entries_created.send(sender=None, entry_ids=[entry.pk])
    assert Draft.objects.get(entry=entry).engine == Draft.Engine.FALLBACK


def test_it_never_breaks_ingest_when_the_broker_is_down(make_entry, broker, django_capture_on_commit_callbacks):
    entry = make_entry("paper")
    broker.down()
    with django_capture_on_commit_callbacks(execute=True):
        entries_created.send(sender=None, entry_ids=[entry.pk])  # must not raise
    assert not Draft.objects.exists()
    broker.up()  # the sweeper hands the draft (and the embedding and index batches) over; a worker runs each once
    assert handover.sweep().handed_over == 3 and handover.sweep().handed_over == 0
    broker.run_queued()
    assert Draft.objects.filter(entry=entry).count() == 1


def test_it_skips_an_entry_already_drafted_with_the_profile(use_model, make_entry):
    use_model("seq2seq")
    entry = make_entry("paper")
    tasks.draft_blurb.apply(args=[entry.pk])
    result = tasks.draft_blurb.apply(args=[entry.pk]).get()
    assert result == {"skipped": "already has a draft from this profile"}
    assert Draft.objects.filter(entry=entry, engine=Draft.Engine.MODEL).count() == 1


def test_it_drafts_again_when_forced(use_model, make_entry):
    use_model("seq2seq")
    entry = make_entry("paper")
    greedy = DecodingProfile.objects.get(name="Greedy")
    tasks.draft_blurb.apply(args=[entry.pk, greedy.pk])
    tasks.draft_blurb.apply(args=[entry.pk, greedy.pk, True])
    assert Draft.objects.filter(entry=entry, profile=greedy, engine=Draft.Engine.MODEL).count() == 2


def test_it_does_not_draft_twice_for_a_redelivered_task(use_model, make_entry):
    use_model("seq2seq")
    entry = make_entry("paper")
    greedy = DecodingProfile.objects.get(name="Greedy")
    tasks.draft_blurb.apply(args=[entry.pk, greedy.pk, True], task_id="delivery-1")
    again = tasks.draft_blurb.apply(args=[entry.pk, greedy.pk, True], task_id="delivery-1").get()
    assert again == {"skipped": "already drafted by this task"}
    assert Draft.objects.filter(entry=entry, engine=Draft.Engine.MODEL).count() == 1
