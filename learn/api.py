from datetime import date

from django.core.exceptions import ValidationError
from ninja import Field, Router, Schema, Status

from accounts.decorators import require_student
from checkins.services import screen_private_writing
from lib.api_types import ErrorOut
from support.api_types import CrisisOut, RefusedWithCrisisOut, crisis_payload, refused_with_crisis

from . import selectors, services
from .models import MAX_REFLECTION_CHARS

router = Router(tags=["learn"])


class LessonOut(Schema):
    slug: str
    title: str
    track: str
    minutes: int
    summary: str
    by_school: bool = Field(..., description="Written by the student's own school.")
    done: bool
    suggested: bool
    reasons: list[str] = Field(..., description="Why it is suggested, from the check-ins.")


class LessonDetailOut(LessonOut):
    html: str = Field(..., description="The lesson body, sanitized HTML.")
    sources: list[str]


class TrackOut(Schema):
    slug: str
    title: str
    assigned: bool = Field(..., description="Assigned to the student's cohort by the school.")
    complete_by: date | None
    done: int
    total: int
    lessons: list[LessonOut]


class ProgressOut(Schema):
    slug: str
    title: str
    done: int
    total: int


class DoneOut(Schema):
    slug: str
    done_at: str


class ReflectionIn(Schema):
    # Length is checked by the service, so the error names the field like the page's does.
    body: str = Field(..., description=f"At most {MAX_REFLECTION_CHARS:,} characters.")


class ReflectionOut(Schema):
    body: str
    updated_at: str


class ReflectionSavedOut(ReflectionOut):
    crisis: CrisisOut | None = Field(
        None,
        description="Crisis resources, when the words sounded like a crisis: show them to the "
        "student first. Nobody else is told; the text is kept only encrypted, as always.",
    )


def student(request):
    return require_student(request, "Only students have lessons.")


def _overview(request) -> selectors.Overview:
    user = student(request)
    return selectors.overview(user, request.enrollment, request.enrollment.school.today())


def _lesson_out(row: selectors.LessonRow) -> dict:
    lesson = row.lesson
    return {
        "slug": lesson.slug,
        "title": lesson.title,
        "track": lesson.track,
        "minutes": lesson.minutes,
        "summary": lesson.summary,
        "by_school": lesson.by_school,
        "done": row.done,
        "suggested": row.suggested,
        "reasons": list(row.reasons),
    }


def _track_out(track: selectors.TrackView) -> dict:
    return {
        "slug": track.slug,
        "title": track.title,
        "assigned": track.assigned,
        "complete_by": track.complete_by,
        "done": track.done,
        "total": track.total,
        "lessons": [_lesson_out(row) for row in track.rows],
    }


@router.get(
    "/tracks",
    response=list[TrackOut],
    summary="Tracks with their lessons: assigned by the school first",
)
def list_tracks(request):
    return [_track_out(track) for track in _overview(request).all_tracks()]


@router.get(
    "/lessons",
    response=list[LessonOut],
    summary="Every lesson the student can read, suggested ones first",
)
def list_lessons(request):
    rows = [row for track in _overview(request).all_tracks() for row in track.rows]
    return [_lesson_out(row) for row in sorted(rows, key=lambda r: not r.suggested)]


@router.get("/progress", response=list[ProgressOut], summary="Lessons done per track")
def progress(request):
    return [
        {"slug": t.slug, "title": t.title, "done": t.done, "total": t.total}
        for t in _overview(request).all_tracks()
    ]


def _row(request, lesson_slug: str) -> selectors.LessonRow:
    lesson = services.readable_lesson(student(request), lesson_slug)
    for track in _overview(request).all_tracks():
        for row in track.rows:
            if row.lesson.slug == lesson.slug:
                return row
    return selectors.LessonRow(lesson, False)


@router.get(
    "/lessons/{lesson_slug}",
    response={200: LessonDetailOut, 404: ErrorOut},
    summary="One lesson: body (sanitized HTML), sources, done",
)
def lesson_detail(request, lesson_slug: str):
    row = _row(request, lesson_slug)
    return {
        **_lesson_out(row),
        "html": str(row.lesson.html),
        "sources": list(row.lesson.sources),
    }


@router.put(
    "/lessons/{lesson_slug}/done",
    response={200: DoneOut, 404: ErrorOut},
    summary="Mark a lesson done (idempotent)",
)
def mark_done(request, lesson_slug: str):
    progress = services.mark_lesson_done(student=student(request), slug=lesson_slug)
    return {"slug": progress.lesson, "done_at": progress.done_at.isoformat()}


@router.delete(
    "/lessons/{lesson_slug}/done",
    response={204: None, 404: ErrorOut},
    summary="Undo: the lesson is no longer done",
)
def undo_done(request, lesson_slug: str):
    services.undo_lesson_done(student=student(request), slug=lesson_slug)
    return Status(204, None)


@router.get(
    "/lessons/{lesson_slug}/reflection",
    response={200: ReflectionOut, 404: ErrorOut},
    summary="My private reflection on a lesson (404 if none)",
)
def get_reflection(request, lesson_slug: str):
    user = student(request)
    lesson = services.readable_lesson(user, lesson_slug)
    reflection = selectors.reflection_of(user, lesson.slug)
    if reflection is None:
        return Status(404, {"detail": "No reflection on this lesson yet."})
    return {
        "body": selectors.reflection_text(user, reflection),
        "updated_at": reflection.updated_at.isoformat(),
    }


@router.put(
    "/lessons/{lesson_slug}/reflection",
    response={200: ReflectionSavedOut, 404: ErrorOut, 422: RefusedWithCrisisOut},
    summary="Write or replace my private reflection on a lesson (encrypted at rest)",
)
def put_reflection(request, lesson_slug: str, payload: ReflectionIn):
    user = student(request)
    school = request.enrollment.school
    # Screened as written, before it is encrypted (see checkins.services.screen_private_writing).
    crisis = screen_private_writing(student=user, text=payload.body)
    try:
        reflection = services.save_lesson_reflection(
            student=user, slug=lesson_slug, body=payload.body
        )
    except ValidationError as error:
        if not crisis:
            raise
        return Status(422, refused_with_crisis(error, school))
    return {
        "body": selectors.reflection_text(user, reflection),
        "updated_at": reflection.updated_at.isoformat(),
        "crisis": crisis_payload(school) if crisis else None,
    }


@router.delete(
    "/lessons/{lesson_slug}/reflection",
    response={204: None, 404: ErrorOut},
    summary="Delete my reflection on a lesson",
)
def delete_reflection(request, lesson_slug: str):
    user = student(request)
    services.readable_lesson(user, lesson_slug)
    if not services.delete_lesson_reflection(student=user, slug=lesson_slug):
        return Status(404, {"detail": "No reflection on this lesson."})
    return Status(204, None)
