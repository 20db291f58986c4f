"""A few private reflections for the demo school, encrypted like any other."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from accounts.models import User
from schools.demo import DEMO_DOMAIN, DemoSchool
from vault.services import encrypt_text

from .models import Reflection
from .prompts import PROMPTS

DEMO_LOGIN = f"student@{DEMO_DOMAIN}"
OTHERS_WITH_REFLECTIONS = 5
REFLECTIONS = [
    "Long day on the wards, but the team was kind and I got to close a wound myself.",
    "Could not sleep before the exam. Next time: no flashcards after ten.",
    "Called home for the first time in two weeks. I should do that more often.",
    "A patient thanked me for explaining her scan. That carried me through the afternoon.",
    "Felt behind everyone today. Wrote down what I actually did learn: it was a lot.",
    "Went for a run before the early start. Tired, but clearer in the head.",
    "Hard conversation with a family today. I keep thinking about it; talking to my tutor.",
    "Quiet weekend. Cooked properly, slept nine hours, feel human again.",
]


def generate_reflections(demo: DemoSchool) -> int:
    """Eight reflections for the demo login, one or two for a handful of others."""
    rng = demo.rng
    user_ids = [s.user_id for s in demo.students]
    users = {u.pk: u for u in User.objects.filter(pk__in=user_ids)}
    demo_login = next((u for u in users.values() if u.email == DEMO_LOGIN), None)
    others = [users[pk] for pk in user_ids if pk in users and users[pk] != demo_login]
    plan = [(demo_login, len(REFLECTIONS))] if demo_login else []
    plan += [(user, rng.randint(1, 2)) for user in others[:OTHERS_WITH_REFLECTIONS]]
    rows = []
    for user, count in plan:
        for index, text in enumerate(rng.sample(REFLECTIONS, k=count)):
            day = demo.today - timedelta(days=3 + index * rng.randint(2, 6))
            moment = datetime.combine(day, time(21, rng.randint(0, 59)))
            rows.append(
                Reflection(
                    student=user,
                    school=demo.school,
                    prompt=rng.choice(PROMPTS) if rng.random() < 0.5 else "",
                    body_encrypted=encrypt_text(user, text),
                    created_at=timezone.make_aware(moment),
                )
            )
    Reflection.objects.bulk_create(rows)
    return len(rows)
