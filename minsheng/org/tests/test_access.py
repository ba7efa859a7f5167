import pytest

from minsheng.org.access import in_jurisdiction, jurisdiction, oversees
from minsheng.org.models import Region

pytestmark = pytest.mark.django_db


def test_county_staff_work_within_their_county_and_its_townships(people):
    assert jurisdiction(people.huang) == people.hukou
    assert in_jurisdiction(people.huang, people.hukou)
    assert in_jurisdiction(people.huang, people.shuangzhong)
    assert not in_jurisdiction(people.huang, people.xunyang)
    assert not in_jurisdiction(people.huang, people.city)


def test_city_staff_work_within_the_whole_city(people):
    for user in (people.li, people.sun, people.zhang):
        assert jurisdiction(user) == people.city
        assert in_jurisdiction(user, people.hukou) and in_jurisdiction(user, people.shuangzhong)


def test_only_supervisors_leaders_and_administrators_oversee(people):
    assert oversees(people.sun) and oversees(people.zhang) and oversees(people.admin) and oversees(people.liu)
    assert not oversees(people.huang) and not oversees(people.chen) and not oversees(people.li)


def test_an_account_without_a_department_reaches_nothing(people):
    assert jurisdiction(people.nobody) is None
    assert not in_jurisdiction(people.nobody, people.city)
    assert not oversees(people.nobody)
    assert Region.objects.filter(code__in=[]).count() == 0


@pytest.mark.django_db
def test_a_revoked_client_files_nothing_even_where_a_process_still_remembers_it(people):
    from minsheng.cases.actions import do_register_case
    from minsheng.cases.models import Case
    from minsheng.core.errors import NotAllowed
    from minsheng.testing import intake_for
    from minsheng.org import access
    from minsheng.org.actions import do_create_api_client, do_revoke_api_client

    client, key = do_create_api_client("12345热线", region=people.city, actor=None)
    assert access.api_client_for(key) == client  # this process now remembers it, active
    do_revoke_api_client(client, actor=None)
    assert access.api_client_for(key) == client  # still remembered for up to a minute...
    with pytest.raises(NotAllowed):  # ...but the intake refuses it in the statement that would file it
        do_register_case(intake_for(people, channel="api", api_client=client), actor=None)
    assert not Case.objects.exists()
    access._known_clients.clear()
    assert access.api_client_for(key) is None
