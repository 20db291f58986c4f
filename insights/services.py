"""Every write to a student's journal goes through here."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from schools.selectors import enrollment_for
from vault.services import encrypt_text

from .models import MAX_REFLECTION_CHARS, Reflection
from .prompts import PROMPTS


def _clean_body(body: str | None) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write something first: a reflection cannot be empty."})
    if len(body) > MAX_REFLECTION_CHARS:
        raise ValidationError(
            {"body": f"Keep a reflection under {MAX_REFLECTION_CHARS:,} characters."}
        )
    return body


def _own(student, reflection: Reflection) -> None:
    if reflection.student_id != student.pk:
        # Views and the API look reflections up by owner, so this is a programming error.
        raise PermissionDenied("Only the author can change a reflection.")


@transaction.atomic
def write_reflection(*, student, body: str, prompt: str = "") -> Reflection:
    enrollment = enrollment_for(student)
    body = _clean_body(body)
    prompt = (prompt or "").strip()
    if prompt and prompt not in PROMPTS:
        raise ValidationError({"prompt": "Pick the prompt of the day, or none."})
    return Reflection.objects.create(
        student=student,
        school=enrollment.school,
        prompt=prompt,
        body_encrypted=encrypt_text(student, body),
    )


@transaction.atomic
def update_reflection(*, student, reflection: Reflection, body: str) -> Reflection:
    _own(student, reflection)
    reflection.body_encrypted = encrypt_text(student, _clean_body(body))
    reflection.save(update_fields=["body_encrypted", "updated_at"])
    return reflection


@transaction.atomic
def delete_reflection(*, student, reflection: Reflection) -> None:
    _own(student, reflection)
    reflection.delete()
