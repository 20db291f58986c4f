from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.cache import add_never_cache_headers

from .models import Enrollment


def student_required(view):
    """Only a signed-in student in a cohort; their personal pages are never cached anywhere."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        enrollment = (
            Enrollment.objects.select_related("school", "cohort")
            .filter(student=request.user)
            .first()
        )
        if enrollment is None:
            raise PermissionDenied("This page is for students.")
        request.enrollment = enrollment
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    return wrapper
