"""The platform's JSON API under /api/v1/ (django-ninja): the staff workbench's reads and
actions, over the same queries and actions as the pages. Every response code is documented;
Chinese text is sent as is, not escaped."""

import json

from django.http import HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, SessionAuth

from minsheng.core.apitools import ChineseJSONRenderer
from minsheng.core.errors import ActionError, Conflict, NotAllowed, NotFound
from minsheng.org.access import user_for_token


class TokenAuth(HttpBearer):
    """Authorization: Bearer <token> (python -m minsheng token create USERNAME)."""

    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class StaffSession(SessionAuth):
    """A logged-in staff member's browser session (CSRF-checked for writes)."""


api = NinjaAPI(
    title="民生平台接口",
    version="1.0.0",
    description="工作台的读取与办理操作。认证：浏览器会话（写操作需CSRF令牌），或 Authorization: Bearer <令牌>。",
    urls_namespace="api",
    renderer=ChineseJSONRenderer(),
    auth=[TokenAuth(), StaffSession()],
    docs_url="/docs",
)

STATUS_OF = {NotFound: 404, NotAllowed: 403, Conflict: 409}


def input_error(request, status: int, message: str, field: str | None) -> HttpResponse:
    """The input guard's refusal (core/middleware.py) in the API's own error shape."""
    body = json.dumps({"detail": message, "field": field}, ensure_ascii=False)
    return HttpResponse(body, status=status, content_type="application/json; charset=utf-8")


@api.exception_handler(ActionError)
def action_error(request, error: ActionError):
    status = next((code for kind, code in STATUS_OF.items() if isinstance(error, kind)), 400)
    return api.create_response(request, {"detail": error.message, "field": error.field}, status=status)


PYDANTIC_TYPE_TAGS = frozenset({"str", "int", "float", "bool", "decimal", "list", "dict"})


def _is_type_tag(part: str) -> bool:
    return part.isdigit() or "[" in part or "-" in part or part.lower() in PYDANTIC_TYPE_TAGS


@api.exception_handler(ValidationError)
def validation_error(request, error: ValidationError):
    """Malformed input is a 400 with a Chinese message naming the parameter, like every other refusal."""
    first = error.errors[0] if error.errors else {}
    location = [str(part) for part in first.get("loc", ()) if part not in ("body", "query", "path", "payload")]
    # pydantic adds a union's member ("str", "list[str]", "function-after[...]") and list
    # positions to the location: the field is the last part that names one.
    named = [part for part in location if not _is_type_tag(part)]
    field = named[-1] if named else None
    message = f"参数“{field}”格式不正确或缺失。" if field else "请求格式不正确。"
    return api.create_response(request, {"detail": message, "field": field}, status=400)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, error):
    return api.create_response(request, {"detail": "请先登录，或在Authorization头中提供有效的访问令牌。", "field": None}, status=401)


@api.exception_handler(HttpError)
def http_error(request, error: HttpError):
    return api.create_response(request, {"detail": str(error), "field": None}, status=error.status_code)


from minsheng.cases.api import router as cases_router  # noqa: E402
from minsheng.pledges.api import router as pledges_router  # noqa: E402
from minsheng.elevators.api import router as elevators_router  # noqa: E402
from minsheng.enterprises.api import router as enterprises_router  # noqa: E402
from minsheng.inspections.api import router as inspections_router  # noqa: E402
from minsheng.policies.api import router as policies_router  # noqa: E402
from minsheng.evaluation.api import router as evaluation_router  # noqa: E402
from minsheng.stations.api import router as stations_router  # noqa: E402

api.add_router("/", cases_router)
api.add_router("/", pledges_router)
api.add_router("/", elevators_router)
api.add_router("/", enterprises_router)
api.add_router("/", inspections_router)
api.add_router("/", policies_router)
api.add_router("/", evaluation_router)
api.add_router("/", stations_router)
