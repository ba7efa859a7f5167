"""The stages of an elevator retrofit in one table, in order: who acts in each, whether the
government's clock runs on it (a limit in working days from the rule set), and which stages may
be skipped. Actions move an application only along this table; pages list from it; a test
checks every stage has its row."""

from dataclasses import dataclass

from django.db import models


class Stage(models.TextChoices):
    FEASIBILITY = "feasibility", "可行性评估"
    CONSULTATION = "consultation", "征求意见和表决"
    AGREEMENT = "agreement", "签订协议、确定实施主体"
    DESIGN = "design", "设计"
    PUBLICITY = "publicity", "公示"
    STREET_REVIEW = "street_review", "街道审查"
    JOINT_REVIEW = "joint_review", "联合审查"
    PERMIT = "permit", "施工许可"
    CONSTRUCTION = "construction", "施工"
    ACCEPTANCE = "acceptance", "竣工验收"
    REGISTRATION = "registration", "特种设备使用登记"
    SUBSIDY = "subsidy", "补贴拨付"
    IN_SERVICE = "in_service", "投入使用"
    WITHDRAWN = "withdrawn", "已撤回"
    REJECTED = "rejected", "未通过审查"


class Authority(models.TextChoices):
    OWNERS = "owners", "业主（申请人代表）"
    COMMUNITY = "community", "社区"
    BODY = "body", "实施主体"
    STREET = "street", "街道办事处"
    HOUSING = "housing", "住建局"
    MARKET = "market", "市场监管局"


@dataclass(frozen=True)
class StageRule:
    stage: str
    authority: str
    # The working days the government may take when timed; the rule set can change it.
    default_days: int | None = None
    # A stage the application may pass over (the permit below the rule set's threshold).
    optional: bool = False
    # The department that acts, by its short name in the application's county (住建局...).
    department_short_name: str = ""

    @property
    def label(self) -> str:
        return Stage(self.stage).label

    @property
    def is_government(self) -> bool:
        return self.authority in (Authority.STREET, Authority.HOUSING, Authority.MARKET)


PIPELINE: tuple[StageRule, ...] = (
    StageRule(Stage.FEASIBILITY, Authority.COMMUNITY),
    StageRule(Stage.CONSULTATION, Authority.COMMUNITY),
    StageRule(Stage.AGREEMENT, Authority.OWNERS),
    StageRule(Stage.DESIGN, Authority.BODY),
    StageRule(Stage.PUBLICITY, Authority.STREET),  # a countdown of the rule set's publicity days
    StageRule(Stage.STREET_REVIEW, Authority.STREET, default_days=10),
    StageRule(Stage.JOINT_REVIEW, Authority.HOUSING, default_days=15, department_short_name="住建局"),
    StageRule(Stage.PERMIT, Authority.HOUSING, default_days=7, optional=True, department_short_name="住建局"),
    StageRule(Stage.CONSTRUCTION, Authority.BODY),
    StageRule(Stage.ACCEPTANCE, Authority.BODY),
    StageRule(Stage.REGISTRATION, Authority.MARKET, default_days=15, department_short_name="市场监管局"),
    StageRule(Stage.SUBSIDY, Authority.HOUSING, default_days=20, department_short_name="住建局"),
    StageRule(Stage.IN_SERVICE, Authority.BODY),
)
RULES = {rule.stage: rule for rule in PIPELINE}
ORDER = {rule.stage: position for position, rule in enumerate(PIPELINE)}
FINAL_STAGES = (Stage.IN_SERVICE, Stage.WITHDRAWN, Stage.REJECTED)
OPEN_STAGES = tuple(rule.stage for rule in PIPELINE if rule.stage not in FINAL_STAGES)
GOVERNMENT_STAGES = tuple(rule.stage for rule in PIPELINE if rule.is_government and rule.stage != Stage.PUBLICITY)

# The public funnel's steps: an application "reached" a step once any of its events entered
# one of these stages (cumulative), whatever happened after.
APPROVED_FROM = Stage.PERMIT  # passed the joint review (联合审查): 已批复
UNDER_CONSTRUCTION = Stage.CONSTRUCTION
COMPLETED_FROM = Stage.ACCEPTANCE  # completion accepted or later: 已完工


def next_stage(current: str, *, needs_permit: bool) -> str | None:
    """The stage after `current` along the pipeline (the permit skipped below the threshold)."""
    position = ORDER.get(current)
    if position is None or current in FINAL_STAGES:
        return None
    for rule in PIPELINE[position + 1:]:
        if rule.stage == Stage.PERMIT and not needs_permit:
            continue
        return rule.stage
    return None


def at_or_after(stage: str, reference: str) -> bool:
    return stage in ORDER and ORDER[stage] >= ORDER[reference]
