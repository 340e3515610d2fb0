"""The organization tree: its root, OUs, where accounts are, and moving them."""

from __future__ import annotations

from ...domain import membership, organizational_units
from ...domain.model import ACCOUNT, Organization
from ...domain.ordered import OrderedIds
from .. import inputs, render
from ..context import Call, Output, Params
from ..pagination import PageRequest, with_token


def list_roots(call: Call, params: Params) -> Output:
    request = PageRequest.read(call.tokens, params, f"ListRoots:{call.identity.account_id}")
    org = membership.administered_by(call.world, call.caller, call.operation)
    shown, token = request.page(call.tokens, [request.rest([org], _first)], _first, _first, lambda o: o)
    return with_token({"Roots": [render.root(o) for o, _ in shown]}, token)


def create_organizational_unit(call: Call, params: Params) -> Output:
    ou = organizational_units.create(
        call.world, call.caller, params["ParentId"], params["Name"], inputs.tags(params), call.now
    )
    return {"OrganizationalUnit": render.organizational_unit(ou)}


def update_organizational_unit(call: Call, params: Params) -> Output:
    ou = organizational_units.rename(call.world, call.caller, params["OrganizationalUnitId"], params.get("Name"))
    return {"OrganizationalUnit": render.organizational_unit(ou)}


def delete_organizational_unit(call: Call, params: Params) -> Output:
    organizational_units.delete(call.world, call.caller, params["OrganizationalUnitId"])
    return {}


def describe_organizational_unit(call: Call, params: Params) -> Output:
    ou = organizational_units.describe(call.world, call.caller, params["OrganizationalUnitId"])
    return {"OrganizationalUnit": render.organizational_unit(ou)}


def list_organizational_units_for_parent(call: Call, params: Params) -> Output:
    parent_id = params["ParentId"]
    request = PageRequest.read(call.tokens, params, f"{call.operation}:{call.identity.account_id}:{parent_id}")
    org, parent = organizational_units.children_of(call.world, call.caller, parent_id, call.operation)
    found, token = _page(call, request, parent.children.organizational_units)
    units = org.organizational_units
    return with_token({"OrganizationalUnits": [render.organizational_unit(units[i]) for i in found]}, token)


def list_children(call: Call, params: Params) -> Output:
    parent_id, child_type = params["ParentId"], params["ChildType"]
    request = PageRequest.read(call.tokens, params, f"ListChildren:{call.identity.account_id}:{parent_id}:{child_type}")
    _, parent = organizational_units.children_of(call.world, call.caller, parent_id, call.operation)
    children = parent.children
    found, token = _page(call, request, children.accounts if child_type == ACCOUNT else children.organizational_units)
    return with_token({"Children": [{"Id": i, "Type": child_type} for i in found]}, token)


def list_accounts_for_parent(call: Call, params: Params) -> Output:
    parent_id = params["ParentId"]
    request = PageRequest.read(call.tokens, params, f"{call.operation}:{call.identity.account_id}:{parent_id}")
    org, parent = organizational_units.children_of(call.world, call.caller, parent_id, call.operation)
    found, token = _page(call, request, parent.children.accounts)
    accounts = call.world.accounts
    return with_token({"Accounts": [render.account(accounts[i], org) for i in found]}, token)


def list_parents(call: Call, params: Params) -> Output:
    child_id = params["ChildId"]
    # A child has one parent: one page, but a token is still read (and refused: none is ever sent).
    PageRequest.read(call.tokens, params, f"ListParents:{call.identity.account_id}:{child_id}")
    parent = organizational_units.parent_of(call.world, call.caller, child_id)
    return {"Parents": [render.parent(parent)]}


def move_account(call: Call, params: Params) -> Output:
    organizational_units.move_account(
        call.world, call.caller, params["AccountId"], params["SourceParentId"], params["DestinationParentId"]
    )
    return {}


def _page(call: Call, request: PageRequest, index: OrderedIds) -> tuple[list[str], str | None]:
    """A page of the ids in ``index``; a position is the number an id arrived with, so that ids
    arriving or leaving between two pages make the next page skip nobody."""
    after = None if request.after is None else int(request.after)
    found, token = request.take(call.tokens, index.after(after), _position)
    return [item_id for _, item_id in found], token


def _position(entry: tuple[int, str]) -> str:
    return str(entry[0])


def _first(org: Organization) -> str:
    """The position of an organization's one root."""
    return "0"
