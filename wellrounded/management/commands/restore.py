from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wellrounded.backups import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `backup` into the configured database (or --into URL). "
        "The backup is checked before anything is changed; the database it replaces is kept "
        "beside it. Stop the web and worker processes first."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--into", help="A DATABASE_URL to restore into instead.")

    def handle(self, *args, path, into, **options):
        try:
            restored = restore(Path(path), into=into)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Restored {path} into {restored.into}."))
        if restored.previous:
            self.stdout.write(
                f"The database it replaced is kept as {restored.previous}; "
                "delete it once you have checked the restore."
            )
