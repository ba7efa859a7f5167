"""Open311 under load: wrk on loopback against gunicorn, over the 1,000,000-case bench database.

POST requests.json (each a real case through the intake action: case, event, deadline,
outbox) and GET requests.json (a page of 100), 32 connections; and, in the same run, pgbench
doing the same inserts straight into PostgreSQL, as the ceiling the POST rate is a ratio of.
Writes bench/results/open311.json and open311.md. Needs wrk and pgbench (Debian packages)."""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from datetime import datetime

from bench import REDIS_URL, RESULTS_DIR, start_gunicorn, stop_gunicorn, vacuum_bench_tables

PORT = 8311
CONNECTIONS = 32
THREADS = 2
DURATION = 20
TARGET_RPS = 1000
TARGET_P99_MS = 100
ROUNDS = 3
JURISDICTION = "360424"  # 修水县, the busiest county in the generated data
SERVICE = "streetlight"


def _wrk(url: str, *, script: str | None = None, duration: int = DURATION) -> dict:
    command = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{duration}s", "--latency", "--timeout", "5s"]
    if script:
        command += ["-s", script]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    result = {"raw": output}
    result["rps"] = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    result["requests"] = int(re.search(r"(\d+) requests in", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    result["non_2xx"] = int(non_2xx.group(1)) if non_2xx else 0
    errors = re.search(r"Socket errors: (.*)", output)
    result["socket_errors"] = errors.group(1).strip() if errors else ""
    for percentile in ("50", "90", "99"):
        match = re.search(rf"\s{percentile}%\s+([\d.]+)(us|ms|s)", output)
        value, unit = float(match.group(1)), match.group(2)
        result[f"p{percentile}_ms"] = value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    return result


def _post_script(key: str) -> str:
    from urllib.parse import urlencode

    body = urlencode(
        {
            "api_key": key,
            "jurisdiction_id": JURISDICTION,
            "service_code": SERVICE,
            "lat": "29.0325",
            "long": "114.5468",
            "address_string": "修水县良塘新区路灯",
            "description": "良塘新区3号路口路灯连续一周不亮，夜间行人不安全。",
            "last_name": "李",
            "first_name": "明",
            "phone": "13907920000",
        }
    )
    handle = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    handle.write(
        'wrk.method = "POST"\n'
        f"wrk.body = {json.dumps(body)}\n"
        'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
    )
    handle.close()
    return handle.name


def _pgbench_script(template_case: int, event_template: int, notification_template: int) -> str:
    """The same three inserts and the same number draw, straight into PostgreSQL."""
    case_columns = [
        "request_type", "channel", "state", "title", "description", "wants", "answers", "requester_name",
        "requester_phone", "requester_id_number", "requester_email", "enterprise_name", "enterprise_uscc", "address",
        "latitude", "longitude", "applied_for", "applied_on", "applied_where", "visits", "outside_reference",
        "assigned_at", "stage_started_at", "due_at", "warn_at", "supervision_level", "next_check_at",
        "extension_requested_days", "result", "result_text", "result_basis", "closed_at", "rating", "rating_comment",
        "reopen_count", "query_code_hash", "public_summary", "public_result", "lead_department_id", "linked_case_id", "proposed_department_id",
        "region_id", "registered_at_department_id", "registered_by_id", "kind_id", "category_id", "account_id",
        "address_id", "api_client_id", "device_id", "media_url",
    ]
    event_columns = ["kind", "note", "data", "is_public", "old_state", "new_state", "public_note", "on_time",
                     "working_days", "outcome", "actor_id", "department_id"]
    note_columns = ["channel", "recipient_address", "subject", "body", "status", "attempts", "last_error",
                    "recipient_user_id"]
    columns = ", ".join(case_columns)
    handle = tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False)
    handle.write(
        "BEGIN;\n"
        "SELECT nextval('pgbench_case_number') AS n \\gset\n"
        f"INSERT INTO cases_case (number, created_at, updated_at, {columns}) "
        f"SELECT 'PGB-' || :n, now(), now(), {columns} FROM cases_case WHERE id = {template_case} RETURNING id AS case_id \\gset\n"
        f"INSERT INTO cases_caseevent (case_id, created_at, {', '.join(event_columns)}) "
        f"SELECT :case_id, now(), {', '.join(event_columns)} FROM cases_caseevent WHERE id = {event_template} RETURNING id AS event_id \\gset\n"
        f"INSERT INTO cases_notification (case_id, event_id, created_at, next_attempt_at, {', '.join(note_columns)}) "
        f"SELECT :case_id, :event_id, now(), now(), {', '.join(note_columns)} FROM cases_notification WHERE id = {notification_template};\n"
        "COMMIT;\n"
    )
    handle.close()
    return handle.name


def _pgbench(script: str, database_url: str) -> dict:
    from urllib.parse import urlsplit

    parts = urlsplit(database_url)
    env = {**os.environ, "PGHOST": parts.hostname or "127.0.0.1", "PGPORT": str(parts.port or 5432),
           "PGUSER": parts.username or "postgres", "PGDATABASE": parts.path.lstrip("/")}
    finished = subprocess.run(
        ["pgbench", "-n", "-c", str(CONNECTIONS), "-j", str(THREADS), "-T", str(DURATION), "-f", script, "-r"],
        capture_output=True, text=True, env=env,
    )
    if finished.returncode != 0:
        raise RuntimeError(f"pgbench failed:\n{finished.stderr[-3000:]}")
    output = finished.stdout
    tps = float(re.search(r"tps = ([\d.]+)", output).group(1))
    latency = float(re.search(r"latency average = ([\d.]+) ms", output).group(1))
    return {"tps": tps, "latency_average_ms": latency, "raw": output}




def _pgbench_round(client) -> dict:
    """pgbench doing what one intake does, with a case the POSTs made as the template."""
    from django.db import connection

    from minsheng.cases.models import Case, CaseEvent, Notification

    template = Case.objects.filter(api_client=client).order_by("-id").first()
    event = CaseEvent.objects.filter(case=template).order_by("id").first()
    notification = Notification.objects.filter(case=template).order_by("id").first()
    with connection.cursor() as cursor:
        cursor.execute("CREATE SEQUENCE IF NOT EXISTS pgbench_case_number")
    script = _pgbench_script(template.pk, event.pk, notification.pk)
    try:
        return _pgbench(script, os.environ["DATABASE_URL"])
    finally:
        os.unlink(script)


def _start_server(workers: int) -> subprocess.Popen:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    env = {**os.environ, "CONN_MAX_AGE": "600", "LOG_LEVEL": "WARNING", "REDIS_URL": REDIS_URL}
    return start_gunicorn(PORT, workers, env)


def run(args, log=print) -> dict:
    from django.db import connection

    from minsheng.cases.models import Case
    from minsheng.org.actions import do_create_api_client
    from minsheng.org.models import ApiClient, Region

    for tool in ("wrk", "pgbench"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is not installed: apt install {tool if tool == 'wrk' else 'postgresql-client'}")
    workers = getattr(args, "workers", None) or 3
    started = datetime.now().astimezone()
    ApiClient.objects.filter(name="bench-open311").update(is_active=False)
    client, key = do_create_api_client(
        "bench-open311", region=Region.objects.get(code="360400"), channel="api", requests_per_minute=10**8, actor=None
    )
    total_before = Case.objects.count()
    results: dict = {"workers": workers, "connections": CONNECTIONS, "duration_s": DURATION, "cases_before": total_before}
    server = _start_server(workers)
    post_script = _post_script(key)
    get_url = f"http://127.0.0.1:{PORT}/open311/v2/requests.json?jurisdiction_id={JURISDICTION}&page_size=100"
    rounds = []
    try:
        log("warm-up")
        _wrk(get_url, duration=5)
        _wrk(f"http://127.0.0.1:{PORT}/open311/v2/requests.json", script=post_script, duration=5)
        log(f"GET requests.json (page of 100), {CONNECTIONS} connections, {DURATION} s")
        sample = json.loads(urllib.request.urlopen(get_url).read())
        get = _wrk(get_url)
        get["rows_per_page"] = len(sample)
        results["get"] = get
        log(f"  {get['rps']:.0f} req/s, p99 {get['p99_ms']:.1f} ms, {len(sample)} rows a page")
        # POST and pgbench in turn, ROUNDS times: this machine's speed drifts by a quarter from one
        # minute to the next, so the ratio is taken within each round and the median reported.
        for number in range(1, ROUNDS + 1):
            log(f"round {number}: POST requests.json, {CONNECTIONS} connections, {DURATION} s")
            before = Case.objects.filter(api_client=client).count()
            post = _wrk(f"http://127.0.0.1:{PORT}/open311/v2/requests.json", script=post_script)
            post["created"] = Case.objects.filter(api_client=client).count() - before
            post["created_per_s"] = post["created"] / DURATION
            log(f"  {post['rps']:.0f} req/s, {post['created_per_s']:.0f} created/s, p99 {post['p99_ms']:.1f} ms, non-2xx {post['non_2xx']}")
            log(f"round {number}: pgbench, the same inserts, {CONNECTIONS} clients, {DURATION} s")
            pg = _pgbench_round(client)
            ratio = post["created_per_s"] / pg["tps"]
            log(f"  {pg['tps']:.0f} tps; POST reaches {ratio:.1%} of it")
            rounds.append({"post": post, "pgbench": pg, "ratio": ratio})
    finally:
        stop_gunicorn(server)
        os.unlink(post_script)
    median = sorted(rounds, key=lambda r: r["ratio"])[len(rounds) // 2]
    results["post"], results["pgbench"] = median["post"], median["pgbench"]
    results["post_to_pgbench_ratio"] = median["ratio"]
    results["rounds"] = [
        {"created_per_s": r["post"]["created_per_s"], "p99_ms": r["post"]["p99_ms"], "pgbench_tps": r["pgbench"]["tps"],
         "ratio": r["ratio"]}
        for r in rounds
    ]

    # Leave the bench database as it was.
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM cases_case WHERE api_client_id = %s OR number LIKE 'PGB-%%'", [client.pk])
        ids = [row[0] for row in cursor.fetchall()]
        # By id list, so each delete walks its table's index on case_id rather than joining.
        cursor.execute("DELETE FROM cases_notification WHERE case_id = ANY(%s)", [ids])
        cursor.execute("DELETE FROM cases_caseevent WHERE case_id = ANY(%s)", [ids])
        cursor.execute("DELETE FROM cases_case WHERE id = ANY(%s)", [ids])
        cursor.execute("DROP SEQUENCE IF EXISTS pgbench_case_number")
    ApiClient.objects.filter(pk=client.pk).update(is_active=False)
    results["cases_after_cleanup"] = Case.objects.count()
    vacuum_bench_tables()
    _write(results, started)
    return results


def _write(results: dict, started: datetime) -> None:
    from bench import COMMIT

    post, get, pg = results["post"], results["get"], results["pgbench"]
    checks = {
        "post_created_per_s": (post["created_per_s"] >= TARGET_RPS, f">= {TARGET_RPS}/s"),
        "post_p99_ms": (post["p99_ms"] < TARGET_P99_MS, f"< {TARGET_P99_MS} ms"),
        "get_rps": (get["rps"] >= TARGET_RPS, f">= {TARGET_RPS}/s"),
        "get_p99_ms": (get["p99_ms"] < TARGET_P99_MS, f"< {TARGET_P99_MS} ms"),
    }
    document = {
        "benchmark": "open311",
        "started": started.isoformat(timespec="seconds"),
        "commit": COMMIT,
        "cpus": os.cpu_count(),
        "results": {k: {kk: vv for kk, vv in v.items() if kk != "raw"} if isinstance(v, dict) else v for k, v in results.items()},
        "raw": {k: v["raw"] for k, v in results.items() if isinstance(v, dict) and "raw" in v},
        "targets": {name: {"pass": ok, "target": target} for name, (ok, target) in checks.items()},
    }
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / "open311.json").write_text(json.dumps(document, ensure_ascii=False, indent=2))
    lines = [
        "# Open311 under load",
        "",
        f"Run {document['started']} on commit `{COMMIT[:12]}`; {os.cpu_count()} CPUs shared by wrk, gunicorn "
        f"({results['workers']} sync workers) and PostgreSQL; shared state in Redis; {results['cases_before']:,} cases stored; "
        f"{CONNECTIONS} connections, {DURATION} s each. How to run: `make bench` or `python -m bench open311`.",
        "",
        "| measurement | rate | p50 ms | p90 ms | p99 ms | target | |",
        "|---|---:|---:|---:|---:|---|---|",
        f"| POST requests.json (created/s; {post['created']:,} cases, non-2xx {post['non_2xx']}) | {post['created_per_s']:,.0f} | "
        f"{post['p50_ms']:.1f} | {post['p90_ms']:.1f} | {post['p99_ms']:.1f} | >= {TARGET_RPS}/s, p99 < {TARGET_P99_MS} ms | "
        f"**{'pass' if checks['post_created_per_s'][0] and checks['post_p99_ms'][0] else 'FAIL'}** |",
        f"| GET requests.json, page of {get['rows_per_page']} (req/s, non-2xx {get['non_2xx']}) | {get['rps']:,.0f} | "
        f"{get['p50_ms']:.1f} | {get['p90_ms']:.1f} | {get['p99_ms']:.1f} | >= {TARGET_RPS}/s, p99 < {TARGET_P99_MS} ms | "
        f"**{'pass' if checks['get_rps'][0] and checks['get_p99_ms'][0] else 'FAIL'}** |",
        f"| pgbench, the same three inserts and number draw (tps) | {pg['tps']:,.0f} | | | | ceiling | |",
        "",
        f"POST reaches **{results['post_to_pgbench_ratio']:.1%}** of the raw PostgreSQL rate for the same inserts "
        f"(the median of {len(results['rounds'])} rounds of POST then pgbench, each 20 s: "
        + ", ".join(f"{r['created_per_s']:.0f}/s vs {r['pgbench_tps']:.0f} tps = {r['ratio']:.1%}" for r in results["rounds"])
        + "; the row above is the median round).",
        "",
        "## Raw output",
        "",
    ]
    for name, text in document["raw"].items():
        lines += [f"### {name}", "", "```", text.strip(), "```", ""]
    (RESULTS_DIR / "open311.md").write_text("\n".join(lines))
