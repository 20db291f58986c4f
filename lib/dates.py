"""Calendar arithmetic shared by every app."""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone


def today_in(zone: str) -> date:
    """Today's date in the time zone named `zone` (an IANA name such as "America/New_York")."""
    return timezone.localdate(timezone=ZoneInfo(zone))


def week_of(day: date) -> date:
    """The Monday of `day`'s ISO week."""
    return day - timedelta(days=day.weekday())
