"""Scores answers to an instrument according to its data file."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from .errors import InvalidAnswers, UnknownInstrument
from .loader import load_all
from .models import Instrument, Number, ScoreResult


def instrument_ids() -> list[str]:
    return sorted(load_all())


def get_instrument(instrument_id: str) -> Instrument:
    try:
        return load_all()[instrument_id]
    except (KeyError, TypeError):
        raise UnknownInstrument(instrument_id, instrument_ids()) from None


def _round(value: Fraction, decimals: int) -> Number:
    # Half-up, not Python's banker's rounding: 2.5 must become 3 as a clinician would round it.
    quantum = Decimal(1).scaleb(-decimals)
    rounded = (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        quantum, rounding=ROUND_HALF_UP
    )
    return int(rounded) if decimals == 0 else float(rounded)


def _validate(instrument: Instrument, answers: Sequence[int | None]) -> dict[int | str, str]:
    """Errors in ``answers``: one per scored item, optionally followed by one per unscored
    question (answers to the unscored questions may be left off the end)."""
    if isinstance(answers, (str, bytes)) or not isinstance(answers, Sequence):
        return {"answers": "answers must be a list with one value (or None) per item"}
    expected = len(instrument.items)
    with_unscored = len(instrument.questions)
    if len(answers) not in (expected, with_unscored):
        also = (
            f" ({with_unscored} with the unscored question at the end)"
            if with_unscored > expected
            else ""
        )
        return {
            "answers": f"{instrument.short_name} has {expected} items, "
            f"but {len(answers)} answers were given{also}"
        }
    errors: dict[int | str, str] = {}
    for index, (item, value) in enumerate(zip(instrument.questions, answers, strict=False)):
        if value is None:
            continue
        allowed = ", ".join(str(v) for v in item.values)
        if isinstance(value, bool) or not isinstance(value, int):
            errors[index] = f"answer must be a whole number, one of {allowed}; got {value!r}"
        elif value not in item.values:
            errors[index] = f"answer must be one of {allowed}; got {value}"
    return errors


def _item_flags(instrument: Instrument, answers: Sequence[int | None]) -> list[str]:
    """Flags read from single items; safe to compute whenever that item holds a valid answer."""
    flags = []
    if isinstance(answers, (str, bytes)) or not isinstance(answers, Sequence):
        return flags
    if len(answers) not in (len(instrument.items), len(instrument.questions)):
        return flags
    for flag in instrument.flags:
        if flag.basis == "item" and flag.item is not None:
            numbers = [flag.item]
        elif flag.basis == "any_item":
            numbers = [item.number for item in instrument.items]
        else:
            continue
        for number in numbers:
            item = instrument.items[number - 1]
            value = answers[number - 1]
            if isinstance(value, bool) or not isinstance(value, int) or value not in item.values:
                continue
            if flag.triggered(value) and flag.name not in flags:
                flags.append(flag.name)
    return flags


def score(instrument_id: str, answers: Sequence[int | None]) -> ScoreResult:
    """Score ``answers`` (option values in item order, ``None`` for a missing answer)."""
    instrument = get_instrument(instrument_id)
    errors = _validate(instrument, answers)
    flags = _item_flags(instrument, answers)
    if errors:
        raise InvalidAnswers(instrument.id, errors, tuple(flags))

    n_items = len(instrument.items)
    # Only the scored items count; an answer to an unscored question is validated, not used.
    scored_answers = list(answers)[: len(instrument.items)]
    answered = [
        item.scored_value(value)
        for item, value in zip(instrument.items, scored_answers, strict=True)
        if value is not None
    ]
    missing = n_items - len(answered)
    policy = instrument.missing
    if missing > policy.max_missing:
        if policy.max_missing == 0:
            message = (
                f"all {n_items} items of {instrument.short_name} must be answered "
                f"({missing} missing)"
            )
        else:
            message = (
                f"{instrument.short_name} can be scored with at most {policy.max_missing} "
                f"of {n_items} items missing ({missing} missing)"
            )
        raise InvalidAnswers(instrument.id, {"answers": message}, tuple(flags))

    scoring = instrument.scoring
    total = Fraction(sum(answered))
    # Both missing-answer rules amount to giving missing items the mean of the answered ones.
    prorated = missing > 0
    if scoring.method == "mean":
        raw = total / len(answered)
    else:
        if missing:
            total = total * n_items / len(answered)
        raw = total * scoring.multiplier
    value = _round(raw, scoring.decimals)

    for flag in instrument.flags:
        if flag.basis == "score" and flag.triggered(value) and flag.name not in flags:
            flags.append(flag.name)
    band = instrument.band_for(value)
    return ScoreResult(
        instrument=instrument.id,
        score=value,
        band=band.label if band else None,
        band_meaning=band.meaning if band else None,
        flags=tuple(flags),
        answered=len(answered),
        prorated=prorated,
    )
