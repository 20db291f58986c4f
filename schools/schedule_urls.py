from django.urls import path

from . import schedule_views as views

urlpatterns = [
    path("", views.schedule, name="rotation_schedule"),
    path("<int:placement_id>/remove/", views.schedule_remove, name="rotation_schedule_remove"),
    path("<int:placement_id>/flag/", views.schedule_flag, name="rotation_schedule_flag"),
]
