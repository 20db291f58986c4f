"""Publish every week and survey that is due, for every school (run it daily, e.g. from cron
at 00:30: `manage.py publish_releases`). Staff pages also publish what is due when they are
opened, so a missed run delays nothing; this keeps the first page of the week fast."""

from django.core.management.base import BaseCommand

from cohorts.publishing import publish_due
from schools.models import School


class Command(BaseCommand):
    help = "Publish the anonymous figures of every week and survey that is due."

    def handle(self, *args, **options):
        total = 0
        for school in School.objects.order_by("pk"):
            published = publish_due(school, today=school.today())
            total += published
            if published:
                self.stdout.write(f"{school.name}: {published} release(s) published.")
        self.stdout.write(f"{total} release(s) published.")
