from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "minsheng.enterprises"
    label = "enterprises"
    verbose_name = "市场主体与企业帮扶"

    def ready(self):
        # A firm's demand is an enterprise case: the case page shows the firm (cases.links); the
        # worker reminds helpers of visits past their plan (core.sweeps).
        from minsheng.cases import links
        from minsheng.core import sweeps
        from minsheng.enterprises.actions.imports import sweep_import_jobs
        from minsheng.enterprises.actions.reminders import sweep_visit_reminders

        links.register(case_links)
        sweeps.register("企业走访提醒", sweep_visit_reminders)
        sweeps.register("市场主体名录导入", sweep_import_jobs)


def case_links(case, user) -> list[dict]:
    """The firm a case is the demand of: its name, industry, size and helpers, with a link to its
    profile for those who may see the firm (once that page exists)."""
    from django.urls import NoReverseMatch, reverse

    from minsheng.enterprises import queries, rules
    from minsheng.enterprises.models import Demand

    demand = Demand.objects.filter(case=case).select_related("entity__industry", "raised_by").first()
    if demand is None:
        return []
    entity = demand.entity
    lines = [f"{entity.uscc} · {entity.industry.name}"
             + (f" · {entity.get_size_class_display()}" if entity.size_class else "")
             + (" · 规上" if entity.above_scale else "")]
    helpers = [f"{helper.full_name or helper.username}（{'一对一' if mode == 'one_to_one' else '网格'}）"
               for helper, mode in queries.helpers_of(entity)]
    lines.append("帮扶干部：" + ("、".join(helpers) if helpers else "暂无"))
    if demand.raised_by_id:
        lines.append(f"由帮扶干部{demand.raised_by.full_name or demand.raised_by.username}代为提出")
    url = ""
    if rules.may_view(user, entity):
        try:
            url = reverse("enterprises:entity", args=[entity.pk])
        except NoReverseMatch:
            url = ""
    return [{"title": f"提出诉求的市场主体 {entity.name}", "url": url, "lines": lines}]
