"""What the policy demo's parts share: its seed and journey constants, the clock helpers, its people."""

import random
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal


from minsheng.cases.demo import at
from minsheng.core import clock
from minsheng.enterprises.demo.helping import staff
from minsheng.enterprises.demo.registry import person
from minsheng.org import workdays
from minsheng.org.models import Department, Role, User


SEED = "20200818"
MANAGER_FIRM = "江西卓德石英材料有限公司"
JOURNEY = "journey"
JOURNEY_ELIGIBLE = 14
NEW_SPECIALISED = 13  # 江西省2026年度专精特新中小企业 in 武宁县
CENT = Decimal("0.01")


@contextmanager
def on(day: date, hour: int, minute: int = 0):
    with clock.fixed(at(day, hour, minute)):
        yield


def wd(day: date, n: int) -> date:
    return workdays.add_working_days(day, n)


def _money(value) -> Decimal:
    return Decimal(str(value)).quantize(CENT)


# --- people --------------------------------------------------------------------------------------------

# The issuing bureaus' officers without a login (username, department, title, role).
OFFICERS = [
    ("zc01", "市科技局", "高新技术科科长", Role.HANDLER),
    ("zc02", "市人社局", "就业促进科科长", Role.HANDLER),
    ("zc03", "市商务局", "商贸流通科科长", Role.HANDLER),
    ("zc04", "市财政局", "企业科科长", Role.HANDLER),
    ("zc05", "市发改委", "服务业科科长", Role.HANDLER),
    ("zc06", "市市场监管局", "知识产权科科长", Role.HANDLER),
    ("zc07", "武宁县人社局", "就业股股长", Role.HANDLER),
    ("zc08", "武宁县财政局", "企业股股长", Role.HANDLER),
    ("zc09", "武宁县商务局", "商贸股股长", Role.HANDLER),
    ("zc10", "武宁县农业农村局", "产业发展股股长", Role.HANDLER),
    ("zc11", "修水县人社局", "就业股股长", Role.HANDLER),
    ("zc12", "修水县农业农村局", "产业发展股股长", Role.HANDLER),
    ("zc20", "武宁县工信局", "局长", Role.DEPARTMENT_HEAD),
    ("zc21", "市科技局", "局长", Role.DEPARTMENT_HEAD),
]


@dataclass
class People:
    officers: dict[str, User]  # by department name: who keeps its policies
    liping: User  # keeps 武宁县's registry and imports its figures
    xiushui_keeper: User


def _people(rng: random.Random) -> People:
    departments = {d.name: d for d in Department.objects.filter(name__in={name for _, name, _, _ in OFFICERS})}
    made = staff([(username, person(rng), departments[name], title, role) for username, name, title, role in OFFICERS])
    officers = {user.department.name: user for user in made if user.username < "zc20"}
    for username in ("tuhong", "caiyan", "xs01"):
        user = User.objects.select_related("department").get(username=username)
        officers[user.department.name] = user
    return People(officers=officers, liping=User.objects.get(username="liping"),
                  xiushui_keeper=User.objects.get(username="xs00"))
