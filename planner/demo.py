"""Demo schedules: each demo student's shifts for this week and the next three, from the
rotation they are placed on, so the planner has something realistic to plan around."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model

from schools.demo import DemoSchool

from . import planning, services
from .models import ScheduleEvent

WEEKS = 4
# rotation slug -> (kind, start, hours) on weekdays; a call every 4th day on the heavy ones.
DAY_PATTERNS = {
    "surgery": (planning.SHIFT, time(5, 30), 12.5),
    "internal-medicine": (planning.SHIFT, time(6, 0), 11),
    "obstetrics-gynaecology": (planning.SHIFT, time(6, 0), 11),
    "board-study": (planning.CLASS, time(9, 0), 3),
    "preclinical": (planning.CLASS, time(9, 0), 4),
}
DEFAULT_PATTERN = (planning.SHIFT, time(8, 0), 9)
CALL_ROTATIONS = {"surgery", "internal-medicine", "obstetrics-gynaecology"}


def _rotation_on(placements, day: date) -> str | None:
    for slug, starts, ends in placements:
        if starts <= day <= ends:
            return slug
    return None


def _day_events(slug: str | None, day: date, zone: ZoneInfo, track: int, placements):
    if slug is None or day.weekday() >= 5:
        return []
    kind, start, hours = DAY_PATTERNS.get(slug, DEFAULT_PATTERN)
    begins = datetime.combine(day, start, tzinfo=zone)
    if _rotation_on(placements, day + timedelta(days=3)) != slug and day.weekday() == 4:
        # The last Friday of a block: the shelf exam instead of a shift.
        begins = datetime.combine(day, time(8), tzinfo=zone)
        return [(planning.EXAM, begins, begins + timedelta(hours=4))]
    if slug in CALL_ROTATIONS and (day.toordinal() + track) % 4 == 0 and day.weekday() < 4:
        begins = datetime.combine(day, time(7), tzinfo=zone)
        return [(planning.CALL, begins, begins + timedelta(hours=24))]
    return [(kind, begins, begins + timedelta(hours=hours))]


def _login_student_week(monday: date, zone: ZoneInfo):
    """The demo login student's week: ward shifts, a 24 h call and a shelf exam on Friday."""
    at = lambda offset, clock: datetime.combine(monday + timedelta(days=offset), clock, zone)  # noqa: E731
    return [
        (planning.SHIFT, at(0, time(5, 30)), at(0, time(18))),
        (planning.SHIFT, at(1, time(5, 30)), at(1, time(18))),
        (planning.CALL, at(2, time(7)), at(3, time(7))),
        (planning.CLASS, at(3, time(13)), at(3, time(15))),
        (planning.EXAM, at(4, time(8)), at(4, time(12))),
    ]


def generate_demo_schedules(demo: DemoSchool) -> None:
    """Four weeks of commitments per student (bulk), and the login student's proposal for
    this week accepted, so the feed and the planner page have content."""
    zone = ZoneInfo(demo.school.timezone)
    monday = demo.today - timedelta(days=demo.today.weekday())
    events: list[ScheduleEvent] = []
    for index, student in enumerate(demo.students):
        planned = []
        for offset in range(WEEKS * 7):
            day = monday + timedelta(days=offset)
            if index == 0 and offset < 7:
                continue
            slug = _rotation_on(student.placements, day)
            planned += _day_events(slug, day, zone, student.track, student.placements)
        if index == 0:
            planned += _login_student_week(monday, zone)
        events += [
            ScheduleEvent(
                student_id=student.user_id,
                school=demo.school,
                kind=kind,
                starts_at=start,
                ends_at=end,
                source=ScheduleEvent.Source.TEMPLATE,
            )
            for kind, start, end in _without_overlaps(planned)
        ]
    ScheduleEvent.objects.bulk_create(events, batch_size=5000)
    if demo.students:
        first = get_user_model().objects.get(pk=demo.students[0].user_id)
        # The demo's week as it was planned, on its Monday morning.
        planned_at = datetime.combine(monday, time(), tzinfo=zone)
        services.accept_all(student=first, first_day=monday, now=planned_at)


def _without_overlaps(planned):
    kept, last_end = [], None
    for kind, start, end in sorted(planned, key=lambda item: item[1]):
        if last_end is not None and start < last_end and kind in planning.WORK_KINDS:
            continue
        kept.append((kind, start, end))
        if kind in planning.WORK_KINDS:
            last_end = end if last_end is None else max(last_end, end)
    return kept
