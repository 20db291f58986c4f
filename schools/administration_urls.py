from django.urls import path

from . import administration_views as views

urlpatterns = [
    path("", views.home, name="school_admin"),
    path("cohorts/", views.cohorts, name="school_admin_cohorts"),
    path("cohorts/<int:cohort_id>/", views.cohort, name="school_admin_cohort"),
    path(
        "cohorts/<int:cohort_id>/archive/", views.cohort_archive, name="school_admin_cohort_archive"
    ),
    path("cohorts/<int:cohort_id>/codes/", views.invite_code_new, name="school_admin_code_new"),
    path(
        "codes/<int:invite_id>/revoke/", views.invite_code_revoke, name="school_admin_code_revoke"
    ),
    path("staff/", views.staff, name="school_admin_staff"),
    path("staff/<int:membership_id>/remove/", views.staff_remove, name="school_admin_staff_remove"),
    path(
        "staff/invitations/<int:invitation_id>/revoke/",
        views.staff_invitation_revoke,
        name="school_admin_invitation_revoke",
    ),
    path("settings/", views.school_settings, name="school_admin_settings"),
]
