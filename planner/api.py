from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from pydantic import StrictInt

from accounts.decorators import require_student
from lib.api_types import ErrorOut, IsoDate, LocalTime
from lib.dates import week_of
from reminders.selectors import quiet_hours_of

from . import ics, imports, selectors, services

router = Router(tags=["planner"])

EventKind = Literal["shift", "call", "night_float", "exam", "class", "other"]
BlockKind = Literal["sleep", "movement", "meal", "rest", "people", "exam_eve"]


class EventOut(Schema):
    id: int
    kind: str
    starts_at: datetime
    ends_at: datetime
    all_day: bool
    source: str


class EventIn(Schema):
    kind: EventKind
    starts_at: datetime = Field(..., description="With an offset, or local to your time zone.")
    ends_at: datetime


class ImportIn(Schema):
    ics: str = Field(..., max_length=ics.MAX_BYTES, description="The .ics file's text.")


class ImportOut(Schema):
    added: int
    updated: int
    removed: int = 0  # occurrences gone from the file since the last import
    removed_blocks: int = 0  # accepted blocks the new commitments overlapped


class QueuedImportOut(Schema):
    state: Literal["queued", "done", "refused"] = Field(
        ..., description="queued until the worker has read the calendar"
    )
    result: ImportOut | None = None
    message: str = Field("", description="Why it was not imported (state refused).")
    created_at: datetime
    finished_at: datetime | None = None


LOCAL_TIME = r"^\d{2}:\d{2}:\d{2}$"


class PrefsOut(Schema):
    sleep_hours: float
    # Times of day in the student's zone, HH:MM:SS (JSON Schema's "time" format asks for an
    # offset, which a local time of day has not); null when the student has no quiet hours.
    quiet_start: str | None = Field(..., pattern=LOCAL_TIME)
    quiet_end: str | None = Field(..., pattern=LOCAL_TIME)
    timezone: str
    email_reminders: bool
    reminders_per_day: int
    weekly_nudge: bool
    feed_active: bool


class PrefsIn(Schema):
    """`quiet_start`/`quiet_end` are the student's one set of quiet hours, shared with every
    reminder (the reminder settings): left out, they stay as they are; both null, none."""

    sleep_hours: Decimal = Field(..., ge=4, le=12, max_digits=3, decimal_places=1)
    quiet_start: LocalTime | None = None
    quiet_end: LocalTime | None = None
    timezone: str = Field("", max_length=64)
    email_reminders: bool = False
    reminders_per_day: StrictInt = Field(1, ge=1, le=5)
    weekly_nudge: bool = True


class BlockOut(Schema):
    id: int | None
    kind: str
    proposed_start: datetime
    starts_at: datetime
    ends_at: datetime
    state: str


class ProposalOut(Schema):
    week_start: IsoDate
    blocks: list[BlockOut]
    warnings: list[str]


class DecideIn(Schema):
    kind: BlockKind
    proposed_start: datetime


class MoveIn(Schema):
    starts_at: datetime


class FeedOut(Schema):
    url: str = Field(..., description="Shown once: only a hash of its token is kept.")


def student(request):
    return require_student(request, "Only students have a planner.")


def _event(e) -> dict:
    return {
        "id": e.pk,
        "kind": e.kind,
        "starts_at": e.starts_at,
        "ends_at": e.ends_at,
        "all_day": e.all_day,
        "source": e.source,
    }


def _block(b) -> dict:
    return {
        "id": b.pk,
        "kind": b.kind,
        "proposed_start": b.proposed_start,
        "starts_at": b.starts_at,
        "ends_at": b.ends_at,
        "state": b.state,
    }


@router.get(
    "/events",
    response={200: list[EventOut], 422: ErrorOut},
    summary="My commitments, from a day on",
)
def list_events(request, start: IsoDate | None = None, days: int = 28):
    user = student(request)
    if not 1 <= days <= 120:
        raise ValidationError({"days": "Ask for 1 to 120 days."})
    if start is not None and not selectors.plannable(start):
        raise ValidationError({"start": "Choose a day within three years of today."})
    zone = services.zone_of(user)
    start = start or timezone.localdate(timezone=zone)
    low = datetime.combine(start, time(), tzinfo=zone)
    return [_event(e) for e in selectors.events_between(user, low, low + timedelta(days=days))]


@router.post("/events", response={201: EventOut, 422: ErrorOut}, summary="Add a commitment")
def create_event(request, payload: EventIn):
    user = student(request)
    event = services.add_event(
        student=user, kind=payload.kind, starts_at=payload.starts_at, ends_at=payload.ends_at
    )
    return Status(201, _event(event))


@router.delete(
    "/events/{int:event_id}", response={204: None, 404: ErrorOut}, summary="Delete a commitment"
)
def delete_event(request, event_id: int):
    services.delete_event(student=student(request), event_id=event_id)
    return Status(204, None)


@router.post(
    "/import",
    response={200: ImportOut, 202: QueuedImportOut, 422: ErrorOut},
    summary="Import an .ics calendar (next 120 days; all or nothing; re-import updates)",
    description="A large calendar, or one not read within the request's time, is imported by "
    "the worker instead: 202, then follow GET /api/planner/import/latest.",
)
def import_calendar(request, payload: ImportIn):
    user = student(request)
    data = payload.ics.encode()
    try:
        if len(data) > imports.INLINE_BYTES:
            return Status(202, _import_job(imports.queue_calendar_import(student=user, data=data)))
        try:
            return services.import_calendar(student=user, data=data)
        except ics.TooComplex:
            return Status(202, _import_job(imports.queue_calendar_import(student=user, data=data)))
    except ics.CalendarError as error:
        raise ValidationError({"ics": str(error)}) from error


@router.get(
    "/import/latest",
    response={200: QueuedImportOut, 404: ErrorOut},
    summary="My latest import run by the worker, and its outcome when ready",
)
def latest_import(request):
    job = imports.latest_import(student(request))
    if job is None:
        raise Http404
    return _import_job(job)


def _import_job(job) -> dict:
    return {
        "state": job.state,
        "result": job.result,
        "message": job.message,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
    }


def _prefs(prefs) -> dict:
    quiet = quiet_hours_of(prefs.student)
    quiet_start, quiet_end = (
        (t.isoformat(timespec="seconds") for t in quiet) if quiet else (None,) * 2
    )
    return {
        "sleep_hours": float(prefs.sleep_hours),
        "quiet_start": quiet_start,
        "quiet_end": quiet_end,
        "timezone": prefs.timezone,
        "email_reminders": prefs.email_reminders,
        "reminders_per_day": prefs.reminders_per_day,
        "weekly_nudge": prefs.weekly_nudge,
        "feed_active": bool(prefs.feed_token_hash),
    }


@router.get("/prefs", response=PrefsOut, summary="My planner preferences")
def get_prefs(request):
    return _prefs(services.prefs_of(student(request)))


@router.put("/prefs", response={200: PrefsOut, 422: ErrorOut}, summary="Set my preferences")
def put_prefs(request, payload: PrefsIn):
    user = student(request)
    # The quiet hours are every reminder's (the reminder settings'): left out, they stay.
    changes = payload.model_dump(exclude={"quiet_start", "quiet_end"} - payload.model_fields_set)
    return _prefs(services.update_prefs(student=user, **changes))


@router.get(
    "/proposal",
    response={200: ProposalOut, 422: ErrorOut},
    summary="The proposed blocks of seven days, with my answers",
    description=(
        "Seven days from `start` (default: today, as the planner page opens), or the "
        "calendar week holding `week`. `week_start` is the first day shown."
    ),
)
def proposal(request, week: IsoDate | None = None, start: IsoDate | None = None):
    user = student(request)
    if week is not None and start is not None:
        raise ValidationError({"start": "Give either a week or a first day, not both."})
    day = week if week is not None else start
    if day is not None and not selectors.plannable(day):
        name = "week" if week is not None else "start"
        raise ValidationError({name: "Choose a day within three years of today."})
    if week is not None:
        week_start = week_of(week)
    else:
        week_start = start or timezone.localdate(timezone=services.zone_of(user))
    view = selectors.week_view(user, week_start)
    return {
        "week_start": week_start,
        "warnings": view.warnings,
        "blocks": [
            {
                "id": b.block_id,
                "kind": b.kind,
                "proposed_start": b.proposed_start,
                "starts_at": b.start,
                "ends_at": b.end,
                "state": b.state,
            }
            for day in view.days
            for b in day.blocks
        ],
    }


@router.post(
    "/blocks/accept", response={200: BlockOut, 422: ErrorOut}, summary="Accept a proposed block"
)
def accept_block(request, payload: DecideIn):
    user = student(request)
    return _block(
        services.decide_block(
            student=user, kind=payload.kind, proposed_start=payload.proposed_start, accept=True
        )
    )


@router.post(
    "/blocks/reject", response={200: BlockOut, 422: ErrorOut}, summary="Reject a proposed block"
)
def reject_block(request, payload: DecideIn):
    user = student(request)
    return _block(
        services.decide_block(
            student=user, kind=payload.kind, proposed_start=payload.proposed_start, accept=False
        )
    )


@router.patch(
    "/blocks/{int:block_id}",
    response={200: BlockOut, 404: ErrorOut, 422: ErrorOut},
    summary="Move an answered block to a new start in its week",
)
def move_block(request, block_id: int, payload: MoveIn):
    user = student(request)
    return _block(services.move_block(student=user, block_id=block_id, starts_at=payload.starts_at))


@router.post(
    "/feed/rotate",
    response={200: FeedOut},
    summary="Create or rotate my private calendar feed URL (the old one stops working)",
)
def rotate_feed(request):
    from django.urls import reverse

    token = services.rotate_feed_token(student=student(request))
    return {"url": request.build_absolute_uri(reverse("planner_feed", args=[token]))}
