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
