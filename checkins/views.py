from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

import instruments
from accounts.decorators import student_required
from cohorts.campaigns import open_campaigns_for
from cohorts.publishing import k_for
from habits.selectors import checkin_habit_context
from lib.forms import add_service_errors
from support.selectors import crisis_resources_for, next_steps_for

from . import selectors, services
from .forms import CheckInForm, QuickCheckInForm, ScreeningForm
from .models import SafetyEvent

SCHEDULE_CHOICES = [(7, "every week"), (14, "every 2 weeks"), (30, "every month")]
SCHEDULE_CHOICES += [(90, "every 3 months")]


def _chosen_day(request) -> tuple[date, bool]:
    """The day a check-in page is about: today, or yesterday when asked (`day=yesterday`)."""
    today = request.enrollment.school.today()
    if request.POST.get("day", request.GET.get("day")) == "yesterday":
        return today - timedelta(days=1), True
    return today, False


def _back_to(name: str, yesterday: bool):
    url = reverse(name)
    return redirect(f"{url}?day=yesterday" if yesterday else url)


@student_required
def checkin(request):
    crisis = saved = None
    day, yesterday = _chosen_day(request)
    if request.method == "POST":
        # Saving needs only the answers: the service reads the day's row itself, under its lock.
        form = CheckInForm(request.POST)
        # The note is screened as it was written, before anything else (and even if the rest
        # of the form has to be corrected): the student sees the resources in this response.
        if services.screen_private_writing(student=request.user, text=request.POST.get("note")):
            crisis = crisis_resources_for(request.enrollment.school)
        if form.is_valid():
            try:
                _, created = services.record_checkin(
                    student=request.user,
                    values=form.cleaned_data,
                    day=day,
                    enrollment=request.enrollment,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if crisis is None:
                    which = "Yesterday's" if yesterday else "Today's"
                    messages.success(
                        request,
                        "Checked in. Thank you for taking a minute for yourself."
                        if created
                        else f"{which} check-in is updated.",
                    )
                    return _back_to("checkin", yesterday)
                # No redirect: the resources are in this response, above the saved check-in.
                saved = "Your check-in is saved. Only you can read your note."
                form = None  # the saved check-in, as a GET would show it
    else:
        form = None
    existing = selectors.checkin_on(request.user, day)
    if form is None:
        # The saved note is only needed to show the form again, never to save it.
        initial = {"note": selectors.checkin_note(existing)} if existing is not None else {}
        form = CheckInForm(instance=existing, initial=initial)
    context = {
        "form": form,
        "existing": existing,
        "crisis": crisis,
        "saved": saved,
        "day": day,
        "yesterday": yesterday,
        "open": services.can_record_day(request.enrollment.school, day),
        **checkin_habit_context(request.user),
    }
    return render(request, "checkins/checkin.html", context)


@student_required
def checkin_quick(request):
    """Two taps on a bad night: the mood, then Save (sleep is one optional tap more)."""
    day, yesterday = _chosen_day(request)
    form = QuickCheckInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _, created = services.record_checkin(
                student=request.user,
                values=form.cleaned_data,
                day=day,
                enrollment=request.enrollment,
                quick=True,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                ("Yesterday's mood is saved." if yesterday else "Saved. Thank you for checking in.")
                + " Add more whenever you like, or leave it there.",
            )
            return _back_to("checkin_quick", yesterday)
    context = {
        "form": form,
        "existing": selectors.checkin_on(request.user, day),
        "day": day,
        "yesterday": yesterday,
        "open": services.can_record_day(request.enrollment.school, day),
    }
    return render(request, "checkins/quick.html", context)


@student_required
def checkin_history(request):
    """A month of the student's check-ins, coloured by mood, with the same days as a table."""
    today = request.enrollment.school.today()
    try:
        month = date.fromisoformat(request.GET.get("month", "") + "-01")
    except ValueError:
        month = today
    if month > today:
        month = today
    history = selectors.month_history(request.user, month, today)
    return render(request, "checkins/history.html", {"history": history, "today": today})


@require_POST
@student_required
def checkin_delete(request):
    if services.delete_checkin(student=request.user):
        messages.success(request, "Today's check-in is deleted.")
    return redirect("checkin")


@require_POST
@student_required
def not_safe(request):
    """ "I'm not safe right now": crisis resources in this very response. Nobody is told."""
    services.record_safety_event(student=request.user, trigger=SafetyEvent.Trigger.NOT_SAFE_BUTTON)
    return render(
        request,
        "checkins/not_safe.html",
        {"crisis": crisis_resources_for(request.enrollment.school)},
    )


@student_required
def screenings(request):
    return render(
        request,
        "checkins/screenings.html",
        {
            "statuses": selectors.screening_statuses(request.user),
            "history": selectors.screening_history(request.user)[:20],
            "schedule_choices": SCHEDULE_CHOICES,
        },
    )


@student_required
def screening_take(request, instrument_id: str):
    try:
        instrument = instruments.get_instrument(instrument_id)
    except instruments.UnknownInstrument:
        raise Http404("No such screening.") from None
    form = ScreeningForm(instrument, request.POST or None)
    crisis = None
    if request.method == "POST" and form.is_valid():
        try:
            outcome = services.record_screening(
                student=request.user,
                instrument_id=instrument.id,
                answers=form.answers(),
                submission_key=form.cleaned_data["submission_key"],
            )
        except services.ScreeningRejected as error:
            add_service_errors(form, error)
            if error.show_crisis:
                crisis = crisis_resources_for(request.enrollment.school)
        except ValidationError as error:
            if "submission_key" not in error.message_dict:
                raise
            # Sent again (the back button) with other answers: those are a new screening.
            form.refuse_key(
                "This form was already sent with other answers, so these were not saved. "
                "Check them and send again to record them as a new screening."
            )
        else:
            # The result, and crisis resources when an answer calls for them, come in the
            # same response that saved the answers: no redirect a student could miss.
            return _render_result(request, outcome.response, status=201 if outcome.created else 200)
    # A survey from the school for this screening: say so, with the school's own words
    # (the walkthrough found the survey page gave no context).
    survey = next(
        (c for c, _answered in open_campaigns_for(request.user) if c.instrument == instrument.id),
        None,
    )
    return render(
        request,
        "checkins/screening_form.html",
        {
            "form": form,
            "instrument": instrument,
            "crisis": crisis,
            "survey": survey,
            "k": k_for(survey.school) if survey else None,
        },  # fmt: skip
    )


@student_required
def screening_result(request, response_id: int):
    response = selectors.screening_of(request.user, response_id)
    if response is None:
        raise Http404("No such result.")
    return _render_result(request, response)


def _render_result(request, response, status: int = 200):
    instrument = instruments.get_instrument(response.instrument)
    band = instrument.band_for(response.score)
    school = request.enrollment.school
    previous = selectors.previous_result(response)
    context = {
        "response": response,
        "instrument": instrument,
        "band": band,
        "previous": previous,
        "change": response.score - previous.score if previous else None,
        "next_steps": next_steps_for(
            school, instrument_id=instrument.id, band=response.band or None, flags=response.flags
        ),
        "crisis": crisis_resources_for(school) if "self_harm" in response.flags else None,
    }
    return render(request, "checkins/screening_result.html", context, status=status)


@require_POST
@student_required
def screening_schedule(request):
    instrument_id = request.POST.get("instrument", "")
    raw = request.POST.get("every_days", "")
    try:
        every = int(raw) if raw else None
        services.set_screening_schedule(
            student=request.user, instrument_id=instrument_id, every_days=every
        )
    except (ValueError, ValidationError) as error:
        text = " ".join(error.messages) if isinstance(error, ValidationError) else "Pick a number."
        messages.error(request, f"Reminder not changed: {text}")
    else:
        messages.success(request, "Reminder updated.")
    return redirect("screenings")
