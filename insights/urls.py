from django.urls import path

from . import views

urlpatterns = [
    path("", views.insights, name="insights"),
    path("week/", views.week, name="insights_week"),
    path("journal/", views.journal, name="journal"),
    path("journal/new/", views.reflection_new, name="reflection_new"),
    path("journal/<int:reflection_id>/edit/", views.reflection_edit, name="reflection_edit"),
    path("journal/<int:reflection_id>/delete/", views.reflection_delete, name="reflection_delete"),
]
