from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "minsheng.inspections"
    label = "inspections"
    verbose_name = "涉企检查"

    def ready(self):
        from minsheng.core import sweeps
        from minsheng.enterprises import panels as enterprise_panels
        from minsheng.inspections import panels
        from minsheng.inspections.actions.filings import sweep_publication

        sweeps.register("入企检查结果公示", sweep_publication)
        enterprise_panels.register(enterprise_panels.STAFF_PROFILE, panels.staff_profile)
        enterprise_panels.register(enterprise_panels.FIRM_HOME, panels.firm_home)
