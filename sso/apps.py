from django.apps import AppConfig


class SsoConfig(AppConfig):
    name = "sso"
    verbose_name = "Single sign-on"

    def ready(self) -> None:
        from . import receivers  # noqa: F401 - connects the sign-in receiver
        from .personal_data import register_datasets

        register_datasets()
