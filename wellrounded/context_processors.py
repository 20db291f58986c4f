from django.utils.functional import SimpleLazyObject

from schools.models import Enrollment, StaffMembership, StaffRole


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
    return {
        "role": SimpleLazyObject(lambda: _role(request.user)),
        "is_school_admin": SimpleLazyObject(
            lambda: (
                request.user.is_authenticated
                and StaffMembership.objects.filter(
                    user=request.user, role=StaffRole.SCHOOL_ADMIN
                ).exists()
            )
        ),
    }
