import re

from django.core.cache import cache
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render


class MethodNotAllowedPageMiddleware:
    """Gives Django's empty 405 (from `require_POST` and friends) a page with the navigation,
    "Need help now" and a way home. A person meets it by following a button's address, e.g.
    signing in again after a button press took them to the sign-in page. The API keeps its own
    answers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 405 or response.content or request.path.startswith("/api/"):
            return response
        page = render(request, "405.html", status=405)
        page["Allow"] = response["Allow"]
        return page


class IdempotentReplayMiddleware:
    """A post sent again from a phone's outbox (static/pwa/app.js) carries an Idempotency-Key:
    the first copy is handled, a later copy with the same key is answered "already saved"
    without running the view, so a reply lost on a bad connection never records anything
    twice. Keys are per user and kept for a week in the shared cache (every web process sees
    them). The API has its own keys (e.g. screenings' submission_key) and is left alone."""

    TIMEOUT = 7 * 24 * 3600
    KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{8,64}$")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.headers.get("Idempotency-Key", "")
        if (
            request.method != "POST"
            or not key
            or request.path.startswith("/api/")
            or not request.user.is_authenticated
        ):
            return self.get_response(request)
        if not self.KEY_PATTERN.match(key):
            return HttpResponseBadRequest("Idempotency-Key: 8-64 letters, digits, - or _.")
        cache_key = f"replay:{request.user.pk}:{key}"
        if not cache.add(cache_key, "pending", self.TIMEOUT):
            if cache.get(cache_key) == "done":
                response = HttpResponseRedirect(request.path, status=303)
                response["Idempotent-Replayed"] = "true"
                return response
            return HttpResponse("This is being saved already.", status=409)
        try:
            response = self.get_response(request)
        except BaseException:
            cache.delete(cache_key)
            raise
        if response.status_code < 400:
            cache.set(cache_key, "done", self.TIMEOUT)
        else:
            cache.delete(cache_key)  # refused (e.g. a stale CSRF token): it may be sent again
        return response
