from datetime import date, time, timedelta
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from ninja import Field, Router, Schema, Status
from pydantic import StrictInt

from accounts.decorators import require_student
from lib.api_types import ErrorOut, IsoDate
from schools.selectors import enrollment_for

from . import selectors, services
from .models import DEFAULT_HABITS

router = Router(tags=["habits"])


class DefaultHabitOut(Schema):
    kind: str
    name: str
    per_week: int
    target_hours: float | None


class DayOut(Schema):
    day: date
    done: bool
    hours: float | None


class HabitOut(Schema):
    id: int
    kind: str
    name: str
    per_week: int = Field(..., description="Target times a week; 7 means every day.")
    target_hours: float | None
    state: str
    done_today: bool
    strength: int = Field(
        ..., description="0-100, exponentially smoothed as in Loop Habit Tracker."
    )
    streak: int = Field(..., description="A forgiving run: days (daily habits) or weeks on target.")
    streak_unit: str
    this_week: int
    done_last_7: int
    last_days: list[DayOut]
    remind_at: str | None = Field(
        None, description="A daily reminder at this time (HH:MM, the student's time zone)."
    )


class EnableIn(Schema):
    kind: str = Field(..., max_length=20, description="One of the kinds in GET /defaults.")


class HabitIn(Schema):
    name: str = Field(..., min_length=1, max_length=60)
    per_week: StrictInt = Field(..., ge=1, le=7)
    target_hours: Decimal | None = Field(None, ge=3, le=12, max_digits=3, decimal_places=1)


class HabitPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=60)
    per_week: StrictInt | None = Field(None, ge=1, le=7)
    target_hours: Decimal | None = Field(None, ge=3, le=12, max_digits=3, decimal_places=1)
    state: Literal["active", "paused", "archived"] | None = None
    # HH:MM, or null for no reminder. A plain pattern: OpenAPI's "time" format wants an offset.
    remind_at: str | None = Field(None, pattern=r"^([01]\d|2[0-3]):[0-5]\d$")


class LogIn(Schema):
    hours: Decimal | None = Field(None, ge=0, le=16, max_digits=3, decimal_places=1)


class LogOut(Schema):
    day: date
    hours: float | None


def student(request):
    return require_student(request, "Only students have habits.")


def _float(value) -> float | None:
    return None if value is None else float(value)


def habit_out(summary: selectors.HabitSummary) -> dict:
    habit = summary.habit
    return {
        "id": habit.pk,
        "kind": habit.kind,
        "name": habit.name,
        "per_week": habit.target_per_week,
        "target_hours": _float(habit.target_hours),
        "state": habit.state,
        "done_today": summary.done_today,
        "strength": summary.strength,
        "streak": summary.streak,
        "streak_unit": summary.streak_unit,
        "this_week": summary.this_week,
        "done_last_7": summary.done_last_7,
        "last_days": [
            {"day": s.day, "done": s.done, "hours": _float(s.hours)} for s in summary.last_days
        ],
        "remind_at": habit.remind_at.strftime("%H:%M") if habit.remind_at else None,
    }


def _summary(user, habit) -> dict:
    return habit_out(selectors.summary_of(user, habit))


@router.get("", response=list[HabitOut], summary="My habits, with strength and streaks")
def list_habits(request, include_archived: bool = False):
    user = student(request)
    today = enrollment_for(user).school.today()
    summaries = selectors.habit_summaries(user, today, include_archived=include_archived)
    return [habit_out(s) for s in summaries]


@router.get("/defaults", response=list[DefaultHabitOut], summary="The default habits")
def list_defaults(request):
    student(request)
    return [
        {
            "kind": d.kind,
            "name": d.name,
            "per_week": d.per_week,
            "target_hours": _float(d.target_hours),
        }
        for d in DEFAULT_HABITS
    ]


@router.post(
    "/defaults",
    response={200: HabitOut, 422: ErrorOut},
    summary="Switch on a default habit (idempotent; restores an archived one)",
)
def enable_default(request, payload: EnableIn):
    user = student(request)
    return _summary(user, services.enable_default_habit(student=user, kind=payload.kind))


@router.post("", response={201: HabitOut, 422: ErrorOut}, summary="Create my own habit")
def create_habit(request, payload: HabitIn):
    user = student(request)
    habit = services.create_habit(
        student=user,
        name=payload.name,
        per_week=payload.per_week,
        target_hours=payload.target_hours,
    )
    return Status(201, _summary(user, habit))


@router.patch(
    "/{int:habit_id}",
    response={200: HabitOut, 404: ErrorOut, 422: ErrorOut},
    summary="Rename, change the target, pause, resume or archive a habit",
)
def patch_habit(request, habit_id: int, payload: HabitPatch):
    user = student(request)
    changes = payload.model_dump(exclude_unset=True)
    state = changes.pop("state", None)
    if changes.get("remind_at"):
        changes["remind_at"] = time.fromisoformat(changes["remind_at"])
    with transaction.atomic():
        habit = services.own_habit(user, habit_id)
        if state == "active":
            habit = services.resume_habit(student=user, habit_id=habit_id)
        if changes:
            habit = services.update_habit(student=user, habit_id=habit_id, **changes)
        if state == "paused":
            habit = services.pause_habit(student=user, habit_id=habit_id)
        elif state == "archived":
            habit = services.archive_habit(student=user, habit_id=habit_id)
    return _summary(user, habit)


@router.put(
    "/{int:habit_id}/logs/{day}",
    response={200: LogOut, 404: ErrorOut, 422: ErrorOut},
    summary="Mark a day done: today or one of the last 7 days (idempotent)",
)
def put_log(request, habit_id: int, day: IsoDate, payload: LogIn | None = None):
    hours = payload.hours if payload else None
    log = services.log_habit(student=student(request), habit_id=habit_id, day=day, hours=hours)
    return {"day": log.day, "hours": _float(log.hours)}


@router.delete(
    "/{int:habit_id}/logs/{day}",
    response={204: None, 404: ErrorOut, 422: ErrorOut},
    summary="Undo a day (within the last 7 days)",
)
def delete_log(request, habit_id: int, day: IsoDate):
    if not services.unlog_habit(student=student(request), habit_id=habit_id, day=day):
        raise Http404
    return Status(204, None)


@router.get(
    "/{int:habit_id}/logs",
    response={200: list[LogOut], 404: ErrorOut, 422: ErrorOut},
    summary="The days a habit was done, between two days (default: the last 30)",
)
def list_logs(request, habit_id: int, start: IsoDate | None = None, end: IsoDate | None = None):
    user = student(request)
    habit = services.own_habit(user, habit_id)
    end = end or enrollment_for(user).school.today()
    start = start or end - timedelta(days=30)
    if start > end or (end - start).days > 366:
        raise ValidationError({"start": "Ask for at most 366 days, with start before end."})
    return [
        {"day": log.day, "hours": _float(log.hours)}
        for log in selectors.logs_between(user, habit.pk, start, end)
    ]
