"""`python -m minsheng worker`: sweep due work until stopped (SIGTERM or Ctrl-C ends it after
the current batch), or once with --once for cron and tests.

Each round: warnings and escalations up the ladder, callback invitations and archiving,
provisional deadlines re-counted once their year's official holiday schedule is known (and a
weekly reminder to import it from 1 November), then every other app's due work (the sweeps the
apps registered in core.sweeps: the elevator applications' ladder and reminders...), then the
notification outbox, and forgetting idempotency keys past their day. Several workers may run at
once: each claims rows with SKIP LOCKED, so no case is escalated and no message sent twice."""

import signal
import time

from django.core.management.base import BaseCommand

from minsheng.cases.actions import do_remind_calendar_import, send_pending, sweep_due_cases, sweep_provisional_dues
from minsheng.core import sweeps
from minsheng.core.idempotency import purge_expired


class Command(BaseCommand):
    help = "处理到期工作：临期预警、逾期督办、回访邀请、通知发送。"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="处理一轮后退出")
        parser.add_argument("--interval", type=float, default=10.0, help="两轮之间的秒数，默认10")
        parser.add_argument("--batch", type=int, default=200, help="每批处理条数，默认200")

    def handle(self, *args, **options):
        self.stopping = False
        self.others: dict[str, int] = {}  # each registered sweep's count in the last round
        if not options["once"]:
            signal.signal(signal.SIGTERM, self._stop)
            signal.signal(signal.SIGINT, self._stop)
            self.stdout.write(f"工作进程已启动，每{options['interval']:g}秒处理一轮；SIGTERM或Ctrl-C在本轮结束后退出。")
            self.stdout.flush()
        while True:
            cases, messages = self.round(options["batch"])
            if options["once"]:
                self.stdout.write(f"处理到期办件{cases}件，发送通知{messages}条。")
                self._report_others()
                return
            if cases or messages:
                self.stdout.write(f"处理到期办件{cases}件，发送通知{messages}条。")
            self._report_others()
            # Sleep in short steps so SIGTERM is honoured promptly.
            waited = 0.0
            while not self.stopping and waited < options["interval"] and not (cases == options["batch"]):
                time.sleep(0.2)
                waited += 0.2
            if self.stopping:
                self.stdout.write("收到停止信号，已退出。")
                return

    def round(self, batch: int) -> tuple[int, int]:
        cases = messages = 0
        while True:
            done = sweep_due_cases(limit=batch)
            cases += done
            if done < batch or self.stopping:
                break
        while not self.stopping:
            corrected = sweep_provisional_dues(limit=batch)
            cases += corrected
            if corrected < batch:
                break
        do_remind_calendar_import()
        # Every other app's due work, before the outbox: what they queue goes out this round.
        self.others = {}
        for name, sweep in sweeps.registered():
            done = 0
            while not self.stopping:
                count = sweep(batch)
                done += count
                if count < batch:
                    break
            self.others[name] = done
        while True:
            sent = send_pending(limit=batch)
            messages += sent
            if sent < batch or self.stopping:
                break
        purge_expired()
        return cases, messages

    def _report_others(self) -> None:
        for name, done in self.others.items():
            if done:
                self.stdout.write(f"{name}：处理到期事项{done}件。")

    def _stop(self, signum, frame):
        self.stopping = True
