from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "minsheng.org"
    label = "org"
    verbose_name = "组织机构"
