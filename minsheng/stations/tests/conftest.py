import pytest

from minsheng.org.models import Role
from minsheng.testing import make_department, make_user


@pytest.fixture
def keepers(people):
    """浔阳区城管局 runs the district's stations: 钱城 handles them, 宋局 heads the bureau; 濂溪区城管局
    runs its own and may not touch 浔阳区's."""
    from types import SimpleNamespace

    from minsheng.testing import make_region
    from minsheng.org.models import RegionLevel

    xunyang_urban = make_department("浔阳区城管局", people.xunyang)
    lianxi = make_region("360402", "濂溪区", RegionLevel.COUNTY, people.city)
    lianxi_urban = make_department("濂溪区城管局", lianxi)
    return SimpleNamespace(
        xunyang_urban=xunyang_urban,
        lianxi=lianxi,
        lianxi_urban=lianxi_urban,
        qian=make_user("qiancheng", xunyang_urban, Role.HANDLER, full_name="钱城"),
        song=make_user("songju", xunyang_urban, Role.DEPARTMENT_HEAD, full_name="宋局"),
        feng=make_user("fengqi", lianxi_urban, Role.HANDLER, Role.DEPARTMENT_HEAD, full_name="冯琦"),
    )
