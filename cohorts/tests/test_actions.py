"""From action to result: staff record an action, see it on the chart, compare the weeks around
it, and students read what was published with the figures that prompted it."""

import random
import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cohorts import actions
from cohorts.action_effect import compare_periods, student_sd
from cohorts.models import ActionFigure, PublishedTable, Release, SchoolAction
from cohorts.publishing import cell_from_json, publish_due
from cohorts.signals import aggregates_read, staff_changed
from cohorts.statistics import Estimate
from cohorts.suppression import Cell
from conftest import make_cohort, make_staff, make_student, with_totp
from lib.dates import week_of
from schools.models import Rotation, StaffRole

from .factories import add_all, checkin_observations, enroll, weeks_ago

pytestmark = pytest.mark.django_db
CHANGED = "school_action_changed"


@pytest.fixture
def lead(school):
    user = make_staff(school, "lead@riverside.example", role=StaffRole.WELLNESS_LEAD)
    with_totp(user)
    return user


@pytest.fixture
def lead_client(client, lead):
    client.force_login(lead)
    return client


@pytest.fixture
def busy(cohort):
    """24 students checking in for four weeks: 12 on surgery, 10 on psychiatry and 2 with no
    rotation on record (hidden, and psychiatry with them so they cannot be subtracted out), and
    10 enrolled who never check in (so participation is shown and counts stay exact)."""
    rng = random.Random(3)
    surgery = Rotation.objects.get(slug="surgery").pk
    psychiatry = Rotation.objects.get(slug="psychiatry").pk
    for i, student in enumerate(enroll(cohort, 34)[:24]):
        rotation = surgery if i < 12 else psychiatry if i < 22 else None
        for weeks in range(2, 6):
            add_all(checkin_observations(cohort, student, weeks_ago(cohort, weeks), rotation, rng))
    publish_due(cohort.school, today=cohort.school.today())
    return cohort


@pytest.fixture
def action(busy, lead):
    """Started on the Monday of the week three weeks ago: two weeks either side."""
    return actions.record_action(
        by=lead,
        school=busy.school,
        title="Protected half-day for clerkship students",
        description="Every Wednesday afternoon is free of clinical duties.",
        starts_on=week_of(weeks_ago(busy, 3)),
        cohorts=[busy],
        rotations=[Rotation.objects.get(slug="surgery")],
    )


ANNOUNCED: list[str] = []


@pytest.fixture(autouse=True)
def announcements():
    """What cohorts announces to the audit trail (wellrounded/tests/test_audit_actions.py
    checks the rows it becomes; cohorts may not import the vault)."""
    ANNOUNCED.clear()

    def heard(sender, *, kind, **kwargs):
        ANNOUNCED.append(kind)

    staff_changed.connect(heard, dispatch_uid="test-actions-changed")
    aggregates_read.connect(heard, dispatch_uid="test-actions-read")
    yield ANNOUNCED
    staff_changed.disconnect(dispatch_uid="test-actions-changed")
    aggregates_read.disconnect(dispatch_uid="test-actions-read")


def events() -> int:
    return ANNOUNCED.count(CHANGED)


# -- the statistics, plain numbers ------------------------------------------------------------


def test_compare_periods_gives_the_difference_of_weekly_averages_with_an_interval():
    before = [Estimate(3.0, 2.6, 3.4, 20), Estimate(3.2, 2.8, 3.6, 20)]
    after = [Estimate(2.5, 2.1, 2.9, 20), Estimate(2.7, 2.3, 3.1, 20)]

    result = compare_periods(before, after, share=False)

    assert result.before == pytest.approx(3.1) and result.after == pytest.approx(2.6)
    assert result.difference.value == pytest.approx(-0.5)
    assert result.difference.low < -0.5 < result.difference.high
    # The students' spread recovered from a week's interval: 0.4 / t(19) * sqrt(20).
    assert student_sd(before[0], share=False) == pytest.approx(0.855, abs=0.01)
    assert result.effect_size.value == pytest.approx(-0.5 / 0.855, abs=0.02)


def test_one_week_a_side_is_not_compared():
    one = [Estimate(3.0, 2.6, 3.4, 20)]
    two = [Estimate(3.0, 2.6, 3.4, 20)] * 2
    assert compare_periods(one, two, share=False) is None
    assert compare_periods(two, one, share=False) is None


def test_shares_use_their_own_spread():
    before = [Estimate(0.4, 0.3, 0.5, 30), Estimate(0.5, 0.4, 0.6, 30)]
    after = [Estimate(0.6, 0.5, 0.7, 30), Estimate(0.7, 0.6, 0.8, 30)]
    result = compare_periods(before, after, share=True)
    assert result.difference.value == pytest.approx(0.2)
    assert result.effect_size.value > 0


# -- recording, who may, and the audit trail --------------------------------------------------


def test_a_wellness_lead_records_an_action_and_each_change_is_audited(action, lead):
    assert events() == 1
    assert not action.is_published
    actions.set_published(by=lead, action=action, published=True)
    actions.update_action(
        by=lead, action=action, title="Protected half-day", starts_on=action.starts_on,
        cohorts=list(action.cohorts.all()),
    )  # fmt: skip
    assert events() == 3
    action.refresh_from_db()
    assert action.is_published and action.title == "Protected half-day"


def test_an_educator_reads_actions_but_cannot_record_or_publish_them(busy, staff, action):
    with pytest.raises(PermissionDenied):
        actions.record_action(
            by=staff, school=busy.school, title="x", starts_on=busy.school.today(), cohorts=[busy]
        )
    with pytest.raises(PermissionDenied):
        actions.set_published(by=staff, action=action, published=True)
    assert actions.action_for_staff(staff, action.pk) == action
    assert SchoolAction.objects.count() == 1 and events() == 1


def test_bad_input_is_refused_field_by_field_and_nothing_is_written(busy, lead, other_school):
    other = make_cohort(other_school, 2029)
    with pytest.raises(ValidationError) as refused:
        actions.record_action(by=lead, school=busy.school, title=" ", starts_on=None, cohorts=[])
    assert set(refused.value.message_dict) == {"title", "starts_on", "cohorts"}
    with pytest.raises(ValidationError) as refused:
        actions.record_action(
            by=lead, school=busy.school, title="x", starts_on=busy.school.today(), cohorts=[other]
        )
    assert "cohorts" in refused.value.message_dict
    assert SchoolAction.objects.count() == 0 and events() == 0


def test_the_pages_create_edit_and_publish(lead_client, busy):
    surgery = Rotation.objects.get(slug="surgery")
    response = lead_client.post(
        "/school/actions/new/",
        {
            "title": "Wellness curriculum",
            "starts_on": "2026-01-05",
            "cohorts": [busy.pk],
            "rotations": [surgery.pk],
            "description": "Four sessions.",
        },
    )
    action = SchoolAction.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/school/actions/{action.pk}/"
    assert list(action.rotations.all()) == [surgery]
    page = lead_client.get(f"/school/actions/{action.pk}/").content.decode()
    assert "Wellness curriculum" in page and "Publish to students" in page

    lead_client.post(f"/school/actions/{action.pk}/publish/", {"publish": "1"})
    action.refresh_from_db()
    assert action.is_published
    response = lead_client.post(
        f"/school/actions/{action.pk}/edit/",
        {
            "title": "Wellness curriculum, four sessions",
            "starts_on": "2026-01-05",
            "cohorts": [busy.pk],
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.title.endswith("four sessions") and not action.rotations.exists()
    assert events() == 3


def test_the_form_shows_errors_next_to_fields_and_writes_nothing(lead_client, busy):
    response = lead_client.post(
        "/school/actions/new/", {"title": "", "starts_on": "5 January", "cohorts": ["99999"]}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_title_error"' in page and 'id="id_starts_on_error"' in page
    assert 'id="id_cohorts_error"' in page
    assert SchoolAction.objects.count() == 0


def test_an_educator_gets_403_on_the_write_pages(client, staff, action):
    with_totp(staff)
    client.force_login(staff)
    assert client.get("/school/actions/").status_code == 200
    assert client.get(f"/school/actions/{action.pk}/").status_code == 200
    assert client.get(f"/school/actions/{action.pk}/report/").status_code == 200
    assert client.get("/school/actions/new/").status_code == 403
    assert client.get(f"/school/actions/{action.pk}/edit/").status_code == 403
    assert client.post(f"/school/actions/{action.pk}/publish/", {"publish": "1"}).status_code == 403
    action.refresh_from_db()
    assert not action.is_published


def test_bad_choices_on_the_report_and_figure_pages_are_404_not_500(lead_client, action):
    base = f"/school/actions/{action.pk}"
    for query in ({"measure": "nope"}, {"weeks": "5"}, {"group": "dermatology"}, {"cohort": "x"}):
        assert lead_client.get(f"{base}/report/", query).status_code == 404
    assert lead_client.get(f"{base}/figures/", {"measure": "nope"}).status_code == 404
    assert lead_client.get("/school/actions/999999/").status_code == 404
    response = lead_client.post(f"{base}/figures/", {"figure": "garbage"})
    assert (
        response.status_code == 200
        and "Choose one of the published figures" in response.content.decode()
    )


# -- the dashboard marks it -------------------------------------------------------------------


def test_the_dashboard_marks_the_action_in_its_week_on_the_chart_and_in_the_table(
    lead_client, busy, action
):
    page = lead_client.get("/school/", {"cohort": busy.pk, "measure": "stress"}).content.decode()
    assert 'class="action-marker"' in page
    assert "Action 1, from" in page and "Protected half-day for clerkship students" in page
    row = re.search(r'<tr><th scope="row">' + f"{action.starts_on:%-d %b %Y}" + r"(.*?)</th>", page)
    assert row and "Action 1: Protected half-day" in row.group(1)


def test_an_action_of_another_cohort_is_not_marked(lead_client, busy, lead):
    other = make_cohort(busy.school, 2030)
    actions.record_action(
        by=lead, school=busy.school, title="Only for 2030", starts_on=weeks_ago(busy, 3),
        cohorts=[other],
    )  # fmt: skip
    page = lead_client.get("/school/", {"cohort": busy.pk}).content.decode()
    assert "Only for 2030" not in page and 'class="action-marker"' not in page


# -- before and after -------------------------------------------------------------------------


def test_the_report_compares_published_weeks_either_side_with_the_caveats(lead_client, action):
    response = lead_client.get(
        f"/school/actions/{action.pk}/report/", {"measure": "stress", "group": "surgery"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "over the 2 shown weeks after" in page and "Over the 2 shown weeks before" in page
    assert "effect size d of" in page and "95% CI" in page
    assert "No comparison group" in page and "Other things changed too" in page
    assert "staff_dashboard_viewed" in ANNOUNCED


def test_the_report_uses_only_cells_the_dashboard_shows(action, busy):
    report = actions.action_report(
        action, cohort=busy, group="psychiatry", measure_key="stress", weeks=8
    )
    # Psychiatry is hidden every week (with the two unplaced students), so nothing is compared.
    assert all(cell is None for _week, cell in report.before + report.after)
    assert report.comparison is None


def test_a_week_cut_by_the_action_belongs_to_neither_side(action, busy, lead):
    actions.update_action(
        by=lead, action=action, title=action.title, cohorts=[busy],
        starts_on=week_of(weeks_ago(busy, 3)) + timedelta(days=2),
    )  # fmt: skip
    report = actions.action_report(action, cohort=busy, group="cohort", measure_key="mood", weeks=4)
    cut = week_of(action.starts_on)
    assert report.before[-1][0] == cut - timedelta(weeks=1)
    assert report.after[0][0] == cut + timedelta(weeks=1)


# -- figures that prompted it: only what staff already see ------------------------------------


def test_a_lead_attaches_a_visible_figure_and_students_read_its_published_value(
    lead, lead_client, action, busy, client
):
    figures = actions.attachable_figures(action, measure_key="stress")
    surgery = next(f for f in figures if f.group == "Surgery")
    response = lead_client.post(f"/school/actions/{action.pk}/figures/", {"figure": surgery.ref})
    assert response.status_code == 302
    actions.set_published(by=lead, action=action, published=True)

    student = make_student(busy, "reader@riverside.example", rotation="surgery")
    client.force_login(student)
    assert "You said, we did" in client.get("/").content.decode()
    page = client.get("/you-said-we-did/").content.decode()
    assert "Protected half-day for clerkship students" in page
    assert "Wednesday afternoon" in page
    assert f"<strong>{surgery.value}</strong>" in page and f"{surgery.estimate.n} students" in page


def test_students_see_only_published_actions_of_their_own_cohort(lead, action, busy, client):
    other = make_cohort(busy.school, 2030)
    actions.record_action(
        by=lead, school=busy.school, title="Only for 2030", starts_on=busy.school.today(),
        cohorts=[other],
    )  # fmt: skip
    student = make_student(busy, "reader@riverside.example")
    client.force_login(student)
    page = client.get("/you-said-we-did/").content.decode()
    assert "Protected half-day" not in page  # not published yet
    assert "Only for 2030" not in page
    assert "Nothing published yet" in page


def test_no_attachable_figure_reveals_a_hidden_cell(lead, action, busy, other_school):
    """The adversary's way in: every cell of every published table of the school (and of
    another school), whatever a form offers, posted by hand. Only cells the dashboard shows
    are accepted, and students are shown exactly their published values."""
    other_cohort = make_cohort(other_school, 2029)
    release = Release.objects.create(
        school=other_school, kind=Release.Kind.WEEK, key="2020-01-06",
        starts_on="2020-01-06", ends_on="2020-01-12",
    )  # fmt: skip
    PublishedTable.objects.create(
        release=release, cohort=other_cohort, table="stress", week="2020-01-06",
        cells={"cohort": {"n": 12, "est": [3.1, 2.8, 3.4, 12]}},
    )  # fmt: skip
    hidden_seen = accepted = 0
    for table in PublishedTable.objects.select_related("cohort__school", "release"):
        for key, stored in table.cells.items():
            ref = f"{table.pk}:{key}"
            shown_on_dashboard = (
                table.release.school_id == busy.school_id
                and table.release.kind == "week"
                and table.cohort_id == busy.pk
                and table.table in {m.key for m in actions.ACTION_MEASURES}
                and isinstance(cell_from_json(stored, k=10), Cell)
                and "est" in stored
            )
            hidden_seen += isinstance(stored, dict) and "why" in stored
            try:
                actions.attach_figure(by=lead, action=action, ref=ref)
            except ValidationError:
                assert not shown_on_dashboard, ref
                assert not ActionFigure.objects.filter(table=table, cell=key).exists()
            else:
                accepted += 1
                assert shown_on_dashboard, f"{ref} was attached but is not a visible figure"
    assert hidden_seen > 0 and accepted > 0
    offered = {
        f.ref
        for m in actions.ACTION_MEASURES
        for f in actions.attachable_figures(action, measure_key=m.key)
    }
    assert offered == {f"{f.table_id}:{f.cell}" for f in ActionFigure.objects.all()}
    for _figure, shown in actions.figures_of(action):
        stored = PublishedTable.objects.get(pk=shown.ref.split(":")[0]).cells[
            shown.ref.split(":")[1]
        ]
        assert shown.estimate == Estimate(*stored["est"])
