from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="cohort_dashboard"),
    path("export.csv", views.export_csv, name="cohort_export_csv"),
    path("export.xlsx", views.export_xlsx, name="cohort_export_xlsx"),
    path("campaigns/", views.campaign_list, name="cohort_campaigns"),
    path("campaigns/new/", views.campaign_new, name="cohort_campaign_new"),
    path("campaigns/<int:campaign_id>/", views.campaign_detail, name="cohort_campaign"),
    path("reports/", views.report, name="cohort_report"),
    path("reports/export.csv", views.report_csv, name="cohort_report_csv"),
]
