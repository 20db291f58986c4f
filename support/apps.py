from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "support"
    verbose_name = "Support"

    def ready(self) -> None:
        from .personal_data import register_datasets

        register_datasets()
