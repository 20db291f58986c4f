"""Every write in learn: a student's progress and reflections, a school's lessons and assignments.

Student writes are idempotent (a double tap on "Mark as done" keeps one row); staff writes
take the acting user (`by=`) and record their audit event in the same transaction.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from schools.models import Cohort, School
from schools.selectors import enrollment_for
from vault.audit import record_event
from vault.services import encrypt_text

from .models import (
    MAX_REFLECTION_CHARS,
    LessonProgress,
    LessonReflection,
    SchoolLesson,
    TrackAssignment,
)
from .rendering import has_raw_html
from .selectors import Lesson, completion_cutoff, lesson_for
from .tracks import TRACKS

LESSON_FIELDS = ("title", "track", "minutes", "summary", "body", "sources")


def readable_lesson(student, slug: str) -> Lesson:
    """The lesson `student` may read, or 404: unknown, unpublished and other schools' alike."""
    lesson = lesson_for(enrollment_for(student).school, slug)
    if lesson is None:
        raise Http404("No such lesson.")
    return lesson


@transaction.atomic
def mark_lesson_done(*, student, slug: str) -> LessonProgress:
    """Mark done (a retry changes nothing); re-doing an undone lesson revives its row.

    If the undo happened this week, the staff count never saw it, so the original `done_at`
    stays; an older undo was counted, so the lesson counts again only from now.
    """
    lesson = readable_lesson(student, slug)
    school = enrollment_for(student).school
    progress, created = LessonProgress.objects.select_for_update().get_or_create(
        student=student,
        lesson=lesson.slug,
        defaults={"school": school, "track": lesson.track},
    )
    if not created and progress.undone_at is not None:
        if progress.undone_at < completion_cutoff(school):
            progress.done_at = timezone.now()
        progress.undone_at = None
        progress.save(update_fields=["done_at", "undone_at"])
    return progress


@transaction.atomic
def undo_lesson_done(*, student, slug: str) -> bool:
    """Not done any more. A lesson done this week is simply deleted (no count has it yet);
    one done earlier keeps its row with `undone_at`, so this week's staff count stands."""
    readable_lesson(student, slug)
    progress = (
        LessonProgress.objects.select_for_update()
        .filter(student=student, lesson=slug, undone_at__isnull=True)
        .first()
    )
    if progress is None:
        return False
    if progress.done_at >= completion_cutoff(progress.school):
        progress.delete()
    else:
        progress.undone_at = timezone.now()
        progress.save(update_fields=["undone_at"])
    return True


def _clean_reflection(body: str | None) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write something first, or delete the reflection."})
    if len(body) > MAX_REFLECTION_CHARS:
        raise ValidationError(
            {"body": f"Keep a reflection under {MAX_REFLECTION_CHARS:,} characters."}
        )
    return body


@transaction.atomic
def save_lesson_reflection(*, student, slug: str, body: str) -> LessonReflection:
    """Create or replace the student's one reflection on a lesson (a retry changes nothing)."""
    lesson = readable_lesson(student, slug)
    encrypted = encrypt_text(student, _clean_reflection(body))
    reflection = (
        LessonReflection.objects.select_for_update()
        .filter(student=student, lesson=lesson.slug)
        .first()
    )
    if reflection is None:
        return LessonReflection.objects.create(
            student=student,
            school=enrollment_for(student).school,
            lesson=lesson.slug,
            body_encrypted=encrypted,
        )
    reflection.body_encrypted = encrypted
    reflection.save(update_fields=["body_encrypted", "updated_at"])
    return reflection


@transaction.atomic
def delete_lesson_reflection(*, student, slug: str) -> bool:
    deleted, _ = LessonReflection.objects.filter(student=student, lesson=slug).delete()
    return deleted > 0


NO_HTML = "Lessons are Markdown; HTML tags like <script> are not allowed."


def _validated(lesson: SchoolLesson) -> SchoolLesson:
    """Field errors for staff, including HTML: the page would drop it silently otherwise."""
    errors = {}
    try:
        lesson.full_clean(exclude=["school"])
    except ValidationError as error:
        errors = error.message_dict
    if has_raw_html(lesson.body):
        errors.setdefault("body", []).append(NO_HTML)
    if errors:
        raise ValidationError(errors)
    return lesson


@transaction.atomic
def create_school_lesson(*, by, school: School, published: bool = True, **fields) -> SchoolLesson:
    values = {name: fields[name] for name in LESSON_FIELDS}
    lesson = _validated(SchoolLesson(school=school, published=published, **values))
    lesson.save()
    record_event("school_lesson_changed", actor_id=by.pk, school_id=school.pk)
    return lesson


@transaction.atomic
def update_school_lesson(*, by, lesson: SchoolLesson, published: bool, **fields) -> SchoolLesson:
    for name in LESSON_FIELDS:
        setattr(lesson, name, fields[name])
    lesson.published = published
    _validated(lesson).save()
    record_event("school_lesson_changed", actor_id=by.pk, school_id=lesson.school_id)
    return lesson


@transaction.atomic
def assign_track(
    *, by, school: School, cohort: Cohort, track: str, complete_by: date | None = None
) -> TrackAssignment:
    """Assign (or re-date) a track for a cohort; assigning twice keeps one assignment."""
    if cohort.school_id != school.pk:
        raise ValidationError({"cohort": "Pick one of your school's cohorts."})
    if track not in TRACKS:
        raise ValidationError({"track": "Pick one of the tracks."})
    assignment, _ = TrackAssignment.objects.update_or_create(
        cohort=cohort, track=track, defaults={"school": school, "complete_by": complete_by}
    )
    record_event("track_assigned", actor_id=by.pk, school_id=school.pk)
    return assignment


@transaction.atomic
def unassign_track(*, by, assignment: TrackAssignment) -> None:
    school_id = assignment.school_id
    assignment.delete()
    record_event("track_assigned", actor_id=by.pk, school_id=school_id)
