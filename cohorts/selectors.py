"""Everything staff may see, already suppressed. Nothing here returns a raw rollup.

Groups are pre-declared: a cohort; within it, each rotation of the shared catalogue plus
"no rotation on record"; for a screening, its bands. Weeks come only from a fixed menu of
"the last N complete weeks", so no two requests can overlap in a way that isolates a student.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from lib.dates import week_of
from schools.models import Cohort, Rotation, School
from schools.selectors import staff_memberships_of

from .coarsening import coarse_figures
from .measures import COUNT, MEAN, PARTICIPATION, Measure, measure
from .publishing import (
    COHORT_KEY,
    cell_from_json,
    counted_enrollments,
    k_for,
    publication_day,
    publish_due,
    published_tables,
    published_weeks,
)
from .statistics import Estimate
from .suppression import NOT_OVER, Cell, Hidden

__all__ = ["Estimate", "k_for"]

WEEK_CHOICES = (8, 26, 52)
DEFAULT_WEEKS = 8
UNPLACED_KEY = "unplaced"


@dataclass(frozen=True)
class Group:
    key: str
    label: str


@dataclass(frozen=True)
class WeekRow:
    week: date
    cells: tuple[Cell | Hidden, ...]
    total: Cell | Hidden

    @property
    def week_ends(self) -> date:
        return self.week + timedelta(days=6)


@dataclass(frozen=True)
class GroupTable:
    """Weeks down, pre-declared groups across, the whole cohort as each week's total."""

    cohort: Cohort
    measure: Measure
    k: int
    groups: tuple[Group, ...]
    rows: tuple[WeekRow, ...]
    current_week: date
    # Coarse figures shown in hidden rotation cells' places (cohorts/coarsening.py), by
    # (week, group key).
    coarse: dict = field(default_factory=dict)

    def coarse_for(self, week: date, key: str):
        return self.coarse.get((week, key))

    @property
    def has_figures(self) -> bool:
        return any(isinstance(r.total, Cell) for r in self.rows) or any(
            isinstance(c, Cell) for r in self.rows for c in r.cells
        )


@dataclass(frozen=True)
class ParticipationTable:
    cohort: Cohort
    k: int
    enrolled: int
    rows: tuple[WeekRow, ...]
    current_week: date


def complete_weeks(school: School, *, count: int, today: date | None = None) -> list[date]:
    """The Mondays of the last `count` weeks that are over in the school's timezone."""
    this_week = week_of(today or school.today())
    return [this_week - timedelta(weeks=i) for i in range(count, 0, -1)]


def cohorts_for_staff(user) -> list[Cohort]:
    schools = [m.school for m in staff_memberships_of(user)]
    return list(Cohort.objects.filter(school__in=schools).select_related("school"))


def cohort_for_staff(user, cohort_id: int) -> Cohort | None:
    """The cohort, if `user` is staff of its school; None for anything else."""
    if not user.is_authenticated:
        return None
    # get(), not first(): one pk and one membership per user and school match one row at most,
    # and first()'s ORDER BY costs every staff API request about 0.2 ms of query building.
    try:
        return Cohort.objects.select_related("school").get(pk=cohort_id, school__staff__user=user)
    except Cohort.DoesNotExist:
        return None


def _rotation_groups(school: School) -> tuple[list[Rotation], tuple[Group, ...]]:
    rotations = list(Rotation.catalogue_of(school))
    groups = tuple(Group(r.slug, r.name) for r in rotations)
    return rotations, (*groups, Group(UNPLACED_KEY, "No rotation on record"))


def _not_over_row(week: date, width: int) -> WeekRow:
    return WeekRow(week, tuple(Hidden(NOT_OVER) for _ in range(width)), Hidden(NOT_OVER))


def _pending_row(week: date, width: int) -> WeekRow:
    reason = f"published on {publication_day(week):%a %-d %b}"
    return WeekRow(week, tuple(Hidden(reason) for _ in range(width)), Hidden(reason))


def _published_rows(
    cohort: Cohort, table: str, keys: Sequence[str], *, weeks: int, today: date | None
) -> tuple[list[WeekRow], date]:
    """The stored rows of one published table, one per complete week (a week not yet
    published says when it will be), then the current week, not over."""
    school = cohort.school
    today = today or school.today()
    publish_due(school, today=today)
    mondays = complete_weeks(school, count=weeks, today=today)
    k = k_for(school)
    released = published_weeks(school, mondays)
    stored = published_tables(cohort, table, mondays)
    rows = []
    for monday in mondays:
        if monday not in released:
            rows.append(_pending_row(monday, len(keys)))
            continue
        cells = stored.get(monday, {})
        rows.append(
            WeekRow(
                monday,
                tuple(cell_from_json(cells.get(key), k=k) for key in keys),
                cell_from_json(cells.get(COHORT_KEY), k=k),
            )
        )
    current = week_of(today)
    rows.append(_not_over_row(current, len(keys)))
    return rows, current


def rotation_table(
    cohort: Cohort, *, measure_key: str, weeks: int, today: date | None = None
) -> GroupTable:
    """A measure for the cohort and each of its rotations, week by week, as published.

    The trend (whole cohort) and the rotation x week heat map are two views of this one
    table, so a total reads the same in both and was suppressed together with its parts.
    """
    entry = measure(measure_key)
    if entry.kind == COUNT:
        raise KeyError(measure_key)
    _rotations, groups = _rotation_groups(cohort.school)
    rows, current = _published_rows(
        cohort, entry.key, [g.key for g in groups], weeks=weeks, today=today
    )
    coarse = coarse_figures(
        cohort,
        entry.key,
        [(r.week, {g.key: c for g, c in zip(groups, r.cells, strict=True)}) for r in rows[:-1]],
    )
    return GroupTable(cohort, entry, k_for(cohort.school), groups, tuple(rows), current, coarse)


def band_table(
    cohort: Cohort, *, measure_key: str, weeks: int, today: date | None = None
) -> GroupTable:
    """How the cohort's screening scores spread over the instrument's bands, week by week.

    Each band's cell counts the students with a score in it; its value is their share.
    """
    entry = measure(measure_key)
    if not entry.bands or entry.kind != MEAN:
        raise KeyError(measure_key)
    rows, current = _published_rows(
        cohort, f"bands:{entry.key}", list(entry.bands), weeks=weeks, today=today
    )
    groups = tuple(Group(label, label) for label in entry.bands)
    return GroupTable(cohort, entry, k_for(cohort.school), groups, tuple(rows), current)


def participation_table(
    cohort: Cohort, *, weeks: int, today: date | None = None
) -> ParticipationTable:
    """Students who checked in at least once each week, out of the students counted as
    enrolled when the week was published (frozen then).

    A rate also needs at least k students who did not check in, so "everyone checked in"
    (which says something about each of them) is never shown.
    """
    rows, current = _published_rows(cohort, PARTICIPATION, [], weeks=weeks, today=today)
    enrolled = counted_enrollments(cohort.school).filter(cohort=cohort).count()
    return ParticipationTable(cohort, k_for(cohort.school), enrolled, tuple(rows), current)
