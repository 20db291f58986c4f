"""The SQLite database's files: private to their owner, and readable on a read-only disk.

Both through Django's public extension points on the stock backend: the database's NAME
(settings) and the `connection_created` signal (wired in WellRoundedConfig.ready).
"""

import contextlib
import os
import urllib.parse


def on_a_read_only_filesystem(path: str) -> bool:
    try:
        return bool(os.statvfs(os.path.dirname(os.path.abspath(path))).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def database_name(path: str) -> str:
    """The NAME to open the SQLite database at `path` with.

    SQLite cannot open a WAL database whose -shm file it cannot create, so on a read-only
    filesystem every read would fail too. When nothing can change the file there and no log
    holds newer pages, it is opened as the immutable file it is; writes then fail as on any
    read-only database, and get the "cannot save" page (wellrounded/write_faults.py)."""
    if path.startswith("file:") or path in ("", ":memory:"):
        return path
    if on_a_read_only_filesystem(path) and not os.path.exists(f"{path}-wal"):
        return f"file:{urllib.parse.quote(path)}?immutable=1"
    return path


def make_private(sender, connection, **kwargs) -> None:
    """`connection_created` receiver: the database file, and its -wal and -shm files, readable
    by their owner only. SQLite creates the database with the umask's mode (often 0644) and
    gives its -wal and -shm files the database's mode, so once the database is 0600 every log
    file SQLite creates afterwards is too."""
    if connection.vendor != "sqlite" or connection.is_in_memory_db():
        return
    name = str(connection.settings_dict["NAME"])
    if name.startswith("file:"):
        return
    for path in (name, f"{name}-wal", f"{name}-shm"):
        with contextlib.suppress(FileNotFoundError, PermissionError):
            if os.stat(path).st_mode & 0o077:
                os.chmod(path, 0o600)
