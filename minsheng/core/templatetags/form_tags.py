"""The error summary every form shows after a refused submit (README "无障碍与适老化")."""

from django import template

register = template.Library()


def field_anchor(field) -> str:
    """The id of the control a summary link should focus: a radio or checkbox group has no
    control of its own (its label is a legend), so the first choice."""
    if field.use_fieldset:
        return f"{field.auto_id}_0"
    return field.id_for_label or field.auto_id


@register.inclusion_tag("_error_summary.html")
def error_summary(form, before=(), after=(), skip=()):
    """Every problem of a bound form, in page order, each a link to its field. `before` and
    `after` are (anchor id, message) pairs for controls outside the form class (a region list
    the page draws itself, questions the script draws); `skip` drops non-field messages that
    `after` already spells out one by one."""
    items: list[tuple[str, str]] = list(before)
    if form is not None and form.is_bound:
        items += [("", str(message)) for message in form.non_field_errors() if str(message) not in skip]
        for field in form.visible_fields():
            items += [(field_anchor(field), f"{field.label}：{message}") for message in field.errors]
    items += list(after)
    return {"items": items}
