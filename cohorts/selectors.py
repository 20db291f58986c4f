"""Everything staff may see, already suppressed. Nothing here returns a raw rollup.

Groups are pre-declared: a cohort; within it, each rotation of the shared catalogue plus
"no rotation on record"; for a screening, its bands. Weeks come only from a fixed menu of
"the last N complete weeks", so no two requests can overlap in a way that isolates a student.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

from django.db.models import F

from lib.dates import week_of
from schools.models import MIN_CELL_SIZE, Cohort, Enrollment, Rotation, School
from schools.selectors import staff_memberships_of

from .measures import COUNT, MEAN, NO, PARTICIPATION, PROPORTION, YES, Measure, measure
from .models import RollupCell, Scope
from .statistics import mean_interval, wilson_interval
from .suppression import NOT_OVER, Cell, Hidden, Row, suppress

WEEK_CHOICES = (8, 26, 52)
DEFAULT_WEEKS = 8
UNPLACED_KEY = "unplaced"


@dataclass(frozen=True)
class Estimate:
    """A visible figure: a mean, a share (0..1) or a count, with its 95% interval."""

    value: float
    low: float
    high: float
    n: int


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


def k_for(school: School) -> int:
    """The smallest group this school may see: never below the platform floor."""
    return max(MIN_CELL_SIZE, school.min_cell_size)


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
    return (
        Cohort.objects.select_related("school")
        .filter(pk=cohort_id, school__staff__user=user)
        .first()
    )


def _rotation_groups() -> tuple[list[Rotation], tuple[Group, ...]]:
    rotations = list(Rotation.objects.order_by("position"))
    groups = tuple(Group(r.slug, r.name) for r in rotations)
    return rotations, (*groups, Group(UNPLACED_KEY, "No rotation on record"))


def _cell(entry: Measure, rollup) -> Cell:
    """One cell's figure from a row of `_rollups` (or None: nothing counted)."""
    if rollup is None or rollup.n_obs == 0:
        return Cell(n=0)
    n = rollup.n_students
    if entry.kind == MEAN:
        mean, low, high = mean_interval(
            n_obs=rollup.n_obs, total=rollup.total, total_sq=rollup.total_sq, n_students=n
        )
        low, high = max(entry.low, low), min(entry.high, high)
        return Cell(n=n, value=Estimate(mean, low, high, n))
    if entry.kind == PROPORTION:
        share = rollup.total / rollup.n_obs
        low, high = wilson_interval(share=share, n=n)
        return Cell(
            n=n,
            numerator=rollup.band_counts.get(YES, 0),
            complement=rollup.band_counts.get(NO, 0),
            value=Estimate(share, low, high, n),
        )
    return Cell(n=n, value=Estimate(n, n, n, n))


def _not_over_row(week: date, width: int) -> WeekRow:
    return WeekRow(week, tuple(Hidden(NOT_OVER) for _ in range(width)), Hidden(NOT_OVER))


class _Rollup(NamedTuple):
    scope: str
    rotation_id: int | None
    week: date
    n_students: int
    n_obs: int
    total: float
    total_sq: float
    band_counts: dict[str, int]


def _rollups(cohort: Cohort, measure_key: str, weeks: list[date]) -> list[_Rollup]:
    """One measure's figures in the cohort's cells of `weeks`, as named tuples. Only that
    measure's entry of each row's figures is read out, by the database (every dashboard table
    reads a year of a cohort's cells)."""
    if not weeks:
        return []
    wanted = set(weeks)
    rows = (
        RollupCell.objects.filter(
            cohort=cohort,
            source=measure(measure_key).source,
            week__range=(min(wanted), max(wanted)),
        )
        .annotate(counted=F(f"figures__{measure_key}"))
        .values_list("scope", "rotation_id", "week", "counted")
    )
    return [
        _Rollup(scope, rotation_id, week, *counted)
        for scope, rotation_id, week, counted in rows
        if counted is not None and week in wanted
    ]


def rotation_table(
    cohort: Cohort, *, measure_key: str, weeks: int, today: date | None = None
) -> GroupTable:
    """A measure for the cohort and each of its rotations, week by week, suppressed.

    The trend (whole cohort) and the rotation x week heat map are two views of this one
    table, so a total reads the same in both and is suppressed together with its parts.
    """
    entry = measure(measure_key)
    if entry.kind == COUNT:
        raise KeyError(measure_key)
    k = k_for(cohort.school)
    today = today or cohort.school.today()
    mondays = complete_weeks(cohort.school, count=weeks, today=today)
    rotations, groups = _rotation_groups()
    found = {(r.week, r.scope, r.rotation_id): r for r in _rollups(cohort, measure_key, mondays)}
    rows = [
        Row(
            (
                *(_cell(entry, found.get((m, Scope.ROTATION, r.pk))) for r in rotations),
                _cell(entry, found.get((m, Scope.UNPLACED, None))),
            ),
            _cell(entry, found.get((m, Scope.COHORT, None))),
        )
        for m in mondays
    ]
    table = suppress(rows, k=k)
    week_rows = [WeekRow(m, r.cells, r.total) for m, r in zip(mondays, table.rows, strict=True)]
    current = week_of(today)
    week_rows.append(_not_over_row(current, len(groups)))
    return GroupTable(cohort, entry, k, groups, tuple(week_rows), current)


def band_table(
    cohort: Cohort, *, measure_key: str, weeks: int, today: date | None = None
) -> GroupTable:
    """How the cohort's screening scores spread over the instrument's bands, week by week.

    Each band's cell counts the students with a score in it; its value is their share.
    """
    entry = measure(measure_key)
    if not entry.bands or entry.kind != MEAN:
        raise KeyError(measure_key)
    k = k_for(cohort.school)
    today = today or cohort.school.today()
    mondays = complete_weeks(cohort.school, count=weeks, today=today)
    found = {r.week: r for r in _rollups(cohort, measure_key, mondays) if r.scope == Scope.COHORT}
    rows = []
    for monday in mondays:
        whole = _cell(entry, found.get(monday))
        counts = found[monday].band_counts if monday in found else {}
        cells = []
        for label in entry.bands:
            count = counts.get(label, 0)
            share = count / whole.n if whole.n else 0.0
            low, high = wilson_interval(share=share, n=whole.n)
            cells.append(
                Cell(n=count, complement=whole.n - count, value=Estimate(share, low, high, count))
            )
        rows.append(Row(tuple(cells), whole))
    table = suppress(rows, k=k)
    week_rows = [WeekRow(m, r.cells, r.total) for m, r in zip(mondays, table.rows, strict=True)]
    current = week_of(today)
    week_rows.append(_not_over_row(current, len(entry.bands)))
    groups = tuple(Group(label, label) for label in entry.bands)
    return GroupTable(cohort, entry, k, groups, tuple(week_rows), current)


def participation_table(
    cohort: Cohort, *, weeks: int, today: date | None = None
) -> ParticipationTable:
    """Students who checked in at least once each week, out of those enrolled now.

    Only counts and rates; a rate also needs at least k students who did not check in, so
    "everyone checked in" (which says something about each of them) is never shown.
    """
    k = k_for(cohort.school)
    today = today or cohort.school.today()
    mondays = complete_weeks(cohort.school, count=weeks, today=today)
    enrolled = Enrollment.objects.filter(cohort=cohort).count()
    found = {r.week: r for r in _rollups(cohort, PARTICIPATION, mondays) if r.scope == Scope.COHORT}
    rows = []
    for monday in mondays:
        active = found[monday].n_students if monday in found else 0
        rate = active / enrolled if enrolled else 0.0
        low, high = wilson_interval(share=rate, n=enrolled)
        rows.append(
            Row(
                (),
                Cell(
                    n=enrolled,
                    numerator=active,
                    complement=enrolled - active,
                    value=Estimate(rate, low, high, active),
                ),
            )
        )
    table = suppress(rows, k=k)
    week_rows = [WeekRow(m, r.cells, r.total) for m, r in zip(mondays, table.rows, strict=True)]
    current = week_of(today)
    week_rows.append(_not_over_row(current, 0))
    return ParticipationTable(cohort, k, enrolled, tuple(week_rows), current)
