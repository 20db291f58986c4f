from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction

from schools import services as school_services

from .services import PRIVACY_NOTICE_VERSION, record_consent


class SignupForm(AllauthSignupForm):
    """Sign-up for students: an invite code from their school and an informed yes."""

    invite_code = forms.CharField(
        max_length=32,
        help_text="The code your school gave you, e.g. ABCD-EFGH-JK.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    display_name = forms.CharField(
        max_length=80,
        required=False,
        label="What should we call you? (optional)",
        help_text="Only you see this.",
    )
    consent = forms.BooleanField(
        label="I have read who can see what, and I want to join.",
        error_messages={"required": "Please confirm you have read who can see what."},
    )

    field_order = ["invite_code", "email", "password1", "password2", "display_name", "consent"]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean_invite_code(self) -> str:
        code = self.cleaned_data["invite_code"]
        try:
            invite = school_services.usable_invite(code)
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from error
        return invite.code

    def save(self, request):
        with transaction.atomic():
            user = super().save(request)
            user.display_name = self.cleaned_data.get("display_name", "")
            user.save(update_fields=["display_name"])
            school_services.enroll_with_invite(student=user, code=self.cleaned_data["invite_code"])
            record_consent(user=user, notice_version=PRIVACY_NOTICE_VERSION)
        return user
