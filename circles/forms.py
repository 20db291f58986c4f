from django import forms

from .content import TIME_ZONES
from .models import Availability, Interest, ReportReason


class CircleProfileForm(forms.Form):
    pseudonym = forms.CharField(
        label="Your pseudonym",
        max_length=30,
        help_text="The only name peers ever see. Make one up: not your real name or email.",
    )
    share_cohort = forms.BooleanField(
        label="Match me with students of my year", required=False, initial=True
    )
    share_rotation = forms.BooleanField(
        label="Match me with students on my current rotation", required=False
    )
    interests = forms.MultipleChoiceField(
        label="Interests to match on",
        choices=Interest.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    time_zone = forms.ChoiceField(
        label="Your time zone",
        choices=[("", "Don't use my time zone"), *TIME_ZONES],
        required=False,
    )
    availability = forms.MultipleChoiceField(
        label="When you are usually free",
        choices=Availability.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    wants_buddy = forms.BooleanField(
        label="I'd also like one buddy from an earlier or later year", required=False
    )
    accept_guidelines = forms.BooleanField(
        label="I have read the community guidelines and will follow them", required=False
    )

    def __init__(self, *args, joining: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not joining:
            del self.fields["accept_guidelines"]


class MessageForm(forms.Form):
    body = forms.CharField(
        label="Your message",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="Plain text, up to 2,000 characters. Only your circle can read it.",
    )
    post_anyway = forms.BooleanField(required=False, widget=forms.HiddenInput)


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why are you reporting this message?",
        choices=ReportReason.choices,
        widget=forms.RadioSelect,
    )
