"""Test personas and factories (no factory library: plain functions, like djangoproject.com's).

The personas follow JOURNEYS.md: a city bureau (市住建局), a county (湖口县) with its window,
its business-environment office and two bureaus, another county (浔阳区), a leader, and an
account with no department at all.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import count

from minsheng.org import actions as org_actions
from minsheng.org.models import Department, Region, RegionLevel, Role, User
from minsheng.pledges import actions as pledge_actions
from minsheng.pledges.models import FocusArea, Level, PledgeItem, PledgeList

PASSWORD = "test-password-2026"
_sequence = count(1)


def make_region(code: str, name: str, level: str, parent: Region | None = None) -> Region:
    region, _ = Region.objects.get_or_create(
        code=code, defaults={"name": name, "short_name": name[:2], "level": level, "parent": parent}
    )
    return region


def make_department(name: str, region: Region, *, supervision: bool = False) -> Department:
    department, _ = Department.objects.get_or_create(
        region=region, name=name, defaults={"short_name": name, "is_supervision_office": supervision}
    )
    return department


def make_user(username: str, department: Department | None, *roles: str, full_name: str = "", **fields) -> User:
    user = User.objects.create_user(
        username=username, password=PASSWORD, department=department, full_name=full_name or username, **fields
    )
    if roles:
        org_actions.do_set_roles(user, set(roles), actor=None)
    return User.objects.get(pk=user.pk)


@dataclass
class Personas:
    city: Region
    hukou: Region
    xunyang: Region
    shuangzhong: Region
    city_housing: Department
    city_business: Department
    hukou_housing: Department
    hukou_land: Department
    hukou_business: Department
    hukou_service_centre: Department
    xunyang_housing: Department
    li: User  # 市住建局, handler and head
    sun: User  # 市营商办, supervisor
    zhang: User  # 市政府, leader
    admin: User  # city administrator
    huang: User  # 湖口县住建局, handler
    zhou: User  # 湖口县住建局, head
    wu: User  # 湖口县自然资源局, handler
    liu: User  # 湖口县营商办, supervisor
    chen: User  # 湖口县政务服务中心, window clerk
    hukou_admin: User  # 湖口县 administrator
    xu: User  # 浔阳区住建局, handler
    nobody: User  # an account with no department


def make_personas() -> Personas:
    city = make_region("360400", "九江市", RegionLevel.CITY)
    hukou = make_region("360429", "湖口县", RegionLevel.COUNTY, city)
    xunyang = make_region("360403", "浔阳区", RegionLevel.COUNTY, city)
    shuangzhong = make_region("360429100", "双钟镇", RegionLevel.TOWNSHIP, hukou)
    city_housing = make_department("市住建局", city)
    city_business = make_department("市营商办", city, supervision=True)
    city_office = make_department("市政府办公室", city)
    hukou_housing = make_department("湖口县住建局", hukou)
    hukou_land = make_department("湖口县自然资源局", hukou)
    hukou_business = make_department("湖口县营商办", hukou, supervision=True)
    hukou_service_centre = make_department("湖口县政务服务中心", hukou)
    xunyang_housing = make_department("浔阳区住建局", xunyang)
    return Personas(
        city=city,
        hukou=hukou,
        xunyang=xunyang,
        shuangzhong=shuangzhong,
        city_housing=city_housing,
        city_business=city_business,
        hukou_housing=hukou_housing,
        hukou_land=hukou_land,
        hukou_business=hukou_business,
        hukou_service_centre=hukou_service_centre,
        xunyang_housing=xunyang_housing,
        li=make_user("lihong", city_housing, Role.HANDLER, Role.DEPARTMENT_HEAD, full_name="李红"),
        sun=make_user("sunli", city_business, Role.SUPERVISOR, full_name="孙丽"),
        zhang=make_user("zhangming", city_office, Role.LEADER, full_name="张明"),
        admin=make_user("admin", city_office, Role.ADMINISTRATOR, full_name="郑管理"),
        huang=make_user("huangxin", hukou_housing, Role.HANDLER, full_name="黄鑫"),
        zhou=make_user("zhoujian", hukou_housing, Role.DEPARTMENT_HEAD, full_name="周建"),
        wu=make_user("wumin", hukou_land, Role.HANDLER, full_name="吴敏"),
        liu=make_user("liuwei", hukou_business, Role.SUPERVISOR, full_name="刘伟"),
        chen=make_user("chenjing", hukou_service_centre, Role.WINDOW_CLERK, full_name="陈静"),
        hukou_admin=make_user("hukouadmin", make_department("湖口县政府办", hukou), Role.ADMINISTRATOR, full_name="何管理"),
        xu=make_user("xuyang", xunyang_housing, Role.HANDLER, full_name="徐阳"),
        nobody=make_user("nobody", None, full_name="无部门"),
    )


def make_focus_area(name: str = "聚焦城市建设") -> FocusArea:
    area, _ = FocusArea.objects.get_or_create(name=name)
    return area


def make_pledge_list(region: Region, *, year: int = 2026, title: str = "") -> PledgeList:
    return PledgeList.objects.create(
        region=region, year=year, title=title or f"{year}年{region.name}实事清单{next(_sequence)}"
    )


def make_item(
    pledge_list: PledgeList,
    department: Department,
    *,
    title: str = "",
    start_date: date = date(2026, 1, 1),
    deadline: date = date(2026, 12, 31),
    region: Region | None = None,
    level: str | None = None,
    parent: PledgeItem | None = None,
    weight=None,
    area: FocusArea | None = None,
    milestones=(),
) -> PledgeItem:
    region = region or department.region
    level = level or (Level.CITY if region.level == RegionLevel.CITY or pledge_list.region.level == RegionLevel.CITY else Level.COUNTY)
    draft = pledge_actions.ItemDraft(
        number=f"{parent.number}.{next(_sequence)}" if parent else str(next(_sequence)),
        parent_number=parent.number if parent else "",
        title=title or f"事项{next(_sequence)}",
        focus_area=area or make_focus_area(),
        level=level,
        region=region,
        lead_department=department,
        start_date=start_date,
        deadline=deadline,
        weight=weight,
        milestones=list(milestones),
    )
    return pledge_actions.do_create_item(pledge_list, draft, actor=None)


def png_bytes(width: int = 4, height: int = 3, rgb=(183, 28, 28)) -> bytes:
    """A real, tiny PNG image (a photo stand-in for evidence uploads)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


# --- cases ------------------------------------------------------------------------------------


def make_category(code: str = "elevator-retrofit", name: str = "既有住宅加装电梯", *, routes=(), parent_code: str = "housing", **fields):
    from minsheng.cases.models import Category, CategoryDepartment

    parent, _ = Category.objects.get_or_create(code=parent_code, defaults={"name": "住房城乡建设"})
    category, _ = Category.objects.get_or_create(code=code, defaults={"name": name, "parent": parent, **fields})
    for region, department in routes:
        CategoryDepartment.objects.get_or_create(category=category, region=region, defaults={"department": department})
    return category


def intake_for(people: Personas, *, kind_code: str = "general", category=None, region=None, **fields):
    from minsheng.cases.actions import Intake
    from minsheng.cases.catalogue import kind
    from minsheng.cases.models import Channel

    region = region or people.hukou
    category = category or make_category(routes=[(people.hukou, people.hukou_housing)])
    values = {
        "region": region,
        "kind": kind(kind_code),
        "category": category,
        "channel": Channel.WINDOW,
        "requester_name": "赵秀英",
        "requester_phone": "13812341234",
        "description": "加装电梯的审批申请两个月了还没有结果，已经跑了三次。",
        "title": "加装电梯审批两个月未办结",
    }
    if kind_code == "stuck-matter":
        values |= {
            "applied_for": "既有住宅加装电梯审批",
            "applied_where": "湖口县政务服务中心住建窗口",
            "stuck_departments": [people.hukou_housing],
            "visits": 3,
            "wants": "尽快完成审批",
        }
    if kind_code == "enterprise":
        values |= {"enterprise_name": "湖口县某某科技有限公司", "enterprise_uscc": "91440300708461136T"}
    values |= fields
    return Intake(**values)


def register(people: Personas, *, actor=None, **fields):
    """A case as the window clerk registers it; returns (case, query code)."""
    from minsheng.cases.actions import do_register_case

    return do_register_case(intake_for(people, **fields), actor=actor if actor is not None else people.chen)


def case_in_state(people: Personas, state: str, **fields):
    """A case walked through the real actions to `state` (湖口县住建局 leads it)."""
    from minsheng.cases import actions
    from minsheng.cases.models import Case, Rating, Result, State

    case, _code = register(people, **fields)
    path = {
        State.REGISTERED: [],
        State.ACCEPTED: ["accept"],
        State.REJECTED: ["reject"],
        State.DISPATCHED: ["accept", "dispatch"],
        State.RETURNED: ["accept", "dispatch", "return"],
        State.HANDLING: ["accept", "dispatch", "sign"],
        State.CLOSED: ["accept", "dispatch", "sign", "close"],
        State.ARCHIVED: ["accept", "dispatch", "sign", "close", "rate"],
        State.WITHDRAWN: ["withdraw"],
    }[state]
    steps = {
        "accept": lambda c: actions.do_accept_case(c, actor=people.liu),
        "reject": lambda c: actions.do_reject_case(c, reason="不属于受理范围", actor=people.liu),
        "dispatch": lambda c: actions.do_dispatch_case(c, department=people.hukou_housing, actor=people.liu),
        "return": lambda c: actions.do_return_case(c, reason="非本单位职责", legal_basis="三定方案", actor=people.huang),
        "sign": lambda c: actions.do_sign_case(c, actor=people.huang),
        "close": lambda c: actions.do_close_case(c, result=Result.SOLVED, text="已完成审批", actor=people.huang),
        "rate": lambda c: actions.do_rate_case(c, rating=Rating.SATISFIED, actor=people.liu),
        "withdraw": lambda c: actions.do_withdraw_case(c, reason="已自行解决", actor=None, by_requester=True),
    }
    for step in path:
        steps[step](case)
    return Case.objects.get(pk=case.pk)


def bearer(user) -> dict:
    """Test-client headers of an API call made with a fresh access token of `user`."""
    _token, secret = org_actions.do_create_access_token(user, "测试", actor=None)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def log_in_verified(client, user) -> None:
    """Log a test client in as `user` with the second factor done, as an administrator's
    session is after they type their code (the middleware holds them back otherwise)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="测试", confirmed=True
    )
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


# --- elevator retrofits ----------------------------------------------------------------------

def make_rule_set(region: Region, *, effective_from=None, **fields):
    from datetime import date

    from minsheng.elevators.models import RuleSet

    defaults = {"name": "九江市既有住宅加装电梯实施办法", "document_number": "九府办发〔2020〕12号",
                "subsidy_fixed": Decimal("200000"), "publicity_days": 10}
    return RuleSet.objects.create(region=region, effective_from=effective_from or date(2020, 1, 1), **(defaults | fields))


def make_street_office(people: Personas, *, username: str = "qianfang", full_name: str = "钱芳"):
    """双钟镇's office and its community worker, who registers votes from the paper forms."""
    office = make_department("双钟镇人民政府", people.shuangzhong)
    return make_user(username, office, Role.HANDLER, full_name=full_name)


def make_entrance(people: Personas, *, estate_name: str = "长运宿舍", building: str = "7栋", floors: int = 7,
                  per_floor: int = 2, areas=None, renovation_batch: str = ""):
    """An entrance of `floors` floors with `per_floor` dwellings each, one owner a dwelling (an ID
    number each, so one person is one owner), areas cycling through `areas`."""
    from minsheng.elevators import actions as elevator_actions
    from minsheng.elevators.models import Estate

    estate = Estate.objects.filter(region=people.hukou, name=estate_name).first() or elevator_actions.do_create_estate(
        region=people.hukou, street=people.shuangzhong, community="石钟山社区", name=estate_name, year_built=1995,
        renovation_batch=renovation_batch, actor=None)
    entrance = elevator_actions.do_add_building(estate, name=building, floors=floors, entrances=["1单元"], actor=None).entrances.get()
    areas = areas or [Decimal("63.52"), Decimal("78.10")]
    drafts = []
    for floor in range(1, floors + 1):
        for position in range(1, per_floor + 1):
            serial = floor * 100 + position
            drafts.append(elevator_actions.DwellingDraft(
                number=str(serial), floor=floor, area=areas[(serial) % len(areas)],
                owners=[elevator_actions.OwnerDraft(
                    name=f"业主{serial}", id_number=resident_id(f"3604291950{floor % 12 + 1:02d}{position:02d}{floor:02d}{position}"))],
            ))
    elevator_actions.do_add_dwellings(entrance, drafts, actor=None)
    return entrance


def resident_id(first17: str) -> str:
    """A valid 身份证号 from its first 17 digits (the check character computed)."""
    from minsheng.core.identity import resident_id_check_char

    return first17 + resident_id_check_char(first17)


# --- after a flush -----------------------------------------------------------------------------

def forget_case_numbers() -> None:
    """PostgreSQL sequences outlive a flush: drop the case-number sequences (and this process's
    memory of them) so the next case numbers start at 1 again."""
    from django.db import connection

    from minsheng.cases.actions import intake

    intake._known_sequences.clear()
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname FROM pg_class WHERE relkind = 'S' AND relname LIKE 'case_number_%%'")
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP SEQUENCE IF EXISTS "{name}"')


def after_flush() -> None:
    """What a flush leaves behind, put right: the case kinds the migration created are gone, the
    case-number sequences remain."""
    from minsheng.cases.catalogue import create_kinds

    create_kinds()
    ensure_industries()
    forget_case_numbers()


# --- enterprises ---------------------------------------------------------------------------------

def ensure_industries() -> None:
    """The GB/T 4754 table the migration loads (a flush empties it)."""
    from minsheng.enterprises.industries import load_industries
    from minsheng.enterprises.models import Industry

    if not Industry.objects.exists():
        load_industries(Industry)


def uscc(region_code: str, serial: int, *, kind: str = "91") -> str:
    """A valid 统一社会信用代码: `kind` (91 a company, 92 an 个体工商户, 93 a cooperative), the
    registering county's code, a serial as the organisation code, the check character."""
    from minsheng.core.identity import uscc_check_char

    first17 = f"{kind}{region_code[:6]}{serial:09d}"
    return first17 + uscc_check_char(first17)


def make_entity(region: Region, *, serial: int | None = None, name: str = "", industry: str = "2922", actor=None, **fields):
    """A firm registered through the action (湖口县's, a plastics maker, unless told otherwise)."""
    from minsheng.enterprises import actions as enterprise_actions

    ensure_industries()
    serial = serial if serial is not None else next(_sequence)
    kind = fields.get("kind", "enterprise")
    prefix = {"enterprise": "91", "individual": "92", "cooperative": "93"}[kind]
    draft = enterprise_actions.EntityDraft(uscc=uscc(region.code, serial, kind=prefix), name=name or f"测试企业{serial}有限公司",
                                           industry=industry, region=region, **fields)
    return enterprise_actions.do_register_entity(draft, actor=actor)


# --- concurrency (PostgreSQL) ------------------------------------------------------------------

def run_together(*jobs):
    """Each job in its own thread (so its own database connection), released at the same moment;
    a list of ("ok", value) or ("error", exception), in the jobs' order, for the test to assert on."""
    import threading

    from django.db import connections

    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def runner(index, job):
        try:
            barrier.wait()
            results[index] = ("ok", job())
        except Exception as error:  # collected and asserted on by the test
            results[index] = ("error", error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


# --- stations ---------------------------------------------------------------------------------

# 浔阳区 around 花果园北路 (WGS-84): far from the district's edges.
XUNYANG_POINT = (29.7145, 115.9890)
WORKDAY_HOURS = {day: "07:00-21:00" for day in range(7)}


def make_station(people: Personas, *, name: str = "", operator: Department | None = None, amenities=("toilet", "hot-water"),
                 point=XUNYANG_POINT, weekly=None, actor=None):
    from minsheng.stations import actions as station_actions

    operator = operator or make_department("浔阳区城管局", people.xunyang)
    station = station_actions.do_register_station(
        name=name or f"城市驿站{next(_sequence)}", region=operator.region if operator.region.level != RegionLevel.CITY else people.xunyang,
        address="浔阳区花果园北路", latitude=point[0], longitude=point[1], operator=operator, amenities=amenities,
        actor=actor)
    station_actions.do_set_hours(station, weekly=WORKDAY_HOURS if weekly is None else weekly, actor=actor)
    station.refresh_from_db()
    return station
