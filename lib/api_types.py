"""Field types the JSON API shares across apps."""

import re
from datetime import date, time
from typing import Annotated

from ninja import Schema
from pydantic import AfterValidator, BeforeValidator, model_serializer

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_date(value):
    # pydantic would otherwise read 0 or 1700000000 as a Unix time: a date must look like one.
    if isinstance(value, date) or (isinstance(value, str) and ISO_DATE.match(value)):
        return value
    raise ValueError("Use a date like 2026-11-24.")


# Far enough for any real question, near enough that a day or a year either side of it
# (a default range, a week start) is still a date Python can represent.
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2999, 12, 31)


def _in_range(value: date) -> date:
    if not FIRST_DAY <= value <= LAST_DAY:
        raise ValueError(f"Use a date between {FIRST_DAY} and {LAST_DAY}.")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date), AfterValidator(_in_range)]


def _local_time(value: time) -> time:
    if value.tzinfo is not None:
        raise ValueError(
            "Give a time of day without an offset, like 22:00: it is read in your time zone."
        )
    return value


LocalTime = Annotated[time, AfterValidator(_local_time)]


class ErrorOut(Schema):
    """The one error shape of the API (see wellrounded/api.py)."""

    detail: str
    errors: dict[str, list[str]] | None = None

    @model_serializer(mode="wrap")
    def leave_out_empty(self, handler):
        """A missing `errors` (or `crisis`) is left out, never sent as null: the documented
        shape says each is an object when present."""
        return {key: value for key, value in handler(self).items() if value is not None}
