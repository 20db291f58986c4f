from datetime import date

import pytest
from django.contrib.auth import get_user_model

from lib.dates import week_of
from planner.demo import generate_demo_schedules
from planner.models import ProtectedBlock, ScheduleEvent
from schools.demo import DEMO_DOMAIN, create_demo_school

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 25)


def test_demo_students_get_schedules_and_the_login_student_a_planned_week():
    demo = create_demo_school(students=40, days=30, seed=3, today=TODAY)

    generate_demo_schedules(demo)

    assert ScheduleEvent.objects.values("student").distinct().count() >= 30
    login = get_user_model().objects.get(email=f"student@{DEMO_DOMAIN}")
    monday = week_of(TODAY)
    kinds = set(
        ScheduleEvent.objects.filter(student=login, starts_at__date__gte=monday).values_list(
            "kind", flat=True
        )
    )
    assert {"shift", "call", "exam"} <= kinds
    assert ProtectedBlock.objects.filter(student=login, state="accepted").count() > 10
