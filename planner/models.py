import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from schools.models import School

from . import planning

EVENT_KINDS = [
    (planning.SHIFT, "Shift"),
    (planning.CALL, "Call"),
    (planning.NIGHT_FLOAT, "Night float"),
    (planning.EXAM, "Exam"),
    (planning.CLASS, "Class"),
    (planning.OTHER, "Other commitment"),
]
BLOCK_KINDS = [
    (planning.SLEEP, "Sleep"),
    (planning.MOVEMENT, "Movement"),
    (planning.MEAL, "Meal"),
    (planning.REST, "Rest"),
    (planning.PEOPLE, "Time with people"),
    (planning.EXAM_EVE, "Light, study-free evening"),
]
SLEEP_HOURS = [MinValueValidator(Decimal("4")), MaxValueValidator(Decimal("12"))]


class ScheduleEvent(models.Model):
    """A commitment in a student's schedule. No title is kept: the kind is all planning needs,
    and an imported calendar's free text never reaches the database."""

    class Source(models.TextChoices):
        MANUAL = "manual", "Entered by hand"
        TEMPLATE = "template", "Shift pattern"
        IMPORT = "import", "Imported calendar"

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="planner_events"
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=EVENT_KINDS)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    all_day = models.BooleanField(default=False)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    # For imports: the calendar's UID and the occurrence's original start, so a re-import
    # updates rather than duplicates.
    uid = models.CharField(max_length=255, blank=True)
    recurrence_id = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["student", "starts_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "uid", "recurrence_id"],
                condition=~Q(uid=""),
                name="planner_one_event_per_occurrence",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="planner_event_ends_after"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.starts_at:%Y-%m-%d %H:%M}"


class ShiftPattern(models.Model):
    """A student's own repeating shift (e.g. "Nights" 19:00-07:30 Mon-Thu), applied to a
    date range like the fixed patterns. An end at or before the start crosses midnight."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="planner_patterns"
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=60)
    starts = models.TimeField()
    ends = models.TimeField()
    # ISO weekday digits, Monday = 0: "01234" is Monday to Friday.
    weekdays = models.CharField(max_length=7)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "name"], name="planner_one_pattern_per_name"
            ),
            models.CheckConstraint(
                condition=~Q(starts=models.F("ends")), name="planner_pattern_has_length"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.starts:%H:%M}-{self.ends:%H:%M}"

    @property
    def weekday_numbers(self) -> tuple[int, ...]:
        return tuple(sorted({int(d) for d in self.weekdays}))

    @property
    def crosses_midnight(self) -> bool:
        return self.ends <= self.starts


class PlannerPrefs(models.Model):
    """A student's planning preferences, reminder settings and (hashed) feed token."""

    student = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="planner_prefs"
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    sleep_hours = models.DecimalField(
        max_digits=3, decimal_places=1, default=Decimal("7.5"), validators=SLEEP_HOURS
    )
    timezone = models.CharField(max_length=64, blank=True)
    email_reminders = models.BooleanField(default=False)
    reminders_per_day = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    # Opt-in like every email: the row is created by just opening the planner.
    weekly_nudge = models.BooleanField(default=False)
    # sha256 of the feed token: a database dump does not hand out working feed URLs.
    feed_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    feed_created_at = models.DateTimeField(null=True, blank=True)
    # What an unsubscribe link names instead of the student's id: random, so a link read by
    # someone else says nothing about whose it is.
    unsubscribe_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    def __str__(self) -> str:
        return f"planner prefs of {self.student_id}"


class ProtectedBlock(models.Model):
    """The student's answer to one proposed block: accepted (maybe moved) or rejected.

    `proposed_start` + `kind` identify the proposal it answers, so the same proposal computed
    again shows the answer; `starts_at` is where the accepted block actually is."""

    class State(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="planner_blocks"
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=BLOCK_KINDS)
    proposed_start = models.DateTimeField()
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices)
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["student", "starts_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "kind", "proposed_start"], name="planner_one_answer_per_block"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.starts_at:%Y-%m-%d %H:%M} ({self.state})"


class ReminderSent(models.Model):
    """That a reminder was queued, so a rerun of send_planner_reminders never resends it."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="planner_reminders"
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    local_day = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["student", "key"], name="planner_one_reminder_per_key")
        ]

    def __str__(self) -> str:
        return self.key


class CalendarImport(models.Model):
    """An import the task queue runs (a calendar link, or a large file), so no web worker
    waits for a remote server or a long parse. The file or link is kept only until the
    worker has read it; the outcome until the student's next import."""

    class State(models.TextChoices):
        QUEUED = "queued", "Importing"
        DONE = "done", "Imported"
        REFUSED = "refused", "Not imported"

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    data = models.BinaryField(blank=True, default=b"")
    url = models.TextField(blank=True)
    result = models.JSONField(null=True, blank=True)
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"calendar import {self.pk} ({self.state})"
