"""What every page may show of the city running the platform (settings, never code), and the
reader's own choice of the care mode (关怀版)."""

from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode

# A preference, not a secret: not HttpOnly, so the page's script can switch it without a reload.
CARE_COOKIE = "care"


def care_mode_on(request) -> bool:
    return request.COOKIES.get(CARE_COOKIE) == "1"


def site(request) -> dict:
    care = care_mode_on(request)
    here = request.get_full_path()
    return {
        "site_name": settings.MINSHENG_SITE_NAME,
        "city_name": settings.MINSHENG_CITY_NAME,
        "hotline": settings.MINSHENG_HOTLINE,
        "care_mode": care,
        "care_toggle_url": reverse("care-mode", args=["off" if care else "on"]) + "?" + urlencode({"next": here}),
    }
