"""What every inspection action shares: its event, and how a typed text is checked."""

from minsheng.core import clock
from minsheng.core.errors import ActionError
from minsheng.core.text import check_text
from minsheng.inspections.models import InspectionEvent


def write_event(kind: str, *, actor, draw=None, entity=None, filing=None, note: str = "",
                data: dict | None = None, is_public: bool = False) -> InspectionEvent:
    return InspectionEvent.objects.create(kind=kind, actor=actor, draw=draw, entity=entity, filing=filing, note=note, data=data or {},
                                          is_public=is_public, created_at=clock.now())


def _text(value: str, field: str, label: str, max_length: int, *, required: bool = True) -> str:
    """A typed text, trimmed; refused, naming the field, when empty (if required), too long for
    its column, or carrying what core.text refuses everywhere (a NUL, other control characters)."""
    value = check_text((value or "").strip(), field=field, label=label)
    if required and not value:
        raise ActionError(f"请填写{label}。", field=field)
    if len(value) > max_length:
        raise ActionError(f"{label}不能超过{max_length}个字。", field=field)
    return value
