from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from .identity import identity_of
from .second_factor import has_second_factor

STAFF_WITHOUT_MFA = (
    "Staff accounts need two-factor authentication. Set up an authenticator app to continue."
)


class StaffMFARequiredMiddleware:
    """Send staff and operators without a second factor to set one up before anything else,
    and end their sessions after STAFF_IDLE_SECONDS without a request.

    Staff sessions reach school-wide aggregates and settings, so a stolen password alone must
    not be enough. Students may add MFA but are never forced to.
    """

    allowed_prefixes = ("/accounts/", "/static/", "/privacy/")
    # The crisis page stays open to everyone; /help/manage/ is a staff page like any other.
    allowed_paths = ("/help/",)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        # Staff roles and operators must use a second factor; students may choose to.
        staff = (
            user is not None
            and user.is_authenticated
            and (user.is_staff or identity_of(request).is_school_staff)
        )
        if staff:
            # Sliding idle expiry: a dean's laptop left open in a shared office should not
            # stay signed in for two weeks.
            request.session.set_expiry(settings.STAFF_IDLE_SECONDS)
        if (
            staff
            and not request.path.startswith(self.allowed_prefixes)
            and request.path not in self.allowed_paths
            and not has_second_factor(request)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": "Set up two-factor authentication in the app to use the API."},
                    status=403,
                )
            self.tell_once(request)
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

    @staticmethod
    def tell_once(request) -> None:
        """Queue the message unless it is already waiting: a sign-in passes through several
        redirects (and the browser fetches the manifest and service worker meanwhile), each
        stopped here, and the set-up page would otherwise say it three times."""
        waiting = messages.get_messages(request)
        already = any(message.message == STAFF_WITHOUT_MFA for message in waiting)
        waiting.used = False  # only looked at: they are still to be shown
        if not already:
            messages.info(request, STAFF_WITHOUT_MFA)


class SingleValuedAPIQueryMiddleware:
    """No API operation takes a repeated query parameter: refuse `?a=1&a=2` with 422 rather
    than silently using the last value."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            repeated = sorted(key for key, values in request.GET.lists() if len(values) > 1)
            if repeated:
                errors = {key: ["Give this parameter once."] for key in repeated}
                return JsonResponse({"detail": "Invalid input.", "errors": errors}, status=422)
        return self.get_response(request)


class SchoolTimeMiddleware:
    """Times on pages read in the school's time zone, as check-ins and the planner already
    count days: a Sunday 21:50 reflection in Chicago is Sunday's, not "Monday 7 December"
    (Django's documented way: activate the zone for the request). The zone comes from the
    session's identity, so it costs no query; signed out, pages stay in TIME_ZONE."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        zone = identity_of(request).timezone if user is not None and user.is_authenticated else None
        if zone:
            timezone.activate(ZoneInfo(zone))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
