"""The policies' section on the firm's own home page (registered in apps.py): its applications
and where each stands, the policies in force where it is that it meets, and those it misses by
one condition, with that condition."""

from minsheng.core import clock
from minsheng.policies import queries

SHOWN = 10


def firm_home(request, entity):
    from minsheng.policies.views.firm import firm_applications

    today = clock.today()
    found = queries.policies_for(entity, today)
    met = [policy for policy, missing in found if not missing]
    near = [(policy, missing[0]) for policy, missing in found if len(missing) == 1]
    applications = firm_applications(entity)
    # What it receives without asking (免申即享): its payouts of this year and last, not those it applied for.
    from minsheng.policies.models import Payout

    payouts = list(Payout.objects.filter(entity=entity, year__gte=today.year - 1, application__isnull=True)
                   .select_related("policy").order_by("-listed_at", "-pk")[:SHOWN])
    if not met and not near and not applications and not payouts:
        return None
    return {"template": "policies/_firm_panel.html", "policies_met": met[:SHOWN], "policies_near": near[:SHOWN],
            "applications": applications, "payouts": payouts}


def case_links(case, user) -> list[dict]:
    """The staff case page of an application's case names its policy and stage (cases.links)."""
    from django.urls import reverse

    from minsheng.policies import rules
    from minsheng.policies.models import PolicyApplication

    if case.kind_id is None:
        return []
    application = PolicyApplication.objects.filter(case=case).select_related("policy__issuer", "payout").first()
    if application is None:
        return []
    policy = application.policy
    may_open = user is not None and (rules.may_keep_policies(user, policy.issuer)
                                     or queries.visible_policies(user).filter(pk=policy.pk).exists())
    lines = [f"{policy.title}（{policy.document_number}）", f"申报状态：{application.get_stage_display()}"]
    if application.payout_id:
        lines.append(f"核定金额：{application.payout.amount}元")
    return [{"title": f"惠企政策申报 · {policy.number}",
             "url": reverse("policies:staff-application", args=[application.pk]) if may_open else "", "lines": lines}]
