from django.contrib import admin
from django.urls import include, path

from curator.csp_reports import csp_report
from curator.mailing.webhooks import provider_webhook
from curator.metrics import metrics_view
from curator.views import healthz, healthz_workers

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("csp-report/", csp_report, name="csp_report"),
    path("healthz/workers", healthz_workers, name="healthz-workers"),
    path("metrics", metrics_view, name="metrics"),
    path("", include("curator.mailing.urls")),
    path("", include("curator.editions.urls")),
    path("", include("curator.search.urls")),
]
# The email provider's tracking webhook, e.g. /anymail/postmark/tracking/: 404 unless EMAIL_BACKEND is that
# provider's and ANYMAIL_WEBHOOK_SECRET (and the provider's signing key) is set (curator/mailing/webhooks.py).
urlpatterns.append(path("anymail/<path:rest>", provider_webhook, name="provider_webhook"))
