"""A campaign's results and a before/after report, each published once and then only read.

A campaign is published with the week its window ends in (`publishing.publish_due`): its
invited and responded counts are frozen then, over verified students only, and its results
pass the same rules as every figure. While it is open, and until it is published, staff see
no count at all: a count that moves the moment a student answers tells who answered.

A study report is published the first time staff open it, and each of its two sides must
pass the differencing guard against its campaign's published population, so "campaign minus
report" can never isolate the students who answered only one survey.
"""

from django.db import transaction

from schools.models import School

from .guard import GUARD, Candidate, Guard, tag
from .measures import MEASURES, SCREEN_PREFIX
from .models import Campaign, CampaignResponse, PublishedTable, Release
from .publishing import (
    band_cells,
    cell_json,
    counted_enrollments,
    k_for,
    mean_cell,
    participation_cell,
)
from .services import member_key
from .suppression import Cell, Hidden, Row, suppress

RATE, MEAN_KEY, INVITED = "rate", "mean", "invited"
EVERYONE = (
    "hidden: the number who answered would tell that all but fewer than {k} invited students did"
)


def source_of(campaign: Campaign) -> str:
    """What the guard compares a campaign's figures on: its screening's survey answers."""
    return f"campaign:{campaign.instrument}"


def _counted_keys(school: School) -> dict[str, int]:
    students = counted_enrollments(school).values_list("student_id", flat=True)
    return {member_key(student_id): student_id for student_id in students}


def campaign_release(campaign: Campaign) -> PublishedTable | None:
    return PublishedTable.objects.filter(
        release__school_id=campaign.school_id,
        release__kind=Release.Kind.CAMPAIGN,
        release__key=str(campaign.pk),
    ).first()


def publish_campaign(campaign: Campaign) -> Release | None:
    """Freeze and publish a closed campaign's counts and results (None: already published)."""
    from .campaigns import invited_students

    school = campaign.school
    with transaction.atomic():
        School.objects.select_for_update().filter(pk=school.pk).first()
        release_key = str(campaign.pk)
        kind = Release.Kind.CAMPAIGN
        if Release.objects.filter(school=school, kind=kind, key=release_key).exists():
            return None
        k = k_for(school)
        counted = _counted_keys(school)
        invited_ids = set(invited_students(campaign).values_list("student_id", flat=True))
        # Only verified students count, among the invited as among the respondents.
        invited = len(invited_ids & set(counted.values()))
        answers = [
            (member, score, band)
            for member, score, band in CampaignResponse.objects.filter(
                campaign=campaign
            ).values_list("member", "score", "band")
            if member in counted
        ]
        responded = len(answers)
        invited = max(invited, responded)
        rate = suppress([Row((), participation_cell(responded, invited))], k=k).rows[0].total
        entry = MEASURES[f"{SCREEN_PREFIX}{campaign.instrument}"]
        presences = [
            [1, score, score * score, {band: 1} if band else {}] for _m, score, band in answers
        ]
        mean = mean_cell(entry, presences)
        population = Candidate(
            source_of(campaign),
            campaign.opens_on,
            campaign.closes_on,
            f"campaign {campaign.pk}",
            frozenset(tag(member, (1, score, score * score)) for member, score, _b in answers),
        )
        guard = Guard(
            school,
            sources=[population.source],
            starts_on=campaign.opens_on,
            ends_on=campaign.closes_on,
        )
        if isinstance(rate, Hidden) and responded >= k:
            mean = Cell(n=mean.n, value=mean.value, hidden=EVERYONE.format(k=k))
        elif mean.n and not mean.hidden and not guard.admits(population, k=k):
            mean = Cell(n=mean.n, value=mean.value, hidden=GUARD.format(k=k))
        bands = suppress([Row(tuple(band_cells(entry, presences)), mean)], k=k).rows[0]
        if isinstance(bands.total, Hidden):
            # A visible share of a hidden total would give the total away (count / share).
            bands = Row(tuple(bands.total for _ in entry.bands), bands.total)
        release = Release.objects.create(
            school=school,
            kind=kind,
            key=release_key,
            starts_on=campaign.opens_on,
            ends_on=campaign.closes_on,
        )
        cells = {RATE: cell_json(rate), MEAN_KEY: cell_json(bands.total), INVITED: {"n": invited}}
        cells.update(
            {f"band:{b}": cell_json(c) for b, c in zip(entry.bands, bands.cells, strict=True)}
        )
        PublishedTable.objects.create(
            release=release, cohort_id=campaign.cohort_id, table="campaign", cells=cells
        )
        if isinstance(bands.total, Cell):
            guard.record(release, [population])
    return release


def report_key(before: Campaign, after: Campaign) -> str:
    return f"{before.pk}:{after.pk}"


def paired_answers(before: Campaign, after: Campaign):
    """Counted students' scores in each campaign, by member hash."""
    counted = _counted_keys(before.school)

    def scores(campaign: Campaign) -> dict[str, float]:
        rows = CampaignResponse.objects.filter(campaign=campaign).values_list("member", "score")
        return {member: score for member, score in rows if member in counted}

    return scores(before), scores(after)


def report_admitted(before: Campaign, after: Campaign, first: dict, second: dict, *, k: int):
    """Whether each side of the report passes the guard against its campaign's published
    population; returns the two sides' candidates for recording when it does."""
    paired = set(first) & set(second)
    sides = []
    for campaign, scores, name in ((before, first, "before"), (after, second, "after")):
        sides.append(
            Candidate(
                source_of(campaign),
                campaign.opens_on,
                campaign.closes_on,
                f"report {report_key(before, after)} {name}",
                frozenset(tag(m, (1, scores[m], scores[m] * scores[m])) for m in paired),
            )
        )
    guard = Guard(
        before.school,
        sources=[sides[0].source],
        starts_on=before.opens_on,
        ends_on=after.closes_on,
    )
    return all(guard.admits(side, k=k) for side in sides), guard, sides
