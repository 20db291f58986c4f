"""Coarsen before hiding (#21): a hidden rotation week shows the finest pre-declared coarser
figure that passes the rules (the rotation's group that week, else its 4-week block), and no
coarse figure gets past the differencing guard or complementary suppression."""

import csv
import io
import random
from dataclasses import replace
from datetime import date, timedelta

import pytest

from cohorts import coarsening
from cohorts.coarsening import (
    BLOCK_ORIGIN,
    BLOCK_WEEKS,
    REMAINDER,
    Group,
    _admit,
    _candidate,
    block_of,
    block_table,
    group_table,
    remainder_safe,
)
from cohorts.guard import GUARD, Guard
from cohorts.measures import measure
from cohorts.models import Population, PublishedTable, Release
from cohorts.publishing import last_publishable_week, publish_due
from cohorts.suppression import COMPLEMENTARY
from conftest import with_totp
from schools.models import Rotation

from .factories import add_all, checkin_observations, enroll

K = 10
API = "/api/school"


# ---------------------------------------------------------------------------------------------
# Blocks


@pytest.mark.parametrize("offset", range(-60, 120))
def test_blocks_are_four_whole_weeks_aligned_to_a_fixed_monday(offset):
    week = BLOCK_ORIGIN + timedelta(weeks=offset)
    first, last = block_of(week)
    assert first.weekday() == 0 and last == first + timedelta(weeks=BLOCK_WEEKS - 1)
    assert first <= week <= last
    assert (first - BLOCK_ORIGIN).days % (7 * BLOCK_WEEKS) == 0
    # Every week of a block names the same block, so blocks never overlap.
    assert all(block_of(first + timedelta(weeks=i)) == (first, last) for i in range(BLOCK_WEEKS))
    assert block_of(last + timedelta(weeks=1))[0] == last + timedelta(weeks=1)


# ---------------------------------------------------------------------------------------------
# What subtraction could reveal


def test_a_remainder_is_safe_when_empty_or_at_least_k_and_k_on_each_side_of_a_share():
    whole = {f"t{i}": i % 2 == 0 for i in range(30)}
    shown = [{f"t{i}" for i in range(20)}]
    assert remainder_safe(whole, shown, share=False, k=K)  # 10 left
    assert remainder_safe(whole, [set(whole)], share=False, k=K)  # nobody left
    assert not remainder_safe(whole, [{f"t{i}" for i in range(21)}], share=False, k=K)  # 9
    # 10 left, 5 yes and 5 no: a share would tell too much.
    assert not remainder_safe(whole, shown, share=True, k=K)
    whole = {f"t{i}": i >= 20 or i < 10 for i in range(40)}  # 20..39 are 10 no + 10 yes
    shown = [{f"t{i}" for i in range(20)}]
    remaining = {f"t{i}": i >= 30 for i in range(20, 40)}
    assert remainder_safe(
        {**{f"t{i}": True for i in range(20)}, **remaining}, shown, share=True, k=K
    )


def figures(value: float) -> list:
    return [1, value, value * value, {}]


@pytest.mark.django_db
def test_the_guard_refuses_a_coarse_figure_that_differs_from_a_published_one_by_fewer_than_k(
    school, cohort
):
    entry = measure("mood")
    week = date(2026, 3, 2)
    published = Group({f"m{i:02d}": figures(1 + i % 5) for i in range(12)})
    release = Release.objects.create(
        school=school, kind=Release.Kind.WEEK, key=week.isoformat(), starts_on=week,
        ends_on=week + timedelta(days=6),
    )  # fmt: skip
    guard = Guard(school, sources=["week:mood"], starts_on=week, ends_on=week)
    guard.record(
        release,
        [_candidate(entry, cohort.pk, "week", "surgery", week, week, published.tags())],
    )

    def decide(extra: int):
        members = dict(published.members)
        members.update({f"x{i:02d}": figures(1 + i % 5) for i in range(extra)})
        group = Group(members)
        tags = group.tags()
        candidate = _candidate(entry, cohort.pk, "group", "surgical", week, week, tags)
        fresh = Guard(school, sources=["week:mood"], starts_on=week, ends_on=week)
        return _admit(group.cell(entry), candidate, fresh, [], share=False, k=K, tags=tags)

    assert decide(3).hidden == GUARD.format(k=K)  # 15 against 12: three students apart
    assert decide(9).hidden == GUARD.format(k=K)
    assert decide(10).hidden is None  # 22 against 12: ten apart, on one side, none on the other
    assert decide(0).hidden is None  # the same students: nothing to subtract


# ---------------------------------------------------------------------------------------------
# Publishing, end to end


def rotation(slug: str) -> Rotation:
    return Rotation.objects.get(slug=slug, school=None)


@pytest.fixture(autouse=True)
def quiet_classmates(request):
    """40 enrolled students who never check in, so each week's participation is shown and
    the figures keep exact counts (a hidden participation rounds them: tested below)."""
    if "cohort" in request.fixturenames:
        enroll(request.getfixturevalue("cohort"), 40, prefix="quiet-")


def check_in(cohort, rng, plan: dict, mondays: list[date], prefix: str) -> dict:
    """`plan[slug or None] = n` students, one check-in on the Wednesday of each of `mondays`."""
    who = {}
    for slug, count in plan.items():
        students = enroll(cohort, count, prefix=f"{prefix}{slug}-")
        rotation_id = rotation(slug).pk if slug else None
        for student in students:
            for monday in mondays:
                add_all(
                    checkin_observations(
                        cohort, student, monday + timedelta(days=2), rotation_id, rng
                    )
                )
        who[slug] = students
    return who


def the_last_published_week(school) -> date:
    return last_publishable_week(school.today())


def stored(cohort, table: str, week: date) -> dict:
    return PublishedTable.objects.get(cohort=cohort, table=table, week=week).cells


@pytest.mark.django_db
def test_a_group_that_would_give_away_its_hidden_rotation_is_withheld(school, cohort):
    rng = random.Random(3)
    week = the_last_published_week(school)
    # Surgery 12 (shown), obstetrics 3 (hidden), psychiatry 11 (hidden to protect obstetrics).
    plan = {"surgery": 12, "obstetrics-gynaecology": 3, "psychiatry": 11, None: 13}
    check_in(cohort, rng, plan, [week], "g")
    publish_due(school, today=school.today())

    weekly = stored(cohort, "mood", week)
    assert "why" not in weekly["surgery"] and "why" in weekly["obstetrics-gynaecology"]
    assert weekly["psychiatry"]["why"] == COMPLEMENTARY
    groups = stored(cohort, group_table("mood"), week)
    # Surgical (15) minus surgery (12) would be obstetrics' three students.
    assert groups["surgical"]["why"] in (GUARD.format(k=K), REMAINDER.format(k=K))
    # Medical (psychiatry's 11) with surgery and the unplaced would leave obstetrics' three.
    assert groups["medical"]["why"] == REMAINDER.format(k=K)
    assert all("n" not in cell for cell in groups.values())


def block_weeks(school) -> list[date]:
    """The Mondays of the latest 4-week block that is wholly published."""
    last = the_last_published_week(school)
    first, end = block_of(last)
    if end != last:
        first, end = block_of(first - timedelta(weeks=1))
    return [first + timedelta(weeks=i) for i in range(BLOCK_WEEKS)]


@pytest.mark.django_db
def test_a_block_table_is_suppressed_with_its_total_too(school, cohort):
    rng = random.Random(4)
    mondays = block_weeks(school)
    # Two weeks of the block: 3 on surgery (hidden), 12 unplaced (hidden with them), a week's
    # cohort of 15. Over the block each student's figure joins two weeks, so no block figure
    # matches a weekly one and the guard lets them through: suppression must do the work.
    check_in(cohort, rng, {"surgery": 3, None: 12}, [mondays[0], mondays[2]], "b")
    publish_due(school, today=school.today())

    weekly = stored(cohort, "mood", mondays[0])
    assert "why" in weekly["surgery"] and weekly["unplaced"]["why"] == COMPLEMENTARY
    block = stored(cohort, block_table("mood"), mondays[-1])
    assert block["period"] == {
        "from": mondays[0].isoformat(),
        "to": (mondays[-1] + timedelta(days=6)).isoformat(),
    }
    assert "why" in block["surgery"]  # three students
    # The block's cohort (15) minus its unplaced (12) would be surgery's three.
    assert block["unplaced"]["why"] == COMPLEMENTARY
    assert block["cohort"]["n"] == 15


@pytest.mark.django_db
def test_a_rotation_hidden_every_week_shows_its_block_with_what_it_covers(school, cohort):
    rng = random.Random(5)
    mondays = block_weeks(school)
    # Twelve surgery students, each answering in two of the four weeks: six a week (hidden
    # each week), with a big unplaced group so the week's line stays safe.
    surgery = enroll(cohort, 12, prefix="s")
    observations = []
    for i, student in enumerate(surgery):
        for monday in (mondays[i % 2], mondays[2 + i % 2]):
            day = monday + timedelta(days=2)
            observations += checkin_observations(cohort, student, day, rotation("surgery").pk, rng)
    add_all(observations)
    check_in(cohort, rng, {None: 25, "psychiatry": 12}, mondays, "u")
    publish_due(school, today=school.today())

    block = stored(cohort, block_table("mood"), mondays[-1])
    assert block["surgery"]["n"] == 12
    from cohorts.selectors import rotation_table

    found = coarsening.coarse_figures(
        cohort,
        "mood",
        [(m, {"surgery": cell}) for m, cell in _surgery_cells(cohort, mondays)],
    )
    assert {c.granularity for c in found.values()} == {"block"}
    assert len(found) == BLOCK_WEEKS
    assert all(c.cell.value.n == 12 and c.label.startswith("4 weeks from") for c in found.values())
    table = rotation_table(cohort, measure_key="mood", weeks=8)
    assert any(table.coarse_for(m, "surgery") for m in mondays if m in {r.week for r in table.rows})


def _surgery_cells(cohort, mondays):
    from cohorts.publishing import cell_from_json

    for monday in mondays:
        yield monday, cell_from_json(stored(cohort, "mood", monday)["surgery"], k=K)


@pytest.fixture
def staff_client(client, staff):
    with_totp(staff)
    client.force_login(staff)
    return client


@pytest.fixture
def small_surgical_rotations(cohort):
    """Last published week: 6 on surgery, 6 on obstetrics (both hidden), 12 unplaced."""
    rng = random.Random(6)
    week = the_last_published_week(cohort.school)
    check_in(cohort, rng, {"surgery": 6, "obstetrics-gynaecology": 6, None: 12}, [week], "d")
    return week


def test_a_hidden_rotation_week_shows_its_groups_figure_on_the_page(
    staff_client, cohort, small_surgical_rotations
):
    week = small_surgical_rotations
    page = staff_client.get("/school/", {"cohort": cohort.pk, "measure": "mood"})

    assert page.status_code == 200
    html = page.content.decode()
    assert "surgical rotations" in html
    assert "shown for surgical rotations because this rotation's week is not available" in html
    assert "n=12 students" in html
    groups = stored(cohort, group_table("mood"), week)
    assert groups["surgical"]["n"] == 12

    data = staff_client.get(f"{API}/cohorts/{cohort.pk}/trend", {"measure": "mood"}).json()
    row = next(w for w in data["weeks"] if w["week"] == week.isoformat())
    surgery = next(g for g in row["groups"] if g["group"] == "surgery")
    assert surgery["shown"] is False and surgery["value"] is None
    assert surgery["coarse"]["granularity"] == "group"
    assert surgery["coarse"]["label"] == "surgical rotations"
    assert surgery["coarse"]["students"] == 12
    assert surgery["coarse"]["starts_on"] == week.isoformat()

    export = staff_client.get("/school/export.csv", {"cohort": cohort.pk}).content.decode()
    lines = [r for r in csv.DictReader(io.StringIO(export)) if r["table"] == "rotation:group"]
    mine = [r for r in lines if r["measure"] == "mood" and r["week_starting"] == week.isoformat()]
    assert {r["group"] for r in mine} == {"surgery", "obstetrics-gynaecology"}
    assert all(r["students"] == "12" for r in mine)
    assert all("shown for surgical rotations" in r["not_shown_because"] for r in mine)


def test_coarsening_switched_off_publishes_no_coarse_figure(
    staff_client, cohort, small_surgical_rotations, settings
):
    settings.COARSENING = False
    page = staff_client.get("/school/", {"cohort": cohort.pk, "measure": "mood"})
    assert "surgical rotations" not in page.content.decode()
    assert not PublishedTable.objects.filter(table__startswith="group:").exists()
    assert not Population.objects.filter(source__startswith="week:").exists()


@pytest.mark.django_db
def test_a_group_is_withheld_when_its_remainder_would_tell_a_homogeneous_cell(school, cohort):
    rng = random.Random(7)
    week = the_last_published_week(school)
    day = week + timedelta(days=2)
    same = []
    for student in enroll(cohort, 12, prefix="same"):
        same += [
            replace(o, value=5.0) if o.measure == "mood" else o
            for o in checkin_observations(cohort, student, day, rotation("surgery").pk, rng)
        ]
    add_all(same)
    # The week's own table hides neurology with surgery (K varied students beside the alike
    # ones: suppression.suppress), and shows obstetrics.
    plan = {"obstetrics-gynaecology": 14, "neurology": 12, None: 20}
    check_in(cohort, rng, plan, [week], "h")
    publish_due(school, today=school.today())

    weekly = stored(cohort, "mood", week)
    assert "why" in weekly["surgery"] and "why" in weekly["neurology"]
    assert "n" in weekly["obstetrics-gynaecology"]
    # Surgical (26) minus obstetrics (14) would be surgery's twelve, every one at 5.
    assert stored(cohort, group_table("mood"), week)["surgical"]["why"] == REMAINDER.format(k=K)


@pytest.mark.django_db
def test_a_deleted_students_tag_has_one_stand_in_in_every_population(school, cohort, student):
    from cohorts.guard import forget_member, tag
    from cohorts.services import member_key

    week = date(2026, 3, 2)
    release = Release.objects.create(
        school=school, kind=Release.Kind.WEEK, key=week.isoformat(), starts_on=week,
        ends_on=week + timedelta(days=6),
    )  # fmt: skip
    same, other = tag(member_key(student.pk), [1, 3]), tag(member_key(student.pk), [2, 7])
    for label, tags in (("week", [same]), ("block", [same, other])):
        Population.objects.create(
            school=school, release=release, source="week:mood", starts_on=week, ends_on=week,
            label=label, tags=",".join(tags),
        )  # fmt: skip

    forget_member(student.pk)

    week_tags = set(Population.objects.get(label="week").tags.split(","))
    block_tags = set(Population.objects.get(label="block").tags.split(","))
    assert same not in week_tags | block_tags and other not in block_tags
    assert week_tags < block_tags and len(block_tags) == 2  # still the same student in both


def test_a_week_whose_participation_is_hidden_rounds_its_group_figures_too(school):
    """Everyone enrolled checks in (participation top-coded), so the week's rows are rounded;
    a group figure of such a week is rounded as well, or its exact count (beside the
    rotations' rounded ones) would say how many checked in."""
    from conftest import make_cohort

    full = make_cohort(school, 2031)  # no quiet classmates here
    week = the_last_published_week(school)
    check_in(
        full, random.Random(6), {"surgery": 6, "obstetrics-gynaecology": 6, None: 12}, [week], "f"
    )
    publish_due(school, today=school.today())

    assert stored(full, "checkin", week)["cohort"]["bound"][0] == "above"
    group = stored(full, "group:mood", week)
    shown = [cell for cell in group.values() if "why" not in cell]
    assert shown, "the surgical rotations' figure in place of their hidden weeks"
    assert all("atl" in cell and "n" not in cell and cell["est"][3] is None for cell in shown)
