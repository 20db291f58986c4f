from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Run the task queue's worker (campaign invitations and reminders). Keep one running "
        "next to the web server; --batch runs what is due, then exits (cron, tests)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Run due tasks, then exit.")

    def handle(self, *args, batch, verbosity, **options):
        call_command(
            "db_worker",
            batch=batch,
            reload=False,
            startup_delay=not batch,
            verbosity=verbosity,
        )
