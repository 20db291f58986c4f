from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import school_staff_required, student_required
from lib.forms import add_service_errors
from planner.selectors import zone_of
from support.selectors import crisis_resources_for

from . import services as circles
from .content import GUIDELINES
from .forms import CircleProfileForm, MessageForm, ReportForm
from .models import MessageReport
from .publishing import published_circle_counts

school_staff_only = school_staff_required(
    refusal="This page is for school staff.",
    mfa_message="Set up two-factor authentication to see this page.",
)
wellness_lead_only = school_staff_required(
    refusal="Only your school's wellness lead reviews reports.",
    mfa_message="Set up two-factor authentication to see this page.",
    school_of=circles.wellness_school,
)


# Students -------------------------------------------------------------------------------------


def not_found_outside_your_circles(view):
    """Answer a request for anything outside the student's circles with a 404 page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except circles.NotInYourCircles as refusal:
            raise Http404(str(refusal)) from None

    return wrapper


@student_required
def circles_home(request):
    profile = circles.circle_profile_of(request.user)
    context = {"profile": profile, "guidelines": GUIDELINES}
    if profile is not None:
        context |= {
            "circles": circles.circles_of(request.user),
            "waiting": circles.waiting_message(profile),
            "buddy_waiting": circles.buddy_waiting(profile),
        }
    return render(request, "circles/home.html", context)


@student_required
@require_http_methods(["GET", "POST"])
def circle_profile(request):
    profile = circles.circle_profile_of(request.user)
    joining = profile is None
    initial = (
        {
            "pseudonym": profile.pseudonym,
            "share_cohort": profile.share_cohort,
            "share_rotation": profile.share_rotation,
            "interests": profile.interests,
            "time_zone": profile.time_zone,
            "availability": profile.availability,
            "wants_buddy": profile.wants_buddy,
        }
        if profile
        else {"time_zone": request.enrollment.school.timezone}
    )
    form = CircleProfileForm(request.POST or None, initial=initial, joining=joining)
    if request.method == "POST" and form.is_valid():
        try:
            circles.save_circle_profile(student=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                "Welcome to peer circles." if joining else "Saved what you share for matching.",
            )
            return redirect("circles")
    return render(
        request,
        "circles/profile_form.html",
        {"form": form, "joining": joining, "guidelines": GUIDELINES},
    )


@student_required
@require_http_methods(["GET", "POST"])
def circle_opt_out(request):
    if circles.circle_profile_of(request.user) is None:
        return redirect("circles")
    if request.method == "POST":
        circles.opt_out_of_circles(student=request.user)
        messages.success(
            request, "You have left peer circles. Your profile is gone and your messages wiped."
        )
        return redirect("circles")
    return render(request, "circles/opt_out.html")


@student_required
@require_POST
def circle_look_again(request):
    try:
        circles.ask_to_be_matched_again(student=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, "You are back in the queue for a circle.")
    return redirect("circles")


@not_found_outside_your_circles
@student_required
@require_http_methods(["GET", "POST"])
def circle_page(request, circle_id: int):
    summary, _ = circles.circle_of_member(request.user, circle_id)
    form = MessageForm(request.POST or None)
    crisis = None
    if request.method == "POST" and form.is_valid():
        try:
            posted = circles.post_circle_message(
                student=request.user,
                circle_id=circle_id,
                body=form.cleaned_data["body"],
                post_anyway=form.cleaned_data["post_anyway"],
            )
        except circles.CrisisCheck as check:
            crisis = crisis_resources_for(request.enrollment.school)
            form = MessageForm(initial={"body": form.cleaned_data["body"], "post_anyway": True})
            form.crisis_note = check.messages[0]
        except circles.MessageRefused as refused:
            add_service_errors(form, refused)
            if refused.crisis:
                crisis = crisis_resources_for(request.enrollment.school)
                form.crisis_note = (
                    "It sounds like things may be really hard right now: you don't have to "
                    "handle this alone."
                )
        else:
            messages.success(request, "Posted to your circle.")
            # Back where the new message is, not at the top of the page.
            return redirect(f"{reverse('circle', args=[circle_id])}#message-{posted.pk}")
    context = {
        "summary": summary,
        "posts": circles.messages_for(request.user, summary.circle),
        "form": form,
        "crisis": crisis,
        "guidelines": GUIDELINES,
    }
    # Each member reads the times in their own zone (their school's, or the one they set).
    with timezone.override(zone_of(request.user)):
        return render(request, "circles/circle.html", context)


@not_found_outside_your_circles
@student_required
@require_http_methods(["GET", "POST"])
def circle_leave(request, circle_id: int):
    summary, _ = circles.circle_of_member(request.user, circle_id)
    if request.method == "POST":
        circles.leave_circle(student=request.user, circle_id=circle_id)
        messages.success(request, f"You left {summary.circle.name}.")
        return redirect("circles")
    return render(request, "circles/leave.html", {"summary": summary})


@not_found_outside_your_circles
@student_required
@require_http_methods(["GET", "POST"])
def circle_block(request, circle_id: int, member_id: int):
    summary, _ = circles.circle_of_member(request.user, circle_id)
    member = next((m for m in summary.members if m.id == member_id and not m.is_you), None)
    if member is None:
        raise circles.NotInYourCircles("No such member in this circle.")
    if request.method == "POST":
        circles.block_circle_member(student=request.user, circle_id=circle_id, member_id=member_id)
        messages.success(
            request,
            f"You blocked {member.pseudonym}. You won't see their messages or be matched "
            "with them again.",
        )
        return redirect("circle", circle_id=circle_id)
    return render(request, "circles/block.html", {"summary": summary, "member": member})


@not_found_outside_your_circles
@student_required
@require_http_methods(["GET", "POST"])
def circle_report(request, message_id: int):
    message = circles.message_for_member(request.user, message_id)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            circles.report_circle_message(
                student=request.user, message_id=message_id, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                "Thank you. Your school's wellness lead will review the message; "
                "they see only the message and its pseudonym, never who reported it.",
            )
            return redirect("circle", circle_id=message.circle_id)
    context = {
        "form": form,
        "message": message,
        # The reporter sees what they are reporting (they can already read it in the circle).
        "text": circles.text_for_member(message),
        "own": message.author_id == request.user.pk,
        "already": MessageReport.objects.filter(message=message, reporter=request.user).exists(),
    }
    with timezone.override(zone_of(request.user)):
        return render(request, "circles/report.html", context)


# Staff ---------------------------------------------------------------------------------------


@school_staff_only
def circles_overview(request, school):
    return render(
        request,
        "circles/overview.html",
        {
            "school": school,
            "counts": published_circle_counts(school, today=school.today()),
            "is_wellness_lead": circles.wellness_school(request.user) == school,
        },
    )


@wellness_lead_only
def circle_reports(request, school):
    with timezone.override(school.timezone):  # the school's time, not the server's
        return render(
            request,
            "circles/reports.html",
            {"school": school, "reports": circles.open_reports(school)},
        )


@not_found_outside_your_circles
@wellness_lead_only
@require_http_methods(["GET", "POST"])
def circle_report_review(request, school, report_id: int):
    review = circles.open_report_for_review(report_id=report_id, by=request.user)
    if request.method == "POST":
        action = request.POST.get("action")
        if action not in {"dismiss", "remove"}:
            messages.error(request, "Choose to dismiss the report or remove the message.")
        else:
            try:
                circles.resolve_report(
                    report=review.report, by=request.user, remove_message=action == "remove"
                )
            except ValidationError as error:
                messages.error(request, error.messages[0])
            else:
                messages.success(
                    request, "Message removed." if action == "remove" else "Report dismissed."
                )
            return redirect("circle_reports")
    return render(request, "circles/report_review.html", {"review": review})
