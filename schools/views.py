from django.db.models import Count
from django.shortcuts import render

from .models import Cohort
from .selectors import enrollment_of, placement_on, staff_memberships_of


def home(request):
    """The front door: a landing page, a student's today, or a staff member's schools."""
    if not request.user.is_authenticated:
        return render(request, "schools/landing.html")
    memberships = staff_memberships_of(request.user)
    if memberships:
        return _staff_home(request, memberships)
    enrollment = enrollment_of(request.user)
    if enrollment is not None:
        return render(
            request,
            "schools/student_home.html",
            {"enrollment": enrollment, "placement": placement_on(request.user)},
        )
    return render(request, "schools/no_role.html")


def _staff_home(request, memberships):
    schools = [m.school for m in memberships]
    cohorts = (
        Cohort.objects.filter(school__in=schools)
        .annotate(students=Count("enrollments"))
        .select_related("school")
    )
    return render(
        request, "schools/staff_home.html", {"memberships": memberships, "cohorts": cohorts}
    )
