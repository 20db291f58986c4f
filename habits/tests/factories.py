from datetime import date, timedelta

from habits.models import Habit, HabitLog
from schools.selectors import enrollment_for


def today_for(student) -> date:
    return enrollment_for(student).school.today()


def log_days(habit: Habit, *days_ago: int, today: date | None = None) -> None:
    """Write logs directly (e.g. history older than the back-fill window)."""
    today = today or today_for(habit.student)
    HabitLog.objects.bulk_create(
        HabitLog(habit=habit, school_id=habit.school_id, day=today - timedelta(days=n))
        for n in days_ago
    )
