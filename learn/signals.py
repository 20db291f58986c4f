"""Which suggestion signals a student's own recent check-ins and screenings raise.

Pure Python over plain rows, so the thresholds are tested with plain asserts and hypothesis.
Thresholds are deliberately gentle: a suggestion is an offer of a lesson, not a judgement.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

CHECKIN_DAYS = 14
MIN_CHECKINS = 3
SCREENING_DAYS = 60


class CheckInLike(Protocol):
    day: date
    mood: int
    stress: int
    sleep_hours: object
    sleep_quality: int
    loneliness: int
    purpose: int
    ate_well: bool
    moved: bool
    rested: bool


@dataclass(frozen=True)
class Screening:
    instrument: str
    score: float
    day: date


# (instrument, score at or above which the signal is raised); the cut-offs are the
# instruments' own screening thresholds (see instruments/data/*.toml).
SCREENING_RULES: dict[str, tuple[tuple[str, float], ...]] = {
    "anxiety": (("gad7", 10), ("gad2", 3)),
    "depression_screen": (("phq9", 10), ("phq2", 3)),
    "burnout": (("cbi_personal", 50), ("cbi_work", 50)),
    # UCLA-3: 6-9 is the "more often lonely" band.
    "lonely": (("ucla3", 6),),
}


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def checkin_signals(checkins: Iterable[CheckInLike], today: date) -> set[str]:
    start = today - timedelta(days=CHECKIN_DAYS - 1)
    recent = [c for c in checkins if start <= c.day <= today]
    if len(recent) < MIN_CHECKINS:
        return set()

    def mean(name: str) -> float:
        # A quick check-in leaves all but the mood out; a question nobody answered raises nothing.
        given = [float(value) for c in recent if (value := getattr(c, name)) is not None]
        return _mean(given) if given else float("nan")

    def share(name: str) -> float:
        return sum(1 for c in recent if getattr(c, name)) / len(recent)

    rules = {
        "sleep_short": mean("sleep_hours") < 6.5,
        "sleep_poor": mean("sleep_quality") <= 2,
        "stress_high": mean("stress") >= 4,
        "mood_low": mean("mood") <= 2,
        # 1 connected - 5 very lonely (checkins.models.CheckIn.loneliness).
        "lonely": mean("loneliness") >= 4,
        "purpose_low": mean("purpose") <= 2,
        "moved_rarely": share("moved") < 0.25,
        "ate_poorly": share("ate_well") < 0.40,
        "rested_rarely": share("rested") < 0.25,
    }
    return {name for name, raised in rules.items() if raised}


def screening_signals(screenings: Iterable[Screening], today: date) -> set[str]:
    """Only the latest result of each instrument counts, and only if it is recent."""
    latest: dict[str, Screening] = {}
    for screening in screenings:
        current = latest.get(screening.instrument)
        if current is None or screening.day >= current.day:
            latest[screening.instrument] = screening
    start = today - timedelta(days=SCREENING_DAYS)
    raised = set()
    for signal, rules in SCREENING_RULES.items():
        for instrument, cut_off in rules:
            result = latest.get(instrument)
            if result is not None and start <= result.day <= today and result.score >= cut_off:
                raised.add(signal)
    return raised


def signals_for(
    checkins: Iterable[CheckInLike], screenings: Iterable[Screening], today: date
) -> set[str]:
    return checkin_signals(checkins, today) | screening_signals(screenings, today)
