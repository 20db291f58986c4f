from decimal import Decimal

import pytest

from accounts.tokens import create_token
from conftest import make_school, with_totp
from learn.models import MAX_REFLECTION_CHARS, LessonProgress, LessonReflection, TrackAssignment

from .factories import checkins, school_lesson

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def api(client, student):
    _, secret = create_token(user=student, name="phone")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client


def test_tracks_list_assigned_first_with_progress(api, school, cohort):
    TrackAssignment.objects.create(school=school, cohort=cohort, track="loneliness-connection")

    body = api.get("/api/learn/tracks").json()

    assert [t["slug"] for t in body] == ["loneliness-connection", "sleep-on-call"]
    assert body[0]["assigned"] is True and body[1]["assigned"] is False
    assert body[1]["lessons"][0]["slug"] == "naps-on-nights"


def test_lessons_put_suggested_first_with_the_reason(api, student):
    checkins(student, 4, loneliness=5)

    first, second = api.get("/api/learn/lessons").json()

    assert (first["slug"], first["suggested"]) == ("one-message", True)
    assert first["reasons"] == ["You have been feeling lonely lately, as many students do."]
    assert second["suggested"] is False and second["reasons"] == []


def test_a_lesson_in_detail_with_sanitized_html_and_sources(api):
    body = api.get("/api/learn/lessons/one-message").json()

    assert body["title"] == "One message a day" and body["minutes"] == 3
    assert "<script" not in body["html"] and body["sources"][0].startswith("Holt-Lunstad")


def test_unknown_and_other_schools_lessons_are_404(api):
    theirs = school_lesson(make_school("elsewhere", "Elsewhere"))
    assert api.get("/api/learn/lessons/nope").status_code == 404
    assert api.get(f"/api/learn/lessons/{theirs.slug}").status_code == 404
    assert api.put(f"/api/learn/lessons/{theirs.slug}/done").status_code == 404
    assert not LessonProgress.objects.exists()


def test_done_is_idempotent_and_undo_removes_it(api):
    url = "/api/learn/lessons/naps-on-nights/done"
    assert api.put(url).status_code == 200
    assert api.put(url).json()["slug"] == "naps-on-nights"
    assert LessonProgress.objects.count() == 1
    progress = api.get("/api/learn/progress").json()
    assert {"slug": "sleep-on-call", "title": "Sleep on call", "done": 1, "total": 1} in progress

    assert api.delete(url).status_code == 204
    assert not LessonProgress.objects.exists()


def test_reflection_get_put_delete(api, student):
    url = "/api/learn/lessons/naps-on-nights/reflection"
    assert api.get(url).status_code == 404

    saved = api.put(url, {"body": "Nap at six."}, content_type=JSON)
    again = api.put(url, {"body": "Nap at five."}, content_type=JSON)

    assert saved.status_code == again.status_code == 200
    assert api.get(url).json()["body"] == "Nap at five."
    assert LessonReflection.objects.count() == 1
    assert api.delete(url).status_code == 204
    assert api.delete(url).status_code == 404


def test_an_oversized_or_empty_reflection_is_a_field_error(api):
    url = "/api/learn/lessons/naps-on-nights/reflection"
    huge = api.put(url, {"body": "x" * (MAX_REFLECTION_CHARS + 1)}, content_type=JSON)
    empty = api.put(url, {"body": "  "}, content_type=JSON)

    assert huge.status_code == empty.status_code == 422
    assert "body" in huge.json()["errors"] and "body" in empty.json()["errors"]
    assert not LessonReflection.objects.exists()


def test_staff_get_403_and_anonymous_401(client, staff):
    assert client.get("/api/learn/tracks").status_code == 401
    with_totp(staff)
    _, secret = create_token(user=staff, name="x")
    response = client.get("/api/learn/tracks", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 403


def test_short_sleep_suggests_through_the_api_too(api, student):
    checkins(student, 3, sleep_hours=Decimal("4"))
    naps = api.get("/api/learn/lessons/naps-on-nights").json()
    assert naps["suggested"] is True
