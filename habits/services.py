"""Every write a student makes about their habits goes through here."""

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import Http404
from django.utils import timezone

from schools.selectors import enrollment_for

from .models import BACKFILL_DAYS, CUSTOM, DEFAULTS_BY_KIND, Habit, HabitLog

_UNSET = object()


def own_habit(student, habit_id) -> Habit:
    """The student's own habit; anybody else's id is simply not found."""
    habit = Habit.objects.filter(student=student, pk=habit_id).first()
    if habit is None:
        raise Http404("No such habit.")
    return habit


def _decimal(value, field: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ValidationError({field: "Enter a number, e.g. 7.5."}) from None
    if not number.is_finite():
        raise ValidationError({field: "Enter a number, e.g. 7.5."})
    return number


def _next_position(student) -> int:
    top = Habit.objects.filter(student=student).aggregate(top=Max("position"))["top"]
    return 0 if top is None else top + 1


def _check_name_is_free(student, name: str, *, exclude: int | None = None) -> None:
    taken = Habit.objects.filter(student=student, name__iexact=name).exclude(
        state=Habit.State.ARCHIVED
    )
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise ValidationError({"name": f"You already have a habit called “{name}”."})


@transaction.atomic
def enable_default_habit(*, student, kind: str) -> Habit:
    """Switch on one of the default habits. Enabling an archived one brings it back, history
    and all; enabling one that is already on returns it unchanged (a double tap is harmless)."""
    enrollment = enrollment_for(student)
    default = DEFAULTS_BY_KIND.get(kind)
    if default is None:
        choices = ", ".join(DEFAULTS_BY_KIND)
        raise ValidationError({"kind": f"Unknown habit “{kind}”. Pick one of: {choices}."})
    existing = Habit.objects.select_for_update().filter(student=student, kind=kind).first()
    if existing is not None:
        if existing.state == Habit.State.ARCHIVED:
            existing.state, existing.archived_at, existing.paused_at = (
                Habit.State.ACTIVE,
                None,
                None,
            )
            existing.save(update_fields=["state", "archived_at", "paused_at"])
        return existing
    habit = Habit(
        student=student,
        school=enrollment.school,
        kind=kind,
        name=default.name,
        target_per_week=default.per_week,
        target_hours=default.target_hours,
        position=_next_position(student),
    )
    habit.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            habit.save()
    except IntegrityError:
        # A double tap raced this one and won: the habit is on, which is what was asked.
        return Habit.objects.get(student=student, kind=kind)
    return habit


@transaction.atomic
def create_habit(*, student, name: str, per_week: int, target_hours=None) -> Habit:
    enrollment = enrollment_for(student)
    name = (name or "").strip()
    habit = Habit(
        student=student,
        school=enrollment.school,
        kind=CUSTOM,
        name=name,
        target_per_week=per_week,
        target_hours=_decimal(target_hours, "target_hours"),
        position=_next_position(student),
    )
    habit.full_clean(validate_constraints=False)
    _check_name_is_free(student, name)
    habit.save()
    return habit


@transaction.atomic
def update_habit(
    *,
    student,
    habit_id: int,
    name=_UNSET,
    per_week=_UNSET,
    target_hours=_UNSET,
    remind_at=_UNSET,
) -> Habit:
    """Change what is given and leave the rest; an archived habit is read-only. `remind_at`
    (a time of day, or None for none) is when the reminders app reminds of it."""
    habit = own_habit(student, habit_id)
    if habit.state == Habit.State.ARCHIVED:
        raise ValidationError("Restore this habit before changing it.")
    if name is not _UNSET:
        habit.name = (name or "").strip()
    if per_week is not _UNSET:
        habit.target_per_week = per_week
    if target_hours is not _UNSET:
        habit.target_hours = _decimal(target_hours, "target_hours")
    if remind_at is not _UNSET:
        habit.remind_at = remind_at
    habit.full_clean(validate_constraints=False)
    _check_name_is_free(student, habit.name, exclude=habit.pk)
    habit.save(update_fields=["name", "target_per_week", "target_hours", "remind_at"])
    return habit


@transaction.atomic
def pause_habit(*, student, habit_id: int) -> Habit:
    """Pause during a hard rotation: the history stays and the strength is frozen."""
    habit = own_habit(student, habit_id)
    if habit.state == Habit.State.ARCHIVED:
        raise ValidationError("An archived habit cannot be paused; restore it first.")
    if habit.state == Habit.State.ACTIVE:
        habit.state, habit.paused_at = Habit.State.PAUSED, timezone.now()
        habit.save(update_fields=["state", "paused_at"])
    return habit


@transaction.atomic
def resume_habit(*, student, habit_id: int) -> Habit:
    """Resume a paused habit, or restore an archived one."""
    habit = own_habit(student, habit_id)
    if habit.state != Habit.State.ACTIVE:
        if habit.state == Habit.State.ARCHIVED:
            _check_name_is_free(student, habit.name, exclude=habit.pk)
        habit.state, habit.paused_at, habit.archived_at = Habit.State.ACTIVE, None, None
        habit.save(update_fields=["state", "paused_at", "archived_at"])
    return habit


@transaction.atomic
def archive_habit(*, student, habit_id: int) -> Habit:
    """Put a habit away; its logs are kept and it can be restored."""
    habit = own_habit(student, habit_id)
    if habit.state != Habit.State.ARCHIVED:
        habit.state, habit.archived_at = Habit.State.ARCHIVED, timezone.now()
        habit.save(update_fields=["state", "archived_at"])
    return habit


def _loggable(student, habit_id: int, day: date | None) -> tuple[Habit, date]:
    habit = own_habit(student, habit_id)
    today = enrollment_for(student).school.today()
    day = day or today
    if day > today:
        raise ValidationError({"day": "That day hasn't happened yet."})
    if day < today - timedelta(days=BACKFILL_DAYS):
        raise ValidationError(
            {"day": f"You can fill in the last {BACKFILL_DAYS} days, not further back."}
        )
    if habit.state == Habit.State.PAUSED:
        raise ValidationError(f"“{habit.name}” is paused. Resume it to log it.")
    if habit.state == Habit.State.ARCHIVED:
        raise ValidationError(f"“{habit.name}” is archived. Restore it to log it.")
    return habit, day


@transaction.atomic
def log_habit(*, student, habit_id: int, day: date | None = None, hours=None) -> HabitLog:
    """Mark a habit done on a day (today by default, or one of the last 7 days).

    Idempotent: logging a day again leaves its one row (updating the hours if given).
    """
    habit, day = _loggable(student, habit_id, day)
    hours = _decimal(hours, "hours")
    if hours is not None and not habit.tracks_hours:
        raise ValidationError({"hours": f"“{habit.name}” doesn't record hours."})
    candidate = HabitLog(habit=habit, school_id=habit.school_id, day=day, hours=hours)
    candidate.full_clean(validate_unique=False, validate_constraints=False)
    log, created = HabitLog.objects.get_or_create(
        habit=habit, day=day, defaults={"school_id": habit.school_id, "hours": hours}
    )
    if not created and (log.not_today or (hours is not None and log.hours != hours)):
        # Done after all on a day first marked "not today": it is a done day now.
        log.not_today = False
        if hours is not None:
            log.hours = hours
        log.save(update_fields=["not_today", "hours"])
    return log


@transaction.atomic
def skip_habit_day(*, student, habit_id: int, day: date | None = None) -> HabitLog:
    """Mark a day "not today" for a habit (exam day, call): it neither counts nor breaks, and
    the strength stays as it was. Replaces a done mark for that day; idempotent."""
    habit, day = _loggable(student, habit_id, day)
    log, created = HabitLog.objects.get_or_create(
        habit=habit, day=day, defaults={"school_id": habit.school_id, "not_today": True}
    )
    if not created and not log.not_today:
        log.not_today, log.hours = True, None
        log.save(update_fields=["not_today", "hours"])
    return log


@transaction.atomic
def enable_default_habits(*, student, kinds: list[str]) -> list[Habit]:
    """Switch on several default habits at once (one form of checkboxes): all or none."""
    kinds = list(dict.fromkeys(kinds))
    if not kinds:
        raise ValidationError({"kind": "Tick at least one habit to add."})
    return [enable_default_habit(student=student, kind=kind) for kind in kinds]


@transaction.atomic
def unlog_habit(*, student, habit_id: int, day: date) -> bool:
    """Undo a day's log, done or not-today (within the same 7 days). Returns whether there
    was one."""
    habit, day = _loggable(student, habit_id, day)
    deleted, _ = HabitLog.objects.filter(habit=habit, day=day).delete()
    return bool(deleted)
