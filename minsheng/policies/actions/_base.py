"""What every policy action shares: the event row, the trimmed text, the locked payout, who keeps a
policy, the steps' limits, and telling an application's case of a payout step."""

from minsheng.core import clock
from minsheng.core.errors import NotAllowed, NotFound
from minsheng.core.text import clean_text
from minsheng.policies import rules
from minsheng.policies.models import PolicyEvent

REVIEW_DAYS = 5  # working days to review a firm listed by the match
PUBLICITY_DAYS = 5  # working days a confirmed list is publicly listed for objections
ORDER_DAYS = 5  # working days from the end of the publicity to the payment order


def write_event(kind: str, *, actor, policy=None, entity=None, payout=None, application=None, note: str = "",
                data: dict | None = None, is_public: bool = False) -> PolicyEvent:
    return PolicyEvent.objects.create(kind=kind, actor=actor, policy=policy, entity=entity, payout=payout,
                                      application=application, note=note, data=data or {}, is_public=is_public,
                                      created_at=clock.now())


def _row(payout):
    from minsheng.policies.models import Payout

    return Payout.objects.filter(pk=payout.pk)


def _text(value, field: str, label: str, max_length: int, *, required: bool = True) -> str:
    return clean_text(value, field=field, label=label, max_length=max_length, required=required)


def _locked_payout(payout):
    from minsheng.policies.models import Payout

    try:
        return Payout.objects.select_for_update().select_related("policy", "entity").get(pk=payout.pk)
    except Payout.DoesNotExist:
        raise NotFound("没有找到该兑现记录。") from None


def _keeper(actor, policy) -> None:
    if actor is not None and not rules.may_keep_policies(actor, policy.issuer):
        raise NotAllowed("您无权办理该政策的兑现。")


def _tell_applicant(payout, *, text: str, public_text: str, actor, close_result: str = "", basis: str = "") -> None:
    """A payout step of an application shows on its case: a note, or the case's end."""
    from minsheng.cases.actions import do_add_note, do_close_case
    from minsheng.cases.models import State
    from minsheng.policies.models import PolicyApplication

    application = PolicyApplication.objects.filter(payout=payout).select_related("case").first()
    if application is None or application.case.state not in (State.DISPATCHED, State.HANDLING):
        return
    if close_result:
        do_close_case(application.case, result=close_result, text=public_text, basis=basis, actor=actor)
    else:
        do_add_note(application.case, text=text, public_text=public_text, actor=actor)
