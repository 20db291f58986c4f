"""Exams from the planner show up in the student's insights (and only their own)."""

from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse

from insights.charts import line_chart
from insights.tests.factories import add_checkins
from planner import services
from schools.selectors import enrollment_for

pytestmark = pytest.mark.django_db


def test_chart_marks_days_inside_its_range_only():
    day = datetime(2026, 11, 2).date()
    points = [(day + timedelta(days=i), 3.0) for i in range(10)]
    svg = line_chart(points, y_min=1, y_max=5, label="Mood", marks=[day + timedelta(days=4)])
    outside = line_chart(points, y_min=1, y_max=5, label="Mood", marks=[day - timedelta(days=9)])
    assert svg.count('class="chart-mark"') == 1 and "chart-mark" not in outside


def test_insights_mark_my_exam_days(client, student):
    today = enrollment_for(student).school.today()
    add_checkins(student, days=20)
    exam_day = today - timedelta(days=5)
    zone = services.zone_of(student)
    services.add_event(
        student=student,
        kind="exam",
        starts_at=datetime.combine(exam_day, time(8), zone),
        ends_at=datetime.combine(exam_day, time(12), zone),
    )
    client.force_login(student)

    html = client.get(reverse("insights")).content.decode()

    assert f"Dashed lines mark exam days from your planner: {exam_day.day} {exam_day:%b}" in html
    assert html.count('class="chart-mark"') == 5  # one per trend chart


def test_a_classmates_exams_never_mark_my_insights(client, student, classmate):
    today = enrollment_for(student).school.today()
    add_checkins(student, days=20)
    zone = services.zone_of(classmate)
    exam_day = today - timedelta(days=5)
    services.add_event(
        student=classmate,
        kind="exam",
        starts_at=datetime.combine(exam_day, time(8), zone),
        ends_at=datetime.combine(exam_day, time(12), zone),
    )
    client.force_login(student)

    html = client.get(reverse("insights")).content.decode()

    assert "chart-mark" not in html and "exam days from your planner" not in html


def test_exam_days_are_in_the_students_own_planner_zone(client, student):
    """An exam at 08:00 in Auckland is the day before in the school's New York: the mark is
    on the student's own day."""
    today = enrollment_for(student).school.today()
    add_checkins(student, days=20)
    services.update_prefs(student=student, timezone="Pacific/Auckland")
    zone = services.zone_of(student)
    exam_day = today - timedelta(days=5)
    services.add_event(
        student=student,
        kind="exam",
        starts_at=datetime.combine(exam_day, time(8), zone),
        ends_at=datetime.combine(exam_day, time(12), zone),
    )
    client.force_login(student)

    html = client.get(reverse("insights")).content.decode()

    assert f"exam days from your planner: {exam_day.day} {exam_day:%b}" in html
