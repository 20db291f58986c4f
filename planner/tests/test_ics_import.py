"""Importing .ics calendars: recurrences, time zones, all-day exams, bad and huge input."""

import time as time_module
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from planner import services
from planner.ics import MAX_BYTES, CalendarError, kind_of
from planner.models import ScheduleEvent

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 23)
NY = ZoneInfo("America/New_York")


def calendar(*events: str) -> str:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
        + "".join(events)
        + ("END:VCALENDAR\r\n")
    )


def event(uid: str, start: str, end: str, summary: str, *extra: str) -> str:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        "DTSTAMP:20261101T000000Z",
        f"DTSTART{start}",
        f"DTEND{end}",
        f"SUMMARY:{summary}",
        *extra,
        "END:VEVENT",
    ]
    return "\r\n".join(lines) + "\r\n"


def test_weekly_shifts_expand_with_exdate_and_a_moved_occurrence(student):
    data = calendar(
        event(
            "ward@x", ";TZID=America/New_York:20261123T060000",
            ";TZID=America/New_York:20261123T170000", "Ward shift",
            "RRULE:FREQ=WEEKLY;BYDAY=MO,TU;COUNT=6",
            "EXDATE;TZID=America/New_York:20261124T060000",
        ),
        event(
            "ward@x", ";TZID=America/New_York:20261130T080000",
            ";TZID=America/New_York:20261130T190000", "Ward shift (late)",
            "RECURRENCE-ID;TZID=America/New_York:20261130T060000",
        ),
    )  # fmt: skip

    result = services.import_calendar(student=student, data=data, today=TODAY)

    assert result == {"added": 5, "updated": 0, "removed": 0, "removed_blocks": 0}
    starts = [e.starts_at.astimezone(NY) for e in ScheduleEvent.objects.filter(student=student)]
    assert datetime(2026, 11, 24, 6, tzinfo=NY) not in starts  # the EXDATE
    assert datetime(2026, 11, 30, 8, tzinfo=NY) in starts  # the moved one
    assert {e.kind for e in ScheduleEvent.objects.all()} == {"shift"}


def test_other_time_zones_are_converted_to_the_students(student):
    data = calendar(
        event("call@x", ":20261125T120000Z", ":20261126T120000Z", "24h call"),
        event("c@x", ";TZID=Europe/London:20261127T090000",
              ";TZID=Europe/London:20261127T100000", "Lecture"),
    )  # fmt: skip

    services.import_calendar(student=student, data=data, today=TODAY)

    call, lecture = ScheduleEvent.objects.order_by("starts_at")
    assert call.kind == "call" and call.starts_at.astimezone(NY).hour == 7
    assert lecture.kind == "class" and lecture.starts_at.astimezone(NY).hour == 4


def test_an_all_day_exam_is_a_working_day_on_that_date(student):
    data = calendar(event("exam@x", ";VALUE=DATE:20261204", ";VALUE=DATE:20261205", "Shelf exam"))

    services.import_calendar(student=student, data=data, today=TODAY)

    exam = ScheduleEvent.objects.get()
    assert exam.kind == "exam" and exam.all_day
    assert exam.starts_at.astimezone(NY) == datetime.combine(date(2026, 12, 4), time(8), NY)


def test_reimporting_updates_instead_of_duplicating(student):
    first = calendar(event("s@x", ":20261125T110000Z", ":20261125T200000Z", "Clinic shift"))
    moved = calendar(event("s@x", ":20261125T120000Z", ":20261125T210000Z", "Clinic shift"))

    services.import_calendar(student=student, data=first, today=TODAY)
    result = services.import_calendar(student=student, data=moved, today=TODAY)

    assert result["added"] == 0 and result["updated"] == 1 and result["removed"] == 0
    assert ScheduleEvent.objects.get().starts_at.hour == 12


def test_the_summary_is_not_stored(student):
    data = calendar(event("s@x", ":20261125T110000Z", ":20261125T200000Z", "Dr Secretname clinic"))
    services.import_calendar(student=student, data=data, today=TODAY)
    assert "Secretname" not in str(list(ScheduleEvent.objects.values()))


@pytest.mark.parametrize(
    "data",
    [b"not a calendar at all", b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:garbage\r\n", b""],
)
def test_a_malformed_file_is_refused_with_a_clear_message(student, data):
    with pytest.raises(CalendarError, match="calendar"):
        services.import_calendar(student=student, data=data, today=TODAY)
    assert not ScheduleEvent.objects.exists()


def test_a_file_over_one_megabyte_is_refused(student):
    data = calendar(event("a@x", ":20261125T110000Z", ":20261125T200000Z", "x" * MAX_BYTES))
    with pytest.raises(CalendarError, match="larger than 1 MB"):
        services.import_calendar(student=student, data=data, today=TODAY)


def test_too_many_events_after_expansion_is_refused_and_nothing_is_saved(student):
    data = calendar(
        event(
            "m@x", ":20261123T100000Z", ":20261123T101000Z", "Lecture",
            "RRULE:FREQ=HOURLY;COUNT=100000",
        )
    )  # fmt: skip
    with pytest.raises(CalendarError, match="more than 2000 events"):
        # The occurrence budget, not the time budget (a busy machine may hit that first).
        services.import_calendar(student=student, data=data, today=TODAY, seconds=30)
    assert not ScheduleEvent.objects.exists()


def test_overlapping_shifts_are_refused_naming_both_and_nothing_is_saved(student):
    data = calendar(
        event("a@x", ":20261125T110000Z", ":20261125T200000Z", "Ward shift"),
        event("b@x", ":20261125T190000Z", ":20261126T070000Z", "Night float"),
        event("c@x", ":20261127T110000Z", ":20261127T200000Z", "Ward shift"),
    )
    with pytest.raises(ValidationError) as refused:
        services.import_calendar(student=student, data=data, today=TODAY)
    message = " ".join(refused.value.messages)
    assert "night float on Wed 25 Nov 14:00" in message and "shift on Wed 25 Nov 06:00" in message
    assert not ScheduleEvent.objects.exists()


def test_an_exam_may_overlap_a_class(student):
    data = calendar(
        event("a@x", ":20261125T140000Z", ":20261125T160000Z", "Lecture"),
        event("b@x", ":20261125T150000Z", ":20261125T170000Z", "Exam"),
    )
    assert services.import_calendar(student=student, data=data, today=TODAY)["added"] == 2


def test_the_committed_sample_file_imports(student):
    with open("e2e/data/call_week.ics", "rb") as sample:
        result = services.import_calendar(student=student, data=sample.read(), today=TODAY)
    kinds = set(ScheduleEvent.objects.values_list("kind", flat=True))
    assert result["added"] > 10 and kinds == {"shift", "call", "exam"}


@pytest.mark.parametrize(
    "rule, message",
    [
        ("RRULE:FREQ=SECONDLY", "every second or minute"),
        ("RRULE:FREQ=MINUTELY;COUNT=50000", "every second or minute"),
        ("RRULE:FREQ=HOURLY", "every hour without end"),
        ("RRULE:FREQ=DAILY;BYMINUTE=0,10,20,30,40,50;BYHOUR=8,9,10,11,12", "more than 24 times"),
        ("RRULE:FREQ=DAILY;BYSECOND=" + ",".join(map(str, range(60))), "more than 24 times"),
    ],
)
def test_an_exploding_repeat_rule_is_refused_quickly(student, rule, message):
    """A 300-byte SECONDLY rule once expanded to 12 GB before the event limit was checked."""
    data = calendar(event("s@x", ":20261123T100000Z", ":20261123T100001Z", "Lecture", rule))
    started = time_module.perf_counter()
    with pytest.raises(CalendarError, match=message):
        services.import_calendar(student=student, data=data, today=TODAY)
    assert time_module.perf_counter() - started < 1
    assert not ScheduleEvent.objects.exists()


def test_an_endless_daily_series_stops_at_the_horizon(student):
    data = calendar(event("d@x", ":20200101T140000Z", ":20200101T150000Z", "Lecture",
                          "RRULE:FREQ=DAILY"))  # fmt: skip
    assert services.import_calendar(student=student, data=data, today=TODAY)["added"] == 120


def test_cancelled_and_free_events_are_not_busy(student):
    data = calendar(
        event("a@x", ":20261125T110000Z", ":20261125T200000Z", "Ward shift", "STATUS:CANCELLED"),
        event("b@x", ":20261126T110000Z", ":20261126T200000Z", "Ward shift", "TRANSP:TRANSPARENT"),
        event("c@x", ":20261127T110000Z", ":20261127T200000Z", "Ward shift", "STATUS:CONFIRMED"),
    )
    assert services.import_calendar(student=student, data=data, today=TODAY)["added"] == 1
    assert ScheduleEvent.objects.get().starts_at.day == 27


def test_a_multi_day_rotation_is_context_and_a_two_day_exam_is_two_working_days(student):
    data = calendar(
        event("rot@x", ";VALUE=DATE:20261130", ";VALUE=DATE:20261219", "Surgery clerkship"),
        event("w@x", ":20261201T110000Z", ":20261201T230000Z", "Ward shift"),
        event("osce@x", ";VALUE=DATE:20261210", ";VALUE=DATE:20261212", "OSCE"),
    )

    result = services.import_calendar(student=student, data=data, today=TODAY)

    assert result["added"] == 3
    exams = ScheduleEvent.objects.filter(kind="exam").order_by("starts_at")
    assert [e.starts_at.astimezone(NY).date() for e in exams] == [date(2026, 12, 10),
                                                                  date(2026, 12, 11)]  # fmt: skip
    assert all(e.ends_at.astimezone(NY).hour == 17 for e in exams)


@pytest.mark.parametrize(
    "summary, kind",
    [
        ("Recall session", "other"),
        ("Latest updates", "other"),
        ("Journal club contest", "other"),
        ("Award ceremony", "other"),
        ("Walk toward the river", "other"),
        ("Night call", "call"),
        ("Ward shift", "shift"),
        ("Shelf exam", "exam"),
        ("Step 1 practice test", "exam"),
    ],
)
def test_kinds_are_guessed_from_whole_words(summary, kind):
    assert kind_of(summary) == kind


def test_reimporting_removes_occurrences_gone_from_the_file(student):
    """An EXDATE added (or an occurrence deleted) in the source disappears on re-import."""
    weekly = ("ward@x", ";TZID=America/New_York:20261123T060000",
              ";TZID=America/New_York:20261123T170000", "Ward shift",
              "RRULE:FREQ=WEEKLY;COUNT=4")  # fmt: skip
    services.import_calendar(student=student, data=calendar(event(*weekly)), today=TODAY)
    manual = services.add_event(
        student=student,
        kind="class",
        starts_at=datetime(2026, 12, 1, 9, tzinfo=NY),
        ends_at=datetime(2026, 12, 1, 10, tzinfo=NY),
    )

    again = calendar(event(*weekly, "EXDATE;TZID=America/New_York:20261130T060000"))
    result = services.import_calendar(student=student, data=again, today=TODAY)

    assert result["removed"] == 1 and result["updated"] == 3
    starts = {e.starts_at.astimezone(NY).date() for e in ScheduleEvent.objects.filter(uid="ward@x")}
    assert date(2026, 11, 30) not in starts and len(starts) == 3
    assert ScheduleEvent.objects.filter(pk=manual.pk).exists()  # other sources untouched
