"""`python -m minsheng two_factor reset USERNAME`: remove a staff member's authenticator (a lost
phone); they bind a new one at their next sign-in. `two_factor unlock USERNAME`: lift a login
lockout. `two_factor code USERNAME`: the current code, for the demo only (DEBUG=1), so the
administrator journey can be walked without a phone."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from minsheng.org.actions import do_reset_two_factor, do_unlock_login
from minsheng.org.models import User


class Command(BaseCommand):
    help = "两步验证与登录锁定：重置身份验证器、解除登录锁定；演示环境可查看当前验证码。"

    def add_arguments(self, parser):
        parser.add_argument("verb", choices=["reset", "unlock", "code"])
        parser.add_argument("username")

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"没有用户名为{options['username']}的工作人员。")
        if options["verb"] == "reset":
            do_reset_two_factor(user, actor=None)
            self.stdout.write(f"已重置{user}的两步验证，下次登录时重新绑定身份验证器。")
        elif options["verb"] == "unlock":
            cleared = do_unlock_login(user, actor=None)
            self.stdout.write(f"已解除{user}的登录锁定（清除失败记录{cleared}条）。")
        else:
            if not settings.DEBUG:
                raise CommandError("查看验证码只在演示环境（DEBUG=1）中可用。")
            device = TOTPDevice.objects.filter(user=user).order_by("-confirmed", "-id").first()
            if device is None:
                raise CommandError(f"{user}尚未开始绑定身份验证器：请先用该账号登录。")
            code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
            self.stdout.write(f"{code:0{device.digits}d}")
