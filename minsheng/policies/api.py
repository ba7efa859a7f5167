"""Enterprise policies in the JSON API. Public (no login): the library of the city and its
counties in force, one policy with its guide and conditions, the delivery figures per policy and
per region side by side (市县一体); never a firm. Staff (token or session): the policies they may
open (drafts included), a policy's eligible firms, payouts and applications, a firm's matches,
and each step of delivery, through the same actions as the pages."""

from django.core.paginator import Paginator
from ninja import Router, Status

from minsheng.core import clock
from minsheng.core.apitools import Error
from minsheng.core.errors import ActionError, NotFound
from minsheng.core.identity import mask_personal_text
from minsheng.core.text import parse_id
from minsheng.core.words import search_words
from minsheng.enterprises import queries as enterprise_queries
from minsheng.enterprises.models import SizeClass
from minsheng.org.access import is_staff_member
from minsheng.org.models import Region, RegionLevel
from minsheng.policies import actions, conditions, figures, queries, rules
from minsheng.policies.models import (
    BenefitType,
    Delivery,
    Payout,
    PayoutState,
    Policy,
    PolicyApplication,
    PolicyState,
)
from minsheng.policies.schemas import (
    ApplicationOut,
    ApplicationPage,
    CountOut,
    EligiblePage,
    FirmMatch,
    MatchOut,
    NotifyOut,
    ObjectionIn,
    PaidIn,
    PayoutOut,
    PayoutPage,
    PolicyDetail,
    PolicyFiguresOut,
    PolicyIn,
    PolicyPage,
    ReasonIn,
    RegionBoardOut,
    ReviewIn,
)

router = Router(tags=["惠企政策"])
PUBLIC_ERRORS = {400: Error, 404: Error, 413: Error, 414: Error}
ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 409: Error, 413: Error, 414: Error}
PAGE_SIZE = 100
LEVEL_LABELS = {RegionLevel.CITY: "市级", RegionLevel.COUNTY: "县级"}


def _money(value) -> str | None:
    return f"{value:.2f}" if value is not None else None


def _summary(policy: Policy) -> dict:
    return {"number": policy.number, "title": policy.title, "issuer": policy.issuer.name, "region": policy.region.name,
            "region_code": policy.region.code, "level": policy.region.level,
            "level_label": LEVEL_LABELS.get(policy.region.level, policy.region.get_level_display()),
            "document_number": policy.document_number, "issued_on": policy.issued_on, "valid_from": policy.valid_from,
            "valid_to": policy.valid_to, "benefit_type": policy.benefit_type,
            "benefit_type_label": policy.get_benefit_type_display(), "delivery": policy.delivery,
            "delivery_label": policy.get_delivery_display(), "amount_text": policy.amount_text, "state": policy.state,
            "state_label": policy.get_state_display()}


def _condition(row) -> dict:
    spec = conditions.fields().get(row.field)
    return {"position": row.position, "text": row.text, "field": row.field, "field_label": spec.label if spec else row.field,
            "operator": row.operator, "operator_label": conditions.OPERATOR_LABELS.get(row.operator, row.operator),
            "value": row.value, "period": row.period, "period_label": conditions.PERIODS.get(row.period, ""),
            "verifiable": row.verifiable}


def _detail(policy: Policy) -> dict:
    today = clock.today()
    rows = list(policy.conditions.all())
    in_force = (policy.state == PolicyState.PUBLISHED and policy.valid_from <= today
                and (policy.valid_to is None or today <= policy.valid_to))
    return {**_summary(policy), "beneficiaries": policy.beneficiaries, "payment_days": policy.payment_days,
            "where_to_apply": policy.where_to_apply, "contact": policy.contact, "exclusive_group": policy.exclusive_group,
            "benefit_kind": policy.benefit_kind, "benefit_kind_label": policy.get_benefit_kind_display(),
            "amount": _money(policy.amount), "rate": str(policy.rate) if policy.rate is not None else None,
            "base_field": policy.base_field, "tiers": [[str(low), str(money)] for low, money in policy.tiers],
            "floor": _money(policy.floor), "cap": _money(policy.cap), "budget": _money(policy.budget),
            "publish_due": policy.publish_due, "published_at": policy.published_at, "in_force": in_force,
            "all_verifiable": all(row.verifiable for row in rows), "conditions": [_condition(row) for row in rows]}


def _page(items, page: int, shape) -> dict:
    paginator = Paginator(items, PAGE_SIZE)
    current = paginator.get_page(page)
    return {"count": paginator.count, "page": current.number, "pages": paginator.num_pages,
            "results": [shape(item) for item in current.object_list]}


def _choice(value: str | None, choices, field: str, label: str) -> str:
    if not value:
        return ""
    if value not in choices.values:
        raise ActionError(f"{label}应为：" + "、".join(f"{v}（{name}）" for v, name in choices.choices) + "。", field=field)
    return value


def _year(year: int | None) -> int:
    today = clock.today()
    if year is None:
        return today.year
    if not 2000 <= year <= today.year:
        raise ActionError("年度应为2000年至今年之间的年份。", field="year")
    return year


# --- public: the library (查) ---------------------------------------------------------------------------

@router.get("/policies", auth=None, response={200: PolicyPage, **PUBLIC_ERRORS},
            summary="查政策（公开）：市、县在执行期内的政策，按关键词、区划、支持方式、兑现方式、行业、企业规模查找")
def policies(request, q: str | None = None, region: str | None = None, benefit_type: str | None = None,
             delivery: str | None = None, industry: str | None = None, size_class: str | None = None, page: int = 1):
    area = None
    if region:
        area = Region.objects.select_related("parent").filter(code=region.strip()[:12]).first()
        if area is None:
            raise NotFound("没有这个区划。")
        area = area.county or area  # a township's firms: its county's policies and the city's
    industry = (industry or "").strip().upper()
    if industry and not (industry.isascii() and ((len(industry) == 1 and industry.isalpha())
                                                  or (industry.isdigit() and 2 <= len(industry) <= 4))):
        raise ActionError("行业应为门类字母（如C）或行业代码（如2922）。", field="industry")
    found = queries.search(clock.today(), words=search_words(q.strip()[:100]) if q else (), region=area,
                           benefit_type=_choice(benefit_type, BenefitType, "benefit_type", "支持方式"),
                           delivery=_choice(delivery, Delivery, "delivery", "兑现方式"), industry=industry,
                           size_class=_choice(size_class, SizeClass, "size_class", "企业规模"))
    return _page(found, page, _summary)


def _published(number: str) -> Policy:
    policy = queries.published(number)
    if policy is None:
        raise NotFound("没有找到该政策。")
    return policy


# --- public: the delivery figures (送, 市县一体) ------------------------------------------------------------

@router.get("/policies/figures", auth=None, response={200: RegionBoardOut, **PUBLIC_ERRORS},
            summary="政策兑现情况（公开）：市本级和各县（市、区）并列")
def region_figures(request, year: int | None = None):
    board = figures.region_board(_year(year))

    def row(r: figures.RegionFigures) -> dict:
        return {"code": r.code, "name": r.name, "level": r.level, "policies_published": r.policies_published,
                "automatic_published": r.automatic_published, "published_on_time": r.published_on_time,
                "published_on_time_share": r.published_on_time_share, "paid": r.paid, "firms_paid": r.firms_paid,
                "amount_paid": _money(r.amount_paid), "days_median": r.days_median, "overdue_now": r.overdue_now,
                "applications": r.applications}

    return {"year": board.year, "day": board.day, "rows": [row(r) for r in board.rows], "total": row(board.total)}


# --- staff: the policies one may open (drafts included) ---------------------------------------------------

@router.get("/policies/library", response={200: PolicyPage, **ERRORS},
            summary="本部门录入的政策和所辖范围内的政策（含草拟）")
def library(request, state: str | None = None, page: int = 1):
    if not is_staff_member(request.user):
        raise NotFound("没有找到政策。")
    found = queries.visible_policies(request.user).select_related("issuer", "region")
    state = _choice(state, PolicyState, "state", "状态")
    if state:
        found = found.filter(state=state)
    return _page(found.order_by("-issued_on", "-pk"), page, _summary)


@router.get("/policies/library/{number}", response={200: PolicyDetail, **ERRORS}, summary="一项政策（含草拟）")
def library_detail(request, number: str):
    return _detail(queries.access_policy(request.user, number))


@router.post("/policies", response={201: PolicyDetail, **ERRORS},
             summary="录入政策（本部门；条件按字段、比较、值、年度填写）")
def create_policy(request, payload: PolicyIn):
    user = request.user
    if not is_staff_member(user):
        raise NotFound("没有找到该部门。")
    values = payload.dict()
    rows = values.pop("conditions")
    policy = actions.do_create_policy(user.department, **values, conditions_rows=rows, actor=user)
    return Status(201, _detail(policy))


# --- staff: a firm's matches ----------------------------------------------------------------------------

@router.get("/policies/firms/{entity_id}", response={200: list[FirmMatch], **ERRORS},
            summary="一家企业所在地在执行期内的政策：是否符合、缺哪些条件、测算金额")
def firm_matches(request, entity_id: str):
    entity = enterprise_queries.access_entity(request.user, entity_id)
    today = clock.today()
    facts = queries.facts_of(entity)
    return [{"number": policy.number, "title": policy.title, "region": policy.region.name, "delivery": policy.delivery,
             "delivery_label": policy.get_delivery_display(), "meets": not missing,
             "missing": [condition.describe() for condition in missing],
             "expected_amount": _money(queries.amount_for(policy, facts, today))}
            for policy, missing in queries.policies_for(entity, today, facts=facts)]


# --- staff: payouts and applications by id ---------------------------------------------------------------

def _payout_row(payout: Payout) -> dict:
    application = getattr(payout, "application", None)
    return {"id": payout.pk, "policy": payout.policy.number, "entity_id": payout.entity_id, "entity": payout.entity.name,
            "uscc": payout.entity.uscc, "year": payout.year, "amount": _money(payout.amount), "state": payout.state,
            "state_label": payout.get_state_display(), "due_on": payout.due_on, "publicity_ends_on": payout.publicity_ends_on,
            "listed_at": payout.listed_at, "paid_on": payout.paid_on, "note": payout.note,
            "application": application.pk if application is not None else None}


def _payout(request, payout_id: str) -> Payout:
    pk = parse_id(payout_id)
    payout = (Payout.objects.filter(pk=pk, policy__in=queries.visible_policies(request.user))
              .select_related("policy", "entity", "application").first() if pk is not None else None)
    if payout is None:
        raise NotFound("没有找到该兑现记录。")  # another department's reads the same as none
    return payout


def _after(payout: Payout) -> dict:
    return _payout_row(Payout.objects.select_related("policy", "entity", "application").get(pk=payout.pk))


@router.post("/policies/payouts/{payout_id}/confirm", response={200: PayoutOut, **ERRORS},
             summary="审核确认（预算不足时按顺序排队；同组政策不重复享受）")
def confirm_payout(request, payout_id: str):
    return _after(actions.do_confirm_payout(_payout(request, payout_id), actor=request.user))


@router.post("/policies/payouts/{payout_id}/reject", response={200: PayoutOut, **ERRORS}, summary="不予兑现（写明理由）")
def reject_payout(request, payout_id: str, payload: ReasonIn):
    return _after(actions.do_reject_payout(_payout(request, payout_id), reason=payload.reason, actor=request.user))


@router.post("/policies/payouts/{payout_id}/object", response={200: PayoutOut, **ERRORS},
             summary="登记公示期内的异议（退回重新审核）")
def object_payout(request, payout_id: str, payload: ObjectionIn):
    return _after(actions.do_object_payout(_payout(request, payout_id), objection=payload.objection, actor=request.user))


@router.post("/policies/payouts/{payout_id}/order", response={200: PayoutOut, **ERRORS}, summary="公示期满后下达拨付")
def order_payout(request, payout_id: str):
    return _after(actions.do_order_payout(_payout(request, payout_id), actor=request.user))


@router.post("/policies/payouts/{payout_id}/paid", response={200: PayoutOut, **ERRORS}, summary="确认拨付")
def confirm_paid(request, payout_id: str, payload: PaidIn):
    return _after(actions.do_confirm_paid(_payout(request, payout_id), paid_on=payload.paid_on, actor=request.user))


def _application_row(application: PolicyApplication, user) -> dict:
    payout = application.payout
    keeper = rules.may_keep_policies(user, application.policy.issuer)
    return {"id": application.pk, "case": application.case.number, "policy": application.policy.number,
            "entity_id": application.entity_id, "entity": application.entity.name, "uscc": application.entity.uscc,
            "year": application.year, "stage": application.stage, "stage_label": application.get_stage_display(),
            "expected_amount": _money(application.expected_amount),
            "known_facts": [{"condition": str(row.get("condition", "")), "data": str(row.get("data", ""))}
                            for row in application.known_facts if isinstance(row, dict)],
            "missing": [str(text) for text in application.missing],
            "explanation": application.explanation if keeper else mask_personal_text(application.explanation),
            "created_at": application.created_at, "payout": payout.pk if payout is not None else None,
            "amount": _money(payout.amount) if payout is not None else None}


@router.post("/policies/applications/{application_id}/review", response={200: ApplicationOut, **ERRORS},
             summary="审核申报：通过（核定金额，按预算和同组规则确认）或不予兑现（写明理由，办结办件）")
def review_application(request, application_id: str, payload: ReviewIn):
    application = queries.access_application(request.user, parse_id(application_id))
    actions.do_review_application(application, approve=payload.approve, amount=payload.amount, note=payload.note,
                                  actor=request.user)
    return _application_row(queries.access_application(request.user, application.pk), request.user)


# --- public: one policy and its figures (after the fixed paths above) ----------------------------------------

@router.get("/policies/{number}", auth=None, response={200: PolicyDetail, **PUBLIC_ERRORS},
            summary="一项政策（公开）：办事指南和条件")
def policy_detail(request, number: str):
    return _detail(_published(number))


@router.get("/policies/{number}/figures", auth=None, response={200: PolicyFiguresOut, **PUBLIC_ERRORS},
            summary="一项政策的兑现情况（公开）：拨付企业数和金额、各环节笔数、从印发到拨付的工作日、预算使用")
def policy_figures(request, number: str, year: int | None = None):
    policy = _published(number)
    f = figures.policy_figures(policy, _year(year))
    return {"number": f.number, "title": f.title, "region": f.region_name, "region_code": f.region_code,
            "delivery": f.delivery, "year": f.year,
            "payouts": [{"state": state, "label": label, "count": count} for state, label, count in f.state_rows],
            "paid": f.paid, "firms_paid": f.firms_paid, "amount_paid": _money(f.amount_paid), "paid_on_time": f.paid_on_time,
            "on_time_share": f.on_time_share, "days_median": f.days_median, "days_max": f.days_max,
            "applications": f.applications, "applications_approved": f.applications_approved,
            "applications_refused": f.applications_refused, "budget": _money(f.budget), "committed": _money(f.committed),
            "budget_used_share": f.budget_used_share}


# --- staff: one policy's work ----------------------------------------------------------------------------------

@router.get("/policies/{number}/eligible", response={200: EligiblePage, **ERRORS},
            summary="符合政策全部条件的企业（今天，一次查询）")
def eligible(request, number: str, page: int = 1):
    policy = queries.access_policy(request.user, number)
    firms = queries.eligible(policy, clock.today()).select_related("region").order_by("pk")
    return _page(firms, page, lambda e: {"id": e.pk, "name": e.name, "uscc": e.uscc, "region": e.region.name})


@router.get("/policies/{number}/payouts", response={200: PayoutPage, **ERRORS}, summary="政策的兑现名单（可按环节筛选）")
def payouts(request, number: str, state: str | None = None, year: int | None = None, page: int = 1):
    policy = queries.access_policy(request.user, number)
    found = Payout.objects.filter(policy=policy).select_related("policy", "entity", "application")
    state = _choice(state, PayoutState, "state", "环节")
    if state:
        found = found.filter(state=state)
    if year is not None:
        found = found.filter(year=_year(year))
    return _page(found.order_by("listed_at", "pk"), page, _payout_row)


@router.get("/policies/{number}/applications", response={200: ApplicationPage, **ERRORS}, summary="政策收到的申报")
def applications(request, number: str, year: int | None = None, page: int = 1):
    policy = queries.access_policy(request.user, number)
    found = (PolicyApplication.objects.filter(policy=policy)
             .select_related("case", "policy__issuer__region", "entity", "payout"))
    if year is not None:
        found = found.filter(year=_year(year))
    return _page(found.order_by("created_at", "pk"), page, lambda a: _application_row(a, request.user))


@router.post("/policies/{number}/publish", response={200: PolicyDetail, **ERRORS}, summary="发布政策")
def publish(request, number: str):
    policy = actions.do_publish_policy(queries.access_policy(request.user, number), actor=request.user)
    return _detail(queries.access_policy(request.user, policy.number))


@router.post("/policies/{number}/match", response={200: MatchOut, **ERRORS},
             summary="免申即享：匹配符合条件的企业，列入待审核（每家企业每年一次）")
def match(request, number: str):
    return {"listed": actions.do_match_policy(queries.access_policy(request.user, number), actor=request.user)}


@router.post("/policies/{number}/publicize", response={200: CountOut, **ERRORS}, summary="公示审核确认的企业")
def publicize(request, number: str):
    return {"count": actions.do_publicize_payouts(queries.access_policy(request.user, number), actor=request.user)}


@router.post("/policies/{number}/notify", response={200: NotifyOut, **ERRORS},
             summary="依申请政策：提醒可能符合条件的企业和帮扶干部（每项政策一次）")
def notify(request, number: str):
    return actions.do_notify_candidates(queries.access_policy(request.user, number), actor=request.user)
