"""Plausible habits for the demo school, in bulk.

Each student switches on a few of the default habits and keeps them up with their own
consistency; rotations bend the pattern the way students describe it: on surgery, obstetrics
and board-exam study exercise and meditation become rare, surgery also eats into time with
people and into sleep.
"""

import random
from collections.abc import Callable
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from schools.demo import DemoSchool

from .models import DEFAULT_HABITS, SLEEP, Habit, HabitLog

# Multipliers on a habit's usual daily chance, by rotation (missing = 1).
HARD_ROTATIONS = {"surgery": 0.3, "obstetrics-gynaecology": 0.4, "board-study": 0.45}
ROTATION_CHANCE = {
    "exercise": HARD_ROTATIONS,
    "meditation": HARD_ROTATIONS,
    "time_with_people": {"surgery": 0.5, "board-study": 0.7},
    "rest": {"surgery": 0.6, "board-study": 0.7},
}
SLEEP_SHIFT = {"surgery": -1.4, "obstetrics-gynaecology": -1.0, "internal-medicine": -0.5}
# Popular first: most students pick sleep, exercise and time with people.
KIND_WEIGHTS = {
    "sleep": 5, "exercise": 5, "time_with_people": 4, "healthy_eating": 3,
    "meditation": 2, "rest": 3, "therapy": 1,
}  # fmt: skip


def rotation_on(placements, day) -> str | None:
    for slug, starts, ends in placements:
        if starts <= day <= ends:
            return slug
    return None


def pick_kinds(rng: random.Random) -> list[str]:
    kinds = [d.kind for d in DEFAULT_HABITS]
    chosen: list[str] = []
    while len(chosen) < rng.randint(2, 5):
        kind = rng.choices(kinds, weights=[KIND_WEIGHTS[k] for k in kinds])[0]
        if kind not in chosen:
            chosen.append(kind)
    return chosen


def generate_habits(
    demo: DemoSchool,
    *,
    progress: Callable[[int], None] = lambda n: None,
    batch_size: int = 20000,
) -> int:
    """Create 2-5 default habits per student and their logs over the last `demo.days` days.
    Returns the number of logs."""
    # Reproducible demo data, not a secret.
    rng = random.Random(demo.rng.random())  # nosec B311
    school, today = demo.school, demo.today
    days = [today - timedelta(days=offset) for offset in range(demo.days, 0, -1)]
    started = timezone.make_aware(datetime.combine(days[0] if days else today, time(9)))
    defaults = {d.kind: d for d in DEFAULT_HABITS}
    plans: list[tuple[Habit, float, int]] = []  # (habit, usual chance, student index)
    habits: list[Habit] = []
    for index, student in enumerate(demo.students):
        for position, kind in enumerate(pick_kinds(rng)):
            default = defaults[kind]
            habit = Habit(
                student_id=student.user_id,
                school=school,
                kind=kind,
                name=default.name,
                target_per_week=default.per_week,
                target_hours=default.target_hours,
                position=position,
            )
            habits.append(habit)
            usual = min(0.95, default.per_week / 7 * rng.uniform(0.6, 1.15))
            plans.append((habit, usual, index))
    Habit.objects.bulk_create(habits, batch_size=5000)
    # auto_now_add set "now"; the demo's habits were started when its history begins.
    Habit.objects.filter(school=school).update(created_at=started)

    logs: list[HabitLog] = []
    created = 0
    for habit, usual, index in plans:
        placements = demo.students[index].placements
        shifts = ROTATION_CHANCE.get(habit.kind, {})
        sleep0 = rng.gauss(7.0, 0.5)
        for day in days:
            slug = rotation_on(placements, day)
            if slug is None:
                continue
            if rng.random() >= usual * shifts.get(slug, 1.0):
                continue
            hours = None
            if habit.kind == SLEEP:
                weekend = 0.8 if day.weekday() >= 5 else 0.0
                slept = rng.gauss(sleep0 + SLEEP_SHIFT.get(slug, 0.0) + weekend, 0.9)
                hours = Decimal(str(round(max(2.0, min(12.0, slept)) * 2) / 2))
            logs.append(HabitLog(habit=habit, school=school, day=day, hours=hours))
        if len(logs) >= batch_size:
            HabitLog.objects.bulk_create(logs, batch_size=5000)
            created += len(logs)
            progress(len(logs))
            logs.clear()
    HabitLog.objects.bulk_create(logs, batch_size=5000)
    progress(len(logs))
    return created + len(logs)
