"""Publishing: every figure staff see is computed here, once, when its period has closed.

A week's tables are published on the Wednesday after the week (two days of grace for a
check-in queued offline on Sunday night); a campaign's results with the week its window ends
in. Each release is computed from the rollups' per-student figures, counting only students
whose enrolment is verified, passes the rules of docs/privacy-model.md (small groups, everyone
the same, the differencing guard, no subtraction inside a table) and is stored with its
suppression decisions. Nothing here is ever recomputed: a release that exists is final, so a
deletion, a late answer or a new sign-up cannot move a published figure.
"""

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Min

from schools.models import MIN_CELL_SIZE, Cohort, Rotation, School
from schools.selectors import verified_enrollments

from .measures import CHARTED_MEASURES, CHECKIN_SOURCE, MEAN, PARTICIPATION, YES, Measure
from .models import CellMember, PublishedTable, Release, RollupCell, Scope, StoredAnswer
from .services import member_key, week_of
from .statistics import Estimate, student_means_interval, wilson_interval
from .suppression import Cell, Hidden, Row, participation_bound, suppress

COHORT_KEY = "cohort"
UNPLACED_KEY = "unplaced"
HOMOGENEOUS = "withheld: every student behind it gave the same answer, or nearly"

# Other apps publish their own staff counts with each week (lessons): a publisher is called
# inside the week's transaction and returns the tables to store with it. They register in
# their AppConfig.ready, since cohorts may not import them.
WeekPublisher = Callable[[School, date, "Release"], Iterable["PublishedTable"]]
_week_publishers: list[WeekPublisher] = []


def register_week_publisher(publisher: WeekPublisher) -> None:
    if publisher not in _week_publishers:
        _week_publishers.append(publisher)


def publication_day(week: date) -> date:
    """The day a week's figures are published: the Wednesday after it (school time), with
    the default PUBLICATION_GRACE_DAYS of 2."""
    return week + timedelta(days=7 + settings.PUBLICATION_GRACE_DAYS)


def week_is_published(school_id: int, day: date) -> bool:
    """Whether the week of `day` has its release: then no answer of that week may move."""
    return Release.objects.filter(
        school_id=school_id, kind=Release.Kind.WEEK, key=week_of(day).isoformat()
    ).exists()


def last_publishable_week(today: date) -> date:
    """The latest week whose figures are due by `today`."""
    week = week_of(today) - timedelta(weeks=1)
    while publication_day(week) > today:
        week -= timedelta(weeks=1)
    return week


def k_for(school: School) -> int:
    """The smallest group this school may see: never below the platform floor."""
    return max(MIN_CELL_SIZE, school.min_cell_size)


def counted_enrollments(school: School):
    """The enrolments that count toward the school's figures and denominators: verified ones
    only (on the school's roster, or signed in through its identity provider), so fake
    sign-ups with an invite code can neither pad a group to K nor move a denominator."""
    return verified_enrollments(school)


# ---------------------------------------------------------------------------------------------
# Cells


def cell_json(cell: Cell | Hidden) -> dict:
    if isinstance(cell, Hidden):
        out = {"why": cell.reason}
        if cell.bound is not None:
            out["bound"] = list(cell.bound)
        return out
    if cell.hidden:
        return {"why": cell.hidden}
    out = {"n": cell.n}
    if cell.numerator is not None:
        out["num"] = cell.numerator
    if cell.complement is not None:
        out["comp"] = cell.complement
    value = cell.value
    if value is not None and hasattr(value, "low"):
        out["est"] = [value.value, value.low, value.high, value.n]
    elif value is not None:
        out["v"] = value
    return out


def cell_from_json(data: dict | None, *, k: int) -> Cell | Hidden:
    """A stored cell back as suppression's types (None: nobody was counted)."""
    if data is None:
        return Hidden(f"fewer than {k} students")
    if "why" in data:
        bound = data.get("bound")
        return Hidden(data["why"], tuple(bound) if bound else None)
    if "atl" in data:  # a coarse cell: see `coarse_json`
        value, low, high, _n = data["est"]
        estimate = Estimate(value, low, high, None, at_least=data["atl"], step=data["step"])
        return Cell(n=None, value=estimate)
    value = Estimate(*data["est"]) if "est" in data else data.get("v")
    return Cell(n=data["n"], numerator=data.get("num"), complement=data.get("comp"), value=value)


# ---------------------------------------------------------------------------------------------
# Counts that would give away participation

MEAN_STEP, SHARE_STEP = 0.1, 0.1


def count_floor(*, enrolled: int, k: int) -> int:
    """The most a cohort figure may say about its number of students when the week's
    participation is hidden: "at least enrolled - k + 1" is consistent with k possible counts
    (as the participation bound is), and never less than k, which any shown figure implies."""
    return max(enrolled - k + 1, k)


def row_json(
    total: Cell | Hidden,
    parts: Iterable[tuple[str, Cell | Hidden]],
    *,
    floor: int | None,
    k: int,
    share: bool,
    total_share: bool | None = None,
) -> dict:
    """A published row as stored: the cohort's cell, then each part's by key. With `floor`
    (the week's participation is hidden and this row's count reaches it), every cell is
    rounded (`coarse_json`): the cohort "at least `floor`", each part "at least k"."""
    if floor is None:
        return {COHORT_KEY: cell_json(total), **{key: cell_json(c) for key, c in parts}}
    whole_share = share if total_share is None else total_share
    return {
        COHORT_KEY: coarse_json(total, at_least=floor, share=whole_share),
        **{key: coarse_json(c, at_least=k, share=share) for key, c in parts},
    }


def coarse_json(cell: Cell | Hidden, *, at_least: int, share: bool) -> dict:
    """A visible cell without any count that could be added up to the hidden number of
    students who checked in: the count becomes "at least `at_least`", a mean is rounded to
    0.1 and a share to its 10-point bin. Every count from `at_least` up to the enrolment (or
    any count of k or more, for a rotation) then fits the shown value equally well: a
    total of answers exists for any count of 10 or more students within 0.1 of a mean, and a
    share of 1/n <= 0.1 lies in every 10-point bin."""
    if isinstance(cell, Hidden) or cell.hidden:
        return cell_json(cell)
    estimate = cell.value
    if share:
        low = min(int(estimate.value / SHARE_STEP + 1e-9), int(1 / SHARE_STEP) - 1) * SHARE_STEP
        low, high = round(low, 1), round(low + SHARE_STEP, 1)
        est = [round((low + high) / 2, 2), low, high, None]
        step = SHARE_STEP
    else:
        est = [*(round(v, 1) for v in (estimate.value, estimate.low, estimate.high)), None]
        step = MEAN_STEP
    return {"est": est, "atl": at_least, "step": step}


def mean_cell(entry: Measure, presences: Sequence[list]) -> Cell:
    """The mean of per-student means (each student weighs once) with its t interval, withheld
    when every student is at one value or its interval reaches an end of the scale."""
    if not presences:
        return Cell(n=0)
    means = [total / observations for observations, total, _sq, _bands in presences]
    n = len(means)
    value, low, high = student_means_interval(means)
    low, high = max(entry.low, low), min(entry.high, high)
    at_an_end = round(low, 2) <= entry.low or round(high, 2) >= entry.high
    same = n > 1 and (max(means) == min(means) or at_an_end)
    hidden = HOMOGENEOUS if same else None
    return Cell(n=n, value=Estimate(value, low, high, n), hidden=hidden)


def share_cell(presences: Sequence[list]) -> Cell:
    """The share of distinct students who said yes at least once; K needed on each side."""
    n = len(presences)
    yes = sum(1 for *_rest, bands in presences if bands.get(YES, 0) > 0)
    share = yes / n if n else 0.0
    low, high = wilson_interval(share=share, n=n)
    return Cell(n=n, numerator=yes, complement=n - yes, value=Estimate(share, low, high, n))


def band_cells(entry: Measure, presences: Sequence[list]) -> list[Cell]:
    """Per band, the students with a score in it that week, and their share."""
    n = len(presences)
    cells = []
    for label in entry.bands:
        count = sum(1 for *_rest, bands in presences if bands.get(label, 0) > 0)
        share = count / n if n else 0.0
        low, high = wilson_interval(share=share, n=n)
        cells.append(Cell(n=count, complement=n - count, value=Estimate(share, low, high, count)))
    return cells


def participation_cell(active: int, enrolled: int) -> Cell:
    rate = active / enrolled if enrolled else 0.0
    low, high = wilson_interval(share=rate, n=enrolled)
    return Cell(
        n=enrolled, numerator=active, complement=enrolled - active,
        value=Estimate(rate, low, high, active),
    )  # fmt: skip


# ---------------------------------------------------------------------------------------------
# A week


class _WeekMembers:
    """Per-student figures of one school's week, counted students only, by cell."""

    def __init__(self, school: School, week: date, counted_keys: set[str]):
        self.by_cell: dict[tuple, dict[str, dict]] = defaultdict(dict)
        cells = {
            cell.pk: cell
            for cell in RollupCell.objects.filter(school=school, week=week).only(
                "pk", "cohort_id", "scope", "rotation_id", "source"
            )
        }
        members = CellMember.objects.filter(cell_id__in=list(cells)).values_list(
            "cell_id", "member", "figures"
        )
        for cell_id, member, figures in members:
            if member not in counted_keys:
                continue
            cell = cells[cell_id]
            key = (cell.cohort_id, cell.scope, cell.rotation_id, cell.source)
            self.by_cell[key][member] = figures
        self.cohorts = {key[0] for key in self.by_cell}

    def presences(self, cohort_id: int, scope: str, rotation_id, entry: Measure) -> list:
        """[observations, total, total_sq, bands] of each student counted in `entry`."""
        found = self.by_cell.get((cohort_id, scope, rotation_id, entry.source), {})
        return [figures[entry.key] for figures in found.values() if entry.key in figures]


def _week_row(
    entry: Measure, data: "_WeekMembers", cohort_id: int, rotations, k: int, floor: int | None
):
    """One measure's published row for one cohort: its groups, then the cohort's total.

    `floor` is set when the week's participation is hidden: a row whose cohort count is at or
    above it would tell how many checked in (every check-in carries mood), so its counts are
    coarsened, in the cohort cell and in every group (the groups add up to the cohort)."""
    make = mean_cell if entry.kind == MEAN else (lambda _entry, found: share_cell(found))
    groups = [
        (slug, data.presences(cohort_id, Scope.ROTATION, pk, entry)) for pk, slug in rotations
    ] + [(UNPLACED_KEY, data.presences(cohort_id, Scope.UNPLACED, None, entry))]
    whole = data.presences(cohort_id, Scope.COHORT, None, entry)
    cells = tuple(make(entry, found) for _key, found in groups)
    row = suppress([Row(cells, make(entry, whole))], k=k).rows[0]
    coarse = floor is not None and len(whole) >= floor
    share = entry.kind != MEAN
    parts = zip((key for key, _found in groups), row.cells, strict=True)
    stored = row_json(row.total, parts, floor=floor if coarse else None, k=k, share=share)
    return whole, row, stored, coarse


def publish_week(school: School, week: date) -> Release | None:
    """Publish one week's tables for every cohort of the school; None if already published.

    Week tables need no differencing guard: figures of different weeks, or of different
    measures, draw on different answers, and a survey's answers are kept out of the weekly
    cells (`checkins.rollups`), so no other product shares a week's answers. Inside a table,
    complementary suppression stops subtraction."""
    key = week.isoformat()
    with transaction.atomic():
        School.objects.select_for_update().filter(pk=school.pk).first()
        if Release.objects.filter(school=school, kind=Release.Kind.WEEK, key=key).exists():
            return None
        k = k_for(school)
        counted = dict(counted_enrollments(school).values_list("student_id", "cohort_id"))
        enrolled = Counter(counted.values())
        data = _WeekMembers(school, week, {member_key(student_id) for student_id in counted})
        rotations = list(Rotation.catalogue_of(school).values_list("pk", "slug"))
        release = Release.objects.create(
            school=school,
            kind=Release.Kind.WEEK,
            key=key,
            starts_on=week,
            ends_on=week + timedelta(days=6),
        )

        def table(cohort_id: int, name: str, cells: dict) -> PublishedTable:
            return PublishedTable(
                release=release, cohort_id=cohort_id, table=name, week=week, cells=cells
            )

        tables: list[PublishedTable] = []
        for cohort_id in sorted(data.cohorts | set(enrolled)):
            active = len(data.by_cell.get((cohort_id, Scope.COHORT, None, CHECKIN_SOURCE), {}))
            rate = participation_cell(active, enrolled[cohort_id])
            shown = suppress([Row((), rate)], k=k).rows[0].total
            floor = None
            if isinstance(shown, Hidden):
                bound = participation_bound(active=active, enrolled=enrolled[cohort_id], k=k)
                shown = Hidden(shown.reason, bound)
                floor = count_floor(enrolled=enrolled[cohort_id], k=k)
            for entry in CHARTED_MEASURES:
                whole, row, stored, coarse = _week_row(entry, data, cohort_id, rotations, k, floor)
                if not whole:
                    continue
                tables.append(table(cohort_id, entry.key, stored))
                if entry.bands:
                    found = whole
                    cells = suppress([Row(tuple(band_cells(entry, found)), row.total)], k=k)
                    band_row = cells.rows[0]
                    # A band's total is the screening's mean; its parts are shares.
                    stored = row_json(
                        band_row.total, zip(entry.bands, band_row.cells, strict=True),
                        floor=floor if coarse else None, k=k, share=True, total_share=False,
                    )  # fmt: skip
                    tables.append(table(cohort_id, f"bands:{entry.key}", stored))
            tables.append(
                table(
                    cohort_id,
                    PARTICIPATION,
                    {COHORT_KEY: cell_json(shown), "enrolled": {"n": enrolled[cohort_id]}},
                )
            )
        for publisher in _week_publishers:
            tables += publisher(school, week, release)
        PublishedTable.objects.bulk_create(tables, batch_size=500)
    return release


def first_week(school: School) -> date | None:
    from .models import Campaign

    found = [
        RollupCell.objects.filter(school=school).aggregate(first=Min("week"))["first"],
        Campaign.objects.filter(school=school).aggregate(first=Min("closes_on"))["first"],
    ]
    found = [week_of(day) for day in found if day is not None]
    return min(found) if found else None


def _publish_week_and_coarsen(school: School, week: date) -> bool:
    """A week's release, then its coarse figures (cohorts/coarsening.py), in one transaction."""
    from .coarsening import publish_coarse

    with transaction.atomic():
        release = publish_week(school, week)
        if release is not None:
            publish_coarse(school, week, release)
    return release is not None


def publish_due(school: School, *, today: date) -> int:
    """Publish every release due by `today` that is not yet published, oldest first: each
    week, then the campaigns whose window ends in it. Returns how many were published.

    Cheap when nothing is due (one indexed read: weeks are published in order, each with its
    campaigns, so the last due week's release says everything before it is out), so every
    staff page may call it."""
    last = last_publishable_week(today)
    weeks = Release.objects.filter(school=school, kind=Release.Kind.WEEK)
    if weeks.filter(key=last.isoformat()).exists():
        return 0
    from .campaign_releases import publish_campaign
    from .models import Campaign

    published = 0
    # From the first week with anything to publish, and at least the last due week, so a
    # school's lesson counts are published even before anyone checks in.
    start = min(first_week(school) or last, last)
    if start <= last:
        done = set(weeks.values_list("key", flat=True))
        campaigns = defaultdict(list)
        closing = Campaign.objects.filter(school=school, closes_on__lte=last + timedelta(days=6))
        for campaign in closing:
            campaigns[week_of(campaign.closes_on)].append(campaign)
        week = start
        while week <= last:
            if week.isoformat() not in done:
                published += _publish_week_and_coarsen(school, week)
            for campaign in sorted(campaigns.get(week, []), key=lambda c: (c.opens_on, c.pk)):
                published += publish_campaign(campaign) is not None
            week += timedelta(weeks=1)
    # Answers stored for past days (cohorts/answers.py) are never read again.
    StoredAnswer.objects.filter(school=school, made_on__lt=today).delete()
    return published


def published_tables(cohort: Cohort, table: str, weeks: Sequence[date]) -> dict[date, dict]:
    """The stored cells of one table of a cohort, by week."""
    if not weeks:
        return {}
    rows = PublishedTable.objects.filter(
        cohort=cohort, table=table, week__gte=min(weeks), week__lte=max(weeks)
    ).values_list("week", "cells")
    return dict(rows)


def latest_school_table(school: School, table: str) -> PublishedTable | None:
    """The most recent published table of the school that is not per cohort (lessons)."""
    return (
        PublishedTable.objects.filter(release__school=school, table=table, cohort=None)
        .order_by("-week")
        .first()
    )


def published_weeks(school: School, weeks: Sequence[date]) -> set[date]:
    keys = [week.isoformat() for week in weeks]
    found = Release.objects.filter(school=school, kind=Release.Kind.WEEK, key__in=keys)
    return set(found.values_list("starts_on", flat=True))
