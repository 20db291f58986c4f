"""Importing a school's placements file: 2,000 rows (500 students x 4 blocks), through the
administrator's pages (upload, preview, import), then the same file again (nothing changes),
then a file with a tenth of its blocks changed. The target is < 10 s for the 2,000 rows.

Seeds a small demo school in a temporary SQLite (or PostgreSQL) database, adds 500 students to
its roster (the file's addresses; none of them need to have joined), and prints each step's
wall time. A figure to read, not a pass/fail test.

    .venv/bin/python bench/placements.py [--students 500] [--postgres-url URL]
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import fresh_site, manage  # noqa: E402

IMPORT = """
import time
from datetime import date, timedelta
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from schools.models import Cohort, Placement, RosterEntry, School, StaffRole
from schools.services import add_staff_member

STUDENTS = {students}
school = School.objects.order_by("pk").first()
cohort = Cohort.objects.filter(school=school).order_by("pk").first()
RosterEntry.objects.bulk_create(
    [RosterEntry(school=school, email=f"bench{{i}}@bench.example", cohort=cohort)
     for i in range(STUDENTS)],
    ignore_conflicts=True,
)
admin = add_staff_member(
    school=school, email="bench-admin@bench.example", role=StaffRole.SCHOOL_ADMIN
).user
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
TOTP.activate(admin, generate_totp_secret())
rotations = ["Surgery", "Internal medicine", "Paediatrics", "Psychiatry"]
start = date(2031, 1, 6)


def schedule(changed_every=0):
    lines = ["Student Email,Clerkship,Site,Start Date,End Date"]
    for i in range(STUDENTS):
        for b in range(4):
            first = start + timedelta(weeks=8 * b)
            last = first + timedelta(days=53)
            if changed_every and (i * 4 + b) % changed_every == 0:
                last -= timedelta(days=7)
            lines.append(f"bench{{i}}@bench.example,{{rotations[(i + b) % 4]}},"
                         f"Riverside General,{{first}},{{last}}")
    return ("\\n".join(lines) + "\\n").encode()


client = Client(HTTP_HOST="127.0.0.1")
client.force_login(admin)
client.get("/school/placements/")  # warm the URLconf, middleware and templates


def run(label, data):
    started = time.perf_counter()
    upload = SimpleUploadedFile("placements.csv", data, content_type="text/csv")
    response = client.post("/school/placements/", {{"file": upload}})
    assert response.status_code == 302, response.content[:2000]
    uploaded = time.perf_counter()
    preview = client.get("/school/placements/preview/")
    assert preview.status_code == 200
    previewed = time.perf_counter()
    response = client.post("/school/placements/preview/", {{"action": "import"}})
    done = time.perf_counter()
    rows = data.count(b"\\n") - 1
    print(f"{{label}}: {{rows:,}} rows in {{done - started:.2f}} s"
          f" (upload {{uploaded - started:.2f}} s, preview {{previewed - uploaded:.2f}} s,"
          f" import {{done - previewed:.2f}} s)"
          f"  -> {{Placement.objects.filter(source='school').count():,}} blocks on record")


run("first import", schedule())
run("same file again", schedule())
run("a tenth changed", schedule(changed_every=10))
print("target: 2,000 rows in < 10 s")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=500)
    parser.add_argument("--postgres-url", default=None)
    args = parser.parse_args()
    with fresh_site(20, database_url=args.postgres_url) as env:
        script = IMPORT.format(students=args.students)
        print(manage(env, "shell", "--no-imports", "-v", "0", "-c", script))


if __name__ == "__main__":
    main()
