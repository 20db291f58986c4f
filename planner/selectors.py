"""Reads of a student's planner (their own rows only), and the feed by its token."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils import timezone

from lib.dates import week_of
from lib.tokens import token_digest
from reminders.selectors import quiet_hours_of
from schools.models import Enrollment

from . import planning
from .models import BLOCK_KINDS, PlannerPrefs, ProtectedBlock, ScheduleEvent, ShiftPattern

BLOCK_LABELS = dict(BLOCK_KINDS)
FEED_WEEKS = 6


def zone_of(student) -> ZoneInfo:
    """The student's own time zone if they set one, else their school's."""
    return _zone(PlannerPrefs.objects.filter(student=student).only("timezone").first(), student)


PLANNABLE_YEARS = 3


def plannable(day: date) -> bool:
    """Whether `day` is near enough to plan (and far from datetime's limits)."""
    return abs((day - timezone.now().date()).days) <= 366 * PLANNABLE_YEARS


def prefs_for_planning(
    prefs: PlannerPrefs | None, quiet: tuple[time, time] | None
) -> planning.Prefs:
    """The planning inputs: the sleep target, and the quiet hours of the reminder settings."""
    quiet_start, quiet_end = quiet or (None, None)
    sleep_minutes = 450 if prefs is None else int(prefs.sleep_hours * 60)
    return planning.Prefs(sleep_minutes=sleep_minutes, quiet_start=quiet_start, quiet_end=quiet_end)


def events_between(student, start: datetime, end: datetime) -> list[ScheduleEvent]:
    return list(ScheduleEvent.objects.filter(student=student, starts_at__lt=end, ends_at__gt=start))


def _zone(prefs: PlannerPrefs | None, student) -> ZoneInfo:
    if prefs is not None and prefs.timezone:
        return ZoneInfo(prefs.timezone)
    enrollment = Enrollment.objects.select_related("school").filter(student=student).first()
    return ZoneInfo(enrollment.school.timezone if enrollment else "UTC")


def _overlaps(block: planning.Block, other: ProtectedBlock) -> bool:
    return block.start < other.ends_at and other.starts_at < block.end


def _plan(
    student, week_start: date, now: datetime | None = None
) -> tuple[planning.Plan, list[ScheduleEvent], ZoneInfo, dict[tuple, ProtectedBlock]]:
    """The week's proposal around commitments and the student's accepted blocks, with the
    answers it may show (by kind and proposed start).

    An unanswered proposal that overlaps an accepted block (one moved there, or one kept
    from an earlier plan) is not offered: accepting it would double-book the time. Nor is one
    that has already started: time that is past cannot be protected (issue #22)."""
    prefs = PlannerPrefs.objects.filter(student=student).first()
    zone = _zone(prefs, student)
    low = datetime.combine(week_start, time(), tzinfo=zone)
    high = datetime.combine(week_start + timedelta(days=7), time(), tzinfo=zone)
    events = events_between(student, low - timedelta(days=1), low + timedelta(days=8))
    busy = [planning.Busy(e.starts_at, e.ends_at, e.kind) for e in events]
    plan = planning.propose_week(
        week_start, zone, busy, prefs_for_planning(prefs, quiet_hours_of(student))
    )
    answers = {
        (b.kind, b.proposed_start): b
        for b in ProtectedBlock.objects.filter(
            Q(proposed_start__gte=low - timedelta(days=1), proposed_start__lt=high)
            | Q(
                state=ProtectedBlock.State.ACCEPTED,
                starts_at__lt=high + timedelta(days=1),
                ends_at__gt=low - timedelta(days=1),
            ),
            student=student,
        )
    }
    accepted = [b for b in answers.values() if b.state == ProtectedBlock.State.ACCEPTED]
    now = now or timezone.now()
    plan.blocks = [
        block
        for block in plan.blocks
        if (block.kind, block.start) in answers
        or (block.start > now and not any(_overlaps(block, other) for other in accepted))
    ]
    return plan, events, zone, answers


def week_plan(student, week_start: date, now: datetime | None = None) -> planning.Plan:
    """The week's proposal (see _plan: it never offers time an accepted block holds, nor
    time before `now`)."""
    return _plan(student, week_start, now)[0]


@dataclass(frozen=True)
class ProposedBlock:
    kind: str
    label: str
    proposed_start: datetime
    start: datetime
    end: datetime
    state: str  # "proposed", "accepted" or "rejected"
    block_id: int | None

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


@dataclass(frozen=True)
class Day:
    day: date
    commitments: list[ScheduleEvent]
    blocks: list[ProposedBlock]


@dataclass(frozen=True)
class Week:
    start: date
    days: list[Day]
    warnings: list[str]
    open_count: int


def week_view(student, first_day: date) -> Week:
    """Seven days from `first_day` (any weekday: the planner opens on today) with the
    student's answers, day by day.

    Proposals are made per calendar week, so a block is the same whichever day the view
    starts on (its answer finds it again); seven days from a Wednesday read two weeks."""
    last_day = first_day + timedelta(days=6)
    # Warnings about a whole week ("no 2-hour stretch for rest") come from the week most of
    # the seven days are in; the others from the days shown.
    main_week = week_of(first_day + timedelta(days=3))
    items, warnings, events = [], [], {}
    zone = None
    for week_start in sorted({week_of(first_day), week_of(last_day)}):
        week_items, plan, week_events, zone = _week_items(student, week_start)
        items += week_items
        for message, day in zip(plan.warnings, plan.warning_days, strict=True):
            shown = first_day <= day <= last_day if day else week_start == main_week
            if shown and message not in warnings:
                warnings.append(message)
        events.update((e.pk, e) for e in week_events)
    items = [i for i in items if first_day <= i.start.date() <= last_day]
    days = []
    for offset in range(7):
        day = first_day + timedelta(days=offset)
        days.append(
            Day(
                day=day,
                commitments=sorted(
                    (e for e in events.values() if e.starts_at.astimezone(zone).date() == day),
                    key=lambda e: e.starts_at,
                ),
                blocks=sorted((i for i in items if i.start.date() == day), key=lambda i: i.start),
            )
        )
    open_count = sum(1 for i in items if i.state == "proposed")
    return Week(first_day, days, warnings, open_count)


def _week_items(student, week_start: date):
    plan, events, zone, answers = _plan(student, week_start)
    low = datetime.combine(week_start, time(), tzinfo=zone)
    high = datetime.combine(week_start + timedelta(days=7), time(), tzinfo=zone)
    answers = dict(answers)
    items = []
    for block in plan.blocks:
        answer = answers.pop((block.kind, block.start), None)
        items.append(_item(block.kind, block.start, block.end, answer, zone))
    # Accepted blocks from an earlier plan (the schedule changed since) still count.
    for answer in answers.values():
        if (
            answer.state == ProtectedBlock.State.ACCEPTED
            and low <= answer.starts_at < high
            and low - timedelta(days=1) <= answer.proposed_start < high
        ):
            items.append(_item(answer.kind, answer.proposed_start, answer.ends_at, answer, zone))
    return items, plan, events, zone


def _item(kind, proposed_start, end, answer, zone) -> ProposedBlock:
    start = proposed_start
    state = "proposed"
    if answer is not None:
        start, end, state = answer.starts_at, answer.ends_at, answer.state
    return ProposedBlock(
        kind=kind,
        label=BLOCK_LABELS.get(kind, kind),
        proposed_start=proposed_start,
        start=start.astimezone(zone),
        end=end.astimezone(zone),
        state=state,
        block_id=answer.pk if answer is not None else None,
    )


def patterns_of(student) -> list[ShiftPattern]:
    return list(ShiftPattern.objects.filter(student=student))


def block_of(student, block_id: int) -> ProtectedBlock | None:
    return ProtectedBlock.objects.filter(student=student, pk=block_id).first()


def in_quiet_hours(student, start: datetime, end: datetime, zone: ZoneInfo) -> bool:
    """Whether [start, end) overlaps the student's quiet hours (the reminder settings') on any
    local day (compared as intervals: a 1-minute overlap counts)."""
    quiet = quiet_hours_of(student)
    if quiet is None:
        return False
    quiet_start, quiet_end = quiet
    first = start.astimezone(zone).date() - timedelta(days=1)
    last = end.astimezone(zone).date()
    overnight = quiet_end <= quiet_start
    day = first
    while day <= last:
        quiet_from = datetime.combine(day, quiet_start, tzinfo=zone)
        quiet_to = datetime.combine(day + timedelta(days=overnight), quiet_end, tzinfo=zone)
        if quiet_from < end and start < quiet_to:
            return True
        day += timedelta(days=1)
    return False


def feed_blocks_for_token(token: str) -> list[ProtectedBlock] | None:
    """The accepted blocks of the feed `token` opens (last week to FEED_WEEKS ahead), or None
    when no student holds that token (never created, rotated or revoked)."""
    if not token:
        return None
    digest = token_digest(token)
    prefs = PlannerPrefs.objects.filter(feed_token_hash=digest).only("student_id").first()
    if prefs is None:
        return None
    now = timezone.now()
    return list(
        ProtectedBlock.objects.filter(
            student_id=prefs.student_id,
            state=ProtectedBlock.State.ACCEPTED,
            starts_at__gte=now - timedelta(days=7),
            starts_at__lt=now + timedelta(weeks=FEED_WEEKS),
        )
    )


def exam_dates(student, *, zone: ZoneInfo | None = None) -> list[date]:
    """The local days of the student's exams (for insights' exam comparisons and marks)."""
    zone = zone or zone_of(student)
    return sorted(
        {
            starts.astimezone(zone).date()
            for starts in ScheduleEvent.objects.filter(
                student=student, kind=planning.EXAM
            ).values_list("starts_at", flat=True)
        }
    )
