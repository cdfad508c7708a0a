"""When an issue starts sending, each pick's blurb is judged against its entry's drafts; draft choices are kept."""

from django.urls import reverse

from curator.editions import workflow
from curator.editions.acceptance import record_issue_acceptance
from curator.editions.models import Issue
from summarizer.models import DraftChoice, DraftOutcome
from tests.factories import add_pick
from tests.support.forms import change_form_data


def test_it_records_acceptance_when_the_issue_starts_sending(
    issue, make_entry, make_draft, publisher, django_capture_on_commit_callbacks
):
    kept, edited = make_entry("Kept as drafted"), make_entry("Rewritten by the editor")
    make_draft(kept, "A tidy summary of the routing paper.", profile_name="Beam")
    make_draft(edited, "A tidy summary of the pruning paper.", profile_name="Sampling")
    add_pick(issue, kept, blurb="A tidy summary of the routing paper.")
    add_pick(issue, edited, blurb="We disagree with this one, loudly, for three reasons.")
    add_pick(issue, None, title="Hand-added", url="https://example.org/x", blurb="No drafts here.")
    workflow.transition(issue, Issue.Status.READY)

    with django_capture_on_commit_callbacks(execute=True):
        workflow.transition(issue, Issue.Status.SENDING, publisher)

    outcomes = {o.profile_name: o.verdict for o in DraftOutcome.objects.all()}
    assert outcomes == {"Beam": "as_is", "Sampling": "rewritten"}
    assert record_issue_acceptance(issue.pk) == 2  # again: the same two rows, updated
    assert DraftOutcome.objects.count() == 2


def test_it_records_nothing_while_the_issue_is_only_marked_ready(
    issue, make_entry, make_draft, django_capture_on_commit_callbacks
):
    entry = make_entry()
    make_draft(entry, "Draft.")
    add_pick(issue, entry, blurb="Draft.")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.transition(issue, Issue.Status.READY)
    assert not DraftOutcome.objects.exists()


def test_it_records_use_this_draft_clicks_with_who_clicked(client, editor, issue, make_entry, make_draft):
    entry = make_entry()
    draft = make_draft(entry, "The chosen draft.")
    pick = add_pick(issue, entry, blurb="")
    client.force_login(editor)
    url = reverse("admin:editions_issue_change", args=[issue.pk])
    data = change_form_data(client.get(url))
    data["_use_draft"] = f"{pick.pk}:{draft.pk}"

    assert client.post(url, data).status_code == 302

    choice = DraftChoice.objects.get()
    assert (choice.draft, choice.chosen_by) == (draft, editor)


def test_it_records_a_choice_made_through_the_workflow(issue, make_entry, make_draft):
    entry = make_entry()
    draft = make_draft(entry, "Chosen.")
    pick = add_pick(issue, entry)
    workflow.use_draft(pick, draft)
    assert DraftChoice.objects.get().draft == draft
