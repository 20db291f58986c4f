"""'Export my data' and 'Delete my data', for real."""

import csv
import io
import json
import zipfile
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from schools.models import Enrollment, Placement
from schools.placements import unlink_for_deletion
from vault.audit import forget_actor, record_event

from .models import ConsentRecord, User
from .personal_data import Row, datasets

README = """Your Well-Rounded data, exported {when}.

Every file holds only what you recorded or what was recorded about you:
- account.json: your account, consents, cohort and placements.
{lines}
Each dataset comes as JSON and as CSV (open it in any spreadsheet). Screenings are also in
fhir/ as FHIR R4 QuestionnaireResponse resources, which health-record systems understand.
Private notes and reflections are decrypted for you here; keep this file somewhere safe.
"""


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def account_rows(user: User) -> Row:
    enrollment = Enrollment.objects.select_related("school", "cohort").filter(student=user).first()
    return {
        "email": user.email,
        "display_name": user.display_name,
        "joined": user.date_joined,
        "school": enrollment.school.name if enrollment else None,
        "cohort": str(enrollment.cohort) if enrollment else None,
        "consents": [
            {"notice_version": c.notice_version, "accepted_at": c.accepted_at}
            for c in ConsentRecord.objects.filter(user=user)
        ],
        "placements": [
            {
                "rotation": p.rotation.name,
                "from": p.starts_on,
                "to": p.ends_on,
                "site": p.site,
                "recorded_by": p.get_source_display(),
                "flagged_as_wrong": p.get_flag_reason_display() if p.flagged_at else None,
            }
            for p in Placement.objects.select_related("rotation").filter(student=user)
        ],
    }


# A cell a spreadsheet would run as a formula (=HYPERLINK(...), +, -, @) or whose leading
# tab or carriage return hides one: OWASP's "CSV injection" characters.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """Text as a spreadsheet shows it, never runs it: a leading ' makes a formula plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv(rows: list[Row]) -> str:
    out = io.StringIO()
    columns = list(dict.fromkeys(key for row in rows for key in row))
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {
                k: spreadsheet_safe(json.dumps(v) if isinstance(v, list | dict) else _plain(v))
                for k, v in row.items()
            }
        )
    return out.getvalue()


def export_personal_data(*, user: User) -> bytes:
    """One ZIP of everything the user owns: JSON and CSV per dataset, plus FHIR files."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        lines = []
        archive.writestr("account.json", json.dumps(account_rows(user), default=_plain, indent=2))
        for dataset in datasets():
            rows = dataset.export(user)
            lines.append(f"- {dataset.name}.json / .csv: {dataset.description} ({len(rows)})")
            archive.writestr(f"{dataset.name}.json", json.dumps(rows, default=_plain, indent=2))
            archive.writestr(f"{dataset.name}.csv", _csv(rows))
            for path, content in (dataset.files(user) if dataset.files else {}).items():
                archive.writestr(path, content)
        archive.writestr(
            "README.txt", README.format(when=timezone.now().isoformat(), lines="\n".join(lines))
        )
    record_event("data_exported", actor_id=user.pk)
    return buffer.getvalue()


@transaction.atomic
def delete_account(*, user: User) -> None:
    """Remove every personal row, reverse aggregate contributions, destroy the data key.

    Feature apps' `forget` hooks run first (they reverse rollups while the rows still exist);
    the account's deletion then cascades to every row that refers to it, their sessions
    included (accounts.Session.user): every device is signed out.
    """
    for dataset in datasets():
        if dataset.forget:
            dataset.forget(user)
    school_id = Enrollment.objects.filter(student=user).values_list("school_id", flat=True).first()
    # The school's schedule stays the school's; the student's own blocks go with the account.
    unlink_for_deletion(user)
    forget_actor(user.pk)
    user.delete()
    record_event("account_deleted", school_id=school_id)
