import pytest
from django.urls import reverse

from conftest import make_school
from learn.services import save_lesson_reflection

from .factories import school_lesson

pytestmark = pytest.mark.django_db


def test_a_lesson_shows_title_minutes_body_sources_and_a_done_button(client, student):
    client.force_login(student)

    response = client.get(reverse("learn_lesson", args=["naps-on-nights"]))

    body = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Naps on nights</h1>" in body and "4 minute read" in body
    assert "<strong>20 minutes</strong>" in body and "Ruggiero JS" in body
    assert "Mark as done" in body and "Write a reflection" in body


def test_script_in_a_lesson_is_shown_as_text_never_run(client, student):
    client.force_login(student)

    body = client.get(reverse("learn_lesson", args=["one-message"])).content.decode()

    assert '<script>alert("fixture")' not in body
    assert "&lt;script&gt;" in body and 'href="javascript' not in body


def test_an_unknown_lesson_is_a_404(client, student):
    client.force_login(student)
    assert client.get(reverse("learn_lesson", args=["no-such-lesson"])).status_code == 404
    assert client.get(reverse("learn_lesson", args=["school-99999"])).status_code == 404
    assert client.get(reverse("learn_lesson", args=["school-x"])).status_code == 404


def test_my_schools_lesson_renders_sanitized(client, student, school):
    lesson = school_lesson(school, body="## Hi\n<img src=x onerror=alert(1)>\n[x](javascript:1)")
    client.force_login(student)

    body = client.get(reverse("learn_lesson", args=[lesson.slug])).content.decode()

    assert "written by your school" in body and "<h2>Hi</h2>" in body
    assert "<img" not in body and 'href="javascript' not in body
    assert "Riverside campus guide." in body and "A second source." in body


def test_another_schools_or_an_unpublished_lesson_is_a_404(client, student, school):
    theirs = school_lesson(make_school("elsewhere", "Elsewhere"))
    draft = school_lesson(school, published=False)
    client.force_login(student)

    assert client.get(reverse("learn_lesson", args=[theirs.slug])).status_code == 404
    assert client.get(reverse("learn_lesson", args=[draft.slug])).status_code == 404


def test_my_reflection_shows_on_the_lesson_but_not_to_my_classmate(client, student, classmate):
    save_lesson_reflection(student=student, slug="naps-on-nights", body="Nap at 6 pm.")
    client.force_login(student)
    assert (
        "Nap at 6 pm."
        in client.get(reverse("learn_lesson", args=["naps-on-nights"])).content.decode()
    )

    client.force_login(classmate)
    body = client.get(reverse("learn_lesson", args=["naps-on-nights"])).content.decode()
    assert "Nap at 6 pm." not in body and "Write a reflection" in body
