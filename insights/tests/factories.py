from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from checkins.models import CheckIn
from schools.models import Rotation
from schools.selectors import enrollment_for

BASE = {
    "mood": 3,
    "stress": 3,
    "energy": 3,
    "sleep_hours": Decimal("7.0"),
    "sleep_quality": 3,
    "loneliness": 2,
    "purpose": 4,
}


def add_checkins(
    student,
    *,
    days: int,
    end: date | None = None,
    rotation: str | None = "surgery",
    values: Callable[[int, date], dict] = lambda i, day: {},
) -> list[CheckIn]:
    """`days` consecutive check-ins ending on `end` (default today); `values(i, day)` overrides."""
    enrollment = enrollment_for(student)
    end = end or enrollment.school.today()
    rotation_row = Rotation.objects.get(slug=rotation) if rotation else None
    rows = []
    for i in range(days):
        day = end - timedelta(days=days - 1 - i)
        rows.append(
            CheckIn(
                student=student,
                school=enrollment.school,
                day=day,
                rotation=rotation_row,
                **{**BASE, **values(i, day)},
            )
        )
    return CheckIn.objects.bulk_create(rows)
