"""Every URL pattern and every API operation, tried as every role.

Routes come from the URL resolver and the OpenAPI schema, so a new route that no rule below
classifies fails this test until someone decides who may reach it. Expected: students see
only their own rows; staff never reach a personal row; nobody crosses schools.

Apps added later classify their own routes in `<app>/tests/matrix*.py` (listed in EXTENSIONS):
`PAGES` maps a URL name to a rule, `api_rule(path)` classifies an API path, `objects(world)`
creates student A's objects and returns `{"kwargs": {...}, "secrets": [...]}`, and an optional
`QUERY_VALUES` gives required query parameters, an optional `MAY_REACH` adds rules (rule name
to the set of roles that may reach it; the others must get 403 or 404), and an optional
`SEEN_BY` names the roles besides student A who may see one of its secrets.
"""

import importlib
import re

import pytest
from django.urls import URLResolver, get_resolver
from django.utils import timezone

from checkins.services import record_screening
from cohorts.models import Campaign
from conftest import make_cohort, make_staff, make_student, with_totp
from habits.services import enable_default_habit
from insights.services import write_reflection
from schools.models import StaffRole
from support.models import HelpResource
from wellrounded.api import api

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous", "student", "classmate", "staff", "other_staff", "operator", "school_admin",
    "other_school_admin",
]  # fmt: skip

# Who may reach each page, by URL name.
PUBLIC = {
    "home", "need_help", "who_sees_what", "manifest", "service_worker", "offline",
}  # fmt: skip
STUDENT = {
    "checkin", "checkin_quick", "checkin_history", "checkin_delete", "not_safe", "screenings",
    "screening_schedule", "screening_take", "habits", "habit_new", "habit_enable", "insights",
    "insights_week", "journal", "reflection_new",
}  # fmt: skip
STUDENT_OBJECT = {
    "screening_result", "habit_edit", "habit_log", "habit_pause", "habit_resume",
    "habit_archive", "reflection_edit", "reflection_delete",
}  # fmt: skip
STAFF = {
    "support_manage", "support_manage_new", "cohort_dashboard", "cohort_export_csv",
    "cohort_campaigns", "cohort_campaign_new", "cohort_report", "cohort_report_csv",
    "cohort_export_xlsx",
}  # fmt: skip
STAFF_OBJECT = {"support_manage_edit", "support_manage_delete", "cohort_campaign"}
OWN_ACCOUNT = {"my_data", "export_my_data", "delete_my_data", "api_tokens"}

EXTENSIONS = [
    importlib.import_module(name)
    for name in (
        "circles.tests.matrix_circles",
        "cohorts.tests.matrix_actions",
        "cohorts.tests.matrix_campaigns",
        "learn.tests.matrix",
        "planner.tests.matrix",
        "reminders.tests.matrix",
        "schools.tests.matrix",
        "sso.tests.matrix",
    )
]


def walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern.name


def page_routes():
    routes = []
    for route, name in walk(get_resolver().url_patterns):
        if route.startswith("api/"):
            continue  # the API is enumerated from its OpenAPI schema below
        routes.append((route, name))
    return routes


def rule_for_page(route: str, name: str | None) -> str | None:
    if route == "^api/":
        return "not_found"  # the API's JSON 404 for anything its routers do not match
    if route == "admin/login/":
        return "public"
    if route == "admin/logout/":
        return "allauth"  # POST-only sign-out of the caller
    if route.startswith("admin/"):
        return "operator"
    for rule, names in [
        ("public", PUBLIC), ("student", STUDENT), ("student_object", STUDENT_OBJECT),
        ("staff", STAFF), ("staff_object", STAFF_OBJECT), ("own_account", OWN_ACCOUNT),
    ]:  # fmt: skip
        if name in names:
            return rule
    for extension in EXTENSIONS:
        if name in extension.PAGES:
            return extension.PAGES[name]
    if route.startswith("accounts/"):
        return "allauth"  # sign-in, sign-up, password, MFA: each acts on the caller only
    return None


@pytest.fixture
def world(school, cohort, student, classmate, staff, other_staff, operator):
    """Student A's objects, and every role's client credentials."""
    other_school = other_staff.staff_memberships.get().school
    school_admin = make_staff(school, "registrar@riverside.example", role=StaffRole.SCHOOL_ADMIN)
    other_school_admin = make_staff(
        other_school, "registrar@hillcrest.example", role=StaffRole.SCHOOL_ADMIN
    )
    for user in (staff, other_staff, operator, school_admin, other_school_admin):
        with_totp(user)
    screening = record_screening(
        student=student, instrument_id="who5", answers=[3] * 5, submission_key="m"
    ).response
    habit = enable_default_habit(student=student, kind="exercise")
    reflection = write_reflection(student=student, body="only for me")
    resource = HelpResource.objects.create(
        school=school, category="counselling", name="Counselling", phone="555-0100"
    )
    campaign = Campaign.objects.create(
        school=school,
        cohort=cohort,
        instrument="who5",
        opens_on=timezone.localdate(),
        closes_on=timezone.localdate(),
        message="A short survey from the wellness team.",
    )
    other_cohort = make_cohort(other_school, 2029)
    make_student(other_cohort, "far@hillcrest.example")
    world = {
        "school": school,
        "cohort": cohort,
        "users": {
            "anonymous": None,
            "student": student,
            "classmate": classmate,
            "staff": staff,
            "other_staff": other_staff,
            "operator": operator,
            "school_admin": school_admin,
            "other_school_admin": other_school_admin,
        },  # fmt: skip
        "kwargs": {
            "response_id": screening.pk,
            "habit_id": habit.pk,
            "reflection_id": reflection.pk,
            "resource_id": resource.pk,
            "instrument_id": "who5",
            "cohort_id": cohort.pk,
            "campaign_id": campaign.pk,
            "day": timezone.localdate().isoformat(),
        },
        "secrets": ["only for me"],
    }
    for extension in EXTENSIONS:
        extra = extension.objects(world)
        world["kwargs"].update(extra.get("kwargs", {}))
        world["secrets"].extend(extra.get("secrets", []))
    return world


def fill(route: str, kwargs: dict) -> str:
    if route == "^api/":
        return "/api/no-such-thing/"

    def value(match):
        name = match.group(1).split(":")[-1]
        assert name in kwargs, f"No test value for URL parameter {name!r} in {route}"
        return str(kwargs[name])

    return "/" + re.sub(r"<([^>]+)>", value, route)


def login(client, user):
    if user is not None:
        client.force_login(user)


ALLOWED = {200, 201, 204, 302, 405}
MAY_REACH = {
    "public": set(ROLES),
    "not_found": set(ROLES),
    "allauth": set(ROLES),
    "operator": {"operator"},
    "own_account": set(ROLES) - {"anonymous"},
    "any_user": set(ROLES) - {"anonymous"},
    "student": {"student", "classmate"},
    "student_object": {"student"},
    # A school administrator is school staff too: staff pages are theirs as well.
    "staff": {"staff", "other_staff", "school_admin", "other_school_admin"},
    "staff_object": {"staff", "school_admin"},
}
SEEN_BY: dict[str, set[str]] = {}
for _extension in EXTENSIONS:
    MAY_REACH.update(getattr(_extension, "MAY_REACH", {}))  # rules of their own, by role
    SEEN_BY.update(getattr(_extension, "SEEN_BY", {}))


def check_page(rule: str, role: str, response, path: str) -> None:
    status = response.status_code
    location = response.get("Location", "")
    to_login = status == 302 and "/accounts/login/" in location
    assert status < 500, f"{path} as {role}: {status}"
    if rule == "public":
        assert status in {200, 302}, f"{path} as {role}: {status}"
    elif rule == "not_found":
        assert status == 404 and response["Content-Type"] == "application/json", path
    elif rule not in {"allauth", "operator"}:  # a rule of who may reach, from MAY_REACH
        if role == "anonymous":
            # A login redirect, or 405 from a POST-only view that never reaches its data.
            assert to_login or status == 405, f"{path} as anonymous: {status} {location}"
            return
        if role in MAY_REACH[rule]:
            assert status in ALLOWED and not to_login, f"{path} as {role}: {status}"
        else:
            assert status in {403, 404}, f"{path} as {role}: {status} {location}"

    elif rule == "operator":
        if role == "operator":
            # The autocomplete endpoint refuses a request without its query parameters.
            expected = {403} if path == "/admin/autocomplete/" else {200, 302}
            assert status in expected, f"{path} as operator: {status}"
        else:
            assert status == 302 and "/admin/login/" in location, f"{path} as {role}: {status}"


def try_as(client, path: str):
    """GET the page; a POST-only view answers GET with 405 whoever asks, so POST to it."""
    response = client.get(path)
    if response.status_code == 405:
        response = client.post(path)
    return response


def test_every_page_as_every_role(client, world):
    unclassified = [route for route, name in page_routes() if rule_for_page(route, name) is None]
    assert unclassified == [], f"Classify these routes in {__name__}: {unclassified}"
    for route, name in page_routes():
        rule = rule_for_page(route, name)
        if rule == "allauth" or (rule == "operator" and "<" in route):
            continue  # allauth's own views; admin object pages need admin-specific ids
        path = fill(route, world["kwargs"])
        for role in ROLES:
            client.logout()
            login(client, world["users"][role])
            # Only roles that must be refused are sent a POST: theirs must change nothing.
            may_reach = role in MAY_REACH[rule]
            response = client.get(path) if may_reach else try_as(client, path)
            check_page(rule, role, response, path)
            body = response.content.decode(errors="ignore") if role != "student" else ""
            for secret in world["secrets"]:
                if role in SEEN_BY.get(secret, set()):
                    continue
                assert secret not in body, f"{path} showed student A's data to {role}"
            if rule == "student_object" and role == "classmate":
                # Writing to another student's object must fail the same way.
                assert client.post(path).status_code == 404, f"POST {path} as classmate"


def rule_for_api(path: str) -> str | None:
    if path in ("/api/me", "/api/me/export"):  # the caller's own account
        return "any_user"
    if path.startswith("/api/instruments"):
        return "any_user"
    if path.startswith(("/api/school/cohorts/{cohort_id}", "/api/school/campaigns/{")):
        return "staff_object"
    if path.startswith("/api/school"):
        return "staff"
    personal = ("/api/checkins", "/api/screenings", "/api/safety", "/api/habits", "/api/insights")
    if path.startswith(personal):
        has_object = any(p in path for p in ("{response_id}", "{habit_id}", "{reflection_id}"))
        return "student_object" if has_object else "student"
    for extension in EXTENSIONS:
        rule = extension.api_rule(path)
        if rule is not None:
            return rule
    return None


QUERY_VALUES = {"measure": "mood", "weeks": 8, "days": 30}


def required_query(path: str, operation: dict) -> dict:
    query = {}
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "query" and parameter.get("required"):
            name = parameter["name"]
            values = dict(QUERY_VALUES)
            for extension in EXTENSIONS:
                values.update(getattr(extension, "QUERY_VALUES", {}))
            assert name in values, f"No test value for query parameter {name!r} of {path}"
            query[name] = values[name]
    if path.endswith("/bands"):
        query["measure"] = "screen:who5"
    return query


def test_every_api_operation_as_every_role(client, world):
    schema = api.get_openapi_schema()
    unclassified = [path for path in schema["paths"] if rule_for_api(path) is None]
    assert unclassified == [], f"Classify these API paths in {__name__}: {unclassified}"
    for path, operations in schema["paths"].items():
        rule = rule_for_api(path)
        url = re.sub(
            r"\{(\w+)\}", lambda m: str(world["kwargs"][m.group(1)]), path
        )  # a KeyError here means: add a test value for this parameter
        for method, operation in operations.items():
            query = required_query(path, operation)
            for role in ROLES:
                client.logout()
                login(client, world["users"][role])
                if method == "get":
                    response = client.get(url, query)
                else:
                    call = getattr(client, method)
                    response = call(url, {}, content_type="application/json")
                status = response.status_code
                where = f"{method.upper()} {url} as {role}: {status}"
                assert status < 500, where
                if role == "anonymous":
                    assert status == 401, where
                    continue
                if role not in MAY_REACH[rule]:
                    # Never a success; 422 only means the (empty) body was rejected first.
                    assert status in {403, 404, 422}, where
                    assert not (200 <= status < 300), where
                    if method == "get":
                        assert status in {403, 404}, where
                    for secret in world["secrets"]:
                        assert secret not in response.content.decode(), where
