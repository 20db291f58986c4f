"""Every write a student makes in the planner goes through here (one transaction each)."""

from __future__ import annotations

import bisect
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from habits.models import Habit
from habits.services import enable_default_habit
from lib.dates import week_of
from lib.tokens import token_digest
from reminders.services import save_prefs as save_reminder_prefs
from schools.selectors import enrollment_for

from . import ics, planning, selectors
from .models import PlannerPrefs, ProtectedBlock, ScheduleEvent, ShiftPattern

MAX_RANGE_DAYS = 120
MAX_EVENT_HOURS = 36
# Accepting a block switches on the matching default habit (if the student has none yet).
HABIT_FOR_BLOCK = {
    planning.SLEEP: "sleep",
    planning.MOVEMENT: "exercise",
    planning.MEAL: "healthy_eating",
    planning.REST: "rest",
    planning.PEOPLE: "time_with_people",
}


@dataclass(frozen=True)
class ShiftTemplate:
    slug: str
    label: str
    kind: str
    weekdays: tuple[int, ...]  # Monday = 0; empty = every `every_days` days from the start
    starts: time
    hours: float
    every_days: int = 1

    ends: time | None = None  # a student's own pattern: the wall-clock end (next day if <=)

    def span_on(self, day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
        start = datetime.combine(day, self.starts, tzinfo=zone)
        if self.ends is None:
            return start, start + timedelta(hours=self.hours)
        next_day = self.ends <= self.starts
        return start, datetime.combine(day + timedelta(days=next_day), self.ends, tzinfo=zone)


TEMPLATES = [
    ShiftTemplate("surgery", "Surgery 5:30–18:00 weekdays", planning.SHIFT, (0, 1, 2, 3, 4),
                  time(5, 30), 12.5),
    ShiftTemplate("clinic", "Clinic 8:00–17:00 weekdays", planning.SHIFT, (0, 1, 2, 3, 4),
                  time(8), 9),
    ShiftTemplate("q4_call", "q4 call: 24 h from 7:00, every 4th day", planning.CALL, (),
                  time(7), 24, 4),
    ShiftTemplate("night_float", "Night float 19:00–07:00 Sun–Thu", planning.NIGHT_FLOAT,
                  (6, 0, 1, 2, 3), time(19), 12),
]  # fmt: skip
TEMPLATES_BY_SLUG = {t.slug: t for t in TEMPLATES}


def zone_of(student) -> ZoneInfo:
    return selectors.zone_of(student)


def prefs_of(student) -> PlannerPrefs:
    """The student's preferences, created with defaults on first use."""
    prefs = PlannerPrefs.objects.filter(student=student).first()
    if prefs is None:
        enrollment = enrollment_for(student)
        prefs, _ = PlannerPrefs.objects.get_or_create(
            student=student, defaults={"school": enrollment.school}
        )
    return prefs


def _label(kind: str, start: datetime, end: datetime, zone: ZoneInfo) -> str:
    names = dict(planning_kind_names())
    start, end = start.astimezone(zone), end.astimezone(zone)
    until = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%a %d %b %H:%M}"
    return f"{names.get(kind, kind).lower()} on {start:%a %d %b %H:%M}–{until}"


def planning_kind_names() -> list[tuple[str, str]]:
    from .models import EVENT_KINDS

    return EVENT_KINDS


def _check_no_overlapping_shifts(
    student, new: Sequence[tuple[str, datetime, datetime]], zone: ZoneInfo, *, replacing=()
) -> None:
    """Two shifts (or calls, night floats) at once is a typo or a double import: refuse it
    naming both, so the student can fix the right one. Exams and classes may overlap."""
    work = [(s, e, k, "new") for k, s, e in new if k in planning.WORK_KINDS]
    if not work:
        return
    low = min(s for s, _, _, _ in work)
    high = max(e for _, e, _, _ in work)
    existing = (
        ScheduleEvent.objects.filter(
            student=student,
            kind__in=planning.WORK_KINDS,
            starts_at__lt=high,
            ends_at__gt=low,
        )
        .exclude(pk__in=list(replacing))
        .values_list("starts_at", "ends_at", "kind")
    )
    spans = sorted([*work, *((s, e, k, "old") for s, e, k in existing)], key=lambda x: x[:2])
    latest = None
    for span in spans:
        if latest is not None and span[0] < latest[1] and "new" in (span[3], latest[3]):
            first, second = latest, span
            raise ValidationError(
                {
                    "starts_at": (
                        f"This {_label(second[2], second[0], second[1], zone)} overlaps your "
                        f"{_label(first[2], first[0], first[1], zone)}. Shifts cannot overlap: "
                        "change or delete one of them first."
                    )
                }
            )
        if latest is None or span[1] > latest[1]:
            latest = span


def _drop_blocks_under(student, spans: Sequence[tuple[datetime, datetime]]) -> int:
    """Delete the accepted blocks a new commitment now overlaps (that time is no longer
    free; the next proposal plans around it). Returns how many, for the message."""
    if not spans:
        return 0
    low = min(s for s, _ in spans)
    high = max(e for _, e in spans)
    blocks = ProtectedBlock.objects.filter(
        student=student,
        state=ProtectedBlock.State.ACCEPTED,
        starts_at__lt=high,
        ends_at__gt=low,
    ).values_list("pk", "starts_at", "ends_at")
    merged = planning.merge(spans)  # disjoint and sorted: their ends increase too
    starts = [s for s, _ in merged]
    doomed = []
    for pk, starts_at, ends_at in blocks:
        index = bisect.bisect_left(starts, ends_at)  # the spans starting before it ends
        if index and merged[index - 1][1] > starts_at:
            doomed.append(pk)
    if doomed:
        ProtectedBlock.objects.filter(pk__in=doomed).delete()
    return len(doomed)


def _check_times(starts_at: datetime, ends_at: datetime) -> None:
    if not selectors.plannable(starts_at.date()) or not selectors.plannable(ends_at.date()):
        raise ValidationError({"starts_at": "Choose a date within three years of today."})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": "The end must be after the start."})
    if ends_at - starts_at > timedelta(hours=MAX_EVENT_HOURS):
        raise ValidationError(
            {"ends_at": f"One entry can last at most {MAX_EVENT_HOURS} hours; add several."}
        )


def _check_kind(kind: str) -> None:
    if kind not in dict(planning_kind_names()):
        choices = ", ".join(dict(planning_kind_names()))
        raise ValidationError({"kind": f"Choose one of: {choices}."})


@transaction.atomic
def add_event(
    *, student, kind: str, starts_at: datetime, ends_at: datetime, all_day: bool = False
) -> ScheduleEvent:
    """Enter one commitment by hand. Accepted blocks it overlaps are removed; how many is
    left on the returned event as `removed_blocks` (not stored)."""
    enrollment = enrollment_for(student)
    zone = zone_of(student)
    _check_kind(kind)
    if timezone.is_naive(starts_at):
        starts_at = starts_at.replace(tzinfo=zone)
    if timezone.is_naive(ends_at):
        ends_at = ends_at.replace(tzinfo=zone)
    _check_times(starts_at, ends_at)
    _check_no_overlapping_shifts(student, [(kind, starts_at, ends_at)], zone)
    event = ScheduleEvent.objects.create(
        student=student,
        school=enrollment.school,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        all_day=all_day,
    )
    event.removed_blocks = _drop_blocks_under(student, [(starts_at, ends_at)])
    return event


MAX_PATTERNS = 20
OWN_PREFIX = "own-"


def own_templates(student) -> list[ShiftTemplate]:
    """The student's own patterns, shaped like the fixed ones (slug "own-<id>")."""
    return [_as_template(p) for p in ShiftPattern.objects.filter(student=student)]


def _as_template(pattern: ShiftPattern) -> ShiftTemplate:
    start = datetime.combine(date(2000, 1, 3), pattern.starts)
    end = datetime.combine(date(2000, 1, 3 + pattern.crosses_midnight), pattern.ends)
    days = " ".join(f"{date(2000, 1, 3 + d):%a}" for d in pattern.weekday_numbers)
    return ShiftTemplate(
        f"{OWN_PREFIX}{pattern.pk}",
        f"{pattern.name}: {pattern.starts:%H:%M}–{pattern.ends:%H:%M} {days}",
        planning.SHIFT,
        pattern.weekday_numbers,
        pattern.starts,
        (end - start).total_seconds() / 3600,
        ends=pattern.ends,
    )


def _own_template(student, slug: str) -> ShiftTemplate | None:
    pk = slug.removeprefix(OWN_PREFIX)
    if not slug.startswith(OWN_PREFIX) or not pk.isdigit():
        return None
    pattern = ShiftPattern.objects.filter(student=student, pk=int(pk)).first()
    return _as_template(pattern) if pattern is not None else None


@transaction.atomic
def add_pattern(
    *, student, name: str, starts: time, ends: time, weekdays: Sequence[int]
) -> ShiftPattern:
    """Save a shift pattern of the student's own. `ends` at or before `starts` means the
    shift ends the next morning (19:00-07:30); `weekdays` are the days it starts on
    (Monday = 0)."""
    enrollment = enrollment_for(student)
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = "Give the pattern a name, e.g. Nights."
    elif ShiftPattern.objects.filter(student=student, name__iexact=name).exists():
        errors["name"] = "You already have a pattern with that name: choose another."
    if starts is None:
        errors["starts"] = "Give the time the shift starts, like 07:00."
    if ends is None:
        errors["ends"] = "Give the time the shift ends, like 19:30."
    elif starts is not None and starts == ends:
        errors["ends"] = "The shift must end at another time than it starts."
    for field, value in (("starts", starts), ("ends", ends)):
        if getattr(value, "tzinfo", None) is not None:
            errors[field] = "Give a time of day without an offset, like 07:00."
    days = sorted(set(weekdays or ()))
    if not days or not all(isinstance(d, int) and 0 <= d <= 6 for d in days):
        errors["weekdays"] = "Choose at least one day of the week the shift starts on."
    if ShiftPattern.objects.filter(student=student).count() >= MAX_PATTERNS:
        errors["name"] = f"You can keep at most {MAX_PATTERNS} patterns: delete one first."
    if errors:
        raise ValidationError(errors)
    pattern = ShiftPattern(
        student=student,
        school=enrollment.school,
        name=name,
        starts=starts,
        ends=ends,
        weekdays="".join(str(d) for d in days),
    )
    pattern.full_clean(exclude=["student", "school"])
    pattern.save()
    return pattern


@transaction.atomic
def delete_pattern(*, student, pattern_id: int) -> None:
    """Forget a pattern; the shifts already added from it stay in the schedule."""
    deleted, _ = ShiftPattern.objects.filter(student=student, pk=pattern_id).delete()
    if not deleted:
        raise Http404("No such pattern.")


@transaction.atomic
def add_template(*, student, template: str, first_day: date, last_day: date) -> dict:
    """Generate a shift pattern over a date range. Returns {"added": n, "removed_blocks": n}
    (accepted blocks the new shifts overlap are removed)."""
    enrollment = enrollment_for(student)
    zone = zone_of(student)
    pattern = TEMPLATES_BY_SLUG.get(template) or _own_template(student, template)
    if pattern is None:
        raise ValidationError({"template": "Choose one of the shift patterns on the list."})
    if not selectors.plannable(first_day) or not selectors.plannable(last_day):
        raise ValidationError({"first_day": "Choose dates within three years of today."})
    if last_day < first_day:
        raise ValidationError({"last_day": "The last day must be on or after the first."})
    if (last_day - first_day).days + 1 > MAX_RANGE_DAYS:
        raise ValidationError({"last_day": f"Choose at most {MAX_RANGE_DAYS} days at once."})
    new = []
    day = first_day
    while day <= last_day:
        offset = (day - first_day).days
        if (pattern.weekdays and day.weekday() in pattern.weekdays) or (
            not pattern.weekdays and offset % pattern.every_days == 0
        ):
            new.append((pattern.kind, *pattern.span_on(day, zone)))
        day += timedelta(days=1)
    _check_no_overlapping_shifts(student, new, zone)
    ScheduleEvent.objects.bulk_create(
        ScheduleEvent(
            student=student,
            school=enrollment.school,
            kind=kind,
            starts_at=start,
            ends_at=end,
            source=ScheduleEvent.Source.TEMPLATE,
        )
        for kind, start, end in new
    )
    removed = _drop_blocks_under(student, [(start, end) for _, start, end in new])
    return {"added": len(new), "removed_blocks": removed}


def import_calendar(
    *,
    student,
    data: bytes | str,
    today: date | None = None,
    seconds: float = ics.PARSE_SECONDS,
) -> dict:
    """Import an .ics export: every occurrence in the next 120 days, all or nothing.

    The file is read and its repeats expanded first, outside any transaction and within
    `seconds` (ics.PARSE_SECONDS in a request); only then are the rows written, in one short
    transaction, so no calendar holds the database's write lock while it is being read.

    Occurrences already imported (same UID and RECURRENCE-ID) are updated, not duplicated;
    occurrences of the file's UIDs imported before but gone from it now (an EXDATE added, an
    occurrence deleted) are removed; accepted blocks the new times overlap are removed.
    Returns {"added": n, "updated": n, "removed": n, "removed_blocks": n}."""
    zone = zone_of(student)
    today = today or timezone.localdate(timezone=zone)
    occurrences = ics.parse_within_budget(data, zone, today, seconds=seconds)
    for occurrence in occurrences:
        if occurrence.end - occurrence.start > timedelta(days=14):
            raise ics.CalendarError(
                f"An entry starting {occurrence.start:%d %b %Y} lasts over two weeks; "
                "remove it (a whole rotation is not a shift) and import again."
            )
    # The rows are built before the transaction too: for a thousand occurrences that is a
    # quarter of the time the write lock would otherwise be held.
    school = enrollment_for(student).school
    rows = {id(o): _event_from(o, student, school) for o in occurrences}
    return _write_import(student, occurrences, rows, zone, today)


@transaction.atomic
def _write_import(student, occurrences, rows: dict, zone, today: date) -> dict:
    keyed = {}
    for occurrence in occurrences:
        if occurrence.uid:
            keyed[(occurrence.uid, occurrence.recurrence_id)] = occurrence
    unkeyed = [o for o in occurrences if not o.uid]
    uids = {uid for uid, _ in keyed}
    existing = {
        (e.uid, e.recurrence_id): e
        for e in ScheduleEvent.objects.filter(student=student, uid__in=uids)
    }
    horizon_start = datetime.combine(today, time(), tzinfo=zone)
    vanished = [
        e.pk
        for key, e in existing.items()
        if key not in keyed
        and e.source == ScheduleEvent.Source.IMPORT
        and horizon_start <= e.starts_at < horizon_start + timedelta(days=ics.HORIZON_DAYS)
    ]
    replacing = [e.pk for key, e in existing.items() if key in keyed]
    every = [*keyed.values(), *unkeyed]
    _check_no_overlapping_shifts(
        student, [(o.kind, o.start, o.end) for o in every], zone, replacing=[*replacing, *vanished]
    )
    added, updated, changed = [], [], []
    for key, occurrence in keyed.items():
        event = existing.get(key)
        if event is None:
            added.append(rows[id(occurrence)])
            continue
        new = (occurrence.kind, occurrence.start, occurrence.end, occurrence.all_day)
        if (event.kind, event.starts_at, event.ends_at, event.all_day) != new:
            event.kind, event.starts_at, event.ends_at, event.all_day = new
            changed.append(event)  # only these are written: a re-import is mostly unchanged
        updated.append(event)
    added += [rows[id(o)] for o in unkeyed]
    ScheduleEvent.objects.filter(pk__in=vanished).delete()
    ScheduleEvent.objects.bulk_create(added)
    ScheduleEvent.objects.bulk_update(changed, ["kind", "starts_at", "ends_at", "all_day"])
    removed_blocks = _drop_blocks_under(student, [(o.start, o.end) for o in every])
    return {
        "added": len(added),
        "updated": len(updated),
        "removed": len(vanished),
        "removed_blocks": removed_blocks,
    }


def _event_from(occurrence: ics.Occurrence, student, school) -> ScheduleEvent:
    return ScheduleEvent(
        student=student,
        school=school,
        kind=occurrence.kind,
        starts_at=occurrence.start,
        ends_at=occurrence.end,
        all_day=occurrence.all_day,
        source=ScheduleEvent.Source.IMPORT,
        uid=occurrence.uid,
        recurrence_id=occurrence.recurrence_id,
    )


def import_calendar_url(*, student, url: str) -> dict:
    """Fetch (outside the transaction: up to 5 s) and then import an https calendar link."""
    return import_calendar(student=student, data=ics.fetch_calendar(url))


@transaction.atomic
def delete_event(*, student, event_id: int) -> None:
    deleted, _ = ScheduleEvent.objects.filter(student=student, pk=event_id).delete()
    if not deleted:
        raise Http404("No such entry.")


def _decimal(value) -> Decimal:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ValidationError({"sleep_hours": "Enter a number of hours, e.g. 7.5."}) from None
    if not number.is_finite():
        raise ValidationError({"sleep_hours": "Enter a number of hours, e.g. 7.5."})
    return number


@transaction.atomic
def update_prefs(*, student, **changes) -> PlannerPrefs:
    """Change the given preferences: sleep_hours (4-12), quiet_start/quiet_end (both or
    neither), timezone (an IANA name), email_reminders, reminders_per_day (1-5), weekly_nudge.

    Quiet hours are kept once, in the reminder settings (every reminder and the planner use
    them): given here, they are saved there; both None means none."""
    prefs = prefs_of(student)
    allowed = {
        "sleep_hours",
        "quiet_start",
        "quiet_end",
        "timezone",
        "email_reminders",
        "reminders_per_day",
        "weekly_nudge",
    }
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError({name: "Not a planner preference." for name in unknown})
    if "sleep_hours" in changes:
        changes["sleep_hours"] = _decimal(changes["sleep_hours"])
        if not Decimal(4) <= changes["sleep_hours"] <= Decimal(12):
            raise ValidationError(
                {"sleep_hours": "Choose a sleep target between 4 and 12 hours a night."}
            )
    if changes.get("timezone"):
        try:
            ZoneInfo(changes["timezone"])
        except (ZoneInfoNotFoundError, ValueError):
            raise ValidationError(
                {"timezone": "Unknown time zone: use a name like America/Chicago."}
            ) from None
    for name in ("quiet_start", "quiet_end"):
        if getattr(changes.get(name), "tzinfo", None) is not None:
            raise ValidationError({name: "Give a time of day without an offset, like 22:00."})
    quiet = {name: changes.pop(name) for name in ("quiet_start", "quiet_end") if name in changes}
    if quiet:
        if len(quiet) == 1 or (quiet["quiet_start"] is None) != (quiet["quiet_end"] is None):
            raise ValidationError({"quiet_end": "Give both the start and the end of quiet hours."})
        if quiet["quiet_start"] is None:
            quiet = {"quiet_start": time(0), "quiet_end": time(0)}  # equal: none
    for name, value in changes.items():
        setattr(prefs, name, "" if value is None and name == "timezone" else value)
    prefs.full_clean(exclude=["student", "school"])
    prefs.save()
    if quiet:
        save_reminder_prefs(student=student, values=quiet)
    return prefs


def _proposed(student, kind: str, proposed_start: datetime) -> planning.Block:
    if timezone.is_naive(proposed_start):
        proposed_start = proposed_start.replace(tzinfo=zone_of(student))
    if not selectors.plannable(proposed_start.date()):
        raise ValidationError({"start": "That block is not in any week you can plan."})
    week_start = week_of(proposed_start.astimezone(zone_of(student)).date())
    plan = selectors.week_plan(student, week_start)
    for block in plan.blocks:
        if block.kind == kind and block.start == proposed_start:
            return block
    raise ValidationError(
        {"start": "That block is no longer in your proposal (your schedule changed): reload it."}
    )


def _enable_habit(student, kind: str) -> None:
    habit_kind = HABIT_FOR_BLOCK.get(kind)
    if habit_kind and not Habit.objects.filter(student=student, kind=habit_kind).exists():
        enable_default_habit(student=student, kind=habit_kind)


@transaction.atomic
def decide_block(*, student, kind: str, proposed_start: datetime, accept: bool) -> ProtectedBlock:
    """Accept or reject one proposed block (idempotent; changing one's mind is fine).
    Accepting switches on the matching default habit if the student does not have it."""
    enrollment = enrollment_for(student)
    block = _proposed(student, kind, proposed_start)
    state = ProtectedBlock.State.ACCEPTED if accept else ProtectedBlock.State.REJECTED
    if accept:
        other = (
            ProtectedBlock.objects.filter(
                student=student,
                state=ProtectedBlock.State.ACCEPTED,
                starts_at__lt=block.end,
                ends_at__gt=block.start,
            )
            .exclude(kind=kind, proposed_start=block.start)
            .first()
        )
        if other is not None:
            raise ValidationError(
                {
                    "start": f"That time is already held by your accepted "
                    f"{other.get_kind_display().lower()} block: move or reject that one first."
                }
            )
    answer, created = ProtectedBlock.objects.select_for_update().get_or_create(
        student=student,
        kind=kind,
        proposed_start=block.start,
        defaults={
            "school": enrollment.school,
            "starts_at": block.start,
            "ends_at": block.end,
            "state": state,
        },
    )
    if not created and answer.state != state:
        answer.state = state
        answer.save(update_fields=["state", "decided_at"])
    if accept:
        _enable_habit(student, kind)
    return answer


@transaction.atomic
def accept_all(*, student, first_day: date, now: datetime | None = None) -> int:
    """Accept every block proposed for the seven days from `first_day` and not yet answered
    (none that has started before `now`, the present by default). Returns how many."""
    enrollment = enrollment_for(student)
    zone = zone_of(student)
    last_day = first_day + timedelta(days=6)
    blocks = [
        block
        for week_start in sorted({week_of(first_day), week_of(last_day)})
        for block in selectors.week_plan(student, week_start, now).blocks
        if first_day <= block.start.astimezone(zone).date() <= last_day
    ]
    answered = {
        (b.kind, b.proposed_start)
        for b in ProtectedBlock.objects.filter(
            student=student, proposed_start__in=[b.start for b in blocks]
        )
    }
    new = [
        ProtectedBlock(
            student=student,
            school=enrollment.school,
            kind=b.kind,
            proposed_start=b.start,
            starts_at=b.start,
            ends_at=b.end,
            state=ProtectedBlock.State.ACCEPTED,
        )
        for b in blocks
        if (b.kind, b.start) not in answered
    ]
    ProtectedBlock.objects.bulk_create(new, ignore_conflicts=True)
    for kind in sorted({b.kind for b in new}):
        _enable_habit(student, kind)
    return len(new)


@transaction.atomic
def move_block(*, student, block_id: int, starts_at: datetime) -> ProtectedBlock:
    """Move an accepted block to another start in the same week, keeping its length; it must
    not overlap a commitment, another accepted block or (except sleep) quiet hours."""
    block = ProtectedBlock.objects.select_for_update().filter(student=student, pk=block_id).first()
    if block is None:
        raise Http404("No such block.")
    zone = zone_of(student)
    if timezone.is_naive(starts_at):
        starts_at = starts_at.replace(tzinfo=zone)
    if not selectors.plannable(starts_at.date()):
        raise ValidationError({"starts_at": "Keep it within the week of the block."})
    length = block.ends_at - block.starts_at
    ends_at = starts_at + length
    week_start = week_of(block.proposed_start.astimezone(zone).date())
    low = datetime.combine(week_start, time(), tzinfo=zone)
    high = datetime.combine(week_start + timedelta(days=7), time(), tzinfo=zone)
    if starts_at < low or ends_at > high:
        raise ValidationError(
            {"starts_at": f"Keep it within the week of {week_start:%d %b} (Monday to Sunday)."}
        )
    clash = (
        ScheduleEvent.objects.filter(student=student, starts_at__lt=ends_at, ends_at__gt=starts_at)
        .order_by("starts_at")
        .first()
    )
    if clash is not None:
        what = _label(clash.kind, clash.starts_at, clash.ends_at, zone)
        raise ValidationError({"starts_at": f"That time overlaps your {what}."})
    other = (
        ProtectedBlock.objects.filter(
            student=student,
            state=ProtectedBlock.State.ACCEPTED,
            starts_at__lt=ends_at,
            ends_at__gt=starts_at,
        )
        .exclude(pk=block.pk)
        .first()
    )
    if other is not None:
        raise ValidationError(
            {"starts_at": f"That time overlaps your {other.get_kind_display().lower()} block."}
        )
    if block.kind != planning.SLEEP and selectors.in_quiet_hours(student, starts_at, ends_at, zone):
        raise ValidationError({"starts_at": "That time is inside your quiet hours."})
    block.starts_at, block.ends_at, block.state = starts_at, ends_at, ProtectedBlock.State.ACCEPTED
    block.save(update_fields=["starts_at", "ends_at", "state", "decided_at"])
    return block


@transaction.atomic
def move_proposal(
    *, student, kind: str, proposed_start: datetime, starts_at: datetime
) -> ProtectedBlock:
    """Accept a proposed (or rejected) block at another start, in one step: a refused move
    leaves it unanswered as it was."""
    block = decide_block(student=student, kind=kind, proposed_start=proposed_start, accept=True)
    return move_block(student=student, block_id=block.pk, starts_at=starts_at)


@transaction.atomic
def rotate_feed_token(*, student) -> str:
    """A new private feed token; the old feed URL stops working at once. Only its hash is
    stored, so the full URL can be shown only now."""
    prefs = prefs_of(student)
    token = secrets.token_urlsafe(32)
    prefs.feed_token_hash, prefs.feed_created_at = token_digest(token), timezone.now()
    prefs.save(update_fields=["feed_token_hash", "feed_created_at"])
    return token


@transaction.atomic
def revoke_feed(*, student) -> None:
    prefs = prefs_of(student)
    prefs.feed_token_hash, prefs.feed_created_at = "", None
    prefs.save(update_fields=["feed_token_hash", "feed_created_at"])


@transaction.atomic
def unsubscribe(*, student_id: int) -> None:
    """Switch off every planner email (the one-click link in each of them)."""
    PlannerPrefs.objects.filter(student_id=student_id).update(
        email_reminders=False, weekly_nudge=False
    )
