"""The simulated AWS: accounts and organizations, and who may do what to them."""

from __future__ import annotations

import datetime as dt
import re
from bisect import insort
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from . import errors
from .errors import Rejected
from .ids import IdGenerator
from .model import (
    ALL,
    CANCELED,
    EXPIRED,
    INVITED,
    LIVE_STATES,
    Account,
    AccountRequest,
    Handshake,
    Organization,
    Resource,
)

_ACCOUNT_ID = re.compile(r"[0-9]{12}")


@dataclass(frozen=True)
class Limits:
    """Quotas of the simulated service (spec section 11)."""

    max_accounts: int = 10
    max_invitations_per_day: int = 20
    #: Let invitations through while enable-all-features is pending (A3).
    allow_invites_during_enable_all_features: bool = False
    #: How long a CreateAccount request stays IN_PROGRESS.
    create_account_delay: dt.timedelta = dt.timedelta(seconds=5)
    #: How long a created account must stay before it may leave (A8).
    created_account_wait: dt.timedelta = dt.timedelta(days=7)


class World:
    """Every account, organization and handshake of one simulation."""

    def __init__(self, ids: IdGenerator, limits: Limits) -> None:
        self.ids = ids
        self.limits = limits
        self.accounts: dict[str, Account] = {}
        self.organizations: dict[str, Organization] = {}
        self.handshakes: dict[str, Handshake] = {}
        self._by_email: dict[str, Account] = {}
        #: Handshakes addressed to an account id, and to an email, in list order (``order_key``).
        self.received_by_account: dict[str, list[Handshake]] = {}
        self.received_by_email: dict[str, list[Handshake]] = {}
        #: Every CreateAccount request by id, and those still IN_PROGRESS in completion order.
        self.account_requests: dict[str, AccountRequest] = {}
        self.pending_account_requests: list[AccountRequest] = []
        self._seq = 0
        #: One instance of each distinct immutable resource tree that handshakes share.
        self.shared_resources: dict[Resource, Resource] = {}

    def settle(self, now: dt.datetime) -> None:
        """Bring work that completes with time (pending CreateAccount requests, the only such work)
        up to ``now``. Run before every call; costs nothing while nothing is pending."""
        if self.pending_account_requests:
            for hook in SETTLE_HOOKS:
                hook(self, now)

    # -- accounts -------------------------------------------------------------------------

    def account(self, account_id: str) -> Account:
        """The account with this id; a well-formed id that was never created exists implicitly."""
        found = self.accounts.get(account_id)
        if found is None:
            found = self._add_account(account_id, None, None, implicit=True)
        return found

    def create_account(self, account_id: str | None, email: str | None, name: str | None) -> Account:
        if account_id is None:
            account_id = self.ids.account_id()
            while account_id in self.accounts:
                account_id = self.ids.account_id()
        elif not isinstance(account_id, str) or not _ACCOUNT_ID.fullmatch(account_id):
            raise ValueError(f"an AWS account id is 12 digits, not {account_id!r}")
        existing = self.accounts.get(account_id)
        if existing is not None and not existing.implicit:
            raise ValueError(f"account {account_id} already exists")
        if email is not None:
            owner = self._by_email.get(email.lower())
            if owner is not None and owner.id != account_id:
                raise ValueError(f"email {email!r} already belongs to account {owner.id}")
        if existing is not None:
            # Used before it was created explicitly: keep its history, take the new details.
            if email is not None:
                del self._by_email[existing.email.lower()]
                existing.email = email
                self._by_email[email.lower()] = existing
            if name is not None:
                existing.name = name
            existing.implicit = False
            return existing
        return self._add_account(account_id, email, name, implicit=False)

    def _add_account(self, account_id: str, email: str | None, name: str | None, *, implicit: bool) -> Account:
        account = Account(
            id=account_id,
            email=email or self._generated_email(account_id),
            name=name or f"Account {account_id}",
            implicit=implicit,
        )
        self.accounts[account_id] = account
        self._by_email[account.email.lower()] = account
        return account

    def _generated_email(self, account_id: str) -> str:
        """An address no account has: an email belongs to one account only."""
        email = f"aws+{account_id}@example.com"
        n = 1
        while email.lower() in self._by_email:
            n += 1
            email = f"aws+{account_id}-{n}@example.com"
        return email

    def account_by_email(self, email: str) -> Account | None:
        return self._by_email.get(email.lower())

    # -- organizations --------------------------------------------------------------------

    def organization_of(self, account: Account) -> Organization:
        """The caller's organization; standalone callers get ``AWSOrganizationsNotInUseException``."""
        if account.org_id is None:
            raise errors.not_in_use()
        return self.organizations[account.org_id]

    def managed_by(self, account: Account) -> Organization:
        """The organization ``account`` manages; members are refused, standalone accounts too."""
        org = self.organization_of(account)
        if org.management_account_id != account.id:
            raise errors.access_denied()
        return org

    def create_organization(self, caller: Account, feature_set: str | None, now: dt.datetime) -> Organization:
        if caller.org_id is not None:
            raise Rejected(
                "AlreadyInOrganizationException",
                "This account is already a member of an organization. An account can belong to only one organization at a time.",
            )
        org_id = self.ids.organization_id()
        org = Organization(
            id=org_id,
            arn=f"arn:aws:organizations::{caller.id}:organization/{org_id}",
            root_id=self.ids.root_id(),
            feature_set=feature_set or ALL,
            management_account_id=caller.id,
        )
        self.organizations[org_id] = org
        # The management account is listed as INVITED, as in the service's own examples.
        self.join(caller, org, INVITED, now)
        return org

    def delete_organization(self, caller: Account, now: dt.datetime) -> None:
        org = self.managed_by(caller)
        if len(org.members) > 1:
            raise Rejected(
                "OrganizationNotEmptyException",
                "The organization still contains accounts other than the management account. Remove them first.",
            )
        for handshake in org.handshakes:
            if handshake.stored_state in LIVE_STATES:
                if handshake.state(now) == EXPIRED:
                    # It stays expired for good: moving the clock back must not revive an
                    # invitation from an organization that no longer exists.
                    handshake.finish(EXPIRED, handshake.expires_at)
                else:
                    handshake.finish(CANCELED, now)
        self.part(caller, org)
        del self.organizations[org.id]

    def join(self, account: Account, org: Organization, method: str, now: dt.datetime) -> None:
        account.org_id = org.id
        account.joined_method = method
        account.joined_at = now
        account.join_seq = self.next_seq()
        org.members[account.id] = None

    def part(self, account: Account, org: Organization) -> None:
        """Take ``account`` out of ``org``: it is standalone again and its tags are gone."""
        del org.members[account.id]
        account.org_id = None
        account.joined_method = None
        account.joined_at = None
        account.tags.clear()

    def leave(self, caller: Account, now: dt.datetime) -> None:
        org = self.organization_of(caller)
        if org.management_account_id == caller.id:
            raise Rejected(
                "MasterCannotLeaveOrganizationException",
                "You can't remove a management account from an organization. Delete the organization instead.",
            )
        self._part_member(caller, org, now)

    def remove(self, caller: Account, account_id: str, now: dt.datetime) -> None:
        org = self.managed_by(caller)
        if account_id == org.management_account_id:
            raise errors.constraint(
                "ACCOUNT_CANNOT_LEAVE_ORGANIZATION",
                "You attempted to remove the management account from the organization.",
            )
        if account_id not in org.members:
            raise account_not_found()
        self._part_member(self.accounts[account_id], org, now)

    def _part_member(self, account: Account, org: Organization, now: dt.datetime) -> None:
        for check in LEAVE_CHECKS:
            check(self, account, org, now)
        self.part(account, org)
        for hook in LEFT_HOOKS:
            hook(self, account, org, now)

    def member_accounts(self, org: Organization) -> Iterable[Account]:
        accounts = self.accounts
        return (accounts[i] for i in org.members)

    def describe_account(self, caller: Account, account_id: str) -> Account:
        org = self.managed_by(caller)
        if account_id not in org.members:
            raise account_not_found()
        return self.accounts[account_id]

    # -- handshakes -----------------------------------------------------------------------

    def next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def store(self, handshake: Handshake, org: Organization) -> None:
        """Record a new handshake. Every list stays sorted by ``order_key``: when the clock moved
        backwards, a new handshake sorts before older ones (an append while time moves forward)."""
        self.handshakes[handshake.id] = handshake
        insort(org.handshakes, handshake, key=_order)
        if handshake.recipient_account_id is not None:
            insort(self.received_by_account.setdefault(handshake.recipient_account_id, []), handshake, key=_order)
        elif handshake.recipient_email is not None:
            insort(self.received_by_email.setdefault(handshake.recipient_email, []), handshake, key=_order)


def _order(handshake: Handshake) -> str:
    return handshake.order_key


MemberHook = Callable[[World, Account, Organization, dt.datetime], None]
#: Run before a member leaves or is removed; each may refuse with ``Rejected``.
LEAVE_CHECKS: list[MemberHook] = []
#: Run after a member has left or been removed (the account is already standalone).
LEFT_HOOKS: list[MemberHook] = []
#: Run by ``World.settle`` at the start of every call.
SETTLE_HOOKS: list[Callable[[World, dt.datetime], None]] = []


def account_not_found() -> Rejected:
    return Rejected("AccountNotFoundException", "You specified an account that doesn't exist.")
