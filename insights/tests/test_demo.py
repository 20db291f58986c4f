from datetime import date

import pytest

from accounts.models import User
from insights.demo import REFLECTIONS, generate_reflections
from insights.models import Reflection
from insights.selectors import reflection_body
from schools.demo import create_demo_school

pytestmark = pytest.mark.django_db


def test_demo_reflections_are_encrypted_and_mostly_the_demo_logins():
    demo = create_demo_school(students=8, days=30, seed=7, today=date(2025, 11, 3))

    created = generate_reflections(demo)

    login = User.objects.get(email="student@northbrook.example")
    assert Reflection.objects.count() == created
    assert Reflection.objects.filter(student=login).count() == len(REFLECTIONS)
    assert 5 <= Reflection.objects.exclude(student=login).count() <= 10
    reflection = Reflection.objects.filter(student=login).first()
    assert reflection_body(reflection) in REFLECTIONS
    assert reflection.created_at.date() < date(2025, 11, 3)
    assert not any(text.encode() in bytes(reflection.body_encrypted) for text in REFLECTIONS)
