from django.contrib import admin
from django.http import JsonResponse
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt

from accounts.views import SignupView, delete_my_data, export_my_data, my_data, who_sees_what

from .api import api
from .views import home


@csrf_exempt  # it changes nothing, whatever the method
def api_not_found(request, *args, **kwargs):
    """Anything else under /api/ (a malformed id, an unknown path) gets the API's error shape."""
    return JsonResponse({"detail": "Not found."}, status=404)


admin.site.site_header = "Well-Rounded operations"
admin.site.site_title = "Well-Rounded operations"

urlpatterns = [
    path("", home, name="home"),
    path("help/circles/", include("circles.urls")),
    path("help/", include("support.urls")),
    path("privacy/", who_sees_what, name="who_sees_what"),
    path("", include("checkins.urls")),
    path("habits/", include("habits.urls")),
    path("insights/", include("insights.urls")),
    path("school/", include("cohorts.urls")),
    path("learn/", include("learn.urls")),
    path("planner/", include("planner.urls")),
    path("accounts/my-data/", my_data, name="my_data"),
    path("accounts/my-data/export/", export_my_data, name="export_my_data"),
    path("accounts/my-data/delete/", delete_my_data, name="delete_my_data"),
    path("accounts/signup/", SignupView.as_view(), name="account_signup"),
    path("accounts/", include("allauth.urls")),
    path("api/", api.urls),
    re_path(r"^api/", api_not_found),
    path("admin/", admin.site.urls),
]
