from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from schools.selectors import enrollment_for

from .models import BACKFILL_DAYS, DAILY, DEFAULT_HABITS, DefaultHabit, Habit, HabitLog
from .strength import forgiving_streak, habit_strength

# Loop's score forgets slowly but surely: after a year even a once-a-week habit's oldest day
# weighs under 0.1%, so reading one year of logs keeps the page's cost flat as history grows.
STRENGTH_HISTORY_DAYS = 365


@dataclass(frozen=True)
class DaySlot:
    day: date
    done: bool
    hours: Decimal | None
    not_today: bool = False


@dataclass(frozen=True)
class HabitSummary:
    habit: Habit
    done_today: bool
    hours_today: Decimal | None
    not_today: bool  # today is marked "not today"
    last_days: list[DaySlot]  # the back-fill row: the 7 days before today, oldest first
    strength: int  # 0-100
    streak: int  # days (daily habits) or weeks on target (weekly ones)
    this_week: int
    done_last_7: int

    @property
    def streak_unit(self) -> str:
        return "days" if self.habit.is_daily else "weeks"

    @property
    def on_track_this_week(self) -> bool:
        return self.this_week >= self.habit.target_per_week


def habits_of(student, include_archived: bool = False) -> list[Habit]:
    habits = Habit.objects.filter(student=student)
    if not include_archived:
        habits = habits.exclude(state=Habit.State.ARCHIVED)
    return list(habits)


def habit_of(student, habit_id: int) -> Habit | None:
    """The student's own habit, or None (also for anybody else's id)."""
    return Habit.objects.filter(student=student, pk=habit_id).first()


def defaults_not_enabled(student, habits: list[Habit] | None = None) -> list[DefaultHabit]:
    """The default habits to offer as one-tap "Add" buttons (archived ones come back too)."""
    if habits is None:
        habits = habits_of(student)
    on = {h.kind for h in habits if h.state != Habit.State.ARCHIVED}
    return [default for default in DEFAULT_HABITS if default.kind not in on]


def habit_summaries(
    student, today: date, *, include_archived: bool = False, habits: list[Habit] | None = None
) -> list[HabitSummary]:
    """For each active or paused habit (in order): today, the back-fill row, strength, streak
    and this week's count. Two queries, whatever the number of habits or logs."""
    if habits is None:
        habits = habits_of(student, include_archived=include_archived)
    if not habits:
        return []
    window_start = today - timedelta(days=STRENGTH_HISTORY_DAYS)
    logs: dict[int, dict[date, Decimal | None]] = defaultdict(dict)
    skips: dict[int, set[date]] = defaultdict(set)
    for habit_id, day, hours, not_today in HabitLog.objects.filter(
        habit__in=[h.pk for h in habits], day__gte=window_start, day__lte=today
    ).values_list("habit_id", "day", "hours", "not_today"):
        if not_today:
            skips[habit_id].add(day)
        else:
            logs[habit_id][day] = hours
    return [summarise(habit, logs[habit.pk], today, skips[habit.pk]) for habit in habits]


def summarise(
    habit: Habit,
    logged: dict[date, Decimal | None],
    today: date,
    not_today: set[date] | frozenset[date] = frozenset(),
) -> HabitSummary:
    """One habit's summary from its logs (day -> hours) of up to the last year, and the days
    marked "not today", which are left out of the strength and the run as paused days are."""
    done_today = today in logged
    # Strength and streak stand still while a habit is paused or archived.
    stopped = habit.paused_at or habit.archived_at
    end = min(today, stopped.date()) if stopped and habit.state != Habit.State.ACTIVE else today
    created = habit.created_at.date() if habit.created_at else today
    start = min([created, *logged]) if logged else created
    start = max(start, today - timedelta(days=STRENGTH_HISTORY_DAYS))
    calendar = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    days = [day for day in calendar if day not in not_today]
    done = [day in logged for day in days]
    # Today is not over: until it is logged it doesn't count against the strength.
    scored = done[:-1] if days and days[-1] == today and not done_today else done
    strengths = habit_strength(scored, per_week=habit.target_per_week) if scored else []
    # A weekly target is counted in calendar weeks: there a not-today day is simply not done.
    run = done if habit.is_daily else [day in logged for day in calendar]
    monday = today - timedelta(days=today.weekday())
    row = [today - timedelta(days=n) for n in range(BACKFILL_DAYS, 0, -1)]
    return HabitSummary(
        habit=habit,
        done_today=done_today,
        hours_today=logged.get(today),
        not_today=today in not_today,
        last_days=[DaySlot(d, d in logged, logged.get(d), d in not_today) for d in row],
        strength=round(strengths[-1]) if strengths else 0,
        streak=forgiving_streak(run, per_week=habit.target_per_week, last_weekday=end.weekday())
        if run
        else 0,
        this_week=sum(1 for d in logged if monday <= d <= today),
        done_last_7=sum(1 for d in logged if today - timedelta(days=DAILY) < d <= today),
    )


def summary_of(student, habit: Habit) -> HabitSummary:
    today = enrollment_for(student).school.today()
    return habit_summaries(student, today, habits=[habit])[0]


def habit_days(student, start: date, end: date) -> dict[int, set[date]]:
    """{habit id: the days it was done} between two days inclusive, for the student's habits
    (archived ones too: their history still describes those days)."""
    days: dict[int, set[date]] = defaultdict(set)
    for habit_id, day in HabitLog.objects.filter(
        habit__student=student, day__gte=start, day__lte=end, not_today=False
    ).values_list("habit_id", "day"):
        days[habit_id].add(day)
    return dict(days)


def logs_between(student, habit_id: int, start: date, end: date) -> list[HabitLog]:
    return list(
        HabitLog.objects.filter(
            habit__student=student,
            habit_id=habit_id,
            day__gte=start,
            day__lte=end,
            not_today=False,
        ).order_by("day")
    )


def checkin_habit_context(student) -> dict:
    """What `habits/_checkin_row.html` needs: today's active habits, done or not."""
    today = enrollment_for(student).school.today()
    active = [h for h in habits_of(student) if h.state == Habit.State.ACTIVE]
    logged = set(
        HabitLog.objects.filter(
            habit__in=[h.pk for h in active], day=today, not_today=False
        ).values_list("habit_id", flat=True)
    )
    return {"checkin_habits": [(habit, habit.pk in logged) for habit in active]}


def students_with_habit_reminders() -> set[int]:
    """Ids of the students with at least one active habit that has a reminder time."""
    reminded = Habit.objects.filter(state=Habit.State.ACTIVE, remind_at__isnull=False)
    return set(reminded.values_list("student_id", flat=True))


def habits_with_reminders(student) -> list[Habit]:
    """The student's habits that have a reminder time, earliest first (paused ones too: the
    reminder rules decide, reminders/rules.py)."""
    habits = Habit.objects.filter(student=student, remind_at__isnull=False)
    return list(habits.exclude(state=Habit.State.ARCHIVED).order_by("remind_at", "pk"))


def habits_answered_on(student, day: date) -> set[int]:
    """Ids of the student's habits with an answer on `day`: done, or "not today"."""
    logs = HabitLog.objects.filter(habit__student=student, day=day)
    return set(logs.values_list("habit_id", flat=True))
