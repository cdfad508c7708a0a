"""The admin site itself: the newsletter's name as its title, menus in the order the work is done.

Django sorts apps and models alphabetically, which puts Editions before Feeds and the Celery
schedule's five tables beside the newsletter's own. Editors work feeds → editions → summarizer →
mailing, so the menu follows that order. Beat, django-axes and the task outbox are machinery:
only superusers see them in the menus (and their app pages); any other user who has been granted
a permission on one of their models can still open that model's pages, which check it as always.
Installed through `CuratorAdminConfig` (in INSTALLED_APPS in django.contrib.admin's place), so
`admin.site` is this site everywhere.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

APP_ORDER = ["feeds", "editions", "summarizer", "mailing", "ranking", "auth"]
MODEL_ORDER = {
    "feeds": ["Source", "Entry", "Desk", "IngestRun", "Sighting"],
    "editions": ["Issue", "Section", "Pick"],
    "summarizer": ["DecodingProfile", "Draft"],
    "mailing": ["Subscriber", "Delivery", "ScheduledSend", "SubscriberImport"],
}
INTERNAL_APPS = frozenset({"django_celery_beat", "axes", "outbox"})
DESK_URL_NAME = "admin:feeds_entry_desk"


def _app_position(app: dict[str, Any]) -> tuple[int, int, str]:
    label = app["app_label"]
    known = APP_ORDER.index(label) if label in APP_ORDER else len(APP_ORDER)
    return (label in INTERNAL_APPS, known, app["name"].lower())


def _model_position(app_label: str, model: dict[str, Any]) -> tuple[int, str]:
    order = MODEL_ORDER.get(app_label, [])
    name = model["object_name"]
    return (order.index(name) if name in order else len(order), str(model["name"]))


def desk_url(request: HttpRequest) -> str:
    """The triage desk's address, or "" when the user may not look at entries."""
    return reverse(DESK_URL_NAME) if request.user.has_perm("feeds.view_entry") else ""


def desk_link(request: HttpRequest) -> dict[str, Any] | None:
    """The desk as a menu item under Feeds."""
    url = desk_url(request)
    if not url:
        return None
    return {
        "model": None,
        "name": "Triage desk",
        "object_name": "Desk",
        "perms": {"view": True},
        "admin_url": url,
        "add_url": None,
        "view_only": True,
    }


class CuratorAdminSite(admin.AdminSite):
    index_template = "admin/dashboard.html"

    # Read per request, so a SITE_NAME changed in settings (or a test) shows at once.
    @property
    def site_header(self) -> str:  # type: ignore[override]  # a read-only property, so it follows settings
        return settings.SITE_NAME

    @property
    def site_title(self) -> str:  # type: ignore[override]  # a read-only property, so it follows settings
        return settings.SITE_NAME

    @property
    def index_title(self) -> str:  # type: ignore[override]  # a read-only property, so it follows settings
        return "Dashboard"

    def index(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> TemplateResponse:
        from curator.dashboard import dashboard_for  # models are not ready when the site is built

        context = {"dashboard": dashboard_for(request.user), "desk_url": desk_url(request), **(extra_context or {})}
        return super().index(request, context)

    def get_urls(self) -> list[Any]:
        from django.urls import path

        from curator.search.staff_views import staff_search  # models are not ready when the site is built

        return [path("search/", self.admin_view(staff_search), name="search"), *super().get_urls()]

    def _build_app_dict(self, request: HttpRequest, label: str | StrPromise | None = None) -> dict[str, Any]:
        app_dict = super()._build_app_dict(request, label)
        if not request.user.is_superuser:
            app_dict = {name: app for name, app in app_dict.items() if name not in INTERNAL_APPS}
        if "feeds" in app_dict and (desk := desk_link(request)) is not None:
            app_dict["feeds"]["models"].append(desk)
        return app_dict

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[dict[str, Any]]:
        """Apps in workflow order (Feeds, Editions, Summarizer, Mailing, the rest, machinery last)."""
        app_list = sorted(self._build_app_dict(request, app_label).values(), key=_app_position)
        for app in app_list:
            app["models"].sort(key=lambda model, label=app["app_label"]: _model_position(label, model))
        return app_list


class CuratorAdminConfig(AdminConfig):
    default_site = "curator.admin_site.CuratorAdminSite"
