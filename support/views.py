from django.shortcuts import render


def need_help(request):
    """The page behind "Need help now": reachable by anyone, signed in or not."""
    return render(request, "support/need_help.html")
