"""The enterprise-policy demo (JOURNEYS.md 13): the city's and two counties' policies on one
platform (查办送一体、市县一体) over the enterprise demo's registry of 武宁县 and 修水县.

- Staff: 涂红 (tuhong) of 武宁县工信局 keeps the county's policies and walks journey 13; 蔡燕
  (caiyan) of 市工信局 keeps the city's; an officer of each other issuing bureau (no login),
  武宁县工信局's and 市科技局's heads (told of late payments), and 修水县工信局's own staff from the
  enterprise demo.
- Certifications, filed by 李萍 of 武宁县营商办: 江西省2026年度专精特新中小企业 (13 firms, from
  28 September) and two 专精特新"小巨人" (工业和信息化部, 2025).
- The yearly figures of 2024 and 2025 of every firm with last year's figures in 武宁县 and 修水县,
  imported by each county's 营商办 one data source at a time, as each sends them: employees
  (人社部门, February), the 规上 firms' revenue (统计部门, March), the others' revenue and the tax
  paid (税务部门, June, after the annual settlement), R&D share (科技部门) and invention patents
  (市场监管部门). 2025's revenue and employees are the registry's. In November the statistics
  bureau corrects one firm's revenue, and that firm alone is re-matched (listed for two rewards).
- 35 policies: 18 of the city's bureaus (市工信局, 市科技局, 市人社局, 市商务局, 市财政局,
  市市场监管局, 市发改委), 14 of 武宁县, 3 of 修水县, each with its 文号, guide, benefit type, a
  fixed / rate / tier formula with its floor and cap, a budget; 武宁县's two growth rewards are one
  exclusivity group. 9 are 免申即享, the rest by application, most of them asking for one material.
  All published within 7 working days of issue but 九江市促进外贸稳规模优结构若干措施 (published
  late); 市发改委's newest is still a draft; two of 2025 have expired.
- Journey 13: 武宁县支持专精特新企业加快成长奖励办法 (武府办发〔2026〕46号), 5万 to every
  专精特新 firm (or "小巨人") whose revenue grew 15% last year, 免申即享, issued twelve working days
  ago: exactly 14 firms eligible, matched, reviewed and confirmed by 涂红, publicly listed three
  working days ago (the listing ends two working days from today; the payment order may follow).
- Other deliveries in every step: listed for review (市人社局's jobs reward, matched three days
  ago, three firms confirmed yesterday), waiting for budget (市工信局's growth reward: its budget
  is four-fifths of what its firms would receive), publicly listed, an objection that sent a firm
  back to review (市商务局's), ordered, paid (the city's "小巨人" reward, 武宁县's and 修水县's growth
  rewards), one payment late (市科技局's 高企 reward), rejected (a safety accident; a second
  reward of the exclusivity group).
- Applications, each a case of 惠企政策申报, in every stage: submitted, reviewed, publicly listed,
  ordered, paid, rejected; one with an explanation for the condition it misses (employees); one
  whose payment is past its case's limit, red on 李萍's supervision board (武宁县工业企业设备更新改造奖补).
- The firm manager of journey 13: 王琴 of 江西卓德石英材料有限公司 (统一社会信用代码
  913604237279231050, contact phone 18284603464; the firm logs in with its code and the SMS code the
  console prints). She meets exactly two policies in force, both by application:
  九江市中小企业数字化转型奖补 (asks for a material) and 武宁县重点中小企业成长培育奖励 (asks for none;
  it texted her when published), and misses exactly one by one condition: 武宁县企业稳岗扩岗补贴
  wants 20 employees last year, she had 18. She has applied for nothing yet.
- Delivery figures: payments made this year by the city's policies, 武宁县's and 修水县's, side by side.

Everything goes through the actions under the clock of its day; the worker's sweeps (late
payouts reported, the application cases' ladder) are replayed up to yesterday evening, as the
cases' load does. One seed, so every load is the same; "today" is the other demos' anchor (at the
latest 2026-12-10)."""

import random
from datetime import date, timedelta

from django.db.models import F

from minsheng.cases.demo import Replay, anchor_now, at, local, send_pending_at
from minsheng.core import clock
from minsheng.enterprises.models import Entity, EntityKind, EntityStatus
from minsheng.org.models import Region
from minsheng.policies import actions, queries
from minsheng.policies.models import (
    ApplicationStage,
    EventKind,
    Payout,
    PayoutState,
    Policy,
    PolicyApplication,
    PolicyEvent,
    PolicyState,
)
from minsheng.policies.demo._common import JOURNEY, JOURNEY_ELIGIBLE, MANAGER_FIRM, SEED, _people, wd
from minsheng.policies.demo.deliveries import (
    _all_the_way,
    _city_growth_runs_out,
    _city_jobs_in_review,
    _city_trade_objection,
    _correction,
    _equipment_applications,
    _high_tech_paid_one_late,
    _journey,
    _other_applications,
    _tell_candidates,
    _wuning_growth,
)
from minsheng.policies.demo.figures import _certify, _import_figures, _plan_figures
from minsheng.policies.demo.library import _library


# --- the whole load -------------------------------------------------------------------------------------

def load_policies(regions: dict[str, Region]) -> None:
    anchor = anchor_now()
    today = local(anchor).date()
    rng = random.Random(SEED)
    wuning, xiushui = regions["武宁县"], regions["修水县"]
    people = _people(rng)
    firms_by_county = {
        county.name: list(Entity.objects.filter(region=county, status=EntityStatus.ACTIVE, kind=EntityKind.ENTERPRISE,
                                                revenue__isnull=False).select_related("industry", "region").order_by("uscc"))
        for county in (wuning, xiushui)}
    manager = Entity.objects.get(name=MANAGER_FIRM, region=wuning)
    growth = _certify(rng, firms_by_county[wuning.name], manager, people.liping, today)
    pinned = {firm.pk: rng.uniform(16, 38) for firm in growth.eligible}
    pinned |= {firm.pk: rng.uniform(2, 13) for firm in growth.certified_slower}
    pinned |= {firm.pk: rng.uniform(18, 30) for firm in growth.lapsed}
    makers = [firm for firm in firms_by_county[xiushui.name] if firm.above_scale and firm.industry.section == "C"]
    pinned |= {firm.pk: rate for firm, rate in zip(makers, (12.4, 9.8, 17.1, 4.2))}
    # A maker of 3-4亿 grew fast enough for both growth rewards of the group: it gets one.
    both = next(firm for firm in firms_by_county[wuning.name] if firm.above_scale and firm.industry.section == "C"
                and 30000 <= firm.revenue < 40000 and firm.pk not in pinned)
    pinned[both.pk] = 24.6
    everyone = [firm for firms in firms_by_county.values() for firm in firms]
    plan = _plan_figures(rng, everyone, growth, manager, pinned)
    _import_figures(plan, firms_by_county, {wuning.name: people.liping, xiushui.name: people.xiushui_keeper})

    policies = _library(people, today)
    _tell_candidates(policies, people, today)
    officers = people.officers
    _all_the_way(policies["little_giant"], officers["市工信局"], date(2026, 6, 29), date(2026, 7, 2), date(2026, 7, 3),
                 date(2026, 7, 13), date(2026, 7, 28))
    _wuning_growth(policies["wuning_scale_up"], policies["wuning_efficiency"], officers["武宁县工信局"])
    _all_the_way(policies["xiushui_growth"], officers["修水县工信局"], date(2026, 8, 3), date(2026, 8, 5), date(2026, 8, 6),
                 date(2026, 8, 17), date(2026, 9, 1))
    _high_tech_paid_one_late(policies["high_tech"], officers["市科技局"], today)
    _city_growth_runs_out(policies["city_growth"], officers["市工信局"], today)
    _city_trade_objection(policies["city_trade"], officers["市商务局"], today)
    _journey(policies[JOURNEY], officers["武宁县工信局"], today)
    _city_jobs_in_review(policies["city_jobs"], officers["市人社局"], today)
    _equipment_applications(policies["wuning_equipment"], officers["武宁县工信局"], rng, today, manager)
    _other_applications(policies, people, rng, today, manager)
    _correction(firms_by_county[wuning.name], plan, people.liping, today, set(pinned))

    _worker(anchor, today)
    send_pending_at(anchor)
    _check(policies, manager, today, anchor)


def _worker(anchor, today: date) -> None:
    """What the worker would have done by yesterday evening: each late payout step reported the
    morning after its limit; the application cases' ladder and callbacks at their moments."""
    until = at(wd(today, -1), 18)
    late = (Payout.objects.filter(due_on__lt=today).exclude(late_reported=F("state"))
            .values_list("due_on", flat=True).distinct())
    for due in sorted(set(late)):
        moment = at(due + timedelta(days=1), 7)
        if moment > until:
            break
        with clock.fixed(moment):
            actions.sweep_late_payouts(1000)
    Replay(anchor, until).sweep(until)


def _check(policies: dict[str, Policy], manager: Entity, today: date, anchor) -> None:
    """Journey 13 as JOURNEYS.md tells it: a demo that drifted says so."""
    problems = []
    eligible = queries.eligible(policies[JOURNEY], today).count()
    if eligible != JOURNEY_ELIGIBLE:
        problems.append(f"专精特新成长奖励符合条件{eligible}户（应为{JOURNEY_ELIGIBLE}户）")
    if Policy.objects.count() < 30 or not Policy.objects.filter(state=PolicyState.DRAFT).exists():
        problems.append("政策不足30项或没有草拟中的政策")
    missing = set(PayoutState.values) - set(Payout.objects.values_list("state", flat=True))
    if missing:
        problems.append(f"缺少兑现状态{sorted(missing)}")
    stages = {application.stage for application in PolicyApplication.objects.select_related("case", "payout")}
    wanted = {ApplicationStage.SUBMITTED, ApplicationStage.REVIEWED, ApplicationStage.PUBLICIZED, ApplicationStage.ORDERED,
              ApplicationStage.PAID, ApplicationStage.REJECTED}
    if wanted - stages:
        problems.append(f"缺少申报阶段{sorted(wanted - stages)}")
    found = queries.policies_for(manager, today)
    met = sorted(policy.title for policy, misses in found if not misses)
    near = [(policy.title, misses[0].field) for policy, misses in found if len(misses) == 1]
    if met != sorted([policies["city_digital"].title, policies["wuning_key"].title]) or \
            near != [(policies["wuning_jobs"].title, "employees")]:
        problems.append(f"{manager.name}符合{met}，差一项{near}")
    if not PolicyEvent.objects.filter(kind=EventKind.OBJECTED).exists() or \
            not PolicyEvent.objects.filter(kind=EventKind.PAID, data__late=True).exists():
        problems.append("缺少公示异议或逾期拨付")
    if not PolicyApplication.objects.filter(case__due_at__lt=anchor, payout__state=PayoutState.ORDERED).exists():
        problems.append("缺少拨付逾期的申报")
    if problems:
        raise RuntimeError(f"惠企政策演示数据与旅程13不符：{'；'.join(problems)}")
