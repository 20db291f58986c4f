"""A school's identity provider: how its people sign in with the accounts they already have."""

from django.core.exceptions import ValidationError
from django.db import models

from schools.models import School


class Protocol(models.TextChoices):
    OIDC = "openid_connect", "OpenID Connect (Microsoft Entra ID, Google Workspace, Okta…)"
    SAML = "saml", "SAML 2.0 (Shibboleth, InCommon, ADFS…)"


def domains_from(text: str) -> list[str]:
    """ "med.example.edu, example.edu" -> ["med.example.edu", "example.edu"] (lower-cased)."""
    parts = text.replace(",", " ").replace(";", " ").split()
    return [part.strip().lower().lstrip("@") for part in parts if part.strip()]


class IdentityProvider(models.Model):
    """One school's single sign-on, set by its administrator on /school/sso/.

    The client secret is stored sealed under the site's "sso" key (sso/secrets.py), as TOTP
    secrets are: a copy of the database cannot sign in as the school.
    """

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="sign_in")
    # In allauth's URLs (/accounts/oidc/<slug>/login/, /accounts/saml/<slug>/acs/), unique
    # across schools; set once.
    slug = models.SlugField(unique=True)
    protocol = models.CharField(max_length=20, choices=Protocol.choices)
    name = models.CharField(max_length=80, help_text="Shown as “Sign in with <name>”.")
    enabled = models.BooleanField(default=True)
    allowed_domains = models.CharField(max_length=500)
    trust_idp_mfa = models.BooleanField(default=False)
    # OpenID Connect
    issuer_url = models.URLField(blank=True)
    client_id = models.CharField(max_length=255, blank=True)
    sealed_client_secret = models.TextField(blank=True)
    # SAML 2.0 (the identity provider's public certificate is not a secret)
    idp_entity_id = models.CharField(max_length=500, blank=True)
    idp_sso_url = models.URLField(max_length=500, blank=True)
    idp_certificate = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"sign-in of {self.school}"

    @property
    def domains(self) -> list[str]:
        return domains_from(self.allowed_domains)

    def allows(self, email: str) -> bool:
        """Whether `email` is in one of the school's allowed domains (exactly, not a subdomain:
        an IdP of example.edu does not vouch for students.example.edu unless it is listed)."""
        _, at, domain = (email or "").strip().lower().rpartition("@")
        return bool(at) and domain in self.domains

    def clean(self) -> None:
        if not self.domains:
            raise ValidationError({"allowed_domains": "List at least one email domain."})
        for domain in self.domains:
            if "." not in domain or "@" in domain or "/" in domain:
                raise ValidationError(
                    {"allowed_domains": f"“{domain}” is not a domain like med.example.edu."}
                )
