"""A student's own insights, read from their own rows only.

Each page fetches the student's check-ins, screenings and habit logs once and computes
everything in Python (`overview`), so its cost does not grow in queries with their history.
"""

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.paginator import Page, Paginator
from django.utils.safestring import SafeString, mark_safe

import instruments
from checkins.models import CheckIn, ScreeningResponse
from checkins.selectors import checkins_between, screening_history
from habits.models import Habit
from habits.selectors import habit_days
from schools.selectors import enrollment_for
from vault.services import decrypt_text

from . import charts, stats
from .models import Reflection

HISTORY_DAYS = 6 * 366  # a whole degree's worth of check-ins
TREND_DAYS = 90
MIN_ROTATION_DAYS = 3
EXAM_LEAD_DAYS = 14
CALENDAR_WEEKS = 5
REFLECTIONS_PER_PAGE = 20


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    noun: str  # "your {noun} was ..."
    y_min: float
    y_max: float
    higher_is_better: bool
    more: str  # how a higher value reads: "higher", "longer"
    less: str
    unit: str = ""
    # A week-on-week change smaller than this is "about the same".
    threshold: float = 0.3

    def value(self, checkin: CheckIn) -> float | None:
        """The answer, or None when a quick check-in left this question out."""
        raw = getattr(checkin, self.key)
        return None if raw is None else float(raw)

    def values(self, checkins: Sequence[CheckIn]) -> list[float]:
        """The answers given, skipping check-ins that left this question out."""
        return [value for c in checkins if (value := self.value(c)) is not None]

    def fmt(self, value: float) -> str:
        return f"{value:.1f}{self.unit}"

    def better(self, change: float) -> bool:
        return change > 0 if self.higher_is_better else change < 0


MEASURES = {
    m.key: m
    for m in [
        Measure("mood", "Mood", "mood", 1, 5, True, "higher", "lower"),
        Measure("stress", "Stress", "stress", 1, 5, False, "higher", "lower"),
        Measure(
            "sleep_hours", "Sleep (hours)", "sleep", 0, 12, True, "longer", "shorter", " hours", 0.5
        ),
        Measure("loneliness", "Loneliness", "loneliness", 1, 5, False, "higher", "lower"),
        Measure("purpose", "Sense of purpose", "sense of purpose", 1, 5, True, "higher", "lower"),
    ]
}
HABIT_OUTCOMES = ("mood", "stress")
# Self-care from the check-in, as "On days after you ..." reads.
SELF_CARE_PHRASES = {
    "ate_well": "ate well",
    "moved": "moved your body",
    "rested": "rested",
    "connected": "connected with someone",
    "meditated": "meditated",
    "therapy": "went to therapy or counselling",
}


@dataclass(frozen=True)
class SmallStep:
    text: str
    link_text: str
    url: str


# One small step for the measure that slipped most; "default" when nothing slipped.
SMALL_STEPS = {
    "mood": SmallStep(
        "Plan one thing you enjoy this week, however small, and put it in your calendar.",
        "Find support that fits you",
        "/help/",
    ),
    "stress": SmallStep(
        "Try two minutes of slow breathing before your next shift or study block.",
        "See who you can talk to",
        "/help/",
    ),
    "sleep_hours": SmallStep(
        "Pick a wind-down time for tonight and keep the phone out of bed.",
        "Track your sleep in your check-in",
        "/checkin/",
    ),
    "loneliness": SmallStep(
        "Message one person you have not talked to in a while, just to say hello.",
        "Peer support and counselling",
        "/help/",
    ),
    "purpose": SmallStep(
        "Write down one moment this week when your work mattered to someone.",
        "Write a reflection",
        "/insights/journal/new/",
    ),
    "default": SmallStep(
        "Keep doing what works, and check in tomorrow to see your week take shape.",
        "Check in",
        "/checkin/",
    ),
}


@dataclass(frozen=True)
class TrendRow:
    day: date
    value: float
    average: float


@dataclass(frozen=True)
class Trend:
    measure: Measure
    rows: list[TrendRow]
    last_week: float | None
    previous_week: float | None
    summary: str
    chart: SafeString


@dataclass(frozen=True)
class GroupSummary:
    """Mean and interval of each measure over a group of days (a rotation, a period)."""

    label: str
    n: int
    estimates: dict[str, stats.Estimate]


@dataclass(frozen=True)
class MeasureComparison:
    measure: Measure
    inside: stats.Estimate | None
    outside: stats.Estimate | None
    difference: stats.Difference | None


@dataclass(frozen=True)
class PeriodComparison:
    label: str
    n_inside: int
    n_outside: int
    rows: list[MeasureComparison]


@dataclass(frozen=True)
class HabitLinkRow:
    habit: str
    outcome: Measure
    n_with: int
    n_without: int
    link: stats.HabitLink | None
    more_days_needed: int
    sentence: str


@dataclass(frozen=True)
class CalendarDay:
    day: date
    done: bool
    future: bool


@dataclass(frozen=True)
class HabitCalendar:
    habit: str
    weeks: list[list[CalendarDay]]  # Monday first
    days_done: int


@dataclass(frozen=True)
class WeeklySummary:
    start: date
    end: date
    days_checked_in: int
    went_well: list[str]
    slipped: list[str]
    step: SmallStep
    days_checked_in_before: int = 0


@dataclass(frozen=True)
class ScreeningRow:
    day: date
    score: float
    band: str


@dataclass(frozen=True)
class ScreeningTrend:
    instrument: instruments.Instrument
    rows: list[ScreeningRow]
    summary: str
    chart: SafeString


@dataclass(frozen=True)
class Overview:
    today: date
    trends: list[Trend]
    rotations: list[GroupSummary]
    exam_periods: list[PeriodComparison]
    habit_links: list[HabitLinkRow]
    week: WeeklySummary
    screenings: list[ScreeningTrend] = field(default_factory=list)
    calendars: list[HabitCalendar] = field(default_factory=list)

    @property
    def rotation_caption(self) -> str:
        return "On " + " vs ".join(group.label for group in self.rotations)

    @property
    def rotation_rows(self) -> list[tuple[Measure, list[stats.Estimate]]]:
        """Measures down, rotations across: the shape of the comparison table."""
        return [(m, [g.estimates[key] for g in self.rotations]) for key, m in MEASURES.items()]

    @property
    def shown_links(self) -> list[HabitLinkRow]:
        return [row for row in self.habit_links if row.link is not None]

    @property
    def pending_links(self) -> list[HabitLinkRow]:
        return [row for row in self.habit_links if row.link is None]


def _today(student, today: date | None) -> date:
    return today or enrollment_for(student).school.today()


def _checkins(student, today: date) -> list[CheckIn]:
    rows = checkins_between(student, today - timedelta(days=HISTORY_DAYS), today)
    return sorted(rows, key=lambda c: c.day)


def _safe_svg(svg: str) -> SafeString:
    # charts.line_chart escapes every piece of text it draws.
    return mark_safe(svg)  # noqa: S308  # nosec B308 B703


def _day_label(day: date) -> str:
    return f"{day.day} {day:%b}"


def _between(checkins: Sequence[CheckIn], start: date, end: date) -> list[CheckIn]:
    return [c for c in checkins if start <= c.day <= end]


# Trends


def _trend(
    checkins: Sequence[CheckIn],
    measure: Measure,
    today: date,
    days: int,
    exam_dates: Sequence[date] = (),
) -> Trend:
    recent = _between(checkins, today - timedelta(days=days - 1), today)
    points = [(c.day, value) for c in recent if (value := measure.value(c)) is not None]
    average = stats.rolling_mean(points)
    averages = dict(average)
    rows = [TrendRow(day, value, averages[day]) for day, value in points]
    this_week = [v for d, v in points if d > today - timedelta(days=7)]
    week_before = [v for d, v in points if today - timedelta(days=14) < d <= today - timedelta(7)]
    last = stats.mean(this_week) if this_week else None
    previous = stats.mean(week_before) if week_before else None
    summary = _trend_summary(measure, points, this_week, week_before, days)
    y_max = max([measure.y_max, *(v for _, v in points)])
    chart = charts.line_chart(
        points,
        average=average,
        y_min=measure.y_min,
        y_max=y_max,
        marks=exam_dates,
        label=f"{measure.label}, daily values and 7-day average over the last {days} days. "
        + summary,
    )
    return Trend(measure, rows, last, previous, summary, _safe_svg(chart))


def _check_ins(count: int) -> str:
    return f"{count} check-in{'s' if count != 1 else ''}"


def _trend_summary(
    measure: Measure,
    points: Sequence[tuple[date, float]],
    this_week: Sequence[float],
    week_before: Sequence[float],
    days: int,
) -> str:
    """A plain description of the student's own averages, each with how many check-ins it
    rests on, so that "up from" after one or two days reads as what it is."""
    noun = measure.noun.capitalize()
    if not points:
        return f"No check-ins in the last {days} days yet."
    if not this_week:
        overall = stats.mean([v for _, v in points])
        return (
            f"No check-ins in the last 7 days; over the last {days} days your {measure.noun} "
            f"averaged {measure.fmt(overall)} ({len(points)} days)."
        )
    last = stats.mean(this_week)
    sentence = (
        f"Your {measure.noun} averaged {measure.fmt(last)} over the last 7 days "
        f"({_check_ins(len(this_week))})"
    )
    if not week_before:
        return f"{sentence}. {noun}: no check-ins the week before to compare with."
    previous = stats.mean(week_before)
    if round(last, 1) == round(previous, 1):
        return f"{sentence}, the same as the week before ({_check_ins(len(week_before))})."
    direction = "up" if last > previous else "down"
    return f"{sentence}, {direction} from {measure.fmt(previous)} ({_check_ins(len(week_before))})."


def trend(student, measure: str, days: int = TREND_DAYS, *, today: date | None = None) -> Trend:
    today = _today(student, today)
    return _trend(_checkins(student, today), MEASURES[measure], today, days)


# Comparisons across rotations and exam periods


def _group(label: str, checkins: Sequence[CheckIn]) -> GroupSummary:
    return GroupSummary(
        label,
        len(checkins),
        {key: stats.mean_ci(m.values(checkins)) for key, m in MEASURES.items()},
    )


def _by_rotation(checkins: Sequence[CheckIn]) -> list[GroupSummary]:
    groups: dict[int, list[CheckIn]] = defaultdict(list)
    for checkin in checkins:
        if checkin.rotation_id is not None:
            groups[checkin.rotation_id].append(checkin)
    # Chronological: the rotation first checked in on comes first.
    ordered = sorted(groups.values(), key=lambda rows: rows[0].day)
    return [_group(rows[0].rotation.name, rows) for rows in ordered if len(rows) >= 3]


def by_rotation(student, *, today: date | None = None) -> list[GroupSummary]:
    """Per rotation with at least 3 check-ins: days and each measure's mean with its interval."""
    return _by_rotation(_checkins(student, _today(student, today)))


def _compare(label: str, inside: list[CheckIn], outside: list[CheckIn]) -> PeriodComparison:
    rows = []
    for measure in MEASURES.values():
        a = measure.values(inside)
        b = measure.values(outside)
        difference = stats.welch_difference(a, b) if len(a) >= 2 and len(b) >= 2 else None
        rows.append(MeasureComparison(measure, stats.mean_ci(a), stats.mean_ci(b), difference))
    return PeriodComparison(label, len(inside), len(outside), rows)


def _exam_periods(
    checkins: Sequence[CheckIn], exam_dates: Sequence[date], lead_days: int
) -> list[PeriodComparison]:
    comparisons = []
    board = [c for c in checkins if c.rotation and c.rotation.phase == "board_study"]
    if len(board) >= MIN_ROTATION_DAYS:
        others = [c for c in checkins if not (c.rotation and c.rotation.phase == "board_study")]
        if len(others) >= MIN_ROTATION_DAYS:
            comparisons.append(
                _compare("Board-exam study period vs the rest of the time", board, others)
            )
    if exam_dates:
        windows = [(exam - timedelta(days=lead_days), exam) for exam in exam_dates]
        near_exam = [any(s <= c.day <= e for s, e in windows) for c in checkins]
        near = [c for c, is_near in zip(checkins, near_exam, strict=True) if is_near]
        rest = [c for c, is_near in zip(checkins, near_exam, strict=True) if not is_near]
        if len(near) >= MIN_ROTATION_DAYS and len(rest) >= MIN_ROTATION_DAYS:
            comparisons.append(
                _compare(f"The {lead_days} days before an exam vs other days", near, rest)
            )
    return comparisons


def exam_periods(
    student,
    exam_dates: Sequence[date] = (),
    *,
    lead_days: int = EXAM_LEAD_DAYS,
    today: date | None = None,
) -> list[PeriodComparison]:
    """The board-study phase vs other days, and (given exam dates, e.g. from a planner) the
    `lead_days` before each exam vs other days. Only comparisons with 3+ days on each side."""
    checkins = _checkins(student, _today(student, today))
    return _exam_periods(checkins, exam_dates, lead_days)


# Habit <-> well-being links


def _link_sentence(phrase: str, outcome: Measure, link: stats.HabitLink | None, more: int) -> str:
    if link is None:
        return (
            f"Days after you {phrase}: {more} more days of check-ins are needed before we show "
            f"a link with your next-day {outcome.noun}."
        )
    d = link.difference
    if round(d.value, 1) == 0:
        shape = f"your {outcome.noun} was on average about the same"
    else:
        shape = f"your {outcome.noun} was on average {abs(d.value):.1f} " + (
            outcome.more if d.value > 0 else outcome.less
        )
    return (
        f"On days after you {phrase}, {shape} (95% interval {d.low:.1f} to {d.high:.1f}, "
        f"{link.with_habit.n} vs {link.without_habit.n} days). "
        "This is an association, not proof of cause."
    )


def _habit_links(
    checkins: Sequence[CheckIn], logged: Sequence[tuple[str, set[date]]]
) -> list[HabitLinkRow]:
    """For each habit, the next day's outcome after days with vs without it.

    A pair counts only when both days have a check-in: a day without one says nothing about
    whether the habit was done.
    """
    by_day = {c.day: c for c in checkins}
    pairs = [
        (c, by_day[c.day + timedelta(days=1)]) for c in checkins if c.day + timedelta(1) in by_day
    ]
    habits: list[tuple[str, Callable[[CheckIn], bool]]] = [
        (phrase, lambda day_checkin, name=name: getattr(day_checkin, name))
        for name, phrase in SELF_CARE_PHRASES.items()
    ]
    habits += [
        (f"did “{name}”", lambda day_checkin, days=days: day_checkin.day in days)
        for name, days in logged
    ]
    rows = []
    for phrase, done in habits:
        for key in HABIT_OUTCOMES:
            outcome = MEASURES[key]
            with_ = outcome.values([nxt for day, nxt in pairs if done(day)])
            without = outcome.values([nxt for day, nxt in pairs if not done(day)])
            link = stats.habit_link(with_, without)
            more = max(0, stats.MIN_HABIT_DAYS - len(with_)) + max(
                0, stats.MIN_HABIT_DAYS - len(without)
            )
            rows.append(
                HabitLinkRow(
                    phrase,
                    outcome,
                    len(with_),
                    len(without),
                    link,
                    more,
                    _link_sentence(phrase, outcome, link, more),
                )
            )
    return rows


def _logged_habits(student, start: date, end: date) -> list[tuple[str, set[date]]]:
    days = habit_days(student, start, end)
    if not days:
        return []
    names = dict(Habit.objects.filter(pk__in=days).values_list("pk", "name"))
    return [(names[pk], done) for pk, done in days.items() if pk in names]


def _calendar_start(today: date) -> date:
    return today - timedelta(days=today.weekday(), weeks=CALENDAR_WEEKS - 1)


def _habit_calendars(logged: Sequence[tuple[str, set[date]]], today: date) -> list[HabitCalendar]:
    """The last few weeks of each habit, Monday to Sunday, as a calendar grid."""
    start = _calendar_start(today)
    calendars = []
    for name, done in sorted(logged, key=lambda pair: pair[0].lower()):
        weeks = [
            [
                CalendarDay(day, day in done, day > today)
                for day in (start + timedelta(days=7 * w + d) for d in range(7))
            ]
            for w in range(CALENDAR_WEEKS)
        ]
        count = sum(1 for day in done if start <= day <= today)
        calendars.append(HabitCalendar(name, weeks, count))
    return calendars


def habit_calendars(student, *, today: date | None = None) -> list[HabitCalendar]:
    today = _today(student, today)
    return _habit_calendars(_logged_habits(student, _calendar_start(today), today), today)


def habit_links(student, *, today: date | None = None) -> list[HabitLinkRow]:
    today = _today(student, today)
    checkins = _checkins(student, today)
    start = checkins[0].day if checkins else today
    return _habit_links(checkins, _logged_habits(student, start, today))


# The week


def _weekly_summary(checkins: Sequence[CheckIn], today: date) -> WeeklySummary:
    start = today - timedelta(days=6)
    this_week = _between(checkins, start, today)
    week_before = _between(checkins, start - timedelta(days=7), start - timedelta(days=1))
    went_well, slipped = [], []
    changes: list[tuple[float, Measure]] = []
    comparable = len(this_week) >= 2 and len(week_before) >= 2
    for measure in MEASURES.values() if comparable else ():
        now_values, before_values = measure.values(this_week), measure.values(week_before)
        if len(now_values) < 2 or len(before_values) < 2:
            continue  # quick check-ins left this question out too often to compare
        now, before = stats.mean(now_values), stats.mean(before_values)
        change = now - before
        if abs(change) < measure.threshold:
            continue
        word = measure.more if change > 0 else measure.less
        sentence = (
            f"Your {measure.noun} was {word}: {measure.fmt(now)} on average, "
            f"from {measure.fmt(before)} the week before."
        )
        if measure.better(change):
            went_well.append(sentence)
        else:
            slipped.append(sentence)
            changes.append((abs(change) / (measure.y_max - measure.y_min), measure))
    if this_week:
        counts = {name: sum(getattr(c, name) for c in this_week) for name in SELF_CARE_PHRASES}
        best = max(counts, key=counts.get)
        if counts[best] >= max(2, len(this_week) // 2):
            went_well.append(
                f"You {SELF_CARE_PHRASES[best]} on {counts[best]} of the "
                f"{len(this_week)} days you checked in."
            )
    worst = max(changes, key=lambda pair: pair[0])[1].key if changes else "default"
    return WeeklySummary(
        start, today, len(this_week), went_well, slipped, SMALL_STEPS[worst], len(week_before)
    )


def weekly_summary(student, today: date) -> WeeklySummary:
    """The last 7 days against the 7 before: what went well, what slipped, one small step."""
    return _weekly_summary(_checkins(student, today), today)


# Screenings


def _screening_trends(responses: Sequence[ScreeningResponse]) -> list[ScreeningTrend]:
    grouped: dict[str, list[ScreeningResponse]] = defaultdict(list)
    for response in sorted(responses, key=lambda r: (r.day, r.taken_at)):
        grouped[response.instrument].append(response)
    trends = []
    for instrument_id, rows in sorted(grouped.items()):
        instrument = instruments.get_instrument(instrument_id)
        ordered_bands = sorted(instrument.bands, key=lambda b: b.min)
        bands = [
            (
                band.min,
                ordered_bands[i + 1].min if i + 1 < len(ordered_bands) else instrument.scoring.max,
                band.label,
            )
            for i, band in enumerate(ordered_bands)
        ]
        latest = rows[-1]
        summary = (
            f"{instrument.short_name}: latest score {latest.score:g}"
            + (f" ({latest.band})" if latest.band else "")
            + f" on {_day_label(latest.day)}; {len(rows)} result{'s' if len(rows) > 1 else ''}"
            f" since {_day_label(rows[0].day)}. A screening, not a diagnosis."
        )
        chart = charts.line_chart(
            [(r.day, r.score) for r in rows],
            y_min=instrument.scoring.min,
            y_max=instrument.scoring.max,
            bands=bands,
            label=f"{instrument.short_name} scores over time, with its bands. {summary}",
        )
        trends.append(
            ScreeningTrend(
                instrument,
                [ScreeningRow(r.day, r.score, r.band) for r in rows],
                summary,
                _safe_svg(chart),
            )
        )
    return trends


def screening_trends(student) -> list[ScreeningTrend]:
    return _screening_trends(screening_history(student))


def overview(student, today: date, *, exam_dates: Sequence[date] = ()) -> Overview:
    """Everything on the insights page, from one read of each of the student's tables."""
    checkins = _checkins(student, today)
    start = min(checkins[0].day if checkins else today, _calendar_start(today))
    logged = _logged_habits(student, start, today)
    return Overview(
        today=today,
        trends=[_trend(checkins, m, today, TREND_DAYS, exam_dates) for m in MEASURES.values()],
        rotations=_by_rotation(checkins),
        exam_periods=_exam_periods(checkins, exam_dates, EXAM_LEAD_DAYS),
        habit_links=_habit_links(checkins, logged),
        week=_weekly_summary(checkins, today),
        screenings=_screening_trends(screening_history(student)),
        calendars=_habit_calendars(logged, today),
    )


# The journal


@dataclass(frozen=True)
class ReflectionEntry:
    id: int
    prompt: str
    body: str
    created_at: object
    updated_at: object


def reflection_of(student, reflection_id: int) -> Reflection | None:
    """The student's own reflection, or None (also for anybody else's id)."""
    return Reflection.objects.filter(student=student, pk=reflection_id).first()


def reflection_body(reflection: Reflection) -> str:
    return decrypt_text(reflection.student, reflection.body_encrypted)


def entry(reflection: Reflection) -> ReflectionEntry:
    return ReflectionEntry(
        reflection.pk,
        reflection.prompt,
        reflection_body(reflection),
        reflection.created_at,
        reflection.updated_at,
    )


def reflections_page(student, number: int | str = 1) -> tuple[Page, list[ReflectionEntry]]:
    """A page of the student's reflections, newest first, decrypted for them."""
    query = Reflection.objects.select_related("student").filter(student=student)
    page = Paginator(query, REFLECTIONS_PER_PAGE).get_page(number)
    return page, [entry(r) for r in page.object_list]
