"""A world built from the domain alone follows every rule: no import order, no botocore, no service."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from orgsim.domain import account_creation, closing, delegation, handshakes, invitations, membership, policies, rules, transfers, tree
from orgsim.domain.errors import Rejected
from orgsim.domain.handshakes import respond
from orgsim.domain.ids import IdGenerator
from orgsim.domain.limits import Limits
from orgsim.domain.model import ACCOUNT, CONSOLIDATED_BILLING, Change, Party
from orgsim.domain.store import World

NOW = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)


@pytest.fixture
def world() -> World:
    return World(IdGenerator("domain"), Limits(), rules.standard())


def test_the_domain_needs_neither_botocore_nor_the_service() -> None:
    # In a fresh interpreter: build a world and run a flow, then see what got imported.
    script = """
import datetime as dt, sys
from orgsim.domain import invitations, membership, rules
from orgsim.domain.handshakes import respond
from orgsim.domain.ids import IdGenerator
from orgsim.domain.limits import Limits
from orgsim.domain.model import ACCOUNT, Party
from orgsim.domain.store import World
now = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
world = World(IdGenerator(1), Limits(), rules.standard())
boss, member = world.create_account("111111111111", None, None), world.account("222222222222")
membership.create_organization(world, boss, None, now)
respond(world, member, invitations.invite(world, boss, Party(member.id, ACCOUNT), None, (), now).id, "accept", now)
assert member.org_id is not None
print(sorted(m for m in sys.modules if m.split(".")[0] in ("boto3", "botocore") or m.startswith(("orgsim.service", "orgsim.adapters"))))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_the_standard_rules_list_every_rule() -> None:
    standard = rules.standard()
    assert standard.settle == (handshakes.settle, transfers.settle, account_creation.settle, closing.settle)
    assert standard.leave_checks == (
        delegation.refuse_leaving_while_delegated,
        closing.refuse_leaving_while_closing,
        account_creation.check_wait_period,
    )
    assert [f"{step.__module__}.{step.__name__}" for step in standard.after_leave] == [
        "orgsim.domain.all_features.member_left",
        "orgsim.domain.policies.member_left",
        "orgsim.domain.delegation.member_left",
    ]
    assert [check.__name__ for check in standard.invite_checks] == ["refuse_invites_while_pending"]
    assert set(standard.answers) == {"INVITE", "ENABLE_ALL_FEATURES", "APPROVE_ALL_FEATURES", "TRANSFER_RESPONSIBILITY"}
    assert standard.taggable == {
        "account": tree.account_tags,
        "r-": tree.root_tags,
        "ou-": tree.organizational_unit_tags,
        "rt-": transfers.transfer_tags,
        "p-": policies.policy_tags,
        "rp-": delegation.resource_policy_tags,
    }
    assert [check.__name__ for check in standard.delete_checks] == ["refuse_deletion_while_in_progress"]
    assert standard.joined == (policies.account_joined,)
    assert standard.parent_created == (policies.parent_created,)
    assert standard.parent_deleted == (policies.parent_deleted,)
    assert standard.grants == (delegation.grants,)
    assert standard.policy_types == policies.KNOWN_TYPES
    assert rules.standard(policy_types=["SERVICE_CONTROL_POLICY"]).policy_types == ("SERVICE_CONTROL_POLICY",)


def test_a_created_account_waits_before_it_may_leave(world: World) -> None:
    management = world.create_account("111111111111", None, None)
    membership.create_organization(world, management, None, NOW)
    account_creation.request_account(world, management, "new@example.com", "New", (), NOW)
    later = NOW + dt.timedelta(minutes=1)
    world.settle(later)
    (created,) = [a for a in world.accounts.values() if a.email == "new@example.com"]
    assert created.org_id is not None
    with pytest.raises(Rejected) as refused:
        membership.leave(world, created, later)
    assert refused.value.reason == "WAIT_PERIOD_ACTIVE"
    membership.leave(world, created, later + world.limits.created_account_wait)
    assert created.org_id is None


def test_invitations_are_refused_while_all_features_are_pending(world: World) -> None:
    from orgsim.domain.all_features import enable_all_features

    management = world.create_account("111111111111", None, None)
    membership.create_organization(world, management, CONSOLIDATED_BILLING, NOW)
    enable_all_features(world, management, NOW)
    with pytest.raises(Rejected) as refused:
        invitations.invite(world, management, Party("222222222222", ACCOUNT), None, (), NOW)
    assert refused.value.reason == "INVITE_DISABLED_DURING_ENABLE_ALL_FEATURES"


def test_transitions_are_noted_as_they_happen(world: World) -> None:
    management = world.create_account("111111111111", None, None)
    member = world.create_account("222222222222", None, None)
    membership.create_organization(world, management, None, NOW)
    invitation = invitations.invite(world, management, Party(member.id, ACCOUNT), None, (), NOW)
    assert world.take_changes() == ()  # a new handshake is not a transition
    respond(world, member, invitation.id, "accept", NOW)
    assert world.take_changes() == (Change(invitation.id, "OPEN", "ACCEPTED"),)
    assert world.take_changes() == ()
