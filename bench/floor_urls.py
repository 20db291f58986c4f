"""The floor under any check-in (see bench/floor.py): one signed-in POST that updates one row."""

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import include, path
from django.utils import timezone


@login_required
def touch(request):
    """One UPDATE of the caller's own row, then the same redirect a check-in answers with."""
    if request.method == "POST":
        get_user_model().objects.filter(pk=request.user.pk).update(last_login=timezone.now())
        response = HttpResponse(status=302)
        response["Location"] = "/bench/floor/"
        return response
    return HttpResponse("floor")


urlpatterns = [path("bench/floor/", touch), path("", include("wellrounded.urls"))]
