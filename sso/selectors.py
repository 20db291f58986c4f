from .models import IdentityProvider


def enabled_providers() -> list[IdentityProvider]:
    return list(IdentityProvider.objects.filter(enabled=True).select_related("school"))


def provider_by_slug(slug: str) -> IdentityProvider | None:
    return IdentityProvider.objects.filter(slug=slug, enabled=True).select_related("school").first()


def provider_of(school) -> IdentityProvider | None:
    return IdentityProvider.objects.filter(school=school).first()
