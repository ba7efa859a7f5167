from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "minsheng.inspections"
    label = "inspections"
    verbose_name = "涉企检查"
