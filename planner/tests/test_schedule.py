"""The schedule page: add by hand, from a shift pattern, or by importing a calendar."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from planner import ics, imports
from planner.models import CalendarImport, ScheduleEvent

from .factories import next_monday

pytestmark = pytest.mark.django_db


def test_student_adds_a_shift_by_hand_in_their_own_time_zone(client, student):
    monday = next_monday(student)
    client.force_login(student)

    response = client.post(
        reverse("planner_schedule"),
        {
            "event-kind": "shift",
            "event-starts_at": f"{monday} 05:30",
            "event-ends_at": f"{monday} 18:00",
        },
    )

    assert response.status_code == 302
    saved = ScheduleEvent.objects.get()
    assert saved.starts_at.astimezone(_ny()).hour == 5
    page = client.get(reverse("planner_schedule")).content.decode()
    assert "Shift:" in page and "05:30" in page


def event(kind, day, start, end):
    return {
        "event-kind": kind,
        "event-starts_at": f"{day} {start}",
        "event-ends_at": f"{day} {end}",
    }


def _ny():
    from zoneinfo import ZoneInfo

    return ZoneInfo("America/New_York")


def test_an_overlapping_shift_is_refused_next_to_the_field(client, student):
    monday = next_monday(student)
    client.force_login(student)
    data = {"event-kind": "shift", "event-starts_at": f"{monday} 06:00"}
    client.post(reverse("planner_schedule"), {**data, "event-ends_at": f"{monday} 18:00"})

    response = client.post(
        reverse("planner_schedule"),
        event("call", monday, "17:00", "23:00"),
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "This call on" in html and "overlaps your shift on" in html
    assert ScheduleEvent.objects.count() == 1


def test_an_end_before_the_start_is_refused(client, student):
    monday = next_monday(student)
    client.force_login(student)
    response = client.post(
        reverse("planner_schedule"),
        event("class", monday, "10:00", "09:00"),
    )
    assert "The end must be after the start." in response.content.decode()
    assert not ScheduleEvent.objects.exists()


def test_a_shift_pattern_fills_a_date_range(client, student):
    monday = next_monday(student)
    client.force_login(student)

    response = client.post(
        reverse("planner_schedule_template"),
        {
            "pattern-template": "night_float",
            "pattern-first_day": monday,
            "pattern-last_day": monday + timedelta(days=13),
        },
    )

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('planner')}?week={monday.isoformat()}"
    events = list(ScheduleEvent.objects.all())
    assert len(events) == 10 and {e.kind for e in events} == {"night_float"}


def test_a_pattern_over_120_days_is_refused(client, student):
    monday = next_monday(student)
    client.force_login(student)
    response = client.post(
        reverse("planner_schedule_template"),
        {
            "pattern-template": "surgery",
            "pattern-first_day": monday,
            "pattern-last_day": monday + timedelta(days=200),
        },
    )
    assert "Choose at most 120 days at once." in response.content.decode()
    assert not ScheduleEvent.objects.exists()


def test_importing_a_file_adds_its_events(client, student):
    client.force_login(student)
    with open("e2e/data/call_week.ics", "rb") as sample:
        upload = SimpleUploadedFile("call.ics", sample.read(), content_type="text/calendar")

    response = client.post(reverse("planner_schedule_import"), {"import-file": upload})

    assert response.status_code == 302 and response["Location"] == reverse("planner")
    assert ScheduleEvent.objects.filter(student=student, source="import").exists()


def test_a_malformed_file_shows_a_clear_message_and_saves_nothing(client, student):
    client.force_login(student)
    upload = SimpleUploadedFile("x.ics", b"hello", content_type="text/calendar")

    response = client.post(reverse("planner_schedule_import"), {"import-file": upload})

    assert "not a calendar we can read" in response.content.decode()
    assert not ScheduleEvent.objects.exists()


def test_importing_a_url_fetches_it_server_side_in_the_worker(
    client, student, monkeypatch, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    fetched = []
    with open("e2e/data/call_week.ics", "rb") as sample:
        body = sample.read()
    monkeypatch.setattr(ics, "fetch_calendar", lambda url: fetched.append(url) or body)
    client.force_login(student)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("planner_schedule_import"), {"import-url": "https://calendar.example/c.ics"}
        )

    assert response.status_code == 302 and fetched == ["https://calendar.example/c.ics"]
    assert ScheduleEvent.objects.filter(student=student, source="import").exists()
    job = CalendarImport.objects.get(student=student)
    assert job.state == "done" and job.url == ""  # the link is not kept
    assert "Last import" in client.get(reverse("planner_schedule")).content.decode()


def test_a_queued_import_shows_as_importing_until_the_worker_has_run(
    client, student, django_capture_on_commit_callbacks
):
    client.force_login(student)
    with open("e2e/data/call_week.ics", "rb") as sample:
        big = sample.read() + b"\r\n" * imports.INLINE_BYTES  # blank lines: still the same calendar
    upload = SimpleUploadedFile("big.ics", big, content_type="text/calendar")

    with django_capture_on_commit_callbacks() as queued:  # the database queue: not run yet
        response = client.post(reverse("planner_schedule_import"), {"import-file": upload})

    assert response["Location"] == reverse("planner_schedule") and len(queued) == 1
    assert not ScheduleEvent.objects.exists()
    assert "Importing your calendar" in client.get(reverse("planner_schedule")).content.decode()

    job = CalendarImport.objects.get(student=student)
    assert imports.run_calendar_import(import_id=job.pk) == "done"

    page = client.get(reverse("planner_schedule")).content.decode()
    assert "Last import" in page and "Importing your calendar" not in page
    assert ScheduleEvent.objects.filter(student=student, source="import").exists()
    assert bytes(CalendarImport.objects.get(pk=job.pk).data) == b""  # the file is not kept


def test_a_refused_queued_import_says_why(client, student):
    client.force_login(student)
    job = imports.queue_calendar_import(student=student, data=b"hello" * 30_000)

    assert imports.run_calendar_import(import_id=job.pk) == "refused"
    assert "not a calendar we can read" in client.get(reverse("planner_schedule")).content.decode()


def test_an_unsafe_url_is_refused(client, student):
    client.force_login(student)
    response = client.post(reverse("planner_schedule_import"), {"import-url": "http://127.0.0.1/"})
    assert "Use an https:// calendar link" in response.content.decode()


def test_deleting_an_entry_and_not_a_classmates(client, student, classmate):
    monday = next_monday(student)
    client.force_login(classmate)
    client.post(
        reverse("planner_schedule"),
        event("class", monday, "09:00", "10:00"),
    )
    theirs = ScheduleEvent.objects.get()
    client.force_login(student)

    assert client.post(reverse("planner_event_delete", args=[theirs.pk])).status_code == 404
    assert ScheduleEvent.objects.exists()
    client.force_login(classmate)
    assert client.post(reverse("planner_event_delete", args=[theirs.pk])).status_code == 302
    assert not ScheduleEvent.objects.exists()


def test_a_file_not_read_within_a_request_goes_to_the_worker(
    client, student, monkeypatch, django_capture_on_commit_callbacks
):
    def too_slow(*args, **kwargs):
        raise ics.TooComplex("too complex")

    client.force_login(student)
    with open("e2e/data/call_week.ics", "rb") as sample:
        upload = SimpleUploadedFile("call.ics", sample.read(), content_type="text/calendar")
    monkeypatch.setattr(ics, "parse_within_budget", too_slow)

    with django_capture_on_commit_callbacks() as queued:
        response = client.post(reverse("planner_schedule_import"), {"import-file": upload})

    assert response["Location"] == reverse("planner_schedule") and len(queued) == 1
    monkeypatch.undo()  # the worker, with its longer budget, reads it
    job = CalendarImport.objects.get(student=student)
    assert imports.run_calendar_import(import_id=job.pk) == "done"
    assert ScheduleEvent.objects.filter(student=student, source="import").exists()
