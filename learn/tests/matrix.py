"""This app's part of wellrounded/tests/test_authorization_matrix.py (see its docstring)."""

from learn.models import SchoolLesson, TrackAssignment
from learn.services import mark_lesson_done, save_lesson_reflection

PAGES: dict[str, str] = {
    "learn": "student",
    "learn_lesson": "student",
    "learn_done": "student",
    "learn_undo": "student",
    "learn_reflection": "student",
    # Each student's own reflection on a lesson: a classmate reaches only theirs (none: 404).
    "learn_reflection_delete": "student_object",
    "learn_school": "staff",
    "learn_school_lesson_new": "staff",
    "learn_school_assign": "staff",
    "learn_school_lesson_edit": "staff_object",
    "learn_school_unassign": "staff_object",
}


def api_rule(path: str) -> str | None:
    if path.startswith("/api/learn"):
        return "student"
    return None


def objects(world: dict) -> dict:
    student = world["users"]["student"]
    lesson = SchoolLesson.objects.create(
        school=world["school"],
        title="Rest at Riverside",
        track="boundaries-rest",
        minutes=3,
        summary="Where to rest.",
        body="## Rooms\nThe lounge on level 2.",
        sources="Riverside guide.",
    )
    mark_lesson_done(student=student, slug=lesson.slug)
    save_lesson_reflection(student=student, slug=lesson.slug, body="my lesson thought")
    assignment = TrackAssignment.objects.create(
        school=world["school"], cohort=world["cohort"], track="sleep-on-call"
    )
    return {
        "kwargs": {
            "lesson_slug": lesson.slug,
            "lesson_id": lesson.pk,
            "assignment_id": assignment.pk,
        },
        "secrets": ["my lesson thought"],
    }
