"""What every elevator action shares: locking the application, writing its one event."""

from minsheng.core import clock
from minsheng.core.errors import ActionError, NotFound
from minsheng.elevators.models import Application, ApplicationEvent


def locked(application: Application) -> Application:
    """The application's row, locked for this transaction and read fresh (another clerk may have
    entered a vote a moment ago)."""
    try:
        return Application.objects.select_for_update().select_related("rule_set", "region").get(pk=application.pk)
    except Application.DoesNotExist:
        raise NotFound("没有找到该申请。") from None


def write_event(application: Application, kind: str, *, actor, note: str = "", data: dict | None = None,
                is_public: bool = False, old_stage: str = "", stage: str = "") -> ApplicationEvent:
    return ApplicationEvent.objects.create(
        application=application, kind=kind, actor=actor, note=note, data=data or {}, is_public=is_public,
        old_stage=old_stage, stage=stage or application.stage, created_at=clock.now(),
    )


def require_open(application: Application) -> None:
    if not application.is_open:
        raise ActionError(f"该申请已{application.get_stage_display()}，不能再办理。", field="stage")
