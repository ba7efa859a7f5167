"""Import one year's official holiday schedule (国务院办公厅节假日安排) from CSV or JSON."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from minsheng.core.errors import ActionError
from minsheng.org.actions import do_import_calendar_year
from minsheng.org.calendar_files import parse_schedule


class Command(BaseCommand):
    help = "导入一个年度的法定节假日和调休安排（CSV：日期,类型,名称；JSON；或holiday-cn格式的JSON）。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV或JSON文件")
        parser.add_argument("--source", default="", help="依据，如：国办发明电〔2026〕X号")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            content = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as problem:
            raise CommandError(f"无法读取文件{path}：{problem}") from None
        try:
            schedule = parse_schedule(content, path.name)
            do_import_calendar_year(
                schedule.year, schedule.days, source=options["source"] or schedule.source,
                neighbouring=schedule.neighbouring, actor=None,
            )
        except ActionError as error:
            raise CommandError(error.message) from None
        self.stdout.write(f"已导入{schedule.summary}。")
        if schedule.neighbouring:
            listed = "、".join(f"{day:%Y-%m-%d}" for day in sorted(schedule.neighbouring))
            self.stdout.write(f"同一通知中相邻年度的日期已作为单日安排导入：{listed}。")
        self.stdout.write("落在该年的暂定期限将由 worker 按正式日历自动调整。")
