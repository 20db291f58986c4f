"""Static files when `collectstatic` has not run."""

import os
import subprocess
import sys

from django.conf import settings

NO_COLLECTSTATIC = """
import django
django.setup()
from django.core.management import call_command
from django.test import Client
call_command("check", deploy=True)
client = Client()
page = client.get("/").content.decode()
stylesheet = next(line for line in page.splitlines() if 'rel="stylesheet"' in line)
print("page", client.get("/").status_code, stylesheet.split('href="')[1].split('"')[0])
print("css", client.get(stylesheet.split('href="')[1].split('"')[0]).status_code)
"""


def test_without_collectstatic_and_debug_off_pages_still_render_with_their_styles(tmp_path):
    """A newcomer's `runserver` straight after `migrate`: no manifest, DEBUG off."""
    env = {
        **os.environ,
        "WR_DATA_DIR": str(tmp_path),
        "DEBUG": "",
        "ALLOWED_HOSTS": "testserver",
        "DJANGO_SETTINGS_MODULE": "wellrounded.settings",
    }
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for Playwright tests only
    result = subprocess.run(  # noqa: S603 - our own code
        [sys.executable, "-c", NO_COLLECTSTATIC],
        capture_output=True, text=True, cwd=settings.BASE_DIR, env=env,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[:2] == ["page 200 /static/css/app.css", "css 200"]
    assert "wellrounded.W001" in result.stderr
    assert "collectstatic" in result.stderr
