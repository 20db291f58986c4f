from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from schools.models import Rotation, School

SCALE = [MinValueValidator(1), MaxValueValidator(5)]
SELF_CARE_FIELDS = ["ate_well", "moved", "rested", "connected", "meditated", "therapy"]
SCALE_FIELDS = ["mood", "stress", "energy", "sleep_quality", "loneliness", "purpose"]
MAX_NOTE_CHARS = 2000


class CheckIn(models.Model):
    """One student's day, in about sixty seconds. At most one per student per day.

    Only the mood is always there: a quick check-in (two taps on a bad night) records the
    mood and at most one more answer, and leaves the rest empty rather than guessed.
    """

    # No index of its own: the one-per-day constraint's (student, day) index serves every
    # lookup by student, and each index more is one more write per check-in.
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkins", db_index=False
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    rotation = models.ForeignKey(
        Rotation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    mood = models.PositiveSmallIntegerField(validators=SCALE, help_text="1 very low – 5 very good")
    stress = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=SCALE, help_text="1 calm – 5 overwhelmed"
    )
    energy = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=SCALE, help_text="1 drained – 5 energised"
    )
    sleep_hours = models.DecimalField(
        null=True,
        blank=True,
        max_digits=3,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("16"))],
        help_text="Hours slept in the last 24 hours (0–16).",
    )
    sleep_quality = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=SCALE, help_text="1 poor – 5 great"
    )
    loneliness = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=SCALE, help_text="1 connected – 5 very lonely"
    )
    purpose = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=SCALE, help_text="1 none – 5 strong sense of purpose"
    )
    ate_well = models.BooleanField(default=False)
    moved = models.BooleanField(default=False)
    rested = models.BooleanField(default=False)
    connected = models.BooleanField(default=False)
    meditated = models.BooleanField(default=False)
    therapy = models.BooleanField(default=False)
    # Free text is stored only encrypted under the student's data key (vault).
    note_encrypted = models.BinaryField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["student", "day"], name="one_checkin_per_day"),
        ]

    def __str__(self) -> str:
        return f"check-in {self.day}"

    def self_care(self) -> dict[str, bool]:
        return {name: getattr(self, name) for name in SELF_CARE_FIELDS}


class ScreeningResponse(models.Model):
    """A completed screening: the answers as option values, and the score they gave."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="screenings"
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    instrument = models.CharField(max_length=40)
    answers = models.JSONField()
    score = models.FloatField()
    band = models.CharField(max_length=60, blank=True)
    flags = models.JSONField(default=list)
    prorated = models.BooleanField(default=False)
    rotation = models.ForeignKey(
        Rotation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    day = models.DateField()
    taken_at = models.DateTimeField(auto_now_add=True)
    # Set by the form (or an API client's Idempotency-Key) so a double submit or retry
    # returns the first response instead of recording a second one.
    submission_key = models.CharField(max_length=64)

    class Meta:
        ordering = ["-taken_at"]
        indexes = [models.Index(fields=["student", "instrument", "-taken_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "submission_key"], name="one_screening_per_submission"
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument} {self.day}"


class SafetyEvent(models.Model):
    """That the crisis screen was shown to a student, for their own history only."""

    class Trigger(models.TextChoices):
        SELF_HARM_ANSWER = "self_harm_answer", "A screening answer about self-harm"
        NOT_SAFE_BUTTON = "not_safe_button", "You pressed “I'm not safe right now”"
        # Never the text itself, nor where it was written: only that the resources were shown.
        PRIVATE_WRITING = "private_writing", "Something you wrote sounded like a crisis"

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="safety_events"
    )
    trigger = models.CharField(max_length=30, choices=Trigger.choices)
    shown_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-shown_at"]

    def __str__(self) -> str:
        return f"crisis resources shown {self.shown_at:%Y-%m-%d}"


class ScreeningSchedule(models.Model):
    """How often a student wants to be reminded to take an instrument (their choice)."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="screening_schedules"
    )
    instrument = models.CharField(max_length=40)
    every_days = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(7), MaxValueValidator(365)]
    )
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["student", "instrument"], name="one_schedule_per_instrument"
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument} every {self.every_days} days"
