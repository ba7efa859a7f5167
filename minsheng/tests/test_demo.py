import os
import subprocess
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from minsheng.org.demo import DEMO_PASSWORD, PERSONAS
from minsheng.pledges.models import PledgeItem, Status
from minsheng.pledges.queries import compute_board

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo data, loaded once for the module through the same command `make demo` runs."""
    with django_db_blocker.unblock(), time_machine.travel(NOW, tick=False):
        call_command("demo", "--no-serve")
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.mark.django_db
def test_the_demo_board_shows_jiujiangs_figures(demo, client):
    with time_machine.travel(NOW, tick=False):
        figures = compute_board(2026, NOW.date())
        assert (figures.overall.total, figures.overall.done) == (638, 494)
        assert (figures.city.total, figures.city.done) == (34, 23)
        assert len(figures.by_region) == 14 and len(figures.by_area) == 6
        page = client.get("/").content.decode()
    assert "市县两级共制定实事清单638项，已完成494项；其中市本级34项，已完成23项" in page


@pytest.mark.django_db
def test_every_demo_login_works(demo, client):
    for persona in PERSONAS:
        client.logout()
        response = client.post("/accounts/login/", {"username": persona.username, "password": DEMO_PASSWORD})
        assert response.status_code == 302 and "_auth_user_id" in client.session, persona.username


@pytest.mark.django_db
def test_the_demo_walks_the_journeys(demo, client):
    with time_machine.travel(NOW, tick=False):
        today = NOW.date()
        # 王先生 finds the old-community elevator item of 浔阳区.
        response = client.get("/pledges/items/", {"region": "360403", "q": "加装电梯"})
        assert response.context["page"].paginator.count >= 1
        # 李科长's bureau leads items, one of them late.
        led = PledgeItem.objects.filter(lead_department__name="市住建局").with_status(today)
        assert any(item.status == Status.LATE for item in led)
        # Every status is on show somewhere.
        assert {item.status for item in PledgeItem.objects.with_status(today)} == set(Status.values)


def test_deploy_checks_pass_with_debug_off(tmp_path):
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "x" * 64 + "-production-like-key", "MINSHENG_VAR_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    env.pop("HTTPS", None)  # the production default, not the test run's plain http
    result = subprocess.run(
        [sys.executable, "-m", "minsheng", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
