"""The public board's parameters, as anyone may type them into the address bar."""

from datetime import date

import pytest

from minsheng.core.errors import ActionError
from minsheng.testing import make_item, make_pledge_list
from minsheng.pledges import actions

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(people):
    return make_item(make_pledge_list(people.city), people.city_housing, title="老旧小区加装电梯")


@pytest.mark.parametrize("params", [{"area": "1" * 23}, {"area": "²"}, {"year": "²"}, {"year": "9" * 30}, {"page": "9" * 30}])
def test_out_of_range_numbers_match_nothing_instead_of_failing(client, item, params):
    response = client.get("/pledges/items/", params)
    assert response.status_code == 200


@pytest.mark.parametrize("params", [{"q": "\x00"}, {"q": "电梯\x01"}, {"region": "3604\x00"}])
def test_control_characters_in_the_search_are_a_clear_400(client, item, params):
    response = client.get("/pledges/items/", params)
    assert response.status_code == 400
    assert "控制字符" in response.content.decode() and next(iter(params)) in response.content.decode()


def test_progress_text_and_dates_keep_to_the_input_rule(people, item):
    with pytest.raises(ActionError) as refused:
        actions.do_post_progress(item, happened_on=date(2026, 6, 1), text="完成\x0b选址", percent=10, actor=people.li)
    assert refused.value.field == "text"
    with pytest.raises(ActionError) as refused:
        actions.do_post_progress(item, happened_on=date(1, 1, 1), text="完成选址", percent=10, actor=people.li)
    assert refused.value.field == "happened_on"


def test_an_edit_cannot_store_a_control_character_that_would_break_the_export(people, item):
    with pytest.raises(ActionError) as refused:
        actions.do_edit_item(item, {"description": "改造\x01老旧小区"}, actor=None)
    assert refused.value.field == "description"
    item.refresh_from_db()
    assert "\x01" not in item.description
