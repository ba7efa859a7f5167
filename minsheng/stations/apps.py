from django.apps import AppConfig


class StationsConfig(AppConfig):
    name = "minsheng.stations"
    label = "stations"
    verbose_name = "城市驿站"
