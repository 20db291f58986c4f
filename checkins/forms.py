import copy
import uuid

from django import forms

import instruments

from .models import MAX_NOTE_CHARS, CheckIn

SCALES = {
    "mood": ("How is your mood today?", "Very low", "Very good"),
    "stress": ("How stressed do you feel?", "Calm", "Overwhelmed"),
    "energy": ("How much energy do you have?", "Drained", "Full of energy"),
    "sleep_quality": ("How well did you sleep?", "Badly", "Very well"),
    "loneliness": ("How lonely have you felt today?", "Not at all", "Very lonely"),
    "purpose": ("How strong is your sense of purpose today?", "None", "Very strong"),
}
SELF_CARE_LABELS = {
    "ate_well": "Ate well",
    "moved": "Moved my body",
    "rested": "Rested",
    "connected": "Connected with someone",
    "meditated": "Meditated",
    "therapy": "Therapy or counselling",
}


class ScaleWidget(forms.RadioSelect):
    template_name = "checkins/widgets/scale.html"

    def __init__(self, low: str, high: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.low, self.high = low, high

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"].update(low=self.low, high=self.high)
        return context


class ScaleField(forms.TypedChoiceField):
    """A 1-5 answer. Django deep-copies every field of every form it builds, and copying the
    six scales' choices (and their widgets') was most of what building a check-in form cost.
    The choices never change, so each form's copy shares them; the rest is copied as Django's
    own `Field.__deepcopy__` copies it."""

    def __deepcopy__(self, memo):
        result = copy.copy(self)
        memo[id(self)] = result
        result.widget = copy.copy(self.widget)
        result.widget.attrs = self.widget.attrs.copy()
        result.error_messages = self.error_messages.copy()
        result.validators = self.validators[:]
        return result


def _scale_field(question: str, low: str, high: str) -> ScaleField:
    return ScaleField(
        label=question,
        choices=[(i, str(i)) for i in range(1, 6)],
        coerce=int,
        widget=ScaleWidget(low, high),
        help_text=f"1 = {low.lower()}, 5 = {high.lower()}",
        error_messages={"required": "Pick a number from 1 to 5."},
    )


class CheckInForm(forms.ModelForm):
    """The HTML face of a check-in; the model's validators (run again by the service) are the
    single source of the allowed ranges.

    The scale questions are declared once here, not built in `__init__`: every check-in
    instantiates this form, and building six choice fields and their widgets each time cost
    more than the rollup writes."""

    mood = _scale_field(*SCALES["mood"])
    stress = _scale_field(*SCALES["stress"])
    energy = _scale_field(*SCALES["energy"])
    sleep_quality = _scale_field(*SCALES["sleep_quality"])
    loneliness = _scale_field(*SCALES["loneliness"])
    purpose = _scale_field(*SCALES["purpose"])
    note = forms.CharField(
        required=False,
        max_length=MAX_NOTE_CHARS,
        label="Anything on your mind? (optional, private)",
        help_text="Encrypted, and only ever shown to you.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = CheckIn
        fields = ["mood", "stress", "energy", "sleep_hours", "sleep_quality", "loneliness"]
        fields += ["purpose", *SELF_CARE_LABELS]
        labels = {"sleep_hours": "How many hours did you sleep?", **SELF_CARE_LABELS}
        help_texts = {"sleep_hours": "In the last 24 hours, e.g. 6.5."}
        error_messages = {"sleep_hours": {"required": "How many hours, roughly?"}}
        widgets = {
            "sleep_hours": forms.NumberInput(
                attrs={"step": "0.5", "min": "0", "max": "16", "inputmode": "decimal"}
            )
        }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        # The model leaves it empty for a quick check-in; the full check-in asks for it.
        self.fields["sleep_hours"].required = True

    def self_care_fields(self):
        return [self[name] for name in SELF_CARE_LABELS]

    def scale_fields(self):
        return [self[name] for name in SCALES]


class QuickCheckInForm(forms.Form):
    """Two taps on a bad night: the mood, then Save. One more answer (sleep) is optional."""

    # The page's heading asks the question (about today or yesterday); the label names it.
    mood = _scale_field("Your mood", "Very low", "Very good")
    sleep_quality = _scale_field("And how did you sleep? (optional)", "Badly", "Very well")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["sleep_quality"].required = False
        self.fields["sleep_quality"].empty_value = None
        self.fields["sleep_quality"].widget.is_required = False


class ScreeningForm(forms.Form):
    """One radio group per question of an instrument, in form order: the scored items, then
    any unscored question on the authors' form (e.g. the PHQ-9's "how difficult...")."""

    submission_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, instrument: instruments.Instrument, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        if not self.is_bound:
            self.initial["submission_key"] = uuid.uuid4().hex
        for item in instrument.questions:
            self.fields[f"item_{item.number}"] = forms.TypedChoiceField(
                label=f"{item.number}. {item.text}",
                choices=[(option.value, option.label) for option in item.options],
                coerce=int,
                required=False,
                empty_value=None,
                widget=forms.RadioSelect,
                help_text="" if item.scored else "Optional. It is not part of the score.",
            )

    def clean(self):
        if "submission_key" in self.errors:
            # The hidden key came back changed or missing: nothing can be saved under it.
            self.refuse_key(
                "This form came back changed, so nothing was saved. Check your answers and "
                "send it again."
            )
        return super().clean()

    def refuse_key(self, message: str) -> None:
        """Say why the submission was not saved, above the form, and give the form a fresh
        key so the student can simply send it again."""
        self.data = self.data.copy()
        self.data["submission_key"] = uuid.uuid4().hex
        self.add_error(None, message)

    def answers(self) -> list[int | None]:
        return [self.cleaned_data.get(f"item_{item.number}") for item in self.instrument.questions]
