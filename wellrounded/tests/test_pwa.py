"""The installable app: manifest, service worker, offline page, and the outbox's replays."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse

from checkins.models import CheckIn
from habits.models import HabitLog
from habits.services import enable_default_habit

pytestmark = pytest.mark.django_db

CHECKIN = {
    "mood": "2", "stress": "4", "energy": "2", "sleep_hours": "4.5", "sleep_quality": "2",
    "loneliness": "3", "purpose": "3",
}  # fmt: skip


def test_manifest_meets_install_criteria(client):
    response = client.get("/manifest.webmanifest")

    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["display"] == "standalone"
    assert manifest["start_url"] == "/" and manifest["scope"] == "/"
    sizes = {(icon["sizes"], icon.get("purpose", "any")) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200


def test_every_page_links_the_manifest_and_registers_the_worker(client, student):
    client.force_login(student)

    page = client.get(reverse("checkin")).content.decode()

    assert 'rel="manifest" href="/manifest.webmanifest"' in page
    assert 'data-service-worker="/sw.js"' in page


def test_service_worker_is_served_from_the_root_uncached_and_stores_nothing_personal(client):
    response = client.get("/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "no-cache" in response["Cache-Control"]
    assert "Content-Security-Policy" in response
    source = response.content.decode()
    start = source.index("const SHELL_FILES = ") + len("const SHELL_FILES = ")
    files = json.loads(source[start : source.index(";", start)])
    # Only public pages and static files; every one of them can be fetched without a cookie.
    assert [f for f in files if not f.startswith("/static/")] == ["/offline/", "/help/"]
    for path in files:
        assert client.get(path).status_code == 200, path
    assert 'credentials: "omit"' in source


def test_offline_page_shows_the_crisis_lines_and_nothing_of_the_signed_in_student(client, student):
    client.force_login(student)

    page = client.get(reverse("offline")).content.decode()

    assert "988" in page
    assert student.email not in page
    assert "csrfmiddlewaretoken" not in page


def test_a_checkin_sent_twice_from_the_outbox_is_recorded_once(client, student):
    client.force_login(student)
    headers = {"Idempotency-Key": "a1b2c3d4e5f6a7b8"}

    first = client.post(reverse("checkin"), CHECKIN, headers=headers)
    # The reply was lost on a bad connection; the phone sends the same post again.
    again = client.post(reverse("checkin"), {**CHECKIN, "mood": "1"}, headers=headers)

    assert first.status_code == 302
    assert again.status_code == 303 and again["Idempotent-Replayed"] == "true"
    assert CheckIn.objects.filter(student=student).count() == 1
    assert CheckIn.objects.get(student=student).mood == 2


def test_a_stale_copy_from_the_outbox_does_not_overwrite_a_later_edit(client, student):
    client.force_login(student)
    headers = {"Idempotency-Key": "queued-on-the-ward"}
    client.post(reverse("checkin"), CHECKIN, headers=headers)
    client.post(reverse("checkin"), {**CHECKIN, "mood": "4"})  # edited later, online

    client.post(reverse("checkin"), CHECKIN, headers=headers)  # the lost reply's retry

    assert CheckIn.objects.get(student=student).mood == 4


def test_a_refused_post_can_be_sent_again_with_its_key(client, student):
    client.force_login(student)
    headers = {"Idempotency-Key": "refused-once-0001"}
    client.handler.enforce_csrf_checks = True

    refused = client.post(reverse("checkin"), CHECKIN, headers=headers)
    client.handler.enforce_csrf_checks = False
    accepted = client.post(reverse("checkin"), CHECKIN, headers=headers)

    assert refused.status_code == 403
    assert accepted.status_code == 302
    assert CheckIn.objects.filter(student=student).count() == 1


def test_a_habit_day_queued_before_midnight_lands_on_its_day(client, student):
    client.force_login(student)
    habit = enable_default_habit(student=student, kind="exercise")
    yesterday = student.enrollment.school.today() - timedelta(days=1)
    headers = {"Idempotency-Key": "habit-queued-0001"}

    for _ in range(2):
        client.post(
            reverse("habit_log", args=[habit.pk]), {"day": yesterday.isoformat()}, headers=headers
        )

    assert list(HabitLog.objects.filter(habit=habit).values_list("day", flat=True)) == [yesterday]


def test_a_malformed_key_is_refused_before_anything_is_saved(client, student):
    client.force_login(student)

    response = client.post(reverse("checkin"), CHECKIN, headers={"Idempotency-Key": "<script>"})

    assert response.status_code == 400
    assert not CheckIn.objects.exists()
