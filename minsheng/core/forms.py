from django import forms
from django.core.exceptions import ValidationError

from minsheng.core.errors import ActionError
from minsheng.core.text import check_date


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name; each is checked by the action that stores it."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


def required(label: str) -> dict:
    """A field's error messages when it is left empty, naming it."""
    return {"required": f"请填写{label}。"}


def chosen(label: str) -> dict:
    """A list's error messages when nothing, or something not listed, is chosen."""
    return {"required": f"请选择{label}。", "invalid_choice": f"请从列表中选择{label}。"}


def apply_action_error(form: forms.Form, error) -> None:
    """Show an action's refusal on the field it names, or above the form."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


class BoundedDateField(forms.DateField):
    """A date people type, within the years the platform works in (core/text.py), so that a
    year 1 or 9999 gets a message on its field instead of failing in date arithmetic."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
        super().__init__(*args, **kwargs)

    def validate(self, value):
        super().validate(value)
        try:
            check_date(value, field="", label=str(self.label or "日期"))
        except ActionError as error:
            raise ValidationError(error.message, code="out_of_range") from None
