"""A double-random draw from plan to verification: the pool frozen from the registry and the
inspector library with its hash published, the seed announced or committed in advance, the
result recorded once, and `python -m minsheng draw verify` re-running it from the record."""

import zlib
from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from minsheng.core.errors import ActionError, NotAllowed
from minsheng.enterprises import actions as enterprise_actions
from minsheng.inspections import actions
from minsheng.inspections import draw_algorithm as algorithm
from minsheng.inspections.models import Draw, DrawState, EventKind, InspectionEvent, SeedSource
from minsheng.org.models import Role
from minsheng.testing import make_department, make_entity, make_user

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
RATIOS = {"A": "0.5", "B": "0.5", "C": "1", "D": "1"}


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI), tick=False):
        yield


@pytest.fixture
def market(people):
    """湖口县市场监管局 with its head 江涛 and four inspectors (one whose certificate expired);
    twelve firms of 湖口县 in every credit class (two unclassed, one closed) and one of 浔阳区."""
    regulator = make_department("湖口县市场监督管理局", people.hukou)
    head = make_user("jiangtao", regulator, Role.DEPARTMENT_HEAD, full_name="江涛")
    inspectors = [actions.do_add_inspector(regulator, name=name, certificate_number=f"JX0429{n:04d}", field="市场监管",
                                           valid_from=date(2024, 1, 1), valid_to=date(2028, 12, 31), actor=None)
                  for n, name in enumerate(["王军", "赵静", "钱峰"], start=1)]
    expired = actions.do_add_inspector(regulator, name="孙旧", certificate_number="JX04290009", field="市场监管",
                                       valid_from=date(2020, 1, 1), valid_to=date(2025, 12, 31), actor=None)
    firms = []
    for n, grade in enumerate("AAABBBCCDD--"):
        firm = make_entity(people.hukou, name=f"湖口县抽查对象{n}有限公司", actor=None)
        if grade != "-":
            actions.do_rate_credit(firm, grade=grade, rated_on=date(2026, 6, 30), actor=None)
        firms.append(firm)
    closed = firms[0]
    draft = enterprise_actions.draft_of(closed)
    draft.status, draft.closed_on = "cancelled", date(2026, 10, 8)
    enterprise_actions.do_update_entity(closed, draft, actor=None)
    elsewhere = make_entity(people.xunyang, name="浔阳区某公司", actor=None)
    return {"regulator": regulator, "head": head, "inspectors": inspectors, "expired": expired, "firms": firms,
            "elsewhere": elsewhere}


def plan(people, market, **fields):
    values = {"title": "2026年第四季度食品经营者双随机抽查", "region": people.hukou, "ratios": RATIOS,
              "seed_source": SeedSource.PUBLIC, "seed_source_text": "2026年12月8日福彩双色球第2026142期开奖号码"}
    return actions.do_plan_draw(market["regulator"], **{**values, **fields}, actor=market["head"])


def test_a_draw_freezes_its_pool_publishes_the_hash_and_records_a_result_anyone_can_verify(people, market):
    draw = actions.do_freeze_draw(plan(people, market), actor=market["head"])
    assert draw.state == DrawState.FROZEN and len(draw.pool_hash) == 64
    pool = actions.stored_pool(draw)
    # Active firms of the county only; unclassed firms drawn as B; expired certificates left out.
    assert draw.pool_targets == 11 and market["elsewhere"].uscc not in dict(pool.targets)
    assert sorted(grade for _code, grade in pool.targets) == list("AABBBBBCCDD")
    assert pool.inspectors == ("JX04290001", "JX04290002", "JX04290003")

    draw = actions.do_run_draw(draw, seed="03 11 17 22 28 31 + 09", witnesses="县纪委监委 胡敏；企业代表 邓华", actor=market["head"])
    assert draw.state == DrawState.DRAWN and draw.operator == market["head"]
    picks = actions.recorded_picks(draw)
    strata = [pick.grade for pick in picks]
    assert strata.count("A") == 1 and strata.count("B") == 3 and strata.count("C") == 2 and strata.count("D") == 2
    assert all(len(set(pick.inspectors)) == 2 for pick in picks)
    assert actions.verify_draw(draw).matches
    kinds = list(InspectionEvent.objects.filter(draw=draw).values_list("kind", "is_public"))
    assert kinds == [(EventKind.DRAW_PLANNED, True), (EventKind.DRAW_FROZEN, True), (EventKind.DRAW_RUN, True)]
    with pytest.raises(ActionError, match="不能重抽"):
        actions.do_run_draw(draw, seed="another", witnesses="某人", actor=market["head"])


def test_the_command_lists_draws_and_verifies_one_with_its_exit_status(people, market):
    draw = actions.do_freeze_draw(plan(people, market), actor=market["head"])
    draw = actions.do_run_draw(draw, seed="s1", witnesses="见证人甲", actor=market["head"])
    planned = plan(people, market, title="另一次抽查")
    out = StringIO()
    call_command("draw", "list", stdout=out)
    assert out.getvalue().splitlines() == sorted([draw.number, planned.number])
    out = StringIO()
    call_command("draw", "verify", draw.number, stdout=out)
    assert "核验一致" in out.getvalue() and draw.result_hash in out.getvalue()
    call_command("draw", "verify", str(draw.pk), stdout=StringIO())

    for wanted, status in ((planned.number, 1), ("SJ20269999", 2), ("\x00", 2), ("SJ2026\x000001", 2), ("９９", 2), ("1" * 30, 2)):
        with pytest.raises(SystemExit) as exit_:
            call_command("draw", "verify", wanted, stdout=StringIO(), stderr=StringIO())
        assert exit_.value.code == status


def test_a_tampered_record_fails_verification(people, market):
    draw = actions.do_freeze_draw(plan(people, market), actor=market["head"])
    draw = actions.do_run_draw(draw, seed="s1", witnesses="见证人甲", actor=market["head"])
    pool_text = zlib.decompress(bytes(draw.pool))
    result_text = zlib.decompress(bytes(draw.result)).decode()
    first_drawn = result_text.split("\t")[0]
    dropped = pool_text.replace(f"T\t{first_drawn}\t".encode(), b"T\t" + first_drawn[:-1].encode() + b"Y\t")
    other = next(code for code, _ in actions.stored_pool(draw).targets if code not in result_text)
    swapped = result_text.replace(first_drawn, other, 1)
    # Another seed and other ratios that do draw otherwise from this pool (the firms' codes come
    # from the test run's sequence: with a small pool, a seed may by chance draw the same firms).
    pool = actions.stored_pool(draw)

    def drawn(seed, ratios):
        return algorithm.result_text(algorithm.run(pool, seed, ratios, draw.inspectors_per_target))

    other_seed = next(seed for seed in (f"s{n}" for n in range(2, 500)) if drawn(seed, draw.ratios) != result_text)
    other_ratios = next(ratios for ratios in ({**RATIOS, "D": "0.5"}, {**RATIOS, "C": "0.5"}, {**RATIOS, "A": "1"},
                                              {**RATIOS, "B": "1"}) if drawn(draw.seed, ratios) != result_text)
    for change, words in (({"pool": zlib.compress(dropped)}, "抽查库在公布后被改动过"),
                          ({"seed": other_seed}, "结果与公布的结果不一致"),
                          ({"ratios": other_ratios}, "结果与公布的结果不一致"),
                          ({"result": zlib.compress(swapped.encode())}, "结果与公布的结果不一致"),
                          ({"algorithm": "msd-0"}, "不是本系统的")):
        Draw.objects.filter(pk=draw.pk).update(**change)
        tampered = Draw.objects.get(pk=draw.pk)
        verdict = actions.verify_draw(tampered)
        assert not verdict.matches and words in verdict.message, verdict.message
        err = StringIO()
        with pytest.raises(SystemExit) as exit_:
            call_command("draw", "verify", draw.number, stdout=StringIO(), stderr=err)
        assert exit_.value.code == 1 and words in err.getvalue()
        Draw.objects.filter(pk=draw.pk).update(pool=draw.pool, seed=draw.seed, ratios=draw.ratios, result=draw.result,
                                               algorithm=draw.algorithm)
    assert actions.verify_draw(Draw.objects.get(pk=draw.pk)).matches


def test_a_pool_changed_after_its_hash_was_published_is_not_drawn(people, market):
    draw = actions.do_freeze_draw(plan(people, market), actor=market["head"])
    pool = actions.stored_pool(draw)
    grown = algorithm.Pool.of([*pool.targets, ("91360429MA9999999X", "D")], pool.inspectors)
    Draw.objects.filter(pk=draw.pk).update(pool=zlib.compress(grown.canonical()))
    with pytest.raises(ActionError, match="抽查库在公布后被改动过"):
        actions.do_run_draw(Draw.objects.get(pk=draw.pk), seed="s1", witnesses="见证人甲", actor=market["head"])
    assert Draw.objects.get(pk=draw.pk).state == DrawState.FROZEN


def test_a_committed_seed_must_match_its_hash(people, market):
    seed = "县纪委监委现场掷骰：4 2 6 1 3 5"
    draw = plan(people, market, seed_source=SeedSource.COMMITTED, seed_source_text="抽取当日由见证人现场公布",
                seed_commitment=algorithm.seed_commitment(seed).upper())
    draw = actions.do_freeze_draw(draw, actor=market["head"])
    with pytest.raises(ActionError, match="哈希承诺不符") as refused:
        actions.do_run_draw(draw, seed="4 2 6 1 3 6", witnesses="见证人甲", actor=market["head"])
    assert refused.value.field == "seed"
    draw = actions.do_run_draw(draw, seed=seed, witnesses="见证人甲", actor=market["head"])
    assert actions.verify_draw(draw).matches


def test_recusal_keeps_an_inspector_away_from_the_firm(people, market):
    target = market["firms"][8]  # class D: drawn whole at ratio 1
    wang, zhao, _qian = market["inspectors"]
    actions.do_declare_conflict(wang, target, reason="配偶在该企业任职", actor=None)
    actions.do_declare_conflict(zhao, target, reason="曾在该企业任职", actor=None)
    draw = actions.do_freeze_draw(plan(people, market), actor=market["head"])
    with pytest.raises(ActionError, match="回避后的执法检查人员不足2名"):
        actions.do_run_draw(draw, seed="s1", witnesses="见证人甲", actor=market["head"])
    assert Draw.objects.get(pk=draw.pk).state == DrawState.FROZEN


def test_bad_plans_are_refused_naming_the_field(people, market):
    cases = [({"title": "  "}, "title"), ({"ratios": {"A": "2"}}, "ratios"), ({"ratios": {"A": "abc"}}, "ratios"),
             ({"ratios": {}}, "ratios"), ({"inspectors_per_target": 1}, "inspectors_per_target"),
             ({"seed_source": "dice"}, "seed_source"), ({"seed_source_text": ""}, "seed_source_text"),
             ({"seed_source": SeedSource.COMMITTED, "seed_commitment": "abc"}, "seed_commitment"),
             ({"region": people.xunyang}, "region"), ({"region": people.city}, "region"),
             ({"title": "抽查\x00"}, "title"), ({"title": "长" * 121}, "title"),
             ({"seed_source_text": "某期\x07号码"}, "seed_source_text"), ({"industry_prefix": "F'--"}, "industry_prefix")]
    for fields, field in cases:
        with pytest.raises(ActionError) as refused:
            plan(people, market, **fields)
        assert refused.value.field == field, fields
    assert not Draw.objects.exists()
    draw = actions.do_freeze_draw(plan(people, market), actor=market["head"])
    for fields, field in (({"seed": "s\x00"}, "seed"), ({"seed": "9" * 201}, "seed"), ({"seed": " "}, "seed"),
                          ({"witnesses": ""}, "witnesses"), ({"witnesses": "甲" * 201}, "witnesses")):
        with pytest.raises(ActionError) as refused:
            actions.do_run_draw(draw, **{"seed": "s1", "witnesses": "见证人甲", **fields}, actor=market["head"])
        assert refused.value.field == field, fields
    assert Draw.objects.get(pk=draw.pk).state == DrawState.FROZEN


def test_only_the_department_or_its_supervisors_organise_a_draw(people, market):
    with pytest.raises(NotAllowed):
        actions.do_plan_draw(market["regulator"], title="越权抽查", region=people.hukou, ratios=RATIOS,
                             seed_source=SeedSource.PUBLIC, seed_source_text="某期", actor=people.huang)
    draw = plan(people, market)
    for outsider in (people.huang, people.xu, people.nobody):
        with pytest.raises(NotAllowed):
            actions.do_freeze_draw(draw, actor=outsider)
    assert actions.do_freeze_draw(draw, actor=people.liu).state == DrawState.FROZEN  # the county's supervisor
    with pytest.raises(ActionError, match="已抽取的抽查不能取消"):
        actions.do_cancel_draw(actions.do_run_draw(draw, seed="s", witnesses="见证人", actor=people.liu),
                               reason="重新安排", actor=people.liu)
