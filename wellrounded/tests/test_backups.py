import sqlite3

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from checkins.services import record_checkin, record_screening
from conftest import make_student
from wellrounded.backups import is_sqlite

pytestmark = pytest.mark.django_db(transaction=True)
CHECKIN = {
    "mood": 3, "stress": 3, "energy": 3, "sleep_hours": 7, "sleep_quality": 3,
    "loneliness": 2, "purpose": 4, "note": "backed up, still encrypted",
}  # fmt: skip


def counts_here() -> dict[str, int]:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        result = {}
        for table in tables:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - introspected names
            result[table] = cursor.fetchone()[0]
    return result


def test_backup_restores_into_an_empty_database_with_the_same_rows(cohort, tmp_path):
    for i in range(3):
        student = make_student(cohort, f"s{i}@riverside.example")
        record_checkin(student=student, values=CHECKIN)
        record_screening(
            student=student, instrument_id="who5", answers=[3, 3, 3, 3, 3], submission_key="k"
        )
    expected = counts_here()
    backup_file = tmp_path / "backup.db"

    call_command("backup", str(backup_file))

    if connection.vendor == "sqlite":
        restored_path = tmp_path / "restored.sqlite3"
        call_command("restore", str(backup_file), into=f"sqlite:///{restored_path}")
        with sqlite3.connect(restored_path) as restored:
            got = {
                table: restored.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # noqa: S608
                for table in expected
            }
    else:
        settings = connection.settings_dict
        base = f"postgresql://{settings['USER']}@{settings['HOST']}:{settings['PORT']}"
        name = f"{settings['NAME']}_restore"
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        try:
            call_command("restore", str(backup_file), into=f"{base}/{name}")
            with psycopg.connect(f"{base}/{name}") as restored:
                got = {
                    table: restored.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # noqa: S608
                    for table in expected
                }
        finally:
            with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    assert got == expected
    assert expected["checkins_checkin"] == 3


def test_restore_refuses_a_missing_file(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No backup"):
        call_command("restore", str(tmp_path / "nope.db"))


def test_the_configured_sqlite_database_is_restored_as_sqlite():
    assert is_sqlite({"ENGINE": "django.db.backends.sqlite3"})
    assert not is_sqlite({"ENGINE": "django.db.backends.postgresql"})
    assert is_sqlite(settings.DATABASES["default"]) == (connection.vendor == "sqlite")
