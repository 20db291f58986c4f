from django.urls import path

from . import views

urlpatterns = [
    path("", views.need_help, name="need_help"),
    path("manage/", views.manage_list, name="support_manage"),
    path("manage/new/", views.manage_new, name="support_manage_new"),
    path("manage/<int:resource_id>/edit/", views.manage_edit, name="support_manage_edit"),
    path("manage/<int:resource_id>/delete/", views.manage_delete, name="support_manage_delete"),
]
