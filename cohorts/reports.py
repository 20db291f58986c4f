"""What staff may see of campaigns, already suppressed: response rates, a closed campaign's
results, and the before/after report between two campaigns. Nothing here returns a member
hash, a single score or a count of fewer than k students."""

from dataclasses import dataclass, replace
from datetime import date

from django.db import transaction

import instruments
from lib.dates import week_of
from schools.models import School

from .campaign_releases import (
    EVERYONE,
    INVITED,
    MEAN_KEY,
    RATE,
    campaign_release,
    paired_answers,
    report_admitted,
    report_key,
)
from .change import (
    IMPROVED,
    OUTCOMES,
    STAYED,
    WITHOUT_NOISE_FIGURES,
    WORDING,
    WORSENED,
    ChangeRule,
    paired_change,
    rule_for,
)
from .guard import GUARD
from .measures import HIGHER_IS_BETTER
from .models import Campaign, PublishedTable, Release
from .publishing import cell_from_json, cell_json, k_for, publication_day, publish_due
from .statistics import Estimate, wilson_interval
from .suppression import Cell, Hidden, Row, primary_reason, suppress

UPCOMING, OPEN, WAITING, PUBLISHED = "upcoming", "open", "waiting", "published"


@dataclass(frozen=True)
class CampaignSummary:
    """What staff may know of a campaign: before it is published, only its dates."""

    campaign: Campaign
    k: int
    state: str
    publishes_on: date
    invited: int | None = None  # frozen at publication
    responded: int | None = None  # None unless shown: never a small exact count
    rate: Cell | Hidden | None = None
    mean: Cell | Hidden | None = None
    bands: tuple[tuple[str, Cell | Hidden], ...] = ()

    @property
    def closed(self) -> bool:
        return self.state in (WAITING, PUBLISHED)

    @property
    def instrument(self):
        return instruments.get_instrument(self.campaign.instrument)

    @property
    def response_text(self) -> str:
        """ "42 of 118 invited students responded (36%)", or what can be said instead."""
        campaign = self.campaign
        published = f"{self.publishes_on:%a %-d %b %Y}"
        if self.state == UPCOMING:
            return f"Opens on {campaign.opens_on:%a %-d %b}; results are published on {published}"
        if self.state == OPEN:
            return (
                f"Open until {campaign.closes_on:%a %-d %b}. How many answered is published "
                f"with the results on {published}, not while the survey is open"
            )
        if self.state == WAITING:
            return f"Closed. The results and how many answered are published on {published}"
        if isinstance(self.rate, Cell):
            estimate = self.rate.value
            return (
                f"{estimate.n} of {self.invited} invited students responded ({estimate.value:.0%})"
            )
        if isinstance(self.mean, Hidden) and self.mean.reason == EVERYONE.format(k=self.k):
            return (
                f"At least {self.k} of the {self.invited} invited students responded; the "
                f"exact number is hidden because fewer than {self.k} did not"
            )
        return f"Fewer than {self.k} of the {self.invited} invited students responded"


def campaign_summary(campaign: Campaign, *, today: date | None = None) -> CampaignSummary:
    """The campaign as published (publishing whatever is due first), or its dates only."""
    school = campaign.school
    k = k_for(school)
    today = today or school.today()
    publish_due(school, today=today)
    publishes_on = publication_day(week_of(campaign.closes_on))
    stored = campaign_release(campaign)
    if stored is None:
        if today < campaign.opens_on:
            state = UPCOMING
        else:
            state = OPEN if not campaign.is_closed(today) else WAITING
        return CampaignSummary(campaign, k, state, publishes_on)
    cells = stored.cells
    rate = cell_from_json(cells[RATE], k=k)
    labels = [b.label for b in instruments.get_instrument(campaign.instrument).bands]
    return CampaignSummary(
        campaign,
        k,
        PUBLISHED,
        publishes_on,
        invited=cells[INVITED]["n"],
        responded=rate.value.n if isinstance(rate, Cell) else None,
        rate=rate,
        mean=cell_from_json(cells[MEAN_KEY], k=k),
        bands=tuple((label, cell_from_json(cells.get(f"band:{label}"), k=k)) for label in labels),
    )


class ReportProblem(Exception):
    """Two campaigns that cannot be compared; the message says why, for staff."""


BOTH, ONLY_BEFORE, ONLY_AFTER = "both", "only_before", "only_after"
RESPONDENT_LABELS = {
    BOTH: "Answered both surveys",
    ONLY_BEFORE: "Answered only the first survey",
    ONLY_AFTER: "Answered only the second survey",
}


@dataclass(frozen=True)
class Report:
    before: Campaign
    after: Campaign
    k: int
    better: str
    rule: ChangeRule | None  # None: no "% improved" for this instrument, mean change only
    paired: Cell | Hidden
    outcomes: tuple[tuple[str, Cell | Hidden], ...]  # empty without a rule
    mean_change: Cell | Hidden
    effect_size: Cell | Hidden  # d_av with its 95% interval
    response_mean: Cell | Hidden  # standardized response mean (d_z)
    respondents: tuple[tuple[str, Cell | Hidden], ...] = ()

    @property
    def instrument(self):
        return instruments.get_instrument(self.before.instrument)

    @property
    def minimal_change(self) -> float | None:
        return self.rule.points if self.rule else None

    @property
    def sentence(self) -> str | None:
        return report_sentence(self)

    @property
    def outcome_rows(self) -> list[tuple[str, Cell | Hidden]]:
        """Each share with what it counts: "Improved: at least 5 points lower", ..."""
        if self.rule is None:
            return []
        threshold = _points(self.rule.points)
        up, down = ("higher", "lower") if self.better == "higher" else ("lower", "higher")
        labels = {
            IMPROVED: f"Improved: at least {threshold} {up}",
            STAYED: f"Stayed: changed by less than {threshold}",
            WORSENED: f"Worsened: at least {threshold} {down}",
        }
        return [(labels[outcome], cell) for outcome, cell in self.outcomes]

    @property
    def respondent_rows(self) -> list[tuple[str, Cell | Hidden]]:
        return [(RESPONDENT_LABELS[key], cell) for key, cell in self.respondents]

    @property
    def caveats(self) -> list[str]:
        return report_caveats(self)


def check_comparable(before: Campaign, after: Campaign, *, today: date) -> None:
    if before.pk == after.pk:
        raise ReportProblem("Choose two different campaigns.")
    if (before.cohort_id, before.rotation_id) != (after.cohort_id, after.rotation_id):
        raise ReportProblem("The two campaigns must invite the same cohort (and rotation).")
    if before.instrument != after.instrument:
        raise ReportProblem("The two campaigns must use the same screening.")
    if not (before.is_closed(today) and after.is_closed(today)):
        raise ReportProblem("Both campaigns must have closed: a report compares final answers.")
    for campaign in (before, after):
        if campaign_release(campaign) is None:
            raise ReportProblem(
                f"The {campaign.opens_on:%-d %b} survey's results are published on "
                f"{publication_day(week_of(campaign.closes_on)):%a %-d %b}: a report compares "
                "published surveys."
            )
    if before.closes_on >= after.opens_on:
        raise ReportProblem("The “before” campaign must close before the “after” one opens.")


def _count_cell(count: int, *, k: int) -> Cell | Hidden:
    cell = Cell(n=count, value=count)
    return Hidden(reason) if (reason := primary_reason(cell, k=k)) else cell


REPORT_FIGURES = ("paired", "mean_change", "effect_size", "response_mean")


def before_after_report(before: Campaign, after: Campaign, *, today: date | None = None) -> Report:
    """The report between two published campaigns: published the first time it is asked
    for (both sides checked by the differencing guard), then read as stored."""
    today = today or before.school.today()
    publish_due(before.school, today=today)
    check_comparable(before, after, today=today)
    k = k_for(before.school)
    key = report_key(before, after)
    with transaction.atomic():
        School.objects.select_for_update().filter(pk=before.school_id).first()
        stored = PublishedTable.objects.filter(
            release__school_id=before.school_id, release__kind=Release.Kind.REPORT, release__key=key
        ).first()
        if stored is None:
            first, second = paired_answers(before, after)
            report = _computed_report(before, after, first, second, k=k)
            admitted, guard, sides = report_admitted(before, after, first, second, k=k)
            if not admitted:
                report = _withheld_report(report, Hidden(GUARD.format(k=k)))
            release = Release.objects.create(
                school_id=before.school_id,
                kind=Release.Kind.REPORT,
                key=key,
                starts_on=before.opens_on,
                ends_on=after.closes_on,
            )
            stored = PublishedTable.objects.create(
                release=release,
                cohort_id=before.cohort_id,
                table="report",
                cells=_report_json(report),
            )
            if admitted and isinstance(report.paired, Cell):
                guard.record(release, sides)
    return _report_from_json(before, after, stored.cells, k=k)


def _withheld_report(report: Report, hidden: Hidden) -> Report:
    return replace(
        report,
        paired=hidden,
        outcomes=tuple((name, hidden) for name, _cell in report.outcomes),
        mean_change=hidden,
        effect_size=hidden,
        response_mean=hidden,
        respondents=tuple((name, hidden) for name, _cell in report.respondents),
    )


def _report_json(report: Report) -> dict:
    cells = {name: cell_json(getattr(report, name)) for name in REPORT_FIGURES}
    cells.update({f"outcome:{name}": cell_json(cell) for name, cell in report.outcomes})
    cells.update({f"answered:{name}": cell_json(cell) for name, cell in report.respondents})
    return cells


def _report_from_json(before: Campaign, after: Campaign, cells: dict, *, k: int) -> Report:
    def cell(name: str) -> Cell | Hidden:
        return cell_from_json(cells.get(name), k=k)

    rule = rule_for(before.instrument)
    outcomes = tuple(
        (name, cell(f"outcome:{name}")) for name in OUTCOMES if f"outcome:{name}" in cells
    )
    return Report(
        before=before,
        after=after,
        k=k,
        better="higher" if before.instrument in HIGHER_IS_BETTER else "lower",
        rule=rule,
        outcomes=outcomes,
        respondents=tuple(
            (name, cell(f"answered:{name}")) for name in (BOTH, ONLY_BEFORE, ONLY_AFTER)
        ),
        **{name: cell(name) for name in REPORT_FIGURES},
    )


def _computed_report(before: Campaign, after: Campaign, first: dict, second: dict, *, k: int):
    """Pair the members who answered both campaigns and suppress the aggregates."""
    pairs = [(first[member], score) for member, score in second.items() if member in first]
    better = "higher" if before.instrument in HIGHER_IS_BETTER else "lower"
    rule = rule_for(before.instrument)
    result = paired_change(pairs, better=better, minimal=rule.points if rule else None)
    n = result.n
    enough = n >= k
    too_few = Hidden(f"fewer than {k} students answered both surveys")
    respondents = (
        (BOTH, _count_cell(n, k=k)),
        (ONLY_BEFORE, _count_cell(len(first) - n, k=k)),
        (ONLY_AFTER, _count_cell(len(second) - n, k=k)),
    )
    outcomes: tuple[tuple[str, Cell | Hidden], ...] = ()
    paired: Cell | Hidden = too_few
    if enough:
        row_cells = []
        for outcome in OUTCOMES if result.counts is not None else ():
            count = result.counts[outcome]
            low, high = wilson_interval(share=count / n, n=n)
            row_cells.append(
                Cell(n=count, complement=n - count, value=Estimate(count / n, low, high, count))
            )
        row = suppress([Row(tuple(row_cells), Cell(n=n, value=n))], k=k).rows[0]
        paired = row.total
        outcomes = tuple(zip(OUTCOMES, row.cells, strict=False))
    elif result.counts is not None:
        outcomes = tuple((o, too_few) for o in OUTCOMES)
    mean_change = effect_size = response_mean = too_few
    if enough and result.sd_change == 0:
        # Everyone changed by the same amount: the mean would be each student's change.
        mean_change = effect_size = response_mean = Hidden(
            "every student's score changed by the same amount"
        )
    elif enough:
        mean_change = Cell(
            n=n, value=Estimate(result.mean_change, result.ci_low, result.ci_high, n)
        )
        d_av = result.d_av
        effect_size = Cell(n=n, value=Estimate(d_av.value, d_av.low, d_av.high, n))
        response_mean = Cell(n=n, value=result.standardized_response_mean)
    return Report(
        before=before,
        after=after,
        k=k,
        better=better,
        rule=rule,
        paired=paired,
        outcomes=outcomes,
        mean_change=mean_change,
        effect_size=effect_size,
        response_mean=response_mean,
        respondents=respondents,
    )


def _percent(estimate: Estimate) -> str:
    return f"{estimate.value:.0%} (95% CI {estimate.low * 100:.0f}–{estimate.high * 100:.0f}%)"


def _points(value: float) -> str:
    return f"{value:g} point" + ("" if value == 1 else "s")


def _effect(cell: Cell) -> str:
    d = cell.value
    return f"d_av {d.value:.2f} (95% CI {d.low:.2f} to {d.high:.2f})"


def report_sentence(report: Report) -> str | None:
    """What was measured, in plain language, from the visible figures only (None if none is).

    It says what the students' scores did: that they answered a questionnaire twice and how
    the score differed, never that they "reported" feeling better, and nothing about why.
    """
    if not isinstance(report.paired, Cell):
        return None
    instrument = report.instrument
    scale = instrument.scoring
    group = f"{report.paired.n} {report.before.cohort} students"
    if report.before.rotation_id:
        group += f" on {report.before.rotation.name}"
    sentence = (
        f"Between {report.before.opens_on:%-d %b %Y} and {report.after.closes_on:%-d %b %Y}, "
        f"{group} answered the {instrument.short_name} (scored {scale.min:g}–{scale.max:g}, "
        f"{report.better} is better) in both surveys."
    )
    if report.rule is not None:
        sentence += " " + _outcome_sentence(report)
    if isinstance(report.mean_change, Cell):
        change = report.mean_change.value
        sentence += (
            f" The average change was {change.value:+.2f} points (95% CI {change.low:+.2f} to "
            f"{change.high:+.2f})"
        )
        if isinstance(report.effect_size, Cell):
            sentence += f", an effect size {_effect(report.effect_size)}"
        sentence += "."
    return sentence


def _outcome_sentence(report: Report) -> str:
    outcomes = dict(report.outcomes)
    instrument = report.instrument
    better_words, worse_words = WORDING.get(
        instrument.id, (f"a better {instrument.short_name} score", "a worse one")
    )
    threshold = _points(report.rule.points)
    up, down = ("higher", "lower") if report.better == "higher" else ("lower", "higher")
    parts = []
    if isinstance(outcomes[IMPROVED], Cell):
        parts.append(
            f"{_percent(outcomes[IMPROVED].value)} of them scored at least {threshold} {up} "
            f"in the second survey ({better_words})"
        )
    if isinstance(outcomes[WORSENED], Cell):
        parts.append(
            f"{_percent(outcomes[WORSENED].value)} at least {threshold} {down} ({worse_words})"
        )
    if isinstance(outcomes[STAYED], Cell):
        parts.append(f"{_percent(outcomes[STAYED].value)} changed by less than {threshold}")
    sentence = ""
    if parts:
        sentence = ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]
        sentence = sentence[0].upper() + sentence[1:] + "."
    hidden = [name for name in OUTCOMES if not isinstance(outcomes[name], Cell)]
    if hidden:
        sentence += (
            f" The share who {' or '.join(hidden)} is not shown, to protect groups of fewer "
            f"than {report.k} students."
        )
    return sentence.strip()


def report_caveats(report: Report) -> list[str]:
    """What a reader must keep in mind, on the page, in print and in the CSV."""
    who = dict(report.respondents)

    def count(key: str) -> str:
        cell = who[key]
        return str(cell.n) if isinstance(cell, Cell) else f"fewer than {report.k}"

    instrument = report.instrument
    caveats = [
        "No comparison group: no similar students were surveyed who did not go through the "
        "same months, so this change cannot be credited to the curriculum, a programme or "
        "anything the school did. Scores also move with the time of year, exams and "
        "rotations.",
        "Regression to the mean: students who scored unusually high or low in the first "
        "survey tend to score closer to the average in the second even if nothing changed, "
        "so the change of a group picked by its first score (for example those who started "
        "worst) overstates how much that group changed.",
        f"Who answered: {count(BOTH)} students answered both surveys, {count(ONLY_BEFORE)} "
        f"only the first and {count(ONLY_AFTER)} only the second. Students who answer twice "
        "may differ from those who do not (students who are struggling may be less likely to "
        "answer again), so these figures describe the students who answered both, not the "
        "whole cohort.",
    ]
    if report.rule is not None:
        rule = report.rule
        caveats.append(
            f"“Improved” and “worsened” mean a change of at least {_points(rule.points)}: "
            f"the larger of the {instrument.short_name}'s minimal important difference "
            f"({_points(rule.minimal_important)}) and the change measurement error alone "
            f"rarely reaches (reliable change index {rule.reliable_change:.1f}, Jacobson & "
            "Truax 1991), so a student whose score only wobbled is rarely counted."
        )
    else:
        caveats.append(
            f"No share who “improved” is shown: the {instrument.short_name} has no published "
            "threshold, checked against its measurement error, that separates a real change "
            "in one student from noise. " + WITHOUT_NOISE_FIGURES.get(instrument.id, "")
        )
    caveats.append(
        "The effect size d_av is the mean change divided by the average of the two surveys' "
        "standard deviations (Lakens 2013), with an approximate 95% interval (Algina & "
        "Keselman 2003). The standardized response mean (the mean change divided by the "
        "standard deviation of the changes, also called d_z) grows with the correlation "
        "between the two surveys and cannot be compared with a between-group effect size."
    )
    return [c.strip() for c in caveats]


REPORT_HEADER = ("figure", "value", "ci_low", "ci_high", "students", "not_shown_because")


def report_rows(report: Report) -> list[tuple]:
    """The report's visible figures as flat rows (CSV), hidden ones with the reason only,
    then the caveats (text in the value column)."""
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
    for key, cell in report.respondents:
        rows.append(line(f"students_answered_{key}", cell, digits=0))
    if report.rule is not None:
        rows.append(("improvement_threshold_points", report.rule.points, "", "", "", ""))
    for outcome, cell in report.outcomes:
        rows.append(line(f"share_{outcome}", cell, digits=4))
    rows.append(line("mean_change", report.mean_change, digits=3))
    rows.append(line("effect_size_d_av", report.effect_size, digits=3))
    rows.append(line("standardized_response_mean", report.response_mean, digits=3))
    for number, caveat in enumerate(report.caveats, start=1):
        rows.append((f"caveat_{number}", caveat, "", "", "", ""))
    return rows


def closed_campaigns(campaigns) -> list[Campaign]:
    return [c for c in campaigns if c.is_closed(c.school.today())]
