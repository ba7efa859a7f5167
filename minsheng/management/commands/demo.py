"""`python -m minsheng demo`: migrate, load the Jiujiang demo data once, print the logins, serve."""

import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from minsheng.cases.catalogue import create_kinds, load_catalogue
from minsheng.cases.demo import load_cases, summary
from minsheng.elevators.demo import load_elevators
from minsheng.enterprises.demo import load_enterprises
from minsheng.enterprises.industries import load_industries
from minsheng.enterprises.models import Industry
from minsheng.evaluation.demo import load_evaluation
from minsheng.inspections.demo import load_inspections
from minsheng.org.demo import DEMO_PASSWORD, PERSONAS, load_org
from minsheng.pledges.demo import load_pledges
from minsheng.pledges.models import PledgeList
from minsheng.policies.demo import load_policies
from minsheng.stations.demo import load_stations


def load_demo_data() -> bool:
    """Load the demo data into an empty database; False if it is already there."""
    if PledgeList.objects.exists():
        return False
    with transaction.atomic():
        regions = load_org()
        load_pledges(regions)
        create_kinds()  # the migration made them; a flushed database (the browser tests) has not
        if not Industry.objects.exists():  # the same for the GB/T 4754 table
            load_industries(Industry)
        load_catalogue()
        load_cases(regions)
        load_elevators(regions)
        load_enterprises(regions)
        load_inspections(regions)
        load_policies(regions)
        load_evaluation(regions)
        load_stations(regions)
    return True


class Command(BaseCommand):
    help = "迁移数据库、载入九江演示数据并启动网站。"

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="只准备数据，不启动网站")
        parser.add_argument(
            "--bind", default="127.0.0.1:8000", metavar="地址:端口",
            help="网站监听的地址和端口，默认127.0.0.1:8000；换端口如 --bind 127.0.0.1:8080，"
            "让局域网访问如 --bind 0.0.0.0:8000（同时设置环境变量 ALLOWED_HOSTS）",
        )

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        if not settings.DEBUG:
            call_command("collectstatic", interactive=False, verbosity=0)
        if load_demo_data():
            self.stdout.write("已载入九江演示数据。")
            self.stdout.write(summary())
        else:
            self.stdout.write("演示数据已存在，未重复载入。")
        host = options["bind"]
        lines = [
            "",
            f"公开网站（实事清单进度榜）：http://{host}/",
            f"工作人员登录：            http://{host}/accounts/login/",
            f"管理后台：                http://{host}/admin/",
            f"演示账号（密码均为 {DEMO_PASSWORD}）：",
        ]
        for persona in PERSONAS:
            roles = "、".join(role.label for role in persona.roles)
            lines.append(f"  {persona.username:<12} {persona.full_name} · {persona.department} · {roles}")
        lines.append(
            "管理员须开启两步验证：首次登录时用身份验证器App扫码绑定；演示时没有手机的，"
            "另开终端运行 .venv/bin/python -m minsheng two_factor code admin 查看当前验证码（DEBUG=1时可用）。"
        )
        self.stdout.write("\n".join(lines) + "\n")
        if not options["no_serve"]:
            # The worker beside the site, as in production: warnings and escalations happen while
            # you watch (python -m minsheng worker --once runs a round by hand).
            worker = subprocess.Popen([sys.executable, "-m", "minsheng", "worker", "--interval", "30"])
            self.stdout.write("后台任务（预警、督办、回访、通知）已启动，每30秒处理一轮。\n")
            try:
                call_command("serve", bind=host)
            finally:
                worker.terminate()
                worker.wait(timeout=15)
