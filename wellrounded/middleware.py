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
