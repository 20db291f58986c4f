"""The school administrator's pages: cohorts and invite codes, staff, and the school's settings
(the roster is in schools/views.py). Thin: each change is one service in
schools/administration.py, which checks the role again and writes the audit event."""

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from . import administration
from .administration_forms import (
    CohortForm,
    InviteCodeForm,
    NewStaffAccountForm,
    SchoolSettingsForm,
    StaffInvitationForm,
)
from .models import Cohort, InviteCode, StaffInvitation, StaffMembership, StaffRole
from .selectors import roster_counts
from .views import school_admin_only

SIGN_IN_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


def add_service_error(form, error: ValidationError) -> None:
    """Put a service's error on the form's field it names, or on the form as a whole."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@school_admin_only
def home(request, school):
    context = {
        "school": school,
        "cohorts": Cohort.objects.filter(school=school, archived_at__isnull=True).count(),
        "staff": StaffMembership.objects.filter(school=school).count(),
    }
    return render(request, "schools/admin_home.html", context)


# Cohorts and invite codes ---------------------------------------------------------------------


@school_admin_only
@require_http_methods(["GET", "POST"])
def cohorts(request, school):
    form = CohortForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cohort = administration.create_cohort(
                school=school, graduation_year=form.cleaned_data["graduation_year"], by=request.user
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Added the {cohort}.")
            return redirect("school_admin_cohort", cohort.pk)
    now = timezone.now()
    usable = Q(
        invite_codes__revoked_at__isnull=True,
        invite_codes__expires_at__gt=now,
    )
    rows = Cohort.objects.filter(school=school).annotate(codes=Count("invite_codes", filter=usable))
    counts = {row.cohort.pk: row for row in roster_counts(school)}
    context = {
        "school": school,
        "form": form,
        "cohorts": [(cohort, counts.get(cohort.pk)) for cohort in rows],
    }
    return render(request, "schools/admin_cohorts.html", context)


def render_cohort(request, school, cohort, *, form=None, code_form=None, status=200):
    context = {
        "school": school,
        "cohort": cohort,
        "form": form or CohortForm(initial={"graduation_year": cohort.graduation_year}),
        "code_form": code_form or InviteCodeForm(school=school),
        "codes": InviteCode.objects.filter(cohort=cohort),
        "now": timezone.now(),
    }
    return render(request, "schools/admin_cohort.html", context, status=status)


@school_admin_only
@require_http_methods(["GET", "POST"])
def cohort(request, school, cohort_id: int):
    cohort = get_object_or_404(Cohort, pk=cohort_id, school=school)
    if request.method == "GET":
        return render_cohort(request, school, cohort)
    form = CohortForm(request.POST)
    if form.is_valid():
        try:
            administration.change_graduation_year(
                cohort=cohort, graduation_year=form.cleaned_data["graduation_year"], by=request.user
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Renamed: now the {cohort}.")
            return redirect("school_admin_cohort", cohort.pk)
    return render_cohort(request, school, cohort, form=form)


@school_admin_only
@require_POST
def cohort_archive(request, school, cohort_id: int):
    cohort = get_object_or_404(Cohort, pk=cohort_id, school=school)
    archive = request.POST.get("archived", "1") != "0"
    administration.set_cohort_archived(cohort=cohort, archived=archive, by=request.user)
    if archive:
        messages.success(request, f"Archived the {cohort}: its invite codes no longer work.")
    else:
        messages.success(request, f"The {cohort} is active again.")
    return redirect("school_admin_cohort", cohort.pk)


@school_admin_only
@require_POST
def invite_code_new(request, school, cohort_id: int):
    cohort = get_object_or_404(Cohort, pk=cohort_id, school=school)
    form = InviteCodeForm(request.POST, school=school)
    if form.is_valid():
        try:
            invite = administration.create_invite_code(
                cohort=cohort,
                expires_at=form.expires_at,
                max_uses=form.cleaned_data["max_uses"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"New invite code for the {cohort}: {invite.code}")
            return redirect("school_admin_cohort", cohort.pk)
    return render_cohort(request, school, cohort, code_form=form)


@school_admin_only
@require_POST
def invite_code_revoke(request, school, invite_id: int):
    invite = get_object_or_404(InviteCode, pk=invite_id, cohort__school=school)
    administration.revoke_invite_code(invite=invite, by=request.user)
    messages.success(request, f"Invite code {invite.code} no longer works.")
    return redirect("school_admin_cohort", invite.cohort_id)


# Staff ----------------------------------------------------------------------------------------


@school_admin_only
@require_http_methods(["GET", "POST"])
def staff(request, school):
    form = StaffInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = administration.invite_staff(
                school=school, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                f"Invitation sent to {invitation.email}. The link works once, for "
                f"{administration.INVITATION_DAYS} days.",
            )
            return redirect("school_admin_staff")
    now = timezone.now()
    context = {
        "school": school,
        "form": form,
        "members": StaffMembership.objects.filter(school=school)
        .select_related("user")
        .order_by("role", "user__email"),
        "invitations": StaffInvitation.objects.filter(
            school=school, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
        ),
        "admin_role": StaffRole.SCHOOL_ADMIN,
    }
    return render(request, "schools/admin_staff.html", context)


@school_admin_only
@require_POST
def staff_remove(request, school, membership_id: int):
    membership = get_object_or_404(
        StaffMembership.objects.select_related("user", "school"), pk=membership_id, school=school
    )
    try:
        administration.remove_staff_member(membership=membership, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{membership.user.email} is no longer on your school's staff.")
    if (
        membership.user_id == request.user.pk
        and not StaffMembership.objects.filter(user=request.user).exists()
    ):
        return redirect("home")
    return redirect("school_admin_staff")


@school_admin_only
@require_POST
def staff_invitation_revoke(request, school, invitation_id: int):
    invitation = get_object_or_404(StaffInvitation, pk=invitation_id, school=school)
    administration.revoke_staff_invitation(invitation=invitation, by=request.user)
    messages.success(request, f"The invitation to {invitation.email} no longer works.")
    return redirect("school_admin_staff")


# The school's settings ------------------------------------------------------------------------


@school_admin_only
@require_http_methods(["GET", "POST"])
def school_settings(request, school):
    initial = {"min_cell_size": school.min_cell_size, "timezone": school.timezone}
    form = SchoolSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            administration.change_school_settings(
                school=school,
                min_cell_size=form.cleaned_data["min_cell_size"],
                timezone_name=form.cleaned_data["timezone"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Saved your school's settings.")
            return redirect("school_admin_settings")
    return render(request, "schools/admin_settings.html", {"school": school, "form": form})


# Accepting an invitation (whoever holds the link) ---------------------------------------------


@require_http_methods(["GET", "POST"])
def accept_invitation(request, invitation_token: str):
    invitation = administration.invitation_for_token(invitation_token)
    problem = "This link is not a valid invitation." if invitation is None else invitation.problem()
    context = {"invitation": invitation, "problem": problem}
    if problem:
        return render(request, "schools/staff_invitation.html", context, status=410)
    user = request.user if request.user.is_authenticated else None
    new_account = user is None and not administration.account_exists(invitation.email)
    form = NewStaffAccountForm(request.POST or None) if new_account else None
    context.update(form=form, new_account=new_account, wrong_account=False)
    if user is not None and user.email.lower() != invitation.email:
        context["wrong_account"] = True
        return render(request, "schools/staff_invitation.html", context)
    if request.method == "POST" and (user is not None or (form is not None and form.is_valid())):
        password = form.cleaned_data["password1"] if form is not None else None
        try:
            membership = administration.accept_staff_invitation(
                invitation=invitation, user=user, password=password
            )
        except ValidationError as error:
            context["problem"] = " ".join(error.messages)
            return render(request, "schools/staff_invitation.html", context, status=410)
        if user is None:
            login(request, membership.user, backend=SIGN_IN_BACKEND)
        messages.success(
            request,
            f"You are now {membership.get_role_display().lower()} at {membership.school.name}.",
        )
        return redirect("home")
    return render(request, "schools/staff_invitation.html", context)
