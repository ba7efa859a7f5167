from django.apps import AppConfig


class ElevatorsConfig(AppConfig):
    name = "minsheng.elevators"
    label = "elevators"
    verbose_name = "既有住宅加装电梯"
