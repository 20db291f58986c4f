"""iCalendar in and out: parse an export (recurrences, time zones, all-day days) into typed
occurrences, fetch one from an https URL without letting the server be used against its own
network, and write the student's feed."""

from __future__ import annotations

import http.client
import ipaddress
import multiprocessing
import re
import resource
import socket
import ssl
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from time import monotonic
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events

from . import planning

MAX_BYTES = 1_000_000
MAX_EVENTS = 2000
HORIZON_DAYS = 120
# Reading a calendar runs in a child process stopped after this long (wall clock and CPU):
# no file, however its rules are written, can hold a worker longer.
PARSE_SECONDS = 1.5
FETCH_TIMEOUT = 5  # per socket operation
FETCH_DEADLINE = 10  # for the whole fetch: a server dripping bytes cannot hold a worker
READ_CHUNK = 64 * 1024
# Repeat rules that can yield more than this many occurrences a day are refused before
# anything is expanded (a 300-byte FREQ=SECONDLY file would otherwise fill the memory).
MAX_PER_DAY = 24
# An all-day entry (an exam day) is planned as busy during the working day, not all 24 hours,
# so the night before and after can still hold sleep.
ALL_DAY_HOURS = (time(8, 0), time(17, 0))

KEYWORDS = [  # first match wins: "night call" is a call; whole words only ("recall" is not)
    (planning.CALL, ("call", "q4", "q3", "24h", "24-hour")),
    (planning.NIGHT_FLOAT, ("night float", "nightfloat", "nights", "night shift")),
    (planning.EXAM, ("exam", "exams", "shelf", "osce", "nbme", "step 1", "step 2", "quiz", "test")),
    (planning.CLASS, ("class", "lecture", "seminar", "tutorial", "small group", "teaching")),
    (
        planning.SHIFT,
        ("shift", "clinic", "ward", "rounds", "surgery", "theatre", "clerkship", "rotation"),
    ),
]
_PATTERNS = [
    (kind, re.compile(r"(?<![a-z0-9])(?:" + "|".join(map(re.escape, words)) + r")(?![a-z0-9])"))
    for kind, words in KEYWORDS
]


UNREADABLE = (
    "Some events in that calendar are malformed (dates or repeat rules we cannot read). "
    "Export it again from your calendar app."
)
TOO_COMPLEX = (
    "That calendar is too complex to read in {seconds} s (very many events or repeat rules). "
    "Export only your own schedule for the next four months and try again."
)


class CalendarError(ValueError):
    """A calendar that cannot be imported; the message says what to do."""


class TooComplex(CalendarError):
    """Not read within the time allowed: the worker, with more time, may still read it."""


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
    for kind, pattern in _PATTERNS:
        if pattern.search(text):
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


def _check_repeat_rules(calendar) -> None:
    """Refuse repeat rules that explode before expanding anything: a schedule repeats at
    most hourly, and never more than MAX_PER_DAY times a day."""
    for component in calendar.walk("VEVENT"):
        rules = component.get("RRULE")
        for rule in rules if isinstance(rules, list) else [rules] if rules else []:
            freq = str((rule.get("FREQ") or [""])[0]).upper()
            if freq in ("SECONDLY", "MINUTELY"):
                raise CalendarError(
                    "That calendar has an event repeating every second or minute; a schedule "
                    "cannot be planned from it. Remove that event and try again."
                )
            per_day = 24 if freq == "HOURLY" else 1
            for part in ("BYHOUR", "BYMINUTE", "BYSECOND"):
                if rule.get(part):
                    per_day = (1 if part == "BYHOUR" else per_day) * len(rule[part])
            if freq == "HOURLY" and not (rule.get("COUNT") or rule.get("UNTIL")):
                raise CalendarError(
                    "That calendar has an event repeating every hour without end; remove it "
                    "or give it an end date, and try again."
                )
            if per_day > MAX_PER_DAY:
                raise CalendarError(
                    f"That calendar has an event repeating more than {MAX_PER_DAY} times a "
                    "day; remove it and try again."
                )


def parse_calendar(data: bytes | str, zone: ZoneInfo, start: date) -> list[Occurrence]:
    """Every occurrence between `start` and HORIZON_DAYS later, times in `zone`.

    Cancelled and free ("transparent") events are skipped; all-day entries other than exams
    are context (a rotation's name, a holiday), not busy time; an exam over several days
    becomes one working day each."""
    if isinstance(data, str):
        data = data.encode()
    if len(data) > MAX_BYTES:
        raise CalendarError(
            f"That calendar is larger than {MAX_BYTES // 1_000_000} MB. Export a shorter "
            "date range (e.g. the next four months) and try again."
        )
    try:
        calendars = icalendar.Calendar.from_ical(data, multiple=True)
    except Exception as error:  # icalendar raises ValueError, KeyError, IndexError...
        raise CalendarError(
            "That file is not a calendar we can read (iCalendar, .ics). Export it again from "
            "your calendar app."
        ) from error
    if not calendars or any(getattr(c, "name", "") != "VCALENDAR" for c in calendars):
        raise CalendarError("That file is not an iCalendar (.ics) calendar.")
    # A file may hold several calendars one after another (RFC 5545 3.4): read them as one.
    calendar = calendars[0]
    for other in calendars[1:]:
        calendar.subcomponents.extend(other.subcomponents)
    horizon_start = datetime.combine(start, time(), tzinfo=zone)
    horizon_end = horizon_start + timedelta(days=HORIZON_DAYS)
    occurrences: list[Occurrence] = []
    try:
        _check_repeat_rules(calendar)
        # An event without a start (an iTIP reply, a fragment) has no time to plan around.
        calendar.subcomponents = [
            c for c in calendar.subcomponents if c.name != "VEVENT" or "DTSTART" in c
        ]
        # A one-off event is keyed by its UID alone, so moving it updates it on re-import;
        # occurrences of a series also by their original start (RECURRENCE-ID).
        series = {
            str(c.get("UID", ""))
            for c in calendar.walk("VEVENT")
            if c.get("RRULE") or c.get("RDATE") or c.get("RECURRENCE-ID")
        }
        query = recurring_ical_events.of(calendar, components=["VEVENT"])
        # Only the import window is expanded, so the budget counts occurrences in it: a
        # daily series begun in 1960 costs what its next 120 days cost. (`after()` would
        # walk every occurrence since the series began: 80 s for that one.)
        events = query.between(horizon_start, horizon_end)
        if len(events) > MAX_EVENTS:
            raise CalendarError(
                f"That calendar has more than {MAX_EVENTS} events in the next "
                f"{HORIZON_DAYS} days. Export only your own schedule and try again."
            )
        for event in events:
            occurrences.extend(_occurrences(event, zone, series))
    except CalendarError:
        raise
    except Exception as error:
        raise CalendarError(UNREADABLE) from error
    return occurrences


def _occurrences(event, zone: ZoneInfo, series: set[str]) -> list[Occurrence]:
    if str(event.get("STATUS", "")).upper() == "CANCELLED":
        return []
    if str(event.get("TRANSP", "")).upper() == "TRANSPARENT":
        return []
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
        elif all_day:
            raw_end = raw_start + timedelta(days=1)  # RFC 5545 3.6.1: a DATE start, one day
        else:
            return []  # a DATE-TIME start alone is a point in time (a deadline): no busy time
    # PostgreSQL cannot store a NUL; nothing else in a UID matters to us.
    uid = str(event.get("UID", "")).replace("\x00", "")[:255]
    recurrence = event.get("RECURRENCE-ID")
    original = recurrence.dt if recurrence is not None else raw_start
    if uid not in series:
        original = ""
    elif isinstance(original, datetime):
        original = _aware(original, zone).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    else:
        original = original.strftime("%Y%m%d")
    kind = kind_of(_text(event, "SUMMARY"), _text(event, "CATEGORIES"))
    if all_day:
        if kind != planning.EXAM:
            return []  # "Surgery clerkship" over three weeks: context, not one busy span
        last_day = raw_end - timedelta(days=1) if raw_end > raw_start else raw_start
        days = [raw_start + timedelta(days=n) for n in range((last_day - raw_start).days + 1)]
        return [
            Occurrence(
                uid=uid,
                recurrence_id=original if len(days) == 1 else f"{original}+{day:%Y%m%d}",
                kind=kind,
                start=datetime.combine(day, ALL_DAY_HOURS[0], tzinfo=zone),
                end=datetime.combine(day, ALL_DAY_HOURS[1], tzinfo=zone),
                all_day=True,
            )
            for day in days[:HORIZON_DAYS]
        ]
    start = _aware(raw_start, zone).astimezone(zone)
    end = _aware(raw_end, zone).astimezone(zone)
    if end < start:
        raise CalendarError(f"An event on {start:%d %b %Y} ends before it starts.")
    if end == start:
        return []  # a reminder or a deadline: valid, and no busy time
    return [Occurrence(uid, original, kind, start, end, all_day)]


def _parse_in_child(sender, data: bytes | str, zone: ZoneInfo, start: date) -> None:
    # A backstop should the wall-clock kill below be late: the kernel stops the child too.
    cpu = int(PARSE_SECONDS) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    try:
        sender.send(("ok", parse_calendar(data, zone, start)))
    except CalendarError as error:
        sender.send(("refused", str(error)))
    except Exception:  # noqa: BLE001 - the parent answers with one clear refusal
        sender.send(("refused", UNREADABLE))
    finally:
        sender.close()


def parse_within_budget(
    data: bytes | str, zone: ZoneInfo, start: date, *, seconds: float = PARSE_SECONDS
) -> list[Occurrence]:
    """parse_calendar in a child process, stopped after `seconds`: a hard limit on the time
    and CPU one calendar can take, whatever its rules. Call it outside any transaction."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_parse_in_child, args=(sender, data, zone, start), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(seconds):
            raise TooComplex(TOO_COMPLEX.format(seconds=seconds))
        outcome, payload = receiver.recv()
    except EOFError:  # the child died: out of memory or out of CPU time
        raise TooComplex(TOO_COMPLEX.format(seconds=seconds)) from None
    finally:
        receiver.close()
        child.kill()
        child.join()
    if outcome != "ok":
        raise CalendarError(payload)
    return payload


# Fetching a calendar URL


NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, 6to4, Teredo, NAT64): Python 3.11
    calls some of these ranges global although they reach whatever IPv4 they embed."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if any(ip in network for network in NAT64):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _is_public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if not ip.is_global or ip.is_multicast or ip.is_reserved:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            return _is_public(embedded)
    return True


def _public_address(host: str) -> str:
    """The first address of `host`, refusing the whole host if any address is not public:
    a calendar URL must not reach the server's own network (SSRF)."""
    try:
        infos = socket.getaddrinfo(host, 443, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise CalendarError(f"The address {host} could not be found.") from error
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise CalendarError(f"The address {host} could not be found.")
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if not _is_public(ip):
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


def check_calendar_url(url: str):
    """The link's parts, if it is one we would fetch (checked again, with its address, by
    fetch_calendar): so a link that cannot work is refused at once, not by the worker."""
    parts = urlsplit(url.strip())
    if parts.scheme != "https" or not parts.hostname:
        raise CalendarError("Use an https:// calendar link (webcal:// links: change to https://).")
    if parts.username or parts.password:
        raise CalendarError("Remove the user name and password from the link.")
    try:
        port = parts.port
    except ValueError:
        port = -1
    if port not in (None, 443):
        raise CalendarError("Use a standard https:// link (no port number after the address).")
    return parts


def fetch_calendar(url: str) -> bytes:
    """GET an https calendar export: port 443 only, FETCH_DEADLINE seconds in all, at most
    MAX_BYTES, no redirects."""
    parts = check_calendar_url(url)
    deadline = monotonic() + FETCH_DEADLINE
    address = _public_address(parts.hostname)
    connection = _PinnedHTTPSConnection(parts.hostname, address, 443)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    too_slow = f"The calendar could not be fetched (no full answer within {FETCH_DEADLINE} s)."
    try:
        connection.request("GET", path, headers={"Accept": "text/calendar"})
        response = connection.getresponse()
        if 300 <= response.status < 400:
            raise CalendarError(
                "That link redirects elsewhere. Open it in a browser and paste the final address."
            )
        if response.status != 200:
            raise CalendarError(f"The calendar server answered {response.status}.")
        chunks: list[bytes] = []
        size = 0
        while size <= MAX_BYTES:
            left = deadline - monotonic()
            if left <= 0:
                raise CalendarError(too_slow)
            sock = getattr(connection, "sock", None)
            if sock is not None:
                sock.settimeout(min(FETCH_TIMEOUT, left))
            chunk = response.read(min(READ_CHUNK, MAX_BYTES + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if monotonic() > deadline:
            raise CalendarError(too_slow)
        body = b"".join(chunks)
    except (OSError, http.client.HTTPException) as error:
        raise CalendarError(too_slow) from error
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
