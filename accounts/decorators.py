from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.cache import add_never_cache_headers

from schools.models import Enrollment
from schools.selectors import staff_memberships_of

from .identity import identity_of
from .second_factor import has_second_factor


def student_required(view):
    """Only a signed-in student in a cohort; their personal pages are never cached anywhere."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        # From the session (accounts/identity.py): no query.
        enrollment = identity_of(request).enrollment(request.user)
        if enrollment is None:
            raise PermissionDenied("This page is for students.")
        request.enrollment = enrollment
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    return wrapper


def first_staff_school(user):
    """The school `user` is staff of (the first, should they ever be staff of several)."""
    memberships = staff_memberships_of(user)
    return memberships[0].school if memberships else None


def school_staff_required(
    *, refusal: str, mfa_message: str, school_of: Callable | None = first_staff_school
):
    """Staff pages: signed in, holding a staff role, with an authenticator app; never cached
    anywhere. The view receives the school `school_of` finds for the user (refused if none),
    or, with `school_of=None`, no school (the view reads every school the user is staff of)."""

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not identity_of(request).is_school_staff:
                raise PermissionDenied(refusal)
            if school_of is not None:
                school = school_of(request.user)
                if school is None:
                    raise PermissionDenied(refusal)
                args = (school, *args)
            if not has_second_factor(request):
                messages.info(request, mfa_message)
                return redirect("mfa_activate_totp")
            response = view(request, *args, **kwargs)
            add_never_cache_headers(response)
            return response

        return wrapper

    return decorate


def require_student(request, refusal: str):
    """The API caller, if they are a student in a cohort (kept on request.enrollment)."""
    enrollment = Enrollment.objects.select_related("school").filter(student=request.auth).first()
    if enrollment is None:
        raise PermissionDenied(refusal)
    request.enrollment = enrollment
    return request.auth
