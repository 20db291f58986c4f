from accounts.personal_data import PersonalDataset, register
from vault.services import decrypt_text

from .models import LessonProgress, LessonReflection


def export_progress(user) -> list[dict]:
    return [
        {"lesson": p.lesson, "track": p.track, "done_at": p.done_at, "undone_at": p.undone_at}
        for p in LessonProgress.objects.filter(student=user)
    ]


def export_reflections(user) -> list[dict]:
    return [
        {
            "lesson": r.lesson,
            "created_at": r.created_at,
            "updated_at": r.updated_at,
            "text": decrypt_text(user, r.body_encrypted),
        }
        for r in LessonReflection.objects.filter(student=user)
    ]


def register_datasets() -> None:
    register(PersonalDataset("lesson_progress", "lessons you marked done", export_progress))
    register(
        PersonalDataset(
            "lesson_reflections", "your private reflections on lessons", export_reflections
        )
    )
