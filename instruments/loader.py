"""Reads the instrument definitions in ``instruments/data/*.toml`` into frozen dataclasses."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any

from .models import Band, Flag, Instrument, Item, MissingPolicy, Option, Scoring


class DefinitionError(ValueError):
    """A data file is inconsistent; raised at load time so bad data never scores anyone."""


def _options(raw: list[dict[str, Any]]) -> tuple[Option, ...]:
    return tuple(Option(value=o["value"], label=o["label"], loinc=o.get("loinc")) for o in raw)


def _build(data: dict[str, Any]) -> Instrument:
    option_sets = {name: _options(raw) for name, raw in data["option_sets"].items()}
    default_set = data.get("default_option_set")
    reverse = set(data.get("reverse_items", []))
    items = []
    unscored = []
    raw_items = [(raw, True) for raw in data["items"]]
    raw_items += [(raw, False) for raw in data.get("unscored_items", [])]
    for number, (raw, scored) in enumerate(raw_items, start=1):
        set_name = raw.get("options", default_set)
        if set_name not in option_sets:
            raise DefinitionError(f"{data['id']} item {number}: unknown option set {set_name!r}")
        (items if scored else unscored).append(
            Item(
                number=number,
                text=raw["text"],
                options=option_sets[set_name],
                reverse=scored and number in reverse,
                loinc=raw.get("loinc"),
                option_set=set_name,
                scored=scored,
            )
        )
    scoring_raw = data["scoring"]
    scoring = Scoring(
        method=scoring_raw["method"],
        min=scoring_raw["min"],
        max=scoring_raw["max"],
        decimals=scoring_raw.get("decimals", 0),
        multiplier=scoring_raw.get("multiplier", 1),
        source=scoring_raw["source"],
    )
    missing_raw = data["missing"]
    missing = MissingPolicy(
        rule=missing_raw["rule"],
        max_missing=missing_raw.get("max_missing", 0),
        source=missing_raw["source"],
        rounding=missing_raw.get("rounding", ""),
    )
    bands = tuple(
        Band(
            min=b["min"],
            max=b["max"],
            label=b["label"],
            meaning=b["meaning"],
            source=b["source"],
        )
        for b in data.get("bands", [])
    )
    flags = tuple(
        Flag(
            name=f["name"],
            basis=f["basis"],
            operator=f["operator"],
            threshold=f["threshold"],
            item=f.get("item"),
            source=f["source"],
        )
        for f in data.get("flags", [])
    )
    instrument = Instrument(
        id=data["id"],
        name=data["name"],
        short_name=data["short_name"],
        version=data.get("version", ""),
        citation=data["citation"],
        licence=data["licence"],
        recall_period=data["recall_period"],
        stem=data["stem"],
        items=tuple(items),
        unscored_items=tuple(unscored),
        scoring=scoring,
        missing=missing,
        bands=bands,
        bands_note=data.get("bands_note", ""),
        flags=flags,
        loinc_panel=data.get("loinc_panel"),
        loinc_total=data.get("loinc_total"),
        verification=tuple(data.get("verification", [])),
        adaptations=tuple(data.get("adaptations", [])),
    )
    _check(instrument)
    return instrument


def _check(instrument: Instrument) -> None:
    problems = []
    numbers = {item.number for item in instrument.items}
    for number in instrument.reverse_items:
        if number not in numbers:
            problems.append(f"reverse item {number} does not exist")
    if instrument.missing.rule == "refuse" and instrument.missing.max_missing:
        problems.append("rule 'refuse' must have max_missing = 0")
    if instrument.missing.rule == "prorate" and not instrument.missing.rounding:
        problems.append("rule 'prorate' must state how a prorated total is rounded")
    if instrument.missing.rule == "prorate" and instrument.scoring.method == "mean":
        problems.append("a mean score handles missing answers with 'mean_of_answered'")
    if instrument.missing.max_missing >= len(instrument.items):
        problems.append("max_missing must leave at least one answered item")
    for flag in instrument.flags:
        if flag.basis not in ("item", "any_item", "score"):
            problems.append(f"flag {flag.name} has an unknown basis {flag.basis!r}")
        if flag.basis == "item" and flag.item not in numbers:
            problems.append(f"flag {flag.name} refers to missing item {flag.item}")
    previous_max = None
    for band in instrument.bands:
        if band.min > band.max:
            problems.append(f"band {band.label} has min > max")
        if previous_max is not None and band.min <= previous_max:
            problems.append(f"band {band.label} overlaps the band before it")
        previous_max = band.max
    if instrument.bands and (
        instrument.bands[0].min != instrument.scoring.min
        or instrument.bands[-1].max != instrument.scoring.max
    ):
        problems.append("bands must cover the whole score range")
    if problems:
        raise DefinitionError(f"{instrument.id}: " + "; ".join(problems))


@cache
def load_all() -> dict[str, Instrument]:
    """Every instrument keyed by id, loaded once per process."""
    instruments: dict[str, Instrument] = {}
    for entry in sorted(resources.files("instruments.data").iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".toml"):
            continue
        data = tomllib.loads(entry.read_text(encoding="utf-8"))
        expected_id = entry.name.removesuffix(".toml")
        if data.get("id") != expected_id:
            raise DefinitionError(f"{entry.name}: id must be {expected_id!r}")
        instruments[expected_id] = _build(data)
    return instruments
