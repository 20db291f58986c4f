from django.urls import path

from . import views

urlpatterns = [
    path("", views.roster, name="school_roster"),
    path("template.csv", views.roster_template, name="school_roster_template"),
    path("roster.csv", views.roster_export, name="school_roster_export"),
    path("<int:entry_id>/remove/", views.roster_remove, name="school_roster_remove"),
]
