"""Paired before/after change: plain Python, no ORM.

Each student's change is computed inside the system from their two scores; only the
aggregates below ever leave it, and only after suppression (see `reports`).

*Improved* means a change of at least the instrument's threshold in its better direction;
*worsened* the same in the other; anything smaller is *stayed*. A share who "improved" is
only meaningful if a student whose true score did not move is rarely counted as improved,
so a threshold needs two things: a published minimal important difference (what matters to
a person) and a published standard deviation and reliability (how much a score moves by
measurement error alone). The threshold is the larger of the minimal important difference
and the Jacobson-Truax reliable change index (Jacobson NS, Truax P. J Consult Clin Psychol
1991;59:12-19): RCI = 1.96 * SD * sqrt(2 * (1 - reliability)), rounded up to a step the score
can take. An instrument without both gets no "% improved" at all: the report shows the mean
change only. `tests/test_change.py` simulates students whose true score does not change and
checks that at most about 5% are called improved with these thresholds.
"""

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from .statistics import EffectSize, paired_d_av, t_quantile

IMPROVED, STAYED, WORSENED = "improved", "stayed", "worsened"
OUTCOMES = (IMPROVED, STAYED, WORSENED)


@dataclass(frozen=True)
class ChangeRule:
    """What counts as a change in one student's score, with the sources of its numbers."""

    minimal_important: float  # points
    mid_source: str
    sd: float  # a published SD of the score
    reliability: float  # a published reliability (Cronbach's alpha) of the score
    norms_source: str
    step: float = 1  # the smallest difference between two possible scores

    @property
    def reliable_change(self) -> float:
        """Jacobson & Truax's 95% reliable change: 1.96 * the SD of a difference of two
        error-laden scores of one person."""
        return 1.96 * self.sd * math.sqrt(2 * (1 - self.reliability))

    @property
    def points(self) -> float:
        """The threshold: the larger of the two, rounded up to a step the score can take."""
        larger = max(self.minimal_important, self.reliable_change)
        return math.ceil(larger / self.step - 1e-9) * self.step


CHANGE_RULES: dict[str, ChangeRule] = {
    "phq9": ChangeRule(
        minimal_important=5,
        mid_source="Löwe B, Unützer J, Callahan CM, Perkins AJ, Kroenke K. Monitoring "
        "depression treatment outcomes with the Patient Health Questionnaire-9. Med Care. "
        "2004;42(12):1194-1201: 5 points is the minimal clinically important difference.",
        sd=3.5,
        reliability=0.89,
        norms_source="SD 3.5 (women and men alike) in the German general population, "
        "Kocalevent RD, Hinz A, Brähler E. Gen Hosp Psychiatry. 2013;35(5):551-555; "
        "Cronbach's alpha 0.89, Kroenke K, Spitzer RL, Williams JBW. J Gen Intern Med. "
        "2001;16(9):606-613. RCI 3.2 points, below the minimal important difference.",
    ),
    "gad7": ChangeRule(
        minimal_important=4,
        mid_source="Toussaint A, Hüsing P, Gumz A, et al. Sensitivity to change and minimal "
        "clinically important difference of the 7-item Generalized Anxiety Disorder "
        "Questionnaire (GAD-7). J Affect Disord. 2020;265:395-401: 4 points.",
        sd=3.5,
        reliability=0.89,
        norms_source="SD 3.5 (women; men 3.2) and Cronbach's alpha 0.89 in the German general "
        "population, Löwe B, Decker O, Müller S, et al. Med Care. 2008;46(3):266-274. "
        "RCI 3.2 points, below the minimal important difference.",
    ),
    "pss10": ChangeRule(
        minimal_important=11,
        mid_source="Eskildsen A, Dalgaard VL, Nielsen KJ, et al. Cross-cultural adaptation "
        "and validation of the Danish consensus version of the 10-item Perceived Stress "
        "Scale. Scand J Work Environ Health. 2015;41(5):486-490: minimal clinically "
        "important change 11 points.",
        sd=6.35,
        reliability=0.78,
        norms_source="SD 6.35 (n = 2,387) and Cronbach's alpha 0.78 in the 1983 US probability "
        "sample, Cohen S, Williamson G. Perceived stress in a probability sample of the United "
        "States. In: The Social Psychology of Health. Sage; 1988:31-67. RCI 8.3 points, below "
        "the minimal important change.",
    ),
}

# Instruments with a published minimal important difference but no verified SD and
# reliability: the difference alone cannot say how often noise would pass it.
WITHOUT_NOISE_FIGURES: dict[str, str] = {
    "who5": "The WHO-5's 10-point change (Topp CW, Østergaard SD, Søndergaard S, Bech P. "
    "Psychother Psychosom. 2015;84:167-176) is a clinically relevant change, but without a "
    "verified published SD and reliability we cannot check that it is larger than the "
    "change measurement error alone produces; with an SD near 20 and a reliability near 0.85 "
    "it would not be.",
}


def rule_for(instrument_id: str) -> ChangeRule | None:
    return CHANGE_RULES.get(instrument_id)


# How the generated sentence names a better and a worse score, where a plain
# "a better PHQ-9 score" would read badly.
WORDING: dict[str, tuple[str, str]] = {
    "mlq_presence": ("a stronger sense of meaning in life", "a weaker one"),
    "who5": ("better well-being", "worse well-being"),
    "brs": ("more resilience", "less resilience"),
    "phq9": ("fewer symptoms of depression", "more symptoms"),
    "gad7": ("fewer symptoms of anxiety", "more symptoms"),
    "pss10": ("less stress", "more stress"),
    "pss4": ("less stress", "more stress"),
    "ucla3": ("less loneliness", "more loneliness"),
    "cbi_personal": ("less burnout", "more burnout"),
    "cbi_work": ("less work-related burnout", "more work-related burnout"),
}


def classify(change: float, *, better: str, minimal: float) -> str:
    signed = change if better == "higher" else -change
    if signed >= minimal:
        return IMPROVED
    if signed <= -minimal:
        return WORSENED
    return STAYED


@dataclass(frozen=True)
class PairedChange:
    n: int
    counts: dict[str, int] | None  # None: the instrument has no change threshold
    mean_change: float
    ci_low: float
    ci_high: float
    sd_change: float
    d_av: EffectSize | None  # mean change / average SD of the two surveys, with 95% CI
    standardized_response_mean: float | None  # Cohen's d_z: mean change / SD of changes


def paired_change(
    pairs: Sequence[tuple[float, float]], *, better: str, minimal: float | None
) -> PairedChange:
    """Summarise (before, after) pairs: outcome counts (when there is a threshold), mean
    change with a t-based 95% interval, d_av with its interval, and the standardized response
    mean. The change is after minus before, in the instrument's own units (so its sign says
    up or down, not better or worse)."""
    changes = [after - before for before, after in pairs]
    n = len(changes)
    counts = None
    if minimal is not None:
        counts = {outcome: 0 for outcome in OUTCOMES}
        for change in changes:
            counts[classify(change, better=better, minimal=minimal)] += 1
    if n == 0:
        return PairedChange(0, counts, 0.0, 0.0, 0.0, 0.0, None, None)
    mean = math.fsum(changes) / n
    if n < 2:
        return PairedChange(n, counts, mean, mean, mean, 0.0, None, None)
    sd = statistics.stdev(changes)
    half = t_quantile(n - 1) * sd / math.sqrt(n)
    d_av = paired_d_av(
        n=n,
        mean_change=mean,
        sd_before=statistics.stdev([before for before, _ in pairs]),
        sd_after=statistics.stdev([after for _, after in pairs]),
        sd_change=sd,
    )
    srm = mean / sd if sd > 0 else None
    return PairedChange(n, counts, mean, mean - half, mean + half, sd, d_av, srm)
