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


def _cell_keys(
    *, school_id: int, cohort_id: int, rotation_id: int | None, day: date, measure: str
) -> list[dict]:
    base = {"school_id": school_id, "cohort_id": cohort_id, "week": week_of(day)}
    base["measure"] = measure
    group = (
        {"scope": Scope.ROTATION, "rotation_id": rotation_id}
        if rotation_id is not None
        else {"scope": Scope.UNPLACED, "rotation_id": None}
    )
    # Always the cohort cell first: every writer locks in the same order.
    return [{**base, "scope": Scope.COHORT, "rotation_id": None}, {**base, **group}]


def _check_cohort(school_id: int, cohort_id: int) -> None:
    # On every check-in's path: a plain statement, not an ORM query compiled each time.
    if not sql.tuples(Cohort, ["id"], "id = %s AND school_id = %s", [cohort_id, school_id]):
        raise ValidationError({"cohort_id": "This cohort does not belong to this school."})


# The hot path (`apply_changes`) reads and writes these figures as plain values, not model
# instances: a first check-in moves 28 cells and 28 members, and building, converting and
# comparing 56 model instances cost more than the statements themselves.
CELL_FIELDS = ["n_students", "n_obs", "total", "total_sq", "band_counts"]
MEMBER_FIELDS = ["observations", "total", "total_sq", "bands"]


class _CellFigures:
    """One cell's figures as read under the lock (`before`) and as they become."""

    __slots__ = ("pk", "n_students", "n_obs", "total", "total_sq", "band_counts", "before")

    def __init__(self, pk: int, n_students: int, n_obs: int, total, total_sq, band_counts):
        self.pk, self.n_students, self.n_obs = pk, n_students, n_obs
        self.total, self.total_sq, self.band_counts = total, total_sq, _json(band_counts)
        self.before = self.state()

    def state(self) -> tuple:
        return (self.n_students, self.n_obs, self.total, self.total_sq, dict(self.band_counts))


class _MemberFigures:
    """One member's figures in one cell, as read under the lock (`before`) and as they become."""

    __slots__ = ("pk", "observations", "total", "total_sq", "bands", "before")

    def __init__(self, pk: int | None, observations: int, total, total_sq, bands):
        self.pk, self.observations = pk, observations
        self.total, self.total_sq, self.bands = total, total_sq, _json(bands)
        self.before = self.state()

    def state(self) -> tuple:
        return (self.observations, self.total, self.total_sq, dict(self.bands))


def _json(value) -> dict:
    # The drivers hand JSON columns back as text (Django decodes them in its converters).
    return json.loads(value) if isinstance(value, str) else dict(value or {})


def _lock_cells(keys: list[dict], *, create: bool) -> dict[tuple, _CellFigures]:
    """Lock (and, when adding, create) the cells for `keys` in a few queries, in one order.

    Returns each cell's figures under its key: (school, cohort, scope, rotation, week,
    measure)."""
    wanted = {_db_key(key): key for key in keys}
    groups: dict[tuple, list[dict]] = {}
    for key in wanted.values():
        groups.setdefault((key["school_id"], key["cohort_id"]), []).append(key)

    def locked() -> dict[tuple, _CellFigures]:
        found = {}
        for (school_id, cohort_id), group in groups.items():
            rotations = sorted({key["rotation_id"] for key in group} - {None})
            weeks = sorted({key["week"] for key in group})
            measures = sorted({key["measure"] for key in group})
            rotation_clause = "rotation_id IS NULL"
            if rotations:
                rotation_clause += f" OR rotation_id IN ({sql.placeholders(rotations)})"
            query = sql.tuples(
                RollupCell,
                ["scope", "rotation", "week", "measure", "id", *CELL_FIELDS],
                f"school_id = %s AND cohort_id = %s AND week IN ({sql.placeholders(weeks)})"
                f" AND measure IN ({sql.placeholders(measures)}) AND ({rotation_clause})",
                [school_id, cohort_id]
                + [sql.value(RollupCell, "week", week) for week in weeks]
                + measures
                + rotations,
                order_by="measure, scope, rotation_id, week",
                for_update=True,
            )
            for scope, rotation_id, week, measure, *figures in query:
                frozen = (school_id, cohort_id, scope, rotation_id, week, measure)
                if frozen in wanted:
                    found[frozen] = _CellFigures(*figures)
        return found

    cells = locked()
    missing = [RollupCell(**wanted[frozen]) for frozen in wanted if frozen not in cells]
    if create and missing:
        # A concurrent writer may create some of them first: skip those, then lock them all.
        RollupCell.objects.bulk_create(missing, ignore_conflicts=True)
        cells = locked()
    return cells


def _db_key(key: dict) -> tuple:
    return (key["school_id"], key["cohort_id"], str(key["scope"]), key["rotation_id"],
            key["week"], key["measure"])  # fmt: skip


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
    change are written (a resubmitted check-in that changes one answer touches two cells).
    Must run inside the caller's transaction.

    `removed` must be what was counted before, as it is for every row these services wrote:
    an observation in both lists is skipped, not counted afresh. After a change made outside
    them (a cohort moved by hand, rollups wiped), run `rebuild_rollups`."""
    # Every observation is validated (and its band found) once, cancelled or not.
    labels = {obs: _band_label(obs.measure, float(obs.value), obs.band) for obs in removed}
    labels.update({obs: _band_label(obs.measure, float(obs.value), obs.band) for obs in added})
    # An observation taken back and counted again leaves every figure as it was: cancel such
    # pairs first, so a resubmitted check-in that changes one answer reads and writes only
    # that answer's cells.
    net = Counter(added)
    net.subtract(Counter(removed))
    signed = [(obs, -1) for obs, k in net.items() if k < 0 for _ in range(-k)]
    signed += [(obs, 1) for obs, k in net.items() if k > 0 for _ in range(k)]
    if not signed:
        return
    for school_id, cohort_id in {(obs.school_id, obs.cohort_id) for obs, _ in signed}:
        _check_cohort(school_id, cohort_id)
    hashes = {
        student_id: member_key(student_id) for student_id in {o.student_id for o, _ in signed}
    }
    keyed = []
    for obs, sign in signed:
        for key in _cell_keys(
            school_id=obs.school_id,
            cohort_id=obs.cohort_id,
            rotation_id=obs.rotation_id,
            day=obs.day,
            measure=obs.measure,
        ):
            keyed.append((key, sign, hashes[obs.student_id], float(obs.value), labels[obs]))
    cells = _lock_cells([key for key, *_ in keyed], create=any(sign > 0 for _, sign in signed))
    cell_ids = sorted(cell.pk for cell in cells.values())
    member_keys = sorted(set(hashes.values()))
    members = {
        (cell_id, member): _MemberFigures(pk, *figures)
        for pk, cell_id, member, *figures in (
            sql.tuples(
                CellMember,
                ["id", "cell", "member", *MEMBER_FIELDS],
                f"cell_id IN ({sql.placeholders(cell_ids)})"
                f" AND member IN ({sql.placeholders(member_keys)})",
                cell_ids + member_keys,
            )
            if cell_ids
            else []
        )
    }
    for key, sign, member, value, label in keyed:
        cell = cells.get(_db_key(key))
        if cell is None:
            continue  # nothing was ever counted here: nothing to take back
        presence = members.get((cell.pk, member))
        if presence is None:
            if sign < 0:
                continue
            presence = _MemberFigures(None, 0, 0.0, 0.0, {})
            members[(cell.pk, member)] = presence
        if presence.observations == 0 and sign > 0:
            cell.n_students += 1
        _change(cell, presence, sign=sign, value=value, label=label)
        if presence.observations == 0:
            cell.n_students -= 1
    _write_members(members)
    # An empty cell is deleted, so the incremental state equals a rebuild's exactly.
    if empty := [c.pk for c in cells.values() if c.n_obs <= 0]:
        RollupCell.objects.filter(pk__in=empty).delete()
    band_counts = RollupCell._meta.get_field("band_counts")
    sql.update_values(
        RollupCell,
        CELL_FIELDS,
        [
            [c.n_students, c.n_obs, c.total, c.total_sq,
             band_counts.get_db_prep_save(c.band_counts, connection), c.pk]
            for c in cells.values()
            if c.n_obs > 0 and c.state() != c.before
        ],
    )  # fmt: skip


def _write_members(members: dict[tuple, _MemberFigures]) -> None:
    if gone := [m.pk for m in members.values() if m.pk and m.observations <= 0]:
        CellMember.objects.filter(pk__in=gone).delete()
    bands = CellMember._meta.get_field("bands")
    sql.update_values(
        CellMember,
        MEMBER_FIELDS,
        [
            [m.observations, m.total, m.total_sq, bands.get_db_prep_save(m.bands, connection), m.pk]
            for m in members.values()
            if m.pk and m.observations > 0 and m.state() != m.before
        ],
    )
    sql.insert_values(
        CellMember,
        ["cell", *MEMBER_FIELDS, "member"],
        [
            [cell_id, m.observations, m.total, m.total_sq,
             bands.get_db_prep_save(m.bands, connection), member]
            for (cell_id, member), m in members.items()
            if not m.pk and m.observations > 0
        ],
    )  # fmt: skip


def _change(cell, presence, *, sign: int, value: float, label) -> None:
    """Count (sign=1) or take back (sign=-1) one observation in a cell and its member's
    presence there (the figures `apply_changes` read under its lock)."""
    presence.observations += sign
    presence.total += sign * value
    presence.total_sq += sign * value * value
    cell.n_obs += sign
    cell.total += sign * value
    cell.total_sq += sign * value * value
    if label is None:
        return
    before = presence.bands.get(label, 0)
    after = before + sign
    if after > 0:
        presence.bands[label] = after
    else:
        presence.bands.pop(label, None)
    if before == 0 and after > 0:
        cell.band_counts[label] = cell.band_counts.get(label, 0) + 1
    elif before > 0 and after <= 0:
        remaining = cell.band_counts.get(label, 0) - 1
        if remaining > 0:
            cell.band_counts[label] = remaining
        else:
            cell.band_counts.pop(label, None)


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


def _take_back(
    cell: RollupCell,
    presence: CellMember,
    *,
    observations: int,
    total: float,
    total_sq: float,
    bands: dict[str, int],
) -> None:
    presence.observations -= observations
    presence.total -= total
    presence.total_sq -= total_sq
    cell.n_obs -= observations
    cell.total -= total
    cell.total_sq -= total_sq
    for label, count in bands.items():
        left = presence.bands.get(label, 0) - count
        if left > 0:
            presence.bands[label] = left
            continue
        presence.bands.pop(label, None)
        remaining = cell.band_counts.get(label, 0) - 1
        if remaining > 0:
            cell.band_counts[label] = remaining
        else:
            cell.band_counts.pop(label, None)
    if presence.observations <= 0:
        presence.delete()
        cell.n_students -= 1
    else:
        presence.save()
    if cell.n_obs <= 0:
        # An empty cell is deleted, so the incremental state equals a rebuild's exactly.
        cell.delete()
    else:
        cell.save()


@transaction.atomic
def purge_student(*, student_id: int) -> int:
    """Remove everything one student contributed to every cell (account deletion).

    Returns how many cells they were in.
    """
    presences = list(CellMember.objects.filter(member=member_key(student_id)).order_by("cell_id"))
    cells = RollupCell.objects.select_for_update().in_bulk([p.cell_id for p in presences])
    for presence in presences:
        _take_back(
            cells[presence.cell_id],
            presence,
            observations=presence.observations,
            total=presence.total,
            total_sq=presence.total_sq,
            bands=dict(presence.bands),
        )
    return len(presences)


@dataclass
class _Sums:
    n_obs: int = 0
    total: float = 0.0
    total_sq: float = 0.0
    bands: dict[str, int] = field(default_factory=dict)


@transaction.atomic
def rebuild(observations: Iterable[Observation]) -> int:
    """Wipe every cell and recompute them all from `observations`. Returns the cell count."""
    cells: dict[tuple, _Sums] = {}
    members: dict[tuple, dict[str, _Sums]] = {}
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
        keys = _cell_keys(
            school_id=obs.school_id,
            cohort_id=obs.cohort_id,
            rotation_id=obs.rotation_id,
            day=obs.day,
            measure=obs.measure,
        )
        for key in keys:
            frozen = tuple(sorted(key.items()))
            for sums in (
                cells.setdefault(frozen, _Sums()),
                members.setdefault(frozen, {}).setdefault(hashes[obs.student_id], _Sums()),
            ):
                sums.n_obs += 1
                sums.total += value
                sums.total_sq += value * value
                if label is not None:
                    sums.bands[label] = sums.bands.get(label, 0) + 1

    CellMember.objects.all().delete()
    RollupCell.objects.all().delete()
    created = RollupCell.objects.bulk_create(
        [
            RollupCell(
                **dict(frozen),
                n_students=len(members[frozen]),
                n_obs=sums.n_obs,
                total=sums.total,
                total_sq=sums.total_sq,
                band_counts=_students_per_band(members[frozen].values()),
            )
            for frozen, sums in cells.items()
        ],
        batch_size=1000,
    )
    CellMember.objects.bulk_create(
        [
            CellMember(
                cell_id=cell.pk,
                member=member,
                observations=sums.n_obs,
                total=sums.total,
                total_sq=sums.total_sq,
                bands=sums.bands,
            )
            for cell, frozen in zip(created, cells, strict=True)
            for member, sums in members[frozen].items()
        ],
        batch_size=2000,
    )
    return len(created)


def _students_per_band(presences: Iterable[_Sums]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for presence in presences:
        for label in presence.bands:
            counts[label] = counts.get(label, 0) + 1
    return counts
