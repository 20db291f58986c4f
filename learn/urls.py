from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="learn"),
    path("school/", views.school_home, name="learn_school"),
    path("school/lessons/new/", views.school_lesson_new, name="learn_school_lesson_new"),
    path(
        "school/lessons/<int:lesson_id>/edit/",
        views.school_lesson_edit,
        name="learn_school_lesson_edit",
    ),
    path("school/assign/", views.school_assign, name="learn_school_assign"),
    path(
        "school/assignments/<int:assignment_id>/delete/",
        views.school_unassign,
        name="learn_school_unassign",
    ),
    path("<slug:lesson_slug>/", views.lesson, name="learn_lesson"),
    path("<slug:lesson_slug>/done/", views.mark_done, name="learn_done"),
    path("<slug:lesson_slug>/undo/", views.undo_done, name="learn_undo"),
    path("<slug:lesson_slug>/reflection/", views.reflection, name="learn_reflection"),
    path(
        "<slug:lesson_slug>/reflection/delete/",
        views.reflection_delete,
        name="learn_reflection_delete",
    ),
]
