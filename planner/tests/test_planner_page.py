"""The week page: the proposal day by day; accept, reject, accept all, move."""

from datetime import time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from habits.models import Habit
from habits.services import enable_default_habit, update_habit
from planner import selectors, services
from planner.models import ProtectedBlock

from .factories import at, next_monday, shift_week

pytestmark = pytest.mark.django_db


def _first(student, monday, kind):
    view = selectors.week_view(student, monday)
    return next(b for d in view.days for b in d.blocks if b.kind == kind)


def test_student_sees_the_week_day_by_day_with_warnings(client, student):
    monday = next_monday(student)
    shift_week(student, monday)
    services.update_prefs(student=student, sleep_hours=11)  # more than fits between shifts
    client.force_login(student)

    response = client.get(reverse("planner"), {"week": monday.isoformat()})

    html = response.content.decode()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert html.count('<section class="card" aria-labelledby="day-') == 7
    assert "Light, study-free evening" in html and "Call: 07:00" in html
    assert "less than your 11 h target" in html
    assert "style=" not in html.split("<main", 1)[1]


def test_accepting_a_block_records_it_and_switches_on_the_habit(client, student):
    monday = next_monday(student)
    shift_week(student, monday)
    sleep = _first(student, monday, "sleep")
    client.force_login(student)

    response = client.post(
        reverse("planner_block_decide"),
        {"kind": "sleep", "start": sleep.proposed_start.isoformat(), "week": monday.isoformat()},
    )

    assert response.status_code == 302
    block = ProtectedBlock.objects.get()
    assert block.state == "accepted" and block.starts_at == sleep.proposed_start
    assert Habit.objects.filter(student=student, kind="sleep").exists()


def test_accepting_keeps_the_students_own_habit_targets(client, student):
    habit = enable_default_habit(student=student, kind="exercise")
    update_habit(student=student, habit_id=habit.pk, per_week=6)
    monday = next_monday(student)
    client.force_login(student)

    client.post(reverse("planner_accept_all"), {"week": monday.isoformat()})

    assert Habit.objects.get(student=student, kind="exercise").target_per_week == 6
    assert Habit.objects.filter(student=student, kind="exercise").count() == 1
    assert Habit.objects.filter(student=student, kind="time_with_people").exists()


def test_accept_all_is_idempotent(client, student):
    monday = next_monday(student)
    client.force_login(student)
    client.post(reverse("planner_accept_all"), {"week": monday.isoformat()})
    count = ProtectedBlock.objects.count()

    client.post(reverse("planner_accept_all"), {"week": monday.isoformat()})

    assert count > 20 and ProtectedBlock.objects.count() == count


def test_rejecting_then_accepting_changes_the_one_answer(client, student):
    monday = next_monday(student)
    meal = _first(student, monday, "meal")
    client.force_login(student)
    data = {"kind": "meal", "start": meal.proposed_start.isoformat(), "week": monday.isoformat()}

    client.post(reverse("planner_block_decide"), {**data, "action": "reject"})
    assert ProtectedBlock.objects.get().state == "rejected"
    assert not Habit.objects.filter(student=student).exists()
    client.post(reverse("planner_block_decide"), {**data, "action": "accept"})
    assert ProtectedBlock.objects.get().state == "accepted"


def test_a_block_not_in_the_proposal_is_refused(client, student):
    monday = next_monday(student)
    client.force_login(student)

    response = client.post(
        reverse("planner_block_decide"),
        {"kind": "sleep", "start": at(student, monday, 0, time(3, 7)).isoformat()},
        follow=True,
    )

    assert "no longer in your proposal" in response.content.decode()
    assert not ProtectedBlock.objects.exists()


def test_moving_a_block_validates_against_busy_time(client, student):
    monday = next_monday(student)
    shift_week(student, monday)
    client.force_login(student)
    client.post(reverse("planner_accept_all"), {"week": monday.isoformat()})
    meal = ProtectedBlock.objects.filter(kind="meal").first()
    url = reverse("planner_block_move", args=[meal.pk])

    clash = client.post(url, {"starts_at": f"{monday.isoformat()} 09:00"})
    assert "overlaps your shift" in clash.content.decode()
    outside = client.post(url, {"starts_at": "2020-01-01 09:00"})
    assert "Keep it within the week" in outside.content.decode()
    saturday = monday.fromordinal(monday.toordinal() + 5)
    moved = client.post(url, {"starts_at": f"{saturday.isoformat()} 08:05"})

    assert moved.status_code == 302
    meal.refresh_from_db()
    assert meal.starts_at == at(student, saturday, 0, time(8, 5))
    assert (meal.ends_at - meal.starts_at).seconds == 30 * 60


def test_a_classmate_cannot_move_my_block(client, student, classmate):
    monday = next_monday(student)
    client.force_login(student)
    client.post(reverse("planner_accept_all"), {"week": monday.isoformat()})
    block = ProtectedBlock.objects.first()
    client.force_login(classmate)

    response = client.post(reverse("planner_block_move", args=[block.pk]), {"starts_at": "x"})

    assert response.status_code == 404


def test_the_week_page_reads_a_fixed_number_of_queries(
    client, student, django_assert_max_num_queries
):
    monday = next_monday(student)
    shift_week(student, monday)
    client.force_login(student)
    with django_assert_max_num_queries(14):
        client.get(reverse("planner"), {"week": monday.isoformat()})
    with django_assert_max_num_queries(14):  # seven days from a Wednesday read two weeks
        client.get(reverse("planner"), {"week": (monday + timedelta(days=2)).isoformat()})


def test_a_block_moved_onto_a_proposal_takes_it_out_and_it_cannot_be_accepted(client, student):
    """Accept movement, move it onto the lunch slot, then try to accept lunch: refused, and
    the feed never holds two blocks at once."""
    monday = next_monday(student)
    view = selectors.week_view(student, monday)
    movement = next(b for b in view.days[0].blocks if b.kind == "movement")
    lunch = next(b for b in view.days[0].blocks if b.kind == "meal")
    services.decide_block(
        student=student, kind="movement", proposed_start=movement.proposed_start, accept=True
    )
    moved = ProtectedBlock.objects.get(kind="movement")
    services.move_block(student=student, block_id=moved.pk, starts_at=lunch.start)

    with pytest.raises(ValidationError):
        services.decide_block(
            student=student, kind="meal", proposed_start=lunch.proposed_start, accept=True
        )
    services.accept_all(student=student, first_day=monday)

    accepted = sorted(
        ProtectedBlock.objects.filter(state="accepted").values_list("starts_at", "ends_at")
    )
    for (_, first_end), (second_start, _) in zip(accepted, accepted[1:], strict=False):
        assert first_end <= second_start


def test_a_rejected_proposal_under_a_moved_block_cannot_be_accepted_later(student):
    monday = next_monday(student)
    view = selectors.week_view(student, monday)
    movement = next(b for b in view.days[0].blocks if b.kind == "movement")
    lunch = next(b for b in view.days[0].blocks if b.kind == "meal")
    services.decide_block(
        student=student, kind="meal", proposed_start=lunch.proposed_start, accept=False
    )
    services.decide_block(
        student=student, kind="movement", proposed_start=movement.proposed_start, accept=True
    )
    moved = ProtectedBlock.objects.get(kind="movement")
    services.move_block(student=student, block_id=moved.pk, starts_at=lunch.start)

    with pytest.raises(ValidationError, match="already held by your accepted movement"):
        services.decide_block(
            student=student, kind="meal", proposed_start=lunch.proposed_start, accept=True
        )
    assert ProtectedBlock.objects.get(kind="meal").state == "rejected"


def test_a_new_commitment_removes_the_accepted_blocks_it_overlaps(client, student):
    monday = next_monday(student)
    services.accept_all(student=student, first_day=monday)
    lunch = ProtectedBlock.objects.filter(kind="meal").order_by("starts_at").first()
    client.force_login(student)

    response = client.post(
        reverse("planner_schedule"),
        {
            "event-kind": "class",
            "event-starts_at": f"{monday} 11:00",
            "event-ends_at": f"{monday} 15:00",
        },
        follow=True,
    )

    assert "1 accepted block(s) it overlapped were removed" in response.content.decode()
    assert not ProtectedBlock.objects.filter(pk=lunch.pk).exists()
    assert ProtectedBlock.objects.filter(kind="meal").exists()  # the others stay


def test_a_move_overlapping_quiet_hours_by_one_minute_is_refused(student):
    monday = next_monday(student)
    services.update_prefs(student=student, quiet_start=time(16, 2), quiet_end=time(16, 30))
    services.accept_all(student=student, first_day=monday)
    meal = ProtectedBlock.objects.filter(kind="meal").order_by("starts_at").first()

    with pytest.raises(ValidationError, match="quiet hours"):
        services.move_block(
            student=student, block_id=meal.pk, starts_at=at(student, monday, 1, time(15, 35))
        )
    assert selectors.in_quiet_hours(
        student,
        at(student, monday, 0, time(16, 1)),
        at(student, monday, 0, time(16, 3)),
        services.zone_of(student),
    )
