from django import forms

import instruments

from .campaigns import MAX_MESSAGE_CHARS


class CampaignForm(forms.Form):
    """Types and menus only: every rule about a campaign lives in `create_campaign`."""

    cohort = forms.TypedChoiceField(coerce=int)
    rotation = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label="Rotation group (optional)"
    )
    instrument = forms.ChoiceField(label="Screening")
    opens_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    message = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), max_length=MAX_MESSAGE_CHARS
    )
    remind_days_before = forms.IntegerField(
        min_value=0, max_value=90, initial=3, label="Reminder, days before it closes (0: none)"
    )

    def __init__(self, *args, cohorts, rotations, **kwargs):
        super().__init__(*args, **kwargs)
        several = len({c.school_id for c in cohorts}) > 1
        self.fields["cohort"].choices = [
            (c.pk, f"{c} · {c.school.name}" if several else str(c)) for c in cohorts
        ]
        self.fields["rotation"].choices = [("", "The whole cohort")] + [
            (r.pk, r.name) for r in rotations
        ]
        self.fields["instrument"].choices = [
            (i, instruments.get_instrument(i).name) for i in instruments.instrument_ids()
        ]
