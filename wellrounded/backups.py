"""Online backup and restore: SQLite's backup API, or pg_dump/pg_restore for PostgreSQL."""

import os
import shutil
import sqlite3
import subprocess  # nosec B404
from pathlib import Path

import dj_database_url
from django.db import connection


class BackupError(Exception):
    pass


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


def backup(path: Path) -> Path:
    """Write a consistent copy of the live database to `path` while the app keeps running."""
    config = connection.settings_dict
    path.parent.mkdir(parents=True, exist_ok=True)
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(path) as target:
            connection.connection.backup(target)
        return path
    args, env = _pg_env(config)
    _run([_tool("pg_dump"), *args, "--format=custom", "--file", str(path), config["NAME"]], env)
    return path


def is_sqlite(config: dict) -> bool:
    return config["ENGINE"] == "django.db.backends.sqlite3"


def restore(path: Path, *, into: str | None = None) -> None:
    """Restore a backup into the configured database, or the database at URL `into`."""
    if not path.exists():
        raise BackupError(f"No backup at {path}.")
    config = dj_database_url.parse(into) if into else connection.settings_dict
    if is_sqlite(config):
        target_name = config["NAME"]
        with sqlite3.connect(path) as source, sqlite3.connect(target_name) as target:
            source.backup(target)
        return
    args, env = _pg_env(config)
    _run(
        [_tool("pg_restore"), *args, "--clean", "--if-exists", "--no-owner", "--dbname",
         config["NAME"], str(path)],
        env,
    )  # fmt: skip
