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
