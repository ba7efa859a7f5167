import os
import shutil

import pytest

from minsheng.testing import forget_case_numbers, make_personas
from minsheng.core.tests.browser import BROWSER_ARGS, CHROMIUM


@pytest.fixture(scope="session", autouse=True)
def _uploads_kept_out_of_var(tmp_path_factory):
    """Uploads written outside a test's own folder (the demo loaded once for a module writes
    its evidence photos) go to a temporary folder, never into the real var/media."""
    from django.test import override_settings

    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield


@pytest.fixture(scope="session", autouse=True)
def _static_files_of_this_process(tmp_path_factory, _uploads_kept_out_of_var):
    """Static files collected once into this test process's own folder: the demo command
    collects them again, and with two processes (make test) one would rewrite var/static while
    the other's whitenoise reads it."""
    from django.core.management import call_command
    from django.test import override_settings

    with override_settings(STATIC_ROOT=tmp_path_factory.mktemp("static")):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield


@pytest.fixture(autouse=True)
def _fresh_caches(request, _django_db_marker, settings, tmp_path):
    """Each test starts with empty caches and its own upload folder. The shared cache lives in
    the database unless REDIS_URL is set, so it is cleared once the test's database is open."""
    from django.core.cache import cache

    from minsheng.core import ratelimit, reference
    from minsheng.org import access, workdays

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    settings.PASSWORD_HASHERS = [  # personas log in fast; demo users keep their real hashes
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    workdays.clear_cache()
    reference.forget_here()
    access._known_clients.clear()
    ratelimit.forget_permits()
    uses_database = request.node.get_closest_marker("django_db") is not None
    for name in ("transactional_db", "db"):
        if name in request.fixturenames:
            request.getfixturevalue(name)
            uses_database = True
            break
    if uses_database or settings.REDIS_URL:
        cache.clear()
    yield
    workdays.clear_cache()


@pytest.fixture
def people(db):
    from minsheng.cases.catalogue import create_kinds

    create_kinds()  # a transactional test's flush empties what the migrations put there
    return make_personas()


# --- browser journeys (make e2e): Debian's chromium through Playwright ---------------------

@pytest.fixture(scope="module")
def browser(django_db_setup):
    from playwright.sync_api import sync_playwright

    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: apt install chromium fonts-wqy-microhei")
    # Playwright's sync API keeps an event loop in this thread; the ORM calls the tests make
    # around it are synchronous all the same.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def _page_without_policy_violations(context):
    """A page whose every Content-Security-Policy violation (chromium reports them on the
    console) fails the test: the pages must live with the policy the site sends."""
    page = context.new_page()
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None)
    return page, violations


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    page, violations = _page_without_policy_violations(context)
    yield page
    context.close()
    assert violations == []


@pytest.fixture
def shots(tmp_path):
    """Where a browser test leaves its screenshots: MINSHENG_SHOTS (or SCREENSHOT_DIR) to look at
    them, else the test's own folder."""
    from pathlib import Path

    folder = Path(os.environ.get("MINSHENG_SHOTS") or os.environ.get("SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def desk(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page, violations = _page_without_policy_violations(context)
    yield page
    context.close()
    assert violations == []




@pytest.fixture(autouse=True)
def _fresh_case_numbers(request, django_db_blocker):
    """A transactional test commits, and PostgreSQL sequences outlive the flush that follows:
    drop the case-number sequences so the next test's numbers start at 1 again."""
    yield
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    with django_db_blocker.unblock():
        forget_case_numbers()
