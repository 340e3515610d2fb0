"""``python -m orgsim``: command-line entry points (``demo``, ``serve``)."""

from __future__ import annotations

import argparse
import sys

from . import serve_command


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m orgsim", description="orgsim command-line tools.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="command")
    demo_command = commands.add_parser("demo", help="run a scripted story and print its timeline")
    demo_command.add_argument(
        "story",
        nargs="?",
        choices=("invitations", "billing"),
        default="invitations",
        help="invitations (default), or billing: a billing transfer (botocore 1.41.1 or newer)",
    )
    serve_command.add_parser(commands)
    args = parser.parse_args(argv)
    if args.command == "demo":
        from . import demo

        return demo.billing() if args.story == "billing" else demo.main()
    if args.command == "serve":
        return serve_command.run(args)
    return 2  # pragma: no cover - argparse rejects unknown commands first


if __name__ == "__main__":
    sys.exit(main())
