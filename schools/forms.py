from django import forms

from .roster import parse_roster

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
