"""`python -m bench [name ...]`: run every benchmark, or the ones named (`python -m bench cases`).

`make bench` runs it against DATABASE_URL (default postgres://postgres@127.0.0.1:5432/minsheng)
with the database name replaced by minsheng_bench."""

import argparse
import sys

BENCHMARKS = {"cases": "bench.cases", "open311": "bench.open311", "reliability": "bench.reliability",
              "elevators": "bench.elevators", "enterprises": "bench.enterprises",
              "inspections": "bench.inspections", "policies": "bench.policies",
              "stations": "bench.stations"}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", choices=[[], *BENCHMARKS], metavar="name",
                        help=f"benchmarks to run (default: all): {', '.join(BENCHMARKS)}")
    parser.add_argument("--rebuild", action="store_true", help="regenerate the data even if the bench database holds it")
    parser.add_argument("--requests", type=int, default=100, help="timed requests per page (default 100, at least 50)")
    parser.add_argument("--warmup", type=int, default=10, help="warm-up requests per page (default 10)")
    parser.add_argument("--creates", type=int, default=500, help="timed case registrations (default 500)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers for the open311 load test (default 3)")
    parser.add_argument("--only", nargs="+", choices=["pages", "scorecards", "worker", "create", "whatifs"],
                        help="run only these parts of the cases benchmark (results are then not written)")
    # The module imports nothing of Django at import time (see bench/__init__.py), so its parts can be listed here.
    from bench.enterprises import PARTS as ENTERPRISE_PARTS

    parser.add_argument("--only-enterprises", nargs="+", choices=list(ENTERPRISE_PARTS), metavar="part",
                        help=f"run only these parts of the enterprises benchmark: {', '.join(ENTERPRISE_PARTS)} "
                             "(results are then not written)")
    args = parser.parse_args(argv)
    if args.requests < 50:
        parser.error("--requests must be at least 50")

    import importlib

    import bench

    bench.setup()
    for name in args.names or list(BENCHMARKS):
        print(f"== {name}")
        importlib.import_module(BENCHMARKS[name]).run(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
