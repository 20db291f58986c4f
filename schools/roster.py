"""The school's roster, and who counts.

A student counts toward their school's figures (any n, and "enrolled") only when their
enrollment is *verified*: their primary email address is verified, and either the school's
roster lists that address in the student's cohort, or they signed in through the school's
identity provider. An invite code alone lets a person in but not into the aggregates: with a
cohort's code anyone could sign up fake classmates, answer alongside one real student and
subtract the fakes out of the group's figures.

Nothing is grandfathered: a school without a roster has no verified students, so it shows no
figures until its administrator uploads one.
"""

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from openpyxl import load_workbook

from .models import Cohort, Enrollment, RosterEntry, School, StaffMembership, VerifiedBy
from .signals import roster_changed, verification_changed, verifications_changed

__all__ = [
    "RosterRow",
    "RowError",
    "ImportResult",
    "verification_for",
    "refresh_verification",
    "refresh_verifications",
    "mark_verified_by_identity_provider",
    "parse_roster",
    "import_roster",
    "remove_from_roster",
    "verification_changed",
]

HEADER = ["email", "cohort"]
# Four class years of a large school, with room to spare; a bigger file is a mistake.
MAX_ROWS = 20_000
MAX_BYTES = 5 * 1024 * 1024
XLSX_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class RosterRow:
    row: int  # as a spreadsheet numbers it: the header is row 1
    email: str
    cohort: Cohort


@dataclass(frozen=True)
class RowError:
    row: int | None  # None: the file as a whole
    reason: str

    def __str__(self) -> str:
        return f"Row {self.row}: {self.reason}" if self.row else self.reason


@dataclass(frozen=True)
class ImportResult:
    added: int
    moved: int  # listed before in another cohort
    removed: int
    unchanged: int


# Verification ---------------------------------------------------------------------------------


def countable_emails(user_ids: Iterable[int]) -> dict[int, str]:
    """Each user's primary email, lower-cased, for those who have verified it and are not
    staff (staff never count as students; add_staff_member keeps them apart anyway)."""
    user_ids = list(user_ids)
    staff = set(
        StaffMembership.objects.filter(user_id__in=user_ids).values_list("user_id", flat=True)
    )
    return {
        user_id: email.lower()
        for user_id, email in EmailAddress.objects.filter(
            user_id__in=user_ids, primary=True, verified=True
        ).values_list("user_id", "email")
        if user_id not in staff
    }


def verification_for(enrollment: Enrollment) -> str:
    """How `enrollment` is verified now (a VerifiedBy value), or "" if it is not."""
    return verifications_for([enrollment])[enrollment.pk]


def verifications_for(enrollments: list[Enrollment]) -> dict[int, str]:
    """verification_for() of each enrollment (by id), in three queries whatever their number."""
    emails = countable_emails(e.student_id for e in enrollments)
    listed = set(
        RosterEntry.objects.filter(
            school_id__in={e.school_id for e in enrollments}, email__in=set(emails.values())
        ).values_list("school_id", "email", "cohort_id")
    )
    found = {}
    for enrollment in enrollments:
        email = emails.get(enrollment.student_id)
        if email is None:
            found[enrollment.pk] = ""
        elif enrollment.verified_by == VerifiedBy.IDENTITY_PROVIDER:
            found[enrollment.pk] = VerifiedBy.IDENTITY_PROVIDER
        elif (enrollment.school_id, email, enrollment.cohort_id) in listed:
            found[enrollment.pk] = VerifiedBy.ROSTER
        else:
            found[enrollment.pk] = ""
    return found


def save_verifications(pairs: list[tuple[Enrollment, Enrollment]], found: dict[int, str]) -> None:
    """Store each `found` verification on the locked row and the caller's instance; send
    `verification_changed` for each enrollment that started or stopped counting."""
    now = timezone.now()
    changed, flipped = [], []
    for enrollment, locked in pairs:
        verified_by = found[locked.pk]
        was_verified = locked.verified_at is not None
        if (locked.verified_by, was_verified) != (verified_by, bool(verified_by)):
            locked.verified_by = verified_by
            locked.verified_at = (locked.verified_at or now) if verified_by else None
            changed.append(locked)
        enrollment.verified_at, enrollment.verified_by = locked.verified_at, locked.verified_by
        if was_verified != bool(verified_by):
            flipped.append(enrollment)
    # Grouped by the new state (nearly all share `now`): a few UPDATEs, where bulk_update's
    # one CASE per row grows slow with a school's whole roster.
    by_state: dict[tuple, list[int]] = {}
    for row in changed:
        by_state.setdefault((row.verified_by, row.verified_at), []).append(row.pk)
    for (verified_by, verified_at), ids in by_state.items():
        Enrollment.objects.filter(pk__in=ids).update(
            verified_by=verified_by, verified_at=verified_at
        )
    for enrollment in flipped:
        verification_changed.send(
            sender=Enrollment, enrollment=enrollment, verified=enrollment.verified_at is not None
        )
    if flipped:
        verifications_changed.send(
            sender=Enrollment, changes=[(e, e.verified_at is not None) for e in flipped]
        )


@transaction.atomic
def refresh_verifications(
    enrollments: Iterable[Enrollment], *, keep_identity_provider: bool = True
) -> None:
    """Set or clear each enrollment's `verified_at` from the rules above.

    Sends `verification_changed` (sender=Enrollment, enrollment=..., verified=...) for each
    one whose answer changes, and only for those. An identity-provider verification stands
    until the email stops being verified or the school takes the address off its roster
    (`keep_identity_provider=False`); the student's next SSO sign-in restores it.
    """
    enrollments = list(enrollments)
    locked = Enrollment.objects.select_for_update().in_bulk([e.pk for e in enrollments])
    pairs = [(e, locked[e.pk]) for e in enrollments if e.pk in locked]
    if not keep_identity_provider:
        for _, row in pairs:
            if row.verified_by == VerifiedBy.IDENTITY_PROVIDER:
                row.verified_by = ""
    save_verifications(pairs, verifications_for([row for _, row in pairs]))


def refresh_verification(enrollment: Enrollment, *, keep_identity_provider: bool = True) -> bool:
    """refresh_verifications() of one enrollment; return whether it counts now."""
    refresh_verifications([enrollment], keep_identity_provider=keep_identity_provider)
    return enrollment.verified_at is not None


@transaction.atomic
def mark_verified_by_identity_provider(enrollment: Enrollment) -> bool:
    """The hook for single sign-on: call it when the student has just signed in through their
    school's identity provider (an OpenID Connect or SAML login that allauth's socialaccount
    matched to `enrollment.school`'s configured provider and allowed email domains), e.g. from
    a receiver of allauth's `social_account_added`/`user_logged_in` signals.

    The provider vouches that the person is the school's, whatever the roster says; their
    primary email must still be verified (allauth marks a provider's asserted email verified
    when the provider is trusted to). Returns whether the enrollment now counts.
    """
    locked = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    countable = locked.student_id in countable_emails([locked.student_id])
    verified_by = VerifiedBy.IDENTITY_PROVIDER if countable else ""
    save_verifications([(enrollment, locked)], {locked.pk: verified_by})
    return countable


def enrollments_with_emails(school: School, emails: set[str]) -> list[Enrollment]:
    """The enrollments at `school` whose primary email is one of `emails`."""
    if not emails:
        return []
    user_ids = (
        EmailAddress.objects.annotate(lower_email=Lower("email"))
        .filter(primary=True, lower_email__in=emails)
        .values("user_id")
    )
    return list(Enrollment.objects.filter(school=school, student_id__in=user_ids))


# Parsing --------------------------------------------------------------------------------------


def read_rows(file) -> list[list[str]]:
    """The file's rows as lists of text, from CSV (UTF-8, with or without a BOM) or XLSX."""
    data = file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationError("The file is larger than 5 MB. Split it, or remove other columns.")
    if data.startswith(XLSX_MAGIC):
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds for a damaged file
            raise ValidationError(
                "This spreadsheet could not be read. Save it again as .xlsx or .csv."
            ) from error
        sheet = workbook.worksheets[0]
        rows = [
            ["" if cell is None else str(cell).strip() for cell in row]
            for row in sheet.iter_rows(values_only=True)
        ]
        workbook.close()
        return rows
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(
            "The file is not UTF-8 text. Save it as “CSV UTF-8”, or upload the .xlsx itself."
        ) from error
    try:
        return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]
    except csv.Error as error:
        raise ValidationError(f"This is not a CSV file we can read ({error}).") from error


def cohort_year(text: str) -> int | None:
    """2028 from "2028", "2028.0" (a spreadsheet's number) or "Class of 2028"."""
    text = text.strip().lower().removeprefix("class of").strip().removesuffix(".0")
    return int(text) if text.isdigit() else None


def parse_roster(file, school: School) -> tuple[list[RosterRow], list[RowError]]:
    """Read a roster file (header `email,cohort`; cohort = graduation year) for `school`.

    All or nothing: if any row is wrong, no entries are returned and every problem is, each
    with its row number, so the administrator can fix the file in one pass.
    """
    try:
        rows = read_rows(file)
    except ValidationError as error:
        return [], [RowError(None, error.messages[0])]
    rows = [(number, row) for number, row in enumerate(rows, start=1) if any(row)]
    if not rows:
        return [], [RowError(None, "The file is empty. Start from the template.")]
    header_number, header = rows[0]
    header = [name.strip().lower() for name in header]
    while header and header[-1] == "":
        header.pop()
    if sorted(header) != sorted(HEADER):
        return [], [
            RowError(
                header_number,
                f"the first row must name the columns “email,cohort” (found “{','.join(header)}”).",
            )
        ]
    email_at, cohort_at = header.index("email"), header.index("cohort")
    if len(rows) - 1 > MAX_ROWS:
        return [], [RowError(None, f"The file has more than {MAX_ROWS:,} students.")]
    cohorts = {c.graduation_year: c for c in Cohort.objects.filter(school=school)}
    staff_emails = {
        email.lower() for email in StaffMembership.objects.values_list("user__email", flat=True)
    }
    entries: list[RosterRow] = []
    errors: list[RowError] = []
    first_row_of: dict[str, int] = {}
    known_years = ", ".join(str(year) for year in sorted(cohorts)) or "none yet"
    for number, row in rows[1:]:
        row = row + [""] * (len(header) - len(row))
        email = row[email_at].strip().lower()
        year_text = row[cohort_at].strip()
        if any(cell for i, cell in enumerate(row) if i >= len(header)):
            errors.append(RowError(number, "has more cells than the header has columns."))
            continue
        try:
            validate_email(email)
        except ValidationError:
            errors.append(RowError(number, f"“{row[email_at]}” is not an email address."))
            continue
        year = cohort_year(year_text)
        if year not in cohorts:
            errors.append(
                RowError(
                    number,
                    f"“{year_text}” is not one of your school's cohorts "
                    f"(graduation years: {known_years}).",
                )
            )
            continue
        if email in first_row_of:
            errors.append(
                RowError(number, f"{email} is listed twice (first on row {first_row_of[email]}).")
            )
            continue
        first_row_of[email] = number
        if email in staff_emails:
            errors.append(
                RowError(number, f"{email} is a staff account; staff cannot be students.")
            )
            continue
        entries.append(RosterRow(number, email, cohorts[year]))
    if errors:
        return [], errors
    if not entries:
        return [], [RowError(None, "The file has a header but no students.")]
    return entries, []


# Changes --------------------------------------------------------------------------------------


@transaction.atomic
def import_roster(school: School, entries: list[RosterRow], *, replace: bool, by) -> ImportResult:
    """Add the parsed `entries` to `school`'s roster (moving any listed in another cohort);
    with `replace`, also remove every entry the file does not list. One transaction."""
    if any(entry.cohort.school_id != school.pk for entry in entries):
        raise ValidationError("Every entry must be in one of this school's cohorts.")
    # One roster change of a school at a time: two uploads at once must not both add an address.
    School.objects.select_for_update().filter(pk=school.pk).first()
    existing = {e.email: e for e in RosterEntry.objects.filter(school=school)}
    listed = {entry.email for entry in entries}
    to_add, to_move = [], []
    for entry in entries:
        current = existing.get(entry.email)
        if current is None:
            to_add.append(RosterEntry(school=school, email=entry.email, cohort=entry.cohort))
        elif current.cohort_id != entry.cohort.pk:
            current.cohort = entry.cohort
            to_move.append(current)
    RosterEntry.objects.bulk_create(to_add)
    RosterEntry.objects.bulk_update(to_move, ["cohort"])
    removed: set[str] = set()
    if replace:
        removed = set(existing) - listed
        RosterEntry.objects.filter(school=school, email__in=removed).delete()
    result = ImportResult(
        added=len(to_add),
        moved=len(to_move),
        removed=len(removed),
        unchanged=len(entries) - len(to_add) - len(to_move),
    )
    refresh_verifications(
        enrollments_with_emails(school, {e.email for e in to_add} | {e.email for e in to_move})
    )
    refresh_verifications(enrollments_with_emails(school, removed), keep_identity_provider=False)
    roster_changed.send(sender=School, school=school, kind="roster_imported", actor_id=by.pk)
    return result


@transaction.atomic
def remove_from_roster(school: School, email: str, *, by=None) -> bool:
    """Take `email` off `school`'s roster (a student who withdrew); return whether it was on."""
    email = email.strip().lower()
    School.objects.select_for_update().filter(pk=school.pk).first()
    deleted, _ = RosterEntry.objects.filter(school=school, email=email).delete()
    if not deleted:
        return False
    # The school says this address is not its student's: no verification stands.
    refresh_verifications(enrollments_with_emails(school, {email}), keep_identity_provider=False)
    roster_changed.send(
        sender=School,
        school=school,
        kind="roster_entry_removed",
        actor_id=getattr(by, "pk", None),
    )
    return True
