import pytest

from circles.models import CircleBlock, CircleMembership, CircleMessage, CircleProfile
from circles.services import post_circle_message
from conftest import with_totp

from .circle_factories import circle_with

pytestmark = pytest.mark.django_db

JSON = "application/json"


def test_a_student_joins_through_the_api_and_waits(client, student):
    client.force_login(student)
    assert client.get("/api/circles/profile").status_code == 404

    response = client.put(
        "/api/circles/profile",
        {"pseudonym": "Heron", "interests": ["running"], "accept_guidelines": True},
        content_type=JSON,
    )

    assert response.status_code == 200
    body = response.json()
    assert body["pseudonym"] == "Heron"
    assert body["waiting"] == "We'll match you when 3 more students have opted in."
    assert client.get("/api/circles").json() == []


def test_joining_without_the_guidelines_or_with_an_email_is_refused(client, student):
    client.force_login(student)
    no_guidelines = client.put("/api/circles/profile", {"pseudonym": "Heron"}, content_type=JSON)
    email = client.put(
        "/api/circles/profile",
        {"pseudonym": "a@b.com", "accept_guidelines": True},
        content_type=JSON,
    )
    assert no_guidelines.status_code == 422 and "guidelines" in no_guidelines.json()["detail"]
    assert email.status_code == 422 and "email" in email.json()["detail"]
    assert not CircleProfile.objects.exists()


def test_members_list_circles_and_exchange_messages(client, student, cohort):
    circle, peers = circle_with(student, cohort)
    client.force_login(student)

    [listed] = client.get("/api/circles").json()
    posted = client.post(
        f"/api/circles/{circle.pk}/messages", {"body": " Hello circle "}, content_type=JSON
    )
    client.force_login(peers[0])
    messages = client.get(f"/api/circles/{circle.pk}/messages").json()

    assert listed["id"] == circle.pk
    assert [m["pseudonym"] for m in listed["members"]] == ["Heron", "Cedar", "Fern", "Otter"]
    assert "@" not in str(listed)
    assert posted.status_code == 201
    assert [(m["pseudonym"], m["body"], m["mine"]) for m in messages] == [
        ("Heron", "Hello circle", False)
    ]


def test_a_crisis_looking_post_answers_with_the_crisis_block(client, student, cohort):
    circle, _ = circle_with(student, cohort)
    client.force_login(student)
    url = f"/api/circles/{circle.pk}/messages"

    first = client.post(url, {"body": "I want to end it all"}, content_type=JSON)
    second = client.post(
        url, {"body": "I want to end it all", "post_anyway": True}, content_type=JSON
    )

    assert first.status_code == 422
    assert first.json()["crisis"]["national"]
    assert second.status_code == 201
    assert CircleMessage.objects.count() == 1


def test_posting_to_a_circle_one_is_not_in_is_404(client, student, classmate, cohort):
    circle, _ = circle_with(student, cohort)
    client.force_login(classmate)
    response = client.post(f"/api/circles/{circle.pk}/messages", {"body": "hi"}, content_type=JSON)
    assert response.status_code == 404
    assert not CircleMessage.objects.exists()


def test_staff_are_refused(client, staff, student, cohort):
    circle, _ = circle_with(student, cohort)
    with_totp(staff)
    client.force_login(staff)
    assert client.get("/api/circles").status_code == 403
    assert client.get(f"/api/circles/{circle.pk}/messages").status_code == 403
    response = client.post(f"/api/circles/{circle.pk}/messages", {"body": "x"}, content_type=JSON)
    assert response.status_code == 403


def test_blank_oversized_and_rate_limited_posts_are_refused(client, student, cohort):
    circle, _ = circle_with(student, cohort)
    client.force_login(student)
    url = f"/api/circles/{circle.pk}/messages"

    blank = client.post(url, {"body": "   "}, content_type=JSON)
    oversized = client.post(url, {"body": "x" * 2001}, content_type=JSON)
    for i in range(10):
        post_circle_message(student=student, circle_id=circle.pk, body=str(i))
    limited = client.post(url, {"body": "more"}, content_type=JSON)

    assert blank.status_code == 422 and blank.json()["detail"] == "Write something before posting."
    assert oversized.status_code == 422
    assert limited.status_code == 422 and "10 messages in 10 minutes" in limited.json()["detail"]


def test_report_once_not_own_block_and_leave(client, student, cohort):
    circle, peers = circle_with(student, cohort)
    theirs = post_circle_message(student=peers[0], circle_id=circle.pk, body="rude")
    mine = post_circle_message(student=student, circle_id=circle.pk, body="mine")
    client.force_login(student)

    first = client.post(
        f"/api/circles/messages/{theirs.pk}/report", {"reason": "spam"}, content_type=JSON
    )
    twice = client.post(
        f"/api/circles/messages/{theirs.pk}/report", {"reason": "spam"}, content_type=JSON
    )
    own = client.post(
        f"/api/circles/messages/{mine.pk}/report", {"reason": "spam"}, content_type=JSON
    )
    member = CircleMembership.objects.get(profile__student=peers[0])
    blocked = client.post(f"/api/circles/{circle.pk}/members/{member.pk}/block")
    messages = client.get(f"/api/circles/{circle.pk}/messages").json()
    left = client.post(f"/api/circles/{circle.pk}/leave")

    assert first.status_code == 201
    assert twice.status_code == 422 and "already reported" in twice.json()["detail"]
    assert own.status_code == 422 and "your own" in own.json()["detail"]
    assert blocked.status_code == 204 and CircleBlock.objects.count() == 1
    assert [m["body"] for m in messages] == ["mine"]
    assert left.status_code == 204
    assert client.get(f"/api/circles/{circle.pk}").status_code == 404


def test_deleting_the_profile_opts_out(client, student, cohort):
    circle_with(student, cohort)
    client.force_login(student)
    assert client.delete("/api/circles/profile").status_code == 204
    assert not CircleProfile.objects.filter(student=student).exists()


def test_api_refusals_of_a_crisis_message_carry_the_crisis_block(client, student, cohort):
    circle, _ = circle_with(student, cohort)
    client.force_login(student)
    url = f"/api/circles/{circle.pk}/messages"
    crisis = "I want to kill myself"

    oversized = client.post(
        url, {"body": crisis + " " + "x" * 2100, "post_anyway": True}, content_type=JSON
    )
    for i in range(10):
        post_circle_message(student=student, circle_id=circle.pk, body=str(i))
    limited = client.post(url, {"body": crisis, "post_anyway": True}, content_type=JSON)
    ordinary = client.post(url, {"body": "more"}, content_type=JSON)

    assert oversized.status_code == 422 and oversized.json()["crisis"]["national"]
    assert "Keep a message under 2,000" in oversized.json()["detail"]
    assert limited.status_code == 422 and limited.json()["crisis"]["national"]
    assert ordinary.status_code == 422 and "crisis" not in ordinary.json()  # absent, not null


def test_a_repeated_post_within_seconds_returns_the_first_message(client, student, cohort):
    circle, _ = circle_with(student, cohort)
    client.force_login(student)
    url = f"/api/circles/{circle.pk}/messages"

    first = client.post(url, {"body": "On my way"}, content_type=JSON)
    again = client.post(url, {"body": "On my way"}, content_type=JSON)

    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert CircleMessage.objects.count() == 1
