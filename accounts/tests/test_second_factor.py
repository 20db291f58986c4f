"""allauth's "enter your code" step is skipped only for a single sign-on whose identity provider
vouched for a second factor where the school trusts it (sso sets the mark)."""

import pytest
from allauth.account.adapter import get_adapter
from allauth.account.models import Login
from allauth.account.stages import LoginStageController
from allauth.socialaccount.models import SocialAccount, SocialLogin
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from accounts.second_factor import IDP_SECOND_FACTOR, SecondFactorStage
from conftest import with_totp

pytestmark = pytest.mark.django_db


def stage_for(user, *, sociallogin=None) -> SecondFactorStage:
    request = RequestFactory().get("/")
    request.session = SessionStore()
    login = Login(user=user, signal_kwargs={"sociallogin": sociallogin} if sociallogin else None)
    return SecondFactorStage(LoginStageController(request, login), request, login)


def vouched(user, value: bool) -> SocialLogin:
    login = SocialLogin(user=user, account=SocialAccount(provider="riverside", uid="x"))
    login.state[IDP_SECOND_FACTOR] = value
    return login


def test_our_stage_replaces_allauths_code_step():
    stages = get_adapter().get_login_stages()
    assert "accounts.second_factor.SecondFactorStage" in stages
    assert "allauth.mfa.stages.AuthenticateStage" not in stages


def test_a_password_sign_in_with_an_authenticator_is_asked_for_the_code(staff):
    with_totp(staff)
    response, go_on = stage_for(staff).handle()
    assert response is not None and response.status_code == 302


def test_a_single_sign_on_the_provider_did_not_vouch_for_is_asked_for_the_code(staff):
    with_totp(staff)
    response, _ = stage_for(staff, sociallogin=vouched(staff, False)).handle()
    assert response is not None


def test_a_single_sign_on_the_school_trusts_skips_the_code(staff):
    with_totp(staff)
    assert stage_for(staff, sociallogin=vouched(staff, True)).handle() == (None, True)
