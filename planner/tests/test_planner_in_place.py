"""The planner on a phone (issue #22): accept or reject in place, never the past, and on a
Sunday the week ahead."""

from datetime import datetime, time, timedelta
from unittest import mock
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from habits.models import Habit
from planner import selectors, services
from planner.models import ProtectedBlock

from .factories import at, next_monday, shift_week

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
    count = services.accept_all(student=student, first_day=monday, now=wednesday_noon)

    assert plan.blocks and all(block.start > wednesday_noon for block in plan.blocks)
    assert count == len(plan.blocks)
    assert not ProtectedBlock.objects.filter(starts_at__lte=wednesday_noon).exists()


def test_on_a_sunday_evening_the_planner_opens_on_the_seven_days_ahead(client, student):
    zone = services.zone_of(student)
    sunday = next_monday(student) - timedelta(days=1)
    evening = datetime.combine(sunday, time(19), tzinfo=zone)
    client.force_login(student)

    with mock.patch.object(timezone, "now", return_value=evening):
        response = client.get(reverse("planner"))

    week = response.context["week"]
    assert [d.day for d in week.days] == [sunday + timedelta(days=n) for n in range(7)]
    assert response.context["next"] == sunday + timedelta(days=7)
    assert response.context["previous"] == sunday - timedelta(days=7)
    assert "Next 7 days" in response.content.decode()


def test_a_new_account_on_a_wednesday_is_offered_only_what_is_still_ahead(client, student):
    """Issue #22: a new account was offered "Accept all 30 proposed blocks", all past."""
    zone = services.zone_of(student)
    wednesday = next_monday(student) + timedelta(days=2)
    noon = datetime.combine(wednesday, time(12), tzinfo=zone)
    client.force_login(student)

    with mock.patch.object(timezone, "now", return_value=noon):
        response = client.get(reverse("planner"))
        accept = client.post(reverse("planner_accept_all"), {"week": wednesday.isoformat()})

    week = response.context["week"]
    blocks = [b for day in week.days for b in day.blocks]
    assert week.days[0].day == wednesday and week.days[-1].day == wednesday + timedelta(days=6)
    assert blocks and all(b.start > noon for b in blocks)
    # Seven days from a Wednesday read two calendar weeks: next Monday and Tuesday are there.
    assert {b.start.date() for b in blocks} >= {wednesday + timedelta(days=n) for n in (5, 6)}
    assert f"Accept all {week.open_count} proposed blocks" in response.content.decode()
    assert accept.status_code == 302
    accepted = ProtectedBlock.objects.filter(student=student)
    assert accepted.count() == week.open_count
    assert not accepted.filter(starts_at__lte=noon).exists()
    assert not accepted.filter(starts_at__gte=noon + timedelta(days=7)).exists()


def test_a_block_reads_the_same_whichever_day_the_seven_days_start(student):
    monday = next_monday(student)
    shift_week(student, monday)
    thursday = monday + timedelta(days=3)

    from_monday = selectors.week_view(student, monday)
    from_thursday = selectors.week_view(student, thursday)

    def blocks(view, first, last):
        return [
            (b.kind, b.proposed_start)
            for d in view.days
            if first <= d.day <= last
            for b in d.blocks
        ]

    sunday = monday + timedelta(days=6)
    assert blocks(from_monday, thursday, sunday) == blocks(from_thursday, thursday, sunday)
    sleep = _first(student, thursday, "sleep")
    services.decide_block(
        student=student, kind="sleep", proposed_start=sleep.proposed_start, accept=True
    )
    assert _first(student, monday + timedelta(days=3), "sleep").state == "accepted"


def _accepted_meal(client, student, monday):
    shift_week(student, monday)
    client.force_login(student)
    client.post(reverse("planner_accept_all"), {"week": monday.isoformat()})
    return ProtectedBlock.objects.filter(kind="meal").earliest("starts_at")


def test_move_opens_in_the_blocks_place_and_answers_with_the_moved_block(client, student):
    monday = next_monday(student)
    meal = _accepted_meal(client, student, monday)
    url = reverse("planner_block_move", args=[meal.pk]) + f"?week={monday.isoformat()}"
    saturday = monday + timedelta(days=5)

    page = client.get(reverse("planner"), {"week": monday.isoformat()}).content.decode()
    opened = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    moved = client.post(url, {"starts_at": f"{saturday} 08:05"}, HTTP_HX_REQUEST="true")

    assert f'hx-get="{url}"' in page.replace("&amp;", "&")
    assert (
        "<html" not in opened
        and f'id="block-meal-{int(meal.proposed_start.timestamp())}"' in opened
    )
    assert 'name="starts_at"' in opened and 'hx-post="' in opened
    html = moved.content.decode()
    assert moved.status_code == 200 and "<html" not in html
    assert 'class="block block-accepted"' in html and "Moved to Sat" in html
    meal.refresh_from_db()
    assert meal.starts_at == at(student, saturday, 0, time(8, 5))


def test_a_refused_move_keeps_the_form_in_place_with_the_reason(client, student):
    monday = next_monday(student)
    meal = _accepted_meal(client, student, monday)
    before = meal.starts_at
    url = reverse("planner_block_move", args=[meal.pk]) + f"?week={monday.isoformat()}"

    clash = client.post(url, {"starts_at": f"{monday} 09:00"}, HTTP_HX_REQUEST="true")
    garbage = client.post(url, {"starts_at": "soon"}, HTTP_HX_REQUEST="true")

    assert clash.status_code == 200 and "overlaps your shift" in clash.content.decode()
    assert "<html" not in clash.content.decode()
    assert 'class="errorlist"' in garbage.content.decode()
    meal.refresh_from_db()
    assert meal.starts_at == before


def test_cancel_puts_the_block_back_as_it_was(client, student):
    monday = next_monday(student)
    meal = _accepted_meal(client, student, monday)
    url = reverse("planner_block_move", args=[meal.pk])

    response = client.get(url, {"week": monday.isoformat(), "cancel": "1"}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert html.lstrip().startswith('<li class="block block-accepted"')
    assert 'name="starts_at"' not in html and ">Move</a>" in html


def test_without_javascript_a_move_goes_back_to_the_seven_days_it_came_from(client, student):
    monday = next_monday(student)
    meal = _accepted_meal(client, student, monday)
    url = reverse("planner_block_move", args=[meal.pk]) + f"?week={monday.isoformat()}"

    page = client.get(url)
    moved = client.post(url, {"starts_at": f"{monday + timedelta(days=5)} 08:05"})

    assert "<html" in page.content.decode() and "Move meal" in page.content.decode()
    assert moved.status_code == 302
    assert moved["Location"] == reverse("planner") + f"?week={monday.isoformat()}"


def _proposal_url(monday, block):
    query = urlencode(
        {"week": monday.isoformat(), "kind": block.kind, "start": block.proposed_start.isoformat()}
    )
    return f"{reverse('planner_proposal_move')}?{query}"


def test_a_proposed_block_moves_in_place_and_is_accepted_there(client, student):
    monday = next_monday(student)
    shift_week(student, monday)
    meal = _first(student, monday + timedelta(days=5), "meal")
    url = _proposal_url(monday, meal)
    saturday = monday + timedelta(days=5)
    client.force_login(student)

    page = client.get(reverse("planner"), {"week": monday.isoformat()}).content.decode()
    opened = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    moved = client.post(url, {"starts_at": f"{saturday} 15:00"}, HTTP_HX_REQUEST="true")

    assert f'hx-get="{url}"' in page.replace("&amp;", "&")
    assert "<html" not in opened and "Moving it accepts it." in opened
    html = moved.content.decode()
    assert html.lstrip().startswith('<li class="block block-accepted"')
    assert "Accepted and moved to Sat" in html and "15:00–15:30" in html
    answer = ProtectedBlock.objects.get()
    assert (answer.kind, answer.proposed_start, answer.state) == (
        "meal",
        meal.proposed_start,
        "accepted",
    )
    assert answer.starts_at == at(student, saturday, 0, time(15))


def test_a_refused_move_of_a_proposal_keeps_it_unanswered(client, student):
    monday = next_monday(student)
    shift_week(student, monday)
    meal = _first(student, monday, "meal")
    client.force_login(student)

    response = client.post(
        _proposal_url(monday, meal), {"starts_at": f"{monday} 09:00"}, HTTP_HX_REQUEST="true"
    )

    assert "overlaps your shift" in response.content.decode()
    assert not ProtectedBlock.objects.exists()
    assert not Habit.objects.filter(student=student).exists()


def test_a_proposal_that_is_gone_sends_the_page_back_to_the_plan(client, student):
    monday = next_monday(student)
    client.force_login(student)
    url = reverse("planner_proposal_move")
    query = {"week": monday.isoformat(), "kind": "meal", "start": "2020-01-01T03:07:00+00:00"}

    plain = client.get(url, query)
    htmx = client.get(url, query, HTTP_HX_REQUEST="true")
    garbage = client.get(url, {"start": "yesterday"})

    assert plain.status_code == 302 and plain["Location"].startswith(reverse("planner"))
    assert htmx.status_code == 204 and htmx["HX-Redirect"].startswith(reverse("planner"))
    assert garbage.status_code == 302


def test_without_javascript_a_proposal_moves_on_a_page_of_its_own(client, student):
    monday = next_monday(student)
    shift_week(student, monday)
    meal = _first(student, monday + timedelta(days=5), "meal")
    url = _proposal_url(monday, meal)
    client.force_login(student)

    page = client.get(url).content.decode()
    moved = client.post(url, {"starts_at": f"{monday + timedelta(days=5)} 15:00"})

    assert "<html" in page and f'action="{url.replace("&", "&amp;")}"' in page
    assert moved.status_code == 302
    assert ProtectedBlock.objects.get().state == "accepted"


def test_seven_days_from_mid_week_warn_only_about_their_own_days(student):
    monday = next_monday(student)
    shift_week(student, monday)
    services.update_prefs(student=student, sleep_hours=11)  # more than fits after Monday

    from_monday = selectors.week_view(student, monday).warnings
    from_wednesday = selectors.week_view(student, monday + timedelta(days=2)).warnings

    about_monday = [w for w in from_monday if "ending Mon" in w]
    assert about_monday and not any(w in from_wednesday for w in about_monday)
    assert all(w in from_monday for w in from_wednesday if "Fri" in w or "Thu" in w)
