"""The elevator retrofit programme's demo: the city's report reproduced exactly on the public
funnel as of 2021-10-30 (621 accepted, 417 approved, 271 under construction, 108 completed, 99
combined with old-community renovation, a target of 305), then five more years of work up to
today, and the records the journeys (JOURNEYS.md 3, 10 and 14) walk through.

- The history comes from the county ledgers (台账导入, actions.do_import_history): some 2,300
  entrances of old work-unit dormitories and 1990s estates in the 13 counties, 6-7 floors, two
  dwellings a floor of 55-95 m², about one dwelling in six with residents over 60, each
  application with the dates it entered each stage. The applications filed by 2021-10-30 are
  drawn around that day so its figures come out exactly; the later ones are filed year by year
  and run their course, some still in every stage today, some withdrawn or refused.
- The featured records go through the real actions under the clock of their day, so their
  timelines are genuine: 赵金德's lift at 长运宿舍7栋 (浔阳区), filed in December 2025 and in
  service in June 2026, with the 1st floor's objection mediated to a compensation; the
  application stuck at 湖口县住建局's joint review that the 办不成事 window's elevator case is
  about (linked both ways); one in 公示 with an objection whose first mediation failed; one
  withdrawn when the vote fell short, one refused at the street's review.

Deterministic (one seed; "today" is the demo's anchor, at the latest 2026-12-10 like the cases')."""

import random
from datetime import datetime
from decimal import Decimal

from minsheng.cases.demo import send_pending_at
from minsheng.core import clock
from minsheng.elevators import actions
from minsheng.elevators.demo.featured import Featured
from minsheng.elevators.demo.history import (
    ANCHOR_CAP,
    PERMIT_THRESHOLD,
    REPORT,
    REPORT_DAY,
    RULES_FROM,
    SEED,
    SHANGHAI,
    TARGETS,
    later_lives,
    report_day_lives,
    today_lives,
)
from minsheng.elevators.demo.ledger import ledger_rows
from minsheng.elevators.models import Application, CostMethod, RuleSet, Target
from minsheng.elevators.queries import funnel
from minsheng.elevators.stages import RULES
from minsheng.org.models import Region

__all__ = ["REPORT_DAY", "TARGETS", "anchor_now", "check", "load_elevators", "rule_set"]


# --- the whole load --------------------------------------------------------------------------

def anchor_now() -> datetime:
    return min(clock.now().astimezone(SHANGHAI), ANCHOR_CAP)


def rule_set(city: Region) -> RuleSet:
    return actions.do_save_rule_set(RuleSet(
        region=city, effective_from=RULES_FROM, name="九江市既有住宅加装电梯实施办法", document_number="九府办发〔2019〕9号",
        publicity_days=10, subsidy_fixed=Decimal("200000"), cost_method=CostMethod.COEFFICIENT,
        permit_threshold=PERMIT_THRESHOLD,
    ), actor=None)


def load_elevators(regions: dict[str, Region]) -> None:
    """The programme's demo, after the org's and the cases' (the stuck application's case)."""
    anchor = anchor_now()
    rng = random.Random(SEED)
    city = regions["九江市"]
    rule_set(city)
    Target.objects.bulk_create(Target(region=city, year=year, completed=n) for year, n in TARGETS.items())
    lives = report_day_lives(rng, anchor) + later_lives(rng, anchor) + today_lives(rng, anchor)
    rows = ledger_rows(rng, lives, regions)
    with clock.fixed(anchor):
        actions.do_import_history(rows, actor=None)
    featured = Featured(regions=regions, anchor=anchor, rng=random.Random(f"{SEED}-featured"))
    featured.zhao_jinde()
    featured.stuck_at_joint_review()
    featured.in_publicity()
    featured.withdrawn()
    featured.rejected()
    # What the replayed ladder notified went out at the time (as the cases' load does), so the
    # demo's first worker run sends only what it creates.
    send_pending_at(anchor)
    check(regions)


def check(regions: dict[str, Region]) -> None:
    """The report's figures, as the public funnel shows them: a demo that drifted says so."""
    figures = funnel(REPORT_DAY).figures
    wrong = {key: (figures[key], value) for key, value in REPORT.items() if figures[key] != value}
    if wrong:
        raise RuntimeError(f"加装电梯演示数据与九江市报告不符：{wrong}")
    stages = set(Application.objects.values_list("stage", flat=True).distinct())
    missing = [rule.stage for rule in RULES.values() if rule.stage not in stages]
    if missing:
        raise RuntimeError(f"加装电梯演示数据缺少这些环节的申请：{missing}")
