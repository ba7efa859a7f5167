"""Reliability under failure: gunicorn with 3 sync workers on the bench database, Open311 POSTs
from many client threads, each request carrying an Idempotency-Key and retried (same key) when
the client did not get an answer, while one worker after another is killed with SIGKILL.

Then it counts, from the database:
- acknowledged but missing: a 200 whose service_request_id is not stored (must be 0);
- duplicates after retries: one logical request stored as more than one case (must be 0);
- the same load without keys, for comparison (duplicates there are what the keys prevent);
- the per-key rate limit, shared by the 3 processes: requests accepted versus allowed;
- revocation: requests accepted after the revoking transaction committed (must be 0).

The shared state lives in Redis (REDIS_URL, default redis://127.0.0.1:6379/5), as in
production. Writes bench/results/reliability.json and reliability.md."""

import http.client
import json
import os
import random
import signal
import subprocess
import threading
import time
import uuid
from datetime import datetime
from urllib.parse import urlencode

from bench import REDIS_URL, RESULTS_DIR, start_gunicorn, stop_gunicorn, vacuum_bench_tables

PORT = 8312
WORKERS = 3
THREADS = 16
REQUESTS_PER_THREAD = 120
KILL_EVERY_S = 1.5
RETRIES = 8
RATE_LIMIT = 30
RATE_BURST = 150
MARK = "可靠性测试"


def _body(key: str, marker: str, idempotency_key: str | None) -> str:
    fields = {
        "api_key": key,
        "jurisdiction_id": "360424",
        "service_code": "streetlight",
        "lat": "29.0325",
        "long": "114.5468",
        "address_string": "修水县良塘新区路灯",
        "description": f"{MARK}{marker}：良塘新区3号路口路灯不亮。",
        "phone": "13907920000",
    }
    if idempotency_key:
        fields["idempotency_key"] = idempotency_key
    return urlencode(fields)


def _post(body: str, timeout: float = 10.0) -> tuple[int | None, dict]:
    """(status, parsed body), or (None, {}) when no answer came back."""
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=timeout)
    try:
        connection.request("POST", "/open311/v2/requests.json", body, {"Content-Type": "application/x-www-form-urlencoded"})
        response = connection.getresponse()
        payload = response.read()
        replayed = response.getheader("Idempotent-Replayed") == "true"
        try:
            document = json.loads(payload)
        except ValueError:
            document = None
        return response.status, {"document": document, "replayed": replayed}
    except (OSError, http.client.HTTPException) as error:
        return None, {"error": type(error).__name__}
    finally:
        connection.close()


def _workers_of(master: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout
    return [int(pid) for pid in out.split()]


def _killer(master: int, stop: threading.Event, kills: list) -> None:
    """SIGKILL one worker every KILL_EVERY_S seconds: whatever it was doing is cut off."""
    rng = random.Random(7)
    while not stop.wait(KILL_EVERY_S):
        workers = _workers_of(master)
        if workers:
            victim = rng.choice(workers)
            try:
                os.kill(victim, signal.SIGKILL)
                kills.append(time.time())
            except ProcessLookupError:
                pass


def _load(key: str, *, with_keys: bool, master: int) -> dict:
    """THREADS clients, each sending REQUESTS_PER_THREAD logical requests, retrying unanswered ones."""
    outcomes: list[dict] = []
    lock = threading.Lock()

    def client(index: int) -> None:
        for n in range(REQUESTS_PER_THREAD):
            marker = f"{'K' if with_keys else 'N'}-{index:02d}-{n:04d}-{uuid.uuid4().hex[:8]}"
            body = _body(key, marker, uuid.uuid4().hex if with_keys else None)
            record = {"marker": marker, "attempts": 0, "failed_attempts": 0, "number": None, "replayed": False, "status": None}
            for attempt in range(RETRIES):
                record["attempts"] += 1
                status, answer = _post(body)
                if status == 200 and isinstance(answer.get("document"), list):
                    record["number"] = answer["document"][0]["service_request_id"]
                    record["replayed"] = answer["replayed"]
                    record["status"] = 200
                    break
                record["failed_attempts"] += 1
                record["status"] = status
                if status is not None and status < 500 and status != 429:
                    break  # refused for a reason a retry will not change
                time.sleep(0.05 * (2 ** attempt))
            with lock:
                outcomes.append(record)

    stop = threading.Event()
    kills: list[float] = []
    killer = threading.Thread(target=_killer, args=(master, stop, kills), daemon=True)
    threads = [threading.Thread(target=client, args=(i,)) for i in range(THREADS)]
    started = time.time()
    killer.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stop.set()
    killer.join()
    return {"outcomes": outcomes, "kills": len(kills), "seconds": time.time() - started}


def _count(outcomes: list[dict], prefix: str) -> dict:
    from minsheng.cases.models import Case

    stored = dict(
        Case.objects.filter(description__startswith=f"{MARK}{prefix}")
        .values_list("number", "description")
    )
    numbers_by_marker: dict[str, list[str]] = {}
    for number, description in stored.items():
        marker = description[len(MARK):].split("：", 1)[0]
        numbers_by_marker.setdefault(marker, []).append(number)
    acknowledged = [o for o in outcomes if o["number"]]
    missing = [o for o in acknowledged if o["number"] not in stored]
    duplicated = {m: n for m, n in numbers_by_marker.items() if len(n) > 1}
    return {
        "logical_requests": len(outcomes),
        "acknowledged": len(acknowledged),
        "never_acknowledged": len(outcomes) - len(acknowledged),
        "attempts": sum(o["attempts"] for o in outcomes),
        "failed_attempts": sum(o["failed_attempts"] for o in outcomes),
        "retried_requests": sum(1 for o in outcomes if o["attempts"] > 1),
        "answered_by_replay": sum(1 for o in outcomes if o["replayed"]),
        "stored_cases": len(stored),
        "acknowledged_but_missing": len(missing),
        "duplicates_after_retries": sum(len(n) - 1 for n in duplicated.values()),
        "requests_stored_twice_or_more": len(duplicated),
    }


def _rate_limit(env_key: str) -> dict:
    """RATE_BURST requests as fast as THREADS clients can send them, against a key allowed
    RATE_LIMIT a minute; a burst that straddles the minute's end may use two windows."""

    statuses: list[int | None] = []
    lock = threading.Lock()
    sent = iter(range(RATE_BURST))

    def worker() -> None:
        for n in sent:
            status, _answer = _post(_body(env_key, f"R-{n:04d}", None))
            with lock:
                statuses.append(status)

    windows_before = int(time.time()) // 60
    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    windows = 1 + int(time.time()) // 60 - windows_before
    return {
        "limit_per_minute": RATE_LIMIT,
        "sent": RATE_BURST,
        "accepted": statuses.count(200),
        "refused_429": statuses.count(429),
        "other": len(statuses) - statuses.count(200) - statuses.count(429),
        "windows_touched": windows,
        "allowed": RATE_LIMIT * windows,
    }


def _revocation(client, key: str) -> dict:
    """Clients keep posting; the key is revoked; how many requests got a 200 after the commit?"""
    from minsheng.org.actions import do_revoke_api_client

    answers: list[tuple[float, int | None]] = []
    lock = threading.Lock()
    stop = threading.Event()

    def worker(index: int) -> None:
        n = 0
        while not stop.is_set():
            status, answer = _post(_body(key, f"V-{index:02d}-{n:04d}", None))
            with lock:
                answers.append((time.time(), status if status is not None else answer.get("error")))
            n += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(2)
        do_revoke_api_client(client, actor=None)
        revoked_at = time.time()
        time.sleep(3)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    # A request answered after the commit may have been read before it: count only those
    # sent entirely after it (answered later than the slowest request before the revocation).
    after = [status for moment, status in answers if moment > revoked_at + 0.5]
    others: dict[str, int] = {}
    for status in after:
        if status not in (200, 403):
            others[str(status)] = others.get(str(status), 0) + 1
    return {
        "requests_after_revocation": len(after),
        "accepted_after_revocation": after.count(200),
        "refused_403_after_revocation": after.count(403),
        "other_answers_after_revocation": others,
    }


def run(args, log=print) -> dict:
    from bench import data
    from minsheng.cases.models import Case, Notification
    from minsheng.core.models import IdempotencyKey
    from minsheng.org.actions import do_create_api_client
    from minsheng.org.models import ApiClient, Region

    data.ensure(rebuild=getattr(args, "rebuild", False), log=log)
    started = datetime.now().astimezone()
    city = Region.objects.get(code="360400")
    ApiClient.objects.filter(name__startswith="bench-reliability").update(is_active=False)
    _client, key = do_create_api_client("bench-reliability", region=city, requests_per_minute=10**8, actor=None)
    _rate_client, rate_key = do_create_api_client("bench-reliability-rate", region=city, requests_per_minute=RATE_LIMIT, actor=None)
    revoke_client, revoke_key = do_create_api_client("bench-reliability-revoke", region=city, requests_per_minute=10**8, actor=None)
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    env = {**os.environ, "CONN_MAX_AGE": "600", "LOG_LEVEL": "WARNING", "REDIS_URL": REDIS_URL}
    results: dict = {"workers": WORKERS, "threads": THREADS, "kill_every_s": KILL_EVERY_S, "redis": REDIS_URL,
                     "cases_before": Case.objects.count()}
    server = start_gunicorn(PORT, WORKERS, env)
    try:
        log(f"with Idempotency-Key: {THREADS} clients x {REQUESTS_PER_THREAD}, a worker killed every {KILL_EVERY_S} s")
        keyed = _load(key, with_keys=True, master=server.pid)
        results["with_keys"] = _count(keyed["outcomes"], "K-") | {"kills": keyed["kills"], "seconds": round(keyed["seconds"], 1)}
        log(f"  {results['with_keys']}")
        log("without keys, the same load and kills (for comparison)")
        plain = _load(key, with_keys=False, master=server.pid)
        results["without_keys"] = _count(plain["outcomes"], "N-") | {"kills": plain["kills"], "seconds": round(plain["seconds"], 1)}
        log(f"  {results['without_keys']}")
        # Let the master bring all three workers back before measuring the shared limit.
        time.sleep(5)
        log(f"rate limit {RATE_LIMIT}/min shared by {WORKERS} processes: {RATE_BURST} requests")
        results["rate_limit"] = _rate_limit(rate_key)
        log(f"  {results['rate_limit']}")
        log("revocation while 6 clients post")
        results["revocation"] = _revocation(revoke_client, revoke_key)
        log(f"  {results['revocation']}")
    finally:
        stop_gunicorn(server)
    # Leave the bench database as it was.
    ids = list(Case.objects.filter(description__startswith=MARK).values_list("id", flat=True))
    Notification.objects.filter(case_id__in=ids).delete()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM cases_caseevent WHERE case_id = ANY(%s)", [ids])
        cursor.execute("DELETE FROM cases_case WHERE id = ANY(%s)", [ids])
    IdempotencyKey.objects.filter(scope__startswith="open311:").delete()
    ApiClient.objects.filter(name__startswith="bench-reliability").update(is_active=False)
    results["cases_after_cleanup"] = Case.objects.count()
    vacuum_bench_tables()
    _write(results, started)
    return results


def _write(results: dict, started: datetime) -> None:
    from bench import COMMIT

    keyed, plain, rate, revoke = results["with_keys"], results["without_keys"], results["rate_limit"], results["revocation"]
    checks = {
        "acknowledged_but_missing": keyed["acknowledged_but_missing"] == 0 and plain["acknowledged_but_missing"] == 0,
        "duplicates_after_retries": keyed["duplicates_after_retries"] == 0,
        "rate_limit_holds": rate["accepted"] <= rate["allowed"],
        "revocation_next_request": revoke["accepted_after_revocation"] == 0,
    }
    document = {"benchmark": "reliability", "started": started.isoformat(timespec="seconds"), "commit": COMMIT,
                "cpus": os.cpu_count(), "results": results, "checks": checks}
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / "reliability.json").write_text(json.dumps(document, ensure_ascii=False, indent=2))

    def row(name: str, data: dict) -> str:
        return (f"| {name} | {data['logical_requests']:,} | {data['attempts']:,} | {data['retried_requests']:,} | "
                f"{data['answered_by_replay']:,} | {data['kills']} | {data['acknowledged_but_missing']} | "
                f"{data['duplicates_after_retries']} | {data['never_acknowledged']} |")

    lines = [
        "# Reliability: killed workers, retries, shared limits",
        "",
        f"Run {document['started']} on commit `{COMMIT[:12]}`; {os.cpu_count()} CPUs shared by the clients, gunicorn "
        f"({WORKERS} sync workers) and PostgreSQL; {results['cases_before']:,} cases stored; shared state in Redis. "
        "How to run: `python -m bench reliability` (in `make bench`).",
        "",
        f"{THREADS} client threads post Open311 requests; a request that gets no answer (connection reset by the kill, "
        f"timeout, 5xx) is sent again, up to {RETRIES} times, with the same body and, in the first run, the same "
        f"Idempotency-Key. A gunicorn worker is killed with SIGKILL every {KILL_EVERY_S} s throughout.",
        "",
        "| run | logical requests | attempts | retried | answered by replay | workers killed | acknowledged but missing | duplicates after retries | never answered |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        row("with Idempotency-Key", keyed),
        row("without keys (comparison)", plain),
        "",
        f"- Acknowledged but missing: **{keyed['acknowledged_but_missing'] + plain['acknowledged_but_missing']}** "
        f"({'pass' if checks['acknowledged_but_missing'] else 'FAIL'}).",
        f"- Duplicates after retries with keys: **{keyed['duplicates_after_retries']}** "
        f"({'pass' if checks['duplicates_after_retries'] else 'FAIL'}); without keys the same retries stored "
        f"{plain['duplicates_after_retries']} extra cases.",
        f"- Rate limit {rate['limit_per_minute']}/min per key, shared by {WORKERS} processes: {rate['sent']} requests sent, "
        f"**{rate['accepted']} accepted**, {rate['refused_429']} refused with 429 ({rate['other']} other); allowed "
        f"{rate['allowed']} ({rate['windows_touched']} window(s) of the key touched) "
        f"({'pass' if checks['rate_limit_holds'] else 'FAIL'}).",
        f"- Revocation: {revoke['requests_after_revocation']} requests sent after the revoking commit, "
        f"**{revoke['accepted_after_revocation']} accepted**, {revoke['refused_403_after_revocation']} refused with 403, "
        f"other answers {revoke['other_answers_after_revocation'] or 'none'} "
        f"({'pass' if checks['revocation_next_request'] else 'FAIL'}).",
        "",
    ]
    (RESULTS_DIR / "reliability.md").write_text("\n".join(lines))
