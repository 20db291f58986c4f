from django.urls import path

from . import circle_views, views

urlpatterns = [
    path("", views.need_help, name="need_help"),
    path("manage/", views.manage_list, name="support_manage"),
    path("manage/new/", views.manage_new, name="support_manage_new"),
    path("manage/<int:resource_id>/edit/", views.manage_edit, name="support_manage_edit"),
    path("manage/<int:resource_id>/delete/", views.manage_delete, name="support_manage_delete"),
    path("circles/", circle_views.circles_home, name="circles"),
    path("circles/profile/", circle_views.circle_profile, name="circle_profile"),
    path("circles/opt-out/", circle_views.circle_opt_out, name="circle_opt_out"),
    path("circles/look-again/", circle_views.circle_look_again, name="circle_look_again"),
    path("circles/<int:circle_id>/", circle_views.circle_page, name="circle"),
    path("circles/<int:circle_id>/leave/", circle_views.circle_leave, name="circle_leave"),
    path(
        "circles/<int:circle_id>/members/<int:member_id>/block/",
        circle_views.circle_block,
        name="circle_block",
    ),
    path(
        "circles/messages/<int:message_id>/report/",
        circle_views.circle_report,
        name="circle_report",
    ),
    path("circles/school/", circle_views.circles_overview, name="circles_overview"),
    path("circles/reports/", circle_views.circle_reports, name="circle_reports"),
    path(
        "circles/reports/<int:report_id>/",
        circle_views.circle_report_review,
        name="circle_report_review",
    ),
]
