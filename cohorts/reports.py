"""What staff may see of campaigns, already suppressed: response rates, a closed campaign's
results, and the before/after report between two campaigns. Nothing here returns a member
hash, a single score or a count of fewer than k students."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, Sum

import instruments

from .campaigns import invited_students
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
    today = today or campaign.school.today()
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
    if before.closes_on >= after.opens_on:
        raise ReportProblem("The “before” campaign must close before the “after” one opens.")


def _count_cell(count: int, *, k: int) -> Cell | Hidden:
    cell = Cell(n=count, value=count)
    return Hidden(reason) if (reason := primary_reason(cell, k=k)) else cell


def before_after_report(before: Campaign, after: Campaign, *, today: date | None = None) -> Report:
    """Pair the members who answered both campaigns and release suppressed aggregates."""
    today = today or before.school.today()
    check_comparable(before, after, today=today)
    k = k_for(before.school)
    first = dict(CampaignResponse.objects.filter(campaign=before).values_list("member", "score"))
    second = dict(CampaignResponse.objects.filter(campaign=after).values_list("member", "score"))
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
