from django.urls import path

from . import views

urlpatterns = [
    path("", views.reminder_settings, name="reminder_settings"),
    path("push/subscribe/", views.push_subscribe, name="push_subscribe"),
    path("push/unsubscribe/", views.push_unsubscribe, name="push_unsubscribe"),
    path("push/test/", views.push_test, name="push_test"),
]
