"""Reads for learn: one student's own lessons and progress, and suppressed counts for staff.

A student's page costs a fixed handful of queries (their 14 days of check-ins, their recent
screenings, their progress, their school's lessons and assignments), whatever their history.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, Q
from django.utils.safestring import SafeString

from checkins.models import ScreeningResponse
from checkins.selectors import checkins_between
from cohorts.selectors import complete_weeks, k_for
from cohorts.suppression import Cell, Hidden, Row, suppress
from schools.models import Cohort, Enrollment, School
from schools.selectors import verified_enrollments
from vault.services import decrypt_text

from . import signals
from .catalogue import shipped_catalogue
from .models import SCHOOL_PREFIX, LessonProgress, LessonReflection, SchoolLesson, TrackAssignment
from .rendering import render_markdown
from .tracks import SIGNALS, TRACKS

MAX_SUGGESTIONS = 3


@dataclass(frozen=True)
class Lesson:
    """A shipped lesson or a school's own, as pages and the API show either."""

    slug: str
    title: str
    track: str
    minutes: int
    summary: str
    sources: tuple[str, ...]
    suggest_when: tuple[str, ...] = ()
    school_lesson_id: int | None = None
    body: str = field(default="", repr=False)
    _html: SafeString | None = field(default=None, repr=False)

    @property
    def html(self) -> SafeString:
        return self._html if self._html is not None else render_markdown(self.body)

    @property
    def track_title(self) -> str:
        return TRACKS[self.track]

    @property
    def by_school(self) -> bool:
        return self.school_lesson_id is not None


@dataclass(frozen=True)
class LessonRow:
    lesson: Lesson
    done: bool
    reasons: tuple[str, ...] = ()

    @property
    def suggested(self) -> bool:
        return bool(self.reasons)


@dataclass(frozen=True)
class TrackView:
    slug: str
    title: str
    rows: list[LessonRow]
    assigned: bool = False
    complete_by: date | None = None

    @property
    def done(self) -> int:
        return sum(1 for row in self.rows if row.done)

    @property
    def total(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class Overview:
    suggested: list[LessonRow]
    assigned: list[TrackView]
    tracks: list[TrackView]

    def all_tracks(self) -> list[TrackView]:
        return self.assigned + self.tracks


def _from_school(lesson: SchoolLesson) -> Lesson:
    return Lesson(
        slug=lesson.slug,
        title=lesson.title,
        track=lesson.track,
        minutes=lesson.minutes,
        summary=lesson.summary,
        sources=tuple(lesson.source_list()),
        school_lesson_id=lesson.pk,
        body=lesson.body,
    )


def _shipped() -> list[Lesson]:
    return [
        Lesson(
            slug=s.slug,
            title=s.title,
            track=s.track,
            minutes=s.minutes,
            summary=s.summary,
            sources=s.sources,
            suggest_when=s.suggest_when,
            body=s.body,
            _html=s.html,
        )
        for s in shipped_catalogue().lessons
    ]


def visible_lessons(school: School) -> list[Lesson]:
    """Every shipped lesson, then the school's own published ones."""
    own = SchoolLesson.objects.filter(school=school, published=True)
    return _shipped() + [_from_school(lesson) for lesson in own]


def lesson_for(school: School, slug: str) -> Lesson | None:
    """The lesson a student of `school` may read under `slug`, or None (any other school's)."""
    if slug.startswith(SCHOOL_PREFIX):
        number = slug.removeprefix(SCHOOL_PREFIX)
        if not number.isdigit() or len(number) > 12:
            return None
        own = SchoolLesson.objects.filter(school=school, published=True, pk=int(number)).first()
        return _from_school(own) if own else None
    return next((lesson for lesson in _shipped() if lesson.slug == slug), None)


def suggestion_signals(student, today: date) -> set[str]:
    checkins = checkins_between(student, today - timedelta(days=signals.CHECKIN_DAYS - 1), today)
    screenings = [
        signals.Screening(r.instrument, r.score, r.day)
        for r in ScreeningResponse.objects.filter(
            student=student,
            day__gte=today - timedelta(days=signals.SCREENING_DAYS),
            instrument__in={i for rules in signals.SCREENING_RULES.values() for i, _ in rules},
        ).only("instrument", "score", "day")
    ]
    return signals.signals_for(checkins, screenings, today)


def done_lessons(student) -> set[str]:
    """What the student has marked done now (an undone row only waits for the staff count)."""
    return set(
        LessonProgress.objects.filter(student=student, undone_at__isnull=True).values_list(
            "lesson", flat=True
        )
    )


def _reasons(lesson: Lesson, raised: set[str]) -> tuple[str, ...]:
    return tuple(SIGNALS[s] for s in lesson.suggest_when if s in raised)


def overview(student, enrollment: Enrollment, today: date) -> Overview:
    """The student's /learn/ page: suggested first, then assigned tracks, then the rest."""
    raised = suggestion_signals(student, today)
    done = done_lessons(student)
    lessons = visible_lessons(enrollment.school)
    by_track: dict[str, list[LessonRow]] = defaultdict(list)
    suggested = []
    for lesson in lessons:
        row = LessonRow(lesson, lesson.slug in done, _reasons(lesson, raised))
        by_track[lesson.track].append(row)
        if row.suggested and not row.done and len(suggested) < MAX_SUGGESTIONS:
            suggested.append(row)
    assignments = {
        a.track: a for a in TrackAssignment.objects.filter(cohort_id=enrollment.cohort_id)
    }
    assigned = [
        TrackView(a.track, TRACKS[a.track], by_track[a.track], True, a.complete_by)
        for a in sorted(assignments.values(), key=lambda a: (a.complete_by or date.max, a.track))
    ]
    tracks = [
        TrackView(slug, title, by_track[slug])
        for slug, title in TRACKS.items()
        if slug not in assignments and by_track[slug]
    ]
    return Overview(suggested, assigned, tracks)


def reflection_of(student, slug: str) -> LessonReflection | None:
    return LessonReflection.objects.filter(student=student, lesson=slug).first()


def reflection_text(student, reflection: LessonReflection | None) -> str:
    return "" if reflection is None else decrypt_text(student, reflection.body_encrypted)


# --- staff: counts only, each through the suppression rule ------------------------------


@dataclass(frozen=True)
class CompletionLine:
    label: str
    track: str
    is_track: bool
    cells: tuple[Cell | Hidden, ...]
    total: Cell | Hidden | None


@dataclass(frozen=True)
class CompletionTable:
    cohorts: list[Cohort]
    lines: list[CompletionLine]
    k: int
    as_of: date  # the Sunday that ended the last complete week: counts stop at its end


NESTED = "hidden so a lesson's count cannot be subtracted from it"


def completion_cutoff(school: School, today: date | None = None) -> datetime:
    """The end of the school's last complete week: this week's Monday, 00:00 local time.

    Staff counts stop there, so refreshing before and after a student marks a lesson done
    (or undoes it) never shows a change that points at them; figures move once a week.
    """
    [last] = complete_weeks(school, count=1, today=today)
    monday = last + timedelta(weeks=1)
    return datetime.combine(monday, time.min, tzinfo=ZoneInfo(school.timezone))


def counted_progress(school: School, cutoff: datetime):
    """Progress as it stood at `cutoff`: done before it and not undone before it."""
    return LessonProgress.objects.filter(
        school=school,
        student__enrollment__school=school,
        student__enrollment__verified_at__isnull=False,
        student__enrollment__joined_at__lt=cutoff,
        done_at__lt=cutoff,
    ).filter(Q(undone_at__isnull=True) | Q(undone_at__gte=cutoff))


def _share(done: int, enrolled: int, hidden: str | None = None) -> Cell:
    """Students who finished, out of those enrolled: K on both sides, so "all" is hidden too."""
    return Cell(n=enrolled, numerator=done, complement=enrolled - done, value=done, hidden=hidden)


def _nesting_leaks(specs: list[tuple], rows, k: int) -> set[tuple[int, int]]:
    """Visible whole-track cells that a visible lesson cell of the same track gives away.

    Whoever finished a track finished each of its lessons, so "lesson minus track" is a group
    of its own; under K it must not be worked out by subtraction. Hiding the track cell (not
    the lesson) removes every such difference at once. Column -1 is the row total.
    """
    leaks = set()
    for t, (_, track, is_track, counts) in enumerate(specs):
        if not is_track:
            continue
        lessons = [i for i, s in enumerate(specs) if s[1] == track and not s[2]]
        for j in [*range(len(counts)), -1]:
            whole = rows[t].total if j == -1 else rows[t].cells[j]
            if isinstance(whole, Hidden):
                continue
            for i in lessons:
                part = rows[i].total if j == -1 else rows[i].cells[j]
                if isinstance(part, Cell) and part.numerator - whole.numerator < k:
                    leaks.add((t, j))
    return leaks


def completion_table(school: School, *, today: date | None = None) -> CompletionTable:
    """Students who marked each lesson done (and finished each whole track), per cohort.

    As of the end of the last complete week, out of the students enrolled then. One read of
    who-did-what, counted here and never returned: only shares leave, through `suppress()`
    with their row totals, then again until no whole-track count can be subtracted from a
    lesson's count of the same track.
    """
    k = k_for(school)
    cutoff = completion_cutoff(school, today)
    cohorts = list(Cohort.objects.filter(school=school))
    enrolled = dict(
        verified_enrollments(school)
        .filter(joined_at__lt=cutoff)
        .values("cohort_id")
        .annotate(n=Count("pk"))
        .values_list("cohort_id", "n")
    )
    lessons = visible_lessons(school)
    done: dict[tuple[int, int], set[str]] = defaultdict(set)
    for student_id, cohort_id, lesson in counted_progress(school, cutoff).values_list(
        "student_id", "student__enrollment__cohort_id", "lesson"
    ):
        done[(student_id, cohort_id)].add(lesson)
    per_lesson: dict[tuple[str, int], int] = defaultdict(int)
    per_track: dict[tuple[str, int], int] = defaultdict(int)
    needed: dict[str, set[str]] = defaultdict(set)
    for lesson in lessons:
        needed[lesson.track].add(lesson.slug)
    for (_, cohort_id), slugs in done.items():
        for slug in slugs:
            per_lesson[(slug, cohort_id)] += 1
        for track, required in needed.items():
            if required <= slugs:
                per_track[(track, cohort_id)] += 1
    specs = []
    for slug, title in TRACKS.items():
        if not needed[slug]:
            continue
        specs.append(
            (f"{title}: whole track", slug, True, [per_track[(slug, c.pk)] for c in cohorts])
        )
        for lesson in lessons:
            if lesson.track == slug:
                counts = [per_lesson[(lesson.slug, c.pk)] for c in cohorts]
                specs.append((lesson.title, slug, False, counts))
    sizes = [enrolled.get(c.pk, 0) for c in cohorts]
    hidden: set[tuple[int, int]] = set()
    while True:
        rows = [
            Row(
                tuple(
                    _share(n, size, NESTED if (i, j) in hidden else None)
                    for j, (n, size) in enumerate(zip(counts, sizes, strict=True))
                ),
                _share(sum(counts), sum(sizes), NESTED if (i, -1) in hidden else None),
            )
            for i, (_, _, _, counts) in enumerate(specs)
        ]
        table = suppress(rows, k=k)
        leaks = _nesting_leaks(specs, table.rows, k)
        if not leaks:
            break
        hidden |= leaks
    lines = [
        CompletionLine(label, track, is_track, row.cells, row.total)
        for (label, track, is_track, _), row in zip(specs, table.rows, strict=True)
    ]
    return CompletionTable(cohorts, lines, k, cutoff.date() - timedelta(days=1))


def school_lessons(school: School) -> list[SchoolLesson]:
    return list(SchoolLesson.objects.filter(school=school))


def school_lesson_of(school: School, lesson_id: int) -> SchoolLesson | None:
    return SchoolLesson.objects.filter(school=school, pk=lesson_id).first()


def assignments_of(school: School) -> list[TrackAssignment]:
    return list(TrackAssignment.objects.filter(school=school).select_related("cohort"))


def assignment_of(school: School, assignment_id: int) -> TrackAssignment | None:
    return TrackAssignment.objects.filter(school=school, pk=assignment_id).first()
