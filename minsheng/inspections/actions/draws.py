"""The double-random draws.

A draw goes planned → frozen → drawn, each step by its own action and event:
- do_plan_draw: the scope, the strata ratios, and how the seed will be known — a public source
  named in advance (a lottery's numbers on a named date, a published figure), or a seed whose
  SHA-256 is published now and the seed itself only at the draw;
- do_freeze_draw: the pool (targets from the registry with their credit class, valid inspectors,
  declared conflicts) is read once, stored in canonical form and its hash published;
- do_run_draw: with the seed entered, the stored pool is checked against its published hash and
  the algorithm run; the result and its hash are recorded, never changed again.
Anyone re-runs it from the record (verify_draw; `python -m minsheng draw verify`)."""

import hashlib
import zlib
from dataclasses import dataclass
from datetime import date

from django.db import connection, transaction
from django.db.models import TextField, Value
from django.db.models.functions import Coalesce, Collate, Concat

from minsheng.core import clock
from minsheng.core.errors import ActionError, NotAllowed, NotFound
from minsheng.core.numbering import create_numbered
from minsheng.enterprises.models import Entity, EntityStatus
from minsheng.inspections import draw_algorithm as algorithm
from minsheng.inspections import rules
from minsheng.inspections.actions._base import _text, write_event
from minsheng.inspections.models import UNRATED_GRADE, Conflict, Draw, DrawState, EventKind, Inspector, SeedSource
from minsheng.org.models import Department, Region


def _locked(draw: Draw) -> Draw:
    try:
        return Draw.objects.select_for_update().get(pk=draw.pk)
    except Draw.DoesNotExist:
        raise NotFound("没有找到该抽查。") from None


@transaction.atomic
def do_plan_draw(department: Department, *, title: str, region: Region, ratios: dict, seed_source: str,
                 seed_source_text: str, seed_commitment: str = "", inspector_departments=(), items=(),
                 above_scale_only: bool = False, industry_prefix: str = "", inspectors_per_target: int = 2,
                 actor) -> Draw:
    title = _text(title, "title", "抽查任务名称", 120)
    seed_commitment, industry_prefix = seed_commitment.strip().lower(), industry_prefix.strip().upper()
    try:
        checked = algorithm.check_ratios(ratios)
    except algorithm.DrawProblem as problem:
        raise ActionError(str(problem), field="ratios") from None
    if not any(checked.values()):
        raise ActionError("至少一类的抽查比例应大于0。", field="ratios")
    if inspectors_per_target < algorithm.MIN_INSPECTORS:
        raise ActionError(f"每户至少应抽取{algorithm.MIN_INSPECTORS}名执法检查人员。", field="inspectors_per_target")
    if seed_source not in SeedSource.values:
        raise ActionError("请选择随机种子的来源。", field="seed_source")
    seed_source_text = _text(seed_source_text, "seed_source_text", "随机种子来源说明（哪一期公开数字，或承诺种子何时公布）", 200)
    if industry_prefix and not (industry_prefix.isascii() and industry_prefix.isalnum() and len(industry_prefix) <= 4):
        raise ActionError("行业应为门类字母或行业代码前缀。", field="industry_prefix")
    if seed_source == SeedSource.COMMITTED and (len(seed_commitment) != 64
                                                 or any(ch not in "0123456789abcdef" for ch in seed_commitment)):
        raise ActionError("种子哈希承诺应为64位十六进制的SHA-256值。", field="seed_commitment")
    if seed_source == SeedSource.PUBLIC:
        seed_commitment = ""
    if actor is not None and not rules.may_organise_draw(actor, department):
        raise NotAllowed("您无权组织该部门的双随机抽查。")
    if not department.region.contains(region):
        raise ActionError("抽查范围应在组织部门的辖区内。", field="region")
    inspector_departments = list(inspector_departments) or [department]
    draw = create_numbered(
        Draw, f"SJ{clock.today().year}", 4, title=title, department=department, region=region,
        above_scale_only=above_scale_only, industry_prefix=industry_prefix,
        ratios={grade: str(ratio) for grade, ratio in checked.items()}, inspectors_per_target=inspectors_per_target,
        seed_source=seed_source, seed_source_text=seed_source_text, seed_commitment=seed_commitment,
    )
    draw.inspector_departments.set(inspector_departments)
    draw.items.set(items)
    write_event(EventKind.DRAW_PLANNED, actor=actor, draw=draw, is_public=True,
                note=f"拟定{draw.title}；随机种子：{draw.get_seed_source_display()}（{seed_source_text}）",
                data={"ratios": draw.ratios, "seed_source": seed_source, "seed_commitment": seed_commitment})
    return draw


def pool_of(draw: Draw, day: date) -> algorithm.Pool:
    """The draw's pool as the registry and the inspector library hold it on `day`: the active
    firms in its scope with their credit class (unclassed firms as B), the inspectors of its
    departments whose certificate is valid that day, and their declared conflicts."""
    # The scope's regions as ids, not `region__code__startswith`: PostgreSQL guesses that a LIKE
    # on the region code matches 2 regions (the whole city has 38), hence a few thousand firms,
    # and picks a nested loop into the credit classes and a sort on disk (~1.5 s over a million
    # firms); given the ids it knows how many firms they hold and hash-joins them in parallel.
    region_ids = list(Region.objects.filter(code__startswith=draw.region.code_prefix).values_list("pk", flat=True))
    entities = Entity.objects.filter(region__in=region_ids, status=EntityStatus.ACTIVE)
    if draw.above_scale_only:
        entities = entities.filter(above_scale=True)
    if draw.industry_prefix:
        prefix = draw.industry_prefix
        entities = (entities.filter(industry__section=prefix) if prefix.isalpha()
                    else entities.filter(industry__code__startswith=prefix))
    inspectors = Inspector.objects.filter(department__in=draw.inspector_departments.all(), valid_from__lte=day,
                                          valid_to__gte=day)
    certificates = list(inspectors.values_list("certificate_number", flat=True))
    conflicts = list(Conflict.objects.filter(inspector__in=inspectors, entity__in=entities)
                     .values_list("inspector__certificate_number", "entity__uscc"))
    # Sorted by code as Python compares strings (byte order: PostgreSQL's "C" collation, SQLite's
    # default), so that the canonical order is the order read.
    by_code = Collate("uscc", "C") if connection.vendor == "postgresql" else "uscc"

    if connection.vendor == "postgresql":
        # The fast way. A million (code, grade) rows through the ORM cost ~1 s of Python objects,
        # then as long again to check them and format the canonical lines. Here the database
        # writes the target lines themselves ("T<TAB>code<TAB>grade\n", draw_algorithm's
        # canonical form) in code order and joins them into one text: one value crosses over.
        lines = entities.order_by(by_code).annotate(pool_line=Concat(
            Value("T\t"), "uscc", Value("\t"), Coalesce("credit_rating__grade", Value(str(UNRATED_GRADE))),
            Value("\n"), output_field=TextField())).values_list("pool_line")
        sql, params = lines.query.sql_with_params()
        with connection.cursor() as cursor:
            # string_agg joins in the order its input comes, and that input, the ordered query,
            # is sorted by parallel workers (string_agg(... ORDER BY ...) sorts in one process,
            # ~0.8 s slower). Were the order ever not kept, Pool.parse below would refuse it.
            cursor.execute(f"SELECT count(*), coalesce(string_agg(pool_line, ''), '') FROM ({sql}) AS pool", params)
            rows, target_lines = cursor.fetchone()
        try:
            # Inspectors and conflicts are few: Pool.of puts them in canonical order, and the
            # target lines go between its version line and them. Pool.parse checks the whole as
            # it checks a stored pool (the format, each code once and in order, grades A to D),
            # so only a canonical pool is frozen; it keeps these bytes as the pool's canonical.
            rest = algorithm.Pool.of((), certificates, conflicts).canonical()
            head = f"{algorithm.VERSION}\n".encode()
            pool = algorithm.Pool.parse(head + target_lines.encode() + rest[len(head):])
        except algorithm.DrawProblem:
            pool = None
        # One line per firm: a code holding a line break could otherwise pass as two firms.
        if pool is not None and len(pool.targets) == rows:
            return pool
        # Otherwise the ORM way below decides (and refuses what it refuses, with its message):
        # whenever the fast way returns, its pool is the ORM way's, byte for byte.

    # Read in one fetch, not a server-side cursor's hundred round trips (a million rows either
    # way are held to build the pool).
    targets = [(code, grade or UNRATED_GRADE)
               for code, grade in entities.order_by(by_code).values_list("uscc", "credit_rating__grade")]
    return algorithm.Pool.of(targets, certificates, conflicts)


@transaction.atomic
def do_freeze_draw(draw: Draw, *, actor) -> Draw:
    draw = _locked(draw)
    if actor is not None and not rules.may_organise_draw(actor, draw.department):
        raise NotAllowed("您无权组织该部门的双随机抽查。")
    if draw.state != DrawState.PLANNED:
        raise ActionError(f"该抽查{draw.get_state_display()}，不能再封存抽查库。")
    day = clock.today()
    pool = pool_of(draw, day)
    if not pool.targets:
        raise ActionError("抽查范围内没有可抽取的市场主体。")
    if len(pool.inspectors) < draw.inspectors_per_target:
        raise ActionError(f"执法检查人员库中证件有效的人员不足{draw.inspectors_per_target}名。")
    canonical = pool.canonical()
    draw.pool, draw.pool_hash = zlib.compress(canonical, 1), pool.hash  # level 1: 5x faster, ~1.3x larger
    draw.pool_targets, draw.pool_inspectors = len(pool.targets), len(pool.inspectors)
    draw.frozen_on, draw.frozen_at, draw.state = day, clock.now(), DrawState.FROZEN
    draw.save(update_fields=["pool", "pool_hash", "pool_targets", "pool_inspectors", "frozen_on", "frozen_at", "state"])
    write_event(EventKind.DRAW_FROZEN, actor=actor, draw=draw, is_public=True,
                note=f"封存抽查库：对象{len(pool.targets):,}户、执法人员{len(pool.inspectors):,}名，哈希{pool.hash}",
                data={"pool_hash": pool.hash, "targets": len(pool.targets), "inspectors": len(pool.inspectors),
                      "conflicts": len(pool.conflicts)})
    return draw


def stored_pool(draw: Draw) -> algorithm.Pool:
    """The frozen pool, refused if the stored bytes no longer give the published hash."""
    try:
        data = zlib.decompress(bytes(draw.pool))
    except (zlib.error, TypeError):
        raise ActionError("封存的抽查库无法读取，与公布的哈希不符。") from None
    try:
        return algorithm.Pool.parse_published(data, draw.pool_hash)
    except algorithm.DrawProblem as problem:
        raise ActionError(str(problem)) from None


@transaction.atomic
def do_run_draw(draw: Draw, *, seed: str, witnesses: str, actor) -> Draw:
    draw = _locked(draw)
    seed = _text(seed, "seed", "随机种子", 200)
    witnesses = _text(witnesses, "witnesses", "见证人", 200)
    if actor is not None and not rules.may_organise_draw(actor, draw.department):
        raise NotAllowed("您无权组织该部门的双随机抽查。")
    if draw.state != DrawState.FROZEN:
        raise ActionError("抽查库封存后才能抽取；已抽取的抽查不能重抽。")
    if draw.seed_source == SeedSource.COMMITTED and algorithm.seed_commitment(seed) != draw.seed_commitment:
        raise ActionError("该种子的SHA-256与事先公布的哈希承诺不符。", field="seed")
    pool = stored_pool(draw)
    try:
        picks = algorithm.run(pool, seed, draw.ratios, draw.inspectors_per_target)
    except algorithm.DrawProblem as problem:
        raise ActionError(str(problem)) from None
    draw.seed, draw.witnesses = seed, witnesses
    text = algorithm.result_text(picks).encode()  # built once: its bytes are stored and hashed
    draw.result = zlib.compress(text, 1)
    draw.result_hash, draw.drawn_count = hashlib.sha256(text).hexdigest(), len(picks)
    draw.drawn_at, draw.operator, draw.state = clock.now(), actor, DrawState.DRAWN
    draw.save(update_fields=["seed", "witnesses", "result", "result_hash", "drawn_count", "drawn_at", "operator", "state"])
    strata = {grade: sum(1 for pick in picks if pick.grade == grade) for grade in algorithm.GRADES}
    write_event(EventKind.DRAW_RUN, actor=actor, draw=draw, is_public=True,
                note=f"随机抽取{len(picks):,}户（种子“{seed}”，算法{draw.algorithm}），结果哈希{draw.result_hash}；见证人：{witnesses}",
                data={"seed": seed, "result_hash": draw.result_hash, "drawn": len(picks), "strata": strata,
                      "algorithm": draw.algorithm})
    return draw


@transaction.atomic
def do_cancel_draw(draw: Draw, *, reason: str, actor) -> Draw:
    draw = _locked(draw)
    reason = _text(reason, "reason", "取消原因", 200)
    if actor is not None and not rules.may_organise_draw(actor, draw.department):
        raise NotAllowed("您无权组织该部门的双随机抽查。")
    if draw.state not in (DrawState.PLANNED, DrawState.FROZEN):
        raise ActionError("已抽取的抽查不能取消，其记录永久保留。")
    Draw.objects.filter(pk=draw.pk).update(state=DrawState.CANCELLED)
    draw.state = DrawState.CANCELLED
    write_event(EventKind.DRAW_CANCELLED, actor=actor, draw=draw, is_public=True, note=f"取消抽查：{reason}")
    return draw


@dataclass(frozen=True)
class Verification:
    matches: bool
    message: str
    picks: tuple[algorithm.Pick, ...] = ()


def verify_draw(draw: Draw) -> Verification:
    """Re-run a drawn draw from its record alone (the stored pool, the seed, the ratios, the
    algorithm version) and say whether it gives the recorded result. Reads, never writes."""
    if draw.state != DrawState.DRAWN:
        return Verification(False, f"{draw.number}尚未抽取（{draw.get_state_display()}），没有可核验的结果。")
    if draw.algorithm != algorithm.VERSION:
        return Verification(False, f"{draw.number}使用的算法{draw.algorithm}不是本系统的{algorithm.VERSION}。")
    if draw.seed_source == SeedSource.COMMITTED and algorithm.seed_commitment(draw.seed) != draw.seed_commitment:
        return Verification(False, f"{draw.number}的种子与事先公布的哈希承诺不符。")
    try:
        pool = stored_pool(draw)
    except ActionError as error:
        return Verification(False, f"{draw.number}：{error.message}")
    try:
        picks = algorithm.run(pool, draw.seed, draw.ratios, draw.inspectors_per_target)
    except algorithm.DrawProblem as problem:
        return Verification(False, f"{draw.number}无法按记录重新抽取：{problem}")
    if algorithm.result_hash(picks) != draw.result_hash or algorithm.result_text(picks) != _recorded_text(draw):
        return Verification(False, f"{draw.number}按记录重新抽取的结果与公布的结果不一致。", tuple(picks))
    return Verification(True, f"{draw.number}核验一致：重新抽取{len(picks):,}户，结果哈希{draw.result_hash}。", tuple(picks))


def _recorded_text(draw: Draw) -> str:
    return zlib.decompress(bytes(draw.result)).decode() if draw.result is not None else ""


def recorded_picks(draw: Draw) -> list[algorithm.Pick]:
    picks = []
    for line in _recorded_text(draw).splitlines():
        code, grade, inspectors = line.split("\t")
        picks.append(algorithm.Pick(code, grade, tuple(inspectors.split(","))))
    return picks
