"""What every elevator action shares: locking the application, writing its one event."""

from minsheng.core import clock
from minsheng.core.errors import ActionError, NotFound
from minsheng.elevators.models import Application, ApplicationEvent


def locked(application: Application) -> Application:
    """The application's row, locked for this transaction and read fresh (another clerk may have
    entered a vote a moment ago). Only that row: its rule set and region never change once it is
    filed (rulesets.py fixes a rule set in use), so those the caller already holds are kept, and
    the others read when first needed. A join here cost a vote 2 ms (bench/results/elevators.md),
    and FOR UPDATE over a join would lock the region's and rule set's rows too."""
    try:
        fresh = Application.objects.select_for_update().get(pk=application.pk)
    except Application.DoesNotExist:
        raise NotFound("没有找到该申请。") from None
    for name in ("rule_set", "region"):
        if getattr(Application, name).is_cached(application) and getattr(application, f"{name}_id") == getattr(fresh, f"{name}_id"):
            setattr(fresh, name, getattr(application, name))
    return fresh


def write_event(application: Application, kind: str, *, actor, note: str = "", data: dict | None = None,
                is_public: bool = False, old_stage: str = "", stage: str = "") -> ApplicationEvent:
    return ApplicationEvent.objects.create(
        application=application, kind=kind, actor=actor, note=note, data=data or {}, is_public=is_public,
        old_stage=old_stage, stage=stage or application.stage, created_at=clock.now(),
    )


def require_open(application: Application) -> None:
    if not application.is_open:
        raise ActionError(f"该申请已{application.get_stage_display()}，不能再办理。", field="stage")
