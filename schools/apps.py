from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    name = "schools"
    verbose_name = "Schools"

    def ready(self):
        from allauth.account.signals import email_changed, email_confirmed

        from .receivers import (
            audit_roster_change,
            link_placements_on_verification,
            refresh_on_email_change,
        )
        from .signals import roster_changed, schedule_changed, verifications_changed

        email_confirmed.connect(refresh_on_email_change, dispatch_uid="roster-email-confirmed")
        email_changed.connect(refresh_on_email_change, dispatch_uid="roster-email-changed")
        roster_changed.connect(audit_roster_change, dispatch_uid="roster-audit")
        schedule_changed.connect(audit_roster_change, dispatch_uid="schedule-audit")
        verifications_changed.connect(
            link_placements_on_verification, dispatch_uid="placements-follow-verification"
        )
