"""What every page may show of the city running the platform (settings, never code)."""

from django.conf import settings


def site(request) -> dict:
    return {
        "site_name": settings.MINSHENG_SITE_NAME,
        "city_name": settings.MINSHENG_CITY_NAME,
        "hotline": settings.MINSHENG_HOTLINE,
    }
