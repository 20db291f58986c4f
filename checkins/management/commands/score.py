import json
import sys

from django.core.management.base import BaseCommand

import instruments


class Command(BaseCommand):
    help = (
        "Score answers (option values in item order; '-' for a skipped item) and print "
        '{"instrument", "score", "band", "flags"} as JSON. Exits 2 on invalid input; when '
        "the answers cannot be scored, stderr still carries the safety flags read from the "
        'valid answers, as a JSON line {"instrument", "flags", "errors"}.'
    )

    def add_arguments(self, parser):
        parser.add_argument("instrument", help="An instrument id; see `manage.py instruments`.")
        parser.add_argument("answers", nargs="+")

    def handle(self, *args, instrument, answers, **options):
        try:
            values = [None if a in {"-", "null", ""} else int(a) for a in answers]
        except ValueError as error:
            self.fail(f"Answers must be whole numbers (or '-' for skipped): {error}")
        try:
            result = instruments.score(instrument, values)
        except instruments.InvalidAnswers as error:
            # The web path keeps a self-harm answer even when the rest cannot be scored;
            # so does this one: the flags go to stderr as JSON next to the message.
            details = {
                "instrument": error.instrument_id,
                "flags": list(error.flags),
                "errors": {
                    (f"item {key + 1}" if isinstance(key, int) else key): message
                    for key, message in error.errors.items()
                },
            }
            self.fail(str(error), details)
        except instruments.UnknownInstrument as error:
            self.fail(str(error))
        self.stdout.write(json.dumps(result.to_dict()))

    def fail(self, message: str, details: dict | None = None):
        sys.stderr.write(f"score: {message}\n")
        if details is not None:
            sys.stderr.write(json.dumps(details) + "\n")
        sys.exit(2)
