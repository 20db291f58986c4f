"""Demo campaigns for `seed_demo`: two closed MLQ presence campaigns of the third-year
cohort (the start of core clerkships, and the last two weeks) and one open WHO-5 campaign,
so the campaign and report pages have figures to show.

The answers are simulated, not data from any study: the demo report shows how a report
reads, and reproduces no published finding (in particular not the often-quoted "52% of 107
third-year students reported a heightened sense of purpose", which we could not trace to a
source)."""

import random
from collections.abc import Sequence
from datetime import date, timedelta

import instruments
from schools.models import Cohort

from .models import Campaign, CampaignResponse
from .services import member_key

WINDOW = timedelta(days=13)
WHO5 = instruments.get_instrument("who5")


def _campaign(cohort: Cohort, instrument: str, opens_on: date, message: str) -> Campaign:
    return Campaign.objects.create(
        school=cohort.school,
        cohort=cohort,
        instrument=instrument,
        opens_on=opens_on,
        closes_on=opens_on + WINDOW,
        message=message,
    )


def generate_demo_campaigns(
    *, cohort: Cohort, student_ids: Sequence[int], today: date, clerkships_start: date, seed: int
) -> list[Campaign]:
    rng = random.Random(seed)  # nosec B311: a seeded, reproducible demo, not a secret
    # Late enough in the past that its results are already published (on the Wednesday after
    # the week it closes in), so the demo has a before/after report to open.
    after_opens = today - timedelta(days=23)
    before_opens = clerkships_start
    if before_opens + WINDOW >= after_opens - timedelta(days=28):
        before_opens = after_opens - timedelta(days=120)
    before = _campaign(
        cohort,
        "mlq_presence",
        before_opens,
        "Welcome to clerkships. Five questions on how meaningful your days feel: we will ask "
        "again at the end of the block to see how the year treats you as a group.",
    )
    after = _campaign(
        cohort,
        "mlq_presence",
        after_opens,
        "The same five questions as in July. Anonymous to the school; thank you.",
    )
    current = _campaign(
        cohort,
        "who5",
        today - timedelta(days=3),
        "Mid-year well-being check: five questions, about a minute. Optional and anonymous.",
    )
    rows = []
    for student_id in student_ids:
        member = member_key(student_id)
        first = min(35, max(5, round(rng.gauss(23, 5))))
        if rng.random() < 0.86:
            rows.append(_row(before, member, first, rng))
        if rng.random() < 0.82:
            # Simulated: the score drifts up 3 points on average, with a wide spread, so the
            # report has a change to show. Not an estimate of anything.
            rows.append(_row(after, member, min(35, max(5, round(first + rng.gauss(3, 4)))), rng))
        if rng.random() < 0.4:
            score = min(100, max(0, 4 * round(rng.gauss(13, 4))))
            day = today - timedelta(days=rng.randint(0, 3))
            band = WHO5.band_for(score).label
            rows.append(
                CampaignResponse(campaign=current, member=member, score=score, band=band, day=day)
            )
    CampaignResponse.objects.bulk_create(rows, batch_size=1000)
    return [before, after, current]


def _row(campaign: Campaign, member: str, score: float, rng: random.Random) -> CampaignResponse:
    day = campaign.opens_on + timedelta(days=rng.randint(0, WINDOW.days))
    return CampaignResponse(campaign=campaign, member=member, score=score, day=day)
