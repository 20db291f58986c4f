import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_deploy_check_is_clean_with_production_settings(tmp_path):
    env = {
        **os.environ,
        "SECRET_KEY": "x" * 30 + "-production-secret-key-with-enough-entropy-9f3a",
        "HTTPS": "true",
        "ALLOWED_HOSTS": "wellrounded.example.edu",
        "DEBUG": "",
        "WR_DATA_DIR": str(tmp_path),
    }
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for Playwright tests only

    result = subprocess.run(  # noqa: S603 - fixed argv, our own manage.py
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


def test_local_secret_key_is_generated_once_into_the_data_dir(tmp_path):
    from wellrounded.settings import local_secret_key

    key_file = tmp_path / "secret_key"
    first = local_secret_key(key_file)

    assert len(first) > 50
    assert local_secret_key(key_file) == first
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
