"""Wherever a student writes privately (check-in note, journal, lesson reflection), words that
sound like a crisis bring the crisis resources into the very response that saved them, first on
the page. Nobody is told; the only trace is the student's own SafetyEvent, without the text."""

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.tokens import create_token
from checkins import services
from checkins.models import CheckIn, SafetyEvent
from checkins.services import screen_private_writing
from insights.models import MAX_REFLECTION_CHARS, Reflection
from insights.services import write_reflection
from learn.models import LessonReflection

pytestmark = pytest.mark.django_db

CRISIS_NOTE = "I can't do this anymore. I want to die."
WORST = {
    "mood": "1",
    "stress": "5",
    "energy": "1",
    "sleep_hours": "3",
    "sleep_quality": "1",
    "loneliness": "5",
    "purpose": "1",
    "note": CRISIS_NOTE,
}
LESSON_URL = reverse("learn_reflection", args=["naps-on-nights"])


def crisis_first(html: str) -> bool:
    """The resources are there, focused, and before the page's own heading."""
    return (
        'id="crisis"' in html
        and "autofocus" in html[html.index('id="crisis"') - 200 : html.index('id="crisis"') + 200]
        and html.index("You don't have to handle this alone") < html.index("<h1")
    )


def only_own_history(student, count: int = 1) -> None:
    """One SafetyEvent per save, for the student, of the private-writing kind; no email."""
    events = SafetyEvent.objects.all()
    assert [(e.student_id, e.trigger) for e in events] == [
        (student.pk, SafetyEvent.Trigger.PRIVATE_WRITING)
    ] * count
    assert mail.outbox == []


@pytest.fixture(autouse=True)
def fixture_lessons(settings):
    """The learn app's small test lessons (see learn/tests/conftest.py)."""
    settings.LEARN_LESSONS_DIR = Path(django_settings.BASE_DIR) / "learn" / "tests" / "lessons"


@pytest.fixture
def api(client, student):
    _, secret = create_token(user=student, name="phone")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client


def test_the_screen_reuses_the_circle_phrase_list_and_records_no_text(student):
    assert screen_private_writing(student=student, text="I want to die. Nobody would notice.")
    assert not screen_private_writing(student=student, text="I studied all night for the diet exam")
    assert not screen_private_writing(student=student, text="")
    assert not screen_private_writing(student=student, text=None)

    [event] = SafetyEvent.objects.all()
    # The row has no field that could hold the words, nor where they were written.
    assert {f.name for f in SafetyEvent._meta.concrete_fields} == {
        "id",
        "student",
        "trigger",
        "shown_at",
    }
    assert event.get_trigger_display() == "Something you wrote sounded like a crisis"


def test_a_crisis_note_on_the_checkin_shows_the_resources_first_in_the_same_response(
    client, student
):
    client.force_login(student)

    response = client.post(reverse("checkin"), WORST)

    assert response.status_code == 200  # no redirect that could lose them
    html = response.content.decode()
    assert crisis_first(html)
    assert 'href="tel:988"' in html
    assert "Nobody at your school is told" in html
    assert "Your check-in is saved. Only you can read your note." in html
    checkin = CheckIn.objects.get(student=student)
    assert checkin.mood == 1
    assert CRISIS_NOTE.encode() not in bytes(checkin.note_encrypted)
    only_own_history(student)


def test_an_ordinary_note_still_saves_quietly(client, student):
    client.force_login(student)

    response = client.post(reverse("checkin"), {**WORST, "note": "Long call, tired."}, follow=True)

    assert "Today" in response.content.decode()
    assert 'id="crisis"' not in response.content.decode()
    assert SafetyEvent.objects.count() == 0


def test_the_note_is_screened_even_when_the_rest_of_the_form_needs_fixing(client, student):
    client.force_login(student)

    response = client.post(reverse("checkin"), {**WORST, "sleep_hours": "25"})

    html = response.content.decode()
    assert crisis_first(html)
    assert not CheckIn.objects.exists()
    only_own_history(student)


def test_a_crisis_journal_entry_shows_the_resources_above_the_journal(client, student):
    client.force_login(student)

    response = client.post(
        reverse("reflection_new"), {"body": "I want to die. Nobody would notice."}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert crisis_first(html)
    assert "Reflection saved. Only you can read it." in html
    assert "Your journal" in html
    assert Reflection.objects.filter(student=student).count() == 1
    only_own_history(student)


def test_editing_a_journal_entry_into_crisis_words_shows_them_too(client, student):
    reflection = write_reflection(student=student, body="A hard week.")
    client.force_login(student)

    response = client.post(
        reverse("reflection_edit", args=[reflection.pk]), {"body": "I wish I was dead."}
    )

    assert crisis_first(response.content.decode())
    only_own_history(student)


def test_a_crisis_lesson_reflection_shows_the_resources_above_the_lesson(client, student):
    client.force_login(student)

    response = client.post(LESSON_URL, {"body": "Honestly I keep thinking about killing myself."})

    assert response.status_code == 200
    html = response.content.decode()
    assert crisis_first(html)
    assert "Reflection saved. Only you can read it." in html
    assert LessonReflection.objects.filter(student=student).count() == 1
    only_own_history(student)


def test_the_api_returns_a_crisis_object_with_the_saved_checkin(api, student):
    body = {**{k: int(v) for k, v in WORST.items() if k != "note"}, "note": CRISIS_NOTE}

    response = api.put("/api/checkins/today", body, content_type="application/json")
    quiet = api.put(
        "/api/checkins/today", {**body, "note": "Fine today."}, content_type="application/json"
    )

    assert response.status_code == 201
    assert any(line["phone"] == "988" for line in response.json()["crisis"]["national"])
    assert response.json()["note"] == CRISIS_NOTE
    assert quiet.json()["crisis"] is None
    only_own_history(student)


def test_the_api_carries_the_crisis_object_on_a_refusal_too(api, student, monkeypatch):
    body = {**{k: int(v) for k, v in WORST.items() if k != "note"}, "note": CRISIS_NOTE}

    def refuse(**kwargs):
        raise ValidationError("Your cohort changed while this was being saved. Try again.")

    monkeypatch.setattr(services, "record_checkin", refuse)
    checkin = api.put("/api/checkins/today", body, content_type="application/json")
    too_long = api.post(
        "/api/insights/reflections",
        {"body": "I want to die. " + "x" * MAX_REFLECTION_CHARS},
        content_type="application/json",
    )

    assert checkin.status_code == too_long.status_code == 422
    assert checkin.json()["crisis"]["national"] and too_long.json()["crisis"]["national"]
    assert "body" in too_long.json()["errors"]
    only_own_history(student, count=2)


def test_the_journal_and_lesson_apis_return_a_crisis_object(api, student):
    created = api.post(
        "/api/insights/reflections",
        {"body": "No reason to live lately."},
        content_type="application/json",
    )
    updated = api.put(
        f"/api/insights/reflections/{created.json()['id']}",
        {"body": "Better today."},
        content_type="application/json",
    )
    lesson = api.put(
        "/api/learn/lessons/naps-on-nights/reflection",
        {"body": "I want to die some nights."},
        content_type="application/json",
    )

    assert created.status_code == 201 and created.json()["crisis"]["national"]
    assert updated.status_code == 200 and updated.json()["crisis"] is None
    assert lesson.status_code == 200 and lesson.json()["crisis"]["national"]
    only_own_history(student, count=2)
