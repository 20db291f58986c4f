from django.urls import path

from . import action_views, views

urlpatterns = [
    path("", views.dashboard, name="cohort_dashboard"),
    path("export.csv", views.export_csv, name="cohort_export_csv"),
    path("export.xlsx", views.export_xlsx, name="cohort_export_xlsx"),
    path("campaigns/", views.campaign_list, name="cohort_campaigns"),
    path("campaigns/new/", views.campaign_new, name="cohort_campaign_new"),
    path("campaigns/<int:campaign_id>/", views.campaign_detail, name="cohort_campaign"),
    path(
        "campaigns/<int:campaign_id>/test/",
        views.campaign_test_send,
        name="cohort_campaign_test_send",
    ),
    path("campaigns/<int:campaign_id>/export.csv", views.campaign_csv, name="cohort_campaign_csv"),
    path(
        "campaigns/<int:campaign_id>/recurrence/",
        views.campaign_recurrence,
        name="cohort_campaign_recurrence",
    ),
    path("reports/", views.report, name="cohort_report"),
    path("reports/export.csv", views.report_csv, name="cohort_report_csv"),
    path("actions/", action_views.action_list, name="school_actions"),
    path("actions/new/", action_views.action_new, name="school_action_new"),
    path("actions/<int:action_id>/", action_views.action_detail, name="school_action"),
    path("actions/<int:action_id>/edit/", action_views.action_edit, name="school_action_edit"),
    path(
        "actions/<int:action_id>/publish/",
        action_views.action_publish,
        name="school_action_publish",
    ),
    path(
        "actions/<int:action_id>/figures/",
        action_views.action_figures,
        name="school_action_figures",
    ),
    path(
        "actions/<int:action_id>/figures/<int:figure_id>/remove/",
        action_views.action_figure_remove,
        name="school_action_figure_remove",
    ),
    path(
        "actions/<int:action_id>/report/", action_views.action_report, name="school_action_report"
    ),
]
