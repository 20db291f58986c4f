"""The dashboard's suppressed tables as flat rows, for CSV (and any other tabular format)."""

from collections.abc import Iterator

from schools.models import Cohort

from . import selectors
from .measures import CHARTED_MEASURES, PROPORTION, SCREENING_MEASURES
from .presentation import bound_text
from .reports import PUBLISHED, CampaignSummary
from .suppression import Cell

HEADER = (
    "table", "cohort", "measure", "week_starting", "group", "students", "value", "ci_low",
    "ci_high", "not_shown_because",
)  # fmt: skip


def _line(table: str, cohort: Cohort, measure: str, week, group: str, cell, *, share: bool):
    if not isinstance(cell, Cell):
        why = f"{cell.reason}; shown as {bound_text(cell.bound)}" if cell.bound else cell.reason
        return (table, str(cohort), measure, week.isoformat(), group, "", "", "", "", why)
    estimate = cell.value
    digits = 4 if share else 3
    if estimate.n is None:  # a week whose participation is hidden: counts coarsened
        digits = 1 if not share else 2
        return (
            table, str(cohort), measure, week.isoformat(), group, f">={estimate.at_least}",
            round(estimate.value, digits), round(estimate.low, digits),
            round(estimate.high, digits), "rounded so the number who checked in stays hidden",
        )  # fmt: skip
    return (
        table, str(cohort), measure, week.isoformat(), group, estimate.n,
        round(estimate.value, digits), round(estimate.low, digits), round(estimate.high, digits),
        "",
    )  # fmt: skip


def _coarse_line(cohort: Cohort, measure: str, week, group: str, coarse, *, share: bool):
    """A coarser figure shown in a hidden rotation cell's place, its granularity named in the
    table ("rotation:group", "rotation:block") and what it covers in the last column."""
    line = _line(
        f"rotation:{coarse.granularity}", cohort, measure, week, group, coarse.cell, share=share
    )
    return (*line[:-1], f"shown for {coarse.label}; this rotation's week: {coarse.why}")


def export_rows(cohort: Cohort, *, weeks: int) -> Iterator[tuple]:
    """Exactly the cells the dashboard shows for `cohort`, one per line, hidden ones with why."""
    yield HEADER
    for entry in CHARTED_MEASURES:
        table = selectors.rotation_table(cohort, measure_key=entry.key, weeks=weeks)
        share = entry.kind == PROPORTION
        for row in table.rows:
            yield _line("trend", cohort, entry.key, row.week, "cohort", row.total, share=share)
            for group, cell in zip(table.groups, row.cells, strict=True):
                yield _line("rotation", cohort, entry.key, row.week, group.key, cell, share=share)
                coarse = table.coarse_for(row.week, group.key)
                if coarse is not None:
                    yield _coarse_line(cohort, entry.key, row.week, group.key, coarse, share=share)
    for entry in SCREENING_MEASURES:
        if not entry.bands:
            continue
        table = selectors.band_table(cohort, measure_key=entry.key, weeks=weeks)
        for row in table.rows:
            for group, cell in zip(table.groups, row.cells, strict=True):
                yield _line("bands", cohort, entry.key, row.week, group.key, cell, share=True)
    table = selectors.participation_table(cohort, weeks=weeks)
    for row in table.rows:
        yield _line("participation", cohort, "checkin", row.week, "cohort", row.total, share=True)


CAMPAIGN_HEADER = (
    "campaign", "screening", "cohort", "rotation", "opens_on", "closes_on", "figure", "band",
    "students", "value", "ci_low", "ci_high", "not_shown_because",
)  # fmt: skip


def campaign_rows(summary: CampaignSummary) -> Iterator[tuple]:
    """Exactly the figures a published campaign's page shows, one per line, hidden ones with
    the reason the page gives. Nothing at all before publication: the caller must not ask."""
    if summary.state != PUBLISHED:
        raise ValueError("A campaign's results are exported only once published.")
    campaign = summary.campaign
    about = (
        campaign.pk, campaign.instrument, str(campaign.cohort),
        campaign.rotation.name if campaign.rotation else "", campaign.opens_on.isoformat(),
        campaign.closes_on.isoformat(),
    )  # fmt: skip

    def line(figure: str, band: str, cell, *, digits: int, students: bool = True):
        if not isinstance(cell, Cell):
            return (*about, figure, band, "", "", "", "", cell.reason)
        e = cell.value
        n = e.n if students else ""
        return (
            *about, figure, band, n, round(e.value, digits), round(e.low, digits),
            round(e.high, digits), "",
        )  # fmt: skip

    yield CAMPAIGN_HEADER
    yield (*about, "invited", "", summary.invited, "", "", "", "", "")
    if isinstance(summary.rate, Cell):
        yield line("responded", "", summary.rate, digits=4)
    else:
        yield (*about, "responded", "", "", "", "", "", summary.response_text)
    yield line("mean", "", summary.mean, digits=3)
    for label, cell in summary.bands:
        # The page shows a band's share and interval, not how many students are in it.
        yield line("band", label, cell, digits=4, students=False)
