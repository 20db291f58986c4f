"""Hostile and malformed input to the API: each answers 4xx with the documented error shape
({"detail": ..., "errors"?: {...}}) and writes nothing. Run on PostgreSQL too
(DATABASE_URL=postgres://...), where a NUL character cannot be stored at all."""

import json

import pytest
from django.test import Client

from accounts.tokens import create_token
from checkins.models import CheckIn, ScreeningResponse, ScreeningSchedule
from checkins.services import record_screening, set_screening_schedule
from habits.models import Habit
from insights.models import Reflection
from learn.models import LessonReflection
from planner.models import PlannerPrefs

pytestmark = pytest.mark.django_db

NUL = "\u0000"
LONE_SURROGATE = '"a\\ud800b"'  # valid JSON text, but no UTF-8 string


@pytest.fixture
def api(student):
    _, secret = create_token(user=student, name="faults")
    return Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {secret}")


def send(api, method: str, path: str, body, content_type="application/json"):
    raw = body if isinstance(body, str | bytes) else json.dumps(body)
    return getattr(api, method)(path, raw, content_type=content_type)


def assert_error_shape(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["detail"], str)
    assert set(body) <= {"detail", "errors", "crisis"}
    if "errors" in body:
        assert all(isinstance(m, list) for m in body["errors"].values())
    return body


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/api/habits", {"name": f"Run{NUL}", "per_week": 3}),
        (
            "post",
            "/api/screenings",
            {"instrument": "who5", "answers": [3] * 5, "submission_key": NUL},
        ),
        ("post", "/api/insights/reflections", {"body": f"note{NUL}"}),
        ("put", "/api/planner/prefs", {"sleep_hours": 8, "timezone": f"UTC{NUL}"}),
        ("post", "/api/habits", {f"name{NUL}": "Run", "per_week": 3}),
    ],
)
def test_a_nul_character_in_a_body_is_refused(api, student, method, path, body):
    response = send(api, method, path, body)

    assert_error_shape(response, 400)
    assert not Habit.objects.filter(student=student).exists()
    assert not ScreeningResponse.objects.exists() and not Reflection.objects.exists()


def test_a_nul_character_in_a_rename_is_refused(api, student):
    habit = send(api, "post", "/api/habits", {"name": "Run", "per_week": 3}).json()

    response = send(api, "patch", f"/api/habits/{habit['id']}", {"name": f"R{NUL}un"})

    assert_error_shape(response, 400)
    assert Habit.objects.get(pk=habit["id"]).name == "Run"


@pytest.mark.parametrize("query", ["instrument=%00", "instrument=a%00b", "start=%00"])
def test_a_nul_character_in_a_query_is_a_field_error(api, query):
    body = assert_error_shape(api.get(f"/api/screenings?{query}"), 422)

    assert list(body["errors"]) == [query.split("=")[0]]


@pytest.mark.parametrize(
    ("method", "path", "field"),
    [
        ("post", "/api/insights/reflections", "body"),
        ("put", "/api/learn/lessons/naps-on-nights/reflection", "body"),
        ("post", "/api/habits", "name"),
    ],
)
def test_a_lone_surrogate_is_refused_before_it_reaches_encryption(api, method, path, field):
    raw = f'{{"{field}": {LONE_SURROGATE}, "per_week": 3}}'

    assert_error_shape(send(api, method, path, raw), 400)
    assert not Reflection.objects.exists() and not LessonReflection.objects.exists()
    assert not Habit.objects.exists()


def test_a_time_with_an_offset_is_refused_and_nothing_changes(api, student):
    before = PlannerPrefs.objects.filter(student=student).values().first()

    response = send(
        api,
        "put",
        "/api/planner/prefs",
        {"sleep_hours": 7, "quiet_start": "22:00:00Z", "quiet_end": "07:00:00"},
    )

    body = assert_error_shape(response, 422)
    assert "quiet_start" in body["errors"]
    assert PlannerPrefs.objects.filter(student=student).values().first() == before


def test_a_multipart_body_to_a_json_operation_is_refused(student):
    client = Client(enforce_csrf_checks=True)
    client.force_login(student)
    client.get("/")  # a CSRF cookie, sent back as the form field a browser form would send
    token = client.cookies["csrftoken"].value
    form = {"csrfmiddlewaretoken": token, "name": "Run", "per_week": "3"}

    response = client.post("/api/habits", form)  # the test client sends a dict as multipart

    assert response.status_code in {400, 403}, response.content
    assert_error_shape(response, response.status_code)
    assert not Habit.objects.exists()


def test_a_multipart_body_with_a_token_is_refused(api):
    response = api.post("/api/habits", {"name": "Run", "per_week": "3"})

    assert "JSON" in assert_error_shape(response, 400)["detail"]
    assert not Habit.objects.exists()


@pytest.mark.parametrize("path", ["/api/checkins", "/api/habits/{habit}/logs"])
@pytest.mark.parametrize("query", ["end=0001-01-01", "start=0001-01-01", "end=9999-12-31"])
def test_a_date_at_the_edge_of_the_calendar_is_a_field_error(api, path, query):
    habit = send(api, "post", "/api/habits", {"name": "Run", "per_week": 3}).json()

    response = api.get(path.format(habit=habit["id"]) + "?" + query)

    assert query.split("=")[0] in assert_error_shape(response, 422)["errors"]


@pytest.mark.parametrize("body", ['"x"', "[]", "null", "3", "true"])
def test_a_body_that_is_not_a_json_object_changes_nothing(api, student, body):
    set_screening_schedule(student=student, instrument_id="who5", every_days=14)

    response = send(api, "put", "/api/screenings/schedule/who5", body)

    assert "object" in assert_error_shape(response, 400)["detail"]
    assert ScreeningSchedule.objects.get(student=student, instrument="who5").every_days == 14


def test_an_empty_object_does_not_switch_a_reminder_off(api, student):
    set_screening_schedule(student=student, instrument_id="who5", every_days=14)

    response = send(api, "put", "/api/screenings/schedule/who5", {})

    assert "every_days" in assert_error_shape(response, 422)["errors"]
    assert ScreeningSchedule.objects.get(student=student, instrument="who5").every_days == 14


def test_malformed_json_is_the_documented_400(api):
    response = send(api, "post", "/api/habits", '{"name": "Run",')

    assert "JSON" in assert_error_shape(response, 400)["detail"]
    schema = api.get("/api/openapi.json").json()
    assert "400" in schema["paths"]["/api/habits"]["post"]["responses"]
    assert "400" not in schema["paths"]["/api/habits"]["get"]["responses"]  # no body, no 400


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/screenings", {"instrument": "who5", "answers": [True, 3, 3, 3, 3]}),
        ("/api/screenings", {"instrument": "who5", "answers": [3.0, 3, 3, 3, 3]}),
        ("/api/habits", {"name": "Run", "per_week": True}),
    ],
)
def test_a_boolean_or_fraction_is_not_a_whole_number(api, path, body):
    assert_error_shape(send(api, "post", path, body), 422)
    assert not ScreeningResponse.objects.exists() and not Habit.objects.exists()


def test_a_boolean_is_not_a_check_in_scale_value(api):
    values = dict.fromkeys(
        ["mood", "stress", "energy", "sleep_quality", "loneliness", "purpose"], 3
    )
    response = send(api, "put", "/api/checkins/today", {**values, "mood": True, "sleep_hours": 7})

    assert "mood" in assert_error_shape(response, 422)["errors"]
    assert not CheckIn.objects.exists()


def test_a_submission_key_reused_for_a_different_screening_is_refused(api, student):
    first = {"instrument": "who5", "answers": [3] * 5, "submission_key": "once"}
    assert send(api, "post", "/api/screenings", first).status_code == 201

    retry = send(api, "post", "/api/screenings", first)
    other_answers = send(api, "post", "/api/screenings", {**first, "answers": [4] * 5})
    other_instrument = send(
        api, "post", "/api/screenings", {**first, "instrument": "phq2", "answers": [0, 0]}
    )

    assert retry.status_code == 200  # the same submission again: its first result
    for response in (other_answers, other_instrument):
        assert "submission_key" in assert_error_shape(response, 422)["errors"]
    assert ScreeningResponse.objects.filter(student=student).count() == 1


def test_errors_and_crisis_are_left_out_never_null(api):
    wrong_length = send(api, "post", "/api/screenings", {"instrument": "who5", "answers": [1]})
    unknown = api.get("/api/screenings/999999")

    assert "crisis" not in assert_error_shape(wrong_length, 422)
    assert "errors" not in assert_error_shape(unknown, 404)


def test_a_tampered_hidden_key_on_the_screening_form_says_so(client, student):
    client.force_login(student)
    answers = {f"item_{n}": "3" for n in range(1, 6)}

    page = client.post("/screenings/who5/", {**answers, "submission_key": "x" * 65})

    assert page.status_code == 200
    assert "came back changed" in page.content.decode()
    fresh_key = page.context["form"]["submission_key"].value()
    assert fresh_key != "x" * 65 and len(fresh_key) <= 64
    assert not ScreeningResponse.objects.exists()


def test_a_retried_screening_with_its_key_is_still_one_result(student):
    first = record_screening(
        student=student, instrument_id="who5", answers=[3] * 5, submission_key="k"
    )
    again = record_screening(
        student=student, instrument_id="who5", answers=[3] * 5, submission_key="k"
    )

    assert first.created and not again.created and again.response == first.response


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/learn/lessons/a%00b"),
        ("put", "/api/learn/lessons/a%00b/done"),
        ("put", "/api/screenings/schedule/a%00b"),
        ("get", "/api/instruments/a%00b/questionnaire"),
    ],
)
def test_a_nul_character_in_a_path_is_not_found(api, method, path):
    response = api.get(path) if method == "get" else send(api, method, path, {"every_days": 14})

    assert response.status_code in {404, 422}
    assert_error_shape(response, response.status_code)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/api/me", None),
        ("get", "/api/checkins", None),
        ("get", "/api/screenings/999999", None),  # an error is personal too
        ("post", "/api/habits", {"name": "Run", "per_week": 3}),
        ("put", "/api/screenings/schedule/who5", "[]"),
    ],
)
def test_personal_api_answers_are_never_stored_by_a_cache(api, method, path, body):
    response = api.get(path) if body is None else send(api, method, path, body)

    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_an_unauthenticated_answer_is_not_stored_either():
    assert "no-store" in Client().get("/api/me")["Cache-Control"]


def test_the_screening_form_sent_again_with_other_answers_says_so(client, student):
    client.force_login(student)
    first = {f"item_{n}": "3" for n in range(1, 6)}
    client.post("/screenings/who5/", {**first, "submission_key": "back-button"})

    page = client.post(
        "/screenings/who5/", {**first, "item_1": "5", "submission_key": "back-button"}
    )

    assert page.status_code == 200
    assert "already sent with other answers" in page.content.decode()
    assert page.context["form"]["submission_key"].value() != "back-button"
    assert ScreeningResponse.objects.filter(student=student).count() == 1


def test_an_api_body_too_large_to_read_gets_the_api_error_shape_not_a_page(
    client, settings, student
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client.force_login(student)
    body = '{"ics": "' + "x" * 2000 + '"}'

    response = client.post("/api/planner/import", body, content_type="application/json")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "too large" in response.json()["detail"]
