"""Quiet hours are kept in the reminder settings now (reminders 0003 moved them there)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("planner", "0003_calendar_import"),
        ("reminders", "0003_quiet_hours_from_planner"),
    ]

    operations = [
        migrations.RemoveField(model_name="plannerprefs", name="quiet_end"),
        migrations.RemoveField(model_name="plannerprefs", name="quiet_start"),
    ]
