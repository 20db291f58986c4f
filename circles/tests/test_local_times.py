"""Every date and time a person reads is in their own zone: their school's, or the one they set
(planner.selectors.zone_of); never the server's UTC."""

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tokens import create_token
from checkins.services import record_checkin
from circles.content import prompt_of_the_week
from circles.models import CircleMessage, MessageReport
from circles.services import post_circle_message, report_circle_message
from conftest import make_staff, with_totp
from habits.models import Habit
from habits.services import archive_habit, create_habit, pause_habit
from insights.models import Reflection
from insights.services import write_reflection
from planner.models import PlannerPrefs
from schools.models import StaffRole

from .circle_factories import circle_with

pytestmark = pytest.mark.django_db

# Sunday 6 December 2026, 21:50 in Chicago; already Monday in UTC.
SUNDAY_EVENING = datetime(2026, 12, 7, 3, 50, tzinfo=UTC)


CHECKIN = {
    **dict.fromkeys(["mood", "stress", "energy", "sleep_quality", "loneliness", "purpose"], 3),
    "sleep_hours": "7",
}


@pytest.fixture(autouse=True)
def chicago(school):
    school.timezone = "America/Chicago"
    school.save()


def test_a_journal_entry_is_dated_by_the_students_local_day(client, student):
    reflection = write_reflection(student=student, body="Long day.")
    Reflection.objects.filter(pk=reflection.pk).update(created_at=SUNDAY_EVENING)
    client.force_login(student)

    journal = client.get(reverse("journal")).content.decode()
    delete = client.get(reverse("reflection_delete", args=[reflection.pk])).content.decode()

    assert "Sunday 6 December 2026" in journal and "Monday 7 December" not in journal
    assert "6 December 2026" in delete


def test_a_zone_the_student_set_wins_over_the_schools(client, student, school):
    PlannerPrefs.objects.create(student=student, school=school, timezone="Asia/Tokyo")
    reflection = write_reflection(student=student, body="Long day.")
    Reflection.objects.filter(pk=reflection.pk).update(created_at=SUNDAY_EVENING)
    client.force_login(student)

    assert "Monday 7 December 2026" in client.get(reverse("journal")).content.decode()


def test_circle_messages_show_each_readers_local_time(client, student, cohort, school):
    circle, peers = circle_with(student, cohort)
    message = post_circle_message(student=peers[0], circle_id=circle.pk, body="Run Thursday?")
    CircleMessage.objects.filter(pk=message.pk).update(created_at=SUNDAY_EVENING)
    client.force_login(student)

    html = client.get(reverse("circle", args=[circle.pk])).content.decode()

    assert "6 Dec, 21:50" in html and "03:50" not in html


def test_the_wellness_lead_reads_report_times_in_the_schools_zone(client, student, cohort, school):
    circle, peers = circle_with(student, cohort)
    message = post_circle_message(student=peers[0], circle_id=circle.pk, body="Rude words")
    report_circle_message(student=student, message_id=message.pk, reason="harassment")
    MessageReport.objects.update(created_at=SUNDAY_EVENING)
    lead = make_staff(school, "wellness@riverside.example", role=StaffRole.WELLNESS_LEAD)
    with_totp(lead)
    client.force_login(lead)

    html = client.get(reverse("circle_reports")).content.decode()

    assert "6 Dec 2026, 21:50" in html


def test_paused_and_archived_habit_dates_are_the_schools_local_day(client, student):
    paused = create_habit(student=student, name="Stretch", per_week=3)
    archived = create_habit(student=student, name="Journal", per_week=3)
    pause_habit(student=student, habit_id=paused.pk)
    archive_habit(student=student, habit_id=archived.pk)
    Habit.objects.update(paused_at=SUNDAY_EVENING, archived_at=SUNDAY_EVENING)
    client.force_login(student)

    html = client.get(reverse("habits")).content.decode()

    assert "Paused since 6 Dec" in html and "archived 6 Dec 2026" in html


def test_the_api_lists_check_ins_up_to_the_students_today(client, student, school, monkeypatch):
    # 20:00 UTC on Monday 7 December is already Tuesday 8 December in Tokyo.
    school.timezone = "Asia/Tokyo"
    school.save()
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 12, 7, 20, 0, tzinfo=UTC))
    record_checkin(student=student, values=CHECKIN)
    _, secret = create_token(user=student, name="phone")

    listed = client.get("/api/checkins", HTTP_AUTHORIZATION=f"Bearer {secret}").json()

    assert [c["day"] for c in listed] == ["2026-12-08"]


def test_the_circle_prompt_changes_with_the_schools_week_not_utcs(
    client, student, cohort, monkeypatch
):
    circle, _ = circle_with(student, cohort)
    monkeypatch.setattr(timezone, "now", lambda: SUNDAY_EVENING)
    client.force_login(student)

    html = client.get(reverse("circle", args=[circle.pk])).content.decode()

    sunday, monday = prompt_of_the_week(date(2026, 12, 6)), prompt_of_the_week(date(2026, 12, 7))
    assert sunday != monday
    assert sunday.replace("'", "&#x27;") in html and monday.replace("'", "&#x27;") not in html
