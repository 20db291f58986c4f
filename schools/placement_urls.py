from django.urls import path

from . import placement_views as views

urlpatterns = [
    path("", views.placements, name="school_placements"),
    path("preview/", views.placements_preview, name="school_placements_preview"),
    path("template.csv", views.placements_template, name="school_placements_template"),
    path(
        "<int:placement_id>/clear-flag/",
        views.placement_flag_clear,
        name="school_placement_flag_clear",
    ),
    path("catalogue/", views.catalogue, name="school_catalogue"),
    path("catalogue/<int:rotation_id>/", views.catalogue_edit, name="school_catalogue_edit"),
    path("phases/<int:cohort_id>/", views.cohort_phases, name="school_cohort_phases"),
]
