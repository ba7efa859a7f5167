"""`python -m minsheng <command>` and the `minsheng` console script run Django's management commands."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minsheng.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line([sys.argv[0] if sys.argv[0] != "-m" else "minsheng", *sys.argv[1:]])


if __name__ == "__main__":
    main()
