"""`python -m minsheng draw list` prints the draws' numbers, one a line; `python -m minsheng draw
verify DRAW_ID` re-runs a draw from its record and says whether it gives the recorded result
(exit status 0 when it does, 1 when it does not, 2 for a draw that does not exist).

DRAW_ID is the draw's number (SJ20260001) or its database id."""

import sys

from django.core.management.base import BaseCommand

from minsheng.core.text import parse_id
from minsheng.inspections.actions import verify_draw
from minsheng.inspections.models import Draw


class Command(BaseCommand):
    help = "列出或核验双随机抽查。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        listing = sub.add_parser("list", help="列出抽查编号，每行一个")
        listing.add_argument("--verbose", "-l", action="store_true", help="同时列出状态和任务名称")
        verify = sub.add_parser("verify", help="按记录重新抽取并与公布结果比对")
        verify.add_argument("draw_id", help="抽查编号或数据库ID")

    def handle(self, *args, **options):
        if options["verb"] == "list":
            for number, state, title in Draw.objects.order_by("number").values_list("number", "state", "title"):
                self.stdout.write(f"{number}\t{Draw(state=state).get_state_display()}\t{title}" if options["verbose"] else number)
            return
        wanted = options["draw_id"].strip()
        # Only what a number or an id can be reaches the database (PostgreSQL refuses a NUL).
        plausible = wanted.isascii() and wanted.isalnum() and len(wanted) <= 20
        draw = Draw.objects.filter(number=wanted.upper()).first() if plausible else None
        if draw is None and (pk := parse_id(wanted)) is not None:
            draw = Draw.objects.filter(pk=pk).first()
        if draw is None:
            self.stderr.write(f"没有编号为“{wanted}”的抽查。")
            sys.exit(2)
        verdict = verify_draw(draw)
        if verdict.matches:
            self.stdout.write(verdict.message)
            return
        self.stderr.write(verdict.message)
        sys.exit(1)
