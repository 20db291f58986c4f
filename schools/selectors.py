from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from .models import (
    Cohort,
    Enrollment,
    Placement,
    RosterEntry,
    School,
    StaffMembership,
    StaffRole,
)


def enrollment_of(user) -> Enrollment | None:
    """The student's enrollment with its school and cohort. (A signed-in request has it in
    its session already: see accounts/identity.py.)"""
    if not user.is_authenticated:
        return None
    return Enrollment.objects.select_related("school", "cohort").filter(student=user).first()


def enrollment_for(student) -> Enrollment:
    """The student's enrollment with its school, for a service that writes a student's own
    rows: refused for anyone in no cohort."""
    enrollment = Enrollment.objects.select_related("school").filter(student=student).first()
    if enrollment is None:
        raise ValidationError("Only a student who has joined a cohort can record this.")
    return enrollment


def staff_memberships_of(user) -> list[StaffMembership]:
    if not user.is_authenticated:
        return []
    return list(StaffMembership.objects.select_related("school").filter(user=user).order_by("pk"))


def placement_on(student, day: date | None = None) -> Placement | None:
    day = day or timezone.localdate()
    return (
        Placement.objects.select_related("rotation")
        .filter(student=student, starts_on__lte=day, ends_on__gte=day)
        .first()
    )


class LockedEnrollment(NamedTuple):
    school_id: int
    cohort_id: int
    rotation_id: int | None  # the rotation the student is on on the day asked about


def lock_enrollment(student, *, day: date) -> LockedEnrollment | None:
    """Lock the student's enrollment until the transaction ends (every write of theirs that
    touches the rollups queues here), reading its school and cohort, and the rotation the
    student is on on `day`, in the same statement. None for a student in no cohort."""
    rotation = (
        Placement.objects.filter(student=OuterRef("student"), starts_on__lte=day, ends_on__gte=day)
        .order_by("starts_on")
        .values("rotation")[:1]
    )
    found = (
        Enrollment.objects.select_for_update()
        .filter(student=student)
        .annotate(rotation_on_day=Subquery(rotation))
        .values_list("school_id", "cohort_id", "rotation_on_day")
        .first()
    )
    return LockedEnrollment(*found) if found else None


def placements_of(student) -> list[Placement]:
    return list(Placement.objects.select_related("rotation").filter(student=student))


def verified_enrollments(
    school: School | None = None, cohort: Cohort | None = None
) -> QuerySet[Enrollment]:
    """The enrollments that count toward figures: roster- or identity-provider-verified (see
    schools/roster.py). Everything staff are shown counts from these, never `Enrollment.objects`."""
    enrollments = Enrollment.objects.filter(verified_at__isnull=False)
    if school is not None:
        enrollments = enrollments.filter(school=school)
    if cohort is not None:
        enrollments = enrollments.filter(cohort=cohort)
    return enrollments


def administered_school(user) -> School | None:
    """The school `user` is the administrator of, if any."""
    if not user.is_authenticated:
        return None
    membership = (
        StaffMembership.objects.select_related("school")
        .filter(user=user, role=StaffRole.SCHOOL_ADMIN)
        .first()
    )
    return membership.school if membership else None


# Counts of students on the roster page are shown in steps of this many, and hidden below the
# school's K: the administrator who edits the list must not learn, by taking one address off
# and looking again, whether that one student uses the app.
ROSTER_COUNT_STEP = 5


@dataclass(frozen=True)
class StudentCount:
    """A count of students as the roster page may show it: a range, or hidden below K."""

    value: int
    min_size: int

    @property
    def hidden(self) -> bool:
        return self.value < self.min_size

    def __str__(self) -> str:
        if self.hidden:
            return f"fewer than {self.min_size}"
        low = self.value - self.value % ROSTER_COUNT_STEP
        return f"{low}–{low + ROSTER_COUNT_STEP - 1}"


@dataclass(frozen=True)
class CohortRoster:
    cohort: Cohort
    entries: int  # the school's own list: exact
    signed_up: StudentCount
    verified: StudentCount


def roster_counts(school: School) -> list[CohortRoster]:
    """Per cohort: how many addresses the school listed, and, coarsely, how many students have
    joined and how many of them count. Never which ones."""
    entries = dict(
        RosterEntry.objects.filter(school=school)
        .values("cohort")
        .annotate(n=Count("pk"))
        .values_list("cohort", "n")
    )
    joined = {
        row["cohort"]: row
        for row in Enrollment.objects.filter(school=school)
        .values("cohort")
        .annotate(n=Count("pk"), verified=Count("pk", filter=Q(verified_at__isnull=False)))
    }
    k = school.min_cell_size
    return [
        CohortRoster(
            cohort=cohort,
            entries=entries.get(cohort.pk, 0),
            signed_up=StudentCount(joined.get(cohort.pk, {}).get("n", 0), k),
            verified=StudentCount(joined.get(cohort.pk, {}).get("verified", 0), k),
        )
        for cohort in Cohort.objects.filter(school=school)
    ]


def why_not_counted(enrollment: Enrollment) -> str:
    """For the student themself: what stands between them and counting ("" if they count).

    "email": their address is not confirmed; "other_cohort": the roster lists them in another
    cohort than the one they joined; "not_listed": the roster does not list them.
    """
    if enrollment.verified_at is not None:
        return ""
    address = EmailAddress.objects.filter(user_id=enrollment.student_id, primary=True).first()
    if address is None or not address.verified:
        return "email"
    listed = RosterEntry.objects.filter(
        school_id=enrollment.school_id, email=address.email.lower()
    ).first()
    if listed is not None and listed.cohort_id != enrollment.cohort_id:
        return "other_cohort"
    return "not_listed"
