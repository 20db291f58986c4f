"""Propose a week of protected self-care blocks around a student's busy time.

Pure Python (no ORM, no Django) so it is cheap to test exhaustively with hypothesis and fast
enough to run on every page view: everything is done in whole minutes from the start of the
week, with intervals kept sorted and merged.

The rules, in the order they claim time (earlier rules get the better slots):
1. sleep after each day's last shift and after each call or night float: at least the target,
   or the longest possible with a warning saying why;
2. a plain night's sleep on the nights no shift claimed, waking GET_READY before the next
   morning's commitment and lying down earlier (from EARLIEST_BEDTIME) to keep the target,
   so an early shift never gets a 23:00 bedtime and then a warning about it (a warning only
   when even that is short);
3. a lighter, study-free evening block before each exam;
4. a meal (30 min) at lunch and dinner time;
5. movement (20 min, or 10 when the day is tight) on most days;
6. one longer rest block (2 h) and time with people (1 h) in the week, weekend first.
Sleep may lie inside quiet hours (that is what they are for); no other block does.

A week is not sealed: commitments of the day before and the day after it are seen (busy
input may cover day -1 to day 8), so Sunday night's sleep runs into Monday, a Monday exam gets
its Sunday evening, and a Sunday shift's sleep is not cut at midnight. A sleep belongs to the
week in which it starts; one starting in the week before is planned again here only to keep
its time free (and one starting after the week only to keep the week's own sleep apart).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SHIFT, CALL, NIGHT_FLOAT, EXAM, CLASS, OTHER = (
    "shift",
    "call",
    "night_float",
    "exam",
    "class",
    "other",
)
WORK_KINDS = {SHIFT, CALL, NIGHT_FLOAT}
SLEEP, MOVEMENT, MEAL, REST, PEOPLE, EXAM_EVE = (
    "sleep",
    "movement",
    "meal",
    "rest",
    "people",
    "exam_eve",
)
BLOCK_KINDS = [SLEEP, MOVEMENT, MEAL, REST, PEOPLE, EXAM_EVE]
STEP = 5  # minutes: every block starts on a 5-minute mark
WIND_DOWN = 45  # minutes between leaving work and lying down
GET_READY = 60  # minutes between waking and the next commitment (commute, shower, breakfast)
EARLIEST_BEDTIME = time(20)  # a plain night may start this early to keep the target


@dataclass(frozen=True, order=True)
class Busy:
    start: datetime
    end: datetime
    kind: str = OTHER


@dataclass(frozen=True)
class Prefs:
    sleep_minutes: int = 7 * 60
    quiet_start: time | None = None
    quiet_end: time | None = None


@dataclass(frozen=True, order=True)
class Block:
    start: datetime
    end: datetime
    kind: str

    @property
    def minutes(self) -> int:
        # In UTC: two datetimes with the same zone subtract as wall clocks (wrong across DST).
        return int((self.end.astimezone(UTC) - self.start.astimezone(UTC)).total_seconds() // 60)


@dataclass
class Plan:
    week_start: date
    blocks: list[Block] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # The local day each warning is about (None: the whole week), so a view of seven days
    # that starts mid-week shows only its own.
    warning_days: list[date | None] = field(default_factory=list)

    def warn(self, message: str, day: date | None = None) -> None:
        self.warnings.append(message)
        self.warning_days.append(day)


Interval = tuple[int, int]


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


class _Week:
    """Minute arithmetic for one local week, exact across daylight-saving changes."""

    def __init__(self, week_start: date, zone: ZoneInfo):
        self.zone = zone
        self.week_start = week_start
        self.origin = datetime.combine(week_start, time(), tzinfo=zone).astimezone(UTC)
        self.length = self.minute(datetime.combine(week_start + timedelta(days=7), time(), zone))

    def minute(self, moment: datetime) -> int:
        return int((moment.astimezone(UTC) - self.origin).total_seconds() // 60)

    def at(self, day: int, clock: time) -> int:
        return self.minute(
            datetime.combine(self.week_start + timedelta(days=day), clock, tzinfo=self.zone)
        )

    def moment(self, minute: int) -> datetime:
        return (self.origin + timedelta(minutes=minute)).astimezone(self.zone)

    def label(self, minute: int) -> str:
        moment = self.moment(minute)
        return f"{moment:%a} {moment:%H:%M}"


class _Calendar:
    """The occupied minutes of the week (busy time, then placed blocks), kept merged."""

    def __init__(self, intervals: Iterable[Interval]):
        self.occupied = merge(intervals)

    def add(self, start: int, end: int) -> None:
        self.occupied = merge([*self.occupied, (start, end)])

    def gap_after(self, minute: int, week_end: int) -> Interval:
        """The free gap that starts at or after `minute`."""
        index = bisect.bisect_right(self.occupied, (minute, 1 << 40))
        start = minute
        if index and self.occupied[index - 1][1] > minute:
            start = self.occupied[index - 1][1]
        following = self.occupied[index:] if index < len(self.occupied) else []
        end = next((s for s, _ in following if s >= start), week_end)
        return start, min(end, week_end)

    def free_since(self, minute: int, floor: int) -> int:
        """Where the free time around `minute` (itself free) begins, not before `floor`."""
        index = bisect.bisect_right(self.occupied, (minute, 1 << 40))
        ends = [end for _, end in self.occupied[:index] if end <= minute]
        return max([floor, *ends[-1:]])

    def first_fit(
        self, low: int, high: int, minutes: int, extra: Sequence[Interval] = ()
    ) -> int | None:
        """The earliest start in [low, high - minutes] on a STEP mark where the block is free."""
        blocked = merge([*self.occupied, *extra]) if extra else self.occupied
        cursor = _round_up(low)
        index = max(bisect.bisect_right(blocked, (cursor, 1 << 40)) - 1, 0)
        for start, end in blocked[index:]:
            if cursor + minutes > high:
                return None
            if end <= cursor:
                continue
            if start >= cursor + minutes:
                return cursor
            cursor = _round_up(end)
        return cursor if cursor + minutes <= high else None


def _round_up(minute: int) -> int:
    return -(-minute // STEP) * STEP


def _quiet_intervals(week: _Week, prefs: Prefs) -> list[Interval]:
    if prefs.quiet_start is None or prefs.quiet_end is None or prefs.quiet_start == prefs.quiet_end:
        return []
    intervals = []
    for day in range(-2, 9):
        start = week.at(day, prefs.quiet_start)
        end_day = day + 1 if prefs.quiet_end <= prefs.quiet_start else day
        intervals.append((start, week.at(end_day, prefs.quiet_end)))
    return merge(intervals)


def _hours(minutes: int) -> str:
    return f"{minutes / 60:.1f}".rstrip("0").rstrip(".") + " h"


def propose_week(
    week_start: date, zone: ZoneInfo, busy: Sequence[Busy], prefs: Prefs = Prefs()
) -> Plan:
    """The proposed blocks for the week starting on `week_start` (local midnight in `zone`).

    Every block starts inside the week; only sleep may end after it (Sunday night)."""
    week = _Week(week_start, zone)
    plan = Plan(week_start)
    low, high = week.at(-1, time()), week.at(8, time())  # what is seen around the week
    spans = sorted(
        (max(week.minute(b.start), low), min(week.minute(b.end), high), b.kind)
        for b in busy
        if b.end > b.start
    )
    spans = [(s, e, k) for s, e, k in spans if e > s]
    calendar = _Calendar((s, e) for s, e, _ in spans)
    quiet = _quiet_intervals(week, prefs)
    placed: list[tuple[int, int, str]] = []
    target = prefs.sleep_minutes

    def place(start: int, end: int, kind: str, *, ours: bool = True) -> None:
        calendar.add(start, end)
        if ours:
            placed.append((start, end, kind))

    def warn(message: str, ours: bool, minute: int) -> None:
        if ours:
            plan.warn(message, week.moment(minute).date())

    # 1. Sleep after work: the last shift ending each local day, and every call / night float.
    # Work ending the day before the week is planned too (not proposed: that week owns it)
    # so that its sleep keeps Monday morning free.
    anchors: dict[int, int] = {}
    for _start, end, kind in spans:
        if kind in WORK_KINDS and week.at(-1, time()) < end < week.length:
            day = (week.moment(end) - timedelta(minutes=1)).date()
            key = (day - week_start).days if kind == SHIFT else 100 + len(anchors)
            anchors[key] = max(anchors.get(key, end), end)
    work_ends = sorted(set(anchors.values()))
    sleep_nights: set[date] = set()

    def ours(start: int) -> bool:
        return 0 <= start < week.length

    for end in work_ends:
        when = week.label(end)
        gap_start, gap_end = calendar.gap_after(end, high)
        if gap_start - end > 6 * 60:
            # Something else ran on well past this commitment. If it is work, it anchors its
            # own sleep; otherwise say so rather than dropping the night silently.
            if not any(end < other <= gap_start for other in work_ends):
                warn(
                    f"After the commitment ending {when} the next free time starts only at "
                    f"{week.label(gap_start)}: no sleep could be planned after it.",
                    ours(end),
                    end,
                )
            continue
        latest_end = gap_end - GET_READY if gap_end < high else gap_end
        start = gap_start + WIND_DOWN
        local_end = week.moment(end)
        if not 5 <= local_end.hour < 14:  # an evening finish: lie down at a normal bedtime
            bedtime = week.minute(datetime.combine(local_end.date(), time(22, 0), zone))
            if local_end.hour < 5:
                bedtime = start
            start = max(start, bedtime)
        if start + target > latest_end:
            start = max(gap_start + min(WIND_DOWN, 15), latest_end - target)
        start = _round_up(start)
        length = min(target, latest_end - start)
        length -= length % STEP
        if length < target:
            if length >= 60:
                warn(
                    f"After the commitment ending {when} there are only {_hours(length)} free "
                    f"for sleep, less than your {_hours(target)} target: the longest possible "
                    "window is proposed. Consider asking to swap or rest before the next one.",
                    ours(start),
                    end,
                )
            else:
                warn(
                    f"After the commitment ending {when} there is no room to sleep before the "
                    "next one.",
                    ours(end),
                    end,
                )
                continue
        place(start, start + length, SLEEP, ours=ours(start))
        sleep_nights.add((week.moment(start) - timedelta(hours=12)).date())

    # 2. A plain night's sleep where no shift claimed the night, before meals and movement
    # take the morning (Sunday night runs into Monday; the night before the week only keeps
    # Monday morning free).
    for day in range(-1, 7):
        night = week_start + timedelta(days=day)
        if night in sleep_nights:
            continue
        bedtime = week.at(day, time(23))
        gap_start, gap_end = calendar.gap_after(bedtime, high)
        start = _round_up(gap_start)
        if start - bedtime > 3 * 60:
            continue
        wake = gap_end - GET_READY if gap_end < high else gap_end
        if start + target > wake and gap_start == bedtime:
            # An early start tomorrow: lie down earlier rather than cut the night short.
            earliest = week.at(day, EARLIEST_BEDTIME)
            free_from = calendar.free_since(bedtime, earliest - WIND_DOWN) + WIND_DOWN
            start = _round_up(max(earliest, free_from, wake - target))
        length = min(target, wake - start)
        length -= length % STEP
        if length >= 4 * 60:
            place(start, start + length, SLEEP, ours=ours(start))
            if length < target:
                warn(
                    f"The night of {night:%a %d %b} has only {_hours(length)} for sleep before "
                    f"getting ready for {week.label(gap_end)}, less than your "
                    f"{_hours(target)} target.",
                    ours(start),
                    bedtime,
                )

    # 3. A lighter, study-free evening before each exam (a Monday exam: this Sunday).
    for start, _end, kind in spans:
        if kind != EXAM:
            continue
        exam_day = (week.moment(start)).date()
        eve = (exam_day - week_start).days - 1
        if not 0 <= eve < 7:
            continue
        slot = calendar.first_fit(week.at(eve, time(17, 30)), week.at(eve, time(22, 0)), 60, quiet)
        if slot is None:
            plan.warn(
                f"No free evening hour before the exam on {exam_day:%a %d %b}: try to keep "
                "that evening light.",
                exam_day - timedelta(days=1),
            )
        else:
            place(slot, slot + 60, EXAM_EVE)

    # 4-5. Meals and movement, day by day.
    for day in range(7):
        # Lunch on a shift day happens at work; dinner finds the evening's first gap.
        for low_clock, high_clock in ((time(11, 30), time(14, 30)), (time(17, 0), time(22, 0))):
            slot = calendar.first_fit(week.at(day, low_clock), week.at(day, high_clock), 30, quiet)
            if slot is not None:
                place(slot, slot + 30, MEAL)
        for minutes in (20, 10):
            slot = calendar.first_fit(week.at(day, time(7)), week.at(day, time(21)), minutes, quiet)
            if slot is not None:
                place(slot, slot + minutes, MOVEMENT)
                break

    # 6. One longer rest block and time with people, weekend first.
    weekend_first = [5, 6, 4, 3, 2, 1, 0]
    for kind, minutes, low_clock, high_clock, missing in (
        (REST, 120, time(9), time(20), "No free 2-hour stretch for rest this week."),
        (PEOPLE, 60, time(10), time(21, 30), "No free hour for time with people this week."),
    ):
        for day in weekend_first:
            slot = calendar.first_fit(
                week.at(day, low_clock), week.at(day, high_clock), minutes, quiet
            )
            if slot is not None:
                place(slot, slot + minutes, kind)
                break
        else:
            plan.warn(missing)

    plan.blocks = sorted(Block(week.moment(s), week.moment(e), kind) for s, e, kind in placed)
    if prefs.sleep_minutes > 12 * 60:
        plan.warn("A sleep target above 12 hours cannot be planned around shifts.")
    return plan
