from django.core.management.base import BaseCommand

import instruments


class Command(BaseCommand):
    help = "List the ids of the screening instruments (with their names using -v 2)."

    def handle(self, *args, verbosity, **options):
        for instrument_id in instruments.instrument_ids():
            if verbosity > 1:
                name = instruments.get_instrument(instrument_id).name
                self.stdout.write(f"{instrument_id}\t{name}")
            else:
                self.stdout.write(instrument_id)
