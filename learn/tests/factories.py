from datetime import timedelta
from decimal import Decimal

from checkins.models import CheckIn
from learn.models import SchoolLesson
from schools.selectors import enrollment_for

CALM = {
    "mood": 4, "stress": 2, "energy": 4, "sleep_hours": Decimal("7.5"), "sleep_quality": 4,
    "loneliness": 2, "purpose": 4, "ate_well": True, "moved": True, "rested": True,
}  # fmt: skip


def checkins(student, days: int, **changes) -> list[CheckIn]:
    """`days` check-ins ending today: calm, except for `changes`."""
    enrollment = enrollment_for(student)
    today = enrollment.school.today()
    return CheckIn.objects.bulk_create(
        CheckIn(
            student=student,
            school=enrollment.school,
            day=today - timedelta(days=i),
            **{**CALM, **changes},
        )
        for i in range(days)
    )


def school_lesson(school, **fields) -> SchoolLesson:
    values = {
        "title": "Rest rooms at Riverside",
        "track": "boundaries-rest",
        "minutes": 3,
        "summary": "Where to rest on site.",
        "body": "## Rooms\n\nThe lounge on level 2.",
        "sources": "Riverside campus guide.\nA second source.",
    }
    return SchoolLesson.objects.create(school=school, **{**values, **fields})
