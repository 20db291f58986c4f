"""The operator hosts the instance and sees no user, email, secret or answer in the admin.

Tried as the operator would: over HTTP, signed in with a second factor, opening every page
the admin offers, with students, staff, their addresses and their TOTP secrets in the database.
"""

import re

import pytest
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import models

from checkins.services import record_screening
from conftest import with_totp
from insights.services import write_reflection
from schools.models import InviteCode

pytestmark = pytest.mark.django_db

# What the operator manages: the schools, their cohorts and invite codes, the rotation
# catalogue. Nothing else is registered.
OPERATOR_MODELS = {"schools.School", "schools.Cohort", "schools.InviteCode", "schools.Rotation"}
SECRET_LOOKING = re.compile(r"email|secret|password|token|key|hash|otp|ip_address", re.I)


def reaches_a_person(model, seen=None) -> bool:
    """Whether a row of `model` leads to a user through its own relations (at any depth)."""
    seen = set() if seen is None else seen
    if model is get_user_model():
        return True
    seen.add(model)
    for field in model._meta.get_fields():
        if not field.is_relation or field.auto_created:
            continue  # plain values, and relations that other models hold
        if field.related_model is None:
            return True  # a generic relation can point at anyone
        if field.related_model not in seen and reaches_a_person(field.related_model, seen):
            return True
    return False


def holds_a_secret(model) -> list[str]:
    return [
        field.name
        for field in model._meta.concrete_fields
        if SECRET_LOOKING.search(field.name)
        or isinstance(field, models.EmailField | models.BinaryField | models.GenericIPAddressField)
    ]


def registered_models() -> list:
    return [model for model in apps.get_models() if admin.site.is_registered(model)]


def test_only_the_operators_models_are_registered():
    assert {model._meta.label for model in registered_models()} == OPERATOR_MODELS


def test_no_registered_model_or_inline_reaches_a_person_or_holds_a_secret():
    shown = []
    for model in registered_models():
        shown.append(model)
        shown.extend(inline.model for inline in admin.site.get_model_admin(model).inlines)
    assert shown, "nothing is registered in the admin?"
    for model in shown:
        assert not reaches_a_person(model), f"{model._meta.label} leads to a person"
        assert holds_a_secret(model) == [], f"{model._meta.label} holds {holds_a_secret(model)}"


def test_the_walk_would_catch_the_models_that_were_registered_before():
    """The check above is only as good as its detector: it flags what allauth registers."""
    from allauth.account.models import EmailAddress

    from accounts.models import User
    from schools.models import Enrollment

    for model in (EmailAddress, Authenticator, User, Enrollment):
        assert reaches_a_person(model), model
    assert holds_a_secret(EmailAddress) == ["email"]


@pytest.fixture
def operator_client(client, operator):
    with_totp(operator)
    client.force_login(operator)
    return client


@pytest.fixture
def people(school, cohort, invite, student, classmate, staff, other_staff):
    """Students who wrote something, staff with second factors, and what must stay hidden."""
    record_screening(student=student, instrument_id="who5", answers=[3] * 5, submission_key="a")
    write_reflection(student=student, body="only for me")
    secrets = [with_totp(staff), with_totp(other_staff)]
    stored = [a.data["secret"] for a in Authenticator.objects.filter(type="totp")]
    users = [student, classmate, staff, other_staff]
    return {
        "emails": [user.email for user in users],
        "secrets": secrets + stored + ["only for me"],
    }


def admin_links(html: str) -> set[str]:
    return set(re.findall(r'href="(/admin/[a-z_]+/[a-z_]+/)"', html))


def test_the_operator_opens_every_admin_page_and_sees_no_person(operator_client, people):
    index = operator_client.get("/admin/")
    assert index.status_code == 200
    listed = {
        f"{m['model']._meta.label}" for app in index.context["app_list"] for m in app["models"]
    }
    assert listed == OPERATOR_MODELS

    pages = ["/admin/"]
    for link in sorted(admin_links(index.content.decode())):
        pages += [link, f"{link}add/"]
        changelist = operator_client.get(link).content.decode()
        pages += sorted(set(re.findall(rf'href="({re.escape(link)}\d+/change/)"', changelist)))
    assert any(page.endswith("/change/") for page in pages), "no object page was opened"

    for page in pages:
        response = operator_client.get(page)
        assert response.status_code == 200, page
        body = response.content.decode()
        for value in people["emails"] + people["secrets"]:
            assert value not in body, f"{page} shows {value!r}"


@pytest.mark.parametrize(
    "path",
    [
        "/admin/account/emailaddress/",
        "/admin/mfa/authenticator/",
        "/admin/django_tasks_database/dbtaskresult/",
        "/admin/auth/group/",
        "/admin/auth/user/",
        "/admin/accounts/user/",
        "/admin/schools/enrollment/",
        "/admin/sessions/session/",
    ],
)
def test_the_personal_tables_are_not_in_the_admin(operator_client, people, path):
    assert operator_client.get(path).status_code == 404


def test_the_operator_still_manages_invite_codes(operator_client, people, invite):
    response = operator_client.get(f"/admin/schools/invitecode/{invite.pk}/change/")

    assert response.status_code == 200
    assert invite.code in response.content.decode()
    assert InviteCode.objects.filter(pk=invite.pk).exists()
