from django.contrib import admin
from django.urls import include, path

from curator.views import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("", include("curator.mailing.urls")),
    path("", include("curator.editions.urls")),
]
