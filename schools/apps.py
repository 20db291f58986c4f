from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    name = "schools"
    verbose_name = "Schools"

    def ready(self):
        from allauth.account.signals import email_changed, email_confirmed

        from .receivers import audit_roster_change, refresh_on_email_change
        from .signals import roster_changed

        email_confirmed.connect(refresh_on_email_change, dispatch_uid="roster-email-confirmed")
        email_changed.connect(refresh_on_email_change, dispatch_uid="roster-email-changed")
        roster_changed.connect(audit_roster_change, dispatch_uid="roster-audit")
