"""The school administrator's single sign-on settings (/school/sso/)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import school_staff_required
from schools.selectors import administered_school

from .forms import IdentityProviderForm
from .models import Protocol
from .selectors import provider_of
from .services import remove_identity_provider, save_identity_provider

school_admin_only = school_staff_required(
    refusal="Only your school's administrator manages its sign-in.",
    mfa_message="Set up two-factor authentication to manage your school's sign-in.",
    school_of=administered_school,
)


@school_admin_only
@require_http_methods(["GET", "POST"])
def sso_settings(request, school):
    provider = provider_of(school)
    form = IdentityProviderForm(request.POST or None, instance=provider)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            save_identity_provider(
                school=school,
                by=request.user,
                client_secret=form.cleaned_data["client_secret"],
                **fields,
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, "Your school's sign-in settings are saved.")
            return redirect("school_sso")
    context = {
        "school": school,
        "form": form,
        "provider": provider,
        "protocols": Protocol,
        "oidc_redirect_uri": provider
        and request.build_absolute_uri(
            reverse("openid_connect_callback", kwargs={"provider_id": provider.slug})
        ),
        "saml_acs_url": provider
        and request.build_absolute_uri(reverse("saml_acs", args=[provider.slug])),
        "saml_metadata_url": provider
        and request.build_absolute_uri(reverse("saml_metadata", args=[provider.slug])),
    }
    return render(request, "sso/settings.html", context)


@school_admin_only
@require_POST
def sso_remove(request, school):
    if remove_identity_provider(school=school, by=request.user):
        messages.success(request, "Single sign-on is removed; people sign in with a password.")
    return redirect("school_sso")
