from django.urls import path

from . import views

urlpatterns = [
    path("checkin/", views.checkin, name="checkin"),
    path("checkin/quick/", views.checkin_quick, name="checkin_quick"),
    path("checkin/history/", views.checkin_history, name="checkin_history"),
    path("checkin/delete/", views.checkin_delete, name="checkin_delete"),
    path("not-safe/", views.not_safe, name="not_safe"),
    path("screenings/", views.screenings, name="screenings"),
    path("screenings/schedule/", views.screening_schedule, name="screening_schedule"),
    path("screenings/results/<int:response_id>/", views.screening_result, name="screening_result"),
    path("screenings/<slug:instrument_id>/", views.screening_take, name="screening_take"),
]
