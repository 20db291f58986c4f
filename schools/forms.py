from django import forms

from .models import FlagReason, Phase, Rotation, School
from .placements import catalogue_of, parse_placements
from .roster import RowError, parse_roster

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# A file that is wrong throughout (a shifted column, say) needs its first rows, not thousands.
ERRORS_SHOWN = 50


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label="Roster file (CSV or XLSX)",
        help_text="Two columns, “email” and “cohort” (the graduation year), one student a row.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )
    replace = forms.BooleanField(
        required=False,
        label="Replace the whole roster: take off everyone this file does not list",
    )

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school
        self.entries = []

    def clean_file(self):
        upload = self.cleaned_data["file"]
        entries, errors = parse_roster(upload, self.school)
        if errors:
            what = "this" if len(errors) == 1 else "these"
            shown = [str(error) for error in errors[:ERRORS_SHOWN]]
            if len(errors) > ERRORS_SHOWN:
                shown.append(f"… and {len(errors) - ERRORS_SHOWN} more rows with problems.")
            raise forms.ValidationError(
                [f"Nothing was imported. Fix {what} and upload again:", *shown]
            )
        self.entries = entries
        return upload


class RosterSearchForm(forms.Form):
    q = forms.CharField(label="Find an email", required=False, max_length=254)


def problems_message(errors: list[RowError]) -> list[str]:
    """Row errors as a form shows them: the first ERRORS_SHOWN, then how many more."""
    shown = [str(error) for error in errors[:ERRORS_SHOWN]]
    if len(errors) > ERRORS_SHOWN:
        shown.append(f"… and {len(errors) - ERRORS_SHOWN} more rows with problems.")
    return shown


class PlacementUploadForm(forms.Form):
    file = forms.FileField(
        label="Placements file (CSV or XLSX)",
        help_text="One block a row: email, rotation, site, start date, end date.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []

    def clean_file(self):
        upload = self.cleaned_data["file"]
        rows, errors = parse_placements(upload)
        if errors:
            raise forms.ValidationError(
                ["Nothing was imported. Fix this and upload again:", *problems_message(errors)]
            )
        self.rows = rows
        return upload


class RotationMappingForm(forms.Form):
    """For each rotation name the catalogue does not know: which catalogue rotation it is."""

    def __init__(self, *args, unknown: list[str], school: School, **kwargs):
        super().__init__(*args, **kwargs)
        # Dozens of unknown names mean a wrong column, not a catalogue to map by hand.
        self.unknown = unknown[:ERRORS_SHOWN]
        self.rotations = {str(r.pk): r for r in catalogue_of(school)}
        choices = [("", "Choose a rotation")] + [(pk, r.name) for pk, r in self.rotations.items()]
        for at, name in enumerate(unknown):
            self.fields[f"map_{at}"] = forms.ChoiceField(
                label=f"“{name}” in the file is", choices=choices, required=False
            )

    def mapping(self) -> dict[str, Rotation]:
        found = {}
        for at, name in enumerate(self.unknown):
            chosen = self.cleaned_data.get(f"map_{at}")
            if chosen:
                found[name.strip().lower()] = self.rotations[chosen]
        return found


class RotationForm(forms.Form):
    name = forms.CharField(max_length=100)
    phase = forms.ChoiceField(choices=Phase.choices)
    group = forms.CharField(
        max_length=40,
        required=False,
        help_text="A declared group such as “surgical” or “medical”: figures too few to show "
        "for one rotation may be shown for its group.",
    )
    position = forms.IntegerField(
        min_value=0, max_value=1000, initial=100, help_text="Where it sorts in lists."
    )


class CohortPhasesForm(forms.Form):
    """When a cohort is in each phase; leave both dates empty for a phase it has not got."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for phase, label in Phase.choices:
            self.fields[f"{phase}_starts_on"] = forms.DateField(
                label=f"{label}: first day", required=False, widget=DATE_INPUT
            )
            self.fields[f"{phase}_ends_on"] = forms.DateField(
                label=f"{label}: last day", required=False, widget=DATE_INPUT
            )

    def clean(self):
        cleaned = super().clean()
        self.periods = {}
        for phase in Phase.values:
            starts_on = cleaned.get(f"{phase}_starts_on")
            ends_on = cleaned.get(f"{phase}_ends_on")
            if (starts_on is None) != (ends_on is None):
                missing = f"{phase}_ends_on" if ends_on is None else f"{phase}_starts_on"
                if missing not in self.errors:
                    self.add_error(missing, "Give both days, or neither.")
                continue
            self.periods[phase] = (starts_on, ends_on) if starts_on else None
        return cleaned

    def phase_fields(self):
        """(label, first-day field, last-day field) per phase, for the template's table."""
        return [
            (label, self[f"{phase}_starts_on"], self[f"{phase}_ends_on"])
            for phase, label in Phase.choices
        ]


class OwnBlockForm(forms.Form):
    rotation = forms.ModelChoiceField(queryset=Rotation.objects.none(), empty_label=None)
    site = forms.CharField(max_length=120, required=False, label="Site (optional)")
    starts_on = forms.DateField(label="First day", widget=DATE_INPUT)
    ends_on = forms.DateField(label="Last day", widget=DATE_INPUT)

    def __init__(self, *args, school: School, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rotation"].queryset = catalogue_of(school)


class FlagForm(forms.Form):
    reason = forms.ChoiceField(choices=FlagReason.choices, label="What is wrong?")
