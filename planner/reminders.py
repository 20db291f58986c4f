"""Planner emails: a reminder before an accepted block (opt-in) and a weekly "plan your week"
nudge, each at most once (a ReminderSent row), never in the student's quiet hours (the one set
in the reminder settings, reminders/selectors.py), and at most the student's daily limit;
every email carries a one-click unsubscribe link that needs no login. A student whose browser
shows notifications (the reminders app) gets them as notifications instead."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from reminders.delivery import Message, deliver

from .models import PlannerPrefs, ProtectedBlock, ReminderSent
from .selectors import BLOCK_LABELS, in_quiet_hours, zone_of

LEAD = timedelta(hours=2)  # remind about blocks starting within the next two hours
UNSUBSCRIBE_SALT = "planner.unsubscribe"
NUDGE_WEEKDAY = 6  # Sunday


UNSUBSCRIBE_MAX_AGE = timedelta(days=365)


def unsubscribe_token(student_id: int) -> str:
    """A signed link token naming the student's opaque unsubscribe id (never their user id),
    good for UNSUBSCRIBE_MAX_AGE: long enough for any email still in an inbox."""
    opaque = PlannerPrefs.objects.values_list("unsubscribe_id", flat=True).get(
        student_id=student_id
    )
    return signing.dumps(opaque.hex, salt=UNSUBSCRIBE_SALT)


def student_of_unsubscribe_token(token: str) -> int | None:
    """The student a valid, unexpired token names; None for anything else."""
    try:
        opaque = uuid.UUID(signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_MAX_AGE))
    except (signing.BadSignature, TypeError, ValueError, AttributeError):
        return None  # SignatureExpired is a BadSignature
    return (
        PlannerPrefs.objects.filter(unsubscribe_id=opaque).values_list("student_id", flat=True)
    ).first()


def _record(prefs: PlannerPrefs, key: str, now: datetime) -> ReminderSent | None:
    """Claim a reminder key; None when a previous run already sent it."""
    local_day = now.astimezone(zone_of(prefs.student)).date()
    try:
        with transaction.atomic():
            return ReminderSent.objects.create(
                student_id=prefs.student_id, school_id=prefs.school_id, key=key, local_day=local_day
            )
    except IntegrityError:
        return None


def queue_due_reminders(now: datetime | None = None) -> int:
    """Queue every reminder due at `now`; safe to run as often as cron likes. Returns how many."""
    from .tasks import send_planner_email  # the task module imports this one

    now = now or timezone.now()
    queued = 0
    wanting = Q(email_reminders=True) | Q(weekly_nudge=True)
    for prefs_id in PlannerPrefs.objects.filter(wanting).values_list("pk", flat=True):
        queued += _queue_for(prefs_id, now, send_planner_email)
    return queued


def _queue_for(prefs_id: int, now: datetime, send_planner_email) -> int:
    """One student's due reminders. The prefs row is locked while counting and claiming, so
    two overlapping cron runs cannot both fit under the daily cap."""
    queued = 0
    with transaction.atomic():
        prefs = (
            PlannerPrefs.objects.select_for_update()
            .select_related("student")
            .filter(pk=prefs_id)
            .first()
        )
        if prefs is None or not (prefs.email_reminders or prefs.weekly_nudge):
            return 0
        zone = zone_of(prefs.student)
        if in_quiet_hours(prefs.student, now, now + timedelta(minutes=1), zone):
            return 0
        local_day = now.astimezone(zone).date()
        sent_today = ReminderSent.objects.filter(student=prefs.student, local_day=local_day)
        room = prefs.reminders_per_day - sent_today.count()
        keys = []
        if prefs.email_reminders:
            blocks = ProtectedBlock.objects.filter(
                student=prefs.student,
                state=ProtectedBlock.State.ACCEPTED,
                starts_at__gt=now,
                starts_at__lte=now + LEAD,
            ).order_by("starts_at")
            keys += [_block_key(b) for b in blocks]
        local = now.astimezone(zone)
        if prefs.weekly_nudge and local.weekday() == NUDGE_WEEKDAY and local.hour >= 16:
            keys.append(f"week:{local:%G-%V}")
        for key in keys:
            if room <= 0:
                break
            reminder = _record(prefs, key, now)
            if reminder is not None:
                send_planner_email.enqueue(reminder.pk)
                queued += 1
                room -= 1
    return queued


def _block_key(block: ProtectedBlock) -> str:
    return f"block:{block.pk}:{block.starts_at:%Y%m%dT%H%M}"


def _still_wanted(reminder: ReminderSent, now: datetime) -> ProtectedBlock | bool:
    """Whether the email is still wanted when the worker gets to it (minutes or hours after
    it was queued): the student may have unsubscribed, switched reminders off, entered quiet
    hours, or rejected or moved the block. A block reminder returns its block."""
    prefs = PlannerPrefs.objects.filter(student_id=reminder.student_id).first()
    if prefs is None:
        return False
    zone = zone_of(reminder.student)
    if in_quiet_hours(reminder.student, now, now + timedelta(minutes=1), zone):
        return False
    if reminder.key.startswith("week:"):
        return prefs.weekly_nudge
    if not prefs.email_reminders:
        return False
    block = ProtectedBlock.objects.filter(
        pk=int(reminder.key.split(":")[1]),
        student_id=reminder.student_id,
        state=ProtectedBlock.State.ACCEPTED,
    ).first()
    if block is None or _block_key(block) != reminder.key:  # gone, rejected or moved
        return False
    return block


def send_planner_email(*, reminder_id: int, now: datetime | None = None) -> bool:
    """Send one queued email if it is still wanted (see _still_wanted); an email no longer
    wanted frees its place under the daily cap."""
    reminder = ReminderSent.objects.select_related("student").filter(pk=reminder_id).first()
    if reminder is None:
        return False
    wanted = _still_wanted(reminder, now or timezone.now())
    if not wanted:
        reminder.delete()
        return False
    student = reminder.student
    unsubscribe = settings.SITE_URL + reverse(
        "planner_unsubscribe", args=[unsubscribe_token(student.pk)]
    )
    planner = settings.SITE_URL + reverse("planner")
    if isinstance(wanted, ProtectedBlock):
        block = wanted
        local = block.starts_at.astimezone(zone_of(student))
        subject = f"Protected time at {local:%H:%M}: {BLOCK_LABELS.get(block.kind, block.kind)}"
        body = (
            f"You set aside {local:%H:%M} today for "
            f"{BLOCK_LABELS.get(block.kind, block.kind).lower()}. It is yours: keep it.\n\n"
        )
    else:
        subject = "Plan your week of protected time"
        body = "A new week starts tomorrow. Two minutes now protects your sleep and rest.\n\n"
    # A browser that shows notifications gets it as one (reminders/delivery.py); email otherwise.
    notification = Message(title=subject, body=body.strip(), url=reverse("planner"), tag="planner")
    if deliver(student=student, message=notification, allow_email=False) == "push":
        return True
    body += f"Your planner: {planner}\n\nNo more planner emails: {unsubscribe}\n"
    message = EmailMessage(
        subject,
        body,
        to=[student.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.send()
    return True
