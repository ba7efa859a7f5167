"""`python -m minsheng <command>` and the `minsheng` console script run Django's management commands."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minsheng.settings")
    from django.core.management import execute_from_command_line

    # Help texts name the program as it was typed: "python -m minsheng demo", not "__main__.py demo".
    program = "python -m minsheng" if sys.argv[0] in ("-m", "") or sys.argv[0].endswith("__main__.py") else sys.argv[0]
    execute_from_command_line([program, *sys.argv[1:]])


if __name__ == "__main__":
    main()
