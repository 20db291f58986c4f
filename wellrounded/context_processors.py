from django.utils.functional import SimpleLazyObject

from accounts.identity import identity_of
from schools.models import StaffRole


def _role(request) -> str:
    if not request.user.is_authenticated:
        return "anonymous"
    identity = identity_of(request)
    if identity.is_student:
        return "student"
    if identity.is_school_staff:
        return "staff"
    return "operator" if request.user.is_staff else "none"


def _is_school_admin(request) -> bool:
    return (
        request.user.is_authenticated and identity_of(request).staff_role == StaffRole.SCHOOL_ADMIN
    )


def role(request) -> dict:
    """`role` for templates (the navigation differs for students and staff), and whether the
    user administers a school (the roster link), from the session."""
    return {
        "role": SimpleLazyObject(lambda: _role(request)),
        "is_school_admin": SimpleLazyObject(lambda: _is_school_admin(request)),
    }
