"""When a reminder may go out: plain Python, no database, so every rule is tested alone."""

from datetime import datetime, time


def in_quiet_hours(moment: time, start: time, end: time) -> bool:
    """Whether a local time of day falls in quiet hours [start, end), which may run past
    midnight (22:00-07:00). Equal start and end means no quiet hours."""
    if start == end:
        return False
    if start < end:
        return start <= moment < end
    return moment >= start or moment < end


def checkin_reminder_due(*, local_now: datetime, at: time | None, checked_in: bool) -> bool:
    """The daily reminder is due from the chosen time until the end of the local day, unless
    the student has checked in already (a reminder is a nudge, not a chore)."""
    return at is not None and not checked_in and local_now.time() >= at


def habit_reminder_due(*, local_now: datetime, at: time | None, active: bool,
                       answered_today: bool) -> bool:  # fmt: skip
    """A habit's reminder is due from its time until the end of the local day, while the habit
    is active (not paused or archived) and the day has no answer for it yet: done, or marked
    "not today" (an exam day is not nagged about)."""
    return at is not None and active and not answered_today and local_now.time() >= at


def may_send(*, local_now: datetime, quiet_start: time, quiet_end: time, sent_today: int,
             per_day: int) -> bool:  # fmt: skip
    """Never in quiet hours and never more than the student's daily cap."""
    if in_quiet_hours(local_now.time(), quiet_start, quiet_end):
        return False
    return sent_today < per_day
