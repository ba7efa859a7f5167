"""Sending the outbox. Rows were written in the transaction of the event they announce; here
the worker claims pending rows (SKIP LOCKED, so two workers never send one twice), hands each
to the sender for its channel, and records the outcome."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from minsheng.cases.models import Notification, NotificationStatus, mask_query_codes
from minsheng.core import clock

logger = logging.getLogger("minsheng.notifications")
MAX_ATTEMPTS = 5


class ConsoleSender:
    """The demo's sender: writes each message to the log, as a log may hold it (phone and
    query code masked: logs are kept, copied and read by many)."""

    def send(self, notification: Notification) -> None:
        logger.info(
            "[%s → %s] %s：%s",
            notification.get_channel_display(),
            notification.masked_recipient or notification.recipient_user_id,
            notification.subject,
            notification.masked_body,
        )


class FailingSender:
    """For tests and drills: every send fails."""

    def send(self, notification: Notification) -> None:
        raise ConnectionError("短信网关无响应")


def _senders() -> dict:
    configured = getattr(settings, "MINSHENG_NOTIFICATION_SENDERS", {})
    default = "minsheng.cases.actions.notifications.ConsoleSender"
    return {channel: import_string(configured.get(channel, default))() for channel in ("sms", "email", "staff")}


def send_pending(*, limit: int = 200, now: datetime | None = None) -> int:
    now = now or clock.now()
    senders = _senders()
    sent = 0
    with transaction.atomic():
        batch = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(status=NotificationStatus.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at")[:limit]
        )
        for notification in batch:
            notification.attempts += 1
            try:
                senders[notification.channel].send(notification)
            except Exception as error:  # a sender's failure must not stop the others
                notification.last_error = str(error)[:1000]
                if notification.attempts >= MAX_ATTEMPTS:
                    notification.status = NotificationStatus.FAILED
                    notification.next_attempt_at = None
                else:
                    notification.next_attempt_at = now + timedelta(minutes=2 ** notification.attempts)
            else:
                notification.status = NotificationStatus.SENT
                notification.sent_at = now
                notification.next_attempt_at = None
                sent += 1
            if notification.status != NotificationStatus.PENDING:
                # Sent, or given up: the code has done its one journey and is kept no longer.
                notification.body = mask_query_codes(notification.body)
            notification.save(update_fields=["attempts", "status", "sent_at", "next_attempt_at", "last_error", "body"])
    return sent
