"""`python -m minsheng apikey create NAME [--region CODE] [--channel api|hotline]` prints a new
key once; `apikey revoke PREFIX`; `apikey list`."""

from django.core.management.base import BaseCommand, CommandError

from minsheng.core.errors import ActionError
from minsheng.org.actions import do_create_api_client, do_revoke_api_client
from minsheng.org.models import ApiClient, Region, RegionLevel


class Command(BaseCommand):
    help = "管理对外接口（Open311）密钥。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        create = sub.add_parser("create", help="创建密钥并打印一次")
        create.add_argument("name")
        create.add_argument("--region", help="区划代码，默认为市级区划")
        create.add_argument("--channel", default="api", choices=[code for code, _ in ApiClient.CHANNELS])
        create.add_argument("--rate", type=int, default=600, help="每分钟请求上限，默认600")
        revoke = sub.add_parser("revoke", help="吊销密钥")
        revoke.add_argument("prefix", help="密钥前8位")
        sub.add_parser("list", help="列出密钥")

    def handle(self, *args, **options):
        verb = options["verb"]
        if verb == "create":
            if options["region"]:
                region = Region.objects.filter(code=options["region"]).first()
                if region is None:
                    raise CommandError(f"没有区划代码为{options['region']}的区划。")
            else:
                region = Region.objects.filter(level=RegionLevel.CITY).order_by("code").first()
                if region is None:
                    raise CommandError("尚未建立行政区划，请先导入组织数据（python -m minsheng demo --no-serve）。")
            try:
                client, key = do_create_api_client(
                    options["name"], region=region, channel=options["channel"], requests_per_minute=options["rate"], actor=None
                )
            except ActionError as error:
                raise CommandError(error.message) from None
            self.stdout.write(f"已为“{client.name}”创建密钥（{region.name}，{client.get_channel_display()}渠道）。请妥善保存，只显示这一次：")
            self.stdout.write(key)
        elif verb == "revoke":
            matches = list(ApiClient.objects.filter(key_prefix=options["prefix"]))
            if len(matches) != 1:
                raise CommandError("没有找到唯一匹配该前缀的密钥。")
            do_revoke_api_client(matches[0], actor=None)
            self.stdout.write(f"已吊销“{matches[0].name}”的密钥。")
        else:
            for client in ApiClient.objects.select_related("region"):
                state = "启用" if client.is_active else "已吊销"
                self.stdout.write(f"{client.key_prefix}…  {client.name}  {client.region.name}  {client.get_channel_display()}  {state}")
