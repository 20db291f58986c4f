"""Mounts each app's router; every operation is documented at /api/docs.

One error shape everywhere: `{"detail": "...", "errors": {"field": ["message", ...]}}`, where
`errors` appears only for invalid input (422).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.http.request import RawPostDataException
from django.utils.cache import add_never_cache_headers
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import SessionAuth

from accounts.api import router as accounts_router
from accounts.tokens import PersonalTokenAuth
from checkins.api import checkins_router, instruments_router, safety_router, screenings_router
from circles.api import circles_router
from circles.services import NotInYourCircles
from cohorts.api import router as cohorts_router
from habits.api import router as habits_router
from insights.api import router as insights_router
from learn.api import router as learn_router
from planner.api import router as planner_router

from .api_input import NOT_JSON, BodyRefused, CleanInputParser

BODY_ERROR = (
    "The body is not a JSON object sent as application/json, or holds text with a NUL character "
    "or an unpaired surrogate; `detail` says which."
)
ERROR_RESPONSES = {
    "401": "Not signed in, or the token is wrong.",
    "403": "Signed in, but this is not yours to see (e.g. staff asking for personal data).",
    "404": "No such object, or it belongs to someone else.",
    "422": "Invalid input; `errors` says what, field by field.",
}


class WellRoundedAPI(NinjaAPI):
    def create_response(self, request, data, *, status=None, temporal_response=None):
        """Every answer is someone's own data (or an error about it): like the personal
        pages, never kept by a browser or a shared cache."""
        response = super().create_response(
            request, data, status=status, temporal_response=temporal_response
        )
        add_never_cache_headers(response)
        return response

    def get_openapi_schema(self, *args, **kwargs):
        """Document the one error shape on every operation, since any of them can answer it."""
        schema = super().get_openapi_schema(*args, **kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = {
            "type": "object",
            "properties": {
                "detail": {"type": "string"},
                "errors": {
                    "type": "object",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
                "crisis": {"type": "object"},
            },
            "required": ["detail"],
        }
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        for operations in schema["paths"].values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for status, description in ERROR_RESPONSES.items():
                    responses.setdefault(status, {"description": description, "content": error})
                if "requestBody" in operation:
                    responses.setdefault("400", {"description": BODY_ERROR, "content": error})
        return schema


api = WellRoundedAPI(
    title="Well-Rounded API",
    version="1",
    description=(
        "A student's own data. Authenticate with the session cookie (plus CSRF token) or a "
        "personal token: `Authorization: Bearer wr_...`."
    ),
    # The token first: a request that carries one is authenticated by it alone, without the
    # session's CSRF check (which would otherwise refuse it before the token is tried).
    auth=[PersonalTokenAuth(), SessionAuth()],
    urls_namespace="api",
    parser=CleanInputParser(),
)
api.add_router("/me", accounts_router)
api.add_router("/checkins", checkins_router)
api.add_router("/screenings", screenings_router)
api.add_router("/instruments", instruments_router)
api.add_router("/safety", safety_router)
api.add_router("/habits", habits_router)
api.add_router("/insights", insights_router)
api.add_router("/school", cohorts_router)
api.add_router("/circles", circles_router)
api.add_router("/learn", learn_router)
api.add_router("/planner", planner_router)


@api.exception_handler(ValidationError)
def django_validation_error(request, exc: ValidationError):
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": "Invalid input.", "errors": errors}, status=422)


@api.exception_handler(NinjaValidationError)
def schema_validation_error(request, exc: NinjaValidationError):
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", [])]
        while location and location[0] in ("body", "payload", "query", "path"):
            location.pop(0)
        errors.setdefault(".".join(location) or "__all__", []).append(error.get("msg", "Invalid."))
    return api.create_response(request, {"detail": "Invalid input.", "errors": errors}, status=422)


@api.exception_handler(Http404)
@api.exception_handler(NotInYourCircles)
def not_found(request, exc):
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return api.create_response(request, {"detail": str(exc) or "Forbidden."}, status=403)


@api.exception_handler(AuthenticationError)
def unauthorized(request, exc):
    return api.create_response(request, {"detail": "Unauthorized"}, status=401)


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    """ninja answers a body it cannot parse with 400; say why when the parser said why."""
    cause = exc.__cause__
    detail = str(cause) if isinstance(cause, BodyRefused) else str(exc)
    return api.create_response(request, {"detail": detail}, status=exc.status_code)


@api.exception_handler(RawPostDataException)
def form_body(request, exc):
    """A multipart body already read as a form (by the session's CSRF check) is no JSON."""
    return api.create_response(request, {"detail": NOT_JSON}, status=400)
