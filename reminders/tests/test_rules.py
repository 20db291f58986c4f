from datetime import datetime, time

from hypothesis import given
from hypothesis import strategies as st

from reminders.rules import checkin_reminder_due, habit_reminder_due, in_quiet_hours, may_send


def test_quiet_hours_over_midnight():
    assert in_quiet_hours(time(23, 30), time(22), time(7))
    assert in_quiet_hours(time(3), time(22), time(7))
    assert not in_quiet_hours(time(7), time(22), time(7))  # they end at 07:00
    assert not in_quiet_hours(time(21, 59), time(22), time(7))


def test_quiet_hours_within_a_day_and_none_when_start_equals_end():
    assert in_quiet_hours(time(14), time(13), time(15))
    assert not in_quiet_hours(time(15), time(13), time(15))
    assert not in_quiet_hours(time(3), time(0), time(0))


@given(st.times(), st.times(), st.times())
def test_a_moment_is_quiet_in_exactly_one_of_two_complementary_windows(moment, start, end):
    if start != end:
        assert in_quiet_hours(moment, start, end) != in_quiet_hours(moment, end, start)


def test_daily_reminder_is_due_from_the_chosen_time_unless_checked_in():
    evening = datetime(2026, 12, 7, 21, 0)
    assert checkin_reminder_due(local_now=evening, at=time(20, 30), checked_in=False)
    assert not checkin_reminder_due(local_now=evening, at=time(21, 30), checked_in=False)
    assert not checkin_reminder_due(local_now=evening, at=time(20, 30), checked_in=True)
    assert not checkin_reminder_due(local_now=evening, at=None, checked_in=False)


def test_the_cap_and_quiet_hours_both_hold():
    night, day = datetime(2026, 12, 7, 23, 0), datetime(2026, 12, 7, 12, 0)
    quiet = {"quiet_start": time(22), "quiet_end": time(7)}
    assert not may_send(local_now=night, sent_today=0, per_day=2, **quiet)
    assert may_send(local_now=day, sent_today=1, per_day=2, **quiet)
    assert not may_send(local_now=day, sent_today=2, per_day=2, **quiet)


def test_a_habits_reminder_is_due_from_its_time_while_active_and_unanswered():
    evening = datetime(2026, 12, 7, 19, 0)
    due = {"local_now": evening, "at": time(18, 30), "active": True, "answered_today": False}
    assert habit_reminder_due(**due)
    assert not habit_reminder_due(**{**due, "at": time(19, 30)})
    assert not habit_reminder_due(**{**due, "at": None})
    assert not habit_reminder_due(**{**due, "active": False})  # paused (or archived)
    assert not habit_reminder_due(**{**due, "answered_today": True})  # done, or "not today"
