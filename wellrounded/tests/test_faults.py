"""Faults an operator meets: a bad file handed to restore, a full disk, a read-only data
directory, files left readable by others."""

import errno
import os
import random
import sqlite3
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import InternalError, OperationalError, connection
from django.test import Client
from django.urls import reverse

from accounts.tokens import create_token
from checkins.models import CheckIn
from checkins.services import record_checkin
from conftest import PASSWORD, make_student
from wellrounded.write_faults import CANNOT_SAVE, is_write_fault

CHECKIN = {
    "mood": 3, "stress": 3, "energy": 3, "sleep_hours": 7, "sleep_quality": 3,
    "loneliness": 2, "purpose": 4, "note": "kept through every fault",
}  # fmt: skip
CHECKIN_FORM = {key: str(value) for key, value in CHECKIN.items()}
READ_PAGES = ["/", "/checkin/", "/insights/", "/habits/", "/help/", "/accounts/my-data/"]


def table_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        result = {}
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - introspected names
            result[table] = cursor.fetchone()[0]
    return result


def pg_admin():
    config = connection.settings_dict
    return psycopg.connect(
        host=config["HOST"], port=config["PORT"], user=config["USER"], dbname="postgres",
        autocommit=True,
    )  # fmt: skip


def databases_named_like(prefix: str) -> list[str]:
    with pg_admin() as admin:
        rows = admin.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", [f"{prefix}%"]
        ).fetchall()
    return [row[0] for row in rows]


def drop_databases(names: list[str]) -> None:
    with pg_admin() as admin:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def good_backup(cohort, tmp_path) -> Path:
    for i in range(2):
        record_checkin(student=make_student(cohort, f"s{i}@riverside.example"), values=CHECKIN)
    path = tmp_path / "good.backup"
    call_command("backup", str(path))
    return path


def corrupt(kind: str, good: Path, tmp_path: Path) -> Path:
    bad = tmp_path / f"{kind}.backup"
    data = good.read_bytes()
    noise = random.Random(16)  # noqa: S311 - test data, not a secret
    if kind == "empty":
        bad.write_bytes(b"")
    elif kind == "foreign":
        with sqlite3.connect(bad) as other:
            other.execute("CREATE TABLE recipes (name TEXT, serves INTEGER)")
            other.execute("INSERT INTO recipes VALUES ('soup', 4)")
        other.close()
    elif kind == "middle-overwritten":
        middle = len(data) // 2 - 32 * 1024
        assert middle > 0, "the backup is too small to lose 64 KB of its middle"
        bad.write_bytes(data[:middle] + noise.randbytes(64 * 1024) + data[middle + 64 * 1024 :])
    elif kind == "truncated":
        bad.write_bytes(data[: len(data) // 2])
    elif kind == "garbage":
        bad.write_bytes(noise.randbytes(200 * 1024))
    return bad


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", ["empty", "foreign", "middle-overwritten", "truncated", "garbage"])
def test_restore_refuses_a_bad_file_and_leaves_the_live_database_as_it_was(
    good_backup, tmp_path, kind
):
    bad = corrupt(kind, good_backup, tmp_path)
    before = table_counts()
    around_before = sorted(p.name for p in Path(tmp_path).iterdir())

    with pytest.raises(CommandError) as refused:
        call_command("restore", str(bad))

    message = str(refused.value)
    assert str(bad) in message or "not a Well-Rounded database" in message
    assert "\n" not in message
    assert table_counts() == before
    assert CheckIn.objects.count() == 2
    assert sorted(p.name for p in Path(tmp_path).iterdir()) == around_before
    if connection.vendor == "sqlite":
        database_dir = Path(connection.settings_dict["NAME"]).parent
        assert not list(database_dir.glob(".*restoring-*"))
        assert not list(database_dir.glob("*.before-restore-*"))
        assert connection.cursor().execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    else:
        assert databases_named_like(f"{connection.settings_dict['NAME'][:40]}_restoring_") == []


@pytest.mark.sqlite_only  # the history check is shared; its SQLite path is enough to show it
@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_backup_from_a_newer_version(good_backup, tmp_path):
    newer = tmp_path / "newer.backup"
    newer.write_bytes(good_backup.read_bytes())
    with sqlite3.connect(newer) as db:
        db.execute(
            "INSERT INTO django_migrations (app, name, applied) "
            "VALUES ('checkins', '9999_from_the_future', '2030-01-01')"
        )
    db.close()

    with pytest.raises(CommandError, match="newer version.*checkins.9999_from_the_future"):
        call_command("restore", str(newer))
    assert CheckIn.objects.count() == 2


@pytest.mark.sqlite_only  # the history check is shared; its SQLite path is enough to show it
@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_backup_missing_a_table_its_history_promises(good_backup, tmp_path):
    gutted = tmp_path / "gutted.backup"
    gutted.write_bytes(good_backup.read_bytes())
    with sqlite3.connect(gutted) as db:
        db.execute("DROP TABLE habits_habitlog")
    db.close()

    with pytest.raises(CommandError, match="incomplete.*habits_habitlog"):
        call_command("restore", str(gutted))
    assert CheckIn.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_good_backup_replaces_the_live_database_and_the_old_one_is_kept(
    good_backup, cohort, capsys
):
    student = make_student(cohort, "late@riverside.example")
    record_checkin(student=student, values=CHECKIN)
    assert CheckIn.objects.count() == 3

    call_command("restore", str(good_backup))

    assert CheckIn.objects.count() == 2  # the check-in made after the backup is gone
    assert "kept as" in capsys.readouterr().out
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        kept = list(Path(name).parent.glob(f"{Path(name).name}.before-restore-*"))
        assert len(kept) == 1
        assert kept[0].stat().st_mode & 0o777 == 0o600
        with sqlite3.connect(kept[0]) as old:
            assert old.execute("SELECT COUNT(*) FROM checkins_checkin").fetchone()[0] == 3
        old.close()
        kept[0].unlink()
    else:
        kept = databases_named_like(f"{name[:40]}_before_restore_")
        assert len(kept) == 1
        drop_databases(kept)


def test_a_refused_restore_says_one_sentence_and_exits_non_zero(tmp_path):
    empty = tmp_path / "empty.backup"
    empty.write_bytes(b"")
    result = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "restore", str(empty),
         "--into", f"sqlite:///{tmp_path / 'never.sqlite3'}"],
        capture_output=True, text=True, cwd=settings.BASE_DIR,
    )  # fmt: skip
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        f"CommandError: {empty} is not a SQLite database (empty, damaged, or not made by "
        "`manage.py backup`); nothing was changed."
    )
    assert not (tmp_path / "never.sqlite3").exists()


# When the storage refuses writes ---------------------------------------------------------


def fail_writes_as_a_full_disk(execute, sql, params, many, context):
    """An execute wrapper: every write fails as a full disk makes it fail on this database."""
    if sql.lstrip().split(None, 1)[0].upper() in {"INSERT", "UPDATE", "DELETE", "REPLACE"}:
        if connection.vendor == "sqlite":
            cause = sqlite3.OperationalError("database or disk is full")
        else:
            cause = psycopg.errors.DiskFull("could not extend file: No space left on device")
        raise OperationalError(str(cause)) from cause
    return execute(sql, params, many, context)


DISK_FULL: list[bool] = []  # whether RefuseWritesMiddleware simulates a full disk


class RefuseWritesMiddleware:
    """Fails writes inside the request, beneath WriteFaultMiddleware, as the database would."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not DISK_FULL:
            return self.get_response(request)
        with connection.execute_wrapper(fail_writes_as_a_full_disk):
            return self.get_response(request)


@contextmanager
def storage_refuses_writes(kind: str, settings):
    """A full disk (simulated) or a read-only database (the real thing where we can)."""
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(middleware.index("wellrounded.write_faults.WriteFaultMiddleware") + 1,
                      f"{__name__}.RefuseWritesMiddleware")  # fmt: skip
    settings.MIDDLEWARE = middleware
    if kind == "read-only":
        # SQLite, or PostgreSQL, itself refuses every change.
        on, off = {
            "sqlite": ("PRAGMA query_only = ON", "PRAGMA query_only = OFF"),
            "postgresql": (
                "SET default_transaction_read_only = on",
                "SET default_transaction_read_only = off",
            ),
        }[connection.vendor]
        with connection.cursor() as cursor:
            cursor.execute(on)
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute(off)
        return
    DISK_FULL.append(True)
    try:
        yield
    finally:
        DISK_FULL.clear()


@pytest.mark.django_db(transaction=True)  # autocommit, as in production
@pytest.mark.parametrize("kind", ["full", "read-only"])
def test_a_checkin_the_server_cannot_save_gets_the_cannot_save_page(
    client, student, kind, settings
):
    client.force_login(student)
    with storage_refuses_writes(kind, settings):
        response = client.post(reverse("checkin"), CHECKIN_FORM)

    assert response.status_code == 503
    page = response.content.decode()
    assert "The server cannot save right now" in page
    assert "not saved" in page
    assert f'href="{reverse("need_help")}"' in page
    assert f'href="{reverse("home")}"' in page
    assert "no-store" in response["Cache-Control"]
    assert not CheckIn.objects.filter(student=student).exists()


@pytest.mark.django_db(transaction=True)  # autocommit, as in production
@pytest.mark.parametrize("kind", ["full", "read-only"])
def test_an_api_write_the_server_cannot_save_gets_503_json(client, student, kind, settings):
    _, secret = create_token(user=student, name="phone")
    with storage_refuses_writes(kind, settings):
        response = client.put(
            "/api/checkins/today",
            {**CHECKIN, "moved": True},
            content_type="application/json",
            headers={"authorization": f"Bearer {secret}"},
        )

    assert response.status_code == 503
    assert response.json() == {"detail": CANNOT_SAVE}
    assert not CheckIn.objects.filter(student=student).exists()


@pytest.mark.django_db(transaction=True)  # autocommit, as in production
@pytest.mark.parametrize("kind", ["full", "read-only"])
def test_reading_goes_on_while_the_server_cannot_save(client, student, kind, settings):
    record_checkin(student=student, values=CHECKIN)
    _, secret = create_token(user=student, name="phone")
    client.force_login(student)
    with storage_refuses_writes(kind, settings):
        pages = {url: client.get(url).status_code for url in READ_PAGES}
        api = client.get("/api/checkins/today", headers={"authorization": f"Bearer {secret}"})

    assert pages == dict.fromkeys(READ_PAGES, 200)
    assert api.status_code == 200
    assert api.json()["mood"] == CHECKIN["mood"]


@pytest.mark.django_db(transaction=True)  # autocommit, as in production
@pytest.mark.parametrize("kind", ["full", "read-only"])
def test_sign_in_on_a_full_disk_says_it_cannot_save_not_too_many_requests(
    client, student, kind, settings
):
    with storage_refuses_writes(kind, settings):
        response = client.post(
            reverse("account_login"), {"login": student.email, "password": PASSWORD}
        )

    assert response.status_code == 503
    assert "Too Many Requests" not in response.content.decode()
    assert "The server cannot save right now" in response.content.decode()


@pytest.mark.django_db(transaction=True)  # autocommit, as in production
def test_a_write_fault_while_saving_the_session_gets_the_cannot_save_page(student, settings):
    # The session is saved after the view, outside it: handler500 gets the 503 page too.
    client = Client(raise_request_exception=False)
    client.force_login(student)
    client.session  # noqa: B018 - loads the session cookie
    with storage_refuses_writes("full", settings):
        response = client.post(reverse("account_logout"))

    assert response.status_code == 503


@pytest.mark.parametrize(
    ("error", "fault"),
    [
        (OperationalError("database or disk is full"), True),
        (OperationalError("attempt to write a readonly database"), True),
        (OSError(errno.ENOSPC, "No space left on device"), True),
        (OSError(errno.EROFS, "Read-only file system"), True),
        (psycopg.errors.DiskFull("could not extend file"), True),
        (psycopg.errors.ReadOnlySqlTransaction("read-only transaction"), True),
        (OperationalError("database is locked"), False),
        (OperationalError("no such table: habits_habit"), False),
        (ValueError("database or disk is full"), False),
    ],
)
def test_which_errors_mean_the_server_cannot_save(error, fault):
    assert is_write_fault(error) is fault
    wrapped = InternalError("wrapped")
    wrapped.__cause__ = error
    assert is_write_fault(wrapped) is fault


# Files only their owner can read ---------------------------------------------------------


def sqlite_wrapper(path: Path):
    """A connection to another SQLite file through the stock backend, named as settings.py
    names the project's database."""
    from django.db.backends.sqlite3.base import DatabaseWrapper

    from wellrounded.sqlite_files import database_name

    return DatabaseWrapper(
        {**connection.settings_dict, "NAME": database_name(str(path))}, alias="faults"
    )


@pytest.mark.sqlite_only
@pytest.mark.django_db
def test_a_new_sqlite_database_and_its_wal_and_shm_files_are_private(tmp_path, monkeypatch):
    os.umask(previous := os.umask(0o022))  # the usual umask, which would give 0644
    monkeypatch.setattr(os, "umask", lambda mask: previous)  # nothing here may widen it
    database = tmp_path / "new.sqlite3"
    db = sqlite_wrapper(database)
    try:
        with db.cursor() as cursor:
            cursor.execute("CREATE TABLE notes (body TEXT)")
        with db.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")  # WAL, from the settings' init_command
            assert cursor.fetchone()[0] == "wal"
        db.set_autocommit(False)
        with db.cursor() as cursor:
            cursor.execute("INSERT INTO notes VALUES ('private')")
        db.commit()
        db.set_autocommit(True)
        files = {p.name: p.stat().st_mode & 0o777 for p in tmp_path.iterdir()}
    finally:
        db.close()
    assert {"new.sqlite3", "new.sqlite3-wal", "new.sqlite3-shm"} <= set(files)
    assert set(files.values()) == {0o600}, files


@pytest.mark.django_db(transaction=True)  # a backup reads committed data
def test_a_backup_is_readable_by_its_owner_only(tmp_path):
    call_command("backup", str(tmp_path / "b.backup"))
    assert (tmp_path / "b.backup").stat().st_mode & 0o777 == 0o600


def test_the_local_secret_key_file_is_private(tmp_path):
    from wellrounded.settings import local_secret_key

    local_secret_key(tmp_path / "secret_key")
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


@pytest.mark.sqlite_only
@pytest.mark.django_db
def test_on_a_read_only_filesystem_sqlite_still_reads_and_refuses_writes(tmp_path, monkeypatch):
    database = tmp_path / "ro.sqlite3"
    with sqlite3.connect(database) as setup:
        setup.execute("PRAGMA journal_mode=WAL")
        setup.execute("CREATE TABLE notes (body TEXT)")
        setup.execute("INSERT INTO notes VALUES ('still here')")
    setup.close()
    assert not Path(f"{database}-wal").exists()  # a clean close folds the log in
    real_statvfs = os.statvfs

    class ReadOnly:
        def __init__(self, real):
            self.f_flag = real.f_flag | os.ST_RDONLY

    monkeypatch.setattr(
        os, "statvfs", lambda path: ReadOnly(real_statvfs(path)) if str(path) == str(tmp_path)
        else real_statvfs(path)
    )  # fmt: skip
    # On a real read-only filesystem SQLite would fail the first read, unable to create the
    # -shm file (as root here it could, so the refused write is what shows the fallback).
    for name in ("ro.sqlite3-shm",):
        assert not (tmp_path / name).exists()
    db = sqlite_wrapper(database)
    try:
        with db.cursor() as cursor:
            cursor.execute("SELECT body FROM notes")
            assert cursor.fetchall() == [("still here",)]
            with pytest.raises(OperationalError, match="readonly database") as refused:
                cursor.execute("INSERT INTO notes VALUES ('lost')")
        assert is_write_fault(refused.value)
    finally:
        db.close()
