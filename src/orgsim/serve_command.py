"""``python -m orgsim serve``: one simulation served over HTTP until SIGINT or SIGTERM.

The first line printed names the endpoint URL; the lines after it are the environment to export
(``export NAME=value``, one per line) so that the AWS CLI and other SDKs reach the simulation as its
default account. Each answered request is reported on standard error (``--quiet`` turns that off).
Every option of ``orgsim.Options`` that a command line can carry is a flag, generated from the
dataclass, so a new option gets its flag without touching this module.
"""

from __future__ import annotations

import argparse
import dataclasses
import errno
import inspect
import re
import signal
import sys
import threading
import types
import typing
import warnings
from collections.abc import Callable
from typing import Any, Final, TextIO

#: The port ``serve`` listens on by default: not LocalStack's 4566 (or its 4510-4559 range), not
#: moto's 5000 (behaviour.md, "Server mode").
DEFAULT_PORT: Final = 8599

#: Options that mean nothing for a server, with the reason shown in ``--help``.
NOT_FLAGS: Final = {
    "passthrough": "there is nothing behind a server to pass calls to: an operation orgsim does not "
    "simulate gets HTTP 501",
}
_SCALARS: Final = (bool, int, float, str)


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "serve",
        help="serve a simulation over HTTP for the AWS CLI and other SDKs",
        description="Serve one orgsim simulation over HTTP (AWS Organizations' JSON 1.1 and STS's query "
        "protocol) until SIGINT (Ctrl+C) or SIGTERM. The first line printed names the endpoint URL; "
        "the lines after it are the environment to export.",
        epilog=_epilog(),
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"port to listen on; 0 picks a free one (default: {DEFAULT_PORT})",
    )
    parser.add_argument("--quiet", action="store_true", help="do not report each request on standard error")
    options = parser.add_argument_group("simulation options (see orgsim.Options)")
    for flag in option_flags():
        flag.add_to(options)


@dataclasses.dataclass(frozen=True)
class OptionFlag:
    """One ``orgsim.Options`` field as a command-line flag."""

    name: str
    kinds: tuple[type, ...]
    default: Any
    help: str
    #: A list option: the flag may be given several times, each time one item.
    repeated: bool = False

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    def add_to(self, parser: Any) -> None:
        if self.repeated:
            parser.add_argument(
                self.flag,
                action="append",
                type=self.parse,
                default=None,
                metavar=self.name.upper().removesuffix("S"),
                help=f"{self.help} (one per flag; default: none)",
            )
            return
        if self.kinds == (bool,):
            parser.add_argument(
                self.flag, action=argparse.BooleanOptionalAction, default=None, help=f"{self.help} (default: {self.default})"
            )
            return
        parser.add_argument(
            self.flag,
            type=self.parse,
            default=None,
            metavar=self.name.upper(),
            help=f"{self.help} (default: {self.default})",
        )

    def parse(self, text: str) -> Any:
        """The value of ``text``, read as the first of the field's types that reads it."""
        for kind in self.kinds:
            if kind is int:
                if re.fullmatch(r"[+-]?[0-9]+", text.strip()):
                    return int(text)
            elif kind is float:
                try:
                    return float(text)
                except ValueError:
                    continue
            elif kind is str:
                return text
        raise argparse.ArgumentTypeError(f"{text!r} is not {' or '.join(k.__name__ for k in self.kinds)}")


def option_flags() -> list[OptionFlag]:
    """A flag for every option whose type a command line can carry (numbers, texts, booleans; the
    clock, a function, cannot), except those that mean nothing for a server (``NOT_FLAGS``)."""
    from .options import Options

    hints = typing.get_type_hints(Options)
    docs = _field_comments(Options)
    flags = []
    for field in dataclasses.fields(Options):
        if field.name in NOT_FLAGS:
            continue
        help = docs.get(field.name, field.name.replace("_", " "))
        hint = hints[field.name]
        if typing.get_origin(hint) is tuple and typing.get_args(hint) == (str, ...):
            flags.append(OptionFlag(field.name, (str,), field.default, help, repeated=True))
            continue
        kinds = _scalar_kinds(hint)
        if kinds is None:
            continue
        flags.append(OptionFlag(field.name, kinds, field.default, help))
    return flags


def _scalar_kinds(hint: Any) -> tuple[type, ...] | None:
    """The scalar types ``hint`` allows besides None, ints before floats before texts; None when it
    allows anything else (a function)."""
    if hint in _SCALARS:
        return (hint,)
    origin = typing.get_origin(hint)
    if origin is typing.Union or origin is types.UnionType:
        args = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        if args and all(arg in _SCALARS for arg in args):
            return tuple(sorted(args, key=_SCALARS.index))
    return None


def _field_comments(cls: type) -> dict[str, str]:
    """The ``#:`` comment above each field of ``cls``, joined into one line (empty when the source
    cannot be read)."""
    try:
        lines = inspect.getsource(cls).splitlines()
    except (OSError, TypeError):
        return {}
    found: dict[str, str] = {}
    comment: list[str] = []
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("#:"):
            comment.append(stripped[2:].strip())
            continue
        match = re.match(r"(\w+)\s*:", stripped)
        if match and comment:
            found[match.group(1)] = " ".join(comment).replace("%", "%%")
        comment = []
    return found


def _epilog() -> str:
    skipped = "; ".join(f"--{name.replace('_', '-')}: {why}" for name, why in NOT_FLAGS.items())
    return f"Not flags: {skipped}. The clock is the real one (no time patching across processes)."


# -- running --------------------------------------------------------------------------------------


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Serve until SIGINT or SIGTERM; 0 then, 1 when the server cannot start, 2 for bad options."""
    from .simulation import simulate

    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    options = {
        flag.name: tuple(value) if flag.repeated else value
        for flag in option_flags()
        if (value := getattr(args, flag.name)) is not None
    }
    if not 0 <= args.port <= 65535:
        print(f"orgsim serve: error: --port must be from 0 (a free port) to 65535, not {args.port}", file=err)
        return 2
    try:
        sim = simulate(**options)
    except (TypeError, ValueError) as exc:
        print(f"orgsim serve: error: {exc}", file=err)
        return 2
    stop = _StopSignal()
    with sim:
        from .serving import Server

        server = Server(sim, args.host, args.port)
        server.on_exchange = _reporter(err, server, quiet=args.quiet)
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                server.start()
            for warning in caught:
                print(f"orgsim serve: warning: {warning.message}", file=err, flush=True)
        except OSError as exc:
            print(f"orgsim serve: error: cannot listen on {args.host}:{args.port}: {_why(exc)}", file=err)
            return 1
        try:
            stop.install()
            _print_environment(sim, server.endpoint_url, out)
            received = stop.wait()
        finally:
            stop.uninstall()
            server.stop()
        print(f"orgsim serve: stopped by {received}; answered {len(sim.calls)} calls", file=err, flush=True)
    return 0


def _why(exc: OSError) -> str:
    if exc.errno == errno.EADDRINUSE:
        return "the address is already in use (pass --port 0 for a free port, or choose another)"
    if exc.errno == errno.EADDRNOTAVAIL:
        return "this machine has no such address"
    return exc.strerror or str(exc)


def _print_environment(sim: Any, endpoint_url: str, out: TextIO) -> None:
    from .adapters.http.environment import variables

    credentials = sim.credentials(sim.default_account_id)
    lines = [
        f"orgsim is serving AWS Organizations and STS at {endpoint_url}",
        *(f"export {name}={endpoint_url}" for name in variables()),
        f"export AWS_ACCESS_KEY_ID={credentials.access_key}",
        f"export AWS_SECRET_ACCESS_KEY={credentials.secret_key}",
        "export AWS_DEFAULT_REGION=us-east-1",
        "unset AWS_SESSION_TOKEN AWS_PROFILE",
        f"# These keys act as the default account, {sim.default_account_id}; so does any key orgsim did not issue.",
        "# Stop with Ctrl+C (SIGINT) or SIGTERM.",
    ]
    out.write("\n".join(lines) + "\n")
    out.flush()


def _reporter(err: TextIO, server: Any, *, quiet: bool) -> Callable[[Any], None]:
    """Reports each exchange on ``err`` (unless ``quiet``), and always the traceback of a failure
    inside orgsim (the request got ``500 InternalFailure``)."""
    lock = threading.Lock()
    shown = 0

    def report(exchange: Any) -> None:
        nonlocal shown
        what = f"{exchange.service}.{exchange.operation}" if exchange.operation else "(no operation)"
        who = f" as {exchange.account_id}" if exchange.account_id else ""
        outcome = exchange.error_code or "OK"
        record = exchange.record
        when = f"{record.time:%Y-%m-%dT%H:%M:%SZ} " if record is not None else ""
        with lock:
            if not quiet:
                print(f"orgsim: {when}{exchange.method} {what}{who} -> {exchange.status} {outcome}", file=err, flush=True)
            failures = server.failures
            for failure in failures[shown:]:
                print(f"orgsim serve: error: orgsim failed to answer a request (a bug; please report it):\n{failure}", file=err, flush=True)
            shown = len(failures)

    return report


class _StopSignal:
    """SIGINT and SIGTERM end the wait, whichever comes first (handlers of our own, put back after)."""

    SIGNALS: Final = (signal.SIGINT, signal.SIGTERM)

    def __init__(self) -> None:
        self._received: str | None = None
        self._previous: dict[int, Any] = {}

    def install(self) -> None:
        for signum in self.SIGNALS:
            self._previous[signum] = signal.signal(signum, self._handle)

    def uninstall(self) -> None:
        for signum, previous in self._previous.items():
            signal.signal(signum, previous)
        self._previous.clear()

    def _handle(self, signum: int, frame: Any) -> None:
        # Only a flag: a signal handler must not take locks the interrupted code may hold.
        self._received = signal.Signals(signum).name

    def wait(self) -> str:
        idle = threading.Event()
        while self._received is None:
            idle.wait(0.2)
        return self._received

