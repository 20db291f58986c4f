from datetime import date

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import Enrollment, InviteCode, Placement, Rotation, School, StaffMembership
from .placements import add_own_block
from .roster import refresh_verification

UNKNOWN_INVITE = "We don't recognise this invite code. Check it, or ask your school for one."


def usable_invite(code: str) -> InviteCode:
    """The invite for `code`, or a ValidationError that says what to do next."""
    normalized = (code or "").strip().upper().replace(" ", "").replace("-", "")
    invite = InviteCode.objects.select_related("cohort__school").filter(code=normalized).first()
    if invite is None:
        raise ValidationError(UNKNOWN_INVITE, code="unknown")
    if problem := invite.problem():
        raise ValidationError(problem, code="unusable")
    return invite


@transaction.atomic
def enroll_with_invite(*, student, code: str) -> Enrollment:
    """Put `student` in the cohort the invite code belongs to, counting the use."""
    invite = usable_invite(code)
    if Enrollment.objects.filter(student=student).exists():
        raise ValidationError("You already belong to a cohort.", code="enrolled")
    # Count the use atomically, and only while the code is still usable, so two sign-ups
    # racing for the last use of a limited code cannot both succeed.
    claimed = (
        InviteCode.objects.filter(
            pk=invite.pk,
            expires_at__gt=timezone.now(),
            revoked_at__isnull=True,
            cohort__archived_at__isnull=True,
        )
        .exclude(max_uses__isnull=False, uses__gte=F("max_uses"))
        .update(uses=F("uses") + 1)
    )
    if not claimed:
        raise ValidationError("This invite code has just been used up.", code="unusable")
    enrollment = Enrollment.objects.create(
        student=student, school=invite.cohort.school, cohort=invite.cohort
    )
    # In, but counted only once verified (see schools/roster.py): usually when the student
    # confirms their email, unless it was confirmed already.
    refresh_verification(enrollment)
    return enrollment


def add_placement(
    *, student, rotation: Rotation, starts_on: date, ends_on: date, site: str = ""
) -> Placement:
    """A block the student records themself (see schools/placements.py)."""
    return add_own_block(
        student=student, rotation=rotation, starts_on=starts_on, ends_on=ends_on, site=site
    )


@transaction.atomic
def add_staff_member(*, school: School, email: str, role: str, password: str | None = None):
    """Create (or reuse) the account for `email` and give it `role` at `school`.

    A staff account can never also be a student: staff must not appear in the aggregates
    they read, and a student must not gain a staff view of their classmates.
    """
    email = email.strip().lower()
    User = get_user_model()  # noqa: N806
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=password)
        if password is None:
            user.set_unusable_password()
            user.save(update_fields=["password"])
    elif Enrollment.objects.filter(student=user).exists():
        raise ValidationError("This account belongs to a student and cannot be given a staff role.")
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    membership, _ = StaffMembership.objects.update_or_create(
        user=user, school=school, defaults={"role": role}
    )
    return membership
