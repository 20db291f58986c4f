import io
import json
import zipfile
from datetime import date

import pytest
from django.urls import reverse

from planner import services
from planner.models import PlannerPrefs, ProtectedBlock, ReminderSent, ScheduleEvent

from .factories import next_monday, shift_week

pytestmark = pytest.mark.django_db


def test_my_export_holds_my_schedule_prefs_and_blocks_and_nobody_elses(client, student, classmate):
    monday = next_monday(student)
    shift_week(student, monday)
    services.accept_all(student=student, first_day=monday)
    services.rotate_feed_token(student=student)
    services.accept_all(student=classmate, first_day=monday)
    client.force_login(student)

    archive = zipfile.ZipFile(io.BytesIO(client.post(reverse("export_my_data")).content))

    events = json.loads(archive.read("planner_events.json"))
    prefs = json.loads(archive.read("planner_prefs.json"))
    blocks = json.loads(archive.read("planner_blocks.json"))
    assert sorted(e["kind"] for e in events) == ["call", "exam", "shift", "shift"]
    assert prefs[0]["feed_active"] is True and "feed_token_hash" not in prefs[0]
    assert len(blocks) == ProtectedBlock.objects.filter(student=student).count()
    assert prefs[0]["feed_created_at"]


def test_my_export_holds_the_reminders_sent_to_me(client, student, classmate):
    for user, key in ((student, "week:2026-48"), (classmate, "week:2026-47")):
        ReminderSent.objects.create(
            student=user, school=user.enrollment.school, key=key, local_day=date(2026, 11, 29)
        )
    client.force_login(student)

    archive = zipfile.ZipFile(io.BytesIO(client.post(reverse("export_my_data")).content))

    sent = json.loads(archive.read("planner_reminders.json"))
    assert [r["key"] for r in sent] == ["week:2026-48"]


def test_deleting_a_student_deletes_their_planner(student):
    monday = next_monday(student)
    shift_week(student, monday)
    services.accept_all(student=student, first_day=monday)

    student.delete()

    assert not ScheduleEvent.objects.exists()
    assert not ProtectedBlock.objects.exists() and not PlannerPrefs.objects.exists()
