"""Reads for learn: one student's own lessons and progress, and suppressed counts for staff.

A student's page costs a fixed handful of queries (their 14 days of check-ins, their recent
screenings, their progress, their school's lessons and assignments), whatever their history.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.safestring import SafeString

from checkins.models import ScreeningResponse
from checkins.selectors import checkins_between
from cohorts.selectors import k_for
from cohorts.suppression import Cell, Hidden, Row, suppress
from schools.models import Cohort, Enrollment, School
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
    return set(LessonProgress.objects.filter(student=student).values_list("lesson", flat=True))


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


def completion_table(school: School) -> CompletionTable:
    """Students who marked each lesson done (and finished each whole track), per cohort.

    One read of who-did-what, counted here and never returned: only counts leave, each
    through `suppress()` with its row total, so a hidden cohort cannot be worked out from
    the school-wide figure.
    """
    k = k_for(school)
    cohorts = list(Cohort.objects.filter(school=school))
    lessons = visible_lessons(school)
    done: dict[tuple[int, int], set[str]] = defaultdict(set)
    for student_id, cohort_id, lesson in LessonProgress.objects.filter(
        school=school, student__enrollment__school=school
    ).values_list("student_id", "student__enrollment__cohort_id", "lesson"):
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
    lines = []
    for slug, title in TRACKS.items():
        if not needed[slug]:
            continue
        lines.append(
            (f"{title}: whole track", slug, True, [per_track[(slug, c.pk)] for c in cohorts])
        )
        for lesson in lessons:
            if lesson.track == slug:
                counts = [per_lesson[(lesson.slug, c.pk)] for c in cohorts]
                lines.append((lesson.title, slug, False, counts))
    out = []
    for label, track, is_track, counts in lines:
        cells = tuple(Cell(n=n, value=n) for n in counts)
        [row] = suppress([Row(cells, Cell(n=sum(counts), value=sum(counts)))], k=k).rows
        out.append(CompletionLine(label, track, is_track, row.cells, row.total))
    return CompletionTable(cohorts, out, k)


def school_lessons(school: School) -> list[SchoolLesson]:
    return list(SchoolLesson.objects.filter(school=school))


def school_lesson_of(school: School, lesson_id: int) -> SchoolLesson | None:
    return SchoolLesson.objects.filter(school=school, pk=lesson_id).first()


def assignments_of(school: School) -> list[TrackAssignment]:
    return list(TrackAssignment.objects.filter(school=school).select_related("cohort"))


def assignment_of(school: School, assignment_id: int) -> TrackAssignment | None:
    return TrackAssignment.objects.filter(school=school, pk=assignment_id).first()
