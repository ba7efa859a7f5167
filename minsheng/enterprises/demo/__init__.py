"""The enterprise help demo (JOURNEYS.md 11): 武宁县's 17,809 market entities, every one with a
helper, as the city reported it (219 规上 and 24 key firms one-to-one, the rest in grids), 周敏's
portfolio, 江西宏丰塑胶有限公司's schooling demands since 2020, and a few gaps for the coverage
report to show.

- The registry comes in as a county loads it: a workbook with the import's own columns,
  uploaded by 李萍 of 县营商办 and imported with no refused row (a refused row fails the load).
  Generated from one seed: names as firms, 个体户 and cooperatives are named, valid 统一社会信用代码
  (MA… organisation codes since 2015, the older numeric ones before), industries of GB/T 4754
  weighted as a mountain county's market, founding dates 1998-2026, last year's figures, from
  which the import derives 规上 (exactly 219). This week's new 个体户 of 石门楼镇 and 巾口乡 come
  in the week's own workbook, today, and no grid has taken them in yet: the report's gaps.
- One-to-one help from 2020 by some 80 officials of the county's departments (周敏 of 县工信局
  has 宏丰 and two other makers of the industrial park); the grids drawn in March 2024, 100-150
  entities each, each with an official of its township's government (周敏's is the county
  town's north quarter, 120 个体户); a recent history of visits, so her home page lists the
  visits due this month with two overdue; certifications of 25 firms.
- 宏丰's demands (hongfeng.py): 33 workers' children placed in schools since 2020, 李南星's son
  among them, each an enterprise case from the visit to the rating.
- 修水县: 300 entities covered, four not yet.

Everything goes through the actions under the clock of its own day; the visit reminders the
worker would have sent by yesterday evening are sent, so its first real run starts from today.
Deterministic (one seed; "today" is the anchor of the other demos, at the latest 2026-12-10)."""

import random
from datetime import timedelta

from minsheng.cases.demo import anchor_now, at, local, send_pending_at
from minsheng.core import clock
from minsheng.enterprises.actions.reminders import sweep_visit_reminders
from minsheng.enterprises.demo import helping, hongfeng, registry
from minsheng.enterprises.demo.registry import GAP, HONGFENG, WUNING_COVERED, plan_wuning, plan_xiushui
from minsheng.enterprises.models import Entity, Industry, IndustryLevel
from minsheng.enterprises.queries import coverage
from minsheng.org.models import Region

SEED = "20200302"
ABOVE_SCALE, KEY = 219, 24
LIST_LOADED_DAYS_AGO = 8  # the county's list was loaded last week; this week's new entities today


def _entities(region: Region) -> dict[str, Entity]:
    """A county's entities by code, with what the actions read of them (its county, its name for
    the events, the founding day a visit may not precede)."""
    entities = Entity.objects.filter(region=region).select_related("region").only(
        "uscc", "name", "established_on", "status", "region", "contact_phone", "contact_name", "legal_representative",
        "address")
    return {entity.uscc: entity for entity in entities}


def load_enterprises(regions: dict[str, Region]) -> None:
    """The enterprise demo, after the org's, the catalogue's and the other demos'."""
    anchor = anchor_now()
    today = local(anchor).date()
    cut = today - timedelta(days=LIST_LOADED_DAYS_AGO)
    rng = random.Random(SEED)
    wuning, xiushui = regions["武宁县"], regions["修水县"]
    people = helping.make_people(rng)
    sections = dict(Industry.objects.filter(level=IndustryLevel.CLASS).values_list("code", "section"))

    plan = plan_wuning(SEED, cut, today)
    listed = [p for p in plan.entities if p.role != GAP]
    registry.import_workbook(plan.workbook(listed, sections), f"武宁县市场主体名录（{cut:%Y年%m月%d日}）.xlsx",
                             actor=people.liping, moment=at(cut, 9, 30))
    small = plan_xiushui(SEED, cut)
    registry.import_workbook(small.workbook(small.entities, sections), f"修水县市场主体名录（{cut:%Y年%m月%d日}）.xlsx",
                             actor=people.xiushui_keeper, moment=at(cut, 10, 15))

    entities = _entities(wuning)
    firm = next(p for p in plan.entities if p.name == HONGFENG)
    helping.help_one_to_one(plan, entities, people, today, rng, firm)
    helping.help_wuning_grids(plan, entities, people, regions, today, rng)
    helping.certify(plan, entities, people.liping, firm, rng, today)
    hongfeng.schooling_demands(entities[firm.uscc], people.zhoumin, people.liping, today, random.Random(f"{SEED}-宏丰"))
    small_entities = _entities(xiushui)
    helping.help_xiushui_one_to_one(small, small_entities, people, today, rng)
    helping.help_xiushui_grids(small, small_entities, people, xiushui, today, rng)

    # What the worker would have done by yesterday evening, sent at the time (as the cases' load does).
    with clock.fixed(at(today - timedelta(days=1), 18)):
        while sweep_visit_reminders(limit=1000):
            pass
    new = [p for p in plan.entities if p.role == GAP]
    registry.import_workbook(plan.workbook(new, sections), f"武宁县新登记市场主体（{today:%m月%d日}）.xlsx",
                             actor=people.liping, moment=min(anchor, at(today, 8, 40)))
    send_pending_at(anchor)
    check(wuning, today, gaps=len(new))


def check(wuning: Region, today, *, gaps: int) -> None:
    """The report's figures, as the coverage page shows them: a demo that drifted says so."""
    [row] = coverage(wuning, today, gap_limit=0).rows
    wanted = {"entities": WUNING_COVERED + gaps, "covered": WUNING_COVERED, "above_scale": ABOVE_SCALE, "key": KEY,
              "one_to_one": ABOVE_SCALE + KEY, "uncovered": gaps}
    wrong = {key: (row[key], value) for key, value in wanted.items() if row[key] != value}
    if wrong:
        raise RuntimeError(f"企业帮扶演示数据与九江市报告不符：{wrong}")
