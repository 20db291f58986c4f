import datetime

from django.db import migrations, models
from django.utils import timezone


def days_before_to_schedule(apps, schema_editor):
    """One reminder `remind_days_before` days before closing becomes that day of the window."""
    Campaign = apps.get_model("cohorts", "Campaign")
    for campaign in Campaign.objects.all():
        offset = (campaign.closes_on - campaign.opens_on).days - campaign.remind_days_before
        if campaign.remind_days_before and offset > 0:
            campaign.reminder_days = [offset]
            campaign.reminders_sent = [offset] if campaign.reminders_sent_at else []
            campaign.save(update_fields=["reminder_days", "reminders_sent"])


def schedule_to_days_before(apps, schema_editor):
    """Back to one reminder: the first chosen day (the others cannot be said that way)."""
    Campaign = apps.get_model("cohorts", "Campaign")
    for campaign in Campaign.objects.all():
        if campaign.reminder_days:
            first = min(campaign.reminder_days)
            campaign.remind_days_before = (campaign.closes_on - campaign.opens_on).days - first
            campaign.reminders_sent_at = timezone.now() if first in campaign.reminders_sent else None
        else:
            campaign.remind_days_before = 0
        campaign.save(update_fields=["remind_days_before", "reminders_sent_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("cohorts", "0011_campaign_test_sends"),
    ]

    operations = [
        migrations.AddField(
            model_name="campaign",
            name="reminder_days",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="campaign",
            name="reminder_time",
            field=models.TimeField(default=datetime.time(8, 0)),
        ),
        migrations.AddField(
            model_name="campaign",
            name="reminders_sent",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.RunPython(days_before_to_schedule, schedule_to_days_before),
        migrations.RemoveField(
            model_name="campaign",
            name="remind_days_before",
        ),
        migrations.RemoveField(
            model_name="campaign",
            name="reminders_sent_at",
        ),
    ]
