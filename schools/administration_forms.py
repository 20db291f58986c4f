"""Forms of the school administrator's pages. They check the shape of what was typed; the
services in schools/administration.py check the rules, and their errors land on the fields."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from .administration import MAX_CELL_SIZE, available_timezones
from .models import MIN_CELL_SIZE, School, StaffRole

INVITE_CODE_DAYS = 30


class CohortForm(forms.Form):
    graduation_year = forms.IntegerField(
        label="Graduation year",
        help_text="The cohort is shown as “Class of” this year.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class InviteCodeForm(forms.Form):
    expires_on = forms.DateField(
        label="Works until (inclusive)",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The code stops working at the end of this day, in your school's time zone.",
    )
    max_uses = forms.IntegerField(
        label="Most students who may join with it",
        required=False,
        min_value=1,
        help_text="Leave empty for no limit.",
    )

    def __init__(self, *args, school: School, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school
        self.fields["expires_on"].initial = school.today() + timedelta(days=INVITE_CODE_DAYS)

    def clean_expires_on(self) -> date:
        expires_on = self.cleaned_data["expires_on"]
        if expires_on < self.school.today():
            raise ValidationError("Choose today or a later day.")
        return expires_on

    @property
    def expires_at(self) -> datetime:
        """The end of the chosen day where the school is."""
        next_day = self.cleaned_data["expires_on"] + timedelta(days=1)
        return datetime.combine(next_day, time(0), tzinfo=ZoneInfo(self.school.timezone))


class StaffInvitationForm(forms.Form):
    email = forms.EmailField(label="Email address", max_length=254)
    role = forms.ChoiceField(label="Role", choices=StaffRole.choices)


class SchoolSettingsForm(forms.Form):
    min_cell_size = forms.IntegerField(
        label="Smallest group whose figures are shown (K)",
        min_value=MIN_CELL_SIZE,
        max_value=MAX_CELL_SIZE,
        help_text=(
            f"At least {MIN_CELL_SIZE}. It can be raised but never lowered again: figures "
            "already published were checked against it."
        ),
    )
    timezone = forms.ChoiceField(
        label="Time zone",
        help_text="Days and weeks (a check-in at 11 pm, a week's figures) are counted here.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["timezone"].choices = [(name, name) for name in available_timezones()]


class NewStaffAccountForm(forms.Form):
    """A password for the account an invitation creates (the link proved the address)."""

    password1 = forms.CharField(
        label="Choose a password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label="The same password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords differ.")
        elif first:
            try:
                validate_password(first)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned
