from datetime import timedelta

import pytest

from accounts.tokens import create_token
from conftest import with_totp
from habits.models import Habit, HabitLog
from habits.services import enable_default_habit, log_habit
from habits.tests.factories import log_days, today_for

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def api(client, student):
    _, secret = create_token(user=student, name="phone")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client


@pytest.fixture
def exercise(student):
    return enable_default_habit(student=student, kind="exercise")


def test_listing_habits_with_strength_streak_and_the_last_days(api, student, exercise):
    log_days(exercise, 0, 1, 2)

    [body] = api.get("/api/habits").json()

    assert (body["id"], body["kind"], body["name"], body["per_week"]) == (
        exercise.pk, "exercise", "Exercise", 3,
    )  # fmt: skip
    assert body["done_today"] is True and body["this_week"] >= 1
    assert 0 < body["strength"] <= 100
    assert body["streak_unit"] == "weeks"
    assert len(body["last_days"]) == 7 and body["last_days"][-1]["done"] is True


def test_defaults_are_listed_and_enabled_idempotently(api, student):
    kinds = [d["kind"] for d in api.get("/api/habits/defaults").json()]
    assert kinds[0] == "sleep" and "time_with_people" in kinds

    first = api.post("/api/habits/defaults", {"kind": "sleep"}, content_type=JSON)
    again = api.post("/api/habits/defaults", {"kind": "sleep"}, content_type=JSON)

    assert first.status_code == again.status_code == 200
    assert first.json()["target_hours"] == 7.5
    assert Habit.objects.filter(student=student).count() == 1


def test_creating_a_custom_habit(api, student):
    response = api.post("/api/habits", {"name": "Stretch", "per_week": 4}, content_type=JSON)

    assert response.status_code == 201
    assert Habit.objects.get(student=student, name="Stretch").target_per_week == 4


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/habits", {"name": "Stretch", "per_week": 9}, "per_week"),
        ("/api/habits", {"name": "", "per_week": 3}, "name"),
        ("/api/habits", {"name": "Nap", "per_week": 3, "target_hours": 2}, "target_hours"),
        ("/api/habits/defaults", {"kind": "doomscrolling"}, "kind"),
    ],
)
def test_bad_habits_get_422_and_nothing_is_written(api, path, body, field):
    response = api.post(path, body, content_type=JSON)

    assert response.status_code == 422
    assert response.json()["detail"] == "Invalid input."
    assert field in response.json()["errors"]
    assert not Habit.objects.exists()


def test_patching_name_target_and_state(api, exercise):
    url = f"/api/habits/{exercise.pk}"

    renamed = api.patch(url, {"name": "Run", "per_week": 2}, content_type=JSON)
    paused = api.patch(url, {"state": "paused"}, content_type=JSON)
    archived = api.patch(url, {"state": "archived"}, content_type=JSON)
    restored = api.patch(url, {"state": "active", "name": "Jog"}, content_type=JSON)

    assert (renamed.json()["name"], renamed.json()["per_week"]) == ("Run", 2)
    assert paused.json()["state"] == "paused"
    assert archived.json()["state"] == "archived"
    assert (restored.json()["state"], restored.json()["name"]) == ("active", "Jog")
    assert api.patch(url, {"state": "gone"}, content_type=JSON).status_code == 422


def test_logging_a_day_is_idempotent_and_undoable(api, student, exercise):
    today = today_for(student)
    url = f"/api/habits/{exercise.pk}/logs/{today - timedelta(days=1)}"

    first = api.put(url, content_type=JSON)
    second = api.put(url, {}, content_type=JSON)

    assert first.status_code == second.status_code == 200
    assert first.json() == {"day": str(today - timedelta(days=1)), "hours": None}
    assert HabitLog.objects.count() == 1
    assert api.delete(url).status_code == 204
    assert api.delete(url).status_code == 404
    assert not HabitLog.objects.exists()


def test_sleep_hours_through_the_api(api, student):
    sleep = enable_default_habit(student=student, kind="sleep")
    url = f"/api/habits/{sleep.pk}/logs/{today_for(student)}"

    assert api.put(url, {"hours": 6.5}, content_type=JSON).json()["hours"] == 6.5
    bad = api.put(url, {"hours": -1}, content_type=JSON)
    absurd = api.put(url, {"hours": 30}, content_type=JSON)

    assert bad.status_code == absurd.status_code == 422
    assert "hours" in bad.json()["errors"]
    assert float(HabitLog.objects.get().hours) == 6.5


@pytest.mark.parametrize("offset", [8, 100, -1])
def test_days_outside_the_back_fill_window_get_422_and_nothing_is_written(
    api, student, exercise, offset
):
    day = today_for(student) - timedelta(days=offset)

    response = api.put(f"/api/habits/{exercise.pk}/logs/{day}", content_type=JSON)

    assert response.status_code == 422
    assert "day" in response.json()["errors"]
    assert not HabitLog.objects.exists()


def test_a_garbled_day_gets_422(api, exercise):
    response = api.put(f"/api/habits/{exercise.pk}/logs/yesterday", content_type=JSON)

    assert response.status_code == 422
    assert not HabitLog.objects.exists()


def test_listing_logs_in_a_range(api, student, exercise):
    log_days(exercise, 0, 3, 40)
    today = today_for(student)

    days = api.get(f"/api/habits/{exercise.pk}/logs").json()
    wide = api.get(
        f"/api/habits/{exercise.pk}/logs",
        {"start": str(today - timedelta(days=60)), "end": str(today)},
    ).json()
    backwards = api.get(
        f"/api/habits/{exercise.pk}/logs",
        {"start": str(today), "end": str(today.replace(year=2000))},
    )

    assert [d["day"] for d in days] == [str(today - timedelta(days=3)), str(today)]
    assert len(wide) == 3
    assert backwards.status_code == 422


def test_a_classmate_gets_404_for_every_operation_on_the_students_habit(
    client, student, classmate, exercise
):
    log_habit(student=student, habit_id=exercise.pk)
    _, secret = create_token(user=classmate, name="phone")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    today = today_for(student)
    logs = f"/api/habits/{exercise.pk}/logs"

    assert (
        client.patch(f"/api/habits/{exercise.pk}", {"name": "x"}, content_type=JSON).status_code
        == 404
    )
    assert client.put(f"{logs}/{today}", content_type=JSON).status_code == 404
    assert client.delete(f"{logs}/{today}").status_code == 404
    assert client.get(logs).status_code == 404
    assert client.get("/api/habits").json() == []
    assert HabitLog.objects.count() == 1
    assert Habit.objects.get().name == "Exercise"


def test_anonymous_gets_401_and_staff_403(client, staff, exercise):
    operations = [
        ("get", "/api/habits", None),
        ("get", "/api/habits/defaults", None),
        ("post", "/api/habits/defaults", {"kind": "sleep"}),
        ("post", "/api/habits", {"name": "Stretch", "per_week": 3}),
        ("patch", f"/api/habits/{exercise.pk}", {"name": "x"}),
        ("put", f"/api/habits/{exercise.pk}/logs/2026-01-01", {}),
        ("delete", f"/api/habits/{exercise.pk}/logs/2026-01-01", None),
        ("get", f"/api/habits/{exercise.pk}/logs", None),
    ]

    def call(method, path, body):
        if body is None:
            return getattr(client, method)(path)
        return getattr(client, method)(path, body, content_type=JSON)

    for operation in operations:
        assert call(*operation).status_code == 401, operation
    with_totp(staff)
    client.force_login(staff)
    for method, path, body in operations:
        # Session auth needs the CSRF token for writes; reads are enough to show the refusal.
        if method == "get":
            assert call(method, path, body).status_code == 403, path
    _, secret = create_token(user=staff, name="laptop")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    for operation in operations:
        assert call(*operation).status_code == 403, operation
    assert Habit.objects.count() == 1 and not HabitLog.objects.exists()


def test_a_reminder_time_is_set_read_and_cleared_through_the_api(api, exercise):
    url = f"/api/habits/{exercise.pk}"

    set_ = api.patch(url, {"remind_at": "07:30"}, content_type=JSON)
    listed = api.get("/api/habits").json()
    bad = api.patch(url, {"remind_at": "25:00"}, content_type=JSON)
    cleared = api.patch(url, {"remind_at": None}, content_type=JSON)

    assert set_.status_code == 200 and set_.json()["remind_at"] == "07:30"
    assert listed[0]["remind_at"] == "07:30"
    assert bad.status_code == 422 and "detail" in bad.json()
    exercise.refresh_from_db()
    assert cleared.json()["remind_at"] is None and exercise.remind_at is None


def test_a_phone_sets_a_reminder_time_with_its_token_and_no_csrf_cookie(student, exercise):
    """Through a client that enforces CSRF, as a real phone app is: the token is enough."""
    from django.test import Client

    _, secret = create_token(user=student, name="phone")
    phone = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {secret}")

    response = phone.patch(f"/api/habits/{exercise.pk}", {"remind_at": "21:15"}, content_type=JSON)

    assert response.status_code == 200 and response.json()["remind_at"] == "21:15"
    exercise.refresh_from_db()
    assert exercise.remind_at.strftime("%H:%M") == "21:15"
