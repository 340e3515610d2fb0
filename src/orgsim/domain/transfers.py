"""Billing (responsibility) transfers: the invitation, its answers and the transfer's own lifecycle
(behaviour.md, "Billing transfers").

An organization's management account (the inviter) invites another organization's management
account (the source) to let the inviter manage and pay the source's consolidated bill. The invitation
is a TRANSFER_RESPONSIBILITY handshake; the transfer ``rt-…`` made with it follows the handshake
(REQUESTED, then ACCEPTED, DECLINED, CANCELED or EXPIRED) and, once accepted, ends only by being
withdrawn (WITHDRAWN), at the end of a month.

Dates are whole UTC instants to the millisecond: a transfer starts at 00:00:00.000 on the first of a
month and ends at 23:59:59.999 on the last day of one.
"""

from __future__ import annotations

import datetime as dt
import heapq
from bisect import bisect_right
from collections.abc import Sequence
from typing import Final, Literal

from . import errors
from .errors import Rejected
from .handshakes import Answer, ResponseRules, send
from .invitations import check_target
from .membership import managed_by
from .model import (
    ACCEPTED,
    ACCOUNT,
    EMAIL,
    NOTES,
    ORGANIZATION,
    REQUESTED,
    RETENTION,
    TRANSFER_RESPONSIBILITY,
    WITHDRAWN,
    Account,
    Handshake,
    Organization,
    Party,
    Resource,
    ResponsibilityTransfer,
)
from .store import World
from .tags import check_tags

# Handshake resource types of a transfer invitation.
RESPONSIBILITY_TRANSFER: Final = "RESPONSIBILITY_TRANSFER"
TRANSFER_TYPE: Final = "TRANSFER_TYPE"
TRANSFER_START_TIMESTAMP: Final = "TRANSFER_START_TIMESTAMP"
MANAGEMENT_ACCOUNT: Final = "MANAGEMENT_ACCOUNT"
MANAGEMENT_EMAIL: Final = "MANAGEMENT_EMAIL"
MANAGEMENT_NAME: Final = "MANAGEMENT_NAME"

#: Accepted transfers that may end, directly or through a chain, at one paying organization (not
#: adjustable in AWS).
MAX_AGGREGATE_TRANSFERS: Final = 1000
#: How long before the start date the invitation expires (behaviour.md, "Billing transfers").
ACCEPT_DEADLINE: Final = dt.timedelta(days=1)

_SECOND: Final = dt.timedelta(seconds=1)
_MILLISECOND: Final = dt.timedelta(milliseconds=1)

#: Which side of a transfer a caller is on: the inviter (it lists the transfer as inbound) or the
#: source (outbound).
Side = Literal["inbound", "outbound"]


# -- dates ------------------------------------------------------------------------------------


def month_start(moment: dt.datetime, months_later: int = 0) -> dt.datetime:
    """00:00:00.000 UTC on the first day of the month ``months_later`` months after ``moment``'s."""
    index = moment.year * 12 + moment.month - 1 + months_later
    return dt.datetime(index // 12, index % 12 + 1, 1, tzinfo=dt.timezone.utc)


def month_end(moment: dt.datetime, months_later: int = 0) -> dt.datetime:
    """23:59:59.999 UTC on the last day of the month ``months_later`` months after ``moment``'s."""
    return month_start(moment, months_later + 1) - _MILLISECOND


def check_start(start: dt.datetime, now: dt.datetime) -> None:
    """A transfer starts at the beginning of the first day of next month or of the month after, and
    its invitation must leave a day to accept it. Checked in this order: the time of day, the day of
    the month, the range."""
    if (start.hour, start.minute, start.second, start.microsecond) != (0, 0, 0, 0):
        raise errors.invalid_input(
            "START_DATE_NOT_BEGINNING_OF_DAY", "The start date must be the beginning of the day (00:00:00.000)."
        )
    if start.day != 1:
        raise errors.invalid_input(
            "START_DATE_NOT_BEGINNING_OF_MONTH", "The start date must be the first day of a month."
        )
    if start < month_start(now, 1) or now >= start - ACCEPT_DEADLINE:
        raise errors.invalid_input(
            "START_DATE_TOO_EARLY",
            "The start date is too early: choose the first day of next month or of the month after, "
            "at least a day from now.",
        )
    if start > month_start(now, 2):
        raise errors.invalid_input(
            "START_DATE_TOO_LATE",
            "The start date is too late: choose the first day of next month or of the month after.",
        )


def check_end(end: dt.datetime, now: dt.datetime) -> dt.datetime:
    """The end date a withdrawal asks for, as stored: the last millisecond of the month it names. Any
    instant of the month's last second names it (clients that send whole seconds send 23:59:59). The
    month must be this one or the next."""
    last = month_end(end)
    if end <= last - _SECOND:
        raise errors.invalid_input(
            "END_DATE_NOT_END_OF_MONTH", "The end date must be the end of the last day of the month (23:59:59.999)."
        )
    if last < month_end(now):
        raise end_date_too_early()
    if last > month_end(now, 1):
        raise errors.invalid_input(
            "END_DATE_TOO_LATE", "The end date is too late: choose the end of this month or of the next one."
        )
    return last


def end_date_too_early() -> Rejected:
    return errors.invalid_input(
        "END_DATE_TOO_EARLY",
        "The end date is too early: choose the end of this month or of the next one, not before the transfer starts.",
    )


def start_value(start: dt.datetime) -> str:
    """The TRANSFER_START_TIMESTAMP resource's value: ISO 8601, UTC, to the millisecond."""
    return start.strftime("%Y-%m-%dT%H:%M:%S.") + f"{start.microsecond // 1000:03d}Z"


# -- the invitation ---------------------------------------------------------------------------


def invite(
    world: World,
    caller: Account,
    transfer_type: str,
    target: Party,
    start: dt.datetime,
    name: str,
    notes: str | None,
    tags: Sequence[tuple[str, str]],
    now: dt.datetime,
) -> ResponsibilityTransfer:
    """InviteOrganizationToTransferResponsibility: a TRANSFER_RESPONSIBILITY handshake from the
    caller's organization to the management account named by ``target``, and its transfer."""
    check_target(target)
    check_start(start, now)
    check_tags(tags)
    org = managed_by(world, caller)
    source = world.accounts.get(target.id) if target.type == ACCOUNT else world.account_by_email(target.id)
    if source is not None and source.org_id == org.id:
        raise errors.handshake_constraint(
            "SOURCE_AND_TARGET_CANNOT_MATCH", "An organization can't transfer its bill to itself."
        )
    source_org = _managed_organization(world, source)
    if source is None or source_org is None:
        raise errors.handshake_constraint(
            "TARGET_ACCOUNT_VALIDATION_FAILURE",
            "Billing transfer is not available for this account: invite the management account of an organization.",
        )
    pending = open_invitations(world.transfers_of(org.id).sent, now)
    if any(t.source_org_id == source_org.id for t in pending):
        raise Rejected(
            "DuplicateHandshakeException", "An open billing transfer invitation to this organization already exists."
        )
    payer = world.transfers_of(source_org.id).paid_by
    if payer is not None and payer.inviter_org_id == org.id:
        raise errors.handshake_constraint(
            "RESPONSIBILITY_TRANSFER_ALREADY_EXISTS", "You cannot perform this operation with the current transfer."
        )
    if len(pending) + len(world.transfers_of(org.id).paying_for) >= world.limits.max_inbound_transfers:
        raise errors.constraint(
            "RESPONSIBILITY_TRANSFER_MAX_INBOUND_QUOTA_VIOLATION",
            "You have reached the number of billing transfers you can manage (inbound).",
        )
    check_chain(world, org.id, source_org.id)

    transfer_id = world.ids.transfer_id()
    while transfer_id in world.transfers:
        transfer_id = world.ids.transfer_id()
    management = world.accounts[org.management_account_id]
    # Resources are immutable: invitations share equal ones.
    sender = Resource(
        ORGANIZATION,
        org.id,
        (
            Resource(MANAGEMENT_ACCOUNT, management.id),
            Resource(MANAGEMENT_EMAIL, management.email),
            Resource(MANAGEMENT_NAME, management.name),
        ),
    )
    resources = [
        Resource(
            RESPONSIBILITY_TRANSFER,
            transfer_id,
            (Resource(TRANSFER_TYPE, transfer_type), Resource(TRANSFER_START_TIMESTAMP, start_value(start))),
        ),
        world.shared(sender, org),
        Resource(target.type, target.id),
    ]
    if notes is not None:
        resources.append(Resource(NOTES, notes))
    handshake = send(
        world,
        org,
        TRANSFER_RESPONSIBILITY,
        parties=(world.shared(Party(org.id, ORGANIZATION), org), target),
        resources=tuple(resources),
        now=now,
        expires_at=start - ACCEPT_DEADLINE,
        recipient_account_id=target.id if target.type == ACCOUNT else None,
        recipient_email=target.id.lower() if target.type == EMAIL else None,
    )
    transfer = ResponsibilityTransfer(
        seq=world.next_seq(),
        id=transfer_id,
        type=transfer_type,
        name=name,
        inviter_org_id=org.id,
        inviter_account_id=org.management_account_id,
        source_org_id=source_org.id,
        source_account_id=source.id,
        start=start,
        handshake=handshake,
        requested_at=now,
        invite_tags=tuple(tags),
    )
    world.store_transfer(transfer)
    return transfer


def _managed_organization(world: World, account: Account | None) -> Organization | None:
    """The organization ``account`` manages, if it is a management account."""
    if account is None or account.org_id is None:
        return None
    org = world.organizations[account.org_id]
    return org if org.management_account_id == account.id else None


def transfer_of(world: World, handshake: Handshake) -> ResponsibilityTransfer:
    """The transfer a TRANSFER_RESPONSIBILITY handshake invites to."""
    transfer_id = next(r.value for r in handshake.resources if r.type == RESPONSIBILITY_TRANSFER)
    return world.transfers[transfer_id]


# -- quotas and chains ------------------------------------------------------------------------


def open_invitations(unanswered: list[ResponsibilityTransfer], now: dt.datetime) -> list[ResponsibilityTransfer]:
    """The invitations among ``unanswered`` (sorted by expiry) still open at ``now``."""
    start = bisect_right(unanswered, now, key=_expiry)
    return [t for t in unanswered[start:] if t.status(now) == REQUESTED]


def _expiry(transfer: ResponsibilityTransfer) -> dt.datetime:
    return transfer.expires_at


def _payers(world: World, org_id: str) -> list[str]:
    """The organizations above ``org_id``: its payer, the payer's payer, and so on."""
    found: list[str] = []
    paid_by = world.transfers_of(org_id).paid_by
    while paid_by is not None:
        payer = paid_by.inviter_org_id
        if payer == org_id or payer in found:
            break
        found.append(payer)
        paid_by = world.transfers_of(payer).paid_by
    return found


def _depth(world: World, org_id: str, seen: frozenset[str] = frozenset()) -> int:
    """The longest chain of accepted transfers that ends at ``org_id`` (0: it pays for nobody)."""
    seen = seen | {org_id}
    below = (t.source_org_id for t in world.transfers_of(org_id).paying_for.values())
    return max((1 + _depth(world, source, seen) for source in below if source not in seen), default=0)


def check_chain(world: World, inviter_org_id: str, source_org_id: str) -> None:
    """A new transfer from ``source_org_id`` to ``inviter_org_id`` must keep every chain within
    ``max_transfer_chain_length`` (and make no loop), and every paying organization within
    ``MAX_AGGREGATE_TRANSFERS``."""
    above = _payers(world, inviter_org_id)
    if source_org_id in above or _depth(world, source_org_id) + 1 + len(above) > world.limits.max_transfer_chain_length:
        raise errors.constraint(
            "RESPONSIBILITY_TRANSFER_MAX_LEVEL_VIOLATION", "This transfer would make a billing transfer chain too long."
        )
    added = 1 + world.transfers_of(source_org_id).paid_through
    for payer in (inviter_org_id, *above):
        if world.transfers_of(payer).paid_through + added > MAX_AGGREGATE_TRANSFERS:
            raise errors.constraint(
                "RESPONSIBILITY_TRANSFER_MAX_TRANSFERS_QUOTA_VIOLATION",
                "This transfer would exceed the number of billing transfers one organization can pay for.",
            )


def _start_paying(world: World, transfer: ResponsibilityTransfer) -> None:
    inviter, source = world.transfers_of(transfer.inviter_org_id), world.transfers_of(transfer.source_org_id)
    inviter.paying_for[transfer.id] = transfer
    source.paid_by = transfer
    _add_paid_through(world, transfer.inviter_org_id, 1 + source.paid_through)


def _stop_paying(world: World, transfer: ResponsibilityTransfer) -> None:
    inviter, source = world.transfers_of(transfer.inviter_org_id), world.transfers_of(transfer.source_org_id)
    del inviter.paying_for[transfer.id]
    source.paid_by = None
    _add_paid_through(world, transfer.inviter_org_id, -(1 + source.paid_through))


def _add_paid_through(world: World, org_id: str, count: int) -> None:
    for payer in (org_id, *_payers(world, org_id)):
        world.transfers_of(payer).paid_through += count


# -- answers to the invitation ----------------------------------------------------------------


class TransferRules(ResponseRules):
    """The source's management account accepts or declines; the inviter's cancels. The transfer
    follows the handshake, and accepting attaches the invitation's tags to it.

    Accepting takes the management account of the organization invited; declining only the
    recipient (an account whose organization is gone may still say no).
    """

    def check_party(self, answer: Answer) -> None:
        super().check_party(answer)
        if answer.response != "accept":
            return
        transfer, caller = transfer_of(answer.world, answer.handshake), answer.caller
        if caller.org_id is None:
            raise errors.not_in_use()
        if _managed_organization(answer.world, caller) is None or caller.org_id != transfer.source_org_id:
            raise errors.access_denied()

    def apply(self, answer: Answer, target_state: str) -> None:
        world, handshake, now = answer.world, answer.handshake, answer.now
        transfer = transfer_of(world, handshake)
        if target_state == ACCEPTED:
            if world.transfers_of(transfer.source_org_id).paid_by is not None:
                raise errors.constraint(
                    "RESPONSIBILITY_TRANSFER_MAX_OUTBOUND_QUOTA_VIOLATION",
                    "Another organization already manages this organization's bill: withdraw that transfer first.",
                )
            check_chain(world, transfer.inviter_org_id, transfer.source_org_id)
        world.end(handshake, target_state, now)
        before = transfer.status(now)
        transfer.stored_status = target_state
        world.transfers_of(transfer.inviter_org_id).sent.remove(transfer)
        world.transfers_of(transfer.source_org_id).received.remove(transfer)
        if target_state == ACCEPTED:
            transfer.tags.update(transfer.invite_tags)
            _start_paying(world, transfer)
        else:
            transfer.ended_at = now
            world.schedule_transfer(transfer, now + RETENTION)
        world.note(transfer.id, before, target_state)


# -- what time does ---------------------------------------------------------------------------


def settle(world: World, now: dt.datetime) -> dt.datetime | None:
    """Transfers whose retention period has ended by ``now`` leave the API for good, so that none
    comes back when the clock goes back (behaviour.md, "When the clock goes back"); their expiry
    follows their invitation's, which ``handshakes.settle`` makes permanent. Returns when the next
    one is due."""
    timers = world.transfer_timers
    while timers and timers[0][0] <= now:
        transfer = world.transfers[heapq.heappop(timers)[1]]
        if transfer.purged:
            continue
        until = transfer.visible_until(now)
        if until is None:
            continue  # accepted: it is scheduled again when it is withdrawn
        if until <= now:
            transfer.purged = True
        else:
            heapq.heappush(timers, (until, transfer.id))
    return timers[0][0] if timers else None


# -- the transfer itself ----------------------------------------------------------------------


def find(world: World, caller: Account, transfer_id: str, now: dt.datetime) -> tuple[ResponsibilityTransfer, str, Side]:
    """The transfer, the status it shows at ``now`` and the caller's side of it, if the caller's
    organization is on one side and the transfer is still shown; management accounts only."""
    org = managed_by(world, caller)
    transfer = world.transfers.get(transfer_id)
    if transfer is not None:
        status = transfer.shown_status(now)
        if status is not None:
            if transfer.inviter_org_id == org.id:
                return transfer, status, "inbound"
            if transfer.source_org_id == org.id:
                return transfer, status, "outbound"
    raise transfer_not_found()


def transfer_not_found() -> Rejected:
    return Rejected("ResponsibilityTransferNotFoundException", "We can't find a transfer that you specified.")


def listed(world: World, caller: Account, side: Side) -> Sequence[ResponsibilityTransfer]:
    """The caller's organization's transfers on ``side``, in list order (shown or not)."""
    org = managed_by(world, caller)
    index = world.inbound_transfers if side == "inbound" else world.outbound_transfers
    return index.get(org.id, ())


def terminate(
    world: World, caller: Account, transfer_id: str, end: dt.datetime | None, now: dt.datetime
) -> ResponsibilityTransfer:
    """TerminateResponsibilityTransfer: either side withdraws an accepted transfer, which ends at the
    end of this month or the next (by default this one), and not before it starts."""
    wanted = month_end(now) if end is None else check_end(end, now)
    transfer, status, _ = find(world, caller, transfer_id, now)
    if status == WITHDRAWN:
        raise Rejected(
            "ResponsibilityTransferAlreadyInStatusException",
            "The responsibility transfer is already in the status that you specified.",
        )
    if status != ACCEPTED:
        raise Rejected(
            "InvalidResponsibilityTransferTransitionException",
            f"You can't withdraw a transfer that is {status}: cancel its invitation instead.",
        )
    if wanted < transfer.start:
        raise end_date_too_early()
    transfer.stored_status = WITHDRAWN
    transfer.end = wanted
    transfer.ended_at = now
    world.schedule_transfer(transfer, wanted + RETENTION)
    _stop_paying(world, transfer)
    for org_id in (transfer.inviter_org_id, transfer.source_org_id):
        standing = world.transfers_of(org_id)
        if standing.withdrawn_until is None or standing.withdrawn_until < wanted:
            standing.withdrawn_until = wanted
    world.note(transfer.id, status, WITHDRAWN)
    return transfer


def rename(world: World, caller: Account, transfer_id: str, name: str, now: dt.datetime) -> ResponsibilityTransfer:
    """UpdateResponsibilityTransfer: the inviter renames a transfer that is requested or accepted."""
    transfer, status, side = find(world, caller, transfer_id, now)
    if side != "inbound":
        raise errors.access_denied()
    if status not in (REQUESTED, ACCEPTED):
        raise errors.constraint(
            "TRANSFER_RESPONSIBILITY_UPDATE_NOT_ALLOWED",
            "Transfers that have been withdrawn, declined, expired, or cancelled cannot be modified.",
        )
    transfer.name = name
    return transfer


def transfer_tags(world: World, org: Organization, transfer_id: str, now: dt.datetime) -> dict[str, str] | None:
    """The tags of the transfer ``transfer_id`` as the tag operations change them, when ``org`` (the
    caller's, which the tag operations require it manages) is the inviter's and the transfer is
    shown. None otherwise: the tag operation answers with its own error. An invitation's tags are
    attached when it is accepted (behaviour.md, "Billing transfers")."""
    transfer = world.transfers.get(transfer_id)
    if transfer is None or transfer.inviter_org_id != org.id or transfer.shown_status(now) is None:
        return None
    return transfer.tags


def refuse_deletion_while_in_progress(world: World, org: Organization, now: dt.datetime) -> None:
    """No organization is deleted while it has an open transfer invitation, sent or received, or a
    transfer that has not ended."""
    standing = world.transfers_of(org.id)
    if (
        standing.paying_for
        or standing.paid_by is not None
        or (standing.withdrawn_until is not None and now <= standing.withdrawn_until)
        or open_invitations(standing.sent, now)
        or open_invitations(standing.received, now)
    ):
        raise errors.constraint(
            "ACTIVE_RESPONSIBILITY_TRANSFER_PROCESS",
            "The organization has a pending billing transfer invitation or a transfer in progress.",
        )

