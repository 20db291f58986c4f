from django.utils.functional import SimpleLazyObject

from accounts.identity import identity_of


def _role(request) -> str:
    if not request.user.is_authenticated:
        return "anonymous"
    identity = identity_of(request)
    if identity.is_student:
        return "student"
    if identity.is_school_staff:
        return "staff"
    return "operator" if request.user.is_staff else "none"


def role(request) -> dict:
    """`role` for templates (the navigation differs for students and staff), from the session."""
    return {"role": SimpleLazyObject(lambda: _role(request))}
