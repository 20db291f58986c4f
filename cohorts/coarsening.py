"""Coarsen before hiding (#21): when a week's rotation cell is hidden, publish the finest
pre-declared coarser granularity that passes every rule of docs/privacy-model.md.

The granularities are declared in advance, never chosen by a query:

1. **The rotation's declared group, for the week** ("surgical rotations"): the students of
   every rotation of the cohort whose catalogue entry names that group, that week.
2. **The rotation's 4-week block** ("4 weeks from 5 Jan"): the rotation's students over four
   consecutive weeks. Blocks are aligned to a fixed Monday (`BLOCK_ORIGIN`), so two blocks
   never overlap, and a block is published with its last week.

Every coarse figure is a candidate for the one differencing guard (`cohorts.guard`): it must
differ by 0 or at least K students, on each side, from every figure of the same measure
already published over an overlapping period, and so must its *remainder*: the students it
adds to the visible finer cells it covers (a group's shown rotations; a block's shown weeks).
To make that possible the week's own shown cells are recorded as populations when the week is
published (`record_week_populations`), in the same transaction. Inside a coarse table,
complementary suppression applies: a block table is a row of rotation blocks with the
cohort's block as total (`suppression.suppress`); a week's group cells are shown only while
the cohort minus every visible cell of the week (finer or coarse) leaves nobody or at least K.

Coarse figures are stored as their own `PublishedTable` rows (`group:<measure>` with the
week, `block:<measure>` with the block's last week) in the week's release, never recomputed.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings

from schools.models import Rotation, School

from .guard import GUARD, Candidate, Guard, differ_safely, tag
from .measures import CHARTED_MEASURES, MEAN, PARTICIPATION, YES, Measure
from .models import PublishedTable, Release, Scope
from .publishing import (
    COHORT_KEY,
    UNPLACED_KEY,
    _WeekMembers,
    cell_json,
    coarse_json,
    count_floor,
    counted_enrollments,
    k_for,
    mean_cell,
    row_json,
    share_cell,
)
from .services import member_key
from .suppression import ABOVE, BELOW, Cell, Hidden, Row, primary_reason, suppress

BLOCK_WEEKS = 4
# A Monday. Blocks are [origin + 4i weeks, origin + 4i + 3 weeks]: fixed, never overlapping,
# the same for every school and every measure.
BLOCK_ORIGIN = date(2024, 1, 1)
GROUP, BLOCK = "group", "block"
REMAINDER = "withheld: with the figures already shown it would describe fewer than {k} students"


def group_table(measure_key: str) -> str:
    return f"{GROUP}:{measure_key}"


def block_table(measure_key: str) -> str:
    return f"{BLOCK}:{measure_key}"


def source_of(entry: Measure) -> str:
    """What the guard compares weekly and coarse figures on: the measure's check-in answers
    (distinct from a campaign's `campaign:<instrument>`, which shares none of them)."""
    return f"week:{entry.key}"


def block_of(week: date) -> tuple[date, date]:
    """The Mondays of the first and last week of the 4-week block holding `week`."""
    index = (week - BLOCK_ORIGIN).days // (7 * BLOCK_WEEKS)
    first = BLOCK_ORIGIN + timedelta(weeks=BLOCK_WEEKS * index)
    return first, first + timedelta(weeks=BLOCK_WEEKS - 1)


def enabled() -> bool:
    return settings.COARSENING


# ---------------------------------------------------------------------------------------------
# Per-student figures


def merge(first: list | None, second: list) -> list:
    """One student's figures over two cells (two weeks, two rotations of a group)."""
    if first is None:
        return [second[0], second[1], second[2], dict(second[3])]
    bands = dict(first[3])
    for label, count in second[3].items():
        bands[label] = bands.get(label, 0) + count
    return [first[0] + second[0], first[1] + second[1], first[2] + second[2], bands]


def student_tag(member: str, figures: list) -> str:
    """A student's tag in one figure: who, and with which answers (`guard.tag`)."""
    observations, total, total_sq, bands = figures
    return tag(member, [observations, total, total_sq, *(bands[b] for b in sorted(bands))])


@dataclass(frozen=True)
class Group:
    """The students behind one figure: member -> their figures for the measure."""

    members: dict[str, list]

    def tags(self) -> dict[str, bool]:
        """Tag -> whether the student said yes (for shares' K on each side)."""
        return {student_tag(m, f): f[3].get(YES, 0) > 0 for m, f in sorted(self.members.items())}

    def by_tag(self) -> dict[str, list]:
        return {student_tag(m, f): f for m, f in self.members.items()}

    def cell(self, entry: Measure) -> Cell:
        found = list(self.members.values())
        return mean_cell(entry, found) if entry.kind == MEAN else share_cell(found)


def members_of(data: _WeekMembers, cohort_id: int, scope: str, rotation_id, entry) -> dict:
    found = data.by_cell.get((cohort_id, scope, rotation_id, entry.source), {})
    return {m: figures[entry.key] for m, figures in found.items() if entry.key in figures}


def union(groups: Iterable[dict]) -> Group:
    combined: dict[str, list] = {}
    for members in groups:
        for member, figures in members.items():
            combined[member] = merge(combined.get(member), figures)
    return Group(combined)


def remainder_safe(
    whole: dict[str, bool],
    shown: Iterable[dict],
    *,
    share: bool,
    k: int,
    entry: Measure | None = None,
    figures: dict[str, list] | None = None,
) -> bool:
    """Whether `whole` minus everything in `shown` (tags) leaves nobody or a group of at least
    k (k on each side, for a share): what subtraction could reveal. Given the mean's `entry`
    and each tag's `figures`, the remainder must also not be one whose mean would be withheld
    as homogeneous (everyone alike), or subtraction would tell what the rule hid."""
    seen: set[str] = set()
    for tags in shown:
        seen |= set(tags)
    rest_tags = [t for t in whole if t not in seen]
    rest = [whole[t] for t in rest_tags]
    if not rest:
        return True
    if len(rest) < k:
        return False
    if share:
        return sum(rest) >= k and len(rest) - sum(rest) >= k
    if entry is not None and figures is not None:
        return not mean_cell(entry, [figures[t] for t in rest_tags]).hidden
    return True


# ---------------------------------------------------------------------------------------------
# Publishing


def _label(cohort_id: int, kind: str, key: str, start: date) -> str:
    return f"{cohort_id}|{kind}|{key}|{start.isoformat()}"


def _candidate(entry, cohort_id, kind, key, start, end, tags) -> Candidate:
    return Candidate(
        source_of(entry), start, end, _label(cohort_id, kind, key, start), frozenset(tags)
    )


class _Recorded:
    """Published populations of a span, by label, to find the finer cells a figure covers."""

    def __init__(self, school: School, starts_on: date, ends_on: date):
        from .models import Population

        rows = Population.objects.filter(
            school=school,
            source__startswith="week:",
            starts_on__gte=starts_on,
            ends_on__lte=ends_on,
        ).values_list("source", "label", "tags")
        self.by_label = {
            (source, label): set(tags.split(",")) if tags else set() for source, label, tags in rows
        }

    def add(self, candidate: Candidate) -> None:
        self.by_label[(candidate.source, candidate.label)] = set(candidate.tags)

    def get(self, entry: Measure, label: str) -> set[str] | None:
        return self.by_label.get((source_of(entry), label))


def _catalogue(school: School) -> list[tuple[int, str, str]]:
    return list(Rotation.catalogue_of(school).values_list("pk", "slug", "group"))


def _week_tables(release: Release) -> dict[tuple[int, str], dict]:
    rows = PublishedTable.objects.filter(release=release, cohort__isnull=False).values_list(
        "cohort_id", "table", "cells"
    )
    return {(cohort_id, table): cells for cohort_id, table, cells in rows}


def _counted_keys(school: School) -> set[str]:
    students = counted_enrollments(school).values_list("student_id", flat=True)
    return {member_key(student_id) for student_id in students}


def record_week_populations(school, week, release, data, catalogue, tables, guard, recorded):
    """The populations behind the week's shown cells (cohort, rotations, unplaced), so that
    coarse figures can be compared with them; computed from the data the week was
    published from."""
    candidates = []
    end = week + timedelta(days=6)
    for (cohort_id, name), cells in tables.items():
        entry = _charted.get(name)
        if entry is None:
            continue
        groups = {COHORT_KEY: members_of(data, cohort_id, Scope.COHORT, None, entry)}
        groups[UNPLACED_KEY] = members_of(data, cohort_id, Scope.UNPLACED, None, entry)
        for pk, slug, _group in catalogue:
            groups[slug] = members_of(data, cohort_id, Scope.ROTATION, pk, entry)
        for key, members in groups.items():
            cell = cells.get(key)
            if cell is None or "why" in cell or not members:
                continue
            tags = Group(members).tags()
            candidates.append(_candidate(entry, cohort_id, "week", key, week, end, tags))
    guard.record(release, candidates)
    for candidate in candidates:
        recorded.add(candidate)


_charted = {entry.key: entry for entry in CHARTED_MEASURES}


def _admit(
    cell: Cell, candidate, guard, covered, *, share: bool, k: int, tags, entry=None, figures=None
) -> Cell:
    """The cell as it may be published: rule 1 and homogeneity first, then the guard against
    every published figure, then the remainder against the finer cells it covers."""
    if reason := primary_reason(cell, k=k):
        return Cell(cell.n, cell.numerator, cell.complement, cell.value, reason)
    if not guard.admits(candidate, k=k):
        return Cell(cell.n, cell.numerator, cell.complement, cell.value, GUARD.format(k=k))
    if not remainder_safe(tags, covered, share=share, k=k, entry=entry, figures=figures):
        return Cell(cell.n, cell.numerator, cell.complement, cell.value, REMAINDER.format(k=k))
    # A covered cell that is shown must not differ from this one by fewer than k either.
    if not all(differ_safely(candidate.tags, frozenset(c), k=k) for c in covered):
        return Cell(cell.n, cell.numerator, cell.complement, cell.value, GUARD.format(k=k))
    return cell


def _group_tables(school, week, release, data, catalogue, tables, guard, recorded, k):
    """Per cohort and measure, each declared group's figure for the week, where one of its
    rotations' cells is hidden."""
    by_group: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for pk, slug, group in catalogue:
        if group:
            by_group[group].append((pk, slug))
    out, published = [], []
    end = week + timedelta(days=6)
    for (cohort_id, name), cells in sorted(tables.items()):
        entry = _charted.get(name)
        if entry is None or not by_group:
            continue
        share = entry.kind != MEAN
        wanted = [
            g for g, rotations in sorted(by_group.items())
            if any("why" in cells.get(slug, {"why": ""}) for _pk, slug in rotations)
        ]  # fmt: skip
        if not wanted:
            continue
        decided: dict[str, tuple[Cell, Candidate | None, dict]] = {}
        for group in wanted:
            rotations = by_group[group]
            students = union(
                members_of(data, cohort_id, Scope.ROTATION, pk, entry) for pk, _slug in rotations
            )
            tags = students.tags()
            candidate = _candidate(entry, cohort_id, GROUP, group, week, end, tags)
            covered = [
                recorded.get(entry, _label(cohort_id, "week", slug, week))
                for _pk, slug in rotations
            ]
            covered = [c for c in covered if c]
            cell = _admit(
                students.cell(entry), candidate, guard, covered, share=share, k=k, tags=tags,
                entry=entry, figures=students.by_tag(),
            )  # fmt: skip
            decided[group] = (cell, candidate, tags)
        # Complementary suppression in the week's line: the cohort minus every shown cell of
        # the week, finer and coarse, must leave nobody or at least k.
        whole = recorded.get(entry, _label(cohort_id, "week", COHORT_KEY, week))
        if whole is not None:
            cohort_group = Group(members_of(data, cohort_id, Scope.COHORT, None, entry))
            whole_tags, whole_figures = cohort_group.tags(), cohort_group.by_tag()
            finer = [
                recorded.get(entry, _label(cohort_id, "week", key, week))
                for key in [UNPLACED_KEY, *(slug for _pk, slug, _g in catalogue)]
            ]
            finer = [f for f in finer if f]
            while True:
                visible = [g for g, (c, _cand, _t) in decided.items() if not primary_reason(c, k=k)]
                shown_tags = finer + [set(decided[g][2]) for g in visible]
                if not visible or remainder_safe(
                    whole_tags, shown_tags, share=share, k=k, entry=entry, figures=whole_figures
                ):
                    break
                smallest = min(visible, key=lambda g: (decided[g][0].n, g))
                c, cand, t = decided[smallest]
                decided[smallest] = (Hidden(REMAINDER.format(k=k)), cand, t)
        if "atl" in cells.get(COHORT_KEY, {}):
            # The week's row was rounded so that its counts cannot give away a hidden
            # participation (publishing.coarse_json): so is every group figure of it.
            stored = {
                g: coarse_json(c, at_least=k, share=share) for g, (c, _cand, _t) in decided.items()
            }
        else:
            stored = {g: cell_json(c) for g, (c, _cand, _t) in decided.items()}
        out.append(
            PublishedTable(
                release=release, cohort_id=cohort_id, table=group_table(name), week=week,
                cells=stored,
            )
        )  # fmt: skip
        published += [
            cand for c, cand, _t in decided.values() if not primary_reason(c, k=k) and cand
        ]
    return out, published


def _hidden_participation(school: School, mondays: list[date], k: int) -> dict[int, int]:
    """The cohorts whose participation was hidden in one of these weeks, with the most a
    rounded block count may say: "at least" the floor of a top-coded week (a block holds
    every student of its weeks), else k."""
    found: dict[int, int] = {}
    rows = PublishedTable.objects.filter(
        release__school=school, release__kind=Release.Kind.WEEK, week__in=mondays,
        table=PARTICIPATION, cohort__isnull=False,
    ).values_list("cohort_id", "cells")  # fmt: skip
    for cohort_id, cells in rows:
        rate = cells.get(COHORT_KEY, {})
        side = (rate.get("bound") or [None])[0]
        if "why" not in rate or side == BELOW:
            continue  # shown, or "fewer than k": a block's count bounds it from above only
        floor = k
        if side == ABOVE:
            floor = count_floor(enrolled=cells["enrolled"]["n"], k=k)
        found[cohort_id] = max(found.get(cohort_id, k), floor)
    return found


def _block_tables(school, week, release, catalogue, tables, guard, recorded, k, counted):
    """At a block's last week: per cohort and measure where a rotation's (or the unplaced)
    cell was hidden in one of the block's weeks, the block's table of rotations with the
    cohort's block as total, suppressed together."""
    first, last = block_of(week)
    if week != last:
        return [], []
    mondays = [first + timedelta(weeks=i) for i in range(BLOCK_WEEKS)]
    published_weeks = set(
        Release.objects.filter(
            school=school, kind=Release.Kind.WEEK, key__in=[m.isoformat() for m in mondays]
        ).values_list("starts_on", flat=True)
    )
    weekly = PublishedTable.objects.filter(
        release__school=school, release__kind=Release.Kind.WEEK, week__in=mondays,
        cohort__isnull=False, table__in=list(_charted),
    ).values_list("cohort_id", "table", "week", "cells")  # fmt: skip
    rounded_weeks = _hidden_participation(school, mondays, k)
    hidden_somewhere: dict[tuple[int, str], set[str]] = defaultdict(set)
    for cohort_id, name, _monday, cells in weekly:
        for key, cell in cells.items():
            if key != COHORT_KEY and "why" in cell:
                hidden_somewhere[(cohort_id, name)].add(key)
    if not hidden_somewhere:
        return [], []
    datas = [_WeekMembers(school, m, counted) for m in mondays if m in published_weeks]
    keys = [(pk, slug) for pk, slug, _g in catalogue]
    out, published = [], []
    end = last + timedelta(days=6)
    for (cohort_id, name), _keys in sorted(hidden_somewhere.items()):
        entry = _charted[name]
        share = entry.kind != MEAN

        def over_block(scope, rotation_id, cohort_id=cohort_id, entry=entry):
            return union(members_of(d, cohort_id, scope, rotation_id, entry) for d in datas)

        parts = [(slug, over_block(Scope.ROTATION, pk)) for pk, slug in keys]
        parts.append((UNPLACED_KEY, over_block(Scope.UNPLACED, None)))
        parts = [(key, g) for key, g in parts if g.members]
        whole = over_block(Scope.COHORT, None)
        if not whole.members:
            continue
        admitted = []
        candidates = {}
        for key, students in [*parts, (COHORT_KEY, whole)]:
            tags = students.tags()
            candidate = _candidate(entry, cohort_id, BLOCK, key, first, end, tags)
            covered = [recorded.get(entry, _label(cohort_id, "week", key, m)) for m in mondays]
            covered = [c for c in covered if c]
            admitted.append(
                _admit(
                    students.cell(entry),
                    candidate,
                    guard,
                    covered,
                    share=share,
                    k=k,
                    tags=tags,
                    entry=entry,
                    figures=students.by_tag(),
                )  # fmt: skip
            )
            candidates[key] = candidate
        row = suppress([Row(tuple(admitted[:-1]), admitted[-1])], k=k).rows[0]
        shown = dict(zip([key for key, _g in parts], row.cells, strict=True))
        shown[COHORT_KEY] = row.total
        # A week of the block had its participation hidden: the block's counts (its cohort's
        # bounds that week's from above) are rounded like that week's.
        stored = row_json(
            row.total, zip([key for key, _g in parts], row.cells, strict=True),
            floor=rounded_weeks.get(cohort_id), k=k, share=share,
        )  # fmt: skip
        stored["period"] = {"from": first.isoformat(), "to": (last + timedelta(days=6)).isoformat()}
        out.append(
            PublishedTable(
                release=release, cohort_id=cohort_id, table=block_table(name), week=last,
                cells=stored,
            )
        )  # fmt: skip
        published += [candidates[key] for key, cell in shown.items() if isinstance(cell, Cell)]
    return out, published


def publish_coarse(school: School, week: date, release: Release) -> int:
    """Record the week's populations and publish its coarse tables; returns how many tables.

    Called right after `publishing.publish_week`, in the same transaction, from the same
    rollups the week was published from."""
    if not enabled():
        return 0
    k = k_for(school)
    counted = _counted_keys(school)
    data = _WeekMembers(school, week, counted)
    catalogue = _catalogue(school)
    tables = _week_tables(release)
    first, _last = block_of(week)
    guard = Guard(
        school,
        sources=[source_of(e) for e in CHARTED_MEASURES],
        starts_on=first,
        ends_on=week + timedelta(days=6),
    )
    recorded = _Recorded(school, first, week + timedelta(days=6))
    record_week_populations(school, week, release, data, catalogue, tables, guard, recorded)
    group_out, group_published = _group_tables(
        school, week, release, data, catalogue, tables, guard, recorded, k
    )
    guard.record(release, group_published)
    for candidate in group_published:
        recorded.add(candidate)
    block_out, block_published = _block_tables(
        school, week, release, catalogue, tables, guard, recorded, k, counted
    )
    guard.record(release, block_published)
    PublishedTable.objects.bulk_create(group_out + block_out, batch_size=500)
    return len(group_out) + len(block_out)


# ---------------------------------------------------------------------------------------------
# Reading


@dataclass(frozen=True)
class Coarse:
    """A coarse figure shown in a hidden cell's place: which granularity, and why."""

    granularity: str  # GROUP or BLOCK
    label: str  # "surgical rotations", "4 weeks from 5 Jan"
    cell: Cell
    why: str  # the hidden cell's own reason
    starts_on: date  # the period the figure covers
    ends_on: date


def coarse_figures(cohort, measure_key: str, rows) -> dict[tuple[date, str], Coarse]:
    """For each hidden rotation (or unplaced) cell of `rows` (week, {key: Cell | Hidden}),
    the finest published coarse figure: the rotation's group that week, else its block."""
    from .publishing import cell_from_json

    hidden = [(week, key, cell) for week, cells in rows for key, cell in cells.items()]
    hidden = [(w, key, c) for w, key, c in hidden if isinstance(c, Hidden)]
    if not hidden:
        return {}
    k = k_for(cohort.school)
    groups = dict(Rotation.catalogue_of(cohort.school).values_list("slug", "group"))
    weeks = {w for w, _key, _c in hidden}
    lasts = {block_of(w)[1] for w in weeks}
    stored = PublishedTable.objects.filter(
        cohort=cohort,
        table__in=[group_table(measure_key), block_table(measure_key)],
        week__in=weeks | lasts,
    ).values_list("table", "week", "cells")
    by = {(table.split(":", 1)[0], week): cells for table, week, cells in stored}
    out = {}
    for week, key, cell in hidden:
        group = groups.get(key, "")
        found = by.get((GROUP, week), {}).get(group) if group else None
        if found and "why" not in found:
            out[(week, key)] = Coarse(
                GROUP, f"{group} rotations", cell_from_json(found, k=k), cell.reason,
                week, week + timedelta(days=6),
            )  # fmt: skip
            continue
        first, last = block_of(week)
        found = by.get((BLOCK, last), {}).get(key)
        if found and "why" not in found:
            label = f"4 weeks from {first:%-d %b}"
            out[(week, key)] = Coarse(
                BLOCK, label, cell_from_json(found, k=k), cell.reason,
                first, last + timedelta(days=6),
            )  # fmt: skip
    return out
