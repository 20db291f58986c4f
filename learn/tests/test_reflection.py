import pytest
from django.urls import reverse

from learn.models import MAX_REFLECTION_CHARS, LessonReflection

pytestmark = pytest.mark.django_db
URL = reverse("learn_reflection", args=["naps-on-nights"])


def test_writing_a_reflection_stores_it_encrypted(client, student):
    client.force_login(student)

    response = client.post(URL, {"body": "Try a nap before nights."})

    assert response.status_code == 302
    [reflection] = LessonReflection.objects.all()
    assert reflection.lesson == "naps-on-nights"
    assert b"Try a nap" not in bytes(reflection.body_encrypted)


def test_editing_replaces_the_one_reflection(client, student):
    client.force_login(student)
    client.post(URL, {"body": "First."})

    page = client.get(URL)
    client.post(URL, {"body": "Second thought."})

    assert "First." in page.content.decode()
    assert LessonReflection.objects.count() == 1
    body = client.get(reverse("learn_lesson", args=["naps-on-nights"])).content.decode()
    assert "Second thought." in body and "First." not in body


def test_an_empty_or_oversized_reflection_shows_a_field_error_and_saves_nothing(client, student):
    client.force_login(student)

    empty = client.post(URL, {"body": "   "})
    huge = client.post(URL, {"body": "x" * (MAX_REFLECTION_CHARS + 1)})

    assert empty.status_code == huge.status_code == 200
    assert "Write something first" in empty.content.decode()
    assert huge.context["form"].errors["body"] == ["Keep a reflection under 5,000 characters."]
    assert not LessonReflection.objects.exists()


def test_deleting_asks_first_then_deletes(client, student):
    client.force_login(student)
    client.post(URL, {"body": "Gone soon."})
    delete = reverse("learn_reflection_delete", args=["naps-on-nights"])

    assert "Delete your reflection?" in client.get(delete).content.decode()
    assert LessonReflection.objects.exists()
    client.post(delete)

    assert not LessonReflection.objects.exists()
    assert client.get(delete).status_code == 404


def test_a_classmate_cannot_delete_my_reflection(client, student, classmate):
    client.force_login(student)
    client.post(URL, {"body": "Mine."})
    client.force_login(classmate)

    assert (
        client.post(reverse("learn_reflection_delete", args=["naps-on-nights"])).status_code == 404
    )
    assert "Mine." not in client.get(URL).content.decode()
    assert LessonReflection.objects.count() == 1


def test_no_reflection_on_an_unknown_lesson(client, student):
    client.force_login(student)
    assert client.post(reverse("learn_reflection", args=["nope"]), {"body": "x"}).status_code == 404
    assert not LessonReflection.objects.exists()
