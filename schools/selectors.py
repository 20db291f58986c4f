from datetime import date

from django.utils import timezone

from . import sql
from .models import Enrollment, Placement, StaffMembership


def enrollment_of(user) -> Enrollment | None:
    """The student's enrollment with its school and cohort: one plain statement, because every
    student page asks for it (see schools/sql.py)."""
    if not user.is_authenticated:
        return None
    found = sql.rows(
        Enrollment, "student_id = %s", [user.pk], related=["school", "cohort"], limit=1
    )
    return found[0] if found else None


def staff_memberships_of(user) -> list[StaffMembership]:
    if not user.is_authenticated:
        return []
    return list(StaffMembership.objects.select_related("school").filter(user=user))


def placement_on(student, day: date | None = None) -> Placement | None:
    day = day or timezone.localdate()
    return (
        Placement.objects.select_related("rotation")
        .filter(student=student, starts_on__lte=day, ends_on__gte=day)
        .first()
    )


def rotation_id_on(student, day: date) -> int | None:
    """The id of the rotation `student` is on on `day`, or None: what a check-in records, read
    with one plain statement because it is on every check-in's path (see schools/sql.py)."""
    found = sql.tuples(
        Placement,
        ["rotation"],
        "student_id = %s AND starts_on <= %s AND ends_on >= %s",
        [student.pk, *[sql.value(Placement, "starts_on", day)] * 2],
        order_by="starts_on",
    )
    return found[0][0] if found else None


def placements_of(student) -> list[Placement]:
    return list(Placement.objects.select_related("rotation").filter(student=student))
