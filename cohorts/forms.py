from datetime import time

from django import forms

import instruments

from .campaigns import FIRST_HOUR, LAST_HOUR, MAX_EVERY_WEEKS, MAX_MESSAGE_CHARS
from .models import Recurrence


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
    reminder_1 = forms.DateField(
        required=False,
        label="First reminder (optional)",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Up to three days of the window; only students who have not answered get it.",
    )
    reminder_2 = forms.DateField(
        required=False,
        label="Second reminder (optional)",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reminder_3 = forms.DateField(
        required=False,
        label="Third reminder (optional)",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reminder_time = forms.TimeField(
        initial=time(9, 0),
        label="Reminders at",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=f"School time, between {FIRST_HOUR:%H:%M} and {LAST_HOUR:%H:%M}.",
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


class RecurrenceForm(forms.Form):
    """Types and menus only: every rule lives in `campaigns.set_recurrence`."""

    recurrence = forms.ChoiceField(label="Repeat", choices=Recurrence.choices, required=False)
    every_weeks = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_EVERY_WEEKS,
        label="Every … weeks",
        help_text="For “every few weeks”: a term of twelve weeks is every 12.",
    )


class ActionForm(forms.Form):
    """Types and menus only: every rule about an action lives in `actions.record_action`."""

    title = forms.CharField(
        max_length=120, help_text="What the school did, in a few words students will read."
    )
    starts_on = forms.DateField(
        label="From", widget=forms.DateInput(attrs={"type": "date"}), help_text="When it started."
    )
    cohorts = forms.TypedMultipleChoiceField(
        coerce=int, widget=forms.CheckboxSelectMultiple, label="Cohorts it concerns"
    )
    rotations = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Only students on these rotations (optional)",
    )
    description = forms.CharField(
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What changes for students, and why. Students read this once it is published.",
    )

    def __init__(self, *args, cohorts, rotations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohorts"].choices = [(c.pk, str(c)) for c in cohorts]
        self.fields["rotations"].choices = [(r.pk, r.name) for r in rotations]


class FigureForm(forms.Form):
    figure = forms.ChoiceField(label="Published figure")

    def __init__(self, *args, figures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["figure"].choices = [(f.ref, str(f)) for f in figures]
