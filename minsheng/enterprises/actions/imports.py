"""The registry's import from a workbook (一企一档, one row a firm), matched by 统一社会信用代码:
new codes are filed, known ones updated where something changed.

How a job runs
--------------
`do_queue_import` checks the uploader (a keeper of some county's registry) and the file (an
.xlsx by its first bytes and its name, at most MAX_BYTES, a zip that unpacks to a sane size) and
stores it in an ImportJob, QUEUED. Its columns and rows are read by the job, not the upload's
request: a workbook of 100,000 rows takes seconds just to open. The worker's sweep
(`sweep_import_jobs`) claims queued jobs one at a time and runs them; the command line
(`import_entities`) queues its file already RUNNING and runs it at once, so no worker takes it.

`run_import` works in two steps:

1. Check, outside any transaction. Every row becomes an EntityDraft (a known firm's draft starts
   from its file, so a column the workbook leaves out keeps what the registry has) and is checked
   by registry.clean_entity, the one rule for a valid entry, with the industries and regions
   preloaded so a row costs no query; then the uploader must keep the firm's county (and, for a
   known firm, its present county), and a code may appear once in the file. Every refused row
   goes into the report with its row number, column and reason.
2. Write, in one transaction, so a crash or a refusal leaves the registry as it was: new firms
   inserted a chunk at a time, known ones (locked, and read again: someone may have changed them
   during step 1) updated in only the columns the workbook has, and only where a value changed
   (a row that changes nothing is counted as unchanged in step 1 and not written); size class
   and 规上 derived by registry.derive. On PostgreSQL the chunks are written with COPY and with
   one UPDATE ... FROM unnest(...), elsewhere with bulk_create and bulk_update (see _insert for
   why). All-or-nothing (全部无误才导入) writes nothing when any row was refused; 只导入无误的行
   writes the valid rows and reports the rest.

The job ends DONE, REFUSED (all-or-nothing with refused rows, or a file that cannot be read) or
FAILED (an error nobody foresaw; logged, nothing written), with one EnterpriseEvent.

Progress
--------
The job row itself carries the progress (processed_rows of total_rows, and the step in
`message`); the page polls it. Step 1 runs outside a transaction, so its updates are committed as
they are made. Step 2 keeps its transaction open until the last row is written, and an update of
the job row made inside it would be seen by nobody until then; so on PostgreSQL every progress
update goes through a second database connection of its own, in autocommit, which the page sees
at once (the import's transaction never touches the job row until its last statement, so the two
connections never wait for each other). The shared cache would not do: without Redis it is a
table written through the import's own connection, inside its transaction. SQLite allows one
writer at a time and the open transaction is it, so there step 2 reports no progress until it
commits (a few seconds for the demo's 17,809 rows). When run_import is called inside a caller's
transaction (the tests), every update goes through the caller's connection.
"""

import io
import logging
import re
import uuid
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property

from django.core.files import File
from django.db import DEFAULT_DB_ALIAS, DatabaseError, IntegrityError, connection, connections, transaction
from django.utils import timezone

from minsheng.core import clock
from minsheng.core.errors import ActionError, NotAllowed
from minsheng.core.identity import uscc_check_char
from minsheng.core.spreadsheets import SheetError, cell_text, read_rows
from minsheng.core.text import check_text
from minsheng.core.uploads import XLSX_KIND, check_upload
from minsheng.enterprises import rules
from minsheng.enterprises.actions._base import write_event
from minsheng.enterprises.actions.helpers import leave_other_counties_grids
from minsheng.enterprises.actions.registry import LABELS, EntityDraft, clean_entity, derive
from minsheng.enterprises.models import (
    Entity,
    EventKind,
    ImportJob,
    ImportMode,
    ImportState,
    Industry,
    IndustryLevel,
)
from minsheng.org.access import jurisdiction
from minsheng.org.models import Region, RegionLevel, User

logger = logging.getLogger("minsheng.enterprises.imports")

MAX_BYTES = 30 * 1024 * 1024  # a 200,000-row workbook of every column is about 20 MB
MAX_UNPACKED = 800 * 1024 * 1024  # what the parts of the .xlsx (a zip) may unpack to
MAX_ROWS = 200_000
CHECK_CHUNK = 1000  # rows looked up together (one query for the known firms among them)
WRITE_CHUNK = 2000  # rows written together (one locking query, then the batched INSERT/UPDATE)
PROGRESS_EVERY = 1000
REPORT_SHOWN = 500  # refused rows the job page lists; the downloaded report has them all

STEP_CHECK = "第1步（共2步）：检查各行"
STEP_WRITE = "第2步（共2步）：写入名录"


@dataclass(frozen=True)
class Column:
    header: str  # the column's name in the workbook's first row
    field: str  # the EntityDraft field it fills
    required: bool
    example: object
    note: str


_EXAMPLE_FIRST17 = "91360429MA35F2K3X"
EXAMPLE_USCC = _EXAMPLE_FIRST17 + uscc_check_char(_EXAMPLE_FIRST17)

# The documented column set, in the template's order. A workbook may leave out any column that is
# not required (a known firm then keeps its value) and may order them as it likes.
COLUMNS = (
    Column("统一社会信用代码", "uscc", True, EXAMPLE_USCC,
           "18位，按营业执照填写。已建档的按此代码更新原档案，未建档的新建档案。同一文件中不能重复。"),
    Column("名称", "name", True, "江西宏丰塑胶有限公司", "市场主体名称，不超过200字。"),
    Column("行业代码", "industry", True, "C2922",
           "《国民经济行业分类》（GB/T 4754-2017）的小类代码，四位数字，可带门类字母（如C2922），见“行业代码”表。"),
    Column("主体类型", "kind", False, "企业", "企业、个体工商户或农民专业合作社；不填为企业。"),
    Column("所在县（市、区）", "region", False, "湖口县",
           "本市县（市、区）的名称或代码；不填时按统一社会信用代码第3至8位（登记机关代码）确定，登记机关不在本市的必须填写。"),
    Column("所在乡镇（街道）", "township", False, "双钟镇", "名称或代码，须在所在县（市、区）内。"),
    Column("住所（经营场所）", "address", False, "湖口县金砂湾工业园", "不超过200字。"),
    Column("成立日期", "established_on", False, date(2009, 5, 12), "日期，如2009-05-12，在1949年10月1日至今天之间。"),
    Column("法定代表人（经营者）", "legal_representative", False, "王宏丰", "不超过50字。"),
    Column("登记状态", "status", False, "存续", "存续、注销或吊销；不填为存续。"),
    Column("注销（吊销）日期", "closed_on", False, None, "注销或吊销的必须填写，如2024-06-30。"),
    Column("经营数据年度", "figures_year", False, 2025, "从业人员、营业收入、资产总额所属的年度，如2025，不晚于今年。"),
    Column("从业人员（人）", "employees", False, 320, "整数，单位人。"),
    Column("营业收入（万元）", "revenue", False, 18000, "单位万元，最多两位小数。"),
    Column("资产总额（万元）", "assets", False, 15600, "单位万元，最多两位小数。"),
    Column("具有建筑业或房地产开发资质", "qualified", False, "否", "是或否；不填为否。用于判断建筑业、房地产开发企业是否规上。"),
    Column("重点企业", "is_key", False, "否", "是或否；规上之外列入一对一帮扶的重点中小企业填“是”。"),
    Column("联系人", "contact_name", False, "王经理", "不超过30字。"),
    Column("联系人手机", "contact_phone", False, "13907925566", "11位手机号码；企业登录时向这个号码发送验证码。"),
)
COLUMN_OF = {column.field: column for column in COLUMNS}
REQUIRED = [(column.field, column.header) for column in COLUMNS if column.required]
_ALIASES = {
    "uscc": ["社会信用代码", "信用代码", "统一代码"],
    "name": ["企业名称", "主体名称", "市场主体名称"],
    "industry": ["行业", "行业小类代码", "国民经济行业代码"],
    "kind": ["类型"],
    "region": ["所在县", "县（市、区）", "县区", "所在县区"],
    "township": ["乡镇（街道）", "所在乡镇", "乡镇街道", "乡镇"],
    "address": ["住所", "经营场所", "地址"],
    "employees": ["从业人员", "从业人数"],
    "figures_year": ["年度"],
    "contact_phone": ["联系电话", "手机", "联系人电话"],
}


def _spellings(name: str) -> list[str]:
    """A header as typed with full-width or ASCII brackets."""
    return [name, name.replace("（", "(").replace("）", ")")]


HEADERS = {
    spelling: field
    for field, names in {c.field: [c.header, LABELS[c.field], *_ALIASES.get(c.field, [])] for c in COLUMNS}.items()
    for name in names for spelling in _spellings(name)
}
# What the workbook's columns write to the firm's file: a column's own field, with the fields
# its value goes with (a state and its date; a county and the township in it).
_WRITES = {"region": ("region_id", "township_id"), "township": ("township_id",), "industry": ("industry_id",),
           "status": ("status", "closed_on"), "closed_on": ("status", "closed_on")}
# The fields written to an Entity, in the order of the rows kept between the two steps.
FIELDS = ("uscc", "name", "kind", "region_id", "township_id", "address", "industry_id", "established_on",
          "legal_representative", "status", "closed_on", "figures_year", "employees", "revenue", "assets", "qualified",
          "is_key", "contact_name", "contact_phone", "size_class", "above_scale")
_INDEX = {name: index for index, name in enumerate(FIELDS)}
_DERIVED = ("size_class", "above_scale")
_DERIVED_FROM = ("kind", "industry_id", "employees", "revenue", "assets", "qualified")


# --- who may import, who may see a job ------------------------------------------------------------

def keeps_registry(user: User | None) -> bool:
    """Whether `user` keeps the registry of at least one county (their own, or the city's every
    county): who may upload a workbook."""
    area = jurisdiction(user) if user is not None else None
    return area is not None and rules.may_keep_registry(user, area)


def keeps_city_registry(user: User) -> bool:
    """Whether `user` keeps the whole city's registry (the city's supervisors and administrators)."""
    city = Region.objects.filter(level=RegionLevel.CITY).order_by("code").first()
    return city is not None and rules.may_keep_registry(user, city)


def may_see_job(user: User, job: ImportJob) -> bool:
    """A job is seen by its uploader and by the keepers of the city's registry."""
    if not user.is_authenticated:
        return False
    if job.uploaded_by_id is not None and job.uploaded_by_id == user.pk:
        return True
    return keeps_city_registry(user)


# --- queueing -------------------------------------------------------------------------------------

def _unpacked_size(data: bytes) -> int | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None


def check_archive(data: bytes, name: str) -> None:
    """The file is a zip (as an .xlsx is) that unpacks to a sane size; else ActionError on the
    field "file" naming it. Cheap, so the upload answers at once: its columns and rows are read
    by the job (a workbook of 100,000 rows takes seconds just to open)."""
    size = _unpacked_size(data)
    if size is None:
        raise ActionError(f"文件“{name}”无法作为Excel（.xlsx）工作簿打开。", field="file")
    if size > MAX_UNPACKED:
        raise ActionError(f"文件“{name}”解压后超过{MAX_UNPACKED // 1048576} MB，请分成几个文件导入。", field="file")


@transaction.atomic
def do_queue_import(upload, *, mode: str, actor: User | None, start: bool = False) -> ImportJob:
    """Store an uploaded registry workbook as a job for the worker. `start`: the caller runs it
    now (the command line), so it is stored RUNNING and no worker claims it. No event yet: the
    import's one event is written when it finishes."""
    if actor is not None and not keeps_registry(actor):
        raise NotAllowed("只有营商办的督办员或管理员可以导入市场主体名录。")
    if mode not in ImportMode.values:
        raise ActionError("请选择导入方式。", field="mode")
    if upload is None:
        raise ActionError("请选择要导入的文件。", field="file")
    check_upload(upload, field="file", label="文件", kinds=(XLSX_KIND,), max_bytes=MAX_BYTES)
    name = check_text((upload.name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1], field="file", label="文件名")[:200]
    upload.seek(0)
    data = upload.read()
    check_archive(data, name)
    now = clock.now()
    job = ImportJob(uploaded_by=actor, original_name=name, mode=mode, state=ImportState.RUNNING if start else ImportState.QUEUED,
                    started_at=now if start else None)
    # The stored name is made up: the original (kept in original_name) may hold anything.
    job.file.save(f"{uuid.uuid4().hex}.xlsx", File(io.BytesIO(data)), save=False)
    job.save()
    return job


# --- the worker's sweep ---------------------------------------------------------------------------

def sweep_import_jobs(limit: int) -> int:
    """Run up to `limit` queued jobs, oldest first; returns how many were run. Each job is claimed
    (QUEUED -> RUNNING) in a short transaction of its own with SKIP LOCKED, then run outside it,
    so several workers share the queue and never run one job twice."""
    _fail_abandoned()
    done = 0
    while done < limit:
        with transaction.atomic():
            job = (ImportJob.objects.select_for_update(skip_locked=True).filter(state=ImportState.QUEUED)
                   .order_by("created_at", "pk").first())
            if job is None:
                break
            job.state = ImportState.RUNNING
            job.started_at = clock.now()
            job.save(update_fields=["state", "started_at"])
        run_import(job)
        done += 1
    return done


STALE_AFTER = timedelta(hours=6)


def _fail_abandoned() -> None:
    """A job still RUNNING long after any import could take (the worker or the command line was
    killed in the middle) wrote nothing (step 2 is one transaction): it is marked failed, so its
    page stops waiting. The table has a row an upload (a few a week), so this costs nothing without
    an index of its own."""
    with transaction.atomic():
        for job in (ImportJob.objects.select_for_update(skip_locked=True, of=("self",)).select_related("uploaded_by")
                    .filter(state=ImportState.RUNNING, started_at__lt=clock.now() - STALE_AFTER)):
            _finish(job, state=ImportState.FAILED, counts=_NOTHING, report=[],
                    message="导入中断（工作进程在导入中途停止），未写入任何数据，请重新上传。")


# --- running a job --------------------------------------------------------------------------------

class _Progress:
    """Where the job's progress is written while it runs (see the module's docstring)."""

    def __init__(self, job: ImportJob, callback):
        self.job = job
        self.callback = callback
        self.nested = connection.in_atomic_block
        self.side = None
        if not self.nested and connection.vendor != "sqlite":
            self.side = connections.create_connection(DEFAULT_DB_ALIAS)
        self.table = connection.ops.quote_name(ImportJob._meta.db_table)

    def __call__(self, step: str, done: int, total: int) -> None:
        total = max(total, done) if total else 0  # 0: not known yet (the page shows no percentage)
        if self.callback is not None:
            self.callback(step, done, total)
        values = {"processed_rows": done, "total_rows": total, "message": step}
        if self.side is not None:
            try:
                with self.side.cursor() as cursor:
                    cursor.execute(f"UPDATE {self.table} SET processed_rows = %s, total_rows = %s, message = %s WHERE id = %s",
                                   [done, total, step, self.job.pk])
                return
            except DatabaseError:  # no second connection to be had: the import goes on without it
                logger.warning("enterprise import %s: progress cannot be written", self.job.pk, exc_info=True)
                self.close()
                self.side = None
        if self.nested or not connection.in_atomic_block:
            ImportJob.objects.filter(pk=self.job.pk).update(**values)
        # else: inside the write transaction with no second connection (SQLite: one writer at a time).

    def close(self) -> None:
        if self.side is not None:
            self.side.close()


@dataclass
class _Lookups:
    """The tables every row is checked against, read once."""

    industries: dict  # code -> Industry (小类)
    industry_codes: dict  # id -> code
    counties: dict  # code -> Region, as clean_entity takes them
    regions: dict  # code -> Region
    county_names: dict  # name -> Region
    townships: dict  # (county id, name) -> Region
    township_names: dict  # name -> Region, when the name is unique
    by_id: dict  # id -> Region

    @classmethod
    def load(cls) -> "_Lookups":
        industries = {industry.code: industry for industry in Industry.objects.filter(level=IndustryLevel.CLASS)}
        regions = list(Region.objects.all())
        counties = [region for region in regions if region.level == RegionLevel.COUNTY]
        townships = [region for region in regions if region.level == RegionLevel.TOWNSHIP]
        township_names: dict = {}
        for township in townships:
            township_names[township.name] = None if township.name in township_names else township
        return cls(
            industries=industries, industry_codes={industry.pk: code for code, industry in industries.items()},
            counties={region.code: region for region in counties}, regions={region.code: region for region in regions},
            county_names={region.name: region for region in counties},
            townships={(region.parent_id, region.name): region for region in townships},
            township_names={name: region for name, region in township_names.items() if region is not None},
            by_id={region.pk: region for region in regions},
        )

    def county(self, text: str):
        """The county a cell names (by code or name), or the text for clean_entity to refuse."""
        return self.regions.get(text) or self.county_names.get(text) or text

    def township(self, text: str, county):
        found = self.regions.get(text)
        if found is None and isinstance(county, Region):
            found = self.townships.get((county.pk, text))
        return found or self.township_names.get(text) or text


_DATE_TEXT = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_DATE_FIELDS = ("established_on", "closed_on")


def _cell(field: str, value):
    """A cell as clean_entity takes it: a date cell as a date, a date typed as text in the usual
    ways (2009/5/12, 2009年5月12日, 20090512) as an ISO date, anything else as the text typed."""
    if field in _DATE_FIELDS:
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = cell_text(value)
        match = _DATE_TEXT.fullmatch(text)
        if match:
            year, month, day = match.groups()
            return f"{year}-{int(month):02d}-{int(day):02d}"
        if len(text) == 8 and text.isdigit():
            return f"{text[:4]}-{text[4:6]}-{text[6:]}"
        return text
    if type(value) is str:  # noqa: E721 - the common case first: one import runs this two million times
        return value.strip()
    if isinstance(value, (datetime, date)):
        return value.isoformat()  # a date where a number or text belongs: refused on its field
    return cell_text(value)


def _code_key(value) -> str:
    return cell_text(value).replace(" ", "").upper()[:40]


_DRAFT_FROM_FILE = ("uscc", "name", "kind", "address", "established_on", "legal_representative", "status", "closed_on",
                    "figures_year", "employees", "revenue", "assets", "qualified", "is_key", "contact_name", "contact_phone")
_KNOWN_FIELDS = ("id", *FIELDS)
# Where each of Entity's columns is in a kept row (None: the id, and the times bulk_create sets):
# a model built from positional values costs half of one built from keywords.
_POSITIONS = [_INDEX.get(field.attname) for field in Entity._meta.concrete_fields]


class _Run:
    """One job's rows through the two steps."""

    def __init__(self, job: ImportJob, progress: _Progress):
        self.job = job
        self.actor = job.uploaded_by
        self.mode = job.mode
        self.progress = progress
        self.lookups = _Lookups.load()
        self.today = clock.today()
        self.keeps: dict[int, bool] = {}
        self.report: list[dict] = []
        self.valid: list[tuple] = []  # (ordinal, row number, known, values in FIELDS order)
        self.seen: dict[str, int] = {}  # code -> the row it was first seen on
        self.present: set[str] = set()  # the EntityDraft fields the workbook has columns for
        self.total = 0
        self.created = self.updated = self.unchanged = 0
        self.left_grids = 0  # memberships of the old county's grids ended for firms moved to another county

    # step 1 ---------------------------------------------------------------------------------------

    def refuse(self, row: int, code, field: str, message: str) -> None:
        column = COLUMN_OF.get(field)
        self.report.append({"row": row, "uscc": cell_text(code)[:30], "field": field,
                            "label": column.header if column else LABELS.get(field, ""), "message": message})

    def may_keep(self, region_id: int) -> bool:
        if self.actor is None:
            return True
        if region_id not in self.keeps:
            self.keeps[region_id] = rules.may_keep_registry(self.actor, self.lookups.by_id[region_id])
        return self.keeps[region_id]

    def check(self, data: bytes, estimate: int) -> None:
        rows = read_rows(data, HEADERS, REQUIRED)
        chunk: list[tuple[int, int, dict]] = []
        for row_number, cells in rows:
            self.total += 1
            if self.total > MAX_ROWS:
                raise SheetError(f"一次最多导入{MAX_ROWS:,}行，请分成几个文件导入。")
            if not self.present:
                self.present = set(cells)
            chunk.append((self.total, row_number, cells))
            if len(chunk) == CHECK_CHUNK:
                self.check_chunk(chunk)
                chunk = []
            if self.total % PROGRESS_EVERY == 0:
                self.progress(STEP_CHECK, self.total, estimate)
        if chunk:
            self.check_chunk(chunk)

    def check_chunk(self, chunk: list[tuple[int, int, dict]]) -> None:
        codes = {_code_key(cells.get("uscc")) for _ordinal, _row, cells in chunk}
        known = {values["uscc"]: values for values in Entity.objects.filter(uscc__in=codes).values(*_KNOWN_FIELDS)}
        for ordinal, row_number, cells in chunk:
            code = cells.get("uscc")
            try:
                self.check_row(ordinal, row_number, cells, known)
            except ActionError as error:
                self.refuse(row_number, code, error.field or "", error.message)
            except Exception:  # a cell no rule foresaw must not stop the import nor hide the other rows
                logger.exception("enterprise import %s: row %s could not be checked", self.job.pk, row_number)
                self.refuse(row_number, code, "", "该行无法读取，请检查各列的内容和格式。")

    def check_row(self, ordinal: int, row_number: int, cells: dict, known: dict) -> None:
        key = _code_key(cells.get("uscc"))
        if key:
            if key in self.seen:
                raise ActionError(f"与第{self.seen[key]}行的统一社会信用代码相同：同一文件中每户只能出现一次。", field="uscc")
            self.seen[key] = row_number
        existing = known.get(key)
        lookups = self.lookups
        fields = self.draft_of(existing) if existing else {}
        for field, value in cells.items():
            fields[field] = _cell(field, value)
        if "region" in cells:
            if fields["region"]:
                fields["region"] = lookups.county(fields["region"])
            elif existing:
                fields["region"] = lookups.by_id[existing["region_id"]]  # left empty: a known firm stays where it is
            else:
                fields["region"] = None  # the county is read from the code
        if "township" in cells:
            # A township is named within its county: the row's, else the one its code was registered in.
            county = fields.get("region") or lookups.counties.get(key[2:8])
            fields["township"] = lookups.township(fields["township"], county) if fields["township"] else None
        elif existing and fields["region"] != lookups.by_id[existing["region_id"]]:
            fields["township"] = None  # moved to another county: its old township no longer applies
        values = clean_entity(EntityDraft(**fields), industries=lookups.industries, regions=lookups.counties)
        region = values["region"]
        if existing and not self.may_keep(existing["region_id"]):
            owner = lookups.by_id[existing["region_id"]].name
            raise ActionError(f"该市场主体在{owner}建档，您不能修改其他县（市、区）的档案。", field="region")
        if not self.may_keep(region.pk):
            raise ActionError(f"所在县（市、区）为{region.name}：您只能导入本辖区的市场主体。", field="region")
        values |= derive(values, values["industry"].code, self.today)
        values["region_id"] = region.pk
        values["township_id"] = values["township"].pk if values["township"] else None
        values["industry_id"] = values["industry"].pk
        if existing is not None and all(existing[name] == values[name] for name in self.writes):
            # Nothing to change. Were the firm changed by someone while this step runs, leaving it
            # is what importing now and their change after would give.
            self.unchanged += 1
            return
        self.valid.append((ordinal, row_number, existing is not None, tuple([values[name] for name in FIELDS])))

    @cached_property
    def writes(self) -> list[str]:
        """What the workbook's columns write to a known firm's file (with the derived two)."""
        names = {name for field in self.present for name in _WRITES.get(field, (field,))} | set(_DERIVED)
        return sorted(names - {"uscc"}, key=_INDEX.__getitem__)

    def draft_of(self, known: dict) -> dict:
        """A known firm's file as the draft's fields a row starts from."""
        fields = {name: known[name] for name in _DRAFT_FROM_FILE}
        fields["region"] = self.lookups.by_id[known["region_id"]]
        fields["township"] = self.lookups.by_id.get(known["township_id"]) if known["township_id"] else None
        fields["industry"] = self.lookups.industry_codes.get(known["industry_id"], "")
        return fields

    # step 2 ---------------------------------------------------------------------------------------

    def write(self) -> list[dict]:
        """Write the valid rows (inside the caller's transaction); the rows refused on the way.
        A known firm is locked and read again (it may have changed while step 1 ran); a new one
        is inserted (one filed by someone else meanwhile breaks the unique code: IntegrityError)."""
        writes = [name for name in self.writes if name not in _DERIVED]
        absent_inputs = [name for name in _DERIVED_FROM if name not in writes]
        late: list[dict] = []
        now = timezone.now()  # what auto_now(_add) would write
        for start in range(0, len(self.valid), WRITE_CHUNK):
            chunk = self.valid[start:start + WRITE_CHUNK]
            codes = [values[0] for _o, _r, is_known, values in chunk if is_known]
            locked = ({entity.uscc: entity for entity in Entity.objects.select_for_update().filter(uscc__in=codes)}
                      if codes else {})
            new, changed, changed_fields, moved = [], [], set(), []
            for _ordinal, row_number, _is_known, values in chunk:
                entity = locked.get(values[0])
                if entity is None:
                    new.append(values)
                    continue
                if not self.may_keep(entity.region_id):
                    # Moved to another county while step 1 ran.
                    late.append({"row": row_number, "uscc": values[0], "field": "region", "label": COLUMN_OF["region"].header,
                                 "message": "该市场主体在导入期间被改到其他县（市、区），您不能修改其档案。"})
                    continue
                target = {name: values[_INDEX[name]] for name in writes}
                if any(getattr(entity, name) != values[_INDEX[name]] for name in absent_inputs):
                    # A column the workbook lacks changed while step 1 ran: derive from what is there now.
                    merged = {name: target.get(name, getattr(entity, name)) for name in _DERIVED_FROM}
                    target |= derive(merged, self.lookups.industry_codes[merged["industry_id"]], self.today)
                else:
                    target |= {name: values[_INDEX[name]] for name in _DERIVED}
                differing = [name for name, value in target.items() if getattr(entity, name) != value]
                if not differing:
                    self.unchanged += 1
                    continue
                if "region_id" in differing:
                    moved.append(entity.pk)
                for name in differing:
                    setattr(entity, name, target[name])
                entity.updated_at = now
                changed.append(entity)
                changed_fields.update(differing)
            if new:
                _insert(new, now)
                self.created += len(new)
            if changed:
                _update(changed, sorted(changed_fields) + ["updated_at"])
                self.updated += len(changed)
            if moved:
                self.left_grids += leave_other_counties_grids(moved, self.today)
            self.progress(STEP_WRITE, chunk[-1][0], self.total)
        return late


# Writing on PostgreSQL. Django's bulk_create and bulk_update were measured on 20,000 firms (two
# cores shared with other work): bulk_create 3.2-3.9 s against 0.8 s for COPY, and bulk_update
# about 30 s whatever its batch size (every column an N-way CASE over the ids) against 2.4 s for
# one UPDATE ... FROM unnest(arrays) a chunk; with them 100,000 new firms took 94 s, over the 60 s
# the import must keep to. Other databases (SQLite, the embedded default) use the two as they are.

def _insert(rows: list[tuple], now) -> None:
    """New firms, each a row of FIELDS' values."""
    if connection.vendor != "postgresql":
        Entity.objects.bulk_create(
            [Entity(*[values[index] if index is not None else None for index in _POSITIONS]) for values in rows],
            batch_size=1000)
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(Entity._meta.get_field(name).column) for name in (*FIELDS, "created_at", "updated_at"))
    with connection.wrap_database_errors, connection.cursor() as cursor:  # a duplicate code: Django's IntegrityError
        with cursor.cursor.copy(f"COPY {quote(Entity._meta.db_table)} ({columns}) FROM STDIN") as copy:
            for values in rows:
                copy.write_row((*values, now, now))


def _update(entities: list[Entity], names: list[str]) -> None:
    """Known firms whose `names` changed."""
    if connection.vendor != "postgresql":
        Entity.objects.bulk_update(entities, names, batch_size=500)
        return
    quote = connection.ops.quote_name
    table = quote(Entity._meta.db_table)
    pk = Entity._meta.pk
    fields = [Entity._meta.get_field(name) for name in names]
    assignments = ", ".join(f"{quote(field.column)} = data.{quote(field.column)}" for field in fields)
    arrays = ", ".join(f"%s::{field.db_type(connection).split('(')[0]}[]" for field in (pk, *fields))
    columns = ", ".join(quote(field.column) for field in (pk, *fields))
    sql = (f"UPDATE {table} SET {assignments} FROM unnest({arrays}) AS data({columns}) "
           f"WHERE {table}.{quote(pk.column)} = data.{quote(pk.column)}")
    params = [[entity.pk for entity in entities]]
    params += [[field.get_db_prep_save(getattr(entity, field.attname), connection) for entity in entities] for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _summary(job: ImportJob) -> str:
    return (f"新建{job.created_count}户，更新{job.updated_count}户，无变化{job.unchanged_count}户，"
            f"有误{job.refused_count}行（共{job.total_rows}行）")


def _finish(job: ImportJob, *, state: str, message: str, report: list | None = None, counts: dict | None = None,
            total: int | None = None, left_grids: int = 0) -> ImportJob:
    """The job's outcome and its one event (called inside the transaction of what it reports)."""
    job.state = state
    job.message = message[:300]
    job.finished_at = clock.now()
    if report is not None:
        job.report = sorted(report, key=lambda entry: entry["row"])
        job.refused_count = len(report)
    for name, value in (counts or {}).items():
        setattr(job, name, value)
    if total is not None:
        job.total_rows = total
        job.processed_rows = total
    job.save(update_fields=["state", "message", "finished_at", "report", "refused_count", "created_count", "updated_count",
                            "unchanged_count", "total_rows", "processed_rows"])
    # One event for the whole job, not one a row: a workbook of 100,000 firms would otherwise add
    # 100,000 rows to the event table (and take longer than the import), and each firm's file
    # still shows its created/updated time; the counts, the file and the job tell what was done.
    write_event(EventKind.IMPORTED, actor=job.uploaded_by,
                note=f"导入名录“{job.original_name}”：{job.get_state_display()}，{_summary(job)}",
                data={"job": job.pk, "file": job.original_name, "mode": job.mode, "state": job.state,
                      "total": job.total_rows, "created": job.created_count, "updated": job.updated_count,
                      "unchanged": job.unchanged_count, "refused": job.refused_count, "left_grids": left_grids})
    return job


_DIMENSION = re.compile(rb'<(?:\w+:)?dimension ref="[A-Z]{1,3}\d+(?::[A-Z]{1,3}(\d+))?"')


def _estimate(data: bytes) -> int:
    """How many rows the first sheet has, for the progress bar before they are counted: what its
    <dimension> says (Excel and WPS write it first), else its <row> tags counted (openpyxl's
    write-only workbooks have no dimension; unpacking and counting costs a second or so, where
    openpyxl would parse the whole sheet to find it has none). 0 when it cannot be told. The rows
    themselves are read by core.spreadsheets.read_rows; this only counts."""
    from openpyxl.reader.excel import ExcelReader

    try:
        reader = ExcelReader(io.BytesIO(data), read_only=True)
        reader.read_manifest()
        reader.read_workbook()
        path = next(rel.target for _sheet, rel in reader.parser.find_sheets()
                    if rel.target in reader.valid_files and "chartsheet" not in rel.Type)
        with reader.archive.open(path) as sheet:
            head = sheet.read(4096)
            found = _DIMENSION.search(head)
            if found:
                return max(int(found.group(1) or 1) - 1, 0)
            count, tail, block = 0, b"", head
            while block:
                block = tail + block
                count += block.count(b"<row") + block.count(b":row ")
                tail = block[-3:]  # a tag cut in two is found whole in the next block, never twice
                block = sheet.read(1 << 20)
        return max(count - 1, 0)
    except Exception:
        return 0


class _Refused(Exception):
    pass


def run_import(job: ImportJob, *, progress=None) -> ImportJob:
    """Check and write a job's workbook (see the module's docstring); returns the finished job.
    `progress(step, done, total)` is also called every PROGRESS_EVERY rows (the command line's
    bar). Never raises for what is in the file: a bad row is reported, a bad file refused."""
    job = ImportJob.objects.select_related("uploaded_by").get(pk=job.pk)
    if job.state not in (ImportState.QUEUED, ImportState.RUNNING):
        return job
    if job.state == ImportState.QUEUED:
        job.state, job.started_at = ImportState.RUNNING, clock.now()
        job.save(update_fields=["state", "started_at"])
    tracker = _Progress(job, progress)
    try:
        return _run(job, tracker)
    except Exception:
        logger.exception("enterprise import %s failed", job.pk)
        with transaction.atomic():
            return _finish(job, state=ImportState.FAILED, message="导入失败：系统内部错误，未写入任何数据。请联系管理员，或稍后重新上传。",
                           report=[], total=0)
    finally:
        tracker.close()


def _run(job: ImportJob, tracker: _Progress) -> ImportJob:
    if job.uploaded_by_id is not None and not keeps_registry(job.uploaded_by):
        with transaction.atomic():
            return _finish(job, state=ImportState.REFUSED, message="上传人已无权维护市场主体名录，未导入。", report=[])
    try:
        with job.file.open("rb") as handle:
            data = handle.read()
    except (FileNotFoundError, OSError, ValueError):
        with transaction.atomic():
            return _finish(job, state=ImportState.FAILED, message="上传的文件已不存在，请重新上传。", report=[])
    run = _Run(job, tracker)
    estimate = _estimate(data)
    tracker(STEP_CHECK, 0, estimate)
    try:
        run.check(data, estimate)
    except SheetError as error:
        with transaction.atomic():
            return _finish(job, state=ImportState.REFUSED, message=f"未导入：{error.message}", report=run.report,
                           total=run.total)
    tracker(STEP_CHECK, run.total, run.total)
    if run.total == 0:
        with transaction.atomic():
            return _finish(job, state=ImportState.REFUSED, message="未导入：文件中没有数据行。", report=[], total=0)
    if run.report and job.mode == ImportMode.ALL_OR_NOTHING:
        with transaction.atomic():
            return _finish(job, state=ImportState.REFUSED,
                           message=f"未导入：有{len(run.report)}行有误（全部无误才导入）。请按逐行报告修改后重新上传。",
                           report=run.report, total=run.total)
    report = run.report
    try:
        with transaction.atomic():
            report = run.report + run.write()
            if len(report) > len(run.report) and job.mode == ImportMode.ALL_OR_NOTHING:
                raise _Refused
            counts = {"created_count": run.created, "updated_count": run.updated, "unchanged_count": run.unchanged,
                      "refused_count": len(report), "total_rows": run.total}
            for name, value in counts.items():
                setattr(job, name, value)
            moved = f"；迁往其他县（市、区）的市场主体退出原网格{run.left_grids}个" if run.left_grids else ""
            return _finish(job, state=ImportState.DONE, message=f"已导入：{_summary(job)}{moved}。", report=report,
                           counts=counts, total=run.total, left_grids=run.left_grids)
    except _Refused:
        with transaction.atomic():
            return _finish(job, state=ImportState.REFUSED, counts=_NOTHING,
                           message=f"未导入：有{len(report)}行有误（全部无误才导入）。请按逐行报告修改后重新上传。",
                           report=report, total=run.total)
    except IntegrityError:
        logger.warning("enterprise import %s: a code was filed by someone else meanwhile", job.pk, exc_info=True)
        with transaction.atomic():
            return _finish(job, state=ImportState.FAILED, counts=_NOTHING,
                           message="未导入：导入期间有人同时登记了文件中的统一社会信用代码，请重新上传。",
                           report=run.report, total=run.total)


_NOTHING = {"created_count": 0, "updated_count": 0, "unchanged_count": 0}
