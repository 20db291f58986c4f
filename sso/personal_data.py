"""The person's links to their school's identity provider, in "export my data" (the rows are
deleted with the account, by cascade)."""

from allauth.socialaccount.models import SocialAccount

from accounts.personal_data import PersonalDataset, register


def export_sign_in_accounts(user) -> list[dict]:
    return [
        {
            "provider": account.provider,
            "identifier": account.uid,
            "first_sign_in": account.date_joined,
            "last_sign_in": account.last_login,
            "claims": account.extra_data,
        }
        for account in SocialAccount.objects.filter(user=user).order_by("pk")
    ]


def register_datasets() -> None:
    register(
        PersonalDataset(
            "school_sign_in",
            "your accounts at your school's identity provider, and what it last said about you",
            export_sign_in_accounts,
        )
    )
