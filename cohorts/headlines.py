"""Headlines for the staff landing page: this term against last term, from published figures.

Everything here is arithmetic on figures already published (`PublishedTable`): the cohort's
weekly figures as staff can read them on the dashboard, never a rollup. Nothing new about any
group of students is computed, so no new release, and nothing the release rules did not
already allow can be learnt from a headline.

A **term** is simply the last `TERM_WEEKS` (12) complete weeks; **last term** the 12 before.
A term's figure is the average of its published weekly figures, each week weighing once, with a
95% t interval over those weeks; the difference between terms has a Welch t interval. The
interval therefore says how far the term's level is pinned down by the weeks that were
published, including week-to-week variation (a week's own sampling error is part of that
variation). Fewer than `MIN_WEEKS` published weeks in either term: no comparison is shown.

A rotation (or "no rotation on record") *stands out* when, over the weeks of this term where
both it and the whole cohort were published, the mean of its weekly differences from the cohort
has a 95% interval that excludes zero. A week stands out when its own 95% interval excludes the
average of the term's other weeks. At most two are shown per cohort, the clearest first.
"""

import math
import statistics
import tomllib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

from schools.models import Cohort, Rotation, School

from .measures import CHARTED_MEASURES, PARTICIPATION, PROPORTION, Measure, measure
from .models import PublishedTable, Release
from .presentation import bound_text
from .publishing import COHORT_KEY, UNPLACED_KEY, k_for, publish_due
from .selectors import complete_weeks
from .statistics import t_quantile
from .suppression import ABOVE, BELOW

TERM_WEEKS = 12
MIN_WEEKS = 4
STANDOUTS = 2
REFERENCE_FILE = Path(__file__).resolve().parent / "data" / "reference_figures.toml"


@dataclass(frozen=True)
class Interval:
    value: float
    low: float
    high: float

    @property
    def excludes_zero(self) -> bool:
        return self.low > 0 or self.high < 0


@dataclass(frozen=True)
class TermFigure:
    """The average of a term's published weekly figures, with its interval over weeks."""

    estimate: Interval
    weeks: int
    fewest: int  # the fewest students behind one of its weekly figures
    most: int


@dataclass(frozen=True)
class Comparison:
    measure: Measure
    this: TermFigure | None
    last: TermFigure | None
    difference: Interval | None
    words: str

    @property
    def share(self) -> bool:
        return self.measure.kind == PROPORTION


@dataclass(frozen=True)
class Standout:
    words: str
    strength: float


@dataclass(frozen=True)
class Participation:
    words: str
    weeks: int


@dataclass(frozen=True)
class ReferenceFigure:
    key: str
    label: str
    value: float
    citation: str
    note: str
    low: float | None = None
    high: float | None = None
    measure: str | None = None
    bands: tuple[str, ...] = ()
    threshold: str = ""


@dataclass(frozen=True)
class ReferenceLine:
    """One of our figures beside a published one, where the instrument matches."""

    reference: ReferenceFigure
    ours: TermFigure | None
    words: str


@dataclass(frozen=True)
class CohortHeadlines:
    cohort: Cohort
    k: int
    this_term: tuple[date, date]
    last_term: tuple[date, date]
    comparisons: tuple[Comparison, ...]
    without_figures: tuple[Measure, ...]
    participation_this: Participation
    participation_last: Participation
    standouts: tuple[Standout, ...]
    references: tuple[ReferenceLine, ...] = field(default_factory=tuple)

    @property
    def has_figures(self) -> bool:
        return any(c.this is not None for c in self.comparisons)


# ---------------------------------------------------------------------------------------------
# Arithmetic on published figures (no ORM)


def term_figure(estimates: Sequence[tuple[float, int]]) -> TermFigure | None:
    """(value, students) of each published week -> the term's average with a t interval."""
    if len(estimates) < MIN_WEEKS:
        return None
    values = [value for value, _n in estimates]
    mean = math.fsum(values) / len(values)
    half = t_quantile(len(values) - 1) * statistics.stdev(values) / math.sqrt(len(values))
    students = [n for _value, n in estimates]
    return TermFigure(
        Interval(mean, mean - half, mean + half), len(values), min(students), max(students)
    )


def welch_difference(this: Sequence[float], last: Sequence[float]) -> Interval | None:
    """this - last, with Welch's 95% t interval; None with fewer than MIN_WEEKS on a side."""
    if len(this) < MIN_WEEKS or len(last) < MIN_WEEKS:
        return None
    a, b = statistics.variance(this) / len(this), statistics.variance(last) / len(last)
    difference = statistics.fmean(this) - statistics.fmean(last)
    if a + b == 0:
        return Interval(difference, difference, difference)
    df = (a + b) ** 2 / (a * a / (len(this) - 1) + b * b / (len(last) - 1))
    half = t_quantile(df) * math.sqrt(a + b)
    return Interval(difference, difference - half, difference + half)


def paired_difference(pairs: Sequence[tuple[float, float]]) -> Interval | None:
    """Mean of (group - cohort) over weeks, with its 95% t interval over those weeks."""
    if len(pairs) < MIN_WEEKS:
        return None
    differences = [group - whole for group, whole in pairs]
    mean = statistics.fmean(differences)
    half = t_quantile(len(differences) - 1) * statistics.stdev(differences)
    half /= math.sqrt(len(differences))
    return Interval(mean, mean - half, mean + half)


def number(value: float, entry: Measure | None, *, share: bool | None = None) -> str:
    share = entry.kind == PROPORTION if share is None else share
    return f"{value:.0%}" if share else f"{value:.2f}"


def comparison_words(entry: Measure, difference: Interval | None) -> str:
    if difference is None:
        return ""
    if not difference.excludes_zero:
        return "No clear difference from last term: the interval includes no change."
    higher = difference.value > 0
    direction = "higher" if higher else "lower"
    if entry.better is None:
        judgement = ""
    else:
        better = higher == (entry.better == "higher")
        judgement = " (better)" if better else " (worse)"
    subject = f"The share who {entry.label.lower()}" if entry.kind == PROPORTION else entry.label
    return (
        f"{subject} is {direction} than last term{judgement}; the difference is larger than "
        "chance would explain."
    )


def weeks_text(count: int) -> str:
    return f"{count} week" if count == 1 else f"{count} weeks"


def participation_words(cells: Sequence[dict | None], *, k: int) -> Participation:
    """A term's participation from its published weekly cells: exact rates where shown,
    else their top- and bottom-codes; an average only from figures that were published."""
    exact, above, below, hidden = [], [], 0, 0
    for cell in cells:
        if cell is None:
            continue
        if "est" in cell:
            exact.append(cell["est"][0])
        elif cell.get("bound") and cell["bound"][0] == ABOVE:
            above.append(cell["bound"][1] / 100)
        elif cell.get("bound") and cell["bound"][0] == BELOW:
            below += 1
        else:
            hidden += 1
    weeks = len(exact) + len(above) + below + hidden
    if not weeks:
        return Participation("No published week in this term.", 0)
    parts = []
    if exact and not (above or below or hidden):
        parts.append(
            f"{statistics.fmean(exact):.0%} on average "
            f"(weekly {min(exact):.0%}–{max(exact):.0%}, {weeks_text(len(exact))})"
        )
    elif (exact or above) and not (below or hidden):
        # Each top-coded week is above its bound, so the average is above the average of the
        # exact rates and bounds: derived from published figures only.
        floor = math.floor(100 * statistics.fmean(exact + above))
        parts.append(f"more than {floor}% on average over {weeks_text(len(exact) + len(above))}")
        if above:
            parts.append(f"{len(above)} of them top-coded (fewer than {k} did not check in)")
    else:
        if exact:
            parts.append(
                f"{weeks_text(len(exact))} shown exactly ({min(exact):.0%}–{max(exact):.0%})"
            )
        if above:
            parts.append(f"{weeks_text(len(above))} more than {min(above):.0%}")
        if below:
            parts.append(f"{weeks_text(below)}: {bound_text((BELOW, k))} checked in")
        if hidden:
            parts.append(f"{weeks_text(hidden)} not available")
    return Participation("; ".join(parts).capitalize() + ".", weeks)


# ---------------------------------------------------------------------------------------------
# Reference figures


@cache
def reference_figures() -> tuple[ReferenceFigure, ...]:
    with REFERENCE_FILE.open("rb") as handle:
        data = tomllib.load(handle)
    figures = []
    for item in data["figures"]:
        item = dict(item)
        item["bands"] = tuple(item.get("bands", ()))
        figures.append(ReferenceFigure(**item))
    for figure in figures:
        if figure.measure is not None:
            entry = measure(figure.measure)  # KeyError: a reference to an unknown measure
            unknown = set(figure.bands) - set(entry.bands)
            if unknown:
                raise ValueError(f"{figure.key}: no such band {sorted(unknown)}")
    return tuple(figures)


def share_in_bands(cells: dict, reference: ReferenceFigure, entry: Measure) -> float | None:
    """The share of a week's screened students in the reference's bands, from the published
    band cells: the sum of those bands, or one minus the others, whichever was all shown."""
    inside = [cells.get(label) or {} for label in reference.bands]
    outside = [cells.get(label) or {} for label in entry.bands if label not in reference.bands]
    if any("atl" in cell for cell in (*inside, *outside)):
        return None  # a week of rounded shares (participation hidden): no exact share to set
    if all("est" in cell for cell in inside):
        return sum(cell["est"][0] for cell in inside)
    if all("est" in cell for cell in outside):
        return 1 - sum(cell["est"][0] for cell in outside)
    return None


def reference_words(reference: ReferenceFigure, ours: TermFigure | None) -> str:
    if ours is None:
        return f"Not enough published weeks (fewer than {MIN_WEEKS}) to set this cohort beside it."
    low, high = 100 * ours.estimate.low, 100 * ours.estimate.high
    ref_low = reference.low if reference.low is not None else reference.value
    ref_high = reference.high if reference.high is not None else reference.value
    if low > ref_high:
        return "Higher than the published figure: the intervals do not overlap."
    if high < ref_low:
        return "Lower than the published figure: the intervals do not overlap."
    return "No clear difference from the published figure."


# ---------------------------------------------------------------------------------------------
# Reading published tables


def _tables(cohorts: Sequence[Cohort], first: date, last: date, school: School) -> dict:
    """{(cohort_id, table): {week: cells}} of published week tables in [first, last]."""
    names = [entry.key for entry in CHARTED_MEASURES] + [PARTICIPATION]
    names += [f"bands:{figure.measure}" for figure in reference_figures() if figure.measure]
    rows = PublishedTable.objects.filter(
        release__school=school,
        release__kind=Release.Kind.WEEK,
        cohort__in=cohorts,
        table__in=names,
        week__gte=first,
        week__lte=last,
    ).values_list("cohort_id", "table", "week", "cells")
    found: dict = defaultdict(dict)
    for cohort_id, table, week, cells in rows:
        found[(cohort_id, table)][week] = cells
    return found


def _estimate(cells: dict | None, key: str = COHORT_KEY) -> tuple[float, int] | None:
    cell = (cells or {}).get(key) or {}
    if "est" not in cell:
        return None
    value, _low, _high, n = cell["est"]
    return value, n if n is not None else cell["atl"]


def _standouts(entry, weekly: dict, this_weeks, labels: dict) -> list[Standout]:
    """Rotations and weeks of this term that stand out on one measure (see the module)."""
    found = []
    for key, label in labels.items():
        pairs = []
        for week in this_weeks:
            group, whole = _estimate(weekly.get(week), key), _estimate(weekly.get(week))
            if group and whole:
                pairs.append((group[0], whole[0]))
        difference = paired_difference(pairs)
        if difference is None or not difference.excludes_zero:
            continue
        higher = difference.value > 0
        direction = "higher" if higher else "lower"
        spread = (difference.high - difference.low) / 2 or 1e-9
        low, high = (
            (difference.low, difference.high) if higher else (-difference.high, -difference.low)
        )
        found.append(
            Standout(
                f"{entry.label} on {label}: {direction} than the whole cohort by "
                f"{number(abs(difference.value), entry)} (95% CI "
                f"{number(low, entry)} to {number(high, entry)}), over "
                f"the {len(pairs)} weeks of this term with a published figure for both.",
                abs(difference.value) / spread,
            )
        )
    for week in this_weeks:
        cell = (weekly.get(week) or {}).get(COHORT_KEY) or {}
        others = [e[0] for w in this_weeks if w != week and (e := _estimate(weekly.get(w)))]
        if "est" not in cell or len(others) < MIN_WEEKS:
            continue
        value, low, high, n = cell["est"]
        behind = f"n={n}" if n is not None else f"at least {cell['atl']}"
        typical = statistics.fmean(others)
        if low <= typical <= high:
            continue
        direction = "higher" if value > typical else "lower"
        spread = (high - low) / 2 or 1e-9
        found.append(
            Standout(
                f"{entry.label} in the week of {week:%-d %b}: {number(value, entry)} (95% CI "
                f"{number(low, entry)}–{number(high, entry)}, {behind} students), {direction} "
                f"than the other weeks of this term ({number(typical, entry)} on average).",
                abs(value - typical) / spread,
            )
        )
    return found


def cohort_headlines(cohorts: Sequence[Cohort], *, today: date | None = None) -> list:
    """Headlines for each cohort (all of one school or several), from published weeks only."""
    by_school: dict[int, list[Cohort]] = defaultdict(list)
    for cohort in cohorts:
        by_school[cohort.school_id].append(cohort)
    rotations = list(Rotation.objects.order_by("position").values_list("slug", "name"))
    labels = dict(rotations) | {UNPLACED_KEY: "no rotation on record"}
    out = []
    for group in by_school.values():
        school = group[0].school
        day = today or school.today()
        publish_due(school, today=day)
        k = k_for(school)
        mondays = complete_weeks(school, count=2 * TERM_WEEKS, today=day)
        last_weeks, this_weeks = mondays[:TERM_WEEKS], mondays[TERM_WEEKS:]
        tables = _tables(group, mondays[0], mondays[-1], school)
        for cohort in group:
            out.append(_one_cohort(cohort, tables, this_weeks, last_weeks, labels=labels, k=k))
    return out


def _one_cohort(cohort, tables, this_weeks, last_weeks, *, labels, k) -> CohortHeadlines:
    comparisons, without, standouts = [], [], []
    for entry in CHARTED_MEASURES:
        weekly = tables.get((cohort.pk, entry.key), {})
        this = [e for w in this_weeks if (e := _estimate(weekly.get(w)))]
        last = [e for w in last_weeks if (e := _estimate(weekly.get(w)))]
        if not this and not last:
            without.append(entry)
            continue
        difference = welch_difference([v for v, _n in this], [v for v, _n in last])
        comparisons.append(
            Comparison(
                entry,
                term_figure(this),
                term_figure(last),
                difference,
                comparison_words(entry, difference),
            )
        )
        standouts += _standouts(entry, weekly, this_weeks, labels)
    standouts.sort(key=lambda s: -s.strength)
    participation = tables.get((cohort.pk, PARTICIPATION), {})
    references = []
    for reference in reference_figures():
        if reference.measure is None:
            continue
        entry = measure(reference.measure)
        weekly = tables.get((cohort.pk, f"bands:{reference.measure}"), {})
        shares = []
        for week in this_weeks:
            cells = weekly.get(week)
            share = share_in_bands(cells, reference, entry) if cells else None
            if share is not None:
                shares.append((share, (cells.get(COHORT_KEY) or {}).get("n", 0)))
        ours = term_figure(shares)
        references.append(ReferenceLine(reference, ours, reference_words(reference, ours)))
    return CohortHeadlines(
        cohort=cohort,
        k=k,
        this_term=(this_weeks[0], this_weeks[-1]),
        last_term=(last_weeks[0], last_weeks[-1]),
        comparisons=tuple(comparisons),
        without_figures=tuple(without),
        participation_this=participation_words(_rates(participation, this_weeks), k=k),
        participation_last=participation_words(_rates(participation, last_weeks), k=k),
        standouts=tuple(standouts[:STANDOUTS]),
        references=tuple(references),
    )


def _rates(participation: dict, weeks) -> list[dict | None]:
    return [(participation[w] or {}).get(COHORT_KEY) for w in weeks if w in participation]


def context_figures() -> tuple[ReferenceFigure, ...]:
    """Published figures with no matching instrument: shown as context, never as a line."""
    return tuple(figure for figure in reference_figures() if figure.measure is None)
