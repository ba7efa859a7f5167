"""The double-random draw's benchmarks (issue 12), on PostgreSQL with 1,000,000 firms and 10,000
inspectors.

Targets (issue 12): a draw over 1,000,000 firms and 10,000 inspectors under 5 s, and its
verification under 5 s (medians of 3 runs).
- "the draw" is what a department does on the day: actions.do_freeze_draw (the pool read from the
  registry with each firm's credit class, the inspectors with valid certificates and their
  declared conflicts; stored compressed in canonical form; its hash published) and then
  actions.do_run_draw (the stored pool checked against the hash, algorithm msd-1 run, the result
  recorded), each an action in its own transaction, as the page and the command run them. The
  two are also reported apart.
- "verification" is actions.verify_draw, what `python -m minsheng draw verify` and the public page
  run: the stored pool decompressed, hashed, parsed, the draw re-run, the result compared.

Data: the enterprise benchmark's 1,000,000 entities (bench.enterprises.ensure; the scope is the
whole city, its ~970,000 active firms), plus, made here with SQL each run (and removed after):
a credit class for 90 % of them (A 30 %, B 55 %, C 10 %, D 5 % by a hash of the id; the rest
unclassed, drawn as B), a 市市场监督管理局 with 10,000 inspectors (certificates valid on the day),
and 2,000 declared conflicts. Ratios A 1 %, B 2 %, C 10 %, D 30 %; two inspectors a target.
Writes bench/results/inspections.json and inspections.md."""

import io
import os
import time

from bench import data
from bench.cases import Run, markdown_notes, markdown_results, markdown_run_line, record_run, summary

N_INSPECTORS = 10_000
N_CONFLICTS = 2_000
RUNS = 3
TARGET_MS = 5_000
RATIOS = {"A": "0.01", "B": "0.02", "C": "0.1", "D": "0.3"}
DEPARTMENT = "九江市市场监督管理局（基准测试）"


def _prepare(log) -> dict:
    from django.db import connection

    from minsheng.org.models import Department, Region, RegionLevel

    _remove()
    city = Region.objects.get(level=RegionLevel.CITY)
    department = Department.objects.create(name=DEPARTMENT, region=city)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO inspections_creditrating (entity_id, grade, rated_on, source) "
            "SELECT id, CASE WHEN h < 30 THEN 'A' WHEN h < 85 THEN 'B' WHEN h < 95 THEN 'C' ELSE 'D' END, "
            "DATE '2026-06-30', '市场监管部门企业信用风险分类' "
            "FROM (SELECT id, (id * 7919 + 13) % 100 AS h, (id * 104729) % 10 AS rated FROM enterprises_entity) AS e "
            "WHERE rated < 9")
        cursor.execute(
            "INSERT INTO inspections_inspector (department_id, name, certificate_number, field, valid_from, valid_to) "
            "SELECT %s, '执法人员' || n, 'JX36' || lpad(n::text, 6, '0'), '市场监管', DATE '2024-01-01', DATE '2028-12-31' "
            "FROM generate_series(1, %s) AS n", [department.pk, N_INSPECTORS])
        cursor.execute(
            "INSERT INTO inspections_conflict (inspector_id, entity_id, reason, declared_on) "
            "SELECT DISTINCT ON (i.id, e.id) i.id, e.id, '亲属在该企业任职', DATE '2026-06-30' "
            "FROM generate_series(1, %s) AS n "
            "JOIN inspections_inspector i ON i.certificate_number = 'JX36' || lpad(((n * 37) %% %s + 1)::text, 6, '0') "
            "JOIN enterprises_entity e ON e.id = (SELECT min(id) FROM enterprises_entity) + (n * 487) %% 900000",
            [N_CONFLICTS, N_INSPECTORS])
        cursor.execute("ANALYZE inspections_creditrating; ANALYZE inspections_inspector; ANALYZE inspections_conflict")
        cursor.execute("SELECT count(*) FROM inspections_creditrating")
        rated = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM inspections_conflict")
        conflicts = cursor.fetchone()[0]
    seconds = time.perf_counter() - started
    log(f"prepared {rated:,} credit classes, {N_INSPECTORS:,} inspectors, {conflicts:,} conflicts in {seconds:.0f} s")
    return {"department": department, "city": city, "rated": rated, "conflicts": conflicts}


def _remove() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        # CASCADE: the inspection tables that refer to draws and inspectors (filings and what hangs
        # on them) grow with the app; in this database only the bench writes any of them, and every
        # table referring to these is an inspection table.
        cursor.execute("TRUNCATE inspections_inspectionevent, inspections_draw_items, "
                       "inspections_draw_inspector_departments, inspections_draw, inspections_conflict, "
                       "inspections_inspector, inspections_creditrating CASCADE")
        cursor.execute("DELETE FROM org_department WHERE name = %s", [DEPARTMENT])


def _measure(run: Run, subjects: dict) -> None:
    from minsheng.inspections import actions
    from minsheng.inspections.models import SeedSource

    freeze, draw_, both, verify = [], [], [], []
    draw = None
    for n in range(RUNS):
        draw = actions.do_plan_draw(subjects["department"], title=f"基准测试抽查{n + 1}", region=subjects["city"],
                                    ratios=RATIOS, seed_source=SeedSource.PUBLIC, seed_source_text="基准测试的公开数字",
                                    actor=None)
        started = time.perf_counter()
        draw = actions.do_freeze_draw(draw, actor=None)
        frozen = time.perf_counter()
        draw = actions.do_run_draw(draw, seed=f"基准测试种子{n + 1}", witnesses="基准测试见证人", actor=None)
        done = time.perf_counter()
        freeze.append(frozen - started)
        draw_.append(done - frozen)
        both.append(done - started)
        started = time.perf_counter()
        verdict = actions.verify_draw(draw)
        verify.append(time.perf_counter() - started)
        if not verdict.matches:
            raise RuntimeError(verdict.message)
        run.log(f"  run {n + 1}: freeze {freeze[-1]:.2f} s, draw {draw_[-1]:.2f} s, verify {verify[-1]:.2f} s; "
                f"{draw.pool_targets:,} targets, {draw.pool_inspectors:,} inspectors, {draw.drawn_count:,} drawn")
    shape = {"targets": draw.pool_targets, "inspectors": draw.pool_inspectors, "drawn": draw.drawn_count,
             "pool_bytes_compressed": len(bytes(draw.pool)), "result_bytes_compressed": len(bytes(draw.result))}
    run.subjects["draw"] = shape
    label = f"over {draw.pool_targets:,} firms and {draw.pool_inspectors:,} inspectors"
    run.result("draw.total", f"a draw {label}: freeze the pool, then run the draw", summary(both), target_ms=TARGET_MS,
               **shape)
    run.result("draw.verify", f"verification of it (verify_draw: decompress, hash, parse, re-run, compare)",
               summary(verify), target_ms=TARGET_MS)
    run.result("draw.freeze", "of which: do_freeze_draw (read the registry and the inspector library, store, hash)",
               summary(freeze), scope="info")
    run.result("draw.run", "of which: do_run_draw (check the stored pool's hash, run msd-1, record)", summary(draw_),
               scope="info")


def findings(run: Run) -> list[str]:
    by = {r["id"]: r for r in run.results}
    total, verify = by["draw.total"], by["draw.verify"]
    return [f"A draw over {total['targets']:,} firms and {total['inspectors']:,} inspectors takes "
            f"{total['median_ms'] / 1000:.2f} s (freeze {by['draw.freeze']['median_ms'] / 1000:.2f} s + run "
            f"{by['draw.run']['median_ms'] / 1000:.2f} s), drawing {total['drawn']:,} firms; its verification "
            f"{verify['median_ms'] / 1000:.2f} s. The stored pool is {total['pool_bytes_compressed'] / 1e6:.1f} MB "
            f"compressed. Targets: {'met' if total['pass'] and verify['pass'] else 'NOT met'}."]


def markdown(doc: dict) -> str:
    out = io.StringIO()
    w = lambda line="": out.write(line + "\n")  # noqa: E731
    w("# Inspection draw benchmarks (issue 12)")
    w()
    w(markdown_run_line(doc, setting="jit", module="inspections"))
    for line in markdown_results(doc, (("issue", "The issue's targets"), ("info", "For information"))):
        w(line)
    for line in markdown_notes(doc):
        w(line)
    return out.getvalue()


def run(args, log=print) -> dict:
    import time_machine

    from bench.enterprises import ensure
    from minsheng.core import clock

    started = time.perf_counter()
    load_at_start = [round(x, 2) for x in os.getloadavg()]
    generation = ensure(rebuild=args.rebuild, log=log)
    bench = Run(args, log)
    bench.generation = generation
    bench.notes = [
        "The enterprise benchmark's registry (bench/enterprises.py), warm caches, one client; the credit classes, "
        "inspectors and conflicts are inserted with SQL before the runs and removed after.",
        "Each run plans a new draw over the whole city and times do_freeze_draw and do_run_draw, each an action in its "
        "own transaction as the page runs them; then verify_draw on the draw just made.",
    ]
    try:
        with time_machine.travel(data.NOW, tick=True), clock.fixed(data.NOW):
            subjects = _prepare(log)
            bench.subjects.update({"credit_classes": subjects["rated"], "conflicts": subjects["conflicts"]})
            _measure(bench, subjects)
    finally:
        _remove()
    return record_run(bench, "inspections", 12, generation=generation, started=started, load_at_start=load_at_start,
                      findings=findings, markdown=markdown)
