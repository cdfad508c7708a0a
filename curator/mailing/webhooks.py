"""/anymail/…: the provider's tracking webhook, served only when webhook_config says it is safe.

The decision is taken on each request from the current settings, so the route cannot be open while
the settings say it is closed. Only the tracking webhook of the provider in `EMAIL_BACKEND` is
reachable; every other provider's, and every inbound-mail webhook, answers 404.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import Resolver404, URLResolver
from django.urls.resolvers import RegexPattern
from django.views.decorators.csrf import csrf_exempt

from curator.mailing import webhook_config


def _tracking_names(name: str) -> set[str]:
    if name == "mandrill":  # one combined endpoint, under two paths
        return {"mandrill_webhook", "mandrill_tracking_webhook"}
    return {f"{name}_tracking_webhook"}


@csrf_exempt  # providers post without a CSRF token; the basic-auth secret and the signature guard it
def provider_webhook(request: HttpRequest, rest: str) -> HttpResponse:
    name = webhook_config.serving(settings.EMAIL_BACKEND, settings.ANYMAIL, settings.MAILING_WEBHOOKS)
    if name is None or "anymail" not in settings.INSTALLED_APPS:
        raise Http404("No provider webhooks here.")
    resolver = URLResolver(RegexPattern(r"^"), "anymail.urls")
    try:
        match = resolver.resolve(rest)
    except Resolver404:
        raise Http404("No such webhook.") from None
    if match.url_name not in _tracking_names(name):
        raise Http404("No such webhook.")
    return match.func(request, *match.args, **match.kwargs)
