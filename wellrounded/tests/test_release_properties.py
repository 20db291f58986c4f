"""Properties of published releases over random histories (issue #19, "Done when").

For random sequences of check-ins, survey answers, sign-ups and deletions, with time moving
forward and staff reading in between: no published figure ever changes once shown, and every
two published figures computed from overlapping answers have students behind them who differ
by 0 or by at least K on each side.
"""

import contextlib
import itertools
import random
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.data_ownership import delete_account
from accounts.models import User
from cohorts.guard import differ_safely
from cohorts.models import Campaign, Population, PublishedTable
from cohorts.publishing import publish_due
from cohorts.reports import ReportProblem, before_after_report
from cohorts.services import week_of
from cohorts.tests.campaign_factories import answer
from cohorts.tests.factories import add_all, checkin_observations, enroll
from conftest import make_cohort, make_school

K = 10
SCHOOLS = itertools.count()  # one school per example: examples share the test's transaction
STEPS = st.lists(
    st.tuples(
        st.sampled_from(["checkins", "survey", "join", "delete", "read"]),
        st.integers(min_value=0, max_value=10**6),
    ),
    min_size=4,
    max_size=12,
)


def snapshot() -> dict:
    return {
        (t.release_id, t.cohort_id, t.table, t.week): t.cells for t in PublishedTable.objects.all()
    }


@pytest.mark.django_db
@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=STEPS)
def test_no_published_figure_changes_and_overlaps_differ_by_zero_or_k(steps):
    school = make_school(f"prop-{next(SCHOOLS)}")
    cohort = make_cohort(school, 2029)
    students = enroll(cohort, 30)
    start = week_of(school.created_at.date()) - timedelta(weeks=12)
    today = start
    campaigns: list[Campaign] = []
    seen: dict = {}
    for step, (action, seed) in enumerate(steps):
        rng = random.Random(seed)
        today += timedelta(days=rng.randint(1, 10))
        if action == "checkins" and students:
            for student in rng.sample(students, min(len(students), rng.randint(5, 30))):
                add_all(checkin_observations(cohort, student, today, None, rng))
        elif action == "survey" and students:
            campaign = Campaign.objects.create(
                school=school, cohort=cohort, instrument="phq9", opens_on=today,
                closes_on=today + timedelta(days=rng.randint(0, 13)), message="m",
            )  # fmt: skip
            for student in rng.sample(students, min(len(students), rng.randint(5, 30))):
                answer(campaign, student, rng.randint(0, 27))
            campaigns.append(campaign)
            today = campaign.closes_on
        elif action == "join":
            students += enroll(cohort, rng.randint(1, 12), prefix=f"j{step}-")
        elif action == "delete" and students:
            gone = rng.choice(students)
            students.remove(gone)
            delete_account(user=User.objects.get(pk=gone))
        publish_due(school, today=today)
        for before, after in zip(campaigns, campaigns[1:], strict=False):
            with contextlib.suppress(ReportProblem):  # not both published yet
                before_after_report(before, after, today=today)
        now = snapshot()
        for key, cells in seen.items():
            assert now.get(key) == cells, key  # nothing published ever moves or disappears
        seen = now

    populations = list(Population.objects.filter(school=school))
    for i, first in enumerate(populations):
        for second in populations[i + 1 :]:
            overlap = first.starts_on <= second.ends_on and second.starts_on <= first.ends_on
            if first.source == second.source and overlap:
                assert differ_safely(
                    frozenset(first.tags.split(",")), frozenset(second.tags.split(",")), k=K
                )
