"""The project's URLs plus views that fail, for the error-page tests."""

from django.core.exceptions import BadRequest, PermissionDenied
from django.urls import path

from wellrounded.urls import handler500
from wellrounded.urls import urlpatterns as project_urlpatterns


def boom(request):
    raise RuntimeError("a bug")


def refuse(request):
    raise PermissionDenied("This page is for students.")


def bad(request):
    raise BadRequest("nonsense")


urlpatterns = [
    path("boom/", boom),
    path("refuse/", refuse),
    path("bad/", bad),
    *project_urlpatterns,
]

__all__ = ["handler500", "urlpatterns"]
