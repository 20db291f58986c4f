"""Walks every instrument's band edges, flag thresholds and missing-answer limit, read from
its data file.

The expected score is computed here from the options alone (exact fractions, half-up
rounding), not by the engine, and a witness answer list is built for every score the
instrument can reach; each band edge and threshold is then checked from both sides. The
hand-written vectors from the published sources live in test_source_vectors.py.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest

from instruments import InvalidAnswers, get_instrument, instrument_ids, score


def _expected(instrument, answers):
    """The score and flags the data file implies for complete or partly missing answers."""
    scored = [
        (item, value)
        for item, value in zip(instrument.items, answers, strict=False)
        if value is not None
    ]
    values = [min(i.values) + max(i.values) - v if i.reverse else v for i, v in scored]
    n = len(instrument.items)
    scoring = instrument.scoring
    if scoring.method == "mean":
        raw = Fraction(sum(values), len(values))
    else:
        raw = Fraction(sum(values)) * n / len(values) * scoring.multiplier
    quantum = Decimal(1).scaleb(-scoring.decimals)
    rounded = (Decimal(raw.numerator) / Decimal(raw.denominator)).quantize(
        quantum, rounding=ROUND_HALF_UP
    )
    value = int(rounded) if scoring.decimals == 0 else float(rounded)
    flags = []
    for flag in instrument.flags:
        if flag.basis == "score":
            checked = [value]
        elif flag.basis == "item":
            checked = [answers[flag.item - 1]] if answers[flag.item - 1] is not None else []
        else:
            checked = [v for v in answers[: len(instrument.items)] if v is not None]
        if any(flag.triggered(v) for v in checked) and flag.name not in flags:
            flags.append(flag.name)
    return value, flags


def _witnesses(instrument, items=None):
    """For each reachable total of scored values, one answer list (for ``items``, by default
    every scored item) reaching it."""
    reachable = {0: []}
    for item in instrument.items if items is None else items:
        following = {}
        for total, answers in reachable.items():
            for raw in item.values:
                scored = min(item.values) + max(item.values) - raw if item.reverse else raw
                following.setdefault(total + scored, answers + [raw])
        reachable = following
    return reachable


def _by_score(instrument):
    found = {}
    for answers in _witnesses(instrument).values():
        value, _ = _expected(instrument, answers)
        found.setdefault(value, answers)
    return found


def _check(instrument_id, answers):
    instrument = get_instrument(instrument_id)
    value, flags = _expected(instrument, answers)
    result = score(instrument_id, answers)
    assert result.score == value, answers
    assert list(result.flags) == flags, answers
    band = next((b for b in instrument.bands if b.min <= value <= b.max), None)
    assert result.band == (band.label if band else None), answers
    return result


@pytest.mark.parametrize("instrument_id", instrument_ids())
def test_every_band_edge_from_both_sides(instrument_id):
    instrument = get_instrument(instrument_id)
    reachable = _by_score(instrument)
    assert min(reachable) == instrument.scoring.min
    assert max(reachable) == instrument.scoring.max
    for band in instrument.bands:
        inside = [s for s in reachable if band.min <= s <= band.max]
        assert inside, f"{instrument_id}: band {band.label} cannot be reached"
        for edge in (min(inside), max(inside)):
            assert _check(instrument_id, reachable[edge]).band == band.label
        below = [s for s in reachable if s < band.min]
        above = [s for s in reachable if s > band.max]
        for outside in ([max(below)] if below else []) + ([min(above)] if above else []):
            assert _check(instrument_id, reachable[outside]).band != band.label
    # Every reachable score falls in exactly one band (or none, where there are no bands).
    for value in reachable:
        matches = [b for b in instrument.bands if b.min <= value <= b.max]
        assert len(matches) == (1 if instrument.bands else 0), (instrument_id, value)


@pytest.mark.parametrize("instrument_id", instrument_ids())
def test_every_score_flag_threshold_from_both_sides(instrument_id):
    instrument = get_instrument(instrument_id)
    reachable = _by_score(instrument)
    for flag in instrument.flags:
        if flag.basis != "score":
            continue
        at_or_below = [s for s in reachable if s <= flag.threshold]
        above = [s for s in reachable if s > flag.threshold]
        for edge in ([max(at_or_below)] if at_or_below else []) + ([min(above)] if above else []):
            result = _check(instrument_id, reachable[edge])
            if flag.triggered(edge):
                assert flag.name in result.flags


@pytest.mark.parametrize("instrument_id", instrument_ids())
def test_every_item_flag_for_every_option(instrument_id):
    instrument = get_instrument(instrument_id)
    for flag in instrument.flags:
        if flag.basis == "score":
            continue
        numbers = [flag.item] if flag.basis == "item" else [i.number for i in instrument.items]
        for number in numbers:
            item = instrument.items[number - 1]
            # Every other item at its most reassuring option, so only this answer can flag.
            base = []
            for other in instrument.items:
                safe = [v for v in other.values if not flag.triggered(v)]
                base.append(max(safe) if flag.operator in ("<", "<=") else min(safe))
            for value in item.values:
                answers = list(base)
                answers[number - 1] = value
                result = _check(instrument_id, answers)
                if flag.triggered(value):
                    assert flag.name in result.flags
                    # Raised from the item even when the total cannot be scored.
                    if instrument.missing.max_missing < len(instrument.items) - 1:
                        gappy = [None] * len(answers)
                        gappy[number - 1] = value
                        with pytest.raises(InvalidAnswers) as info:
                            score(instrument_id, gappy)
                        assert flag.name in info.value.flags


@pytest.mark.parametrize("instrument_id", instrument_ids())
def test_the_missing_answer_limit_from_both_sides(instrument_id):
    instrument = get_instrument(instrument_id)
    n = len(instrument.items)
    allowed = instrument.missing.max_missing
    middle = [item.values[len(item.values) // 2] for item in instrument.items]
    # Leave out the first `k` items: k = allowed scores (prorated or averaged), k + 1 does not.
    at_limit = [None] * allowed + middle[allowed:]
    result = _check(instrument_id, at_limit)
    assert (result.answered, result.prorated) == (n - allowed, allowed > 0)
    with pytest.raises(InvalidAnswers) as info:
        score(instrument_id, [None] * (allowed + 1) + middle[allowed + 1 :])
    assert "answers" in info.value.errors


@pytest.mark.parametrize(
    "instrument_id",
    [i for i in instrument_ids() if get_instrument(i).missing.max_missing],
)
def test_every_total_from_fewer_answers(instrument_id):
    # With 1..max_missing items left out, every reachable sum of the others: this is where a
    # prorated total can end in .5 (PHQ-9: 4.5, 13.5, 22.5) and the rounding rule decides.
    instrument = get_instrument(instrument_id)
    for missing in range(1, instrument.missing.max_missing + 1):
        for answers in _witnesses(instrument, instrument.items[missing:]).values():
            result = _check(instrument_id, [None] * missing + answers)
            assert result.prorated and result.answered == len(instrument.items) - missing
