from minsheng.core import clock
from minsheng.core.errors import NotFound
from minsheng.enterprises.models import Entity, EnterpriseEvent


def locked(entity: Entity) -> Entity:
    try:
        return Entity.objects.select_for_update().get(pk=entity.pk)
    except Entity.DoesNotExist:
        raise NotFound("没有找到该市场主体。") from None


def write_event(kind: str, *, actor, entity: Entity | None = None, grid=None, note: str = "",
                data: dict | None = None) -> EnterpriseEvent:
    return EnterpriseEvent.objects.create(kind=kind, actor=actor, entity=entity, grid=grid, note=note, data=data or {},
                                          created_at=clock.now())
