from django import template

from minsheng.core.identity import mask_personal_text

register = template.Library()


@register.filter
def public_text(text):
    """Free text on a public page: phone and ID numbers, credit codes, e-mail addresses and
    introduced names masked (core.identity.mask_personal_text)."""
    return mask_personal_text(str(text or ""))
