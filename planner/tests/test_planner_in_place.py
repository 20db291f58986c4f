"""The planner on a phone (issue #22): accept or reject in place, never the past, and on a
Sunday the week ahead."""

from datetime import datetime, time, timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from lib.dates import week_of
from planner import selectors, services
from planner.models import ProtectedBlock

from .factories import next_monday, shift_week

pytestmark = pytest.mark.django_db


def _first(student, monday, kind):
    view = selectors.week_view(student, monday)
    return next(b for d in view.days for b in d.blocks if b.kind == kind)


def test_an_htmx_accept_answers_with_the_block_alone(client, student):
    monday = next_monday(student)
    shift_week(student, monday)
    sleep = _first(student, monday, "sleep")
    client.force_login(student)
    data = {"kind": "sleep", "start": sleep.proposed_start.isoformat(), "week": monday.isoformat()}

    response = client.post(reverse("planner_block_decide"), data, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<li class="block block-accepted"')
    assert "Sleep" in html and "accepted." in html and "<html" not in html
    assert ProtectedBlock.objects.get().state == "accepted"

    rejected = client.post(
        reverse("planner_block_decide"), {**data, "action": "reject"}, HTTP_HX_REQUEST="true"
    )
    assert 'class="block block-rejected"' in rejected.content.decode()
    assert ProtectedBlock.objects.get().state == "rejected"


def test_reject_is_the_quiet_button(client, student):
    monday = next_monday(student)
    shift_week(student, monday)
    client.force_login(student)

    html = client.get(reverse("planner"), {"week": monday.isoformat()}).content.decode()

    assert 'value="accept" class="button primary"' in html
    assert 'value="reject" class="button secondary"' in html
    assert 'hx-target="closest li"' in html


def test_nothing_in_the_past_is_proposed_or_accepted(student):
    monday = next_monday(student)
    shift_week(student, monday)
    zone = services.zone_of(student)
    wednesday_noon = datetime.combine(monday + timedelta(days=2), time(12), tzinfo=zone)

    plan = selectors.week_plan(student, monday, now=wednesday_noon)
    count = services.accept_all(student=student, week_start=monday, now=wednesday_noon)

    assert plan.blocks and all(block.start > wednesday_noon for block in plan.blocks)
    assert count == len(plan.blocks)
    assert not ProtectedBlock.objects.filter(starts_at__lte=wednesday_noon).exists()


def test_on_a_sunday_the_planner_opens_on_the_week_ahead(client, student):
    zone = services.zone_of(student)
    sunday = next_monday(student) - timedelta(days=1)
    evening = datetime.combine(sunday, time(19), tzinfo=zone)
    client.force_login(student)

    with mock.patch.object(timezone, "now", return_value=evening):
        response = client.get(reverse("planner"))

    assert response.context["week"].start == week_of(sunday) + timedelta(days=7)
