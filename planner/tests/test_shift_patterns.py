"""A student's own shift patterns (issue #22): saved once, applied to any dates, private."""

import io
import json
import zipfile
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.urls import reverse

from planner import selectors, services
from planner.models import ScheduleEvent, ShiftPattern

from .factories import next_monday

pytestmark = pytest.mark.django_db

NIGHTS = {
    "own-name": "Nights",
    "own-starts": "19:00",
    "own-ends": "07:30",
    "own-weekdays": ["0", "1", "2", "3"],
}


def test_a_night_pattern_is_saved_and_fills_dates_across_midnight(client, student):
    monday = next_monday(student)
    zone = services.zone_of(student)
    client.force_login(student)

    saved = client.post(reverse("planner_pattern_add"), NIGHTS)
    pattern = ShiftPattern.objects.get(student=student)
    page = client.get(reverse("planner_schedule")).content.decode()
    applied = client.post(
        reverse("planner_schedule_template"),
        {
            "pattern-template": f"own-{pattern.pk}",
            "pattern-first_day": monday,
            "pattern-last_day": monday + timedelta(days=13),
        },
    )

    assert saved.status_code == 302 and applied.status_code == 302
    assert pattern.weekday_numbers == (0, 1, 2, 3) and pattern.crosses_midnight
    assert f'value="own-{pattern.pk}"' in page and "Nights: 19:00–07:30 Mon Tue Wed Thu" in page
    events = list(ScheduleEvent.objects.filter(student=student))
    assert len(events) == 8
    for event in events:
        start, end = event.starts_at.astimezone(zone), event.ends_at.astimezone(zone)
        assert start.weekday() in (0, 1, 2, 3) and start.time() == time(19)
        assert end.date() == start.date() + timedelta(days=1) and end.time() == time(7, 30)
        assert event.kind == "shift" and event.source == "template"


def test_a_night_across_the_clock_change_still_ends_at_07_30(student):
    pattern = services.add_pattern(
        student=student, name="Nights", starts=time(19), ends=time(7, 30), weekdays=[5]
    )
    services.update_prefs(student=student, timezone="America/New_York")
    saturday = date(2026, 10, 31)  # clocks go back in New York that night

    with_clock_change = services.own_templates(student)[0].span_on(
        saturday, services.zone_of(student)
    )

    start, end = with_clock_change
    assert (start.hour, end.hour, end.minute) == (19, 7, 30)
    lived = end.astimezone(UTC) - start.astimezone(UTC)
    assert lived == timedelta(hours=13, minutes=30)  # 12.5 h on the wall, 13.5 h lived
    assert pattern.name == "Nights"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"own-name": "  "}, "name", "Give the pattern a name"),
        ({"own-ends": "19:00"}, "ends", "must end at another time"),
        ({"own-starts": "25:00"}, "starts", "Enter a valid time"),
        ({"own-weekdays": []}, "weekdays", "at least one day"),
        ({"own-weekdays": ["7"]}, "weekdays", "Select a valid choice"),
    ],
)
def test_a_bad_pattern_is_refused_next_to_its_field(client, student, change, field, message):
    client.force_login(student)

    response = client.post(reverse("planner_pattern_add"), {**NIGHTS, **change})

    assert response.status_code == 200
    form = response.context["pattern_form"]
    assert any(message in error for error in form.errors[field]), form.errors
    assert 'class="error-summary"' in response.content.decode()
    assert not ShiftPattern.objects.exists()


def test_two_patterns_cannot_share_a_name(client, student):
    client.force_login(student)
    client.post(reverse("planner_pattern_add"), NIGHTS)

    response = client.post(reverse("planner_pattern_add"), {**NIGHTS, "own-name": "nights"})

    assert "already have a pattern with that name" in response.content.decode()
    assert ShiftPattern.objects.count() == 1


def test_a_classmate_can_neither_apply_nor_delete_my_pattern(client, student, classmate):
    mine = services.add_pattern(
        student=student, name="Nights", starts=time(19), ends=time(7, 30), weekdays=[0]
    )
    monday = next_monday(student)
    client.force_login(classmate)

    applied = client.post(
        reverse("planner_schedule_template"),
        {
            "pattern-template": f"own-{mine.pk}",
            "pattern-first_day": monday,
            "pattern-last_day": monday + timedelta(days=6),
        },
    )
    deleted = client.post(reverse("planner_pattern_delete", args=[mine.pk]))

    assert applied.status_code == 200 and "Select a valid choice" in applied.content.decode()
    assert deleted.status_code == 404
    assert not ScheduleEvent.objects.exists() and ShiftPattern.objects.filter(pk=mine.pk).exists()
    with pytest.raises(Exception, match="Choose one of the shift patterns"):
        services.add_template(
            student=classmate, template=f"own-{mine.pk}", first_day=monday, last_day=monday
        )


def test_deleting_a_pattern_keeps_the_shifts_added_from_it(client, student):
    pattern = services.add_pattern(
        student=student, name="Early", starts=time(5, 30), ends=time(14), weekdays=[0, 2]
    )
    monday = next_monday(student)
    services.add_template(
        student=student,
        template=f"own-{pattern.pk}",
        first_day=monday,
        last_day=monday + timedelta(days=6),
    )
    client.force_login(student)

    response = client.post(reverse("planner_pattern_delete", args=[pattern.pk]))

    assert response.status_code == 302
    assert not ShiftPattern.objects.exists() and ScheduleEvent.objects.count() == 2


def test_my_patterns_are_in_my_export_and_go_with_my_account(client, student, classmate):
    for user, name in ((student, "Nights"), (classmate, "Clinic")):
        services.add_pattern(
            student=user, name=name, starts=time(19), ends=time(7, 30), weekdays=[0, 4]
        )
    client.force_login(student)

    archive = zipfile.ZipFile(io.BytesIO(client.post(reverse("export_my_data")).content))

    patterns = json.loads(archive.read("planner_patterns.json"))
    assert patterns == [
        {
            "name": "Nights",
            "starts": "19:00:00",
            "ends": "07:30:00",
            "weekdays": [0, 4],
            "created_at": patterns[0]["created_at"],
        }
    ]
    student.delete()
    assert list(ShiftPattern.objects.values_list("name", flat=True)) == ["Clinic"]


def test_a_pattern_and_its_shift_shape_the_proposal(student):
    """An early shift from a pattern: the night before ends an hour before it, unwarned."""
    pattern = services.add_pattern(
        student=student, name="Early", starts=time(5, 30), ends=time(14), weekdays=[0]
    )
    monday = next_monday(student)
    services.add_template(
        student=student, template=f"own-{pattern.pk}", first_day=monday, last_day=monday
    )
    zone = services.zone_of(student)

    week = selectors.week_view(student, monday - timedelta(days=7))
    sunday = week.days[-1]
    sleep = next(b for b in sunday.blocks if b.kind == "sleep")

    assert sleep.end <= datetime.combine(monday, time(4, 30), tzinfo=zone)
    assert sleep.minutes == 450
    assert not any("Sun" in w and "sleep" in w for w in week.warnings)
