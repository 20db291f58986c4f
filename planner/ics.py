"""iCalendar in and out: parse an export (recurrences, time zones, all-day days) into typed
occurrences, fetch one from an https URL without letting the server be used against its own
network, and write the student's feed."""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events

from . import planning

MAX_BYTES = 1_000_000
MAX_EVENTS = 2000
HORIZON_DAYS = 120
FETCH_TIMEOUT = 5
# An all-day entry (an exam day) is planned as busy during the working day, not all 24 hours,
# so the night before and after can still hold sleep.
ALL_DAY_HOURS = (time(8, 0), time(17, 0))

KEYWORDS = [  # first match wins: "night call" is a call
    (planning.CALL, ("call", "q4", "q3", "24h", "24-hour")),
    (planning.NIGHT_FLOAT, ("night float", "nightfloat", "nights", "night shift")),
    (planning.EXAM, ("exam", "shelf", "osce", "nbme", "step 1", "step 2", "quiz", "test")),
    (planning.CLASS, ("class", "lecture", "seminar", "tutorial", "small group", "teaching")),
    (
        planning.SHIFT,
        ("shift", "clinic", "ward", "rounds", "surgery", "theatre", "clerkship", "rotation"),
    ),
]


class CalendarError(ValueError):
    """A calendar that cannot be imported; the message says what to do."""


@dataclass(frozen=True)
class Occurrence:
    uid: str
    recurrence_id: str
    kind: str
    start: datetime
    end: datetime
    all_day: bool


def kind_of(summary: str, categories: str = "") -> str:
    text = f" {summary} {categories} ".lower()
    for kind, words in KEYWORDS:
        if any(word in text for word in words):
            return kind
    return planning.OTHER


def _aware(value, zone: ZoneInfo) -> datetime:
    if isinstance(value, datetime):
        return value.replace(tzinfo=zone) if value.tzinfo is None else value  # floating = local
    return datetime.combine(value, time(), tzinfo=zone)


def _text(component, name: str) -> str:
    value = component.get(name)
    if value is None:
        return ""
    if hasattr(value, "cats"):
        return " ".join(str(c) for c in value.cats)
    if isinstance(value, list):
        return " ".join(_text({"x": v}, "x") for v in value)
    return str(value)


def parse_calendar(data: bytes | str, zone: ZoneInfo, start: date) -> list[Occurrence]:
    """Every occurrence between `start` and HORIZON_DAYS later, times in `zone`."""
    if isinstance(data, str):
        data = data.encode()
    if len(data) > MAX_BYTES:
        raise CalendarError(
            f"That calendar is larger than {MAX_BYTES // 1_000_000} MB. Export a shorter "
            "date range (e.g. the next four months) and try again."
        )
    try:
        calendar = icalendar.Calendar.from_ical(data)
    except Exception as error:  # icalendar raises ValueError, KeyError, IndexError...
        raise CalendarError(
            "That file is not a calendar we can read (iCalendar, .ics). Export it again from "
            "your calendar app."
        ) from error
    if getattr(calendar, "name", "") != "VCALENDAR":
        raise CalendarError("That file is not an iCalendar (.ics) calendar.")
    horizon_end = start + timedelta(days=HORIZON_DAYS)
    occurrences: list[Occurrence] = []
    try:
        # A one-off event is keyed by its UID alone, so moving it updates it on re-import;
        # occurrences of a series also by their original start (RECURRENCE-ID).
        series = {
            str(c.get("UID", ""))
            for c in calendar.walk("VEVENT")
            if c.get("RRULE") or c.get("RDATE") or c.get("RECURRENCE-ID")
        }
        query = recurring_ical_events.of(calendar, components=["VEVENT"])
        for index, event in enumerate(query.between(start, horizon_end)):
            if index >= MAX_EVENTS:
                raise CalendarError(
                    f"That calendar has more than {MAX_EVENTS} events in the next "
                    f"{HORIZON_DAYS} days. Export only your own schedule and try again."
                )
            occurrences.append(_occurrence(event, zone, series))
    except CalendarError:
        raise
    except Exception as error:
        raise CalendarError(
            "Some events in that calendar are malformed (dates or repeat rules we cannot "
            "read). Export it again from your calendar app."
        ) from error
    return occurrences


def _occurrence(event, zone: ZoneInfo, series: set[str]) -> Occurrence:
    dtstart = event.get("DTSTART")
    if dtstart is None:
        raise CalendarError("An event has no start time.")
    raw_start = dtstart.dt
    all_day = not isinstance(raw_start, datetime)
    dtend = event.get("DTEND")
    raw_end = dtend.dt if dtend is not None else None
    if raw_end is None:
        duration = event.get("DURATION")
        if duration is not None:
            raw_end = raw_start + duration.dt
        else:
            raw_end = raw_start + (timedelta(days=1) if all_day else timedelta(hours=1))
    if all_day:
        start = datetime.combine(raw_start, ALL_DAY_HOURS[0], tzinfo=zone)
        last_day = raw_end - timedelta(days=1) if raw_end > raw_start else raw_start
        end = datetime.combine(last_day, ALL_DAY_HOURS[1], tzinfo=zone)
    else:
        start = _aware(raw_start, zone).astimezone(zone)
        end = _aware(raw_end, zone).astimezone(zone)
    if end <= start:
        raise CalendarError(f"An event on {start:%d %b %Y} ends before it starts.")
    uid = str(event.get("UID", ""))[:255]
    recurrence = event.get("RECURRENCE-ID")
    original = recurrence.dt if recurrence is not None else raw_start
    if uid not in series:
        original = ""
    elif isinstance(original, datetime):
        original = _aware(original, zone).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    else:
        original = original.strftime("%Y%m%d")
    return Occurrence(
        uid=uid,
        recurrence_id=original,
        kind=kind_of(_text(event, "SUMMARY"), _text(event, "CATEGORIES")),
        start=start,
        end=end,
        all_day=all_day,
    )


# Fetching a calendar URL


def _public_address(host: str) -> str:
    """The first address of `host`, refusing the whole host if any address is not public:
    a calendar URL must not reach the server's own network (SSRF)."""
    try:
        infos = socket.getaddrinfo(host, 443, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise CalendarError(f"The address {host} could not be found.") from error
    addresses = [info[4][0] for info in infos]
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if not ip.is_global or ip.is_multicast or ip.is_reserved:
            raise CalendarError(
                "That address points into a private network. Use your calendar's public "
                "https export link."
            )
    return addresses[0]


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to the address that was checked (no second DNS lookup to rebind), with the
    certificate verified for the host name."""

    def __init__(self, host: str, address: str, port: int):
        super().__init__(host, port, timeout=FETCH_TIMEOUT, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def fetch_calendar(url: str) -> bytes:
    """GET an https calendar export: 5 s timeout, at most MAX_BYTES, no redirects."""
    parts = urlsplit(url.strip())
    if parts.scheme != "https" or not parts.hostname:
        raise CalendarError("Use an https:// calendar link (webcal:// links: change to https://).")
    if parts.username or parts.password:
        raise CalendarError("Remove the user name and password from the link.")
    address = _public_address(parts.hostname)
    connection = _PinnedHTTPSConnection(parts.hostname, address, parts.port or 443)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    try:
        connection.request("GET", path, headers={"Accept": "text/calendar"})
        response = connection.getresponse()
        if 300 <= response.status < 400:
            raise CalendarError(
                "That link redirects elsewhere. Open it in a browser and paste the final address."
            )
        if response.status != 200:
            raise CalendarError(f"The calendar server answered {response.status}.")
        body = response.read(MAX_BYTES + 1)
    except (OSError, http.client.HTTPException) as error:
        raise CalendarError("The calendar could not be fetched (no answer within 5 s).") from error
    finally:
        connection.close()
    if len(body) > MAX_BYTES:
        raise CalendarError("That calendar is larger than 1 MB. Export a shorter date range.")
    return body


# The student's feed


def feed_calendar(blocks: Iterable, labels: dict[str, str], site: str) -> bytes:
    """Accepted blocks as an iCalendar feed: kinds and times only, never a name or an answer."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Well-Rounded//Protected time//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Protected time")
    host = urlsplit(site).hostname or "wellrounded"
    stamp = datetime.now(UTC).replace(microsecond=0)
    for block in blocks:
        event = icalendar.Event()
        event.add("uid", f"block-{block.pk}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", block.starts_at.astimezone(UTC))
        event.add("dtend", block.ends_at.astimezone(UTC))
        event.add("summary", labels.get(block.kind, block.kind))
        event.add("categories", [block.kind])
        event.add("transp", "OPAQUE")
        calendar.add_component(event)
    return calendar.to_ical()
