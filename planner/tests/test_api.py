"""The planner's JSON API: events, import, preferences, the proposal, blocks, the feed."""

from datetime import timedelta

import icalendar
import pytest

from accounts.tokens import create_token
from conftest import with_totp
from planner import imports
from planner.models import CalendarImport, ProtectedBlock, ScheduleEvent
from reminders.selectors import quiet_hours_of

from .factories import next_monday

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def api(client, student):
    _, secret = create_token(user=student, name="phone")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client


def test_events_create_list_delete(api, student):
    monday = next_monday(student)
    created = api.post(
        "/api/planner/events",
        {"kind": "call", "starts_at": f"{monday}T07:00:00", "ends_at": f"{monday}T23:00:00"},
        content_type=JSON,
    )
    assert created.status_code == 201 and created.json()["kind"] == "call"

    listed = api.get("/api/planner/events", {"start": monday.isoformat(), "days": 7}).json()
    assert [e["id"] for e in listed] == [created.json()["id"]]

    assert api.delete(f"/api/planner/events/{created.json()['id']}").status_code == 204
    assert not ScheduleEvent.objects.exists()


def test_an_overlapping_shift_is_a_422_with_the_field(api, student):
    monday = next_monday(student)
    body = {"kind": "shift", "starts_at": f"{monday}T06:00:00", "ends_at": f"{monday}T18:00:00"}
    api.post("/api/planner/events", body, content_type=JSON)

    response = api.post("/api/planner/events", body, content_type=JSON)

    assert response.status_code == 422
    assert "overlaps your shift" in response.json()["errors"]["starts_at"][0]


def test_import_as_json_text_and_bad_input(api, student):
    with open("e2e/data/call_week.ics") as sample:
        text = sample.read()

    ok = api.post("/api/planner/import", {"ics": text}, content_type=JSON)
    again = api.post("/api/planner/import", {"ics": text}, content_type=JSON)
    bad = api.post("/api/planner/import", {"ics": "nonsense"}, content_type=JSON)

    assert ok.status_code == 200 and ok.json()["added"] > 0
    assert again.json()["added"] == 0 and again.json()["updated"] == ok.json()["added"]
    assert bad.status_code == 422 and "ics" in bad.json()["errors"]


def test_prefs_get_and_put(api):
    assert api.get("/api/planner/prefs").json()["sleep_hours"] == 7.5
    body = {"sleep_hours": 8, "quiet_start": "22:00:00", "quiet_end": "06:00:00"}
    response = api.put("/api/planner/prefs", body, content_type=JSON)
    assert response.status_code == 200 and response.json()["quiet_start"] == "22:00:00"
    assert api.put("/api/planner/prefs", {"sleep_hours": 20}, content_type=JSON).status_code == 422


def test_the_prefs_quiet_hours_are_the_reminder_settings_and_stay_when_left_out(api, student):
    body = {"sleep_hours": 8, "quiet_start": "23:00:00", "quiet_end": "06:30:00"}
    api.put("/api/planner/prefs", body, content_type=JSON)

    kept = api.put("/api/planner/prefs", {"sleep_hours": 7}, content_type=JSON)
    none = api.put(
        "/api/planner/prefs",
        {"sleep_hours": 7, "quiet_start": None, "quiet_end": None},
        content_type=JSON,
    )
    half = api.put(
        "/api/planner/prefs", {"sleep_hours": 7, "quiet_start": "22:00:00"}, content_type=JSON
    )

    assert kept.json()["quiet_start"] == "23:00:00"
    assert (none.json()["quiet_start"], none.json()["quiet_end"]) == (None, None)
    assert quiet_hours_of(student) is None
    assert half.status_code == 422 and "quiet_end" in half.json()["errors"]


def test_proposal_accept_reject_move_and_feed(api, student, client):
    monday = next_monday(student)
    proposal = api.get("/api/planner/proposal", {"week": monday.isoformat()}).json()
    meal, rest = (next(b for b in proposal["blocks"] if b["kind"] == k) for k in ("meal", "rest"))
    assert all(b["state"] == "proposed" for b in proposal["blocks"])

    accepted = api.post(
        "/api/planner/blocks/accept",
        {"kind": "meal", "proposed_start": meal["proposed_start"]},
        content_type=JSON,
    ).json()
    rejected = api.post(
        "/api/planner/blocks/reject",
        {"kind": "rest", "proposed_start": rest["proposed_start"]},
        content_type=JSON,
    ).json()
    later = (monday + timedelta(days=6)).isoformat() + "T10:00:00"
    moved = api.patch(
        f"/api/planner/blocks/{accepted['id']}", {"starts_at": later}, content_type=JSON
    )
    feed = api.post("/api/planner/feed/rotate")

    assert rejected["state"] == "rejected" and moved.status_code == 200
    assert moved.json()["starts_at"].startswith(later)
    calendar = icalendar.Calendar.from_ical(client.get(feed.json()["url"]).content)
    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")] == ["Meal"]


def test_a_classmates_block_is_404(api, classmate):
    block = ProtectedBlock.objects.create(
        student=classmate,
        school=classmate.enrollment.school,
        kind="meal",
        proposed_start="2026-11-23T12:00:00Z",
        starts_at="2026-11-23T12:00:00Z",
        ends_at="2026-11-23T12:30:00Z",
        state="accepted",
    )
    response = api.patch(
        f"/api/planner/blocks/{block.pk}", {"starts_at": "2026-11-23T13:00:00Z"}, content_type=JSON
    )
    assert response.status_code == 404


def test_staff_have_no_planner(client, staff):
    with_totp(staff)
    client.force_login(staff)
    assert client.get("/api/planner/proposal").status_code == 403


def test_a_large_calendar_is_imported_by_the_worker_and_its_outcome_follows(
    api, student, django_capture_on_commit_callbacks
):
    with open("e2e/data/call_week.ics") as sample:
        big = sample.read() + "\r\n" * imports.INLINE_BYTES

    assert api.get("/api/planner/import/latest").status_code == 404
    with django_capture_on_commit_callbacks() as queued:
        response = api.post("/api/planner/import", {"ics": big}, content_type="application/json")

    assert response.status_code == 202 and response.json()["state"] == "queued"
    assert len(queued) == 1 and not ScheduleEvent.objects.exists()
    imports.run_calendar_import(import_id=CalendarImport.objects.get(student=student).pk)
    latest = api.get("/api/planner/import/latest").json()
    assert latest["state"] == "done" and latest["result"]["added"] > 0


def test_the_proposal_reads_seven_days_from_today_as_the_page_opens(api, student):
    from datetime import date

    from django.utils import timezone

    from planner.services import zone_of

    today = timezone.localdate(timezone=zone_of(student))
    wednesday = next_monday(student) + timedelta(days=2)

    rolling = api.get("/api/planner/proposal").json()
    from_wednesday = api.get("/api/planner/proposal", {"start": wednesday.isoformat()}).json()
    both = api.get(
        "/api/planner/proposal", {"start": wednesday.isoformat(), "week": wednesday.isoformat()}
    )

    assert date.fromisoformat(rolling["week_start"]) == today
    assert from_wednesday["week_start"] == wednesday.isoformat()
    days = {b["starts_at"][:10] for b in from_wednesday["blocks"]}
    assert days and all(
        wednesday.isoformat() <= d <= (wednesday + timedelta(days=6)).isoformat() for d in days
    )
    assert both.status_code == 422 and "start" in both.json()["errors"]
