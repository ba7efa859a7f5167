"""The demo's deliveries (免申即享 in every step) and applications (in every stage)."""

import random
from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from minsheng.cases.actions import do_sign_case
from minsheng.cases.demo import local
from minsheng.core.errors import ActionError
from minsheng.enterprises.models import Entity, EntityKind, EntityStatus
from minsheng.org.models import User
from minsheng.policies import actions, queries
from minsheng.policies.models import (
    DataSource,
    Payout,
    PayoutState,
    Policy,
)
from minsheng.policies.demo._common import People, _money, on, wd


# --- delivery without application (免申即享) -----------------------------------------------------------

def _payouts(policy: Policy, *states: str) -> list[Payout]:
    return list(Payout.objects.filter(policy=policy, state__in=states or [PayoutState.LISTED]).select_related("entity")
                .order_by("listed_at", "pk"))


def _match(policy: Policy, day: date, officer: User) -> list[Payout]:
    with on(day, 15):
        actions.do_match_policy(policy, actor=officer)
    return _payouts(policy)


def _confirm(payouts, day: date, officer: User, hour: int = 9) -> None:
    for n, payout in enumerate(payouts):
        with on(day, hour + n // 60, n % 60):
            actions.do_confirm_payout(payout, actor=officer)


def _publicize(policy: Policy, day: date, officer: User) -> None:
    with on(day, 11):
        actions.do_publicize_payouts(policy, actor=officer)


def _order(payouts, day: date, officer: User) -> None:
    for n, payout in enumerate(payouts):
        with on(day, 10, n % 60):
            actions.do_order_payout(payout, actor=officer)


def _pay(payouts, day: date, officer: User) -> None:
    for n, payout in enumerate(payouts):
        with on(day, 15, n % 60):
            actions.do_confirm_paid(payout, paid_on=day, actor=officer)


def _all_the_way(policy: Policy, officer: User, matched: date, confirmed: date, publicized: date, ordered: date,
                 paid: date) -> None:
    _confirm(_match(policy, matched, officer), confirmed, officer)
    _publicize(policy, publicized, officer)
    _order(_payouts(policy, PayoutState.PUBLICIZED), ordered, officer)
    _pay(_payouts(policy, PayoutState.ORDERED), paid, officer)


def _high_tech_paid_one_late(policy: Policy, officer: User, today: date) -> None:
    """Paid twenty working days ago, but one firm's transfer bounced (a closed account): reported
    late the day after its limit, paid three days after that."""
    _confirm(_match(policy, wd(today, -40), officer), wd(today, -38), officer)
    _publicize(policy, wd(today, -37), officer)
    ordered = _payouts(policy, PayoutState.PUBLICIZED)
    _order(ordered, wd(today, -31), officer)
    _pay(ordered[:-1], wd(today, -20), officer)
    with on(wd(today, -15), 7):
        actions.sweep_late_payouts(1000)
    _pay(ordered[-1:], wd(today, -12), officer)


def _city_growth_runs_out(policy: Policy, officer: User, today: date) -> None:
    """The budget runs out in the review: the last firms wait, in order; the rest are ordered."""
    _confirm(_match(policy, wd(today, -15), officer), wd(today, -13), officer)
    _publicize(policy, wd(today, -12), officer)
    _order(_payouts(policy, PayoutState.PUBLICIZED), wd(today, -5), officer)


def _city_jobs_in_review(policy: Policy, officer: User, today: date) -> None:
    listed = _match(policy, wd(today, -3), officer)
    _confirm(listed[:3], wd(today, -1), officer, hour=14)


def _city_trade_objection(policy: Policy, officer: User, today: date) -> None:
    """An objection in the listing sends one firm back to review; the others are ordered."""
    _confirm(_match(policy, wd(today, -12), officer), wd(today, -10), officer)
    _publicize(policy, wd(today, -9), officer)
    listed = _payouts(policy, PayoutState.PUBLICIZED)
    with on(wd(today, -4), 16):
        actions.do_object_payout(listed[0], objection="群众来电反映该企业2025年销售额含关联企业间重复开票金额，增长不实，请核查。",
                                 actor=officer)
    _order(listed[1:], wd(today, -3), officer)


def _journey(policy: Policy, officer: User, today: date) -> None:
    """Matched the day it was published, all 14 confirmed within the review limit, publicly listed."""
    _confirm(_match(policy, wd(today, -11), officer), wd(today, -8), officer, hour=10)
    _publicize(policy, wd(today, -3), officer)


def _wuning_growth(scale_up: Policy, efficiency: Policy, officer: User) -> None:
    """武宁县's two growth rewards, one group: a firm confirmed for the first is refused the second
    (the platform says so, the officer records it); one refused for a safety accident; the others
    paid in August."""
    _confirm(_match(scale_up, date(2026, 7, 8), officer), date(2026, 7, 10), officer)
    accident, *listed = _match(efficiency, date(2026, 7, 8), officer)
    with on(date(2026, 7, 10), 14):
        actions.do_reject_payout(accident, reason="该企业2026年5月发生一般生产安全事故（武应急罚〔2026〕9号），"
                                                  "按办法第十条本年度不予奖励。", actor=officer)
    for n, payout in enumerate(listed):
        with on(date(2026, 7, 10), 15, n % 60):
            try:
                actions.do_confirm_payout(payout, actor=officer)
            except ActionError as refusal:  # the other reward of the group, already confirmed
                actions.do_reject_payout(payout, reason=refusal.message, actor=officer)
    for policy in (scale_up, efficiency):
        _publicize(policy, date(2026, 7, 13), officer)
        _order(_payouts(policy, PayoutState.PUBLICIZED), date(2026, 7, 21), officer)
        _pay(_payouts(policy, PayoutState.ORDERED), date(2026, 8, 4), officer)


# --- applications (办) -----------------------------------------------------------------------------------

def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"{name}.pdf", b"%PDF-1.4\n% minsheng demo\n", content_type="application/pdf")


def _applicant(firm: Entity) -> tuple[str, str]:
    name = firm.contact_name
    if not name or name.endswith(("总", "经理", "会计")):
        name = firm.legal_representative
    return name, firm.contact_phone


def _apply(policy: Policy, firm: Entity, day: date, hour: int, officer: User, today: date, *, explanation: str = "",
           statement: str = ""):
    """The firm applies; the department signs for it the next working morning (one of yesterday's
    waits to be signed for today)."""
    needed = [c for c in queries.conditions_of(policy) if c.spec.kind == "material"]
    name, phone = _applicant(firm)
    with on(day, hour, 20):
        application, _code = actions.do_apply_for_policy(
            policy, firm, applicant_name=name, applicant_phone=phone, statement=statement, explanation=explanation,
            materials={n: _pdf(c.value) for n, c in enumerate(needed, start=1)})
    if wd(day, 1) < today:
        with on(wd(day, 1), 9, 10):
            do_sign_case(application.case, actor=officer)
    return application


def _review(application, day: date, officer: User, *, amount=None, note: str = "", approve: bool = True):
    with on(day, 10, 30):
        actions.do_review_application(application, approve=approve, amount=amount, note=note, actor=officer)
    application.refresh_from_db()
    return application


def _applicants(policy: Policy, day: date, rng: random.Random, count: int, *, exclude=()) -> list[Entity]:
    found = list(queries.eligible(policy, day).exclude(contact_phone="").exclude(pk__in=[firm.pk for firm in exclude])
                 .select_related("region").order_by("uscc"))
    return rng.sample(found, min(count, len(found)))


def _equipment_applications(policy: Policy, officer: User, rng: random.Random, today: date, manager: Entity) -> None:
    """武宁县's equipment reward: an application in every stage, and one whose payment is late."""
    firms = _applicants(policy, date(2026, 9, 1), rng, 7, exclude=[manager])
    paid, late, ordered, listed, reviewed, submitted, refused = firms
    statement = "2026年购置数控加工中心等设备，已投入使用。"
    application = _apply(policy, paid, date(2026, 9, 7), 10, officer, today, statement=statement)
    application = _review(application, date(2026, 9, 9), officer, amount="186000",
                          note="设备发票已核验，按设备投资额232.5万元的8%核定。")
    _publicize(policy, date(2026, 9, 10), officer)
    _order([application.payout], date(2026, 9, 18), officer)
    _pay([application.payout], date(2026, 9, 29), officer)
    # Ordered, and never paid: the case's limit passed days ago.
    application = _apply(policy, late, wd(today, -32), 9, officer, today, statement=statement)
    application = _review(application, wd(today, -30), officer, amount="124000", note="按设备投资额155万元的8%核定。")
    _publicize(policy, wd(today, -29), officer)
    _order([application.payout], wd(today, -23), officer)
    application = _apply(policy, ordered, wd(today, -12), 15, officer, today, statement=statement)
    application = _review(application, wd(today, -10), officer, amount="235000", note="按设备投资额293.8万元的8%核定。")
    _publicize(policy, wd(today, -9), officer)
    _order([application.payout], wd(today, -2), officer)
    _review(_apply(policy, listed, wd(today, -7), 11, officer, today), wd(today, -5), officer, amount="98000")
    _publicize(policy, wd(today, -3), officer)
    _review(_apply(policy, reviewed, wd(today, -4), 14, officer, today), wd(today, -2), officer, amount="300000",
            note="设备投资额超过375万元，按上限核定。")
    _apply(policy, submitted, wd(today, -1), 16, officer, today, statement="购置自动化包装线一条，发票已上传。")
    _review(_apply(policy, refused, wd(today, -10), 9, officer, today), wd(today, -6), officer, approve=False,
            note="所附设备购置发票开具日期为2025年12月，早于政策执行期，不予兑现。")


def _other_applications(policies: dict[str, Policy], people: People, rng: random.Random, today: date,
                        manager: Entity) -> None:
    officers = people.officers
    # 武宁县's jobs subsidy: one approved; one from a firm of 17 employees, explained.
    jobs, officer = policies["wuning_jobs"], officers["武宁县人社局"]
    [approved] = _applicants(jobs, today, rng, 1, exclude=[manager])
    _review(_apply(jobs, approved, wd(today, -8), 10, officer, today), wd(today, -4), officer)
    small = (Entity.objects.filter(region=manager.region, status=EntityStatus.ACTIVE, kind=EntityKind.ENTERPRISE,
                                   employees__gte=15, employees__lt=20, established_on__lt=date(2024, 1, 1))
             .exclude(contact_phone="").exclude(pk=manager.pk).order_by("uscc").first())
    _apply(jobs, small, wd(today, -2), 9, officer, today,
           explanation="2026年新招用本县劳动者6人，目前参保缴费人数已达23人，附社保缴费明细。")
    # 武宁县's key firms: another one has applied; 王琴 has not yet.
    key = policies["wuning_key"]
    for firm in _applicants(key, today, rng, 1, exclude=[manager]):
        _apply(key, firm, wd(today, -5), 15, officers["武宁县工信局"], today, statement="企业基本情况和发展规划见申报表。")
    # The city's technical upgrade reward, paid to a 武宁县 firm; its R&D grant, one just in.
    upgrade, officer = policies["city_upgrade"], officers["市工信局"]
    [firm] = _applicants(upgrade, date(2026, 9, 1), rng, 1, exclude=[manager])
    application = _review(_apply(upgrade, firm, date(2026, 9, 14), 10, officer, today), date(2026, 9, 16), officer,
                          amount="860000", note="技改项目设备投资860万元，按10%核定。")
    _publicize(upgrade, date(2026, 9, 17), officer)
    _order([application.payout], date(2026, 9, 28), officer)
    _pay([application.payout], date(2026, 10, 27), officer)
    for firm in _applicants(policies["city_rd"], today, rng, 1, exclude=[manager]):
        _apply(policies["city_rd"], firm, wd(today, -3), 10, officers["市科技局"], today)
    # 修水县: one paid in September, one just in.
    xiushui, officer = policies["xiushui_jobs"], officers["修水县人社局"]
    firms = _applicants(xiushui, date(2026, 9, 1), rng, 2)
    application = _review(_apply(xiushui, firms[0], date(2026, 9, 1), 10, officer, today), date(2026, 9, 3), officer)
    _publicize(xiushui, date(2026, 9, 4), officer)
    _order([application.payout], date(2026, 9, 14), officer)
    _pay([application.payout], date(2026, 9, 24), officer)
    if len(firms) > 1:
        _apply(xiushui, firms[1], wd(today, -2), 14, officer, today)


def _tell_candidates(policies: dict[str, Policy], people: People, today: date) -> None:
    """"您可能符合…": the county's equipment and key-firm rewards and 修水县's jobs subsidy texted
    their candidates when published."""
    for key in ("wuning_equipment", "wuning_key", "xiushui_jobs"):
        policy = policies[key]
        with on(local(policy.published_at).date(), 11, 30):
            actions.do_notify_candidates(policy, actor=people.officers[policy.issuer.name])


def _correction(firms: list[Entity], plan, keeper: User, today: date, pinned: set[int]) -> None:
    """The statistics bureau corrects one firm's 2025 revenue: that firm alone is re-matched and
    listed for the growth rewards it now meets."""
    taken = set(Payout.objects.values_list("entity_id", flat=True))
    for firm in firms:
        figures = plan[firm.pk]
        before, now, tax = figures[(2024, "revenue")], figures[(2025, "revenue")], figures[(2025, "tax_paid")]
        if (firm.above_scale and firm.industry.section == "C" and firm.pk not in taken and firm.pk not in pinned
                and tax >= 300 and now < 25000 and Decimal("1.10") <= now / before <= Decimal("1.14")):
            with on(wd(today, -2), 11):
                actions.do_record_figure(firm, year=2025, field="revenue", value=_money(before * Decimal("1.262")),
                                         source=DataSource.STATISTICS, actor=keeper)
            return
    raise RuntimeError("惠企政策演示数据：没有可更正营业收入的企业")
