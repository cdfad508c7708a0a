"""Every admin action and custom admin view declares the permission it needs, and enforces it."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path, reverse

from curator.lib.admin_permissions import declared_permissions, permission_required

DEFAULT_URL_NAMES = {"changelist", "add", "history", "delete", "change"}
# Django's own views that check inside; the refusal walk below still requests each of them.
CHECKED_INSIDE = {"auth_user_password_change": "UserAdmin.user_change_password checks has_change_permission first"}


MISSING = {"UUIDConverter": "00000000-0000-0000-0000-000000000000", "SlugConverter": "missing"}


def custom_urls(model_admin: admin.ModelAdmin) -> Iterator[URLPattern]:
    """The URLs a ModelAdmin adds to Django's own (changelist, add, change, ...)."""
    opts = model_admin.model._meta
    own = {f"{opts.app_label}_{opts.model_name}_{suffix}" for suffix in DEFAULT_URL_NAMES}
    for pattern in model_admin.get_urls():
        if isinstance(pattern, URLPattern) and pattern.name and pattern.name not in own:
            yield pattern


def undeclared(site: admin.AdminSite) -> list[str]:
    """Actions and custom views of every registered ModelAdmin that declare no permission."""
    missing = []
    for model, model_admin in site._registry.items():
        for func, name, _ in model_admin._get_base_actions():
            if not getattr(func, "allowed_permissions", None):
                missing.append(f"{model.__name__} action {name}")
        missing += [
            f"{model.__name__} view {p.name}"
            for p in custom_urls(model_admin)
            if not declared_permissions(p.callback) and p.name not in CHECKED_INSIDE
        ]
    return missing


def test_it_finds_a_declared_permission_on_every_admin_action_and_custom_view() -> None:
    assert undeclared(admin.site) == []
    assert sum(1 for m in admin.site._registry.values() for _ in custom_urls(m)) >= 10, "the walk saw the views"


def test_it_reports_an_action_or_view_without_a_permission() -> None:
    class Careless(admin.ModelAdmin):
        actions = ["wipe"]

        @admin.action(description="Wipe")
        def wipe(self, request: HttpRequest, queryset: object) -> None:
            pass

        def get_urls(self) -> list[URLPattern]:
            return [
                path("open/", self.admin_site.admin_view(self.open_view), name="auth_group_open"),
                path("closed/", self.admin_site.admin_view(self.closed_view), name="auth_group_closed"),
                *super().get_urls(),
            ]

        def open_view(self, request: HttpRequest) -> HttpResponse:
            return HttpResponse()

        @permission_required("change")
        def closed_view(self, request: HttpRequest) -> HttpResponse:
            return HttpResponse()

    site = admin.AdminSite(name="careless")
    site.register(Group, Careless)
    assert undeclared(site) == ["Group action wipe", "Group view auth_group_open"]


@pytest.mark.django_db
def test_it_refuses_every_custom_view_to_staff_without_permissions(client, django_user_model) -> None:
    client.force_login(django_user_model.objects.create_user("nobody", "nobody@example.org", "pw", is_staff=True))
    checked = []
    for model_admin in admin.site._registry.values():
        for pattern in custom_urls(model_admin):
            # The permission is checked before any lookup, so an id that does not exist still gets 403, not 404.
            converters = pattern.pattern.converters.items()
            kwargs = {name: MISSING.get(type(conv).__name__, "999999") for name, conv in converters}
            url = reverse(f"admin:{pattern.name}", kwargs=kwargs)
            assert client.post(url).status_code == 403, url
            assert client.get(url).status_code in (403, 405), url
            checked.append(url)
    assert len(checked) >= 10


@pytest.mark.django_db
def test_it_lets_the_right_role_through_a_declared_view(client, publisher, editor) -> None:
    from curator.editions.models import Issue

    issue = Issue.objects.create(title="March", month=datetime.date(2026, 3, 1), slug="march")
    send = reverse("admin:editions_issue_send", args=[issue.pk])
    client.force_login(editor)
    assert client.get(send).status_code == 403
    assert client.get(reverse("admin:editions_issue_preview", args=[issue.pk])).status_code == 200
    client.force_login(publisher)
    assert client.get(send).status_code == 200


@pytest.mark.django_db
def test_it_refuses_the_schedule_actions_to_a_user_who_may_only_view_the_schedule(client, django_user_model) -> None:
    from django.contrib.auth.models import Permission
    from django_celery_beat.models import PeriodicTask

    viewer = django_user_model.objects.create_user("viewer", "viewer@example.org", "pw", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_periodictask"))
    task = PeriodicTask.objects.filter(enabled=True).first()
    assert task is not None, "the feeds migration schedules the weekly ingest"
    client.force_login(viewer)
    url = reverse("admin:django_celery_beat_periodictask_changelist")
    assert "disable_tasks" not in client.get(url).content.decode()
    client.post(url, {"action": "disable_tasks", "_selected_action": [task.pk]})
    task.refresh_from_db()
    assert task.enabled
