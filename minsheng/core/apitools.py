"""Pieces every django-ninja router of the JSON API shares, kept apart from the NinjaAPI
object itself (minsheng/api.py imports the routers, and the routers import these)."""

import functools

from django.http import HttpResponse
from ninja import Field, Schema
from ninja.renderers import JSONRenderer

from minsheng.core import idempotency
from minsheng.core.errors import ActionError, Conflict


class ChineseJSONRenderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}


# --- idempotent POSTs ----------------------------------------------------------------------

IDEMPOTENCY_DOC = {
    "parameters": [
        {
            "in": "header",
            "name": "Idempotency-Key",
            "required": False,
            "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
            "description": "重试同一请求时带上同一个键（建议UUID）：24小时内再次收到相同内容时返回第一次的结果，"
            "不会重复办理；同一个键配不同内容返回409。",
        }
    ]
}


def idempotent(schema):
    """A POST operation a client may retry: with an Idempotency-Key, its first successful
    answer (validated against `schema`, as ninja would) is kept with the work it did."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            try:
                key = idempotency.key_from(request)
                if key is None:
                    return view(request, *args, **kwargs)

                def run():
                    data = schema.model_validate(view(request, *args, **kwargs)).model_dump(mode="json")
                    body = ChineseJSONRenderer().render(request, data, response_status=200)
                    return HttpResponse(body, status=200, content_type="application/json; charset=utf-8")

                return idempotency.respond_once(
                    scope=f"api:user:{request.auth.pk}", key=key, fingerprint=idempotency.fingerprint(request), run=run
                )
            except idempotency.IdempotencyProblem as problem:
                kind = Conflict if problem.status == 409 else ActionError
                raise kind(problem.message, field=idempotency.HEADER) from None

        return wrapped

    return decorate


class Error(Schema):
    detail: str = Field(description="中文说明")
    field: str | None = Field(None, description="出错的字段")


# 413 and 414 come from the input guard (core/middleware.py): a body or a query string too long.
ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 409: Error, 413: Error, 414: Error}
