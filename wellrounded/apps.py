from django.apps import AppConfig


class WellRoundedConfig(AppConfig):
    name = "wellrounded"
    verbose_name = "Well-Rounded"
