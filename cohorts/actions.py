"""From action to result: what a school did, marked on its figures, and shown to students.

Staff record an action (what, from when, for which cohorts and rotations). Wellness leads,
deans and school administrators record, edit and publish actions; educators read them (the
dashboard marks, the before/after comparison) but change nothing, like every other staff
write that speaks for the school.

Everything numeric here is read from published week tables, and only from their visible
cells: an attached figure is a reference to one visible cell, and the before/after
comparison is arithmetic on visible cells only. So nothing here can show a number the
dashboard does not already show (docs/privacy-model.md, "Actions").
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from lib.dates import week_of
from schools.models import Cohort, Rotation, School, StaffRole
from schools.selectors import staff_memberships_of

from .action_effect import PeriodComparison, compare_periods
from .measures import CHARTED_MEASURES, COUNT, Measure, measure
from .models import ActionFigure, Campaign, PublishedTable, Release, SchoolAction
from .presentation import coarse_value, students
from .publishing import COHORT_KEY, cell_from_json, k_for, publish_due
from .selectors import complete_weeks
from .signals import announce_change
from .statistics import Estimate
from .suppression import Cell

WRITER_ROLES = {StaffRole.WELLNESS_LEAD, StaffRole.DEAN, StaffRole.SCHOOL_ADMIN}
CHANGED = "school_action_changed"
MAX_TITLE_CHARS = 120
MAX_DESCRIPTION_CHARS = 1000
# The weeks offered to attach a figure from, and compared on each side of an action.
ATTACH_WEEKS = 13
PERIOD_CHOICES = (4, 8, 13)
DEFAULT_PERIOD = 8
# Measures a figure can be attached from or compared on: the charted ones with a mean or share.
ACTION_MEASURES: tuple[Measure, ...] = tuple(m for m in CHARTED_MEASURES if m.kind != COUNT)


# ---------------------------------------------------------------------------------------------
# Policies


def can_write_actions(user, school: School) -> bool:
    return any(
        m.school_id == school.pk and m.role in WRITER_ROLES for m in staff_memberships_of(user)
    )


def check_can_write_actions(user, school: School) -> None:
    if not can_write_actions(user, school):
        raise PermissionDenied(
            "Only a wellness lead, dean or school administrator can record or change actions."
        )


def writable_schools(user) -> list[School]:
    return [m.school for m in staff_memberships_of(user) if m.role in WRITER_ROLES]


# ---------------------------------------------------------------------------------------------
# Selectors


def actions_for_staff(user):
    schools = [m.school_id for m in staff_memberships_of(user)]
    return (
        SchoolAction.objects.filter(school_id__in=schools)
        .select_related("school")
        .prefetch_related("cohorts", "rotations")
    )


def action_for_staff(user, action_id) -> SchoolAction | None:
    """The action, if `user` is staff of its school; None for anything else."""
    try:
        action_id = int(action_id)
    except (TypeError, ValueError):
        return None
    return actions_for_staff(user).filter(pk=action_id).first()


def actions_on_dashboard(cohort: Cohort) -> list[SchoolAction]:
    """Every action concerning the cohort, published to students or not (staff see both)."""
    return list(SchoolAction.objects.filter(cohorts=cohort).order_by("starts_on", "pk"))


def published_actions_for(enrollment) -> list[SchoolAction]:
    """What a student's school published for the student's cohort, newest first."""
    return list(
        SchoolAction.objects.filter(
            school_id=enrollment.school_id,
            cohorts=enrollment.cohort_id,
            published_at__isnull=False,
        )
        .prefetch_related("rotations", "figures__table__cohort")
        .order_by("-starts_on", "-pk")
    )


def group_label(key: str, rotations: dict[str, str]) -> str:
    if key == COHORT_KEY:
        return "whole cohort"
    if key == "unplaced":
        return "students with no rotation on record"
    return rotations.get(key, key)


@dataclass(frozen=True)
class FigureShown:
    """A published figure as students and staff read it: what, who, when, and its value."""

    ref: str  # "<table id>:<cell>"
    measure: Measure
    cohort: Cohort
    group: str
    week: date
    estimate: Estimate

    @property
    def value(self) -> str:
        if self.estimate.step is not None:
            return coarse_value(self.estimate, share=self.measure.kind == "proportion")
        if self.measure.kind == "proportion":
            return f"{self.estimate.value:.0%}"
        return f"{self.estimate.value:.2f}"

    @property
    def students(self) -> str:
        return students(self.estimate).removeprefix("n=")

    @property
    def interval(self) -> str:
        if self.estimate.step is not None and self.measure.kind == "proportion":
            return "rounded"
        if self.estimate.step is not None:
            return f"{self.estimate.low:.1f}–{self.estimate.high:.1f}, rounded"
        if self.measure.kind == "proportion":
            return f"{self.estimate.low:.0%}–{self.estimate.high:.0%}"
        return f"{self.estimate.low:.2f}–{self.estimate.high:.2f}"

    @property
    def scale(self) -> str:
        if self.measure.kind == "proportion":
            return "share of students"
        better = f", {self.measure.better} is better" if self.measure.better else ""
        return f"scored {self.measure.low:g}–{self.measure.high:g}{better}"

    def __str__(self) -> str:
        return (
            f"{self.measure.label} ({self.scale}), {self.cohort} · {self.group}, week of "
            f"{self.week:%-d %b %Y}: {self.value} (95% CI {self.interval}; "
            f"{self.students})"
        )


def _rotation_names() -> dict[str, str]:
    return dict(Rotation.objects.values_list("slug", "name"))


def _visible(table: PublishedTable, key: str, rotations: dict[str, str]) -> FigureShown | None:
    """The cell as a figure, if it is one a staff page shows; None for anything else."""
    if key == "enrolled" or not isinstance(table.cells.get(key), dict):
        return None
    try:
        entry = measure(table.table)
    except KeyError:
        return None
    if entry.kind == COUNT:
        return None
    cell = cell_from_json(table.cells[key], k=k_for_table(table))
    if not isinstance(cell, Cell) or not isinstance(cell.value, Estimate):
        return None
    return FigureShown(
        f"{table.pk}:{key}",
        entry,
        table.cohort,
        group_label(key, rotations),
        table.week,
        cell.value,
    )


def k_for_table(table: PublishedTable) -> int:
    return k_for(table.cohort.school)


def attachable_figures(
    action: SchoolAction, *, measure_key: str, today: date | None = None
) -> list[FigureShown]:
    """The visible published cells of one measure for the action's cohorts, over the last
    weeks: the only figures a form may offer, and the only ones `attach_figure` accepts."""
    entry = measure(measure_key)
    if entry not in ACTION_MEASURES:
        raise KeyError(measure_key)
    school = action.school
    today = today or school.today()
    publish_due(school, today=today)
    mondays = complete_weeks(school, count=ATTACH_WEEKS, today=today)
    tables = (
        PublishedTable.objects.filter(
            release__school=school,
            release__kind=Release.Kind.WEEK,
            cohort__in=action.cohorts.all(),
            table=entry.key,
            week__gte=mondays[0],
        )
        .select_related("cohort__school")
        .order_by("-week", "cohort_id")
    )
    found = []
    rotations = _rotation_names()
    for table in tables:
        for key in table.cells:
            figure = _visible(table, key, rotations)
            if figure is not None:
                found.append(figure)
    return found


def figures_of(action: SchoolAction) -> list[tuple[ActionFigure, FigureShown]]:
    """The attached figures, read from their published cells (still visible, by design)."""
    shown = []
    rotations = _rotation_names()
    for figure in action.figures.select_related("table__cohort__school").order_by("pk"):
        seen = _visible(figure.table, figure.cell, rotations)
        if seen is not None:
            shown.append((figure, seen))
    return shown


# ---------------------------------------------------------------------------------------------
# Services


def _validated(
    *,
    by,
    school: School,
    title: str,
    description: str,
    starts_on: date | None,
    cohorts: list[Cohort],
    rotations: list[Rotation],
) -> tuple[str, str]:
    check_can_write_actions(by, school)
    errors: dict[str, str] = {}
    title = (title or "").strip()
    description = (description or "").strip()
    if not title:
        errors["title"] = "Say in a few words what the school did."
    elif len(title) > MAX_TITLE_CHARS:
        errors["title"] = f"Keep the title under {MAX_TITLE_CHARS} characters."
    if len(description) > MAX_DESCRIPTION_CHARS:
        errors["description"] = f"Keep the description under {MAX_DESCRIPTION_CHARS} characters."
    if starts_on is None:
        errors["starts_on"] = "Give the date the action started (or starts)."
    if not cohorts:
        errors["cohorts"] = "Choose at least one cohort the action concerns."
    elif any(c.school_id != school.pk for c in cohorts):
        errors["cohorts"] = "Choose cohorts of your school."
    if errors:
        raise ValidationError(errors)
    return title, description


@transaction.atomic
def record_action(
    *,
    by,
    school: School,
    title: str,
    starts_on: date | None,
    cohorts: list[Cohort],
    rotations: list[Rotation] = (),
    description: str = "",
) -> SchoolAction:
    """Store a new action (not yet shown to students) and audit it."""
    title, description = _validated(
        by=by, school=school, title=title, description=description, starts_on=starts_on,
        cohorts=cohorts, rotations=list(rotations),
    )  # fmt: skip
    action = SchoolAction.objects.create(
        school=school, title=title, description=description, starts_on=starts_on, created_by=by
    )
    action.cohorts.set(cohorts)
    action.rotations.set(rotations)
    announce_change(kind=CHANGED, actor_id=by.pk, school_id=school.pk)
    return action


@transaction.atomic
def update_action(
    *,
    by,
    action: SchoolAction,
    title: str,
    starts_on: date | None,
    cohorts: list[Cohort],
    rotations: list[Rotation] = (),
    description: str = "",
) -> SchoolAction:
    """Change what an action says. Figures attached from a cohort it no longer concerns go."""
    title, description = _validated(
        by=by, school=action.school, title=title, description=description, starts_on=starts_on,
        cohorts=cohorts, rotations=list(rotations),
    )  # fmt: skip
    action.title, action.description, action.starts_on = title, description, starts_on
    action.save(update_fields=["title", "description", "starts_on", "updated_at"])
    action.cohorts.set(cohorts)
    action.rotations.set(rotations)
    action.figures.exclude(table__cohort__in=cohorts).delete()
    announce_change(kind=CHANGED, actor_id=by.pk, school_id=action.school_id)
    return action


@transaction.atomic
def set_published(*, by, action: SchoolAction, published: bool) -> SchoolAction:
    """Show the action to its cohorts' students ("You said, we did"), or take it back."""
    check_can_write_actions(by, action.school)
    action.published_at = timezone.now() if published else None
    action.save(update_fields=["published_at", "updated_at"])
    announce_change(kind=CHANGED, actor_id=by.pk, school_id=action.school_id)
    return action


@transaction.atomic
def attach_figure(*, by, action: SchoolAction, ref: str) -> ActionFigure:
    """Attach one published, visible figure of the action's cohorts, named "<table>:<cell>".

    Anything else (a hidden cell, a table of another school or cohort, a campaign's or a
    report's table, a participation count, a made-up reference) is refused: students may
    only ever read what staff could already read on the dashboard."""
    check_can_write_actions(by, action.school)
    refused = ValidationError({"figure": "Choose one of the published figures on the list."})
    table_id, _sep, key = (ref or "").partition(":")
    if not table_id.isdigit() or not key:
        raise refused
    table = (
        PublishedTable.objects.select_related("cohort__school")
        .filter(
            pk=int(table_id),
            release__school=action.school,
            release__kind=Release.Kind.WEEK,
            cohort__in=action.cohorts.all(),
            table__in=[m.key for m in ACTION_MEASURES],
        )
        .first()
    )
    if table is None or _visible(table, key, _rotation_names()) is None:
        raise refused
    figure, _created = ActionFigure.objects.get_or_create(action=action, table=table, cell=key)
    announce_change(kind=CHANGED, actor_id=by.pk, school_id=action.school_id)
    return figure


@transaction.atomic
def remove_figure(*, by, action: SchoolAction, figure_id: int) -> None:
    check_can_write_actions(by, action.school)
    action.figures.filter(pk=figure_id).delete()
    announce_change(kind=CHANGED, actor_id=by.pk, school_id=action.school_id)


# ---------------------------------------------------------------------------------------------
# Before and after


def first_week_after(action: SchoolAction) -> date:
    """The first week wholly after the action started: its own week if it started on the
    Monday, else the next one (a week it cut in two belongs to neither side)."""
    week = week_of(action.starts_on)
    return week if week == action.starts_on else week + timedelta(weeks=1)


@dataclass(frozen=True)
class ActionReport:
    action: SchoolAction
    cohort: Cohort
    group: str  # a cell key: "cohort" or a rotation's slug
    group_label: str
    measure: Measure
    weeks: int
    before: tuple[tuple[date, Cell | None], ...]  # None: not published (yet) or not shown
    after: tuple[tuple[date, Cell | None], ...]
    comparison: PeriodComparison | None
    k: int

    @property
    def share(self) -> bool:
        return self.measure.kind == "proportion"

    @property
    def caveats(self) -> list[str]:
        return action_caveats(self)


def action_report(
    action: SchoolAction,
    *,
    cohort: Cohort,
    group: str,
    measure_key: str,
    weeks: int,
    today: date | None = None,
) -> ActionReport:
    """The published weeks before the action against those after it, for one group."""
    entry = measure(measure_key)
    school = action.school
    today = today or school.today()
    publish_due(school, today=today)
    k = k_for(school)
    after_start = first_week_after(action)
    before_mondays = [week_of(action.starts_on) - timedelta(weeks=i) for i in range(weeks, 0, -1)]
    after_mondays = [after_start + timedelta(weeks=i) for i in range(weeks)]
    stored = dict(
        PublishedTable.objects.filter(
            release__school=school,
            release__kind=Release.Kind.WEEK,
            cohort=cohort,
            table=entry.key,
            week__in=before_mondays + after_mondays,
        ).values_list("week", "cells")
    )

    def side(mondays: list[date]) -> tuple[tuple[date, Cell | None], ...]:
        out = []
        for monday in mondays:
            cells = stored.get(monday)
            cell = cell_from_json(cells.get(group), k=k) if cells is not None else None
            visible = isinstance(cell, Cell) and isinstance(cell.value, Estimate)
            out.append((monday, cell if visible else None))
        return tuple(out)

    before, after = side(before_mondays), side(after_mondays)
    comparison = compare_periods(
        [c.value for _w, c in before if c is not None],
        [c.value for _w, c in after if c is not None],
        share=entry.kind == "proportion",
    )
    rotations = _rotation_names()
    return ActionReport(
        action, cohort, group, group_label(group, rotations), entry, weeks, before, after,
        comparison, k,
    )  # fmt: skip


def action_caveats(report: ActionReport) -> list[str]:
    """What a reader must keep in mind, in plain words."""
    return [
        "No comparison group: every student in the group went through the change, so nothing "
        "shows what their figures would have been without it. This compares the same group "
        "before and after; it cannot show that the action caused the difference.",
        "Other things changed too: the time of year, exams, rotations, who was in the group "
        "and who chose to check in all move these figures, with or without any action.",
        "Only published weeks are used, and only the weeks whose figure is shown: a week "
        f"hidden to protect groups of fewer than {report.k} students is left out, never "
        "estimated. The week the action started in belongs to neither side unless it started "
        "on a Monday.",
        "Each week's figure counts once, and the interval treats the weeks as independent. "
        "Consecutive weeks of the same students are alike, so the real uncertainty is larger "
        "than the interval shown.",
        "The effect size is the difference divided by the spread of students' values within "
        "a week (recovered from each week's published interval), so it reads like Cohen's d "
        "between groups; its interval treats that spread as known and is approximate.",
    ]


def surveys_around(action: SchoolAction) -> list[tuple[Campaign, Campaign]]:
    """Pairs of closed surveys of the same screening and group, one closing before the action
    started and the next opening after it: their before/after report (`reports`, through the
    release and the differencing guard) pairs each student's two answers."""
    today = action.school.today()
    found = Campaign.objects.filter(
        school=action.school, cohort__in=action.cohorts.all(), closes_on__lt=today
    ).order_by("opens_on", "pk")
    before, after = defaultdict(list), defaultdict(list)
    for campaign in found:
        group = (campaign.cohort_id, campaign.rotation_id, campaign.instrument)
        if campaign.closes_on < action.starts_on:
            before[group].append(campaign)
        elif campaign.opens_on >= action.starts_on:
            after[group].append(campaign)
    return [(before[g][-1], after[g][0]) for g in before if g in after]
