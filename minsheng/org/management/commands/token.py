"""`python -m minsheng token create USERNAME [--name 用途]` prints a staff API token once."""

from django.core.management.base import BaseCommand, CommandError

from minsheng.org.actions import do_create_access_token
from minsheng.org.models import User


class Command(BaseCommand):
    help = "为工作人员创建JSON接口访问令牌（Authorization: Bearer）。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        create = sub.add_parser("create")
        create.add_argument("username")
        create.add_argument("--name", default="接口访问")

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"没有用户名为{options['username']}的在职工作人员。")
        _token, secret = do_create_access_token(user, options["name"], actor=None)
        self.stdout.write(f"已为{user}创建访问令牌，只显示这一次：")
        self.stdout.write(secret)
