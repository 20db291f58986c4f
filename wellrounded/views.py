from django.db.models import Count
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from checkins import selectors as checkin_selectors
from cohorts.campaigns import open_campaigns_for
from schools.models import Cohort
from schools.selectors import enrollment_of, placement_on, staff_memberships_of


def home(request):
    """The front door: a landing page, a student's today, or a staff member's schools."""
    if not request.user.is_authenticated:
        return render(request, "schools/landing.html")
    memberships = staff_memberships_of(request.user)
    if memberships:
        cohorts = (
            Cohort.objects.filter(school__in=[m.school for m in memberships])
            .annotate(students=Count("enrollments"))
            .select_related("school")
        )
        context = {"memberships": memberships, "cohorts": cohorts}
        return render(request, "schools/staff_home.html", context)
    enrollment = enrollment_of(request.user)
    if enrollment is None:
        return render(request, "schools/no_role.html")
    context = {
        "enrollment": enrollment,
        "placement": placement_on(request.user),
        "checkin": checkin_selectors.todays_checkin(request.user),
        "due": [s for s in checkin_selectors.screening_statuses(request.user) if s.due],
        "campaigns": open_campaigns_for(request.user),
    }
    response = render(request, "schools/student_home.html", context)
    add_never_cache_headers(response)
    return response
