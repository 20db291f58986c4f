from django.core.management.base import BaseCommand

from checkins.rollups import rebuild_rollups


class Command(BaseCommand):
    help = "Recompute every anonymous rollup cell from the stored check-ins and screenings."

    def handle(self, *args, **options):
        cells = rebuild_rollups()
        self.stdout.write(self.style.SUCCESS(f"Rebuilt {cells} rollup cells."))
