from django.contrib import admin
from django.http import JsonResponse
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt

from accounts.views import (
    SignupView,
    api_tokens,
    delete_my_data,
    export_my_data,
    my_data,
    revoke_api_token,
    who_sees_what,
)
from cohorts.action_views import you_said_we_did
from schools.administration_views import accept_invitation

from . import pwa
from .api import api
from .views import home


@csrf_exempt  # it changes nothing, whatever the method
def api_not_found(request, *args, **kwargs):
    """Anything else under /api/ (a malformed id, an unknown path) gets the API's error shape."""
    return JsonResponse({"detail": "Not found."}, status=404)


# A write fault gets the 503 page; anything else the 500 page, rendered without the database
# (wellrounded.views.server_error). 400, 403 and 404 are Django's own views, rendering
# 400.html, 403.html and 404.html with the request, so with the navigation.
handler400 = "wellrounded.views.bad_request"
handler500 = "wellrounded.write_faults.server_error"

admin.site.site_header = "Well-Rounded operations"
admin.site.site_title = "Well-Rounded operations"

urlpatterns = [
    path("", home, name="home"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("offline/", pwa.offline, name="offline"),
    path("help/circles/", include("circles.urls")),
    path("help/", include("support.urls")),
    path("privacy/", who_sees_what, name="who_sees_what"),
    path("you-said-we-did/", you_said_we_did, name="you_said_we_did"),
    path("", include("checkins.urls")),
    path("habits/", include("habits.urls")),
    path("insights/", include("insights.urls")),
    path("school/roster/", include("schools.urls")),
    path("school/placements/", include("schools.placement_urls")),
    path("rotations/", include("schools.schedule_urls")),
    path("school/admin/", include("schools.administration_urls")),
    path("school/join/<str:invitation_token>/", accept_invitation, name="staff_invitation"),
    path("school/sso/", include("sso.urls")),
    path("school/", include("cohorts.urls")),
    path("learn/", include("learn.urls")),
    path("planner/", include("planner.urls")),
    path("reminders/", include("reminders.urls")),
    path("accounts/my-data/", my_data, name="my_data"),
    path("accounts/my-data/export/", export_my_data, name="export_my_data"),
    path("accounts/my-data/delete/", delete_my_data, name="delete_my_data"),
    path("accounts/tokens/", api_tokens, name="api_tokens"),
    path("accounts/tokens/<int:token_id>/revoke/", revoke_api_token, name="revoke_api_token"),
    path("accounts/signup/", SignupView.as_view(), name="account_signup"),
    path("accounts/", include("allauth.urls")),
    path("api/", api.urls),
    re_path(r"^api/", api_not_found),
    path("admin/", admin.site.urls),
]
