from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from schools.models import School

DAILY = 7
BACKFILL_DAYS = 7


@dataclass(frozen=True)
class DefaultHabit:
    kind: str
    name: str
    per_week: int
    target_hours: Decimal | None = None


# The self-care habits the essay names: a student switches each one on in one tap.
DEFAULT_HABITS = [
    DefaultHabit("sleep", "Sleep", DAILY, Decimal("7.5")),
    DefaultHabit("healthy_eating", "Healthy eating", DAILY),
    DefaultHabit("exercise", "Exercise", 3),
    DefaultHabit("meditation", "Meditation or mindfulness", 5),
    DefaultHabit("therapy", "Therapy or counselling", 1),
    DefaultHabit("time_with_people", "Time with people", 3),
    DefaultHabit("rest", "Rest or a hobby", 3),
]
DEFAULTS_BY_KIND = {default.kind: default for default in DEFAULT_HABITS}
SLEEP = "sleep"
CUSTOM = "custom"
KIND_CHOICES = [(default.kind, default.name) for default in DEFAULT_HABITS] + [(CUSTOM, "Your own")]
PER_WEEK = [MinValueValidator(1), MaxValueValidator(DAILY)]
TARGET_HOURS = [MinValueValidator(Decimal("3")), MaxValueValidator(Decimal("12"))]
LOGGED_HOURS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("16"))]


class Habit(models.Model):
    """A self-care habit a student keeps, with a weekly target (7 = every day)."""

    class State(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        ARCHIVED = "archived", "Archived"

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="habits"
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=KIND_CHOICES, default=CUSTOM)
    name = models.CharField(max_length=60)
    target_per_week = models.PositiveSmallIntegerField(
        default=DAILY, validators=PER_WEEK, help_text="Times a week; 7 means every day."
    )
    target_hours = models.DecimalField(
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=TARGET_HOURS,
        help_text="Hours a night to aim for (3–12).",
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.ACTIVE)
    paused_at = models.DateTimeField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    # A daily reminder for this habit, in the student's time zone; None: no reminder. Sent by
    # the reminders app, under the same quiet hours and daily cap as every other reminder.
    remind_at = models.TimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "pk"]
        indexes = [models.Index(fields=["student", "state"])]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "kind"],
                condition=~Q(kind=CUSTOM),
                name="one_habit_per_default_kind",
            ),
            models.CheckConstraint(
                condition=Q(target_per_week__gte=1, target_per_week__lte=DAILY),
                name="target_per_week_1_to_7",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_daily(self) -> bool:
        return self.target_per_week == DAILY

    @property
    def tracks_hours(self) -> bool:
        return self.kind == SLEEP or self.target_hours is not None

    def target_text(self) -> str:
        if self.is_daily:
            return "every day"
        if self.target_per_week == 1:
            return "once a week"
        return f"{self.target_per_week} times a week"


class HabitLog(models.Model):
    """That a habit was done on a day (and, for sleep, how many hours), or that the day was
    "not today" for it (exam day, a night on call). One row per day, so a day is one or the
    other. A not-today day neither counts nor breaks: it is left out of the strength and the
    run, as the days of a pause are."""

    habit = models.ForeignKey(Habit, on_delete=models.CASCADE, related_name="logs")
    # Every tenant-owned table carries school_id (the distribution key, see DESIGN.md).
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    hours = models.DecimalField(
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=LOGGED_HOURS,
        help_text="Hours slept (0–16).",
    )
    not_today = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["habit", "day"], name="one_log_per_habit_day"),
        ]

    def __str__(self) -> str:
        return f"{self.habit_id} on {self.day}"
