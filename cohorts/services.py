"""The write path into the rollups. Called by the apps that own personal rows, inside their
own transaction, so a check-in and its contribution to the aggregates commit (or fail)
together. Every function here is the exact inverse of another: add/remove, rebuild/purge.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.crypto import salted_hmac

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


def _locked_cell(key: dict, *, create: bool) -> RollupCell | None:
    try:
        return RollupCell.objects.select_for_update().get(**key)
    except RollupCell.DoesNotExist:
        if not create:
            return None
    try:
        with transaction.atomic():
            return RollupCell.objects.create(**key)
    except IntegrityError:
        # Another writer created it between our read and our insert: lock theirs.
        return RollupCell.objects.select_for_update().get(**key)


def _check_cohort(school_id: int, cohort_id: int) -> None:
    if not Cohort.objects.filter(pk=cohort_id, school_id=school_id).exists():
        raise ValidationError({"cohort_id": "This cohort does not belong to this school."})


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
    value = float(value)
    label = _band_label(measure, value, band)
    _check_cohort(school_id, cohort_id)
    member = member_key(student_id)
    keys = _cell_keys(
        school_id=school_id, cohort_id=cohort_id, rotation_id=rotation_id, day=day, measure=measure
    )
    for key in keys:
        cell = _locked_cell(key, create=True)
        # The cell's row lock serialises every change to its members.
        presence, joined = CellMember.objects.get_or_create(cell=cell, member=member)
        presence.observations += 1
        presence.total += value
        presence.total_sq += value * value
        cell.n_obs += 1
        cell.total += value
        cell.total_sq += value * value
        if joined:
            cell.n_students += 1
        if label is not None:
            presence.bands[label] = presence.bands.get(label, 0) + 1
            if presence.bands[label] == 1:
                cell.band_counts[label] = cell.band_counts.get(label, 0) + 1
        presence.save()
        cell.save()


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
    value = float(value)
    label = _band_label(measure, value, band)
    member = member_key(student_id)
    keys = _cell_keys(
        school_id=school_id, cohort_id=cohort_id, rotation_id=rotation_id, day=day, measure=measure
    )
    for key in keys:
        cell = _locked_cell(key, create=False)
        if cell is None:
            continue
        presence = CellMember.objects.filter(cell=cell, member=member).first()
        if presence is None:
            continue
        _take_back(
            cell,
            presence,
            observations=1,
            total=value,
            total_sq=value * value,
            bands={label: 1} if label is not None else {},
        )


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
