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


def checkin_on(student, day: date) -> CheckIn | None:
    return CheckIn.objects.filter(student=student, day=day).first()


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


@dataclass(frozen=True)
class CalendarDay:
    day: date
    in_month: bool
    checkin: CheckIn | None


@dataclass(frozen=True)
class MonthHistory:
    month: date  # its first day
    weeks: list[list[CalendarDay]]  # Monday to Sunday
    checkins: list[CheckIn]  # the month's, oldest first
    previous: date | None  # the month before, if it has any check-in
    following: date | None  # the month after, unless it is still to come


def month_history(student, month: date, today: date) -> MonthHistory:
    """A month of the student's own check-ins, as calendar weeks and as a list (one query,
    and one more to know whether an earlier month has anything)."""
    first = month.replace(day=1)
    after = (first + timedelta(days=32)).replace(day=1)
    checkins = sorted(checkins_between(student, first, after - timedelta(days=1)), key=_day)
    by_day = {c.day: c for c in checkins}
    start = first - timedelta(days=first.weekday())
    weeks = []
    while start < after:
        weeks.append(
            [
                CalendarDay(d, d.month == first.month, by_day.get(d))
                for d in (start + timedelta(days=i) for i in range(7))
            ]
        )
        start += timedelta(days=7)
    earlier = CheckIn.objects.filter(student=student, day__lt=first).exists()
    previous = (first - timedelta(days=1)).replace(day=1) if earlier else None
    return MonthHistory(first, weeks, checkins, previous, after if after <= today else None)


def _day(checkin: CheckIn) -> date:
    return checkin.day
