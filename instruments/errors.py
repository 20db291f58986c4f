"""Exceptions raised by the instruments package."""

from __future__ import annotations


class UnknownInstrument(KeyError):
    def __init__(self, instrument_id: str, valid_ids: list[str]) -> None:
        self.instrument_id = instrument_id
        self.valid_ids = valid_ids
        self.message = (
            f"Unknown instrument {instrument_id!r}. Valid instrument ids: {', '.join(valid_ids)}."
        )
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class InvalidAnswers(ValueError):
    """Answers that cannot be scored.

    ``errors`` maps a 0-based item index (or ``"answers"`` for the whole list) to a message.
    ``flags`` holds safety flags that could still be read from the valid answers, so a
    caller never loses, say, a PHQ-9 item 9 response because another item was skipped.
    """

    def __init__(
        self,
        instrument_id: str,
        errors: dict[int | str, str],
        flags: tuple[str, ...] = (),
    ) -> None:
        self.instrument_id = instrument_id
        self.errors = errors
        self.flags = flags
        details = "; ".join(
            f"item {key + 1}: {msg}" if isinstance(key, int) else msg for key, msg in errors.items()
        )
        super().__init__(f"Cannot score {instrument_id}: {details}")
