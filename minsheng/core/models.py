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


class IdempotencyKey(models.Model):
    """A creating request another system may retry: the first success, kept for a day, so the
    same key with the same body returns it again instead of doing the work twice. Written in
    the transaction of the work itself, so a crash leaves either both or neither."""

    scope = models.CharField("调用方", max_length=100, help_text="如 open311:client:3、api:user:12")
    key = models.CharField("幂等键", max_length=255)
    fingerprint = models.CharField("请求摘要", max_length=64)
    created_at = models.DateTimeField("首次请求时间", default=clock.now)
    status_code = models.PositiveSmallIntegerField("状态码", null=True)
    content_type = models.CharField("内容类型", max_length=100, blank=True)
    body = models.TextField("响应内容", blank=True)

    class Meta:
        verbose_name = "幂等请求记录"
        verbose_name_plural = "幂等请求记录"
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="idempotency_key_unique")]
        indexes = [
            # The worker's purge of records past their day.
            models.Index(fields=["created_at"], name="idempotency_key_created"),
        ]

    def __str__(self) -> str:
        return f"{self.scope} · {self.key}"
