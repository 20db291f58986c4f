import csv
import io
import random
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from conftest import make_cohort, with_totp
from lib.dates import week_of
from schools.models import Rotation

from .factories import add_all, checkin_observations, enroll, random_phq9, weeks_ago

pytestmark = pytest.mark.django_db
DASHBOARD = "/school/"
EXPORT = "/school/export.csv"
API = "/api/school"


@pytest.fixture
def busy_cohort(cohort):
    """12 students who all checked in last week, 10 of them on surgery, plus 10 enrolled quiet
    (so participation, 12 of 22, is shown and the cells keep their exact counts)."""
    rng = random.Random(1)
    surgery = Rotation.objects.get(slug="surgery").pk
    psychiatry = Rotation.objects.get(slug="psychiatry").pk
    ids = enroll(cohort, 22)
    for i, student in enumerate(ids[:12]):
        rotation = surgery if i < 10 else psychiatry
        for weeks in (1, 2):
            day = weeks_ago(cohort, weeks)
            add_all(checkin_observations(cohort, student, day, rotation, rng))
            add_all([random_phq9(cohort, student, day, rotation, rng)])
    return cohort


@pytest.fixture
def staff_client(client, staff):
    with_totp(staff)
    client.force_login(staff)
    return client


def test_staff_see_the_cohort_trend_with_a_chart_its_table_and_the_notes(staff_client, busy_cohort):
    response = staff_client.get(DASHBOARD, {"cohort": busy_cohort.pk, "measure": "stress"})

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert "<svg" in page and "Stress over time" in page
    assert "n=12 students" in page
    assert "they describe groups, not people" in page.replace("They", "they")
    assert "look at the interval" in page


def test_small_rotations_say_why_instead_of_showing_a_number(staff_client, busy_cohort):
    page = staff_client.get(DASHBOARD, {"cohort": busy_cohort.pk}).content.decode()

    # Psychiatry holds 2 students: hidden; surgery (10) would then give psychiatry away by
    # subtraction from the cohort's 12, so it is hidden too.
    assert "Not available: fewer than 10 students" in page
    assert "hidden so the other hidden cell cannot be worked out" in page
    assert "n=10 students" not in page


def test_the_current_week_never_shows_a_number(staff_client, busy_cohort):
    rng = random.Random(2)
    today = busy_cohort.school.today()
    for student in range(1, 13):
        add_all(checkin_observations(busy_cohort, 10_000 + student, today, None, rng))

    data = staff_client.get(f"{API}/cohorts/{busy_cohort.pk}/trend").json()

    current = [w for w in data["weeks"] if w["week"] == week_of(today).isoformat()]
    assert current[0]["total"] == {
        "group": "cohort", "shown": False, "reason": "week not over yet",
        "students": None, "value": None, "ci_low": None, "ci_high": None,
        "students_at_least": None, "rounded_to": None, "bound_side": None, "bound_value": None,
    }  # fmt: skip
    page = staff_client.get(DASHBOARD).content.decode()
    assert "Not available: week not over yet" in page


def test_participation_is_a_rate_and_a_count_never_names(staff_client, cohort):
    ids = enroll(cohort, 40)
    rng = random.Random(3)
    for student in ids[:20]:
        add_all(checkin_observations(cohort, student, weeks_ago(cohort, 1), None, rng))

    data = staff_client.get(f"{API}/cohorts/{cohort.pk}/participation").json()

    last = data["weeks"][-2]["total"]
    assert (data["enrolled"], last["students"], last["value"]) == (40, 20, 0.5)
    page = staff_client.get(DASHBOARD).content.decode()
    assert "20 of 40 students" in page
    assert "@example.org" not in page


def test_the_export_holds_the_same_suppressed_tables(staff_client, busy_cohort):
    response = staff_client.get(EXPORT, {"cohort": busy_cohort.pk})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "no-store" in response["Cache-Control"]
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("table,cohort,measure,week_starting,group,students")
    assert any(line.startswith("trend,Class of 2028,stress,") and ",12," in line for line in lines)
    surgery = [line for line in lines if line.startswith("rotation,") and ",surgery," in line]
    assert surgery and all(",surgery,,,,," in line for line in surgery)
    assert any("hidden so the other hidden cell" in line for line in surgery)


@pytest.mark.parametrize(
    "query",
    [
        {"measure": "shoe_size"},
        {"weeks": "3"},
        {"weeks": "8; DROP TABLE"},
        {"screening": "screen:pss4"},  # a screening without bands is not on the menu
        {"cohort": "abc"},
        {"rotation": "surgery"},  # no free filters
        {"exclude": "surgery"},
    ],
)
def test_a_tampered_query_string_is_a_404_never_a_number(staff_client, busy_cohort, query):
    for url in (DASHBOARD, EXPORT):
        response = staff_client.get(url, query)
        assert response.status_code == 404
        assert not re.search(rb"\bn\s*=\s*\d", response.content)  # no "n = 12" anywhere


def test_repeating_a_choice_is_refused(staff_client, busy_cohort):
    response = staff_client.get(f"{DASHBOARD}?measure=mood&measure=stress")
    assert response.status_code == 404


def test_staff_of_another_school_get_404_for_our_cohort(client, other_staff, busy_cohort):
    make_cohort(other_staff.staff_memberships.get().school, 2029)
    with_totp(other_staff)
    client.force_login(other_staff)

    for url in (DASHBOARD, EXPORT):
        assert client.get(url, {"cohort": busy_cohort.pk}).status_code == 404
    for path in ("trend", "participation", "bands?measure=screen:phq9"):
        response = client.get(f"{API}/cohorts/{busy_cohort.pk}/{path}")
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found."}
    cohorts = client.get(f"{API}/cohorts").json()
    assert busy_cohort.pk not in [c["id"] for c in cohorts]


ROUTES = [DASHBOARD, EXPORT]
API_ROUTES = ["/measures", "/cohorts", "/cohorts/{id}/trend", "/cohorts/{id}/participation",
              "/cohorts/{id}/bands?measure=screen:phq9"]  # fmt: skip


def test_students_and_operators_are_refused_everywhere(client, busy_cohort, student, operator):
    for user in (student, operator):
        with_totp(user)
        client.force_login(user)
        for url in ROUTES:
            assert client.get(url, {"cohort": busy_cohort.pk}).status_code == 403
        for path in API_ROUTES:
            response = client.get(API + path.format(id=busy_cohort.pk))
            assert response.status_code == 403
            assert "staff" in response.json()["detail"]


def test_anonymous_visitors_are_sent_to_sign_in_or_refused(client, busy_cohort):
    for url in ROUTES:
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]
    for path in API_ROUTES:
        assert client.get(API + path.format(id=busy_cohort.pk)).status_code == 401


def test_staff_without_a_second_factor_are_sent_to_set_one_up(client, staff, busy_cohort):
    client.force_login(staff)

    assert client.get(DASHBOARD).status_code == 302
    assert client.get(f"{API}/cohorts").status_code == 403


def test_the_api_refuses_a_measure_off_the_menu_with_422(staff_client, busy_cohort):
    for path in ("trend?measure=shoe_size", "bands?measure=mood", "trend?weeks=9"):
        response = staff_client.get(f"{API}/cohorts/{busy_cohort.pk}/{path}")
        assert response.status_code == 422
        assert response.json()["detail"] == "Invalid input."
        assert response.json()["errors"]


def test_the_api_reads_every_offered_span_of_weeks_from_the_query_string(staff_client, busy_cohort):
    for weeks in (8, 26, 52):
        for path in ("trend", "participation", "bands?measure=screen:phq9&"):
            separator = "" if path.endswith("&") else "?"
            url = f"{API}/cohorts/{busy_cohort.pk}/{path}{separator}weeks={weeks}"
            response = staff_client.get(url)
            assert response.status_code == 200, (url, response.content)
            # The complete weeks asked for, plus the current week (shown as not over yet).
            assert len(response.json()["weeks"]) == weeks + 1


def test_a_school_that_raised_k_sees_less(staff_client, busy_cohort):
    busy_cohort.school.min_cell_size = 13
    busy_cohort.school.save()

    data = staff_client.get(f"{API}/cohorts/{busy_cohort.pk}/trend").json()

    assert data["k"] == 13
    assert not any(w["total"]["shown"] for w in data["weeks"])
    assert {w["total"]["reason"] for w in data["weeks"]} >= {"fewer than 13 students"}


def test_the_band_table_opens_on_who5_the_most_taken_screening(staff_client, busy_cohort):
    response = staff_client.get(DASHBOARD, {"cohort": busy_cohort.pk})

    assert response.context["screening"].key == "screen:who5"


def test_the_xlsx_export_holds_exactly_the_csv_rows(staff_client, busy_cohort):
    query = {"cohort": busy_cohort.pk}
    csv_rows = list(csv.reader(io.StringIO(staff_client.get(EXPORT, query).content.decode())))
    response = staff_client.get("/school/export.xlsx", query)

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active

    def same(value):
        # A spreadsheet keeps 3.0 as the number 3; compare numbers as numbers.
        try:
            return float(value)
        except (TypeError, ValueError):
            return "" if value is None else str(value)

    xlsx_rows = [[same(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    assert xlsx_rows == [[same(v) for v in row] for row in csv_rows]
    assert any("fewer than" in " ".join(map(str, row)) for row in xlsx_rows)


def test_a_schools_own_rotations_appear_in_its_figures_only(school, cohort, other_school, staff):
    from cohorts.selectors import rotation_table
    from schools.placements import save_rotation

    save_rotation(school=school, name="Acute care", phase="core", by=staff)
    save_rotation(school=other_school, name="Hillcrest only", phase="core", by=staff)
    labels = [group.label for group in rotation_table(cohort, measure_key="mood", weeks=8).groups]
    assert "Acute care" in labels and "Surgery" in labels
    assert "Hillcrest only" not in labels
