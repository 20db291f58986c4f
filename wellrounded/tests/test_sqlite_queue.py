"""SQLite writers queue on a lock file (wellrounded/sqlite_queued): one at a time, the next
one as soon as the previous commits or rolls back, and a clear error after the timeout.

These open their own SQLite databases, so they run the same whichever database the suite's
DATABASE_URL points at.
"""

import os
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import OperationalError
from django.db.utils import ConnectionHandler

from wellrounded.sqlite_queued.base import DatabaseWrapper


def handler(path: Path, timeout: float = 20) -> ConnectionHandler:
    """Connections to one SQLite file, configured as settings.py configures the app's (one
    connection per thread, as in a server)."""
    return ConnectionHandler(
        {
            "default": {
                "ENGINE": "wellrounded.sqlite_queued",
                "NAME": str(path),
                "OPTIONS": {
                    "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL",
                    "transaction_mode": "IMMEDIATE",
                    "timeout": timeout,
                },
            }
        }
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
    path = tmp_path / "queue.sqlite3"
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
        assert thread.is_alive(), "the second writer began while the first held the queue"
        order.append(("first commits", None))
    thread.join(10)

    assert errors == []
    assert order == [("first commits", None), ("second sees", ["first"])]
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT who FROM entry ORDER BY id")
        assert [row[0] for row in cursor.fetchall()] == ["first", "second"]
    connections["default"].close()


@pytest.mark.parametrize("end", ["rollback", "close"])
def test_a_rolled_back_or_closed_transaction_lets_the_next_writer_in(db_file, end):
    connections = handler(db_file, timeout=5)
    holder = connections["default"]
    holder.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    holder.cursor().execute("INSERT INTO entry (who) VALUES ('undone')")
    if end == "rollback":
        holder.rollback()
        holder.set_autocommit(True)
    else:
        holder.close()

    def other():
        with writing(connections["default"]) as cursor:
            cursor.execute("INSERT INTO entry (who) VALUES ('other')")
        connections["default"].close()

    thread, errors = in_thread(other)
    thread.join(10)
    assert not thread.is_alive() and errors == []
    fresh = handler(db_file)["default"]
    with fresh.cursor() as cursor:
        cursor.execute("SELECT who FROM entry")
        assert [row[0] for row in cursor.fetchall()] == ["other"]
    fresh.close()
    if end == "rollback":
        holder.close()


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


def test_a_writer_holds_the_lock_file_only_inside_its_transaction(db_file):
    connection = handler(db_file)["default"]
    connection.ensure_connection()
    assert connection._write_lock is None
    with writing(connection):
        assert connection._write_lock is not None
        assert Path(f"{db_file}.writelock").exists()
    assert connection._write_lock is None
    connection.close()


def test_an_in_memory_database_needs_no_queue(tmp_path):
    connection = DatabaseWrapper(
        {**handler(tmp_path / "unused")["default"].settings_dict, "NAME": ":memory:"}
    )
    with writing(connection) as cursor:
        cursor.execute("CREATE TABLE entry (id INTEGER PRIMARY KEY)")
        assert connection._write_lock is None
    connection.close()
    assert list(tmp_path.iterdir()) == []


def test_the_lock_file_is_as_shared_as_the_database_file(db_file):
    db_file.chmod(0o660)
    connection = handler(db_file)["default"]
    Path(f"{db_file}.writelock").unlink(missing_ok=True)
    with writing(connection):
        pass
    connection.close()
    assert Path(f"{db_file}.writelock").stat().st_mode & 0o777 == 0o660 & ~current_umask()


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
