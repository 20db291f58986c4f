"""What a sign-in through a school's identity provider does, and what it may not do."""

import io
import json
import zipfile

import pytest
from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.models import SocialAccount, SocialLogin
from django.test import RequestFactory
from django.urls import reverse

from accounts.data_ownership import delete_account
from accounts.models import User
from accounts.second_factor import IDP_SECOND_FACTOR
from conftest import make_cohort, make_staff, make_user
from schools.models import Enrollment, RosterEntry, VerifiedBy
from sso.adapter import SocialAccountAdapter
from sso.models import IdentityProvider, Protocol
from sso.sealing import seal_client_secret
from sso.services import after_sign_in, vouches_for_second_factor

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(school):
    return IdentityProvider.objects.create(
        school=school,
        slug="riverside",
        protocol=Protocol.OIDC,
        name="Riverside Login",
        allowed_domains="riverside.example",
        issuer_url="https://login.riverside.example",
        client_id="well-rounded",
        sealed_client_secret=seal_client_secret("the-secret"),
    )


def social_login(email: str, claims: dict | None = None) -> SocialLogin:
    user = User(email=email)
    account = SocialAccount(provider="riverside", uid="u1", extra_data={"id_token": claims or {}})
    address = EmailAddress(email=email, primary=True, verified=False)
    return SocialLogin(user=user, account=account, email_addresses=[address])


def test_allauth_gets_the_schools_app_with_the_secret_opened(provider):
    apps = SocialAccountAdapter().list_apps(None, provider="riverside")
    assert [(a.provider, a.provider_id, a.client_id, a.secret) for a in apps] == [
        ("openid_connect", "riverside", "well-rounded", "the-secret")
    ]
    assert apps[0].settings["verified_email"] == ["riverside.example"]


def test_a_switched_off_sign_in_is_not_offered(client, provider):
    assert "Sign in with Riverside Login" in client.get(reverse("account_login")).content.decode()
    provider.enabled = False
    provider.save()
    assert SocialAccountAdapter().list_apps(None) == []
    assert "Sign in with" not in client.get(reverse("account_login")).content.decode()


def test_an_address_outside_the_allowed_domains_is_refused_with_a_reason(provider):
    request = RequestFactory().get("/")
    with pytest.raises(ImmediateHttpResponse) as refused:
        SocialAccountAdapter().pre_social_login(request, social_login("ana@gmail.example"))
    assert refused.value.response.status_code == 403
    assert "@riverside.example" in refused.value.response.content.decode()


def test_a_subdomain_is_not_an_allowed_domain(provider):
    assert provider.allows("ana@riverside.example")
    assert provider.allows("Ana@Riverside.Example")
    assert not provider.allows("ana@students.riverside.example")
    assert not provider.allows("ana@evilriverside.example")
    assert not provider.allows("riverside.example")


def test_a_student_on_the_roster_joins_the_rosters_cohort_verified(provider, school, cohort):
    RosterEntry.objects.create(school=school, email="ana@riverside.example", cohort=cohort)
    user = make_user("ana@riverside.example")

    enrollment = after_sign_in(provider=provider, user=user, email="ana@riverside.example")

    assert enrollment.cohort == cohort
    assert enrollment.verified_by == VerifiedBy.IDENTITY_PROVIDER
    assert enrollment.is_verified


def test_the_provider_vouches_for_an_unconfirmed_address_in_its_domain(provider, school, cohort):
    RosterEntry.objects.create(school=school, email="ana@riverside.example", cohort=cohort)
    user = make_user("ana@riverside.example")
    EmailAddress.objects.filter(user=user).update(verified=False)

    enrollment = after_sign_in(provider=provider, user=user, email="ana@riverside.example")

    assert EmailAddress.objects.get(user=user).verified
    assert enrollment.verified_by == VerifiedBy.IDENTITY_PROVIDER


def test_someone_not_on_the_roster_is_signed_in_but_not_enrolled(provider):
    user = make_user("visitor@riverside.example")
    assert after_sign_in(provider=provider, user=user, email="visitor@riverside.example") is None
    assert not Enrollment.objects.exists()


def test_a_student_in_another_cohort_than_the_roster_says_does_not_count(provider, school, cohort):
    RosterEntry.objects.create(school=school, email="ana@riverside.example", cohort=cohort)
    user = make_user("ana@riverside.example")
    other = make_cohort(school, 2029)
    Enrollment.objects.create(student=user, school=school, cohort=other)

    enrollment = after_sign_in(provider=provider, user=user, email="ana@riverside.example")

    assert enrollment.cohort == other
    assert not enrollment.is_verified


def test_staff_are_never_enrolled(provider, school, cohort):
    staff = make_staff(school, "teacher@riverside.example")
    RosterEntry.objects.create(school=school, email="teacher@riverside.example", cohort=cohort)
    assert after_sign_in(provider=provider, user=staff, email="teacher@riverside.example") is None
    assert not Enrollment.objects.filter(student=staff).exists()


@pytest.mark.parametrize(
    ("trusted", "claims", "vouches"),
    [
        (False, {"amr": ["pwd", "otp"]}, False),  # the school did not say so
        (True, {"amr": ["pwd"]}, False),  # the provider says: a password only
        (True, {"amr": ["pwd", "otp"]}, True),
        (True, {"amr": ["mfa"]}, True),
        (True, {"amr": "hwk"}, False),  # one factor, whatever it is
        (True, {"acr": "https://refeds.org/profile/mfa"}, True),
        (True, {"acr": "urn:okta:loa:1fa:pwd"}, False),
        (True, {}, True),  # no word from the provider: the school's setting alone
    ],
)
def test_a_providers_second_factor_counts_only_where_the_school_trusts_it(
    provider, trusted, claims, vouches
):
    provider.trust_idp_mfa = trusted
    assert vouches_for_second_factor(provider, claims) is vouches


def test_pre_social_login_marks_a_trusted_second_factor_for_allauths_stages(provider):
    provider.trust_idp_mfa = True
    provider.save()
    login = social_login("ana@riverside.example", {"amr": ["pwd", "otp"]})
    SocialAccountAdapter().pre_social_login(RequestFactory().get("/"), login)
    assert login.state[IDP_SECOND_FACTOR] is True

    login = social_login("ana@riverside.example", {"amr": ["pwd"]})
    SocialAccountAdapter().pre_social_login(RequestFactory().get("/"), login)
    assert login.state[IDP_SECOND_FACTOR] is False


def test_staff_whose_provider_vouched_reach_staff_pages_without_our_authenticator(client, staff):
    client.force_login(staff)
    assert client.get(reverse("support_manage")).url == reverse("mfa_activate_totp")

    session = client.session
    session[IDP_SECOND_FACTOR] = True
    session.save()
    assert client.get(reverse("support_manage")).status_code == 200


def test_the_link_to_the_provider_is_in_export_my_data_and_goes_with_the_account(client, student):
    SocialAccount.objects.create(
        user=student, provider="riverside", uid="ana-sub", extra_data={"email": "a@r.example"}
    )
    client.force_login(student)
    export = client.post(reverse("export_my_data"))
    with zipfile.ZipFile(io.BytesIO(export.content)) as archive:
        rows = json.loads(archive.read("school_sign_in.json"))
    assert rows[0]["provider"] == "riverside"
    assert rows[0]["identifier"] == "ana-sub"

    delete_account(user=student)
    assert not SocialAccount.objects.exists()
