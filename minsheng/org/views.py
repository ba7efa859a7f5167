"""Staff sign-in: password (throttled by django-axes per account and address), then, for
accounts with an authenticator, a six-digit TOTP code; administrators must have one."""

import time

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from axes.handlers.proxy import AxesProxyHandler
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from minsheng.core.errors import ActionError
from minsheng.org import actions
from minsheng.org.access import needs_two_factor
from minsheng.org.models import User

PENDING = "two_factor_pending"
ENROLMENT = "two_factor_enrolment"
PENDING_SECONDS = 300


class CodeForm(forms.Form):
    code = forms.CharField(
        label="验证码", min_length=6, max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}"}),
        error_messages={"required": "请填写身份验证器上的6位验证码。", "min_length": "验证码为6位数字。", "max_length": "验证码为6位数字。"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = f"打开手机上的身份验证器App，输入“{settings.OTP_TOTP_ISSUER}”下显示的6位数字。"

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not code.isascii() or not code.isdigit():
            raise forms.ValidationError("验证码为6位数字。")
        return code


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("staff-home")


class StaffLoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        # Django's view names the site by its host ("localhost:8000"); the pages use the platform's name.
        return super().get_context_data(**kwargs) | {
            "failure_limit": settings.AXES_FAILURE_LIMIT, "site_name": settings.MINSHENG_SITE_NAME,
        }

    def form_valid(self, form):
        user = form.get_user()
        if confirmed_device(user) is None:
            return super().form_valid(form)
        # The password was right; the session is not the user's until the code is too.
        self.request.session[PENDING] = {"user": user.pk, "backend": user.backend, "at": time.time()}
        return redirect(f"{reverse('two-factor-verify')}?{urlencode({'next': self.get_success_url()})}")


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer once an account and address have failed too often."""
    from django.contrib.auth.forms import AuthenticationForm

    form = AuthenticationForm(request, initial={"username": (credentials or {}).get("username", "")})
    message = "登录失败次数过多，本账号在此设备上已暂停登录30分钟。如需立即登录，请联系系统管理员解除锁定。"
    return render(request, "registration/login.html", {"form": form, "locked": message, "next": ""}, status=429)


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request):
    """The second step: at sign-in (pending), or for a signed-in session not yet verified."""
    pending = request.session.get(PENDING)
    if pending and time.time() - pending["at"] <= PENDING_SECONDS:
        user = User.objects.filter(pk=pending["user"], is_active=True).first()
    elif request.user.is_authenticated:
        user, pending = request.user, None
    else:
        user = None
    device = confirmed_device(user) if user is not None else None
    if device is None:
        request.session.pop(PENDING, None)
        return redirect("login")
    form = CodeForm(request.POST or None)
    if form.is_bound and AxesProxyHandler.is_locked(request, {"username": user.username}):
        return locked_out(request, credentials={"username": user.username})
    if form.is_bound and form.is_valid():
        allowed, _data = device.verify_is_allowed()
        if not allowed:
            form.add_error("code", "验证码错误次数过多，请稍等片刻再试。")
        elif device.verify_token(form.cleaned_data["code"]):
            if pending:
                request.session.pop(PENDING, None)
                auth_login(request, user, backend=pending["backend"])
            otp_login(request, device)
            return redirect(_next_url(request))
        else:
            # Counted with wrong passwords: five wrong codes lock the account here too.
            user_login_failed.send(sender=__name__, credentials={"username": user.username}, request=request)
            if getattr(request, "axes_locked_out", False):
                return locked_out(request, credentials={"username": user.username})
            form.add_error("code", "验证码不正确，请输入身份验证器上当前显示的6位数字。")
    return render(request, "registration/verify.html", {"form": form, "next": _next_url(request)})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request):
    """Bind an authenticator app (scan the QR code, type one code), or see and remove it."""
    import segno

    user = request.user
    device = confirmed_device(user)
    required = needs_two_factor(user)
    form = CodeForm(request.POST or None)
    if device is not None:
        # Removing the authenticator takes a current code: a session left open is not enough.
        if request.method == "POST" and form.is_valid():
            if not device.verify_is_allowed()[0]:
                form.add_error("code", "验证码错误次数过多，请稍等片刻再试。")
            elif not device.verify_token(form.cleaned_data["code"]):
                form.add_error("code", "验证码不正确，请输入身份验证器上当前显示的6位数字。")
            else:
                try:
                    actions.do_reset_two_factor(user, actor=user)
                except ActionError as error:
                    messages.error(request, error.message)
                else:
                    messages.success(request, "已解除身份验证器，登录时不再需要验证码。")
                return redirect("two-factor")
        return render(request, "registration/two_factor.html", {"device": device, "required": required, "form": form})
    # A new secret for each visit to this page, known to this session only: a secret shown
    # to an earlier session (someone else at the screen) is never the one that gets bound.
    pending = TOTPDevice.objects.filter(user=user, confirmed=False, pk=request.session.get(ENROLMENT)).first()
    if pending is None or request.method == "GET":
        pending = actions.do_offer_two_factor_secret(user, actor=user)
        request.session[ENROLMENT] = pending.pk
    if form.is_bound and form.is_valid():
        allowed, _data = pending.verify_is_allowed()
        if not allowed:
            form.add_error("code", "验证码错误次数过多，请稍等片刻再试。")
        elif pending.verify_token(form.cleaned_data["code"]):
            actions.do_confirm_two_factor(pending, actor=user)
            request.session.pop(ENROLMENT, None)
            otp_login(request, pending)
            messages.success(request, "已绑定身份验证器：以后登录时，输入密码后还要输入验证码。")
            return redirect(_next_url(request))
        else:
            form.add_error("code", "验证码不正确：请确认手机时间准确，并输入当前显示的6位数字。")
    import base64

    secret = base64.b32encode(pending.bin_key).decode().rstrip("=")
    return render(
        request,
        "registration/two_factor.html",
        {
            "form": form,
            "qr": segno.make(pending.config_url, error="m").svg_inline(scale=4, title="绑定身份验证器的二维码"),
            "secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
            "required": required,
            "next": _next_url(request),
        },
    )
