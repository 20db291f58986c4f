from django import forms
from django.core.exceptions import ValidationError

from lib.forms import add_service_errors


class NoteForm(forms.Form):
    note = forms.CharField()


def test_a_refusal_naming_a_field_of_the_form_goes_next_to_that_field():
    form = NoteForm({"note": "x"})
    form.is_valid()

    add_service_errors(form, ValidationError({"note": "Too long.", "day": "Not today."}))

    assert form.errors["note"] == ["Too long."]
    assert form.non_field_errors() == ["Not today."]  # the API-only field lands above the form


def test_a_refusal_naming_no_field_goes_above_the_form():
    form = NoteForm({"note": "x"})
    form.is_valid()

    add_service_errors(form, ValidationError("Only students can do this."))

    assert form.non_field_errors() == ["Only students can do this."]
    assert "note" not in form.errors
