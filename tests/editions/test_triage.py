import pytest

from curator.editions.actions.triage import set_triage
from curator.feeds.models import Entry

pytestmark = pytest.mark.django_db
T = Entry.Triage


def test_it_shortlists_and_rejects_in_bulk(make_entry):
    a, b = make_entry(), make_entry(triage=T.REJECTED)
    result = set_triage(Entry.objects.filter(pk__in=[a.pk, b.pk]), T.SHORTLISTED)
    assert result.changed == 2
    assert set(Entry.objects.values_list("triage", flat=True)) == {T.SHORTLISTED}


def test_it_leaves_picked_entries_alone_and_counts_them(make_entry):
    picked, fresh = make_entry(triage=T.PICKED), make_entry()
    result = set_triage(Entry.objects.all(), T.REJECTED)
    assert (result.changed, result.skipped_picked) == (1, 1)
    picked.refresh_from_db()
    fresh.refresh_from_db()
    assert (picked.triage, fresh.triage) == (T.PICKED, T.REJECTED)


def test_it_refuses_to_set_picked_by_hand(make_entry):
    entry = make_entry()
    with pytest.raises(ValueError, match="picked"):
        set_triage(Entry.objects.all(), T.PICKED)
    entry.refresh_from_db()
    assert entry.triage == T.NEW
