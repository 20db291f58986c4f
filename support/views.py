from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from accounts.decorators import school_staff_required

from .forms import HelpResourceForm
from .models import HelpResource
from .selectors import crisis_resources_for, directory_for, help_school_for
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


# The MFA middleware already covers /help/manage/ (only the crisis page itself is exempt);
# checking here too keeps these pages safe if that exemption is ever widened again.
directory_staff_only = school_staff_required(
    refusal="Only school staff can edit the help directory.",
    mfa_message="Set up two-factor authentication to edit the help directory.",
)


@directory_staff_only
def manage_list(request, school):
    resources = HelpResource.objects.filter(school=school)
    return render(request, "support/manage_list.html", {"school": school, "resources": resources})


@directory_staff_only
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


@directory_staff_only
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


@directory_staff_only
@require_http_methods(["GET", "POST"])
def manage_delete(request, school, resource_id: int):
    resource = get_object_or_404(HelpResource, pk=resource_id, school=school)
    if request.method == "POST":
        remove_help_resource(resource=resource, by=request.user)
        messages.success(request, f"Removed {resource.name}.")
        return redirect("support_manage")
    return render(request, "support/manage_delete.html", {"school": school, "resource": resource})
