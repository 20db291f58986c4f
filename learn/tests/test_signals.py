from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from learn.signals import Screening, checkin_signals, screening_signals, signals_for
from learn.tracks import SIGNALS

TODAY = date(2026, 3, 2)


@dataclass
class Day:
    day: date
    mood: int = 4
    stress: int = 2
    sleep_hours: Decimal = Decimal("7.5")
    sleep_quality: int = 4
    loneliness: int = 2
    purpose: int = 4
    ate_well: bool = True
    moved: bool = True
    rested: bool = True


def days(count: int, **changes) -> list[Day]:
    return [Day(TODAY - timedelta(days=i), **changes) for i in range(count)]


def test_a_calm_fortnight_raises_nothing():
    assert checkin_signals(days(14), TODAY) == set()


def test_short_sleep_needs_three_check_ins():
    assert checkin_signals(days(2, sleep_hours=Decimal("5")), TODAY) == set()
    assert checkin_signals(days(3, sleep_hours=Decimal("5")), TODAY) == {"sleep_short"}


def test_sleep_of_exactly_six_and_a_half_hours_is_not_short():
    assert "sleep_short" not in checkin_signals(days(5, sleep_hours=Decimal("6.5")), TODAY)


def test_loneliness_reads_five_as_very_lonely():
    assert checkin_signals(days(4, loneliness=5), TODAY) == {"lonely"}
    assert checkin_signals(days(4, loneliness=1), TODAY) == set()


def test_each_scale_signal_at_its_threshold():
    assert checkin_signals(days(3, sleep_quality=2), TODAY) == {"sleep_poor"}
    assert checkin_signals(days(3, stress=4), TODAY) == {"stress_high"}
    assert checkin_signals(days(3, mood=2), TODAY) == {"mood_low"}
    assert checkin_signals(days(3, purpose=2), TODAY) == {"purpose_low"}


def test_self_care_shares():
    rows = days(4, moved=False, ate_well=False, rested=False)
    rows[0].ate_well = True  # 25% ate well: still under 40%
    rows[1].moved = True  # 25% moved: not "rarely"
    assert checkin_signals(rows, TODAY) == {"ate_poorly", "rested_rarely"}


def test_check_ins_older_than_two_weeks_do_not_count():
    old = [Day(TODAY - timedelta(days=20 + i), mood=1) for i in range(5)]
    assert checkin_signals(old, TODAY) == set()


def test_only_the_latest_recent_screening_counts():
    then = TODAY - timedelta(days=30)
    assert screening_signals([Screening("gad7", 12, then)], TODAY) == {"anxiety"}
    better = [Screening("gad7", 12, then), Screening("gad7", 4, then + timedelta(days=5))]
    assert screening_signals(better, TODAY) == set()
    stale = [Screening("phq9", 15, TODAY - timedelta(days=61))]
    assert screening_signals(stale, TODAY) == set()


def test_screening_cut_offs():
    day = TODAY - timedelta(days=1)
    assert screening_signals([Screening("gad2", 3, day)], TODAY) == {"anxiety"}
    assert screening_signals([Screening("phq2", 3, day)], TODAY) == {"depression_screen"}
    assert screening_signals([Screening("phq9", 9, day)], TODAY) == set()
    assert screening_signals([Screening("cbi_work", 50, day)], TODAY) == {"burnout"}
    assert screening_signals([Screening("ucla3", 6, day)], TODAY) == {"lonely"}
    assert screening_signals([Screening("ucla3", 5, day)], TODAY) == set()


scale = st.integers(1, 5)
day_strategy = st.builds(
    Day,
    day=st.integers(0, 30).map(lambda n: TODAY - timedelta(days=n)),
    mood=scale,
    stress=scale,
    sleep_hours=st.decimals(0, 16, places=1),
    sleep_quality=scale,
    loneliness=scale,
    purpose=scale,
    ate_well=st.booleans(),
    moved=st.booleans(),
    rested=st.booleans(),
)


@given(st.lists(day_strategy, max_size=30))
def test_signals_are_always_known_names_and_need_three_recent_days(rows):
    raised = signals_for(rows, [], TODAY)
    assert raised <= set(SIGNALS)
    recent = [r for r in rows if r.day > TODAY - timedelta(days=14)]
    if len(recent) < 3:
        assert raised == set()


@given(st.lists(day_strategy, min_size=3, max_size=20))
def test_more_sleep_never_adds_a_short_sleep_signal(rows):
    before = "sleep_short" in checkin_signals(rows, TODAY)
    for row in rows:
        row.sleep_hours += Decimal("1")
    assert not ("sleep_short" in checkin_signals(rows, TODAY) and not before)
