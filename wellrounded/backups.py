"""Online backup and restore: SQLite's backup API, or pg_dump/pg_restore for PostgreSQL.

A restore never touches the live database until the backup has been copied beside it (SQLite)
or restored into a scratch database (PostgreSQL) and checked there: it must be a readable
database that passes the engine's integrity check, hold this project's migration history at a
version this code can migrate from, and hold the tables that history implies. Only then is the
live database swapped for it in one step (os.replace, or two renames), and the database it
replaces is kept beside it.
"""

import os
import secrets
import shutil
import sqlite3
import subprocess  # nosec B404
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import dj_database_url
import psycopg
from django.conf import settings
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from psycopg import sql

SQLITE_HEADER = b"SQLite format 3\x00"
PG_CUSTOM_HEADER = b"PGDMP"


class BackupError(Exception):
    pass


@dataclass(frozen=True)
class Restored:
    into: str
    previous: str | None  # where the database it replaced is kept, if there was one


def _pg_env(config: dict) -> tuple[list[str], dict[str, str]]:
    args = ["--host", config.get("HOST") or "127.0.0.1", "--port", str(config.get("PORT") or 5432)]
    if config.get("USER"):
        args += ["--username", config["USER"]]
    env = {**os.environ, "PGPASSWORD": config.get("PASSWORD") or ""}
    return args, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed; install PostgreSQL's client tools.")
    return path


def _run(argv: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(argv, env=env, capture_output=True, text=True)  # noqa: S603  # nosec B603
    if result.returncode != 0:
        raise BackupError(result.stderr.strip() or f"{argv[0]} failed")


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), text)


def backup(path: Path) -> Path:
    """Write a consistent copy of the live database to `path` while the app keeps running.

    The copy is written beside `path` (mode 0600) and moved into place only once complete, so
    a full disk or an interrupted run never leaves a partial file that looks like a backup.
    """
    config = connection.settings_dict
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    os.close(fd)
    try:
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            target = sqlite3.connect(partial)
            try:
                connection.connection.backup(target)
            finally:
                target.close()
        else:
            args, env = _pg_env(config)
            _run(
                [_tool("pg_dump"), *args, "--format=custom", "--file", partial, config["NAME"]],
                env,
            )
        os.chmod(partial, 0o600)
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return path


def is_sqlite(config: dict) -> bool:
    return config["ENGINE"] == "django.db.backends.sqlite3"


def is_swapped_out(setting: str | None, label: str) -> bool:
    # auth.User is in every history, but its table exists only where no other model replaces it.
    return bool(setting) and getattr(settings, setting).lower() != label.lower()


def check_project_history(applied: Iterable[tuple[str, str]], tables: set[str], what: str) -> None:
    """Refuse unless `applied` (django_migrations rows) is a history of this project that this
    code can migrate from, and `tables` holds every table that history creates."""
    applied = set(applied)
    loader = MigrationLoader(None, ignore_no_migrations=True)
    unknown = sorted(
        f"{app}.{name}"
        for app, name in applied
        if app in loader.migrated_apps and (app, name) not in loader.disk_migrations
    )
    if unknown:
        raise BackupError(
            f"{what} was made by a newer version of Well-Rounded (this code does not know its "
            f"migration {unknown[0]}); upgrade the code first, then restore."
        )
    users_app = settings.AUTH_USER_MODEL.split(".")[0]
    if not any(app == users_app for app, _ in applied):
        raise BackupError(f"{what} is not a Well-Rounded database (it has no accounts in it).")
    state = loader.project_state([key for key in applied if key in loader.graph.nodes])
    expected = {
        model.options.get("db_table") or f"{app}_{name}"
        for (app, name), model in state.models.items()
        if model.options.get("managed", True)
        and not model.options.get("proxy")
        and not is_swapped_out(model.options.get("swappable"), f"{app}.{name}")
    }
    missing = sorted(expected - tables)
    if missing:
        raise BackupError(
            f"{what} is incomplete: its migration history says it has the table {missing[0]}, "
            f"but it does not ({len(missing)} tables missing)."
        )


def restore(path: Path, *, into: str | None = None) -> Restored:
    """Restore a backup into the configured database, or the database at URL `into`."""
    if not path.is_file():
        raise BackupError(f"No backup at {path}.")
    config = dj_database_url.parse(into) if into else connection.settings_dict
    with path.open("rb") as fh:
        header = fh.read(len(SQLITE_HEADER))
    if is_sqlite(config):
        if header != SQLITE_HEADER:
            raise BackupError(
                f"{path} is not a SQLite database (empty, damaged, or not made by "
                "`manage.py backup`); nothing was changed."
            )
        return restore_sqlite(path, Path(config["NAME"]))
    if not header.startswith(PG_CUSTOM_HEADER):
        raise BackupError(
            f"{path} is not a PostgreSQL backup made by `manage.py backup` (pg_dump's custom "
            "format); nothing was changed."
        )
    return restore_postgresql(path, config)


# SQLite ------------------------------------------------------------------------------------


def verify_sqlite(path: Path, what: str) -> None:
    try:
        db = sqlite3.connect(path, isolation_level=None)
        try:
            problems = [row[0] for row in db.execute("PRAGMA integrity_check")]
            tables = {
                row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            applied = (
                db.execute("SELECT app, name FROM django_migrations").fetchall()
                if "django_migrations" in tables
                else None
            )
        finally:
            db.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{what} is not a readable SQLite database ({error}).") from None
    if problems != ["ok"]:
        raise BackupError(f"{what} fails SQLite's integrity check ({problems[0]}).")
    if applied is None:
        raise BackupError(f"{what} is not a Well-Rounded database (no django_migrations table).")
    check_project_history(applied, tables, what)


def remove_sidecars(database: Path) -> None:
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)


def restore_sqlite(path: Path, target: Path) -> Restored:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, staged_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.restoring-")
    os.close(fd)  # mkstemp made it 0600, which it keeps
    staged = Path(staged_name)
    previous: Path | None = None
    try:
        try:
            shutil.copyfile(path, staged)
        except OSError as error:
            raise BackupError(
                f"Could not copy {path} beside the database ({error.strerror}); nothing was "
                "changed."
            ) from None
        verify_sqlite(staged, str(path))
        remove_sidecars(staged)
        connections.close_all()  # ours, if it is open on the target
        if target.exists():
            previous = keep_previous_sqlite(target)
        os.replace(staged, target)
    except BaseException:
        staged.unlink(missing_ok=True)
        remove_sidecars(staged)
        raise
    try:
        verify_sqlite(target, f"The restored database at {target}")
    except BackupError as error:
        if previous is not None:
            shutil.copyfile(previous, target)
            remove_sidecars(target)
            raise BackupError(f"{error} The previous database was put back.") from None
        raise
    return Restored(into=str(target), previous=str(previous) if previous else None)


def keep_previous_sqlite(target: Path) -> Path:
    """Copy the live database aside, then fold its write-ahead log into the main file so the
    -wal and -shm files beside it can go with it when the restored file takes its place."""
    kept = target.with_name(f"{target.name}.before-restore-{timezone.now():%Y%m%dT%H%M%S}")
    try:
        live = sqlite3.connect(target, isolation_level=None)
        try:
            copy = sqlite3.connect(kept)
            try:
                live.backup(copy)
            finally:
                copy.close()
            os.chmod(kept, 0o600)
            busy, _, _ = live.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        finally:
            live.close()
    except (sqlite3.Error, OSError) as error:
        kept.unlink(missing_ok=True)
        raise BackupError(
            f"Could not keep a copy of the current database ({error}); nothing was changed."
        ) from None
    if busy:
        kept.unlink(missing_ok=True)
        raise BackupError(
            f"{target} is in use; stop the web and worker processes, then restore again. "
            "Nothing was changed."
        )
    remove_sidecars(target)
    return kept


# PostgreSQL --------------------------------------------------------------------------------


def pg_connect(config: dict, dbname: str) -> psycopg.Connection:
    return psycopg.connect(
        host=config.get("HOST") or "127.0.0.1",
        port=config.get("PORT") or 5432,
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        dbname=dbname,
        autocommit=True,
    )


def verify_postgresql(config: dict, dbname: str, what: str) -> None:
    with pg_connect(config, dbname) as db:
        tables = {
            row[0]
            for row in db.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
            )
        }
        if "django_migrations" not in tables:
            raise BackupError(
                f"{what} is not a Well-Rounded database (no django_migrations table)."
            )
        applied = db.execute("SELECT app, name FROM django_migrations").fetchall()
    check_project_history(applied, tables, what)


def restore_postgresql(path: Path, config: dict) -> Restored:
    args, env = _pg_env(config)
    listing = subprocess.run(  # noqa: S603  # nosec B603
        [_tool("pg_restore"), "--list", str(path)], env=env, capture_output=True, text=True
    )
    if listing.returncode != 0:
        raise BackupError(
            f"{path} is damaged or truncated ({_first_line(listing.stderr)}); nothing was changed."
        )
    target = config["NAME"]
    stamp = f"{timezone.now():%Y%m%d%H%M%S}"
    scratch = f"{target[:40]}_restoring_{secrets.token_hex(4)}"
    quote = sql.Identifier
    with pg_connect(config, "postgres") as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(quote(scratch)))
    swapped = False
    try:
        result = subprocess.run(  # noqa: S603  # nosec B603
            [_tool("pg_restore"), *args, "--no-owner", "--exit-on-error", "--single-transaction",
             "--dbname", scratch, str(path)],
            env=env, capture_output=True, text=True,
        )  # fmt: skip
        if result.returncode != 0:
            raise BackupError(
                f"{path} could not be restored ({_first_line(result.stderr)}); nothing was changed."
            )
        verify_postgresql(config, scratch, str(path))
        connections.close_all()  # ours, if it is open on the target
        previous = swap_postgresql(config, scratch=scratch, target=target, stamp=stamp)
        swapped = True
    finally:
        if not swapped:
            with pg_connect(config, "postgres") as admin:
                admin.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(quote(scratch))
                )
    verify_postgresql(config, target, f"The restored database {target}")
    return Restored(into=target, previous=previous)


def swap_postgresql(config: dict, *, scratch: str, target: str, stamp: str) -> str | None:
    """Rename the live database aside and the verified scratch database into its place."""
    quote = sql.Identifier
    rename = sql.SQL("ALTER DATABASE {} RENAME TO {}")
    with pg_connect(config, "postgres") as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [target]).fetchone()
        if not exists:
            admin.execute(rename.format(quote(scratch), quote(target)))
            return None
        others = admin.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [target]
        ).fetchone()[0]
        if others:
            raise BackupError(
                f"{others} sessions are still connected to {target}; stop the web and worker "
                "processes, then restore again. Nothing was changed."
            )
        previous = f"{target[:40]}_before_restore_{stamp}"
        try:
            admin.execute(rename.format(quote(target), quote(previous)))
        except psycopg.Error as error:
            raise BackupError(
                f"Could not set {target} aside ({_first_line(str(error))}); nothing was changed."
            ) from None
        try:
            admin.execute(rename.format(quote(scratch), quote(target)))
        except psycopg.Error:
            admin.execute(rename.format(quote(previous), quote(target)))
            raise
    return previous
