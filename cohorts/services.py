"""The write path into the rollups. Called by the apps that own personal rows, inside their
own transaction, so a check-in and its contribution to the aggregates commit (or fail)
together. Every function here is the exact inverse of another: add/remove, rebuild/purge.
"""

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.crypto import salted_hmac

from schools import sql
from schools.models import Cohort

from .measures import COUNT, MEASURES, NO, PROPORTION, YES
from .models import CellMember, RollupCell, Scope
from .observations import Observation

# Changing this string (or SECRET_KEY) orphans every member hash: run `rebuild_rollups` after.
MEMBER_PURPOSE = "wellrounded.cohorts.rollup-member"


def member_key(student_id: int) -> str:
    """A keyed hash that tells cell members apart without saying who they are."""
    return salted_hmac(MEMBER_PURPOSE, str(student_id), algorithm="sha256").hexdigest()


def week_of(day: date) -> date:
    """The Monday of `day`'s ISO week."""
    return day - timedelta(days=day.weekday())


def _band_label(measure: str, value: float, band: str | None) -> str | None:
    """Validate one observation; return the band it counts in (or None)."""
    entry = MEASURES.get(measure)
    if entry is None:
        raise ValidationError({"measure": f"Unknown measure {measure!r}."})
    if not entry.low <= value <= entry.high:
        raise ValidationError(
            {"value": f"{entry.label} must be between {entry.low:g} and {entry.high:g}."}
        )
    if entry.kind in (PROPORTION, COUNT) and value not in (0, 1):
        raise ValidationError({"value": f"{entry.label} is 0 or 1."})
    if entry.kind == PROPORTION:
        return YES if value == 1 else NO
    if band is None:
        return None
    if band not in entry.bands:
        raise ValidationError({"band": f"{band!r} is not a band of {entry.label}."})
    return band


def _check_cohort(school_id: int, cohort_id: int) -> None:
    # On the path of a week's first check-ins: a plain statement, not an ORM query compiled
    # each time.
    if not sql.tuples(Cohort, ["id"], "id = %s AND school_id = %s", [cohort_id, school_id]):
        raise ValidationError({"cohort_id": "This cohort does not belong to this school."})


# The hot path (`apply_changes`) reads and writes rows as plain values, not model instances:
# building, converting and comparing model instances cost more than the statements themselves.
# A cell's figures are `{measure: [n_students, n_obs, total, total_sq, {band: students}]}`,
# a member's `{measure: [observations, total, total_sq, {band: observations}]}`.


class _Row:
    """A cell's or a member's figures as read under the lock, and whether they changed."""

    __slots__ = ("pk", "figures", "changed")

    def __init__(self, pk: int | None, figures):
        self.pk, self.figures, self.changed = pk, _json(figures), False


def _json(value) -> dict:
    # The drivers hand JSON columns back as text (Django decodes them in its converters).
    return json.loads(value) if isinstance(value, str) else dict(value or {})


def _lock_cells(keys: list[tuple], *, create: bool) -> dict[tuple, _Row]:
    """Lock (and, when adding, create) the cells for `keys` in a few queries, in one order.

    A key is (school, cohort, scope, rotation, week, source); returns each cell under it."""
    wanted = set(keys)
    groups: dict[tuple, list[tuple]] = {}
    for key in wanted:
        groups.setdefault(key[:2], []).append(key)

    def locked() -> dict[tuple, _Row]:
        found = {}
        for (school_id, cohort_id), group in groups.items():
            rotations = sorted({key[3] for key in group} - {None})
            weeks = sorted({key[4] for key in group})
            sources = sorted({key[5] for key in group})
            rotation_clause = "rotation_id IS NULL"
            if rotations:
                rotation_clause += f" OR rotation_id IN ({sql.placeholders(rotations)})"
            query = sql.tuples(
                RollupCell,
                ["scope", "rotation", "week", "source", "id", "figures"],
                f"school_id = %s AND cohort_id = %s AND week IN ({sql.placeholders(weeks)})"
                f" AND source IN ({sql.placeholders(sources)}) AND ({rotation_clause})",
                [school_id, cohort_id]
                + [sql.value(RollupCell, "week", week) for week in weeks]
                + sources
                + rotations,
                order_by="source, scope, rotation_id, week",
                for_update=True,
            )
            for scope, rotation_id, week, source, pk, figures in query:
                key = (school_id, cohort_id, scope, rotation_id, week, source)
                if key in wanted:
                    found[key] = _Row(pk, figures)
        return found

    cells = locked()
    missing = [key for key in wanted if key not in cells]
    if create and missing:
        # A cell exists only for a school and cohort checked when it was created, so only new
        # cells need the check (most check-ins find theirs, and skip a statement).
        for school_id, cohort_id in {key[:2] for key in missing}:
            _check_cohort(school_id, cohort_id)
        # A concurrent writer may create some of them first: skip those, then lock them all.
        RollupCell.objects.bulk_create(
            [
                RollupCell(
                    school_id=school_id, cohort_id=cohort_id, scope=scope,
                    rotation_id=rotation_id, week=week, source=source,
                )
                for school_id, cohort_id, scope, rotation_id, week, source in missing
            ],
            ignore_conflicts=True,
        )  # fmt: skip
        cells = locked()
    return cells


def _cell_keys(obs: Observation, source: str) -> tuple[tuple, tuple]:
    """The cohort's cell, then its rotation's or the unplaced one: every writer locks in the
    same order."""
    week = week_of(obs.day)
    group = (
        (Scope.ROTATION.value, obs.rotation_id)
        if obs.rotation_id is not None
        else (Scope.UNPLACED.value, None)
    )
    base = (obs.school_id, obs.cohort_id)
    return (*base, Scope.COHORT.value, None, week, source), (*base, *group, week, source)


def apply_observations(observations: Sequence[Observation], *, sign: int) -> None:
    """Add (sign=1) or take back (sign=-1) observations. Must run inside the caller's
    transaction."""
    if sign > 0:
        apply_changes(added=observations)
    else:
        apply_changes(removed=observations)


def apply_changes(
    *, removed: Sequence[Observation] = (), added: Sequence[Observation] = ()
) -> None:
    """Take back `removed`, then count `added`, in one pass: a handful of queries however
    many measures a check-in carries, and only the cells and members whose figures really
    change are written (a first check-in of the week adds one member to two cells).
    Must run inside the caller's transaction.

    `removed` must be what was counted before, as it is for every row these services wrote:
    an observation in both lists is skipped, not counted afresh. After a change made outside
    them (a cohort moved by hand, rollups wiped), run `rebuild_rollups`."""
    # Every observation is validated (and its band found) once, cancelled or not.
    labels = {obs: _band_label(obs.measure, float(obs.value), obs.band) for obs in removed}
    labels.update({obs: _band_label(obs.measure, float(obs.value), obs.band) for obs in added})
    # An observation taken back and counted again leaves every figure as it was: cancel such
    # pairs first, so a resubmitted check-in that changes one answer reads and writes only
    # the figures of that answer.
    if removed:
        net = Counter(added)
        net.subtract(Counter(removed))
        signed = [(obs, -1) for obs, k in net.items() if k < 0 for _ in range(-k)]
        signed += [(obs, 1) for obs, k in net.items() if k > 0 for _ in range(k)]
    else:
        signed = [(obs, 1) for obs in added]  # nothing to cancel (a first check-in)
    if not signed:
        return
    hashes = {
        student_id: member_key(student_id) for student_id in {o.student_id for o, _ in signed}
    }
    keyed = [
        (key, obs, sign)
        for obs, sign in signed
        for key in _cell_keys(obs, MEASURES[obs.measure].source)
    ]
    cells = _lock_cells([key for key, _, _ in keyed], create=any(s > 0 for _, s in signed))
    cell_ids = sorted(cell.pk for cell in cells.values())
    member_keys = sorted(set(hashes.values()))
    members = {
        (cell_id, member): _Row(pk, figures)
        for pk, cell_id, member, figures in (
            sql.tuples(
                CellMember,
                ["id", "cell", "member", "figures"],
                f"cell_id IN ({sql.placeholders(cell_ids)})"
                f" AND member IN ({sql.placeholders(member_keys)})",
                cell_ids + member_keys,
            )
            if cell_ids
            else []
        )
    }
    for key, obs, sign in keyed:
        cell = cells.get(key)
        if cell is None:
            continue  # nothing was ever counted here: nothing to take back
        member = hashes[obs.student_id]
        presence = members.get((cell.pk, member))
        if presence is None:
            if sign < 0:
                continue
            presence = members[(cell.pk, member)] = _Row(None, {})
        value = float(obs.value)
        _count(cell, presence, obs.measure, sign=sign, value=value, label=labels[obs])
    _write_members(members)
    # An empty cell is deleted, so the incremental state equals a rebuild's exactly.
    if empty := [cell.pk for cell in cells.values() if not cell.figures]:
        RollupCell.objects.filter(pk__in=empty).delete()
    figures = RollupCell._meta.get_field("figures")
    sql.update_values(
        RollupCell,
        ["figures"],
        [
            [figures.get_db_prep_save(cell.figures, connection), cell.pk]
            for cell in cells.values()
            if cell.figures and cell.changed
        ],
    )


def _write_members(members: dict[tuple, _Row]) -> None:
    if gone := [m.pk for m in members.values() if m.pk and not m.figures]:
        CellMember.objects.filter(pk__in=gone).delete()
    figures = CellMember._meta.get_field("figures")
    sql.update_values(
        CellMember,
        ["figures"],
        [
            [figures.get_db_prep_save(m.figures, connection), m.pk]
            for m in members.values()
            if m.pk and m.figures and m.changed
        ],
    )
    sql.insert_values(
        CellMember,
        ["cell", "figures", "member"],
        [
            [cell_id, figures.get_db_prep_save(m.figures, connection), member]
            for (cell_id, member), m in members.items()
            if not m.pk and m.figures
        ],
    )


def _count(cell: _Row, presence: _Row, measure: str, *, sign: int, value: float, label) -> None:
    """Count (sign=1) or take back (sign=-1) one observation of `measure` in a cell and in its
    member's presence there (the figures `apply_changes` read under its lock)."""
    own = presence.figures.get(measure)
    figures = cell.figures.get(measure)
    if sign < 0 and (own is None or figures is None):
        return  # never counted here: nothing to take back
    if own is None:
        own = presence.figures[measure] = [0, 0.0, 0.0, {}]
    if figures is None:
        figures = cell.figures[measure] = [0, 0, 0.0, 0.0, {}]
    if own[0] == 0:
        figures[0] += 1
    own[0] += sign
    own[1] += sign * value
    own[2] += sign * value * value
    figures[1] += sign
    figures[2] += sign * value
    figures[3] += sign * value * value
    if label is not None:
        before = own[3].get(label, 0)
        _add(own[3], label, sign)
        if before == 0 and sign > 0:
            _add(figures[4], label, 1)
        elif before > 0 and before + sign <= 0:
            _add(figures[4], label, -1)
    if own[0] <= 0:
        del presence.figures[measure]
        figures[0] -= 1
    if figures[1] <= 0:
        del cell.figures[measure]
    cell.changed = presence.changed = True


def _add(counts: dict[str, int], label: str, change: int) -> None:
    """Change one band's count, dropping the band when it reaches zero (as a rebuild would
    never write it)."""
    left = counts.get(label, 0) + change
    if left > 0:
        counts[label] = left
    else:
        counts.pop(label, None)


@transaction.atomic
def add_observation(
    *,
    school_id: int,
    cohort_id: int,
    rotation_id: int | None,
    day: date,
    measure: str,
    value: float,
    band: str | None = None,
    student_id: int,
) -> None:
    """Count one observation in its cohort's cell and its rotation's (or unplaced) cell."""
    obs = Observation(school_id, cohort_id, rotation_id, day, measure, value, band, student_id)
    apply_observations([obs], sign=1)


@transaction.atomic
def remove_observation(
    *,
    school_id: int,
    cohort_id: int,
    rotation_id: int | None,
    day: date,
    measure: str,
    value: float,
    band: str | None = None,
    student_id: int,
) -> None:
    """Take back exactly what `add_observation` with the same arguments added.

    An observation that was never counted (say, a check-in older than the rollups) has
    nothing to reverse: that is not an error, so deleting it is never blocked.
    """
    obs = Observation(school_id, cohort_id, rotation_id, day, measure, value, band, student_id)
    apply_observations([obs], sign=-1)


@transaction.atomic
def purge_student(*, student_id: int) -> int:
    """Remove everything one student contributed to every cell (account deletion).

    Returns how many cells they were in.
    """
    presences = list(CellMember.objects.filter(member=member_key(student_id)).order_by("cell_id"))
    cells = RollupCell.objects.select_for_update().in_bulk([p.cell_id for p in presences])
    for presence in presences:
        cell = cells[presence.cell_id]
        for measure, (observations, total, total_sq, bands) in presence.figures.items():
            figures = cell.figures[measure]
            figures[0] -= 1
            figures[1] -= observations
            figures[2] -= total
            figures[3] -= total_sq
            for label in bands:
                _add(figures[4], label, -1)
            if figures[1] <= 0:
                del cell.figures[measure]
        presence.delete()
        if cell.figures:
            cell.save(update_fields=["figures"])
        else:
            # An empty cell is deleted, so the incremental state equals a rebuild's exactly.
            cell.delete()
    return len(presences)


@dataclass
class _Sums:
    n_obs: int = 0
    total: float = 0.0
    total_sq: float = 0.0
    bands: dict[str, int] = field(default_factory=dict)

    def add(self, value: float, label: str | None) -> None:
        self.n_obs += 1
        self.total += value
        self.total_sq += value * value
        if label is not None:
            self.bands[label] = self.bands.get(label, 0) + 1


@transaction.atomic
def rebuild(observations: Iterable[Observation]) -> int:
    """Wipe every cell and recompute them all from `observations`. Returns the cell count."""
    # cell key -> measure -> sums, and cell key -> member -> measure -> the member's sums
    cells: dict[tuple, dict[str, _Sums]] = {}
    members: dict[tuple, dict[str, dict[str, _Sums]]] = {}
    cohorts_checked: set[tuple[int, int]] = set()
    hashes: dict[int, str] = {}
    for obs in observations:
        value = float(obs.value)
        label = _band_label(obs.measure, value, obs.band)
        if (obs.school_id, obs.cohort_id) not in cohorts_checked:
            _check_cohort(obs.school_id, obs.cohort_id)
            cohorts_checked.add((obs.school_id, obs.cohort_id))
        if obs.student_id not in hashes:
            hashes[obs.student_id] = member_key(obs.student_id)
        for key in _cell_keys(obs, MEASURES[obs.measure].source):
            cells.setdefault(key, {}).setdefault(obs.measure, _Sums()).add(value, label)
            presence = members.setdefault(key, {}).setdefault(hashes[obs.student_id], {})
            presence.setdefault(obs.measure, _Sums()).add(value, label)

    CellMember.objects.all().delete()
    RollupCell.objects.all().delete()
    created = RollupCell.objects.bulk_create(
        [_built_cell(key, by_measure, members[key].values()) for key, by_measure in cells.items()],
        batch_size=1000,
    )
    CellMember.objects.bulk_create(
        [
            CellMember(
                cell_id=cell.pk,
                member=member,
                figures={
                    measure: [sums.n_obs, sums.total, sums.total_sq, sums.bands]
                    for measure, sums in presence.items()
                },
            )
            for cell, key in zip(created, cells, strict=True)
            for member, presence in members[key].items()
        ],
        batch_size=2000,
    )
    return len(created)


def _built_cell(
    key: tuple, by_measure: dict[str, _Sums], presences: Iterable[dict[str, _Sums]]
) -> RollupCell:
    """A cell as a rebuild writes it, from its sums and its members' own sums."""
    school_id, cohort_id, scope, rotation_id, week, source = key
    presences = list(presences)
    figures = {}
    for measure, sums in by_measure.items():
        counted = [presence[measure] for presence in presences if measure in presence]
        figures[measure] = [
            len(counted), sums.n_obs, sums.total, sums.total_sq, _students_per_band(counted)
        ]  # fmt: skip
    return RollupCell(
        school_id=school_id,
        cohort_id=cohort_id,
        scope=scope,
        rotation_id=rotation_id,
        week=week,
        source=source,
        figures=figures,
    )


def _students_per_band(presences: Iterable[_Sums]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for presence in presences:
        for label in presence.bands:
            counts[label] = counts.get(label, 0) + 1
    return counts
