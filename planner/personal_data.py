from accounts.personal_data import PersonalDataset, register

from .models import (
    CalendarImport,
    PlannerPrefs,
    ProtectedBlock,
    ReminderSent,
    ScheduleEvent,
    ShiftPattern,
)


def export_events(user) -> list[dict]:
    return [
        {
            "id": e.pk,
            "kind": e.kind,
            "starts_at": e.starts_at,
            "ends_at": e.ends_at,
            "all_day": e.all_day,
            "source": e.source,
            "uid": e.uid,
            "recurrence_id": e.recurrence_id,
        }
        for e in ScheduleEvent.objects.filter(student=user)
    ]


def export_prefs(user) -> list[dict]:
    return [
        {
            "sleep_hours": p.sleep_hours,
            "timezone": p.timezone,
            "email_reminders": p.email_reminders,
            "reminders_per_day": p.reminders_per_day,
            "weekly_nudge": p.weekly_nudge,
            "feed_active": bool(p.feed_token_hash),
            "feed_created_at": p.feed_created_at,
        }
        for p in PlannerPrefs.objects.filter(student=user)
    ]


def export_blocks(user) -> list[dict]:
    return [
        {
            "id": b.pk,
            "kind": b.kind,
            "state": b.state,
            "proposed_start": b.proposed_start,
            "starts_at": b.starts_at,
            "ends_at": b.ends_at,
        }
        for b in ProtectedBlock.objects.filter(student=user)
    ]


def export_patterns(user) -> list[dict]:
    return [
        {
            "name": p.name,
            "starts": p.starts.isoformat(),
            "ends": p.ends.isoformat(),
            "weekdays": list(p.weekday_numbers),
            "created_at": p.created_at,
        }
        for p in ShiftPattern.objects.filter(student=user)
    ]


def export_reminders(user) -> list[dict]:
    return [
        {"key": r.key, "local_day": r.local_day, "created_at": r.created_at}
        for r in ReminderSent.objects.filter(student=user)
    ]


def export_imports(user) -> list[dict]:
    return [
        {
            "state": i.state,
            "result": i.result,
            "message": i.message,
            "created_at": i.created_at,
            "finished_at": i.finished_at,
        }
        for i in CalendarImport.objects.filter(student=user).defer("data")
    ]


def register_datasets() -> None:
    register(PersonalDataset("planner_events", "your schedule in the planner", export_events))
    register(PersonalDataset("planner_prefs", "your planner preferences", export_prefs))
    register(
        PersonalDataset("planner_blocks", "the protected-time blocks you answered", export_blocks)
    )
    register(PersonalDataset("planner_patterns", "the shift patterns you saved", export_patterns))
    register(
        PersonalDataset("planner_reminders", "the planner emails sent to you", export_reminders)
    )
    register(
        PersonalDataset(
            "planner_imports", "your latest calendar import and its outcome", export_imports
        )
    )
