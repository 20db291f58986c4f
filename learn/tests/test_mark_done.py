import pytest
from django.urls import reverse

from learn.models import LessonProgress

pytestmark = pytest.mark.django_db


def test_marking_done_twice_keeps_one_row_and_shows_undo(client, student):
    client.force_login(student)
    url = reverse("learn_done", args=["naps-on-nights"])

    first = client.post(url)
    client.post(url)

    assert first.status_code == 302
    [progress] = LessonProgress.objects.all()
    assert (progress.student, progress.lesson, progress.track) == (
        student, "naps-on-nights", "sleep-on-call",
    )  # fmt: skip
    body = client.get(reverse("learn_lesson", args=["naps-on-nights"])).content.decode()
    assert "You marked this lesson as done." in body and "Undo" in body


def test_undo_removes_only_my_progress(client, student, classmate):
    for user in (student, classmate):
        client.force_login(user)
        client.post(reverse("learn_done", args=["naps-on-nights"]))
    client.force_login(student)

    client.post(reverse("learn_undo", args=["naps-on-nights"]))
    client.post(reverse("learn_undo", args=["naps-on-nights"]))

    assert list(LessonProgress.objects.values_list("student", flat=True)) == [classmate.pk]


def test_done_only_accepts_post(client, student):
    client.force_login(student)
    assert client.get(reverse("learn_done", args=["naps-on-nights"])).status_code == 405
    assert not LessonProgress.objects.exists()


def test_marking_an_unknown_lesson_done_writes_nothing(client, student):
    client.force_login(student)
    assert client.post(reverse("learn_done", args=["nothing-here"])).status_code == 404
    assert not LessonProgress.objects.exists()
