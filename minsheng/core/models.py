from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from minsheng.core import clock


class ImmutableEvent(Exception):
    pass


class BaseEvent(models.Model):
    """One thing that happened: who acted, what changed, when. Never updated, never deleted.

    Each app subclasses it with a foreign key to the object the events belong to.
    `actor` is null when the system acted (the worker, an import without a user).
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField("事件类型", max_length=32)
    created_at = models.DateTimeField("发生时间", default=clock.now)
    note = models.TextField("说明", blank=True)
    data = models.JSONField("数据", default=dict, blank=True, encoder=DjangoJSONEncoder)
    is_public = models.BooleanField("公开", default=False)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableEvent("事件记录不可修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableEvent("事件记录不可删除。")
