"""The adversary across products and across time (issue #19): a staff member saves every
figure they can reach over HTTP, waits for something to change (a deletion, a late answer, a
new sign-up, a survey), fetches everything again and subtracts. Nothing already shown may
move, and no two figures may isolate fewer than K students.
"""

import csv
import io
import random
import re
from datetime import timedelta

import pytest
from django.urls import reverse

from accounts.data_ownership import delete_account
from accounts.models import User
from cohorts.campaign_releases import publish_campaign
from cohorts.guard import differ_safely
from cohorts.measures import CHARTED_MEASURES, SCREENING_MEASURES
from cohorts.models import Campaign, CampaignResponse, Population, PublishedTable, RollupCell
from cohorts.publishing import publish_due
from cohorts.tests.campaign_factories import answer, past_campaign
from cohorts.tests.factories import add_all, checkin_observations, enroll, random_phq9, weeks_ago
from conftest import with_totp

pytestmark = pytest.mark.django_db
K = 10
API = "/api/school"


def staff_view(client, cohort) -> dict:
    """Everything a staff member can fetch about a cohort, as they would save it."""
    saved = {}
    for entry in CHARTED_MEASURES:
        for weeks in (8, 26):
            data = client.get(
                f"{API}/cohorts/{cohort.pk}/trend", {"measure": entry.key, "weeks": weeks}
            ).json()
            saved[("trend", entry.key, weeks)] = data["weeks"][:-1]  # the current week aside
    for entry in SCREENING_MEASURES:
        if entry.bands:
            data = client.get(
                f"{API}/cohorts/{cohort.pk}/bands", {"measure": entry.key, "weeks": 8}
            ).json()
            saved[("bands", entry.key)] = data["weeks"][:-1]
    participation = client.get(f"{API}/cohorts/{cohort.pk}/participation").json()
    saved["participation"] = participation["weeks"][:-1]
    export = client.get("/school/export.csv", {"cohort": cohort.pk, "weeks": 8}).content.decode()
    saved["export"] = sorted(
        tuple(row.values())
        for row in csv.DictReader(io.StringIO(export))
        if row["week_starting"] != str(weeks_ago(cohort, 0, 0))
    )
    for campaign in client.get(f"{API}/campaigns").json():
        detail = client.get(f"{API}/campaigns/{campaign['id']}").json()
        if detail["state"] == "published":
            saved[("campaign", campaign["id"])] = detail
    return saved


def a_school_term(cohort, rng: random.Random, students: int = 24) -> list[int]:
    """Three past weeks of check-ins (one a week: integer totals, the easiest to subtract)
    and screenings for a cohort."""
    ids = enroll(cohort, students)
    observations = []
    for student in ids:
        for weeks in (1, 2, 3):
            day = weeks_ago(cohort, weeks, rng.randrange(7))
            observations += checkin_observations(cohort, student, day, None, rng)
            observations.append(random_phq9(cohort, student, day, None, rng))
    add_all(observations)
    return ids


@pytest.fixture
def staff_client(client, staff):
    with_totp(staff)
    client.force_login(staff)
    return client


def test_a_deletion_moves_no_published_figure(staff_client, cohort):
    ids = a_school_term(cohort, random.Random(7))
    before = staff_view(staff_client, cohort)

    delete_account(user=User.objects.get(pk=ids[0]))
    after = staff_view(staff_client, cohort)

    assert after == before
    assert any(
        row["total"]["shown"] for key, rows in before.items() if key[0] == "trend" for row in rows
    )  # there were figures to subtract from


def test_late_answers_and_new_sign_ups_move_no_published_figure(staff_client, cohort):
    rng = random.Random(8)
    a_school_term(cohort, rng)
    before = staff_view(staff_client, cohort)

    # Answers arrive for weeks already published (a rebuild, a clock skew, an offline queue),
    # and eleven new students join and answer.
    late = enroll(cohort, 11, prefix="late")
    add_all(
        [
            obs
            for student in late
            for obs in checkin_observations(cohort, student, weeks_ago(cohort, 1), None, rng)
        ]
    )
    after = staff_view(staff_client, cohort)

    assert after == before


def test_campaign_minus_report_isolates_nobody(staff_client, cohort):
    """One student answered the "before" survey only: the before survey's published mean
    minus the report's "before" side would be their score. The report is withheld."""
    before = past_campaign(cohort, instrument="phq9", ended_days_ago=60)
    after = past_campaign(cohort, instrument="phq9", ended_days_ago=9)
    students = enroll(cohort, 40)  # 10 of them never answer: response rates can be shown
    rng = random.Random(9)
    for student in students[:20]:
        answer(before, student, rng.randint(0, 27))
        answer(after, student, rng.randint(0, 27))
    answer(before, students[20], 21)  # the student the adversary wants
    publish_due(cohort.school, today=weeks_ago(cohort, 0, 0))
    first = staff_client.get(f"{API}/campaigns/{before.pk}").json()
    assert first["mean"]["shown"] and first["mean"]["students"] == 21

    html = staff_client.get(
        reverse("cohort_report"), {"before": before.pk, "after": after.pk}
    ).content.decode()

    assert "would differ from a published figure by fewer than 10 students" in html
    assert "average change was" not in html


def test_a_report_whose_sides_match_their_surveys_is_shown(staff_client, cohort):
    before = past_campaign(cohort, instrument="phq9", ended_days_ago=60)
    after = past_campaign(cohort, instrument="phq9", ended_days_ago=9)
    students = enroll(cohort, 40)
    rng = random.Random(10)
    for student in students[:25]:
        answer(before, student, rng.randint(0, 27))
        answer(after, student, rng.randint(0, 27))

    html = staff_client.get(
        reverse("cohort_report"), {"before": before.pk, "after": after.pk}
    ).content.decode()

    assert "average change was" in html
    assert Population.objects.filter(label__startswith="report").count() == 2


def test_survey_answers_stay_out_of_the_weekly_figures(client, student, cohort):
    """A survey window that cuts a week cannot be subtracted from that week: the survey's
    answers are counted in the survey only."""
    campaign = Campaign.objects.create(
        school=cohort.school,
        cohort=cohort,
        instrument="gad7",
        opens_on=weeks_ago(cohort, 0, 0) - timedelta(days=1),
        closes_on=weeks_ago(cohort, 0, 0) + timedelta(days=5),
        message="Two minutes.",
    )
    client.force_login(student)

    response = client.post(
        "/api/screenings",
        {"instrument": "gad7", "answers": [3, 3, 3, 3, 3, 3, 1], "submission_key": "k1"},
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    assert CampaignResponse.objects.filter(campaign=campaign).count() == 1
    assert not RollupCell.objects.filter(source="screen:gad7").exists()


def test_a_cell_where_everyone_answered_alike_is_withheld(staff_client, cohort):
    ids = enroll(cohort, 12)
    rng = random.Random(11)
    observations = []
    for student in ids:
        for obs in checkin_observations(cohort, student, weeks_ago(cohort, 1), None, rng):
            if obs.measure == "stress":
                obs = obs.__class__(**{**obs.__dict__, "value": 5.0})
            if obs.measure == "therapy":
                obs = obs.__class__(**{**obs.__dict__, "value": 1.0})
            observations.append(obs)
    add_all(observations)

    stress = staff_client.get(f"{API}/cohorts/{cohort.pk}/trend", {"measure": "stress"}).json()[
        "weeks"
    ][-2]["total"]
    therapy = staff_client.get(f"{API}/cohorts/{cohort.pk}/trend", {"measure": "therapy"}).json()[
        "weeks"
    ][-2]["total"]
    mood = staff_client.get(f"{API}/cohorts/{cohort.pk}/trend", {"measure": "mood"}).json()

    assert not stress["shown"] and "same answer" in stress["reason"]
    assert not therapy["shown"] and "one side" in therapy["reason"]
    assert mood["weeks"][-2]["total"]["shown"]  # varied answers of 12 students are shown


def test_every_share_counts_students_not_check_ins(staff_client, cohort):
    """25 students check in every day; 12 of them went to therapy on one day of the week. The
    share is 12 students of 25, not 12 check-ins of 175. (Ten more enrolled never check in,
    so participation is shown and the counts stay exact.)"""
    ids = enroll(cohort, 35)[:25]
    rng = random.Random(12)
    observations = []
    for n, student in enumerate(ids):
        for weekday in range(7):
            for obs in checkin_observations(
                cohort, student, weeks_ago(cohort, 1, weekday), None, rng
            ):
                if obs.measure == "therapy":
                    obs = obs.__class__(**{**obs.__dict__, "value": float(n < 12 and weekday == 3)})
                observations.append(obs)
    add_all(observations)

    therapy = staff_client.get(f"{API}/cohorts/{cohort.pk}/trend", {"measure": "therapy"}).json()[
        "weeks"
    ][-2]["total"]

    assert therapy["shown"] and therapy["students"] == 25
    assert therapy["value"] == pytest.approx(12 / 25)


def test_published_populations_of_overlapping_answers_differ_by_zero_or_k(staff_client, cohort):
    rng = random.Random(13)
    students = enroll(cohort, 60)
    campaigns = [
        past_campaign(cohort, instrument="phq9", ended_days_ago=days) for days in (90, 60, 30, 9)
    ]
    for campaign in campaigns:
        for student in rng.sample(students, rng.randint(15, 45)):
            answer(campaign, student, rng.randint(0, 27))
    for before, after in zip(campaigns, campaigns[1:], strict=False):
        staff_client.get(reverse("cohort_report"), {"before": before.pk, "after": after.pk})
    for campaign in campaigns:
        publish_campaign(campaign)  # already published: nothing happens

    populations = list(Population.objects.all())
    for i, first in enumerate(populations):
        for second in populations[i + 1 :]:
            overlap = first.starts_on <= second.ends_on and second.starts_on <= first.ends_on
            if first.source == second.source and overlap:
                assert differ_safely(
                    frozenset(first.tags.split(",")), frozenset(second.tags.split(",")), k=K
                ), (first.label, second.label)
    assert PublishedTable.objects.filter(table="campaign").count() == 4


def test_fake_students_signed_up_with_the_invite_code_count_nowhere(staff_client, cohort):
    """A dean signs up nine fake students with the cohort's invite code (emails verified, not
    on the roster); they answer next to one real student. That group of ten is never shown,
    and "enrolled" counts the twelve real students only."""
    from datetime import timedelta as days

    from django.utils import timezone

    from conftest import make_user
    from schools.models import InviteCode
    from schools.services import enroll_with_invite

    rng = random.Random(14)
    real = enroll(cohort, 12)
    invite = InviteCode.objects.create(cohort=cohort, expires_at=timezone.now() + days(days=7))
    fakes = [make_user(f"fake{i}@dean.example") for i in range(9)]
    for fake in fakes:
        enroll_with_invite(student=fake, code=invite.code)
    last_week = weeks_ago(cohort, 1)
    add_all(
        obs
        for student in [real[0], *(f.pk for f in fakes)]
        for obs in checkin_observations(cohort, student, last_week, None, rng)
    )

    mood = staff_client.get(f"{API}/cohorts/{cohort.pk}/trend", {"measure": "mood"}).json()
    participation = staff_client.get(f"{API}/cohorts/{cohort.pk}/participation").json()

    assert not mood["weeks"][-2]["total"]["shown"]
    assert mood["weeks"][-2]["total"]["reason"] == "fewer than 10 students"
    assert participation["enrolled"] == 12
    assert not participation["weeks"][-2]["total"]["shown"]


def test_a_deletion_moves_no_lesson_count(staff_client, cohort, settings):
    from learn.tests.conftest import FIXTURE_LESSONS
    from learn.tests.test_completion import finish, last_week, students

    settings.LEARN_LESSONS_DIR = FIXTURE_LESSONS

    class_ = students(cohort, "s", 30)
    finish(class_[:15], "naps-on-nights")
    last_week()
    page = reverse("learn_school")
    before = staff_client.get(page).content.decode().split('id="completion-heading"')[1]
    assert "15 of 30" in before  # a count the adversary could subtract from

    delete_account(user=class_[0])
    after = staff_client.get(page).content.decode().split('id="completion-heading"')[1]

    assert after == before


def test_the_privacy_page_and_the_delete_step_say_what_deletion_leaves_published(client, student):
    from wellrounded.tests.test_data_ownership import reauthenticate

    client.force_login(student)
    privacy = client.get(reverse("who_sees_what")).content.decode()
    reauthenticate(client, student)
    delete = client.get(reverse("delete_my_data")).content.decode()

    assert "published once" in privacy and "stay as they were" in privacy
    assert "Totals already published stay as they were published" in delete
    assert "every anonymous total your school has not yet seen" in delete


def numbers_on(client, url: str, start: str = "<main", **params) -> list[str]:
    """Every number a page's main content (from `start`) shows, in order (the CSRF token
    aside)."""
    html = client.get(url, params).content.decode()
    main = html[html.index(start) : html.index("</main>")]
    main = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", main)
    return re.findall(r"\d+(?:[.,]\d+)*%?", main)


def two_terms(cohort, rng: random.Random) -> list[int]:
    """Weekly check-ins over this term and last (headlines need 4 published weeks a side):
    14 of 26 enrolled students in odd weeks (participation shown), 20 in even weeks (fewer
    than K did not check in: top-coded), so the test sees both kinds of weeks."""
    ids = enroll(cohort, 26)
    observations = []
    for weeks in (*range(1, 7), *range(13, 19)):
        for student in ids[: 14 if weeks % 2 else 20]:
            day = weeks_ago(cohort, weeks, rng.randrange(7))
            observations += checkin_observations(cohort, student, day, None, rng)
    add_all(observations)
    return ids


def test_headlines_actions_and_participation_bounds_move_for_nobody(client, staff, cohort):
    """The landing page's headlines, an action's figures and report, "You said, we did" and
    the participation bounds are saved; then a student deletes their account, late answers
    arrive and students join; every number on every page reads as before."""
    from cohorts import actions
    from conftest import make_staff, make_student
    from lib.dates import week_of
    from schools.models import StaffRole

    rng = random.Random(21)
    ids = two_terms(cohort, rng)
    reader = make_student(cohort, "reader@riverside.example")
    lead = make_staff(cohort.school, "lead@riverside.example", role=StaffRole.WELLNESS_LEAD)
    action = actions.record_action(
        by=lead, school=cohort.school, title="Protected half-day",
        description="Wednesday afternoons free.", starts_on=week_of(weeks_ago(cohort, 3)),
        cohorts=[cohort], rotations=[],
    )  # fmt: skip
    figures = actions.attachable_figures(action, measure_key="stress")
    assert figures, "a visible published figure to attach"
    actions.attach_figure(by=lead, action=action, ref=figures[0].ref)
    actions.set_published(by=lead, action=action, published=True)

    with_totp(staff)

    def everything() -> dict:
        client.force_login(staff)
        saved = {
            # The headlines (the cohort list above them counts accounts, not a release).
            "landing": numbers_on(client, "/", start='class="card headlines"'),
            "action": numbers_on(client, f"/school/actions/{action.pk}/"),
            "report": numbers_on(
                client, f"/school/actions/{action.pk}/report/", cohort=cohort.pk, measure="stress"
            ),
            "participation": client.get(
                f"{API}/cohorts/{cohort.pk}/participation", {"weeks": 26}
            ).json()["weeks"][:-1],
        }
        client.force_login(reader)
        saved["you said"] = numbers_on(client, "/you-said-we-did/")
        return saved

    before = everything()
    assert any(w["total"].get("bound_side") for w in before["participation"])
    assert any(w["total"]["shown"] for w in before["participation"])
    assert "%" in "".join(before["landing"])

    delete_account(user=User.objects.get(pk=ids[0]))
    late = enroll(cohort, 11, prefix="late")
    add_all(
        obs
        for student in [*late, *ids[20:]]
        for weeks in (1, 2, 14)
        for obs in checkin_observations(cohort, student, weeks_ago(cohort, weeks), None, rng)
    )

    assert everything() == before
