"""The input guard: every request's path, parameters and body pass one set of rules before
any view runs, so no channel can have its own gaps.

- A query string longer than MAX_QUERY_STRING characters: 414.
- A body over DATA_UPLOAD_MAX_MEMORY_SIZE (files aside) or with too many fields: 413 / 400.
- A control character (core/text.py) in the path, a query parameter, a machine channel's form
  field or uploaded file name, or any string of a JSON body: 400 naming the field.
- A NUL in an HTML form's field: 400. Other control characters in HTML forms reach the form and
  its action, which refuse them on the field, by its label, with what the person typed kept.

Each part of the site answers in its own format: the responder registered for the path's
prefix in MINSHENG_INPUT_ERROR_RESPONDERS (Open311's error array, the API's {detail, field}),
else a short Chinese page.
"""

import json

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.html import escape
from django.utils.module_loading import import_string

from minsheng.core.text import control_character_message, forbidden_character

MAX_QUERY_STRING = 4096
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class InputProblem(Exception):
    def __init__(self, status: int, message: str, field: str | None = None):
        super().__init__(message)
        self.status, self.message, self.field = status, message, field


def _check(field: str, value: str, *, nul_only: bool = False) -> None:
    position = value.find("\x00") if nul_only else forbidden_character(value)
    if position is not None and position >= 0:
        raise InputProblem(400, control_character_message(f"参数“{field[:40]}”", value, position), field[:40])


def _check_pairs(pairs, *, nul_only: bool = False) -> None:
    for key, values in pairs:
        _check("参数名", key, nul_only=nul_only)
        for value in values:
            _check(key, value, nul_only=nul_only)


MAX_JSON_DEPTH = 32


def _check_json(document) -> None:
    """Every string (and key) of a JSON document, walked with a stack: no depth of nesting can
    exhaust the interpreter's recursion, and no document deeper than MAX_JSON_DEPTH is taken."""
    stack = [(document, "", 0)]
    while stack:
        node, path, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise InputProblem(400, f"请求内容的嵌套超过{MAX_JSON_DEPTH}层。", path or "body")
        if isinstance(node, str):
            _check(path or "body", node)
        elif isinstance(node, dict):
            for key, value in node.items():
                _check("字段名", key)
                stack.append((value, f"{path}.{key}" if path else str(key), depth + 1))
        elif isinstance(node, list):
            stack.extend((value, f"{path}[{index}]", depth + 1) for index, value in enumerate(node))


def inspect(request, *, machine: bool) -> None:
    """Raise InputProblem for the first rule the request breaks. `machine`: a channel for other
    systems (Open311, the JSON API), whose bodies get the whole rule at the door."""
    query = request.META.get("QUERY_STRING", "")
    if len(query) > MAX_QUERY_STRING:
        raise InputProblem(414, f"网址中的查询参数过长（{len(query)}个字符，上限{MAX_QUERY_STRING}个），请缩短后重试。")
    position = forbidden_character(request.path)
    if position is not None:
        raise InputProblem(400, control_character_message("网址", request.path, position), "path")
    _check_pairs(request.GET.lists())
    if request.method not in ("POST", "PUT", "PATCH"):
        return
    content_type = request.content_type or ""
    try:
        if content_type in FORM_TYPES:
            _check_pairs(request.POST.lists(), nul_only=not machine)
            for field, uploads in request.FILES.lists():
                for upload in uploads:
                    _check(field, upload.name or "", nul_only=not machine)
        elif machine or content_type == "application/json" or content_type.endswith("+json"):
            # Machine channels read a body as JSON whatever its declared type (django-ninja does).
            body = request.body
            try:
                document = json.loads(body) if body else None
            except RecursionError:
                raise InputProblem(400, f"请求内容的嵌套超过{MAX_JSON_DEPTH}层。", "body") from None
            except ValueError:
                return  # not JSON: the view says so in its own words
            _check_json(document)
    except RequestDataTooBig:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
        raise InputProblem(413, f"请求内容过大（上限{limit} MB，附件除外），请精简后重试。") from None
    except TooManyFieldsSent:
        raise InputProblem(400, "请求中的字段过多。") from None
    except MultiPartParserError:
        raise InputProblem(400, "上传的表单格式不正确，请重新提交。") from None


def _page(request, problem: InputProblem) -> HttpResponse:
    body = (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1"><title>请求有误</title></head>'
        f'<body><main><h1>请求有误</h1><p role="alert">{escape(problem.message)}</p>'
        '<p><a href="/">返回首页</a></p></main></body></html>'
    )
    return HttpResponse(body, status=problem.status, content_type="text/html; charset=utf-8")


class InputGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        configured = getattr(settings, "MINSHENG_INPUT_ERROR_RESPONDERS", {})
        # Longest prefix first, so /api/v1/ wins over /api/.
        self.responders = sorted(
            ((prefix, import_string(path)) for prefix, path in configured.items()), key=lambda pair: -len(pair[0])
        )

    def __call__(self, request):
        responder = next((r for prefix, r in self.responders if request.path.startswith(prefix)), None)
        try:
            inspect(request, machine=responder is not None)
        except InputProblem as problem:
            if responder is not None:
                return responder(request, problem.status, problem.message, problem.field)
            return _page(request, problem)
        return self.get_response(request)
