"""Every page carries a Content-Security-Policy it can live with: no inline script or style in
any template, and the API docs load Swagger UI from this site, not from a CDN."""

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I), "inline <script>"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"<style", re.I), "<style> element"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event-handler attribute"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_no_template_carries_inline_script_or_style():
    found = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        for pattern, what in INLINE:
            for match in pattern.finditer(text):
                found.append(f"{path.relative_to(TEMPLATES)}: {what}: {match.group()[:40]}")
    assert found == []


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/pledges/items/", "/cases/submit/", "/cases/track/", "/accounts/login/", "/api/v1/docs"])
def test_pages_carry_a_strict_policy(client, path):
    response = client.get(path)
    assert response.status_code == 200
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";") if part.strip())
    assert policy["default-src"] == "'self'" and policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    assert "unsafe" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_the_api_docs_use_this_sites_own_swagger_ui(client):
    page = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page and "/static/ninja/swagger-ui.css" in page
    assert "cdn" not in page.lower() and "unpkg" not in page and "jsdelivr" not in page
    assert client.get("/static/ninja/swagger-ui-bundle.js").status_code == 200
