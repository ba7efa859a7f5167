"""Shared helpers for the browser journeys (fixtures: minsheng/conftest.py)."""

import os
import re

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def log_in(page, site, username, password):
    page.context.clear_cookies()  # whoever was logged in on this page before
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{site}/staff/")


def press(page, name: str):
    """Click the first button whose name matches `name` (a regular expression) and wait for the
    page it leads to."""
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile(name)).first.click()


def wait_until(page, expression: str, timeout_ms: int = 10_000) -> None:
    """Wait until `expression` is true in the page. Playwright's wait_for_function polls inside
    the page with eval, which the site's Content-Security-Policy refuses (script-src 'self') as
    soon as the first check is false; page.evaluate runs through the DevTools protocol instead."""
    import time

    deadline = time.monotonic() + timeout_ms / 1000
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout_ms} ms: {expression}")
        page.wait_for_timeout(100)
