"""Two taps on a bad night (issue #22): a quick check-in of the mood alone, and yesterday's
check-in after a night on call, never into a week whose figures are published."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.tokens import create_token
from checkins.models import CheckIn
from checkins.selectors import checkin_note
from checkins.services import record_checkin
from cohorts.models import Release, RollupCell
from cohorts.tests.factories import figures_of
from lib.dates import week_of

pytestmark = pytest.mark.django_db

VALUES = {
    "mood": 4,
    "stress": 2,
    "energy": 3,
    "sleep_hours": "6.5",
    "sleep_quality": 3,
    "loneliness": 2,
    "purpose": 5,
    "moved": True,
    "note": "Night on call, slept after.",
}


def today_of(student):
    return student.enrollment.school.today()


def publish(school, day):
    week = week_of(day)
    return Release.objects.create(
        school=school,
        kind=Release.Kind.WEEK,
        key=week.isoformat(),
        starts_on=week,
        ends_on=week + timedelta(days=6),
    )


def test_yesterdays_checkin_is_recorded_for_yesterday_and_counted_in_its_week(student):
    yesterday = today_of(student) - timedelta(days=1)

    checkin, created = record_checkin(student=student, values=VALUES, day=yesterday)

    assert created and checkin.day == yesterday
    assert figures_of("mood", week=week_of(yesterday)).n_students == 1


def test_yesterday_twice_is_one_row(student):
    yesterday = today_of(student) - timedelta(days=1)
    record_checkin(student=student, values=VALUES, day=yesterday)

    checkin, created = record_checkin(student=student, values={**VALUES, "mood": 2}, day=yesterday)

    assert not created and checkin.mood == 2
    assert CheckIn.objects.filter(student=student).count() == 1
    assert figures_of("mood", week=week_of(yesterday)).total == 2.0


@pytest.mark.parametrize("days_back", [2, 3, 30])
def test_more_than_48_hours_back_is_refused_and_nothing_written(student, days_back):
    with pytest.raises(ValidationError) as refused:
        record_checkin(
            student=student, values=VALUES, day=today_of(student) - timedelta(days=days_back)
        )

    assert "today or yesterday only" in refused.value.message_dict["day"][0]
    assert not CheckIn.objects.exists() and not RollupCell.objects.exists()


def test_a_future_day_is_refused(student):
    with pytest.raises(ValidationError, match="future"):
        record_checkin(student=student, values=VALUES, day=today_of(student) + timedelta(days=1))


def test_a_published_week_never_moves(student, school):
    yesterday = today_of(student) - timedelta(days=1)
    publish(school, yesterday)

    with pytest.raises(ValidationError) as refused:
        record_checkin(student=student, values=VALUES, day=yesterday)

    assert "already published" in refused.value.message_dict["day"][0]
    assert not CheckIn.objects.exists() and not RollupCell.objects.exists()


def test_a_published_week_keeps_an_existing_checkin_as_it_was(student, school):
    yesterday = today_of(student) - timedelta(days=1)
    record_checkin(student=student, values=VALUES, day=yesterday)
    before = figures_of("mood", week=week_of(yesterday))
    publish(school, yesterday)

    with pytest.raises(ValidationError):
        record_checkin(student=student, values={**VALUES, "mood": 1}, day=yesterday)

    assert CheckIn.objects.get(student=student).mood == 4
    assert figures_of("mood", week=week_of(yesterday)) == before


def test_a_quick_checkin_records_the_mood_and_leaves_the_rest_empty(student):
    checkin, created = record_checkin(student=student, values={"mood": 2}, quick=True)

    assert created
    assert (checkin.mood, checkin.stress, checkin.sleep_hours, checkin.purpose) == (
        2,
        None,
        None,
        None,
    )
    assert figures_of("mood").n_students == 1
    assert figures_of("checkin").n_students == 1
    # No answer is guessed for the measures the student left out.
    with pytest.raises(KeyError):
        figures_of("stress")


def test_a_quick_checkin_keeps_the_rest_of_the_days_full_checkin(student):
    record_checkin(student=student, values=VALUES)

    checkin, created = record_checkin(
        student=student, values={"mood": 1, "sleep_quality": 1}, quick=True
    )

    assert not created
    assert (checkin.mood, checkin.sleep_quality, checkin.stress, checkin.moved) == (1, 1, 2, True)
    assert checkin_note(checkin) == VALUES["note"]


def test_a_quick_checkin_needs_a_mood(student):
    with pytest.raises(ValidationError) as refused:
        record_checkin(student=student, values={"sleep_quality": 2}, quick=True)
    assert "mood" in refused.value.message_dict
    assert not CheckIn.objects.exists()


def test_a_full_checkin_still_needs_every_answer(student):
    with pytest.raises(ValidationError) as refused:
        record_checkin(student=student, values={"mood": 3, "stress": 2})
    assert {"energy", "sleep_hours", "purpose"} <= set(refused.value.message_dict)
    assert not CheckIn.objects.exists()


# The pages


def test_the_quick_page_saves_the_mood_in_one_post(client, student):
    client.force_login(student)

    response = client.post(reverse("checkin_quick"), {"mood": "2"}, follow=True)

    assert CheckIn.objects.get(student=student).mood == 2
    assert "Saved." in response.content.decode()


def test_the_quick_page_saves_yesterday(client, student):
    client.force_login(student)

    client.post(reverse("checkin_quick"), {"mood": "3", "sleep_quality": "1", "day": "yesterday"})

    checkin = CheckIn.objects.get(student=student)
    assert checkin.day == today_of(student) - timedelta(days=1)
    assert checkin.sleep_quality == 1


def test_the_quick_page_shows_why_a_published_week_is_closed(client, student, school):
    publish(school, today_of(student) - timedelta(days=1))
    client.force_login(student)

    page = client.get(reverse("checkin_quick"), {"day": "yesterday"}).content.decode()
    refused = client.post(reverse("checkin_quick"), {"mood": "3", "day": "yesterday"})

    assert "already published" in page and 'name="mood"' not in page
    assert refused.status_code == 200 and "already published" in refused.content.decode()
    assert not CheckIn.objects.exists()


def test_the_full_page_edits_yesterday(client, student):
    client.force_login(student)
    form = {k: str(v) for k, v in VALUES.items() if k != "moved"} | {"day": "yesterday"}

    response = client.post(reverse("checkin"), form)

    assert response.status_code == 302 and response.url.endswith("?day=yesterday")
    assert CheckIn.objects.get(student=student).day == today_of(student) - timedelta(days=1)
    page = client.get(response.url).content.decode()
    assert "Yesterday's check-in" in page


def test_a_bad_quick_post_is_a_field_error_not_a_500(client, student):
    client.force_login(student)
    response = client.post(reverse("checkin_quick"), {"mood": "9", "day": "x"})
    assert response.status_code == 200 and "There is a problem" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_the_history_page_colours_days_by_mood_and_has_a_table(client, student):
    record_checkin(student=student, values={"mood": 2}, quick=True)
    client.force_login(student)

    page = client.get(reverse("checkin_history")).content.decode()
    odd = client.get(reverse("checkin_history"), {"month": "nonsense"})

    assert 'class="mood-2"' in page and "The same days as a table" in page
    assert odd.status_code == 200


# The API


@pytest.fixture
def api(client, student):
    _, secret = create_token(user=student, name="phone")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client


def put_day(client, day, body):
    return client.put(f"/api/checkins/{day.isoformat()}", body, content_type="application/json")


API_BODY = {**VALUES, "sleep_hours": 6.5}


def test_the_api_records_yesterday_once(api, student):
    yesterday = today_of(student) - timedelta(days=1)

    first = put_day(api, yesterday, API_BODY)
    again = put_day(api, yesterday, API_BODY)

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["day"] == yesterday.isoformat()
    assert CheckIn.objects.filter(student=student).count() == 1


def test_the_api_refuses_older_days_and_published_weeks_with_json(api, student, school):
    two_days_ago = today_of(student) - timedelta(days=2)
    old = put_day(api, two_days_ago, API_BODY)
    publish(school, today_of(student) - timedelta(days=1))
    closed = put_day(api, today_of(student) - timedelta(days=1), API_BODY)

    assert old.status_code == 422 and "today or yesterday" in str(old.json()["errors"]["day"])
    assert closed.status_code == 422 and "published" in str(closed.json()["errors"]["day"])
    assert not CheckIn.objects.exists()


def test_the_api_shows_a_quick_checkins_empty_answers_as_null(api, student):
    record_checkin(student=student, values={"mood": 2}, quick=True)

    body = api.get("/api/checkins/today").json()

    assert body["mood"] == 2 and body["stress"] is None and body["sleep_hours"] is None


# The quick check-in through the API


def test_the_api_takes_a_quick_checkin_of_the_mood_alone(api, student):
    response = put_day(api, today_of(student), {"mood": 2})

    assert response.status_code == 201
    assert response.json()["mood"] == 2 and response.json()["stress"] is None
    checkin = CheckIn.objects.get(student=student)
    assert (checkin.mood, checkin.sleep_quality, checkin.sleep_hours) == (2, None, None)


def test_the_api_quick_checkin_takes_the_one_more_tap_and_nulls(api, student):
    body = {"mood": 1, "sleep_quality": 2, "stress": None, "sleep_hours": None}

    response = put_day(api, today_of(student) - timedelta(days=1), body)

    assert response.status_code == 201
    assert (response.json()["sleep_quality"], response.json()["energy"]) == (2, None)


def test_the_api_quick_checkin_keeps_the_rest_of_the_days_full_checkin(api, student):
    put_day(api, today_of(student), API_BODY)

    response = put_day(api, today_of(student), {"mood": 1})

    checkin = CheckIn.objects.get(student=student)
    assert response.status_code == 200
    assert (checkin.mood, checkin.stress, checkin.moved) == (1, 2, True)
    assert checkin_note(checkin) == VALUES["note"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "mood"),
        ({"mood": None}, "mood"),
        ({"mood": 6}, "mood"),
        ({"mood": "3"}, "mood"),
        ({"mood": 3, "sleep_quality": 0}, "sleep_quality"),
        ({"mood": 3, "moved": True}, "note"),
        ({"mood": 3, "note": "kept only with every answer"}, "note"),
    ],
)
def test_the_api_refuses_a_bad_quick_checkin_with_json_and_writes_nothing(
    api, student, body, field
):
    response = put_day(api, today_of(student), body)

    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert not CheckIn.objects.exists()


def test_a_token_client_needs_no_csrf_token_for_a_quick_checkin(student):
    from django.test import Client

    _, secret = create_token(user=student, name="phone")
    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {secret}")

    response = put_day(client, today_of(student), {"mood": 3})

    assert response.status_code == 201
    assert CheckIn.objects.get(student=student).mood == 3


def test_the_session_needs_its_csrf_token_for_a_quick_checkin(student):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(student)
    client.get(reverse("checkin_quick"))  # the page sets the CSRF cookie

    refused = put_day(client, today_of(student), {"mood": 3})
    token = client.cookies["csrftoken"].value
    accepted = client.put(
        f"/api/checkins/{today_of(student).isoformat()}",
        {"mood": 3},
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )

    assert refused.status_code == 403
    assert accepted.status_code == 201


def test_a_copy_sent_again_with_its_key_does_not_overwrite_a_later_edit(api, student):
    today = today_of(student)
    key = {"Idempotency-Key": "queued-on-the-ward-1"}
    first = api.put(
        f"/api/checkins/{today}", {"mood": 2}, content_type="application/json", headers=key
    )
    put_day(api, today, {"mood": 4})  # edited later, online

    again = api.put(
        f"/api/checkins/{today}", {"mood": 2}, content_type="application/json", headers=key
    )

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["mood"] == 4 and CheckIn.objects.get(student=student).mood == 4


def test_a_refused_copy_may_be_sent_again_with_its_key_and_a_bad_key_is_422(api, student):
    today = today_of(student)
    key = {"Idempotency-Key": "refused-once-0001"}
    path = f"/api/checkins/{today}"

    refused = api.put(path, {"mood": 9}, content_type="application/json", headers=key)
    accepted = api.put(path, {"mood": 3}, content_type="application/json", headers=key)
    bad = api.put(
        path, {"mood": 3}, content_type="application/json", headers={"Idempotency-Key": "x"}
    )

    assert (refused.status_code, accepted.status_code) == (422, 201)
    assert bad.status_code == 422 and "Idempotency-Key" in bad.json()["errors"]
