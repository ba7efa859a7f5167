from minsheng.cases import rules
from minsheng.cases.models import Case, PersonalDataView
from minsheng.core import clock
from minsheng.core.errors import NotAllowed
from minsheng.org.models import User


def do_log_personal_data_view(case: Case, field: str, *, actor: User, ip_address: str | None) -> PersonalDataView:
    """Every unmasking of a requester's phone or ID number leaves a row saying who, when, from where."""
    if not rules.can_see_personal_data(actor, case):
        raise NotAllowed("只有承办本件的工作人员可以查看完整的个人信息。")
    return PersonalDataView.objects.create(
        case=case, user=actor, field=field, viewed_at=clock.now(), ip_address=ip_address
    )


def do_log_phone_search(case_ids, *, actor: User, ip_address: str | None) -> int:
    """A search by a whole phone number tells the searcher whose number it is: each case it
    found is logged as a view of that requester's phone. (The search itself only returns
    cases whose phone the searcher may see: queries.search_cases.)"""
    moment = clock.now()
    rows = [
        PersonalDataView(case_id=pk, user=actor, field="requester_phone", via="search", viewed_at=moment, ip_address=ip_address)
        for pk in case_ids
    ]
    PersonalDataView.objects.bulk_create(rows)
    return len(rows)
