from django.utils.functional import SimpleLazyObject

from schools.models import Enrollment, StaffMembership


def _role(user) -> str:
    if not user.is_authenticated:
        return "anonymous"
    if Enrollment.objects.filter(student=user).exists():
        return "student"
    if StaffMembership.objects.filter(user=user).exists():
        return "staff"
    return "operator" if user.is_staff else "none"


def role(request) -> dict:
    """`role` for templates (the navigation differs for students and staff); one query, lazily."""
    return {"role": SimpleLazyObject(lambda: _role(request.user))}
