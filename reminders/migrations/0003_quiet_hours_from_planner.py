"""One place for quiet hours: the planner's move into the reminder settings.

A student with quiet hours in the planner and no reminder settings gets reminder settings with
those quiet hours. One with both keeps the reminder settings' (the source of truth), unless
those are still the untouched defaults (22:00-07:00): a choice made in the planner beats a
default nobody chose. Backwards, the planner gets the reminder settings' quiet hours again.
"""

from datetime import time

from django.db import migrations

DEFAULTS = (time(22), time(7))


def from_planner(apps, schema_editor):
    PlannerPrefs = apps.get_model("planner", "PlannerPrefs")
    ReminderPrefs = apps.get_model("reminders", "ReminderPrefs")
    chosen = PlannerPrefs.objects.filter(quiet_start__isnull=False, quiet_end__isnull=False)
    for planner in chosen.iterator():
        reminders = ReminderPrefs.objects.filter(student_id=planner.student_id).first()
        if reminders is None:
            ReminderPrefs.objects.create(
                student_id=planner.student_id,
                school_id=planner.school_id,
                quiet_start=planner.quiet_start,
                quiet_end=planner.quiet_end,
            )
        elif (reminders.quiet_start, reminders.quiet_end) == DEFAULTS:
            reminders.quiet_start, reminders.quiet_end = planner.quiet_start, planner.quiet_end
            reminders.save(update_fields=["quiet_start", "quiet_end"])


def to_planner(apps, schema_editor):
    PlannerPrefs = apps.get_model("planner", "PlannerPrefs")
    ReminderPrefs = apps.get_model("reminders", "ReminderPrefs")
    for reminders in ReminderPrefs.objects.iterator():
        none = reminders.quiet_start == reminders.quiet_end
        PlannerPrefs.objects.filter(student_id=reminders.student_id).update(
            quiet_start=None if none else reminders.quiet_start,
            quiet_end=None if none else reminders.quiet_end,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("planner", "0003_calendar_import"),
        ("reminders", "0002_habit_reminders"),
    ]

    operations = [migrations.RunPython(from_planner, to_planner)]
