from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from schools.models import School, StaffRole
from schools.services import add_staff_member


class Command(BaseCommand):
    help = (
        "Give an email address a staff role at a school. New accounts get no password: the "
        "person sets one with 'Forgot password' and must then set up two-factor authentication."
    )

    def add_arguments(self, parser):
        parser.add_argument("school", help="The school's slug.")
        parser.add_argument("email")
        parser.add_argument("role", choices=[choice.value for choice in StaffRole])

    def handle(self, *args, school, email, role, **options):
        try:
            school_obj = School.objects.get(slug=school)
        except School.DoesNotExist:
            slugs = ", ".join(School.objects.values_list("slug", flat=True)) or "none yet"
            raise CommandError(f"No school with slug {school!r} (known: {slugs}).") from None
        try:
            membership = add_staff_member(school=school_obj, email=email, role=role)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(f"{email} is now {membership}."))
