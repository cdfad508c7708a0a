"""Custom admin views declare the permission they need, the way admin actions do.

`@admin.action(permissions=[...])` hides and refuses an action unless every
`has_<name>_permission(request)` of its ModelAdmin agrees. `permission_required` gives a view
added through `get_urls()` the same contract. The check runs before the view looks anything up,
so a user without the permission gets 403 for an object that does not exist too (no probing by
404), and the names stay on the view as `allowed_permissions`, where the test that walks
`admin.site` finds them: a new custom view without a declared permission fails that test.

A name with a dot ("editions.send_issue") is a Django permission of the user; a name without
("view", "change", "send") asks the ModelAdmin's `has_<name>_permission(request)`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

View = TypeVar("View", bound=Callable[..., Any])


def is_allowed(request: HttpRequest, name: str, model_admin: Any = None) -> bool:
    """One declared permission name, checked for this request."""
    if "." in name:
        return request.user.has_perm(name)
    if model_admin is None:
        raise TypeError(f"permission {name!r} needs a ModelAdmin: use it on a ModelAdmin method")
    return getattr(model_admin, f"has_{name}_permission")(request)


def permission_required(*names: str) -> Callable[[View], View]:
    """Refuse the view with 403 unless the request has every named permission."""
    if not names:
        raise TypeError("declare at least one permission")

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            model_admin, request = (None, args[0]) if isinstance(args[0], HttpRequest) else (args[0], args[1])
            if not all(is_allowed(request, name, model_admin) for name in names):
                raise PermissionDenied
            return view(*args, **kwargs)

        cast(Any, guarded).allowed_permissions = names
        return cast(View, guarded)

    return decorate


def declared_permissions(view: Callable[..., Any]) -> tuple[str, ...]:
    """The names a (possibly wrapped) view declared; empty when it declared none."""
    current: Callable[..., Any] | None = view
    while current is not None:
        names = getattr(current, "allowed_permissions", None)
        if names:
            return tuple(names)
        current = getattr(current, "__wrapped__", None) or getattr(current, "__func__", None)
    return ()


def staff_user(request: HttpRequest) -> User:
    """The signed-in user of an admin page: the admin's login sends anyone else away before the view runs."""
    return cast(User, request.user)
