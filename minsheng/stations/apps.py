from django.apps import AppConfig


class StationsConfig(AppConfig):
    name = "minsheng.stations"
    label = "stations"
    verbose_name = "城市驿站"

    def ready(self):
        from minsheng.cases import links as case_links
        from minsheng.stations import panels

        case_links.register(panels.case_links)
