from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from schools.administration import INVITATION_DAYS, create_school, invitation_link


class Command(BaseCommand):
    help = (
        "Create a school and invite its first administrator: they get an email with a one-time "
        "link (printed here too), set a password and an authenticator app, and manage "
        "everything else in the app."
    )

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="e.g. 'Riverside Medical School'")
        parser.add_argument("--slug", required=True, help="A short unique name, e.g. riverside.")
        parser.add_argument("--timezone", required=True, help="e.g. America/Chicago")
        parser.add_argument("--admin-email", required=True)

    def handle(self, *args, name, slug, timezone, admin_email, **options):
        try:
            school, invitation = create_school(
                name=name, slug=slug, timezone_name=timezone, admin_email=admin_email
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(f"Created {school.name} ({school.slug})."))
        self.stdout.write(
            f"An invitation to be its administrator is on its way to {invitation.email}. "
            f"The link works once, for {INVITATION_DAYS} days:\n{invitation_link(invitation)}"
        )
