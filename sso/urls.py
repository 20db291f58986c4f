from django.urls import path

from . import views

urlpatterns = [
    path("", views.sso_settings, name="school_sso"),
    path("remove/", views.sso_remove, name="school_sso_remove"),
]
