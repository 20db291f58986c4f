"""SQLite writers, on Django's own backend as settings.py configures it (IMMEDIATE
transactions, WAL, a busy timeout): one at a time, the next once the previous commits, and a
clear error after the timeout, with nothing written.

These open their own SQLite databases, so they run the same whichever database the suite's
DATABASE_URL points at.
"""

import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import OperationalError
from django.db.utils import ConnectionHandler

from wellrounded.settings import SQLITE_OPTIONS


def handler(path: Path, timeout: float = 20) -> ConnectionHandler:
    """Connections to one SQLite file, configured as settings.py configures the app's (one
    connection per thread, as in a server), with the busy timeout given."""
    init_command = SQLITE_OPTIONS["init_command"].replace(
        "busy_timeout=20000", f"busy_timeout={int(timeout * 1000)}"
    )
    options = {**SQLITE_OPTIONS, "init_command": init_command, "timeout": timeout}
    return ConnectionHandler(
        {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path), "OPTIONS": options}}
    )


@contextmanager
def writing(connection):
    """What `transaction.atomic` does around an outermost block on SQLite."""
    connection.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    try:
        with connection.cursor() as cursor:
            yield cursor
    except BaseException:
        connection.rollback()
        raise
    else:
        connection.commit()
    finally:
        connection.set_autocommit(True)


@pytest.fixture(autouse=True)
def own_databases(django_db_blocker):
    """These tests open their own database files, not the suite's test database."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def db_file(tmp_path):
    path = tmp_path / "writers.sqlite3"
    connections = handler(path)
    with writing(connections["default"]) as cursor:
        cursor.execute("CREATE TABLE entry (id INTEGER PRIMARY KEY, who TEXT)")
    connections["default"].close()
    return path


def in_thread(target) -> tuple[threading.Thread, list]:
    errors: list[BaseException] = []

    def run():
        try:
            target()
        except BaseException as error:  # noqa: BLE001 - returned to the test
            errors.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors


def test_settings_take_the_write_lock_at_begin_and_wait_for_it():
    assert SQLITE_OPTIONS["transaction_mode"] == "IMMEDIATE"
    assert "PRAGMA busy_timeout=20000" in SQLITE_OPTIONS["init_command"]
    assert SQLITE_OPTIONS["timeout"] == 20


def test_the_second_writer_waits_for_the_first_to_commit_then_goes_on(db_file):
    connections = handler(db_file)
    first_has_written, second_is_waiting, order = threading.Event(), threading.Event(), []

    def second():
        first_has_written.wait()
        second_is_waiting.set()
        with writing(connections["default"]) as cursor:
            # The first writer's row is already there: this transaction began after its commit.
            cursor.execute("SELECT who FROM entry")
            order.append(("second sees", [row[0] for row in cursor.fetchall()]))
            cursor.execute("INSERT INTO entry (who) VALUES ('second')")
        connections["default"].close()

    thread, errors = in_thread(second)
    with writing(connections["default"]) as cursor:
        cursor.execute("INSERT INTO entry (who) VALUES ('first')")
        first_has_written.set()
        second_is_waiting.wait()
        thread.join(0.3)
        assert thread.is_alive(), "the second writer began while the first held the lock"
        order.append(("first commits", None))
    thread.join(10)

    assert errors == []
    assert order == [("first commits", None), ("second sees", ["first"])]
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT who FROM entry ORDER BY id")
        assert [row[0] for row in cursor.fetchall()] == ["first", "second"]
    connections["default"].close()


def test_a_writer_that_waits_past_the_timeout_gets_a_clear_error_and_writes_nothing(db_file):
    connections = handler(db_file, timeout=0.2)
    release = threading.Event()

    def impatient():
        try:
            with writing(connections["default"]) as cursor:
                cursor.execute("INSERT INTO entry (who) VALUES ('impatient')")
        finally:
            connections["default"].close()
            release.set()

    with writing(connections["default"]) as cursor:
        cursor.execute("INSERT INTO entry (who) VALUES ('holder')")
        thread, errors = in_thread(impatient)
        release.wait(10)
    thread.join(10)

    [error] = errors
    assert isinstance(error, OperationalError) and "database is locked" in str(error)
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT who FROM entry")
        assert [row[0] for row in cursor.fetchall()] == ["holder"]
    connections["default"].close()
