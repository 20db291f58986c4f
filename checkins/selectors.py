from dataclasses import dataclass
from datetime import date, timedelta

import instruments
from schools.selectors import enrollment_for
from vault.services import decrypt_text

from .models import CheckIn, SafetyEvent, ScreeningResponse, ScreeningSchedule
from .services import DEFAULT_SCHEDULE


def todays_checkin(student, enrollment=None) -> CheckIn | None:
    """Today's check-in (the school's today). Pass the student's enrollment if already loaded."""
    enrollment = enrollment or enrollment_for(student)
    return CheckIn.objects.filter(student=student, day=enrollment.school.today()).first()


def checkin_note(checkin: CheckIn) -> str:
    return decrypt_text(checkin.student, checkin.note_encrypted)


def checkins_between(student, start: date, end: date) -> list[CheckIn]:
    return list(
        CheckIn.objects.select_related("rotation").filter(
            student=student, day__gte=start, day__lte=end
        )
    )


def screening_history(student, instrument_id: str | None = None) -> list[ScreeningResponse]:
    query = ScreeningResponse.objects.filter(student=student)
    if instrument_id:
        query = query.filter(instrument=instrument_id)
    return list(query)


def screening_of(student, response_id: int) -> ScreeningResponse | None:
    """The student's own response, or None (also for anybody else's id)."""
    return ScreeningResponse.objects.filter(student=student, pk=response_id).first()


def previous_result(response: ScreeningResponse) -> ScreeningResponse | None:
    return (
        ScreeningResponse.objects.filter(
            student=response.student_id,
            instrument=response.instrument,
            taken_at__lt=response.taken_at,
        )
        .order_by("-taken_at")
        .first()
    )


@dataclass(frozen=True)
class ScreeningStatus:
    instrument: instruments.Instrument
    every_days: int | None
    last: ScreeningResponse | None
    due: bool


def screening_statuses(student) -> list[ScreeningStatus]:
    """Every instrument with the student's reminder schedule and whether it is due."""
    today = enrollment_for(student).school.today()
    schedules = {s.instrument: s for s in ScreeningSchedule.objects.filter(student=student)}
    latest: dict[str, ScreeningResponse] = {}
    for response in ScreeningResponse.objects.filter(student=student).order_by("taken_at"):
        latest[response.instrument] = response
    statuses = []
    for instrument_id in instruments.instrument_ids():
        schedule = schedules.get(instrument_id)
        if schedule is not None:
            every = schedule.every_days if schedule.active else None
        else:
            every = DEFAULT_SCHEDULE.get(instrument_id)
        last = latest.get(instrument_id)
        due = every is not None and (last is None or last.day + timedelta(days=every) <= today)
        statuses.append(
            ScreeningStatus(instruments.get_instrument(instrument_id), every, last, due)
        )
    return statuses


def safety_history(student) -> list[SafetyEvent]:
    return list(SafetyEvent.objects.filter(student=student))
