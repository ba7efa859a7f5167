from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from minsheng.core.errors import ActionError
from minsheng.core.text import check_date


class LongSelect(forms.Select):
    """A <select> of many options (a county's staff: a thousand and more) written out in Python:
    Django's Select renders a template per option, 0.4 ms each, which made a firm's profile page
    take half a second. Same markup, same attributes (id, aria-describedby, required)."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen_values = {str(v) for v in (value if isinstance(value, (list, tuple)) else [value]) if v not in (None, "")}
        options = format_html_join("", "<option value=\"{}\"{}>{}</option>", (
            (option, mark_safe(" selected") if str(option) in chosen_values else "", label)
            for option, label in self.choices
        ))
        return format_html("<select{}>{}</select>", flatatt({**self.build_attrs(self.attrs, attrs), "name": name}), options)


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
