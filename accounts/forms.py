import time

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.contrib.auth.hashers import make_password
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

    def try_save(self, request):
        """Sign up, or (for an email that is already registered) only email its owner, and
        give the same answer either way, at the same moment.

        A new account costs a password hash (deliberately slow, about half a second) and a few
        rows; a registered email cost neither, so a quick answer told a prober that the email
        is registered. Both paths now hash the password once, first (a new account keeps that
        hash), and the view answers at `answer_at`: twice the time the hash took after it
        started, by which time either path has done its rows and its email (the hash is by far
        the costliest step).
        """
        started = time.monotonic()
        self.password_hash = make_password(self.cleaned_data["password1"])
        self.answer_at = started + 2 * (time.monotonic() - started)
        return super().try_save(request)

    def wait_for_answer_time(self) -> None:
        time.sleep(max(0.0, self.answer_at - time.monotonic()))

    def save(self, request):
        # Hashed once already (try_save): allauth, given no password, sets an unusable one,
        # replaced by that hash before the transaction commits.
        del self.cleaned_data["password1"]
        with transaction.atomic():
            user = super().save(request)
            user.display_name = self.cleaned_data.get("display_name", "")
            user.password = self.password_hash
            user.save(update_fields=["display_name", "password"])
            school_services.enroll_with_invite(student=user, code=self.cleaned_data["invite_code"])
            record_consent(user=user, notice_version=PRIVACY_NOTICE_VERSION)
        return user
