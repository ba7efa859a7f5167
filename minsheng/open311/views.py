"""GeoReport v2 endpoints. Each parses the spec's parameters, calls the case engine's queries
or its intake action, and renders the spec's documents; errors are a list of {code, description}
with 400 for bad input, 403 for a missing or wrong api_key, 404 for an unknown request or service."""

import hashlib
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import OuterRef, Subquery, TextField, Value
from django.db.models.functions import Concat
from django.http import HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.csrf import csrf_exempt

from minsheng.cases.actions import Intake, do_register_case
from minsheng.cases.catalogue import GENERAL
from minsheng.cases.publication import published_q
from minsheng.cases.models import Case, CaseEvent, CaseKind, Category, Channel, State
from minsheng.core import clock, idempotency, ratelimit, reference
from minsheng.core.errors import ActionError, NotAllowed
from minsheng.core.text import check_date, parse_id
from minsheng.open311 import translate
from minsheng.open311.formats import error, format_of, respond
from minsheng.org.access import API_CLIENT_GROUP, api_client_for
from minsheng.org.models import Region, RegionLevel

FORMATS = ("json", "xml")
MAX_SPAN = timedelta(days=90)
MAX_ROWS = 1000
MAX_DESCRIPTION = 4000
LIST_CACHE_SECONDS = 5
OPEN = [State.REGISTERED, State.ACCEPTED, State.DISPATCHED, State.RETURNED, State.HANDLING]
CLOSED = [State.CLOSED, State.ARCHIVED, State.REJECTED, State.WITHDRAWN]
# Engine field → the spec's parameter, so an error names what the client sent.
PARAMETERS = {
    "requester_phone": "phone",
    "requester_name": "last_name",
    "requester_email": "email",
    "description": "description",
    "latitude": "lat",
    "longitude": "long",
    "media_url": "media_url",
    "category": "service_code",
    "address_id": "address_id",
}


class BadRequest(Exception):
    def __init__(self, status: int, description: str, headers: dict | None = None):
        self.status, self.description, self.headers = status, description, headers


def _shared(key: str, compute):
    """The catalogue and the jurisdictions change a few times a year: each process keeps them,
    checked against the shared reference generation (core/reference.py)."""
    return reference.get(f"open311:{key}", compute)


def _jurisdictions() -> dict[str, Region]:
    return _shared(
        "jurisdictions",
        lambda: {r.code: r for r in Region.objects.filter(level__in=[RegionLevel.CITY, RegionLevel.COUNTY]).order_by("code")},
    )


def _region_ids(region: Region) -> list[int]:
    return _shared(
        f"regions:{region.pk}",
        lambda: list(Region.objects.filter(code__startswith=region.code_prefix).values_list("pk", flat=True)),
    )


def _services() -> dict[str, tuple[Category, bool]]:
    def load():
        leaves = (
            Category.objects.filter(is_active=True, children__isnull=True)
            .select_related("parent")
            .prefetch_related("questions")
            .order_by("parent__order", "parent__code", "order", "code")
        )
        return {c.code: (c, bool(c.questions.all())) for c in leaves}

    return _shared("services", load)


def _general_kind() -> CaseKind:
    return _shared("kind", lambda: CaseKind.objects.get(code=GENERAL))


def _jurisdiction(params) -> Region:
    """Optional while the server serves one jurisdiction, required and checked when it serves several."""
    regions = _jurisdictions()
    code = (params.get("jurisdiction_id") or "").strip()
    if not code:
        if len(regions) == 1:
            return next(iter(regions.values()))
        raise BadRequest(400, f"jurisdiction_id：本服务覆盖{len(regions)}个辖区，请提供jurisdiction_id（行政区划代码，如360429）。")
    region = regions.get(code)
    if region is None:
        raise BadRequest(400, f"jurisdiction_id：没有代码为“{code[:20]}”的辖区。")
    return region


KEY_IN_URL = (
    "api_key：密钥不能放在网址里：网址会被写进代理和服务器的访问日志。"
    "请放在POST请求体的api_key字段，或X-Api-Key请求头中；已经这样发出过的密钥请联系管理员更换。"
)


def _guard(*methods: str):
    """The endpoint's methods, formats and errors: every refusal is the spec's error array."""

    def decorate(view):
        def wrapped(request, *args, fmt: str, **kwargs):
            if fmt not in FORMATS:
                return error("json", 404, f"不支持的格式“{fmt[:10]}”，请使用.json或.xml。")
            if request.method not in methods:
                allowed = ", ".join(methods)
                return error(fmt, 405, f"此地址只接受{'、'.join(methods)}请求。", headers={"Allow": allowed})
            try:
                if "api_key" in request.GET:
                    raise BadRequest(400, KEY_IN_URL)
                return view(request, *args, fmt=fmt, **kwargs)
            except BadRequest as problem:
                return error(fmt, problem.status, problem.description, headers=problem.headers)

        wrapped.__name__ = view.__name__
        return csrf_exempt(wrapped)

    return decorate


@_guard("GET")
def discovery(request, fmt: str):
    base = request.build_absolute_uri("/open311/v2/")
    payload = {
        "changeset": "2026-11-26T00:00:00+08:00",
        "contact": settings.MINSHENG_OPEN311_CONTACT,
        "key_service": "api_key由市数据管理局为接入系统发放：python -m minsheng apikey create 系统名称",
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": base,
                "changeset": "2026-11-26T00:00:00+08:00",
                "type": "production",
                "formats": ["application/json", "text/xml"],
            }
        ],
    }
    return respond("discovery", payload, fmt)


@_guard("GET")
def services(request, fmt: str):
    _jurisdiction(request.GET)
    items = [translate.service(category, has_questions) for category, has_questions in _services().values()]
    return respond("services", items, fmt)


@_guard("GET")
def service_definition(request, service_code: str, fmt: str):
    _jurisdiction(request.GET)
    found = _services().get(service_code)
    if found is None:
        raise BadRequest(404, f"service_code：没有代码为“{service_code[:40]}”的服务。")
    return respond("service_definition", translate.definition(found[0]), fmt)


@_guard("GET", "POST")
def requests_(request, fmt: str):
    if request.method == "POST":
        return _create(request, fmt)
    return _cached(request, fmt, lambda: _list(request, fmt))


def _client(request):
    """The client system whose key came in the body or the X-Api-Key header, within its rate.

    Requests are counted in the shared cache, so the limit holds across all processes. A key
    revoked since this process last read it is refused by the intake action itself, in the
    statement that would file the case: from its next request, in every process."""
    key = request.POST.get("api_key") or request.headers.get("X-Api-Key") or ""
    if not key:
        raise BadRequest(403, "api_key：缺少api_key。请向市数据管理局申请接入密钥。")
    client = api_client_for(key)
    if client is None:
        raise BadRequest(403, "api_key：密钥无效或已被吊销。")
    limit = client.requests_per_minute
    usage = ratelimit.hit(API_CLIENT_GROUP, str(client.pk), limit=limit, period=60, batch=ratelimit.batch_for(limit))
    if usage.exceeded:
        retry = max(usage.retry_after, 1)
        raise BadRequest(
            429, f"api_key：超过每分钟{client.requests_per_minute}次的请求上限，请{retry}秒后重试。", {"Retry-After": str(retry)}
        )
    return client


def _attributes(params) -> dict:
    """attribute[code]=value and attribute[code][]=value (lists)."""
    answers: dict = {}
    for name in params:
        if not name.startswith("attribute[") or "]" not in name:
            continue
        code = name[len("attribute["):name.index("]")]
        if name.endswith("[]"):
            answers[code] = params.getlist(name)
        else:
            answers[code] = params.get(name)
    return answers


def _create(request, fmt: str):
    """POST requests: the key and its rate are checked first, outside the transaction, so a
    refused request still counts; the work and its idempotency record commit together."""
    client = _client(request)
    try:
        key = idempotency.key_from(request, form_field="idempotency_key")
        if key is None:
            return _file_request(request, fmt, client)
        return idempotency.respond_once(
            scope=f"open311:client:{client.pk}",
            key=key,
            fingerprint=idempotency.fingerprint(request, ignore=("api_key", "idempotency_key")),
            run=lambda: _file_request(request, fmt, client),
        )
    except idempotency.IdempotencyProblem as problem:
        raise BadRequest(problem.status, problem.message) from None


def _file_request(request, fmt: str, client):
    params = request.POST
    region = _jurisdiction(params)
    if not client.region.contains(region):
        raise BadRequest(403, f"api_key：该密钥只能向{client.region.name}及其下辖区提交诉求。")
    code = (params.get("service_code") or "").strip()
    if not code:
        raise BadRequest(400, "service_code：必填，请先调用services获取服务代码。")
    found = _services().get(code)
    if found is None:
        raise BadRequest(404, f"service_code：没有代码为“{code[:40]}”的服务。")
    category = found[0]
    lat, long_, address, address_id = (params.get(k, "").strip() for k in ("lat", "long", "address_string", "address_id"))
    if not ((lat and long_) or address or address_id):
        raise BadRequest(400, "lat/long：请提供位置：lat和long，或address_string，或address_id，至少一项。")
    description = params.get("description", "")
    if len(description) > MAX_DESCRIPTION:
        raise BadRequest(400, f"description：不能超过{MAX_DESCRIPTION}个字符（收到{len(description)}个）。")
    if not params.get("phone", "").strip():
        raise BadRequest(400, "phone：请提供诉求人的手机号码，以便承办部门联系和回访。")
    name = f"{params.get('last_name', '').strip()}{params.get('first_name', '').strip()}" or "未留姓名"
    intake = Intake(
        region=region,
        kind=_general_kind(),
        category=category,
        channel=client.channel if client.channel in Channel.values else Channel.API,
        requester_name=name[:30],
        requester_phone=params.get("phone", ""),
        requester_email=params.get("email", ""),
        description=description.strip() or f"{category.name}{('：' + address) if address else ''}",
        address=address,
        address_id=address_id,
        latitude=lat or None,
        longitude=long_ or None,
        answers=_attributes(params),
        account_id=params.get("account_id", ""),
        device_id=params.get("device_id", ""),
        media_url=params.get("media_url", ""),
        api_client=client,
    )
    try:
        case, _code = do_register_case(intake, actor=None)
    except NotAllowed as problem:
        raise BadRequest(403, f"api_key：{problem.message}") from None
    except ActionError as problem:
        field = problem.field or ""
        if field.startswith("answer_"):
            parameter = f"attribute[{field[len('answer_'):]}]"
        else:
            parameter = PARAMETERS.get(field, field or "request")
        raise BadRequest(400, f"{parameter}：{problem.message}") from None
    return respond(
        "service_requests",
        [{"service_request_id": case.number, "service_notice": translate.notice(case.state, case.due_at, case.due_provisional), "account_id": case.account_id or None}],
        fmt,
    )


def _moment(params, name: str) -> datetime | None:
    """An ISO 8601 date or date-time parameter, refused with the spec's error when it is not one
    or lies outside the years people file in (a year 1 or 9999 would overflow the arithmetic)."""
    text = (params.get(name) or "").strip()
    if not text:
        return None
    wrong = f"{name}：“{text[:40]}”不是有效的ISO 8601日期时间，应如2026-11-26T09:00:00+08:00。"
    try:
        if "T" in text:
            # A "+" in a query string arrives as a space unless the client encoded it.
            moment = parse_datetime(text.replace(" ", "+"))
        else:
            day = parse_date(text)
            moment = datetime.combine(day, datetime.min.time()) if day else None
    except ValueError:  # well-formed but impossible: month 13, hour 25
        raise BadRequest(400, wrong) from None
    if moment is None:
        raise BadRequest(400, wrong)
    try:
        check_date(moment.date(), field=name, label="日期")
    except ActionError as problem:
        raise BadRequest(400, f"{name}：{problem.message}") from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _positive(params, name: str, default: int, maximum: int) -> int:
    text = (params.get(name) or "").strip()
    if not text:
        return default
    number = parse_id(text)
    if number is None:
        raise BadRequest(400, f"{name}：应为正整数。")
    return min(number, maximum)


def _rows(cases):
    """Request rows as dicts, each with its latest public note (status_notes) from one correlated lookup."""
    latest = (
        CaseEvent.objects.filter(case=OuterRef("pk"), is_public=True)
        .order_by("-created_at", "-id")
        # The note and its event's kind in one lookup ("closed|办理结果：…"): kinds have no "|".
        .annotate(kind_and_note=Concat("kind", Value("|"), "public_note", output_field=TextField()))
        .values("kind_and_note")[:1]
    )
    return cases.annotate(status_notes=Subquery(latest)).values(*translate.REQUEST_FIELDS)


def _cached(request, fmt: str, build):
    """A GET list answered from the cache while no case has changed since: every change to a case
    writes a CaseEvent, so the newest event id is the generation. Entries also expire after
    LIST_CACHE_SECONDS, which bounds what a transaction committing out of id order could hide."""
    generation = CaseEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    # The query as a digest: any length of query string makes a key every cache backend accepts.
    query = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    key = f"open311:{fmt}:{generation}:{query}"
    cached = cache.get(key)
    if cached is not None:
        content_type, body = cached
        return HttpResponse(body, content_type=content_type)
    response = build()
    if response.status_code == 200:
        # The bytes, not the response object: less to pickle and unpickle on every hit.
        cache.set(key, (response["Content-Type"], response.content), LIST_CACHE_SECONDS)
    return response


def _list(request, fmt: str):
    params = request.GET
    region = _jurisdiction(params)
    cases = Case.objects.filter(published_q(), region_id__in=_region_ids(region))
    ids = [part.strip() for part in (params.get("service_request_id") or "").split(",") if part.strip()]
    if ids:
        cases = cases.filter(number__in=ids[:MAX_ROWS])
    else:
        now = clock.now()
        start, end = _moment(params, "start_date"), _moment(params, "end_date")
        if start and end and end < start:
            raise BadRequest(400, "end_date：不能早于start_date。")
        if start is None and end is None:
            end, start = now, now - MAX_SPAN
        elif start is None:
            start = end - MAX_SPAN
        elif end is None:
            end = start + MAX_SPAN
        if end - start > MAX_SPAN:
            raise BadRequest(400, "start_date/end_date：两者相差不能超过90天。")
        cases = cases.filter(created_at__gte=start, created_at__lte=end)
        codes = [part.strip() for part in (params.get("service_code") or "").split(",") if part.strip()]
        if codes:
            cases = cases.filter(category__code__in=codes)
        status = (params.get("status") or "").strip()
        if status:
            wanted = set(part.strip() for part in status.split(","))
            if not wanted <= {"open", "closed"}:
                raise BadRequest(400, "status：应为open或closed。")
            if wanted == {"open"}:
                cases = cases.filter(state__in=OPEN)
            elif wanted == {"closed"}:
                cases = cases.filter(state__in=CLOSED)
    page_size = _positive(params, "page_size", MAX_ROWS, MAX_ROWS)
    page = _positive(params, "page", 1, 10**6)
    rows = _rows(cases.order_by("-created_at", "-id"))[(page - 1) * page_size : page * page_size]
    return respond("service_requests", [translate.request(row) for row in rows], fmt)


@_guard("GET")
def request_detail(request, service_request_id: str, fmt: str):
    region = _jurisdiction(request.GET)
    row = _rows(
        Case.objects.filter(published_q(), number=service_request_id[:30], region__code__startswith=region.code_prefix)
    ).first()
    if row is None:
        raise BadRequest(404, f"service_request_id：没有编号为“{service_request_id[:40]}”的诉求。")
    return respond("service_requests", [translate.request(row)], fmt)


@_guard("GET")
def token(request, token: str, fmt: str):
    _jurisdiction(request.GET)
    case = Case.objects.filter(published_q(), submission_token=f"open311:{token[:60]}").only("number").first()
    if case is None:
        raise BadRequest(404, f"token：没有找到令牌“{token[:40]}”对应的诉求。")
    return respond("service_requests", [{"service_request_id": case.number, "token": token}], fmt)


@_guard("GET")
def updates(request, fmt: str):
    """FixMyStreet's servicerequestupdates: the public updates of requests in a period."""
    params = request.GET
    region = _jurisdiction(params)
    now = clock.now()
    start, end = _moment(params, "start_date"), _moment(params, "end_date")
    end = end or now
    start = start or end - timedelta(days=1)
    if end < start:
        raise BadRequest(400, "end_date：不能早于start_date。")
    if end - start > MAX_SPAN:
        raise BadRequest(400, "start_date/end_date：两者相差不能超过90天。")
    events = (
        CaseEvent.objects.filter(
            published_q("case__"),
            is_public=True,
            created_at__gt=start,
            created_at__lte=end,
            case__region_id__in=_region_ids(region),
        )
        .select_related("case")
        .order_by("created_at", "id")[:MAX_ROWS]
    )
    return respond("service_request_updates", [translate.update(event) for event in events], fmt)


@csrf_exempt
def unknown_endpoint(request):
    return error(format_of(request.path), 404, "没有这个接口：请查看discovery.json列出的地址。")
