"""Django's SQLite backend, with writing transactions queued on a lock file.

SQLite lets one writer at a time hold the database. `transaction_mode = IMMEDIATE` takes the
write lock at BEGIN, and a second writer that finds it held is handed to SQLite's busy handler,
which sleeps between retries for 1, 2, 5, 10, 15, 20, 25... ms. A check-in holds the lock for
about a millisecond, so with two workers the second one usually slept several times longer
than it waited for, with the CPU idle.

Here every transaction first takes an exclusive `flock` on a file beside the database, and only
then begins. The next writer asks the kernel again every 50 µs at first, backing off to 0.5 ms
at most, so it starts at most half a millisecond after the previous one commits; and, like the
busy timeout, it gives up with "database is locked" after the `timeout` option's seconds.

Writes outside a transaction (one autocommitted statement) do not queue here; they still meet
SQLite's busy handler, as before. So does anything another program writes.
"""

import contextlib
import fcntl
import os
import time
import urllib.parse

from django.db.backends.sqlite3 import base

from .creation import DatabaseCreation

FIRST_WAIT = 0.00005
LONGEST_WAIT = 0.0005


def on_a_read_only_filesystem(database: str) -> bool:
    if database.startswith("file:") or database == ":memory:":
        return False
    try:
        return bool(os.statvfs(os.path.dirname(os.path.abspath(database))).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def create_private(database: str) -> None:
    """Create the database file readable by its owner only, before SQLite creates it with the
    umask's (often 0644) mode: SQLite gives its -wal and -shm files the database's mode."""
    if database.startswith("file:") or database in ("", ":memory:"):
        return
    with contextlib.suppress(FileExistsError):
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


class DatabaseWrapper(base.DatabaseWrapper):
    creation_class = DatabaseCreation
    _write_lock: int | None = None  # the lock file's descriptor while this connection holds it
    _lock_timeout: float = 5  # SQLite's default busy timeout, until the connection's own is read

    def get_connection_params(self):
        params = super().get_connection_params()
        self._lock_timeout = params.get("timeout", 5)
        database = str(params["database"])
        if on_a_read_only_filesystem(database) and not os.path.exists(f"{database}-wal"):
            # SQLite cannot open a WAL database whose -shm file it cannot create, so a
            # read-only data directory would fail every read too. Nothing can change the
            # file there and no log holds newer pages: read it as the immutable file it is.
            # Writes then fail as on any read-only database (wellrounded/write_faults.py).
            params["database"] = f"file:{urllib.parse.quote(database)}?immutable=1"
        return params

    def get_new_connection(self, conn_params):
        create_private(str(conn_params["database"]))
        return super().get_new_connection(conn_params)

    def _lock_path(self) -> str | None:
        name = str(self.settings_dict["NAME"])
        if self.is_in_memory_db() or not name:
            return None  # one connection per database: nothing to queue behind
        return f"{name}.writelock"

    def _acquire_write_lock(self) -> None:
        path = self._lock_path()
        if path is None or self._write_lock is not None:
            return
        fd = os.open(path, os.O_RDWR | os.O_CREAT, self._lock_mode())
        try:
            wait, deadline = FIRST_WAIT, time.monotonic() + self._lock_timeout
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise self.Database.OperationalError("database is locked") from None
                    time.sleep(wait)
                    wait = min(wait * 2, LONGEST_WAIT)
        except BaseException:
            os.close(fd)
            raise
        self._write_lock = fd

    def _lock_mode(self) -> int:
        # Whoever may write the database may queue for it: SQLite gives its -wal and -shm
        # files the database file's permissions, and so does this.
        try:
            return os.stat(self.settings_dict["NAME"]).st_mode & 0o666
        except OSError:
            return 0o600

    def _release_write_lock(self) -> None:
        fd, self._write_lock = self._write_lock, None
        if fd is not None:
            os.close(fd)  # closing the descriptor releases the lock

    def _start_transaction_under_autocommit(self):
        with self.wrap_database_errors:
            self._acquire_write_lock()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._release_write_lock()
            raise

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._release_write_lock()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._release_write_lock()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._release_write_lock()
