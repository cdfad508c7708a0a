import pytest

from curator.editions.models import Issue, IssueLocked, Pick, Section
from tests.factories import add_pick, send

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("status", [Issue.Status.SENDING, Issue.Status.SENT])
def test_it_refuses_new_changed_or_deleted_picks_once_sending_starts(issue, status):
    pick = add_pick(issue, blurb="As sent.")
    Issue.objects.filter(pk=issue.pk).update(status=status)
    with pytest.raises(IssueLocked):
        add_pick(issue)
    pick.blurb = "Rewritten after the fact."
    with pytest.raises(IssueLocked):
        pick.save()
    with pytest.raises(IssueLocked):
        pick.delete()
    assert list(Pick.objects.values_list("blurb", flat=True)) == ["As sent."]


def test_it_refuses_section_changes_on_a_sent_issue(issue):
    add_pick(issue)
    send(issue)
    section = issue.sections.first()
    section.title = "Renamed"
    with pytest.raises(IssueLocked):
        section.save()
    with pytest.raises(IssueLocked):
        Section.objects.create(issue=issue, title="Late addition")
    with pytest.raises(IssueLocked):
        section.delete()
    assert issue.sections.count() == 5
