from datetime import date

import pytest

from learn.demo import ASSIGNED_TRACK, generate_demo_lessons
from learn.models import LessonProgress, LessonReflection, SchoolLesson, TrackAssignment
from schools.demo import create_demo_school
from vault.services import decrypt_text

pytestmark = pytest.mark.django_db


def test_the_demo_school_gets_a_lesson_an_assignment_progress_and_reflections():
    demo = create_demo_school(students=30, days=10, seed=7, today=date(2025, 11, 3))

    made = generate_demo_lessons(demo)

    [lesson] = SchoolLesson.objects.all()
    assert lesson.school == demo.school
    [assignment] = TrackAssignment.objects.all()
    assert (assignment.cohort, assignment.track) == (demo.cohorts[0], ASSIGNED_TRACK)
    assert made == LessonProgress.objects.count() + LessonReflection.objects.count()
    assert LessonProgress.objects.values("student").distinct().count() >= 10
    reflection = LessonReflection.objects.select_related("student").first()
    assert decrypt_text(reflection.student, reflection.body_encrypted)
    assert LessonProgress.objects.filter(
        student=reflection.student, lesson=reflection.lesson
    ).exists()
