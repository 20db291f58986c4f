from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.cache import add_never_cache_headers

from schools.selectors import staff_memberships_of

from .identity import identity_of


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


def school_staff_required(*, refusal: str, mfa_message: str, school_of=first_staff_school):
    """Staff pages: signed in, staff of the school `school_of` finds (which the view receives),
    with an authenticator app; never cached anywhere."""

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            school = school_of(request.user)
            if school is None:
                raise PermissionDenied(refusal)
            if not request.user.authenticator_set.filter(type="totp").exists():
                messages.info(request, mfa_message)
                return redirect("mfa_activate_totp")
            response = view(request, school, *args, **kwargs)
            add_never_cache_headers(response)
            return response

        return wrapper

    return decorate
