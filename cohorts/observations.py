"""What a personal-data app pushes into the rollups: one value of one measure, on one day."""

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Observation:
    school_id: int
    cohort_id: int
    rotation_id: int | None
    day: date
    measure: str
    value: float
    band: str | None
    student_id: int
