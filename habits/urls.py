from django.urls import path

from . import views

urlpatterns = [
    path("", views.habit_list, name="habits"),
    path("new/", views.habit_new, name="habit_new"),
    path("enable/", views.habit_enable, name="habit_enable"),
    path("<int:habit_id>/edit/", views.habit_edit, name="habit_edit"),
    path("<int:habit_id>/log/", views.habit_log, name="habit_log"),
    path("<int:habit_id>/pause/", views.habit_pause, name="habit_pause"),
    path("<int:habit_id>/resume/", views.habit_resume, name="habit_resume"),
    path("<int:habit_id>/archive/", views.habit_archive, name="habit_archive"),
]
