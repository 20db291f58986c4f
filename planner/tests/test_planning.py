"""The pure planner: hand-made weeks, then hypothesis properties over random schedules."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

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


def test_daylight_saving_week_stays_exact():
    spring = date(2026, 3, 9) - timedelta(days=1)  # the week of 8 March (DST starts)
    monday = spring - timedelta(days=spring.weekday())
    plan = propose_week(monday, ZONE, [])
    for block in plan.blocks:
        assert block.start.tzinfo is not None and block.end > block.start


# Properties


@st.composite
def weeks(draw):
    events = []
    for _ in range(draw(st.integers(0, 40))):
        start = draw(st.integers(-24 * 60, 8 * 24 * 60))
        length = draw(st.integers(15, 30 * 60))
        kind = draw(st.sampled_from([SHIFT, CALL, "night_float", EXAM, "class", "other"]))
        begins = at(0, 0) + timedelta(minutes=start)
        events.append(Busy(begins, begins + timedelta(minutes=length), kind))
    quiet = draw(st.one_of(st.none(), st.tuples(st.integers(0, 23), st.integers(0, 23))))
    prefs = Prefs(
        draw(st.integers(4 * 60, 12 * 60)),
        time(quiet[0]) if quiet else None,
        time(quiet[1]) if quiet else None,
    )
    return events, prefs


def _in_quiet(moment: datetime, prefs: Prefs) -> bool:
    if prefs.quiet_start is None or prefs.quiet_start == prefs.quiet_end:
        return False
    clock = moment.astimezone(ZONE).time()
    if prefs.quiet_start < prefs.quiet_end:
        return prefs.quiet_start <= clock < prefs.quiet_end
    return clock >= prefs.quiet_start or clock < prefs.quiet_end


@settings(max_examples=150, deadline=None)
@given(weeks())
def test_blocks_never_overlap_busy_time_each_other_or_the_week_edges(week):
    events, prefs = week
    plan = propose_week(MONDAY, ZONE, events, prefs)

    start, end = at(0, 0), at(7, 0)
    blocks = sorted(plan.blocks)
    for block in blocks:
        assert start <= block.start < block.end <= end
        for busy in events:
            assert block.end <= busy.start or block.start >= busy.end, (block, busy)
        if block.kind != SLEEP:
            probe = block.start
            while probe < block.end:
                assert not _in_quiet(probe, prefs), (block, prefs)
                probe += timedelta(minutes=5)
    for first, second in zip(blocks, blocks[1:], strict=False):
        assert first.end <= second.start, (first, second)


@settings(max_examples=50, deadline=None)
@given(weeks())
def test_planning_is_deterministic(week):
    events, prefs = week
    assert propose_week(MONDAY, ZONE, events, prefs) == propose_week(
        MONDAY, ZONE, list(reversed(events)), prefs
    )
