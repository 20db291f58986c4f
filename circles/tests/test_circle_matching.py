"""The matching rules as properties: plain Python, no database."""

from hypothesis import given
from hypothesis import strategies as st

from circles.matching import (
    MAX_SIZE,
    MIN_SIZE,
    Candidate,
    blocked_pairs,
    common_slot,
    form_circles,
    group_sizes,
    pair_buddies,
)

INTERESTS = ["running", "cooking", "faith", "music", "gaming"]
SLOTS = ["weekday_evenings", "weekend_mornings", "weekend_afternoons"]

candidates = st.lists(
    st.builds(
        Candidate,
        id=st.integers(1, 60),
        cohort=st.sampled_from([None, 2027, 2028, 2029]),
        rotation=st.sampled_from([None, "surgery", "psychiatry"]),
        interests=st.frozensets(st.sampled_from(INTERESTS)),
        utc_offset_minutes=st.sampled_from([None, -600, -300, -360, 0, 330]),
        availability=st.frozensets(st.sampled_from(SLOTS)),
    ),
    max_size=40,
    unique_by=lambda c: c.id,
)
blocks = st.lists(st.tuples(st.integers(1, 60), st.integers(1, 60)), max_size=60)


@given(candidates, blocks)
def test_circles_hold_four_to_eight_nobody_twice_and_no_blocked_pair(people, block_rows):
    blocked = blocked_pairs(block_rows)
    circles = form_circles(people, blocked)

    placed = [i for circle in circles for i in circle]
    assert len(placed) == len(set(placed))
    assert set(placed) <= {p.id for p in people}
    for circle in circles:
        assert MIN_SIZE <= len(circle) <= MAX_SIZE
        for a in circle:
            for b in circle:
                assert frozenset((a, b)) not in blocked or a == b


@given(candidates, blocks)
def test_the_same_input_gives_the_same_circles_in_any_order(people, block_rows):
    blocked = blocked_pairs(block_rows)
    assert form_circles(people, blocked) == form_circles(list(reversed(people)), blocked)


@given(candidates)
def test_without_blocks_everyone_is_placed_once_four_are_waiting(people):
    placed = [i for circle in form_circles(people) for i in circle]
    assert len(placed) == (len(people) if len(people) >= MIN_SIZE else 0)


def test_three_students_keep_waiting():
    assert form_circles([Candidate(id=i) for i in range(3)]) == []


def test_group_sizes_stay_within_bounds_and_add_up():
    for n in range(0, 200):
        sizes = group_sizes(n)
        assert sum(sizes) == (n if n >= MIN_SIZE else 0)
        assert all(MIN_SIZE <= s <= MAX_SIZE for s in sizes)


def test_alike_students_end_up_together():
    odd, even = range(1, 13, 2), range(2, 13, 2)
    runners = [Candidate(id=i, cohort=2028, interests=frozenset({"running"})) for i in odd]
    cooks = [Candidate(id=i, cohort=2029, interests=frozenset({"cooking"})) for i in even]

    assert form_circles(runners + cooks) == [list(odd), list(even)]


def test_a_block_splits_two_students_even_when_alike():
    people = [Candidate(id=i, cohort=2028) for i in range(1, 9)]
    circles = form_circles(people, blocked_pairs([(1, 2)]))
    assert all(not {1, 2} <= set(circle) for circle in circles)


@given(candidates, blocks)
def test_buddies_come_from_different_years_and_never_blocked(people, block_rows):
    blocked = blocked_pairs(block_rows)
    pairs = pair_buddies(people, blocked)
    cohort = {p.id: p.cohort for p in people}
    seen = [i for pair in pairs for i in pair]
    assert len(seen) == len(set(seen))
    for a, b in pairs:
        assert cohort[a] is not None and cohort[b] is not None and cohort[a] != cohort[b]
        assert frozenset((a, b)) not in blocked


def test_the_meet_up_slot_is_the_one_most_members_share():
    slot, free = common_slot(
        [{"weekend_mornings"}, {"weekday_evenings", "weekend_mornings"}, {"weekday_evenings"},
         {"weekday_evenings"}],
        SLOTS,
    )  # fmt: skip
    assert (slot, free) == ("weekday_evenings", 3)
