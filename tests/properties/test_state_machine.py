"""Model-checked state machine: random calls by random accounts, with the clock moving both ways.

Every answer is checked against ``reference_model.Reference``; after every step the invariants are
checked through the API: an account is a member iff it accepted an invitation and has not left or
been removed; a state a call moved a handshake to never changes, an EXPIRED one stays EXPIRED and a
purged one never comes back, whichever way the clock moves; a handshake past its retention is never
visible; members never exceed the quota; every error is one the operation declares (also enforced
by the shape contract); a refused call changes nothing.

The clock is driven by time-machine in ``OrgMachine`` and by freezegun in ``FreezegunOrgMachine``.
``TreeMachine`` adds the organization tree: OUs created and deleted, accounts moved, tagged and
closed; its invariant is the tree's: every member has exactly one parent, what each root and OU
holds is what the rules say, paths match parents, no OU is deeper than 5, a closed account stays
until its 90 days are over. ``GovernanceMachine`` adds policies: policy types enabled and disabled,
policies created and deleted, attached and detached; its invariants are the attachments': every
target of an enabled SCP type keeps at least one SCP, none holds more than its type's maximum, and
nothing is attached outside its organization.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import freezegun
import pytest
import time_machine
from botocore import xform_name
from botocore.exceptions import ClientError
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
)
from support.shape_contract import declared_errors
from support.billing import MODELED as TRANSFERS_MODELED
from support.reference_model import (
    CLOSED_RETENTION,
    FULL_AWS_ACCESS,
    MAX_ATTACHED,
    OPEN,
    SCP,
    TAG,
    TERMINAL,
    TRANSFER,
    Expected,
    Reference,
    RefHandshake,
    RefOrg,
    RefTransfer,
    month_first,
    month_last,
)

from orgsim.service.botocore_model import member_names

import orgsim

START = dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc)
MAX_ACCOUNTS = 3
MAX_INVITATIONS_PER_DAY = 2
MAX_INBOUND_TRANSFERS = 2
MAX_CHAIN = 1
UNKNOWN_TRANSFER = "rt-00000000"

MGMT_A = "123456789012"  # the default account; manages organization A from the start
MGMT_B = "210987654321"  # manages organization B from the start
OTHERS = ("111111111111", "222222222222", "333333333333", "444444444444")
ACCOUNTS = (MGMT_A, MGMT_B, *OTHERS)
#: An account id nobody created: it may act and be invited (the simulator knows it implicitly).
STRANGER = "999999999999"
ACTORS = (*ACCOUNTS, STRANGER)
NOBODY_EMAIL = "nobody@example.org"
UNKNOWN_HANDSHAKE = "h-" + "0" * 32

# Examples per run, as multiples of the hypothesis profile's budget (tests/conftest.py: 250 and 60 on
# CI); HYPOTHESIS_MAX_EXAMPLES overrides.
EXAMPLES = 2.5
FREEZEGUN_EXAMPLES = 0.6
TREE_EXAMPLES = 1.0
GOVERNANCE_EXAMPLES = 0.8
STEPS = 40

OU_NAMES = ("Prod", "prod", "Dev")
UNKNOWN_OU = "ou-zzzz-zzzzzzzz"
UNKNOWN_ROOT = "r-zzzz"
TAG_KEYS = ("team", "Team", "env")
#: What the installed model shows (older ones lack these members).
ACCOUNT_MEMBERS = member_names("organizations", "Account")
OU_HAS_PATH = "Path" in member_names("organizations", "OrganizationalUnit")


def email_of(account_id: str) -> str:
    return f"owner-{account_id}@example.com"


_shared: list[boto3.Session] = []


def shared_session() -> boto3.Session:
    """One boto3 session for every client of every example: its loader caches the service models,
    so a client costs about a millisecond instead of a fresh session's tens of milliseconds."""
    if not _shared:
        _shared.append(boto3.Session(region_name="us-east-1"))
    return _shared[0]


class OrgMachine(RuleBasedStateMachine):
    handshakes = Bundle("handshakes")
    #: More options for the simulation, for machines that need them.
    options: dict[str, Any] = {}

    def __init__(self) -> None:
        super().__init__()
        self.now = START
        self._start_clock()
        self.sim = orgsim.simulate(
            seed="state-machine",
            default_account_id=MGMT_A,
            max_accounts=MAX_ACCOUNTS,
            max_invitations_per_day=MAX_INVITATIONS_PER_DAY,
            max_inbound_transfers=MAX_INBOUND_TRANSFERS,
            max_transfer_chain_length=MAX_CHAIN,
            **self.options,
        ).start()
        self.ref = Reference(MAX_ACCOUNTS, MAX_INVITATIONS_PER_DAY, MAX_INBOUND_TRANSFERS, MAX_CHAIN)
        #: Transfer statuses a call ended in, once observed (they never change).
        self.seen_transfer_final: dict[str, str] = {}
        self.shared = shared_session()
        # Credentials for every account come from AssumeRole, called as the default account (the
        # fake environment credentials): cheaper than a boto3 session per account.
        self._sts = self.shared.client("sts")
        self._clients: dict[tuple[str, str], Any] = {}
        #: Terminal states observed, and the handshakes seen EXPIRED or purged.
        self.seen_final: dict[str, str] = {}
        self.seen_expired: set[str] = set()
        self.seen_purged: set[str] = set()

    # -- clock -----------------------------------------------------------------------------------

    def _start_clock(self) -> None:
        self._traveller = time_machine.travel(START, tick=False)
        self._travel = self._traveller.start()

    def _set_clock(self, when: dt.datetime) -> None:
        self._travel.move_to(when)

    def _stop_clock(self) -> None:
        self._traveller.stop()

    def teardown(self) -> None:
        self.sim.stop()
        self._stop_clock()

    # -- calling the service ---------------------------------------------------------------------

    def client(self, account_id: str, service: str = "organizations") -> Any:
        key = (account_id, service)
        if key not in self._clients:
            arn = f"arn:aws:iam::{account_id}:role/OrganizationAccountAccessRole"
            creds = self._sts.assume_role(RoleArn=arn, RoleSessionName="machine")["Credentials"]
            self._clients[key] = self.shared.client(
                service,
                aws_access_key_id=creds["AccessKeyId"],
                aws_secret_access_key=creds["SecretAccessKey"],
                aws_session_token=creds["SessionToken"],
            )
        return self._clients[key]

    def call(self, expected: Expected, caller: str, operation: str, **params: Any) -> dict[str, Any] | None:
        """Make the call and check its outcome against the reference. Returns the response on success."""
        client = self.client(caller)
        method: Callable[..., dict[str, Any]] = getattr(client, xform_name(operation))
        self.settle()
        if self.ref.is_closed(caller):
            expected = Expected("AccessDeniedException")  # whatever it calls
        before = self.world_snapshot()
        try:
            response = method(**params)
        except ClientError as error:
            assert self.world_snapshot() == before, f"{operation} by {caller} was refused but changed the world"
            code = error.response["Error"]["Code"]
            reason = error.response.get("Reason")
            declared = declared_errors(client.meta.service_model.operation_model(operation))
            assert code in declared, f"{operation} answered {code}, which it does not declare"
            assert (code, reason) == (expected.error, expected.reason), (
                f"{operation} by {caller} at {self.now}: expected {expected}, got {code}({reason}): "
                f"{error.response['Error']['Message']}"
            )
            return None
        assert expected.ok, f"{operation} by {caller} at {self.now}: expected {expected}, got success"
        return response

    def settle(self) -> None:
        """Bring both worlds up to the clock: what the clock does is done before a call, so that a
        refused call is seen to change nothing."""
        self.ref.settle(self.now)
        self.sim.organizations  # a look at the world settles it  # noqa: B018

    def learn_root(self, management: str, feature_set: str) -> str:
        """The new organization's root, as ListRoots shows it: one, with its policy types (behaviour.md, "The organization tree")."""
        (root,) = self.client(management).list_roots()["Roots"]
        scp = [{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}]
        assert root["PolicyTypes"] == (scp if feature_set == "ALL" else [])
        return root["Id"]  # type: ignore[no-any-return]

    def world_snapshot(self) -> str:
        """Every record of the simulated world (accounts known only implicitly, by having called,
        are not state), generically so that records added later are covered too."""
        world = self.sim._aws.world  # type: ignore[union-attr]
        records = {k: v for k, v in vars(world).items() if k not in ("ids", "limits", "accounts", "_by_email")}
        records["accounts"] = {k: v for k, v in world.accounts.items() if not v.implicit}
        return repr(records)

    def check_handshake(self, seen: dict[str, Any], h: RefHandshake) -> None:
        """A handshake in a response must be exactly what the reference says it is now."""
        if h.action == TRANSFER:
            self.check_transfer_handshake(seen, h)
            return
        org = h.org
        assert seen["Id"] == h.id
        assert seen["Action"] == "INVITE"
        assert seen["State"] == h.state(self.now), (h.id, seen["State"], h.state(self.now), self.now)
        assert seen["Parties"] == [
            {"Id": org, "Type": "ORGANIZATION"},
            {"Id": h.target_id, "Type": h.target_type},
        ]
        assert seen["RequestedTimestamp"] == h.requested
        assert seen["ExpirationTimestamp"] == h.expires
        assert seen["Arn"].endswith(f":handshake/{org}/invite/{h.id}")
        resources = {r["Type"]: r for r in seen["Resources"]}
        assert resources["ORGANIZATION"]["Value"] == org
        assert {"Type": "ORGANIZATION_FEATURE_SET", "Value": h.feature_set} in resources["ORGANIZATION"]["Resources"]
        assert resources[h.target_type]["Value"] == h.target_id
        assert resources.get("NOTES", {}).get("Value") == h.notes
        self._observe(h.id, seen["State"])

    def check_transfer_handshake(self, seen: dict[str, Any], h: RefHandshake) -> None:
        org, transfer = h.org, self.ref.transfers[str(h.transfer)]
        assert (seen["Id"], seen["Action"]) == (h.id, TRANSFER)
        assert seen["State"] == h.state(self.now), (h.id, seen["State"], h.state(self.now), self.now)
        assert seen["Parties"] == [{"Id": org, "Type": "ORGANIZATION"}, {"Id": h.target_id, "Type": "ACCOUNT"}]
        assert (seen["RequestedTimestamp"], seen["ExpirationTimestamp"]) == (h.requested, h.expires)
        assert seen["Arn"].endswith(f":handshake/{org}/transfer_responsibility/{h.id}")
        on_top = next(r for r in seen["Resources"] if r["Type"] == "RESPONSIBILITY_TRANSFER")
        assert on_top["Value"] == transfer.id
        assert {"Type": "TRANSFER_START_TIMESTAMP", "Value": f"{transfer.start:%Y-%m-%dT%H:%M:%S}.000Z"} in on_top["Resources"]
        sender = next(r for r in seen["Resources"] if r["Type"] == "ORGANIZATION")
        assert (sender["Value"], sender["Resources"][0]) == (org, {"Type": "MANAGEMENT_ACCOUNT", "Value": transfer.inviter})
        self._observe(h.id, seen["State"])

    def check_transfer(self, seen: dict[str, Any], t: RefTransfer, side: str) -> None:
        """A transfer in a response must be what the reference says it is now, as ``side`` sees it."""
        viewer, viewer_org = (t.inviter, t.inviter_org) if side == "inbound" else (t.source, t.source_org)
        status = t.status(self.now)
        assert seen["Status"] == status, (t.id, seen["Status"], status, self.now)
        assert seen["Arn"] == f"arn:aws:organizations::{viewer}:transfer/{viewer_org}/billing/{side}/{t.id}"
        assert seen.get("Name") == (t.name if side == "inbound" else None)
        for member, account in (("Source", t.source), ("Target", t.inviter)):
            email = self.ref.accounts[account].email
            assert seen[member] == {"ManagementAccountId": account, "ManagementAccountEmail": email}
        assert (seen["StartTimestamp"], seen.get("EndTimestamp")) == (t.start, t.end)
        assert (seen["Id"], seen["Type"], seen["ActiveHandshakeId"]) == (t.id, "BILLING", t.handshake.id)
        if status in ("DECLINED", "CANCELED", "WITHDRAWN"):
            assert self.seen_transfer_final.setdefault(t.id, status) == status, f"{t.id} left {status}"

    def _observe(self, handshake_id: str, state: str) -> None:
        """Invariants across observations, whichever way the clock moved: terminal states hold, and a
        purged handshake never comes back."""
        assert handshake_id not in self.seen_purged, f"{handshake_id} came back after its purge"
        if state in TERMINAL:
            assert self.seen_final.setdefault(handshake_id, state) == state, f"{handshake_id} left {state}"
        if state == "EXPIRED":
            self.seen_expired.add(handshake_id)
        assert handshake_id not in self.seen_expired or state == "EXPIRED", f"{handshake_id} left EXPIRED"

    # -- setup -----------------------------------------------------------------------------------

    @initialize()
    def create_world(self) -> None:
        for account_id in ACCOUNTS:
            self.sim.seed_account(account_id, email=email_of(account_id), name=f"Account {account_id}")
            self.ref.add_account(account_id, email_of(account_id))
        self.ref.add_account(STRANGER, f"aws+{STRANGER}@example.com")
        for mgmt, feature_set in ((MGMT_A, "ALL"), (MGMT_B, "CONSOLIDATED_BILLING")):
            created = self.call(Expected(), mgmt, "CreateOrganization", FeatureSet=feature_set)
            assert created is not None
            self.ref.create_org(mgmt, created["Organization"]["Id"], feature_set, self.learn_root(mgmt, feature_set))

    # -- rules: invitations and answers -----------------------------------------------------------

    @rule(
        target=handshakes,
        caller=st.sampled_from(ACTORS),
        target_account=st.sampled_from((*ACCOUNTS, STRANGER, None)),
        by_email=st.booleans(),
        shout=st.booleans(),
        notes=st.none() | st.sampled_from(["", "welcome", "bienvenue \u2728"]),
        tagged=st.booleans(),
    )
    def invite(
        self,
        caller: str,
        target_account: str | None,
        by_email: bool,
        shout: bool,
        notes: str | None,
        tagged: bool = False,
    ) -> Any:
        if target_account is None:
            target_type, target_id = "EMAIL", NOBODY_EMAIL
        elif by_email:
            target_type, target_id = "EMAIL", self.ref.accounts[target_account].email
        else:
            target_type, target_id = "ACCOUNT", target_account
        if target_type == "EMAIL" and shout:
            target_id = target_id.upper()  # emails match whatever their case
        params: dict[str, Any] = {"Target": {"Id": target_id, "Type": target_type}}
        if notes is not None:
            params["Notes"] = notes
        tags = {"invited": target_id} if tagged else {}
        if tags:
            params["Tags"] = [{"Key": k, "Value": v} for k, v in tags.items()]
        expected = self.ref.expect_invite(caller, target_type, target_id, self.now)
        response = self.call(expected, caller, "InviteAccountToOrganization", **params)
        if response is None:
            return multiple()
        seen = response["Handshake"]
        h = self.ref.invite(seen["Id"], caller, target_type, target_id, notes, self.now, tags)
        assert seen["State"] == OPEN
        self.check_handshake(seen, h)
        return seen["Id"]

    @rule(
        caller=st.sampled_from(ACTORS),
        handshake=handshakes | st.just(UNKNOWN_HANDSHAKE),
        response=st.sampled_from(["accept", "decline", "cancel"]),
    )
    def respond(self, caller: str, handshake: str, response: str) -> None:
        expected = self.ref.expect_respond(caller, handshake, response, self.now)
        answer = self.call(expected, caller, f"{response.capitalize()}Handshake", HandshakeId=handshake)
        if answer is not None:
            self.ref.respond(caller, handshake, response, self.now)
            self.check_handshake(answer["Handshake"], self.ref.handshakes[handshake])

    @precondition(lambda self: bool(self.ref.handshakes))
    @rule(caller=st.sampled_from(ACTORS), data=st.data())
    def recipient_answers(self, caller: str, data: st.DataObject) -> None:
        # Steer towards calls that can succeed: the recipient or sender of a live handshake answers.
        live = [h for h in self.ref.handshakes.values() if h.state(self.now) == OPEN and h.visible(self.now)]
        if not live:
            return
        h = data.draw(st.sampled_from(live))
        response = data.draw(st.sampled_from(["accept", "accept", "decline", "cancel"]))
        actor = self.ref.orgs[h.org].management if response == "cancel" else self.ref.recipient(h)
        if actor is None:
            return
        self.respond(actor, h.id, response)

    @rule(caller=st.sampled_from(ACTORS), handshake=handshakes | st.just(UNKNOWN_HANDSHAKE))
    def describe_handshake(self, caller: str, handshake: str) -> None:
        answer = self.call(
            self.ref.expect_describe(caller, handshake, self.now), caller, "DescribeHandshake", HandshakeId=handshake
        )
        if answer is not None:
            self.check_handshake(answer["Handshake"], self.ref.handshakes[handshake])

    def _pages(self, caller: str, operation: str, page_size: int, **params: Any) -> list[dict[str, Any]] | None:
        expected = (
            self.ref.expect_management(caller) if operation == "ListHandshakesForOrganization" else Expected()
        )
        found: list[dict[str, Any]] = []
        token: str | None = None
        while True:
            extra = {"NextToken": token} if token else {}
            page = self.call(expected, caller, operation, MaxResults=page_size, **params, **extra)
            if page is None:
                return None
            assert len(page["Handshakes"]) <= page_size
            found += page["Handshakes"]
            token = page.get("NextToken")
            if token is None:
                return found

    @rule(caller=st.sampled_from(ACTORS), page_size=st.integers(1, 20))
    def list_for_account(self, caller: str, page_size: int) -> None:
        found = self._pages(caller, "ListHandshakesForAccount", page_size)
        if found is None:
            assert self.ref.is_closed(caller)
            return
        expected = self.ref.received_by(caller, self.now)
        assert [h["Id"] for h in found] == [h.id for h in expected]
        for seen, h in zip(found, expected):
            self.check_handshake(seen, h)

    @rule(
        caller=st.sampled_from(ACTORS),
        page_size=st.integers(1, 20),
        action=st.sampled_from([None, "INVITE", "ENABLE_ALL_FEATURES", *([TRANSFER] if TRANSFERS_MODELED else [])]),
    )
    def list_for_organization(self, caller: str, page_size: int, action: str | None) -> None:
        params = {"Filter": {"ActionType": action}} if action else {}
        found = self._pages(caller, "ListHandshakesForOrganization", page_size, **params)
        if found is None:
            return
        org = self.ref.org_of(caller)
        assert org is not None
        expected = [h for h in self.ref.sent_by(org.id) if h.visible(self.now) and action in (None, h.action)]
        assert [h["Id"] for h in found] == [h.id for h in expected]
        for seen, h in zip(found, expected):
            self.check_handshake(seen, h)

    # -- rules: membership and organizations -----------------------------------------------------

    @rule(caller=st.sampled_from(ACTORS))
    def leave(self, caller: str) -> None:
        if self.call(self.ref.expect_leave(caller), caller, "LeaveOrganization") is not None:
            self.ref.leave(caller)

    @rule(caller=st.sampled_from(ACTORS), account=st.sampled_from(ACTORS))
    def remove(self, caller: str, account: str) -> None:
        expected = self.ref.expect_remove(caller, account)
        if self.call(expected, caller, "RemoveAccountFromOrganization", AccountId=account) is not None:
            self.ref.remove(caller, account)

    @rule(caller=st.sampled_from(ACTORS), account=st.sampled_from(ACTORS))
    def describe_account(self, caller: str, account: str) -> None:
        answer = self.call(self.ref.expect_describe_account(caller, account), caller, "DescribeAccount", AccountId=account)
        if answer is not None:
            assert answer["Account"]["Id"] == account
            assert answer["Account"]["JoinedMethod"] == "INVITED"

    @rule(caller=st.sampled_from(ACTORS), feature_set=st.sampled_from(["ALL", "CONSOLIDATED_BILLING"]))
    def create_organization(self, caller: str, feature_set: str) -> None:
        answer = self.call(self.ref.expect_create_org(caller), caller, "CreateOrganization", FeatureSet=feature_set)
        if answer is not None:
            organization = answer["Organization"]
            assert organization["MasterAccountId"] == caller
            assert organization["Id"] not in self.ref.orgs
            self.ref.create_org(caller, organization["Id"], feature_set, self.learn_root(caller, feature_set))

    @rule(caller=st.sampled_from(ACTORS), refound=st.sampled_from([True, True, True, False]))
    def delete_organization(self, caller: str, refound: bool = False) -> None:
        if self.call(self.ref.expect_delete_org(caller, self.now), caller, "DeleteOrganization") is not None:
            self.ref.delete_org(caller, self.now)
            if refound:  # most of the time, keep an organization to work with
                self.create_organization(caller, "ALL")

    @rule(caller=st.sampled_from(ACTORS), role_account=st.sampled_from(ACTORS))
    def assume_role_and_look(self, caller: str, role_account: str) -> None:
        # STS: whoever assumes a role gets credentials that act as the role's account.
        sts = self.client(caller, "sts")
        assert sts.get_caller_identity()["Account"] == caller
        arn = f"arn:aws:iam::{role_account}:role/OrganizationAccountAccessRole"
        creds = sts.assume_role(RoleArn=arn, RoleSessionName="sm")[
            "Credentials"
        ]
        assumed = self.shared.client(
            "organizations",
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"],
        )
        org = self.ref.org_of(role_account)
        self.settle()
        if self.ref.is_closed(role_account):
            with pytest.raises(assumed.exceptions.AccessDeniedException):
                assumed.describe_organization()
            return
        try:
            seen = assumed.describe_organization()["Organization"]["Id"]
        except assumed.exceptions.AWSOrganizationsNotInUseException:
            seen = None
        assert seen == (org.id if org else None)

    @rule(data=st.data())
    def management_acts(self, data: st.DataObject) -> None:
        # Steer towards the management-only calls that succeed: removing a member, or now and then
        # deleting an emptied organization (whose handshakes then end) and founding a new one.
        orgs = sorted(self.ref.orgs.values(), key=lambda o: o.id)
        if not orgs:
            return
        org = data.draw(st.sampled_from(orgs))
        members = sorted(org.members - {org.management})
        if members:
            self.remove(org.management, data.draw(st.sampled_from(members)))
        elif data.draw(st.integers(0, 3)) == 0:
            self.delete_organization(org.management, refound=True)

    @rule(
        target=handshakes,
        data=st.data(),
        target_account=st.sampled_from((*ACCOUNTS, STRANGER, None)),
        by_email=st.booleans(),
    )
    def management_invites(self, data: st.DataObject, target_account: str | None, by_email: bool) -> Any:
        # Steer towards invitations that can succeed, fill the quotas and collide as duplicates.
        managers = sorted(org.management for org in self.ref.orgs.values())
        if not managers:
            return multiple()
        return self.invite(data.draw(st.sampled_from(managers)), target_account, by_email, shout=False, notes=None)

    @precondition(lambda self: bool(self.ref.handshakes))
    @rule(data=st.data(), response=st.sampled_from(["accept", "decline", "cancel"]))
    def a_party_answers_again(self, data: st.DataObject, response: str) -> None:
        # Steer towards answers to handshakes that already ended: the transition table's errors.
        h = data.draw(st.sampled_from(list(self.ref.handshakes.values())))
        org = self.ref.orgs.get(h.org)
        actor = (org.management if org else None) if response == "cancel" else self.ref.recipient(h)
        if actor is not None:
            self.respond(actor, h.id, response)

    # -- rules: billing transfers ---------------------------------------------------------------

    def start_choices(self) -> list[dt.datetime]:
        """Start dates around the two open ones: the ones allowed, and one breaking each rule."""
        first = month_first(self.now, 1)
        return [
            first,
            month_first(self.now, 2),
            month_first(self.now, 3),
            month_first(self.now),
            first + dt.timedelta(days=14),
            first + dt.timedelta(hours=12),
        ]

    def end_choices(self) -> list[dt.datetime | None]:
        this = month_last(self.now)
        return [None, this, month_last(self.now, 1), month_last(self.now, 2), month_last(self.now, -1),
                this - dt.timedelta(milliseconds=999), this - dt.timedelta(days=3)]

    @precondition(lambda self: TRANSFERS_MODELED)
    @rule(target=handshakes, caller=st.sampled_from(ACTORS), target_account=st.sampled_from(ACTORS), data=st.data())
    def invite_transfer(self, caller: str, target_account: str, data: st.DataObject) -> Any:
        return self._invite_transfer_at(caller, target_account, data.draw(st.sampled_from(self.start_choices())))

    @precondition(lambda self: TRANSFERS_MODELED)
    @rule(target=handshakes, data=st.data())
    def a_manager_invites_another(self, data: st.DataObject) -> Any:
        # Steer towards invitations that can succeed: one organization's manager invites another's.
        managers = sorted(org.management for org in self.ref.orgs.values())
        if len(managers) < 2:
            return multiple()
        payer, source = data.draw(st.permutations(managers))[:2]
        start = data.draw(st.sampled_from(self.start_choices()[:2]))
        return self._invite_transfer_at(payer, source, start)

    def _invite_transfer_at(self, caller: str, target: str, start: dt.datetime) -> Any:
        expected = self.ref.expect_transfer_invite(caller, target, start, self.now)
        response = self.call(
            expected,
            caller,
            "InviteOrganizationToTransferResponsibility",
            Type="BILLING",
            Target={"Id": target, "Type": "ACCOUNT"},
            StartTimestamp=start,
            SourceName="bill",
        )
        if response is None:
            return multiple()
        seen = response["Handshake"]
        rt = next(r["Value"] for r in seen["Resources"] if r["Type"] == "RESPONSIBILITY_TRANSFER")
        t = self.ref.invite_transfer(seen["Id"], rt, caller, target, start, self.now)
        self.check_handshake(seen, t.handshake)
        return seen["Id"]

    def draw_transfer(self, data: st.DataObject) -> str:
        return data.draw(st.sampled_from([*self.ref.transfers, UNKNOWN_TRANSFER]))

    @precondition(lambda self: TRANSFERS_MODELED)
    @rule(caller=st.sampled_from(ACTORS), data=st.data())
    def describe_transfer(self, caller: str, data: st.DataObject) -> None:
        transfer = self.draw_transfer(data)
        expected, side = self.ref.expect_find_transfer(caller, transfer, self.now)
        answer = self.call(expected, caller, "DescribeResponsibilityTransfer", Id=transfer)
        if answer is not None:
            assert side is not None
            self.check_transfer(answer["ResponsibilityTransfer"], self.ref.transfers[transfer], side)

    @precondition(lambda self: TRANSFERS_MODELED)
    @rule(
        caller=st.sampled_from(ACTORS),
        side=st.sampled_from(["inbound", "outbound"]),
        page_size=st.integers(1, 3),
        narrowed=st.booleans(),
        data=st.data(),
    )
    def list_transfers(self, caller: str, side: str, page_size: int, narrowed: bool, data: st.DataObject) -> None:
        operation = "ListInboundResponsibilityTransfers" if side == "inbound" else "ListOutboundResponsibilityTransfers"
        params: dict[str, Any] = {"Type": "BILLING", "MaxResults": page_size}
        expected = self.ref.expect_management(caller)
        org = self.ref.org_of(caller)
        wanted: list[RefTransfer] = []
        if expected.ok:
            assert org is not None
            listed = self.ref.inbound(org.id) if side == "inbound" else self.ref.outbound(org.id)
            wanted = [t for t in listed if t.visible(self.now)]
        if narrowed and side == "inbound":
            params["Id"] = transfer = self.draw_transfer(data)
            found, found_side = self.ref.expect_find_transfer(caller, transfer, self.now)
            if found.ok and found_side != "inbound":
                found = Expected("ResponsibilityTransferNotFoundException")
            expected = found if expected.ok else expected
            wanted = [self.ref.transfers[transfer]] if found.ok else []
        seen: list[dict[str, Any]] = []
        token: str | None = None
        while True:
            page = self.call(expected, caller, operation, **params, **({"NextToken": token} if token else {}))
            if page is None:
                return
            assert len(page["ResponsibilityTransfers"]) <= page_size
            seen += page["ResponsibilityTransfers"]
            token = page.get("NextToken")
            if token is None:
                break
        assert [t["Id"] for t in seen] == [t.id for t in wanted]
        for shown, t in zip(seen, wanted):
            self.check_transfer(shown, t, side)

    @precondition(lambda self: TRANSFERS_MODELED)
    @rule(caller=st.sampled_from(ACTORS), data=st.data())
    def terminate_transfer(self, caller: str, data: st.DataObject) -> None:
        self._terminate(caller, self.draw_transfer(data), data.draw(st.sampled_from(self.end_choices())))

    def _terminate(self, caller: str, transfer: str, end: dt.datetime | None) -> None:
        expected, wanted = self.ref.expect_terminate(caller, transfer, end, self.now)
        params = {"EndTimestamp": end} if end is not None else {}
        answer = self.call(expected, caller, "TerminateResponsibilityTransfer", Id=transfer, **params)
        if answer is not None:
            _, side = self.ref.expect_find_transfer(caller, transfer, self.now)
            self.ref.terminate(transfer, wanted, self.now)
            assert side is not None
            self.check_transfer(answer["ResponsibilityTransfer"], self.ref.transfers[transfer], side)

    @precondition(lambda self: TRANSFERS_MODELED and bool(self.ref.transfers))
    @rule(data=st.data())
    def a_source_answers(self, data: st.DataObject) -> None:
        # Steer towards answered transfer invitations (accepted, most often), and their quotas.
        live = [t for t in self.ref.transfers.values() if t.status(self.now) == "REQUESTED" and t.visible(self.now)]
        if not live:
            return
        t = data.draw(st.sampled_from(live))
        response = data.draw(st.sampled_from(["accept", "accept", "accept", "decline", "cancel"]))
        self.respond(t.inviter if response == "cancel" else t.source, t.handshake.id, response)

    @precondition(lambda self: TRANSFERS_MODELED and bool(self.ref.transfers))
    @rule(data=st.data())
    def a_party_withdraws(self, data: st.DataObject) -> None:
        # Steer towards withdrawals by a party with an end date that fits (after the start, when it can).
        accepted = [t for t in self.ref.transfers.values() if t.status(self.now) == "ACCEPTED"]
        pool = accepted if accepted and data.draw(st.integers(0, 3)) else list(self.ref.transfers.values())
        t = data.draw(st.sampled_from(pool))
        party = data.draw(st.sampled_from([t.inviter, t.source]))
        ends = [e for e in (month_last(self.now), month_last(self.now, 1)) if e >= t.start]
        end = data.draw(st.sampled_from(ends)) if ends else None
        self._terminate(party, t.id, end)

    @precondition(lambda self: TRANSFERS_MODELED and len(self.ref.orgs) < 4)
    @rule(data=st.data())
    def someone_founds_an_organization(self, data: st.DataObject) -> None:
        # More organizations make room for the one-payer quota and chains.
        loners = [a for a in OTHERS if self.ref.org_of(a) is None]
        if loners:
            self.create_organization(data.draw(st.sampled_from(loners)), "ALL")

    @precondition(lambda self: TRANSFERS_MODELED)
    @rule(caller=st.sampled_from(ACTORS), data=st.data())
    def rename_transfer(self, caller: str, data: st.DataObject) -> None:
        transfer = self.draw_transfer(data)
        expected = self.ref.expect_rename(caller, transfer, self.now)
        name = data.draw(st.sampled_from(["bill", "renamed", "~ " * 10]))
        answer = self.call(expected, caller, "UpdateResponsibilityTransfer", Id=transfer, Name=name)
        if answer is not None:
            self.ref.transfers[transfer].name = name
            self.check_transfer(answer["ResponsibilityTransfer"], self.ref.transfers[transfer], "inbound")

    @precondition(lambda self: TRANSFERS_MODELED and bool(self.ref.transfers))
    @rule(data=st.data(), nudge=st.sampled_from([dt.timedelta(0), dt.timedelta(milliseconds=-1)]))
    def jump_to_a_transfer_edge(self, data: st.DataObject, nudge: dt.timedelta) -> None:
        # The instants where a transfer's status or visibility turns: expiry, end, purges.
        t = data.draw(st.sampled_from(list(self.ref.transfers.values())))
        edges = [t.handshake.expires, t.handshake.expires + dt.timedelta(days=30), t.start - dt.timedelta(days=1, seconds=1)]
        if t.end is not None:
            edges += [t.end + dt.timedelta(milliseconds=1), t.end + dt.timedelta(days=30)]
        if t.ended is not None:
            edges.append(t.ended + dt.timedelta(days=30))
        when = data.draw(st.sampled_from(edges)) + nudge
        self.move_clock(when - self.now)

    # -- rules: time -----------------------------------------------------------------------------

    @rule(
        delta=st.one_of(
            st.integers(1, 36 * 60).map(lambda m: dt.timedelta(minutes=m)),
            st.integers(1, 20).map(lambda d: dt.timedelta(days=d)),
            st.integers(25, 50).map(lambda d: dt.timedelta(days=d)),
            st.integers(-20 * 24, -1).map(lambda h: dt.timedelta(hours=h)),
            st.sampled_from([dt.timedelta(days=15), dt.timedelta(days=45), dt.timedelta(days=30)]),
        )
    )
    def move_clock(self, delta: dt.timedelta) -> None:
        self.now += delta
        self._set_clock(self.now)
        # The world is brought up to the new time at once (as the next call would), so that a refused
        # call never shows what time did as a change it made.
        self.sim.handshakes  # noqa: B018
        self.ref.settle(self.now)

    @precondition(lambda self: bool(self.ref.handshakes))
    @rule(data=st.data(), nudge=st.sampled_from([dt.timedelta(0), dt.timedelta(seconds=-1)]))
    def jump_to_an_edge(self, data: st.DataObject, nudge: dt.timedelta) -> None:
        # Land exactly on (or just before) an expiry or purge instant: the boundaries are where bugs live.
        h = data.draw(st.sampled_from(list(self.ref.handshakes.values())))
        edges = [h.expires, h.expires + dt.timedelta(days=30)]
        if h.ended is not None:
            edges.append(h.ended + dt.timedelta(days=30))
        when = data.draw(st.sampled_from(edges)) + nudge
        self.move_clock(when - self.now)

    # -- invariants ------------------------------------------------------------------------------

    @invariant()
    def membership_is_what_the_rules_say(self) -> None:
        self.settle()
        for account in self.ref.accounts.values():
            org = self.ref.org_of(account.id)
            client = self.client(account.id)
            if self.ref.is_closed(account.id):
                with pytest.raises(client.exceptions.AccessDeniedException):
                    client.describe_organization()
                continue
            try:
                seen = client.describe_organization()["Organization"]
            except client.exceptions.AWSOrganizationsNotInUseException:
                assert org is None, f"{account.id} should be in {org}"
                continue
            assert org is not None and seen["Id"] == org.id, (account.id, seen["Id"], org)
            assert seen["MasterAccountId"] == org.management
        for org in self.ref.orgs.values():
            assert len(org.members) <= MAX_ACCOUNTS
            ids = [a["Id"] for a in self.client(org.management).list_accounts()["Accounts"]]
            assert sorted(ids) == sorted(org.members), (org.id, ids, org.members)

    @invariant()
    def every_handshake_reads_as_the_rules_say(self) -> None:
        self.settle()
        for h in self.ref.handshakes.values():
            observer = self.ref.recipient(h)
            if observer is not None and self.ref.is_closed(observer):
                observer = None  # it can look at nothing: ask the sender instead
            if observer is None:
                org = self.ref.orgs.get(h.org)
                if org is None:
                    continue  # nobody can see it any more
                observer = org.management
            client = self.client(observer)
            try:
                seen = client.describe_handshake(HandshakeId=h.id)["Handshake"]
            except client.exceptions.HandshakeNotFoundException:
                assert not h.visible(self.now), f"{h.id} should be visible to {observer} at {self.now}"
                self.seen_purged.add(h.id)
                continue
            assert h.visible(self.now), f"{h.id} should be purged at {self.now}"
            self.check_handshake(seen, h)


    @invariant()
    def every_transfer_reads_as_the_rules_say(self) -> None:
        for t in self.ref.transfers.values():
            for account, org_id, side in ((t.inviter, t.inviter_org, "inbound"), (t.source, t.source_org, "outbound")):
                if org_id not in self.ref.orgs or self.ref.orgs[org_id].management != account:
                    continue  # that organization is gone: nobody sees this side any more
                client = self.client(account)
                try:
                    seen = client.describe_responsibility_transfer(Id=t.id)["ResponsibilityTransfer"]
                except client.exceptions.ResponsibilityTransferNotFoundException:
                    assert not t.visible(self.now), f"{t.id} should be visible to {account} at {self.now}"
                    continue
                assert t.visible(self.now), f"{t.id} should be purged at {self.now}"
                self.check_transfer(seen, t, side)


class FreezegunOrgMachine(OrgMachine):
    """The same machine with freezegun moving the clock."""

    def _start_clock(self) -> None:
        # hypothesis times its own work; let it read the real clock.
        self._freezer = freezegun.freeze_time(START, ignore=["hypothesis"])
        self._frozen = self._freezer.start()

    def _set_clock(self, when: dt.datetime) -> None:
        self._frozen.move_to(when)

    def _stop_clock(self) -> None:
        self._freezer.stop()


class TreeMachine(OrgMachine):
    """The same machine with the organization tree: OUs, moves, tags and closing accounts."""

    organizational_units = Bundle("organizational_units")

    def __init__(self) -> None:
        super().__init__()
        #: Every OU id ever created, deleted ones too: asking for them must find nothing.
        self.seen_ous: list[str] = []

    @initialize()
    def create_world(self) -> None:
        # Start with members to place, tag and close: two in A (which is then full), one in B.
        super().create_world()
        for management, member in ((MGMT_A, OTHERS[0]), (MGMT_A, OTHERS[1]), (MGMT_B, OTHERS[2])):
            handshake = self.invite(management, member, by_email=False, shout=False, notes=None)
            self.respond(member, handshake, "accept")
            assert member in self.ref.orgs[self.ref.accounts[management].org or ""].members

    def parents(self) -> list[str]:
        """Every root and OU there is or was, and ids that never were."""
        roots = sorted(org.root for org in self.ref.orgs.values())
        return [*roots, *self.seen_ous, UNKNOWN_OU, UNKNOWN_ROOT]

    def managed(self, data: st.DataObject) -> RefOrg | None:
        orgs = sorted(self.ref.orgs.values(), key=lambda o: o.id)
        return data.draw(st.sampled_from(orgs)) if orgs else None

    def _everything(self, client: Any, operation: str, key: str, **params: Any) -> list[Any]:
        pages = client.get_paginator(xform_name(operation)).paginate(**params, PaginationConfig={"PageSize": 2})
        return [item for page in pages for item in page[key]]

    # -- OUs -------------------------------------------------------------------------------------

    @rule(
        target=organizational_units,
        caller=st.sampled_from(ACTORS),
        data=st.data(),
        name=st.sampled_from(OU_NAMES),
        tagged=st.booleans(),
    )
    def create_ou(self, caller: str, data: st.DataObject, name: str, tagged: bool) -> Any:
        return self._create_ou(caller, data.draw(st.sampled_from(self.parents())), name, tagged)

    @rule(
        target=organizational_units,
        data=st.data(),
        name=st.sampled_from(OU_NAMES),
        levels=st.sampled_from([6, 1, 3]),
    )
    def management_creates_ous(self, data: st.DataObject, name: str, levels: int) -> Any:
        # Steer towards OUs that can be made: a chain under the deepest parent (six: down to the
        # depth limit), or one under any parent (sibling names).
        org = self.managed(data)
        if org is None:
            return multiple()
        parents = org.parent_ids()
        deepest = max(parents, key=lambda p: self.ref.depth_of(org, p))
        parent = data.draw(st.sampled_from([deepest, *parents]))
        made = []
        for _ in range(levels if parent == deepest else 1):
            created = self._create_ou(org.management, parent, name, tagged=False)
            if not isinstance(created, str):
                break
            made.append(created)
            parent = created
        return multiple(*made)

    def _create_ou(self, caller: str, parent: str, name: str, tagged: bool) -> Any:
        tags = {"made-as": name} if tagged else {}
        expected = self.ref.expect_create_ou(caller, parent, name)
        params: dict[str, Any] = {"ParentId": parent, "Name": name}
        if tags:
            params["Tags"] = [{"Key": k, "Value": v} for k, v in tags.items()]
        answer = self.call(expected, caller, "CreateOrganizationalUnit", **params)
        if answer is None:
            return multiple()
        ou = answer["OrganizationalUnit"]
        made = self.ref.create_ou(caller, ou["Id"], parent, name, tags)
        org = self.ref.org_of(caller)
        assert org is not None and ou["Id"].startswith(f"ou-{org.root[2:]}-")
        assert ou["Name"] == name and ou["Id"] not in self.seen_ous
        if OU_HAS_PATH:
            assert ou["Path"] == self.ref.path_of(org, made.id)
        self.seen_ous.append(ou["Id"])
        return ou["Id"]

    @rule(caller=st.sampled_from(ACTORS), ou=organizational_units | st.just(UNKNOWN_OU))
    def delete_ou(self, caller: str, ou: str) -> None:
        if self.call(self.ref.expect_delete_ou(caller, ou), caller, "DeleteOrganizationalUnit", OrganizationalUnitId=ou):
            self.ref.delete_ou(caller, ou)

    @rule(data=st.data())
    def management_deletes_ou(self, data: st.DataObject) -> None:
        org = self.managed(data)
        if org is not None and org.ous:
            self.delete_ou(org.management, data.draw(st.sampled_from(sorted(org.ous))))

    # -- moving accounts ---------------------------------------------------------------------------

    @rule(caller=st.sampled_from(ACTORS), account=st.sampled_from(ACTORS), data=st.data())
    def move(self, caller: str, account: str, data: st.DataObject) -> None:
        source, destination = data.draw(st.sampled_from(self.parents())), data.draw(st.sampled_from(self.parents()))
        self._move(caller, account, source, destination)

    @rule(data=st.data())
    def management_moves(self, data: st.DataObject) -> None:
        # Steer towards moves that can succeed: a member, from where it is.
        org = self.managed(data)
        if org is None:
            return
        account = data.draw(st.sampled_from(sorted(org.members)))
        source = self.ref.accounts[account].parent
        assert source is not None
        elsewhere = [p for p in org.parent_ids() if p != source]
        if not elsewhere:  # somewhere to go
            created = self._create_ou(org.management, org.root, OU_NAMES[0], tagged=False)
            elsewhere = [created] if isinstance(created, str) else []
        self._move(org.management, account, source, data.draw(st.sampled_from([*elsewhere, source])))

    def _move(self, caller: str, account: str, source: str, destination: str) -> None:
        expected = self.ref.expect_move(caller, account, source, destination)
        params = {"AccountId": account, "SourceParentId": source, "DestinationParentId": destination}
        if self.call(expected, caller, "MoveAccount", **params) is not None:
            self.ref.move(account, destination)

    # -- tags ------------------------------------------------------------------------------------------

    def resources(self) -> list[str]:
        return [*ACTORS, *self.parents()]

    @rule(
        caller=st.sampled_from(ACTORS),
        data=st.data(),
        keys=st.lists(st.sampled_from(TAG_KEYS), unique=True, max_size=3),
        value=st.sampled_from(["", "a", "b"]),
        untag=st.booleans(),
    )
    def tag(self, caller: str, data: st.DataObject, keys: list[str], value: str, untag: bool) -> None:
        self._tag(caller, data.draw(st.sampled_from(self.resources())), keys, value, untag)

    @rule(
        data=st.data(),
        keys=st.lists(st.sampled_from(TAG_KEYS), unique=True, min_size=1, max_size=3),
        value=st.sampled_from(["", "a", "b"]),
        untag=st.booleans(),
    )
    def management_tags(self, data: st.DataObject, keys: list[str], value: str, untag: bool) -> None:
        org = self.managed(data)
        if org is not None:
            resource = data.draw(st.sampled_from([*sorted(org.members), *org.parent_ids()]))
            self._tag(org.management, resource, keys, value, untag)

    def _tag(self, caller: str, resource: str, keys: list[str], value: str, untag: bool) -> None:
        if untag:
            expected = self.ref.expect_tags(caller, resource)
            if self.call(expected, caller, "UntagResource", ResourceId=resource, TagKeys=keys) is not None:
                self.ref.untag(caller, resource, keys)
        else:
            tags = {key: value for key in keys}
            expected = self.ref.expect_tags(caller, resource, tags)
            params = {"ResourceId": resource, "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}
            if self.call(expected, caller, "TagResource", **params) is not None:
                self.ref.tag(caller, resource, tags)
        listed = self.call(self.ref.expect_tags(caller, resource), caller, "ListTagsForResource", ResourceId=resource)
        if listed is not None:
            org = self.ref.org_of(caller)
            assert org is not None
            found = self.ref.tags_of(org, resource)
            assert found is not None
            assert listed["Tags"] == [{"Key": k, "Value": v} for k, v in found.items()]

    # -- closing accounts ---------------------------------------------------------------------------

    @rule(caller=st.sampled_from(ACTORS), account=st.sampled_from(ACTORS))
    def close(self, caller: str, account: str) -> None:
        if self.call(self.ref.expect_close(caller, account), caller, "CloseAccount", AccountId=account) is not None:
            self.ref.close(account, self.now)

    @rule(data=st.data())
    def management_closes(self, data: st.DataObject) -> None:
        org = self.managed(data)
        if org is not None and len(org.members) > 1:
            self.close(org.management, data.draw(st.sampled_from(sorted(org.members - {org.management}))))

    @precondition(lambda self: any(a.closes_at is not None for a in self.ref.accounts.values()))
    @rule(data=st.data(), nudge=st.sampled_from([dt.timedelta(0), dt.timedelta(seconds=-1)]))
    def jump_to_a_closure_edge(self, data: st.DataObject, nudge: dt.timedelta) -> None:
        # Land on (or just before) a closure completing, or a closed account's 90 days ending.
        closing = sorted((a for a in self.ref.accounts.values() if a.closes_at is not None), key=lambda a: a.id)
        account = data.draw(st.sampled_from(closing))
        assert account.closes_at is not None
        edges = [account.closes_at, account.closes_at + CLOSED_RETENTION]
        self.move_clock(data.draw(st.sampled_from(edges)) + nudge - self.now)

    # -- reading the tree -------------------------------------------------------------------------------

    @rule(caller=st.sampled_from(ACTORS), data=st.data(), child_type=st.sampled_from(["ACCOUNT", "ORGANIZATIONAL_UNIT"]))
    def list_children(self, caller: str, data: st.DataObject, child_type: str) -> None:
        self._read(caller, data.draw(st.sampled_from(self.parents())), child_type)

    def _read(self, caller: str, parent: str, child_type: str) -> None:
        found = self.call(
            self.ref.expect_parent(caller, parent), caller, "ListChildren", ParentId=parent, ChildType=child_type
        )
        if found is not None:
            org = self.ref.org_of(caller)
            assert org is not None
            expected = (
                self.ref.child_accounts(org, parent)
                if child_type == "ACCOUNT"
                else [ou.id for ou in self.ref.child_ous(org, parent)]
            )
            assert found["Children"] == [{"Id": i, "Type": child_type} for i in expected]

    @rule(caller=st.sampled_from(ACTORS), data=st.data())
    def list_parents(self, caller: str, data: st.DataObject) -> None:
        self._parents(caller, data.draw(st.sampled_from([*ACTORS, *self.seen_ous, UNKNOWN_OU])))

    def _parents(self, caller: str, child: str) -> None:
        org = self.ref.org_of(caller)
        expected = self.ref.expect_management(caller)
        parent = None
        if expected.ok and org is not None:
            if child in org.members:
                parent = self.ref.accounts[child].parent
            elif child in org.ous:
                parent = org.ous[child].parent
            else:
                expected = Expected("ChildNotFoundException")
        found = self.call(expected, caller, "ListParents", ChildId=child)
        if found is not None and org is not None:
            kind = "ROOT" if parent == org.root else "ORGANIZATIONAL_UNIT"
            assert found["Parents"] == [{"Id": parent, "Type": kind}]

    @rule(data=st.data())
    def management_reads_the_tree(self, data: st.DataObject) -> None:
        org = self.managed(data)
        if org is None:
            return
        parent = data.draw(st.sampled_from(org.parent_ids()))
        self._read(org.management, parent, data.draw(st.sampled_from(["ACCOUNT", "ORGANIZATIONAL_UNIT"])))
        self._parents(org.management, data.draw(st.sampled_from([*sorted(org.members), *org.ous])))

    # -- invariants -------------------------------------------------------------------------------------

    @invariant()
    def tree_is_what_the_rules_say(self) -> None:
        self.settle()
        for org in sorted(self.ref.orgs.values(), key=lambda o: o.id):
            client = self.client(org.management)  # a management account is never closed
            placed: list[str] = []
            for parent in org.parent_ids():
                units = self._everything(client, "ListOrganizationalUnitsForParent", "OrganizationalUnits", ParentId=parent)
                assert [u["Id"] for u in units] == [ou.id for ou in self.ref.child_ous(org, parent)], (org.id, parent)
                for unit in units:
                    assert unit["Name"] == org.ous[unit["Id"]].name
                    if OU_HAS_PATH:
                        assert unit["Path"] == self.ref.path_of(org, unit["Id"])
                accounts = self._everything(client, "ListAccountsForParent", "Accounts", ParentId=parent)
                assert [a["Id"] for a in accounts] == self.ref.child_accounts(org, parent), (org.id, parent)
                for account in accounts:
                    state = self.ref.accounts[account["Id"]].state
                    assert account["Status"] == {"CLOSED": "SUSPENDED"}.get(state, state)
                    if "State" in ACCOUNT_MEMBERS:
                        assert account["State"] == state
                    if "Paths" in ACCOUNT_MEMBERS:
                        assert account["Paths"] == [f"{self.ref.path_of(org, parent)}{account['Id']}/"]
                placed += [a["Id"] for a in accounts]
            # Every member is in exactly one root or OU, and no OU is deeper than five.
            assert sorted(placed) == sorted(org.members)
            assert all(ou.depth <= 5 for ou in org.ous.values())
            # The tags, as the snapshots show them (the tag rules read them through the API).
            seen = self.sim.organization(org.id)
            assert dict(seen.root.tags) == org.root_tags
            assert {ou.id: dict(ou.tags) for ou in seen.organizational_units} == {o.id: o.tags for o in org.ous.values()}
        for account in self.sim.accounts:
            ref = self.ref.accounts.get(account.id)
            if ref is not None:
                assert (dict(account.tags), account.parent_id, account.state) == (ref.tags, ref.parent, ref.state), account.id


class GovernanceMachine(TreeMachine):
    """The tree machine with policies: types, policies, attachments (SCPs with their legacy limit of
    five per target, so that the maximum is reached)."""

    policies = Bundle("policies")
    options = {"legacy_scp_limits": True}
    POLICY_NAMES = ("Guard", "guard", "Audit", "Deny", "Tags", "FullAWSAccess")
    UNKNOWN_POLICY = "p-zzzzzzzz"

    def __init__(self) -> None:
        super().__init__()
        #: Every customer policy id ever created, deleted ones too.
        self.seen_policies: list[str] = []
        #: Names never used before, for policies meant to be created.
        self.fresh = 0

    def known_policies(self) -> list[str]:
        return [*self.seen_policies, FULL_AWS_ACCESS, self.UNKNOWN_POLICY]

    def targets(self) -> list[str]:
        return [*self.parents(), *ACTORS]

    @rule(
        target=policies,
        caller=st.sampled_from(ACTORS),
        name=st.sampled_from(POLICY_NAMES),
        policy_type=st.sampled_from([SCP, SCP, TAG]),
        malformed=st.sampled_from([False, False, False, True]),
    )
    def create_policy(self, caller: str, name: str, policy_type: str, malformed: bool) -> Any:
        # Malformed: an SCP without statements, or anything that is not a JSON object.
        content = ('{"Statement": []}' if policy_type == SCP else "[]") if malformed else (
            '{"Statement": {"Effect": "Deny", "Action": "s3:*", "Resource": "*"}}' if policy_type == SCP else "{}"
        )
        expected = self.ref.expect_create_policy(caller, name, policy_type, malformed)
        answer = self.call(expected, caller, "CreatePolicy", Name=name, Description="", Type=policy_type, Content=content)
        if answer is None:
            return multiple()
        summary = answer["Policy"]["PolicySummary"]
        assert (summary["Name"], summary["Type"], summary["AwsManaged"]) == (name, policy_type, False)
        assert summary["Id"] not in self.seen_policies
        self.ref.create_policy(caller, summary["Id"], name, policy_type)
        self.seen_policies.append(summary["Id"])
        return summary["Id"]

    @rule(target=policies, data=st.data(), name=st.sampled_from(POLICY_NAMES), policy_type=st.sampled_from([SCP, TAG]))
    def management_creates_policy(self, data: st.DataObject, name: str, policy_type: str) -> Any:
        org = self.managed(data)
        return multiple() if org is None else self.create_policy(org.management, name, policy_type, False)

    @rule(target=policies, data=st.data(), made=st.integers(0, 5), moves=st.integers(2, 12))
    def management_governs(self, data: st.DataObject, made: int, moves: int) -> Any:
        # Steer towards a busy organization: a policy type switched now and then, new policies
        # (fresh names), a run of attachments and detachments mostly on one target (up to the maxima
        # and down to the minima), then a policy deleted.
        orgs = sorted((o for o in self.ref.orgs.values() if o.feature_set == "ALL"), key=lambda o: o.id)
        if not orgs:
            return multiple()
        org = data.draw(st.sampled_from(orgs))
        switch = data.draw(st.sampled_from([None, None, None, SCP, TAG]))
        if switch is not None:
            self._policy_type(org.management, org.root, switch, switch not in org.policy_types)
        new = []
        for _ in range(made):
            self.fresh += 1
            created = self.create_policy(org.management, f"Policy {self.fresh}", data.draw(st.sampled_from([SCP, SCP, TAG])), False)
            if isinstance(created, str):
                new.append(created)
        targets = [*org.parent_ids(), *sorted(org.members)]
        focus = data.draw(st.sampled_from(targets))
        for _ in range(moves):
            detach = data.draw(st.sampled_from([False, False, True]))
            mine = [key for key in org.attachments if key[0] == focus]
            if detach and mine:
                target, policy = data.draw(st.sampled_from(mine))
            else:
                policy = data.draw(st.sampled_from([*org.policies, FULL_AWS_ACCESS]))
                target = data.draw(st.sampled_from([focus, focus, *targets]))
            self._attachment(org.management, policy, target, detach)
        if org.policies and data.draw(st.booleans()):
            self.delete_policy(org.management, data)
        return multiple(*new)

    @rule(target=policies, data=st.data(), policy_type=st.sampled_from([SCP, TAG]))
    def management_fills_a_target(self, data: st.DataObject, policy_type: str) -> Any:
        # Steer towards a target's maximum: attach policies of one type until it is refused.
        orgs = sorted((o for o in self.ref.orgs.values() if o.feature_set == "ALL"), key=lambda o: o.id)
        if not orgs:
            return multiple()
        org = data.draw(st.sampled_from(orgs))
        target = data.draw(st.sampled_from([*org.parent_ids(), *sorted(org.members)]))
        new = []
        while len(org.attached(target, policy_type)) < MAX_ATTACHED[policy_type] and len(new) < 3:
            self.fresh += 1
            created = self.create_policy(org.management, f"Policy {self.fresh}", policy_type, False)
            if not isinstance(created, str):
                break
            new.append(created)
            self._attachment(org.management, created, target, detach=False)
        candidates = [p for p in org.policies if org.policy_type(p) == policy_type]
        if candidates:
            self._attachment(org.management, data.draw(st.sampled_from(candidates)), target, detach=False)
        return multiple(*new)

    @rule(caller=st.sampled_from(ACTORS), data=st.data())
    def delete_policy(self, caller: str, data: st.DataObject) -> None:
        policy = data.draw(st.sampled_from(self.known_policies()))
        if self.call(self.ref.expect_delete_policy(caller, policy), caller, "DeletePolicy", PolicyId=policy):
            self.ref.delete_policy(caller, policy)

    @rule(caller=st.sampled_from(ACTORS), data=st.data(), detach=st.booleans())
    def attach_or_detach(self, caller: str, data: st.DataObject, detach: bool) -> None:
        policy = data.draw(st.sampled_from(self.known_policies()))
        target = data.draw(st.sampled_from(self.targets()))
        self._attachment(caller, policy, target, detach)

    @rule(data=st.data(), detach=st.sampled_from([False, False, True]))
    def management_attaches(self, data: st.DataObject, detach: bool) -> None:
        # Steer towards attachments that can succeed, fill a target and empty it again.
        org = self.managed(data)
        if org is None:
            return
        if detach and org.attachments:
            target, policy = data.draw(st.sampled_from(list(org.attachments)))
        else:
            policy = data.draw(st.sampled_from([*org.policies, FULL_AWS_ACCESS]))
            target = data.draw(st.sampled_from([*org.parent_ids(), *sorted(org.members)]))
        self._attachment(org.management, policy, target, detach)

    def _attachment(self, caller: str, policy: str, target: str, detach: bool) -> None:
        params = {"PolicyId": policy, "TargetId": target}
        if detach:
            if self.call(self.ref.expect_detach(caller, policy, target), caller, "DetachPolicy", **params) is not None:
                self.ref.detach(caller, policy, target)
        elif self.call(self.ref.expect_attach(caller, policy, target), caller, "AttachPolicy", **params) is not None:
            self.ref.attach(caller, policy, target)

    @rule(caller=st.sampled_from(ACTORS), data=st.data(), policy_type=st.sampled_from([SCP, TAG]), enable=st.booleans())
    def enable_or_disable_type(self, caller: str, data: st.DataObject, policy_type: str, enable: bool) -> None:
        root = data.draw(st.sampled_from([*sorted(o.root for o in self.ref.orgs.values()), UNKNOWN_ROOT]))
        self._policy_type(caller, root, policy_type, enable)

    @rule(data=st.data(), policy_type=st.sampled_from([SCP, TAG]), enable=st.booleans())
    def management_switches_a_type(self, data: st.DataObject, policy_type: str, enable: bool) -> None:
        org = self.managed(data)
        if org is not None:
            self._policy_type(org.management, org.root, policy_type, enable)

    def _policy_type(self, caller: str, root: str, policy_type: str, enable: bool) -> None:
        params = {"RootId": root, "PolicyType": policy_type}
        if enable:
            expected = self.ref.expect_enable_type(caller, root, policy_type)
            answer = self.call(expected, caller, "EnablePolicyType", **params)
            if answer is not None:
                self.ref.enable_type(caller, policy_type)
        else:
            expected = self.ref.expect_disable_type(caller, root, policy_type)
            answer = self.call(expected, caller, "DisablePolicyType", **params)
            if answer is not None:
                self.ref.disable_type(caller, policy_type)
        if answer is not None:
            org = self.ref.org_of(caller)
            assert org is not None
            assert answer["Root"]["PolicyTypes"] == [{"Type": t, "Status": "ENABLED"} for t in org.policy_types]

    @rule(caller=st.sampled_from(ACTORS), data=st.data())
    def read_policies(self, caller: str, data: st.DataObject) -> None:
        policy = data.draw(st.sampled_from(self.known_policies()))
        found = self.call(self.ref.expect_policy_read(caller, policy_id=policy), caller, "DescribePolicy", PolicyId=policy)
        if found is not None:
            org = self.ref.org_of(caller)
            assert org is not None
            assert found["Policy"]["PolicySummary"]["Type"] == org.policy_type(policy)
        target = data.draw(st.sampled_from(self.targets()))
        listed = self.call(
            self.ref.expect_policy_read(caller, target=target), caller, "ListPoliciesForTarget", TargetId=target, Filter=SCP
        )
        if listed is not None:
            org = self.ref.org_of(caller)
            assert org is not None
            assert [p["Id"] for p in listed["Policies"]] == org.attached(target, SCP)

    # -- invariants -------------------------------------------------------------------------------------

    @invariant()
    def attachments_are_what_the_rules_say(self) -> None:
        self.settle()
        for org in sorted(self.ref.orgs.values(), key=lambda o: o.id):
            client = self.client(org.management)
            targets = [*org.parent_ids(), *sorted(org.members)]
            (root,) = client.list_roots()["Roots"]
            assert root["PolicyTypes"] == [{"Type": t, "Status": "ENABLED"} for t in org.policy_types]
            for target in targets:
                for policy_type in (SCP, TAG):
                    found = self._everything(client, "ListPoliciesForTarget", "Policies", TargetId=target, Filter=policy_type)
                    ids = [p["Id"] for p in found]
                    assert ids == org.attached(target, policy_type), (org.id, target, policy_type)
                    # No target above its type's maximum; every target keeps an SCP while they are enabled.
                    assert len(ids) <= MAX_ATTACHED[policy_type]
                    if policy_type == SCP and SCP in org.policy_types:
                        assert ids, f"{target} has no SCP"
            # Nothing attached outside the organization, and each policy's targets in attachment order.
            for policy in [*org.policies, *([FULL_AWS_ACCESS] if org.feature_set == "ALL" else [])]:
                found = self._everything(client, "ListTargetsForPolicy", "Targets", PolicyId=policy)
                assert [t["TargetId"] for t in found] == org.targets_of(policy), (org.id, policy)
                assert {t["TargetId"] for t in found} <= set(targets)
            listed = self._everything(client, "ListPolicies", "Policies", Filter=SCP)
            expected = [p.id for p in org.policies.values() if p.type == SCP] + [FULL_AWS_ACCESS] * (org.feature_set == "ALL")
            assert [p["Id"] for p in listed] == expected
            seen = self.sim.organization(org.id)
            assert {(t, p) for t, ids in seen.attachments.items() for p in ids} == set(org.attachments)


def _examples(share: float) -> int:
    return int(os.environ.get("HYPOTHESIS_MAX_EXAMPLES", round(settings.default.max_examples * share)))


TestStateMachineTimeMachine = OrgMachine.TestCase
TestStateMachineTimeMachine.settings = settings(
    settings.default, max_examples=_examples(EXAMPLES), stateful_step_count=STEPS
)
TestStateMachineFreezegun = FreezegunOrgMachine.TestCase
TestStateMachineFreezegun.settings = settings(
    settings.default, max_examples=_examples(FREEZEGUN_EXAMPLES), stateful_step_count=STEPS
)
TestStateMachineTree = TreeMachine.TestCase
TestStateMachineTree.settings = settings(
    settings.default, max_examples=_examples(TREE_EXAMPLES), stateful_step_count=STEPS
)
TestStateMachineGovernance = GovernanceMachine.TestCase
TestStateMachineGovernance.settings = settings(
    settings.default, max_examples=_examples(GOVERNANCE_EXAMPLES), stateful_step_count=STEPS
)


@pytest.fixture(autouse=True)
def _no_outer_simulation() -> Iterator[None]:
    # The machine starts its own simulation per example; none may be left active after it.
    yield
    with pytest.raises(orgsim.NoActiveSimulation):
        orgsim.current()


# -- defects the machine found, replayed step by step ---------------------------------------------


def _replay(steps: Callable[[OrgMachine], None]) -> None:
    machine = OrgMachine()
    try:
        machine.create_world()
        steps(machine)
        machine.membership_is_what_the_rules_say()
        machine.every_handshake_reads_as_the_rules_say()
    finally:
        machine.teardown()


def test_an_expired_invitation_of_a_deleted_organization_stays_expired() -> None:
    # Was: the clock moved back revived the invitation and accepting it raised KeyError.
    def steps(m: OrgMachine) -> None:
        handshake = m.invite(MGMT_A, OTHERS[0], by_email=False, shout=False, notes=None)
        m.move_clock(dt.timedelta(days=16))
        m.delete_organization(MGMT_A)
        m.move_clock(dt.timedelta(days=-15))
        m.every_handshake_reads_as_the_rules_say()
        m.respond(OTHERS[0], handshake, "accept")

    _replay(steps)
