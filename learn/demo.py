"""Demo data for learn: a school lesson, an assigned track, progress and a few reflections."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from accounts.models import User
from schools.demo import DEMO_DOMAIN, DemoSchool
from vault.services import encrypt_text

from .catalogue import shipped_lessons
from .models import LessonProgress, LessonReflection, SchoolLesson, TrackAssignment

DEMO_LOGIN = f"student@{DEMO_DOMAIN}"
ASSIGNED_TRACK = "sleep-on-call"
SHARE_LEARNING = 0.6
OTHERS_WITH_REFLECTIONS = 4
REFLECTIONS = [
    "Going to try the 20-minute nap before my next night instead of more coffee.",
    "I do not have to answer every message the moment I am off shift.",
    "Booked a first appointment with counselling. Less scary than I thought.",
    "Two minutes of breathing before the exam block actually helped.",
]
SCHOOL_LESSON = {
    "title": "Where to rest at Northbrook University Hospital",
    "track": "boundaries-rest",
    "minutes": 3,
    "summary": "The quiet rooms, call rooms and late-night food on our main site.",
    "body": (
        "## Quiet rooms\n\nThe student lounge on level 2 has two reclining chairs and is "
        "open all night. Call rooms on level 5 are free for students on nights: ask the "
        "night coordinator for a key.\n\n## Food after midnight\n\nThe cafeteria closes at "
        "11 pm; the vending area next to the emergency department is stocked with fruit, "
        "yoghurt and sandwiches.\n\n> Resting on a night shift is not slacking: it is part of "
        "working safely.\n"
    ),
    "sources": (
        "Northbrook student affairs, campus guide (demo).\n"
        "Ruggiero JS, Redeker NS. Effects of napping on sleepiness and sleep-related performance "
        "deficits in night-shift workers: a systematic review. Biol Res Nurs. 2014;16(2):134-142. "
        "doi:10.1177/1099800413476571"
    ),
}


def generate_demo_lessons(demo: DemoSchool) -> int:
    """Progress for about 60% of students (more for the demo login). Returns rows made."""
    rng = demo.rng
    school_lesson = SchoolLesson.objects.create(school=demo.school, **SCHOOL_LESSON)
    third_years = demo.cohorts[0]
    TrackAssignment.objects.create(
        school=demo.school,
        cohort=third_years,
        track=ASSIGNED_TRACK,
        complete_by=demo.today + timedelta(days=28),
    )
    lessons = [(s.slug, s.track) for s in shipped_lessons()]
    lessons.append((school_lesson.slug, school_lesson.track))
    users = {u.pk: u for u in User.objects.filter(pk__in=[s.user_id for s in demo.students])}
    demo_login = next((u for u in users.values() if u.email == DEMO_LOGIN), None)
    progress, learners = [], []
    for s in demo.students:
        user = users.get(s.user_id)
        if user is None or (user != demo_login and rng.random() > SHARE_LEARNING):
            continue
        learners.append(user)
        count = rng.randint(1, max(1, len(lessons) // 2))
        for slug, track in rng.sample(lessons, k=min(count, len(lessons))):
            moment = datetime.combine(demo.today - timedelta(days=rng.randint(0, 30)), time(20))
            progress.append(
                LessonProgress(
                    student=user,
                    school=demo.school,
                    lesson=slug,
                    track=track,
                    done_at=timezone.make_aware(moment),
                )
            )
    LessonProgress.objects.bulk_create(progress)
    done_by = {(p.student_id, p.lesson) for p in progress}
    writers = ([demo_login] if demo_login else []) + [u for u in learners if u != demo_login][
        :OTHERS_WITH_REFLECTIONS
    ]
    reflections = []
    for user, text in zip(writers, rng.sample(REFLECTIONS, k=len(REFLECTIONS)), strict=False):
        lesson = next(slug for (pk, slug) in sorted(done_by) if pk == user.pk)
        reflections.append(
            LessonReflection(
                student=user,
                school=demo.school,
                lesson=lesson,
                body_encrypted=encrypt_text(user, text),
            )
        )
    LessonReflection.objects.bulk_create(reflections)
    return len(progress) + len(reflections)
