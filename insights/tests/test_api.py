import pytest

from accounts.tokens import create_token
from conftest import with_totp
from insights.models import Reflection
from insights.prompts import prompt_of_the_day
from insights.selectors import reflection_body
from insights.services import write_reflection
from schools.selectors import enrollment_for

from .factories import add_checkins

pytestmark = pytest.mark.django_db

READS = ["/api/insights/trends", "/api/insights/rotations", "/api/insights/habit-links"]
READS += ["/api/insights/weekly-summary", "/api/insights/reflections", "/api/insights/prompt"]


def bearer(client, user):
    _, secret = create_token(user=user, name="phone")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_student_reads_trends_rotations_links_and_week(client, student):
    add_checkins(student, days=30, values=lambda i, d: {"moved": i % 2 == 0})
    api = bearer(client, student)

    trends = api.get("/api/insights/trends").json()
    mood = api.get("/api/insights/trends", {"measure": "mood", "days": 7}).json()
    rotations = api.get("/api/insights/rotations").json()
    links = api.get("/api/insights/habit-links").json()
    week = api.get("/api/insights/weekly-summary").json()

    assert [t["measure"] for t in trends] == [
        "mood", "stress", "sleep_hours", "loneliness", "purpose"
    ]  # fmt: skip
    assert len(mood) == 1 and len(mood[0]["points"]) == 7
    assert mood[0]["points"][0]["average_7_days"] == 3.0
    assert rotations[0]["rotation"] == "Surgery" and rotations[0]["days"] == 30
    assert rotations[0]["measures"]["mood"]["mean"] == 3.0
    moved = next(r for r in links if r["habit"] == "moved your body" and r["outcome"] == "mood")
    assert (moved["days_with"], moved["days_without"]) == (15, 14)
    assert moved["difference"]["value"] == 0
    assert "association, not proof of cause" in moved["sentence"]
    assert week["days_checked_in"] == 7 and week["step"]["url"]
    assert week["days_checked_in_before"] == 7


def test_a_bad_measure_is_422(client, student):
    response = bearer(client, student).get("/api/insights/trends", {"measure": "shoe size"})
    assert response.status_code == 422
    assert "measure" in response.json()["errors"]
    assert client.get("/api/insights/trends", {"days": 3}).status_code == 422


def test_reflections_crud(client, student):
    api = bearer(client, student)

    created = post(api, "/api/insights/reflections", {"body": "Good day.", "use_prompt": True})

    assert created.status_code == 201
    body = created.json()
    assert body["prompt"] == prompt_of_the_day(enrollment_for(student).school.today())
    url = f"/api/insights/reflections/{body['id']}"
    assert api.get(url).json()["body"] == "Good day."
    changed = api.put(url, {"body": "Better day."}, content_type="application/json")
    assert changed.json()["body"] == "Better day."
    assert [r["body"] for r in api.get("/api/insights/reflections").json()] == ["Better day."]
    assert api.delete(url).status_code == 204
    assert api.get(url).status_code == 404
    assert not Reflection.objects.exists()


@pytest.mark.parametrize("body", ["", "   ", "x" * 10_001])
def test_bad_reflection_is_422_and_nothing_written(client, student, body):
    response = post(bearer(client, student), "/api/insights/reflections", {"body": body})

    assert response.status_code == 422
    assert "body" in response.json()["errors"]
    assert not Reflection.objects.exists()


def test_a_classmate_gets_404_for_anothers_reflection(client, student, classmate):
    reflection = write_reflection(student=student, body="Mine.")
    api = bearer(client, classmate)
    url = f"/api/insights/reflections/{reflection.pk}"

    assert api.get(url).status_code == 404
    assert api.put(url, {"body": "x"}, content_type="application/json").status_code == 404
    assert api.delete(url).status_code == 404
    assert api.get("/api/insights/reflections").json() == []
    assert reflection_body(Reflection.objects.get()) == "Mine."


def test_staff_get_403_and_anonymous_401(client, student, staff):
    reflection = write_reflection(student=student, body="Mine.")
    one = f"/api/insights/reflections/{reflection.pk}"
    for url in [*READS, one]:
        assert client.get(url).status_code == 401
    assert post(client, "/api/insights/reflections", {"body": "x"}).status_code == 401
    assert client.delete(one).status_code == 401

    with_totp(staff)
    api = bearer(client, staff)
    for url in [*READS, one]:
        assert api.get(url).status_code == 403
    assert post(api, "/api/insights/reflections", {"body": "x"}).status_code == 403
    assert api.put(one, {"body": "x"}, content_type="application/json").status_code == 403
    assert api.delete(one).status_code == 403
    assert reflection_body(Reflection.objects.get()) == "Mine."
