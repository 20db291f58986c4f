"""Where a check-in request's time goes, with stock Django (issue #18's "show the profile").

Seeds a small demo school in a temporary SQLite (or PostgreSQL) database, then, in one
process, posts each student's first check-in of the day through Django's test client (the
whole stack: middleware, session, CSRF skipped as the test client does, form, service,
rollups) under cProfile. Prints the share of the time spent in each layer, by the module the
time is spent in (own time), and the 25 functions with the most cumulative time.

    .venv/bin/python bench/profile_checkin.py [--students 300] [--postgres-url URL]
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import fresh_site, manage  # noqa: E402

PROFILE = """
import cProfile, io, pstats, time
from collections import defaultdict
from django.test import Client
from checkins.models import CheckIn
from schools.models import Enrollment

answers = {"mood": "3", "stress": "4", "energy": "2", "sleep_hours": "6",
           "sleep_quality": "3", "loneliness": "2", "purpose": "4", "moved": "on"}
students = [
    e.student
    for e in Enrollment.objects.select_related("student", "school").order_by("pk")
    if not CheckIn.objects.filter(student=e.student, day=e.school.today()).exists()
]
# One client, so one handler: its middleware loads once, as in a gunicorn worker.
client = Client(HTTP_HOST="127.0.0.1")
client.get("/")  # warm the URLconf, middleware and templates outside the profile
profile = cProfile.Profile()
elapsed = 0.0
for student in students:
    client.force_login(student)  # signing in is not part of a check-in request
    started = time.perf_counter()
    profile.enable()
    response = client.post("/checkin/", answers)
    profile.disable()
    elapsed += time.perf_counter() - started
    assert response.status_code == 302, response.status_code
clients = students
stats = pstats.Stats(profile)
layers = defaultdict(float)
total = 0.0
for (path, _line, _name), (_cc, _nc, own, _cum, _callers) in stats.stats.items():
    total += own
    if "site-packages/django/db" in path or "sqlite3" in path or "psycopg" in path:
        layer = "database driver and ORM (django.db)"
    elif "site-packages/django/template" in path:
        layer = "templates (none should render for a redirect)"
    elif "site-packages/django/forms" in path:
        layer = "forms"
    elif "django/contrib/sessions" in path or "django/contrib/auth" in path:
        layer = "sessions and auth"
    elif "site-packages/allauth" in path:
        layer = "allauth"
    elif "site-packages/django" in path:
        layer = "the rest of Django (request, middleware, URLs)"
    elif "site-packages" in path:
        layer = "other libraries"
    elif path.startswith("/") and "/python3.11/" not in path and "{" not in path:
        layer = "project code"
    else:
        layer = "Python itself (builtins, stdlib)"
    layers[layer] += own
print(f"{len(clients)} first check-ins in {elapsed:.2f} s under the profiler "
      f"({1000 * elapsed / max(1, len(clients)):.1f} ms each, profiler overhead included)")
print("own time by layer:")
for layer, seconds in sorted(layers.items(), key=lambda item: -item[1]):
    print(f"  {100 * seconds / total:5.1f}%  {layer}")
out = io.StringIO()
pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(25)
print(out.getvalue())
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--postgres-url", default=None)
    args = parser.parse_args()
    with fresh_site(args.students, database_url=args.postgres_url) as env:
        print(manage(env, "shell", "--no-imports", "-v", "0", "-c", PROFILE))


if __name__ == "__main__":
    main()
