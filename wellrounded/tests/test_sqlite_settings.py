"""An SQLite database opened as settings.py opens the app's runs as it says: WAL, checkpoints
every 10,000 pages with the WAL trimmed back after, and reads through a memory map. (It opens
its own file, so it runs the same whichever database the suite's DATABASE_URL points at.)"""

from django.db.utils import ConnectionHandler

from wellrounded.settings import SQLITE_OPTIONS


def pragma(cursor, name: str):
    cursor.execute(f"PRAGMA {name}")
    return cursor.fetchone()[0]


def test_sqlite_is_opened_tuned_for_many_small_writers(tmp_path, django_db_blocker):
    handler = ConnectionHandler(
        {
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(tmp_path / "tuned.sqlite3"),
                "OPTIONS": SQLITE_OPTIONS,
            }
        }
    )
    try:
        with django_db_blocker.unblock(), handler["default"].cursor() as cursor:
            assert pragma(cursor, "journal_mode") == "wal"
            assert pragma(cursor, "synchronous") == 1  # NORMAL
            assert pragma(cursor, "wal_autocheckpoint") == 10000
            assert pragma(cursor, "journal_size_limit") == 64 * 1024 * 1024
            assert pragma(cursor, "mmap_size") == 256 * 1024 * 1024
    finally:
        handler.close_all()
