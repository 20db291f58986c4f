from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Field, Query, Router, Schema, Status

from accounts.decorators import require_student
from checkins.services import screen_private_writing
from lib.api_types import ErrorOut
from support.api_types import CrisisOut, RefusedWithCrisisOut, crisis_payload, refused_with_crisis

from . import selectors, services
from .models import MAX_REFLECTION_CHARS
from .prompts import prompt_of_the_day

router = Router(tags=["insights"])


class EstimateOut(Schema):
    mean: float
    n: int
    low: float | None
    high: float | None


class TrendPointOut(Schema):
    day: date
    value: float
    average_7_days: float


class TrendOut(Schema):
    measure: str
    label: str
    last_7_days: float | None
    previous_7_days: float | None
    summary: str
    points: list[TrendPointOut]


class RotationOut(Schema):
    rotation: str
    days: int
    measures: dict[str, EstimateOut | None]


class DifferenceOut(Schema):
    value: float
    low: float
    high: float


class HabitLinkOut(Schema):
    habit: str
    outcome: str
    days_with: int
    days_without: int
    with_habit: EstimateOut | None
    without_habit: EstimateOut | None
    difference: DifferenceOut | None
    more_days_needed: int
    sentence: str


class SmallStepOut(Schema):
    text: str
    link_text: str
    url: str


class WeeklySummaryOut(Schema):
    start: date
    end: date
    days_checked_in: int
    days_checked_in_before: int
    went_well: list[str]
    slipped: list[str]
    step: SmallStepOut


# The length limit is the service's, so the API and the form give the same message.
class ReflectionIn(Schema):
    body: str = Field(..., description=f"At most {MAX_REFLECTION_CHARS:,} characters.")
    use_prompt: bool = Field(False, description="Answer today's prompt of the day.")


class ReflectionUpdateIn(Schema):
    body: str = Field(..., description=f"At most {MAX_REFLECTION_CHARS:,} characters.")


class ReflectionOut(Schema):
    id: int
    prompt: str
    body: str
    created_at: datetime
    updated_at: datetime


class ReflectionSavedOut(ReflectionOut):
    crisis: CrisisOut | None = Field(
        None,
        description="Crisis resources, when the words sounded like a crisis: show them to the "
        "student first. Nobody else is told; the text is kept only encrypted, as always.",
    )


def student(request):
    return require_student(request, "Only students have insights and a journal.")


def _estimate(e) -> dict | None:
    return None if e is None else {"mean": e.mean, "n": e.n, "low": e.low, "high": e.high}


def _trend_out(t: selectors.Trend) -> dict:
    return {
        "measure": t.measure.key,
        "label": t.measure.label,
        "last_7_days": t.last_week,
        "previous_7_days": t.previous_week,
        "summary": t.summary,
        "points": [{"day": r.day, "value": r.value, "average_7_days": r.average} for r in t.rows],
    }


@router.get("/trends", response={200: list[TrendOut], 422: ErrorOut}, summary="My trends")
def get_trends(request, measure: str | None = None, days: int = Query(90, ge=7, le=366)):
    user = student(request)
    if measure is not None and measure not in selectors.MEASURES:
        raise ValidationError({"measure": f"Pick one of: {', '.join(selectors.MEASURES)}."})
    today = request.enrollment.school.today()
    keys = [measure] if measure else list(selectors.MEASURES)
    return [_trend_out(selectors.trend(user, key, days, today=today)) for key in keys]


@router.get("/rotations", response=list[RotationOut], summary="My measures across rotations")
def get_rotations(request):
    user = student(request)
    groups = selectors.by_rotation(user, today=request.enrollment.school.today())
    return [
        {
            "rotation": g.label,
            "days": g.n,
            "measures": {key: _estimate(e) for key, e in g.estimates.items()},
        }
        for g in groups
    ]


@router.get("/habit-links", response=list[HabitLinkOut], summary="Habits and next-day mood")
def get_habit_links(request):
    user = student(request)
    rows = selectors.habit_links(user, today=request.enrollment.school.today())
    return [
        {
            "habit": row.habit,
            "outcome": row.outcome.key,
            "days_with": row.n_with,
            "days_without": row.n_without,
            "with_habit": _estimate(row.link.with_habit) if row.link else None,
            "without_habit": _estimate(row.link.without_habit) if row.link else None,
            "difference": (
                {
                    "value": row.link.difference.value,
                    "low": row.link.difference.low,
                    "high": row.link.difference.high,
                }
                if row.link
                else None
            ),
            "more_days_needed": row.more_days_needed,
            "sentence": row.sentence,
        }
        for row in rows
    ]


@router.get("/weekly-summary", response=WeeklySummaryOut, summary="My week")
def get_weekly_summary(request):
    user = student(request)
    week = selectors.weekly_summary(user, request.enrollment.school.today())
    return {
        "start": week.start,
        "end": week.end,
        "days_checked_in": week.days_checked_in,
        "days_checked_in_before": week.days_checked_in_before,
        "went_well": week.went_well,
        "slipped": week.slipped,
        "step": {"text": week.step.text, "link_text": week.step.link_text, "url": week.step.url},
    }


def _reflection_out(reflection) -> dict:
    entry = selectors.entry(reflection)
    return {
        "id": entry.id,
        "prompt": entry.prompt,
        "body": entry.body,
        "created_at": entry.created_at,
        "updated_at": entry.updated_at,
    }


def _own(user, reflection_id: int):
    reflection = selectors.reflection_of(user, reflection_id)
    if reflection is None:
        raise Http404
    return reflection


@router.get("/reflections", response=list[ReflectionOut], summary="My journal, newest first")
def list_reflections(request, page: int = Query(1, ge=1)):
    _, entries = selectors.reflections_page(student(request), page)
    return [e.__dict__ for e in entries]


def _screened_save(request, text: str, save):
    """Screen what the student wrote before it is encrypted (see
    checkins.services.screen_private_writing), then `save()` it. Answers (saved, body): the
    saved reflection with `crisis` when the words sounded like one, or a refusal that carries
    `crisis` too (a refusal without it is raised, as everywhere)."""
    crisis = screen_private_writing(student=request.auth, text=text)
    school = request.enrollment.school
    try:
        reflection = save()
    except ValidationError as error:
        if not crisis:
            raise
        return False, refused_with_crisis(error, school)
    return True, _reflection_out(reflection) | {
        "crisis": crisis_payload(school) if crisis else None
    }


@router.post(
    "/reflections",
    response={201: ReflectionSavedOut, 422: RefusedWithCrisisOut},
    summary="Write a reflection",
)
def create_reflection(request, payload: ReflectionIn):
    user = student(request)
    prompt = prompt_of_the_day(request.enrollment.school.today()) if payload.use_prompt else ""
    saved, body = _screened_save(
        request,
        payload.body,
        lambda: services.write_reflection(student=user, body=payload.body, prompt=prompt),
    )
    return Status(201 if saved else 422, body)


@router.get(
    "/reflections/{int:reflection_id}",
    response={200: ReflectionOut, 404: ErrorOut},
    summary="One reflection",
)
def get_reflection(request, reflection_id: int):
    return _reflection_out(_own(student(request), reflection_id))


@router.put(
    "/reflections/{int:reflection_id}",
    response={200: ReflectionSavedOut, 404: ErrorOut, 422: RefusedWithCrisisOut},
    summary="Change a reflection's text",
)
def put_reflection(request, reflection_id: int, payload: ReflectionUpdateIn):
    user = student(request)
    reflection = _own(user, reflection_id)
    saved, body = _screened_save(
        request,
        payload.body,
        lambda: services.update_reflection(student=user, reflection=reflection, body=payload.body),
    )
    return Status(200 if saved else 422, body)


@router.delete(
    "/reflections/{int:reflection_id}",
    response={204: None, 404: ErrorOut},
    summary="Delete a reflection",
)
def delete_reflection(request, reflection_id: int):
    user = student(request)
    services.delete_reflection(student=user, reflection=_own(user, reflection_id))
    return Status(204, None)


@router.get("/prompt", response=dict, summary="Today's journal prompt")
def get_prompt(request):
    student(request)
    return {"prompt": prompt_of_the_day(request.enrollment.school.today())}
