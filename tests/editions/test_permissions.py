"""Editor, Publisher and everybody else, in the admin views and actions of editions."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from curator.editions import workflow
from curator.editions.models import Pick
from curator.feeds.models import Entry

pytestmark = pytest.mark.django_db
ENTRIES = reverse("admin:feeds_entry_changelist")


def _user(django_user_model, name: str, *perms: str, staff: bool = True):
    user = django_user_model.objects.create_user(name, f"{name}@example.org", "pw", is_staff=staff)
    for perm in perms:
        app_label, codename = perm.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return user


def test_it_creates_editor_and_publisher_groups_and_only_publishers_send(editor, publisher):
    assert set(Group.objects.values_list("name", flat=True)) >= {"Editor", "Publisher"}
    for perm in ("feeds.change_entry", "editions.add_pick", "editions.change_issue", "summarizer.add_draft"):
        assert editor.has_perm(perm) and publisher.has_perm(perm)
    assert not editor.has_perm("editions.send_issue")
    assert publisher.has_perm("editions.send_issue")
    assert not editor.has_perm("feeds.delete_entry")


def test_it_sends_non_staff_users_to_the_login_page(client, django_user_model, make_entry, issue):
    entry = make_entry()
    client.force_login(_user(django_user_model, "reader", staff=False))
    for response in (
        client.get(ENTRIES),
        client.post(ENTRIES, {"action": "shortlist_entries", "_selected_action": [entry.pk]}),
        client.get(reverse("admin:editions_issue_change", args=[issue.pk])),
        client.post(reverse("admin:editions_issue_status", args=[issue.pk]), {"target": "ready"}),
    ):
        assert response.status_code == 302
        assert reverse("admin:login") in response["Location"]
    entry.refresh_from_db()
    assert entry.triage == Entry.Triage.NEW


def test_it_forbids_staff_without_permissions(client, django_user_model, make_entry, issue):
    entry = make_entry()
    client.force_login(_user(django_user_model, "intern"))
    assert client.get(ENTRIES).status_code == 403
    assert client.post(ENTRIES, {"action": "reject_entries", "_selected_action": [entry.pk]}).status_code == 403
    assert client.get(reverse("admin:editions_issue_change", args=[issue.pk])).status_code == 403
    entry.refresh_from_db()
    assert entry.triage == Entry.Triage.NEW


def test_it_offers_no_triage_actions_to_view_only_staff(client, django_user_model, make_entry):
    entry = make_entry()
    client.force_login(_user(django_user_model, "viewer", "feeds.view_entry"))
    page = client.get(ENTRIES)
    assert page.status_code == 200
    assert "shortlist_entries" not in page.content.decode()
    client.post(ENTRIES, {"action": "shortlist_entries", "_selected_action": [entry.pk]})
    entry.refresh_from_db()
    assert entry.triage == Entry.Triage.NEW


def test_it_needs_pick_permission_to_add_entries_to_an_issue(client, django_user_model, make_entry, issue):
    entry = make_entry()
    client.force_login(_user(django_user_model, "triager", "feeds.view_entry", "feeds.change_entry"))
    page = client.get(ENTRIES).content.decode()
    assert "shortlist_entries" in page and "add_to_issue" not in page
    client.post(
        ENTRIES,
        {
            "action": "add_to_issue",
            "_selected_action": [entry.pk],
            "apply": "yes",
            "section": issue.sections.first().pk,
        },
    )
    assert not Pick.objects.exists()


def test_it_lets_an_editor_triage_and_assemble(client, editor, make_entry, issue):
    entry = make_entry()
    client.force_login(editor)
    client.post(ENTRIES, {"action": "shortlist_entries", "_selected_action": [entry.pk]})
    client.post(
        ENTRIES,
        {
            "action": "add_to_issue",
            "_selected_action": [entry.pk],
            "apply": "yes",
            "section": issue.sections.first().pk,
        },
    )
    assert Pick.objects.get().entry == entry
    response = client.post(reverse("admin:editions_issue_status", args=[issue.pk]), {"target": "ready"})
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.status == "ready"


def test_it_keeps_view_only_staff_from_changing_issue_status(client, django_user_model, make_entry, issue, editor):
    workflow.add_entries_to_issue([make_entry()], issue, issue.sections.first(), editor)
    client.force_login(_user(django_user_model, "auditor", "editions.view_issue"))
    assert client.get(reverse("admin:editions_issue_change", args=[issue.pk])).status_code == 200
    response = client.post(reverse("admin:editions_issue_status", args=[issue.pk]), {"target": "ready"})
    assert response.status_code == 403
    issue.refresh_from_db()
    assert issue.status == "draft"


def test_it_lets_a_publisher_do_everything_an_editor_does(client, publisher, make_entry, issue):
    entry = make_entry()
    client.force_login(publisher)
    client.post(
        ENTRIES,
        {
            "action": "add_to_issue",
            "_selected_action": [entry.pk],
            "apply": "yes",
            "section": issue.sections.first().pk,
        },
    )
    assert Pick.objects.get().byline == "Paula Publisher"
