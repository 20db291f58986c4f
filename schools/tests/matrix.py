"""This app's part of wellrounded/tests/test_authorization_matrix.py (see its docstring).

The school administrator's pages (the roster, the placements file, the rotation catalogue and
the cohorts' phases, cohorts and invite codes, staff, settings) are reached by the
administrators only: of their own school's objects by their own, of the school as a whole by
each for their own school. schools/tests/test_roster_views.py, test_placement_views.py and
test_administration_views.py walk the same routes with the forms' data. A student's rotation
schedule is theirs.
"""

from datetime import date, timedelta

from django.utils import timezone

from schools.administration import invitation_token, new_invitation
from schools.models import (
    InviteCode,
    Placement,
    PlacementSource,
    RosterEntry,
    Rotation,
    StaffMembership,
    StaffRole,
)
from schools.placements import save_rotation

PAGES: dict[str, str] = {
    "school_roster": "school_admin",
    "school_roster_template": "school_admin",
    "school_roster_export": "school_admin",
    "school_roster_remove": "school_admin_object",
    "school_placements": "school_admin",
    "school_placements_preview": "school_admin",
    "school_placements_template": "school_admin",
    "school_placement_flag_clear": "school_admin_object",
    "school_catalogue": "school_admin",
    "school_catalogue_edit": "school_admin_object",
    "school_cohort_phases": "school_admin_object",
    "rotation_schedule": "student",
    "rotation_schedule_remove": "student_object",
    "rotation_schedule_flag": "student_object",
    "school_admin": "school_admin",
    "school_admin_cohorts": "school_admin",
    "school_admin_cohort": "school_admin_object",
    "school_admin_cohort_archive": "school_admin_object",
    "school_admin_code_new": "school_admin_object",
    "school_admin_code_revoke": "school_admin_object",
    "school_admin_staff": "school_admin",
    "school_admin_staff_remove": "school_admin_object",
    "school_admin_invitation_revoke": "school_admin_object",
    "school_admin_settings": "school_admin",
    # Whoever holds the link: it names the invited address, and acts only for that address.
    "staff_invitation": "public",
}
MAY_REACH = {
    "school_admin": {"school_admin", "other_school_admin"},
    "school_admin_object": {"school_admin"},
}
# The roster's addresses and the school's placements are the school's own lists: its
# administrator sees them, nobody else.
SEEN_BY = {
    "listed@riverside.example": {"school_admin"},
    "Riverside North Site 7": {"school_admin"},
}


def api_rule(path: str) -> str | None:
    return None


def objects(world: dict) -> dict:
    school, student = world["school"], world["users"]["student"]
    entry = RosterEntry.objects.create(
        school=school, email="listed@riverside.example", cohort=world["cohort"]
    )
    own = Placement.objects.create(
        student=student,
        school=school,
        source=PlacementSource.STUDENT,
        rotation=Rotation.objects.get(slug="neurology"),
        starts_on=date(2031, 1, 6),
        ends_on=date(2031, 2, 28),
        site="Only-Mine Hospice",
    )
    Placement.objects.create(
        student=student,
        school=school,
        source=PlacementSource.SCHOOL,
        email=student.email,
        rotation=Rotation.objects.get(slug="psychiatry"),
        starts_on=date(2031, 3, 3),
        ends_on=date(2031, 4, 25),
        site="Riverside North Site 7",
    )
    rotation = save_rotation(
        school=school, name="Acute care", phase="core", by=world["users"]["staff"]
    )
    invite = InviteCode.objects.create(
        cohort=world["cohort"], expires_at=timezone.now() + timedelta(days=30)
    )
    invitation = new_invitation(
        school=school, email="newcomer@riverside.example", role=StaffRole.EDUCATOR
    )
    # The educator of the matrix, whom only their own school's administrator may remove.
    membership = StaffMembership.objects.get(user=world["users"]["staff"])
    return {
        "kwargs": {
            "entry_id": entry.pk,
            "placement_id": own.pk,
            "rotation_id": rotation.pk,
            "invite_id": invite.pk,
            "invitation_id": invitation.pk,
            "membership_id": membership.pk,
            "invitation_token": invitation_token(invitation),
        },
        "secrets": [
            "listed@riverside.example",
            "Only-Mine Hospice",
            "Riverside North Site 7",
        ],
    }
