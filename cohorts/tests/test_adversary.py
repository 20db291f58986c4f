"""A staff member tries everything they can reach to learn one student's answers, and fails.

Many random cohorts of 1..30 students answer at random, through the same service the
check-in app calls. The adversary fetches every dashboard variant, every API call and every
export, pools every number they show, and tries: any visible group of fewer than K students;
any two visible groups that differ by exactly one student; any total minus its visible parts
that leaves fewer than K students. Ground truth (who is in which group) is known to the test.
"""

import csv
import io
import random
import re
from collections import defaultdict

import pytest

from conftest import make_cohort, with_totp
from lib.dates import week_of
from schools.models import Rotation

from .factories import add_all, checkin_observations, enroll, random_phq9, weeks_ago

pytestmark = pytest.mark.django_db
K = 10
MEASURES = ["mood", "moved", "sleep_hours"]
API = "/api/school"


def build_world(school, rng: random.Random):
    rotations = list(Rotation.objects.filter(slug__in=["surgery", "psychiatry", "neurology"]))
    slugs = {r.pk: r.slug for r in rotations}
    observations = []
    cohorts = []
    for year in range(2026, 2034):
        cohort = make_cohort(school, year)
        cohorts.append(cohort)
        for student in enroll(cohort, rng.randint(1, 30), prefix=f"y{year}-"):
            if rng.random() < 0.15:
                continue  # enrolled, never checks in
            home = rng.choice([*rotations, None])
            for weeks in (1, 2):
                for weekday in rng.sample(range(7), rng.randint(1, 2)):
                    # Now and then a student moves rotation mid-week.
                    where = home if rng.random() < 0.85 else rng.choice([*rotations, None])
                    rotation_id = where.pk if where else None
                    day = weeks_ago(cohort, weeks, weekday)
                    observations += [
                        o
                        for o in checkin_observations(cohort, student, day, rotation_id, rng)
                        if o.measure in (*MEASURES, "checkin")
                    ]
                    if rng.random() < 0.4:
                        observations.append(random_phq9(cohort, student, day, rotation_id, rng))
    add_all(observations)
    return cohorts, observations, slugs


def truth(observations, slugs):
    """Who is in each pre-declared group: (cohort, measure, week, group) -> students."""
    groups = defaultdict(set)
    for o in observations:
        base = (o.cohort_id, o.measure, week_of(o.day).isoformat())
        groups[(*base, "cohort")].add(o.student_id)
        groups[(*base, slugs.get(o.rotation_id, "unplaced"))].add(o.student_id)
        if o.band:
            groups[(*base, f"band:{o.band}")].add(o.student_id)
    return groups


def test_no_student_value_can_be_recovered_from_anything_staff_can_reach(client, staff, school):
    rng = random.Random(20251)
    cohorts, observations, slugs = build_world(school, rng)
    members = truth(observations, slugs)
    enrolled = {c.pk: c.enrollments.count() for c in cohorts}
    with_totp(staff)
    client.force_login(staff)

    shown: dict[tuple, int] = {}  # every visible group and the students it reports
    # Visible groups of a week whose participation was hidden: no count, "at least" instead.
    rounded: dict[tuple, int] = {}
    lines: list[tuple[tuple, list[tuple]]] = []  # (total, its parts) as the API lays them out
    top_coded: list[tuple] = []  # (cohort, week, enrolled, truly active) with "more than p%"
    coarse_counts: set[tuple[int, int]] = set()  # (cohort, students) of coarse figures shown

    def collect(cohort, measure, week, total, parts, band=False):
        key = lambda g: (cohort.pk, measure, week, f"band:{g}" if band else g)  # noqa: E731
        whole = (cohort.pk, measure, week, "cohort")

        def keep(where, figure):
            if figure["students"] is None:
                rounded[where] = figure["students_at_least"]
            else:
                shown[where] = figure["students"]

        if total["shown"]:
            keep(whole, total)
        for part in parts:
            if part["shown"]:
                keep(key(part["group"]), part)
            else:
                assert set(part) >= {"reason"} and part["value"] is None
                coarse = part.get("coarse")
                if coarse and coarse["students"] is None:  # rounded (participation hidden)
                    assert coarse["students_at_least"] >= K and coarse["rounded_to"]
                elif coarse:  # a coarser figure in its place (#21): K or more
                    assert coarse["students"] >= K
                    coarse_counts.add((cohort.pk, coarse["students"]))
        if total["shown"]:
            lines.append((whole, [(key(p["group"]), p["shown"]) for p in parts]))

    for cohort in cohorts:
        for measure in MEASURES:
            data = client.get(f"{API}/cohorts/{cohort.pk}/trend", {"measure": measure}).json()
            for week in data["weeks"]:
                collect(cohort, measure, week["week"], week["total"], week["groups"])
        data = client.get(f"{API}/cohorts/{cohort.pk}/bands", {"measure": "screen:phq9"}).json()
        for week in data["weeks"]:
            collect(cohort, "screen:phq9", week["week"], week["total"], week["groups"], band=True)
        data = client.get(f"{API}/cohorts/{cohort.pk}/participation").json()
        for week in data["weeks"]:
            active = len(members[(cohort.pk, "checkin", week["week"], "cohort")])
            if week["total"]["shown"]:
                assert week["total"]["students"] == active
                assert active >= K and enrolled[cohort.pk] - active >= K
            elif week["total"]["bound_side"] == "above":
                top_coded.append((cohort.pk, week["week"], enrolled[cohort.pk], active))

        # The pages and the export show nothing the API did not.
        api_counts = {n for key, n in shown.items() if key[0] == cohort.pk}
        api_counts |= {n for pk, n in coarse_counts if pk == cohort.pk}
        for measure in MEASURES:
            page = client.get("/school/", {"cohort": cohort.pk, "measure": measure})
            assert page.status_code == 200
            for n in re.findall(r"n=(\d+) students", page.content.decode()):
                assert int(n) in api_counts
            for n, _ in re.findall(r"(\d+) of (\d+) students", page.content.decode()):
                assert int(n) >= K
        export = client.get("/school/export.csv", {"cohort": cohort.pk}).content.decode()
        for row in csv.DictReader(io.StringIO(export)):
            if row["students"].startswith(">="):
                assert int(row["students"][2:]) >= K and row["value"]
            elif row["students"]:
                assert int(row["students"]) >= K
                if row["table"] in ("trend", "rotation") and row["measure"] in MEASURES:
                    group = "cohort" if row["table"] == "trend" else row["group"]
                    key = (cohort.pk, row["measure"], row["week_starting"], group)
                    assert shown[key] == int(row["students"])
            else:
                assert row["not_shown_because"] and not row["value"]

    # 1. No visible group is smaller than K, and each reports its true size (or a true
    # "at least").
    for key, students in shown.items():
        assert students == len(members[key]) >= K, key
    for key, at_least in rounded.items():
        assert len(members[key]) >= at_least >= K, key

    # 4. Where participation was top-coded ("more than p%"), no count shown that week narrows
    # how many checked in to fewer than K possibilities: every exact count of a cohort figure
    # is a lower bound on it, and all of them leave K values open.
    for cohort_id, week, enrolled_then, active in top_coded:
        counts = [
            n for (c, _m, w, g), n in shown.items() if (c, w, g) == (cohort_id, week, "cohort")
        ]
        lowest_possible = max([*counts, enrolled_then - K + 1])
        assert enrolled_then - lowest_possible + 1 >= K, (cohort_id, week, counts, active)

    # 2. No two visible groups of one week and measure differ by exactly one student.
    by_week = defaultdict(list)
    for key in [*shown, *rounded]:
        by_week[key[:3]].append(members[key])
    for groups in by_week.values():
        for a in groups:
            for b in groups:
                assert not (b < a and len(a - b) == 1)

    # 3. A total minus its visible parts leaves nobody, or at least K students.
    for whole, parts in lines:
        visible = set().union(*(members[p] for p, ok in parts if ok))
        hidden = set().union(*(members[p] for p, ok in parts if not ok))
        remainder = hidden if visible else members[whole]
        assert not remainder or len(remainder) >= K, whole
        assert len(members[whole] - visible) == 0 or len(members[whole] - visible) >= K

    assert len(shown) + len(rounded) > 20, "the world should show something, or this proves nothing"
    assert shown, "some week should show exact counts"
    assert top_coded and rounded, "some week should be top-coded, or check 4 proves nothing"
