from django.core.management.base import BaseCommand, CommandError

from circles.services import match_waiting_students
from schools.models import School


class Command(BaseCommand):
    help = "Form peer circles and buddy pairs from the students waiting (all schools by default)."

    def add_arguments(self, parser):
        parser.add_argument("school", nargs="?", help="A school's slug; all schools if omitted.")

    def handle(self, *args, school=None, **options):
        schools = School.objects.all()
        if school:
            schools = schools.filter(slug=school)
            if not schools.exists():
                raise CommandError(f"No school with the slug {school!r}.")
        for each in schools.order_by("slug"):
            created = match_waiting_students(school=each)
            self.stdout.write(f"{each.slug}: {len(created)} new circle(s) or buddy pair(s)")
