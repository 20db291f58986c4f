"""A calendar is read outside any transaction and within a hard time budget, then written in
one short transaction: however a file's rules are written, it cannot hold a worker or the
database's write lock (issue #16)."""

import threading
from datetime import date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from checkins.models import CheckIn
from checkins.services import record_checkin
from planner import ics, services
from planner.models import ScheduleEvent

from .test_ics_import import calendar, event

TODAY = date(2026, 11, 23)
CHECK_IN = {
    "mood": 4, "stress": 3, "energy": 2, "sleep_hours": "7", "sleep_quality": 3,
    "loneliness": 3, "purpose": 4,
}  # fmt: skip
# 234 bytes that took 23 s to read: a daily series from 1960, walked from its first day.
SINCE_1960 = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:old@x\r\n"
    "DTSTAMP:20260101T000000Z\r\nDTSTART;VALUE=DATE:19600304\r\nRRULE:FREQ=DAILY\r\n"
    "SUMMARY:Exam\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


@pytest.mark.django_db
def test_a_series_begun_decades_ago_costs_only_its_occurrences_in_the_window(student):
    result = services.import_calendar(student=student, data=SINCE_1960, today=TODAY)

    assert result["added"] == ics.HORIZON_DAYS  # one working day each day of the window
    first = ScheduleEvent.objects.filter(student=student).earliest("starts_at")
    assert first.starts_at.date() == TODAY


def never_finishes(*args, **kwargs):
    threading.Event().wait()


@pytest.mark.django_db
def test_a_calendar_that_cannot_be_read_in_time_is_stopped_and_nothing_is_written(
    student, monkeypatch
):
    monkeypatch.setattr(ics, "parse_calendar", never_finishes)  # the child inherits it

    with pytest.raises(ics.CalendarError, match="too complex"):
        services.import_calendar(student=student, data=SINCE_1960, today=TODAY, seconds=0.3)
    assert not ScheduleEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_check_in_never_waits_for_a_calendar_being_read(student, classmate, monkeypatch):
    """While one student's calendar is being read, another checks in with a lock timeout
    of 1 s: had the import taken the write lock first, that check-in would fail."""
    outcome = {}
    read = ics.parse_within_budget

    def check_in():
        try:
            if connection.vendor == "sqlite":
                options = {**connection.settings_dict["OPTIONS"], "timeout": 1}
                connection.settings_dict = {**connection.settings_dict, "OPTIONS": options}
            record_checkin(student=classmate, values=CHECK_IN)
            outcome["checked_in"] = True
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            outcome["error"] = error
        finally:
            connection.close()

    def read_while_a_classmate_checks_in(*args, **kwargs):
        outcome["in_transaction"] = connection.in_atomic_block
        writer = threading.Thread(target=check_in)
        writer.start()
        writer.join()
        return read(*args, **kwargs)

    monkeypatch.setattr(ics, "parse_within_budget", read_while_a_classmate_checks_in)
    data = calendar(
        event("a@x", ":20261124T080000Z", ":20261124T170000Z", "Ward shift"),
        event("b@x", ":20261125T080000Z", ":20261125T080000Z", "Deadline"),  # zero length
    )

    result = services.import_calendar(student=student, data=data, today=TODAY)

    assert outcome == {"in_transaction": False, "checked_in": True}
    assert CheckIn.objects.filter(student=classmate).exists()
    assert result["added"] == 1


@pytest.mark.django_db
def test_events_without_an_end_follow_rfc_5545(student):
    data = calendar(
        "BEGIN:VEVENT\r\nUID:exam@x\r\nDTSTAMP:20261101T000000Z\r\n"
        "DTSTART;VALUE=DATE:20261124\r\nSUMMARY:Shelf exam\r\nEND:VEVENT\r\n",
        "BEGIN:VEVENT\r\nUID:due@x\r\nDTSTAMP:20261101T000000Z\r\n"
        "DTSTART:20261125T170000Z\r\nSUMMARY:Essay due\r\nEND:VEVENT\r\n",
        event("zero@x", ":20261126T090000Z", ":20261126T090000Z", "Reminder"),
        "BEGIN:VEVENT\r\nUID:nostart@x\r\nSUMMARY:Clinic\r\nEND:VEVENT\r\n",
    )

    result = services.import_calendar(student=student, data=data, today=TODAY)

    # The DATE start lasts its day (an exam: a working day); the point in time, the zero-
    # length reminder and the event with no start carry no busy time and are skipped.
    assert result["added"] == 1
    exam = ScheduleEvent.objects.get(student=student)
    assert exam.uid == "exam@x" and exam.all_day


@pytest.mark.django_db
def test_a_nul_character_in_a_uid_is_not_stored(student):
    data = calendar(event("a\x00b@x", ":20261124T080000Z", ":20261124T170000Z", "Ward shift"))

    services.import_calendar(student=student, data=data, today=TODAY)

    assert ScheduleEvent.objects.get(student=student).uid == "ab@x"


def test_the_budget_reads_calendars_in_a_child_and_returns_typed_occurrences():
    data = calendar(event("a@x", ":20261124T080000Z", ":20261124T170000Z", "Ward shift"))

    [occurrence] = ics.parse_within_budget(data, ics.ZoneInfo("UTC"), TODAY)

    assert occurrence.uid == "a@x" and isinstance(occurrence.start, datetime)


@pytest.mark.django_db
def test_reimporting_an_unchanged_calendar_writes_no_rows(student):
    data = calendar(
        event("a@x", ":20261124T080000Z", ":20261124T170000Z", "Ward shift"),
        event("b@x", ":20261125T080000Z", ":20261125T170000Z", "Ward shift"),
    )
    services.import_calendar(student=student, data=data, today=TODAY)

    with CaptureQueriesContext(connection) as queries:
        again = services.import_calendar(student=student, data=data, today=TODAY)

    assert again["updated"] == 2 and again["added"] == 0
    writes = [q["sql"] for q in queries if q["sql"].startswith(("UPDATE", "INSERT", "DELETE"))]
    assert not [w for w in writes if "planner_scheduleevent" in w]
