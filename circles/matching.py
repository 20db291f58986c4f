"""Forming peer circles from the students waiting: pure Python, no ORM, deterministic.

Students share only what they chose (cohort, rotation, interests, time zone, availability); a
trait they kept to themselves is None or empty and simply earns no similarity. A circle is
grown greedily from its lowest-id seed by adding whoever fits the members best, so the same
input always gives the same circles. Blocked pairs are never put together; a group that blocks
leave short of MIN_SIZE is not formed and its students keep waiting.
"""

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

MIN_SIZE = 4
MAX_SIZE = 8
# Six people can all speak in an hour's meeting and survive one or two dropping out.
TARGET_SIZE = 6


@dataclass(frozen=True)
class Candidate:
    id: int
    cohort: int | None = None
    rotation: str | None = None
    interests: frozenset[str] = field(default_factory=frozenset)
    utc_offset_minutes: int | None = None
    availability: frozenset[str] = field(default_factory=frozenset)


Pair = frozenset[int]


def blocked_pairs(pairs: Iterable[tuple[int, int]]) -> set[Pair]:
    """(blocker, blocked) rows as unordered pairs: a block keeps both apart."""
    return {frozenset(pair) for pair in pairs if pair[0] != pair[1]}


def similarity(a: Candidate, b: Candidate) -> int:
    """How much two students have in common, counting only what both chose to share."""
    score = 0
    if a.cohort is not None and a.cohort == b.cohort:
        score += 3
    if a.rotation is not None and a.rotation == b.rotation:
        score += 3
    score += len(a.interests & b.interests)
    score += 2 * len(a.availability & b.availability)
    if a.utc_offset_minutes is not None and b.utc_offset_minutes is not None:
        gap = abs(a.utc_offset_minutes - b.utc_offset_minutes)
        score += 2 if gap <= 60 else 1 if gap <= 180 else 0
    return score


def group_sizes(n: int) -> list[int]:
    """Sizes of the circles `n` students make, each MIN_SIZE..MAX_SIZE, near TARGET_SIZE."""
    if n < MIN_SIZE:
        return []
    fewest, most = -(-n // MAX_SIZE), n // MIN_SIZE
    groups = min(max(round(n / TARGET_SIZE), fewest), most)
    base, extra = divmod(n, groups)
    return [base + 1 if i < extra else base for i in range(groups)]


def _fits(candidate: Candidate, members: list[Candidate], blocked: Collection[Pair]) -> bool:
    return all(frozenset((candidate.id, m.id)) not in blocked for m in members)


def form_circles(
    candidates: Iterable[Candidate], blocked: Collection[Pair] = frozenset()
) -> list[list[int]]:
    """Circles (lists of candidate ids, sorted) of MIN_SIZE..MAX_SIZE; the rest keep waiting."""
    remaining = sorted({c.id: c for c in candidates}.values(), key=lambda c: c.id)
    circles: list[list[int]] = []
    for size in group_sizes(len(remaining)):
        if len(remaining) < MIN_SIZE:
            break
        members = [remaining[0]]
        pool = remaining[1:]
        while len(members) < size:
            options = [c for c in pool if _fits(c, members, blocked)]
            if not options:
                break
            best = max(options, key=lambda c: (sum(similarity(c, m) for m in members), -c.id))
            members.append(best)
            pool.remove(best)
        if len(members) >= MIN_SIZE:
            circles.append(sorted(m.id for m in members))
            placed = {m.id for m in members}
            remaining = [c for c in remaining if c.id not in placed]
        else:
            # The seed cannot be placed with enough others now: let the next one seed.
            remaining = remaining[1:] + remaining[:1]
    return circles


def pair_buddies(
    candidates: Iterable[Candidate], blocked: Collection[Pair] = frozenset()
) -> list[tuple[int, int]]:
    """Pairs of students from different cohorts, most alike first; the rest keep waiting."""
    remaining = sorted(
        {c.id: c for c in candidates if c.cohort is not None}.values(), key=lambda c: c.id
    )
    pairs: list[tuple[int, int]] = []
    while remaining:
        first, rest = remaining[0], remaining[1:]
        options = [
            c
            for c in rest
            if c.cohort != first.cohort and frozenset((first.id, c.id)) not in blocked
        ]
        if options:
            buddy = max(options, key=lambda c: (similarity(first, c), -c.id))
            pairs.append((first.id, buddy.id))
            rest.remove(buddy)
        remaining = rest
    return pairs


def common_slot(availabilities: Iterable[Collection[str]], order: list[str]) -> tuple[str, int]:
    """The slot most members are free in (earliest in `order` on a tie) and how many are."""
    counts = {slot: 0 for slot in order}
    for slots in availabilities:
        for slot in slots:
            if slot in counts:
                counts[slot] += 1
    if not counts:
        return "", 0
    best = max(order, key=lambda slot: (counts[slot], -order.index(slot)))
    return best, counts[best]
