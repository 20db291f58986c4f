from datetime import date
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from .models import Enrollment, Placement, StaffMembership


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
