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
def test_a_revoked_key_stays_refused_even_if_a_racing_request_cached_it_again(people, django_capture_on_commit_callbacks):
    from django.core.cache import cache

    from minsheng.org.access import api_client_for, digest
    from minsheng.org.actions import do_create_api_client, do_revoke_api_client

    client, key = do_create_api_client("12345热线", region=people.city, actor=None)
    assert api_client_for(key) == client  # now cached
    with django_capture_on_commit_callbacks(execute=True):
        do_revoke_api_client(client, actor=None)
    assert api_client_for(key) is None
    # A request that read the row just before the revocation committed writes its copy back late.
    cache.set(f"apiclient:{digest(key)}", client, 60)
    assert api_client_for(key) is None
