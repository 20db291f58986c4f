"""Who a signed-in request is, kept in its session: asked once at sign-in, not on every page.

A student's pages need their enrollment, school, cohort and school time zone; the middleware
needs to know whether the user holds a staff role (staff must use a second factor). Reading
them from the database on every request cost one query or two per request (a check-in's
included), so they are written into the session when the user signs in and rewritten, in
every session of that user, whenever they change: an enrollment or staff role saved or
deleted, or a school edited (post_save / post_delete below). A session from before this
existed is filled in on its first request.
"""

from dataclasses import asdict, dataclass

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from schools.models import Cohort, Enrollment, School, StaffMembership

from .models import Session

SESSION_KEY = "identity"


@dataclass(frozen=True)
class Identity:
    """The user's place in a school, as the session keeps it (plain values only)."""

    enrollment_id: int | None = None
    school_id: int | None = None
    cohort_id: int | None = None
    timezone: str | None = None  # the school's (a student's, else a staff member's)
    staff_school_id: int | None = None
    staff_role: str | None = None

    @property
    def is_student(self) -> bool:
        return self.enrollment_id is not None

    @property
    def is_school_staff(self) -> bool:
        return self.staff_role is not None

    def enrollment(self, user) -> Enrollment | None:
        """The student's enrollment as a model instance built from the session, with its
        school and cohort, without a query; any other field is loaded when first read (a
        deferred field, as `only()` gives)."""
        if not self.is_student:
            return None
        school = School.from_db("default", ["id", "timezone"], [self.school_id, self.timezone])
        cohort = Cohort.from_db("default", ["id", "school_id"], [self.cohort_id, self.school_id])
        enrollment = Enrollment.from_db(
            "default",
            ["id", "student_id", "school_id", "cohort_id"],
            [self.enrollment_id, user.pk, self.school_id, self.cohort_id],
        )
        enrollment.student, enrollment.school, enrollment.cohort = user, school, cohort
        return enrollment


def identity_in_database(user_id: int) -> Identity:
    """The user's identity as the database has it now (two queries)."""
    enrollment = (
        Enrollment.objects.filter(student_id=user_id)
        .values("pk", "school_id", "cohort_id", "school__timezone")
        .first()
    )
    staff = (
        StaffMembership.objects.filter(user_id=user_id)
        .order_by("pk")
        .values("school_id", "role", "school__timezone")
        .first()
    )
    fields = {}
    if enrollment:
        fields.update(
            enrollment_id=enrollment["pk"],
            school_id=enrollment["school_id"],
            cohort_id=enrollment["cohort_id"],
            timezone=enrollment["school__timezone"],
        )
    if staff:
        fields.update(staff_school_id=staff["school_id"], staff_role=staff["role"])
        fields.setdefault("timezone", staff["school__timezone"])
    return Identity(**fields)


def remember_identity(session, user_id: int) -> Identity:
    """Write the user's identity into `session` (a signed-in session of theirs)."""
    identity = identity_in_database(user_id)
    session[SESSION_KEY] = asdict(identity)
    return identity


def identity_of(request) -> Identity:
    """The signed-in user's identity, from their session (an empty one when signed out)."""
    user = request.user
    if not user.is_authenticated:
        return Identity()
    stored = request.session.get(SESSION_KEY)
    if stored is None:
        return remember_identity(request.session, user.pk)
    return Identity(**stored)


def refresh_identities(user_ids) -> int:
    """Rewrite the identity in every live session of these users (after it changed).
    Returns how many sessions were rewritten: only theirs are read, found by their user
    column."""
    sessions = Session.objects.filter(user_id__in=list(user_ids))
    count = 0
    for session in sessions:
        data = session.get_decoded()
        remember_identity(data, session.user_id)
        session.session_data = Session.objects.encode(data)
        session.save(update_fields=["session_data"])
        count += 1
    return count


@receiver(user_logged_in)
def remember_at_sign_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        remember_identity(request.session, user.pk)


@receiver(post_save, sender=Enrollment)
@receiver(post_delete, sender=Enrollment)
def enrollment_changed(sender, instance, **kwargs):
    refresh_identities([instance.student_id])


@receiver(post_save, sender=StaffMembership)
@receiver(post_delete, sender=StaffMembership)
def staff_role_changed(sender, instance, **kwargs):
    refresh_identities([instance.user_id])


@receiver(post_save, sender=School)
def school_changed(sender, instance, created, **kwargs):
    if created:
        return  # nobody belongs to it yet
    students = Enrollment.objects.filter(school=instance).values_list("student_id", flat=True)
    staff = StaffMembership.objects.filter(school=instance).values_list("user_id", flat=True)
    refresh_identities({*students, *staff})


def account_name(user) -> str:
    """How allauth's messages name the signed-in account: its email, the name its owner
    knows it by (a User's str() is "user <id>" where nothing else is known)."""
    return user.email or str(user)
