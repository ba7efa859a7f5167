"""A firm's demand becomes an enterprise case (企业诉求) of the case engine, linked to the firm:
dispatch, deadlines, the ladder and the scorecards are the engine's. A helper raises it for the
firm (channel 帮扶干部代为提出), or the firm's contact on the enterprise side (网上)."""

from django.db import transaction

from minsheng.cases.actions import Intake, do_register_case
from minsheng.cases.catalogue import ENTERPRISE
from minsheng.cases.models import Case, CaseKind, Category, CategoryDepartment, Channel
from minsheng.core.errors import ActionError, NotAllowed
from minsheng.enterprises import rules
from minsheng.enterprises.actions._base import locked, write_event
from minsheng.enterprises.models import Demand, Entity, EventKind
from minsheng.org.models import User

# The catalogue's categories a firm's demand may take, in the order the forms list them.
DEMAND_CATEGORIES = ["policy-benefit", "market-access", "premises-land", "financing", "recruitment", "workers-children",
                     "utilities", "planning-construction", "inspection", "enterprise-other"]


def demand_categories():
    found = {c.code: c for c in Category.objects.filter(code__in=DEMAND_CATEGORIES, is_active=True)}
    return [found[code] for code in DEMAND_CATEGORIES if code in found]


@transaction.atomic
def do_raise_demand(entity: Entity, *, category: Category, description: str, title: str = "", wants: str = "",
                    requester_name: str = "", requester_phone: str = "", answers: dict | None = None,
                    from_firm: bool = False, submission_token: str | None = None,
                    actor: User | None) -> tuple[Case, str | None]:
    """Register the demand as the firm's enterprise case, proposed to the category's department in
    the firm's county, and link it. `actor` is the helper (or a keeper) raising it; `from_firm`
    when the firm's own contact raises it on the enterprise side (actor None). The requester
    defaults to the firm's contact. Returns the case and its query code (None for a resubmission)."""
    entity = locked(entity)
    if not from_firm and (actor is None or not rules.may_act_for(actor, entity)):
        raise NotAllowed("只有该市场主体的帮扶干部或本地区营商办可以代企业提出诉求。")
    if not entity.is_active:
        raise ActionError(f"{entity.name}已{entity.get_status_display()}，不能再提出诉求。", field="entity")
    if category is None or category.code not in DEMAND_CATEGORIES:
        raise ActionError("请选择诉求类别。", field="category")
    kind = CaseKind.objects.filter(code=ENTERPRISE).first()
    if kind is None:
        raise ActionError("企业诉求类型未设置，请联系管理员。", field="category")
    route = CategoryDepartment.objects.filter(category=category, region=entity.region).select_related("department").first()
    intake = Intake(
        region=entity.region, kind=kind, category=category, channel=Channel.ONLINE if from_firm else Channel.HELPER,
        requester_name=requester_name or entity.contact_name or entity.legal_representative,
        requester_phone=requester_phone or entity.contact_phone, description=description, title=title, wants=wants,
        enterprise_name=entity.name, enterprise_uscc=entity.uscc, address=entity.address, answers=answers or {},
        proposed_department=route.department if route else None,
    )
    case, code = do_register_case(intake, actor=None, submission_token=submission_token)
    demand, created = Demand.objects.get_or_create(case=case, defaults={"entity": entity, "raised_by": actor})
    if created:
        by = "企业自行提出" if from_firm else f"帮扶干部{actor.full_name or actor.username}代为提出"
        write_event(EventKind.DEMAND, actor=actor, entity=entity, note=f"{category.name}：{case.title}（{by}，{case.number}）",
                    data={"case": case.pk, "category": category.code, "from_firm": from_firm})
    return case, code
