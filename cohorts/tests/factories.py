"""Rollup data for tests, pushed in through the same service the check-in app calls."""

import random
from datetime import date, timedelta

from django.utils import timezone

from accounts.models import User
from cohorts import services
from cohorts.measures import measure
from cohorts.models import Figures, RollupCell
from cohorts.observations import Observation
from schools.models import Cohort, Enrollment, VerifiedBy

SCALES = ["mood", "stress", "energy", "sleep_quality", "loneliness", "purpose"]
SELF_CARE = ["ate_well", "moved", "rested", "connected", "meditated", "therapy"]


def enroll(cohort: Cohort, count: int, prefix: str = "s") -> list[int]:
    """`count` students in `cohort` (bulk: these tests exercise rollups, not sign-up)."""
    users = User.objects.bulk_create(
        [User(email=f"{prefix}{i}.{cohort.pk}@example.org") for i in range(count)]
    )
    # Verified (on the school's roster), so counted in the figures.
    Enrollment.objects.bulk_create(
        [
            Enrollment(
                student=u, school=cohort.school, cohort=cohort,
                verified_at=timezone.now(), verified_by=VerifiedBy.ROSTER,
            )
            for u in users
        ]
    )  # fmt: skip
    return [u.pk for u in users]


def weeks_ago(cohort: Cohort, weeks: int, weekday: int = 2) -> date:
    today = cohort.school.today()
    monday = today - timedelta(days=today.weekday())
    return monday - timedelta(weeks=weeks) + timedelta(days=weekday)


def checkin_observations(
    cohort: Cohort, student_id: int, day: date, rotation_id: int | None, rng: random.Random
) -> list[Observation]:
    base = {
        "school_id": cohort.school_id,
        "cohort_id": cohort.pk,
        "rotation_id": rotation_id,
        "day": day,
        "student_id": student_id,
        "band": None,
    }
    values = {name: float(rng.randint(1, 5)) for name in SCALES}
    values["sleep_hours"] = round(rng.uniform(3, 10), 1)
    values.update({name: float(rng.random() < 0.5) for name in SELF_CARE})
    values["checkin"] = 1.0
    return [Observation(measure=m, value=v, **base) for m, v in values.items()]


def screening_observation(
    cohort: Cohort, student_id: int, day: date, rotation_id: int | None, score: float, band: str
) -> Observation:
    return Observation(
        school_id=cohort.school_id,
        cohort_id=cohort.pk,
        rotation_id=rotation_id,
        day=day,
        measure="screen:phq9",
        value=score,
        band=band,
        student_id=student_id,
    )


PHQ9_BANDS = [(0, 4, "Minimal"), (5, 9, "Mild"), (10, 14, "Moderate")]


def random_phq9(cohort, student_id, day, rotation_id, rng) -> Observation:
    low, high, band = rng.choice(PHQ9_BANDS)
    return screening_observation(cohort, student_id, day, rotation_id, rng.randint(low, high), band)


def add_all(observations) -> None:
    for observation in observations:
        services.add_observation(**observation.__dict__)


def measure_figures() -> list[tuple]:
    """Every measure's figures in every cell, keyed by its group, so two ways of computing can
    be compared: (school, cohort, scope, rotation, week, measure, n_students, n_obs, total,
    total_sq, band_counts), sums rounded to 6 places (their order of addition differs)."""
    return sorted(
        (
            cell.school_id, cell.cohort_id, cell.scope, cell.rotation_id, cell.week, key,
            figures.n_students, figures.n_obs, round(figures.total, 6),
            round(figures.total_sq, 6), figures.band_counts,
        )
        for cell in RollupCell.objects.all()
        for key, figures in cell.measures()
    )  # fmt: skip


def figures_of(measure_key: str, scope: str = "cohort", **filters) -> Figures:
    """One measure's figures in the one cell of `scope` (and `filters`) that counts it."""
    cell = RollupCell.objects.get(source=measure(measure_key).source, scope=scope, **filters)
    return dict(cell.measures())[measure_key]
