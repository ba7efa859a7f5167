"""The case engine's benchmarks (issue 3, "Performance"), on 1,000,000 cases in PostgreSQL.

Targets:
1. a department inbox page renders in < 50 ms server time (median);
2. a case page renders in < 50 ms (median);
3. the scorecard for one month and all departments takes < 1 s;
4. a worker sweep costs what is due, not the table size: the claim queries use the partial
   indexes (EXPLAIN (ANALYZE, BUFFERS) saved), and a sweep of 1,000 due items is timed;
5. registering a case through the whole action takes < 5 ms (median).

Pages go through django.test.Client in-process (middleware, session, auth, view, template):
server time is the time around client.get. Each is warmed up, then requested `--requests`
times; the SQL queries of one more request are captured with CaptureQueriesContext.
Everything runs with the platform's clock fixed at data.NOW (2026-11-20 10:00, Shanghai).

What a run writes (events of the sweep, the outbox it fills, the cases it registers) is
removed again at the end (`restore`), so every run measures the same database.
"""

import json
import os
import platform
import statistics
import sys
import time
from datetime import date, timedelta

from bench import RESULTS_DIR, git_commit, git_dirty
from bench import data

PAGE_TARGET_MS = 50
SCORECARD_TARGET_MS = 1000
CREATE_TARGET_MS = 5
SWEEP_ITEMS = 1000
SCORECARD_PERIOD = (date(2026, 10, 1), date(2026, 10, 31))
OPEN = ("registered", "accepted", "dispatched", "returned", "handling")


# --- timing helpers ---------------------------------------------------------------------------


def summary(samples_s: list[float]) -> dict:
    ms = sorted(s * 1000 for s in samples_s)
    n = len(ms)
    p95 = ms[max(0, min(n - 1, int(round(0.95 * n + 0.5)) - 1))]
    return {
        "n": n,
        "median_ms": round(statistics.median(ms), 2),
        "p95_ms": round(p95, 2),
        "min_ms": round(ms[0], 2),
        "max_ms": round(ms[-1], 2),
        "mean_ms": round(statistics.fmean(ms), 2),
    }


class QueryTimer:
    """Times each query precisely (CaptureQueriesContext rounds to whole milliseconds)."""

    def __init__(self):
        self.queries = []

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append((time.perf_counter() - start) * 1000)


def captured(fn):
    """Run fn once with CaptureQueriesContext: the number of queries, their total time
    (timed precisely by an execute wrapper), and the three slowest with their SQL."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timer = QueryTimer()
    with CaptureQueriesContext(connection) as ctx, connection.execute_wrapper(timer):
        fn()
    statements = [q["sql"] for q in ctx.captured_queries if q["sql"] not in ("BEGIN", "COMMIT", "ROLLBACK")]
    timed = list(zip(timer.queries, statements)) if len(statements) == len(timer.queries) else []
    slowest = sorted(timed, key=lambda q: -q[0])[:3]
    return {
        "queries": len(ctx.captured_queries),
        "sql_ms": round(sum(timer.queries), 2),
        "slowest": [{"ms": round(ms, 2), "sql": sql} for ms, sql in slowest],
    }


def explain(sql: str, params=None, *, rollback: bool = True) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) in a transaction rolled back afterwards (claims take locks)."""
    from django.db import connection, transaction

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        if rollback:
            transaction.set_rollback(True)
    return plan


def explain_queryset(queryset) -> str:
    """The queryset's own SQL (compiled inside the transaction: FOR UPDATE needs one)."""
    from django.db import transaction

    with transaction.atomic():
        sql, params = queryset.query.sql_with_params()
        return explain(sql, params)


# --- the run ----------------------------------------------------------------------------------


class Run:
    def __init__(self, args, log=print):
        self.args = args
        self.log = log
        self.results: list[dict] = []
        self.plans: dict[str, dict] = {}
        self.subjects: dict = {}
        self.notes: list[str] = []
        import bench as package

        self.commit = package.COMMIT or git_commit()  # the code imported and measured

    def result(self, key, label, stats, *, target_ms=None, stat="median_ms", scope="issue", **extra):
        row = {"id": key, "label": label, "scope": scope, **stats, **extra}
        if target_ms is not None:
            row["target_ms"] = target_ms
            row["target_stat"] = stat.replace("_ms", "")
            row["pass"] = stats[stat] < target_ms
        self.results.append(row)
        verdict = "" if target_ms is None else (" PASS" if row["pass"] else " FAIL")
        queries = f", {row['queries']} queries" if "queries" in row else ""
        self.log(f"  {label}: median {stats['median_ms']:.2f} ms, p95 {stats['p95_ms']:.2f} ms (n={stats['n']}{queries})"
                 + (f" — target < {target_ms} ms{verdict}" if target_ms is not None else ""))
        return row


def pick_subjects(run: Run) -> dict:
    """The users and cases to measure with: a handler of the department with the most open
    cases, a supervisor of its county (or of the busiest county), the city's supervisor, a
    window clerk; archived cases of that department with 8 events; open cases it handles."""
    from django.db import connection

    from minsheng.org.models import Department, Region, User

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT lead_department_id, count(*) FROM cases_case WHERE state IN ('dispatched', 'handling', 'returned') "
            "GROUP BY 1 ORDER BY 2 DESC LIMIT 1"
        )
        department_id, open_count = cursor.fetchone()
    department = Department.objects.select_related("region").get(pk=department_id)
    county = department.region.county
    if county is None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT region_id FROM cases_case c JOIN org_region r ON r.id = c.region_id "
                "WHERE state = ANY(%s) AND r.level = 'county' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1",
                [list(OPEN)],
            )
            county = Region.objects.get(pk=cursor.fetchone()[0])
    city = Region.objects.get(level="city")
    handler = User.objects.get(username=f"bench_handler_{department.pk}")
    supervisor = User.objects.get(username=f"bench_supervisor_{county.code}")
    city_supervisor = User.objects.get(username=f"bench_supervisor_{city.code}")
    clerk = User.objects.get(username=f"bench_clerk_{county.code}")
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT e.case_id FROM cases_caseevent e
            WHERE e.case_id IN (
                SELECT id FROM cases_case WHERE lead_department_id = %s AND state = 'archived'
                ORDER BY id DESC LIMIT 3000)
            GROUP BY e.case_id HAVING count(*) = 8 ORDER BY e.case_id DESC LIMIT 20
            """,
            [department.pk],
        )
        archived_cases = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT id FROM cases_case WHERE lead_department_id = %s AND state = 'handling' ORDER BY due_at LIMIT 20",
            [department.pk],
        )
        handling_cases = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT state, count(*) FROM cases_case WHERE lead_department_id = %s AND state = ANY(%s) GROUP BY 1",
            [department.pk, list(OPEN) + ["closed"]],
        )
        department_queues = dict(cursor.fetchall())
        cursor.execute(
            "SELECT c.state, count(*) FROM cases_case c JOIN org_region r ON r.id = c.region_id "
            "WHERE r.code LIKE %s AND c.state = ANY(%s) GROUP BY 1",
            [county.code_prefix + "%", list(OPEN) + ["closed"]],
        )
        county_queues = dict(cursor.fetchall())
        cursor.execute("SELECT avg(n) FROM (SELECT count(*) n FROM cases_caseevent WHERE case_id = ANY(%s) GROUP BY case_id) x",
                       [handling_cases])
        handling_events = float(cursor.fetchone()[0] or 0)
    subjects = {
        "department": {"id": department.pk, "name": department.name, "open_dispatched_handling_returned": open_count,
                       "queues": department_queues},
        "county": {"code": county.code, "name": county.name, "queues": county_queues},
        "users": {"handler": handler.username, "county_supervisor": supervisor.username,
                  "city_supervisor": city_supervisor.username, "window_clerk": clerk.username},
        "archived_cases_8_events": archived_cases,
        "handling_cases": handling_cases,
        "handling_cases_avg_events": round(handling_events, 1),
    }
    run.subjects = subjects
    run.log(f"subjects: {department.name} ({open_count} cases dispatched/handling/returned), "
            f"{county.name} supervisor, {len(archived_cases)} archived cases with 8 events")
    return {"department": department, "county": county, "city": city, "handler": handler, "supervisor": supervisor,
            "city_supervisor": city_supervisor, "clerk": clerk, "archived": archived_cases, "handling": handling_cases}


def client_for(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def measure_page(run: Run, key: str, label: str, client, urls: list[str], *, target_ms=PAGE_TARGET_MS, n=None,
                 scope="issue", explain_slowest=False):
    n = n or run.args.requests
    warmup = max(5, run.args.warmup)
    for i in range(warmup):
        response = client.get(urls[i % len(urls)])
        if response.status_code != 200:
            raise RuntimeError(f"{urls[i % len(urls)]}: HTTP {response.status_code}")
    samples = []
    size = 0
    for i in range(n):
        url = urls[i % len(urls)]
        start = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - start)
        size = len(response.content)
        assert response.status_code == 200, (url, response.status_code)
    queries = captured(lambda: client.get(urls[0]))
    row = run.result(key, label, summary(samples), target_ms=target_ms, queries=queries["queries"],
                     sql_ms=queries["sql_ms"], bytes=size, urls=urls[:3] + (["…"] if len(urls) > 3 else []),
                     scope=scope)
    row["slowest_queries"] = [{**q, "sql": q["sql"][:3000]} for q in queries["slowest"]]
    if explain_slowest and queries["slowest"]:
        run.plans[f"page:{key}"] = {
            "title": f"The slowest query of: {label} ({queries['slowest'][0]['ms']} ms)",
            "plan": explain(queries["slowest"][0]["sql"]),
        }
    return row


# --- 1 and 2: pages -----------------------------------------------------------------------------


def bench_pages(run: Run, s: dict) -> None:
    run.log("inbox pages …")
    handler = client_for(s["handler"])
    supervisor = client_for(s["supervisor"])
    city = client_for(s["city_supervisor"])
    base = "/cases/staff/inbox/"
    for tab in ("to_sign", "handling", "overdue", "due_soon"):
        measure_page(run, f"inbox.handler.{tab}", f"inbox ?tab={tab}, handler of {s['department'].name}", handler,
                     [f"{base}?tab={tab}"], explain_slowest=tab == "to_sign")
    measure_page(run, "inbox.handler.handling.page5", "inbox ?tab=handling&page=5 (handler)", handler,
                 [f"{base}?tab=handling&page=5"])
    for tab in ("to_accept", "to_dispatch", "callbacks", "overdue_all"):
        measure_page(run, f"inbox.supervisor.{tab}", f"inbox ?tab={tab}, supervisor of {s['county'].name}", supervisor,
                     [f"{base}?tab={tab}"], explain_slowest=tab == "overdue_all")
    measure_page(run, "inbox.city_supervisor.overdue_all", "inbox ?tab=overdue_all, city supervisor (the whole city)",
                 city, [f"{base}?tab=overdue_all"], scope="extra", explain_slowest=True)

    run.log("case pages …")
    archived = [f"/cases/staff/{pk}/" for pk in s["archived"]]
    handling = [f"/cases/staff/{pk}/" for pk in s["handling"]]
    measure_page(run, "case.handler.archived8", "case page, archived case with 8 events, lead handler", handler, archived,
                 explain_slowest=True)
    measure_page(run, "case.supervisor.archived8", "case page, archived case with 8 events, county supervisor",
                 supervisor, archived)
    measure_page(run, "case.handler.handling", "case page, open case in handling (action forms), lead handler",
                 handler, handling)
    measure_page(run, "case.supervisor.handling", "case page, open case in handling, county supervisor",
                 supervisor, handling)

    run.log("other staff pages (no target in the issue) …")
    few = max(20, run.args.requests // 5)
    measure_page(run, "staff_home.handler", "staff home /staff/ (handler: inbox counts, latest notifications)", handler,
                 ["/staff/"], target_ms=None, n=few, scope="extra", explain_slowest=True)
    measure_page(run, "supervision_board.county", "supervision board (督办台), county supervisor", supervisor,
                 ["/cases/staff/supervision/"], target_ms=None, n=few, scope="extra", explain_slowest=True)
    measure_page(run, "search.phone.handler", "search by phone number (handler)", handler,
                 ["/cases/staff/search/?phone=13800000000"], target_ms=None, n=few, scope="extra")
    from urllib.parse import quote

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT number FROM cases_case WHERE region_id = %s ORDER BY id DESC LIMIT 1", [s["county"].pk])
        whole = cursor.fetchone()[0]
    measure_page(run, "search.number_whole.supervisor", f"search by a whole case number {whole} (county supervisor)",
                 supervisor, [f"/cases/staff/search/?number={quote(whole)}"], target_ms=None, n=few, scope="extra")
    fragment = f"{s['county'].short_name}-2026-0123"
    measure_page(run, "search.number.supervisor", f"search by a fragment of a case number {fragment} (county supervisor)",
                 supervisor, [f"/cases/staff/search/?number={quote(fragment)}"], target_ms=None, n=10, scope="extra",
                 explain_slowest=True)
    measure_page(run, "search.text.supervisor", "search by text 电梯 (county supervisor)", supervisor,
                 ["/cases/staff/search/?text=%E7%94%B5%E6%A2%AF"], target_ms=None, n=5, scope="extra")


# --- what-ifs: the fixes recommended, tried in transactions rolled back -------------------------


def _execution_ms(plan: str):
    import re

    match = re.search(r"Execution Time: ([0-9.]+) ms", plan)
    return float(match.group(1)) if match else None


def whatif(run: Run, key: str, title: str, ddl: list[str], before_fn, after_fn=None, analyze=("cases_case",)):
    """EXPLAIN (ANALYZE, BUFFERS) a query as the app writes it, then (in the same transaction,
    rolled back) with the candidate index and, if given, the candidate query."""
    from django.db import connection, transaction

    with transaction.atomic():
        before = explain_queryset(before_fn())
        with connection.cursor() as cursor:
            for statement in ddl:
                cursor.execute(statement)
            for table in analyze:
                cursor.execute(f"ANALYZE {table}")
        after = explain_queryset((after_fn or before_fn)())
        transaction.set_rollback(True)
    b, a = _execution_ms(before), _execution_ms(after)
    run.plans[f"whatif:{key}"] = {
        "title": f"What if: {title} — {b} ms now, {a} ms with the change",
        "plan": "-- as the app runs it now\n" + before + "\n\n-- with: " + "; ".join(ddl) + "\n" + after,
        "before_ms": b,
        "after_ms": a,
    }
    run.log(f"  what if {title}: {b} ms -> {a} ms")


def bench_whatifs(run: Run, s: dict) -> None:
    from minsheng.cases.models import Notification
    from minsheng.cases.queries import inbox_tabs, visible_cases

    run.log("what-ifs (candidate fixes, rolled back) …")
    now = data.NOW
    open_states = "('registered', 'accepted', 'dispatched', 'returned', 'handling')"  # OPEN_STATES
    open_due = [
        f"CREATE INDEX bench_whatif_open_due ON cases_case (due_at, id) WHERE state IN {open_states}",
        f"CREATE INDEX bench_whatif_region_open_due ON cases_case (region_id, due_at, id) WHERE state IN {open_states}",
    ]
    for who, user in (("city", s["city_supervisor"]), ("county", s["supervisor"])):
        whatif(
            run, f"overdue_all.{who}",
            f"the {who} supervisor's overdue_all page query (as the app builds it) with partial indexes on "
            "(due_at, id) and (region_id, due_at, id) for open cases",
            open_due,
            lambda user=user: inbox_tabs(user, now)["overdue_all"][:30],
        )
    whatif(
        run, "extension_requests.city",
        "the city supervisor's extension_requests count (as the app builds it) with a partial index on region_id "
        "where an extension is pending",
        ["CREATE INDEX bench_whatif_extension ON cases_case (region_id) WHERE extension_requested_days IS NOT NULL"],
        lambda: inbox_tabs(s["city_supervisor"], now)["extension_requests"].order_by().values("id")[:1000000],
    )
    handler = s["handler"]
    inbox_index = any(
        index.fields and index.fields[0] in ("recipient_user", "recipient_user_id") for index in Notification._meta.indexes
    )
    if not inbox_index:
        whatif(
            run, "staff_home.notifications",
            "the staff home's latest notifications with an index on (recipient_user_id, created_at DESC, id DESC)",
            ["CREATE INDEX bench_whatif_notification_user ON cases_notification (recipient_user_id, created_at DESC, id DESC)"],
            lambda: Notification.objects.filter(recipient_user=handler).select_related("case").order_by("-created_at", "-id")[:10],
            analyze=("cases_notification",),
        )

    # The scorecard's aggregate passes PostgreSQL's jit_above_cost: time it with JIT on and off.
    from django.db import connection, transaction

    from minsheng.cases import scorecards

    for label, (start, end) in (("month", SCORECARD_PERIOD), ("year", (date(2025, 1, 1), date(2025, 12, 31)))):
        period = scorecards.Period(start, end)
        figures = {}
        for jit in ("on", "off"):
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(f"SET LOCAL jit = {jit}")
                scorecards.build_scorecards(s["city_supervisor"], period)
                samples = []
                for _ in range(5):
                    t0 = time.perf_counter()
                    scorecards.build_scorecards(s["city_supervisor"], period)
                    samples.append(time.perf_counter() - t0)
            figures[jit] = summary(samples)["median_ms"]
        run.plans[f"whatif:scorecard.jit.{label}"] = {
            "title": f"What if: build_scorecards for a {label} with PostgreSQL's JIT off — "
                     f"{figures['on']} ms with jit=on (the default), {figures['off']} ms with jit=off",
            "plan": f"median of 5 calls: jit=on {figures['on']} ms, jit=off {figures['off']} ms",
            "before_ms": figures["on"],
            "after_ms": figures["off"],
        }
        run.log(f"  what if JIT off, scorecard for a {label}: {figures['on']} ms -> {figures['off']} ms")

    number = f"{s['county'].short_name}-2026-0123"
    whatif(
        run, "search.number",
        "search by a fragment of a case number as a prefix (number LIKE '…%', served by the existing "
        "varchar_pattern_ops index) instead of icontains",
        [],
        lambda: visible_cases(s["supervisor"]).filter(number__icontains=number).order_by("-created_at", "-id")[:30],
        lambda: visible_cases(s["supervisor"]).filter(number__startswith=number).order_by("-created_at", "-id")[:30],
        analyze=(),
    )


# --- 3: scorecards ----------------------------------------------------------------------------


def bench_scorecards(run: Run, s: dict) -> None:
    from minsheng.cases import scorecards

    run.log("scorecards …")
    user = s["city_supervisor"]
    start, end = SCORECARD_PERIOD
    period = scorecards.Period(start, end)
    n = max(10, run.args.requests // 5)
    for _ in range(3):
        report = scorecards.build_scorecards(user, period)
    samples = []
    for _ in range(n):
        t0 = time.perf_counter()
        report = scorecards.build_scorecards(user, period)
        samples.append(time.perf_counter() - t0)
    queries = captured(lambda: scorecards.build_scorecards(user, period))
    rows = len(report.rows)
    run.result("scorecard.function.month", f"build_scorecards, {start:%Y-%m}, all departments, city supervisor",
               summary(samples), target_ms=SCORECARD_TARGET_MS, queries=queries["queries"], sql_ms=queries["sql_ms"],
               departments=rows, volume=report.total.volume)
    client = client_for(user)
    url = f"/cases/staff/scorecards/?start={start.isoformat()}&end={end.isoformat()}"
    measure_page(run, "scorecard.page.month", f"scorecard page {start:%Y-%m} (city supervisor)", client, [url],
                 target_ms=SCORECARD_TARGET_MS, n=n, explain_slowest=True)
    # A year, for information (the longest period a scorecard allows).
    year = scorecards.Period(date(2025, 1, 1), date(2025, 12, 31))
    scorecards.build_scorecards(user, year)
    samples = []
    for _ in range(max(3, n // 4)):
        t0 = time.perf_counter()
        scorecards.build_scorecards(user, year)
        samples.append(time.perf_counter() - t0)
    run.result("scorecard.function.year", "build_scorecards, the year 2025, all departments", summary(samples),
               scope="extra")


# --- 4: the worker ----------------------------------------------------------------------------


def _claim_queryset(now, limit):
    from minsheng.cases.models import Case

    # The claim of sweep_due_cases (minsheng/cases/actions/supervision.py), as written there.
    return (
        Case.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("kind", "category", "region", "lead_department")
        .filter(next_check_at__lte=now)
        .order_by("next_check_at")[:limit]
    )


def _outbox_queryset(now, limit):
    from minsheng.cases.models import Notification, NotificationStatus

    # The claim of send_pending (minsheng/cases/actions/notifications.py), as written there.
    return (
        Notification.objects.select_for_update(skip_locked=True)
        .filter(status=NotificationStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")[:limit]
    )


def bench_worker(run: Run, s: dict) -> None:
    from django.db import connection

    from minsheng.cases.actions import send_pending, sweep_due_cases
    from minsheng.cases.models import Case, Notification

    run.log("worker …")
    now = data.NOW
    due_before = Case.objects.filter(next_check_at__lte=now).count()
    pending_before = Notification.objects.filter(status="pending", next_attempt_at__lte=now).count()
    run.plans["worker_claim_0_due"] = {
        "title": f"Worker claim with nothing due ({due_before} cases due at {now:%Y-%m-%d %H:%M})",
        "plan": explain_queryset(_claim_queryset(now, SWEEP_ITEMS)),
    }
    # Make 1,000 open cases due: their warning time has come (warn_at and next_check_at an
    # hour ago), so the sweep does a sweep's real work on each: a 临期预警 event, the staff
    # notifications, the case's next check. Their old values are kept in bench_worker_backup.
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_worker_backup AS SELECT id, state, warn_at, next_check_at, "
            "supervision_level, updated_at FROM cases_case WITH NO DATA"
        )
        cursor.execute(
            """
            INSERT INTO bench_worker_backup
            SELECT id, state, warn_at, next_check_at, supervision_level, updated_at FROM cases_case
            WHERE state = ANY(%s) AND supervision_level = 0 AND next_check_at > %s AND due_at > %s
            ORDER BY md5(id::text) LIMIT %s
            """,
            [list(OPEN), now, now + timedelta(hours=1), SWEEP_ITEMS],
        )
        cursor.execute(
            "UPDATE cases_case SET warn_at = %s, next_check_at = %s WHERE id IN (SELECT id FROM bench_worker_backup)",
            [now - timedelta(hours=1), now - timedelta(hours=1)],
        )
        cursor.execute("SELECT state, count(*) FROM bench_worker_backup GROUP BY 1 ORDER BY 2 DESC")
        mix = dict(cursor.fetchall())
        cursor.execute("ANALYZE cases_case")
    due = Case.objects.filter(next_check_at__lte=now).count()
    run.plans["worker_claim_1000_due"] = {
        "title": f"Worker claim with {due} cases due (of {Case.objects.count():,})",
        "plan": explain_queryset(_claim_queryset(now, SWEEP_ITEMS)),
    }
    timer = QueryTimer()
    t0 = time.perf_counter()
    with connection.execute_wrapper(timer):
        processed = sweep_due_cases(limit=SWEEP_ITEMS, now=now)
    elapsed = time.perf_counter() - t0
    run.result("worker.sweep", f"sweep_due_cases(limit={SWEEP_ITEMS}) with {due} due ({', '.join(f'{k} {v}' for k, v in mix.items())})",
               {"n": 1, "median_ms": round(elapsed * 1000, 1), "p95_ms": round(elapsed * 1000, 1),
                "min_ms": round(elapsed * 1000, 1), "max_ms": round(elapsed * 1000, 1), "mean_ms": round(elapsed * 1000, 1)},
               queries=len(timer.queries), sql_ms=round(sum(timer.queries), 1), processed=processed,
               per_item_ms=round(elapsed * 1000 / max(processed, 1), 2),
               queries_per_item=round(len(timer.queries) / max(processed, 1), 1))
    run.plans["worker_claim_after_sweep"] = {
        "title": "Worker claim right after the sweep (nothing due again)",
        "plan": explain_queryset(_claim_queryset(now, SWEEP_ITEMS)),
    }
    pending = Notification.objects.filter(status="pending", next_attempt_at__lte=now).count()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_notification")
    run.plans["outbox_claim_pending"] = {
        "title": f"Outbox claim with {pending} pending (of {Notification.objects.count():,} notifications)",
        "plan": explain_queryset(_outbox_queryset(now, SWEEP_ITEMS)),
    }
    timer = QueryTimer()
    t0 = time.perf_counter()
    with connection.execute_wrapper(timer):
        sent = send_pending(limit=SWEEP_ITEMS, now=now)
    elapsed = time.perf_counter() - t0
    run.result("worker.outbox", f"send_pending(limit={SWEEP_ITEMS}) with {pending} pending, console sender silenced",
               {"n": 1, "median_ms": round(elapsed * 1000, 1), "p95_ms": round(elapsed * 1000, 1),
                "min_ms": round(elapsed * 1000, 1), "max_ms": round(elapsed * 1000, 1), "mean_ms": round(elapsed * 1000, 1)},
               queries=len(timer.queries), sql_ms=round(sum(timer.queries), 1), processed=sent,
               per_item_ms=round(elapsed * 1000 / max(sent, 1), 2),
               queries_per_item=round(len(timer.queries) / max(sent, 1), 1))
    run.plans["outbox_claim_after"] = {
        "title": "Outbox claim after sending",
        "plan": explain_queryset(_outbox_queryset(now, SWEEP_ITEMS)),
    }
    run.subjects["worker"] = {"due_before": due_before, "made_due": due, "pending_before": pending_before,
                              "pending_after_sweep": pending}


# --- 5: registering a case --------------------------------------------------------------------


def bench_create(run: Run, s: dict) -> None:
    from minsheng.cases.actions import Intake, do_register_case
    from minsheng.cases.catalogue import kind
    from minsheng.cases.models import Category, Channel

    run.log("registering cases …")
    general = kind("general")
    category = Category.objects.get(code="property-management")
    region = s["county"]
    clerk = s["clerk"]

    def intake(i):
        return Intake(
            region=region, kind=general, category=category, channel=Channel.WINDOW,
            requester_name="赵秀英", requester_phone=f"138{i:08d}"[:11],
            title="物业长期不处理电梯故障",
            description="小区3栋电梯故障已经一个月，物业公司一直推诿不予维修，老人上下楼非常困难。",
            address=f"{region.name}人民路{i % 300 + 1}号", request_type="complaint",
        )

    warmup = max(20, run.args.warmup)
    for i in range(warmup):
        do_register_case(intake(i), actor=clerk)
    n = run.args.creates
    from django.db import connection

    samples = []
    timer = QueryTimer()
    with connection.execute_wrapper(timer):
        for i in range(n):
            item = intake(warmup + i)
            t0 = time.perf_counter()
            do_register_case(item, actor=clerk)
            samples.append(time.perf_counter() - t0)
    queries = captured(lambda: do_register_case(intake(10**6), actor=clerk))
    row = run.result("create.register_case", "do_register_case (case, event, deadline, outbox), window clerk",
                     summary(samples), target_ms=CREATE_TARGET_MS, queries=queries["queries"],
                     sql_ms=round(sum(timer.queries) / n, 2), queries_per_call=round(len(timer.queries) / n, 1))
    row["slowest_queries"] = queries["slowest"]


# --- restore ----------------------------------------------------------------------------------


def restore(log=print) -> dict:
    """Undo what a run wrote: rows past the generation's high-water marks, the cases made
    due for the sweep, and the case number sequences created by intake."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM bench_meta WHERE key = 'generation'")
        row = cursor.fetchone()
        if row is None:
            return {}
        meta = row[0] if isinstance(row[0], dict) else json.loads(row[0])
        hw = meta["high_water"]
        removed = {}
        for table, where in (
            ("cases_notification", "id > %(notification)s OR case_id > %(case)s"),
            ("cases_caseattachment", "case_id > %(case)s"),
            ("cases_personaldataview", "case_id > %(case)s"),
            ("cases_supervisionnotice", "case_id > %(case)s"),
            ("cases_caseevent", "id > %(event)s OR case_id > %(case)s"),
            ("cases_case_co_departments", "case_id > %(case)s"),
            ("cases_case_stuck_departments", "case_id > %(case)s"),
            ("cases_case", "id > %(case)s"),
        ):
            cursor.execute(f"DELETE FROM {table} WHERE {where}", hw)
            removed[table] = cursor.rowcount
        cursor.execute("SELECT to_regclass('bench_worker_backup')")
        if cursor.fetchone()[0]:
            cursor.execute(
                "UPDATE cases_case c SET state = b.state, warn_at = b.warn_at, next_check_at = b.next_check_at, "
                "supervision_level = b.supervision_level, updated_at = b.updated_at "
                "FROM bench_worker_backup b WHERE c.id = b.id"
            )
            removed["cases_case (restored)"] = cursor.rowcount
            cursor.execute("DROP TABLE bench_worker_backup")
        cursor.execute("SELECT sequencename FROM pg_sequences WHERE sequencename LIKE 'case_number_%%'")
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP SEQUENCE IF EXISTS "{name}"')
    if any(removed.values()):
        log(f"restored the bench database: {', '.join(f'{k} {v}' for k, v in removed.items() if v)}")
    return removed


# --- results ----------------------------------------------------------------------------------


def environment() -> dict:
    import django
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0]
        settings = {}
        for name in ("shared_buffers", "work_mem", "effective_cache_size", "random_page_cost", "synchronous_commit",
                     "max_parallel_workers_per_gather", "jit"):
            cursor.execute(f"SHOW {name}")
            settings[name] = cursor.fetchone()[0]
    return {
        "postgresql": version,
        "postgresql_settings": settings,
        "cpu_count": os.cpu_count(),
        "cpu": _cpu_model(),
        "memory_gb": _memory_gb(),
        "python": sys.version.split()[0],
        "django": django.get_version(),
        "platform": platform.platform(),
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
    }


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def _memory_gb():
    try:
        with open("/proc/meminfo") as f:
            return round(int(f.readline().split()[1]) / 1024 / 1024, 1)
    except (OSError, ValueError, IndexError):
        return None


def write_results(run: Run, generation: dict, verification: dict, started: float) -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        counts = {}
        for table in ("cases_case", "cases_caseevent", "cases_notification", "org_department", "org_region", "org_user"):
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts[table] = cursor.fetchone()[0]
    targets = [r for r in run.results if "pass" in r and r["scope"] == "issue"]
    doc = {
        "benchmark": "cases",
        "issue": 3,
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "git_commit": run.commit,
        "git_commit_at_end": git_commit(),
        "git_dirty": git_dirty(),
        **environment(),
        "clock_fixed_at": data.NOW.isoformat(),
        "rows": counts,
        "generation": generation,
        "generation_check": verification,
        "subjects": run.subjects,
        "all_targets_met": all(r["pass"] for r in targets),
        "results": run.results,
        "plans": run.plans,
        "notes": run.notes,
        "run_seconds": round(time.perf_counter() - started, 1),
    }
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / "cases.json").write_text(json.dumps(doc, ensure_ascii=False, indent=2, default=str) + "\n")
    (RESULTS_DIR / "cases.md").write_text(markdown(doc))
    return doc


# Shared by the benchmarks that record a run the same way (elevators, enterprises).


def save_results(name: str, doc: dict, markdown) -> None:
    """bench/results/<name>.json (the document) and <name>.md (markdown(doc))."""
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / f"{name}.json").write_text(json.dumps(doc, ensure_ascii=False, indent=2, default=str) + "\n")
    (RESULTS_DIR / f"{name}.md").write_text(markdown(doc))


def record_run(run: Run, benchmark: str, issue: int, *, generation: dict, started: float, load_at_start: list,
               findings, markdown) -> dict:
    """Write a full run's results: the load average at the start, a note if HEAD moved during the
    run, the environment, the generation's record, the results, plans, notes and findings(run), to
    bench/results/<benchmark>.json and .md. The issue's targets are met when there are some and
    every one passes."""
    run.subjects["load_average_at_start"] = load_at_start
    if git_commit() != run.commit:
        run.notes.append(f"HEAD moved from {run.commit[:12]} to {git_commit()[:12]} during the run; the code "
                         f"measured is {run.commit[:12]} (imported at the start).")
    targets = [r for r in run.results if "pass" in r and r["scope"] == "issue"]
    doc = {
        "benchmark": benchmark,
        "issue": issue,
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "git_commit": run.commit,
        "git_commit_at_end": git_commit(),
        "git_dirty": git_dirty(),
        **environment(),
        "clock_fixed_at": data.NOW.isoformat(),
        "generation": generation,
        "subjects": run.subjects,
        "all_targets_met": bool(targets) and all(r["pass"] for r in targets),
        "results": run.results,
        "plans": run.plans,
        "notes": run.notes,
        "findings": findings(run),
        "run_seconds": round(time.perf_counter() - started, 1),
    }
    save_results(benchmark, doc, markdown)
    run.log(f"wrote {RESULTS_DIR / f'{benchmark}.json'} and {benchmark}.md; all targets met: {doc['all_targets_met']}")
    return doc


def markdown_run_line(doc: dict, *, setting: str, module: str) -> str:
    """A results page's first paragraph: the run, the machine, PostgreSQL (shared_buffers,
    work_mem and `setting`), the load, the clock, where the measurements are described."""
    settings = doc["postgresql_settings"]
    return (f"Run {doc['timestamp']} on commit `{doc['git_commit'][:12]}`"
            f"{' (with uncommitted changes outside bench/)' if doc['git_dirty'] else ''}; "
            f"{doc['cpu_count']} CPUs ({doc['cpu']}), {doc['memory_gb']} GB RAM; {doc['postgresql'].split(' on ')[0]} "
            f"(shared_buffers {settings['shared_buffers']}, work_mem {settings['work_mem']}, "
            f"{setting} {settings[setting]}); Python {doc['python']}, Django {doc['django']}. "
            f"The machine is shared with other work: load average {doc['subjects'].get('load_average_at_start')} at the "
            f"start, {doc['load_average_at_end']} at the end. Clock fixed at {doc['clock_fixed_at']}. "
            f"What is measured and how the data is made: the docstring of [bench/{module}.py](../{module}.py).")


def markdown_results(doc: dict, scopes) -> list[str]:
    """The results section, as lines: a table for each (scope, title) with results, whether the
    issue's targets are all met, the findings."""
    lines = ["", "## Results"]
    for scope, title in scopes:
        chosen = [r for r in doc["results"] if r["scope"] == scope]
        if not chosen:
            continue
        lines += ["", f"### {title}", "", "| measurement | median ms | p95 ms | n | SQL queries | SQL ms | target | |",
                  "|---|---:|---:|---:|---:|---:|---|---|"]
        for r in chosen:
            queries = r.get("queries", r.get("queries_per_call", ""))
            verdict = "**pass**" if r.get("pass") else "**FAIL**" if "pass" in r else ""
            target = f"< {r['target_ms']:,} ms (median)" if "target_ms" in r else ""
            lines.append(f"| {r['label']} | {r['median_ms']:,.2f} | {r['p95_ms']:,.2f} | {r['n']} | {queries} | "
                         f"{r.get('sql_ms', '')} | {target} | {verdict} |")
    lines += ["", f"All of the issue's targets met: **{'yes' if doc['all_targets_met'] else 'no'}**."]
    for paragraph in doc.get("findings", []):
        lines += ["", paragraph]
    return lines


def markdown_plans(doc: dict) -> list[str]:
    """The section of the query plans (doc["plans"]: each a label and its EXPLAIN texts), as lines."""
    lines = ["", "## Query plans (EXPLAIN ANALYZE, BUFFERS)"]
    for item in doc["plans"].values():
        lines += ["", f"### {item['label']}"]
        for plan in item["plans"]:
            lines += ["", "```", plan, "```"]
    return lines


def markdown_notes(doc: dict) -> list[str]:
    """The section of the notes, as lines."""
    return ["", "## Notes", ""] + [f"- {note}" for note in doc["notes"]]


def _fmt(value, digits=1):
    return "—" if value is None else f"{value:,.{digits}f}"


def markdown(doc: dict) -> str:
    g = doc["generation"]
    lines = [
        "# Case engine benchmarks",
        "",
        f"Run {doc['timestamp']} on commit `{doc['git_commit'][:12]}`{' (with uncommitted changes outside bench/)' if doc['git_dirty'] else ''}; "
        f"{doc['cpu_count']} CPUs ({doc['cpu']}), {doc['memory_gb']} GB RAM; {doc['postgresql'].split(' on ')[0]} "
        f"(shared_buffers {doc['postgresql_settings']['shared_buffers']}, work_mem {doc['postgresql_settings']['work_mem']}); "
        f"Python {doc['python']}, Django {doc['django']}. The machine is shared with other work: load average "
        f"{doc['subjects'].get('load_average_at_start')} at the start, {doc['load_average_at_end']} at the end. "
        f"Clock fixed at {doc['clock_fixed_at']}. "
        "How to run and what is measured: [bench/README.md](../README.md).",
        "",
        f"Data: {doc['rows']['cases_case']:,} cases, {doc['rows']['cases_caseevent']:,} events "
        f"({g.get('events_per_case')} per case), {doc['rows']['cases_notification']:,} notifications, "
        f"{doc['rows']['org_department']} departments in {len(data.REGION_WEIGHTS)} regions, 2022-01 … 2026-11. "
        f"States: {', '.join(f'{k} {v:,}' for k, v in g.get('states', {}).items())}; "
        f"{g.get('overdue_open', 0):,} open cases overdue. "
        f"Generated in {g['total_seconds']:.0f} s ({', '.join(f'{k} {v:.0f} s' for k, v in g.get('timings', {}).items())})"
        f"{'; reused from an earlier run' if g.get('reused') else ''}. "
        f"Deadline check: {doc['generation_check'].get('checked')} open cases re-planned with the app's "
        f"`open_stage`/`plan_next_check`, {doc['generation_check'].get('mismatches')} differences.",
        "",
        "## Results",
        "",
    ]
    for scope, heading in (("issue", "The issue's targets"), ("extra", "Beyond the issue (for information; where a target is shown, the same bar as the issue's)")):
        rows = [r for r in doc["results"] if r.get("scope", "issue") == scope]
        if not rows:
            continue
        lines += [f"### {heading}", "", "| measurement | median ms | p95 ms | n | SQL queries | SQL ms | target | |",
                  "|---|---:|---:|---:|---:|---:|---|---|"]
        for r in rows:
            target = f"< {r['target_ms']:,} ms ({r['target_stat']})" if "target_ms" in r else "—"
            verdict = ("**pass**" if r["pass"] else "**FAIL**") if "pass" in r else ""
            extra = ""
            if "per_item_ms" in r:
                extra = f" — {r['processed']} done, {r['per_item_ms']} ms and {r['queries_per_item']} queries per item"
            lines.append(
                f"| {r['label']}{extra} | {_fmt(r['median_ms'], 2)} | {_fmt(r['p95_ms'], 2)} | {r['n']} | "
                f"{r.get('queries', '')} | {_fmt(r.get('sql_ms'), 1) if r.get('sql_ms') is not None else ''} | {target} | {verdict} |"
            )
        lines.append("")
    lines += [f"All of the issue's targets met: **{'yes' if doc['all_targets_met'] else 'no'}**.", ""]
    subjects = doc["subjects"]
    if subjects:
        lines += [
            "## Subjects",
            "",
            f"- Department: {subjects['department']['name']}, the one with the most cases dispatched, in handling or "
            f"returned ({subjects['department']['open_dispatched_handling_returned']:,}); queues {subjects['department']['queues']}.",
            f"- County: {subjects['county']['name']}; queues {subjects['county']['queues']}.",
            f"- Users: {subjects['users']}.",
            f"- Case pages rotate over {len(subjects['archived_cases_8_events'])} archived cases with 8 events and "
            f"{len(subjects['handling_cases'])} cases in handling ({subjects['handling_cases_avg_events']} events on average).",
            "",
        ]
    if doc["notes"]:
        lines += ["## Notes", ""] + [f"- {note}" for note in doc["notes"]] + [""]
    lines += ["## Query plans", ""]
    for key, plan in doc["plans"].items():
        lines += [f"### {plan['title']}", "", f"`{key}`", "", "```", plan["plan"], "```", ""]
    slow = [r for r in doc["results"] if r.get("slowest_queries")]
    if slow:
        lines += ["## Slowest queries per page", ""]
        for r in slow:
            top = r["slowest_queries"][0]
            lines += [f"- {r['label']}: {r['queries']} queries, {r['sql_ms']} ms SQL; slowest {top['ms']} ms: "
                      f"`{top['sql'][:300]}{'…' if len(top['sql']) > 300 else ''}`"]
        lines.append("")
    return "\n".join(lines)


# --- entry point ------------------------------------------------------------------------------

PARTS = {
    "pages": bench_pages,
    "scorecards": bench_scorecards,
    "worker": bench_worker,
    "create": bench_create,
    "whatifs": bench_whatifs,
}


def run(args, log=print) -> dict:
    from minsheng.core import clock

    started = time.perf_counter()
    load_at_start = [round(x, 2) for x in os.getloadavg()]
    generation = data.ensure(rebuild=args.rebuild, log=log)
    restore(log)
    verification = data.verify(1000)
    log(f"deadline check: {verification['checked']} open cases re-planned by the app, "
        f"{verification['mismatches']} differences; {verification['due_at_now']} due at NOW")
    if verification["mismatches"]:
        log("WARNING: the app's deadline rules differ from the generated data (changed since it was generated?): "
            "run with --rebuild")
    bench = Run(args, log)
    bench.notes = [
        "Tables loaded with COPY, then VACUUM ANALYZE: no bloat, fresh statistics and visibility maps. A production "
        "table whose rows were updated several times each is larger; heap-heavy queries would read more pages.",
        "PostgreSQL runs with its default settings (shared_buffers 128MB); the case tables (~5 GB with indexes) "
        "sit in the OS page cache, so these are warm-cache figures. One client, no concurrency.",
        "Sweep: 1,000 open cases (ladder level 0, due later) had warn_at and next_check_at set to an hour before "
        "the clock, so each item does a real rung: a 临期预警 event, its staff notifications, the case's next check.",
        "What a run writes (sweep events, outbox rows, registered cases) is deleted afterwards and the 1,000 cases "
        "are restored (cases.restore), so repeated runs measure the same database.",
        "The generated history follows the deadline rules of the commit it was generated on (warnings in "
        "proportion to the stage, office and leader rungs from the stage's last day, a reopened case invited "
        "to rate again); generation_check re-plans open cases with the app's current code to confirm it.",
    ]
    subjects = pick_subjects(bench)
    parts = args.only or list(PARTS)
    try:
        with clock.fixed(data.NOW):
            for name in parts:
                PARTS[name](bench, subjects)
    finally:
        restore(log)
    if set(parts) != set(PARTS):
        log("(a partial run: results not written; run without --only to record them)")
        return {"results": bench.results, "plans": bench.plans}
    bench.subjects["load_average_at_start"] = load_at_start
    if git_commit() != bench.commit:
        bench.notes.append(f"HEAD moved from {bench.commit[:12]} to {git_commit()[:12]} during the run; the code "
                           f"measured is {bench.commit[:12]} (imported at the start).")
    doc = write_results(bench, generation, verification, started)
    log(f"wrote {RESULTS_DIR / 'cases.json'} and cases.md; all targets met: {doc['all_targets_met']}")
    return doc
