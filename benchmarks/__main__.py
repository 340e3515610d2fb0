"""``python -m benchmarks``: run the groups, print the tables, optionally write them as markdown."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

from . import REPO, SOURCE, __doc__ as _doc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=_doc,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=150, help="round-robin rounds of the per-call group (default 150)")
    parser.add_argument("--batch", type=int, default=10, help="calls per case per round (default 10)")
    parser.add_argument("--runs", type=int, default=21, help="fresh processes per process measurement (default 21)")
    parser.add_argument("--quick", action="store_true", help="everything, tiny: checks the script, not the code")
    parser.add_argument("--only", metavar="GROUPS", help="comma-separated groups to run (default: all)")
    parser.add_argument("--markdown", metavar="FILE", help="also write the tables and the machine to FILE")
    parser.add_argument("--sizes", metavar="N,N,N", help="the scale curves' sizes (default 100,1000,10000)")
    parser.add_argument("--src", metavar="DIR", type=Path, help="measure the orgsim in DIR (default: this checkout's src)")
    args = parser.parse_args(argv)

    SOURCE.use((args.src or REPO / "src").resolve())
    # Imported only now: they import orgsim, which must come from the source chosen above.
    from .cases import GROUPS, measurer
    from .method import Settings
    from .report import console, failures, machine, markdown

    settings = Settings.smoke() if args.quick else Settings(rounds=args.rounds, batch=args.batch, runs=args.runs)
    if args.sizes:
        settings = dataclasses.replace(settings, sizes=tuple(int(n) for n in args.sizes.split(",")))
    groups = GROUPS if args.only is None else tuple(g.strip() for g in args.only.split(","))
    unknown = [g for g in groups if g not in GROUPS]
    if unknown:
        parser.error(f"unknown groups {unknown}; there are {list(GROUPS)}")

    machine_lines = machine(SOURCE.path, REPO)
    print("\n".join(machine_lines))
    print(f"{settings}\n", flush=True)
    sections = []
    for group in groups:
        print(f"-- {group}", flush=True)
        found = measurer(group)(settings)
        print(console(found), flush=True)
        sections += found
    failed = failures(sections)
    print(f"\n{'all targets hold' if not failed else 'targets missed: ' + '; '.join(failed)}")
    if args.markdown:
        command = " ".join(["python -m benchmarks", *(argv if argv is not None else sys.argv[1:])])
        Path(args.markdown).write_text(markdown(sections, machine_lines, command))
    return 1 if failed and not args.quick else 0  # a quick run's numbers prove nothing either way


if __name__ == "__main__":
    sys.exit(main())
