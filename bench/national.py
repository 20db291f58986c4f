"""National scale on PostgreSQL: publishing a week, and the staff dashboard API reading it.

Generates a national school set (default 100 schools x 1,000 students = 100,000 students, all
enrolments verified, as a school roster makes them), then fills a year of daily check-ins
newest week first, in stages (default 1M, 10M and 36M stored check-ins). After each stage it
rolls the new weeks up (cells and their per-student members) and measures, in the same run:

- publishing (`cohorts.publishing.publish_due`) for the school under test, every week with
  figures from scratch: seconds per school-week, and so the time to publish one week for
  100,000 students (100 schools) in one process;
- the dashboard API (`/api/school/cohorts/{id}/trend`, a year of weeks by rotation) through
  gunicorn (2 workers) with a staff token, and a bare Django view through another gunicorn
  of the same setup, in turns: p50/p95 of each and their ratios;
- the same figures computed naively with a GROUP BY over the raw check-ins, as the reference;
- the read of the stored `PublishedTable` rows the API's table comes from, in-process.

Bulk loading goes straight to SQL (generate_series): the ORM and seed_demo's per-student
Python would take hours at this size. The rollup cells and their members are built with one
INSERT ... SELECT ... GROUP BY per scope and stage; members are keyed by the real
`member_key` (computed in Python for every student and loaded with COPY: 0.1 s for 2,000
students), because publishing counts a member only under a verified student's key.
`--verify` checks cells and members against `rebuild_rollups` (use a small set).

    .venv/bin/python bench/national.py [--students 100000] [--schools N]
        [--stages 1000000,10000000,36000000] [--requests 200] [--verify] [--keep]
        [--database-url postgres://postgres@127.0.0.1:5432/wr_bench_national]
        [--baseline DIR]

`--baseline DIR` serves a second source tree of the app (another commit's, with the same
migrations: `git archive <commit> | tar -x -C DIR`) through the same gunicorn setup against the
same database, and times its API in the same turns: before and after from one run.

Quick run (about 1 minute): --students 2000 --stages 100000,400000 (two schools of 1,000).
Needs about 12 GB of disk at the default size (more with the member rows); the database is
dropped at the end unless --keep is given.

Measured on 7 December 2026 on the project's 2-core machine, shared with other agents' test
runs (load average 3-6), PostgreSQL 15, 200 requests per figure, API and bare view in turns.

Quick run, --students 2000 --stages 100000,400000 (2 schools; 1 min 13 s in all):

    check-ins | API p50 / p95  | bare p50 / p95 | API/bare p50, p95 | naive p50 | s/school-week
      112,000 | 23.2 / 36.8 ms | 1.25 / 3.35 ms | 18.6x, 11.0x      |   42.3 ms | 0.21 (7 wk)
      406,000 | 22.6 / 36.4 ms | 1.12 / 3.27 ms | 20.1x, 11.1x      |  119.7 ms | 0.21 (28 wk)

Medium run, --students 10000 --stages 500000,2000000,3640000 (10 schools; 3 min 52 s; the
last stage under heavier load: the naive query doubled too):

    check-ins | API p50 / p95  | bare p50 / p95 | API/bare p50, p95 | naive p50 | s/school-week
      560,000 | 22.8 / 38.7 ms | 1.23 / 1.80 ms | 18.5x, 21.5x      |  122.5 ms | 0.20 (7 wk)
    2,030,000 | 19.1 / 27.1 ms | 1.08 / 3.72 ms | 17.7x,  7.3x      |  353.3 ms | 0.21 (28 wk)
    3,640,000 | 28.2 / 103 ms  | 1.32 / 5.79 ms | 21.4x, 17.7x      |  971.3 ms | 0.31 (51 wk)

The API showed 52, 212 and 384 of its 636 cells at the three stages (weeks not loaded yet
have no figures; the newest week is not yet due). The stored-table read its table comes from
took 0.7-1.3 ms (p50, in-process; 3.8 ms in the loaded last stage). Publishing a year for one
school of 1,000 students took 15.9 s, 0.2-0.3 s per school-week, so one week for 100,000
students (100 schools) 20-31 s in one process. The roll-up in SQL took 12-38 s a stage
(170,000-490,000 members). Member hashes for 10,000 students: 0.2 s (Python + COPY).

Before the rotations were spread (each cohort filled two of eight, so only 14-102 cells were
shown), the same runs on a quieter machine gave API p50/p95 12.3/16.9 and 13.0/19.3 ms
(quick), 12.7/16.5, 12.9/19.7 and 20.7/28.1 ms (medium), publishing 0.14-0.17 s per
school-week. In-process then (cProfile, 100 requests at 3.64M), p50 11.6 ms: 9 queries
(token, staff check, MFA check, cohort, rotations, the due-release exists(), released weeks,
stored tables, the audit INSERT) about 4 ms with their ORM compilation about 2 ms more,
pydantic validation and serialization plus JSON encoding about 3 ms, and rebuilding the 636
cells from JSON about 1.5 ms.

With answers stored ready to send (cohorts/answers.py), quick run on the same day, a quieter
machine (load average 2-3), --students 2000 --stages 100000,400000:

    check-ins | API p50 / p95  | bare p50 / p95 | API/bare p50, p95 | first answer (builds)
      112,000 | 22.1 / 32.0 ms | 1.63 / 4.11 ms | 13.6x, 7.8x       |  (52 cells shown)
      406,000 | 13.9 / 22.7 ms | 1.60 / 3.05 ms |  8.7x, 7.4x       |  79 ms (212 cells shown)

In-process (Django's test client, PostgreSQL, 200 requests): the stored trend answer p50
14.6 ms, `/api/me` 12.6 ms, the trend without its audit row 12.4 ms. What is left is the
request stack every authenticated API answer pays, not the figures.

Before that, the API read a constant amount whatever the national size, but at p95 27-39 ms (103 ms
under load) it is far from the p95 <= 5 ms target: a whole answer of 636 cells costs 18-21x
a bare view. The default 100,000-student / 36M run was not run here.

The request stack, 8 December 2026 (branch perf), before and after side by side in one run
(`--baseline` = the tree of commit bfbe442; quick run; the machine shared with other agents'
test runs, load average 4-8, so the p95s carry other people's spikes):

    check-ins | API after p50 / p95 | API before p50 / p95 | bare p50 / p95
      112,000 |   7.28 / 11.4 ms    |    9.23 / 14.6 ms    | 1.19 / 1.56 ms
      406,000 |   7.58 / 59.5 ms    |   11.75 / 65.2 ms    | 1.13 / 5.39 ms

An earlier run the same evening, before the audit change's second half (one row a minute for an
identical read), under lighter load: after 9.10 / 12.4 and 7.99 / 13.1 ms, before 10.56 / 14.9
and 11.08 / 19.3 ms. One more under heavier load (a test run of ours alongside): after
17.5 / 29.4 and 15.3 / 27.4 ms, before 27.8 / 43.3 and 20.0 / 36.2 ms.

Where the time went (in-process on PostgreSQL, the test client, and through gunicorn with ad
hoc probes): not the 16 middleware classes. Through gunicorn a bare view took 1.0 ms, a 401 from
the API (every middleware, ninja, no database) 1.5 ms, a 404 under /api/ 1.6 ms: the whole stack
is about 0.5 ms, so returning early for /api/ paths in the project's middleware would save
a fraction of that (they already do nothing there: no session cookie, no user yet when they
run, since the token is checked in ninja). A wrong token (the connection's health check and the
token query) 3.2 ms, `/api/me` (three queries) 5.6 ms: each round trip to PostgreSQL costs
1-1.5 ms on this loaded machine, of which about half is the ORM building the query. The audit
row was the largest single cost: its commit waited for PostgreSQL's flush to disk, 3.5 ms of
its 4 ms in-process (p95 8.5 ms). Changes, each measured:

- the audit row of a staff read commits without waiting for the flush (`synchronous_commit`
  off for that one transaction: vault/audit.py `record_read`): in-process the trend answer went
  from p50 10.9 to 6.9 ms;
- an identical API read (same person, school and address) writes its row once a minute per
  server process: the repeated read asks PostgreSQL nothing for the audit;
- the token's query (two EXISTS subqueries) is built once and filtered per request, and read
  with get(): `/api/me` p50 4.31 -> 3.62 ms in-process, in turns in one process;
- the cohort and the stored answer are read with get() (no ORDER BY of first()): 0.2 and
  0.07 ms.

Persistent connections were already on (DB_CONN_MAX_AGE 60 s, health checks). What remains, at
p50 about 7.5 ms and a p95 that follows the machine's load: four round trips (the health
check's SELECT 1, the token, the cohort with the staff check, the stored body) and the ORM's
work for three of them. p95 <= 5 ms is **not met** on this machine. Next steps, not taken:
the health check could be turned off (one round trip less; a connection broken by a database
restart would then fail one request per worker); the cohort and its stored answer need two
queries because the answer's key holds the school's date and K, which only the school row
gives; the token could be remembered per process for a few seconds (one query less, but a
revoked token would keep working that long).
"""

import argparse
import os
import statistics
import sys
import time
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import ROOT, Client, bench_env, gunicorn, manage, percentile  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/wr_bench_national"
COHORTS_PER_SCHOOL = 4
SCALE = ["mood", "stress", "energy", "sleep_quality", "loneliness", "purpose"]
SELF_CARE = ["ate_well", "moved", "rested", "connected", "meditated", "therapy"]


def recreate_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def create_people(students: int, schools: int) -> tuple[int, str, date]:
    """Schools, cohorts, students (one shared password hash) and one staff member with a
    token. Returns (a cohort id of school 1, the staff token, the last complete week's end)."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from accounts.models import User
    from accounts.tokens import create_token
    from schools.models import Cohort, Enrollment, School, VerifiedBy
    from schools.services import add_staff_member

    per_school = students // schools
    school_rows = School.objects.bulk_create(
        School(name=f"National School {i:03d}", slug=f"national-{i:03d}") for i in range(schools)
    )
    cohorts = Cohort.objects.bulk_create(
        Cohort(school=s, graduation_year=2027 + y)
        for s in school_rows
        for y in range(COHORTS_PER_SCHOOL)
    )
    password = make_password("wellrounded-demo")
    now = timezone.now()  # every student is on the school's roster: they all count
    batch = 20_000
    for start in range(0, students, batch):
        users = User.objects.bulk_create(
            User(email=f"s{i:07d}@national.example", password=password)
            for i in range(start, min(students, start + batch))
        )
        Enrollment.objects.bulk_create(
            Enrollment(
                student=user,
                verified_at=now,
                verified_by=VerifiedBy.ROSTER,
                school_id=cohorts[(start + j) // per_school * COHORTS_PER_SCHOOL].school_id,
                cohort=cohorts[
                    (start + j) // per_school * COHORTS_PER_SCHOOL
                    + (start + j) % COHORTS_PER_SCHOOL
                ],
            )
            for j, user in enumerate(users)
        )
    staff = add_staff_member(
        school=school_rows[0], email="dean@national.example", role="dean", password="x" * 20
    ).user
    TOTP.activate(staff, generate_totp_secret())
    _, token = create_token(user=staff, name="benchmark")
    today = date.today()
    last_sunday = today - timedelta(days=today.weekday() + 1)
    return cohorts[0].pk, token, last_sunday


def load_weeks(first: date, last: date) -> int:
    """Every student checks in every day from `first` to `last` (inclusive), in SQL.

    Values are deterministic functions of (student, day); the rotation changes every eight
    weeks along each student's own track. Students are dealt to cohorts in turn, so a cohort's
    ids step by COHORTS_PER_SCHOOL: the track starts from id // COHORTS_PER_SCHOOL, or each
    cohort would fill only two of the eight rotations."""
    from django.db import connection

    from schools.models import Rotation

    rotations = list(Rotation.objects.order_by("pk").values_list("pk", flat=True))[:8]
    day = "(d::date - DATE '2000-01-01')"
    scale = ", ".join(
        f"1 + mod(hashint8(e.student_id::bigint * 7919 + (d::date - DATE '2000-01-01') * 31 + {k})"
        " & 2147483647, 5)"
        for k in range(len(SCALE))
    )
    flags = ", ".join(
        f"mod(hashint8(e.student_id::bigint * 104729 + (d::date - DATE '2000-01-01') * 17 + {k})"
        f" & 2147483647, 10) < {7 - k}"
        for k in range(len(SELF_CARE))
    )
    sql = f"""
        INSERT INTO checkins_checkin (student_id, school_id, day, rotation_id, {", ".join(SCALE)},
            sleep_hours, {", ".join(SELF_CARE)}, created_at, updated_at)
        SELECT e.student_id, e.school_id, d::date,
            (ARRAY{rotations})[
                1 + mod(e.student_id / {COHORTS_PER_SCHOOL} + {day} / 56, {len(rotations)})],
            {scale},
            4 + mod(hashint8(e.student_id::bigint * 31 + {day}) & 2147483647, 50) / 10.0,
            {flags}, now(), now()
        FROM schools_enrollment e
        CROSS JOIN generate_series(%s::date, %s::date, interval '1 day') AS d
    """  # noqa: S608  # nosec B608 - only integers and fixed names are formatted in
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # bulk load: skip FK triggers
        cursor.execute(sql, [first, last])
        count = cursor.rowcount
        cursor.execute("SET session_replication_role = DEFAULT")
    return count


def load_member_keys() -> float:
    """Every student's member hash (`cohorts.services.member_key`, the keyed HMAC publishing
    matches members against) into a scratch table, computed in Python and sent with COPY.
    Returns the seconds it took.

    A stand-in such as md5(student_id) would not do: publishing counts a member only when its
    hash is a verified student's member_key, so every figure would be empty."""
    from django.db import connection

    from cohorts.services import member_key
    from schools.models import Enrollment

    started = time.perf_counter()
    students = list(Enrollment.objects.values_list("student_id", flat=True))
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_member")
        cursor.execute(
            "CREATE UNLOGGED TABLE bench_member (student_id bigint PRIMARY KEY, member text)"
        )
        with cursor.copy("COPY bench_member (student_id, member) FROM STDIN") as copy:
            for student_id in students:
                copy.write_row((student_id, member_key(student_id)))
        cursor.execute("ANALYZE bench_member")
    return time.perf_counter() - started


def roll_up_weeks(first: date, last: date) -> tuple[int, int]:
    """RollupCell and CellMember rows for the weeks from `first` to `last`, set-based.

    Each student's week on each rotation is reduced to one row of sums first (a seventh of the
    rows); the rotation cells and, after merging a student's rotations within the week, the
    cohort cells are then grouped from those rows, so a measure's distinct students is a plain
    count. Every measure of a check-in goes into its group's one row (source "checkin"). Each
    of those per-student rows is also the student's membership row of its cell (one INSERT ...
    SELECT per scope), under their member hash from `load_member_keys`. Returns the cells
    and members created. `--verify` checks both against `rebuild_rollups`."""
    from django.db import connection

    measures = [(m, f"c.{m}::float8") for m in SCALE] + [("sleep_hours", "c.sleep_hours::float8")]
    measures += [(m, f"c.{m}::int::float8") for m in SELF_CARE]
    sums = ", ".join(
        f"sum({expr}) AS s_{name}, sum({expr} * {expr}) AS q_{name}" for name, expr in measures
    )
    merged = ", ".join(
        [f"sum(s_{name}) AS s_{name}, sum(q_{name}) AS q_{name}" for name, _ in measures]
        + ["sum(n) AS n"]
    )

    def bands(name: str) -> str:
        if name not in SELF_CARE:
            return "'{}'::jsonb"
        # Students with at least one "yes" (and one "no") this week, as the incremental path.
        return (
            "jsonb_strip_nulls(jsonb_build_object("
            f"'yes', NULLIF(count(*) FILTER (WHERE s_{name} > 0), 0), "
            f"'no', NULLIF(count(*) FILTER (WHERE s_{name} < n), 0)))"
        )

    figures = ", ".join(
        [
            f"'{name}', jsonb_build_array(count(*), sum(n), sum(s_{name}), sum(q_{name}), "
            f"{bands(name)})"
            for name, _ in measures
        ]
        + ["'checkin', jsonb_build_array(count(*), sum(n), sum(n), sum(n), '{}'::jsonb)"]
    )
    cells = """
        INSERT INTO cohorts_rollupcell (school_id, cohort_id, scope, rotation_id, week, source,
            figures)
        SELECT school_id, cohort_id, {scope}, {rotation}, week, 'checkin',
            jsonb_build_object({figures})
        FROM {source}
        GROUP BY school_id, cohort_id, {rotation}, week
    """

    # A member's figures: {measure: [observations, total, total_sq, {band: observations}]}.
    def own_bands(name: str) -> str:
        if name not in SELF_CARE:
            return "'{}'::jsonb"
        return (
            "jsonb_strip_nulls(jsonb_build_object("
            f"'yes', NULLIF(s_{name}::int, 0), 'no', NULLIF((n - s_{name})::int, 0)))"
        )

    own = ", ".join(
        [
            f"'{name}', jsonb_build_array(n::int, s_{name}, q_{name}, {own_bands(name)})"
            for name, _ in measures
        ]
        + ["'checkin', jsonb_build_array(n::int, n, n, '{}'::jsonb)"]
    )
    members = """
        INSERT INTO cohorts_cellmember (cell_id, member, figures)
        SELECT cell.id, m.member, jsonb_build_object({own})
        FROM {source}
        JOIN bench_member m ON m.student_id = s.student_id
        JOIN cohorts_rollupcell cell ON cell.school_id = s.school_id
            AND cell.cohort_id = s.cohort_id AND cell.scope = {scope} AND cell.week = s.week
            AND cell.source = 'checkin' AND {rotation}
    """
    created = members_created = 0
    with connection.cursor() as cursor:
        cursor.execute("SET work_mem = '1GB'")  # group in memory, not in sorted files on disk
        cursor.execute("DROP TABLE IF EXISTS student_weeks")
        cursor.execute(
            f"""CREATE UNLOGGED TABLE student_weeks AS
            SELECT c.school_id, e.cohort_id, c.rotation_id, c.student_id,
                date_trunc('week', c.day)::date AS week, count(*)::float8 AS n, {sums}
            FROM checkins_checkin c JOIN schools_enrollment e ON e.student_id = c.student_id
            WHERE c.day BETWEEN %s AND %s
            GROUP BY 1, 2, 3, 4, 5""",  # noqa: S608  # nosec B608 - fixed names only
            [first, last],
        )
        cursor.execute("ANALYZE student_weeks")
        # Every member's cell is joined in the same statement: skip the per-row FK triggers.
        cursor.execute("SET session_replication_role = replica")
        group = "GROUP BY school_id, cohort_id, student_id, week"
        merged_weeks = f"(SELECT school_id, cohort_id, student_id, week, {merged} FROM student_weeks {group}) AS merged"  # noqa: E501, S608  # nosec B608
        for scope, rotation, source in [
            ("'rotation'", "rotation_id", "student_weeks WHERE rotation_id IS NOT NULL"),
            ("'unplaced'", "NULL::bigint", "student_weeks WHERE rotation_id IS NULL"),
            ("'cohort'", "NULL::bigint", merged_weeks),
        ]:
            if "WHERE" in source:
                source = f"(SELECT * FROM {source}) AS placed"  # noqa: S608  # nosec B608
            cursor.execute(
                cells.format(scope=scope, rotation=rotation, source=source, figures=figures)
            )
            created += cursor.rowcount
            cursor.execute(
                members.format(
                    own=own,
                    source=source.replace(" AS placed", " AS s").replace(" AS merged", " AS s"),
                    scope=scope,
                    # Equalities only, so the planner can hash-join the week's cells.
                    rotation="cell.rotation_id = s.rotation_id"
                    if rotation == "rotation_id"
                    else "cell.rotation_id IS NULL",
                )
            )
            members_created += cursor.rowcount
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("DROP TABLE student_weeks")
        # Vacuumed, with fresh statistics: the naive query gets the planner's best plan too, and
        # autovacuum has nothing left to do on the new rows while the timings run.
        cursor.execute(
            "VACUUM (ANALYZE) cohorts_rollupcell, cohorts_cellmember, checkins_checkin, "
            "schools_enrollment"
        )
    return created, members_created


def verify_against_rebuild() -> None:
    """The SQL roll-up must give exactly the cells and members `rebuild_rollups` computes in
    Python."""
    from checkins.rollups import rebuild_rollups
    from cohorts.models import CellMember, RollupCell

    def key(cell) -> tuple:
        return (cell.cohort_id, cell.scope, cell.rotation_id or 0, cell.week, cell.source)

    def cells():
        return sorted(
            (
                *key(c), measure, figures.n_students, figures.n_obs, round(figures.total, 6),
                round(figures.total_sq, 6), sorted(figures.band_counts.items()),
            )
            for c in RollupCell.objects.all()
            for measure, figures in c.measures()
        )  # fmt: skip

    def members():
        return sorted(
            (
                *key(m.cell), m.member, measure, observations, round(total, 6),
                round(total_sq, 6), sorted(bands.items()),
            )
            for m in CellMember.objects.select_related("cell")
            for measure, (observations, total, total_sq, bands) in m.figures.items()
        )  # fmt: skip

    from_sql = cells(), members()
    rebuild_rollups()
    from_python = cells(), members()
    same = from_sql == from_python
    print(
        f"verify: {len(from_sql[0]):,} cell figures and {len(from_sql[1]):,} member figures "
        f"from SQL; equal to rebuild_rollups: {same}"
    )
    if not same:
        raise SystemExit("the SQL roll-up differs from rebuild_rollups")


def publish(school_id: int, today: date) -> tuple[float, int]:
    """Publish the school under test from scratch, as `publish_due` would on its first staff
    request: every week with figures up to the last one due by `today`. Returns the seconds
    and the weeks published.

    Earlier stages' releases are dropped first, as the stages load older weeks that a release
    (final by design) would otherwise never include. The other schools' releases are then
    copies of this school's, in SQL, under their own cohorts: the published tables and their
    index are national-size for the API's read, without publishing 100 schools each stage."""
    from django.db import connection

    from cohorts.models import Release
    from cohorts.publishing import publish_due
    from schools.models import School

    with connection.cursor() as cursor:
        # With the answers stored from them (cohorts/answers.py), which the app never drops
        # since it never drops a release, and the figures actions cite (none in the bench).
        cursor.execute(
            "TRUNCATE cohorts_publishedtable, cohorts_population, cohorts_release,"
            " cohorts_storedanswer, cohorts_actionfigure"
        )
    school = School.objects.get(pk=school_id)
    started = time.perf_counter()
    publish_due(school, today=today)
    seconds = time.perf_counter() - started
    weeks = Release.objects.filter(school=school, kind=Release.Kind.WEEK).count()
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO cohorts_release (school_id, kind, key, starts_on, ends_on, published_at)
            SELECT s.id, r.kind, r.key, r.starts_on, r.ends_on, r.published_at
            FROM cohorts_release r CROSS JOIN schools_school s
            WHERE r.school_id = %s AND s.id <> %s""",
            [school_id, school_id],
        )
        cursor.execute(
            """INSERT INTO cohorts_publishedtable (release_id, cohort_id, "table", week, cells)
            SELECT copy.id, other.id, t."table", t.week, t.cells
            FROM cohorts_publishedtable t
            JOIN cohorts_release r ON r.id = t.release_id
            JOIN schools_cohort c ON c.id = t.cohort_id
            JOIN schools_cohort other ON other.graduation_year = c.graduation_year
                AND other.school_id <> c.school_id
            JOIN cohorts_release copy ON copy.school_id = other.school_id
                AND copy.kind = r.kind AND copy.key = r.key
            WHERE r.school_id = %s""",
            [school_id],
        )
        cursor.execute(  # school-wide tables, if any, have no cohort
            """INSERT INTO cohorts_publishedtable (release_id, cohort_id, "table", week, cells)
            SELECT copy.id, NULL, t."table", t.week, t.cells
            FROM cohorts_publishedtable t
            JOIN cohorts_release r ON r.id = t.release_id
            JOIN cohorts_release copy ON copy.school_id <> r.school_id
                AND copy.kind = r.kind AND copy.key = r.key
            WHERE r.school_id = %s AND t.cohort_id IS NULL""",
            [school_id],
        )
        cursor.execute("VACUUM (ANALYZE) cohorts_release, cohorts_publishedtable")
    return seconds, weeks


NAIVE = """
    SELECT c.rotation_id, date_trunc('week', c.day)::date AS week,
        count(DISTINCT c.student_id), avg(c.mood), stddev_samp(c.mood)
    FROM checkins_checkin c
    JOIN schools_enrollment e ON e.student_id = c.student_id
    WHERE e.cohort_id = %s AND e.verified_at IS NOT NULL AND c.day BETWEEN %s AND %s
    GROUP BY ROLLUP (c.rotation_id), 2
"""


def time_naive(cohort_id: int, first: date, last: date, repeats: int) -> list[float]:
    from django.db import connection

    times = []
    with connection.cursor() as cursor:
        for _ in range(repeats):
            started = time.perf_counter()
            cursor.execute(NAIVE, [cohort_id, first, last])
            cursor.fetchall()
            times.append((time.perf_counter() - started) * 1000)
    return times


def time_published_read(cohort_id: int, repeats: int) -> list[float]:
    """The database side of the API's table alone: the read of the cohort's stored
    `PublishedTable` rows for a year of weeks (the same call), in-process."""
    from cohorts.publishing import published_tables
    from cohorts.selectors import complete_weeks
    from schools.models import Cohort

    cohort = Cohort.objects.select_related("school").get(pk=cohort_id)
    mondays = complete_weeks(cohort.school, count=52)
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        published_tables(cohort, "mood", mondays)
        times.append((time.perf_counter() - started) * 1000)
    return times


def time_side_by_side(
    api_port: int,
    hello_port: int,
    token: str,
    cohort_id: int,
    requests: int,
    baseline_port: int | None = None,
) -> tuple[list[float], list[float], list[float]]:
    """Milliseconds per GET of the dashboard API, of the bare view and (with `baseline_port`)
    of the same API served from the baseline's source tree, in turns (after 5 of each to warm
    up), so all of them see the same load on a shared machine."""
    api_path = f"/api/school/cohorts/{cohort_id}/trend?measure=mood&weeks=52"
    bearer = {"Authorization": f"Bearer {token}"}
    targets = [
        (Client(api_port), api_path, bearer, []),
        (Client(hello_port), "/", {}, []),
    ]
    if baseline_port is not None:
        targets.append((Client(baseline_port), api_path, bearer, []))
    for i in range(requests + 5):
        for client, path, headers, times in targets:
            started = time.perf_counter()
            client.conn.request("GET", path, headers=headers)
            response = client.conn.getresponse()
            body = response.read()
            if response.status != 200:
                raise RuntimeError(f"{path} answered {response.status}: {body[:200]!r}")
            if i >= 5:  # the first requests warm the workers up
                times.append((time.perf_counter() - started) * 1000)
    return targets[0][3], targets[1][3], targets[2][3] if baseline_port is not None else []


def shown_cells(port: int, token: str, cohort_id: int) -> tuple[int, int, float]:
    """(cells with a figure, cells in all, milliseconds) of the first answer, which builds
    the answer and stores it (cohorts/answers.py): the API must show figures, not only
    reasons they are hidden, or it is being timed on an empty table."""
    import json

    client = Client(port)
    started = time.perf_counter()
    client.conn.request(
        "GET",
        f"/api/school/cohorts/{cohort_id}/trend?measure=mood&weeks=52",
        headers={"Authorization": f"Bearer {token}"},
    )
    weeks = json.loads(client.conn.getresponse().read())["weeks"]
    first = (time.perf_counter() - started) * 1000
    cells = [c for w in weeks for c in [w["total"], *w["groups"]]]
    return sum(1 for c in cells if c["shown"]), len(cells), first


@contextmanager
def baseline_server(tree: Path | None, env: dict[str, str]):
    """The baseline tree's app through the same gunicorn setup, or nothing."""
    if tree is None:
        yield None
        return
    with gunicorn("wellrounded.wsgi", env, cwd=tree.resolve()) as port:
        yield port


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--students", type=int, default=100_000)
    parser.add_argument(
        "--schools", type=int, help="Default: one per 1,000 students (at least one)."
    )
    parser.add_argument("--stages", default="1000000,10000000,36000000")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--naive-repeats", type=int, default=5)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")
    parser.add_argument(
        "--baseline",
        type=Path,
        help="Another source tree of the app with the same migrations (e.g. `git archive "
        "<commit> | tar -x -C DIR`): its API is served too, against the same database, and "
        "timed in turns with this tree's, for before/after figures from one run.",
    )
    parser.add_argument(
        "--verify", action="store_true", help="Check the SQL roll-up against rebuild_rollups."
    )
    args = parser.parse_args()
    stages = [int(s) for s in args.stages.split(",")]
    schools = args.schools or max(1, args.students // 1000)

    import tempfile

    with tempfile.TemporaryDirectory(prefix="wr-national-") as tmp:
        env = bench_env(Path(tmp), args.database_url)
        recreate_database(args.database_url)
        try:
            manage(env, "migrate", "--noinput", "-v0")
            manage(env, "createcachetable")
            manage(env, "collectstatic", "--noinput", "-v0")
            setup_django(env)
            from zoneinfo import ZoneInfo

            from django.utils import timezone

            from schools.models import Cohort

            started = time.perf_counter()
            cohort_id, token, last_day = create_people(args.students, schools)
            school = Cohort.objects.select_related("school").get(pk=cohort_id).school
            print(
                f"{args.students:,} verified students in {schools} schools "
                f"({time.perf_counter() - started:.0f} s); cohort under test: {cohort_id}"
            )
            hashing = load_member_keys()
            print(
                f"member hashes: computed in Python (member_key) and loaded with COPY in "
                f"{hashing:.1f} s",
                flush=True,
            )
            year_start = last_day - timedelta(days=52 * 7 - 1)
            stored, loaded_from = 0, last_day + timedelta(days=1)
            rows = []
            for target in stages:
                weeks = 0
                started = time.perf_counter()
                stage_last = loaded_from - timedelta(days=1)
                while stored < target and loaded_from > year_start:
                    first = loaded_from - timedelta(days=7)
                    stored += load_weeks(first, loaded_from - timedelta(days=1))
                    loaded_from, weeks = first, weeks + 1
                loaded = time.perf_counter()
                cells = members = 0
                if weeks:
                    cells, members = roll_up_weeks(loaded_from, stage_last)
                if args.verify:
                    verify_against_rebuild()
                print(
                    f"stored {stored:,} check-ins (+{weeks} weeks: {loaded - started:.0f} s to "
                    f"load, {time.perf_counter() - loaded:.0f} s to roll up in SQL: "
                    f"+{cells:,} cells, +{members:,} members)",
                    flush=True,
                )
                today = timezone.localdate(timezone=ZoneInfo(school.timezone))
                seconds, published = publish(school.pk, today)
                per_week = seconds / published if published else float("nan")
                print(
                    f"  publish_due for one school of {args.students // schools:,} students: "
                    f"{published} weeks in {seconds:.1f} s = {per_week:.2f} s per school-week; "
                    f"one week for 100,000 students (100 schools, one process): "
                    f"{per_week * 100:.0f} s",
                    flush=True,
                )
                with (
                    gunicorn("wellrounded.wsgi", env) as api_port,
                    gunicorn("bench.hello:application", env) as hello_port,
                    baseline_server(args.baseline, env) as baseline_port,
                ):
                    shown = shown_cells(api_port, token, cohort_id)
                    api, hello, before = time_side_by_side(
                        api_port, hello_port, token, cohort_id, args.requests, baseline_port
                    )
                naive = time_naive(cohort_id, year_start, last_day, args.naive_repeats)
                read = time_published_read(cohort_id, args.requests)
                rows.append((stored, api, hello, naive, read, per_week, before))
                if before:
                    print(
                        f"  the baseline's API ({args.baseline}), in the same turns: p50 "
                        f"{percentile(before, 50):6.2f} ms  p95 {percentile(before, 95):6.2f} ms",
                        flush=True,
                    )
                print(
                    f"  dashboard API p50 {percentile(api, 50):6.2f} ms  p95 "
                    f"{percentile(api, 95):6.2f} ms ({shown[0]} of {shown[1]} cells shown; "
                    f"the first answer, built and stored, {shown[2]:.0f} ms) | "
                    f"bare Django view p50 {percentile(hello, 50):5.2f} ms  p95 "
                    f"{percentile(hello, 95):5.2f} ms | API / bare view p50 "
                    f"{percentile(api, 50) / percentile(hello, 50):4.1f}x  p95 "
                    f"{percentile(api, 95) / percentile(hello, 95):4.1f}x | naive GROUP BY p50 "
                    f"{percentile(naive, 50):7.1f} ms | stored-table read p50 "
                    f"{percentile(read, 50):5.2f} ms",
                    flush=True,
                )
        finally:
            if not args.keep:
                drop_database(args.database_url)
    print(
        "\ncheck-ins stored | API p50 | API p95 | bare view p50 | bare view p95 "
        "| API/bare p50 | API/bare p95 | naive p50 | naive/API p50 | stored read p50 "
        "| publish s/school-week"
    )
    for stored, api, hello, naive, read, per_week, before in rows:
        print(
            f"{stored:>16,} | {percentile(api, 50):5.2f} ms | {percentile(api, 95):5.2f} ms | "
            f"{percentile(hello, 50):5.2f} ms | {percentile(hello, 95):5.2f} ms | "
            f"{percentile(api, 50) / percentile(hello, 50):4.1f}x | "
            f"{percentile(api, 95) / percentile(hello, 95):4.1f}x | "
            f"{percentile(naive, 50):7.1f} ms | "
            f"{statistics.median(naive) / statistics.median(api):5.1f}x | "
            f"{percentile(read, 50):5.2f} ms | {per_week:.2f} s"
            + (
                f" | baseline API p50 {percentile(before, 50):5.2f} ms p95 "
                f"{percentile(before, 95):5.2f} ms"
                if before
                else ""
            )
        )
    print("target: API p95 <= 5 ms at 36M check-ins, flat from stage to stage")
    print(
        "(both servers are measured in turns through the same gunicorn setup; a bare Django "
        "view's answer is the least any HTTP answer costs here)"
    )


if __name__ == "__main__":
    main()
