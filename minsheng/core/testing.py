"""Test personas and factories (no factory library: plain functions, like djangoproject.com's).

The personas follow JOURNEYS.md: a city bureau (市住建局), a county (湖口县) with its window,
its business-environment office and two bureaus, another county (浔阳区), a leader, and an
account with no department at all.
"""

from dataclasses import dataclass
from datetime import date
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
