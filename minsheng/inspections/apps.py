from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "minsheng.inspections"
    label = "inspections"
    verbose_name = "涉企检查"

    def ready(self):
        from minsheng.enterprises import panels as enterprise_panels
        from minsheng.inspections import panels

        enterprise_panels.register(enterprise_panels.STAFF_PROFILE, panels.staff_profile)
        enterprise_panels.register(enterprise_panels.FIRM_HOME, panels.firm_home)
