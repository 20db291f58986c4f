from django.core.management.base import BaseCommand

from planner.reminders import queue_due_reminders


class Command(BaseCommand):
    help = (
        "Queue the planner's due reminder emails (run from cron every 15 minutes; a reminder "
        "already queued is never queued again, so reruns are harmless)."
    )

    def handle(self, *args, **options):
        count = queue_due_reminders()
        self.stdout.write(f"Queued {count} planner email(s).")
