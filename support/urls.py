from django.urls import path

from . import views

urlpatterns = [
    path("", views.need_help, name="need_help"),
]
