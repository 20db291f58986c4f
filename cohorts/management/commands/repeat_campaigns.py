"""Create the next occurrence of every recurring campaign that has opened (run it daily, e.g.
from cron at 00:45: `manage.py repeat_campaigns`). The task queue also does it on the day a
recurring campaign opens; this catches a missed task and a rotation block imported later."""

from django.core.management.base import BaseCommand

from cohorts.campaigns import repeat_due


class Command(BaseCommand):
    help = "Create the next occurrence of every recurring campaign that is due."

    def handle(self, *args, **options):
        created, refused = repeat_due()
        for campaign in created:
            self.stdout.write(f"{campaign.school.name}: {campaign} created.")
        for campaign, error in refused:
            self.stderr.write(f"{campaign.school.name}: {campaign} not repeated: {error.messages}")
        self.stdout.write(f"{len(created)} occurrence(s) created.")
