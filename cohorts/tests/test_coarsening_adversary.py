"""The adversary against coarsening (#21), over HTTP: a staff member saves every figure of the
trend API (weekly cells and the coarse figures shown in hidden cells' places), students answer,
a week and its 4-week block are published, the staff member saves everything again and
subtracts. Ground truth (who answered what, where, when) is known to the test; no two figures
may isolate fewer than K students, and nothing already shown may move.
"""

import random
from collections import defaultdict
from datetime import date, timedelta

import pytest

from cohorts.coarsening import BLOCK_WEEKS, block_of
from cohorts.publishing import publication_day
from cohorts.tests.factories import add_all, checkin_observations, enroll
from conftest import make_cohort, with_totp
from lib.dates import week_of
from schools.models import Rotation

pytestmark = pytest.mark.django_db
K = 10
API = "/api/school"
MEASURES = ("mood", "moved")
PLACES = ("surgery", "obstetrics-gynaecology", "psychiatry", "neurology", None)


class World:
    """Random cohorts whose students answer through the check-in service; the truth kept."""

    def __init__(self, school, rng: random.Random, mondays: list[date]):
        self.school, self.rng, self.mondays = school, rng, mondays
        self.rotations = {r.slug: r for r in Rotation.objects.filter(slug__in=PLACES[:-1])}
        self.group_of = dict(Rotation.objects.filter(school=None).values_list("slug", "group"))
        # (cohort, student, place, monday, measure) -> [count, total], with the phase it
        # arrived in (a figure published in phase 1 never saw phase 2's answers).
        self.answers: list[tuple] = []
        self.cohorts = [make_cohort(school, year) for year in (2027, 2028, 2029)]
        self.home: dict[int, str | None] = {}
        self.members: dict[int, list[int]] = defaultdict(list)

    def join(self, cohort, count: int, prefix: str) -> list[int]:
        students = enroll(cohort, count, prefix=prefix)
        for student in students:
            self.home[student] = self.rng.choice(PLACES)
        self.members[cohort.pk] += students
        return students

    def answer(self, cohort, student: int, monday: date, phase: int) -> None:
        place = self.home[student]
        rotation_id = self.rotations[place].pk if place else None
        day = monday + timedelta(days=self.rng.randrange(7))
        observations = [
            o
            for o in checkin_observations(cohort, student, day, rotation_id, self.rng)
            if o.measure in (*MEASURES, "checkin")
        ]
        add_all(observations)
        for o in observations:
            if o.measure in MEASURES:
                self.answers.append((cohort.pk, student, place, monday, o.measure, o.value, phase))

    def students(self, cohort_id, measure, *, weeks, places, phase) -> dict[int, tuple]:
        """Each student's (answers, total) in a figure of these weeks and places."""
        found: dict[int, list] = defaultdict(lambda: [0, 0.0])
        for c, student, place, monday, m, value, p in self.answers:
            same = c == cohort_id and m == measure and p <= phase
            if same and monday in weeks and place in places:
                found[student][0] += 1
                found[student][1] += value
        return {s: (n, round(total, 6)) for s, (n, total) in found.items()}


def save_everything(client, world) -> dict:
    """Every figure of the trend API, weekly cells and coarse ones, as the adversary saves it."""
    saved = {}
    for cohort in world.cohorts:
        for measure in MEASURES:
            data = client.get(
                f"{API}/cohorts/{cohort.pk}/trend", {"measure": measure, "weeks": 8}
            ).json()
            for week in data["weeks"][:-1]:
                saved[(cohort.pk, measure, week["week"], "cohort")] = week["total"]
                for group in week["groups"]:
                    saved[(cohort.pk, measure, week["week"], group["group"])] = group
    return saved


def figures(saved: dict, world, *, phase_of) -> list[tuple]:
    """The visible figures: (cohort, measure, first Monday, last Monday, students' figures)."""
    out = []
    for (cohort_id, measure, week, key), figure in saved.items():
        monday = date.fromisoformat(week)
        places = {
            "cohort": set(PLACES),
            "unplaced": {None},
        }.get(key, {key})
        if figure["shown"]:
            truth = world.students(
                cohort_id, measure, weeks={monday}, places=places, phase=phase_of(monday)
            )
            assert figure["students"] == len(truth), (cohort_id, measure, week, key)
            out.append((cohort_id, measure, monday, monday, (week, key), truth))
        coarse = figure.get("coarse")
        if coarse:
            assert not figure["shown"] and figure["value"] is None
            if coarse["granularity"] == "group":
                group = world.group_of[key]
                places = {slug for slug, g in world.group_of.items() if g == group}
                weeks = {monday}
                first = last = monday
            else:
                first, last = block_of(monday)
                weeks = {first + timedelta(weeks=i) for i in range(BLOCK_WEEKS)}
                assert coarse["starts_on"] == first.isoformat()
            truth = world.students(
                cohort_id, measure, weeks=weeks, places=places, phase=phase_of(last)
            )
            assert coarse["students"] == len(truth), (cohort_id, measure, week, key, coarse)
            label = (coarse["granularity"], coarse["label"], coarse["starts_on"])
            out.append((cohort_id, measure, first, last, label, truth))
    return out


def test_snapshot_answer_publish_snapshot_subtract_recovers_nobody(
    client, staff, school, monkeypatch
):
    rng = random.Random(2112)
    real_week = week_of(school.today())
    first, last = block_of(real_week - timedelta(weeks=20))
    mondays = [first + timedelta(weeks=i) for i in range(BLOCK_WEEKS)]
    clock = {"today": publication_day(mondays[-2])}  # the block's last week not yet published
    monkeypatch.setattr("schools.models.today_in", lambda _tz: clock["today"])
    world = World(school, rng, mondays)
    for cohort in world.cohorts:
        for student in world.join(cohort, rng.randint(40, 80), prefix=f"c{cohort.pk}-"):
            for monday in rng.sample(mondays[:-1], rng.randint(1, 3)):
                world.answer(cohort, student, monday, phase=1)
    with_totp(staff)
    client.force_login(staff)

    before = save_everything(client, world)

    # Students answer in the block's last week, a few new ones join, and a late answer lands
    # in a week already published; then the last week (and with it the block) is published.
    for cohort in world.cohorts:
        for student in world.join(cohort, rng.randint(1, 12), prefix=f"n{cohort.pk}-"):
            world.answer(cohort, student, mondays[-1], phase=2)
        for student in world.members[cohort.pk]:
            if rng.random() < 0.5:
                world.answer(cohort, student, mondays[-1], phase=2)
        late = rng.choice(world.members[cohort.pk])
        world.answer(cohort, late, mondays[0], phase=2)
    clock["today"] = publication_day(mondays[-1])
    after = save_everything(client, world)

    # 1. Nothing shown before moved; a hidden cell may gain a coarse figure, never lose one.
    for key, figure in before.items():
        if key not in after or (figure.get("reason") or "").startswith("published on"):
            continue
        now = dict(after[key])
        if figure.get("coarse") is None and "coarse" in now:
            now["coarse"] = figure.get("coarse")
        assert now == figure, key

    # 2. Every pair of figures of one cohort and measure over overlapping weeks differs by 0 or
    #    by at least K students on each side, counting a student whose answers differ in the two.
    def phase_of(monday: date) -> int:
        return 2 if monday >= mondays[-1] else 1

    shown = figures(after, world, phase_of=phase_of)
    shown += [f for f in figures(before, world, phase_of=lambda _m: 1) if f not in shown]
    coarse = [f for f in shown if f[4][0] in ("group", "block")]
    assert coarse, "the world should show coarse figures, or this test proves nothing"
    assert any(f[4][0] == "block" for f in coarse) and any(f[4][0] == "group" for f in coarse)
    for i, a in enumerate(shown):
        assert len(a[5]) >= K, a[:5]
        for b in shown[i + 1 :]:
            if a[:2] != b[:2] or a[2] > b[3] or b[2] > a[3]:
                continue
            only_a = {s for s, f in a[5].items() if b[5].get(s) != f}
            only_b = {s for s, f in b[5].items() if a[5].get(s) != f}
            for side in (only_a, only_b):
                assert len(side) == 0 or len(side) >= K, (a[:5], b[:5], len(only_a), len(only_b))

    # 3. A week's cohort minus everything shown inside it (rotations, unplaced, groups) leaves
    #    nobody or at least K; so does a group minus its shown rotations.
    by_week = defaultdict(list)
    for f in shown:
        if f[2] == f[3]:
            by_week[(f[0], f[1], f[2])].append(f)
    for found in by_week.values():
        whole = [f for f in found if f[4][1] == "cohort"]
        if not whole:
            continue
        parts = set().union(*(set(f[5]) for f in found if f[4][1] != "cohort"))
        rest = set(whole[0][5]) - parts
        assert len(rest) == 0 or len(rest) >= K
    assert len(shown) > 40
