"""The simulation object: context manager, decorator, and the handle tests use to shape the world."""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import warnings
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from types import TracebackType
from typing import Any, ParamSpec, TypeVar, overload

import boto3
from botocore.credentials import ReadOnlyCredentials

from . import activation, report as _report, snapshots
from .adapters import install
from .adapters.environment import FakeEnvironment
from .clock import Clock, as_utc, system_clock, utc_clock
from .decorator import decorate
from .domain.ids import is_account_id
from .domain.model import ALL
from .exceptions import BotocoreTooOld, NoActiveSimulation
from .options import Options
from .seeding import DelegatedAdministrators, OrganizationalUnits, Policies, SeededOrganization, seed_organization, seed_transfer
from .service.botocore_model import service_model
from .service.call_log import CallLog
from .service.faults import Fault, build_error, resolve_operations
from .service.java_regex import java_pattern
from .service.routes import missing_from_model, simulated
from .service.simulated_aws import SimulatedAWS
from .serving import Server, needs_active
from .sessions import session_for

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")


class Simulation:
    """A simulated AWS with Organizations and STS. Starts empty.

    Use it as ``with simulate() as sim:``, ``async with``, ``@simulate()`` on a sync or async
    function, or with explicit ``start()`` / ``stop()``. It answers the callers of the thread or
    task that started it (see ``orgsim.activation``). Everything that reads the world keeps working
    after ``stop()``: the world and the call log of the last run stay readable.
    """

    def __init__(self, options: Options) -> None:
        self.options = options
        self._aws: SimulatedAWS | None = None
        self._active: activation.Active | None = None
        #: Set once used as a decorator (see ``__call__``).
        self._decorates = False
        #: The servers serving this simulation (``serve``), oldest first.
        self._servers: list[Server] = []

    # -- lifecycle --------------------------------------------------------------------------

    def start(self) -> Simulation:
        if self._active is not None and self._active.running:
            raise RuntimeError("this simulation is already active")
        options = self.options
        self._aws = SimulatedAWS(
            seed=options.seed,
            default_account_id=options.default_account_id,
            limits=options.limits(),
            clock=system_clock if options.clock is None else utc_clock(options.clock),
            call_log_limit=options.call_log_limit,
        )
        install()
        self._active = activation.Active(self._aws, self, passthrough=options.passthrough)
        activation.start(self._active, on_first=_environment.apply)
        return self

    def stop(self) -> None:
        """Stop answering, for every caller (from any thread or task), and stop the servers serving
        it. Stopping twice does nothing."""
        for server in reversed(list(self._servers)):
            server.stop()
        if self._active is not None:
            activation.stop(self._active, on_last=_environment.restore)

    @property
    def active(self) -> bool:
        return self._active is not None and self._active.running

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
    def __call__(self, func: type[T]) -> type[T]: ...  # type: ignore[overload-overlap]  # a class is callable

    @overload
    def __call__(self, func: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]: ...

    @overload
    def __call__(self, func: Callable[P, R]) -> Callable[P, R]: ...

    def __call__(self, func: Any) -> Any:
        """Decorate a function: each call runs inside its own fresh simulation.

        A generator or async generator function keeps its simulation active from its first step until
        it finishes or is closed. On a class, each method whose name starts with ``test`` (inherited ones
        included) is decorated, as ``unittest.mock.patch`` does: set-up methods and fixtures run outside.

        While a call runs, this object stands for that call's simulation, so ``sim.session(...)``,
        ``sim.calls`` and the rest work inside a function decorated with ``@sim`` (in the same thread
        or task; elsewhere use ``orgsim.current()``).
        """
        self._decorates = True
        return decorate(func, self._fresh_run)

    @contextlib.contextmanager
    def _fresh_run(self) -> Iterator[Simulation]:
        with Simulation(self.options) as running:
            entry = (self, running)
            _runs.set((*_runs.get(), entry))
            try:
                yield running
            finally:
                # Not a token reset: a generator may be closed from another context than it started in.
                _runs.set(tuple(run for run in _runs.get() if run is not entry))

    def _running(self) -> Simulation:
        """The simulation running for this object: itself, or the current call's when it decorates."""
        if self._aws is None:
            for decorator, running in reversed(_runs.get()):
                if decorator is self:
                    return running._running()
        return self

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

    @contextlib.contextmanager
    def _observed(self) -> Iterator[tuple[SimulatedAWS, dt.datetime]]:
        """Hold the lock for a whole look at (or change to) the world from outside a call, with the
        world brought up to now first. What seeding changes is not a call's: it is not logged."""
        aws = self._require()
        with aws.lock:
            try:
                yield aws, aws.observe()
            finally:
                aws.world.take_changes()

    # -- identities -------------------------------------------------------------------------

    @property
    def default_account_id(self) -> str:
        return self.options.default_account_id

    def session(self, account_id: str) -> boto3.Session:
        """A boto3 session whose clients act as ``account_id`` (its root user)."""
        if not is_account_id(account_id):
            raise ValueError(f"an AWS account id is 12 digits, not {account_id!r}")
        aws = self._require()
        with aws.lock:
            credentials = aws.identities.issue_root(account_id)
        return session_for(credentials)

    def credentials(self, account_id: str) -> ReadOnlyCredentials:
        """The access keys the simulation issues for ``account_id``'s root user (the ones
        ``session(account_id)`` signs with), as botocore's ``ReadOnlyCredentials``: ``access_key``,
        ``secret_key``, ``token`` (None). Give them to a client outside the process (``serve``)."""
        if not is_account_id(account_id):
            raise ValueError(f"an AWS account id is 12 digits, not {account_id!r}")
        aws = self._require()
        with aws.lock:
            issued = aws.identities.issue_root(account_id)
        return ReadOnlyCredentials(issued.access_key_id, issued.secret_access_key, issued.session_token)

    # -- server mode ------------------------------------------------------------------------

    def serve(self, host: str = "127.0.0.1", port: int = 0) -> Server:
        """This simulation over HTTP, for clients outside the process (the AWS CLI, other SDKs):
        ``with sim.serve() as server:`` then ``server.endpoint_url``. ``port=0`` picks a free port;
        the host defaults to the loopback address (another one warns). While it runs, the environment
        points AWS clients at it (``AWS_ENDPOINT_URL_ORGANIZATIONS``, ``AWS_ENDPOINT_URL_STS``); in-process
        clients keep being answered directly. Stops with the block, ``stop()``, or the simulation."""
        running = self._running()
        if not running.active:
            raise needs_active()
        return Server(running, host, port)

    # -- clock and call log -----------------------------------------------------------------

    @property
    def clock(self) -> Clock:
        """The clock this simulation reads: the ``clock`` option as given (a ``ManualClock`` to
        ``advance``, say, also when the marker set it), or the system clock, which freezegun and
        time-machine move."""
        return system_clock if self.options.clock is None else self.options.clock

    def now(self) -> dt.datetime:
        """The simulated clock now (UTC, to the millisecond)."""
        return self._require().now()

    @property
    def calls(self) -> CallLog:
        """Every call this simulation answered, oldest first (see ``orgsim.RecordedCall``).

        ``sim.calls.filter("CancelHandshake")``, ``sim.calls.last``, ``sim.calls.errors``,
        ``sim.calls.operations``; ``sim.calls.clear()`` forgets what was recorded so far.
        """
        return self._require().calls

    # -- faults -----------------------------------------------------------------------------

    def fail(
        self,
        operation: str | Iterable[str] | None,
        error: str | type[BaseException],
        *,
        times: int | None = None,
        for_: dt.timedelta | None = None,
        reason: str | None = None,
        message: str | None = None,
        account_id: str | None = None,
        members: Mapping[str, str] | None = None,
    ) -> Fault:
        """Make matching calls fail with a modeled error until ``times`` calls have failed, ``for_``
        of simulated time has passed, or ``cancel()`` is called on the returned fault.

        ``operation`` is an API name (``"AcceptHandshake"`` or ``"accept_handshake"``), several of
        them, or None for every Organizations operation. ``error`` is the error code (or the exception
        class from ``client.exceptions``); it must be modeled for each named operation in botocore's
        model. ``reason`` fills ``Reason`` for the errors that have one, ``message`` replaces the default
        message, ``members`` sets other members (TooManyRequestsException's ``Type``). ``account_id``
        limits the fault to calls made as that account. With neither ``times`` nor ``for_`` the fault
        lasts until cancelled. Faults are answered before input validation and are never retried by
        botocore; the oldest matching fault answers first.
        """
        if times is not None and (isinstance(times, bool) or not isinstance(times, int) or times < 1):
            raise ValueError(f"times must be a positive integer, not {times!r}")
        if for_ is not None and (not isinstance(for_, dt.timedelta) or for_ <= dt.timedelta(0)):
            raise ValueError(f"for_ must be a positive timedelta, not {for_!r}")
        for name in [operation] if isinstance(operation, str) else list(operation or ()):
            missing = missing_from_model(name)
            if missing is not None:
                raise BotocoreTooOld(missing)
        service, operations = resolve_operations(operation, simulated())
        rejected = build_error(service, operations, error, reason, message, members)
        aws = self._require()
        with aws.lock:
            now = aws.now()
            until = now + for_ if for_ is not None else None
            fault = Fault(aws.faults, service, operations, account_id, rejected, times, now, until)
            aws.faults.add(fault)
        return fault

    @property
    def faults(self) -> tuple[Fault, ...]:
        """The faults still armed, oldest first."""
        return self._require().faults.armed()

    def clear_faults(self) -> None:
        """Disarm every fault."""
        self._require().faults.clear()

    # -- snapshots --------------------------------------------------------------------------

    @property
    def accounts(self) -> tuple[snapshots.Account, ...]:
        """Every account the simulation knows, including ones only seen as callers (an invitation's
        target is not an account until it calls; behaviour.md, "Who may call what")."""
        with self._observed() as (aws, _):
            return snapshots.accounts(aws.world)

    def account(self, account_id: str) -> snapshots.Account:
        """One account; KeyError if the simulation never saw it."""
        with self._observed() as (aws, _):
            return snapshots.account(aws.world, account_id)

    @property
    def organizations(self) -> tuple[snapshots.Organization, ...]:
        """Every organization that exists (deleted ones are gone)."""
        with self._observed() as (aws, _):
            return snapshots.organizations(aws.world)

    def organization(self, organization_id: str | None = None) -> snapshots.Organization:
        """One organization; without an id, the only one (LookupError if there are none or several)."""
        with self._observed() as (aws, _):
            return snapshots.organization(aws.world, organization_id)

    @property
    def handshakes(self) -> tuple[snapshots.Handshake, ...]:
        """Every handshake the world holds, oldest first, with states as of now. A handshake is purged
        (forgotten) 30 days after it ended, when the API stops showing it; ``sim.calls`` still holds
        what the calls showed."""
        with self._observed() as (aws, now):
            return snapshots.handshakes(aws.world, now)

    def handshake(self, handshake_id: str) -> snapshots.Handshake:
        """One handshake as of now; KeyError if it never existed or has been purged."""
        with self._observed() as (aws, now):
            return snapshots.handshake(aws.world, handshake_id, now)

    @property
    def transfers(self) -> tuple[snapshots.Transfer, ...]:
        """Every billing transfer ever invited to, oldest first, with statuses as of now."""
        with self._observed() as (aws, now):
            return snapshots.transfers(aws.world, now)

    def transfer(self, transfer_id: str) -> snapshots.Transfer:
        """One billing transfer as of now, even after the API stopped showing it; KeyError if it never existed."""
        with self._observed() as (aws, now):
            return snapshots.transfer(aws.world, transfer_id, now)

    # -- seeding ----------------------------------------------------------------------------

    def seed_account(
        self, account_id: str | None = None, *, email: str | None = None, name: str | None = None
    ) -> snapshots.Account:
        """A standalone account that belongs to no organization, made without an API call (and not
        logged). ``email`` and ``name`` must be ones AWS would accept (the service model's ``Email`` and
        ``AccountName`` rules); by default they are made up."""
        if email is not None:
            _check_detail("account email", email, "Email")
        if name is not None:
            _check_detail("account name", name, "AccountName")
        with self._observed() as (aws, _):
            return snapshots.Account.of(aws.world.create_account(account_id, email, name))

    def seed_organization(
        self,
        management_account_id: str | None = None,
        *,
        feature_set: str = ALL,
        members: int | Iterable[str] = (),
        invitations: int | Iterable[str] = (),
        organizational_units: OrganizationalUnits = (),
        policies: Policies | None = None,
        trusted_access: Iterable[str] = (),
        delegated_administrators: DelegatedAdministrators | None = None,
    ) -> SeededOrganization:
        """An organization managed by ``management_account_id`` (default: the default account), with
        ``members`` that already joined, ``invitations`` still OPEN and ``organizational_units``, built at
        the current simulated time through the same rules as the API (and not recorded in the call log).

        ``policies`` maps each policy's name to ``{"content": ..., "type": ..., "targets": [...]}``
        (``content`` a JSON text or what ``json.dumps`` takes; ``type`` by default
        ``SERVICE_CONTROL_POLICY``, enabled first when it is not; a target is ``"/"`` for the root, an
        OU path, or an account id; also ``description`` and ``tags``). ``trusted_access`` lists service
        principals to enable; ``delegated_administrators`` maps account ids to the principal or
        principals each is registered for (their trusted access is enabled first). Accounts named here
        that are not members yet join first.

        ``members`` and ``invitations`` are account ids (invitations may also be email addresses), or a
        number of new accounts. ``organizational_units`` lists OU paths (``"Workloads/Prod"``: every OU
        on the way is made too), or maps each path to the accounts to place there (ids, or a number of
        new accounts; accounts not yet members join first). ValueError when a rule refuses a step (e.g.
        the account limit).
        """
        paths = organizational_units
        if not isinstance(paths, (str, Mapping)):
            paths = list(paths)  # read once: it may be an iterator
        if not isinstance(paths, str):
            for path in paths:
                for name in str(path).strip("/").split("/"):
                    if name:
                        _check_detail("OU name", name, "OrganizationalUnitName")
        with self._observed() as (aws, now):
            management = management_account_id or aws.identities.default.account_id
            return seed_organization(
                aws.world,
                now,
                management,
                feature_set=feature_set,
                members=members,
                invitations=invitations,
                organizational_units=paths,
                policies=policies,
                trusted_access=trusted_access,
                delegated_administrators=delegated_administrators,
            )

    def seed_transfer(
        self,
        inviter: str,
        source: str,
        *,
        start: dt.datetime | str | None = None,
        name: str | None = None,
        tags: Mapping[str, str] | None = None,
        accepted: bool = True,
    ) -> snapshots.Transfer:
        """A billing transfer: the organization ``inviter`` manages and pays the bill of the
        organization ``source`` (each given by its id or its management account's id). Invited at the
        current simulated time through the same rules as the API, for ``start`` (default: the first
        of next month, or of the month after when less than a day is left), then accepted unless
        ``accepted`` is False; ``tags`` are the invitation's. Not recorded in the call log.

        Needs botocore 1.41.1 or newer (``BotocoreTooOld`` otherwise); ValueError when a rule refuses.
        """
        missing = missing_from_model("InviteOrganizationToTransferResponsibility")
        if missing is not None:
            raise BotocoreTooOld(f"seed_transfer simulates billing transfers, and {missing}")
        if name is not None:
            _check_detail("transfer name", name, "ResponsibilityTransferName")
        pairs = tuple((tags or {}).items())
        for key, value in pairs:
            _check_detail("tag key", key, "TagKey")
            _check_detail("tag value", value, "TagValue")
        when = None if start is None else as_utc(start)  # naive means UTC
        with self._observed() as (aws, now):
            transfer = seed_transfer(
                aws.world, now, inviter, source, start=when, name=name, tags=pairs, accepted=accepted
            )
            return snapshots.Transfer.of(transfer, now)

    def create_account(self, *args: Any, **kwargs: Any) -> snapshots.Account:
        """Deprecated: use ``seed_account`` (this is not the CreateAccount operation)."""
        _deprecated("create_account", "seed_account")
        return self.seed_account(*args, **kwargs)

    def create_organization(self, *args: Any, **kwargs: Any) -> SeededOrganization:
        """Deprecated: use ``seed_organization`` (this is not the CreateOrganization operation)."""
        _deprecated("create_organization", "seed_organization")
        return self.seed_organization(*args, **kwargs)

    # -- report -----------------------------------------------------------------------------

    def report(self, *, last_calls: int = 10) -> str:
        """The world as text: organizations and members, every handshake, armed faults, the last calls.

        This is what pytest shows in the ``orgsim`` section of a failing test's report.
        """
        return _report.world_report(self._require(), last_calls=last_calls)


def _deprecated(old: str, new: str) -> None:
    warnings.warn(
        f"Simulation.{old} is deprecated and will be removed in the next release: use Simulation.{new}, "
        f"which does the same (it is not the {old.title().replace('_', '')} operation, which goes through a client)",
        DeprecationWarning,
        stacklevel=3,
    )


def _check_detail(what: str, value: object, shape_name: str) -> None:
    """Refuse a detail (``what``: "account email", "OU name", ...) the real service would never hold
    (its responses could not show it)."""
    rules = service_model("organizations").shape_for(shape_name).metadata
    low, high, pattern = rules.get("min", 0), rules.get("max"), rules.get("pattern")
    if (
        not isinstance(value, str)
        or len(value) < low
        or (high is not None and len(value) > high)
        or (pattern is not None and java_pattern(pattern).fullmatch(value) is None)
    ):
        raise ValueError(
            f"{value!r} is not a valid {what}: AWS's model wants {low} to {high} characters"
            + (f" matching {pattern}" if pattern is not None else "")
        )


#: The decorated calls running in this thread or task, innermost last: (decorating simulation, the
#: fresh simulation the call runs in).
_runs: contextvars.ContextVar[tuple[tuple[Simulation, Simulation], ...]] = contextvars.ContextVar(
    "orgsim_decorated_runs", default=()
)
_environment = FakeEnvironment()


def current() -> Simulation:
    """The simulation answering calls made here and now (see ``orgsim.activation``)."""
    active = activation.answering()
    if active is None:
        raise NoActiveSimulation(
            "no orgsim simulation is active: use the orgsim fixture, @orgsim.simulate(), "
            "or `with orgsim.simulate():`"
        )
    owner = active.owner
    assert isinstance(owner, Simulation)
    return owner


def simulate(**options: Any) -> Simulation:
    """A new, empty simulation configured by ``options`` (see ``orgsim.Options``)."""
    return Simulation(Options.from_kwargs(**options))
