import io
import json
import zipfile

import pytest
from django.urls import reverse

from learn.models import LessonProgress, LessonReflection
from learn.services import mark_lesson_done, save_lesson_reflection

pytestmark = pytest.mark.django_db


def test_my_export_holds_my_progress_and_reflections_and_nobody_elses(client, student, classmate):
    mark_lesson_done(student=student, slug="naps-on-nights")
    save_lesson_reflection(student=student, slug="naps-on-nights", body="Mine to keep.")
    mark_lesson_done(student=classmate, slug="one-message")
    save_lesson_reflection(student=classmate, slug="one-message", body="Theirs.")
    client.force_login(student)

    archive = zipfile.ZipFile(io.BytesIO(client.post(reverse("export_my_data")).content))

    progress = json.loads(archive.read("lesson_progress.json"))
    reflections = json.loads(archive.read("lesson_reflections.json"))
    assert [(p["lesson"], p["track"]) for p in progress] == [("naps-on-nights", "sleep-on-call")]
    assert [(r["lesson"], r["text"]) for r in reflections] == [("naps-on-nights", "Mine to keep.")]


def test_deleting_a_student_deletes_their_progress_and_reflections(student):
    mark_lesson_done(student=student, slug="naps-on-nights")
    save_lesson_reflection(student=student, slug="naps-on-nights", body="Gone.")

    student.delete()

    assert not LessonProgress.objects.exists() and not LessonReflection.objects.exists()
