from accounts.personal_data import PersonalDataset, register

from .models import PushSubscription, Reminder, ReminderPrefs


def export_prefs(user) -> list[dict]:
    return [
        {
            "checkin_at": p.checkin_at.isoformat() if p.checkin_at else None,
            "screenings": p.screenings,
            "quiet_start": p.quiet_start.isoformat(),
            "quiet_end": p.quiet_end.isoformat(),
            "per_day": p.per_day,
            "email_fallback": p.email_fallback,
        }
        for p in ReminderPrefs.objects.filter(student=user)
    ]


def export_subscriptions(user) -> list[dict]:
    return [
        {
            "endpoint": s.endpoint,
            "p256dh": s.p256dh,
            "auth": s.auth,
            "created_at": s.created_at,
            "last_sent_at": s.last_sent_at,
        }
        for s in PushSubscription.objects.filter(student=user)
    ]


def export_reminders(user) -> list[dict]:
    return [
        {
            "kind": r.kind,
            "key": r.key,
            "local_day": r.local_day,
            "channel": r.channel,
            "created_at": r.created_at,
        }  # fmt: skip
        for r in Reminder.objects.filter(student=user)
    ]


def register_datasets() -> None:
    register(PersonalDataset("reminder_prefs", "when you asked to be reminded", export_prefs))
    register(
        PersonalDataset(
            "push_subscriptions",
            "the browsers you allowed to show reminders (their push addresses and keys)",
            export_subscriptions,
        )
    )
    register(PersonalDataset("reminders_sent", "the reminders sent to you", export_reminders))
