"""Reads of a student's reminder settings that other apps share."""

from datetime import time

from .models import QUIET_END, QUIET_START, ReminderPrefs


def quiet_hours_of(student) -> tuple[time, time] | None:
    """The student's quiet hours (start, end), the defaults until they choose; None when they
    chose none. One set for every reminder and for the planner (ADR: one place for quiet hours).
    """
    row = ReminderPrefs.objects.filter(student=student).values_list("quiet_start", "quiet_end")
    start, end = row.first() or (QUIET_START, QUIET_END)
    return None if start == end else (start, end)
