"""`python -m minsheng import_entities FILE [--valid-rows] [--user USERNAME]`: import a registry
workbook now, through the same actions as the page (imports.do_queue_import, imports.run_import),
with a progress bar on stderr and the summary and every refused row on stdout. Exits non-zero
when nothing was imported (refused, or failed)."""

from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from minsheng.core.errors import ActionError
from minsheng.enterprises.actions import imports
from minsheng.enterprises.models import ImportMode, ImportState
from minsheng.org.models import User

BAR_WIDTH = 30


class Command(BaseCommand):
    help = "从Excel（.xlsx）导入市场主体名录：一行一户，按统一社会信用代码新建或更新。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="名录文件（.xlsx），列名见导入模板")
        parser.add_argument("--valid-rows", action="store_true",
                            help="只导入无误的行（默认：任何一行有误则整个文件都不导入）")
        parser.add_argument("--user", help="以该工作人员的名义导入（只能导入其辖区的市场主体）；不填为系统导入")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        actor = None
        if options["user"]:
            actor = User.objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"没有用户名为“{options['user']}”的工作人员。")
        mode = ImportMode.VALID_ROWS if options["valid_rows"] else ImportMode.ALL_OR_NOTHING
        try:
            with path.open("rb") as handle:
                job = imports.do_queue_import(File(handle, name=path.name), mode=mode, actor=actor, start=True)
        except ActionError as error:
            raise CommandError(error.message) from None
        self.drawn = ""
        job = imports.run_import(job, progress=self.draw)
        self.draw_end()
        self.stdout.write(f"导入任务{job.pk}（{job.original_name}）：{job.get_state_display()}。{job.message}")
        self.stdout.write(f"共{job.total_rows}行：新建{job.created_count}户，更新{job.updated_count}户，"
                          f"无变化{job.unchanged_count}户，有误{job.refused_count}行。")
        if job.report:
            self.stdout.write("有误的行（行号\t统一社会信用代码\t列\t问题）：")
            for entry in job.report:
                code, label = entry.get("uscc") or "—", entry.get("label") or "—"
                self.stdout.write(f"第{entry['row']}行\t{code}\t{label}\t{entry['message']}")
        if job.state != ImportState.DONE:
            raise CommandError("未导入任何数据。", returncode=2 if job.state == ImportState.REFUSED else 1)

    def draw(self, step: str, done: int, total: int) -> None:
        """A text progress bar on stderr: redrawn in place on a terminal; elsewhere (a log) a
        line a step and a tenth of the rows."""
        filled = BAR_WIDTH * done // total if total else 0
        percent = f"{100 * done // total:3d}%" if total else "   "
        line = f"{step} [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {percent} {done}/{total or '?'}行"
        if self.stderr.isatty():
            self.stderr.write("\r" + line, ending="")
            self.stderr.flush()
        else:
            mark = (step, 10 * done // total if total else 0)
            if mark != self.drawn:
                self.stderr.write(line)
            self.drawn = mark
            return
        self.drawn = step

    def draw_end(self) -> None:
        if self.drawn and self.stderr.isatty():
            self.stderr.write("")
