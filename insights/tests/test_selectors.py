"""The insights computed from a student's rows: comparisons, links, the week, screenings."""

from datetime import date, timedelta

import pytest

from checkins.services import record_screening
from habits.models import HabitLog
from habits.services import create_habit
from insights import selectors
from schools.selectors import enrollment_for

from .factories import add_checkins

pytestmark = pytest.mark.django_db


def today_of(student) -> date:
    return enrollment_for(student).school.today()


def test_rotations_need_three_check_ins_and_come_in_the_order_lived(student):
    today = today_of(student)
    add_checkins(student, days=2, end=today - timedelta(days=30), rotation="neurology")
    add_checkins(student, days=5, end=today - timedelta(days=20), rotation="psychiatry")
    add_checkins(student, days=4, rotation="surgery", values=lambda i, d: {"stress": 2 + i})

    groups = selectors.by_rotation(student, today=today)

    assert [(g.label, g.n) for g in groups] == [("Psychiatry", 5), ("Surgery", 4)]
    stress = groups[1].estimates["stress"]
    assert stress.mean == 3.5
    assert stress.low < 3.5 < stress.high


def test_board_study_and_exam_dates_are_compared_with_other_days(student):
    today = today_of(student)
    add_checkins(student, days=10, end=today - timedelta(days=40), rotation="board-study",
                 values=lambda i, d: {"stress": 5})  # fmt: skip
    add_checkins(student, days=30, rotation="surgery", values=lambda i, d: {"stress": 2})

    board_only = selectors.exam_periods(student, today=today)
    with_exams = selectors.exam_periods(
        student, [today - timedelta(days=5)], lead_days=7, today=today
    )

    assert [c.label for c in board_only] == ["Board-exam study period vs the rest of the time"]
    stress = next(r for r in board_only[0].rows if r.measure.key == "stress")
    assert (stress.inside.mean, stress.outside.mean, stress.difference.value) == (5, 2, 3)
    assert with_exams[1].label == "The 7 days before an exam vs other days"
    assert (with_exams[1].n_inside, with_exams[1].n_outside) == (8, 32)


def test_habits_from_the_habits_app_are_linked_too(student):
    today = today_of(student)
    add_checkins(student, days=40, values=lambda i, d: {"stress": 2 if i % 2 else 4})
    habit = create_habit(student=student, name="Walk <home>", per_week=3)
    HabitLog.objects.bulk_create(
        HabitLog(habit=habit, school=habit.school, day=today - timedelta(days=offset))
        for offset in range(1, 40, 2)  # the days before the calm (odd i) days
    )

    rows = selectors.habit_links(student, today=today)

    walk = next(r for r in rows if r.habit == "did “Walk <home>”" and r.outcome.key == "stress")
    assert (walk.n_with, walk.n_without) == (20, 19)
    assert walk.link.difference.value == pytest.approx(-2)
    assert walk.sentence.startswith("On days after you did “Walk <home>”, your stress was on")
    assert "2.0 lower" in walk.sentence
    calendar = selectors.habit_calendars(student, today=today)[0]
    assert calendar.habit == "Walk <home>"
    assert sum(d.done for week in calendar.weeks for d in week) == calendar.days_done > 0
    assert all(d.future == (d.day > today) for week in calendar.weeks for d in week)


def test_a_day_without_a_check_in_is_not_counted_as_a_day_without_the_habit(student):
    today = today_of(student)
    # Every other day only: no day has a next-day check-in.
    for i in range(30):
        add_checkins(student, days=1, end=today - timedelta(days=2 * i))

    rows = selectors.habit_links(student, today=today)

    assert {(r.n_with, r.n_without) for r in rows} == {(0, 0)}
    assert rows[0].more_days_needed == 28


def test_the_week_suggests_a_step_for_what_slipped_most(student):
    today = today_of(student)
    add_checkins(student, days=7, end=today - timedelta(days=7),
                 values=lambda i, d: {"sleep_hours": 8, "mood": 4})  # fmt: skip
    add_checkins(student, days=7, values=lambda i, d: {"sleep_hours": 4.5, "mood": 3})

    week = selectors.weekly_summary(student, today)

    assert week.went_well == []
    assert week.slipped == [
        "Your mood was lower: 3.0 on average, from 4.0 the week before.",
        "Your sleep was shorter: 4.5 hours on average, from 8.0 hours the week before.",
    ]
    assert week.step == selectors.SMALL_STEPS["sleep_hours"]


def test_a_quiet_week_gets_the_default_step(student):
    week = selectors.weekly_summary(student, today_of(student))
    assert (week.days_checked_in, week.went_well, week.slipped) == (0, [], [])
    assert week.step == selectors.SMALL_STEPS["default"]


def test_trend_summary_compares_with_the_week_before(student):
    today = today_of(student)
    add_checkins(student, days=14, values=lambda i, d: {"mood": 3 if i < 7 else 4})

    mood = selectors.trend(student, "mood", today=today)

    assert mood.summary == (
        "Your mood averaged 4.0 over the last 7 days (7 check-ins), up from 3.0 (7 check-ins)."
    )
    assert [r.average for r in mood.rows][-1] == 4.0
    assert 'role="img"' in mood.chart


def test_a_trend_says_how_many_check_ins_each_average_rests_on(student):
    today = today_of(student)
    add_checkins(student, days=1, end=today - timedelta(days=8), values=lambda i, d: {"mood": 2})
    add_checkins(student, days=2, values=lambda i, d: {"mood": 4})

    mood = selectors.trend(student, "mood", today=today)
    week = selectors.weekly_summary(student, today)

    assert mood.summary == (
        "Your mood averaged 4.0 over the last 7 days (2 check-ins), up from 2.0 (1 check-in)."
    )
    # One day the week before is too few to say the week went well or slipped.
    assert (week.days_checked_in, week.days_checked_in_before) == (2, 1)
    assert week.went_well == [] and week.slipped == []


def test_screening_trends_carry_the_bands(student):
    record_screening(student=student, instrument_id="phq9", answers=[1] * 9, submission_key="a")

    (phq9,) = selectors.screening_trends(student)

    assert phq9.rows[0].score == 9
    assert phq9.summary.startswith("PHQ-9: latest score 9 (Mild)")
    assert "A screening, not a diagnosis." in phq9.summary
    assert phq9.chart.count("<rect") == len(phq9.instrument.bands)
