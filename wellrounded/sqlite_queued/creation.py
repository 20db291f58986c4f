import contextlib
import os

from django.db.backends.sqlite3 import creation


class DatabaseCreation(creation.DatabaseCreation):
    def _destroy_test_db(self, test_database_name, verbosity):
        super()._destroy_test_db(test_database_name, verbosity)
        if test_database_name and not self.is_in_memory_db(test_database_name):
            # The test database's queue goes with it (nobody else can be waiting on it).
            with contextlib.suppress(FileNotFoundError):
                os.remove(f"{test_database_name}.writelock")
