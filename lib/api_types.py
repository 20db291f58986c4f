"""Field types the JSON API shares across apps."""

import re
from datetime import date
from typing import Annotated

from ninja import Schema
from pydantic import BeforeValidator

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_date(value):
    # pydantic would otherwise read 0 or 1700000000 as a Unix time: a date must look like one.
    if isinstance(value, date) or (isinstance(value, str) and ISO_DATE.match(value)):
        return value
    raise ValueError("Use a date like 2026-11-24.")


IsoDate = Annotated[date, BeforeValidator(_iso_date)]


class ErrorOut(Schema):
    """The one error shape of the API (see wellrounded/api.py)."""

    detail: str
    errors: dict[str, list[str]] | None = None
