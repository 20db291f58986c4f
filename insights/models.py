from django.conf import settings
from django.db import models
from django.utils import timezone

from schools.models import School

MAX_REFLECTION_CHARS = 10_000


class Reflection(models.Model):
    """A private journal entry. The text exists only encrypted under the student's data key."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reflections"
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    prompt = models.CharField(max_length=200, blank=True)
    body_encrypted = models.BinaryField(editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["student", "-created_at"])]

    def __str__(self) -> str:
        return f"reflection {self.created_at:%Y-%m-%d}"
