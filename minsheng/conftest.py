import pytest

from minsheng.core.testing import make_personas


@pytest.fixture(autouse=True)
def _fresh_caches(settings, tmp_path):
    """Each test starts with empty caches and its own upload folder."""
    from django.core.cache import cache

    from minsheng.org import workdays

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SECURE_SSL_REDIRECT = False  # the test client speaks plain http
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # personas log in fast
    workdays.clear_cache()
    cache.clear()
    yield
    workdays.clear_cache()


@pytest.fixture
def people(db):
    return make_personas()
