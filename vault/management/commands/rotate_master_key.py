from django.core.management.base import BaseCommand

from vault.keys import new_master_key_entry
from vault.services import rewrap_data_keys, rewrap_site_keys


class Command(BaseCommand):
    help = (
        "Re-wrap every user's data key, and the site's keys (the one that encrypts TOTP "
        "secrets), under the current (first) master key in WR_MASTER_KEYS. "
        "To rotate: generate a key with --new-key, put it first in WR_MASTER_KEYS keeping the "
        "old one after it, run this command, then remove the old key."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--new-key", action="store_true", help="Print a new master key entry and exit."
        )

    def handle(self, *args, new_key, **options):
        if new_key:
            self.stdout.write(new_master_key_entry())
            return
        data_keys = rewrap_data_keys()
        site_keys = rewrap_site_keys()
        self.stdout.write(
            self.style.SUCCESS(f"Re-wrapped {data_keys} data key(s) and {site_keys} site key(s).")
        )
