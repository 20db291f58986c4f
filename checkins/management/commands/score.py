import json
import sys

from django.core.management.base import BaseCommand

import instruments


class Command(BaseCommand):
    help = (
        "Score answers (option values in item order; '-' for a skipped item) and print "
        '{"instrument", "score", "band", "flags"} as JSON. Exits 2 on invalid input.'
    )

    def add_arguments(self, parser):
        parser.add_argument("instrument", help="An instrument id; see `manage.py instruments`.")
        parser.add_argument("answers", nargs="+")

    def handle(self, *args, instrument, answers, **options):
        try:
            values = [None if a in {"-", "null", ""} else int(a) for a in answers]
            result = instruments.score(instrument, values)
        except ValueError as error:  # InvalidAnswers is a ValueError, as is int("x")
            message = (
                str(error)
                if isinstance(error, instruments.InvalidAnswers)
                else (f"Answers must be whole numbers (or '-' for skipped): {error}")
            )
            self.fail(message)
        except instruments.UnknownInstrument as error:
            self.fail(str(error))
        self.stdout.write(json.dumps(result.to_dict()))

    def fail(self, message: str):
        sys.stderr.write(f"score: {message}\n")
        sys.exit(2)
