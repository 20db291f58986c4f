from datetime import date, timedelta

import pytest
from django.db.models import Avg, Count

from habits.demo import generate_habits, rotation_on
from habits.models import Habit, HabitLog
from schools.demo import create_demo_school

pytestmark = pytest.mark.django_db
TODAY = date(2025, 11, 3)


def test_every_demo_student_gets_two_to_five_habits_with_plausible_logs():
    demo = create_demo_school(students=30, days=60, seed=7, today=TODAY)

    created = generate_habits(demo)

    per_student = Habit.objects.values("student").annotate(n=Count("pk"))
    assert per_student.count() == 30
    assert {row["n"] for row in per_student} <= {2, 3, 4, 5}
    assert created == HabitLog.objects.count() > 0
    days = HabitLog.objects.values_list("day", flat=True)
    assert TODAY not in days and min(days) >= date(2025, 9, 4)
    assert not Habit.objects.exclude(school=demo.school).exists()
    sleep = HabitLog.objects.filter(habit__kind="sleep")
    assert not sleep.filter(hours__isnull=True).exists()
    assert 2 <= sleep.aggregate(avg=Avg("hours"))["avg"] <= 12


def test_hard_rotations_mean_less_exercise_and_less_sleep():
    demo = create_demo_school(students=120, days=120, seed=3, today=TODAY)
    generate_habits(demo)
    placements = {s.user_id: s.placements for s in demo.students}
    window = [TODAY - timedelta(days=n) for n in range(1, demo.days + 1)]

    def share_done(kind: str, slugs: set[str]) -> float:
        """Logged days per habit-day spent on the given rotations."""
        logs = set(HabitLog.objects.filter(habit__kind=kind).values_list("habit_id", "day"))
        done = possible = 0
        for habit_id, student_id in Habit.objects.filter(kind=kind).values_list("pk", "student"):
            for day in window:
                if rotation_on(placements[student_id], day) in slugs:
                    possible += 1
                    done += (habit_id, day) in logs
        return done / max(possible, 1)

    def mean_sleep(slugs: set[str]) -> float:
        hours = [
            float(h)
            for student_id, day, h in HabitLog.objects.filter(habit__kind="sleep").values_list(
                "habit__student", "day", "hours"
            )
            if rotation_on(placements[student_id], day) in slugs
        ]
        return sum(hours) / len(hours)

    calm = {"psychiatry", "family-medicine", "elective", "preclinical"}
    assert share_done("exercise", {"surgery"}) < share_done("exercise", calm) / 2
    assert share_done("meditation", {"board-study"}) < share_done("meditation", calm)
    assert mean_sleep({"surgery"}) < mean_sleep(calm) - 0.5
