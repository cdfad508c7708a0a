from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from curator.metrics import metrics_view
from curator.views import healthz, healthz_workers

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("healthz/workers", healthz_workers, name="healthz-workers"),
    path("metrics", metrics_view, name="metrics"),
    path("", include("curator.mailing.urls")),
    path("", include("curator.editions.urls")),
]
if "anymail" in settings.INSTALLED_APPS:
    # Provider webhooks, e.g. /anymail/postmark/tracking/, protected by ANYMAIL_WEBHOOK_SECRET (basic auth).
    urlpatterns.append(path("anymail/", include("anymail.urls")))
