from accounts.personal_data import PersonalDataset, register

from .models import Reflection
from .selectors import reflection_body


def export_reflections(user) -> list[dict]:
    return [
        {
            "created_at": r.created_at,
            "updated_at": r.updated_at,
            "prompt": r.prompt,
            "text": reflection_body(r),
        }
        for r in Reflection.objects.select_related("student").filter(student=user)
    ]


def register_datasets() -> None:
    register(PersonalDataset("reflections", "your private journal", export_reflections))
