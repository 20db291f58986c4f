from datetime import date, datetime, time, timedelta

from lib.dates import week_of
from planner import services


def next_monday(student) -> date:
    today = datetime.now(services.zone_of(student)).date()
    return week_of(today) + timedelta(days=7)


def at(student, monday: date, day: int, clock: time) -> datetime:
    return datetime.combine(monday + timedelta(days=day), clock, tzinfo=services.zone_of(student))


def shift_week(student, monday: date) -> None:
    """Surgery shifts Mon, Tue, Thu, a 24 h call Wednesday and an exam on Friday morning."""
    for day in (0, 1):
        services.add_event(
            student=student,
            kind="shift",
            starts_at=at(student, monday, day, time(5, 30)),
            ends_at=at(student, monday, day, time(18)),
        )
    services.add_event(
        student=student,
        kind="call",
        starts_at=at(student, monday, 2, time(7)),
        ends_at=at(student, monday, 3, time(7)),
    )
    services.add_event(
        student=student,
        kind="exam",
        starts_at=at(student, monday, 4, time(8)),
        ends_at=at(student, monday, 4, time(12)),
    )
