"""Shared helpers for the instrument tests (plain module, no conftest)."""

from __future__ import annotations

from instruments import get_instrument


def answers_for_total(instrument_id: str, total: int) -> list[int]:
    """Answers to an instrument with no reversed items whose item values sum to ``total``."""
    instrument = get_instrument(instrument_id)
    answers = []
    remaining = total
    for item in instrument.items:
        value = min(max(item.values), remaining)
        answers.append(value)
        remaining -= value
    assert remaining == 0, f"{total} is out of range for {instrument_id}"
    return answers


def flip(instrument_id: str, answers: list[int], numbers: tuple[int, ...]) -> list[int]:
    """Mirror the answers to the given 1-based items within their option range."""
    instrument = get_instrument(instrument_id)
    flipped = list(answers)
    for number in numbers:
        values = instrument.items[number - 1].values
        flipped[number - 1] = min(values) + max(values) - answers[number - 1]
    return flipped
