"""Idempotency keys for creating requests (Open311 POSTs, the JSON API's POSTs).

A client that did not see the answer (a timeout, a dropped connection, a worker killed
mid-request) sends the request again with the same `Idempotency-Key`. The key is claimed by a
row inserted in the same transaction as the work, so:

- the work committed: the retry finds the row and gets the first response again;
- the work rolled back or never finished: the row went with it, and the retry does the work;
- two copies at the same moment: PostgreSQL holds the second INSERT on the unique index until
  the first commits, then it replays (SQLite serialises writers anyway).

Only successful (2xx) responses are kept; a refusal can be corrected and retried with the same
key. The same key with a different body is a 409. Keys live 24 hours.
"""

import hashlib
import json
import re
from collections.abc import Callable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.http import HttpResponse

from minsheng.core import clock
from minsheng.core.models import IdempotencyKey

HEADER = "Idempotency-Key"
LIFETIME = timedelta(hours=24)
_VALID_KEY = re.compile(r"[\x21-\x7e]{1,255}")


class IdempotencyProblem(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def key_from(request, *, form_field: str | None = None) -> str | None:
    """The client's key from the header (or a form field), or None when it sent none."""
    key = request.headers.get(HEADER)
    if not key and form_field:
        key = request.POST.get(form_field)
    if not key:
        return None
    if not _VALID_KEY.fullmatch(key):
        name = HEADER if request.headers.get(HEADER) else form_field
        raise IdempotencyProblem(400, f"{name}应为1至255个可见ASCII字符，建议每个新请求用一个新的UUID。")
    return key


def fingerprint(request, *, ignore: tuple[str, ...] = ()) -> str:
    """What makes two requests "the same": method, path and body (form fields in order of
    name, JSON with sorted keys), leaving out credentials and the key itself."""
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        fields = sorted((name, request.POST.getlist(name)) for name in request.POST if name not in ignore)
        digest.update(json.dumps(fields, ensure_ascii=False).encode())
    else:
        try:
            digest.update(json.dumps(json.loads(request.body or b"null"), sort_keys=True, ensure_ascii=False).encode())
        except (ValueError, RecursionError):
            digest.update(request.body)
    return digest.hexdigest()


def _replay(record: IdempotencyKey) -> HttpResponse:
    response = HttpResponse(record.body, status=record.status_code, content_type=record.content_type)
    response["Idempotent-Replayed"] = "true"
    return response


def _claim(scope: str, key: str, print_: str) -> tuple[IdempotencyKey | None, HttpResponse | None]:
    now = clock.now()
    for _attempt in range(3):
        try:
            with transaction.atomic():
                return IdempotencyKey.objects.create(scope=scope, key=key, fingerprint=print_, created_at=now), None
        except IntegrityError:
            existing = IdempotencyKey.objects.filter(scope=scope, key=key).first()
            if existing is None:
                continue  # the other request rolled back in between: claim it now
            if existing.created_at < now - LIFETIME:
                existing.delete()
                continue
            if existing.fingerprint != print_:
                raise IdempotencyProblem(
                    409, f"{HEADER}“{key[:40]}”已用于另一份内容不同的请求：同一个键只能用于重试完全相同的请求。"
                ) from None
            return None, _replay(existing)
    raise IdempotencyProblem(409, "同一个请求正在处理中，请稍后重试。")


def respond_once(*, scope: str, key: str | None, fingerprint: str, run: Callable[[], HttpResponse]) -> HttpResponse:
    """Run the request's work once per (scope, key); without a key, just run it."""
    if key is None:
        return run()
    with transaction.atomic():
        record, replayed = _claim(scope, key, fingerprint)
        if replayed is not None:
            return replayed
        response = run()
        if 200 <= response.status_code < 300 and not response.streaming:
            record.status_code = response.status_code
            record.content_type = response.get("Content-Type", "")
            record.body = response.content.decode(response.charset or "utf-8")
            record.save(update_fields=["status_code", "content_type", "body"])
        else:
            transaction.set_rollback(True)  # nothing kept: the request may be corrected and sent again
        return response


def purge_expired(*, now=None) -> int:
    """Forget keys past their day (the worker calls this)."""
    moment = now or clock.now()
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=moment - LIFETIME).delete()
    return deleted
