"""What every inspection action shares: its event, and how a typed text is checked."""

from minsheng.core import clock
from minsheng.core.text import clean_text
from minsheng.inspections.models import InspectionEvent


def write_event(kind: str, *, actor, draw=None, entity=None, filing=None, note: str = "",
                data: dict | None = None, is_public: bool = False) -> InspectionEvent:
    return InspectionEvent.objects.create(kind=kind, actor=actor, draw=draw, entity=entity, filing=filing, note=note, data=data or {},
                                          is_public=is_public, created_at=clock.now())


def _text(value: str, field: str, label: str, max_length: int, *, required: bool = True) -> str:
    return clean_text(value, field=field, label=label, max_length=max_length, required=required)
