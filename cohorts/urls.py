from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="cohort_dashboard"),
    path("export.csv", views.export_csv, name="cohort_export_csv"),
]
