"""A resident reports a fault of a lift in service. The report is a case of the catalogue's
"电梯故障" category, registered through the case engine (its clock, routing, query code and
notices), and linked to the lift's application in the same transaction: the handler sees the
lift, its maintenance contractor and phone on the case; the application lists the case."""

from django.db import transaction

from minsheng.cases.actions import Intake, do_register_case
from minsheng.cases.models import Case, CaseKind, Category, CategoryDepartment, Channel
from minsheng.core.errors import ActionError
from minsheng.elevators.actions._base import write_event
from minsheng.elevators.models import Application, ApplicationCase, EventKind
from minsheng.elevators.stages import Stage
from minsheng.org.models import User

FAULT_CATEGORY = "elevator-fault"
FAULT_KIND = "general"
NOT_OPEN = "电梯故障报修暂未开通，请拨打电梯轿厢内的应急救援电话或96333。"


def fault_category() -> Category | None:
    return Category.objects.filter(code=FAULT_CATEGORY, is_active=True).first()


def fault_choices(category: Category | None) -> list[tuple[str, str]]:
    """What residents see going wrong: the options of the category's "fault" question, as the
    catalogue (and the administrators after it) set them."""
    if category is None:
        return []
    question = next((q for q in category.question_list if q.code == "fault"), None)
    return [(str(option["key"]), str(option["name"])) for option in (question.values if question else [])]


def do_report_fault(application: Application, *, fault: str, description: str, floor: str = "", requester_name: str,
                    requester_phone: str, channel: str = Channel.ONLINE, submission_token: str | None = None,
                    actor: User | None = None) -> tuple[Case, str | None]:
    """Register the fault as a case routed by the category (市场监管局, the special-equipment
    authority) and link it to the application. Returns the case and its query code (None when
    the same submission already made it)."""
    if application.stage != Stage.IN_SERVICE:
        raise ActionError("这部电梯尚未投入使用，不能报告运行故障；加装过程中的问题请通过“我要反映”提出。", field="application")
    category = fault_category()
    kind = CaseKind.objects.filter(code=FAULT_KIND).first()
    if category is None or kind is None:
        raise ActionError(NOT_OPEN, field="fault")
    labels = dict(fault_choices(category))
    if fault not in labels:
        raise ActionError("故障情况：请选择一项。", field="fault")
    entrance = application.entrance
    floor = (floor or "").strip()
    where = f"{entrance}" + (f"，{floor}" if floor else "")
    intake = Intake(
        region=application.region, kind=kind, category=category, channel=channel,
        requester_name=requester_name, requester_phone=requester_phone,
        description=description, title=f"{entrance}加装电梯{labels[fault]}",
        address=f"{application.region.name}{entrance.building.estate.name}{entrance.building.name}{entrance.name}",
        answers={"building": where[:100], "fault": fault},
        # The window accepts it with the category's department of the county already proposed.
        proposed_department=next((route.department for route in CategoryDepartment.objects.filter(
            category=category, region=application.region).select_related("department")), None),
    )
    with transaction.atomic():
        case, code = do_register_case(intake, actor=actor, submission_token=submission_token)
        link, created = ApplicationCase.objects.get_or_create(application=application, case=case,
                                                             defaults={"stage": application.stage})
        if created:
            write_event(application, EventKind.FAULT, actor=actor,
                        note=f"住户报告电梯{labels[fault]}，诉求件{case.number}。",
                        data={"case": case.pk, "fault": fault})
    return case, code
