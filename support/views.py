from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from .forms import HelpResourceForm
from .models import HelpResource
from .selectors import crisis_resources_for, directory_for, help_school_for, managed_school
from .services import add_help_resource, remove_help_resource, update_help_resource


def need_help(request):
    """The page behind "Need help now": reachable by anyone, signed in or not."""
    school = help_school_for(request.user)
    return render(
        request,
        "support/need_help.html",
        {
            "crisis": crisis_resources_for(school),
            "directory": directory_for(school),
            "school": school,
        },
    )


def school_staff_required(view):
    """Let only staff of a school, signed in with a second factor, edit its directory.

    The MFA middleware already covers /help/manage/ (only the crisis page itself is exempt);
    checking here too keeps these pages safe if that exemption is ever widened again.
    """

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        school = managed_school(request.user)
        if school is None:
            raise PermissionDenied("Only school staff can edit the help directory.")
        if not request.user.authenticator_set.filter(type="totp").exists():
            messages.info(request, "Set up two-factor authentication to edit the help directory.")
            return redirect("mfa_activate_totp")
        return view(request, school, *args, **kwargs)

    return wrapper


@school_staff_required
def manage_list(request, school):
    resources = HelpResource.objects.filter(school=school)
    return render(request, "support/manage_list.html", {"school": school, "resources": resources})


@school_staff_required
@require_http_methods(["GET", "POST"])
def manage_new(request, school):
    form = HelpResourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            resource = add_help_resource(school=school, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Added {resource.name}.")
            return redirect("support_manage")
    return render(request, "support/manage_form.html", {"school": school, "form": form})


@school_staff_required
@require_http_methods(["GET", "POST"])
def manage_edit(request, school, resource_id: int):
    resource = get_object_or_404(HelpResource, pk=resource_id, school=school)
    form = HelpResourceForm(request.POST or None, instance=resource)
    if request.method == "POST" and form.is_valid():
        try:
            update_help_resource(resource=resource, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Saved {resource.name}.")
            return redirect("support_manage")
    return render(
        request,
        "support/manage_form.html",
        {"school": school, "form": form, "resource": resource},
    )


@school_staff_required
@require_http_methods(["GET", "POST"])
def manage_delete(request, school, resource_id: int):
    resource = get_object_or_404(HelpResource, pk=resource_id, school=school)
    if request.method == "POST":
        remove_help_resource(resource=resource, by=request.user)
        messages.success(request, f"Removed {resource.name}.")
        return redirect("support_manage")
    return render(request, "support/manage_delete.html", {"school": school, "resource": resource})
