"""This app's part of wellrounded/tests/test_authorization_matrix.py (see its docstring).

The school administrator's pages (the roster, cohorts and invite codes, staff, settings) are
reached by the administrators only: of their own school's objects by their own, of the school
as a whole by each for their own school. schools/tests/test_roster_views.py and
test_administration_views.py walk the same routes with the forms' data.
"""

from datetime import timedelta

from django.utils import timezone

from schools.administration import invitation_token, new_invitation
from schools.models import InviteCode, RosterEntry, StaffMembership, StaffRole

PAGES: dict[str, str] = {
    "school_roster": "school_admin",
    "school_roster_template": "school_admin",
    "school_roster_export": "school_admin",
    "school_roster_remove": "school_admin_object",
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
# The roster's addresses are the school's own list: its administrator sees them, nobody else.
SEEN_BY = {"listed@riverside.example": {"school_admin"}}


def api_rule(path: str) -> str | None:
    return None


def objects(world: dict) -> dict:
    entry = RosterEntry.objects.create(
        school=world["school"], email="listed@riverside.example", cohort=world["cohort"]
    )
    invite = InviteCode.objects.create(
        cohort=world["cohort"], expires_at=timezone.now() + timedelta(days=30)
    )
    invitation = new_invitation(
        school=world["school"], email="newcomer@riverside.example", role=StaffRole.EDUCATOR
    )
    # The educator of the matrix, whom only their own school's administrator may remove.
    membership = StaffMembership.objects.get(user=world["users"]["staff"])
    return {
        "kwargs": {
            "entry_id": entry.pk,
            "invite_id": invite.pk,
            "invitation_id": invitation.pk,
            "membership_id": membership.pk,
            "invitation_token": invitation_token(invitation),
        },
        "secrets": ["listed@riverside.example"],
    }
