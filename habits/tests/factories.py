from datetime import date, timedelta

from checkins.services import enrollment_for, local_today
from habits.models import Habit, HabitLog


def today_for(student) -> date:
    return local_today(enrollment_for(student))


def log_days(habit: Habit, *days_ago: int, today: date | None = None) -> None:
    """Write logs directly (e.g. history older than the back-fill window)."""
    today = today or today_for(habit.student)
    HabitLog.objects.bulk_create(
        HabitLog(habit=habit, school_id=habit.school_id, day=today - timedelta(days=n))
        for n in days_ago
    )
