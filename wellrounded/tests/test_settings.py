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
    (tmp_path / "staticfiles").mkdir()  # as a deployment has, after collectstatic
    (tmp_path / "staticfiles" / "staticfiles.json").write_text('{"paths": {}, "version": "1.1"}')

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


def trusted_proxy_count(tmp_path, **env_vars) -> int:
    env = {**os.environ, "WR_DATA_DIR": str(tmp_path), **env_vars}
    for name in ("BEHIND_PROXY", "TRUSTED_PROXY_COUNT"):
        if name not in env_vars:
            env.pop(name, None)
    result = subprocess.run(  # noqa: S603 - fixed argv
        [
            sys.executable,
            "-c",
            "import wellrounded.settings as s; print(s.ALLAUTH_TRUSTED_PROXY_COUNT)",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return int(result.stdout)


def test_the_client_address_is_read_through_the_proxies_that_are_configured(tmp_path):
    assert trusted_proxy_count(tmp_path) == 0  # X-Forwarded-For is ignored: anyone can send it
    assert trusted_proxy_count(tmp_path, BEHIND_PROXY="true") == 1
    assert trusted_proxy_count(tmp_path, BEHIND_PROXY="true", TRUSTED_PROXY_COUNT="2") == 2
