from allauth.socialaccount.forms import SignupForm as AllauthSocialSignupForm
from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.services import PRIVACY_NOTICE_VERSION, record_consent
from schools import services as school_services

from .models import IdentityProvider, Protocol


class SignupForm(AllauthSocialSignupForm):
    """The first sign-in through a school's identity provider: the address is the one the
    provider vouched for (not editable), and the same informed yes as a password sign-up.
    A student on the school's roster needs no invite code (the roster names their cohort);
    anyone else may give one."""

    invite_code = forms.CharField(
        max_length=32,
        required=False,
        label="Invite code (only if your school gave you one)",
        help_text="Students on your school's list are placed in their class without one.",
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

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.order_fields(["email", "invite_code", "display_name", "consent"])
        if "email" in self.fields:
            self.fields["email"].disabled = True
            self.fields["email"].help_text = "From your school's sign-in."

    def clean_invite_code(self) -> str:
        code = self.cleaned_data["invite_code"]
        if not code.strip():
            return ""
        try:
            return school_services.usable_invite(code).code
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from error

    def save(self, request):
        with transaction.atomic():
            user = super().save(request)
            user.display_name = self.cleaned_data.get("display_name", "")
            user.save(update_fields=["display_name"])
            record_consent(user=user, notice_version=PRIVACY_NOTICE_VERSION)
            if self.cleaned_data.get("invite_code"):
                school_services.enroll_with_invite(
                    student=user, code=self.cleaned_data["invite_code"]
                )
        return user


class IdentityProviderForm(forms.ModelForm):
    """The school administrator's single sign-on settings. The client secret is write-only:
    left empty, the stored one is kept; it is never put back into the page."""

    client_secret = forms.CharField(
        required=False,
        max_length=500,
        label="Client secret",
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )

    issuer_url = forms.URLField(
        required=False,
        assume_scheme="https",
        label="Issuer URL",
        help_text="OpenID Connect only, e.g. https://login.microsoftonline.com/<tenant>/v2.0",
    )
    idp_sso_url = forms.URLField(
        required=False, assume_scheme="https", max_length=500, label="Single sign-on URL"
    )

    class Meta:
        model = IdentityProvider
        fields = [
            "protocol", "name", "slug", "enabled", "allowed_domains", "trust_idp_mfa",
            "issuer_url", "client_id", "idp_entity_id", "idp_sso_url", "idp_certificate",
        ]  # fmt: skip
        labels = {
            "name": "Name of your sign-in",
            "slug": "Short name in addresses",
            "enabled": "Offer this sign-in on the sign-in page",
            "allowed_domains": "Allowed email domains",
            "trust_idp_mfa": "Trust the identity provider's two-factor check for staff",
            "client_id": "Client ID",
            "idp_entity_id": "Identity provider entity ID",
            "idp_certificate": "Signing certificate (PEM)",
        }
        help_texts = {
            "slug": "Letters, digits and hyphens, e.g. riverside. Part of the redirect URI.",
            "allowed_domains": "Separated by spaces or commas, e.g. med.example.edu. "
            "Addresses in other domains are refused.",
            "trust_idp_mfa": "Staff who sign in this way skip our authenticator app when your "
            "provider says it asked for a second factor. Leave off unless it always does.",
            "idp_certificate": "SAML only: the certificate your provider signs assertions with.",
        }
        widgets = {
            "idp_certificate": forms.Textarea(attrs={"rows": 4}),
            "allowed_domains": forms.TextInput(),
        }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["protocol"].initial = Protocol.OIDC
        if self.instance.pk:
            # Accounts linked through the provider are keyed by it: it never changes.
            self.fields["slug"].disabled = True
            self.fields["slug"].help_text = "Set when single sign-on was set up."
        if self.instance.pk and self.instance.sealed_client_secret:
            self.fields[
                "client_secret"
            ].help_text = (
                "A secret is stored. Leave empty to keep it; type a new one to replace it."
            )
