"""Plausible check-ins and screenings for the demo school, in bulk.

Each student gets a baseline and a check-in habit; each rotation shifts the day the way the
literature and students describe it (surgery: short sleep, more stress, less exercise, more
loneliness but a strong sense of purpose; board-exam study: stress and isolation).
"""

import random
import uuid
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from decimal import Decimal

import instruments
from schools.demo import DemoSchool
from schools.models import Rotation
from vault.services import encrypt_text

from .models import CheckIn, ScreeningResponse

# (mood, stress, sleep hours, loneliness, purpose, chance of exercise)
ROTATION_EFFECTS = {
    "preclinical": (0.0, 0.0, 0.0, 0.0, -0.2, 0.0),
    "board-study": (-0.4, 0.9, -0.4, 0.7, -0.5, -0.2),
    "internal-medicine": (-0.1, 0.4, -0.6, 0.2, 0.4, -0.1),
    "surgery": (-0.4, 0.9, -1.4, 0.6, 0.5, -0.3),
    "paediatrics": (0.1, 0.2, -0.3, 0.0, 0.6, -0.05),
    "obstetrics-gynaecology": (-0.2, 0.6, -1.0, 0.3, 0.5, -0.2),
    "psychiatry": (0.3, -0.3, 0.3, -0.2, 0.5, 0.05),
    "family-medicine": (0.2, -0.1, 0.2, -0.1, 0.4, 0.05),
    "neurology": (0.0, 0.3, -0.2, 0.1, 0.3, 0.0),
    "elective": (0.3, -0.3, 0.4, -0.2, 0.3, 0.1),
}
NOTES = [
    "Post-call. Slept through the afternoon and feel a bit more human.",
    "Pimped in rounds and froze. Going to review and let it go.",
    "Had dinner with my roommate for the first time in two weeks. Needed that.",
    "Patient thanked me today. This is why I'm here.",
    "Exam in 10 days and I feel behind. Walk first, then flashcards.",
]


def clamp(value: float, low: int = 1, high: int = 5) -> int:
    return max(low, min(high, round(value)))


def rotation_on(placements: list[tuple[str, date, date]], day: date) -> str | None:
    for slug, starts, ends in placements:
        if starts <= day <= ends:
            return slug
    return None


def answers_for(instrument_id: str, distress: float, rng: random.Random) -> list[int]:
    """Answers drifting with `distress` (0 calm .. 1 struggling), respecting reverse items."""
    answers = []
    for item in instruments.get_instrument(instrument_id).items:
        values = sorted(option.value for option in item.options)
        # Higher option values mean worse for these instruments, except WHO-5 and reversed items.
        worse_is_high = instrument_id != "who5" and not item.reverse
        level = distress if worse_is_high else 1 - distress
        index = clamp(level * (len(values) - 1) + rng.gauss(0, 0.7), 0, len(values) - 1)
        answers.append(values[index])
    return answers


def generate_checkins(
    demo: DemoSchool,
    *,
    progress: Callable[[int], None] = lambda n: None,
    batch_size: int = 20000,
) -> int:
    # Reproducible demo data, not a secret.
    rng = random.Random(demo.rng.random())  # nosec B311
    school, today = demo.school, demo.today
    rotations = {r.slug: r for r in Rotation.objects.all()}
    days = [today - timedelta(days=offset) for offset in range(demo.days, 0, -1)]
    rows: list[CheckIn] = []
    screenings: list[ScreeningResponse] = []
    created = 0
    for student in demo.students:
        habit = rng.uniform(0.35, 0.9)
        mood0, stress0 = rng.gauss(3.5, 0.45), rng.gauss(2.7, 0.5)
        sleep0, lonely0 = rng.gauss(7.0, 0.5), rng.gauss(2.3, 0.5)
        purpose0, move0 = rng.gauss(3.4, 0.5), rng.uniform(0.3, 0.8)
        meditates, in_therapy = rng.random() < 0.2, rng.random() < 0.12
        for day in days:
            slug = rotation_on(student.placements, day)
            if slug is None or rng.random() > habit:
                continue
            dm, ds, dsl, dl, dp, dmove = ROTATION_EFFECTS[slug]
            weekend = day.weekday() >= 5
            sleep = max(2.0, min(12.0, rng.gauss(sleep0 + dsl + (0.8 if weekend else 0), 1.0)))
            stress = stress0 + ds - (0.4 if weekend else 0) + rng.gauss(0, 0.7)
            mood = mood0 + dm + 0.25 * (sleep - 7) - 0.2 * (stress - 3) + rng.gauss(0, 0.6)
            rows.append(
                CheckIn(
                    student_id=student.user_id,
                    school=school,
                    day=day,
                    rotation=rotations[slug],
                    mood=clamp(mood),
                    stress=clamp(stress),
                    energy=clamp(mood - 0.3 + 0.3 * (sleep - 7) + rng.gauss(0, 0.6)),
                    sleep_hours=Decimal(str(round(sleep * 2) / 2)),
                    sleep_quality=clamp(3 + 0.5 * (sleep - 7) + rng.gauss(0, 0.7)),
                    loneliness=clamp(lonely0 + dl + rng.gauss(0, 0.7)),
                    purpose=clamp(purpose0 + dp + rng.gauss(0, 0.6)),
                    ate_well=rng.random() < 0.6 - max(0.0, ds) * 0.2,
                    moved=rng.random() < move0 + dmove,
                    rested=rng.random() < (0.7 if weekend else 0.35),
                    connected=rng.random() < 0.65 - dl * 0.3,
                    meditated=meditates and rng.random() < 0.6,
                    therapy=in_therapy and day.weekday() == 2,
                )
            )
            distress = max(0.0, min(1.0, (stress - 1) / 4 * 0.6 + (5 - mood) / 4 * 0.4))
            if day.toordinal() % 14 == student.user_id % 14 and rng.random() < habit:
                screenings.extend(screening_rows(student.user_id, school, day, distress, rng))
        if len(rows) >= batch_size:
            flushed = flush(rows, screenings)
            created += flushed
            progress(flushed)
    flushed = flush(rows, screenings)
    progress(flushed)
    return created + flushed


def screening_rows(
    user_id: int, school, day: date, distress: float, rng: random.Random
) -> Iterable[ScreeningResponse]:
    chosen = ["who5", "ucla3"] + (["phq9", "gad7"] if day.day <= 14 else [])
    for instrument_id in chosen:
        answers = answers_for(instrument_id, distress, rng)
        result = instruments.score(instrument_id, answers)
        yield ScreeningResponse(
            student_id=user_id,
            school=school,
            instrument=instrument_id,
            answers=answers,
            score=float(result.score),
            band=result.band or "",
            flags=list(result.flags),
            day=day,
            submission_key=uuid.UUID(int=rng.getrandbits(128)).hex,
        )


def flush(rows: list[CheckIn], screenings: list[ScreeningResponse]) -> int:
    count = len(rows)
    CheckIn.objects.bulk_create(rows, batch_size=5000)
    ScreeningResponse.objects.bulk_create(screenings, batch_size=5000)
    rows.clear()
    screenings.clear()
    return count


def add_demo_notes(student, rng: random.Random) -> None:
    """A few private notes for the demo login, encrypted like any other."""
    checkins = list(CheckIn.objects.filter(student=student).order_by("-day")[:20])
    for checkin in rng.sample(checkins, k=min(len(NOTES), len(checkins))):
        checkin.note_encrypted = encrypt_text(student, rng.choice(NOTES))
        checkin.save(update_fields=["note_encrypted"])
