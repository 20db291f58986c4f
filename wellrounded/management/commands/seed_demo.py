import time
from datetime import date
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from accounts.models import User
from checkins.demo import add_demo_notes, generate_checkins
from checkins.rollups import rebuild_rollups
from circles.demo import generate_demo_circles
from cohorts.demo import generate_demo_campaigns
from cohorts.publishing import publish_due
from habits.demo import generate_habits
from insights.demo import generate_reflections
from learn.demo import generate_demo_lessons
from planner.demo import generate_demo_schedules
from schools.demo import (
    DEMO_DOMAIN,
    DEMO_SLUG,
    academic_year_start,
    create_demo_school,
    demo_logins,
)
from schools.models import RosterEntry, School
from support.demo import seed_help_directory

# A school of four classes of 150 on its roster, of whom half use the app, with ten weeks of
# history: the size of a real school's dashboard, seeded in under a minute here.
DEFAULT_STUDENTS = 300
DEFAULT_DAYS = 70


class Command(BaseCommand):
    help = (
        "Create the Northbrook demo school: cohorts, students with placements, staff, a help "
        "directory, and --days of check-ins and screenings, reproducibly from --seed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--students",
            type=int,
            default=DEFAULT_STUDENTS,
            help="Students who have joined the app (the roster lists four classes of 150).",
        )
        parser.add_argument(
            "--days", type=int, default=DEFAULT_DAYS, help="Days of history to generate."
        )
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--today", type=date.fromisoformat, default=None, help="Reference date (YYYY-MM-DD)."
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (but print the logins) if the demo school already exists.",
        )

    def handle(self, *args, students, days, seed, today, if_empty, **options):
        if students < 1 or days < 1:
            raise CommandError("--students and --days must be at least 1.")
        if School.objects.filter(slug=DEMO_SLUG).exists():
            if not if_empty:
                raise CommandError(
                    "The demo school already exists. Use a fresh database (or --if-empty)."
                )
            self.print_logins(demo_logins(), [])
            return
        # The demo school's own today (it keeps the default time zone): from midnight UTC to
        # midnight in New York, UTC's date is already tomorrow there.
        zone = ZoneInfo(School._meta.get_field("timezone").default)
        today = today or timezone.localdate(timezone=zone)
        started = time.monotonic()
        with transaction.atomic():
            demo, checkins = self.generate(students, days, seed, today)
        seconds = time.monotonic() - started
        on_roster = RosterEntry.objects.filter(school=demo.school).count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {demo.school.name}: {on_roster} students on the roster in "
                f"{len(demo.cohorts)} cohorts, {len(demo.students)} of them using the app, "
                f"{checkins} check-ins over {days} days to {today}, in {seconds:.1f} s."
            )
        )
        self.print_logins(demo.logins, demo.invite_codes)

    def generate(self, students, days, seed, today):
        with tqdm(total=students, unit="student", desc="demo school", disable=None) as bar:
            demo = create_demo_school(
                students=students, days=days, seed=seed, today=today, progress=bar.update
            )
        seed_help_directory(demo.school)
        expected = int(students * days * 0.62)
        with tqdm(total=expected, unit="check-in", desc="check-ins", disable=None) as bar:
            checkins = generate_checkins(demo, progress=bar.update)
        add_demo_notes(User.objects.get(email=f"student@{DEMO_DOMAIN}"), demo.rng)
        generate_habits(demo)
        generate_reflections(demo)
        rebuild_rollups()
        third_years = demo.cohorts[0]
        generate_demo_campaigns(
            cohort=third_years,
            student_ids=[
                s.user_id for s in demo.students if s.cohort_year == third_years.graduation_year
            ],
            today=today,
            clerkships_start=academic_year_start(today),
            seed=seed,
        )
        generate_demo_circles(demo)
        generate_demo_lessons(demo)
        generate_demo_schedules(demo)
        # Publish every week (and survey) already due, as the daily `publish_releases` would
        # have: staff see the demo's history at once.
        publish_due(demo.school, today=today)
        return demo, checkins

    def print_logins(self, logins, invite_codes):
        self.stdout.write("\nDemo logins (staff are asked to set up an authenticator app):")
        for role, email, password in logins:
            self.stdout.write(f"  {role:<28} {email:<40} {password}")
        for cohort, code in invite_codes:
            self.stdout.write(f"  invite code for {cohort}: {code}")
