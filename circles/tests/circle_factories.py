from circles.models import Circle
from circles.services import save_circle_profile
from conftest import make_student
from schools.models import Cohort

NAMES = ["Heron", "Cedar", "Fern", "Otter", "Wren", "Larch", "Kestrel", "Thistle"]


def join(user, pseudonym: str, **fields):
    return save_circle_profile(student=user, pseudonym=pseudonym, accept_guidelines=True, **fields)


def circle_with(student, cohort: Cohort, others: int = 3) -> tuple[Circle, list]:
    """`student` and `others` new classmates, all opted in, so one circle forms."""
    peers = [
        make_student(cohort, f"peer{i}@riverside.example", rotation=None) for i in range(others)
    ]
    for user, name in zip([student, *peers], NAMES, strict=False):
        join(user, name)
    circle = Circle.objects.get(memberships__profile__student=student, kind=Circle.Kind.CIRCLE)
    return circle, peers
