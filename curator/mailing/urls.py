from django.urls import path

from curator.mailing import views

app_name = "mailing"

urlpatterns = [
    path("subscribe/", views.subscribe, name="subscribe"),
    path("subscribe/check-your-inbox/", views.subscribe_done, name="subscribe_done"),
    path("subscribe/confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/test-email/", views.unsubscribe_sample, name="unsubscribe_sample"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("r/<str:token>/", views.click, name="click"),
]
