import pytest

from accounts.tokens import create_token
from checkins.models import CheckIn, ScreeningResponse
from checkins.services import record_screening
from conftest import with_totp

pytestmark = pytest.mark.django_db

CHECKIN = {
    "mood": 3,
    "stress": 4,
    "energy": 2,
    "sleep_hours": 5.5,
    "sleep_quality": 2,
    "loneliness": 3,
    "purpose": 4,
    "moved": True,
    "note": "exam week",
}


@pytest.fixture
def api(client, student):
    _, secret = create_token(user=student, name="phone")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client


def put_today(client, body):
    return client.put("/api/checkins/today", body, content_type="application/json")


def test_personal_token_records_todays_checkin_once(api, student):
    first = put_today(api, CHECKIN)
    second = put_today(api, {**CHECKIN, "mood": 4})

    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["mood"] == 4
    assert second.json()["rotation"] == "Surgery"
    assert second.json()["note"] == "exam week"
    assert CheckIn.objects.filter(student=student).count() == 1
    assert api.get("/api/checkins/today").json()["stress"] == 4
    assert len(api.get("/api/checkins").json()) == 1


def test_bad_values_get_422_with_field_messages_and_nothing_written(api):
    response = put_today(api, {**CHECKIN, "mood": 9, "sleep_hours": -1})

    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "Invalid input."
    assert set(body["errors"]) >= {"mood", "sleep_hours"}
    assert not CheckIn.objects.exists()


def test_delete_today(api):
    assert api.delete("/api/checkins/today").status_code == 404
    put_today(api, CHECKIN)
    assert api.delete("/api/checkins/today").status_code == 204
    assert not CheckIn.objects.exists()


def test_screening_with_self_harm_answer_returns_crisis_resources(api, student):
    response = api.post(
        "/api/screenings",
        {"instrument": "phq9", "answers": [0, 0, 0, 0, 0, 0, 0, 0, 1], "submission_key": "a"},
        content_type="application/json",
    )

    body = response.json()
    assert response.status_code == 201
    assert body["flags"] == ["self_harm"]
    assert any(line["phone"] == "988" for line in body["crisis"]["national"])
    retry = api.post(
        "/api/screenings",
        {"instrument": "phq9", "answers": [0, 0, 0, 0, 0, 0, 0, 0, 1], "submission_key": "a"},
        content_type="application/json",
    )
    assert retry.status_code == 200
    assert ScreeningResponse.objects.filter(student=student).count() == 1


def test_idempotency_key_header_works_too(api, student):
    for _ in range(2):
        api.post(
            "/api/screenings",
            {"instrument": "who5", "answers": [5, 5, 5, 5, 5]},
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="retry-1",
        )
    assert ScreeningResponse.objects.filter(student=student).count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"instrument": "mbi", "answers": [1]}, "instrument"),
        ({"instrument": "who5", "answers": [1, 2]}, "answers"),
        ({"instrument": "who5", "answers": [1, 2, 3, 4, 9]}, "item_5"),
    ],
)
def test_unscorable_answers_get_422(api, body, field):
    response = api.post("/api/screenings", body, content_type="application/json")

    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert not ScreeningResponse.objects.exists()


def test_another_students_result_is_404(api, classmate):
    theirs = record_screening(
        student=classmate, instrument_id="who5", answers=[1, 1, 1, 1, 1], submission_key="x"
    ).response

    assert api.get(f"/api/screenings/{theirs.pk}").status_code == 404
    assert api.get(f"/api/screenings/{theirs.pk}/fhir").status_code == 404
    assert api.get("/api/screenings").json() == []


def test_own_result_as_fhir_questionnaire_response(api, student):
    mine = record_screening(
        student=student, instrument_id="gad7", answers=[1, 2, 1, 0, 0, 1, 2], submission_key="y"
    ).response

    body = api.get(f"/api/screenings/{mine.pk}/fhir").json()

    assert body["resourceType"] == "QuestionnaireResponse"
    assert body["status"] == "completed"


def test_staff_get_403_from_personal_endpoints(client, staff):
    with_totp(staff)
    client.force_login(staff)

    for path in ["/api/checkins", "/api/checkins/today", "/api/screenings"]:
        response = client.get(path)
        assert response.status_code == 403, path
        assert "students" in response.json()["detail"]


def test_anonymous_and_bad_tokens_get_401(client):
    assert client.get("/api/checkins").status_code == 401
    client.defaults["HTTP_AUTHORIZATION"] = "Bearer wr_not-a-real-token"
    assert client.get("/api/checkins").status_code == 401


def test_session_auth_needs_csrf_for_writes(student):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(student)

    response = client.put("/api/checkins/today", CHECKIN, content_type="application/json")

    assert response.status_code == 403
    assert not CheckIn.objects.exists()


def test_instruments_are_listed_and_exported_as_fhir(api):
    ids = [i["id"] for i in api.get("/api/instruments").json()]
    assert {"phq9", "gad7", "who5", "ucla3"} <= set(ids)
    questionnaire = api.get("/api/instruments/phq9/questionnaire").json()
    assert questionnaire["resourceType"] == "Questionnaire"
    assert api.get("/api/instruments/nope/questionnaire").status_code == 404


def test_not_safe_returns_crisis_resources_and_is_in_my_history(api, student):
    response = api.post("/api/safety/not-safe")

    assert response.status_code == 200
    assert response.json()["national"]
    assert len(api.get("/api/safety/history").json()) == 1


def test_a_repeated_query_parameter_is_refused(api):
    response = api.get("/api/screenings?instrument=who5&instrument=phq9")

    assert response.status_code == 422
    assert response.json()["errors"] == {"instrument": ["Give this parameter once."]}
