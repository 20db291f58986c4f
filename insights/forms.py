from django import forms

from .models import MAX_REFLECTION_CHARS


class ReflectionForm(forms.Form):
    """The shape of the page; the service does the validation that counts."""

    use_prompt = forms.BooleanField(required=False, label="Write to today's prompt")
    body = forms.CharField(
        label="Your reflection",
        widget=forms.Textarea(attrs={"rows": 10, "maxlength": MAX_REFLECTION_CHARS}),
        required=False,
        strip=False,
        help_text="Only you can read this. It is stored encrypted.",
    )

    def __init__(self, *args, with_prompt: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_prompt:
            del self.fields["use_prompt"]
