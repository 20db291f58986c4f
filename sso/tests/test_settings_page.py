"""The school administrator's single sign-on page, and everyone it must refuse."""

import pytest
from django.urls import reverse

from conftest import make_staff, with_totp
from schools.models import StaffRole
from sso.models import IdentityProvider, Protocol
from sso.sealing import open_client_secret
from vault.models import AuditEvent

pytestmark = pytest.mark.django_db

SECRET = "s3cret-from-the-identity-provider"
OIDC = {
    "protocol": Protocol.OIDC,
    "name": "Riverside Login",
    "slug": "riverside",
    "enabled": "on",
    "allowed_domains": "riverside.example, med.riverside.example",
    "issuer_url": "https://login.riverside.example",
    "client_id": "well-rounded",
    "client_secret": SECRET,
}


@pytest.fixture
def admin(school):
    user = make_staff(school, "registrar@riverside.example", role=StaffRole.SCHOOL_ADMIN)
    with_totp(user)
    return user


@pytest.fixture
def other_admin(other_school):
    user = make_staff(other_school, "registrar@hillcrest.example", role=StaffRole.SCHOOL_ADMIN)
    with_totp(user)
    return user


def test_the_administrator_sets_up_openid_connect_and_the_secret_is_sealed(client, admin, school):
    client.force_login(admin)
    response = client.post(reverse("school_sso"), OIDC)

    assert response.status_code == 302
    provider = IdentityProvider.objects.get(school=school)
    assert provider.domains == ["riverside.example", "med.riverside.example"]
    assert SECRET not in provider.sealed_client_secret
    assert open_client_secret(provider.sealed_client_secret) == SECRET
    assert AuditEvent.objects.filter(kind="sso_settings_changed", school_id=school.pk).count() == 1

    page = client.get(reverse("school_sso"))
    assert page.status_code == 200
    assert "no-cache" in page["Cache-Control"]
    assert SECRET not in page.content.decode()
    assert "/accounts/oidc/riverside/login/callback/" in page.content.decode()


def test_an_empty_secret_keeps_the_stored_one(client, admin, school):
    client.force_login(admin)
    client.post(reverse("school_sso"), OIDC)
    changed = {**OIDC, "client_secret": "", "name": "Riverside SSO", "slug": "renamed"}
    client.post(reverse("school_sso"), changed)

    provider = IdentityProvider.objects.get(school=school)
    assert provider.name == "Riverside SSO"
    assert provider.slug == "riverside"  # linked accounts are keyed by it
    assert open_client_secret(provider.sealed_client_secret) == SECRET
    assert AuditEvent.objects.filter(kind="sso_settings_changed").count() == 2


def test_a_new_openid_connect_sign_in_needs_its_secret(client, admin):
    client.force_login(admin)
    response = client.post(reverse("school_sso"), {**OIDC, "client_secret": ""})

    assert response.status_code == 200
    assert "Required for this protocol." in response.content.decode()
    assert not IdentityProvider.objects.exists()
    assert not AuditEvent.objects.filter(kind="sso_settings_changed").exists()


@pytest.mark.parametrize("domains", ["", "riverside", "https://riverside.example/"])
def test_allowed_domains_must_be_domains(client, admin, domains):
    client.force_login(admin)
    response = client.post(reverse("school_sso"), {**OIDC, "allowed_domains": domains})

    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert not IdentityProvider.objects.exists()


def test_saml_needs_the_identity_providers_entity_url_and_certificate(client, admin, school):
    client.force_login(admin)
    data = {**OIDC, "protocol": Protocol.SAML, "client_secret": ""}
    response = client.post(reverse("school_sso"), data)
    assert response.status_code == 200
    assert not IdentityProvider.objects.exists()

    data.update(
        idp_entity_id="https://idp.riverside.example/idp/shibboleth",
        idp_sso_url="https://idp.riverside.example/idp/profile/SAML2/Redirect/SSO",
        idp_certificate="MIIC-a-public-certificate",
    )
    assert client.post(reverse("school_sso"), data).status_code == 302
    assert IdentityProvider.objects.get(school=school).protocol == Protocol.SAML
    assert (
        "/accounts/saml/riverside/metadata/" in client.get(reverse("school_sso")).content.decode()
    )


def test_nonsense_input_is_a_field_error_not_a_server_error(client, admin):
    client.force_login(admin)
    response = client.post(
        reverse("school_sso"), {"protocol": "kerberos", "slug": "no spaces!", "issuer_url": "x"}
    )
    assert response.status_code == 200
    assert not IdentityProvider.objects.exists()


def test_removing_single_sign_on_is_audited(client, admin, school):
    client.force_login(admin)
    client.post(reverse("school_sso"), OIDC)
    assert client.post(reverse("school_sso_remove")).status_code == 302

    assert not IdentityProvider.objects.exists()
    assert AuditEvent.objects.filter(kind="sso_settings_changed").count() == 2


def test_another_schools_administrator_sees_only_their_own(client, admin, other_admin, school):
    client.force_login(admin)
    client.post(reverse("school_sso"), OIDC)
    client.force_login(other_admin)

    page = client.get(reverse("school_sso")).content.decode()
    assert "Riverside Login" not in page
    assert "Set up single sign-on" in page
    client.post(reverse("school_sso_remove"))
    assert IdentityProvider.objects.filter(school=school).exists()


def test_other_staff_and_students_are_refused(client, staff, student):
    with_totp(staff)
    for user in (staff, student):
        client.force_login(user)
        assert client.get(reverse("school_sso")).status_code == 403
        assert client.post(reverse("school_sso"), OIDC).status_code == 403
    assert not IdentityProvider.objects.exists()
