import random
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from cohorts import services
from cohorts.measures import MEASURES
from cohorts.models import CellMember, RollupCell, Scope
from cohorts.observations import Observation
from conftest import make_cohort
from schools.models import Rotation

from .factories import add_all, checkin_observations, figures_of, measure_figures, random_phq9

pytestmark = pytest.mark.django_db


def snapshot() -> list[tuple]:
    return measure_figures()


def observation(cohort, **fields) -> Observation:
    values = {
        "school_id": cohort.school_id,
        "cohort_id": cohort.pk,
        "rotation_id": None,
        "day": date(2025, 3, 5),
        "measure": "mood",
        "value": 3.0,
        "band": None,
        "student_id": 1,
    }
    return Observation(**{**values, **fields})


def random_observations(cohort, seed: int = 7) -> list[Observation]:
    rng = random.Random(seed)
    rotations = list(Rotation.objects.values_list("pk", flat=True)[:3]) + [None]
    observations = []
    for student_id in range(1, 11):
        for day in range(7, 12):  # Friday 7 to Tuesday 11 March: two ISO weeks
            when = date(2025, 3, day)
            rotation = rng.choice(rotations)
            observations += checkin_observations(cohort, student_id, when, rotation, rng)
            if rng.random() < 0.2:
                observations.append(random_phq9(cohort, student_id, when, rotation, rng))
    return observations


def test_incremental_adds_equal_a_rebuild_from_scratch(cohort):
    observations = random_observations(cohort)
    add_all(observations)
    incremental = snapshot()
    rows = RollupCell.objects.count()

    assert services.rebuild(observations) == rows

    assert snapshot() == incremental


def test_removing_every_observation_leaves_no_cell_and_no_member(cohort):
    observations = random_observations(cohort)
    add_all(observations)
    random.Random(3).shuffle(observations)

    for obs in observations:
        services.remove_observation(**obs.__dict__)

    assert not RollupCell.objects.exists()
    assert not CellMember.objects.exists()


def test_removing_some_equals_rebuilding_from_the_rest(cohort):
    observations = random_observations(cohort)
    add_all(observations)
    removed, kept = observations[::3], [o for i, o in enumerate(observations) if i % 3]

    for obs in removed:
        services.remove_observation(**obs.__dict__)
    incremental = snapshot()
    services.rebuild(kept)

    assert snapshot() == incremental


@pytest.mark.parametrize("seed", range(5))
def test_changes_that_overlap_cancel_exactly_and_equal_a_rebuild(cohort, seed):
    """apply_changes cancels an observation taken back and counted again before touching any
    cell: the result must be what taking back all, then counting all, gives (a rebuild)."""
    rng = random.Random(seed)
    observations = random_observations(cohort, seed=seed)
    add_all(observations)
    stored = list(observations)
    for _ in range(30):
        removed = rng.sample(stored, rng.randint(0, 6))
        # Some of what comes back is identical (cancels), some changed (a new value or band).
        added = [o if rng.random() < 0.5 else _changed(o, rng) for o in removed]
        added += rng.sample(observations, rng.randint(0, 2))  # and a few duplicates on top
        services.apply_changes(removed=removed, added=added)
        for obs in removed:
            stored.remove(obs)
        stored += added
    incremental = snapshot()

    services.rebuild(stored)

    assert snapshot() == incremental


def _changed(obs: Observation, rng: random.Random) -> Observation:
    if obs.measure.startswith("screen:"):
        return obs  # a screening's score and band go together: keep it as it was
    entry = MEASURES[obs.measure]
    value = float(rng.choice([entry.low, entry.high]))
    return Observation(**{**obs.__dict__, "value": value})


def test_an_unchanged_resubmit_reads_and_writes_nothing(cohort, django_assert_num_queries):
    observations = random_observations(cohort)[:20]
    add_all(observations)
    with django_assert_num_queries(0):
        services.apply_changes(removed=observations, added=list(reversed(observations)))


def test_a_student_checking_in_every_day_counts_once_per_week(cohort):
    for day in (3, 4, 5):  # Monday to Wednesday of one ISO week
        services.add_observation(**observation(cohort, day=date(2025, 3, day)).__dict__)
    services.add_observation(**observation(cohort, student_id=2, value=5.0).__dict__)

    mood = figures_of("mood", week=date(2025, 3, 3))
    assert (mood.n_students, mood.n_obs, mood.total, mood.total_sq) == (2, 4, 14.0, 52.0)


def test_every_observation_counts_in_its_cohort_and_its_rotation_or_unplaced_cell(cohort):
    surgery = Rotation.objects.get(slug="surgery")
    services.add_observation(**observation(cohort, rotation_id=surgery.pk).__dict__)
    services.add_observation(**observation(cohort, student_id=2).__dict__)

    cells = {(c.scope, c.rotation_id): c.figures["mood"][0] for c in RollupCell.objects.all()}
    assert cells == {
        (Scope.COHORT, None): 2,
        (Scope.ROTATION, surgery.pk): 1,
        (Scope.UNPLACED, None): 1,
    }


def test_band_counts_are_distinct_students_and_reverse_exactly(cohort):
    first = observation(cohort, measure="screen:phq9", value=3.0, band="Minimal")
    again = observation(
        cohort, measure="screen:phq9", value=2.0, band="Minimal", day=date(2025, 3, 6)
    )
    other = observation(cohort, measure="screen:phq9", value=12.0, band="Moderate", student_id=2)
    add_all([first, again, other])
    assert figures_of("screen:phq9").band_counts == {"Minimal": 1, "Moderate": 1}

    services.remove_observation(**first.__dict__)
    assert figures_of("screen:phq9").band_counts == {"Minimal": 1, "Moderate": 1}
    services.remove_observation(**again.__dict__)
    assert figures_of("screen:phq9").band_counts == {"Moderate": 1}
    assert figures_of("screen:phq9").n_students == 1


def test_self_care_answers_count_students_who_said_yes_and_no(cohort):
    add_all(
        [
            observation(cohort, measure="moved", value=1.0),
            observation(cohort, measure="moved", value=0.0, day=date(2025, 3, 6)),
            observation(cohort, measure="moved", value=1.0, student_id=2),
        ]
    )
    moved = figures_of("moved")
    assert moved.band_counts == {"yes": 2, "no": 1}
    assert (moved.n_students, moved.n_obs, moved.total) == (2, 3, 2.0)


def test_purging_a_student_takes_out_everything_they_added(cohort):
    observations = random_observations(cohort)
    add_all(observations)

    assert services.purge_student(student_id=4) > 0

    expected = snapshot()
    services.rebuild([o for o in observations if o.student_id != 4])
    assert snapshot() == expected
    assert services.purge_student(student_id=4) == 0


def test_members_are_keyed_hashes_never_student_ids(cohort):
    services.add_observation(**observation(cohort, student_id=42).__dict__)

    member = CellMember.objects.first().member
    assert len(member) == 64 and member != "42"
    assert member == services.member_key(42)


def test_removing_what_was_never_added_changes_nothing(cohort):
    services.add_observation(**observation(cohort).__dict__)
    before = snapshot()

    services.remove_observation(**observation(cohort, student_id=9).__dict__)
    services.remove_observation(**observation(cohort, measure="stress").__dict__)

    assert snapshot() == before


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"measure": "shoe_size"}, "Unknown measure"),
        ({"value": 6.0}, "between 1 and 5"),
        ({"measure": "moved", "value": 0.5}, "0 or 1"),
        ({"measure": "screen:phq9", "value": 3.0, "band": "Tiny"}, "not a band"),
    ],
)
def test_bad_observations_are_refused_before_anything_is_written(cohort, fields, message):
    with pytest.raises(ValidationError, match=message):
        services.add_observation(**observation(cohort, **fields).__dict__)
    assert not RollupCell.objects.exists()


def test_a_cohort_of_another_school_is_refused(cohort, other_school):
    theirs = make_cohort(other_school)
    with pytest.raises(ValidationError, match="does not belong"):
        services.add_observation(**observation(cohort, cohort_id=theirs.pk).__dict__)


def test_a_checkins_measures_share_one_row_per_group_and_week_and_a_screening_has_its_own(
    cohort,
):
    surgery = Rotation.objects.get(slug="surgery")
    rng = random.Random(1)
    when = date(2025, 3, 5)
    add_all(checkin_observations(cohort, 1, when, surgery.pk, rng))
    add_all(checkin_observations(cohort, 2, when, surgery.pk, rng))

    assert sorted(RollupCell.objects.values_list("scope", "source")) == [
        (Scope.COHORT, "checkin"),
        (Scope.ROTATION, "checkin"),
    ]
    # One member row per student and group, holding all fourteen measures.
    assert CellMember.objects.count() == 4
    assert all(len(m.figures) == 14 for m in CellMember.objects.all())

    add_all([random_phq9(cohort, 1, when, surgery.pk, rng)])

    assert RollupCell.objects.filter(source="screen:phq9").count() == 2
    assert figures_of("screen:phq9").n_students == 1
    assert figures_of("mood").n_students == 2
