"""The write path into the rollups. Called by the apps that own personal rows, inside their
own transaction, so a check-in and its contribution to the aggregates commit (or fail)
together. Every function here is the exact inverse of another: add/remove, rebuild/purge.
"""

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import FilteredRelation, Q
from django.utils.crypto import salted_hmac

from lib.dates import week_of
from schools.models import Cohort

from .figures import Figures, Share, counted, without_share
from .measures import COUNT, MEASURES, NO, PROPORTION, YES
from .models import CellMember, RollupCell, Scope
from .observations import Observation

# Changing this string (or SECRET_KEY) orphans every member hash: run `rebuild_rollups` after.
MEMBER_PURPOSE = "wellrounded.cohorts.rollup-member"


def member_key(student_id: int) -> str:
    """A keyed hash that tells cell members apart without saying who they are."""
    return salted_hmac(MEMBER_PURPOSE, str(student_id), algorithm="sha256").hexdigest()


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
    if not Cohort.objects.filter(pk=cohort_id, school_id=school_id).exists():
        raise ValidationError({"cohort_id": "This cohort does not belong to this school."})


@dataclass
class _Cell:
    """A cell's figures by measure, as read under its lock, and whether they changed."""

    pk: int
    figures: dict[str, Figures]
    changed: bool = False


@dataclass
class _Presence:
    """A member's shares by measure in one cell (pk None: not stored yet)."""

    pk: int | None
    shares: dict[str, Share]
    changed: bool = False


def _lock_cells(
    keys: list[tuple], members: list[str], *, create: bool
) -> tuple[dict[tuple, _Cell], dict[tuple, _Presence]]:
    """Lock (and, when adding, create) the cells for `keys`, in one order, and read the
    presences of `members` in them in the same statement.

    A key is (school, cohort, scope, rotation, week, source). Returns each cell under its key,
    and each presence under (cell id, member)."""
    wanted = set(keys)
    groups: dict[tuple, list[tuple]] = {}
    for key in wanted:
        groups.setdefault(key[:2], []).append(key)

    def locked() -> tuple[dict[tuple, _Cell], dict[tuple, _Presence]]:
        cells, presences = {}, {}
        for (school_id, cohort_id), group in groups.items():
            rows = (
                RollupCell.objects.select_for_update(of=("self",))
                .filter(
                    Q(rotation__isnull=True) | Q(rotation__in={key[3] for key in group} - {None}),
                    school_id=school_id,
                    cohort_id=cohort_id,
                    week__in={key[4] for key in group},
                    source__in={key[5] for key in group},
                )
                .annotate(
                    present=FilteredRelation("members", condition=Q(members__member__in=members))
                )
                .order_by("source", "scope", "rotation_id", "week")
                .values_list(
                    "scope", "rotation_id", "week", "source", "pk", "figures",
                    "present__pk", "present__member", "present__figures",
                )
            )  # fmt: skip
            for scope, rotation_id, week, source, pk, figures, *presence in rows:
                key = (school_id, cohort_id, scope, rotation_id, week, source)
                if key not in wanted:
                    continue
                if key not in cells:
                    cells[key] = _Cell(pk, {m: Figures(*f) for m, f in figures.items()})
                member_pk, member, shares = presence
                if member_pk is not None:
                    stored = {m: Share(*share) for m, share in shares.items()}
                    presences[(pk, member)] = _Presence(member_pk, stored)
        return cells, presences

    cells, presences = locked()
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
        cells, presences = locked()
    return cells, presences


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
    cells, presences = _lock_cells(
        [key for key, _, _ in keyed],
        sorted(set(hashes.values())),
        create=any(s > 0 for _, s in signed),
    )
    for key, obs, sign in keyed:
        cell = cells.get(key)
        if cell is None:
            continue  # nothing was ever counted here: nothing to take back
        presence = presences.get((cell.pk, hashes[obs.student_id]))
        if presence is None:
            if sign < 0:
                continue
            presence = presences[(cell.pk, hashes[obs.student_id])] = _Presence(None, {})
        figures, share = counted(
            cell.figures.get(obs.measure),
            presence.shares.get(obs.measure),
            sign=sign,
            value=float(obs.value),
            band=labels[obs],
        )
        _put(cell.figures, obs.measure, figures)
        _put(presence.shares, obs.measure, share)
        cell.changed = presence.changed = True
    _write_members(presences)
    # An empty cell is deleted, so the incremental state equals a rebuild's exactly.
    if empty := [cell.pk for cell in cells.values() if not cell.figures]:
        RollupCell.objects.filter(pk__in=empty).delete()
    RollupCell.objects.bulk_update(
        [
            RollupCell(pk=cell.pk, figures=_stored(cell.figures))
            for cell in cells.values()
            if cell.figures and cell.changed
        ],
        ["figures"],
    )


def _put(by_measure: dict, measure: str, value) -> None:
    if value is None:
        by_measure.pop(measure, None)
    else:
        by_measure[measure] = value


def _stored(by_measure: dict[str, Figures | Share]) -> dict[str, list]:
    return {measure: value.stored() for measure, value in by_measure.items()}


def _write_members(presences: dict[tuple, _Presence]) -> None:
    if gone := [p.pk for p in presences.values() if p.pk and not p.shares]:
        CellMember.objects.filter(pk__in=gone).delete()
    CellMember.objects.bulk_update(
        [
            CellMember(pk=p.pk, figures=_stored(p.shares))
            for p in presences.values()
            if p.pk and p.shares and p.changed
        ],
        ["figures"],
    )
    CellMember.objects.bulk_create(
        [
            CellMember(cell_id=cell_id, member=member, figures=_stored(p.shares))
            for (cell_id, member), p in presences.items()
            if not p.pk and p.shares
        ]
    )


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
        for measure, share in presence.figures.items():
            left = without_share(Figures(*cell.figures[measure]), Share(*share))
            _put(cell.figures, measure, left.stored() if left else None)
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
                    measure: Share(sums.n_obs, sums.total, sums.total_sq, sums.bands).stored()
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
        present = [presence[measure] for presence in presences if measure in presence]
        figures[measure] = Figures(
            n_students=len(present),
            n_obs=sums.n_obs,
            total=sums.total,
            total_sq=sums.total_sq,
            band_counts=_students_per_band(present),
        ).stored()
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
