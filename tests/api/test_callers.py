"""Who may call each operation: the management account, a member, or a standalone account (spec 5, 6).

One table: operation x caller -> "OK" or the modeled error the service answers with.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

import orgsim
from support import World, aws_error


@dataclass
class Scene:
    world: World
    member_id: str
    other_member_id: str
    standalone_id: str
    invitation: dict[str, Any]
    root_id: str
    ou_id: str


@pytest.fixture
def scene(orgsim: orgsim.Simulation) -> Scene:
    world = World.build(orgsim)
    member_id = world.join()
    other_member_id = world.join()
    invitation = world.invite()
    (root,) = world.mgmt.list_roots()["Roots"]
    ou = world.mgmt.create_organizational_unit(ParentId=root["Id"], Name="Existing")["OrganizationalUnit"]
    return Scene(world, member_id, other_member_id, "555555555555", invitation, root["Id"], ou["Id"])


Call = Callable[[Any, Scene], Any]

CALLS: dict[str, Call] = {
    "CreateOrganization": lambda c, s: c.create_organization(),
    "DescribeOrganization": lambda c, s: c.describe_organization(),
    "DeleteOrganization": lambda c, s: c.delete_organization(),
    "InviteAccountToOrganization": lambda c, s: c.invite_account_to_organization(
        Target={"Id": "666666666666", "Type": "ACCOUNT"}
    ),
    "DescribeHandshake": lambda c, s: c.describe_handshake(HandshakeId=s.invitation["Id"]),
    "CancelHandshake": lambda c, s: c.cancel_handshake(HandshakeId=s.invitation["Id"]),
    "ListHandshakesForAccount": lambda c, s: c.list_handshakes_for_account(),
    "ListHandshakesForOrganization": lambda c, s: c.list_handshakes_for_organization(),
    "ListAccounts": lambda c, s: c.list_accounts(),
    "DescribeAccount": lambda c, s: c.describe_account(AccountId=s.other_member_id),
    "LeaveOrganization": lambda c, s: c.leave_organization(),
    "RemoveAccountFromOrganization": lambda c, s: c.remove_account_from_organization(AccountId=s.other_member_id),
    "CloseAccount": lambda c, s: c.close_account(AccountId=s.other_member_id),
    "ListRoots": lambda c, s: c.list_roots(),
    "CreateOrganizationalUnit": lambda c, s: c.create_organizational_unit(ParentId=s.root_id, Name="New"),
    "UpdateOrganizationalUnit": lambda c, s: c.update_organizational_unit(OrganizationalUnitId=s.ou_id, Name="Renamed"),
    "DeleteOrganizationalUnit": lambda c, s: c.delete_organizational_unit(OrganizationalUnitId=s.ou_id),
    "DescribeOrganizationalUnit": lambda c, s: c.describe_organizational_unit(OrganizationalUnitId=s.ou_id),
    "ListOrganizationalUnitsForParent": lambda c, s: c.list_organizational_units_for_parent(ParentId=s.root_id),
    "ListChildren": lambda c, s: c.list_children(ParentId=s.root_id, ChildType="ACCOUNT"),
    "ListParents": lambda c, s: c.list_parents(ChildId=s.other_member_id),
    "ListAccountsForParent": lambda c, s: c.list_accounts_for_parent(ParentId=s.root_id),
    "MoveAccount": lambda c, s: c.move_account(
        AccountId=s.other_member_id, SourceParentId=s.root_id, DestinationParentId=s.ou_id
    ),
    "TagResource": lambda c, s: c.tag_resource(ResourceId=s.other_member_id, Tags=[{"Key": "k", "Value": "v"}]),
    "UntagResource": lambda c, s: c.untag_resource(ResourceId=s.other_member_id, TagKeys=["k"]),
    "ListTagsForResource": lambda c, s: c.list_tags_for_resource(ResourceId=s.other_member_id),
}

NOT_IN_USE = "AWSOrganizationsNotInUseException"
DENIED = "AccessDeniedException"

#: operation -> (management, member, standalone)
EXPECTED: dict[str, tuple[str, str, str]] = {
    "CreateOrganization": ("AlreadyInOrganizationException", "AlreadyInOrganizationException", "OK"),
    "DescribeOrganization": ("OK", "OK", NOT_IN_USE),
    "DeleteOrganization": ("OrganizationNotEmptyException", DENIED, NOT_IN_USE),
    "InviteAccountToOrganization": ("OK", DENIED, NOT_IN_USE),
    "DescribeHandshake": ("OK", "OK", "HandshakeNotFoundException"),
    "CancelHandshake": ("OK", DENIED, "HandshakeNotFoundException"),
    "ListHandshakesForAccount": ("OK", "OK", "OK"),
    "ListHandshakesForOrganization": ("OK", DENIED, NOT_IN_USE),
    "ListAccounts": ("OK", DENIED, NOT_IN_USE),
    "DescribeAccount": ("OK", DENIED, NOT_IN_USE),
    "LeaveOrganization": ("MasterCannotLeaveOrganizationException", "OK", NOT_IN_USE),
    "RemoveAccountFromOrganization": ("OK", DENIED, NOT_IN_USE),
    # The tree, tags and closing: the management account's (delegated administrators are not simulated).
    "CloseAccount": ("OK", DENIED, NOT_IN_USE),
    "ListRoots": ("OK", DENIED, NOT_IN_USE),
    "CreateOrganizationalUnit": ("OK", DENIED, NOT_IN_USE),
    "UpdateOrganizationalUnit": ("OK", DENIED, NOT_IN_USE),
    "DeleteOrganizationalUnit": ("OK", DENIED, NOT_IN_USE),
    "DescribeOrganizationalUnit": ("OK", DENIED, NOT_IN_USE),
    "ListOrganizationalUnitsForParent": ("OK", DENIED, NOT_IN_USE),
    "ListChildren": ("OK", DENIED, NOT_IN_USE),
    "ListParents": ("OK", DENIED, NOT_IN_USE),
    "ListAccountsForParent": ("OK", DENIED, NOT_IN_USE),
    "MoveAccount": ("OK", DENIED, NOT_IN_USE),
    "TagResource": ("OK", DENIED, NOT_IN_USE),
    "UntagResource": ("OK", DENIED, NOT_IN_USE),
    "ListTagsForResource": ("OK", DENIED, NOT_IN_USE),
}

CASES = [
    pytest.param(operation, role, outcome, id=f"{operation}-{role}")
    for operation, outcomes in EXPECTED.items()
    for role, outcome in zip(("management", "member", "standalone"), outcomes)
]


def test_the_table_is_complete() -> None:
    from orgsim.service.routes import HANDLERS

    assert set(EXPECTED) == set(CALLS)
    assert set(CALLS) <= set(HANDLERS["organizations"])
    # Accept and Decline belong to the recipient, whatever its role: see test_respond.py.
    issue_2_operations = set(CALLS) | {"AcceptHandshake", "DeclineHandshake"}
    assert len(issue_2_operations) == 28


@pytest.mark.parametrize(("operation", "role", "outcome"), CASES)
def test_who_may_call(scene: Scene, operation: str, role: str, outcome: str) -> None:
    account_id = {"management": scene.world.mgmt_id, "member": scene.member_id, "standalone": scene.standalone_id}[role]
    client = scene.world.client(account_id)
    call = CALLS[operation]
    if outcome == "OK":
        response = call(client, scene)
        assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    else:
        with aws_error(client, outcome):
            call(client, scene)
