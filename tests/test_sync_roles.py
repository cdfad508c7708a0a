import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_it_repairs_a_stripped_group_and_keeps_its_members(editor):
    group = Group.objects.get(name="Editor")
    group.permissions.remove(Permission.objects.get(codename="change_entry"))
    Group.objects.filter(name="Publisher").delete()
    out = io.StringIO()
    call_command("sync_roles", stdout=out)
    assert "up to date" in out.getvalue()
    editor = type(editor).objects.get(pk=editor.pk)  # fresh permission cache
    assert editor.has_perm("feeds.change_entry")
    assert list(editor.groups.values_list("name", flat=True)) == ["Editor"]
    publisher = Group.objects.get(name="Publisher")
    assert publisher.permissions.filter(codename="send_issue").exists()
    assert not group.permissions.filter(codename="send_issue").exists()


def _declared() -> list[tuple[str, str, str]]:
    """(app label, role, codename) for one grant of each role in each app's roles.py."""
    from curator.role_groups import declared_grants

    return [
        (app_label, role, codenames[0])
        for app_label, grants in declared_grants().items()
        for role, codenames in grants.items()
    ]


def test_it_finds_the_roles_of_every_app_that_grants_something():
    from curator.role_groups import declared_grants

    assert set(declared_grants()) == {"feeds", "summarizer", "editions", "mailing", "team", "search"}


@pytest.mark.parametrize(("app_label", "role", "codename"), _declared())
def test_it_restores_a_deleted_grant_and_says_so(app_label, role, codename):
    call_command("sync_roles", stdout=io.StringIO())
    group = Group.objects.get(name=role)
    group.permissions.remove(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    out = io.StringIO()
    call_command("sync_roles", stdout=out)
    assert group.permissions.filter(content_type__app_label=app_label, codename=codename).exists()
    assert f"{role}: granted {app_label}.{codename}" in out.getvalue()


def test_it_grants_the_publisher_the_mailing_permissions_of_the_migrations():
    Group.objects.filter(name="Publisher").delete()
    call_command("sync_roles", stdout=io.StringIO())
    publisher = Group.objects.get(name="Publisher")
    mailing = publisher.permissions.filter(content_type__app_label="mailing").values_list("codename", flat=True)
    assert set(mailing) == {
        "view_subscriber",
        "add_subscriber",
        "change_subscriber",
        "view_delivery",
        "view_providerevent",
    }


def test_it_changes_nothing_the_second_time():
    call_command("sync_roles", stdout=io.StringIO())
    out = io.StringIO()
    call_command("sync_roles", stdout=out)
    assert out.getvalue() == "Contributor, Editor and Publisher groups are up to date.\n"
