"""A signed-in session that still owes its second factor goes nowhere but the pages that
settle it: the code for an account with an authenticator, binding one for an administrator."""

import json

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import user_has_device

from minsheng.org.access import needs_two_factor

OPEN_PREFIXES = ("/accounts/", "/static/")


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return self.get_response(request)  # no session, nobody signed in (other systems, the public)
        user = request.user
        if user.is_authenticated and not user.is_verified() and not request.path.startswith(OPEN_PREFIXES):
            enrolled = user_has_device(user, confirmed=True)
            if enrolled or needs_two_factor(user):
                if request.path.startswith("/api/"):
                    body = json.dumps({"detail": "请先在网页上完成两步验证，或改用访问令牌。", "field": None}, ensure_ascii=False)
                    return HttpResponse(body, status=403, content_type="application/json; charset=utf-8")
                target = reverse("two-factor-verify" if enrolled else "two-factor")
                return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
