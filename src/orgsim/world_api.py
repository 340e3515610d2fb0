"""What a test uses to shape and inspect the simulated world: the call log, fault injection,
read-only snapshots, seeding and the plain-text report. Mixed into ``Simulation``."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable, Iterator, Mapping

from . import report as _report
from . import views
from .domain.model import ALL
from .seeding import SeededOrganization, seed_organization
from .service.dispatch import HANDLERS, SimulatedAWS
from .service.faults import Fault, build_error, resolve_operations
from .service.log import CallLog


class WorldAPI:
    """Methods of ``Simulation`` that need a started simulation (they raise RuntimeError before ``start``).

    Everything keeps working after ``stop()``: the world and the call log of the last run stay readable.
    """

    def _require(self) -> SimulatedAWS:
        raise NotImplementedError

    @contextlib.contextmanager
    def _observed(self) -> Iterator[tuple[SimulatedAWS, dt.datetime]]:
        """Hold the simulation's lock for a whole look at the world, with the world brought up to
        now first, so no call can slip in between bringing it up to date and reading it."""
        aws = self._require()
        with aws.lock:
            yield aws, aws.observe()

    # -- clock and call log ---------------------------------------------------------------

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

    # -- faults ---------------------------------------------------------------------------

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
        service, operations = resolve_operations(operation, {s: tuple(ops) for s, ops in HANDLERS.items()})
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

    # -- snapshots ------------------------------------------------------------------------

    @property
    def accounts(self) -> tuple[views.Account, ...]:
        """Every account the simulation knows, including ones only seen as callers or invitees."""
        with self._observed() as (aws, _):
            return views.accounts(aws.world)

    def account(self, account_id: str) -> views.Account:
        """One account; KeyError if the simulation never saw it."""
        with self._observed() as (aws, _):
            return views.account(aws.world, account_id)

    @property
    def organizations(self) -> tuple[views.Organization, ...]:
        """Every organization that exists (deleted ones are gone)."""
        with self._observed() as (aws, _):
            return views.organizations(aws.world)

    def organization(self, organization_id: str | None = None) -> views.Organization:
        """One organization; without an id, the only one (LookupError if there are none or several)."""
        with self._observed() as (aws, _):
            return views.organization(aws.world, organization_id)

    @property
    def handshakes(self) -> tuple[views.Handshake, ...]:
        """Every handshake ever sent, oldest first, with states as of now; purged ones have ``purged=True``."""
        with self._observed() as (aws, now):
            return views.handshakes(aws.world, now)

    def handshake(self, handshake_id: str) -> views.Handshake:
        """One handshake as of now, even after the API stopped showing it; KeyError if it never existed."""
        with self._observed() as (aws, now):
            return views.handshake(aws.world, handshake_id, now)

    # -- seeding and report ---------------------------------------------------------------

    def create_organization(
        self,
        management_account_id: str | None = None,
        *,
        feature_set: str = ALL,
        members: int | Iterable[str] = (),
        invitations: int | Iterable[str] = (),
    ) -> SeededOrganization:
        """An organization managed by ``management_account_id`` (default: the default account), with
        ``members`` that already joined and ``invitations`` still OPEN, built at the current simulated
        time through the same rules as the API (and not recorded in the call log).

        ``members`` and ``invitations`` are account ids (invitations may also be email addresses), or a
        number of new accounts. ValueError when a rule refuses a step (e.g. the account limit).
        """
        with self._observed() as (aws, now):
            management = management_account_id or aws.identities.default.account_id
            return seed_organization(
                aws.world, now, management, feature_set=feature_set, members=members, invitations=invitations
            )

    def report(self, *, last_calls: int = 10) -> str:
        """The world as text: organizations and members, every handshake, armed faults, the last calls.

        This is what pytest shows in the ``orgsim`` section of a failing test's report.
        """
        return _report.world_report(self._require(), last_calls=last_calls)
