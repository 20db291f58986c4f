import csv
import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from accounts.decorators import school_staff_required
from lib.dates import week_of
from schools.selectors import staff_memberships_of

from . import actions, campaigns, reports, selectors
from .charts import trend_chart
from .exports import campaign_rows, export_rows
from .forms import CampaignForm, RecurrenceForm
from .measures import CHARTED_MEASURES, PROPORTION, SCREENING_MEASURES
from .models import Campaign
from .presentation import coarse_shown, participation_shown, shown
from .signals import announce_read

BANDED = tuple(m for m in SCREENING_MEASURES if m.bands)
# The default band view: WHO-5, the screening students are reminded of most often.
DEFAULT_SCREENING = "screen:who5"


staff_required = school_staff_required(
    refusal="Only school staff can see cohort aggregates.",
    mfa_message="Set up two-factor authentication to see cohort aggregates.",
    school_of=None,
)


def _choices(request) -> dict:
    """The pre-declared choices in the query string; anything not on the menus is a 404."""
    cohorts = selectors.cohorts_for_staff(request.user)
    if not cohorts:
        raise Http404("Your school has no cohorts yet.")
    params = request.GET
    allowed = {"cohort", "measure", "weeks", "screening"}
    if set(params) - allowed or any(len(params.getlist(name)) > 1 for name in params):
        raise Http404("Unknown choice.")
    by_id = {str(c.pk): c for c in cohorts}
    measures = {m.key: m for m in CHARTED_MEASURES}
    screenings = {m.key: m for m in BANDED}
    weeks = {str(w): w for w in selectors.WEEK_CHOICES}
    try:
        return {
            "cohorts": cohorts,
            "cohort": by_id[params.get("cohort", str(cohorts[0].pk))],
            "measure": measures[params.get("measure", "mood")],
            "weeks": weeks[params.get("weeks", str(selectors.DEFAULT_WEEKS))],
            "screening": screenings[params.get("screening", DEFAULT_SCREENING)],
        }
    except KeyError:
        raise Http404("Not one of the choices on the dashboard.") from None


def _heat_rows(table):
    """The rotation x week heat map: the group table turned on its side."""
    weeks = table.rows[:-1]

    def cell(row, i, group):
        coarse = table.coarse_for(row.week, group.key)
        if coarse is not None:
            return coarse_shown(coarse, table.measure)
        return shown(row.cells[i], table.measure)

    return [
        (group, [(row.week, cell(row, i, group)) for row in weeks])
        for i, group in enumerate(table.groups)
    ]


@staff_required
def dashboard(request):
    choice = _choices(request)
    cohort, entry, weeks = choice["cohort"], choice["measure"], choice["weeks"]
    table = selectors.rotation_table(cohort, measure_key=entry.key, weeks=weeks)
    bands = selectors.band_table(cohort, measure_key=choice["screening"].key, weeks=weeks)
    participation = selectors.participation_table(cohort, weeks=weeks)
    share = entry.kind == PROPORTION
    plotted = {row.week for row in table.rows[:-1]}
    marked = [a for a in actions.actions_on_dashboard(cohort) if week_of(a.starts_on) in plotted]
    by_week: dict = {}
    for number, action in enumerate(marked, start=1):
        by_week.setdefault(week_of(action.starts_on), []).append((number, action))
    context = {
        **choice,
        "k": table.k,
        "measures": CHARTED_MEASURES,
        "screenings": BANDED,
        "week_choices": selectors.WEEK_CHOICES,
        "share": share,
        "chart": trend_chart(table, share=share, actions=[(a.starts_on, a.title) for a in marked]),
        "trend": [(row, shown(row.total, entry), by_week.get(row.week, ())) for row in table.rows],
        "marked": marked,
        "heat_weeks": [row.week for row in table.rows[:-1]],
        "heat": _heat_rows(table),
        "any_coarse": bool(table.coarse),
        "groups": table.groups,
        "bands": bands,
        "band_rows": [
            (
                row,
                shown(row.total, bands.measure),
                [shown(c, bands.measure, share=True) for c in row.cells],
            )
            for row in bands.rows
        ],
        "participation": participation,
        "participation_rows": [
            (row, participation_shown(row.total, enrolled=participation.enrolled))
            for row in participation.rows
        ],
        "visible_weeks": sum(1 for row in table.rows if shown(row.total, entry).visible),
    }
    announce_read(request, kind="staff_dashboard_viewed", school_id=cohort.school_id)
    return render(request, "cohorts/dashboard.html", context)


@staff_required
def export_csv(request):
    choice = _choices(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"cohort-{choice['cohort'].graduation_year}-last-{choice['weeks']}-weeks.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    for line in export_rows(choice["cohort"], weeks=choice["weeks"]):
        writer.writerow(line)
    announce_read(request, kind="staff_export_downloaded", school_id=choice["cohort"].school_id)
    return response


@staff_required
def export_xlsx(request):
    """The same suppressed rows as the CSV, as a spreadsheet."""
    choice = _choices(request)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(f"Class of {choice['cohort'].graduation_year}")
    for line in export_rows(choice["cohort"], weeks=choice["weeks"]):
        sheet.append(list(line))
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    filename = f"cohort-{choice['cohort'].graduation_year}-last-{choice['weeks']}-weeks.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    announce_read(request, kind="staff_export_downloaded", school_id=choice["cohort"].school_id)
    return response


@staff_required
def campaign_list(request):
    rows = [reports.campaign_summary(c) for c in campaigns.staff_campaigns(request.user)]
    response = render(request, "cohorts/campaign_list.html", {"rows": rows})
    for school_id in sorted({m.school_id for m in staff_memberships_of(request.user)}):
        announce_read(request, kind="staff_dashboard_viewed", school_id=school_id)
    return response


@staff_required
def campaign_new(request):
    cohorts = selectors.cohorts_for_staff(request.user)
    if not cohorts:
        raise Http404("Your school has no cohorts yet.")
    rotations = campaigns.rotation_choices({c.school for c in cohorts})
    form = CampaignForm(request.POST or None, cohorts=cohorts, rotations=rotations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        cohort = next(c for c in cohorts if c.pk == data["cohort"])
        rotation = next((r for r in rotations if r.pk == data["rotation"]), None)
        try:
            campaign = campaigns.create_campaign(
                by=request.user,
                school=cohort.school,
                cohort=cohort,
                rotation=rotation,
                instrument=data["instrument"],
                opens_on=data["opens_on"],
                closes_on=data["closes_on"],
                message=data["message"],
                reminders=[data["reminder_1"], data["reminder_2"], data["reminder_3"]],
                reminder_time=data["reminder_time"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Campaign created: students are invited when it opens.")
            return redirect("cohort_campaign", campaign.pk)
    return render(request, "cohorts/campaign_new.html", {"form": form})


def _staff_campaign(request, campaign_id: int):
    campaign = campaigns.campaign_for_staff(request.user, campaign_id)
    if campaign is None:
        raise Http404("No such campaign in your school.")
    return campaign


def _campaign_page(request, campaign, recurrence_form=None):
    summary = reports.campaign_summary(campaign)
    context = {
        "s": summary,
        "campaign": campaign,
        "per_hour": campaigns.TEST_SENDS_PER_HOUR,
        "previous": campaign.previous,
        "next": Campaign.objects.filter(previous=campaign).first(),
        "recurrence_form": recurrence_form
        or RecurrenceForm(
            initial={"recurrence": campaign.recurrence, "every_weeks": campaign.every_weeks}
        ),
    }
    if not summary.closed:
        context["preview"] = campaigns.invitation_preview(campaign)
    response = render(request, "cohorts/campaign_detail.html", context)
    announce_read(request, kind="staff_dashboard_viewed", school_id=campaign.school_id)
    return response


@staff_required
def campaign_detail(request, campaign_id: int):
    return _campaign_page(request, _staff_campaign(request, campaign_id))


@require_POST
@staff_required
def campaign_recurrence(request, campaign_id: int):
    campaign = _staff_campaign(request, campaign_id)
    form = RecurrenceForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            campaigns.set_recurrence(
                by=request.user,
                campaign=campaign,
                recurrence=data["recurrence"],
                every_weeks=data["every_weeks"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            stopped = not data["recurrence"]
            messages.success(
                request,
                "This campaign no longer repeats."
                if stopped
                else "This campaign now repeats: each next occurrence is created once the "
                "previous one has opened.",
            )
            return redirect("cohort_campaign", campaign.pk)
    campaign.refresh_from_db()
    return _campaign_page(request, campaign, recurrence_form=form)


@require_POST
@staff_required
def campaign_test_send(request, campaign_id: int):
    campaign = _staff_campaign(request, campaign_id)
    try:
        campaigns.send_test_invitation(by=request.user, campaign=campaign)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except OSError:  # smtplib's errors are OSErrors: the server refused or was unreachable
        messages.error(request, "The mail server did not accept the test: try again later.")
    else:
        messages.success(request, f"Test invitation sent to {request.user.email}.")
    return redirect("cohort_campaign", campaign.pk)


@staff_required
def campaign_csv(request, campaign_id: int):
    campaign = campaigns.campaign_for_staff(request.user, campaign_id)
    if campaign is None:
        raise Http404("No such campaign in your school.")
    summary = reports.campaign_summary(campaign)
    if summary.state != reports.PUBLISHED:
        messages.info(
            request,
            f"Nothing to export yet: the results are published on "
            f"{summary.publishes_on:%a %-d %b %Y}.",
        )
        return redirect("cohort_campaign", campaign.pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"campaign-{campaign.pk}-{campaign.instrument}-{campaign.closes_on}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    for line in campaign_rows(summary):
        writer.writerow(line)
    announce_read(request, kind="staff_export_downloaded", school_id=campaign.school_id)
    return response


def _report_choice(request):
    """The two campaigns named in the query string, or (None, None) when not chosen yet."""
    params = request.GET
    if set(params) - {"before", "after"} or any(len(params.getlist(n)) > 1 for n in params):
        raise Http404("Unknown choice.")
    if not params.get("before") and not params.get("after"):
        return None, None
    before = campaigns.campaign_for_staff(request.user, params.get("before"))
    after = campaigns.campaign_for_staff(request.user, params.get("after"))
    if before is None or after is None:
        raise Http404("No such campaign in your school.")
    return before, after


@staff_required
def report(request):
    before, after = _report_choice(request)
    closed = reports.closed_campaigns(campaigns.staff_campaigns(request.user))
    # Newest first: by default "after" is the newest survey and "before" the one before it.
    closed.sort(key=lambda c: (c.opens_on, c.pk), reverse=True)
    context = {"closed": closed, "before": before, "after": after, "report": None}
    if before is not None:
        try:
            context["report"] = reports.before_after_report(before, after)
        except reports.ReportProblem as problem:
            context["problem"] = str(problem)
    response = render(request, "cohorts/report.html", context)
    if context["report"] is not None:  # figures were shown, not just the choice of campaigns
        announce_read(request, kind="staff_dashboard_viewed", school_id=before.school_id)
    return response


@staff_required
def report_csv(request):
    before, after = _report_choice(request)
    if before is None:
        return redirect("cohort_report")
    try:
        result = reports.before_after_report(before, after)
    except reports.ReportProblem:
        raise Http404("These two campaigns cannot be compared.") from None
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"report-{before.instrument}-{before.pk}-{after.pk}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    for line in reports.report_rows(result):
        writer.writerow(line)
    announce_read(request, kind="staff_export_downloaded", school_id=before.school_id)
    return response
