from django.shortcuts import render

from .services import PRIVACY_NOTICE_VERSION


def who_sees_what(request):
    return render(request, "accounts/who_sees_what.html", {"version": PRIVACY_NOTICE_VERSION})
