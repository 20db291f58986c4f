"""Peer circles, under /help/circles/ (where they were when support held them)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.circles_home, name="circles"),
    path("profile/", views.circle_profile, name="circle_profile"),
    path("opt-out/", views.circle_opt_out, name="circle_opt_out"),
    path("look-again/", views.circle_look_again, name="circle_look_again"),
    path("<int:circle_id>/", views.circle_page, name="circle"),
    path("<int:circle_id>/leave/", views.circle_leave, name="circle_leave"),
    path(
        "circles/<int:circle_id>/members/<int:member_id>/block/",
        views.circle_block,
        name="circle_block",
    ),
    path(
        "circles/messages/<int:message_id>/report/",
        views.circle_report,
        name="circle_report",
    ),
    path("school/", views.circles_overview, name="circles_overview"),
    path("reports/", views.circle_reports, name="circle_reports"),
    path(
        "circles/reports/<int:report_id>/",
        views.circle_report_review,
        name="circle_report_review",
    ),
]
