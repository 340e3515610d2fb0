"""The simulation object: context manager, decorator, and the handle tests use to shape the world."""

from __future__ import annotations

import contextvars
import datetime as dt
import functools
import inspect
import re
import threading
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any, ParamSpec, TypeVar, overload

import boto3
import botocore.loaders
import botocore.session

from . import _watch
from .adapters import botocore_hooks
from .adapters.environment import FakeEnvironment
from .clock import system_clock, utc_clock
from .domain.world import Limits
from .errors import NoActiveSimulation
from .options import Options
from .service.dispatch import SimulatedAWS
from .service.schema import java_pattern, service_model
from .views import Account
from .world_api import WorldAPI

P = ParamSpec("P")
R = TypeVar("R")

_ACCOUNT_ID = re.compile(r"[0-9]{12}")
_REGION = "us-east-1"


class Simulation(WorldAPI):
    """A simulated AWS with Organizations and STS. Starts empty.

    Use it as ``with simulate() as sim:``, ``async with``, ``@simulate()`` on a sync or async
    function, or with explicit ``start()`` / ``stop()``. The call log, faults, snapshots and
    seeding are described in ``orgsim.world_api.WorldAPI``.
    """

    def __init__(self, options: Options) -> None:
        self.options = options
        self._aws: SimulatedAWS | None = None
        self._active = False
        #: Set once used as a decorator (see ``__call__``).
        self._decorates = False

    # -- lifecycle --------------------------------------------------------------------------

    def start(self) -> Simulation:
        if self._active:
            raise RuntimeError("this simulation is already active")
        options = self.options
        self._aws = SimulatedAWS(
            seed=options.seed,
            default_account_id=options.default_account_id,
            limits=Limits(
                max_accounts=options.max_accounts,
                max_invitations_per_day=options.max_invitations_per_day,
                allow_invites_during_enable_all_features=options.allow_invites_during_enable_all_features,
                create_account_delay=dt.timedelta(seconds=options.create_account_delay_seconds),
                created_account_wait=dt.timedelta(days=options.created_account_wait_days),
            ),
            clock=system_clock if options.clock is None else utc_clock(options.clock),
            call_log_limit=options.call_log_limit,
        )
        _push(self)
        self._active = True
        _watch.started(self)
        return self

    def stop(self) -> None:
        if not self._active:
            return
        self._active = False
        _pop(self)

    @property
    def active(self) -> bool:
        return self._active

    def __enter__(self) -> Simulation:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    async def __aenter__(self) -> Simulation:
        return self.start()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @overload
    def __call__(self, func: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]: ...

    @overload
    def __call__(self, func: Callable[P, R]) -> Callable[P, R]: ...

    def __call__(self, func: Callable[P, Any]) -> Callable[P, Any]:
        """Decorate a function: each call runs inside its own fresh simulation.

        While a call runs, this object stands for that call's simulation, so ``sim.session(...)``,
        ``sim.calls`` and the rest work inside a function decorated with ``@sim`` (in the same thread
        or task; elsewhere use ``orgsim.current()``).
        """
        options = self.options
        self._decorates = True
        if inspect.iscoroutinefunction(func):

            @functools.wraps(func)
            async def async_wrapper(*args: P.args, **kwargs: P.kwargs) -> Any:
                async with Simulation(options) as running:
                    token = _runs.set((*_runs.get(), (self, running)))
                    try:
                        return await func(*args, **kwargs)
                    finally:
                        _runs.reset(token)

            return async_wrapper

        @functools.wraps(func)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> Any:
            with Simulation(options) as running:
                token = _runs.set((*_runs.get(), (self, running)))
                try:
                    return func(*args, **kwargs)
                finally:
                    _runs.reset(token)

        return wrapper

    # -- the world --------------------------------------------------------------------------

    @property
    def default_account_id(self) -> str:
        return self.options.default_account_id

    def _require(self) -> SimulatedAWS:
        if self._aws is not None:
            return self._aws
        for decorator, running in reversed(_runs.get()):
            if decorator is self:
                return running._require()
        if self._decorates:
            raise RuntimeError(
                "this simulation decorates functions, and each call of one runs in a fresh simulation of its "
                "own: use it inside such a call (in another thread or task, use orgsim.current())"
            )
        raise RuntimeError("this simulation has not been started")

    def session(self, account_id: str) -> boto3.Session:
        """A boto3 session whose clients act as ``account_id`` (its root user)."""
        if not isinstance(account_id, str) or not _ACCOUNT_ID.fullmatch(account_id):
            raise ValueError(f"an AWS account id is 12 digits, not {account_id!r}")
        aws = self._require()
        with aws.lock:
            creds = aws.identities.issue_root(account_id)
        return boto3.Session(
            aws_access_key_id=creds.access_key_id,
            aws_secret_access_key=creds.secret_access_key,
            region_name=_REGION,
            botocore_session=_botocore_session(),
        )

    def create_account(
        self, account_id: str | None = None, *, email: str | None = None, name: str | None = None
    ) -> Account:
        """A standalone account that belongs to no organization. ``email`` and ``name`` must be ones AWS
        would accept (the service model's ``Email`` and ``AccountName`` rules); by default they are made up."""
        if email is not None:
            _check_detail("email", email, "Email")
        if name is not None:
            _check_detail("name", name, "AccountName")
        aws = self._require()
        with aws.lock:
            return Account.of(aws.world.create_account(account_id, email, name))


def _check_detail(what: str, value: object, shape_name: str) -> None:
    """Refuse an account detail that the real service would never hold (its responses could not show it)."""
    rules = service_model("organizations").shape_for(shape_name).metadata
    low, high, pattern = rules.get("min", 0), rules.get("max"), rules.get("pattern")
    if (
        not isinstance(value, str)
        or len(value) < low
        or (high is not None and len(value) > high)
        or (pattern is not None and java_pattern(pattern).fullmatch(value) is None)
    ):
        raise ValueError(
            f"{value!r} is not an account {what} AWS accepts: its model wants {low} to {high} characters"
            + (f" matching {pattern}" if pattern is not None else "")
        )


@functools.cache
def _shared_loader() -> botocore.loaders.Loader:
    return botocore.loaders.create_loader()


def _botocore_session() -> botocore.session.Session:
    """A fresh botocore session that shares one model loader with every other session we hand out.

    Each new session otherwise reads and parses the service models again (tens of milliseconds per
    client); a loader caches what it has read, and boto3 already shares one between the clients of a
    session, so sharing it between sessions is no different.
    """
    session = botocore.session.Session()
    session.register_component("data_loader", _shared_loader())
    return session


# -- which simulation is active --------------------------------------------------------------

_stack: list[Simulation] = []
_stack_lock = threading.Lock()
#: The decorated calls running in this thread or task, innermost last: (decorating simulation, the
#: fresh simulation the call runs in).
_runs: contextvars.ContextVar[tuple[tuple[Simulation, Simulation], ...]] = contextvars.ContextVar(
    "orgsim_decorated_runs", default=()
)
_environment = FakeEnvironment()


def _push(sim: Simulation) -> None:
    with _stack_lock:
        if not _stack:
            _environment.apply()
        _stack.append(sim)
        assert sim._aws is not None
        botocore_hooks.activate(sim._aws, passthrough=sim.options.passthrough)


def _pop(sim: Simulation) -> None:
    with _stack_lock:
        _stack.remove(sim)
        if _stack:
            top = _stack[-1]
            assert top._aws is not None
            botocore_hooks.activate(top._aws, passthrough=top.options.passthrough)
        else:
            botocore_hooks.deactivate()
            _environment.restore()


def current() -> Simulation:
    """The active simulation (the innermost, when several are)."""
    with _stack_lock:
        if not _stack:
            raise NoActiveSimulation(
                "no orgsim simulation is active: use the orgsim fixture, @orgsim.simulate(), "
                "or `with orgsim.simulate():`"
            )
        return _stack[-1]


def simulate(**options: Any) -> Simulation:
    """A new, empty simulation configured by ``options`` (see ``orgsim.Options``)."""
    return Simulation(Options.from_kwargs(**options))
