from django.apps import AppConfig


class PledgesConfig(AppConfig):
    name = "minsheng.pledges"
    label = "pledges"
    verbose_name = "实事清单"
