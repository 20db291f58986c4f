"""What a school's administrator changes about their school, each change one transaction with
its audit event: cohorts and their invite codes, staff and their invitations, the minimum cell
size K and the time zone. The operator only creates a school and its first administrator
(`manage.py create_school`); everything after that is the school's.

Every service takes the acting administrator (`by=`) and checks their role itself, so a
command, API or page added later cannot skip the check. (Audit events are written here
directly: no module of `cohorts` imports this one, so vault stays out of its reach.)
"""

import zoneinfo
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from vault.audit import record_event

from .models import (
    Cohort,
    Enrollment,
    InviteCode,
    School,
    StaffInvitation,
    StaffMembership,
    StaffRole,
)
from .services import add_staff_member

INVITATION_DAYS = 7
INVITATION_SALT = "schools.staff-invitation"
# Raising K can never be undone (published figures were checked against it), so a typo of
# 100 for 10 must not hide a school's every figure for good.
MAX_CELL_SIZE = 50
# A cohort is a class graduating within a few years of now, not a typo of a century.
YEARS_AROUND = 12


def require_admin_of(by, school: School) -> None:
    if (
        by is None
        or not StaffMembership.objects.filter(
            user=by, school=school, role=StaffRole.SCHOOL_ADMIN
        ).exists()
    ):
        raise PermissionDenied("Only this school's administrator can change this.")


def audit(kind: str, *, by, school: School) -> None:
    record_event(kind, actor_id=getattr(by, "pk", None), school_id=school.pk)


def available_timezones() -> list[str]:
    return sorted(zoneinfo.available_timezones())


def validate_timezone(name: str) -> str:
    name = (name or "").strip()
    if name not in zoneinfo.available_timezones():
        raise ValidationError(
            {"timezone": f"“{name}” is not a time zone we know. Pick one, e.g. America/Chicago."}
        )
    return name


# Cohorts --------------------------------------------------------------------------------------


def validate_graduation_year(school: School, year: int, *, cohort: Cohort | None = None) -> None:
    this_year = timezone.now().year
    if not this_year - YEARS_AROUND <= year <= this_year + YEARS_AROUND:
        raise ValidationError(
            {
                "graduation_year": f"Enter a graduation year between {this_year - YEARS_AROUND} "
                f"and {this_year + YEARS_AROUND}."
            }
        )
    taken = Cohort.objects.filter(school=school, graduation_year=year)
    if cohort is not None:
        taken = taken.exclude(pk=cohort.pk)
    if taken.exists():
        raise ValidationError({"graduation_year": f"Your school already has a Class of {year}."})


@transaction.atomic
def create_cohort(*, school: School, graduation_year: int, by) -> Cohort:
    require_admin_of(by, school)
    validate_graduation_year(school, graduation_year)
    cohort = Cohort.objects.create(school=school, graduation_year=graduation_year)
    audit("cohort_created", by=by, school=school)
    return cohort


@transaction.atomic
def change_graduation_year(*, cohort: Cohort, graduation_year: int, by) -> Cohort:
    """Rename a cohort: its students, roster entries and published figures stay with it."""
    require_admin_of(by, cohort.school)
    if graduation_year == cohort.graduation_year:
        return cohort
    validate_graduation_year(cohort.school, graduation_year, cohort=cohort)
    cohort.graduation_year = graduation_year
    cohort.save(update_fields=["graduation_year"])
    audit("cohort_changed", by=by, school=cohort.school)
    return cohort


@transaction.atomic
def set_cohort_archived(*, cohort: Cohort, archived: bool, by) -> Cohort:
    """Archive a cohort (its invite codes stop working) or bring it back."""
    require_admin_of(by, cohort.school)
    if cohort.is_archived == archived:
        return cohort
    cohort.archived_at = timezone.now() if archived else None
    cohort.save(update_fields=["archived_at"])
    audit("cohort_archived" if archived else "cohort_restored", by=by, school=cohort.school)
    return cohort


# Invite codes ---------------------------------------------------------------------------------


@transaction.atomic
def create_invite_code(
    *, cohort: Cohort, expires_at: datetime, max_uses: int | None, by
) -> InviteCode:
    require_admin_of(by, cohort.school)
    if cohort.is_archived:
        raise ValidationError("This cohort is archived: restore it before inviting students.")
    if expires_at <= timezone.now():
        raise ValidationError({"expires_at": "Choose an expiry in the future."})
    if max_uses is not None and max_uses < 1:
        raise ValidationError({"max_uses": "Leave empty for unlimited, or use at least 1."})
    invite = InviteCode.objects.create(cohort=cohort, expires_at=expires_at, max_uses=max_uses)
    audit("invite_code_created", by=by, school=cohort.school)
    return invite


@transaction.atomic
def revoke_invite_code(*, invite: InviteCode, by) -> InviteCode:
    """Stop a code working at once (it leaked, say); who joined with it stays."""
    school = invite.cohort.school
    require_admin_of(by, school)
    if invite.revoked_at is None:
        invite.revoked_at = timezone.now()
        invite.save(update_fields=["revoked_at"])
        audit("invite_code_revoked", by=by, school=school)
    return invite


# Staff ----------------------------------------------------------------------------------------


def invitation_token(invitation: StaffInvitation) -> str:
    return signing.dumps(invitation.pk, salt=INVITATION_SALT)


def invitation_for_token(token: str) -> StaffInvitation | None:
    try:
        pk = signing.loads(token, salt=INVITATION_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(pk, int):
        return None
    return StaffInvitation.objects.select_related("school").filter(pk=pk).first()


def account_exists(email: str) -> bool:
    return get_user_model().objects.filter(email__iexact=email).exists()


def invitation_link(invitation: StaffInvitation) -> str:
    return settings.SITE_URL + reverse("staff_invitation", args=[invitation_token(invitation)])


def send_staff_invitation(invitation_id: int) -> bool:
    """Email the invitation's link (run by the task queue); nothing once it is no longer
    pending (revoked or accepted in the meantime)."""
    invitation = StaffInvitation.objects.select_related("school").filter(pk=invitation_id).first()
    if invitation is None or not invitation.is_pending:
        return False
    role = invitation.get_role_display().lower()
    body = (
        f"You have been invited to Well-Rounded as {role} at {invitation.school.name}.\n\n"
        f"Accept the invitation (the link works once, until "
        f"{invitation.expires_at:%d %b %Y}):\n{invitation_link(invitation)}\n\n"
        "Staff see only anonymous totals for groups of students, never one student's answers. "
        "You will be asked to set up an authenticator app when you first sign in.\n\n"
        "If you did not expect this email, ignore it: nothing happens unless you accept.\n"
    )
    EmailMessage(
        f"Your invitation to {invitation.school.name} on Well-Rounded",
        body,
        to=[invitation.email],
    ).send()
    return True


def queue_invitation_email(invitation: StaffInvitation) -> None:
    from .tasks import send_staff_invitation_email

    invitation_id = invitation.pk
    transaction.on_commit(lambda: send_staff_invitation_email.enqueue(invitation_id))


def new_invitation(*, school: School, email: str, role: str) -> StaffInvitation:
    """Replace any pending invitation of `email` to `school` with a new one (not yet sent)."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": "Enter an email address."}) from None
    if role not in StaffRole.values:
        raise ValidationError({"role": "Choose one of the staff roles."})
    User = get_user_model()  # noqa: N806
    user = User.objects.filter(email__iexact=email).first()
    if user is not None and Enrollment.objects.filter(student=user).exists():
        raise ValidationError(
            {"email": "This address belongs to a student, and a student cannot be staff."}
        )
    if user is not None and StaffMembership.objects.filter(user=user, school=school).exists():
        raise ValidationError({"email": f"{email} is already on your school's staff."})
    now = timezone.now()
    StaffInvitation.objects.filter(
        school=school, email=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    return StaffInvitation.objects.create(
        school=school,
        email=email,
        role=role,
        created_at=now,
        expires_at=now + timedelta(days=INVITATION_DAYS),
    )


@transaction.atomic
def invite_staff(*, school: School, email: str, role: str, by) -> StaffInvitation:
    """Invite `email` to take `role` at `school`: an email with a one-time link follows."""
    require_admin_of(by, school)
    invitation = new_invitation(school=school, email=email, role=role)
    audit("staff_invited", by=by, school=school)
    queue_invitation_email(invitation)
    return invitation


@transaction.atomic
def revoke_staff_invitation(*, invitation: StaffInvitation, by) -> StaffInvitation:
    require_admin_of(by, invitation.school)
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit("staff_invitation_revoked", by=by, school=invitation.school)
    return invitation


@transaction.atomic
def accept_staff_invitation(
    *, invitation: StaffInvitation, user=None, password: str | None = None
) -> StaffMembership:
    """Give the invited address its role: for the signed-in `user` of that address, or for a
    new account with `password`. The link proved the address, so it counts as verified."""
    locked = StaffInvitation.objects.select_for_update().get(pk=invitation.pk)
    if problem := locked.problem():
        raise ValidationError(problem)
    if user is not None and user.email.lower() != locked.email:
        raise ValidationError(
            f"This invitation is for {locked.email}. Sign out, then open the link again."
        )
    if user is None and account_exists(locked.email):
        raise ValidationError("An account with this address exists: sign in to accept.")
    membership = add_staff_member(
        school=locked.school, email=locked.email, role=locked.role, password=password
    )
    locked.accepted_at = timezone.now()
    locked.save(update_fields=["accepted_at"])
    audit("staff_joined", by=membership.user, school=locked.school)
    return membership


@transaction.atomic
def remove_staff_member(*, membership: StaffMembership, by) -> None:
    """Take a staff role away (the account stays, with no role). The last administrator
    cannot be removed: nobody could then manage the school."""
    school = membership.school
    require_admin_of(by, school)
    # Locked so two administrators removing each other at once cannot leave none.
    admins = list(
        StaffMembership.objects.select_for_update()
        .filter(school=school, role=StaffRole.SCHOOL_ADMIN)
        .values_list("pk", flat=True)
    )
    if membership.role == StaffRole.SCHOOL_ADMIN and admins == [membership.pk]:
        raise ValidationError(
            "This is your school's only administrator. Invite another administrator first."
        )
    membership.delete()
    audit("staff_removed", by=by, school=school)


# The school's settings ------------------------------------------------------------------------


@transaction.atomic
def change_school_settings(*, school: School, min_cell_size: int, timezone_name: str, by) -> School:
    """Raise K (never lower it: published figures were checked against the old value, and a
    lower K would show cells that were withheld) and set the school's time zone."""
    require_admin_of(by, school)
    locked = School.objects.select_for_update().get(pk=school.pk)
    errors = {}
    if min_cell_size < locked.min_cell_size:
        errors["min_cell_size"] = (
            f"The minimum group size can only be raised: it is {locked.min_cell_size} now, and "
            "figures already published were withheld or shown against it."
        )
    elif min_cell_size > MAX_CELL_SIZE:
        errors["min_cell_size"] = (
            f"Choose at most {MAX_CELL_SIZE}: a larger group hides nearly all figures."
        )
    try:
        timezone_name = validate_timezone(timezone_name)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    changed = []
    if min_cell_size != locked.min_cell_size:
        locked.min_cell_size = min_cell_size
        changed.append("min_cell_size")
    if timezone_name != locked.timezone:
        locked.timezone = timezone_name
        changed.append("timezone")
    if changed:
        locked.save(update_fields=changed)
        audit("school_settings_changed", by=by, school=locked)
    school.min_cell_size, school.timezone = locked.min_cell_size, locked.timezone
    return school


# The operator's part --------------------------------------------------------------------------


@transaction.atomic
def create_school(
    *, name: str, slug: str, timezone_name: str, admin_email: str
) -> tuple[School, StaffInvitation]:
    """A new school and an invitation for its first administrator (the operator's only part)."""
    timezone_name = validate_timezone(timezone_name)
    if School.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": f"A school with the slug {slug!r} exists already."})
    school = School(name=name.strip(), slug=slug, timezone=timezone_name)
    school.full_clean()
    school.save()
    invitation = new_invitation(school=school, email=admin_email, role=StaffRole.SCHOOL_ADMIN)
    audit("school_created", by=None, school=school)
    queue_invitation_email(invitation)
    return school, invitation
