from django.core.management.base import BaseCommand

from reminders.services import queue_due_reminders


class Command(BaseCommand):
    help = (
        "Queue the check-in, habit and screening reminders due now (run from cron every 5 minutes; "
        "a reminder is claimed once, so reruns are harmless). `manage.py run_worker` sends them."
    )

    def handle(self, *args, **options):
        count = queue_due_reminders()
        self.stdout.write(f"Queued {count} reminder(s).")
