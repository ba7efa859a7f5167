"""The registry's import from a workbook: new firms filed, known ones (by code) updated where
something changed, every bad row reported with its row, column and reason; all-or-nothing
writes nothing when a row is bad, the other mode writes exactly the valid rows; one event a
job; only keepers upload; the worker claims a job once; the page, its progress part, the
command line; and no cell makes run_import raise."""

import io
import zipfile
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from minsheng.core.errors import ActionError, NotAllowed
from minsheng.enterprises import sizes
from minsheng.enterprises.actions import imports
from minsheng.enterprises.models import (
    Entity,
    EnterpriseEvent,
    EventKind,
    ImportJob,
    ImportMode,
    ImportState,
)
from minsheng.enterprises.views.imports import template_workbook
from minsheng.testing import ensure_industries, make_entity, uscc

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

HEAD = ["统一社会信用代码（必填）", "名称", "行业代码", "主体类型", "所在县（市、区）", "所在乡镇（街道）", "成立日期",
        "从业人员（人）", "营业收入（万元）", "资产总额（万元）", "联系人手机"]


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(datetime(2026, 11, 30, 10, 0, tzinfo=SHANGHAI), tick=False):
        ensure_industries()
        yield


def book(rows, head=HEAD) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    if head is not None:
        sheet.append(head)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(data: bytes, name: str = "名录.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=XLSX)


@pytest.fixture
def known(people):
    """Two firms on file: 宏丰 (its employees and phone will change) and 老王 (unchanged)."""
    hongfeng = make_entity(people.hukou, serial=1001, name="江西宏丰塑胶有限公司", employees=320, revenue="18000",
                           legal_representative="宏丰法人", actor=people.liu)
    laowang = make_entity(people.hukou, serial=1002, name="湖口县老王塑料厂", employees=10, revenue="100", actor=people.liu)
    return {"hongfeng": hongfeng, "laowang": laowang}


def wrong_check_digit(code: str) -> str:
    return code[:-1] + ("0" if code[-1] != "0" else "1")


def mixed_rows(people) -> list[list]:
    """Rows 2-5 are good (two new, one update, one unchanged); rows 6-12 are bad, one reason each."""
    new_code = uscc("360429", 2001)
    return [
        [new_code, "湖口县新星电子有限公司", "C3971", "企业", "湖口县", "双钟镇", date(2015, 3, 2), 60, 4500, 3000, ""],  # 2
        [uscc("360429", 2002, kind="92"), "湖口县老李早餐店", "6241", "个体工商户", "", "", "2020/7/1", 3, "", "", ""],  # 3
        [uscc("360429", 1001), "江西宏丰塑胶有限公司", "C2922", "企业", "湖口县", "", None, 350, 18000, None, "139 0792 5566"],  # 4
        [uscc("360429", 1002), "湖口县老王塑料厂", "2922", "企业", "360429", "", None, 10, 100, None, ""],  # 5
        [wrong_check_digit(uscc("360429", 2003)), "校验位错公司", "2922", "企业", "湖口县", "", None, 5, 50, None, ""],  # 6
        [uscc("360429", 2004), "行业错公司", "9999", "企业", "湖口县", "", None, 5, 50, None, ""],  # 7
        [uscc("110105", 3001), "北京某公司", "2922", "企业", "", "", None, 5, 50, None, ""],  # 8: no county of this city
        [new_code, "重复的新星电子", "3971", "企业", "湖口县", "", None, 5, 50, None, ""],  # 9
        [uscc("360429", 2005), "收入非数公司", "2922", "企业", "湖口县", "", None, 5, "NaN", None, ""],  # 10
        [uscc("360429", 2006), "人数文字公司", "2922", "企业", "湖口县", "", None, "三百人", 50, None, ""],  # 11
        [uscc("360403", 4001), "浔阳区某公司", "2922", "企业", "浔阳区", "", None, 5, 50, None, ""],  # 12: another county
    ]


EXPECTED = [
    (6, "统一社会信用代码", "校验位"),
    (7, "行业代码", "不是《国民经济行业分类》"),
    (8, "所在县（市、区）", "请填写所在县"),
    (9, "统一社会信用代码", "与第2行"),
    (10, "营业收入（万元）", "应为数字"),
    (11, "从业人员（人）", "应为数字"),
    (12, "所在县（市、区）", "只能导入本辖区"),
]


def queue_and_run(people, data, mode=ImportMode.ALL_OR_NOTHING, actor=None):
    job = imports.do_queue_import(upload(data), mode=mode, actor=actor or people.liu)
    return imports.run_import(job)


def snapshot():
    return {entity.uscc: {f.attname: getattr(entity, f.attname) for f in Entity._meta.concrete_fields}
            for entity in Entity.objects.all()}


def test_every_bad_row_is_reported_and_all_or_nothing_writes_nothing(people, known):
    before = snapshot()
    job = queue_and_run(people, book(mixed_rows(people)))
    assert job.state == ImportState.REFUSED and "7行有误" in job.message
    assert [(entry["row"], entry["label"]) for entry in job.report] == [(row, label) for row, label, _ in EXPECTED]
    for entry, (_row, _label, words) in zip(job.report, EXPECTED, strict=True):
        assert words in entry["message"], entry
    assert job.report[0]["uscc"] == wrong_check_digit(uscc("360429", 2003))
    assert snapshot() == before  # the registry as it was
    assert (job.created_count, job.updated_count, job.refused_count, job.total_rows) == (0, 0, 7, 11)
    event = EnterpriseEvent.objects.get(kind=EventKind.IMPORTED)
    assert event.entity is None and event.actor == people.liu and event.data["state"] == "refused"
    assert event.data["job"] == job.pk and event.data["file"] == "名录.xlsx"


def test_valid_rows_mode_writes_exactly_the_valid_rows(people, known):
    laowang_before = snapshot()[known["laowang"].uscc]
    job = queue_and_run(people, book(mixed_rows(people)), mode=ImportMode.VALID_ROWS)
    assert job.state == ImportState.DONE
    assert (job.created_count, job.updated_count, job.unchanged_count, job.refused_count, job.total_rows) == (2, 1, 1, 7, 11)
    assert [entry["row"] for entry in job.report] == [row for row, _label, _words in EXPECTED]
    assert set(Entity.objects.values_list("uscc", flat=True)) == {
        uscc("360429", 1001), uscc("360429", 1002), uscc("360429", 2001), uscc("360429", 2002, kind="92")}
    star = Entity.objects.get(uscc=uscc("360429", 2001))
    assert (star.name, star.industry.code, star.township, star.established_on) == (
        "湖口县新星电子有限公司", "3971", people.shuangzhong, date(2015, 3, 2))
    assert star.size_class == sizes.size_class("3971", employees=60, revenue=Decimal("4500"), assets=Decimal("3000"),
                                               on=date(2026, 11, 30))
    shop = Entity.objects.get(uscc=uscc("360429", 2002, kind="92"))
    assert shop.kind == "individual" and shop.region == people.hukou and shop.established_on == date(2020, 7, 1)
    assert shop.size_class == "" and not shop.above_scale
    # The update: only what changed; a column the workbook lacks (法定代表人) keeps its value.
    hongfeng = Entity.objects.get(pk=known["hongfeng"].pk)
    assert (hongfeng.employees, hongfeng.contact_phone, hongfeng.legal_representative) == (350, "13907925566", "宏丰法人")
    assert snapshot()[known["laowang"].uscc] == laowang_before  # the unchanged row wrote nothing
    events = EnterpriseEvent.objects.filter(kind=EventKind.IMPORTED)
    assert events.count() == 1
    assert (events.get().data["created"], events.get().data["updated"], events.get().data["refused"]) == (2, 1, 7)
    assert not EnterpriseEvent.objects.filter(kind=EventKind.REGISTERED, entity=star).exists()  # one event a job


def test_a_clean_file_imported_twice_changes_nothing_the_second_time(people, known):
    rows = mixed_rows(people)[:4]
    first = queue_and_run(people, book(rows))
    assert first.state == ImportState.DONE and (first.created_count, first.updated_count, first.unchanged_count) == (2, 1, 1)
    before = snapshot()
    again = queue_and_run(people, book(rows))
    assert (again.created_count, again.updated_count, again.unchanged_count, again.refused_count) == (0, 0, 4, 0)
    assert snapshot() == before
    assert EnterpriseEvent.objects.filter(kind=EventKind.IMPORTED).count() == 2


def test_a_firm_of_another_county_on_file_cannot_be_changed_by_this_countys_keeper(people):
    other = make_entity(people.xunyang, serial=5001, name="浔阳区老字号", actor=people.sun)
    job = queue_and_run(people, book([[other.uscc, "改名", "2922", "企业", "", "", None, 5, 50, None, ""]]),
                        mode=ImportMode.VALID_ROWS)
    assert job.report[0]["label"] == "所在县（市、区）" and "浔阳区建档" in job.report[0]["message"]
    assert Entity.objects.get(pk=other.pk).name == "浔阳区老字号"


def test_a_code_filed_by_someone_else_while_the_rows_were_checked_fails_the_job_and_writes_nothing(people, monkeypatch):
    rows = mixed_rows(people)[:2]
    write = imports._Run.write

    def filed_meanwhile(run):
        make_entity(people.hukou, serial=2001, name="抢先建档的公司", actor=people.liu)
        return write(run)

    monkeypatch.setattr(imports._Run, "write", filed_meanwhile)
    job = queue_and_run(people, book(rows), mode=ImportMode.VALID_ROWS)
    assert job.state == ImportState.FAILED and "同时登记" in job.message
    assert not Entity.objects.exists() and (job.created_count, job.updated_count) == (0, 0)
    assert EnterpriseEvent.objects.filter(kind=EventKind.IMPORTED).count() == 1


def test_the_templates_example_row_imports_and_documents_every_column(people):
    data = template_workbook()
    sheets = load_workbook(io.BytesIO(data), read_only=True)
    assert sheets.sheetnames == ["市场主体名录", "填写说明", "行业代码"]
    head = next(sheets["市场主体名录"].iter_rows(values_only=True))
    assert head[0] == "统一社会信用代码（必填）" and "联系人手机" in head
    documented = [row[0] for row in sheets["填写说明"].iter_rows(min_row=2, values_only=True) if row and row[1]]
    assert documented == [column.header for column in imports.COLUMNS]
    job = queue_and_run(people, data)
    assert job.state == ImportState.DONE and job.created_count == 1
    assert Entity.objects.get(uscc=imports.EXAMPLE_USCC).township == people.shuangzhong


def test_only_keepers_may_upload(people, client):
    with pytest.raises(NotAllowed):
        imports.do_queue_import(upload(book(mixed_rows(people)[:1])), mode=ImportMode.ALL_OR_NOTHING, actor=people.huang)
    client.force_login(people.huang)  # a handler of the county
    url = reverse("enterprises:import")
    assert client.get(url).status_code == 403
    response = client.post(url, {"file": upload(book(mixed_rows(people)[:1])), "mode": "all_or_nothing"})
    assert response.status_code == 403 and "督办员或管理员" in response.content.decode()
    client.force_login(people.nobody)  # no department: not staff
    assert client.get(url).status_code == 404
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("name, content, words", [
    ("名单.csv", b"uscc,name\n1,2\n", "名单.csv"),
    ("伪装.xlsx", b"this is not a workbook", "伪装.xlsx"),
    ("空的.xlsx", b"", "空的.xlsx"),
])
def test_a_file_that_is_not_a_workbook_is_refused_naming_it(people, client, name, content, words):
    client.force_login(people.liu)
    response = client.post(reverse("enterprises:import"), {"file": SimpleUploadedFile(name, content), "mode": "valid_rows"})
    assert response.status_code == 400
    assert words in response.content.decode()
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("data, words", [
    (book([], head=None), "缺少必填列：统一社会信用代码、名称、行业代码"),  # an empty workbook
    (book([[uscc("360429", 2001), "某公司"]], head=["统一社会信用代码", "名称"]), "缺少必填列：行业代码"),
    (book([], head=HEAD), "没有数据行"),
])
def test_an_empty_workbook_or_a_missing_column_is_refused_naming_the_column(people, client, data, words):
    client.force_login(people.liu)
    response = client.post(reverse("enterprises:import"), {"file": upload(data, "表.xlsx"), "mode": "valid_rows"})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.state == ImportState.QUEUED  # the upload answers at once
    imports.sweep_import_jobs(1)
    job.refresh_from_db()
    assert job.state == ImportState.REFUSED and words in job.message and not Entity.objects.exists()
    page = client.get(reverse("enterprises:import-job", args=[job.pk])).content.decode()
    assert "表.xlsx" in page and words in page and "未导入" in page


def test_a_zip_that_is_no_workbook_is_refused_at_once(people):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as target:
        target.writestr("readme.txt", "not a workbook")
    job = imports.do_queue_import(upload(archive.getvalue(), "压缩包.xlsx"), mode=ImportMode.VALID_ROWS, actor=people.liu)
    assert imports.run_import(job).state == ImportState.REFUSED  # a zip, but no sheet: refused by the job
    with pytest.raises(ActionError) as refused:
        imports.do_queue_import(upload(b"PK\x03\x04" + b"\x00" * 100, "坏包.xlsx"), mode=ImportMode.VALID_ROWS,
                                actor=people.liu)
    assert refused.value.field == "file" and "坏包.xlsx" in refused.value.message


def test_a_file_damaged_in_the_middle_is_refused_not_failed(people):
    """A NUL inside a number breaks the sheet's XML where it is: the file is refused whole (the
    sheet is read in full before the first row is checked), and nothing is written."""
    rows = [[uscc("360429", 6000 + n), f"公司{n}", "2922", "企业", "湖口县", "", None, 5, 50, None, ""] for n in range(3)]
    rows.append([uscc("360429", 6100), "某公司", "2922", "企业", "湖口县", "", None, 987654321, 50, None, ""])
    damaged = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(book(rows))) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename).replace(b"987654321", b"98\x0054321"))
    job = ImportJob.objects.create(uploaded_by=people.liu, original_name="坏.xlsx", mode=ImportMode.VALID_ROWS)
    job.file.save("bad.xlsx", io.BytesIO(damaged.getvalue()))
    job = imports.run_import(job)
    assert job.state == ImportState.REFUSED and "无法作为Excel" in job.message, job.message
    assert not Entity.objects.exists()
    text_with_del = queue_and_run(people, book([[uscc("360429", 6200), "宏丰\x7f塑胶", "2922"]], head=HEAD[:3]),
                                  mode=ImportMode.VALID_ROWS)
    assert text_with_del.report[0]["label"] == "名称" and "控制字符" in text_with_del.report[0]["message"]


def test_the_worker_claims_a_queued_job_once(people):
    job = imports.do_queue_import(upload(book(mixed_rows(people)[:2])), mode=ImportMode.ALL_OR_NOTHING, actor=people.liu)
    assert job.state == ImportState.QUEUED
    assert imports.sweep_import_jobs(10) == 1
    assert imports.sweep_import_jobs(10) == 0
    job.refresh_from_db()
    assert job.state == ImportState.DONE and job.started_at and job.finished_at and job.created_count == 2
    assert EnterpriseEvent.objects.filter(kind=EventKind.IMPORTED).count() == 1


def test_a_job_abandoned_while_running_is_marked_failed(people):
    job = imports.do_queue_import(upload(book(mixed_rows(people)[:1])), mode=ImportMode.ALL_OR_NOTHING, actor=people.liu,
                                  start=True)
    with time_machine.travel(datetime(2026, 11, 30, 17, 0, tzinfo=SHANGHAI), tick=False):
        assert imports.sweep_import_jobs(10) == 0
    job.refresh_from_db()
    assert job.state == ImportState.FAILED and "中断" in job.message and not Entity.objects.exists()


def test_the_pages_upload_follow_and_report(people, known, client):
    client.force_login(people.liu)
    page = client.get(reverse("enterprises:import"))
    assert page.status_code == 200 and "下载导入模板" in page.content.decode()
    response = client.post(reverse("enterprises:import"), {"file": upload(book(mixed_rows(people))), "mode": "valid_rows"})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("enterprises:import-job", args=[job.pk])

    page = client.get(reverse("enterprises:import-job", args=[job.pk]))
    html = page.content.decode()
    assert "排队中" in html and 'hx-trigger="every 1s"' in html and 'hx-swap="outerHTML"' in html
    assert reverse("enterprises:import-progress", args=[job.pk]) in html
    assert '"includeIndicatorStyles":false' in html and "vendor/htmx/htmx.min.js" in html
    assert ">刷新</a>" in html  # without script: a link, no meta refresh
    assert 'aria-live="polite"' in html and '<label for="import-bar">' in html
    # Nothing the Content-Security-Policy would block: no inline script or style.
    assert "<style" not in html and " style=" not in html and 'http-equiv="refresh"' not in html
    assert all("src=" in tag.split(">")[0] for tag in html.split("<script")[1:])
    assert "script-src 'self'" in page["Content-Security-Policy"]

    # Running: the progress part shows the counts and keeps polling.
    ImportJob.objects.filter(pk=job.pk).update(state=ImportState.RUNNING, processed_rows=1000, total_rows=4000,
                                               message=imports.STEP_CHECK)
    part = client.get(reverse("enterprises:import-progress", args=[job.pk]) + "?shown=queued").content.decode()
    assert "已处理1000行，共4000行（25%）" in part and 'value="1000"' in part and 'max="4000"' in part
    assert 'hx-trigger="every 1s"' in part and "?shown=check" in part
    assert 'hx-swap-oob="innerHTML:#import-state"' in part and imports.STEP_CHECK in part  # the step changed: announced
    part = client.get(reverse("enterprises:import-progress", args=[job.pk]) + "?shown=check").content.decode()
    assert "hx-swap-oob" not in part  # the same step: the live region is left alone

    # Done: the counts and the report, and the polling stops.
    ImportJob.objects.filter(pk=job.pk).update(state=ImportState.QUEUED)
    imports.sweep_import_jobs(1)
    response = client.get(reverse("enterprises:import-progress", args=[job.pk]) + "?shown=check")
    part = response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert "hx-get" not in part and "hx-trigger" not in part
    assert "新建</dt><dd>2户" in part and "更新</dt><dd>1户" in part and "无变化</dt><dd>1户" in part and "有误</dt><dd>7行" in part
    assert "第12行" in part and "只能导入本辖区" in part and "已完成" in part
    report = client.get(reverse("enterprises:import-report", args=[job.pk]))
    rows = list(load_workbook(io.BytesIO(report.content), read_only=True).active.iter_rows(values_only=True))
    assert rows[0] == ("行号", "统一社会信用代码", "列", "问题") and [row[0] for row in rows[1:]] == [6, 7, 8, 9, 10, 11, 12]
    template = client.get(reverse("enterprises:import-template"))
    assert template.status_code == 200 and template["Content-Type"] == XLSX


def test_a_job_is_seen_by_its_uploader_and_the_citys_keepers_only(people, client):
    job = imports.do_queue_import(upload(book(mixed_rows(people)[:1])), mode=ImportMode.ALL_OR_NOTHING, actor=people.liu)
    for user, status in ((people.liu, 200), (people.sun, 200), (people.xu, 404), (people.huang, 404)):
        client.force_login(user)
        for name in ("import-job", "import-progress", "import-report"):
            assert client.get(reverse(f"enterprises:{name}", args=[job.pk])).status_code == status, (user, name)


def test_the_command_line_prints_the_report_and_exits_non_zero_when_refused(people, known, tmp_path):
    path = tmp_path / "名录.xlsx"
    path.write_bytes(book(mixed_rows(people)))
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("import_entities", str(path), "--user", "liuwei", stdout=out, stderr=err)
    assert refused.value.returncode == 2
    text = out.getvalue()
    assert "未导入" in text and "有误7行" in text
    for row, label, words in EXPECTED:
        line = next(line for line in text.splitlines() if line.startswith(f"第{row}行"))
        assert label in line and words in line
    assert imports.STEP_CHECK in err.getvalue()
    assert Entity.objects.count() == 2

    out, err = io.StringIO(), io.StringIO()
    call_command("import_entities", str(path), "--user", "liuwei", "--valid-rows", stdout=out, stderr=err)
    assert "新建2户，更新1户，无变化1户，有误7行" in out.getvalue() and imports.STEP_WRITE in err.getvalue()
    assert Entity.objects.count() == 4
    with pytest.raises(CommandError):
        call_command("import_entities", str(tmp_path / "没有.xlsx"), stdout=io.StringIO(), stderr=io.StringIO())
    with pytest.raises(CommandError) as refused:
        call_command("import_entities", str(path), "--user", "huangxin", stdout=io.StringIO(), stderr=io.StringIO())
    assert "督办员或管理员" in str(refused.value)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a second writer while the import's transaction is open")
def test_the_progress_is_seen_by_another_connection_while_the_write_is_still_open(people, monkeypatch):
    monkeypatch.setattr(imports, "WRITE_CHUNK", 2)
    rows = [[uscc("360429", 8000 + n), f"进度测试{n}号公司", "2922", "企业", "湖口县", "", None, 5, 50, None, ""] for n in range(6)]
    job = imports.do_queue_import(upload(book(rows)), mode=ImportMode.ALL_OR_NOTHING, actor=people.liu)
    other = connections.create_connection("default")  # what the polling page sees
    seen = []

    def look(step, done, total):
        if step == imports.STEP_WRITE:
            with other.cursor() as cursor:
                cursor.execute("SELECT processed_rows, message FROM enterprises_importjob WHERE id = %s", [job.pk])
                progress = cursor.fetchone()
                cursor.execute("SELECT count(*) FROM enterprises_entity")
                seen.append((done, progress, cursor.fetchone()[0]))

    try:
        job = imports.run_import(job, progress=look)
    finally:
        other.close()
    assert job.state == ImportState.DONE and job.created_count == 6
    # Each write step's call sees the step before it committed to the job row, while the firms
    # written so far are not visible yet: the import's own transaction is still open.
    assert seen == [(2, (6, imports.STEP_CHECK), 0), (4, (2, imports.STEP_WRITE), 0), (6, (4, imports.STEP_WRITE), 0)]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_in_a_browser_the_page_polls_under_the_content_security_policy_and_stops_when_done(live_server, settings, desk):
    """The `desk` fixture fails the test on any Content-Security-Policy violation."""
    from minsheng.cases.catalogue import create_kinds
    from minsheng.core.tests.browser import log_in
    from minsheng.testing import PASSWORD, make_personas

    settings.DEBUG = False
    create_kinds()
    people = make_personas()
    job = imports.do_queue_import(upload(book(mixed_rows(people))), mode=ImportMode.VALID_ROWS, actor=people.liu)
    log_in(desk, live_server.url, "liuwei", PASSWORD)
    polls = []
    desk.on("request", lambda request: polls.append(request.url) if "/progress/" in request.url else None)
    desk.goto(f"{live_server.url}{reverse('enterprises:import-job', args=[job.pk])}")
    desk.wait_for_timeout(2500)
    assert polls and desk.locator("#import-state").inner_text().startswith("状态：排队中")
    imports.sweep_import_jobs(1)
    desk.wait_for_timeout(2500)
    assert "已完成" in desk.locator("#import-state").inner_text()
    assert "第12行" in desk.locator("#import-progress").inner_text()
    count = len(polls)
    desk.wait_for_timeout(2500)
    assert len(polls) == count  # the finished part polls no more
    assert desk.evaluate("document.querySelectorAll('style').length") == 0  # htmx added no inline style


# --- no cell makes run_import raise -----------------------------------------------------------------

# What openpyxl can write at all (XML 1.0 forbids the other C0 controls); DEL it can, and is refused.
_writable = st.characters(blacklist_categories=("Cs",),
                          blacklist_characters="".join(map(chr, [*range(0, 9), 11, 12, *range(14, 32)])))
_headers = st.lists(st.one_of(st.sampled_from([column.header for column in imports.COLUMNS]),
                              st.text(alphabet=_writable, max_size=12)), min_size=1, max_size=8)
_cells = st.one_of(
    st.none(), st.booleans(),
    st.text(alphabet=_writable, max_size=40), st.text(alphabet=_writable, max_size=3).map(lambda text: text + "\x7f"),
    st.integers(min_value=-10**30, max_value=10**30), st.floats(allow_nan=True, allow_infinity=True),
    st.dates(min_value=date(1900, 3, 1)), st.datetimes(min_value=datetime(1900, 3, 1)),
    st.sampled_from(["2026-02-30", "2026/13/01", "0000-00-00", "1e999", "NaN", "-0", "C2922", "湖口县", "双钟镇", "360429",
                     "注销", "是", uscc("360429", 7000)]),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(headers=_headers, rows=st.lists(st.lists(_cells, max_size=8), max_size=6), mode=st.sampled_from(ImportMode.values))
def test_no_cell_or_header_makes_the_import_raise(people, headers, rows, mode):
    data = book(rows, head=["统一社会信用代码", "名称", "行业代码", *headers])
    job = ImportJob.objects.create(uploaded_by=people.liu, original_name="fuzz.xlsx", mode=mode)
    job.file.save("fuzz.xlsx", io.BytesIO(data))
    job = imports.run_import(job)
    assert job.state in (ImportState.DONE, ImportState.REFUSED), job.message
    # Every refusal names its row and its column: none is the catch-all for a cell no rule foresaw.
    assert all(entry["row"] >= 2 and entry["field"] and entry["message"] for entry in job.report), job.report


def test_a_firm_moved_to_another_county_by_the_import_leaves_its_old_grid(people):
    from minsheng.enterprises import actions, queries

    shop = make_entity(people.hukou, kind="individual", name="双钟镇早餐店", industry="6241", actor=people.liu)
    grid = actions.do_create_grid(region=people.hukou, name="双钟镇一网格", township=people.shuangzhong, actor=people.liu)
    actions.do_add_to_grid(grid, [shop], starts_on=date(2026, 1, 1), actor=people.liu)
    actions.do_assign_grid(grid, helper=people.wu, starts_on=date(2026, 1, 1), actor=people.liu)
    data = book([[shop.uscc, shop.name, "6241", "个体工商户", "浔阳区"]], head=["统一社会信用代码", "名称", "行业代码", "主体类型",
                                                                        "所在县（市、区）"])
    job = imports.run_import(imports.do_queue_import(upload(data), mode=ImportMode.ALL_OR_NOTHING, actor=people.sun, start=True))
    assert (job.state, job.updated_count) == (ImportState.DONE, 1) and "退出原网格1个" in job.message
    assert shop.grid_memberships.get().ends_on is not None
    assert queries.helpers_of(shop) == [] and queries.coverage(people.xunyang).gaps == [shop]
