import logging

from django.db.models import Count
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.views import defaults

from checkins import selectors as checkin_selectors
from checkins.forms import QuickCheckInForm
from cohorts.campaigns import open_campaigns_for
from cohorts.headlines import MIN_WEEKS, TERM_WEEKS, cohort_headlines, context_figures
from cohorts.signals import announce_read
from schools.models import Cohort
from schools.selectors import StudentCount, enrollment_of, placement_on, staff_memberships_of
from support.crisis_lines import national_directory

logger = logging.getLogger(__name__)


def home(request):
    """The front door: a landing page, a student's today, or a staff member's schools."""
    if not request.user.is_authenticated:
        return render(request, "schools/landing.html")
    memberships = staff_memberships_of(request.user)
    if memberships:
        cohorts = list(
            Cohort.objects.filter(school__in=[m.school for m in memberships])
            .annotate(students=Count("enrollments"))
            .select_related("school")
        )
        for cohort in cohorts:
            # As the roster page counts: in steps of five, hidden below K, so watching this
            # number cannot tell the day one known student joined or left.
            cohort.joined = StudentCount(cohort.students, cohort.school.min_cell_size)
        context = {"memberships": memberships, "cohorts": cohorts}
        # Headline figures are aggregates: like the dashboard, only with a second factor.
        has_mfa = request.user.authenticator_set.filter(type="totp").exists()
        context["has_mfa"] = has_mfa
        if has_mfa:
            context["headlines"] = cohort_headlines(cohorts)
            context["context_figures"] = context_figures()
            context["term_weeks"] = TERM_WEEKS
            context["min_weeks"] = MIN_WEEKS
        response = render(request, "schools/staff_home.html", context)
        if has_mfa:
            for school_id in sorted({m.school_id for m in memberships}):
                announce_read(request, kind="staff_dashboard_viewed", school_id=school_id)
        add_never_cache_headers(response)
        return response
    enrollment = enrollment_of(request.user)
    if enrollment is None:
        return render(request, "schools/no_role.html")
    context = {
        "enrollment": enrollment,
        "placement": placement_on(request.user),
        "checkin": (checkin := checkin_selectors.todays_checkin(request.user)),
        "quick_form": QuickCheckInForm() if checkin is None else None,
        "due": [s for s in checkin_selectors.screening_statuses(request.user) if s.due],
        "campaigns": open_campaigns_for(request.user),
    }
    response = render(request, "schools/student_home.html", context)
    add_never_cache_headers(response)
    return response


def bad_request(request, exception, template_name="400.html"):
    """handler400: the API answers in its own JSON error shape (a body too large to read, say,
    fails before any API code runs); pages get the 400 page with the navigation."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": "The request could not be read: it is malformed or too large."},
            status=400,
        )
    return defaults.bad_request(request, exception, template_name)


def server_error(request):
    """The 500 page (handler500). What failed may be the database, so it is rendered without the
    request: no session, no user and no context processor (they query the database). It keeps
    the "Need help now" link and a way home, and lists the urgent national crisis lines from
    their data file, since the help page itself needs the database."""
    try:
        lines = [line for line in national_directory().lines if line.urgent]
    except Exception:  # noqa: BLE001 - the page must render whatever else is broken
        logger.exception("The 500 page could not read the national crisis lines")
        lines = []
    return HttpResponseServerError(loader.render_to_string("500.html", {"lines": lines}))
