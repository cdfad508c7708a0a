import pytest

from curator.editions import workflow
from tests.factories import add_pick, send

pytestmark = pytest.mark.django_db


def test_it_replaces_the_blurb_with_the_chosen_draft(issue, make_entry, make_draft):
    entry = make_entry()
    draft = make_draft(entry, "A crisp two-sentence summary. It reads well.")
    pick = add_pick(issue, entry, blurb="my half-written text")
    workflow.use_draft(pick, draft)
    pick.refresh_from_db()
    assert pick.blurb == "A crisp two-sentence summary. It reads well."


def test_it_refuses_a_draft_of_another_entry(issue, make_entry, make_draft):
    pick = add_pick(issue, make_entry(), blurb="kept")
    stranger = make_draft(make_entry(), "Not about this pick.")
    with pytest.raises(workflow.WorkflowError, match="another entry"):
        workflow.use_draft(pick, stranger)
    pick.refresh_from_db()
    assert pick.blurb == "kept"


def test_it_refuses_on_a_sent_issue(issue, make_entry, make_draft):
    entry = make_entry()
    pick = add_pick(issue, entry, blurb="as sent")
    send(issue)
    with pytest.raises(workflow.IssueLocked):
        workflow.use_draft(pick, make_draft(entry, "later"))
    pick.refresh_from_db()
    assert pick.blurb == "as sent"
