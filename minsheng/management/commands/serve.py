"""Serve the site with gunicorn (the same server as production), static files by whitenoise."""

from django.core.management.base import BaseCommand
from gunicorn.app.base import BaseApplication

from minsheng.wsgi import application


class _Gunicorn(BaseApplication):
    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return application


class Command(BaseCommand):
    help = "启动网站服务（gunicorn）。"

    def add_arguments(self, parser):
        parser.add_argument("--bind", default="127.0.0.1:8000", help="监听地址，默认127.0.0.1:8000")
        parser.add_argument("--workers", type=int, default=2, help="工作进程数，默认2")
        parser.add_argument("--threads", type=int, default=4, help="每个进程的线程数，默认4")

    def handle(self, *args, **options):
        _Gunicorn(
            {
                "bind": options["bind"],
                "workers": options["workers"],
                "threads": options["threads"],
                "accesslog": "-",
                "graceful_timeout": 10,
            }
        ).run()
