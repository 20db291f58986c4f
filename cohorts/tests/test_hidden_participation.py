"""A week whose participation is hidden says nowhere how many checked in.

Every check-in carries mood, so the cohort's mood figure counts exactly the students who
checked in; shares publish their two sides. When the participation rate is top-coded ("more
than 66%"), those counts would undo it. Such rows are published with "at least" counts and
rounded values instead (docs/privacy-model.md, "Counts that would give away participation").
"""

import math
import random
from datetime import timedelta

import pytest

from cohorts.models import PublishedTable
from cohorts.publishing import coarse_json, count_floor, publish_week
from cohorts.statistics import Estimate
from cohorts.suppression import Cell
from schools.models import Rotation

from .factories import add_all, checkin_observations, enroll, weeks_ago

K = 10


def test_the_floor_leaves_k_possible_counts_and_never_goes_below_k():
    assert count_floor(enrolled=30, k=K) == 21  # 21..30: ten counts
    assert count_floor(enrolled=66, k=K) == 57
    assert count_floor(enrolled=15, k=K) == K  # fewer than 2k enrolled


def _totals_fit(value: float, n: int, *, per_student: int = 1) -> bool:
    """Whether some sum of n students' answers (each a multiple of 1/per_student) rounds to
    the shown one-decimal mean."""
    low, high = n * (value - 0.05), n * (value + 0.05)
    return math.floor(high * per_student) >= math.ceil(low * per_student)


@pytest.mark.parametrize("enrolled", [20, 30, 66, 150])
def test_a_rounded_figure_fits_every_count_it_could_hide(enrolled):
    """An adversary who knows a shown value was rounded tries every count from the floor to
    the enrolment: each one fits some total of whole answers (a mean) or some number of
    students who said yes (a share), so the value narrows nothing."""
    rng = random.Random(enrolled)
    floor = count_floor(enrolled=enrolled, k=K)
    for _ in range(300):
        active = rng.randint(floor, enrolled)
        answers = [rng.randint(1, 5) for _ in range(active)]
        mean = sum(answers) / active
        cell = Cell(n=active, value=Estimate(mean, mean - 0.3, mean + 0.3, active))
        stored = coarse_json(cell, at_least=floor, share=False)
        assert stored["atl"] == floor and "n" not in stored and stored["est"][3] is None
        value = stored["est"][0]
        assert all(_totals_fit(value, n) for n in range(floor, enrolled + 1)), (active, value)

        yes = rng.randint(K, active - K) if active >= 2 * K else None
        if yes is None:
            continue
        share = Cell(n=active, numerator=yes, value=Estimate(yes / active, 0, 1, active))
        stored = coarse_json(share, at_least=floor, share=True)
        low, high = stored["est"][1], stored["est"][2]
        assert low <= yes / active < high and high - low == pytest.approx(0.1)
        for n in range(floor, enrolled + 1):
            fits = [y for y in range(n + 1) if low <= y / n < high]
            assert fits, (n, low, high)


@pytest.mark.django_db
def test_a_top_coded_week_publishes_no_count_of_those_who_checked_in(cohort):
    rng = random.Random(5)
    surgery = Rotation.objects.get(slug="surgery").pk
    ids = enroll(cohort, 30)
    day = weeks_ago(cohort, 3)
    for i, student in enumerate(ids[:25]):
        add_all(checkin_observations(cohort, student, day, surgery if i < 15 else None, rng))
    week = day - timedelta(days=day.weekday())
    publish_week(cohort.school, week)

    tables = dict(
        PublishedTable.objects.filter(cohort=cohort, week=week).values_list("table", "cells")
    )
    assert tables["checkin"]["cohort"]["bound"] == ["above", 66]
    mood = tables["mood"]
    assert mood["cohort"]["atl"] == 21 and mood["cohort"]["est"][3] is None
    assert mood["surgery"]["atl"] == K
    for name, cells in tables.items():
        if name in ("checkin",) or not isinstance(cells, dict):
            continue
        for key, cell in cells.items():
            if not isinstance(cell, dict) or "why" in cell:
                continue
            # No exact count that could be added up to 25, no numerator, no complement.
            assert not {"n", "num", "comp"} & set(cell), (name, key, cell)
            assert cell["step"] in (0.1,)
    moved = tables["moved"]["cohort"]
    assert moved["est"][2] - moved["est"][1] == pytest.approx(0.1)


@pytest.mark.django_db
def test_a_week_whose_participation_is_shown_keeps_exact_counts(cohort):
    rng = random.Random(6)
    ids = enroll(cohort, 30)
    day = weeks_ago(cohort, 3)
    for student in ids[:15]:
        add_all(checkin_observations(cohort, student, day, None, rng))
    week = day - timedelta(days=day.weekday())
    publish_week(cohort.school, week)
    mood = PublishedTable.objects.get(cohort=cohort, week=week, table="mood").cells
    assert mood["cohort"]["n"] == 15 and "atl" not in mood["cohort"]


@pytest.mark.django_db
def test_the_dashboard_reads_at_least_and_rounded_values(client, staff, cohort):
    from conftest import with_totp

    rng = random.Random(7)
    ids = enroll(cohort, 30)
    for student in ids[:25]:
        add_all(checkin_observations(cohort, student, weeks_ago(cohort, 2), None, rng))
    with_totp(staff)
    client.force_login(staff)
    page = client.get("/school/", {"cohort": cohort.pk, "measure": "mood"}).content.decode()
    assert "at least 21 students" in page
    assert "n=25" not in page and "25 of" not in page
    api = client.get(f"/api/school/cohorts/{cohort.pk}/trend", {"measure": "moved"}).json()
    shown = [w["total"] for w in api["weeks"] if w["total"]["shown"]]
    assert shown and all(
        t["students"] is None and t["students_at_least"] == 21 and t["rounded_to"] == 0.1
        for t in shown
    )
    export = client.get("/school/export.csv", {"cohort": cohort.pk}).content.decode()
    assert ",>=21," in export and ",25," not in export
