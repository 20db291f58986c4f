"""The one differencing guard every published figure passes (docs/privacy-model.md, rule 3).

Two figures computed from overlapping answers (the same measure, overlapping periods: a week
cell, a campaign, one side of a before/after report) can be subtracted. So before a figure is
published, the students behind it are compared with those behind every figure of the same
school, measure and period already published: the two must differ by 0 or by at least K on
each side. Otherwise the new figure is withheld.

"The students behind" a figure are pseudonymous tags: half the student's keyed hash, half a
hash of the answers the figure used, so a student counted with different answers in the two
figures (a survey that took their later answer, a week that took both) is a difference on
both sides. Nothing here knows a name; the tags never leave the database.
"""

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from schools.models import School

from .models import Population, Release
from .services import member_key

GUARD = "withheld: it would differ from a published figure by fewer than {k} students"
MEMBER_HEX = 16  # eight bytes of the member hash, then eight of the answers'


def tag(member: str, answers: Iterable[float]) -> str:
    """A student's tag in one figure: who (truncated keyed hash) and with which answers."""
    fingerprint = ",".join(f"{value:.6g}" for value in answers)
    digest = hashlib.sha256(fingerprint.encode()).hexdigest()
    return member[:MEMBER_HEX] + digest[:MEMBER_HEX]


def differ_safely(first: frozenset[str], second: frozenset[str], *, k: int) -> bool:
    """Whether subtracting one group from the other isolates fewer than k students on no side."""
    return all(len(side) == 0 or len(side) >= k for side in (first - second, second - first))


@dataclass(frozen=True)
class Candidate:
    """A figure about to be published: what it describes, when, and who is behind it."""

    source: str
    starts_on: date
    ends_on: date
    label: str
    tags: frozenset[str]


class Guard:
    """The published populations of one school that a release could overlap, loaded once."""

    def __init__(self, school: School, *, sources: Iterable[str], starts_on: date, ends_on: date):
        self.school = school
        rows = Population.objects.filter(
            Q(starts_on__lte=ends_on) & Q(ends_on__gte=starts_on),
            school=school,
            source__in=set(sources),
        ).values_list("source", "starts_on", "ends_on", "tags")
        self.published = [
            (source, start, end, frozenset(tags.split(",")) if tags else frozenset())
            for source, start, end, tags in rows
        ]

    def admits(self, candidate: Candidate, *, k: int) -> bool:
        return all(
            differ_safely(candidate.tags, tags, k=k)
            for source, start, end, tags in self.published
            if source == candidate.source
            and start <= candidate.ends_on
            and end >= candidate.starts_on
        )

    def record(self, release: Release, candidates: Iterable[Candidate]) -> None:
        """Store the populations of figures just published (in the release's transaction)."""
        rows = [
            Population(
                school=self.school,
                release=release,
                source=c.source,
                starts_on=c.starts_on,
                ends_on=c.ends_on,
                label=c.label,
                tags=",".join(sorted(c.tags)),
            )
            for c in candidates
        ]
        Population.objects.bulk_create(rows, batch_size=500)
        self.published += [(c.source, c.starts_on, c.ends_on, c.tags) for c in candidates]


def forget_member(student_id: int) -> int:
    """Unlink a deleted student from every published population: their tags become random.

    The published figures stay as published (docs/privacy-model.md, section 4) and the guard
    still sees a student there who is in no later figure, which is what keeps a deletion from
    being subtracted; but nothing links those tags to the account any more."""
    prefix = member_key(student_id)[:MEMBER_HEX]
    changed = 0
    # One random stand-in per tag, the same in every population: two figures that held the
    # student with the same answers still hold one same (now anonymous) tag, so the guard's
    # comparisons (and the differences between published figures) are as they were.
    stand_ins: dict[str, str] = {}
    for population in Population.objects.filter(tags__contains=prefix):
        tags = population.tags.split(",")
        population.tags = ",".join(
            sorted(
                stand_ins.setdefault(item, secrets.token_hex(MEMBER_HEX))
                if item.startswith(prefix)
                else item
                for item in tags
            )
        )
        population.save(update_fields=["tags"])
        changed += 1
    return changed
