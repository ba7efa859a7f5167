"""The elevator programme's benchmarks (issue 10), on PostgreSQL with 100,000 applications and
3,000,000 dwellings.

Targets:
1. the public funnel `queries.funnel(as_of)` for the city, with its county table, < 100 ms;
2. the same for one county, with its street table, < 100 ms (median of the runs after a warm-up);
3. one vote through `actions.do_record_vote` < 5 ms (median over ~200 votes), and its time does
   not grow with the votes already cast (running sums, never a recount): measured on entrances
   of 14 dwellings and on one of 200, by the position of the vote in its ballot.

Data (`generate`): the register of 14,286 estates in the 13 counties (湖口县's in its five
townships, so its funnel has a street table), 71,430 buildings, 214,290 entrances and 3,000,060
dwellings of 7 floors x 2, each with its owner; 100,000 applications on 100,000 of those
entrances, filed 2019-06 … 2026-11, each run through the pipeline with plausible durations
(permit for 30 %, 8 % withdrawn and 2 % refused before approval) up to the clock: milestones,
stage and stage start as the actions set them; the votes of every application past the
consultation (~1.2 M, one event each) and its running sums computed from them. The register is
generated in SQL (generate_series), the applications in Python and COPYed. Stage records are not
generated (the funnel does not read them). Kept in the bench database (bench_meta
'elevators_generation'); `--rebuild` regenerates.

The votes are cast by 双钟镇's community worker (a street office the run adds if missing) on
applications filed for the run in an estate of its own, which is deleted afterwards with everything under it, so runs measure the same database.
Writes bench/results/elevators.json and elevators.md."""

import io
import json
import random
import statistics
import time
from datetime import date, datetime, timedelta
from decimal import Decimal

from bench import git_commit
from bench import data
from bench.cases import (QueryTimer, Run, explain, markdown_notes, markdown_plans, markdown_results, markdown_run_line,
                         record_run, summary)

N_APPLICATIONS = 100_000
ESTATES = 14_286
BUILDINGS_PER_ESTATE = 5
ENTRANCES_PER_BUILDING = 3
DWELLINGS_PER_ENTRANCE = 14  # 7 floors, 2 a floor
ENTRANCES = ESTATES * BUILDINGS_PER_ESTATE * ENTRANCES_PER_BUILDING
FUNNEL_TARGET_MS = 100
VOTE_TARGET_MS = 5
FUNNEL_RUNS = 30
SMALL_BALLOTS = 15  # entrances of 14 dwellings: 210 timed votes
BIG_BALLOT = 200
BENCH_ESTATE = "基准测试小区"
SEED = 20211030
START = date(2019, 6, 1)
PERMIT_SHARE = 0.3
COUNTY_WEIGHTS = {
    "浔阳区": 22, "濂溪区": 20, "柴桑区": 9, "瑞昌市": 7, "修水县": 6, "共青城市": 5, "庐山市": 5, "武宁县": 5,
    "永修县": 5, "德安县": 4, "都昌县": 4, "湖口县": 4, "彭泽县": 4,
}
ELEVATOR_TABLES = [
    "elevators_applicationevent", "elevators_applicationcase", "elevators_mediation", "elevators_objection",
    "elevators_stagerecord", "elevators_vote", "elevators_shaftdwelling", "elevators_application_representatives",
    "elevators_application", "elevators_applicationcounter", "elevators_target", "elevators_dwelling_owners",
    "elevators_dwelling", "elevators_owner", "elevators_entrance", "elevators_building", "elevators_registerevent",
    "elevators_estate", "elevators_ruleset",
]


# --- data -------------------------------------------------------------------------------------

def _regions():
    from minsheng.org.models import Region, RegionLevel

    counties = {r.name: r for r in Region.objects.filter(level=RegionLevel.COUNTY)}
    hukou = counties["湖口县"]
    townships = list(Region.objects.filter(parent=hukou, level=RegionLevel.TOWNSHIP).order_by("code").values_list("pk", flat=True))
    buckets = [counties[name].pk for name, weight in COUNTY_WEIGHTS.items() for _ in range(weight)]
    assert len(buckets) == 100
    return counties, hukou, townships, buckets


def _life(rng: random.Random, now: datetime) -> dict:
    """One application's course through the pipeline (calendar-day durations), up to `now`."""
    from minsheng.elevators.stages import Stage

    zone = now.tzinfo
    filed = START + timedelta(days=rng.randrange((now.date() - START).days))
    moment = datetime(filed.year, filed.month, filed.day, 10, 0, tzinfo=zone)
    permit = rng.random() < PERMIT_SHARE
    fate = rng.random()
    stages = [
        (Stage.FEASIBILITY, 5, 28), (Stage.CONSULTATION, 14, 70), (Stage.AGREEMENT, 8, 40), (Stage.DESIGN, 12, 40),
        (Stage.PUBLICITY, 11, 18), (Stage.STREET_REVIEW, 3, 16), (Stage.JOINT_REVIEW, 7, 30),
    ] + ([(Stage.PERMIT, 3, 16)] if permit else []) + [
        (Stage.CONSTRUCTION, 60, 150), (Stage.ACCEPTANCE, 7, 25), (Stage.REGISTRATION, 5, 25), (Stage.SUBSIDY, 8, 35),
        (Stage.IN_SERVICE, 0, 0),
    ]
    closes_at = None
    if fate < 0.08:
        closes_at = rng.choice([Stage.FEASIBILITY, Stage.CONSULTATION, Stage.CONSULTATION, Stage.AGREEMENT, Stage.DESIGN])
    elif fate < 0.10:
        closes_at = rng.choice([Stage.STREET_REVIEW, Stage.JOINT_REVIEW])
    entered = []
    closed = None
    for stage, low, high in stages:
        if moment > now:
            break
        entered.append((stage, moment))
        if stage == Stage.IN_SERVICE:
            break
        ends = moment + timedelta(days=rng.randint(low, high), minutes=rng.randint(-60, 360))
        if stage == closes_at:
            if ends <= now:
                closed = (Stage.WITHDRAWN if fate < 0.08 else Stage.REJECTED, ends)
            break
        moment = ends
    return {"filed": filed, "entered": entered, "closed": closed, "permit": permit}


def _application_rows(rule_set_id: int, now: datetime) -> tuple[list[str], dict]:
    """COPY lines for the applications (register columns filled afterwards from the register)."""
    from minsheng.elevators.stages import APPROVED_FROM, COMPLETED_FROM, RULES, UNDER_CONSTRUCTION, Stage, at_or_after

    rng = random.Random(SEED)
    lines, states = [], {}

    def ts(value):
        return "\\N" if value is None else value.isoformat()

    for i in range(1, N_APPLICATIONS + 1):
        life = _life(rng, now)
        entrance = 1 + (i - 1) * ENTRANCES // N_APPLICATIONS
        stage, started = life["entered"][-1]
        first = lambda reference: next((m for s, m in life["entered"] if at_or_after(s, reference)), None)  # noqa: E731
        approved, started_building, completed = first(APPROVED_FROM), first(UNDER_CONSTRUCTION), first(COMPLETED_FROM)
        in_service = first(Stage.IN_SERVICE)
        due = None
        rule = RULES[stage]
        if rule.default_days and stage != Stage.PUBLICITY:
            due = started + timedelta(days=round(rule.default_days * 1.4))
        closed_at = None
        if life["closed"]:
            stage, closed_at = life["closed"]
            due = None
        past_agreement = len(life["entered"]) > 3
        consulted = len(life["entered"]) > 2  # the vote passed: marked here, the votes and sums come in SQL
        cost = Decimal(rng.randint(520, 620) * 1000) if life["permit"] else Decimal(rng.randint(420, 495) * 1000)
        states[stage] = states.get(stage, 0) + 1
        lines.append("\t".join([
            f"湖口-基准-{i:06d}", str(entrance), "0", "\\N", str(rule_set_id), life["filed"].isoformat(), "", "f",
            str(DWELLINGS_PER_ENTRANCE), "0", stage, started.isoformat(), ts(due), "f", "0", "\\N",
            "\\N" if stage != Stage.PUBLICITY else (started.date() + timedelta(days=10)).isoformat(), "",
            str(cost) if past_agreement else "\\N", "200000" if past_agreement else "\\N",
            "coefficient" if past_agreement else "", "{}", "0", str(DWELLINGS_PER_ENTRANCE), "0",
            str(DWELLINGS_PER_ENTRANCE) if consulted else "0", "0", "0", "0",
            ts(approved), ts(started_building), ts(completed), ts(in_service), ts(closed_at), "",
            "\\N" if in_service is None else in_service.date().isoformat(), ts(life["entered"][0][1]),
        ]) + "\n")
    return lines, states


APPLICATION_COLUMNS = (
    "number, entrance_id, region_id, street_id, rule_set_id, filed_on, implementing_body, with_renovation, households, "
    "residents_over_60, stage, stage_started_at, due_at, due_provisional, rung, next_check_at, publicity_ends_on, "
    "public_notice, estimated_cost, subsidy, cost_method, cost_table, total_area, total_heads, participating_area, "
    "participating_heads, agreeing_area, agreeing_heads, blocking_owners, approved_at, construction_started_at, "
    "completed_at, in_service_at, closed_at, maintenance_contractor, entered_service_on, created_at"
)


def generate(log=print) -> dict:
    from minsheng.core import clock
    from minsheng.elevators.actions import do_save_rule_set
    from minsheng.elevators.models import CostMethod, RuleSet
    from minsheng.org.demo import load_org

    started = time.perf_counter()
    timings = {}
    load_org()
    counties, hukou, townships, buckets = _regions()
    city = hukou.parent
    with data._raw() as conn:
        data._meta(conn)
        conn.execute("TRUNCATE " + ", ".join(ELEVATOR_TABLES) + " RESTART IDENTITY CASCADE")
        conn.execute("DELETE FROM bench_meta WHERE key = 'elevators_generation'")
        conn.commit()
    with clock.fixed(data.NOW):
        rule_set = do_save_rule_set(RuleSet(
            region=city, effective_from=START, name="九江市既有住宅加装电梯实施办法", document_number="九府办发〔2019〕9号",
            subsidy_fixed=Decimal("200000"), publicity_days=10, cost_method=CostMethod.COEFFICIENT,
            permit_threshold=Decimal("500000")), actor=None)
    with data._raw() as conn:
        defaults = data._temporary_defaults(conn, {"elevators_application": APPLICATION_COLUMNS})
        conn.execute("SET session_replication_role = replica")
        conn.execute("SET synchronous_commit = off")
        t0 = time.perf_counter()
        estates_per_building = BUILDINGS_PER_ESTATE
        for label, sql, params in (
            ("estates", """
                INSERT INTO elevators_estate (id, region_id, street_id, community, name, address, year_built, renovation_batch)
                SELECT i, r, CASE WHEN r = %(hukou)s THEN (%(townships)s::int[])[1 + i %% 5] END, '', '小区' || i, '',
                       1983 + i %% 18, CASE WHEN i %% 4 = 0 THEN '2021年第一批' ELSE '' END
                FROM (SELECT i, (%(buckets)s::int[])[1 + (i * 7919) %% 100] AS r FROM generate_series(1, %(estates)s) i) t
            """, {"hukou": hukou.pk, "townships": townships, "buckets": buckets, "estates": ESTATES}),
            ("buildings", """
                INSERT INTO elevators_building (id, estate_id, name, floors)
                SELECT i, (i - 1) / %(per)s + 1, ((i - 1) %% %(per)s + 1) || '栋', 7 FROM generate_series(1, %(n)s) i
            """, {"per": estates_per_building, "n": ESTATES * BUILDINGS_PER_ESTATE}),
            ("entrances", """
                INSERT INTO elevators_entrance (id, building_id, name)
                SELECT i, (i - 1) / %(per)s + 1, ((i - 1) %% %(per)s + 1) || '单元' FROM generate_series(1, %(n)s) i
            """, {"per": ENTRANCES_PER_BUILDING, "n": ENTRANCES}),
            ("owners", """
                INSERT INTO elevators_owner (id, name, id_number, phone)
                SELECT i, '业主' || i, '', '' FROM generate_series(1, %(n)s) i
            """, {"n": ENTRANCES * DWELLINGS_PER_ENTRANCE}),
            ("dwellings", """
                INSERT INTO elevators_dwelling (id, entrance_id, number, floor, area, voter_id, residents_over_60)
                SELECT i, (i - 1) / %(per)s + 1, ((((i - 1) %% %(per)s) / 2 + 1) * 100 + (i - 1) %% 2 + 1)::text,
                       ((i - 1) %% %(per)s) / 2 + 1, 55 + ((i::bigint * 7919) %% 4001) / 100.0, i,
                       CASE WHEN i %% 6 = 0 THEN 1 + i %% 2 ELSE 0 END
                FROM generate_series(1, %(n)s) i
            """, {"per": DWELLINGS_PER_ENTRANCE, "n": ENTRANCES * DWELLINGS_PER_ENTRANCE}),
            ("dwelling owners", """
                INSERT INTO elevators_dwelling_owners (dwelling_id, owner_id) SELECT i, i FROM generate_series(1, %(n)s) i
            """, {"n": ENTRANCES * DWELLINGS_PER_ENTRANCE}),
        ):
            conn.execute(sql, params)
            conn.commit()
            log(f"  {label} ({time.perf_counter() - t0:.0f} s)")
        timings["register_seconds"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        lines, states = _application_rows(rule_set.pk, data.NOW)
        with conn.cursor() as cur, cur.copy(f"COPY elevators_application ({APPLICATION_COLUMNS}) FROM STDIN") as copy:
            for start in range(0, len(lines), 20_000):
                copy.write("".join(lines[start:start + 20_000]))
        conn.commit()
        # Region, street, renovation, households, areas and the over-60s: from the register.
        conn.execute("""
            UPDATE elevators_application a SET region_id = e.region_id, street_id = e.street_id,
                   with_renovation = e.renovation_batch <> '', total_area = d.area, residents_over_60 = d.over_60,
                   number = r.short_name || '-加梯-' || extract(year FROM a.filed_on)::int || '-' || lpad(a.id::text, 6, '0')
            FROM elevators_entrance en JOIN elevators_building b ON b.id = en.building_id
                 JOIN elevators_estate e ON e.id = b.estate_id JOIN org_region r ON r.id = e.region_id,
                 (SELECT entrance_id, sum(area) AS area, sum(residents_over_60) AS over_60 FROM elevators_dwelling
                  GROUP BY entrance_id) d
            WHERE en.id = a.entrance_id AND d.entrance_id = a.entrance_id
        """)
        conn.commit()
        timings["applications_seconds"] = time.perf_counter() - t0
        log(f"  applications ({time.perf_counter() - t0:.0f} s)")

        # The votes of every application past the consultation: the ground floor's 101 says no in
        # one application in five; then each application's running sums from its votes.
        t0 = time.perf_counter()
        conn.execute("""
            INSERT INTO elevators_vote (application_id, dwelling_id, voter_id, area, choice, cast_on, recorded_by_id, recorded_at)
            SELECT a.id, d.id, d.voter_id, d.area,
                   CASE WHEN d.number = '101' AND a.id % 5 = 0 THEN 'disagree' ELSE 'agree' END,
                   a.filed_on + 20, NULL, a.created_at + interval '20 days'
            FROM elevators_application a JOIN elevators_dwelling d ON d.entrance_id = a.entrance_id
            WHERE a.participating_heads > 0
        """)
        conn.execute("""
            UPDATE elevators_application a SET participating_area = v.area, participating_heads = v.heads,
                   agreeing_area = v.agreeing_area, agreeing_heads = v.agreeing_heads
            FROM (SELECT application_id, sum(area) AS area, count(*) AS heads,
                         sum(area) FILTER (WHERE choice = 'agree') AS agreeing_area,
                         count(*) FILTER (WHERE choice = 'agree') AS agreeing_heads
                  FROM elevators_vote GROUP BY application_id) v
            WHERE v.application_id = a.id
        """)
        conn.execute("""
            INSERT INTO elevators_applicationevent (actor_id, kind, created_at, note, data, is_public, application_id, stage, old_stage)
            SELECT NULL, 'filed', a.created_at, '业主提出加装电梯申请。', '{}'::jsonb, true, a.id, 'feasibility', ''
            FROM elevators_application a
        """)
        conn.execute("""
            INSERT INTO elevators_applicationevent (actor_id, kind, created_at, note, data, is_public, application_id, stage, old_stage)
            SELECT NULL, 'vote', v.recorded_at, '录入表决意见。', jsonb_build_object('dwelling', v.dwelling_id, 'choice', v.choice),
                   false, v.application_id, 'consultation', ''
            FROM elevators_vote v
        """)
        conn.commit()
        timings["votes_and_events_seconds"] = time.perf_counter() - t0
        log(f"  votes and events ({time.perf_counter() - t0:.0f} s)")
        conn.execute("SET session_replication_role = origin")
        conn.commit()
        data._drop_defaults(conn, defaults)
        for table in ("elevators_estate", "elevators_building", "elevators_entrance", "elevators_owner", "elevators_dwelling",
                      "elevators_dwelling_owners", "elevators_application", "elevators_vote", "elevators_applicationevent"):
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT coalesce(max(id), 0) + 1 FROM {table}), false)")
        conn.execute("""
            INSERT INTO elevators_applicationcounter (region_id, year, last)
            SELECT region_id, extract(year FROM filed_on)::int, max(id) FROM elevators_application GROUP BY 1, 2
        """)
        conn.commit()
        t0 = time.perf_counter()
        conn.autocommit = True
        for table in ELEVATOR_TABLES:
            conn.execute(f"VACUUM (ANALYZE) {table}")
        conn.autocommit = False
        timings["vacuum_analyze_seconds"] = time.perf_counter() - t0
        counts = table_counts(conn)
        record = {
            "generated_at": datetime.now(data.SHANGHAI).isoformat(timespec="seconds"),
            "git_commit": git_commit(),
            "now": data.NOW.isoformat(),
            "seed": SEED,
            "total_seconds": round(time.perf_counter() - started, 1),
            "timings": {k: round(v, 1) for k, v in timings.items()},
            "rows": counts,
            "stages": dict(sorted(states.items(), key=lambda kv: -kv[1])),
            "reused": False,
        }
        conn.execute("INSERT INTO bench_meta VALUES ('elevators_generation', %s) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                     [json.dumps(record, ensure_ascii=False)])
        conn.commit()
    log(f"generated in {record['total_seconds']:.0f} s: {counts}")
    return record


def table_counts(conn) -> dict:
    return {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in (
        "elevators_application", "elevators_dwelling", "elevators_owner", "elevators_entrance", "elevators_estate",
        "elevators_vote", "elevators_applicationevent")}


def ensure(*, rebuild: bool = False, log=print) -> dict:
    with data._raw() as conn:
        meta = data._meta(conn)
        have = conn.execute("SELECT count(*) FROM elevators_application").fetchone()[0]
        dwellings = conn.execute("SELECT count(*) FROM elevators_dwelling").fetchone()[0]
        if not rebuild and "elevators_generation" in meta and have >= N_APPLICATIONS and dwellings >= 3_000_000:
            record = dict(meta["elevators_generation"])
            log(f"reusing the bench database: {have:,} applications, {dwellings:,} dwellings "
                f"(generated {record['generated_at']}); --rebuild to regenerate")
            record["reused"] = True
            return record
    log("generating the elevator programme's data …")
    return generate(log)


# --- the funnel -------------------------------------------------------------------------------

def captured_sql(fn) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fn()
    return [q["sql"] for q in ctx.captured_queries]


def bench_funnel(run: Run) -> None:
    from django.db import connection

    from minsheng.elevators import queries
    from minsheng.org.models import Region

    today = data.NOW.date()
    subjects = [
        ("funnel.city", "queries.funnel(today): the city, with its county table (13 rows)", None),
        ("funnel.county", "queries.funnel(today, 湖口县): one county, with its street table (5 townships)",
         Region.objects.get(name="湖口县")),
        ("funnel.largest_county", "queries.funnel(today, 浔阳区): the largest county (22,000 applications; no streets on the platform)",
         Region.objects.get(name="浔阳区")),
        ("funnel.report_day", "queries.funnel(2021-10-30): the city as of the report day", None),
    ]
    for key, label, region in subjects:
        as_of = date(2021, 10, 30) if key == "funnel.report_day" else today
        call = lambda: queries.funnel(as_of, region)  # noqa: E731
        for _ in range(max(5, run.args.warmup)):
            call()
        samples = []
        timer = QueryTimer()
        with connection.execute_wrapper(timer):
            for _ in range(FUNNEL_RUNS):
                t0 = time.perf_counter()
                result = call()
                samples.append(time.perf_counter() - t0)
        per_call = len(timer.queries) / FUNNEL_RUNS
        scope = "issue" if key in ("funnel.city", "funnel.county") else "info"
        row = run.result(key, label, summary(samples), target_ms=FUNNEL_TARGET_MS, scope=scope,
                         queries=round(per_call), sql_ms=round(sum(timer.queries) / FUNNEL_RUNS, 2))
        row["figures"] = {k: result.figures[k] for k in ("accepted", "approved", "under_construction", "completed",
                                                         "approved_not_started", "with_renovation", "in_service")}
        row["table_rows"] = len(result.rows)
        run.plans[key] = {"label": label, "plans": [explain(sql) for sql in captured_sql(call)]}


# --- what-ifs: the former funnel, a covering index -------------------------------------------

COVERING_INDEX = (
    "CREATE INDEX bench_application_funnel ON elevators_application (region_id, filed_on) "
    "INCLUDE (street_id, approved_at, construction_started_at, completed_at, in_service_at, closed_at, "
    "with_renovation, households, residents_over_60)"
)


def two_passes(as_of, region=None) -> dict:
    """The funnel as it was before dab898b: the figures in one pass, then the same grouped by the
    area with its joined name and code in a second."""
    from minsheng.elevators import queries
    from minsheng.org.models import RegionLevel

    moment = queries.end_of(as_of)
    applications = queries._scope(region).filter(filed_on__lte=as_of)
    figures = applications.aggregate(**queries._figures(moment))
    by = "street" if region is not None and region.level == RegionLevel.COUNTY else "region"
    rows = list(applications.values(by, f"{by}__name", f"{by}__code").annotate(**queries._figures(moment))
                .order_by(f"{by}__code"))
    return {"figures": figures, "rows": rows}


def _time(call, n=FUNNEL_RUNS, warmup=5) -> list[float]:
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(n):
        t0 = time.perf_counter()
        call()
        samples.append(time.perf_counter() - t0)
    return samples


def bench_whatifs(run: Run) -> None:
    from django.db import connection, transaction

    from minsheng.elevators import queries
    from minsheng.org.models import Region

    today = data.NOW.date()
    county = Region.objects.get(name="湖口县")
    run.subjects["former_funnel_gives_the_same_figures"] = two_passes(today)["figures"] == queries.funnel(today).figures
    for key, label, call in [
        ("whatif.former.city", "the former funnel (two passes, the second grouped by the joined names), the city",
         lambda: two_passes(today)),
        ("whatif.former.county", "the former funnel, 湖口县", lambda: two_passes(today, county)),
    ]:
        run.result(key, label, summary(_time(call)), target_ms=FUNNEL_TARGET_MS, scope="whatif")
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(COVERING_INDEX)
            cursor.execute("ANALYZE elevators_application")
        for key, label, call in [
            ("whatif.index.city", "covering index (region_id, filed_on) INCLUDE (street, milestones, counts): funnel, the city",
             lambda: queries.funnel(today)),
            ("whatif.index.county", "covering index: funnel, 湖口县", lambda: queries.funnel(today, county)),
        ]:
            run.result(key, label, summary(_time(call)), target_ms=FUNNEL_TARGET_MS, scope="whatif")
        run.plans["whatif.index"] = {"label": "With the covering index: the city's funnel",
                                     "plans": [explain(sql) for sql in captured_sql(lambda: queries.funnel(today))[:1]]}
        transaction.set_rollback(True)


# --- one vote ---------------------------------------------------------------------------------

def _cleanup(log=print) -> int:
    """Remove the run's estate with everything under it (also after an interrupted run)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM elevators_estate WHERE name = %s", [BENCH_ESTATE])
        estates = [row[0] for row in cursor.fetchall()]
        if not estates:
            return 0
        scope = ("SELECT a.id FROM elevators_application a JOIN elevators_entrance en ON en.id = a.entrance_id "
                 "JOIN elevators_building b ON b.id = en.building_id WHERE b.estate_id = ANY(%s)")
        dwellings = ("SELECT d.id FROM elevators_dwelling d JOIN elevators_entrance en ON en.id = d.entrance_id "
                     "JOIN elevators_building b ON b.id = en.building_id WHERE b.estate_id = ANY(%s)")
        for table in ("elevators_applicationevent", "elevators_vote", "elevators_stagerecord", "elevators_shaftdwelling",
                      "elevators_applicationcase", "elevators_application_representatives"):
            cursor.execute(f"DELETE FROM {table} WHERE application_id IN ({scope})", [estates])
        cursor.execute(f"DELETE FROM elevators_application WHERE id IN ({scope})", [estates])
        cursor.execute(f"SELECT owner_id FROM elevators_dwelling_owners WHERE dwelling_id IN ({dwellings})", [estates])
        owners = [row[0] for row in cursor.fetchall()]
        cursor.execute(f"DELETE FROM elevators_dwelling_owners WHERE dwelling_id IN ({dwellings})", [estates])
        cursor.execute(f"DELETE FROM elevators_dwelling WHERE id IN ({dwellings})", [estates])
        cursor.execute("DELETE FROM elevators_owner WHERE id = ANY(%s)", [owners])
        cursor.execute("DELETE FROM elevators_entrance WHERE building_id IN (SELECT id FROM elevators_building WHERE estate_id = ANY(%s))", [estates])
        cursor.execute("DELETE FROM elevators_building WHERE estate_id = ANY(%s)", [estates])
        cursor.execute("DELETE FROM elevators_registerevent WHERE estate_id = ANY(%s)", [estates])
        cursor.execute("DELETE FROM elevators_estate WHERE id = ANY(%s)", [estates])
    log(f"removed the previous run's estate {BENCH_ESTATE}")
    return len(estates)


def _clerk():
    """The community worker of 双钟镇 who enters the paper forms (a street office of its own, so
    the county's 住建局 does not stand in for it)."""
    from django.test import override_settings

    from minsheng.org.models import Department, Region, Role, User
    from minsheng.testing import make_department, make_user

    user = User.objects.filter(username="bench_elevator_street").first()
    if user is None:
        street = Region.objects.get(name="双钟镇")
        office = Department.objects.filter(region=street).first() or make_department("双钟镇人民政府", street)
        with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
            user = make_user("bench_elevator_street", office, Role.HANDLER, full_name="钱芳")
    return user


def _ballots(clerk) -> tuple[list, object]:
    """The run's entrances, registered and filed through the actions: SMALL_BALLOTS + 2 (warm-up)
    of 14 dwellings (7 floors x 2), and one of 200 (25 floors x 8), each in its consultation."""
    from minsheng.elevators import actions
    from minsheng.org.models import Region

    hukou = Region.objects.get(name="湖口县")
    street = Region.objects.get(name="双钟镇")
    estate = actions.do_create_estate(region=hukou, street=street, name=BENCH_ESTATE, year_built=1995, actor=clerk)
    small = actions.do_add_building(estate, name="1栋", floors=7, entrances=[f"{n}单元" for n in range(1, SMALL_BALLOTS + 3)],
                                    actor=clerk)
    tower = actions.do_add_building(estate, name="2栋", floors=25, entrances=["1单元", "2单元"], actor=clerk)

    def drafts(floors, per_floor):
        return [actions.DwellingDraft(number=f"{floor}{n:02d}", floor=floor, area=Decimal("60.00") + floor + n,
                                      owners=[actions.OwnerDraft(name=f"业主{floor}{n:02d}")])
                for floor in range(1, floors + 1) for n in range(1, per_floor + 1)]

    applications = []
    for entrance in list(small.entrances.order_by("id")) + list(tower.entrances.order_by("id")):
        actions.do_add_dwellings(entrance, drafts(7, 2) if entrance.building_id == small.pk else drafts(25, 8), actor=clerk)
        owner = entrance.dwellings.order_by("floor", "number").last().voter
        application = actions.do_file_application(entrance, filed_on=data.NOW.date() - timedelta(days=10),
                                                  representatives=[owner], actor=clerk)
        applications.append(actions.do_advance_stage(application, actor=clerk))
    return applications[:-2], applications[-2], applications[-1]


def _choice(position: int) -> str:
    return "disagree" if position % 7 == 3 else "abstain" if position % 11 == 5 else "agree"


def bench_vote(run: Run) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from minsheng.elevators import actions, consent
    from minsheng.elevators.models import Application, Vote

    clerk = _clerk()
    small, big, spare = _ballots(clerk)
    today = data.NOW.date()

    def cast(application, dwelling, position):
        actions.do_record_vote(application, dwelling=dwelling, voter=dwelling.voter, area=dwelling.area,
                               choice=_choice(position), cast_on=today, actor=clerk)

    def ballot(application):
        return list(application.entrance.dwellings.select_related("voter").order_by("floor", "number"))

    for application in small[:2]:  # warm-up
        for position, dwelling in enumerate(ballot(application)):
            cast(application, dwelling, position)
    samples, by_position = [], {}
    timer = QueryTimer()
    with connection.execute_wrapper(timer):
        for application in small[2:]:
            for position, dwelling in enumerate(ballot(application)):
                t0 = time.perf_counter()
                cast(application, dwelling, position)
                elapsed = time.perf_counter() - t0
                samples.append(elapsed)
                by_position.setdefault(position, []).append(elapsed)
    row = run.result("vote.14", f"do_record_vote on entrances of 14 dwellings ({len(small) - 2} ballots, every vote)",
                     summary(samples), target_ms=VOTE_TARGET_MS, queries_per_call=round(len(timer.queries) / len(samples), 1),
                     sql_ms=round(sum(timer.queries) / len(samples), 2))
    row["median_ms_by_votes_already_cast"] = {p: round(statistics.median(v) * 1000, 2) for p, v in sorted(by_position.items())}

    dwellings = ballot(big)
    samples_big = []
    timer = QueryTimer()
    with connection.execute_wrapper(timer):
        for position, dwelling in enumerate(dwellings[:-1]):
            t0 = time.perf_counter()
            cast(big, dwelling, position)
            samples_big.append(time.perf_counter() - t0)
    with CaptureQueriesContext(connection) as ctx:
        cast(big, dwellings[-1], len(dwellings) - 1)
    row = run.result("vote.200", "do_record_vote on an entrance of 200 dwellings (the 200 votes of one ballot)",
                     summary(samples_big), target_ms=VOTE_TARGET_MS, queries_per_call=round(len(timer.queries) / len(samples_big), 1),
                     sql_ms=round(sum(timer.queries) / len(samples_big), 2))
    quarters = [samples_big[i * 50:(i + 1) * 50] for i in range(4)]
    row["median_ms_by_quarter"] = [round(statistics.median(q) * 1000, 2) for q in quarters if q]
    row["last_vote_queries"] = [q["sql"] for q in ctx.captured_queries]
    run.log(f"  200-dwelling ballot, median by quarter of the votes already cast: {row['median_ms_by_quarter']} ms")

    # The floor on this machine: only the unavoidable statements of a vote (lock the application,
    # insert the vote, add to the sums, write the event) and the commit, without the action's checks.
    from django.db import transaction
    from django.db.models import F

    from minsheng.elevators.models import ApplicationEvent

    floor_samples = []
    for dwelling in ballot(spare):
        t0 = time.perf_counter()
        with transaction.atomic():
            Application.objects.select_for_update().get(pk=spare.pk)
            Vote.objects.create(application_id=spare.pk, dwelling=dwelling, voter=dwelling.voter, area=dwelling.area,
                                choice="agree", cast_on=today, recorded_by=clerk)
            Application.objects.filter(pk=spare.pk).update(
                participating_area=F("participating_area") + dwelling.area, participating_heads=F("participating_heads") + 1,
                agreeing_area=F("agreeing_area") + dwelling.area, agreeing_heads=F("agreeing_heads") + 1)
            ApplicationEvent.objects.create(application_id=spare.pk, kind="vote", actor=clerk, note="录入表决意见。",
                                            data={"dwelling": dwelling.pk})
        floor_samples.append(time.perf_counter() - t0)
    run.result("vote.floor", "floor: the same writes alone (lock, insert the vote, add to the sums, the event, commit), "
               "no checks, 200 dwellings", summary(floor_samples), target_ms=VOTE_TARGET_MS, scope="info", queries_per_call=4)

    # The running sums are what a recount of the votes gives.
    checked = []
    for application in small + [big]:
        application = Application.objects.get(pk=application.pk)
        votes = {v.dwelling_id: v.choice for v in Vote.objects.filter(application=application)}
        recount = consent.Sums.from_votes(
            consent.Vote(owner=d.voter_id, dwelling=d.pk, area=d.area, vote=votes.get(d.pk))
            for d in application.entrance.dwellings.all())
        checked.append(recount == application.sums)
    run.subjects["running_sums_equal_recount"] = f"{sum(checked)} of {len(checked)} ballots"
    run.log(f"  running sums equal a recount in {sum(checked)} of {len(checked)} ballots")


# --- results ----------------------------------------------------------------------------------

def findings(run: Run) -> list[str]:
    """What the figures say, in words, with what to change where a target is missed."""
    by = {r["id"]: r for r in run.results}
    out = []
    city, county = by.get("funnel.city"), by.get("funnel.county")
    if city and county:
        words = (f"The city's funnel takes {city['median_ms']:.0f} ms (median) in {city['queries']} queries "
                 f"(one pass over the applications filed by the day, grouped by county; the totals are the rows' sums), "
                 f"a county's {county['median_ms']:.0f} ms (its rows narrowed by application_region_stage).")
        former = by.get("whatif.former.city")
        if former:
            words += (f" The former funnel, a second pass for the totals and the rows grouped by the joined names, "
                      f"takes {former['median_ms']:.0f} ms on the same data.")
        index = by.get("whatif.index.city")
        if index:
            helps = index["median_ms"] < 0.8 * city["median_ms"]
            words += (f" With a covering index on (region_id, filed_on) the city's takes {index['median_ms']:.0f} ms"
                      + (": worth proposing." if helps else
                         ": the planner keeps the parallel sequential scan (nearly every row qualifies), so no index is "
                         "proposed."))
        if not city["pass"] or not county["pass"]:
            words += (" Over the target: the cost is the per-row evaluation of nine FILTERed aggregates over the whole "
                      "table; the next step would be a daily snapshot of the figures per county (DESIGN.md: public "
                      "figures are snapshotted), the funnel of a past day read from it.")
        out.append(words)
    v14, v200, floor = by.get("vote.14"), by.get("vote.200"), by.get("vote.floor")
    if v14 and v200:
        quarters = v200.get("median_ms_by_quarter", [])
        words = (f"A vote takes {v14['median_ms']:.1f} ms (median) on the 14-dwelling entrances and {v200['median_ms']:.1f} ms "
                 f"on the 200-dwelling one, {v200['queries_per_call']} statements each, {v200['sql_ms']} ms of them in "
                 f"SQL; the rest is the ORM building them, the permission checks and the commit. By quarter of the "
                 f"200-dwelling ballot: {', '.join(f'{q} ms' for q in quarters)}"
                 + (": no growth with the votes already cast." if quarters and quarters[-1] <= 1.25 * quarters[0]
                    else ": the last quarter is slower than the first; the statements are the same for every vote, so "
                         "look at the machine's load (above) before reading it as a recount."))
        if floor:
            words += (f" For comparison, the lock and the three writes alone as three ORM statements in one "
                      f"transaction, without any check, take {floor['median_ms']:.1f} ms: the action is faster than "
                      "that because it locks the application's row alone (not joined to its rule set and region, "
                      "which never change once it is filed), reads the owner's earlier votes with one written-out "
                      "SELECT, and on PostgreSQL inserts the vote, saves the sums and writes the event in one "
                      "statement (a data-modifying WITH).")
        if not (v14["pass"] and v200["pass"]):
            words += " Over the target."
        out.append(words)
    return out


def markdown(doc: dict) -> str:
    g = doc["generation"]
    out = io.StringIO()
    w = lambda line="": out.write(line + "\n")  # noqa: E731
    w("# Elevator programme benchmarks")
    w()
    w(markdown_run_line(doc, setting="synchronous_commit", module="elevators"))
    w()
    rows = g["rows"]
    w(f"Data: {rows['elevators_application']:,} applications on {rows['elevators_entrance']:,} entrances "
      f"({rows['elevators_estate']:,} estates), {rows['elevators_dwelling']:,} dwellings and {rows['elevators_owner']:,} owners, "
      f"{rows['elevators_vote']:,} votes, {rows['elevators_applicationevent']:,} events. Stages today: "
      + ", ".join(f"{k} {v:,}" for k, v in sorted(g["stages"].items(), key=lambda kv: -kv[1]))
      + f". Generated in {g['total_seconds']:.0f} s ({', '.join(f'{k} {v:.0f} s' for k, v in g['timings'].items())})"
      + ("; reused from an earlier run." if g.get("reused") else "."))
    for line in markdown_results(doc, (("issue", "The issue's targets"), ("info", "For information (the same bar)"),
                                       ("whatif", "What-ifs (the former code; an index created in a transaction rolled back)"))):
        w(line)
    w()
    w("## A vote does not recount")
    w()
    by = {r["id"]: r for r in doc["results"]}
    if "vote.200" in by:
        quarters = by["vote.200"]["median_ms_by_quarter"]
        w(f"On the 200-dwelling entrance, the median time of a vote by how many had been cast before it: "
          f"0-49: {quarters[0]} ms, 50-99: {quarters[1]} ms, 100-149: {quarters[2]} ms, 150-199: {quarters[3]} ms "
          f"(the action reads the application's running sums and the voter's own votes by the (application, voter) "
          f"index, never the ballot). The same number of queries for every vote ({by['vote.200']['queries_per_call']}), "
          f"as on the 14-dwelling entrances ({by['vote.14']['queries_per_call']}). After the run the running sums equal a "
          f"recount of the votes in {doc['subjects'].get('running_sums_equal_recount')}.")
        w()
        w("By position on the 14-dwelling ballots (median ms of the vote cast after n others): "
          + ", ".join(f"{p}: {ms}" for p, ms in by["vote.14"]["median_ms_by_votes_already_cast"].items()) + ".")
        w()
        w("The queries of one vote (the last of the 200):")
        w()
        w("```sql")
        for sql in by["vote.200"]["last_vote_queries"]:
            w(sql if len(sql) < 400 else sql[:400] + " …")
        w("```")
    for line in markdown_plans(doc) + markdown_notes(doc):
        w(line)
    return out.getvalue()


def run(args, log=print) -> dict:
    import os

    from minsheng.core import clock

    started = time.perf_counter()
    load_at_start = [round(x, 2) for x in os.getloadavg()]
    generation = ensure(rebuild=args.rebuild, log=log)
    _cleanup(log)
    bench = Run(args, log)
    bench.notes = [
        "Tables loaded in bulk (INSERT … SELECT generate_series and COPY), then VACUUM ANALYZE: no bloat, fresh "
        "statistics and visibility maps; warm caches; one client, no concurrency; PostgreSQL with its default settings.",
        "The funnel is one query over the applications filed by the day grouped by county (or street), each figure a "
        "COUNT … FILTER on the milestones the stage actions set, the totals summed from the rows; for a county the "
        "application_region_stage index narrows the rows to the county's.",
        "Each vote runs in its own transaction and commits (autocommit between actions), as a clerk's form post does; "
        "the time includes the permission checks, the row lock on the application, the vote, the sums and the event.",
        "The applications voted on are filed for the run in an estate of their own (湖口县双钟镇, 基准测试小区) and "
        "deleted afterwards with everything under it; the application counter of 湖口县 moves on by the run's filings.",
    ]
    try:
        with clock.fixed(data.NOW):
            bench_funnel(bench)
            bench_whatifs(bench)
            bench_vote(bench)
    finally:
        _cleanup(log)
    return record_run(bench, "elevators", 10, generation=generation, started=started, load_at_start=load_at_start,
                      findings=findings, markdown=markdown)
