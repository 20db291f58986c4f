"""The pure planner: hand-made weeks, then hypothesis properties over random schedules."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.planning import (
    CALL,
    EXAM,
    EXAM_EVE,
    MEAL,
    MOVEMENT,
    PEOPLE,
    REST,
    SHIFT,
    SLEEP,
    Busy,
    Prefs,
    propose_week,
)

ZONE = ZoneInfo("America/Chicago")
MONDAY = date(2026, 11, 23)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(MONDAY + timedelta(days=day), time(hour, minute), tzinfo=ZONE)


def surgery_week() -> list[Busy]:
    busy = [Busy(at(d, 5, 30), at(d, 18), SHIFT) for d in (0, 1, 3)]
    busy.append(Busy(at(2, 7), at(3, 7) - timedelta(hours=0), CALL))
    return busy


def test_sleep_follows_each_shift_and_reaches_the_target_when_there_is_room():
    plan = propose_week(MONDAY, ZONE, [Busy(at(0, 5, 30), at(0, 18), SHIFT)], Prefs(450))

    sleep = [b for b in plan.blocks if b.kind == SLEEP]
    after_shift = sleep[0]
    assert after_shift.start == at(0, 22) and after_shift.minutes == 450
    assert plan.warnings == []


def test_a_short_turnaround_gives_the_longest_possible_sleep_and_a_warning():
    busy = [Busy(at(0, 6), at(0, 20), SHIFT), Busy(at(1, 4), at(1, 16), SHIFT)]

    plan = propose_week(MONDAY, ZONE, busy, Prefs(8 * 60))

    sleep = next(b for b in plan.blocks if b.kind == SLEEP)
    assert at(0, 20) < sleep.start and sleep.end <= at(1, 3)
    assert sleep.minutes < 8 * 60
    assert any("Mon 20:00" in w and "less than your 8 h target" in w for w in plan.warnings)


def test_after_a_24_hour_call_sleep_starts_the_same_morning():
    plan = propose_week(MONDAY, ZONE, [Busy(at(2, 7), at(3, 7), CALL)], Prefs(420))

    sleep = [b for b in plan.blocks if b.kind == SLEEP and b.start.date() == at(3, 0).date()]
    assert sleep[0].start == at(3, 7, 45) and sleep[0].minutes == 420


def test_the_evening_before_an_exam_is_kept_light():
    plan = propose_week(MONDAY, ZONE, [Busy(at(4, 8), at(4, 12), EXAM)])

    eve = [b for b in plan.blocks if b.kind == EXAM_EVE]
    assert len(eve) == 1 and eve[0].start.date() == at(3, 0).date() and eve[0].start.hour >= 17


def test_a_free_week_has_meals_movement_rest_and_people():
    plan = propose_week(MONDAY, ZONE, [])

    kinds = [b.kind for b in plan.blocks]
    assert kinds.count(MEAL) == 14 and kinds.count(MOVEMENT) == 7
    assert kinds.count(REST) == 1 and kinds.count(PEOPLE) == 1
    rest = next(b for b in plan.blocks if b.kind == REST)
    assert rest.minutes >= 120 and rest.start.weekday() == 5  # the weekend first


def test_a_week_with_no_free_time_warns_instead_of_double_booking():
    plan = propose_week(MONDAY, ZONE, [Busy(at(0, 0), at(7, 0), SHIFT)])

    assert plan.blocks == []
    assert "No free 2-hour stretch for rest this week." in plan.warnings


def test_quiet_hours_hold_no_block_but_sleep():
    plan = propose_week(MONDAY, ZONE, surgery_week(), Prefs(450, time(20), time(8)))

    for block in plan.blocks:
        if block.kind != SLEEP:
            assert time(8) <= block.start.time() and block.end.time() <= time(20)


def _utc_minutes(block) -> int:
    return int((block.end.astimezone(UTC) - block.start.astimezone(UTC)).total_seconds() // 60)


@pytest.mark.parametrize(
    "monday, changed",
    [(date(2026, 3, 2), date(2026, 3, 8)), (date(2026, 10, 26), date(2026, 11, 1))],
)
def test_daylight_saving_week_stays_exact(monday, changed):
    """The clocks change on Sunday: bedtimes stay at 23:00 on the wall, every night is the
    full target in real minutes, and nothing overlaps across the change."""
    plan = propose_week(monday, ZONE, [], Prefs(450))

    sleeps = [b for b in plan.blocks if b.kind == SLEEP]
    assert [b.start.date() for b in sleeps] == [monday + timedelta(days=d) for d in range(7)]
    assert all(b.start.time() == time(23) for b in sleeps)
    assert all(b.minutes == _utc_minutes(b) == 450 for b in sleeps)
    saturday = next(b for b in sleeps if b.start.date() == changed - timedelta(days=1))
    wall = datetime.combine(changed, time(6, 30))
    assert saturday.end.replace(tzinfo=None) != wall  # an hour moved on the wall clock...
    assert saturday.minutes == 450  # ...not in real sleep
    blocks = sorted(plan.blocks, key=lambda b: b.start.astimezone(UTC))
    for first, second in zip(blocks, blocks[1:], strict=False):
        assert first.end.astimezone(UTC) <= second.start.astimezone(UTC), (first, second)
    assert plan.warnings == []


def test_an_empty_week_sleeps_every_night_including_sunday_into_monday():
    plan = propose_week(MONDAY, ZONE, [], Prefs(450))

    sleeps = [b for b in plan.blocks if b.kind == SLEEP]
    assert len(sleeps) == 7 and all(b.minutes == 450 for b in sleeps)
    assert sleeps[-1].start == at(6, 23) and sleeps[-1].end == at(7, 6, 30)


def test_a_shift_ending_sunday_evening_gets_a_full_night_and_no_warning():
    plan = propose_week(MONDAY, ZONE, [Busy(at(6, 9), at(6, 18), SHIFT)], Prefs(450))

    sunday = [b for b in plan.blocks if b.kind == SLEEP and b.start.date() == at(6, 0).date()]
    assert [(b.start, b.minutes) for b in sunday] == [(at(6, 22), 450)]
    assert plan.warnings == []


def test_a_monday_exam_gets_its_light_sunday_evening():
    plan = propose_week(MONDAY, ZONE, [Busy(at(7, 8), at(7, 12), EXAM)])

    eve = [b for b in plan.blocks if b.kind == EXAM_EVE]
    assert len(eve) == 1 and eve[0].start.date() == at(6, 0).date()


def test_the_sleep_spilling_in_from_last_week_keeps_monday_morning_free():
    """9 h from Sunday 23:00 ends Monday 08:00: this week's Monday movement comes after it."""
    plan = propose_week(MONDAY, ZONE, [], Prefs(9 * 60))

    monday = [b for b in plan.blocks if b.start.date() == MONDAY and b.kind != SLEEP]
    assert min(b.start for b in monday) >= at(0, 8)


def test_a_long_sleep_target_is_not_cut_by_morning_movement():
    plan = propose_week(MONDAY, ZONE, [], Prefs(9 * 60))

    sleeps = [b for b in plan.blocks if b.kind == SLEEP]
    assert len(sleeps) == 7 and all(b.minutes == 9 * 60 for b in sleeps)
    assert plan.warnings == []


def test_a_short_plain_night_is_warned_about():
    """A 04:00 class: up at 03:00, and even from 20:00 that is 7 h, not 8."""
    plan = propose_week(MONDAY, ZONE, [Busy(at(1, 4), at(1, 12), "class")], Prefs(8 * 60))

    monday_night = next(b for b in plan.blocks if b.kind == SLEEP and b.start == at(0, 20))
    assert monday_night.minutes == 7 * 60 and monday_night.end == at(1, 3)
    assert any("night of Mon 23 Nov" in w and "less than your 8 h" in w for w in plan.warnings)


def test_before_a_05_30_monday_shift_sleep_ends_an_hour_early_and_starts_earlier():
    """Issue #22: it proposed 23:00 Sunday before a 05:30 Monday shift, then warned about it."""
    busy = [Busy(at(7, 5, 30), at(7, 18), SHIFT)]

    plan = propose_week(MONDAY, ZONE, busy, Prefs(450))

    sunday_night = next(
        b for b in plan.blocks if b.kind == SLEEP and b.start.date() == at(6, 0).date()
    )
    assert sunday_night.start == at(6, 21) and sunday_night.end == at(7, 4, 30)
    assert sunday_night.minutes == 450
    assert plan.warnings == []


def test_the_next_week_plans_the_same_sunday_night_before_its_monday_shift():
    busy = [Busy(at(7, 5, 30), at(7, 18), SHIFT)]

    next_week = propose_week(MONDAY + timedelta(days=7), ZONE, busy, Prefs(450))

    assert not any(b.start < at(7, 4, 30) for b in next_week.blocks)
    assert next_week.warnings == []


@pytest.mark.parametrize("clock", [time(5), time(5, 30), time(6), time(6, 45), time(7), time(8)])
@pytest.mark.parametrize("hours", [6, 7, 7.5, 8])
def test_the_planner_never_warns_about_its_own_night_before_an_early_start(clock, hours):
    target = int(hours * 60)
    shift = datetime.combine(MONDAY + timedelta(days=2), clock, tzinfo=ZONE)
    busy = [Busy(shift, shift + timedelta(hours=10), SHIFT)]

    plan = propose_week(MONDAY, ZONE, busy, Prefs(target))

    night = next(b for b in plan.blocks if b.kind == SLEEP and b.start.date() == at(1, 0).date())
    assert night.minutes == target
    assert night.end <= shift - timedelta(minutes=60)
    assert night.start >= at(1, 20)
    assert plan.warnings == []


def test_a_commitment_running_far_past_a_shift_is_warned_about_not_skipped():
    busy = [Busy(at(0, 6), at(0, 18), SHIFT), Busy(at(0, 18), at(1, 2), "other")]

    plan = propose_week(MONDAY, ZONE, busy)

    assert any("Mon 18:00" in w and "no sleep could be planned" in w for w in plan.warnings)


def test_work_following_work_anchors_its_own_sleep_without_a_warning():
    busy = [Busy(at(0, 6), at(0, 18), SHIFT), Busy(at(0, 18), at(1, 10), CALL)]

    plan = propose_week(MONDAY, ZONE, busy)

    assert not any("no sleep could be planned" in w for w in plan.warnings)
    assert any(b.kind == SLEEP and b.start == at(1, 10, 45) for b in plan.blocks)


# Properties

MONDAYS = [MONDAY, date(2026, 3, 2), date(2026, 10, 26)]  # an ordinary week, both DST changes


@st.composite
def weeks(draw):
    monday = draw(st.sampled_from(MONDAYS))
    origin = datetime.combine(monday, time(), tzinfo=ZONE)
    events = []
    for _ in range(draw(st.integers(0, 40))):
        start = draw(st.integers(-24 * 60, 15 * 24 * 60))
        length = draw(st.integers(15, 30 * 60))
        kind = draw(st.sampled_from([SHIFT, CALL, "night_float", EXAM, "class", "other"]))
        begins = (origin.astimezone(UTC) + timedelta(minutes=start)).astimezone(ZONE)
        events.append(Busy(begins, begins + timedelta(minutes=length), kind))
    quiet = draw(st.one_of(st.none(), st.tuples(st.integers(0, 23), st.integers(0, 23))))
    prefs = Prefs(
        draw(st.integers(4 * 60, 12 * 60)),
        time(quiet[0]) if quiet else None,
        time(quiet[1]) if quiet else None,
    )
    return monday, events, prefs


def _in_quiet(moment: datetime, prefs: Prefs) -> bool:
    if prefs.quiet_start is None or prefs.quiet_start == prefs.quiet_end:
        return False
    clock = moment.astimezone(ZONE).time()
    if prefs.quiet_start < prefs.quiet_end:
        return prefs.quiet_start <= clock < prefs.quiet_end
    return clock >= prefs.quiet_start or clock < prefs.quiet_end


def _utc(block):
    return block.start.astimezone(UTC), block.end.astimezone(UTC)


@settings(max_examples=150, deadline=None)
@given(weeks())
def test_blocks_never_overlap_busy_time_each_other_or_the_week_edges(week):
    monday, events, prefs = week
    plan = propose_week(monday, ZONE, events, prefs)

    start = datetime.combine(monday, time(), tzinfo=ZONE).astimezone(UTC)
    end = datetime.combine(monday + timedelta(days=7), time(), tzinfo=ZONE).astimezone(UTC)
    blocks = sorted(plan.blocks, key=_utc)
    for block in blocks:
        begins, ends = _utc(block)
        assert start <= begins < ends
        # Only sleep may run past the week's end (Sunday night), and by less than a day.
        assert ends <= (end + timedelta(days=1) if block.kind == SLEEP else end), block
        for busy in events:
            assert block.end <= busy.start or block.start >= busy.end, (block, busy)
        if block.kind != SLEEP:
            probe = block.start
            while probe < block.end:
                assert not _in_quiet(probe, prefs), (block, prefs)
                probe += timedelta(minutes=5)
    for first, second in zip(blocks, blocks[1:], strict=False):
        assert _utc(first)[1] <= _utc(second)[0], (first, second)


@settings(max_examples=150, deadline=None)
@given(weeks())
def test_every_short_sleep_is_explained_by_a_warning(week):
    monday, events, prefs = week
    plan = propose_week(monday, ZONE, events, prefs)

    sleeps = [b for b in plan.blocks if b.kind == SLEEP]
    assert all(b.minutes == _utc_minutes(b) <= prefs.sleep_minutes for b in sleeps)
    short = [b for b in sleeps if b.minutes < prefs.sleep_minutes]
    explained = [w for w in plan.warnings if "less than your" in w]
    assert len(short) <= len(explained), (short, plan.warnings)


@settings(max_examples=100, deadline=None)
@given(weeks())
def test_two_consecutive_weeks_never_overlap_at_the_boundary(week):
    monday, events, prefs = week
    first = propose_week(monday, ZONE, events, prefs)
    second = propose_week(monday + timedelta(days=7), ZONE, events, prefs)

    blocks = sorted([*first.blocks, *second.blocks], key=_utc)
    for a, b in zip(blocks, blocks[1:], strict=False):
        assert _utc(a)[1] <= _utc(b)[0], (a, b)


@settings(max_examples=50, deadline=None)
@given(weeks())
def test_planning_is_deterministic(week):
    monday, events, prefs = week
    assert propose_week(monday, ZONE, events, prefs) == propose_week(
        monday, ZONE, list(reversed(events)), prefs
    )
