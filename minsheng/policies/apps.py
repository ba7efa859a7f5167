from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "minsheng.policies"
    label = "policies"
    verbose_name = "惠企政策"

    def ready(self):
        from minsheng.enterprises import panels as enterprise_panels
        from minsheng.policies import panels

        enterprise_panels.register(enterprise_panels.FIRM_HOME, panels.firm_home)
