"""Opt-ins at the same moment must not place one student in two circles (run on PostgreSQL too)."""

from functools import partial

import pytest
from django.db.models import Count
from django.utils import timezone

from circles.models import CircleMembership, CircleProfile
from circles.services import save_circle_profile
from conftest import make_student, run_at_once

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_opt_ins_never_put_a_student_in_two_circles(cohort):
    for i in range(3):  # three already waiting, matching not yet run
        user = make_student(cohort, f"waiting{i}@riverside.example", rotation=None)
        CircleProfile.objects.create(
            student=user,
            school=cohort.school,
            pseudonym=f"Waiting {i}",
            pseudonym_key=f"waiting {i}",
            guidelines_accepted_at=timezone.now(),
        )
    joiners = [make_student(cohort, f"new{i}@riverside.example", rotation=None) for i in range(6)]
    errors = run_at_once(
        [
            partial(save_circle_profile, student=user, pseudonym=f"Joiner {i}",
                    accept_guidelines=True)
            for i, user in enumerate(joiners)
        ]
    )  # fmt: skip

    assert errors == []
    twice = (
        CircleMembership.objects.values("profile")
        .annotate(circles=Count("circle"))
        .filter(circles__gt=1)
    )
    assert list(twice) == []
    assert CircleMembership.objects.count() == 8  # 9 opted in: two circles of 4, one waits
