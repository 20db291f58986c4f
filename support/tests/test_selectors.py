import pytest

from support.models import Category
from support.selectors import crisis_resources_for, directory_for, next_steps_for

from .factories import make_resource

pytestmark = pytest.mark.django_db


def test_urgent_national_lines_come_first(school):
    national = crisis_resources_for(school).national

    urgency = [line.urgent for line in national]
    assert urgency == sorted(urgency, reverse=True)
    assert national[0].urgent


def test_the_crisis_block_lists_only_this_schools_urgent_contacts(school, other_school):
    ours = make_resource(school, "Night line", category=Category.URGENT, is_urgent_contact=True)
    make_resource(school, "Counselling", category=Category.COUNSELLING)
    make_resource(other_school, "Their night line", is_urgent_contact=True)

    assert crisis_resources_for(school).school_contacts == [ours]


def test_without_a_school_only_the_national_lines_are_shown():
    crisis = crisis_resources_for(None)

    assert crisis.national
    assert crisis.school_contacts == []


def test_the_directory_is_grouped_by_category_in_a_fixed_order(school, other_school):
    peers = make_resource(school, "Peers", category=Category.PEER_SUPPORT)
    second = make_resource(school, "B Counselling", category=Category.COUNSELLING, position=2)
    first = make_resource(school, "A Counselling", category=Category.COUNSELLING, position=1)
    make_resource(other_school, "Elsewhere", category=Category.THERAPY)

    assert directory_for(school) == [
        ("Counselling", [first, second]),
        ("Peer support", [peers]),
    ]
    assert directory_for(None) == []


@pytest.fixture
def directory(school):
    return {
        "urgent": make_resource(
            school, "Night line", category=Category.URGENT, is_urgent_contact=True
        ),
        "counselling": make_resource(school, "Counselling", category=Category.COUNSELLING),
        "therapy": make_resource(school, "Therapy", category=Category.THERAPY),
        "health": make_resource(school, "Health", category=Category.STUDENT_HEALTH),
        "peers": make_resource(school, "Peers", category=Category.PEER_SUPPORT),
        "academic": make_resource(school, "Learning", category=Category.ACADEMIC_SUPPORT),
    }


def test_a_self_harm_answer_leads_to_urgent_contacts_and_counselling(school, directory):
    steps = next_steps_for(school, instrument_id="phq9", band="Mild", flags=["self_harm"])

    assert steps[:2] == [directory["urgent"], directory["counselling"]]
    assert len(steps) <= 3


@pytest.mark.parametrize(
    ("instrument_id", "band"),
    [
        ("phq9", "Moderately severe"),
        ("gad7", "Severe"),
        ("pss10", "High stress"),
        ("cbi_work", "50 or above"),
    ],
)
def test_higher_bands_lead_to_clinical_help(school, directory, instrument_id, band):
    steps = next_steps_for(school, instrument_id=instrument_id, band=band, flags=[])

    assert steps == [directory["counselling"], directory["therapy"], directory["health"]]


def test_loneliness_leads_to_peers_first(school, directory):
    steps = next_steps_for(school, instrument_id="ucla3", band="More often lonely", flags=())

    assert steps == [directory["peers"], directory["counselling"]]


def test_low_bands_get_low_threshold_help_only(school, directory):
    steps = next_steps_for(school, instrument_id="phq9", band="Minimal", flags=[])

    assert steps == [directory["peers"], directory["academic"]]


def test_next_steps_skip_what_the_school_does_not_offer(school):
    counselling = make_resource(school, "Counselling", category=Category.COUNSELLING)

    steps = next_steps_for(school, instrument_id="phq9", band=None, flags=["self_harm"])

    assert steps == [counselling]


def test_next_steps_never_come_from_another_school(school, other_school, directory):
    assert next_steps_for(other_school, instrument_id="gad7", band="Severe", flags=[]) == []
    assert next_steps_for(None, instrument_id="gad7", band="Severe", flags=["self_harm"]) == []
