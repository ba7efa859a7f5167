from django.apps import AppConfig


class ElevatorsConfig(AppConfig):
    name = "minsheng.elevators"
    label = "elevators"
    verbose_name = "既有住宅加装电梯"

    def ready(self):
        # The worker sweeps due applications (core.sweeps); a case shows the applications it is
        # about (cases.links). Neither core nor cases imports this app: it tells them.
        from minsheng.cases import links
        from minsheng.core import sweeps
        from minsheng.elevators.actions.service import sweep_due_applications

        sweeps.register("加装电梯申请", sweep_due_applications)
        links.register(case_links)


def case_links(case, user) -> list[dict]:
    """The applications `case` is about, as the staff case page lists them: number, entrance,
    stage and its department, how long in it and how late. The link to the application's page
    only for those who may see the application (and only once that page exists)."""
    from django.urls import NoReverseMatch, reverse
    from django.utils import timezone

    from minsheng.cases.workflow import due_words
    from minsheng.core import clock
    from minsheng.elevators import rules
    from minsheng.elevators.actions import stage_summary
    from minsheng.elevators.models import ApplicationCase
    from minsheng.org import workdays

    found = []
    for link in ApplicationCase.objects.filter(case=case).select_related(
            "application__entrance__building__estate", "application__region", "application__rule_set").order_by("pk"):
        application = link.application
        summary = stage_summary(application)
        stage = summary["stage"] + (f"（{summary['department']}）" if summary["department"] else "")
        lines = [str(application.entrance), f"当前环节：{stage}"]
        if application.is_open:
            days = workdays.working_days_between(timezone.localtime(summary["since"]).date(), clock.today())
            timing = f"已在本环节{days}个工作日" if days else "今天进入本环节"
            if summary["late_days"]:
                timing += f"，超期{summary['late_days']}个工作日（期限{due_words(summary['due_at'])}）"
            elif summary["due_at"]:
                timing += f"，期限{due_words(summary['due_at'])}"
            lines.append(timing)
        if link.stage != application.stage:
            lines.append(f"反映时处于“{link.get_stage_display()}”环节")
        if application.stage == "in_service":
            # A fault report: whom the handler calls out (a company's line, not a resident's).
            if application.maintenance_contractor:
                lines.append(f"维保单位：{application.maintenance_contractor}"
                             + (f"，电话{application.maintenance_phone}" if application.maintenance_phone else ""))
            if application.last_serviced_on:
                lines.append(f"最近维保：{application.last_serviced_on:%Y-%m-%d}")
        url = ""
        if rules.may_view(user, application):
            try:
                url = reverse("elevators:application", args=[application.pk])
            except NoReverseMatch:
                url = ""
        found.append({"title": f"关联的加装电梯申请 {application.number}", "url": url, "lines": lines})
    return found
