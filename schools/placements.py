"""Rotation schedules: the school's placements file, and the blocks a student adds.

A school keeps its clerkship schedule in a scheduling system and exports it as a spreadsheet:
one block a row (student's email, rotation, site, first day, last day). The administrator
uploads it, previews what would change, and imports it all or nothing.

Which blocks a file replaces: for every student the file lists, the school's blocks that
overlap the dates the file covers (its first start to its last end). A block is known by its
student's address and first day, so re-importing the same file changes nothing, and a changed
row (another rotation, site or last day) updates that block in place. Students the file does not
list, and blocks outside its dates, are left alone, so a file of one class year or one term
never wipes the rest.

A school block is keyed by the roster address, not the account: the school schedules students
before they join, and nothing on its pages may tell the administrator which students use
Well-Rounded. It is linked to the student's account while their enrollment is verified (the
roster lists that address, or they signed in through the school's identity provider).

A student adds their own blocks where the school imports none. A school block always wins: a
student cannot add a block over it (they flag it as wrong instead), and an imported block
replaces any of the student's own blocks it overlaps.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Case, IntegerField, Value, When
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import slugify

from .models import (
    CohortPhase,
    Enrollment,
    FlagReason,
    Phase,
    Placement,
    PlacementSource,
    RosterEntry,
    Rotation,
    School,
)
from .roster import RowError, read_rows
from .signals import schedule_changed

HEADER = ["email", "rotation", "site", "start date", "end date"]
# Four class years of a large school, a year of blocks each, with room to spare.
MAX_ROWS = 20_000
SITE_LENGTH = 120
LINK_BATCH = 500

# What scheduling systems call each column, after lower-casing and turning _ - . into spaces.
COLUMN_NAMES = {
    "email": {
        "email", "e mail", "email address", "student email", "student e mail",
        "student email address", "student", "learner email", "school email",
    },
    "rotation": {
        "rotation", "rotation name", "clerkship", "clerkship name", "course", "course name",
        "discipline", "specialty", "speciality", "block name", "rotation title",
    },
    "site": {"site", "site name", "location", "hospital", "clinical site", "placement site"},
    "starts_on": {
        "start", "start date", "starts", "starts on", "from", "begin", "begins", "begin date",
        "first day", "date from", "block start",
    },
    "ends_on": {
        "end", "end date", "ends", "ends on", "to", "until", "finish", "finish date", "last day",
        "date to", "block end",
    },
}  # fmt: skip
REQUIRED = ["email", "rotation", "starts_on", "ends_on"]
DATE_FORMATS = ("%Y-%m-%d", "%d %b %Y", "%d %B %Y", "%b %d %Y", "%B %d %Y")


@dataclass(frozen=True)
class PlacementRow:
    row: int  # as a spreadsheet numbers it: the header is row 1
    email: str
    rotation: str  # as the file names it
    site: str
    starts_on: date | None
    ends_on: date | None


@dataclass(frozen=True)
class Block:
    row: int
    email: str
    rotation: Rotation
    site: str
    starts_on: date
    ends_on: date


@dataclass
class Checked:
    """A parsed file checked against the school: its blocks, or its problems."""

    blocks: list[Block] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    # Rotation names the catalogue does not know, as the file writes them (first spelling).
    unknown_rotations: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ImportPlan:
    add: list[Block]
    update: list[tuple[Placement, Block]]
    remove: list[Placement]
    unchanged: int
    replaces_own: int  # students' own blocks an imported one overlaps

    @property
    def changes(self) -> bool:
        return bool(self.add or self.update or self.remove or self.replaces_own)


# Parsing --------------------------------------------------------------------------------------


def column_key(name: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[_\-.]", " ", name.strip().lower())).strip()


def header_columns(header: list[str]) -> tuple[dict[str, int], str | None]:
    """Which cell of a row holds each column, or what is wrong with the header."""
    found: dict[str, int] = {}
    for at, name in enumerate(header):
        key = column_key(name)
        for column, names in COLUMN_NAMES.items():
            if key in names:
                if column in found:
                    return {}, f"two columns name the {column.replace('_', ' ')} (“{name}”)."
                found[column] = at
    missing = [
        c.replace("starts_on", "start date").replace("ends_on", "end date")
        for c in REQUIRED
        if c not in found
    ]
    if missing:
        return {}, (
            f"the first row must name the columns; no column for: {', '.join(missing)} "
            f"(found “{', '.join(h for h in header if h)}”). Start from the template."
        )
    return found, None


def parse_date(text: str) -> date | None:
    """A date as a spreadsheet or a scheduling system writes it, never a guess between day and
    month: 2027-01-04, 2027-01-04 00:00:00 (a spreadsheet's date cell), 4 Jan 2027."""
    text = " ".join(text.replace(",", " ").split())
    if re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", text):
        text = text[:10]
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def parse_placements(file) -> tuple[list[PlacementRow], list[RowError]]:
    """Read a placements file (CSV or XLSX) into rows; the file's own problems, if any."""
    try:
        rows = read_rows(file)
    except ValidationError as error:
        return [], [RowError(None, error.messages[0])]
    return rows_from_cells(rows)


def rows_from_cells(cells: list[list[str]]) -> tuple[list[PlacementRow], list[RowError]]:
    rows = [(number, row) for number, row in enumerate(cells, start=1) if any(row)]
    if not rows:
        return [], [RowError(None, "The file is empty. Start from the template.")]
    header_number, header = rows[0]
    columns, problem = header_columns(header)
    if problem:
        return [], [RowError(header_number, problem)]
    if len(rows) - 1 > MAX_ROWS:
        return [], [RowError(None, f"The file has more than {MAX_ROWS:,} blocks. Split it.")]
    if len(rows) == 1:
        return [], [RowError(None, "The file has a header but no blocks.")]

    def cell(row: list[str], column: str) -> str:
        at = columns.get(column)
        return row[at].strip() if at is not None and at < len(row) else ""

    parsed = []
    for number, row in rows[1:]:
        start, end = cell(row, "starts_on"), cell(row, "ends_on")
        parsed.append(
            PlacementRow(
                row=number,
                email=cell(row, "email").lower(),
                rotation=cell(row, "rotation"),
                site=cell(row, "site"),
                starts_on=parse_date(start),
                ends_on=parse_date(end),
            )
        )
    return parsed, []


def rows_to_json(rows: list[PlacementRow]) -> list[list]:
    """The parsed rows, to keep between the upload and the import (in the session)."""
    return [
        [
            r.row, r.email, r.rotation, r.site,
            r.starts_on.isoformat() if r.starts_on else "",
            r.ends_on.isoformat() if r.ends_on else "",
        ]
        for r in rows
    ]  # fmt: skip


def rows_from_json(data: list[list]) -> list[PlacementRow]:
    return [
        PlacementRow(
            row=int(row),
            email=str(email),
            rotation=str(rotation),
            site=str(site),
            starts_on=date.fromisoformat(start) if start else None,
            ends_on=date.fromisoformat(end) if end else None,
        )
        for row, email, rotation, site, start, end in data
    ]


# Checking -------------------------------------------------------------------------------------


def catalogue_of(school: School):
    """The school's rotation catalogue: the shared rows and its own."""
    return Rotation.catalogue_of(school)


def rotation_lookup(school: School) -> dict[str, Rotation]:
    """Each catalogue rotation by its lower-cased name and slug; the school's own rows win."""
    found: dict[str, Rotation] = {}
    for rotation in sorted(catalogue_of(school), key=lambda r: r.school_id is not None):
        found[rotation.name.strip().lower()] = rotation
        found[rotation.slug] = rotation
    return found


def known_students(school: School, emails: set[str]) -> set[str]:
    """Of `emails`, those on the school's roster. Only the roster: accepting a student whom the
    school's identity provider verified but the roster does not list would tell the
    administrator, by the absence of an error, that this address uses Well-Rounded."""
    return set(
        RosterEntry.objects.filter(school=school, email__in=emails).values_list("email", flat=True)
    )


def check_rows(
    school: School, rows: list[PlacementRow], mapping: dict[str, Rotation] | None = None
) -> Checked:
    """Every problem of every row, or the blocks: all or nothing.

    `mapping` maps a rotation name the catalogue does not know (lower-cased) to a catalogue
    rotation, as the administrator chose in the preview.
    """
    mapping = mapping or {}
    lookup = rotation_lookup(school)
    checked = Checked()
    unknown: dict[str, str] = {}
    known = known_students(school, {r.email for r in rows})
    by_student: dict[str, list[Block]] = defaultdict(list)
    for r in rows:
        problems = []
        try:
            validate_email(r.email)
        except ValidationError:
            problems.append(f"“{r.email}” is not an email address.")
        else:
            if r.email not in known:
                problems.append(
                    f"{r.email} is not one of your school's students (not on the roster)."
                )
        name = r.rotation.strip().lower()
        rotation = mapping.get(name) or lookup.get(name) or lookup.get(slugify(r.rotation))
        if not r.rotation:
            problems.append("has no rotation.")
        elif rotation is None:
            unknown.setdefault(name, r.rotation)
            problems.append(
                f"“{r.rotation}” is not in your rotation catalogue: choose which rotation it is "
                "below, or add it to the catalogue."
            )
        if r.starts_on is None or r.ends_on is None:
            problems.append("needs a start date and an end date written as 2027-01-04.")
        elif r.ends_on < r.starts_on:
            problems.append(
                f"ends ({r.ends_on:%Y-%m-%d}) before it starts ({r.starts_on:%Y-%m-%d})."
            )
        if len(r.site) > SITE_LENGTH:
            problems.append(f"the site name is longer than {SITE_LENGTH} characters.")
        if problems:
            checked.errors.append(RowError(r.row, " ".join(problems)))
            continue
        block = Block(r.row, r.email, rotation, r.site, r.starts_on, r.ends_on)
        clash = next(
            (
                b
                for b in by_student[r.email]
                if b.starts_on <= r.ends_on and r.starts_on <= b.ends_on
            ),
            None,
        )
        if clash is not None:
            checked.errors.append(
                RowError(
                    r.row,
                    f"overlaps {r.email}'s {clash.rotation} block on row {clash.row} "
                    f"({clash.starts_on:%Y-%m-%d} to {clash.ends_on:%Y-%m-%d}).",
                )
            )
            continue
        by_student[r.email].append(block)
        checked.blocks.append(block)
    checked.unknown_rotations = list(unknown.values())
    if checked.errors:
        checked.blocks = []
    return checked


def plan_import(school: School, blocks: list[Block]) -> ImportPlan:
    """What importing `blocks` would change (see the module's docstring)."""
    if not blocks:
        return ImportPlan([], [], [], 0, 0)
    window_start = min(b.starts_on for b in blocks)
    window_end = max(b.ends_on for b in blocks)
    emails = {b.email for b in blocks}
    existing = {
        (p.email, p.starts_on): p
        for p in Placement.objects.filter(
            school=school,
            source=PlacementSource.SCHOOL,
            email__in=emails,
            starts_on__lte=window_end,
            ends_on__gte=window_start,
        )
    }
    add, update, unchanged = [], [], 0
    for block in blocks:
        current = existing.pop((block.email, block.starts_on), None)
        if current is None:
            add.append(block)
        elif (current.rotation_id, current.site, current.ends_on) == (
            block.rotation.pk,
            block.site,
            block.ends_on,
        ):
            unchanged += 1
        else:
            update.append((current, block))
    return ImportPlan(
        add, update, list(existing.values()), unchanged, len(own_blocks_replaced(school, blocks))
    )


def linked_students(school: School, emails: set[str]) -> dict[str, int]:
    """The account each address belongs to, for students of `school` whose enrollment is
    verified (an unverified address could be anyone's)."""
    return dict(
        EmailAddress.objects.annotate(lower_email=Lower("email"))
        .filter(
            primary=True,
            verified=True,
            lower_email__in=emails,
            user__enrollment__school=school,
            user__enrollment__verified_at__isnull=False,
        )
        .values_list("lower_email", "user_id")
    )


def own_blocks_replaced(school: School, blocks: list[Block]) -> list[int]:
    """The ids of students' own blocks that imported `blocks` overlap."""
    students = linked_students(school, {b.email for b in blocks})
    if not students:
        return []
    window_start = min(b.starts_on for b in blocks)
    window_end = max(b.ends_on for b in blocks)
    own = defaultdict(list)
    for placement in Placement.objects.filter(
        student_id__in=students.values(),
        source=PlacementSource.STUDENT,
        starts_on__lte=window_end,
        ends_on__gte=window_start,
    ):
        own[placement.student_id].append(placement)
    replaced = []
    for block in blocks:
        for placement in own.get(students.get(block.email), []):
            if placement.overlaps(block.starts_on, block.ends_on):
                replaced.append(placement.pk)
    return replaced


# Changes --------------------------------------------------------------------------------------


@transaction.atomic
def import_placements(school: School, blocks: list[Block], *, by) -> ImportPlan:
    """Import checked `blocks` as the school's schedule (see the module's docstring), in one
    transaction, recording the audit event; return what changed."""
    if any(b.rotation.school_id not in (None, school.pk) for b in blocks):
        raise ValidationError("Every block must be on a rotation of this school's catalogue.")
    # One schedule change of a school at a time: two imports at once must not both add a block.
    School.objects.select_for_update().filter(pk=school.pk).first()
    plan = plan_import(school, blocks)
    students = linked_students(school, {b.email for b in blocks})
    Placement.objects.filter(pk__in=own_blocks_replaced(school, blocks)).delete()
    Placement.objects.filter(pk__in=[p.pk for p in plan.remove]).delete()
    updated = []
    for placement, block in plan.update:
        placement.rotation = block.rotation
        placement.site = block.site
        placement.ends_on = block.ends_on
        placement.student_id = students.get(block.email)
        placement.flagged_at, placement.flag_reason = None, ""  # the school has looked again
        updated.append(placement)
    Placement.objects.bulk_update(
        updated, ["rotation", "site", "ends_on", "student", "flagged_at", "flag_reason"]
    )
    Placement.objects.bulk_create(
        [
            Placement(
                school=school,
                source=PlacementSource.SCHOOL,
                email=block.email,
                student_id=students.get(block.email),
                rotation=block.rotation,
                site=block.site,
                starts_on=block.starts_on,
                ends_on=block.ends_on,
            )
            for block in plan.add
        ]
    )
    if plan.changes:
        schedule_changed.send(
            sender=School, school=school, kind="placements_imported", actor_id=by.pk
        )
    return plan


def link_school_placements(changes: list[tuple[Enrollment, bool]]) -> None:
    """Link the school's blocks listed under each student's address to their account while
    their enrollment is verified; unlink them when it stops being. A few queries whatever the
    number of students (a roster import verifies a whole class at once)."""
    unlinked = {"student": None, "flagged_at": None, "flag_reason": ""}
    school_blocks = Placement.objects.filter(source=PlacementSource.SCHOOL)
    verified = {e.student_id: e.school_id for e, is_verified in changes if is_verified}
    dropped = [e.student_id for e, is_verified in changes if not is_verified]
    if dropped:
        school_blocks.filter(student_id__in=dropped).update(**unlinked)
    if not verified:
        return
    emails = dict(
        EmailAddress.objects.filter(user_id__in=verified, primary=True, verified=True)
        .annotate(lower_email=Lower("email"))
        .values_list("user_id", "lower_email")
    )
    # Blocks linked under an address that is no longer the student's primary one.
    stale = [
        pk
        for pk, student_id, email in school_blocks.filter(student_id__in=verified).values_list(
            "pk", "student_id", "email"
        )
        if emails.get(student_id) != email
    ]
    school_blocks.filter(pk__in=stale).update(**unlinked)
    by_school: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for user_id, email in emails.items():
        by_school[verified[user_id]].append((email, user_id))
    for school_id, students in by_school.items():
        # In slices: one CASE of a whole school's students would be a very long statement.
        for at in range(0, len(students), LINK_BATCH):
            batch = dict(students[at : at + LINK_BATCH])
            school_blocks.filter(school_id=school_id, email__in=batch).update(
                student_id=Case(
                    *(When(email=email, then=Value(uid)) for email, uid in batch.items()),
                    output_field=IntegerField(),
                )
            )


def unlink_for_deletion(student) -> None:
    """Before an account is deleted: the school's blocks stay the school's (it scheduled that
    address and still has it in its own system), unlinked and unflagged; the student's own
    blocks go with the account."""
    Placement.objects.filter(student=student, source=PlacementSource.SCHOOL).update(
        student=None, flagged_at=None, flag_reason=""
    )


@transaction.atomic
def clear_flag(placement: Placement, *, by) -> None:
    """The administrator has dealt with a student's flag (fixed the schedule, or checked it)."""
    Placement.objects.filter(pk=placement.pk).update(flagged_at=None, flag_reason="")
    schedule_changed.send(
        sender=School, school=placement.school, kind="placement_flag_cleared", actor_id=by.pk
    )


# The student's own blocks ---------------------------------------------------------------------


def check_own_block(
    *, student, school: School, rotation: Rotation, starts_on: date, ends_on: date, site: str
) -> None:
    """The file's rules, for one block a student adds; a ValidationError by field."""
    errors = {}
    if rotation.school_id not in (None, school.pk):
        errors["rotation"] = "Choose a rotation of your school's catalogue."
    if ends_on < starts_on:
        errors["ends_on"] = "A placement cannot end before it starts."
    if len(site) > SITE_LENGTH:
        errors["site"] = f"Keep the site under {SITE_LENGTH} characters."
    if errors:
        raise ValidationError(errors)
    overlapping = (
        Placement.objects.select_related("rotation")
        .filter(student=student, starts_on__lte=ends_on, ends_on__gte=starts_on)
        .first()
    )
    if overlapping is None:
        return
    dates = f"{overlapping.starts_on:%-d %b %Y} to {overlapping.ends_on:%-d %b %Y}"
    if overlapping.from_school:
        raise ValidationError(
            {
                "starts_on": f"This overlaps the {overlapping.rotation} block your school "
                f"recorded ({dates}). If that block is wrong, flag it so your school can fix it."
            }
        )
    raise ValidationError(
        {"starts_on": f"This overlaps your {overlapping.rotation} placement ({dates})."}
    )


@transaction.atomic
def add_own_block(
    *, student, rotation: Rotation, starts_on: date, ends_on: date, site: str = ""
) -> Placement:
    """A block the student records themself: never over one the school imported."""
    enrollment = Enrollment.objects.select_for_update().filter(student=student).first()
    if enrollment is None:
        raise ValidationError("Only a student in a cohort can have placements.")
    site = site.strip()
    check_own_block(
        student=student,
        school=enrollment.school,
        rotation=rotation,
        starts_on=starts_on,
        ends_on=ends_on,
        site=site,
    )
    return Placement.objects.create(
        student=student,
        school_id=enrollment.school_id,
        source=PlacementSource.STUDENT,
        rotation=rotation,
        starts_on=starts_on,
        ends_on=ends_on,
        site=site,
    )


@transaction.atomic
def remove_own_block(*, student, placement_id: int) -> bool:
    deleted, _ = Placement.objects.filter(
        pk=placement_id, student=student, source=PlacementSource.STUDENT
    ).delete()
    return bool(deleted)


@transaction.atomic
def flag_block(*, student, placement_id: int, reason: str) -> Placement:
    """The student says a block their school imported is wrong; the administrator sees it."""
    placement = Placement.objects.select_for_update().get(
        pk=placement_id, student=student, source=PlacementSource.SCHOOL
    )
    if reason not in FlagReason.values:
        raise ValidationError({"reason": "Choose what is wrong."})
    placement.flagged_at = timezone.now()
    placement.flag_reason = reason
    placement.save(update_fields=["flagged_at", "flag_reason"])
    return placement


# The catalogue and the cohorts' phases -----------------------------------------------------------


def declared_groups(school: School) -> list[str]:
    return sorted({r.group for r in catalogue_of(school) if r.group})


def clean_group(text: str) -> str:
    group = " ".join(text.strip().lower().split())
    if group and not re.fullmatch(r"[a-z][a-z0-9 &-]{0,39}", group):
        raise ValidationError(
            {"group": "Name the group in a few plain words, for example “surgical”."}
        )
    return group


@transaction.atomic
def save_rotation(
    *,
    school: School,
    name: str,
    phase: str,
    group: str = "",
    position: int = 0,
    rotation: Rotation | None = None,
    by,
) -> Rotation:
    """Add a rotation to the school's own catalogue, or change one of its own."""
    if rotation is not None and rotation.school_id != school.pk:
        raise ValidationError("A shared rotation is kept by the operator; add your own instead.")
    name = " ".join(name.split())
    errors = {}
    if not name:
        errors["name"] = "Name the rotation."
    if phase not in Phase.values:
        errors["phase"] = "Choose a phase."
    try:
        group = clean_group(group)
    except ValidationError as error:
        errors.update(error.message_dict)
    same_name = (
        catalogue_of(school)
        .annotate(lower_name=Lower("name"))
        .filter(lower_name=name.lower())
        .exclude(pk=getattr(rotation, "pk", None))
    )
    if name and same_name.exists():
        errors["name"] = f"Your catalogue already has a rotation called “{name}”."
    if errors:
        raise ValidationError(errors)
    if rotation is None:
        base = slugify(f"{school.slug}-{name}")[:90] or f"{school.slug}-rotation"
        slug, n = base, 1
        while Rotation.objects.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        rotation = Rotation(school=school, slug=slug)
    rotation.name, rotation.phase, rotation.group, rotation.position = name, phase, group, position
    rotation.save()
    schedule_changed.send(
        sender=School, school=school, kind="rotation_catalogue_changed", actor_id=by.pk
    )
    return rotation


@transaction.atomic
def set_cohort_phases(*, cohort, periods: dict[str, tuple[date, date] | None], by) -> None:
    """Set when `cohort` is in each phase; None clears a phase. Periods must not overlap."""
    errors = {}
    chosen = {phase: period for phase, period in periods.items() if period}
    for phase, (starts_on, ends_on) in chosen.items():
        if ends_on < starts_on:
            errors[phase] = "This phase ends before it starts."
    ordered = sorted(chosen.items(), key=lambda item: item[1][0])
    for (first, (_, first_ends)), (second, (second_starts, _)) in zip(
        ordered, ordered[1:], strict=False
    ):
        if second_starts <= first_ends and second not in errors:
            errors[second] = f"This overlaps {Phase(first).label.lower()}."
    if errors:
        raise ValidationError(errors)
    CohortPhase.objects.filter(cohort=cohort).exclude(phase__in=chosen).delete()
    for phase, (starts_on, ends_on) in chosen.items():
        CohortPhase.objects.update_or_create(
            cohort=cohort, phase=phase, defaults={"starts_on": starts_on, "ends_on": ends_on}
        )
    schedule_changed.send(
        sender=School, school=cohort.school, kind="cohort_phases_changed", actor_id=by.pk
    )
