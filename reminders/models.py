from datetime import time

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from schools.models import School

# Until the student chooses: a night's sleep free of every reminder (and of planned blocks).
QUIET_START, QUIET_END = time(22), time(7)


class ReminderPrefs(models.Model):
    """When a student wants to be reminded, and when never: their own choice, all off until
    they choose a time."""

    student = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_prefs"
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    # The daily check-in reminder, in the student's time zone; None: no daily reminder.
    checkin_at = models.TimeField(null=True, blank=True)
    screenings = models.BooleanField(default=False)
    # The student's one set of quiet hours: no reminder of any kind (check-in, habits,
    # screenings, planner) is sent in them, and the planner proposes no block but sleep there.
    # Equal start and end: no quiet hours.
    quiet_start = models.TimeField(default=QUIET_START)
    quiet_end = models.TimeField(default=QUIET_END)
    per_day = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    email_fallback = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"reminder prefs of {self.student_id}"


class PushSubscription(models.Model):
    """One browser's Web Push subscription (RFC 8030): where to post, and the keys the message
    is encrypted to (RFC 8291). Personal data: exported and deleted with the account."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=100)
    auth = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"push subscription {self.pk} of {self.student_id}"


class Reminder(models.Model):
    """A reminder claimed for sending: its key (one per reminder, e.g. the day's check-in)
    makes it once only, and the rows of a local day count against the daily cap."""

    class Kind(models.TextChoices):
        CHECKIN = "checkin", "Daily check-in"
        SCREENING = "screening", "Screening due"
        HABIT = "habit", "Habit"

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    key = models.CharField(max_length=80)
    local_day = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    # How it reached the student: "push", "email", or "" (not sent: no longer wanted).
    channel = models.CharField(max_length=8, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["student", "key"], name="one_reminder_per_key")
        ]
        indexes = [models.Index(fields=["student", "local_day"])]

    def __str__(self) -> str:
        return f"{self.kind} reminder {self.key} of {self.student_id}"
