"""Writes of the sso app: a school's sign-in settings, and what a sign-in through them does."""

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import transaction

from schools.models import Enrollment, RosterEntry, School, StaffMembership
from schools.roster import mark_verified_by_identity_provider
from vault.audit import record_event

from .models import IdentityProvider, Protocol
from .sealing import seal_client_secret

# RFC 8176 authentication method references that are a factor beyond a password.
SECOND_FACTORS = {
    "mfa", "otp", "hwk", "swk", "sc", "fpt", "face", "iris", "retina", "vbm", "sms", "tel",
    "pop", "pin",
}  # fmt: skip
# `acr` values of the common identity providers and profiles that mean "more than a password".
MFA_ACR = {
    "http://schemas.openid.net/pape/policies/2007/06/multi-factor",
    "https://refeds.org/profile/mfa",
    "http://schemas.microsoft.com/claims/multipleauthn",
    "urn:okta:loa:2fa:any",
}


@transaction.atomic
def save_identity_provider(
    *, school: School, by, client_secret: str = "", **fields
) -> IdentityProvider:
    """Create or change `school`'s single sign-on. An empty `client_secret` keeps the stored
    one (the page never shows it back). Records an audit event in the same transaction."""
    provider = IdentityProvider.objects.select_for_update().filter(school=school).first()
    provider = provider or IdentityProvider(school=school)
    for name, value in fields.items():
        setattr(provider, name, value)
    if client_secret:
        provider.sealed_client_secret = seal_client_secret(client_secret)
    if provider.protocol == Protocol.OIDC:
        missing = {
            "issuer_url": provider.issuer_url,
            "client_id": provider.client_id,
            "client_secret": provider.sealed_client_secret,
        }
    else:
        missing = {
            "idp_entity_id": provider.idp_entity_id,
            "idp_sso_url": provider.idp_sso_url,
            "idp_certificate": provider.idp_certificate,
        }
    errors = {name: "Required for this protocol." for name, value in missing.items() if not value}
    if errors:
        raise ValidationError(errors)
    provider.full_clean()
    provider.save()
    record_event("sso_settings_changed", actor_id=by.pk, school_id=school.pk)
    return provider


@transaction.atomic
def remove_identity_provider(*, school: School, by) -> bool:
    deleted, _ = IdentityProvider.objects.filter(school=school).delete()
    if deleted:
        record_event("sso_settings_changed", actor_id=by.pk, school_id=school.pk)
    return bool(deleted)


def vouches_for_second_factor(provider: IdentityProvider, claims: dict) -> bool:
    """Whether this sign-in counts as having passed a second factor: only where the school
    trusts its provider's, and then only if the provider does not say otherwise (OpenID
    Connect's `amr`, else `acr`; with neither, as SAML here, the school's word alone)."""
    if not provider.trust_idp_mfa:
        return False
    amr = claims.get("amr")
    if amr is not None:
        methods = {amr} if isinstance(amr, str) else set(amr)
        return "mfa" in methods or len(methods & SECOND_FACTORS) + ("pwd" in methods) >= 2
    acr = claims.get("acr")
    if acr is not None:
        return str(acr) in MFA_ACR
    return True


def claims_of(sociallogin) -> dict:
    """The identity provider's statements about this sign-in: the ID token's claims for
    OpenID Connect (where `amr`/`acr` are), the assertion's attributes for SAML."""
    data = sociallogin.account.extra_data or {}
    return data.get("id_token") or data


@transaction.atomic
def after_sign_in(*, provider: IdentityProvider, user, email: str) -> Enrollment | None:
    """A person just signed in through `provider` with `email` (already checked to be in the
    school's domains). The provider vouches for the address; a student on the school's roster
    is put in the roster's cohort if they are in none, and counts as verified by the identity
    provider (schools/roster.py). Staff are never enrolled. Returns the student's enrollment."""
    EmailAddress.objects.filter(user=user, email__iexact=email, verified=False).update(
        verified=True
    )
    if StaffMembership.objects.filter(user=user).exists():
        return None
    entry = RosterEntry.objects.filter(school=provider.school, email=email.lower()).first()
    enrollment = Enrollment.objects.filter(student=user).first()
    if enrollment is None and entry is not None:
        enrollment = Enrollment.objects.create(
            student=user, school=provider.school, cohort=entry.cohort
        )
    if enrollment is None or entry is None or entry.cohort_id != enrollment.cohort_id:
        # Not on the roster, or listed in another cohort than the one they joined: the
        # school's list decides, as for a password sign-in (the next roster upload may fix it).
        return enrollment
    mark_verified_by_identity_provider(enrollment)
    return enrollment
