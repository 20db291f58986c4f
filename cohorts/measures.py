"""The catalogue of measures staff can see: the one place that says what each number means.

A measure is a *mean* (a scale or a score: the average of every observation in the group),
a *proportion* (a yes/no self-care answer: the share of check-ins that said yes) or a *count*
(participation: how many students checked in at least once).
"""

from dataclasses import dataclass
from typing import Literal

import instruments

MEAN = "mean"
PROPORTION = "proportion"
COUNT = "count"
SCREEN_PREFIX = "screen:"
PARTICIPATION = "checkin"
# Every measure a check-in carries is kept in one rollup row per group and week, under this
# source; each screening instrument has rows of its own (see `Measure.source`).
CHECKIN_SOURCE = "checkin"
YES, NO = "yes", "no"


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    kind: Literal["mean", "proportion", "count"]
    better: Literal["higher", "lower"] | None
    description: str
    low: float
    high: float
    bands: tuple[str, ...] = ()

    @property
    def is_screening(self) -> bool:
        return self.key.startswith(SCREEN_PREFIX)

    @property
    def source(self) -> str:
        """The rollup row this measure is counted in: a check-in's measures arrive together,
        so they share one row per group and week; a screening has rows of its own."""
        return self.key if self.is_screening else CHECKIN_SOURCE


def _scale(key: str, label: str, better: str, description: str) -> Measure:
    return Measure(key, label, MEAN, better, description, 1, 5)


def _self_care(key: str, label: str, description: str) -> Measure:
    return Measure(key, label, PROPORTION, "higher", description, 0, 1, (YES, NO))


CHECKIN_MEASURES: tuple[Measure, ...] = (
    _scale("mood", "Well-being (mood)", "higher", "How the day felt, 1 very low to 5 very good."),
    _scale("stress", "Stress", "lower", "1 calm to 5 overwhelmed."),
    _scale("energy", "Energy", "higher", "1 drained to 5 energised."),
    _scale("sleep_quality", "Sleep quality", "higher", "1 poor to 5 great."),
    _scale("loneliness", "Loneliness", "lower", "1 connected to 5 very lonely."),
    _scale("purpose", "Sense of purpose", "higher", "1 none to 5 strong."),
    Measure(
        "sleep_hours", "Hours of sleep", MEAN, None, "Hours slept in the last 24 hours.", 0, 16
    ),
    _self_care("ate_well", "Ate well", "Share of check-ins that said they ate well."),
    _self_care("moved", "Moved", "Share of check-ins that said they moved or exercised."),
    _self_care("rested", "Rested", "Share of check-ins that said they took a rest."),
    _self_care(
        "connected", "Connected", "Share of check-ins that said they connected with someone."
    ),
    _self_care("meditated", "Meditated", "Share of check-ins that said they meditated."),
    _self_care("therapy", "Therapy", "Share of check-ins that said they went to therapy."),
)
PARTICIPATION_MEASURE = Measure(
    PARTICIPATION,
    "Participation",
    COUNT,
    None,
    "Students who checked in at least once in the week, out of the students enrolled now.",
    1,
    1,
)


# Well-being, resilience and meaning: a higher score is better; for every other screening
# (distress, anxiety, burnout, stress, loneliness) a lower one is.
HIGHER_IS_BETTER = {"who5", "brs", "mlq_presence"}


def _screening(instrument) -> Measure:
    better = "higher" if instrument.id in HIGHER_IS_BETTER else "lower"
    return Measure(
        f"{SCREEN_PREFIX}{instrument.id}",
        instrument.short_name,
        MEAN,
        better,
        f"Average {instrument.name} score ({instrument.scoring.min}–{instrument.scoring.max}).",
        float(instrument.scoring.min),
        float(instrument.scoring.max),
        tuple(band.label for band in instrument.bands),
    )


SCREENING_MEASURES: tuple[Measure, ...] = tuple(
    _screening(instruments.get_instrument(i)) for i in instruments.instrument_ids()
)
MEASURES: dict[str, Measure] = {
    m.key: m for m in (*CHECKIN_MEASURES, PARTICIPATION_MEASURE, *SCREENING_MEASURES)
}
# What the dashboard's "measure" menu offers for trends and the rotation heat map.
CHARTED_MEASURES: tuple[Measure, ...] = (*CHECKIN_MEASURES, *SCREENING_MEASURES)


def measure(key: str) -> Measure:
    """The catalogue entry for `key`; KeyError for anything not pre-declared."""
    return MEASURES[key]
