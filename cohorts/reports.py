"""What staff may see of campaigns, already suppressed: response rates, a closed campaign's
results, and the before/after report between two campaigns. Nothing here returns a member
hash, a single score or a count of fewer than k students."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, Sum

import instruments

from .campaigns import invited_students, school_today
from .change import IMPROVED, MINIMAL_CHANGE, OUTCOMES, STAYED, WORDING, WORSENED, paired_change
from .measures import HIGHER_IS_BETTER
from .models import Campaign, CampaignResponse
from .selectors import Estimate, k_for
from .statistics import mean_interval, wilson_interval
from .suppression import Cell, Hidden, Row, primary_reason, suppress


@dataclass(frozen=True)
class CampaignSummary:
    campaign: Campaign
    k: int
    invited: int
    responded: int | None  # None when fewer than k: never a small exact count
    rate: Cell | Hidden
    closed: bool
    mean: Cell | Hidden | None = None
    bands: tuple[tuple[str, Cell | Hidden], ...] = ()

    @property
    def instrument(self):
        return instruments.get_instrument(self.campaign.instrument)

    @property
    def response_text(self) -> str:
        """ "42 of 118 invited students responded (36%)", or what can be said instead."""
        verb = "responded" if self.closed else "have responded so far"
        if isinstance(self.rate, Cell):
            estimate = self.rate.value
            return f"{estimate.n} of {self.invited} invited students {verb} ({estimate.value:.0%})"
        if self.responded is None:
            return f"Fewer than {self.k} of the {self.invited} invited students {verb}"
        return (
            f"At least {self.k} of the {self.invited} invited students {verb}; the exact "
            f"number is hidden because fewer than {self.k} have not"
        )


def campaign_summary(campaign: Campaign, *, today: date | None = None) -> CampaignSummary:
    k = k_for(campaign.school)
    today = today or school_today(campaign.school)
    invited = invited_students(campaign).count()
    responses = CampaignResponse.objects.filter(campaign=campaign)
    totals = responses.aggregate(
        n=Count("id"), total=Sum("score"), total_sq=Sum(F("score") * F("score"))
    )
    count = totals["n"]
    share = count / invited if invited else 0.0
    low, high = wilson_interval(share=share, n=invited)
    rate_cell = Cell(
        n=max(invited, count),
        numerator=count,
        complement=max(0, invited - count),
        value=Estimate(share, low, high, count),
    )
    rate = Hidden(reason) if (reason := primary_reason(rate_cell, k=k)) else rate_cell
    closed = campaign.is_closed(today)
    summary = CampaignSummary(campaign, k, invited, count if count >= k else None, rate, closed)
    if not closed:
        return summary
    mean: Cell | Hidden = Hidden(f"fewer than {k} students")
    if count >= k:
        value, low, high = mean_interval(
            n_obs=count, total=totals["total"], total_sq=totals["total_sq"], n_students=count
        )
        mean = Cell(n=count, value=Estimate(value, low, high, count))
    labels = [b.label for b in summary.instrument.bands]
    found = dict(responses.values_list("band").annotate(n=Count("id")).values_list("band", "n"))
    cells = []
    for label in labels:
        n = found.get(label, 0)
        share = n / count if count else 0.0
        low, high = wilson_interval(share=share, n=count)
        cells.append(Cell(n=n, complement=count - n, value=Estimate(share, low, high, n)))
    table = suppress([Row(tuple(cells), Cell(n=count))], k=k) if labels else None
    bands = tuple(zip(labels, table.rows[0].cells, strict=True)) if table else ()
    return CampaignSummary(campaign, k, invited, summary.responded, rate, closed, mean, bands)


class ReportProblem(Exception):
    """Two campaigns that cannot be compared; the message says why, for staff."""


@dataclass(frozen=True)
class Report:
    before: Campaign
    after: Campaign
    k: int
    better: str
    minimal_change: float
    paired: Cell | Hidden
    outcomes: tuple[tuple[str, Cell | Hidden], ...]
    mean_change: Cell | Hidden
    effect_size: Cell | Hidden

    @property
    def instrument(self):
        return instruments.get_instrument(self.before.instrument)

    @property
    def sentence(self) -> str | None:
        return report_sentence(self)


def check_comparable(before: Campaign, after: Campaign, *, today: date) -> None:
    if before.pk == after.pk:
        raise ReportProblem("Choose two different campaigns.")
    if (before.cohort_id, before.rotation_id) != (after.cohort_id, after.rotation_id):
        raise ReportProblem("The two campaigns must invite the same cohort (and rotation).")
    if before.instrument != after.instrument:
        raise ReportProblem("The two campaigns must use the same screening.")
    if not (before.is_closed(today) and after.is_closed(today)):
        raise ReportProblem("Both campaigns must have closed: a report compares final answers.")
    if before.closes_on >= after.opens_on:
        raise ReportProblem("The “before” campaign must close before the “after” one opens.")


def before_after_report(before: Campaign, after: Campaign, *, today: date | None = None) -> Report:
    """Pair the members who answered both campaigns and release suppressed aggregates."""
    today = today or school_today(before.school)
    check_comparable(before, after, today=today)
    k = k_for(before.school)
    first = dict(CampaignResponse.objects.filter(campaign=before).values_list("member", "score"))
    pairs = [
        (first[member], score)
        for member, score in CampaignResponse.objects.filter(
            campaign=after, member__in=list(first)
        ).values_list("member", "score")
    ]
    better = "higher" if before.instrument in HIGHER_IS_BETTER else "lower"
    minimal = MINIMAL_CHANGE[before.instrument]
    result = paired_change(pairs, better=better, minimal=minimal)
    n = result.n
    cells = []
    for outcome in OUTCOMES:
        count = result.counts[outcome]
        share = count / n if n else 0.0
        low, high = wilson_interval(share=share, n=n)
        cells.append(Cell(n=count, complement=n - count, value=Estimate(share, low, high, count)))
    table = suppress([Row(tuple(cells), Cell(n=n, value=n))], k=k)
    row = table.rows[0]
    enough = n >= k
    too_few = Hidden(f"fewer than {k} students answered both surveys")
    return Report(
        before=before,
        after=after,
        k=k,
        better=better,
        minimal_change=minimal,
        paired=row.total if enough else too_few,
        outcomes=tuple(zip(OUTCOMES, row.cells, strict=True))
        if enough
        else tuple((o, too_few) for o in OUTCOMES),
        mean_change=Cell(n=n, value=Estimate(result.mean_change, result.ci_low, result.ci_high, n))
        if enough
        else too_few,
        effect_size=Cell(n=n, value=result.effect_size)
        if enough and result.effect_size is not None
        else too_few
        if not enough
        else Hidden("every student changed by the same amount"),
    )


def _percent(estimate: Estimate) -> str:
    return f"{estimate.value:.0%} (95% CI {estimate.low * 100:.0f}–{estimate.high * 100:.0f}%)"


def _points(value: float) -> str:
    return f"{value:g} point" + ("" if value == 1 else "s")


def report_sentence(report: Report) -> str | None:
    """A finding in plain language, from the visible figures only (None if none is)."""
    if not isinstance(report.paired, Cell):
        return None
    outcomes = dict(report.outcomes)
    instrument = report.instrument
    better_words, worse_words = WORDING.get(
        instrument.id, (f"a better {instrument.short_name} score", "a worse one")
    )
    threshold = _points(report.minimal_change)
    group = f"{report.paired.n} {report.before.cohort} students"
    if report.before.rotation_id:
        group += f" on {report.before.rotation.name}"
    opening = f"Between {report.before.opens_on:%-d %b %Y} and {report.after.closes_on:%-d %b %Y}, "
    parts = []
    if isinstance(outcomes[IMPROVED], Cell):
        parts.append(
            f"{_percent(outcomes[IMPROVED].value)} of the {group} who answered both surveys "
            f"reported {better_words} ({instrument.short_name}, a change of at least {threshold})"
        )
    else:
        parts.append(
            f"of the {group} who answered both surveys, the share who improved "
            f"cannot be shown ({outcomes[IMPROVED].reason})"
        )
    tail = []
    if isinstance(outcomes[WORSENED], Cell):
        tail.append(f"{_percent(outcomes[WORSENED].value)} reported {worse_words}")
    if isinstance(outcomes[STAYED], Cell):
        tail.append(f"{_percent(outcomes[STAYED].value)} stayed within {threshold}")
    sentence = opening + parts[0]
    if tail:
        sentence += ", while " + " and ".join(tail)
    sentence += "."
    hidden = [name for name in (WORSENED, STAYED) if not isinstance(outcomes[name], Cell)]
    if hidden:
        sentence += (
            f" The share who {' or '.join(hidden)} is not shown, to protect groups of fewer "
            f"than {report.k} students."
        )
    if isinstance(report.mean_change, Cell):
        change = report.mean_change.value
        sentence += (
            f" The average change was {change.value:+.1f} points (95% CI {change.low:+.1f} to "
            f"{change.high:+.1f})"
        )
        if isinstance(report.effect_size, Cell):
            sentence += f", an effect size (d_z) of {report.effect_size.value:.2f}"
        sentence += "."
    return sentence


REPORT_HEADER = ("figure", "value", "ci_low", "ci_high", "students", "not_shown_because")


def report_rows(report: Report) -> list[tuple]:
    """The report's visible figures as flat rows (CSV), hidden ones with the reason only."""
    rows: list[tuple] = [REPORT_HEADER]

    def line(name: str, cell: Cell | Hidden, *, digits: int) -> tuple:
        if not isinstance(cell, Cell):
            return (name, "", "", "", "", cell.reason)
        value = cell.value
        if isinstance(value, Estimate):
            return (
                name, round(value.value, digits), round(value.low, digits),
                round(value.high, digits), value.n, "",
            )  # fmt: skip
        return (name, round(value, digits), "", "", cell.n, "")

    rows.append(line("students_paired", report.paired, digits=0))
    for outcome, cell in report.outcomes:
        rows.append(line(f"share_{outcome}", cell, digits=4))
    rows.append(line("mean_change", report.mean_change, digits=3))
    rows.append(line("effect_size_dz", report.effect_size, digits=3))
    return rows


def closed_campaigns(campaigns) -> list[Campaign]:
    return [c for c in campaigns if c.is_closed(school_today(c.school))]
