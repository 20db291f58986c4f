"""Settings for the floor under any check-in: Well-Rounded's own settings and middleware
(sessions, auth, CSRF, CSP, MFA and API guards, messages), plus one signed-in POST that updates
one row (bench/floor_urls.py).

Served by gunicorn exactly like the app (DJANGO_SETTINGS_MODULE=bench.floor), next to the bare
view in bench/hello.py, it shows how much of the gap between "hello" and a check-in is the
stack itself rather than the check-in's own work.
"""

from wellrounded.settings import *  # noqa: F403 - the app's own settings, unchanged

ROOT_URLCONF = "bench.floor_urls"
