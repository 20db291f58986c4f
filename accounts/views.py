from allauth.account import views as allauth_views
from allauth.account.decorators import reauthentication_required
from django import forms
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_POST

from schools.selectors import enrollment_of, why_not_counted

from .data_ownership import delete_account, export_personal_data
from .personal_data import datasets
from .services import PRIVACY_NOTICE_VERSION
from .tokens import create_token, may_hold_tokens, revoke_token

CONFIRMATION = "delete my data"


class SignupView(allauth_views.SignupView):
    """allauth's sign-up, answering a registered email and a new one at the same moment
    (see SignupForm.try_save)."""

    def form_valid(self, form):
        response = super().form_valid(form)
        form.wait_for_answer_time()
        return response


def who_sees_what(request):
    return render(request, "accounts/who_sees_what.html", {"version": PRIVACY_NOTICE_VERSION})


@login_required
def my_data(request):
    enrollment = enrollment_of(request.user)
    context = {
        "datasets": datasets(),
        "enrollment": enrollment,
        "why_not_counted": why_not_counted(enrollment) if enrollment else "",
    }
    response = render(request, "accounts/my_data.html", context)
    add_never_cache_headers(response)
    return response


@require_POST
@login_required
def export_my_data(request):
    response = HttpResponse(export_personal_data(user=request.user), content_type="application/zip")
    name = f"well-rounded-data-{timezone.localdate():%Y-%m-%d}.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    add_never_cache_headers(response)
    return response


class DeleteForm(forms.Form):
    confirmation = forms.CharField(
        label=f"Type “{CONFIRMATION}” to confirm",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean_confirmation(self):
        value = self.cleaned_data["confirmation"].strip().lower()
        if value != CONFIRMATION:
            raise forms.ValidationError(f"Type “{CONFIRMATION}” exactly, or go back.")
        return value


@login_required
@reauthentication_required
def delete_my_data(request):
    form = DeleteForm(request.POST or None, label_suffix="")
    if request.method == "POST" and form.is_valid():
        delete_account(user=request.user)
        logout(request)
        return render(request, "accounts/deleted.html")
    return render(request, "accounts/delete_my_data.html", {"form": form})


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Name", max_length=80, help_text="Where you will use it, e.g. “phone shortcut”."
    )


@login_required
def api_tokens(request):
    """Create, name, see the last use of, and revoke personal API tokens.

    A new token's secret appears once, in the answer to the POST that made it, and is stored
    only as a hash.
    """
    form = TokenForm(request.POST or None, label_suffix="")
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _, secret = create_token(user=request.user, name=form.cleaned_data["name"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            form = TokenForm(label_suffix="")
    response = render(
        request,
        "accounts/api_tokens.html",
        {
            "form": form,
            "secret": secret,
            "tokens": request.user.api_tokens.order_by("-created_at"),
            "may_hold_tokens": may_hold_tokens(request.user),
        },
    )
    add_never_cache_headers(response)
    return response


@require_POST
@login_required
def revoke_api_token(request, token_id: int):
    revoke_token(user=request.user, token_id=token_id)
    return redirect("api_tokens")
