"""Campaigns and their answers for tests, written through the same service the screening
path calls (past windows are created with the ORM: `create_campaign` refuses them)."""

from datetime import date, timedelta

from cohorts.campaigns import record_campaign_response
from cohorts.models import Campaign
from schools.models import Cohort


def past_campaign(
    cohort: Cohort, *, instrument: str = "mlq_presence", ended_days_ago: int, days: int = 14
) -> Campaign:
    closes_on = cohort.school.today() - timedelta(days=ended_days_ago)
    return Campaign.objects.create(
        school=cohort.school,
        cohort=cohort,
        instrument=instrument,
        opens_on=closes_on - timedelta(days=days - 1),
        closes_on=closes_on,
        message="Tell us how meaningful your days feel.",
    )


def open_campaign(cohort: Cohort, *, instrument: str = "mlq_presence", **fields) -> Campaign:
    today = cohort.school.today()
    return Campaign.objects.create(
        school=cohort.school,
        cohort=cohort,
        instrument=instrument,
        opens_on=today - timedelta(days=2),
        closes_on=today + timedelta(days=10),
        message="Two minutes, anonymous to the school.",
        **fields,
    )


def answer(campaign: Campaign, student_id: int, score: float, band: str = "", day: date = None):
    record_campaign_response(
        school_id=campaign.school_id,
        cohort_id=campaign.cohort_id,
        student_id=student_id,
        instrument=campaign.instrument,
        score=score,
        band=band,
        day=day or campaign.opens_on,
    )
