"""Every write about a student's reminders, and the scheduler that decides which are due."""

from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from checkins import selectors as checkin_selectors
from habits import selectors as habit_selectors
from habits.models import Habit
from planner.selectors import zone_of
from schools.selectors import enrollment_for

from . import rules
from .delivery import Message, deliver, endpoint_allowed
from .models import PushSubscription, Reminder, ReminderPrefs
from .vapid import b64url_decode

# A student's phones, tablets and laptops: each reminder is one post per device, so a bound.
MAX_DEVICES = 10
PREF_FIELDS = ("checkin_at", "screenings", "quiet_start", "quiet_end", "per_day", "email_fallback")


def prefs_of(student) -> ReminderPrefs:
    """The student's settings, unsaved defaults (every reminder off) if they chose none."""
    prefs = ReminderPrefs.objects.filter(student=student).first()
    if prefs is None:
        prefs = ReminderPrefs(student=student, school=enrollment_for(student).school)
    return prefs


def save_prefs(*, student, values: dict) -> ReminderPrefs:
    prefs = prefs_of(student)
    for name in PREF_FIELDS:
        if name in values:
            setattr(prefs, name, values[name])
    prefs.full_clean(exclude=["student", "school"])
    prefs.save()
    return prefs


def subscribe(*, student, endpoint: str, p256dh: str, auth: str) -> PushSubscription:
    """Keep a browser's push subscription (again: re-subscribing replaces its keys)."""
    errors = {}
    if not endpoint_allowed(endpoint) or len(endpoint) > 1000:
        errors["endpoint"] = "This is not the address of a browser's push service."
    try:
        if len(b64url_decode(p256dh)) != 65:
            errors["p256dh"] = "The browser's key must be an uncompressed P-256 point."
        if len(b64url_decode(auth)) != 16:
            errors["auth"] = "The browser's auth secret must be 16 bytes."
    except (ValueError, TypeError):
        errors["keys"] = "The browser's keys are not base64url."
    if errors:
        raise ValidationError(errors)
    school = enrollment_for(student).school
    with transaction.atomic():
        # An endpoint belongs to one browser profile: whoever subscribes with it last owns it.
        PushSubscription.objects.filter(endpoint=endpoint).exclude(student=student).delete()
        subscription, _ = PushSubscription.objects.update_or_create(
            endpoint=endpoint,
            defaults={"student": student, "school": school, "p256dh": p256dh, "auth": auth},
        )
        # Past the bound, the devices subscribed longest ago are forgotten.
        oldest = PushSubscription.objects.filter(student=student).order_by("-created_at", "-pk")
        stale = list(oldest.values_list("pk", flat=True)[MAX_DEVICES:])
        PushSubscription.objects.filter(pk__in=stale).delete()
    return subscription


def unsubscribe(*, student, endpoint: str | None = None) -> int:
    """Forget one browser's subscription, or (no endpoint) every one of the student's."""
    subscriptions = PushSubscription.objects.filter(student=student)
    if endpoint is not None:
        subscriptions = subscriptions.filter(endpoint=endpoint)
    return subscriptions.delete()[0]


def _claim(prefs: ReminderPrefs, kind: str, key: str, local_day) -> Reminder | None:
    try:
        with transaction.atomic():
            return Reminder.objects.create(
                student_id=prefs.student_id,
                school_id=prefs.school_id,
                kind=kind,
                key=key,
                local_day=local_day,
            )
    except IntegrityError:
        return None  # claimed by an earlier run


def due_reminders(prefs: ReminderPrefs, now: datetime) -> list[tuple[str, str]]:
    """(kind, key) of each reminder due for this student at `now`, most wanted first."""
    local = now.astimezone(zone_of(prefs.student))
    due = []
    checked_in = checkin_selectors.todays_checkin(prefs.student) is not None
    if rules.checkin_reminder_due(local_now=local, at=prefs.checkin_at, checked_in=checked_in):
        due.append((Reminder.Kind.CHECKIN, f"checkin:{local.date().isoformat()}"))
    answered = habit_selectors.habits_answered_on(prefs.student, local.date())
    for habit in habit_selectors.habits_with_reminders(prefs.student):
        if rules.habit_reminder_due(
            local_now=local,
            at=habit.remind_at,
            active=habit.state == Habit.State.ACTIVE,
            answered_today=habit.pk in answered,
        ):
            due.append((Reminder.Kind.HABIT, f"habit:{habit.pk}:{local.date().isoformat()}"))
    if prefs.screenings and prefs.checkin_at is not None and local.time() >= prefs.checkin_at:
        for status in checkin_selectors.screening_statuses(prefs.student):
            if status.due:
                since = status.last.pk if status.last else "first"
                due.append((Reminder.Kind.SCREENING, f"screening:{status.instrument.id}:{since}"))
    return due


def _keep_prefs_of(student_id: int) -> None:
    """A student who set a habit's reminder time but never opened the reminder settings has
    the default settings (quiet hours, daily cap) kept as a row, so there is one to lock."""
    if ReminderPrefs.objects.filter(student_id=student_id).exists():
        return
    student = get_user_model().objects.filter(pk=student_id).first()
    try:
        prefs = prefs_of(student)
    except ValidationError:
        return  # no longer in a cohort: nothing to remind them of
    try:
        with transaction.atomic():
            prefs.save()
    except IntegrityError:
        pass  # an overlapping run kept it first


def queue_due_reminders(now: datetime | None = None) -> int:
    """Claim and queue every reminder due at `now` (run it every few minutes: a reminder is
    claimed once, by its key, so reruns and overlapping runs are harmless). Returns how many."""
    from .tasks import send_reminder  # the task module imports this one

    now = now or timezone.now()
    queued = 0
    daily = ReminderPrefs.objects.filter(checkin_at__isnull=False).values_list("student_id")
    wanting = {student_id for (student_id,) in daily}
    wanting |= habit_selectors.students_with_habit_reminders()
    for student_id in sorted(wanting):
        _keep_prefs_of(student_id)
        with transaction.atomic():
            # Locked while counting and claiming: two runs cannot both fit under the cap.
            prefs = (
                ReminderPrefs.objects.select_for_update()
                .select_related("student")
                .filter(student_id=student_id)
                .first()
            )
            if prefs is None:
                continue
            local = now.astimezone(zone_of(prefs.student))
            sent = Reminder.objects.filter(student_id=prefs.student_id, local_day=local.date())
            sent_today = sent.count()
            try:
                due = due_reminders(prefs, now)
            except ValidationError:
                continue  # no longer in a cohort: nothing to remind them of
            for kind, key in due:
                if not rules.may_send(
                    local_now=local,
                    quiet_start=prefs.quiet_start,
                    quiet_end=prefs.quiet_end,
                    sent_today=sent_today,
                    per_day=prefs.per_day,
                ):
                    break
                reminder = _claim(prefs, kind, key, local.date())
                if reminder is not None:
                    send_reminder.enqueue(reminder.pk)
                    queued += 1
                    sent_today += 1
    return queued


def _message(reminder: Reminder) -> Message | None:
    """What to say, if it is still worth saying when the worker gets to it."""
    if reminder.kind == Reminder.Kind.CHECKIN:
        if checkin_selectors.todays_checkin(reminder.student) is not None:
            return None
        return Message(
            title="A minute for yourself?",
            body="How was today? Your check-in takes about a minute.",
            url=reverse("checkin"),
            tag="checkin",
        )
    if reminder.kind == Reminder.Kind.HABIT:
        return _habit_message(reminder)
    instrument_id = reminder.key.split(":")[1]
    statuses = checkin_selectors.screening_statuses(reminder.student)
    status = next((s for s in statuses if s.instrument.id == instrument_id), None)
    if status is None or not status.due:
        return None
    return Message(
        title=f"{status.instrument.short_name} is due",
        body="A short screening you asked to be reminded of. Only you see the result.",
        url=reverse("screening_take", args=[instrument_id]),
        tag=f"screening-{instrument_id}",
    )


def _habit_message(reminder: Reminder) -> Message | None:
    """The habit's name and nothing else of the student's: shown only on their own devices.
    An email (which passes through mail servers and shows on shared screens) names no habit."""
    habit = habit_selectors.habit_of(reminder.student, int(reminder.key.split(":")[1]))
    if habit is None or habit.remind_at is None or habit.state != Habit.State.ACTIVE:
        return None
    if habit.pk in habit_selectors.habits_answered_on(reminder.student, reminder.local_day):
        return None
    return Message(
        title=habit.name,
        body="The reminder you set for this habit. Done? Tap to mark it.",
        url=reverse("habits"),
        tag=f"habit-{habit.pk}",
        email_title="A habit reminder",
        email_body="The reminder you set for one of your habits.",
    )


def send_reminder(*, reminder_id: int, now: datetime | None = None) -> str:
    """Send one claimed reminder (the task queue calls this). A reminder no longer wanted
    (checked in meanwhile, reminders switched off, quiet hours begun) is dropped and frees its
    place under the cap. Returns the channel used, or ""."""
    reminder = Reminder.objects.select_related("student").filter(pk=reminder_id).first()
    if reminder is None or reminder.channel:
        return reminder.channel if reminder else ""
    prefs = ReminderPrefs.objects.filter(student_id=reminder.student_id).first()
    local = (now or timezone.now()).astimezone(zone_of(reminder.student))
    try:
        # A habit's reminder is wanted while the habit has its time (the message checks);
        # the check-in's and screenings' while the daily reminder is on.
        habit = reminder.kind == Reminder.Kind.HABIT
        wanted = prefs is not None and (habit or prefs.checkin_at is not None)
        message = _message(reminder) if wanted else None
    except ValidationError:
        message = None  # no longer in a cohort
    if message is None or rules.in_quiet_hours(local.time(), prefs.quiet_start, prefs.quiet_end):
        reminder.delete()
        return ""
    channel = deliver(student=reminder.student, message=message, allow_email=prefs.email_fallback)
    if not channel:
        reminder.delete()
        return ""
    reminder.channel = channel
    reminder.save(update_fields=["channel"])
    return channel


def send_test(*, student) -> str:
    """A notification now, so the student sees what a reminder looks like (push only)."""
    message = Message(
        title="Reminders are on",
        body="This is how a Well-Rounded reminder looks on this device.",
        url=reverse("reminder_settings"),
        tag="test",
    )
    return deliver(student=student, message=message, allow_email=False)
