from django.apps import AppConfig


class ProjectConfig(AppConfig):
    """The project package as an app: what gathers every domain app sits here, above them
    (the staff home page, the demo loader and `serve`, cross-app test factories in testing.py),
    so `core` and `org` import nothing above their layer (tests/test_layers.py)."""

    name = "minsheng"
    label = "minsheng_site"
    verbose_name = "民生"
