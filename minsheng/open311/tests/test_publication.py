"""What leaves through the public endpoints is a case's public version: published kinds and
categories only, personal data in free text masked, the summary and result staff wrote for the
public standing in for the text as typed."""

import json
import uuid

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, given, settings, strategies as st

from minsheng.cases import actions
from minsheng.cases.actions import Intake, do_register_case
from minsheng.cases.catalogue import kind
from minsheng.cases.models import Case, Category, EventKind, Result
from minsheng.core.errors import NotAllowed
from minsheng.core.identity import resident_id_check_char, uscc_check_char
from minsheng.testing import case_in_state, intake_for
from minsheng.open311.tests.helpers import get, post, validate

pytestmark = pytest.mark.django_db


def public_documents(client, number: str) -> str:
    """Every public answer a stranger can get about the county's requests, as one text."""
    documents = []
    for fmt in ("json", "xml"):
        for path, params in (
            ("requests", {}),
            (f"requests/{number}", {}),
            ("servicerequestupdates", {"start_date": "2026-11-22T00:00:00+08:00"}),
        ):
            for jurisdiction in ("360429", "360400"):
                response = get(client, f"{path}.{fmt}", jurisdiction_id=jurisdiction, **params)
                assert response.status_code in (200, 404)
                documents.append(response.content.decode())
    for page in ("/", "/pledges/items/", "/api/v1/board"):
        documents.append(client.get(page).content.decode())
    return "\n".join(documents)


def test_a_resident_s_own_words_are_published_masked(client, people, catalogue, key):
    description = "我是王建国，电话13979212345，身份证360429198001011235，邮箱wang.jg@qq.com，5栋楼道灯坏了"
    number = post(client, key, description=description, last_name="王", first_name="建国").json()[0]["service_request_id"]
    body = get(client, f"requests/{number}.json").json()
    validate("requests", body)
    published = body[0]["description"]
    assert published == "我是王**，电话139****2345，身份证3604**********1235，邮箱w***@qq.com，5栋楼道灯坏了"


def test_private_kinds_and_unpublished_categories_stay_off_the_public_endpoints(client, people, catalogue):
    stuck = case_in_state(people, "handling", kind_code="stuck-matter", category=catalogue[1])
    enterprise = case_in_state(people, "handling", kind_code="enterprise", category=catalogue[1])
    general = case_in_state(people, "handling", category=catalogue[1])
    listed = [r["service_request_id"] for r in get(client, "requests.json").json()]
    assert listed == [general.number]
    for case in (stuck, enterprise):
        assert get(client, f"requests/{case.number}.json").status_code == 404
    updates = get(client, "servicerequestupdates.json", start_date="2026-11-22T00:00:00+08:00").json()
    assert {u["service_request_id"] for u in updates} == {general.number}
    Category.objects.filter(pk=catalogue[1].pk).update(is_published=False)
    cache.clear()  # lists are cached for a few seconds; a catalogue change writes no case event
    assert get(client, "requests.json").json() == []
    assert get(client, f"requests/{general.number}.json").status_code == 404


def test_staff_write_the_public_summary_and_result_and_it_is_recorded(client, people, catalogue):
    case = case_in_state(people, "handling", category=catalogue[1], description="5栋2单元加装电梯审批卡住，联系人赵秀英")
    with pytest.raises(NotAllowed):
        actions.do_edit_public_text(case, summary="改写", result="", actor=people.xu)
    actions.do_close_case(case, result=Result.SOLVED, text="已上门送达批复，送达赵阿姨本人，电话13812341234", actor=people.huang)
    request = get(client, f"requests/{case.number}.json").json()[0]
    assert request["status_notes"] == "办理结果：已解决。已上门送达批复，送达赵**本人，电话138****1234"
    assert request["description"] == "5栋2单元加装电梯审批卡住，联系人赵**"
    event = actions.do_edit_public_text(
        case, summary="5栋2单元反映加装电梯审批超时。", result="审批已办结，批复已送达。", actor=people.huang
    )
    assert (event.kind, event.actor, event.is_public) == (EventKind.PUBLIC_TEXT_EDITED, people.huang, False)
    assert event.data["old"] == {"summary": "", "result": ""}
    request = get(client, f"requests/{case.number}.json").json()[0]
    assert request["description"] == "5栋2单元反映加装电梯审批超时。"
    assert request["status_notes"] == "办理结果：已解决。审批已办结，批复已送达。"
    updates = get(client, "servicerequestupdates.json", start_date="2026-11-22T00:00:00+08:00").json()
    assert updates[-1]["description"] == "办理结果：已解决。审批已办结，批复已送达。"
    # The same from the workbench, with its form.
    client.force_login(people.liu)
    client.post(f"/cases/staff/{case.pk}/public-text/", {"public_summary": "改写的摘要", "public_result": ""})
    case.refresh_from_db()
    assert (case.public_summary, case.public_result) == ("改写的摘要", "")
    assert "改写的摘要" in client.get(f"/cases/staff/{case.pk}/").content.decode()


# --- planted personal data never leaves ----------------------------------------------------

SURNAMES = "王李张刘陈杨黄赵吴周徐孙"
GIVEN = "秀英建国芳敏静丽强磊军洋勇艳杰娟涛霞桂兰"


@st.composite
def personal_data(draw):
    name = draw(st.sampled_from(SURNAMES)) + draw(st.text(GIVEN, min_size=1, max_size=2))
    phone = draw(st.sampled_from("3456789").map(lambda d: "1" + d)) + draw(st.text("0123456789", min_size=9, max_size=9))
    birth = draw(st.dates(min_value=__import__("datetime").date(1930, 1, 1), max_value=__import__("datetime").date(2008, 12, 31)))
    first17 = "360429" + birth.strftime("%Y%m%d") + draw(st.text("0123456789", min_size=3, max_size=3))
    id_number = first17 + resident_id_check_char(first17)
    uscc17 = "91360429" + draw(st.text("0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=9, max_size=9))
    uscc = uscc17 + uscc_check_char(uscc17)
    email = draw(st.text("abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=8)) + "@" + draw(st.sampled_from(["qq.com", "163.com", "jj.gov.cn"]))
    sep = draw(st.sampled_from(["", " ", "-", ".", "/"]))
    written_phone = f"{phone[:3]}{sep}{phone[3:7]}{sep}{phone[7:]}"
    written_id = draw(st.sampled_from([id_number, f"{id_number[:6]} {id_number[6:14]} {id_number[14:]}"]))
    return {"name": name, "phone": phone, "written_phone": written_phone, "id": id_number, "written_id": written_id,
            "uscc": uscc, "email": email}


def planted(data: dict, filler: str) -> str:
    return (
        f"{filler}我是{data['name']}，电话{data['written_phone']}，身份证{data['written_id']}，"
        f"单位信用代码{data['uscc']}，邮箱{data['email']}。请送达{data['name'][0]}阿姨。"
    )


def leaks(text: str, data: dict) -> list[str]:
    found = [value for value in data.values() if value in text]
    if f"{data['name'][0]}阿姨" in text:
        found.append(f"{data['name'][0]}阿姨")
    return found


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=personal_data(), filler=st.text("楼道灯坏了电梯审批噪音 ", max_size=12))
def test_personal_data_planted_in_any_channel_never_appears_in_a_public_response(client, people, catalogue, key, data, filler):
    text = planted(data, filler)
    # Open311: description, address and the name fields.
    number = post(
        client, key, description=text, address_string=f"5栋{data['phone']}室", last_name=data["name"][0],
        first_name=data["name"][1:], email=data["email"],
    ).json()[0]["service_request_id"]
    filed = Case.objects.get(number=number)
    # The public form: title, description, wants, address.
    response = client.post("/cases/submit/", {
        "region": people.hukou.code, "kind": kind("general").pk, "category": catalogue[1].pk, "title": text[:100],
        "description": text, "wants": text, "address": text[:200], "requester_name": data["name"],
        "requester_phone": data["phone"], "submission_token": uuid.uuid4().hex,
    })
    assert response.status_code == 302, response.content.decode()[:500]
    online = Case.objects.order_by("-id").first()
    # The window, and every staff text that reaches the public timeline.
    windowed, _code = do_register_case(
        intake_for(people, category=catalogue[1], description=text, requester_name=data["name"], requester_phone=data["phone"]),
        actor=people.chen,
    )
    for case in (filed, online, windowed):
        actions.do_accept_case(case, actor=people.liu)
        actions.do_dispatch_case(case, department=people.hukou_housing, actor=people.liu)
        actions.do_sign_case(case, actor=people.huang)
        actions.do_add_note(case, text="内部记录", public_text=text, actor=people.huang)
        actions.do_close_case(case, result=Result.EXPLAINED, text=text, basis=text, actor=people.huang)
    rejected, _code = do_register_case(
        Intake(**{**intake_for(people, category=catalogue[1], requester_name=data["name"]).__dict__}), actor=people.chen
    )
    actions.do_reject_case(rejected, reason=text, actor=people.liu)
    for case in (filed, online, windowed, rejected):
        published = public_documents(client, case.number)
        assert case.number in published  # the case is there, only masked
        assert leaks(published, data) == [], leaks(published, data)
    assert leaks(json.dumps(get(client, "requests.json").json(), ensure_ascii=False), data) == []
