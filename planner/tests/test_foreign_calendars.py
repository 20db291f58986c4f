"""Every test calendar shipped with icalendar and recurring-ical-events (e2e/data/ics, with
their licences) imports, each with "today" moved to its first event: none may fail with an
error, hang, or be refused unless it is not a valid calendar (issue #16)."""

from datetime import date, datetime
from pathlib import Path

import icalendar
import pytest

from planner import ics, services
from planner.models import ScheduleEvent

pytestmark = pytest.mark.django_db

FOLDER = Path(__file__).resolve().parents[2] / "e2e" / "data" / "ics"
# Single components (a VEVENT, a VALARM...) kept as fixtures, not calendars.
FRAGMENTS = ("alarms", "availabilities", "events", "freebusy", "journals", "timezones", "todos")
# Each refused file, and why it is not a valid calendar.
INVALID = {
    "icalendar/calendars/america_new_york_forward_reference.ics": "DTSTART twice in one event",
    "icalendar/calendars/pacific_fiji.ics": "DTSTART twice in one event",
    "icalendar/calendars/big_bad_calendar.ics": "malformed content lines",
    "icalendar/calendars/small_bad_calendar.ics": "malformed content lines",
    "icalendar/calendars/broken_dtstart.ics": "a DTSTART that is no date",
    "icalendar/calendars/issue_1081_invalid_start_and_end.ics": "a DTSTART that is no date",
    "icalendar/calendars/issue_1081_invalid_start_valid_end.ics": "a DTSTART that is no date",
    "icalendar/calendars/invalid_duration.ics": "a DURATION that is no duration",
    "icalendar/calendars/issue_1081_invalid_rrule_freq.ics": "an RRULE with an unknown FREQ",
    "icalendar/calendars/issue_165_missing_event.ics": "an RRULE with a malformed BYDAY",
    "recurring_ical_events/bad_rrule_missing_until_event.ics": "an RRULE with UNTL for UNTIL",
    "icalendar/calendars/parsing_error.ics": "an EXDATE that is no date",
    "icalendar/calendars/multiple_timezones.ics": "RDATE with VALUE=TIME (not allowed)",
    "icalendar/calendars/rfc_7529.ics": "RSCALE=CHINESE (RFC 7529), which no library expands",
    "icalendar/calendars/fuzz_testcase_0_char_in_component_name.ics": "fuzzer output",
    "icalendar/calendars/fuzz_testcase_invalid_month.ics": "fuzzer output",
    "icalendar/calendars/fuzz_testcase_vtimezone_lone_cr.ics": "fuzzer output",
    "icalendar/calendars/issue_104_broken_calendar.ics": "malformed content lines",
    "icalendar/calendars/parsing_error_in_UTC_offset.ics": "a malformed UTC offset",
    "icalendar/calendars/pr_480_summary_with_colon.ics": "no END:VCALENDAR",
    "icalendar/calendars/issue_178_component_with_invalid_name_represented.ics": "no VCALENDAR",
    "icalendar/calendars/issue_178_custom_component_contains_other.ics": "no VCALENDAR",
    "icalendar/calendars/issue_82_expected_output.ics": "a lone VEVENT, no VCALENDAR",
}


def name_of(path: Path) -> str:
    return path.relative_to(FOLDER).as_posix()


def first_day(data: bytes) -> date:
    """The first event's day, so the import window holds the file's events."""
    try:
        calendars = icalendar.Calendar.from_ical(data, multiple=True)
        starts = [e["DTSTART"].dt for c in calendars for e in c.walk("VEVENT") if "DTSTART" in e]
        days = [s.date() if isinstance(s, datetime) else s for s in starts]
    except Exception:  # noqa: BLE001 - an unreadable file is imported (and refused) anyway
        days = []
    return min(days, default=date(2026, 1, 1))


CALENDARS = sorted(FOLDER.rglob("*.ics"))


def test_the_vendored_calendars_are_all_there():
    assert len(CALENDARS) == 259
    assert (FOLDER / "icalendar" / "LICENSE.rst").exists()
    assert (FOLDER / "recurring_ical_events" / "LICENSE").exists()


def test_every_foreign_calendar_imports_or_is_refused_for_a_stated_reason(student):
    refused = {}
    for path in CALENDARS:
        data = path.read_bytes()
        try:
            # A generous budget: this is about what is read, not how fast a busy test
            # machine reads it (the budget itself is tested in test_import_budget.py).
            services.import_calendar(student=student, data=data, today=first_day(data), seconds=30)
        except ics.CalendarError as error:
            refused[name_of(path)] = str(error)
        ScheduleEvent.objects.filter(student=student).delete()

    fragments = {name for name in refused if name.split("/")[1] in FRAGMENTS}
    assert all("not an iCalendar" in refused[name] for name in fragments)
    assert {name: refused[name] for name in refused.keys() - fragments - INVALID.keys()} == {}
    assert INVALID.keys() - refused.keys() == set()  # each listed file is still refused
