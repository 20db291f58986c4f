from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from schools.models import Cohort, School

from .tracks import MAX_MINUTES, MIN_MINUTES, TRACKS

MAX_REFLECTION_CHARS = 5_000
MAX_BODY_CHARS = 20_000
SCHOOL_PREFIX = "school-"
TRACK_CHOICES = list(TRACKS.items())


class SchoolLesson(models.Model):
    """A lesson a school's staff wrote for their own students, next to the shipped ones."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="lessons")
    title = models.CharField(max_length=120)
    track = models.CharField(max_length=40, choices=TRACK_CHOICES)
    minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(MIN_MINUTES), MaxValueValidator(MAX_MINUTES)]
    )
    summary = models.CharField(max_length=300)
    body = models.TextField(max_length=MAX_BODY_CHARS, help_text="Markdown.")
    sources = models.TextField(blank=True, max_length=4000, help_text="One citation a line.")
    published = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["track", "title", "pk"]
        indexes = [models.Index(fields=["school", "published"])]

    def __str__(self) -> str:
        return self.title

    @property
    def slug(self) -> str:
        return f"{SCHOOL_PREFIX}{self.pk}"

    def source_list(self) -> list[str]:
        return [line.strip() for line in self.sources.splitlines() if line.strip()]


class TrackAssignment(models.Model):
    """A track a school asks one cohort to take, optionally by a date."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="track_assignments")
    track = models.CharField(max_length=40, choices=TRACK_CHOICES)
    complete_by = models.DateField(null=True, blank=True)
    assigned_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["complete_by", "assigned_at"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "track"], name="one_assignment_per_track")
        ]

    def __str__(self) -> str:
        return f"{self.track} for {self.cohort}"


class LessonProgress(models.Model):
    """That a student marked a lesson done. `lesson` is a shipped slug or "school-<id>".

    An undo of a lesson done before this week only sets `undone_at`: staff counts stand as
    of the end of the last complete week, and deleting the row would move them at once.
    """

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress"
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    lesson = models.CharField(max_length=80)
    track = models.CharField(max_length=40, choices=TRACK_CHOICES)
    done_at = models.DateTimeField(default=timezone.now)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-done_at"]
        constraints = [
            models.UniqueConstraint(fields=["student", "lesson"], name="one_progress_per_lesson")
        ]
        indexes = [models.Index(fields=["school", "lesson"])]

    def __str__(self) -> str:
        return f"{self.lesson} done"


class LessonReflection(models.Model):
    """A student's private note on a lesson, only ever stored encrypted (vault)."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_reflections"
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    lesson = models.CharField(max_length=80)
    body_encrypted = models.BinaryField(editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(fields=["student", "lesson"], name="one_reflection_per_lesson")
        ]

    def __str__(self) -> str:
        return f"reflection on {self.lesson}"
