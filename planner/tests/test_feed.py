"""The private calendar feed: a random token, stored hashed, revocable."""

import icalendar
import pytest
from django.urls import reverse

from lib.tokens import token_digest
from planner import services
from planner.models import PlannerPrefs

from .factories import next_monday

pytestmark = pytest.mark.django_db


def _feed_url_from(html: str) -> str:
    return html.split('id="feed-url" type="text" readonly value="', 1)[1].split('"', 1)[0]


def test_creating_the_feed_shows_the_url_once_and_stores_only_its_hash(client, student):
    client.force_login(student)

    response = client.post(reverse("planner_feed_manage"), {"action": "rotate"})

    html = response.content.decode()
    url = _feed_url_from(html)
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    assert "Copy it now" in html and len(token) >= 43
    prefs = PlannerPrefs.objects.get(student=student)
    assert prefs.feed_token_hash == token_digest(token) and token not in str(vars(prefs))
    assert url not in client.get(reverse("planner_feed_manage")).content.decode()


def test_the_feed_holds_accepted_blocks_and_nothing_personal(client, student):
    monday = next_monday(student)
    services.accept_all(student=student, first_day=monday)
    token = services.rotate_feed_token(student=student)
    client.logout()

    response = client.get(reverse("planner_feed", args=[token]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "no-store" in response["Cache-Control"]
    calendar = icalendar.Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == student.planner_blocks.count() > 20
    assert {str(e["UID"]) for e in events} == {
        f"block-{pk}@localhost" for pk in student.planner_blocks.values_list("pk", flat=True)
    }
    body = response.content.decode()
    assert student.email not in body and student.email.split("@")[0] not in body


def test_uids_are_stable_between_fetches(client, student):
    services.accept_all(student=student, first_day=next_monday(student))
    token = services.rotate_feed_token(student=student)
    uids = [
        sorted(
            str(e["UID"])
            for e in icalendar.Calendar.from_ical(
                client.get(reverse("planner_feed", args=[token])).content
            ).walk("VEVENT")
        )
        for _ in range(2)
    ]
    assert uids[0] == uids[1]


def test_a_wrong_or_rotated_token_is_404(client, student):
    old = services.rotate_feed_token(student=student)
    new = services.rotate_feed_token(student=student)

    assert client.get(reverse("planner_feed", args=[old])).status_code == 404
    assert client.get(reverse("planner_feed", args=["nope"])).status_code == 404
    assert client.get(reverse("planner_feed", args=[new])).status_code == 200


def test_revoking_switches_the_feed_off(client, student):
    token = services.rotate_feed_token(student=student)
    client.force_login(student)

    client.post(reverse("planner_feed_manage"), {"action": "revoke"})

    assert client.get(reverse("planner_feed", args=[token])).status_code == 404
