from accounts.personal_data import PersonalDataset, register

from .models import Habit, HabitLog


def export_habits(user) -> list[dict]:
    return [
        {
            "id": h.pk,
            "kind": h.kind,
            "name": h.name,
            "target_per_week": h.target_per_week,
            "target_hours": h.target_hours,
            "remind_at": h.remind_at.isoformat() if h.remind_at else None,
            "state": h.state,
            "paused_at": h.paused_at,
            "archived_at": h.archived_at,
            "created_at": h.created_at,
        }
        for h in Habit.objects.filter(student=user)
    ]


def export_habit_logs(user) -> list[dict]:
    return [
        {
            "habit_id": log.habit_id,
            "habit": log.habit.name,
            "day": log.day,
            "hours": log.hours,
            "not_today": log.not_today,
        }
        for log in HabitLog.objects.select_related("habit").filter(habit__student=user)
    ]


def register_datasets() -> None:
    register(PersonalDataset("habits", "your self-care habits and their targets", export_habits))
    register(PersonalDataset("habit_logs", "the days you logged each habit", export_habit_logs))
