import re
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Field, Router, Schema, Status
from pydantic import StrictBool, StrictInt

import instruments
from accounts.decorators import require_student
from lib.api_types import ErrorOut, IsoDate
from schools.models import Enrollment
from support.api_types import (
    CrisisOut,
    RefusedWithCrisisOut,
    crisis_payload,
    refused_with_crisis,
)

from . import selectors, services
from .models import MAX_NOTE_CHARS, SafetyEvent

checkins_router = Router(tags=["check-ins"])
screenings_router = Router(tags=["screenings"])
instruments_router = Router(tags=["instruments"])
safety_router = Router(tags=["safety"])

Scale = Field(..., ge=1, le=5)
LeftOut = Field(
    None, ge=1, le=5, description="Left out or null: a quick check-in (see the operation)."
)
IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
REPLAY_SECONDS = 7 * 24 * 3600
QUICK_ANSWERS = ("stress", "energy", "sleep_hours", "sleep_quality", "loneliness", "purpose")
SELF_CARE = ("ate_well", "moved", "rested", "connected", "meditated", "therapy")


class CheckInIn(Schema):
    mood: StrictInt = Scale
    stress: StrictInt | None = LeftOut
    energy: StrictInt | None = LeftOut
    sleep_hours: Decimal | None = Field(None, ge=0, le=16, max_digits=3, decimal_places=1)
    sleep_quality: StrictInt | None = LeftOut
    loneliness: StrictInt | None = LeftOut
    purpose: StrictInt | None = LeftOut
    ate_well: StrictBool = False
    moved: StrictBool = False
    rested: StrictBool = False
    connected: StrictBool = False
    meditated: StrictBool = False
    therapy: StrictBool = False
    note: str = Field("", max_length=MAX_NOTE_CHARS)


class CheckInOut(Schema):
    day: date
    rotation: str | None
    mood: int
    # Left out (null) by a quick check-in.
    stress: int | None
    energy: int | None
    sleep_hours: float | None
    sleep_quality: int | None
    loneliness: int | None
    purpose: int | None
    ate_well: bool
    moved: bool
    rested: bool
    connected: bool
    meditated: bool
    therapy: bool
    note: str


class CheckInSavedOut(CheckInOut):
    crisis: CrisisOut | None = Field(
        None,
        description="Crisis resources, when the note's words sounded like a crisis: show them "
        "to the student first. Nobody else is told; the note is not kept anywhere else.",
    )


class ScreeningIn(Schema):
    instrument: str = Field(..., max_length=40)
    answers: list[StrictInt | None] = Field(..., max_length=50)
    submission_key: str | None = Field(
        None,
        min_length=1,
        max_length=64,
        description="Any unique string per submission; a retry with the same key returns "
        "the first result instead of recording a second one.",
    )


class ScreeningOut(Schema):
    id: int
    instrument: str
    day: date
    taken_at: datetime
    score: float
    band: str | None
    band_meaning: str | None = None
    flags: list[str]
    prorated: bool
    note: str = "A screening, not a diagnosis."
    crisis: CrisisOut | None = None


class ScreeningRejectedOut(ErrorOut):
    crisis: CrisisOut | None = None


class InstrumentOut(Schema):
    id: str
    name: str
    short_name: str
    items: int
    citation: str
    licence: str


class ScheduleIn(Schema):
    every_days: StrictInt | None = Field(..., ge=7, le=365)


class ScheduleOut(Schema):
    instrument: str
    every_days: int | None
    due: bool


QUICK_DESCRIPTION = (
    "Only `mood` is required. With every answer it is the full check-in; with some left out "
    "(or null) it is the quick check-in of the web (mood and, say, sleep quality): the answers "
    "sent are saved and the rest of the day's check-in stays as it was, or empty."
)


def student(request):
    return require_student(request, "Only students have check-ins and screenings.")


def checkin_out(checkin) -> dict:
    return {
        **{field: getattr(checkin, field) for field in CheckInOut.model_fields if field != "note"},
        "rotation": checkin.rotation.name if checkin.rotation else None,
        "sleep_hours": None if checkin.sleep_hours is None else float(checkin.sleep_hours),
        "note": selectors.checkin_note(checkin),
    }


@checkins_router.get("", response=list[CheckInOut], summary="My check-ins between two days")
def list_checkins(request, start: IsoDate | None = None, end: IsoDate | None = None):
    user = student(request)
    end = end or request.enrollment.school.today()  # the student's today, not UTC's
    start = start or end - timedelta(days=30)
    if start > end or (end - start).days > 366:
        raise ValidationError({"start": "Ask for at most 366 days, with start before end."})
    return [checkin_out(c) for c in selectors.checkins_between(user, start, end)]


@checkins_router.get(
    "/today", response={200: CheckInOut, 404: ErrorOut}, summary="Today's check-in"
)
def get_today(request):
    checkin = selectors.todays_checkin(student(request))
    if checkin is None:
        raise Http404
    return checkin_out(checkin)


@checkins_router.put(
    "/today",
    response={
        200: CheckInSavedOut,
        201: CheckInSavedOut,
        404: ErrorOut,
        409: ErrorOut,
        422: RefusedWithCrisisOut,
    },
    summary="Record or update today's check-in (idempotent)",
    description=QUICK_DESCRIPTION,
)
def put_today(request, payload: CheckInIn):
    return _put_checkin(request, payload, day=None)


@checkins_router.put(
    "/{day}",
    response={
        200: CheckInSavedOut,
        201: CheckInSavedOut,
        404: ErrorOut,
        409: ErrorOut,
        422: RefusedWithCrisisOut,
    },
    summary="Record or update the check-in of a day: today, or yesterday (idempotent)",
    description="Yesterday is open for a check-in after a night on call (up to 48 hours "
    "back), unless its week's anonymous figures are already published: then, and for any "
    "earlier or future day, the answer is 422 with the reason under `day`. " + QUICK_DESCRIPTION,
)
def put_day(request, day: IsoDate, payload: CheckInIn):
    return _put_checkin(request, payload, day=day)


def _put_checkin(request, payload: CheckInIn, *, day: date | None):
    """With an Idempotency-Key (a phone's outbox sends one), a copy sent again after a lost
    reply is answered with the day's check-in as it is now, and never overwrites an edit made
    since. Keys are per student and kept a week in the shared cache."""
    user = student(request)
    key = request.headers.get("Idempotency-Key", "")
    if not key:
        return _record(request, user, payload, day)
    if not IDEMPOTENCY_KEY.match(key):
        raise ValidationError({"Idempotency-Key": "Use 8-64 letters, digits, - or _."})
    cache_key = f"api-checkin:{user.pk}:{key}"
    if not cache.add(cache_key, "pending", REPLAY_SECONDS):
        if cache.get(cache_key) != "done":
            return Status(409, {"detail": "This check-in is being saved already."})
        checkin = selectors.checkin_on(user, day or request.enrollment.school.today())
        if checkin is None:
            raise Http404  # deleted since
        return Status(200, checkin_out(checkin) | {"crisis": None})
    try:
        response = _record(request, user, payload, day)
    except BaseException:
        cache.delete(cache_key)  # refused: it may be corrected and sent again with its key
        raise
    if response.status_code < 400:
        cache.set(cache_key, "done", REPLAY_SECONDS)
    else:
        cache.delete(cache_key)
    return response


def _record(request, user, payload: CheckInIn, day: date | None):
    school = request.enrollment.school
    # Screened as written, before the note is encrypted (and whether or not it can be saved).
    crisis = services.screen_private_writing(student=user, text=payload.note)
    quick = any(getattr(payload, name) is None for name in QUICK_ANSWERS)
    if quick and (payload.note or any(getattr(payload, name) for name in SELF_CARE)):
        # The quick check-in keeps the day's self-care and note as they were: taking them here
        # and dropping them would lose what the student sent without a word.
        error = ValidationError(
            {
                "note": "A quick check-in (some answers left out) takes no self-care or note: "
                "send every answer to record them."
            }  # fmt: skip
        )
        if not crisis:
            raise error
        return Status(422, refused_with_crisis(error, school))
    try:
        checkin, created = services.record_checkin(
            student=user,
            values=payload.model_dump(),
            day=day,
            enrollment=request.enrollment,
            quick=quick,
        )
    except ValidationError as error:
        if not crisis:
            raise
        return Status(422, refused_with_crisis(error, school))
    body = checkin_out(checkin) | {"crisis": crisis_payload(school) if crisis else None}
    return Status(201 if created else 200, body)


@checkins_router.delete(
    "/today", response={204: None, 404: ErrorOut}, summary="Delete today's check-in"
)
def delete_today(request):
    if not services.delete_checkin(student=student(request)):
        raise Http404
    return Status(204, None)


def screening_out(response, band_meaning: str | None = None) -> dict:
    if band_meaning is None:
        band = instruments.get_instrument(response.instrument).band_for(response.score)
        band_meaning = band.meaning if band else None
    return {
        "id": response.pk,
        "instrument": response.instrument,
        "day": response.day,
        "taken_at": response.taken_at,
        "score": response.score,
        "band": response.band or None,
        "band_meaning": band_meaning,
        "flags": response.flags,
        "prorated": response.prorated,
        "crisis": crisis_payload(response.school) if "self_harm" in response.flags else None,
    }


@screenings_router.post(
    "",
    response={200: ScreeningOut, 201: ScreeningOut, 422: ScreeningRejectedOut},
    summary="Take a screening: answers are option values in item order (null = skipped)",
)
def take_screening(request, payload: ScreeningIn):
    user = student(request)
    key = payload.submission_key or request.headers.get("Idempotency-Key") or uuid.uuid4().hex
    try:
        outcome = services.record_screening(
            student=user,
            instrument_id=payload.instrument,
            answers=payload.answers,
            submission_key=key,
        )
    except services.ScreeningRejected as error:
        school = Enrollment.objects.get(student=user).school
        body = {
            "detail": "These answers cannot be scored.",
            "errors": error.message_dict,
            "crisis": crisis_payload(school) if error.show_crisis else None,
        }
        return Status(422, body)
    status = 201 if outcome.created else 200
    return Status(status, screening_out(outcome.response, outcome.band_meaning))


@screenings_router.get("", response=list[ScreeningOut], summary="My screening results")
def list_screenings(request, instrument: str | None = None):
    return [screening_out(r) for r in selectors.screening_history(student(request), instrument)]


@screenings_router.get("/schedule", response=list[ScheduleOut], summary="My reminder schedule")
def get_schedule(request):
    return [
        {"instrument": s.instrument.id, "every_days": s.every_days, "due": s.due}
        for s in selectors.screening_statuses(student(request))
    ]


@screenings_router.put(
    "/schedule/{instrument_id}",
    response={200: ScheduleOut, 422: ErrorOut},
    summary="Set how often to remind me (null = never)",
)
def put_schedule(request, instrument_id: str, payload: ScheduleIn):
    user = student(request)
    services.set_screening_schedule(
        student=user, instrument_id=instrument_id, every_days=payload.every_days
    )
    status = next(s for s in selectors.screening_statuses(user) if s.instrument.id == instrument_id)
    return {"instrument": instrument_id, "every_days": status.every_days, "due": status.due}


@screenings_router.get(
    "/{int:response_id}", response={200: ScreeningOut, 404: ErrorOut}, summary="One result"
)
def get_screening(request, response_id: int):
    response = selectors.screening_of(student(request), response_id)
    if response is None:
        raise Http404
    return screening_out(response)


@screenings_router.get(
    "/{int:response_id}/fhir",
    response={200: dict, 404: ErrorOut},
    summary="One result as a FHIR R4 QuestionnaireResponse",
)
def get_screening_fhir(request, response_id: int):
    response = selectors.screening_of(student(request), response_id)
    if response is None:
        raise Http404
    return instruments.questionnaire_response(
        response.instrument, response.answers, authored=response.taken_at
    )


@instruments_router.get("", response=list[InstrumentOut], summary="Available screenings")
def list_instruments(request):
    return [
        {
            "id": i.id,
            "name": i.name,
            "short_name": i.short_name,
            "items": len(i.items),
            "citation": i.citation,
            "licence": i.licence,
        }
        for i in map(instruments.get_instrument, instruments.instrument_ids())
    ]


@instruments_router.get(
    "/{instrument_id}/questionnaire",
    response={200: dict, 404: ErrorOut},
    summary="An instrument as a FHIR R4 Questionnaire",
)
def get_questionnaire(request, instrument_id: str):
    try:
        return instruments.questionnaire(instrument_id)
    except instruments.UnknownInstrument:
        raise Http404 from None


@safety_router.post(
    "/not-safe", response=CrisisOut, summary="“I'm not safe right now”: crisis resources"
)
def not_safe(request):
    user = student(request)
    services.record_safety_event(student=user, trigger=SafetyEvent.Trigger.NOT_SAFE_BUTTON)
    return crisis_payload(Enrollment.objects.get(student=user).school)


@safety_router.get(
    "/history", response=list[datetime], summary="When crisis resources were shown to me"
)
def safety_history(request):
    return [event.shown_at for event in selectors.safety_history(student(request))]
