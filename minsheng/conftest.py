import pytest

from minsheng.core.testing import make_personas


@pytest.fixture(autouse=True)
def _fresh_caches(settings, tmp_path):
    """Each test starts with empty caches and its own upload folder."""
    from django.core.cache import cache

    from minsheng.org import workdays

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    settings.PASSWORD_HASHERS = [  # personas log in fast; demo users keep their real hashes
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    workdays.clear_cache()
    cache.clear()
    yield
    workdays.clear_cache()


@pytest.fixture
def people(db):
    return make_personas()
