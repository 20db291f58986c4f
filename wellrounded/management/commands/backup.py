from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from wellrounded.backups import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database online (SQLite backup API, or pg_dump for PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="Where to write it (default: var/backups/).")

    def handle(self, *args, path, **options):
        from django.conf import settings

        target = (
            Path(path)
            if path
            else (
                Path(settings.DATA_DIR)
                / "backups"
                / f"wellrounded-{timezone.now():%Y%m%dT%H%M%S}.db"
            )
        )
        try:
            written = backup(target)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Backed up to {written}"))
