from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "minsheng.policies"
    label = "policies"
    verbose_name = "惠企政策"

    def ready(self):
        from minsheng.cases import links as case_links
        from minsheng.core import sweeps
        from minsheng.enterprises import panels as enterprise_panels
        from minsheng.policies import panels
        from minsheng.policies.actions import sweep_late_payouts

        sweeps.register("惠企政策兑现", sweep_late_payouts)
        case_links.register(panels.case_links)
        enterprise_panels.register(enterprise_panels.FIRM_HOME, panels.firm_home)
