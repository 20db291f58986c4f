"""Frozen data types describing an instrument and a scoring result."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Number = int | float

ScoringMethod = Literal["sum", "sum_multiplied", "mean"]
MissingRule = Literal["refuse", "prorate", "mean_of_answered"]
# "item": one item's answer; "any_item": any single item's answer; "score": the final score.
Basis = Literal["item", "any_item", "score"]
Operator = Literal[">=", ">", "<=", "<"]


@dataclass(frozen=True)
class Option:
    value: int
    label: str
    loinc: str | None = None


@dataclass(frozen=True)
class Item:
    number: int
    text: str
    options: tuple[Option, ...]
    reverse: bool = False
    loinc: str | None = None
    # The data file's name for the option set, which is also the FHIR code system's name.
    option_set: str = ""
    # False for a question on the authors' form that no score uses (e.g. PHQ-9 question 10).
    scored: bool = True

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(option.value for option in self.options)

    def scored_value(self, value: int) -> int:
        """The value after reverse-scoring (min + max - value) where the item is reversed."""
        if not self.reverse:
            return value
        return min(self.values) + max(self.values) - value


@dataclass(frozen=True)
class Band:
    min: Number
    max: Number
    label: str
    meaning: str
    source: str

    def contains(self, score: Number) -> bool:
        return self.min <= score <= self.max


@dataclass(frozen=True)
class Flag:
    name: str
    basis: Basis
    operator: Operator
    threshold: Number
    source: str
    item: int | None = None

    def triggered(self, value: Number) -> bool:
        if self.operator == ">=":
            return value >= self.threshold
        if self.operator == ">":
            return value > self.threshold
        if self.operator == "<=":
            return value <= self.threshold
        return value < self.threshold


@dataclass(frozen=True)
class Scoring:
    method: ScoringMethod
    min: Number
    max: Number
    decimals: int
    source: str
    multiplier: int = 1


@dataclass(frozen=True)
class MissingPolicy:
    rule: MissingRule
    max_missing: int
    source: str
    # How a prorated whole-number total is rounded, and why (required for "prorate").
    rounding: str = ""


@dataclass(frozen=True)
class Instrument:
    id: str
    name: str
    short_name: str
    citation: str
    licence: str
    recall_period: str
    stem: str
    items: tuple[Item, ...]
    scoring: Scoring
    missing: MissingPolicy
    bands: tuple[Band, ...]
    flags: tuple[Flag, ...]
    verification: tuple[str, ...] = field(default=())
    # Every change from the published wording, order or administration, and why.
    adaptations: tuple[str, ...] = field(default=())
    bands_note: str = ""
    loinc_panel: str | None = None
    loinc_total: str | None = None
    version: str = ""

    # Questions printed on the authors' form after the scored items that no score uses, such
    # as the PHQ-9's "how difficult have these problems made it..." question. They are asked
    # (optionally) and exported, never scored; answers to them may be left off the end.
    unscored_items: tuple[Item, ...] = field(default=())

    @property
    def questions(self) -> tuple[Item, ...]:
        """Every question in form order: the scored items, then the unscored ones."""
        return self.items + self.unscored_items

    @property
    def reverse_items(self) -> tuple[int, ...]:
        return tuple(item.number for item in self.items if item.reverse)

    def band_for(self, score: Number) -> Band | None:
        for band in self.bands:
            if band.contains(score):
                return band
        return None


@dataclass(frozen=True)
class ScoreResult:
    instrument: str
    score: Number
    band: str | None
    band_meaning: str | None
    flags: tuple[str, ...]
    answered: int
    prorated: bool

    def to_dict(self) -> dict[str, object]:
        return {
            "instrument": self.instrument,
            "score": self.score,
            "band": self.band,
            "flags": list(self.flags),
        }
